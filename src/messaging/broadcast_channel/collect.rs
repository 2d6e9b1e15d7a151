//! BroadcastChannel and garbage collection: which channels script let go
//! of may still be reached (by their global, while they listen, or by a
//! delivery task queued for them), and collecting the rest.
//!
//! <https://html.spec.whatwg.org/multipage/web-messaging.html#broadcasting-to-other-browsing-contexts>

use super::{BroadcastId, BroadcastState};
use crate::messaging::state::Messaging;
use crate::spec::step;
use std::collections::BTreeSet;
use std::hash::Hash;

impl<O: Clone + Eq + Hash> Messaging<O> {
    /// Collects the BroadcastChannels no live code can reach: those script
    /// let go of, unless open with `message` or `messageerror` listeners
    /// (their global holds them, while it is eligible for messaging) or a
    /// delivery task queued for them (the task holds them). Returns the
    /// collected channels' labels.
    ///
    /// <https://html.spec.whatwg.org/multipage/web-messaging.html#broadcasting-to-other-browsing-contexts>
    pub fn collect_broadcast_garbage(&self) -> Vec<(BroadcastId, String)> {
        let pending: BTreeSet<BroadcastId> = {
            let table = self.broadcasts();
            let tasks = &table.inbox.tasks;
            tasks.with(|tasks| tasks.iter().map(|t| t.destination).collect())
        };
        let registry = self.clock();
        let mut table = self.broadcasts_mut();
        let mut collected = Vec::new();
        let eligible = table.is_eligible();
        let ids: Vec<BroadcastId> = table.channels.keys().copied().collect();
        for id in ids {
            let Some(channel) = table.channels.get(&id) else {
                continue;
            };
            if channel.held_by_script || kept_by_global(channel, pending.contains(&id), eligible) {
                continue;
            }
            if let Some(channel) = table.channels.remove(&id) {
                table.objects.remove(&channel.object);
                registry.broadcasts().remove(id);
                collected.push((id, channel.label));
            }
        }
        collected
    }

    /// Whether the channel `id` must stay alive whatever script holds: it
    /// is open and has `message` or `messageerror` listeners (its global
    /// holds it, while it is eligible for messaging), or a delivery task is
    /// queued for it. An engine whose
    /// collector decides which objects live keeps such a channel's object;
    /// any other it may collect once script cannot reach it.
    ///
    /// <https://html.spec.whatwg.org/multipage/web-messaging.html#broadcasting-to-other-browsing-contexts>
    pub fn broadcast_kept(&self, id: BroadcastId) -> bool {
        let table = self.broadcasts();
        let pending = table
            .inbox
            .tasks
            .with(|tasks| tasks.iter().any(|t| t.destination == id));
        table
            .channels
            .get(&id)
            .is_some_and(|c| kept_by_global(c, pending, table.is_eligible()))
    }
}

/// Whether an open channel is kept by its global (it listens for messages)
/// or by a delivery task queued for it (`pending`), the global being
/// `eligible` for messaging. A task for a closed channel will do nothing at
/// its turn (step 9.1), so it keeps nothing.
fn kept_by_global<O>(channel: &BroadcastState<O>, pending: bool, eligible: bool) -> bool {
    if channel.closed {
        return false;
    }
    // AMBIGUITY(broadcast-gone-global-holds-nothing): the global's strong
    // reference is read as lasting while the global is eligible for
    // messaging; once its agent went away or its worker is closing (the
    // standard's note: "until their page or worker is closed"), no message
    // can reach the channel any more (and its queued tasks were dropped),
    // so only script keeps it.
    if !eligible {
        return false;
    }
    if pending {
        return true;
    }
    let listened = channel.listeners.has_message_listeners();
    if listened {
        step!("broadcasting-to-other-browsing-contexts/1"); // its global holds it
    }
    listened
}
