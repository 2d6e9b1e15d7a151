//! Drives the implementation (`webmessaging::messaging::World` on its
//! deterministic stepper) with the same operations as the model, through the
//! library's public API only, and reads back what the model predicts:
//! observations and port states, in the model's own types.

use crate::model::{Event, Observation, PortView, PostResult, QueueView, RUN_LIMIT, ShipResult};
use crate::scenario::{AGENTS, Data, EventKind, Item, Op};
use webmessaging::ecmascript::{
    AgentClusterId, ArrayBufferState, JsString, ObjectId, ObjectKind, SharedDataBlock, Value,
};
use webmessaging::messaging::{Agent, AgentId, DispatchedEvent, EventType, PortId, PostOutcome, World};
use webmessaging::structured::CloneError;

/// The implementation under test: a world with the agents of [`AGENTS`].
pub struct Harness {
    world: World,
}

impl Default for Harness {
    fn default() -> Self {
        Harness::new()
    }
}

impl Harness {
    /// A world with the agents every checked scenario starts with.
    pub fn new() -> Harness {
        Harness::with_agents(&AGENTS)
    }

    /// A world with these agents (name, agent cluster).
    pub fn with_agents(agents: &[(&str, u32)]) -> Harness {
        let mut world = World::new();
        for &(name, cluster) in agents {
            world.add_agent(name, AgentClusterId(u64::from(cluster)));
        }
        Harness { world }
    }

    /// The agent holding the port `label`, and the port.
    fn find(&self, label: &str) -> Option<(AgentId, PortId)> {
        self.world
            .agents()
            .find_map(|(id, agent)| Some((id, agent.port_by_label(label)?)))
    }

    /// Applies `op` to the implementation. `Err` describes an outcome the
    /// model has no words for (an exception other than DataCloneError).
    pub fn apply(&mut self, op: &Op) -> Result<Vec<Observation>, String> {
        let mut seen = Vec::new();
        match op {
            Op::Channel { agent, port1, port2 } => {
                if let Some(agent) = self.world.agent_named(agent) {
                    let channel = self.world.agent(agent).new_message_channel(port1, port2);
                    // The getters, for spec coverage.
                    let _ = (
                        Agent::message_channel_port1(channel),
                        Agent::message_channel_port2(channel),
                    );
                }
            }
            Op::Post {
                port,
                data,
                transfer,
                options,
            } => {
                if let Some((agent, port)) = self.find(port) {
                    seen.push(Observation::Post(
                        self.post(agent, port, data, transfer, *options)?,
                    ));
                }
            }
            Op::Start(port) => self.with_port(port, |agent, port| agent.start(port)),
            Op::OnMessage(port) => self.with_port(port, |agent, port| agent.set_onmessage(port)),
            Op::Listen(port, kind) => {
                let kind = match kind {
                    EventKind::Message => EventType::Message,
                    EventKind::MessageError => EventType::MessageError,
                    EventKind::Close => EventType::Close,
                };
                self.with_port(port, |agent, port| agent.add_event_listener(port, kind));
            }
            Op::Close(port) => self.with_port(port, |agent, port| agent.close(port)),
            Op::Forget(port) => self.with_port(port, |agent, port| agent.forget(port)),
            Op::Gc => {
                for (agent, label) in self.world.collect_garbage() {
                    let agent = self.world.agent_ref(agent).name().to_owned();
                    seen.push(Observation::Collected { agent, label });
                }
            }
            Op::Ship { port, to } => {
                if let (Some((agent, port)), Some(to)) = (self.find(port), self.world.agent_named(to)) {
                    let global = self.world.agent(to).global_port();
                    let from = self.world.agent(agent);
                    let object = from.port(port).map(|p| *p.object()).ok_or("no such port")?;
                    let result = match from.post_to_global(&global, Value::Undefined, &[object]) {
                        Ok(()) => ShipResult::Sent,
                        Err(CloneError::DataClone(_)) => ShipResult::DataCloneError,
                        Err(other) => return Err(format!("ship threw {other}")),
                    };
                    seen.push(Observation::Ship(result));
                }
            }
            Op::Step(None) => {
                if let Some((_, event)) = self.world.step() {
                    seen.push(self.observe(&event));
                }
            }
            Op::Step(Some(agent)) => {
                if let Some(agent) = self.world.agent_named(agent)
                    && let Some(event) = self.world.run_one(agent)
                {
                    seen.push(self.observe(&event));
                }
            }
            Op::Run => {
                for (_, event) in self.world.run_until_idle(RUN_LIMIT) {
                    seen.push(self.observe(&event));
                }
            }
        }
        Ok(seen)
    }

    fn with_port(&mut self, label: &str, f: impl FnOnce(&mut Agent, PortId)) {
        if let Some((agent, port)) = self.find(label) {
            f(self.world.agent(agent), port);
        }
    }

    fn post(
        &mut self,
        agent: AgentId,
        port: PortId,
        data: &Data,
        transfer: &[Item],
        options: bool,
    ) -> Result<PostResult, String> {
        let agent = self.world.agent(agent);
        let object = |bytes: &[u8]| {
            Some(ObjectKind::array_buffer_of(ArrayBufferState::Owned {
                data: Some(bytes.to_vec()),
                max_byte_length: None,
                detach_key: false,
            }))
        };
        let kind = match data {
            Data::Buffer(bytes) => object(bytes),
            Data::Shared(bytes) => Some(ObjectKind::array_buffer_of(ArrayBufferState::Shared {
                block: SharedDataBlock::new(bytes.clone()),
                max_byte_length: None,
            })),
            _ => None,
        };
        let buffer = kind.map(|kind| agent.realm_mut().alloc(kind));
        let message = match (data, buffer) {
            (_, Some(buffer)) => Value::Object(buffer),
            (Data::Num(n), _) => Value::Number(f64::from(*n)),
            (Data::Str(s), _) => Value::String(JsString::from(s.as_str())),
            _ => Value::Undefined,
        };
        let mut list = Vec::new();
        for item in transfer {
            let object = match item {
                Item::Port(label) => agent
                    .port_by_label(label)
                    .and_then(|p| agent.port(p))
                    .map(|p| *p.object()),
                Item::Buffer => buffer,
            };
            list.push(object.ok_or_else(|| format!("the transfer list names nothing: {item:?}"))?);
        }
        let result = if options {
            agent.post_message_with_options(port, message, &list)
        } else {
            agent.post_message(port, message, &list)
        };
        match result {
            Ok(PostOutcome::Queued) => Ok(PostResult::Queued),
            Ok(PostOutcome::NoTargetPort) => Ok(PostResult::NoTargetPort),
            Ok(PostOutcome::Doomed) => Ok(PostResult::Doomed),
            Err(CloneError::DataClone(_)) => Ok(PostResult::DataCloneError),
            Err(other) => Err(format!("postMessage threw {other}")),
        }
    }

    /// A dispatched event in the model's terms.
    fn observe(&self, event: &DispatchedEvent) -> Observation {
        let kind = match event.event {
            EventType::Message => EventKind::Message,
            EventType::MessageError => EventKind::MessageError,
            EventType::Close => EventKind::Close,
            // `EventType` is non-exhaustive: a type the model does not know
            // is a difference to report, not to map.
            other => panic!("the model has no {other} event"),
        };
        let realm = self
            .world
            .agent_named(event.agent())
            .map(|id| self.world.agent_ref(id).realm());
        let data = event.data.as_ref().map(|value| match value {
            Value::Undefined => Data::Undefined,
            Value::Number(n) if n.fract() == 0.0 && n.abs() < 1e9 => Data::Num(*n as i32),
            Value::String(s) => Data::Str(s.to_rust_string().unwrap_or_else(|| format!("{s:?}"))),
            Value::Object(object) => realm.map_or_else(|| Data::Str("?".into()), |r| buffer_data(r, *object)),
            other => Data::Str(format!("unexpected value {other:?}")),
        });
        Observation::Event(Event {
            agent: event.agent().to_owned(),
            target: event.target_label().to_owned(),
            kind,
            data,
            ports: event.port_labels().map(str::to_owned).collect(),
            listeners: event.listeners,
        })
    }

    /// Every port object's state, agent by agent, in creation order.
    pub fn snapshot(&self) -> Vec<PortView> {
        let mut views = Vec::new();
        for (_, agent) in self.world.agents() {
            for id in agent.port_ids() {
                let Some(port) = agent.port(id) else { continue };
                let detached = matches!(
                    agent.realm().object(*port.object()).kind(),
                    ObjectKind::Platform {
                        detached: Some(true),
                        ..
                    }
                );
                views.push(PortView {
                    agent: agent.name().to_owned(),
                    label: port.label().to_owned(),
                    detached,
                    queue: port.end().map(|end| QueueView {
                        entangled: end.is_entangled(),
                        enabled: end.is_enabled(),
                        shipped: end.has_been_shipped(),
                        queued: end.queued(),
                        close_pending: end.close_pending(),
                    }),
                });
            }
        }
        views
    }
}

/// The received object, when it is a buffer (the only objects sent).
fn buffer_data(realm: &webmessaging::ecmascript::Heap, object: ObjectId) -> Data {
    let kind = realm.get_object(object).map(|o| o.kind());
    match kind.and_then(ObjectKind::as_array_buffer) {
        Some(ArrayBufferState::Owned {
            data: Some(bytes), ..
        }) => Data::Buffer(bytes.clone()),
        Some(ArrayBufferState::Shared { block, .. }) => Data::Shared(block.snapshot()),
        _ => Data::Str(format!("unexpected object {kind:?}")),
    }
}
