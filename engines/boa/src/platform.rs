//! Platform objects in a Boa realm: the native data behind every object
//! whose interface a Web IDL specification defines (`EventTarget`, `Event`,
//! `DOMException`, `MessagePort`, `Worker`, ...), and behind the platform objects
//! of the graph notation.
//!
//! The reference's [`Realm`](webmessaging::ecmascript::Realm) asks of a
//! platform object only its primary interface and its HTML [[Detached]]
//! slot; the interface-specific state lives in [`PlatformState`].

use crate::host::event::{EventState, Listeners};
use boa_engine::{Finalize, JsData, JsObject, JsString, Trace};

/// The native data of a platform object.
#[derive(Debug, Trace, Finalize, JsData)]
pub struct PlatformObject {
    /// The identifier of the object's primary interface.
    #[unsafe_ignore_trace]
    pub interface: String,
    /// The HTML [[Detached]] slot: present (`Some`) only on objects of a
    /// transferable interface.
    #[unsafe_ignore_trace]
    pub detached: Option<bool>,
    /// The event listener list, if the object is an `EventTarget`.
    pub listeners: Option<Listeners>,
    /// What the primary interface keeps.
    pub state: PlatformState,
    /// Objects this one keeps alive for the garbage collector only: filled
    /// during a collection (`host/gc.rs`) with the listening MessagePorts
    /// this port is entangled with, which the standard says it holds
    /// strongly; emptied again after it.
    pub holds: Vec<JsObject>,
}

/// The state of one interface.
#[derive(Debug, Trace, Finalize)]
pub enum PlatformState {
    /// Nothing beyond the listener list (`EventTarget`, the global object).
    None,
    /// An `Event` (or `ErrorEvent`).
    Event(Box<EventState>),
    /// A `MessageChannel`: its two ports.
    MessageChannel {
        /// `port1`
        port1: JsObject,
        /// `port2`
        port2: JsObject,
        /// The two ports' numbers in the agent's port table.
        #[unsafe_ignore_trace]
        ports: (u64, u64),
    },
    /// A `Worker`: its number among the agent's workers, and the outside
    /// port of its implicit channel (by its number in the port table).
    Worker {
        /// The worker's number.
        #[unsafe_ignore_trace]
        id: u64,
        /// The outside port.
        #[unsafe_ignore_trace]
        outside: u64,
    },
    /// A `DOMException`: its name and message.
    DomException {
        /// The `name` attribute.
        #[unsafe_ignore_trace]
        name: JsString,
        /// The `message` attribute.
        #[unsafe_ignore_trace]
        message: JsString,
    },
}

impl PlatformObject {
    /// A platform object of `interface` with no state of its own.
    pub fn plain(interface: impl Into<String>, detached: Option<bool>) -> Self {
        PlatformObject::with_state(interface, detached, PlatformState::None)
    }

    /// A platform object of `interface` (not an event target) with `state`.
    pub fn with_state(interface: impl Into<String>, detached: Option<bool>, state: PlatformState) -> Self {
        PlatformObject {
            interface: interface.into(),
            detached,
            listeners: None,
            state,
            holds: Vec::new(),
        }
    }

    /// A `MessagePort`: an event target with [[Detached]] (false at first).
    pub fn message_port() -> Self {
        let mut port = PlatformObject::event_target(webmessaging::messaging::MESSAGE_PORT);
        port.detached = Some(false);
        port
    }

    /// An `EventTarget` (an object of `interface`, which inherits from it).
    pub fn event_target(interface: impl Into<String>) -> Self {
        PlatformObject {
            interface: interface.into(),
            detached: None,
            listeners: Some(Listeners::default()),
            state: PlatformState::None,
            holds: Vec::new(),
        }
    }
}

/// The platform object data of `object`, if it is a platform object.
pub fn platform_data(object: &JsObject) -> Option<boa_engine::object::Ref<'_, PlatformObject>> {
    object.downcast_ref::<PlatformObject>()
}
