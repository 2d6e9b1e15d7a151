//! The reference model of BroadcastChannel: plain data, written from the
//! standard's "Broadcasting to other browsing contexts", with deliberate
//! bugs the exhaustive check's tests switch on.

use super::{BROADCAST_AGENTS, BroadcastOp, Payload, Seen, label};
use std::collections::VecDeque;

/// A channel of the model.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct ModelChannel {
    pub(crate) agent: usize,
    pub(crate) name: usize,
    pub(crate) closed: bool,
    pub(crate) listened: bool,
    pub(crate) forgotten: bool,
    pub(crate) collected: bool,
}

/// A task of the model: one message on its way to one channel.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Task {
    /// When it was queued (tasks run oldest first).
    pub(crate) seq: u64,
    pub(crate) destination: usize,
    pub(crate) payload: Payload,
    pub(crate) source_cluster: u64,
    /// The posting channel.
    pub(crate) source: usize,
    /// How many channels existed when it was posted.
    pub(crate) made: usize,
}

/// A deliberate bug in the model, each breaking one rule of the exhaustive
/// check (`crate::exhaustive::broadcast`), so that its tests can show the
/// check catches it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BroadcastMutation {
    /// A task for a channel closed after it was queued still fires.
    DeliverAfterClose,
    /// A new channel also gets the messages already on their way to
    /// channels of its name.
    JoinInFlight,
    /// The newest task runs first.
    NewestFirst,
    /// A post also goes to the posting channel.
    EchoToSelf,
    /// A post goes to channels of the name whatever their storage key.
    IgnoreStorageKey,
}

impl BroadcastMutation {
    /// Every mutation.
    pub const ALL: [BroadcastMutation; 5] = [
        BroadcastMutation::DeliverAfterClose,
        BroadcastMutation::JoinInFlight,
        BroadcastMutation::NewestFirst,
        BroadcastMutation::EchoToSelf,
        BroadcastMutation::IgnoreStorageKey,
    ];

    /// Its name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            BroadcastMutation::DeliverAfterClose => "deliver-after-close",
            BroadcastMutation::JoinInFlight => "join-in-flight",
            BroadcastMutation::NewestFirst => "newest-first",
            BroadcastMutation::EchoToSelf => "echo-to-self",
            BroadcastMutation::IgnoreStorageKey => "ignore-storage-key",
        }
    }

    /// The mutation named `name`.
    pub fn from_name(name: &str) -> Option<BroadcastMutation> {
        BroadcastMutation::ALL.into_iter().find(|m| m.name() == name)
    }
}

/// The reference model.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct BroadcastModel {
    channels: Vec<ModelChannel>,
    down: [bool; 4],
    queues: [VecDeque<Task>; 4],
    clock: u64,
    mutation: Option<BroadcastMutation>,
}

impl BroadcastModel {
    /// The model with a deliberate bug.
    pub fn with_mutation(mutation: BroadcastMutation) -> BroadcastModel {
        BroadcastModel {
            mutation: Some(mutation),
            ..BroadcastModel::default()
        }
    }

    /// The channels made so far, by index (collected ones included).
    pub(crate) fn channels(&self) -> &[ModelChannel] {
        &self.channels
    }

    /// Whether each agent has shut down.
    pub(crate) fn down(&self) -> &[bool; 4] {
        &self.down
    }

    /// The tasks waiting, every agent's.
    pub(crate) fn tasks(&self) -> impl Iterator<Item = &Task> {
        self.queues.iter().flatten()
    }

    /// Renumbers the tasks 1, 2, 3… keeping their order, so that two
    /// worlds that differ only in how many tasks came and went are one
    /// state (nothing script sees depends on the numbers).
    pub(crate) fn canonicalize(&mut self) {
        let mut seqs: Vec<u64> = self.tasks().map(|t| t.seq).collect();
        seqs.sort_unstable();
        for task in self.queues.iter_mut().flatten() {
            task.seq = seqs.binary_search(&task.seq).map_or(0, |i| i as u64 + 1);
        }
        self.clock = seqs.len() as u64;
    }

    fn usable(&self, channel: usize) -> Option<usize> {
        if self.channels.is_empty() {
            return None;
        }
        let index = channel % self.channels.len();
        let c = &self.channels[index];
        (!c.forgotten && !c.collected).then_some(index)
    }

    /// Applies `op`; `None` when the op does not apply (no such channel).
    pub fn apply(&mut self, op: BroadcastOp) -> Option<Seen> {
        Some(match op {
            BroadcastOp::Create { agent, name } => {
                self.channels.push(ModelChannel {
                    agent,
                    name,
                    closed: false,
                    listened: false,
                    forgotten: false,
                    collected: false,
                });
                if self.mutation == Some(BroadcastMutation::JoinInFlight) && !self.down[agent] {
                    self.join_in_flight(agent, name);
                }
                Seen::Nothing
            }
            BroadcastOp::Post { channel, payload } => {
                let source = self.usable(channel)?;
                let from = self.channels[source].agent;
                if self.down[from] {
                    return Some(Seen::Posted(0));
                }
                if self.channels[source].closed {
                    return Some(Seen::InvalidState);
                }
                let (key, name) = (BROADCAST_AGENTS[from].2, self.channels[source].name);
                let (echo, any_key) = (
                    self.mutation == Some(BroadcastMutation::EchoToSelf),
                    self.mutation == Some(BroadcastMutation::IgnoreStorageKey),
                );
                let destinations: Vec<usize> = (0..self.channels.len())
                    .filter(|&d| {
                        let c = &self.channels[d];
                        (d != source || echo)
                            && !self.down[c.agent]
                            && !c.closed
                            && !c.collected
                            && (BROADCAST_AGENTS[c.agent].2 == key || any_key)
                            && c.name == name
                    })
                    .collect();
                let made = self.channels.len();
                for &destination in &destinations {
                    self.clock += 1;
                    let agent = self.channels[destination].agent;
                    self.queues[agent].push_back(Task {
                        seq: self.clock,
                        destination,
                        payload,
                        source_cluster: BROADCAST_AGENTS[from].1,
                        source,
                        made,
                    });
                }
                Seen::Posted(destinations.len())
            }
            BroadcastOp::Close { channel } => {
                let index = self.usable(channel)?;
                self.channels[index].closed = true;
                Seen::Nothing
            }
            BroadcastOp::Listen { channel } => {
                let index = self.usable(channel)?;
                self.channels[index].listened = true;
                Seen::Nothing
            }
            BroadcastOp::Forget { channel } => {
                let index = self.usable(channel)?;
                self.channels[index].forgotten = true;
                Seen::Nothing
            }
            BroadcastOp::Gc => {
                let mut collected = Vec::new();
                for agent in 0..BROADCAST_AGENTS.len() {
                    for index in 0..self.channels.len() {
                        let c = &self.channels[index];
                        // A task for a closed channel will do nothing: it
                        // does not keep the channel.
                        let pending = !c.closed && self.queues[agent].iter().any(|t| t.destination == index);
                        // A global that went away holds none of its channels
                        // (AMBIGUITY(broadcast-gone-global-holds-nothing)).
                        let held =
                            !c.forgotten || (!c.closed && c.listened && !self.down[c.agent]) || pending;
                        if c.agent == agent && !c.collected && !held {
                            self.channels[index].collected = true;
                            collected.push(label(index));
                        }
                    }
                }
                Seen::Collected(collected)
            }
            BroadcastOp::Shutdown { agent } => {
                self.down[agent] = true;
                self.queues[agent].clear();
                Seen::Nothing
            }
            BroadcastOp::Step => self.step(),
        })
    }

    /// The mutation join-in-flight: the channel just made, in `agent`,
    /// gets a copy of every task on its way to a channel of `name` and of
    /// the agent's storage key.
    fn join_in_flight(&mut self, agent: usize, name: usize) {
        let new = self.channels.len() - 1;
        let key = BROADCAST_AGENTS[agent].2;
        let copies: Vec<Task> = self
            .tasks()
            .filter(|t| {
                let c = &self.channels[t.destination];
                c.name == name && BROADCAST_AGENTS[c.agent].2 == key
            })
            .cloned()
            .collect();
        for task in copies {
            self.clock += 1;
            self.queues[agent].push_back(Task {
                seq: self.clock,
                destination: new,
                ..task
            });
        }
    }

    fn step(&mut self) -> Seen {
        self.step_traced().0
    }

    /// Runs the oldest ready task: what script sees, and the task (`None`
    /// when none was ready).
    pub(crate) fn step_traced(&mut self) -> (Seen, Option<Task>) {
        // A task whose channel was closed since it was queued ends unseen.
        let keep_closed = self.mutation == Some(BroadcastMutation::DeliverAfterClose);
        for queue in &mut self.queues {
            let channels = &self.channels;
            queue.retain(|t| {
                (keep_closed || !channels[t.destination].closed) && !channels[t.destination].collected
            });
        }
        let ready = (0..self.queues.len()).filter(|&a| !self.queues[a].is_empty());
        let picked = if self.mutation == Some(BroadcastMutation::NewestFirst) {
            ready.max_by_key(|&a| self.queues[a].back().map_or(0, |t| t.seq))
        } else {
            ready.min_by_key(|&a| self.queues[a][0].seq)
        };
        let Some(agent) = picked else {
            return (Seen::Idle, None);
        };
        let task = if self.mutation == Some(BroadcastMutation::NewestFirst) {
            self.queues[agent].pop_back()
        } else {
            self.queues[agent].pop_front()
        }
        .expect("a task");
        let (name, cluster, _) = BROADCAST_AGENTS[agent];
        let (kind, data) = match task.payload {
            Payload::Text(n) => ("message", Some(format!("m{n}"))),
            Payload::Shared if task.source_cluster == cluster => ("message", Some("shared".to_owned())),
            Payload::Shared => ("messageerror", None),
        };
        let seen = Seen::Event(name.to_owned(), label(task.destination), kind, data);
        (seen, Some(task))
    }
}
