//! The implementation (`webmessaging`'s `World` and `Agent`) driven with
//! the model's operations, answering with what script sees.

use super::{BROADCAST_AGENTS, BroadcastOp, NAMES, Payload, Seen, label};
use webmessaging::ecmascript::{
    AgentClusterId, ArrayBufferState, JsString, ObjectKind, SharedDataBlock, Value,
};
use webmessaging::messaging::{AgentId, BroadcastError, BroadcastId, StorageKey, World};

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
                        ObjectKind::array_buffer_of(ArrayBufferState::Shared {
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
