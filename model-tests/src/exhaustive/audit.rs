//! The audit of one transition: the operation is applied to the model, and
//! what it did (its observations, and where every message and queue is
//! before and after it) is held to the rules of [`super::properties`]. A
//! broken rule is recorded in the state the transition leads to, where its
//! stateright property sees it.
//!
//! `run` is audited task by task: it is `step` until nothing is ready.

use super::facts::{Facts, Owner, Place};
use super::properties::{Broken, Rule};
use super::space::State;
use crate::model::{Model, Observation, PostResult, Queue, RUN_LIMIT, ShipResult};
use crate::scenario::{Data, EventKind, Item, Op};

/// Applies `op` to `state.model`, recording in `state` the rules it broke
/// and the queues whose `close` fired. `last` is the state before (whose
/// model `state.model` still equals).
pub(super) fn transition(last: &State, state: &mut State, op: &Op) {
    if *op == Op::Run {
        for _ in 0..RUN_LIMIT {
            let before = state.model.clone();
            if atomic(&before, state, &Op::Step(None)).is_empty() {
                break;
            }
        }
    } else {
        atomic(&last.model, state, op);
    }
}

/// Applies `op` to `state.model`, which equals `old`, and audits it.
fn atomic(old: &Model, state: &mut State, op: &Op) -> Vec<Observation> {
    let seen = state.model.apply(op);
    let before = Facts::of(old);
    let after = Facts::of(&state.model);
    let mut audit = Audit {
        op,
        old,
        new: &state.model,
        before: &before,
        after: &after,
        dispatched: None,
        closed: &mut state.closed,
        broken: &mut state.broken,
    };
    audit.check(&seen);
    seen
}

struct Audit<'a> {
    op: &'a Op,
    old: &'a Model,
    new: &'a Model,
    before: &'a Facts<'a>,
    after: &'a Facts<'a>,
    /// The message task the operation dispatched.
    dispatched: Option<u64>,
    closed: &'a mut Vec<usize>,
    broken: &'a mut Vec<Broken>,
}

impl Audit<'_> {
    fn broke(&mut self, rule: Rule, what: String) {
        if !self.broken.iter().any(|b| b.rule == rule) {
            self.broken.push(Broken { rule, what });
        }
    }

    fn check(&mut self, seen: &[Observation]) {
        if let Some(seq) = self.after.duplicates.first() {
            self.broke(
                Rule::AtMostOnce,
                format!("{} waits in two places", self.after.message(*seq)),
            );
        }
        for observation in seen {
            match observation {
                Observation::Event(event) => self.dispatch(event),
                Observation::Post(result) => self.post(*result),
                Observation::Ship(result) => self.ship(*result),
                Observation::Collected { .. } => {}
            }
        }
        if seen
            .iter()
            .all(|o| !matches!(o, Observation::Post(_) | Observation::Ship(_)))
        {
            let new = self
                .after
                .tasks
                .keys()
                .find(|s| !self.before.tasks.contains_key(s));
            if let Some(seq) = new {
                let what = format!(
                    "{} queued {}, though it posts nothing",
                    self.op,
                    self.after.message(*seq)
                );
                self.broke(Rule::AtTheHolder, what);
            }
        }
        self.collections();
        let lost_post = seen
            .iter()
            .any(|o| matches!(o, Observation::Post(r) if *r != PostResult::Queued));
        self.conservation(lost_post);
    }

    fn agent(&self, name: &str) -> Option<usize> {
        self.old.agent_states().iter().position(|a| a.name == name)
    }

    /// The live port object `label` of agent `agent` in `world`.
    fn port(world: &Model, agent: usize, label: &str) -> Option<usize> {
        world
            .port_objects()
            .iter()
            .position(|p| !p.collected && p.agent == agent && p.label == label)
    }

    fn dispatch(&mut self, event: &crate::model::Event) {
        let Some(agent) = self.agent(&event.agent) else {
            return self.broke(
                Rule::AtTheHolder,
                format!("an event in unknown agent {}", event.agent),
            );
        };
        let task = if event.target == "global" {
            let waiting = self
                .before
                .tasks
                .iter()
                .find(|(_, t)| t.place == Place::Global(agent));
            let Some((&seq, _)) = waiting else {
                let what = format!(
                    "{} dispatched a message at its global scope with none waiting",
                    event.agent
                );
                return self.broke(Rule::AtTheHolder, what);
            };
            seq
        } else {
            let Some(q) =
                Self::port(self.old, agent, &event.target).and_then(|p| self.old.port_objects()[p].queue)
            else {
                let what = format!(
                    "an event at {}, which holds no queue in {}",
                    event.target, event.agent
                );
                return self.broke(Rule::AtTheHolder, what);
            };
            if event.kind == EventKind::Close {
                return self.close(event, q);
            }
            let Some(seq) = self.taken_from(q) else {
                let what = format!(
                    "{} {} dispatched, but no message left its queue",
                    event.target,
                    event.kind.name()
                );
                return self.broke(Rule::AtTheHolder, what);
            };
            if !self.old.port_message_queues()[q].enabled {
                let what = format!(
                    "a message dispatched at {} from a queue not enabled",
                    event.target
                );
                self.broke(Rule::AtTheHolder, what);
            }
            if let Some((older, _)) = self.before.queued_in(q).find(|(s, _)| *s < seq) {
                let what = format!(
                    "{} dispatched at {} before {}, queued earlier",
                    self.before.message(seq),
                    event.target,
                    self.before.message(older)
                );
                self.broke(Rule::InOrder, what);
            }
            if self.closed.contains(&q) {
                let what = format!("a message dispatched at {} after its close", event.target);
                self.broke(Rule::CloseAfterMessages, what);
            }
            seq
        };
        self.delivered(event, agent, task);
    }

    /// The one message task that left queue `q`.
    fn taken_from(&self, q: usize) -> Option<u64> {
        let gone: Vec<u64> = self
            .before
            .queued_in(q)
            .map(|(s, _)| s)
            .filter(|s| !self.after.tasks.contains_key(s))
            .collect();
        gone.first().copied()
    }

    /// The event is message task `seq`'s own: its data (or `messageerror`
    /// when the data cannot cross agent clusters), its ports in order.
    fn delivered(&mut self, event: &crate::model::Event, agent: usize, seq: u64) {
        self.dispatched = Some(seq);
        if self.after.tasks.contains_key(&seq) {
            let what = format!(
                "{} was dispatched at {} and still waits",
                self.before.message(seq),
                event.target
            );
            self.broke(Rule::AtMostOnce, what);
        }
        let task = &self.before.tasks[&seq];
        let cluster = self.old.agent_states()[agent].cluster;
        let fails = matches!(task.data, Data::Shared(_)) && task.cluster != cluster;
        let expected = if fails {
            (EventKind::MessageError, None, 0)
        } else {
            (EventKind::Message, Some(task.data), task.carried.len())
        };
        if (event.kind, event.data.as_ref(), event.ports.len()) != expected {
            let what = format!(
                "{} got {} {:?} with {} ports; the message was {:?} with {} ports",
                event.target,
                event.kind.name(),
                event.data,
                event.ports.len(),
                task.data,
                task.carried.len()
            );
            return self.broke(Rule::AtTheHolder, what);
        }
        for (label, carried) in event.ports.iter().zip(&task.carried) {
            let holds = Self::port(self.new, agent, label).map(|p| self.new.port_objects()[p].queue);
            if holds != Some(*carried) {
                let what = format!("the new port {label} does not hold the queue its message carried");
                self.broke(Rule::AtTheHolder, what);
            }
        }
    }

    fn close(&mut self, event: &crate::model::Event, q: usize) {
        let Some(close) = self.old.port_message_queues()[q].close else {
            let what = format!("close dispatched at {} with none pending", event.target);
            return self.broke(Rule::AtTheHolder, what);
        };
        if let Some((seq, _)) = self.before.queued_in(q).find(|(s, _)| *s < close) {
            let what = format!(
                "close dispatched at {} while {}, queued before it, still waits",
                event.target,
                self.before.message(seq)
            );
            self.broke(Rule::CloseAfterMessages, what);
        }
        if !self.closed.contains(&q) {
            self.closed.push(q);
        }
    }

    /// The source port of the operation, before it.
    fn source(&self) -> Option<usize> {
        let (Op::Post { port, .. } | Op::Ship { port, .. }) = self.op else {
            return None;
        };
        self.old
            .port_objects()
            .iter()
            .position(|p| !p.collected && p.label == *port)
    }

    fn post(&mut self, result: PostResult) {
        let new: Vec<u64> = self
            .after
            .tasks
            .keys()
            .filter(|s| !self.before.tasks.contains_key(s))
            .copied()
            .collect();
        let Op::Post { port, data, .. } = self.op else {
            return;
        };
        let expected = usize::from(result == PostResult::Queued);
        if new.len() != expected {
            let what = format!(
                "post on {port} returned {result:?} and queued {} tasks",
                new.len()
            );
            return self.broke(Rule::AtTheHolder, what);
        }
        let Some(&seq) = new.first() else { return };
        let task = &self.after.tasks[&seq];
        let source_queue = self.source().and_then(|p| self.old.port_objects()[p].queue);
        let target = source_queue.and_then(|q| self.old.port_message_queues()[q].partner);
        if task.place != target.map_or(Place::Global(usize::MAX), Place::Queue) || task.data != data {
            let place = self.after.place_name(self.new, task.place);
            let what = format!(
                "post on {port} queued {} in {place}, not at its entangled port",
                self.after.message(seq)
            );
            return self.broke(Rule::AtTheHolder, what);
        }
        if let Some(r) = target
            && (self.old.port_message_queues()[r].close.is_some() || self.closed.contains(&r))
        {
            let what = format!("post on {port} queued a message at a port whose close was already queued");
            self.broke(Rule::NothingAfterClose, what);
        }
    }

    fn ship(&mut self, result: ShipResult) {
        let Op::Ship { port, to } = self.op else { return };
        let new = self
            .after
            .tasks
            .iter()
            .filter(|(s, _)| !self.before.tasks.contains_key(s));
        let places: Vec<Place> = new.map(|(_, t)| t.place).collect();
        let expected = match (result, self.agent(to)) {
            (ShipResult::Sent, Some(a)) => vec![Place::Global(a)],
            _ => Vec::new(),
        };
        if places != expected {
            let what = format!("ship {port} to {to} returned {result:?} and queued {places:?}");
            self.broke(Rule::AtTheHolder, what);
        }
    }

    /// The ports the operation collected, each held to the rules of ports
    /// and garbage collection.
    fn collections(&mut self) {
        let (old, new) = (self.old.port_objects(), self.new.port_objects());
        for (ix, port) in old.iter().enumerate() {
            if port.collected || !new[ix].collected {
                continue;
            }
            if *self.op != Op::Gc {
                self.broke(
                    Rule::RootsKeepPort,
                    format!("{} collected {}", self.op, port.label),
                );
                continue;
            }
            let queue = port.queue.map(|q| &self.old.port_message_queues()[q]);
            if port.held {
                self.broke(
                    Rule::RootsKeepPort,
                    format!("gc collected {}, which script holds", port.label),
                );
            }
            // An event waits to be dispatched: a message in an enabled queue,
            // or a `close` with its queue enabled or nothing before it (behind
            // messages in a queue never started it is not yet a task of the
            // event loop: reading close-is-a-task).
            let close_waits = |q: &Queue| q.close.is_some() && (q.enabled || q.tasks.is_empty());
            if queue.is_some_and(|q| close_waits(q) || (q.enabled && !q.tasks.is_empty())) {
                let what = format!(
                    "gc collected {} while an event waited to be dispatched at it",
                    port.label
                );
                self.broke(Rule::RootsKeepPort, what);
            }
            let partner = queue.and_then(|q| q.partner);
            let listens = port.listeners[..2].iter().any(|&n| n > 0);
            if let Some(r) = partner.filter(|&r| listens && self.after.present(r)) {
                let what = format!(
                    "gc collected {}, which listens for messages, while the queue entangled with it lives on ({})",
                    port.label,
                    self.after.owner_names(self.new, r)
                );
                self.broke(Rule::ListenerKeepsPort, what);
            }
        }
    }

    /// Every message task and queue that disappeared is accounted for.
    /// `lost_post`: the operation was a post whose message was not queued,
    /// so the ports it carried are lost (reading `lost-port-disentangles`).
    fn conservation(&mut self, lost_post: bool) {
        let gone = |q: usize| self.before.present(q) && !self.after.present(q);
        let vanished_task = |s: &u64| !self.after.tasks.contains_key(s);
        let transferred: Vec<usize> = match self.op {
            Op::Post { transfer, .. } if lost_post => transfer
                .iter()
                .filter_map(|item| match item {
                    Item::Port(label) => self
                        .old
                        .port_objects()
                        .iter()
                        .position(|p| !p.collected && p.label == *label),
                    Item::Buffer => None,
                })
                .filter_map(|p| self.old.port_objects()[p].queue)
                .collect(),
            _ => Vec::new(),
        };
        let old_ports = self.old.port_objects();
        let new_ports = self.new.port_objects();
        // The queues whose going is explained at once: a collected port's,
        // a lost port's, or one in flight whose messages went with it at gc
        // (stranded).
        let mut justified: Vec<usize> = (0..self.before.owners.len())
            .filter(|&q| gone(q))
            .filter(|&q| {
                self.before.owners[q].iter().any(|o| match *o {
                    Owner::Port(p) => {
                        (*self.op == Op::Gc && !old_ports[p].collected && new_ports[p].collected)
                            || transferred.contains(&q)
                    }
                    Owner::Task(s) => *self.op == Op::Gc && vanished_task(&s),
                })
            })
            .collect();
        // What those queues held goes with them, and so do the queues
        // their messages carried.
        loop {
            let more: Vec<usize> = (0..self.before.owners.len())
                .filter(|&q| gone(q) && !justified.contains(&q))
                .filter(|&q| {
                    self.before.owners[q].iter().any(|o| match *o {
                        Owner::Task(s) => {
                            matches!(self.before.tasks[&s].place, Place::Queue(h) if justified.contains(&h))
                        }
                        Owner::Port(_) => false,
                    })
                })
                .collect();
            if more.is_empty() {
                break;
            }
            justified.extend(more);
        }
        for q in (0..self.before.owners.len()).filter(|&q| gone(q) && !justified.contains(&q)) {
            let what = format!(
                "{} lost {} (held by {})",
                self.op,
                self.before.queue_name(self.old, q),
                self.before.owner_names(self.old, q)
            );
            self.broke(Rule::NeverLost, what);
        }
        let lost = self.before.tasks.iter().find(|(s, t)| {
            vanished_task(s)
                && self.dispatched != Some(**s)
                && !matches!(t.place, Place::Queue(q) if justified.contains(&q))
        });
        if let Some((seq, task)) = lost {
            let what = format!(
                "{} lost {} waiting in {}",
                self.op,
                self.before.message(*seq),
                self.before.place_name(self.old, task.place)
            );
            self.broke(Rule::NeverLost, what);
        }
    }
}
