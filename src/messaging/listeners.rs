//! The event handlers and listeners an event target (a MessagePort or a
//! BroadcastChannel) has, as far as the messaging steps care: how many
//! listeners an event reaches, and whether a `message` or `messageerror`
//! listener keeps the target alive.

use std::collections::{BTreeMap, BTreeSet};

use super::port::EventType;

/// One event target's event handlers and listener counts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventListeners {
    /// The event handlers set (`onmessage` and the like).
    handlers: BTreeSet<EventType>,
    /// Listeners registered per event type (an event handler counts as one).
    counts: BTreeMap<EventType, usize>,
}

impl EventListeners {
    /// The event handlers set.
    pub fn handlers(&self) -> &BTreeSet<EventType> {
        &self.handlers
    }

    /// How many listeners of `event` are registered (an event handler counts
    /// as one).
    pub fn count(&self, event: EventType) -> usize {
        self.counts.get(&event).copied().unwrap_or(0)
    }

    /// Whether a `message` or `messageerror` listener is registered (what
    /// the garbage collection rules of ports and of BroadcastChannels look
    /// at).
    pub fn has_message_listeners(&self) -> bool {
        self.count(EventType::Message) > 0 || self.count(EventType::MessageError) > 0
    }

    /// Sets the event handler for `event`: one listener however often it is
    /// set. Returns whether it was set for the first time.
    pub(crate) fn set_handler(&mut self, event: EventType) -> bool {
        let first_time = self.handlers.insert(event);
        if first_time {
            self.add_listener(event);
        }
        first_time
    }

    /// Adds a listener (`addEventListener`).
    pub(crate) fn add_listener(&mut self, event: EventType) {
        *self.counts.entry(event).or_insert(0) += 1;
    }
}
