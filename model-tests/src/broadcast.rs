//! BroadcastChannel: a reference model written from the standard's
//! "Broadcasting to other browsing contexts" (plain data, no threads), and a
//! randomized check that drives the implementation (`webmessaging`'s
//! `World` and `Agent`) with the same operations and compares what script
//! observes after each one.
//!
//! The model's universe: agents A and B (cluster 0, storage key `k1`), C
//! (cluster 1, `k1`) and D (cluster 0, `k2`); channels of two names; text
//! messages and SharedArrayBuffers. It follows the readings of
//! spec/deviations.md's "Ambiguities" section: "source" in step 7 is the
//! posting channel, and tasks run oldest first across the world.

use crate::report::CheckReport;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use webmessaging::ecmascript::{
    AgentClusterId, ArrayBufferState, JsString, ObjectKind, SharedDataBlock, Value,
};
use webmessaging::messaging::{AgentId, BroadcastError, BroadcastId, StorageKey, World};

/// The agents: name, agent cluster, storage key.
pub const BROADCAST_AGENTS: [(&str, u64, &str); 4] =
    [("A", 0, "k1"), ("B", 0, "k1"), ("C", 1, "k1"), ("D", 0, "k2")];

/// The channel names used.
const NAMES: [&str; 2] = ["auth", "news"];

/// What a message holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Payload {
    /// A string, `"mN"`.
    Text(u8),
    /// A SharedArrayBuffer of the posting agent's cluster.
    Shared,
}

/// One operation. Channels are named by index among those made so far
/// (modulo their number), so every generated sequence means something.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BroadcastOp {
    /// `new BroadcastChannel(NAMES[name])` in agent `agent`.
    Create {
        /// Agent index.
        agent: usize,
        /// Name index.
        name: usize,
    },
    /// `channel.postMessage(payload)`.
    Post {
        /// Channel index.
        channel: usize,
        /// What it posts.
        payload: Payload,
    },
    /// `channel.close()`.
    Close {
        /// Channel index.
        channel: usize,
    },
    /// `channel.onmessage = …`.
    Listen {
        /// Channel index.
        channel: usize,
    },
    /// Script drops the channel.
    Forget {
        /// Channel index.
        channel: usize,
    },
    /// A garbage collection.
    Gc,
    /// The agent goes away.
    Shutdown {
        /// Agent index.
        agent: usize,
    },
    /// The oldest ready task of any agent runs.
    Step,
}

/// What script could see of one operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seen {
    /// Nothing.
    Nothing,
    /// `postMessage` returned, having queued this many tasks.
    Posted(usize),
    /// `postMessage` threw InvalidStateError.
    InvalidState,
    /// An event: agent, channel label, type, data (`shared` for a buffer).
    Event(String, String, &'static str, Option<String>),
    /// No task was ready.
    Idle,
    /// The collected channels' labels, agent by agent.
    Collected(Vec<String>),
}

#[derive(Clone, Debug)]
struct ModelChannel {
    agent: usize,
    name: usize,
    closed: bool,
    listened: bool,
    forgotten: bool,
    collected: bool,
}

#[derive(Clone, Debug)]
struct Task {
    seq: u64,
    destination: usize,
    payload: Payload,
    source_cluster: u64,
}

/// The reference model.
#[derive(Clone, Debug, Default)]
pub struct BroadcastModel {
    channels: Vec<ModelChannel>,
    down: [bool; 4],
    queues: [VecDeque<Task>; 4],
    clock: u64,
}

fn label(index: usize) -> String {
    format!("c{index}")
}

impl BroadcastModel {
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
                let destinations: Vec<usize> = (0..self.channels.len())
                    .filter(|&d| {
                        let c = &self.channels[d];
                        d != source
                            && !self.down[c.agent]
                            && !c.closed
                            && !c.collected
                            && BROADCAST_AGENTS[c.agent].2 == key
                            && c.name == name
                    })
                    .collect();
                for &destination in &destinations {
                    self.clock += 1;
                    let agent = self.channels[destination].agent;
                    self.queues[agent].push_back(Task {
                        seq: self.clock,
                        destination,
                        payload,
                        source_cluster: BROADCAST_AGENTS[from].1,
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
                        let held = !c.forgotten || (!c.closed && c.listened) || pending;
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

    fn step(&mut self) -> Seen {
        // A task whose channel was closed since it was queued ends unseen.
        for queue in &mut self.queues {
            let channels = &self.channels;
            queue.retain(|t| !channels[t.destination].closed && !channels[t.destination].collected);
        }
        let Some(agent) = (0..self.queues.len())
            .filter(|&a| !self.queues[a].is_empty())
            .min_by_key(|&a| self.queues[a][0].seq)
        else {
            return Seen::Idle;
        };
        let task = self.queues[agent].pop_front().expect("a task");
        let (name, cluster, _) = BROADCAST_AGENTS[agent];
        let (kind, data) = match task.payload {
            Payload::Text(n) => ("message", Some(format!("m{n}"))),
            Payload::Shared if task.source_cluster == cluster => ("message", Some("shared".to_owned())),
            Payload::Shared => ("messageerror", None),
        };
        Seen::Event(name.to_owned(), label(task.destination), kind, data)
    }
}

/// The implementation, driven through its public API.
pub struct BroadcastHarness {
    world: World,
    agents: Vec<AgentId>,
    channels: Vec<(AgentId, BroadcastId)>,
}

impl Default for BroadcastHarness {
    fn default() -> Self {
        BroadcastHarness::new()
    }
}

impl BroadcastHarness {
    /// The four agents, with their clusters and storage keys.
    pub fn new() -> Self {
        let mut world = World::new();
        let agents = BROADCAST_AGENTS
            .iter()
            .map(|(name, cluster, key)| {
                let id = world.add_agent(*name, AgentClusterId(*cluster));
                world.agent(id).set_storage_key(StorageKey((*key).to_owned()));
                id
            })
            .collect();
        BroadcastHarness {
            world,
            agents,
            channels: Vec::new(),
        }
    }

    /// Applies `op` as the model did (`index` is the channel the model
    /// resolved, for ops on channels).
    pub fn apply(&mut self, op: BroadcastOp, model_channels: usize) -> Seen {
        let pick = |c: usize| c % model_channels.max(1);
        match op {
            BroadcastOp::Create { agent, name } => {
                let id = self.agents[agent];
                let label = label(self.channels.len());
                let value = Value::String(JsString::from(NAMES[name]));
                let made = self
                    .world
                    .agent(id)
                    .new_broadcast_channel(&value, &label)
                    .expect("a name string");
                let got = self.world.agent(id).broadcast_name(made).expect("the channel");
                assert_eq!(got.to_string_lossy(), NAMES[name], "the name getter");
                self.channels.push((id, made));
                Seen::Nothing
            }
            BroadcastOp::Post { channel: c, payload } => {
                let (agent, id) = self.channels[pick(c)];
                let value = match payload {
                    Payload::Text(n) => Value::String(JsString::from(format!("m{n}").as_str())),
                    Payload::Shared => Value::Object(self.world.agent(agent).realm_mut().alloc(
                        ObjectKind::ArrayBuffer(ArrayBufferState::Shared {
                            block: SharedDataBlock::new(vec![1]),
                            max_byte_length: None,
                        }),
                    )),
                };
                match self.world.agent(agent).post_broadcast(id, value) {
                    Ok(n) => Seen::Posted(n),
                    Err(BroadcastError::InvalidState) => Seen::InvalidState,
                    Err(other) => panic!("postMessage threw {other}"),
                }
            }
            BroadcastOp::Close { channel: c } => {
                let (agent, id) = self.channels[pick(c)];
                self.world.agent(agent).close_broadcast(id);
                Seen::Nothing
            }
            BroadcastOp::Listen { channel: c } => {
                let (agent, id) = self.channels[pick(c)];
                self.world.agent(agent).set_broadcast_onmessage(id);
                Seen::Nothing
            }
            BroadcastOp::Forget { channel: c } => {
                let (agent, id) = self.channels[pick(c)];
                self.world.agent(agent).forget_broadcast(id);
                Seen::Nothing
            }
            BroadcastOp::Gc => {
                Seen::Collected(self.world.collect_garbage().into_iter().map(|(_, l)| l).collect())
            }
            BroadcastOp::Shutdown { agent } => {
                self.world.agent(self.agents[agent]).shut_down();
                Seen::Nothing
            }
            BroadcastOp::Step => match self.world.step() {
                None => Seen::Idle,
                Some((_, event)) => {
                    let data = match &event.data {
                        Some(Value::String(s)) => Some(s.to_string_lossy()),
                        Some(_) => Some("shared".to_owned()),
                        None => None,
                    };
                    let kind = event.event.name();
                    Seen::Event(
                        event.agent().to_owned(),
                        event.target_label().to_owned(),
                        kind,
                        data,
                    )
                }
            },
        }
    }
}

/// The operation as a line of the scenario language.
pub fn op_line(op: BroadcastOp, channels: usize) -> String {
    let c = |i: usize| label(i % channels.max(1));
    match op {
        BroadcastOp::Create { agent, name } => {
            format!(
                "broadcast {} {} {}",
                BROADCAST_AGENTS[agent].0,
                NAMES[name],
                label(channels)
            )
        }
        BroadcastOp::Post {
            channel,
            payload: Payload::Text(n),
        } => format!("post {} \"m{n}\"", c(channel)),
        BroadcastOp::Post { channel, .. } => format!(
            "post {} {{\"root\": {{\"ref\": 0}}, \"objects\": [{{\"kind\": \"ArrayBuffer\", \"bytes\": \"01\", \"shared\": true}}]}}",
            c(channel)
        ),
        BroadcastOp::Close { channel } => format!("close {}", c(channel)),
        BroadcastOp::Listen { channel } => format!("onmessage {}", c(channel)),
        BroadcastOp::Forget { channel } => format!("forget {}", c(channel)),
        BroadcastOp::Gc => "gc".to_owned(),
        BroadcastOp::Shutdown { agent } => format!("shutdown {}", BROADCAST_AGENTS[agent].0),
        BroadcastOp::Step => "step".to_owned(),
    }
}

fn op() -> impl Strategy<Value = BroadcastOp> {
    let payload = prop_oneof![4 => (0u8..4).prop_map(Payload::Text), 1 => Just(Payload::Shared)];
    prop_oneof![
        4 => (0..4usize, 0..2usize).prop_map(|(agent, name)| BroadcastOp::Create { agent, name }),
        5 => (0..8usize, payload).prop_map(|(channel, payload)| BroadcastOp::Post { channel, payload }),
        2 => (0..8usize).prop_map(|channel| BroadcastOp::Close { channel }),
        1 => (0..8usize).prop_map(|channel| BroadcastOp::Listen { channel }),
        1 => (0..8usize).prop_map(|channel| BroadcastOp::Forget { channel }),
        1 => Just(BroadcastOp::Gc),
        1 => (0..4usize).prop_map(|agent| BroadcastOp::Shutdown { agent }),
        6 => Just(BroadcastOp::Step),
    ]
}

/// Runs `ops` on the model and the implementation; the first difference,
/// with the scenario that leads to it.
pub fn check_ops(ops: &[BroadcastOp]) -> Result<(), String> {
    let mut model = BroadcastModel::default();
    let mut harness = BroadcastHarness::new();
    let agents: Vec<String> = BROADCAST_AGENTS
        .iter()
        .map(|(n, c, k)| format!("agent {n} cluster {c} storage-key {k}"))
        .collect();
    let mut script = agents;
    for &op in ops {
        let channels = model.channels.len();
        let before = op_line(op, channels);
        let Some(expected) = model.apply(op) else { continue };
        script.push(before);
        let got = harness.apply(op, channels.max(1));
        if got != expected {
            return Err(format!(
                "{}\n# the model expected {expected:?}, the implementation gave {got:?}",
                script.join("\n")
            ));
        }
    }
    Ok(())
}

/// The check `model-check` runs: `cases` random sequences of up to 40
/// operations.
pub fn run_broadcast_check(cases: usize, seed: u64, progress: &mut dyn FnMut(usize, usize)) -> CheckReport {
    let mut report = CheckReport::new("broadcast");
    let config = Config {
        cases: u32::try_from(cases).unwrap_or(u32::MAX),
        failure_persistence: None,
        ..Config::default()
    };
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    bytes[8] = 0xbc;
    let mut runner = TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &bytes));
    let (done, operations) = (Cell::new(0usize), Cell::new(0usize));
    let progress = RefCell::new(progress);
    let outcome = runner.run(&prop::collection::vec(op(), 1..40), |ops| {
        done.set(done.get() + 1);
        operations.set(operations.get() + ops.len());
        (progress.borrow_mut())(done.get(), operations.get());
        check_ops(&ops).map_err(TestCaseError::fail)
    });
    report.cases = done.get();
    report.operations = operations.get();
    if let Err(error) = outcome {
        report.counterexamples.push(error.to_string());
    }
    report
}
