//! A reference model of channel messaging, written from the standard
//! (HTML "Channel messaging") and this project's reading of it
//! (spec/deviations.md), not from `src/messaging`: plain data, one function
//! per operation, no threads and no sharing.
//!
//! What it keeps:
//!
//! - **port objects**: the MessagePort objects of each agent, in creation
//!   order, each with its label, its [[Detached]] slot, whether script still
//!   holds it, its listeners, and the port message queue it holds (none once
//!   it has been shipped away: a shipped original reaches nothing);
//! - **queues**: port message queues. A queue is what travels when a port is
//!   shipped (transferMessagePort/2: the data holder takes it), and so also
//!   what is entangled: each queue knows the queue it is entangled with,
//!   whether it is enabled, the "has been shipped" flag of the port holding
//!   it, its message tasks, and a pending `close` event;
//! - **messages**: data plus the queues of the ports they carry, in transfer
//!   order; a queue inside a message, or inside a worker-style task to an
//!   agent's global scope, is in flight and belongs to no port object;
//! - **one clock** that numbers every task when it is added, so "oldest
//!   first" can be decided across queues and agents.
//!
//! Every operation returns what script could observe: post outcomes,
//! dispatched events, collected ports.

mod gc;
mod observation;
mod tasks;

pub use observation::{Event, LivePort, Observation, PortView, PostResult, QueueView, ShipResult};

use crate::scenario::{Data, EventKind, Item, Op};
use std::collections::VecDeque;

/// The cap on tasks one `run` executes (the scenarios checked never need it).
pub const RUN_LIMIT: usize = 1000;

type PortIx = usize;
type QueueIx = usize;

#[derive(Clone, Debug)]
struct Agent {
    name: String,
    cluster: u32,
    /// Worker-style messages to the global scope.
    global: VecDeque<Task>,
}

#[derive(Clone, Debug)]
struct Task {
    /// When it was added (the clock's value).
    seq: u64,
    message: Message,
}

/// StructuredSerializeWithTransfer's result, reduced to what the model
/// tells apart.
#[derive(Clone, Debug)]
struct Message {
    data: Data,
    /// The sender's agent cluster (a SharedArrayBuffer stays in it).
    cluster: u32,
    /// The data holders of the transferred ports: queue and label.
    ports: Vec<(Option<QueueIx>, String)>,
}

#[derive(Clone, Debug)]
struct Queue {
    tasks: VecDeque<Task>,
    enabled: bool,
    shipped: bool,
    /// A `close` event waits (its place in task order).
    close: Option<u64>,
    /// The queue this one is entangled with.
    partner: Option<QueueIx>,
}

#[derive(Clone, Debug)]
struct Port {
    agent: usize,
    label: String,
    queue: Option<QueueIx>,
    detached: bool,
    /// Script holds a reference (until `forget`).
    held: bool,
    onmessage: bool,
    /// Listeners per event type, indexed by [`kind_index`].
    listeners: [usize; 3],
    collected: bool,
}

fn kind_index(kind: EventKind) -> usize {
    match kind {
        EventKind::Message => 0,
        EventKind::MessageError => 1,
        EventKind::Close => 2,
    }
}

/// Where a task waits: a port's queue (a message or its `close`), or the
/// agent's global scope.
#[derive(Clone, Copy)]
enum Source {
    Message(PortIx),
    Close(PortIx),
    Global,
}

/// The whole world of the model.
#[derive(Clone, Debug)]
pub struct Model {
    agents: Vec<Agent>,
    ports: Vec<Port>,
    queues: Vec<Queue>,
    clock: u64,
}

impl Model {
    /// A world of these agents (name, agent cluster) with no ports.
    pub fn new(agents: &[(&str, u32)]) -> Model {
        Model {
            agents: agents
                .iter()
                .map(|(name, cluster)| Agent {
                    name: (*name).to_owned(),
                    cluster: *cluster,
                    global: VecDeque::new(),
                })
                .collect(),
            ports: Vec::new(),
            queues: Vec::new(),
            clock: 0,
        }
    }

    /// The agents' names, in order.
    pub fn agent_names(&self) -> Vec<String> {
        self.agents.iter().map(|a| a.name.clone()).collect()
    }

    /// Every port object not yet collected, in creation order.
    pub fn live_ports(&self) -> Vec<LivePort> {
        self.ports
            .iter()
            .filter(|p| !p.collected)
            .map(|p| LivePort {
                agent: self.agents[p.agent].name.clone(),
                label: p.label.clone(),
                usable: !p.detached,
                waiting: p
                    .queue
                    .is_some_and(|q| !self.queues[q].enabled && !self.queues[q].tasks.is_empty()),
            })
            .collect()
    }

    /// The agent of the live port `label`.
    pub fn agent_of(&self, label: &str) -> Option<String> {
        self.find(label)
            .map(|p| self.agents[self.ports[p].agent].name.clone())
    }

    /// Whether any port, live or collected, was ever called `label`.
    pub fn label_used(&self, label: &str) -> bool {
        self.ports.iter().any(|p| p.label == label)
    }

    /// Every live port object's state, agent by agent, in creation order.
    pub fn snapshot(&self) -> Vec<PortView> {
        (0..self.agents.len())
            .flat_map(|a| self.ports.iter().filter(move |p| p.agent == a && !p.collected))
            .map(|p| PortView {
                agent: self.agents[p.agent].name.clone(),
                label: p.label.clone(),
                detached: p.detached,
                queue: p.queue.map(|q| {
                    let q = &self.queues[q];
                    QueueView {
                        entangled: q.partner.is_some(),
                        enabled: q.enabled,
                        shipped: q.shipped,
                        queued: q.tasks.len(),
                        close_pending: q.close.is_some(),
                    }
                }),
            })
            .collect()
    }

    /// Applies `op` and returns what it made observable. An operation naming
    /// a port or agent that does not exist does nothing.
    pub fn apply(&mut self, op: &Op) -> Vec<Observation> {
        let mut seen = Vec::new();
        match op {
            Op::Channel { agent, port1, port2 } => {
                if let Some(agent) = self.agent_index(agent) {
                    self.new_channel(agent, port1, port2);
                }
            }
            Op::Post {
                port, data, transfer, ..
            } => {
                if let Some(port) = self.find(port) {
                    seen.push(Observation::Post(self.post(port, data, transfer)));
                }
            }
            Op::Start(port) => {
                if let Some(port) = self.find(port) {
                    self.start(port);
                }
            }
            Op::OnMessage(port) => {
                if let Some(port) = self.find(port) {
                    self.set_onmessage(port);
                }
            }
            Op::Listen(port, kind) => {
                if let Some(port) = self.find(port) {
                    self.ports[port].listeners[kind_index(*kind)] += 1;
                }
            }
            Op::Close(port) => {
                if let Some(port) = self.find(port) {
                    self.close(port);
                }
            }
            Op::Forget(port) => {
                if let Some(port) = self.find(port) {
                    self.ports[port].held = false;
                }
            }
            Op::Gc => seen.extend(self.collect_garbage()),
            Op::Ship { port, to } => {
                if let (Some(port), Some(to)) = (self.find(port), self.agent_index(to)) {
                    seen.push(Observation::Ship(self.ship(port, to)));
                }
            }
            Op::Step(None) => seen.extend(self.world_step()),
            Op::Step(Some(agent)) => {
                if let Some(agent) = self.agent_index(agent) {
                    seen.extend(self.run_task(agent));
                }
            }
            Op::Run => {
                while seen.len() < RUN_LIMIT {
                    let Some(event) = self.world_step() else { break };
                    seen.push(event);
                }
            }
        }
        seen
    }

    fn agent_index(&self, name: &str) -> Option<usize> {
        self.agents.iter().position(|a| a.name == name)
    }

    /// The live port object called `label` (labels of live ports are unique).
    fn find(&self, label: &str) -> Option<PortIx> {
        self.ports.iter().position(|p| !p.collected && p.label == label)
    }

    fn tick(&mut self) -> u64 {
        self.clock += 1;
        self.clock
    }

    fn new_port(&mut self, agent: usize, label: String, queue: Option<QueueIx>) -> PortIx {
        self.ports.push(Port {
            agent,
            label,
            queue,
            detached: false,
            held: true,
            onmessage: false,
            listeners: [0; 3],
            collected: false,
        });
        self.ports.len() - 1
    }

    fn new_queue(&mut self, partner: QueueIx) -> QueueIx {
        self.queues.push(Queue {
            tasks: VecDeque::new(),
            enabled: false,
            shipped: false,
            close: None,
            partner: Some(partner),
        });
        self.queues.len() - 1
    }

    /// `new MessageChannel()`.
    fn new_channel(&mut self, agent: usize, label1: &str, label2: &str) {
        // dom-messagechannel/1, /2: two new ports with disabled, empty queues.
        // dom-messagechannel/3, entangle/1, entangle/2: fresh ports have no
        // old partner; their queues become each other's partner.
        let (q1, q2) = (self.queues.len(), self.queues.len() + 1);
        self.new_queue(q2);
        self.new_queue(q1);
        self.new_port(agent, label1.to_owned(), Some(q1));
        self.new_port(agent, label2.to_owned(), Some(q2));
    }

    /// The message port post message steps (reached through either
    /// postMessage overload: both only find the target and pass the list on).
    fn post(&mut self, source: PortIx, data: &Data, transfer: &[Item]) -> PostResult {
        // dom-messageport-postmessage/1: the target is the entangled port,
        // here the queue entangled with the source's queue.
        let target = self.ports[source].queue.and_then(|q| self.queues[q].partner);
        // message-port-post-message-steps/2: the source may not ship itself.
        let source_label = &self.ports[source].label;
        if transfer
            .iter()
            .any(|i| matches!(i, Item::Port(l) if l == source_label))
        {
            return PostResult::DataCloneError;
        }
        // /3, /4: the target port in the list dooms the message.
        let doomed = target.is_some()
            && transfer.iter().any(|item| match item {
                Item::Port(label) => self.find(label).and_then(|p| self.ports[p].queue) == target,
                Item::Buffer => false,
            });
        // /5: serialize with transfer; a throw reaches the caller.
        let agent = self.ports[source].agent;
        let Some(message) = self.serialize(agent, data, transfer) else {
            return PostResult::DataCloneError;
        };
        // /6: no target, or doomed: the message (and every port in it) is lost.
        match target {
            None => {
                self.drop_message(message);
                PostResult::NoTargetPort
            }
            Some(_) if doomed => {
                self.drop_message(message);
                PostResult::Doomed
            }
            Some(target) => {
                // /7: a task in the target's queue, wherever that queue is now.
                let seq = self.tick();
                self.queues[target].tasks.push_back(Task { seq, message });
                PostResult::Queued
            }
        }
    }

    /// StructuredSerializeWithTransfer for the values the model has: the
    /// data always serializes; the transfer list may throw. `None` when it
    /// threw (ports already moved by then are lost with their holders).
    fn serialize(&mut self, agent: usize, data: &Data, transfer: &[Item]) -> Option<Message> {
        // structuredserializewithtransfer/2: only this realm's ports and the
        // data's own ArrayBuffer (not a SharedArrayBuffer), none twice.
        for (i, item) in transfer.iter().enumerate() {
            let transferable = match item {
                Item::Port(label) => self.find(label).is_some_and(|p| self.ports[p].agent == agent),
                Item::Buffer => matches!(data, Data::Buffer(_)),
            };
            if !transferable || transfer[..i].contains(item) {
                return None;
            }
        }
        // /5, in list order: a detached entry throws; a port runs its
        // transfer steps (the buffer is fresh, so it always moves).
        let mut ports = Vec::new();
        for item in transfer {
            let Some(port) = (match item {
                Item::Port(label) => self.find(label),
                Item::Buffer => None,
            }) else {
                continue;
            };
            if self.ports[port].detached {
                self.drop_message(Message {
                    data: Data::Undefined,
                    cluster: 0,
                    ports,
                });
                return None;
            }
            ports.push(self.transfer_steps(port));
        }
        let cluster = self.agents[agent].cluster;
        Some(Message {
            data: data.clone(),
            cluster,
            ports,
        })
    }

    /// The MessagePort transfer steps: the data holder gets the queue and
    /// (through the queue's partner) the remote port.
    fn transfer_steps(&mut self, port: PortIx) -> (Option<QueueIx>, String) {
        // structuredserializewithtransfer/5.5.5: the object is detached.
        // Readings queue-travels-with-port and shipped-original-is-inert
        // (spec/deviations.md): the original object lets go of its queue, so
        // it reaches nothing any more.
        let queue = self.ports[port].queue.take();
        self.ports[port].detached = true;
        if let Some(q) = queue {
            // transferMessagePort/1, /2: shipped; the queue goes with the holder.
            self.queues[q].shipped = true;
            // /3, /3.1, /3.2: the remote port has been shipped too.
            if let Some(remote) = self.queues[q].partner {
                self.queues[remote].shipped = true;
            }
        }
        (queue, self.ports[port].label.clone())
    }

    /// A message nobody will receive: each port it carries is gone for good
    /// (reading lost-port-disentangles).
    fn drop_message(&mut self, message: Message) {
        for (queue, _) in message.ports {
            if let Some(q) = queue {
                self.release(q);
            }
        }
    }

    /// The port holding `q` is gone (collected, or lost in flight): it is
    /// disentangled and whatever its queue held is dropped, in order.
    fn release(&mut self, q: QueueIx) {
        // ports-and-garbage-collection/1
        self.disentangle(q);
        self.queues[q].close = None;
        let tasks = std::mem::take(&mut self.queues[q].tasks);
        for task in tasks {
            self.drop_message(task.message);
        }
    }

    /// The disentangle steps, initiated by the port holding `q`.
    fn disentangle(&mut self, q: QueueIx) {
        // disentangle/1, /2: only when there is another port.
        let Some(other) = self.queues[q].partner.take() else {
            return;
        };
        // /3: the link is cut both ways.
        self.queues[other].partner = None;
        // /4: `close` for the other port. Readings close-is-a-task and
        // close-travels-with-queue: it is a task of the other port's queue,
        // after the messages already there, and travels with the queue.
        let seq = self.tick();
        self.queues[other].close = Some(seq);
    }

    /// `start()`.
    fn start(&mut self, port: PortIx) {
        // dom-messageport-start/1 (a shipped-away original has no queue).
        if let Some(q) = self.ports[port].queue {
            self.queues[q].enabled = true;
        }
    }

    /// Setting `onmessage`: a listener, and the first time, `start()`.
    fn set_onmessage(&mut self, port: PortIx) {
        if !self.ports[port].onmessage {
            self.ports[port].onmessage = true;
            self.ports[port].listeners[kind_index(EventKind::Message)] += 1;
            // handler-messageport-onmessage/1
            self.start(port);
        }
    }

    /// `close()`.
    fn close(&mut self, port: PortIx) {
        // dom-messageport-close/1: it can never be transferred again.
        self.ports[port].detached = true;
        // dom-messageport-close/2
        if let Some(q) = self.ports[port].queue {
            self.disentangle(q);
        }
    }

    /// `worker.postMessage(undefined, [port])` to agent `to`.
    fn ship(&mut self, port: PortIx, to: usize) -> ShipResult {
        let from = self.ports[port].agent;
        let label = self.ports[port].label.clone();
        let Some(message) = self.serialize(from, &Data::Undefined, &[Item::Port(label)]) else {
            return ShipResult::DataCloneError;
        };
        let seq = self.tick();
        self.agents[to].global.push_back(Task { seq, message });
        ShipResult::Sent
    }
}
