//! "Channel messaging": MessageChannel, MessagePort, port message queues,
//! and ports shipped between event loops.
//!
//! <https://html.spec.whatwg.org/multipage/web-messaging.html#channel-messaging>
//!
//! | standard | here |
//! |---|---|
//! | MessageChannel, postMessage, start, close, onmessage, entangle, disentangle | `channel.rs` |
//! | MessagePort objects, transfer and transfer-receiving steps | `port.rs` |
//! | BroadcastChannel, its registry and its delivery tasks | `broadcast_channel/` (`mod.rs`; `post.rs`, posting and delivery; `collect.rs`, garbage collection) |
//! | one agent's ports and global scope, without its realm | `state.rs` |
//! | port message queues and entanglement shared across threads | `queue.rs` |
//! | waking an event loop only when it sleeps; its ready-port index | `signal.rs` |
//! | an event loop choosing and running its next task | `event_loop.rs` |
//! | an agent of the built-in realm | `agent.rs` |
//! | event loops: deterministic stepper, ports and garbage collection | `world.rs` |
//! | event loops on real threads: the driver; each agent's thread | `threads.rs`; `threads/agent_thread.rs` |
//! | the synchronisation seam loom replaces | `sync.rs` |
//!
//! # Two ways in
//!
//! - [`Agent`], [`World`] and [`ThreadedWorld`] run agents whose realm is the
//!   built-in [`Heap`](crate::ecmascript::Heap): the stepper, the scenarios,
//!   the model checks and the fuzzers use them.
//! - [`Messaging<O>`] is one agent's messaging state for any realm: its
//!   MessagePorts and the messages waiting for its global scope, with `O` the
//!   realm's object handle ([`Realm::Object`](crate::ecmascript::Realm)). It
//!   does not own the realm: every operation that touches it takes
//!   `&mut R` with `R: Realm<Object = O>`, so an engine whose realm is a
//!   short borrow of its context (Boa calls a native function with
//!   `&mut Context`) makes one for each call. [`Agent`] is a `Heap` next to a
//!   `Messaging<ObjectId>`.
//!
//! # Driving `Messaging` from an engine's event loop
//!
//! **Setting up.** One [`TaskClock`](queue::TaskClock) per world of agents
//! that may exchange ports (it orders tasks across them). Each agent's state
//! is made on the agent's own thread with [`Messaging::new`]; for a worker,
//! the parent makes the worker's [`GlobalPort`] first with
//! [`GlobalPort::new`] (so it can post to the worker at once), sends it to
//! the worker's thread, and the worker builds its state there with
//! [`Messaging::with_global`]. The realm must implement
//! [`Realm::create_platform_object`](crate::ecmascript::Realm::create_platform_object)
//! (giving a MessagePort its prototype) and keep [[Detached]]
//! (`platform_object`, `set_detached`); the port table keeps the map from
//! port objects to ports itself.
//!
//! **Script's calls**, each with the agent's realm:
//!
//! | script | call |
//! |---|---|
//! | `new MessageChannel()` | [`Messaging::new_message_channel`], then [`Messaging::port_object`] for `port1` / `port2` |
//! | `port.postMessage(v, transfer)` / `(v, {transfer})` | [`Messaging::post_message`] / [`Messaging::post_message_with_options`], the port found by [`Messaging::port_of`] |
//! | `port.start()`, `port.close()` | [`Messaging::start`], [`Messaging::close`] |
//! | `port.onmessage = f` (and `onmessageerror`, `onclose`) | [`Messaging::set_onmessage`] (the first time it starts the queue), … |
//! | `port.addEventListener(type, f)` | [`Messaging::add_event_listener`] (counted for garbage collection) |
//! | `worker.postMessage(v, transfer)` | [`Messaging::post_to_global`] with the worker's [`GlobalPort`] |
//! | `new BroadcastChannel(name)` | [`Messaging::new_broadcast_channel`] (converts `name` with ToString), then [`Messaging::broadcast_object`]; the channel behind an object: [`Messaging::broadcast_of`] |
//! | `bc.name`, `bc.postMessage(v)`, `bc.close()` | [`Messaging::broadcast_name`], [`Messaging::post_broadcast`] ([`BroadcastError::InvalidState`] is the InvalidStateError DOMException), [`Messaging::close_broadcast`] |
//! | `bc.onmessage = f` (and `onmessageerror`), `bc.addEventListener(type, f)` | [`Messaging::set_broadcast_onmessage`], … , [`Messaging::add_broadcast_listener`] (counted for garbage collection) |
//! | `structuredClone(v, {transfer})` | `structured_clone(realm, &mut messaging.platform_objects(), v, transfer)` |
//!
//! The engine's own serializable platform objects (a DOMException) cross
//! ports too when it passes a host of its own that answers for them and
//! hands MessagePorts to [`Messaging::platform_objects`]:
//! [`Messaging::post_message_in`], [`Messaging::post_message_with_options_in`],
//! [`Messaging::post_to_global_in`] and, on the receiving side,
//! [`Messaging::run_next_task_in`].
//!
//! The engine keeps listeners and handlers' functions itself; the calls above
//! tell the messaging state what the standard needs to know of them.
//!
//! **Each turn of the event loop:**
//!
//! 1. `let seen = messaging.signal().generation();` — first, so that a task
//!    added while the turn runs is not missed.
//! 2. [`Messaging::next_ready`] says whether a messaging task is ready, and
//!    its sequence number (smaller is older); compare with the engine's own
//!    task sources (timers) to pick which runs.
//! 3. [`Messaging::run_next_task`] runs the oldest ready messaging task:
//!    it deserializes the message into the realm and returns the
//!    [`DispatchedEvent`] — `message` with `data` (a value of the realm) and
//!    the new ports (their objects through [`Messaging::port_object`]: the
//!    event's frozen `ports` array), `messageerror`, or `close` — at a port
//!    or at the global scope. No author code runs inside; the engine then
//!    fires the event at the target's listeners and performs a microtask
//!    checkpoint.
//! 4. With nothing ready, [`Signal::wait_for_change`](queue::Signal::wait_for_change)`(seen, timeout)`
//!    sleeps until another thread adds a task (or until the next timer).
//!
//! When the agent ends, [`Messaging::shut_down`] (or dropping the state)
//! disentangles its ports. An engine that learns its garbage collector took
//! a port object calls [`Messaging::collect_port`].
//!
//! **Threads.** `Messaging<O>` is `Send` only when `O` is, and an engine's
//! objects usually are not: the state stays on its agent's thread. What
//! crosses threads is `Send`: the [`TaskClock`](queue::TaskClock), the
//! [`Signal`](queue::Signal), [`GlobalPort`]s, and the serialized messages
//! with the channel ends they carry.
//!
//! **Re-entrancy.** Every operation takes `&self` (keep the state in an
//! `Rc`), and the port table inside is borrowed only for the moment a step
//! needs it, never while the realm runs: a getter that runs during
//! `postMessage`'s serialization may itself create, post, ship or close
//! ports of the same agent.
//!
//! # Example
//!
//! A main agent ships a port to a worker on another thread, posts `"ping"`
//! to it while it is in flight, and waits for the worker's `"pong"`; the
//! built-in `Heap` stands in for an engine's realm.
//!
//! ```
//! use std::sync::Arc;
//! use std::time::Duration;
//! use webmessaging::ecmascript::{AgentClusterId, Heap, JsString, Value};
//! use webmessaging::messaging::queue::TaskClock;
//! use webmessaging::messaging::{DispatchedEvent, EventTarget, GlobalPort, Messaging};
//!
//! /// One agent's event loop, for at most `turns` turns: runs tasks, hands
//! /// each event to `dispatch`, and stops when `dispatch` says so.
//! fn event_loop(
//!     messaging: &Messaging,
//!     realm: &mut Heap,
//!     turns: usize,
//!     mut dispatch: impl FnMut(&mut Heap, DispatchedEvent) -> bool,
//! ) -> bool {
//!     let signal = messaging.signal();
//!     for _ in 0..turns {
//!         let seen = signal.generation();
//!         if messaging.next_ready().is_none() {
//!             signal.wait_for_change(seen, Duration::from_millis(100));
//!             continue;
//!         }
//!         if let Some(event) = messaging.run_next_task(realm) {
//!             if dispatch(realm, event) {
//!                 return true;
//!             }
//!         }
//!     }
//!     false
//! }
//!
//! let clock = Arc::new(TaskClock::new());
//! let worker_global = GlobalPort::new(clock.clone());
//! let for_worker = worker_global.clone();
//! let worker = std::thread::spawn(move || {
//!     let mut realm = Heap::new(AgentClusterId(0));
//!     let messaging = Messaging::with_global("worker", for_worker);
//!     let mut port = None;
//!     event_loop(&messaging, &mut realm, 100, |realm, event| match event.target {
//!         // `self.onmessage = e => { e.ports[0].onmessage = … }`
//!         EventTarget::Global => {
//!             port = event.ports.first().copied();
//!             port.into_iter().for_each(|p| messaging.set_onmessage(p));
//!             false
//!         }
//!         // `port.onmessage = () => port.postMessage("pong")`
//!         EventTarget::Port(p) => {
//!             messaging.post_message(realm, p, &Value::from("pong"), &[]).is_ok()
//!         }
//!         // No BroadcastChannel here; the enum may grow.
//!         _ => false,
//!     })
//! });
//!
//! let mut realm = Heap::new(AgentClusterId(0));
//! let main = Messaging::new("main", clock);
//! let (port1, port2) = main.new_message_channel(&mut realm, "port1", "port2");
//! main.set_onmessage(port1);
//! let port2_object = main.port_object(port2).unwrap();
//! main.post_to_global(&mut realm, &worker_global, &Value::Undefined, &[port2_object])
//!     .unwrap();
//! // port2 is in flight: the message waits in the queue that travels with it.
//! main.post_message(&mut realm, port1, &Value::from("ping"), &[]).unwrap();
//!
//! let mut reply = None;
//! event_loop(&main, &mut realm, 100, |_, event| {
//!     reply = event.data;
//!     true
//! });
//! assert!(worker.join().unwrap(), "the worker answered");
//! assert!(matches!(reply, Some(Value::String(s)) if s == JsString::from("pong")));
//! ```

mod agent;
mod broadcast_channel;
mod channel;
mod clock;
mod event_loop;
mod hand;
mod listeners;
mod port;
pub mod queue;
mod ready;
mod signal;
#[cfg(not(loom))]
mod spin;
mod state;
mod sync;
mod task_queue;
#[cfg(not(loom))]
mod threads;
mod world;

pub use agent::{Agent, EventLog, Reaction};
pub use broadcast_channel::{
    BROADCAST_CHANNEL, BroadcastError, BroadcastId, BroadcastState, BroadcastTable, Registry, StorageKey,
};
pub use channel::{PostOutcome, message_channel_port1, message_channel_port2};
pub use event_loop::{DispatchedEvent, EventTarget};
pub use listeners::EventListeners;
pub use port::{EventType, MESSAGE_PORT, PortHost, PortId, PortState, PortTable, PortTransferData};
pub use state::{GlobalPort, Messaging};
#[cfg(not(loom))]
pub use threads::{TaskGate, ThreadedWorld, ThreadsError};
pub use world::{AgentId, World};
