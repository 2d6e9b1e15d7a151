//! The BroadcastChannel reference model ([`crate::broadcast`]) as a
//! stateright [`Model`]: a state is the model's world with its tasks
//! renumbered, an action is one [`BroadcastOp`] on a channel that exists,
//! and the universe's bounds keep the set of states finite.

use super::rules::{BroadcastRule, Broken, judge_step};
use crate::broadcast::{
    BROADCAST_AGENTS, BroadcastHarness, BroadcastModel, BroadcastMutation, BroadcastOp, Payload,
};
use crate::exhaustive::conformance::Conformance;
use stateright::{Model, Property};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The bounded universe of the BroadcastChannel search. Agents are the
/// first `agents` of [`BROADCAST_AGENTS`]: A and B (cluster 0, storage key
/// `k1`), C (cluster 1, `k1`), D (cluster 0, `k2`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BroadcastUniverse {
    /// Agents, 1 to 4.
    pub agents: usize,
    /// Channel names, 1 or 2 (`auth`, `news`).
    pub names: usize,
    /// Channels created, at most.
    pub channels: usize,
    /// Tasks waiting at once, at most (one post to two channels is two).
    pub messages: usize,
    /// Whether SharedArrayBuffers are posted (they fail to arrive in C).
    pub shared: bool,
    /// Whether agents shut down.
    pub shutdown: bool,
    /// Operations from the start: every state reachable in at most this
    /// many is checked. `None`: until no new state is found.
    pub depth: Option<usize>,
    /// A deliberate bug in the model (tests only).
    pub mutation: Option<BroadcastMutation>,
}

impl BroadcastUniverse {
    /// The bound `check` and `--exhaustive-broadcast` run by default
    /// (README.md has the time it takes).
    pub fn default_check() -> BroadcastUniverse {
        BroadcastUniverse {
            agents: 4,
            names: 2,
            channels: 3,
            messages: 2,
            shared: true,
            shutdown: true,
            depth: Some(5),
            mutation: None,
        }
    }

    /// Checks the bounds; the error names what is wrong.
    pub fn validate(&self) -> Result<(), String> {
        if self.agents == 0 || self.agents > BROADCAST_AGENTS.len() {
            return Err(format!(
                "--agents must be 1 to {} for --exhaustive-broadcast, not {}",
                BROADCAST_AGENTS.len(),
                self.agents
            ));
        }
        if self.names == 0 || self.names > 2 {
            return Err(format!("--names must be 1 or 2, not {}", self.names));
        }
        if self.channels > 9 || self.messages > 9 {
            return Err("bounds too large to search: at most 9 channels and 9 messages".to_owned());
        }
        Ok(())
    }

    /// The bounds on one line.
    pub fn describe(&self) -> String {
        let depth = self.depth.map_or("unbounded".to_owned(), |d| d.to_string());
        let agents: Vec<String> = BROADCAST_AGENTS[..self.agents]
            .iter()
            .map(|(n, c, k)| format!("{n} (cluster {c}, {k})"))
            .collect();
        format!(
            "BroadcastChannel: agents {}, {} name(s), {} channels, {} tasks waiting, {}shared buffers, {}shutdown, depth {depth}",
            agents.join(", "),
            self.names,
            self.channels,
            self.messages,
            if self.shared { "" } else { "no " },
            if self.shutdown { "" } else { "no " },
        )
    }
}

/// A state of the search.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct State {
    /// The model's world, tasks renumbered.
    pub model: BroadcastModel,
    /// What the transition into this state broke (empty when it broke
    /// nothing, so it does not split states).
    pub(super) broken: Vec<Broken>,
}

impl State {
    pub(super) fn broke(&self, rule: BroadcastRule) -> bool {
        self.broken.iter().any(|b| b.rule == rule)
    }
}

/// The BroadcastChannel model over a bounded universe.
pub struct Broadcasting {
    /// The bounds.
    pub universe: BroadcastUniverse,
    /// States checked against the properties (counted by the first).
    pub(super) visited: AtomicUsize,
}

impl Broadcasting {
    /// The model over `universe`.
    pub fn new(universe: BroadcastUniverse) -> Broadcasting {
        Broadcasting {
            universe,
            visited: AtomicUsize::new(0),
        }
    }

    /// The state `ops` lead to from the first state.
    pub fn state_after(&self, ops: &[BroadcastOp]) -> State {
        let first = self.init_states().remove(0);
        ops.iter()
            .fold(first, |state, op| self.next_state(&state, *op).unwrap_or(state))
    }

    /// The smallest text number no waiting task carries.
    fn fresh_text(world: &BroadcastModel) -> u8 {
        let used: Vec<u8> = world
            .tasks()
            .filter_map(|t| match t.payload {
                Payload::Text(n) => Some(n),
                Payload::Shared => None,
            })
            .collect();
        (0..=u8::MAX).find(|n| !used.contains(n)).unwrap_or(0)
    }
}

impl Model for Broadcasting {
    type State = State;
    type Action = BroadcastOp;

    fn init_states(&self) -> Vec<State> {
        let model = self
            .universe
            .mutation
            .map_or_else(BroadcastModel::default, BroadcastModel::with_mutation);
        vec![State {
            model,
            broken: Vec::new(),
        }]
    }

    fn actions(&self, state: &State, actions: &mut Vec<BroadcastOp>) {
        let u = &self.universe;
        let world = &state.model;
        let channels = world.channels();
        if channels.len() < u.channels {
            for agent in 0..u.agents {
                for name in 0..u.names {
                    actions.push(BroadcastOp::Create { agent, name });
                }
            }
        }
        let room = world.tasks().count() < u.messages;
        for (channel, c) in channels.iter().enumerate() {
            if c.forgotten || c.collected {
                continue;
            }
            if room {
                let text = Payload::Text(Self::fresh_text(world));
                actions.push(BroadcastOp::Post {
                    channel,
                    payload: text,
                });
                if u.shared {
                    actions.push(BroadcastOp::Post {
                        channel,
                        payload: Payload::Shared,
                    });
                }
            }
            if !c.closed {
                actions.push(BroadcastOp::Close { channel });
            }
            if !c.listened {
                actions.push(BroadcastOp::Listen { channel });
            }
            actions.push(BroadcastOp::Forget { channel });
        }
        actions.push(BroadcastOp::Gc);
        actions.push(BroadcastOp::Step);
        if u.shutdown {
            for agent in (0..u.agents).filter(|&a| !world.down()[a]) {
                actions.push(BroadcastOp::Shutdown { agent });
            }
        }
    }

    fn next_state(&self, last: &State, op: BroadcastOp) -> Option<State> {
        let mut model = last.model.clone();
        let mut broken = Vec::new();
        if op == BroadcastOp::Step {
            let (seen, task) = model.step_traced();
            if let Some(task) = task {
                broken = judge_step(&last.model, &task, &seen);
            }
        } else {
            model.apply(op)?;
        }
        model.canonicalize();
        Some(State { model, broken })
    }

    fn properties(&self) -> Vec<Property<Self>> {
        BroadcastRule::ALL.iter().map(|rule| rule.property()).collect()
    }
}

impl Conformance for Broadcasting {
    fn depth(&self) -> Option<usize> {
        self.universe.depth
    }

    fn visited(&self) -> usize {
        self.visited.load(Ordering::Relaxed)
    }

    fn compare(&self, ops: &[BroadcastOp], state: &State, action: &BroadcastOp) -> Result<(), String> {
        // Every action names a channel by its index, so the harness's
        // "index modulo the channels made" is the index itself.
        let mut harness = BroadcastHarness::new();
        for op in ops {
            harness.apply(*op, usize::MAX);
        }
        let mut model = state.model.clone();
        let Some(expected) = model.apply(*action) else {
            return Ok(());
        };
        let got = harness.apply(*action, usize::MAX);
        if got == expected {
            return Ok(());
        }
        let mut all = ops.to_vec();
        all.push(*action);
        Err(format!(
            "{}# the implementation and the model disagree: the model expected {expected:?}, the implementation gave {got:?}\n",
            self.scenario(&all)
        ))
    }

    fn scenario(&self, ops: &[BroadcastOp]) -> String {
        crate::broadcast::scenario_text(ops)
    }
}
