//! Platform objects in a Boa realm: the native data behind every object
//! whose interface a Web IDL specification defines (`EventTarget`, `Event`,
//! `DOMException`, and later `MessagePort`), and behind the platform objects
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
}

/// The state of one interface.
#[derive(Debug, Trace, Finalize)]
pub enum PlatformState {
    /// Nothing beyond the listener list (`EventTarget`, the global object).
    None,
    /// An `Event` (or `ErrorEvent`).
    Event(Box<EventState>),
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
        }
    }

    /// An `EventTarget` (an object of `interface`, which inherits from it).
    pub fn event_target(interface: impl Into<String>) -> Self {
        PlatformObject {
            interface: interface.into(),
            detached: None,
            listeners: Some(Listeners::default()),
            state: PlatformState::None,
        }
    }
}

/// The platform object data of `object`, if it is a platform object.
pub fn platform_data(object: &JsObject) -> Option<boa_engine::object::Ref<'_, PlatformObject>> {
    object.downcast_ref::<PlatformObject>()
}
