//! An agent's event loop: its realm, its MessagePorts, and the tasks they
//! receive. The same code runs under the deterministic stepper, on real
//! threads, and (its queue part) under loom.
//!
//! <https://html.spec.whatwg.org/multipage/web-messaging.html#channel-messaging>

use super::port::{EventType, PortId, PortState, PortTable};
use super::queue::{Channel, Signal, TaskClock};
use super::sync::{Arc, Mutex, lock};
use crate::ecmascript::{AgentClusterId, Heap, ObjectId, Value};
use crate::spec::step;
use crate::structured::{CloneError, SerializeWithTransferResult, structured_serialize_with_transfer};
use std::collections::VecDeque;
use std::fmt;

/// What a dispatched event was fired at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EventTarget {
    /// A MessagePort (its message event target is the port itself).
    Port(PortId),
    /// The agent's global scope (worker-style messages between agents).
    Global,
}

/// An event the event loop dispatched: everything script could observe.
#[derive(Clone, Debug)]
pub struct DispatchedEvent {
    /// The agent's name.
    pub agent: String,
    /// Where it was fired.
    pub target: EventTarget,
    /// The target's label (a port's label, or "global").
    pub target_label: String,
    /// `message`, `messageerror` or `close`.
    pub event: EventType,
    /// `data`, for `message`.
    pub data: Option<Value<ObjectId>>,
    /// `ports`, for `message`: the new MessagePorts, in transfer order.
    pub ports: Vec<PortId>,
    /// The labels of `ports`.
    pub port_labels: Vec<String>,
    /// Why deserialization failed, for `messageerror`.
    pub error: Option<String>,
    /// How many listeners (including an event handler) it reached.
    pub listeners: usize,
}

/// What `postMessage` did, when it did not throw.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PostOutcome {
    /// A task was added to the target port's message queue.
    Queued,
    /// The port is not entangled: the message went nowhere.
    NoTargetPort,
    /// The target port was in the transfer list: nothing is delivered and the
    /// channel is lost.
    Doomed,
}

/// What a script does when an event reaches a port (or the global scope).
pub type Reaction = Box<dyn FnMut(&mut Agent, &DispatchedEvent) + Send>;

/// A worker-style message to an agent's global scope.
pub(super) struct GlobalTask {
    pub(super) seq: u64,
    pub(super) message: SerializeWithTransferResult,
}

/// Messages to an agent's global scope, which any thread may add to.
#[derive(Default)]
pub(crate) struct GlobalQueue {
    pub(super) tasks: Mutex<VecDeque<GlobalTask>>,
}

/// One agent: an event loop with its realm and its MessagePorts.
pub struct Agent {
    name: String,
    /// The agent's realm (its only one).
    pub realm: Heap,
    /// Its MessagePorts.
    pub ports: PortTable,
    pub(super) global: Arc<GlobalQueue>,
    pub(super) reactions: Vec<(EventTarget, EventType, Reaction)>,
    pub(super) log: Vec<DispatchedEvent>,
}

impl fmt::Debug for Agent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Agent")
            .field("name", &self.name)
            .field("ports", &self.ports)
            .finish_non_exhaustive()
    }
}

/// A handle through which other agents add worker-style messages to this
/// agent's global scope.
#[derive(Clone)]
pub struct GlobalPort {
    global: Arc<GlobalQueue>,
    signal: Arc<Signal>,
    clock: Arc<TaskClock>,
}

impl GlobalPort {
    /// Queues a message for the agent's global scope.
    pub fn deliver(&self, message: SerializeWithTransferResult) {
        let seq = self.clock.tick();
        lock(&self.global.tasks).push_back(GlobalTask { seq, message });
        self.signal.notify();
    }
}

impl Agent {
    /// A new agent with an empty realm in `cluster`, sharing `clock` with the
    /// other agents of its world.
    pub fn new(name: impl Into<String>, cluster: AgentClusterId, clock: Arc<TaskClock>) -> Self {
        let name = name.into();
        let signal = Arc::new(Signal::new());
        Agent {
            ports: PortTable::new(name.clone(), signal, clock),
            name,
            realm: Heap::new(cluster),
            global: Arc::new(GlobalQueue::default()),
            reactions: Vec::new(),
            log: Vec::new(),
        }
    }

    /// The agent's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The signal that wakes this agent's event loop.
    pub fn signal(&self) -> Arc<Signal> {
        self.ports.signal.clone()
    }

    /// A handle for posting to this agent's global scope.
    pub fn global_port(&self) -> GlobalPort {
        GlobalPort {
            global: self.global.clone(),
            signal: self.ports.signal.clone(),
            clock: self.ports.clock.clone(),
        }
    }

    /// Every event dispatched so far, in order.
    pub fn log(&self) -> &[DispatchedEvent] {
        &self.log
    }

    /// Takes the events dispatched so far.
    pub fn take_log(&mut self) -> Vec<DispatchedEvent> {
        std::mem::take(&mut self.log)
    }

    /// The state of a port.
    pub fn port(&self, port: PortId) -> Option<&PortState> {
        self.ports.ports.get(&port)
    }

    /// Every live port, in creation order.
    pub fn port_ids(&self) -> Vec<PortId> {
        self.ports.ports.keys().copied().collect()
    }

    /// The port with this label.
    pub fn port_by_label(&self, label: &str) -> Option<PortId> {
        self.ports.by_label(label)
    }

    /// The port behind a MessagePort object of this realm.
    pub fn port_of(&self, object: ObjectId) -> Option<PortId> {
        self.ports.port_of(&self.realm, object)
    }

    pub(super) fn port_label(&self, port: PortId) -> String {
        self.port(port)
            .map_or_else(|| format!("port#{}", port.0), |p| p.label.clone())
    }

    /// `new MessageChannel()`: two new ports, entangled.
    ///
    /// <https://html.spec.whatwg.org/multipage/web-messaging.html#dom-messagechannel>
    pub fn new_message_channel(&mut self, label1: &str, label2: &str) -> (PortId, PortId) {
        step!("dom-messagechannel/1"); // port 1, in this realm
        let port1 = self.ports.new_port(&mut self.realm, label1.to_owned());
        step!("dom-messagechannel/2"); // port 2, in this realm
        let port2 = self.ports.new_port(&mut self.realm, label2.to_owned());
        step!("dom-messagechannel/3");
        self.entangle(port1, port2);
        (port1, port2)
    }

    /// Entangles two fresh ports of this event loop.
    ///
    /// <https://html.spec.whatwg.org/multipage/web-messaging.html#entangle>
    fn entangle(&mut self, a: PortId, b: PortId) {
        step!("entangle/1"); // fresh ports are not entangled with anything yet
        step!("entangle/2"); // the two become the two ends of a new channel
        let (end_a, end_b) =
            Channel::entangled_pair(self.ports.clock.clone(), self.ports.owner(a), self.ports.owner(b));
        for (port, end) in [(a, end_a), (b, end_b)] {
            if let Some(state) = self.ports.ports.get_mut(&port) {
                state.end = Some(end);
            }
        }
    }

    /// The `port1` getter of a channel made by [`Agent::new_message_channel`]:
    /// the first port, as the pair returned it.
    pub fn message_channel_port1(channel: (PortId, PortId)) -> PortId {
        step!("dom-messagechannel-port1/1");
        channel.0
    }

    /// The `port2` getter.
    pub fn message_channel_port2(channel: (PortId, PortId)) -> PortId {
        step!("dom-messagechannel-port2/1");
        channel.1
    }

    /// Whether `port` is entangled.
    pub fn is_entangled(&self, port: PortId) -> bool {
        self.port(port)
            .and_then(|p| p.end.as_ref())
            .is_some_and(|e| e.is_entangled())
    }

    /// `postMessage(message, transfer)`.
    ///
    /// <https://html.spec.whatwg.org/multipage/web-messaging.html#dom-messageport-postmessage>
    pub fn post_message(
        &mut self,
        port: PortId,
        message: Value<ObjectId>,
        transfer: &[ObjectId],
    ) -> Result<PostOutcome, CloneError<ObjectId>> {
        step!("dom-messageport-postmessage/1"); // the entangled port, if any
        step!("dom-messageport-postmessage/2"); // options carry the transfer list
        step!("dom-messageport-postmessage/3");
        self.post_message_steps(port, message, transfer)
    }

    /// `postMessage(message, { transfer })`.
    ///
    /// <https://html.spec.whatwg.org/multipage/web-messaging.html#dom-messageport-postmessage-options>
    pub fn post_message_with_options(
        &mut self,
        port: PortId,
        message: Value<ObjectId>,
        transfer: &[ObjectId],
    ) -> Result<PostOutcome, CloneError<ObjectId>> {
        step!("dom-messageport-postmessage-options/1"); // the entangled port, if any
        step!("dom-messageport-postmessage-options/2");
        self.post_message_steps(port, message, transfer)
    }

    /// The message port post message steps. The target port is this port's
    /// entangled port, found through the channel: it may be in another event
    /// loop, or in flight.
    ///
    /// <https://html.spec.whatwg.org/multipage/web-messaging.html#message-port-post-message-steps>
    fn post_message_steps(
        &mut self,
        source_port: PortId,
        message: Value<ObjectId>,
        transfer: &[ObjectId],
    ) -> Result<PostOutcome, CloneError<ObjectId>> {
        let state = self
            .ports
            .ports
            .get(&source_port)
            .ok_or_else(|| CloneError::data_clone("message-port-post-message-steps/1", "unknown port"))?;
        let source_object = state.object;
        // The target port: the other end of the channel while entangled.
        // DEVIATION(whatwg/html#12490 shipped-original-is-inert): a port
        // shipped away holds no end, so it has no target port and its posts
        // go nowhere, even before the port is received.
        let target = state.end.as_ref().filter(|e| e.is_entangled()).map(|e| e.twin());

        step!("message-port-post-message-steps/1"); // the transfer list
        step!("message-port-post-message-steps/2"); // a port cannot ship itself
        if transfer.contains(&source_object) {
            return Err(CloneError::data_clone(
                "message-port-post-message-steps/2",
                "the source port cannot be transferred through itself (it is in its own transfer list)",
            ));
        }
        step!("message-port-post-message-steps/3");
        step!("message-port-post-message-steps/4"); // the target port in the list dooms the message
        let doomed = target.as_ref().is_some_and(|target| {
            transfer.iter().any(|o| {
                self.port_of(*o)
                    .and_then(|p| self.port(p))
                    .and_then(|p| p.end.as_ref())
                    .is_some_and(|end| end == target)
            })
        });
        step!("message-port-post-message-steps/5"); // serialize now; errors reach the caller
        let result =
            structured_serialize_with_transfer(&mut self.realm, &mut self.ports, &message, transfer)?;
        step!("message-port-post-message-steps/6"); // no target, or doomed: nothing is sent
        let Some(target) = target else {
            return Ok(PostOutcome::NoTargetPort);
        };
        if doomed {
            // Dropping the result drops the target port's data holder, which
            // releases its end: the channel is lost and the source port gets
            // `close`.
            drop(result);
            return Ok(PostOutcome::Doomed);
        }
        step!("message-port-post-message-steps/7"); // a task in the target's port message queue
        target.enqueue(result);
        Ok(PostOutcome::Queued)
    }

    /// `start()`: enables the port message queue if it is not yet enabled.
    ///
    /// <https://html.spec.whatwg.org/multipage/web-messaging.html#dom-messageport-start>
    pub fn start(&mut self, port: PortId) {
        step!("dom-messageport-start/1");
        if let Some(end) = self.port(port).and_then(|p| p.end.as_ref()) {
            end.enable();
        }
    }

    /// `close()`.
    ///
    /// <https://html.spec.whatwg.org/multipage/web-messaging.html#dom-messageport-close>
    pub fn close(&mut self, port: PortId) {
        let Some(state) = self.ports.ports.get(&port) else {
            return;
        };
        let object = state.object;
        step!("dom-messageport-close/1"); // the port can no longer be transferred
        crate::ecmascript::Realm::set_detached(&mut self.realm, &object, true);
        step!("dom-messageport-close/2"); // disentangle, if entangled
        // DEVIATION(whatwg/html#12797 close-after-channel-gone): a port no
        // longer entangled is left as it is: a `close` already queued for it
        // still fires, and messages already in its queue are still delivered.
        if let Some(end) = self.port(port).and_then(|p| p.end.clone()) {
            Self::disentangle(&end);
        }
    }

    /// The disentangle steps, initiated by the port holding `initiator`, if
    /// it is entangled (cutting the link and queueing `close` is one atomic
    /// change of the channel, so the steps are marked once it happened).
    /// Returns whether it was entangled.
    ///
    /// <https://html.spec.whatwg.org/multipage/web-messaging.html#disentangle>
    fn disentangle(initiator: &super::queue::PortEnd) -> bool {
        if !initiator.disentangle() {
            return false;
        }
        step!("disentangle/1"); // the other port is the other end of the channel
        step!("disentangle/2"); // (it exists while entangled)
        step!("disentangle/3"); // they are no longer entangled
        step!("disentangle/4"); // `close` is fired at the other port
        // DEVIATION(whatwg/html#12797 close-is-a-task): the other port may
        // live in another event loop, so `close` is a task queued to it, after
        // the messages already in its queue, rather than fired synchronously.
        true
    }

    /// Sets the `onmessage` handler (the first time, the queue is enabled).
    ///
    /// <https://html.spec.whatwg.org/multipage/web-messaging.html#handler-messageport-onmessage>
    pub fn set_onmessage(&mut self, port: PortId) {
        if self.set_handler(port, EventType::Message) {
            step!("handler-messageport-onmessage/1"); // first set: as if start() were called
            self.start(port);
        }
    }

    /// Sets the `onmessageerror` event handler (it does not start the queue).
    ///
    /// <https://html.spec.whatwg.org/multipage/web-messaging.html#handler-messageeventtarget-onmessageerror>
    pub fn set_onmessageerror(&mut self, port: PortId) {
        self.set_handler(port, EventType::MessageError);
    }

    /// Sets the `onclose` event handler.
    ///
    /// <https://html.spec.whatwg.org/multipage/web-messaging.html#handler-messageport-onclose>
    pub fn set_onclose(&mut self, port: PortId) {
        self.set_handler(port, EventType::Close);
    }

    /// Sets an event handler; an event handler is one listener however often
    /// it is set. Returns whether it was set for the first time.
    fn set_handler(&mut self, port: PortId, event: EventType) -> bool {
        let Some(state) = self.ports.ports.get_mut(&port) else {
            return false;
        };
        let first_time = state.handlers.insert(event);
        if first_time {
            *state.listeners.entry(event).or_insert(0) += 1;
        }
        first_time
    }

    /// Adds an event listener (`addEventListener`): it does not enable the
    /// queue.
    pub fn add_event_listener(&mut self, port: PortId, event: EventType) {
        if let Some(state) = self.ports.ports.get_mut(&port) {
            *state.listeners.entry(event).or_insert(0) += 1;
        }
    }

    /// Runs `reaction` (after the listeners) whenever `event` is dispatched
    /// at `target`.
    pub fn on(&mut self, target: EventTarget, event: EventType, reaction: Reaction) {
        self.reactions.push((target, event, reaction));
    }

    /// Posts a worker-style message to another agent's global scope (as
    /// `worker.postMessage(message, transfer)` would): the way ports first
    /// reach another event loop.
    pub fn post_to_global(
        &mut self,
        to: &GlobalPort,
        message: Value<ObjectId>,
        transfer: &[ObjectId],
    ) -> Result<(), CloneError<ObjectId>> {
        let result =
            structured_serialize_with_transfer(&mut self.realm, &mut self.ports, &message, transfer)?;
        to.deliver(result);
        Ok(())
    }

    /// Script lets go of the port: it may now be garbage collected.
    pub fn forget(&mut self, port: PortId) {
        if let Some(state) = self.ports.ports.get_mut(&port) {
            state.held_by_script = false;
        }
    }

    /// Collects `port`: the port is gone, so it is disentangled (the other
    /// port gets `close`) and whatever its queue held is dropped.
    pub(crate) fn collect_port(&mut self, port: PortId) {
        if self.is_entangled(port) {
            step!("ports-and-garbage-collection/1"); // a collected entangled port is disentangled
        }
        self.discard_port(port);
    }

    /// The port goes away for good (collected, or its agent went away): if
    /// entangled it is disentangled, and whatever its queue held is dropped.
    fn discard_port(&mut self, port: PortId) {
        if let Some(state) = self.ports.ports.remove(&port) {
            self.ports.forget_label(&state.label, port);
            if let Some(end) = state.end {
                Self::disentangle(&end);
                end.release();
            }
            self.reactions.retain(|(t, _, _)| *t != EventTarget::Port(port));
        }
    }

    /// The agent goes away (its document is destroyed, its worker ends):
    /// every port it holds is disentangled and dropped.
    pub fn shut_down(&mut self) {
        for port in self.port_ids() {
            self.discard_port(port);
        }
        lock(&self.global.tasks).clear();
    }

    /// Runs `f` on each message waiting for this agent's global scope.
    pub(crate) fn for_each_global_message(&self, mut f: impl FnMut(&SerializeWithTransferResult)) {
        lock(&self.global.tasks).iter().for_each(|t| f(&t.message));
    }

    /// Whether a task waits on `port` that is to dispatch an event at it, or
    /// its queue is enabled and not empty (what keeps a port alive).
    pub(crate) fn has_pending_events(&self, port: PortId) -> bool {
        self.port(port)
            .and_then(|p| p.end.as_ref())
            .is_some_and(|e| e.close_pending() || (e.is_enabled() && e.queued() > 0))
    }
}

/// An agent that goes away takes its ports with it: each is released, which
/// disentangles it and drops what its queue held (and, with it, the ports
/// those messages carried). Ends that wait only in queues of ends no agent
/// holds are released by [`super::World::collect_garbage`] or when the world
/// goes away.
impl Drop for Agent {
    fn drop(&mut self) {
        self.shut_down();
    }
}
