//! "Channel messaging": MessageChannel, MessagePort, port message queues,
//! and ports shipped between event loops.
//!
//! <https://html.spec.whatwg.org/multipage/web-messaging.html#channel-messaging>
//!
//! | standard | here |
//! |---|---|
//! | MessageChannel, postMessage, start, close, onmessage, entangle, disentangle | `channel.rs` |
//! | MessagePort objects, transfer and transfer-receiving steps | `port.rs` |
//! | one agent's ports and global scope, without its realm | `state.rs` |
//! | port message queues and entanglement shared across threads | `queue.rs` |
//! | an event loop choosing and running its next task | `event_loop.rs` |
//! | an agent of the built-in realm | `agent.rs` |
//! | event loops: deterministic stepper, ports and garbage collection | `world.rs` |
//! | event loops on real threads | `threads.rs` |
//! | the synchronisation seam loom replaces | `sync.rs` |

mod agent;
mod channel;
mod event_loop;
mod port;
pub mod queue;
mod state;
mod sync;
#[cfg(not(loom))]
mod threads;
mod world;

pub use agent::{Agent, Reaction};
pub use channel::{PostOutcome, message_channel_port1, message_channel_port2};
pub use event_loop::{DispatchedEvent, EventTarget};
pub use port::{EventType, MESSAGE_PORT, PortHost, PortId, PortState, PortTable, PortTransferData};
pub use state::{GlobalPort, Messaging};
#[cfg(not(loom))]
pub use threads::{ThreadedWorld, ThreadsError};
pub use world::{AgentId, World};
