//! The rules every reachable state is held to, each a named stateright
//! [`Property`]. A rule about what an operation did (what was dispatched,
//! what disappeared, what was collected) is judged by the audit
//! ([`super::audit`]) when the operation is applied, which records a broken
//! rule in the state it leads to; a rule about a state alone is judged here.
//!
//! Readings of the standard the rules rely on are named by their keys in
//! spec/deviations.md.

use super::facts::Facts;
use super::space::{Messaging, State};
use crate::model::{Model, RUN_LIMIT};
use crate::scenario::Op;
use stateright::Property;
use std::sync::atomic::Ordering;

/// A rule, by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rule {
    /// See [`at_most_once`].
    AtMostOnce,
    /// See [`in_order`].
    InOrder,
    /// See [`at_the_holder`].
    AtTheHolder,
    /// See [`never_lost`].
    NeverLost,
    /// See [`nothing_after_close`].
    NothingAfterClose,
    /// See [`close_after_messages`].
    CloseAfterMessages,
    /// See [`listener_keeps_port`].
    ListenerKeepsPort,
    /// See [`roots_keep_port`].
    RootsKeepPort,
    /// See [`one_owner`].
    OneOwner,
    /// See [`enabled_queue_drains`].
    EnabledQueueDrains,
    /// See [`idle_is_collectable`].
    IdleIsCollectable,
}

/// A rule an operation broke, and how.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Broken {
    /// The rule.
    pub rule: Rule,
    /// What happened, in words.
    pub what: String,
}

impl Rule {
    /// Every rule, in the order they are reported.
    pub const ALL: [Rule; 11] = [
        Rule::AtMostOnce,
        Rule::InOrder,
        Rule::AtTheHolder,
        Rule::NeverLost,
        Rule::NothingAfterClose,
        Rule::CloseAfterMessages,
        Rule::ListenerKeepsPort,
        Rule::RootsKeepPort,
        Rule::OneOwner,
        Rule::EnabledQueueDrains,
        Rule::IdleIsCollectable,
    ];

    /// Its name: the property's name in stateright and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Rule::AtMostOnce => "a message is delivered at most once",
            Rule::InOrder => "messages are delivered in per-sender order",
            Rule::AtTheHolder => "a message goes to the entangled port and is dispatched at whoever holds it",
            Rule::NeverLost => "a message is never lost while its port is reachable",
            Rule::NothingAfterClose => "nothing is queued at a port after its close",
            Rule::CloseAfterMessages => "close comes after the messages queued before it",
            Rule::ListenerKeepsPort => "a port with message listeners and a live partner is never collected",
            Rule::RootsKeepPort => "a port script holds or with an event waiting is never collected",
            Rule::OneOwner => "no port message queue is owned by two ports",
            Rule::EnabledQueueDrains => "an enabled queue drains when its agents run",
            Rule::IdleIsCollectable => "with nothing held, idle agents leave everything collectable",
        }
    }

    /// Where it comes from: the standard's steps and the readings it uses.
    pub fn source(self) -> &'static str {
        match self {
            Rule::AtMostOnce => "message-port-post-message-steps/7",
            Rule::InOrder => "unshipped-port-message-queue/1; reading queue-travels-with-port",
            Rule::AtTheHolder => {
                "dom-messageport-postmessage/1, message-port-post-message-steps/7.1-7.7; readings queue-travels-with-port, both-ends-stay-entangled"
            }
            Rule::NeverLost => {
                "message-port-post-message-steps/7, transferMessagePort-receiving/2; except ports-and-garbage-collection/1 and readings lost-port-disentangles, stranded-ends-released"
            }
            Rule::NothingAfterClose => "disentangle/3-4, message-port-post-message-steps/6",
            Rule::CloseAfterMessages => "disentangle/4; reading close-is-a-task",
            Rule::ListenerKeepsPort => {
                "ports-and-garbage-collection/2; reading gc-in-flight-end-holds-partner"
            }
            Rule::RootsKeepPort => "ports-and-garbage-collection/3",
            Rule::OneOwner => {
                "transferMessagePort/2, transferMessagePort-receiving/2; reading shipped-original-is-inert"
            }
            Rule::EnabledQueueDrains => {
                "port-message-queue (an enabled queue is a task source); reading close-is-a-task"
            }
            Rule::IdleIsCollectable => "ports-and-garbage-collection/1-3",
        }
    }

    /// The stateright property.
    pub(super) fn property(self) -> Property<Messaging> {
        let condition = match self {
            Rule::AtMostOnce => at_most_once,
            Rule::InOrder => in_order,
            Rule::AtTheHolder => at_the_holder,
            Rule::NeverLost => never_lost,
            Rule::NothingAfterClose => nothing_after_close,
            Rule::CloseAfterMessages => close_after_messages,
            Rule::ListenerKeepsPort => listener_keeps_port,
            Rule::RootsKeepPort => roots_keep_port,
            Rule::OneOwner => one_owner,
            Rule::EnabledQueueDrains => enabled_queue_drains,
            Rule::IdleIsCollectable => idle_is_collectable,
        };
        Property::always(self.name(), condition)
    }

    /// How `state` breaks the rule, if it does.
    pub fn explain(self, state: &State) -> Option<String> {
        match self {
            Rule::OneOwner => owned_twice(&state.model),
            Rule::EnabledQueueDrains => undrained(&state.model),
            Rule::IdleIsCollectable => left_uncollectable(&state.model),
            rule => state
                .broken
                .iter()
                .find(|b| b.rule == rule)
                .map(|b| b.what.clone()),
        }
    }
}

/// A message posted is delivered at most once: the post message steps
/// queue one task per post (message-port-post-message-steps/7), and running
/// a task takes it out of its queue. Judged at every operation: no message
/// waits in two places, and a dispatched message is gone afterwards.
fn at_most_once(space: &Messaging, state: &State) -> bool {
    // The first property: stateright judges every property in every state
    // it checks, so this counts them.
    space.visited.fetch_add(1, Ordering::Relaxed);
    Rule::AtMostOnce.explain(state).is_none()
}

/// Messages from one port arrive in the order they were posted: the tasks
/// of a port message queue run in the order they were added
/// (unshipped-port-message-queue/1, which the project takes for every
/// queue), and the queue travels with its port, tasks and all (reading
/// `queue-travels-with-port`). Judged at every dispatch: the message
/// dispatched is the oldest in its queue.
fn in_order(_: &Messaging, state: &State) -> bool {
    Rule::InOrder.explain(state).is_none()
}

/// A post adds its task to the queue of the port entangled with the source
/// (dom-messageport-postmessage/1, message-port-post-message-steps/7), and
/// the task fires at whichever port holds that queue when it runs, in that
/// port's agent, with the message's data or `messageerror`, and new ports
/// holding the queues it carried (/7.1-7.7; readings
/// `queue-travels-with-port`, `both-ends-stay-entangled`). Judged at every
/// post and every dispatch; a message is dispatched only from an enabled
/// queue.
fn at_the_holder(_: &Messaging, state: &State) -> bool {
    Rule::AtTheHolder.explain(state).is_none()
}

/// A message waits until it is dispatched; it disappears otherwise only
/// with its port message queue, when the port holding it is collected
/// (ports-and-garbage-collection/1), when it was lost in a message that is
/// never delivered (reading `lost-port-disentangles`), or when it waits,
/// shipped, where nothing reaches it (reading `stranded-ends-released`).
/// Judged at every operation: every task and every queue that disappears
/// is accounted for.
fn never_lost(_: &Messaging, state: &State) -> bool {
    Rule::NeverLost.explain(state).is_none()
}

/// Once a port's `close` is queued its channel is gone (disentangle/3-4):
/// the port's partner has no target port, so nothing new is queued at it
/// (message-port-post-message-steps/6), and whatever is dispatched at it
/// after its `close` was queued before it. Judged at every post.
fn nothing_after_close(_: &Messaging, state: &State) -> bool {
    Rule::NothingAfterClose.explain(state).is_none()
}

/// `close` is a task queued after the messages already in the port's queue
/// (disentangle/4 under the reading `close-is-a-task`): it is dispatched
/// only once no message queued before it waits, and nothing is dispatched
/// at the port after it. Judged at every dispatch.
fn close_after_messages(_: &Messaging, state: &State) -> bool {
    Rule::CloseAfterMessages.explain(state).is_none()
}

/// An entangled port with `message` or `messageerror` listeners is held by
/// its entangled port (ports-and-garbage-collection/2), also while that
/// end is in flight (reading `gc-in-flight-end-holds-partner`): a
/// collection never takes it while the partner's queue lives on. Judged at
/// every `gc`.
fn listener_keeps_port(_: &Messaging, state: &State) -> bool {
    Rule::ListenerKeepsPort.explain(state).is_none()
}

/// A port script holds is reachable, and one with an event waiting to be
/// dispatched at it (a pending `close`, or an enabled queue with messages)
/// is kept (ports-and-garbage-collection/3). Judged at every `gc`.
fn roots_keep_port(_: &Messaging, state: &State) -> bool {
    Rule::RootsKeepPort.explain(state).is_none()
}

/// A port message queue belongs to one port, or to the data holder of one
/// message in flight (transferMessagePort/2 gives it to the holder,
/// transferMessagePort-receiving/2 to the new port; the shipped original
/// keeps none, reading `shipped-original-is-inert`). Judged in every state.
fn one_owner(_: &Messaging, state: &State) -> bool {
    owned_twice(&state.model).is_none()
}

/// Liveness: an enabled port message queue is a task source of its event
/// loop (port-message-queue), so when the agents run until idle every
/// message in an enabled queue is dispatched, every message at a global
/// scope too, and a pending `close` fires unless messages queued before it
/// wait in a queue not started (reading `close-is-a-task`). Judged in every
/// state by running it to idle (`run`): a bounded "eventually" under the
/// fair schedule, see docs/model.md.
fn enabled_queue_drains(_: &Messaging, state: &State) -> bool {
    undrained(&state.model).is_none()
}

/// When script lets go of every port and the agents run until idle, a full
/// collection takes every port and every queue (ports-and-garbage-
/// collection/1-3: nothing is held, nothing waits in an enabled queue, and a
/// `close` waiting behind messages in a queue never started waits in the
/// port message queue, not in a task queue, so it keeps nothing alive).
/// Judged in every state by doing it.
fn idle_is_collectable(_: &Messaging, state: &State) -> bool {
    left_uncollectable(&state.model).is_none()
}

fn owned_twice(world: &Model) -> Option<String> {
    let facts = Facts::of(world);
    let q = (0..facts.owners.len()).find(|&q| facts.owners[q].len() > 1)?;
    Some(format!("one queue is held by {}", facts.owner_names(world, q)))
}

fn undrained(world: &Model) -> Option<String> {
    let mut after = world.clone();
    after.apply(&Op::Run);
    let queues = after.port_message_queues();
    for port in after.port_objects().iter().filter(|p| !p.collected) {
        let Some(queue) = port.queue.map(|q| &queues[q]) else {
            continue;
        };
        if queue.enabled && !queue.tasks.is_empty() {
            return Some(format!(
                "after run, {} messages still wait in the enabled queue of {}",
                queue.tasks.len(),
                port.label
            ));
        }
        if queue.close.is_some() && (queue.enabled || queue.tasks.is_empty()) {
            return Some(format!("after run, a close still waits at {}", port.label));
        }
    }
    let waiting = after.agent_states().iter().find(|a| !a.global.is_empty());
    waiting.map(|a| format!("after run, a message still waits at {}'s global scope", a.name))
}

/// Script forgets every port, the agents run until idle, a collection runs;
/// again while anything changes (delivered messages give script new ports).
/// Returns what is left that should not be.
fn left_uncollectable(world: &Model) -> Option<String> {
    let mut after = world.clone();
    for _ in 0..RUN_LIMIT {
        let before = after.clone();
        let held: Vec<String> = after
            .port_objects()
            .iter()
            .filter(|p| !p.collected && p.held)
            .map(|p| p.label.clone())
            .collect();
        for label in held {
            after.apply(&Op::Forget(label));
        }
        after.apply(&Op::Run);
        after.apply(&Op::Gc);
        if after == before {
            break;
        }
    }
    if let Some(port) = after.port_objects().iter().find(|p| !p.collected) {
        return Some(format!(
            "with nothing held and the agents idle, {} is never collected",
            port.label
        ));
    }
    let facts = Facts::of(&after);
    let stray = (0..facts.owners.len()).find(|&q| facts.present(q));
    stray.map(|q| {
        let name = facts.queue_name(&after, q);
        format!("with nothing held and the agents idle, {name} is never released")
    })
}
