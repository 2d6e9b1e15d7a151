//! "Channel messaging": MessageChannel, MessagePort, port message queues,
//! and ports shipped between event loops.
//!
//! <https://html.spec.whatwg.org/multipage/web-messaging.html#channel-messaging>
//!
//! | standard | here |
//! |---|---|
//! | MessageChannel, postMessage, start, close, onmessage, entangle, disentangle | `agent.rs` |
//! | MessagePort objects, transfer and transfer-receiving steps | `port.rs` |
//! | port message queues and entanglement shared across threads | `queue.rs` |
//! | an event loop choosing and running its next task | `event_loop.rs` |
//! | event loops: deterministic stepper, ports and garbage collection | `world.rs` |
//! | event loops on real threads | `threads.rs` |
//! | the synchronisation seam loom replaces | `sync.rs` |

mod agent;
mod event_loop;
mod port;
pub mod queue;
mod sync;
#[cfg(not(loom))]
mod threads;
mod world;

pub use agent::{Agent, DispatchedEvent, EventTarget, GlobalPort, PostOutcome, Reaction};
pub use port::{EventType, MESSAGE_PORT, PortId, PortState, PortTransferData};
#[cfg(not(loom))]
pub use threads::{TaskGate, ThreadedWorld, ThreadsError};
pub use world::{AgentId, World};
