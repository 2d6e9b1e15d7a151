//! What the model says script observes, and the port states it compares.

use crate::scenario::{Data, EventKind};

/// What `postMessage` did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PostResult {
    /// A task was added to the target port's queue.
    Queued,
    /// The port was not entangled: nothing was sent.
    NoTargetPort,
    /// The target port was in the transfer list: nothing was sent.
    Doomed,
    /// It threw a "DataCloneError" DOMException.
    DataCloneError,
}

/// What sending a port to another agent's global scope did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShipResult {
    /// The message is on its way.
    Sent,
    /// Serializing it threw a "DataCloneError" (the port was detached).
    DataCloneError,
}

/// A dispatched event, as script sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// The agent whose event loop dispatched it.
    pub agent: String,
    /// The target port's label, or `global`.
    pub target: String,
    /// Its type.
    pub kind: EventKind,
    /// `data`, for `message`.
    pub data: Option<Data>,
    /// The labels of the ports it carries, in transfer order.
    pub ports: Vec<String>,
    /// How many listeners (an `onmessage` handler counts as one) it reached.
    pub listeners: usize,
}

/// Something an operation made observable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Observation {
    /// The outcome of a post.
    Post(PostResult),
    /// The outcome of a ship.
    Ship(ShipResult),
    /// An event was dispatched.
    Event(Event),
    /// Garbage collection took this port.
    Collected {
        /// Its agent.
        agent: String,
        /// Its label.
        label: String,
    },
}

/// A live port object, for choosing what to do next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LivePort {
    /// Its agent.
    pub agent: String,
    /// Its label.
    pub label: String,
    /// Not detached: it can still be posted on, started, shipped.
    pub usable: bool,
    /// Messages wait in its queue, which is not enabled yet.
    pub waiting: bool,
}

/// The state of one port object, for comparison after every operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortView {
    /// Its agent.
    pub agent: String,
    /// Its label.
    pub label: String,
    /// Its [[Detached]] slot (closed, or shipped away).
    pub detached: bool,
    /// The queue it holds; `None` once the port was shipped away.
    pub queue: Option<QueueView>,
}

/// The state of a port message queue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueueView {
    /// Entangled with another queue.
    pub entangled: bool,
    /// Enabled (by `start()` or the first `onmessage`).
    pub enabled: bool,
    /// The "has been shipped" flag of the port holding it.
    pub shipped: bool,
    /// Message tasks waiting in it.
    pub queued: usize,
    /// A `close` event waits to be fired at its port.
    pub close_pending: bool,
}
