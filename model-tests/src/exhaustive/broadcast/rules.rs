//! The rules of BroadcastChannel delivery every transition is held to, each
//! a named stateright [`Property`]. What a step dispatched is judged when
//! the step is taken (the state it leads to records the broken rule), from
//! the task the model ran and the world before it.
//!
//! Sources are step ids of the standard; readings are keys of
//! spec/deviations.md ("Ambiguities").

use super::space::{Broadcasting, State};
use crate::broadcast::{BROADCAST_AGENTS, BroadcastModel, Payload, Seen, Task};
use stateright::Property;
use std::sync::atomic::Ordering;

/// A rule, by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BroadcastRule {
    /// A channel never gets its own message.
    NotToItself,
    /// A message goes only to channels of the poster's name and storage key.
    SameNameAndKey,
    /// A channel closed after a message was queued for it never gets it.
    NothingAfterClose,
    /// A channel made after a post never gets that message.
    NotBeforeCreation,
    /// Messages reach one channel in the order they were queued for it.
    InOrder,
    /// A SharedArrayBuffer from another agent cluster arrives as a
    /// `messageerror`, and nothing else does.
    ErrorAcrossClusters,
}

/// A rule a step broke, and how.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Broken {
    /// The rule.
    pub rule: BroadcastRule,
    /// What happened, in words.
    pub what: String,
}

impl BroadcastRule {
    /// Every rule, in the order they are reported.
    pub const ALL: [BroadcastRule; 6] = [
        BroadcastRule::NotToItself,
        BroadcastRule::SameNameAndKey,
        BroadcastRule::NothingAfterClose,
        BroadcastRule::NotBeforeCreation,
        BroadcastRule::InOrder,
        BroadcastRule::ErrorAcrossClusters,
    ];

    /// Its name: the property's name in stateright and in reports.
    pub fn name(self) -> &'static str {
        match self {
            BroadcastRule::NotToItself => "a channel never gets its own message",
            BroadcastRule::SameNameAndKey => {
                "a message goes only to channels of the same name and storage key"
            }
            BroadcastRule::NothingAfterClose => {
                "a channel closed after a message was queued for it never gets it"
            }
            BroadcastRule::NotBeforeCreation => "a channel made after a post never gets that message",
            BroadcastRule::InOrder => "messages reach a channel in the order they were queued",
            BroadcastRule::ErrorAcrossClusters => {
                "a SharedArrayBuffer from another agent cluster is a messageerror, and only that"
            }
        }
    }

    /// Where it comes from in the standard.
    pub fn source(self) -> &'static str {
        match self {
            BroadcastRule::NotToItself => {
                "dom-broadcastchannel-postmessage/7; reading broadcast-source-is-this"
            }
            BroadcastRule::SameNameAndKey => "dom-broadcastchannel-postmessage/5-6",
            BroadcastRule::NothingAfterClose => "dom-broadcastchannel-postmessage/9.1",
            BroadcastRule::NotBeforeCreation => {
                "dom-broadcastchannel-postmessage/6, /9 (the destinations are fixed when posting)"
            }
            BroadcastRule::InOrder => {
                "dom-broadcastchannel-postmessage/8-9 (one task source, queued in order); reading broadcast-order-across-agents"
            }
            BroadcastRule::ErrorAcrossClusters => "dom-broadcastchannel-postmessage/9.3-9.4",
        }
    }

    /// The stateright property.
    pub(super) fn property(self) -> Property<Broadcasting> {
        let condition: fn(&Broadcasting, &State) -> bool = match self {
            // The first property counts the states checked.
            BroadcastRule::NotToItself => |space, state| {
                space.visited.fetch_add(1, Ordering::Relaxed);
                !state.broke(BroadcastRule::NotToItself)
            },
            BroadcastRule::SameNameAndKey => |_, state| !state.broke(BroadcastRule::SameNameAndKey),
            BroadcastRule::NothingAfterClose => |_, state| !state.broke(BroadcastRule::NothingAfterClose),
            BroadcastRule::NotBeforeCreation => |_, state| !state.broke(BroadcastRule::NotBeforeCreation),
            BroadcastRule::InOrder => |_, state| !state.broke(BroadcastRule::InOrder),
            BroadcastRule::ErrorAcrossClusters => |_, state| !state.broke(BroadcastRule::ErrorAcrossClusters),
        };
        Property::always(self.name(), condition)
    }

    /// How `state` breaks the rule, if it does.
    pub fn explain(self, state: &State) -> Option<String> {
        state
            .broken
            .iter()
            .find(|b| b.rule == self)
            .map(|b| b.what.clone())
    }
}

/// The rules a step that ran `task` in the world `before` and showed
/// script `seen` broke.
pub(super) fn judge_step(before: &BroadcastModel, task: &Task, seen: &Seen) -> Vec<Broken> {
    let channels = before.channels();
    let (to, from) = (&channels[task.destination], &channels[task.source]);
    let mut broken = Vec::new();
    let mut broke = |rule: BroadcastRule, what: String| broken.push(Broken { rule, what });
    let label = |i: usize| format!("c{i}");
    if task.destination == task.source {
        broke(
            BroadcastRule::NotToItself,
            format!("{} got a message it posted", label(task.source)),
        );
    }
    let key = |agent: usize| BROADCAST_AGENTS[agent].2;
    if to.name != from.name || key(to.agent) != key(from.agent) {
        broke(
            BroadcastRule::SameNameAndKey,
            format!(
                "{} (storage key {}) got a message of {} (storage key {})",
                label(task.destination),
                key(to.agent),
                label(task.source),
                key(from.agent)
            ),
        );
    }
    if to.closed {
        broke(
            BroadcastRule::NothingAfterClose,
            format!("{} got a message after its close", label(task.destination)),
        );
    }
    if task.destination >= task.made {
        broke(
            BroadcastRule::NotBeforeCreation,
            format!(
                "{} got a message posted when only {} channel(s) existed",
                label(task.destination),
                task.made
            ),
        );
    }
    if before
        .tasks()
        .any(|t| t.destination == task.destination && t.seq < task.seq)
    {
        broke(
            BroadcastRule::InOrder,
            format!(
                "{} got a message while an older one for it waited",
                label(task.destination)
            ),
        );
    }
    let across = task.payload == Payload::Shared && task.source_cluster != BROADCAST_AGENTS[to.agent].1;
    let error = matches!(seen, Seen::Event(_, _, "messageerror", _));
    if across != error {
        broke(
            BroadcastRule::ErrorAcrossClusters,
            format!("{} saw {seen:?}", label(task.destination)),
        );
    }
    broken
}
