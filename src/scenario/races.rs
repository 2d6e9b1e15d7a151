//! Watching a `run` on the stepper for cross-agent races: the places where
//! `--threads`, whose agents run at the same time, may order things
//! otherwise than the stepper did (docs/scenarios.md, "Threads").
//!
//! The stepper runs one interleaving. Under threads, every agent still takes
//! its own ready tasks oldest first, so two runs differ only where the
//! outcome depends on how two agents' tasks interleave. With a vector clock
//! per task (what happened before it, agent by agent), the watch flags:
//!
//! 1. an agent that runs reactions during the run and dispatches tasks that
//!    two agents queued during it (which one reaches it first is timing);
//! 2. an agent's global scope that gets messages two agents sent during the
//!    run (their order is timing);
//! 3. a reaction that closes a port (or dooms its channel) while another
//!    agent, not ordered with it, posts or closes on the same channel
//!    (whether that post still has a target is timing);
//! 4. a reaction that closes a BroadcastChannel while another agent, not
//!    ordered with it, posts to channels of its name and storage key
//!    (whether the closed channel gets that message is timing: a post
//!    fixes its destinations, and a close drops the tasks still waiting);
//! 5. a BroadcastChannel that gets messages two agents posted during the
//!    run, the posts not ordered (their order at the channel is timing).
//!
//! A BroadcastChannel made after a post never gets it, on threads as on
//! the stepper, and is no race: `broadcast` runs only between runs.
//!
//! Tasks queued before the run are older than any queued during it, so
//! every agent takes them first in both; the commands between runs do not
//! run concurrently at all.

use super::run::Race;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// What a reaction did to a channel, for the watch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum ChannelOp {
    /// Posted through one of its ports (the message may find no target).
    Post(usize),
    /// Closed one of its ports, or doomed it (the channel's identity).
    Close(usize),
    /// Posted on a BroadcastChannel: the group it reaches (its name and
    /// storage key, see [`broadcast_group`]).
    BroadcastPost(String),
    /// Closed an open BroadcastChannel of the group.
    BroadcastClose(String),
}

/// The key of the BroadcastChannels a post reaches: same name, same
/// storage key.
pub(super) fn broadcast_group(name: &str, storage_key: &str) -> String {
    format!("{storage_key}\u{0}{name}")
}

/// A vector clock, sparse: (agent, events of that agent seen), by agent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Clock(Vec<(usize, u64)>);

impl Clock {
    fn get(&self, agent: usize) -> u64 {
        self.0
            .binary_search_by_key(&agent, |(a, _)| *a)
            .map_or(0, |i| self.0[i].1)
    }

    fn tick(&mut self, agent: usize) {
        match self.0.binary_search_by_key(&agent, |(a, _)| *a) {
            Ok(i) => self.0[i].1 += 1,
            Err(i) => self.0.insert(i, (agent, 1)),
        }
    }

    fn join(&mut self, other: &Clock) {
        let (a, b) = (&self.0, &other.0);
        let mut joined = Vec::with_capacity(a.len().max(b.len()));
        let (mut i, mut j) = (0, 0);
        loop {
            match (a.get(i), b.get(j)) {
                (Some(x), Some(y)) if x.0 == y.0 => {
                    joined.push((x.0, x.1.max(y.1)));
                    (i, j) = (i + 1, j + 1);
                }
                (Some(x), Some(y)) if x.0 < y.0 => {
                    joined.push(*x);
                    i += 1;
                }
                (Some(x), None) => {
                    joined.push(*x);
                    i += 1;
                }
                (_, Some(y)) => {
                    joined.push(*y);
                    j += 1;
                }
                (None, None) => break,
            }
        }
        self.0 = joined;
    }

    /// Whether everything this clock saw, `other` saw too.
    fn before_or_same(&self, other: &Clock) -> bool {
        self.0.iter().all(|(agent, n)| other.get(*agent) >= *n)
    }

    fn ordered_with(&self, other: &Clock) -> bool {
        self.before_or_same(other) || other.before_or_same(self)
    }
}

/// A vector clock larger than this (agents that interacted within one run)
/// stops the watch for that run, so that it stays linear in the tasks run.
const MAX_CLOCK: usize = 256;

/// One reaction's channel operation, stamped.
struct Stamped {
    agent: usize,
    close: bool,
    clock: Arc<Clock>,
}

/// The watch over one `run`.
pub(super) struct RaceWatch {
    line: usize,
    /// The task clock when the run began: tasks numbered from here on were
    /// queued during it.
    start: u64,
    /// Each agent's vector clock so far in this run.
    agents: Vec<Clock>,
    /// The tasks queued during the run: first number → (end, the agent and
    /// the clock of the task that queued them).
    queued_by: BTreeMap<u64, (u64, usize, Arc<Clock>)>,
    /// By agent: the agents whose tasks it dispatched, and those of them
    /// that were messages to its global scope.
    sources: HashMap<usize, BTreeSet<usize>>,
    global_sources: HashMap<usize, BTreeSet<usize>>,
    reacted: BTreeSet<usize>,
    /// By channel: what reactions did to it, in the stepper's order.
    ops: HashMap<usize, Vec<Stamped>>,
    /// By BroadcastChannel group: the posts and closes of reactions.
    broadcast_ops: HashMap<String, Vec<Stamped>>,
    /// By BroadcastChannel, the messages it got that were posted during
    /// the run.
    deliveries: BTreeMap<u64, Deliveries>,
    gave_up: bool,
}

/// The messages one BroadcastChannel got that were posted during the run.
struct Deliveries {
    /// The channel's agent.
    agent: usize,
    /// The last one's poster and the clock of the posting task.
    last: (usize, Arc<Clock>),
    /// Two posters whose posts reached it unordered, once seen.
    race: Option<(usize, usize)>,
}

impl Deliveries {
    /// Adds a message `poster` posted in a task with `clock`. The messages
    /// arrive in the order of their tasks, so if each is ordered after the
    /// one before it, all are ordered: comparing neighbours is enough.
    fn add(&mut self, poster: usize, clock: &Arc<Clock>) {
        let (last, before) = &self.last;
        if self.race.is_none() && *last != poster && !before.before_or_same(clock) {
            self.race = Some((*last, poster));
        }
        self.last = (poster, clock.clone());
    }
}

/// One task the stepper ran, as the watch needs it.
pub(super) struct TaskSeen {
    pub(super) agent: usize,
    /// Its number on the task clock.
    pub(super) seq: u64,
    /// The task clock before and after it: the tasks it queued.
    pub(super) queued: (u64, u64),
    /// Whether it was a message to the agent's global scope.
    pub(super) global: bool,
    /// The BroadcastChannel it was a message to, if it was one.
    pub(super) broadcast: Option<u64>,
    /// Whether it ran a reaction, and what its reactions did to channels.
    pub(super) reacted: bool,
    pub(super) ops: Vec<ChannelOp>,
}

impl RaceWatch {
    pub(super) fn new(line: usize, start: u64, agents: usize) -> Self {
        RaceWatch {
            line,
            start,
            agents: vec![Clock::default(); agents],
            queued_by: BTreeMap::new(),
            sources: HashMap::new(),
            global_sources: HashMap::new(),
            reacted: BTreeSet::new(),
            ops: HashMap::new(),
            broadcast_ops: HashMap::new(),
            deliveries: BTreeMap::new(),
            gave_up: false,
        }
    }

    pub(super) fn task(&mut self, task: TaskSeen) {
        if self.gave_up {
            return;
        }
        let agent = task.agent;
        let mut clock = self.agents[agent].clone();
        if task.seq >= self.start
            && let Some((_, (end, source, queued))) = self.queued_by.range(..=task.seq).next_back()
            && task.seq < *end
        {
            clock.join(queued);
            self.sources.entry(agent).or_default().insert(*source);
            if task.global {
                self.global_sources.entry(agent).or_default().insert(*source);
            }
            if let Some(channel) = task.broadcast {
                let first = || Deliveries {
                    agent,
                    last: (*source, queued.clone()),
                    race: None,
                };
                self.deliveries
                    .entry(channel)
                    .or_insert_with(first)
                    .add(*source, queued);
            }
        }
        clock.tick(agent);
        if clock.0.len() > MAX_CLOCK {
            self.gave_up = true;
            return;
        }
        self.agents[agent] = clock.clone();
        let clock = Arc::new(clock);
        if task.queued.1 > task.queued.0 {
            self.queued_by
                .insert(task.queued.0, (task.queued.1, agent, clock.clone()));
        }
        if task.reacted {
            self.reacted.insert(agent);
        }
        for op in task.ops {
            let stamped = |close| Stamped {
                agent,
                close,
                clock: clock.clone(),
            };
            match op {
                ChannelOp::Post(channel) => self.ops.entry(channel).or_default().push(stamped(false)),
                ChannelOp::Close(channel) => self.ops.entry(channel).or_default().push(stamped(true)),
                ChannelOp::BroadcastPost(group) => {
                    self.broadcast_ops.entry(group).or_default().push(stamped(false))
                }
                ChannelOp::BroadcastClose(group) => {
                    self.broadcast_ops.entry(group).or_default().push(stamped(true))
                }
            }
        }
    }

    /// The races seen, `names` naming the agents.
    pub(super) fn finish(self, names: &[String]) -> Vec<Race> {
        let name = |a: &usize| names.get(*a).cloned().unwrap_or_default();
        let list = |agents: &BTreeSet<usize>| agents.iter().map(name).collect::<Vec<_>>().join(" and ");
        let race = |note: String| Race {
            line: self.line,
            note,
        };
        if self.gave_up {
            return vec![race(format!(
                "not watched for cross-agent races: more than {MAX_CLOCK} agents interacted in this run"
            ))];
        }
        let mut races = Vec::new();
        for agent in &self.reacted {
            if let Some(from) = self.sources.get(agent).filter(|s| s.len() >= 2) {
                races.push(race(format!(
                    "{} reacted to tasks that {} queued during this run",
                    name(agent),
                    list(from)
                )));
            }
        }
        let mut globals: Vec<_> = self.global_sources.iter().filter(|(_, s)| s.len() >= 2).collect();
        globals.sort_by_key(|(agent, _)| **agent);
        for (agent, from) in globals {
            races.push(race(format!(
                "{}'s global scope got messages that {} sent during this run",
                name(agent),
                list(from)
            )));
        }
        let mut channels: Vec<_> = self.ops.values().collect();
        channels.sort_by_key(|ops| ops.first().map(|op| Arc::as_ptr(&op.clock)));
        for ops in channels {
            if let Some((closer, other)) = unordered_close(ops) {
                races.push(race(format!(
                    "a reaction of {} closed a channel that {} used at the same time during this run",
                    name(&closer),
                    name(&other)
                )));
            }
        }
        races.extend(self.broadcast_races(&name));
        races
    }

    /// Races 4 and 5, `name` naming the agents.
    fn broadcast_races(&self, name: &dyn Fn(&usize) -> String) -> Vec<Race> {
        let race = |note: String| Race {
            line: self.line,
            note,
        };
        let mut races = Vec::new();
        let mut groups: Vec<_> = self.broadcast_ops.values().collect();
        groups.sort_by_key(|ops| ops.first().map(|op| Arc::as_ptr(&op.clock)));
        for ops in groups {
            // Only a close against another agent's post: two closes, or a
            // close and a later post of the same agent, do the same in any
            // interleaving.
            let closes = ops.iter().filter(|op| op.close);
            let found = closes.into_iter().find_map(|close| {
                ops.iter()
                    .find(|op| !op.close && op.agent != close.agent && !op.clock.ordered_with(&close.clock))
                    .map(|post| (close.agent, post.agent))
            });
            if let Some((closer, poster)) = found {
                races.push(race(format!(
                    "a reaction of {} closed a BroadcastChannel that a post of {} reached at the same time during this run",
                    name(&closer),
                    name(&poster)
                )));
            }
        }
        for got in self.deliveries.values() {
            if let Some((first, second)) = got.race {
                races.push(race(format!(
                    "a BroadcastChannel of {} got messages that {} and {} posted at the same time during this run",
                    name(&got.agent),
                    name(&first),
                    name(&second)
                )));
            }
        }
        races
    }
}

/// A close on a channel and an operation of another agent on it that are
/// not ordered: (the closer, the other agent). Only an agent's first close
/// counts (its later ones find the channel closed in every interleaving).
fn unordered_close(ops: &[Stamped]) -> Option<(usize, usize)> {
    let mut first_closes: Vec<&Stamped> = Vec::new();
    for op in ops.iter().filter(|op| op.close) {
        if !first_closes.iter().any(|c| c.agent == op.agent) {
            first_closes.push(op);
        }
    }
    first_closes.iter().find_map(|close| {
        ops.iter()
            .find(|op| op.agent != close.agent && !op.clock.ordered_with(&close.clock))
            .map(|op| (close.agent, op.agent))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clock(entries: &[(usize, u64)]) -> Clock {
        Clock(entries.to_vec())
    }

    #[test]
    fn clocks_join_tick_and_compare() {
        let mut a = clock(&[(0, 2), (3, 1)]);
        a.join(&clock(&[(1, 4), (3, 5)]));
        assert_eq!(a, clock(&[(0, 2), (1, 4), (3, 5)]));
        a.tick(2);
        assert_eq!(a.get(2), 1);
        assert!(clock(&[(0, 1)]).before_or_same(&a));
        assert!(!clock(&[(0, 3)]).ordered_with(&clock(&[(1, 1)])));
        assert!(clock(&[(0, 1)]).ordered_with(&clock(&[(0, 2), (1, 1)])));
    }

    fn task(agent: usize, seq: u64, queued: (u64, u64), ops: Vec<ChannelOp>) -> TaskSeen {
        TaskSeen {
            agent,
            seq,
            queued,
            global: false,
            broadcast: None,
            reacted: true,
            ops,
        }
    }

    #[test]
    fn ping_pong_ending_in_a_close_is_not_a_race() {
        // A (0) and B (1) answer each other; A closes on the last answer.
        let mut watch = RaceWatch::new(1, 10, 2);
        watch.task(task(1, 5, (10, 11), vec![ChannelOp::Post(7)]));
        watch.task(task(0, 10, (11, 12), vec![ChannelOp::Post(7)]));
        watch.task(task(1, 11, (12, 13), vec![ChannelOp::Post(7)]));
        watch.task(task(0, 12, (13, 14), vec![ChannelOp::Close(7)]));
        watch.task(task(1, 13, (14, 14), vec![]));
        assert_eq!(watch.finish(&["A".into(), "B".into()]), vec![]);
    }

    #[test]
    fn a_close_not_ordered_with_a_post_is_a_race() {
        // B answers three messages queued before the run; A closes on the
        // second answer, while B may not have sent the third yet.
        let mut watch = RaceWatch::new(4, 10, 2);
        watch.task(task(1, 1, (10, 11), vec![ChannelOp::Post(7)]));
        watch.task(task(1, 2, (11, 12), vec![ChannelOp::Post(7)]));
        watch.task(task(1, 3, (12, 13), vec![ChannelOp::Post(7)]));
        watch.task(task(0, 10, (13, 13), vec![]));
        watch.task(task(0, 11, (13, 14), vec![ChannelOp::Close(7)]));
        let races = watch.finish(&["A".into(), "B".into()]);
        assert_eq!(races.len(), 1, "{races:?}");
        assert!(
            races[0]
                .note
                .contains("a reaction of A closed a channel that B used")
        );
    }

    fn delivery(agent: usize, seq: u64, channel: u64) -> TaskSeen {
        TaskSeen {
            broadcast: Some(channel),
            reacted: false,
            ..task(agent, seq, (20, 20), vec![])
        }
    }

    #[test]
    fn a_broadcast_close_not_ordered_with_a_post_is_a_race() {
        let group = || broadcast_group("n", "k");
        // A (0) posts; B (1), set going by C (2), closes; neither saw the
        // other. Then the same with B's close set off by A's post.
        let mut watch = RaceWatch::new(3, 10, 3);
        watch.task(task(0, 1, (10, 11), vec![ChannelOp::BroadcastPost(group())]));
        watch.task(task(2, 2, (11, 12), vec![]));
        watch.task(task(1, 11, (12, 12), vec![ChannelOp::BroadcastClose(group())]));
        let races = watch.finish(&["A".into(), "B".into(), "C".into()]);
        assert_eq!(races.len(), 1, "{races:?}");
        assert!(
            races[0]
                .note
                .contains("a reaction of B closed a BroadcastChannel that a post of A")
        );
        let mut watch = RaceWatch::new(3, 10, 2);
        watch.task(task(0, 1, (10, 11), vec![ChannelOp::BroadcastPost(group())]));
        watch.task(task(1, 10, (11, 11), vec![ChannelOp::BroadcastClose(group())]));
        assert_eq!(watch.finish(&["A".into(), "B".into()]), vec![]);
    }

    #[test]
    fn unordered_posts_reaching_one_broadcast_channel_are_a_race() {
        // A and C post at once (tasks 10 and 11 to B's channel 7); then B's
        // channel 8 gets A's post and C's answer to it, ordered.
        let mut watch = RaceWatch::new(5, 10, 3);
        watch.task(task(0, 1, (10, 11), vec![]));
        watch.task(task(2, 2, (11, 12), vec![]));
        watch.task(delivery(1, 10, 7));
        watch.task(delivery(1, 11, 7));
        let races = watch.finish(&["A".into(), "B".into(), "C".into()]);
        assert_eq!(races.len(), 1, "{races:?}");
        assert!(
            races[0]
                .note
                .contains("a BroadcastChannel of B got messages that A and C posted")
        );
        // A's task queues 10 (to C's channel 9) and 11 (to B's channel 8);
        // C, on 10, queues 12 (to channel 8).
        let mut watch = RaceWatch::new(5, 10, 3);
        watch.task(task(0, 1, (10, 12), vec![]));
        watch.task(TaskSeen {
            queued: (12, 13),
            ..delivery(2, 10, 9)
        });
        watch.task(delivery(1, 11, 8));
        watch.task(delivery(1, 12, 8));
        assert_eq!(watch.finish(&["A".into(), "B".into(), "C".into()]), vec![]);
    }

    #[test]
    fn tasks_from_two_agents_at_a_reacting_agent_are_a_race() {
        let mut watch = RaceWatch::new(2, 10, 3);
        watch.task(task(1, 1, (10, 11), vec![]));
        watch.task(task(2, 2, (11, 12), vec![]));
        watch.task(task(0, 10, (12, 12), vec![]));
        watch.task(task(0, 11, (12, 12), vec![]));
        let races = watch.finish(&["A".into(), "B".into(), "C".into()]);
        assert_eq!(races.len(), 1);
        assert!(races[0].note.contains("A reacted to tasks that B and C queued"));
    }
}
