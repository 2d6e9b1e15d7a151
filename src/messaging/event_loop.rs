//! The event loop part of an agent: choosing the next task among its task
//! sources and running it — the task the message port post message steps
//! queued (their step 7), a `close`, or a message to the global scope. The
//! task ends where script would begin: it hands back the event to dispatch.
//!
//! <https://html.spec.whatwg.org/multipage/webappapis.html#event-loop-processing-model>

use super::port::{EventType, PortId};
use super::queue::{NextTask, Polled, Taken};
use super::state::Messaging;
use crate::ecmascript::{ObjectId, Realm, Value};
use crate::spec::step;
use crate::structured::{
    CloneError, DeserializeWithTransferResult, PlatformObjects, SerializeWithTransferResult,
    structured_deserialize_with_transfer,
};
use std::collections::VecDeque;
use std::hash::Hash;
use std::sync::Arc;

/// What a dispatched event was fired at.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EventTarget {
    /// A MessagePort (its message event target is the port itself).
    Port(PortId),
    /// The agent's global scope (worker-style messages between agents).
    Global,
    /// A BroadcastChannel (see `broadcast_channel/`).
    Broadcast(super::broadcast_channel::BroadcastId),
}

/// An event the event loop dispatched: everything script could observe.
/// `O` is the realm's object handle ([`Realm::Object`]).
///
/// Only the event loop makes one, and it will carry more of MessageEvent's
/// fields as they are modelled (as `origin` came with BroadcastChannel), so
/// it is `#[non_exhaustive]`: read its fields, match it with `..`.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct DispatchedEvent<O = ObjectId> {
    /// The agent's name ([`DispatchedEvent::agent`]).
    agent: Arc<str>,
    /// Where it was fired.
    pub target: EventTarget,
    /// The target's label ([`DispatchedEvent::target_label`]).
    target_label: Arc<str>,
    /// `message`, `messageerror` or `close`.
    pub event: EventType,
    /// `data`, for `message`: a value of the agent's realm.
    pub data: Option<Value<O>>,
    /// `ports`, for `message`: the new MessagePorts, in transfer order (their
    /// objects: [`Messaging::port_object`]).
    pub ports: Vec<PortId>,
    /// The labels of `ports` ([`DispatchedEvent::port_labels`]).
    port_labels: Vec<Arc<str>>,
    /// Why deserialization failed, for `messageerror`.
    pub error: Option<String>,
    /// How many listeners (including an event handler) it reached.
    pub listeners: usize,
    /// The MessageEvent's `origin`, where the standard sets one (a
    /// BroadcastChannel delivery: the poster's origin).
    pub origin: Option<String>,
}

impl<O> DispatchedEvent<O> {
    /// The name of the agent that dispatched it.
    pub fn agent(&self) -> &str {
        &self.agent
    }

    /// The target's label: a port's or a BroadcastChannel's label, or
    /// "global".
    pub fn target_label(&self) -> &str {
        &self.target_label
    }

    /// The labels of [`ports`](DispatchedEvent::ports), in the same order.
    pub fn port_labels(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.port_labels.iter().map(|label| &**label)
    }
}

impl<O: Clone + Eq + Hash> Messaging<O> {
    /// The sequence number of the task this event loop would run next, if
    /// one is ready (numbers come from the world's [`TaskClock`]: smaller
    /// is older, across every agent of the world).
    ///
    /// Tasks are taken oldest first across every task source. That is one of
    /// the orders the standard allows (which task source comes next is up to
    /// the user agent), and it makes the unshipped port message queue hold:
    /// tasks of unshipped enabled ports run in the order they were added.
    ///
    /// [`TaskClock`]: super::queue::TaskClock
    pub fn next_ready(&self) -> Option<u64> {
        let ports = self.table_mut().oldest_ready().map(|(seq, _)| seq);
        let global = self.global_front();
        let broadcast = self.live_broadcast_front();
        ports.into_iter().chain(global).chain(broadcast).min()
    }

    /// The sequence number of the oldest message to the global scope, if
    /// any (without a lock while there is none).
    fn global_front(&self) -> Option<u64> {
        self.global_tasks()
            .with_non_empty(|tasks| tasks.front().map(|t| t.seq))
    }

    /// Runs the oldest ready task, if any, deserializing its message into
    /// `realm` (this agent's), and returns the event it dispatches: the
    /// engine fires it at the target's listeners. No author code runs in
    /// here.
    pub fn run_next_task<R: Realm<Object = O>>(&self, realm: &mut R) -> Option<DispatchedEvent<O>> {
        self.run_next_task_in(realm, &mut self.platform_objects())
    }

    /// [`run_next_task`](Self::run_next_task), deserializing with `host` as
    /// the platform-object host (see
    /// [`post_message_in`](Self::post_message_in)).
    pub fn run_next_task_in<R: Realm<Object = O>, H: PlatformObjects<R>>(
        &self,
        realm: &mut R,
        host: &mut H,
    ) -> Option<DispatchedEvent<O>> {
        self.run_chosen_task(realm, host, None, || true)
    }

    /// [`Messaging::run_next_task`] if `admit` says yes, asked only when a
    /// task is ready (a budget counts it then): one choice of the next task
    /// instead of [`Messaging::next_ready`]'s and then this one's.
    pub fn run_next_task_if<R: Realm<Object = O>>(
        &self,
        realm: &mut R,
        admit: impl FnOnce() -> bool,
    ) -> Option<DispatchedEvent<O>> {
        self.run_chosen_task(realm, &mut self.platform_objects(), None, admit)
    }

    /// [`Messaging::run_next_task`] if the task is older than `bound` (the
    /// sequence number of another agent's oldest ready task): the deterministic
    /// stepper's turn, in one choice of the task instead of
    /// [`Messaging::next_ready`]'s and then [`Messaging::run_next_task`]'s.
    pub(crate) fn run_next_task_before<R: Realm<Object = O>>(
        &self,
        realm: &mut R,
        bound: Option<u64>,
    ) -> Option<DispatchedEvent<O>> {
        self.run_chosen_task(realm, &mut self.platform_objects(), bound, || true)
    }

    /// Chooses the oldest ready task of the agent (a port's, the global's
    /// or a broadcast's) and, if it is older than `bound` and `admit`
    /// agrees, runs it.
    fn run_chosen_task<R: Realm<Object = O>, H: PlatformObjects<R>>(
        &self,
        realm: &mut R,
        host: &mut H,
        bound: Option<u64>,
        admit: impl FnOnce() -> bool,
    ) -> Option<DispatchedEvent<O>> {
        let global_seq = self.global_front();
        let broadcast_seq = self.live_broadcast_front();
        let others = global_seq.into_iter().chain(broadcast_seq).min();
        // A port's task older than every other source's (and than `bound`)
        // is taken in the same look (see `PortEnd::take_if_older`).
        let polled = self
            .table_mut()
            .oldest_ready_or_take(others.into_iter().chain(bound).min());
        let oldest = match &polled {
            Some((_, Polled::Taken(taken))) => Some(taken.seq),
            Some((_, Polled::Ready(seq))) => others.map_or(Some(*seq), |o| Some(o.min(*seq))),
            None => others,
        };
        // Nothing is taken unless it is older than `bound`: nothing to put
        // back.
        if oldest.is_none_or(|seq| bound.is_some_and(|b| seq > b)) {
            return None;
        }
        if !admit() {
            if let Some((port, Polled::Taken(taken))) = polled
                && let Some(end) = self.port(port).and_then(|p| p.end.clone())
            {
                end.put_back(taken);
            }
            return None;
        }
        let best_port = match polled {
            Some((port, Polled::Taken(taken))) => return self.run_port_task(realm, host, port, Some(taken)),
            Some((port, Polled::Ready(seq))) => Some((seq, port)),
            None => None,
        };
        if let Some(seq) = broadcast_seq
            && best_port.is_none_or(|(p, _)| seq < p)
            && global_seq.is_none_or(|g| seq < g)
        {
            return self.run_broadcast_task(realm, host);
        }
        match (best_port, global_seq) {
            (Some((seq, port)), g) if g.is_none_or(|g| seq < g) => {
                self.run_port_task(realm, host, port, None)
            }
            (_, Some(_)) => {
                let task = self.global_tasks().with(VecDeque::pop_front)?;
                Some(self.dispatch_global_message(realm, host, task.message))
            }
            _ => None,
        }
    }

    /// Runs `port`'s next task: `taken` if it was already taken out of the
    /// port's queue, else the one it takes now.
    fn run_port_task<R: Realm<Object = O>, H: PlatformObjects<R>>(
        &self,
        realm: &mut R,
        host: &mut H,
        port: PortId,
        taken: Option<Taken>,
    ) -> Option<DispatchedEvent<O>> {
        let (task, shipped) = match taken {
            Some(taken) => (taken.task, taken.shipped),
            None => self.port(port)?.end.as_ref()?.take_next_shipped()?,
        };
        if !shipped {
            step!("unshipped-port-message-queue/1"); // oldest first across unshipped ports
        }
        match task {
            NextTask::Close => {
                Some(self.event(EventTarget::Port(port), EventType::Close, None, Vec::new(), None))
            }
            NextTask::Message(task) => Some(self.dispatch_port_message(realm, host, port, task.message)),
        }
    }

    /// The task the post message steps queued (their step 7), run now by the
    /// event loop that holds the port the queue ended up with.
    fn dispatch_port_message<R: Realm<Object = O>, H: PlatformObjects<R>>(
        &self,
        realm: &mut R,
        host: &mut H,
        port: PortId,
        message: SerializeWithTransferResult,
    ) -> DispatchedEvent<O> {
        step!("message-port-post-message-steps/7.1"); // the port whose queue holds the task now
        step!("message-port-post-message-steps/7.2"); // its message event target is itself
        step!("message-port-post-message-steps/7.3"); // and its realm is the target realm
        step!("message-port-post-message-steps/7.4"); // deserialize; failure is a messageerror
        let record = match self.deserialize(realm, host, message) {
            Ok(record) => record,
            Err(error) => return self.message_error(EventTarget::Port(port), error),
        };
        step!("message-port-post-message-steps/7.5");
        let (data, transferred_values) = record.into_parts();
        step!("message-port-post-message-steps/7.6"); // the new ports, in transfer order
        let new_ports = self.new_ports(&transferred_values);
        step!("message-port-post-message-steps/7.7");
        self.event(
            EventTarget::Port(port),
            EventType::Message,
            Some(data),
            new_ports,
            None,
        )
    }

    /// A worker-style message to the global scope. It stands for the
    /// worker's own postMessage task, which this crate does not catalogue:
    /// it deserializes the message the same way and fires `message` (or
    /// `messageerror`) at the global scope, but it is not the port post
    /// message steps' task, so none of their steps is marked.
    fn dispatch_global_message<R: Realm<Object = O>, H: PlatformObjects<R>>(
        &self,
        realm: &mut R,
        host: &mut H,
        message: SerializeWithTransferResult,
    ) -> DispatchedEvent<O> {
        match self.deserialize(realm, host, message) {
            Ok(record) => {
                let (data, transferred_values) = record.into_parts();
                let new_ports = self.new_ports(&transferred_values);
                self.event(
                    EventTarget::Global,
                    EventType::Message,
                    Some(data),
                    new_ports,
                    None,
                )
            }
            Err(error) => self.message_error(EventTarget::Global, error),
        }
    }

    /// StructuredDeserializeWithTransfer into this agent's realm. Ports
    /// received before a failure are in no event: no script can ever reach
    /// them, so they may be collected.
    fn deserialize<R: Realm<Object = O>, H: PlatformObjects<R>>(
        &self,
        realm: &mut R,
        host: &mut H,
        message: SerializeWithTransferResult,
    ) -> Result<DeserializeWithTransferResult<O>, CloneError<O>> {
        self.table_mut().received.clear();
        let result = structured_deserialize_with_transfer(realm, host, message);
        if result.is_err() {
            let received = std::mem::take(&mut self.table_mut().received);
            for port in received {
                self.forget(port);
            }
        }
        result
    }

    /// The MessagePorts among the transferred values, in order.
    fn new_ports(&self, transferred: &[O]) -> Vec<PortId> {
        // Most messages transfer nothing: no call into the collecting loop.
        if transferred.is_empty() {
            return Vec::new();
        }
        transferred.iter().filter_map(|o| self.port_of(o)).collect()
    }

    fn message_error(&self, target: EventTarget, error: CloneError<O>) -> DispatchedEvent<O> {
        self.event(
            target,
            EventType::MessageError,
            None,
            Vec::new(),
            Some(error.to_string()),
        )
    }

    pub(super) fn event(
        &self,
        target: EventTarget,
        event: EventType,
        data: Option<Value<O>>,
        ports: Vec<PortId>,
        error: Option<String>,
    ) -> DispatchedEvent<O> {
        let (agent, global_label) = self.shared_names();
        let (target_label, listeners) = match &target {
            // One look-up of the port for both.
            EventTarget::Port(p) => match self.port(*p) {
                Some(state) => (state.label.clone(), state.listeners.count(event)),
                None => (self.port_label(*p), 0),
            },
            EventTarget::Global => (global_label.clone(), 1),
            EventTarget::Broadcast(id) => {
                let (label, listeners) = self.broadcast_label_and_listeners(*id, event);
                (label.into(), listeners)
            }
        };
        DispatchedEvent {
            agent,
            target,
            target_label,
            event,
            data,
            // An event without ports (nearly all) skips the collecting loop,
            // which was not inlined: 2.5% of a Numbers stream's samples.
            port_labels: if ports.is_empty() {
                Vec::new()
            } else {
                ports.iter().map(|p| self.port_label(*p)).collect()
            },
            ports,
            error,
            listeners,
            origin: None,
        }
    }
}
