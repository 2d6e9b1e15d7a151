//! `broadcast_ops`: arbitrary sequences of BroadcastChannel operations on
//! the deterministic stepper ([`World`]), checked against bookkeeping of
//! which channels each post was due to reach.
//!
//! # Invariants checked
//!
//! - `postMessage` throws InvalidStateError exactly when the channel is
//!   closed and its agent has not gone away (a gone agent's post returns
//!   quietly, queuing nothing); otherwise it queues one task for each other
//!   open channel of the same name in a live agent with the same storage
//!   key, and for no other.
//! - Every event is at a channel that was due the message, is open, and not
//!   the poster; each destination gets its messages in post order, none
//!   skipped but those it was closed for, none twice.
//! - A SharedArrayBuffer arrives as `message` within the poster's agent
//!   cluster and as `messageerror` outside it; text arrives as sent.
//! - The collector never takes a channel script holds, nor an open one with
//!   a `message` listener.
//! - After draining, every message due to an open channel of a live agent
//!   arrived.

use arbitrary::{Arbitrary, Unstructured};
use std::collections::{BTreeMap, VecDeque};
use webmessaging::ecmascript::{
    AgentClusterId, ArrayBufferState, JsString, ObjectKind, SharedDataBlock, Value,
};
use webmessaging::messaging::{
    AgentId, BroadcastError, BroadcastId, EventTarget, EventType, StorageKey, World,
};

/// Most operations run from one input.
const MAX_OPS: usize = 64;
/// The agents: cluster and storage key.
const AGENTS: [(u64, &str); 3] = [(0, "k1"), (0, "k1"), (1, "k1")];
/// A fourth agent of another storage key, made when an input asks for it.
const OTHER_KEY_AGENT: (u64, &str) = (0, "k2");

/// One operation; channels are picked by index among those made.
#[derive(Arbitrary, Debug, Clone)]
pub enum Op {
    Create { agent: u8, name: u8 },
    Post { channel: u8, shared: bool },
    Close { channel: u8 },
    Listen { channel: u8 },
    Forget { channel: u8 },
    Gc,
    Shutdown { agent: u8 },
    Step,
    Run { steps: u8 },
}

/// One fuzz case.
#[derive(Arbitrary, Debug)]
pub struct Case {
    other_key_agent: bool,
    ops: Vec<Op>,
}

struct Channel {
    agent: usize,
    id: BroadcastId,
    name: u8,
    closed: bool,
    listened: bool,
    forgotten: bool,
    collected: bool,
    /// Message numbers due here, in post order.
    due: VecDeque<u32>,
}

struct Posted {
    source_cluster: u64,
    shared: bool,
}

struct Run {
    world: World,
    agents: Vec<(AgentId, u64, &'static str)>,
    down: Vec<bool>,
    channels: Vec<Channel>,
    by_id: BTreeMap<BroadcastId, usize>,
    posts: Vec<Posted>,
}

impl Run {
    fn new(other_key_agent: bool) -> Run {
        let mut world = World::new();
        let mut specs = AGENTS.to_vec();
        if other_key_agent {
            specs.push(OTHER_KEY_AGENT);
        }
        let agents: Vec<_> = specs
            .iter()
            .enumerate()
            .map(|(i, (cluster, key))| {
                let id = world.add_agent(format!("A{i}"), AgentClusterId(*cluster));
                world.agent(id).set_storage_key(StorageKey((*key).to_owned()));
                (id, *cluster, *key)
            })
            .collect();
        Run {
            world,
            down: vec![false; agents.len()],
            agents,
            channels: Vec::new(),
            by_id: BTreeMap::new(),
            posts: Vec::new(),
        }
    }

    /// The usable channel `index` names (script still holds it).
    fn pick(&self, index: u8) -> Option<usize> {
        if self.channels.is_empty() {
            return None;
        }
        let i = usize::from(index) % self.channels.len();
        let c = &self.channels[i];
        (!c.forgotten && !c.collected).then_some(i)
    }

    fn apply(&mut self, op: &Op) {
        match *op {
            Op::Create { agent, name } => {
                let agent = usize::from(agent) % self.agents.len();
                let name = name % 2;
                let label = format!("c{}", self.channels.len());
                let value = Value::String(JsString::from(format!("n{name}").as_str()));
                let id = self
                    .world
                    .agent(self.agents[agent].0)
                    .new_broadcast_channel(&value, &label);
                let id = id.expect("a string name converts");
                self.by_id.insert(id, self.channels.len());
                self.channels.push(Channel {
                    agent,
                    id,
                    name,
                    closed: false,
                    listened: false,
                    forgotten: false,
                    collected: false,
                    due: VecDeque::new(),
                });
            }
            Op::Post { channel, shared } => {
                let Some(source) = self.pick(channel) else { return };
                self.post(source, shared);
            }
            Op::Close { channel } => {
                let Some(i) = self.pick(channel) else { return };
                let (agent, id) = (self.agents[self.channels[i].agent].0, self.channels[i].id);
                self.world.agent(agent).close_broadcast(id);
                self.channels[i].closed = true;
                self.channels[i].due.clear();
            }
            Op::Listen { channel } => {
                let Some(i) = self.pick(channel) else { return };
                let (agent, id) = (self.agents[self.channels[i].agent].0, self.channels[i].id);
                self.world.agent(agent).set_broadcast_onmessage(id);
                self.channels[i].listened = true;
            }
            Op::Forget { channel } => {
                let Some(i) = self.pick(channel) else { return };
                let (agent, id) = (self.agents[self.channels[i].agent].0, self.channels[i].id);
                self.world.agent(agent).forget_broadcast(id);
                self.channels[i].forgotten = true;
            }
            Op::Gc => self.gc(),
            Op::Shutdown { agent } => {
                let agent = usize::from(agent) % self.agents.len();
                self.world.agent(self.agents[agent].0).shut_down();
                self.down[agent] = true;
                for c in self.channels.iter_mut().filter(|c| c.agent == agent) {
                    c.due.clear();
                }
            }
            Op::Step => {
                self.step();
            }
            Op::Run { steps } => {
                for _ in 0..steps % 8 {
                    if !self.step() {
                        break;
                    }
                }
            }
        }
    }

    fn post(&mut self, source: usize, shared: bool) {
        let from = self.channels[source].agent;
        let (agent, cluster, key) = self.agents[from];
        let number = u32::try_from(self.posts.len()).expect("few posts");
        let value = if shared {
            let block = SharedDataBlock::new(vec![7]);
            let state = ArrayBufferState::Shared {
                block,
                max_byte_length: None,
            };
            Value::Object(
                self.world
                    .agent(agent)
                    .realm_mut()
                    .alloc(ObjectKind::array_buffer_of(state)),
            )
        } else {
            Value::String(JsString::from(format!("m{number}").as_str()))
        };
        let result = self
            .world
            .agent(agent)
            .post_broadcast(self.channels[source].id, value);
        if self.down[from] {
            assert!(
                matches!(result, Ok(0)),
                "a gone agent's post queues nothing: {result:?}"
            );
            return;
        }
        if self.channels[source].closed {
            assert!(
                matches!(result, Err(BroadcastError::InvalidState)),
                "a closed channel's post throws InvalidStateError: {result:?}"
            );
            return;
        }
        let name = self.channels[source].name;
        let due: Vec<usize> = (0..self.channels.len())
            .filter(|&d| {
                let c = &self.channels[d];
                d != source
                    && !c.closed
                    && !c.collected
                    && !self.down[c.agent]
                    && c.name == name
                    && self.agents[c.agent].2 == key
            })
            .collect();
        match result {
            Ok(n) => assert_eq!(n, due.len(), "tasks queued for channel c{source}"),
            Err(e) => panic!("an open channel's post threw {e}"),
        }
        self.posts.push(Posted {
            source_cluster: cluster,
            shared,
        });
        for d in due {
            self.channels[d].due.push_back(number);
        }
    }

    /// One step; whether a task ran.
    fn step(&mut self) -> bool {
        let Some((_, event)) = self.world.step() else {
            return false;
        };
        let EventTarget::Broadcast(id) = event.target else {
            panic!("an event at a port or global: {event:?}")
        };
        let i = *self.by_id.get(&id).expect("an event at a channel that was made");
        let channel = &mut self.channels[i];
        assert!(
            !channel.closed && !channel.collected,
            "an event at closed channel c{i}"
        );
        let number = channel
            .due
            .pop_front()
            .unwrap_or_else(|| panic!("an event at c{i}, which was due nothing"));
        let cluster = self.agents[channel.agent].1;
        let posted = &self.posts[number as usize];
        match (&event.event, &event.data) {
            (EventType::MessageError, None) => {
                assert!(
                    posted.shared && posted.source_cluster != cluster,
                    "messageerror for m{number}"
                );
            }
            (EventType::Message, Some(Value::Object(_))) => {
                assert!(
                    posted.shared && posted.source_cluster == cluster,
                    "a buffer for m{number}"
                );
            }
            (EventType::Message, Some(Value::String(s))) => {
                assert!(!posted.shared, "text for a buffer");
                assert_eq!(
                    s.to_string_lossy(),
                    format!("m{number}"),
                    "c{i} got messages out of order"
                );
            }
            other => panic!("an unexpected event {other:?}"),
        }
        true
    }

    fn gc(&mut self) {
        let collected = self.world.collect_garbage();
        for (agent, label) in collected {
            let i: usize = label[1..].parse().expect("a channel label");
            let c = &mut self.channels[i];
            assert_eq!(self.agents[c.agent].0, agent, "c{i} collected in another agent");
            assert!(c.forgotten, "c{i} collected while script holds it");
            assert!(c.closed || !c.listened, "open listening c{i} collected");
            assert!(
                c.closed || c.due.is_empty() || self.down[c.agent],
                "c{i} collected with a task due"
            );
            c.collected = true;
        }
    }
}

/// The target: runs the operations, then drains and checks nothing due to
/// an open channel of a live agent was lost.
pub fn broadcast_ops(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let Ok(case) = Case::arbitrary(&mut u) else { return };
    let mut run = Run::new(case.other_key_agent);
    for op in case.ops.iter().take(MAX_OPS) {
        run.apply(op);
    }
    // Each step takes a message off a channel's due list (or panics), so
    // the drain ends.
    while run.step() {}
    for (i, c) in run.channels.iter().enumerate() {
        assert!(c.due.is_empty(), "c{i} never got {:?}", c.due);
    }
}
