//! The event loop part of an agent: choosing the next task among its task
//! sources and running it — the task the message port post message steps
//! queued (their step 7), a `close`, or a message to the global scope.
//!
//! <https://html.spec.whatwg.org/multipage/webappapis.html#event-loop-processing-model>

use super::agent::{Agent, DispatchedEvent, EventTarget};
use super::port::{EventType, PortId};
use super::queue::NextTask;
use super::sync::lock;
use crate::ecmascript::{ObjectId, Value};
use crate::spec::step;
use crate::structured::{
    CloneError, DeserializeWithTransferResult, SerializeWithTransferResult,
    structured_deserialize_with_transfer,
};

impl Agent {
    /// The sequence number of the task this event loop would run next, if
    /// one is ready.
    ///
    /// Tasks are taken oldest first across every task source. That is one of
    /// the orders the standard allows (which task source comes next is up to
    /// the user agent), and it makes the unshipped port message queue hold:
    /// tasks of unshipped enabled ports run in the order they were added.
    pub fn next_ready(&self) -> Option<u64> {
        let ports = self
            .ports
            .ports
            .values()
            .filter_map(|p| p.end.as_ref()?.next_ready());
        let global = lock(&self.global.tasks).front().map(|t| t.seq);
        ports.chain(global).min()
    }

    /// Runs the oldest ready task, if any, and returns the event it
    /// dispatched.
    pub fn run_next_task(&mut self) -> Option<DispatchedEvent> {
        let global_seq = lock(&self.global.tasks).front().map(|t| t.seq);
        let best_port = self
            .ports
            .ports
            .iter()
            .filter_map(|(id, p)| Some((p.end.as_ref()?.next_ready()?, *id)))
            .min();
        match (best_port, global_seq) {
            (Some((seq, port)), g) if g.is_none_or(|g| seq < g) => self.run_port_task(port),
            (_, Some(_)) => {
                let task = lock(&self.global.tasks).pop_front()?;
                Some(self.dispatch_global_message(task.message))
            }
            _ => None,
        }
    }

    fn run_port_task(&mut self, port: PortId) -> Option<DispatchedEvent> {
        let end = self.port(port)?.end.clone()?;
        let task = end.take_next()?;
        if !end.has_been_shipped() {
            step!("unshipped-port-message-queue/1"); // oldest first across unshipped ports
        }
        match task {
            NextTask::Close => {
                Some(self.fire(EventTarget::Port(port), EventType::Close, None, Vec::new(), None))
            }
            NextTask::Message(task) => Some(self.dispatch_port_message(port, task.message)),
        }
    }

    /// The task the post message steps queued (their step 7), run now by the
    /// event loop that holds the port the queue ended up with.
    fn dispatch_port_message(
        &mut self,
        port: PortId,
        message: SerializeWithTransferResult,
    ) -> DispatchedEvent {
        step!("message-port-post-message-steps/7.1"); // the port whose queue holds the task now
        step!("message-port-post-message-steps/7.2"); // its message event target is itself
        step!("message-port-post-message-steps/7.3"); // and its realm is the target realm
        step!("message-port-post-message-steps/7.4"); // deserialize; failure is a messageerror
        let record = match self.deserialize(message) {
            Ok(record) => record,
            Err(error) => return self.fire_message_error(EventTarget::Port(port), error),
        };
        step!("message-port-post-message-steps/7.5");
        let data = record.deserialized;
        step!("message-port-post-message-steps/7.6"); // the new ports, in transfer order
        let new_ports = self.new_ports(&record.transferred_values);
        step!("message-port-post-message-steps/7.7");
        self.fire(
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
    fn dispatch_global_message(&mut self, message: SerializeWithTransferResult) -> DispatchedEvent {
        match self.deserialize(message) {
            Ok(record) => {
                let new_ports = self.new_ports(&record.transferred_values);
                self.fire(
                    EventTarget::Global,
                    EventType::Message,
                    Some(record.deserialized),
                    new_ports,
                    None,
                )
            }
            Err(error) => self.fire_message_error(EventTarget::Global, error),
        }
    }

    /// StructuredDeserializeWithTransfer into this agent's realm. Ports
    /// received before a failure are in no event: no script can ever reach
    /// them, so they may be collected.
    fn deserialize(
        &mut self,
        message: SerializeWithTransferResult,
    ) -> Result<DeserializeWithTransferResult<ObjectId>, CloneError<ObjectId>> {
        self.ports.received.clear();
        let result = structured_deserialize_with_transfer(&mut self.realm, &mut self.ports, message);
        if result.is_err() {
            for port in std::mem::take(&mut self.ports.received) {
                self.forget(port);
            }
        }
        result
    }

    /// The MessagePorts among the transferred values, in order.
    fn new_ports(&self, transferred: &[ObjectId]) -> Vec<PortId> {
        transferred.iter().filter_map(|o| self.port_of(*o)).collect()
    }

    fn fire_message_error(&mut self, target: EventTarget, error: CloneError<ObjectId>) -> DispatchedEvent {
        self.fire(
            target,
            EventType::MessageError,
            None,
            Vec::new(),
            Some(error.to_string()),
        )
    }

    fn fire(
        &mut self,
        target: EventTarget,
        event: EventType,
        data: Option<Value<ObjectId>>,
        ports: Vec<PortId>,
        error: Option<String>,
    ) -> DispatchedEvent {
        let (target_label, listeners) = match &target {
            EventTarget::Port(p) => (
                self.port_label(*p),
                self.port(*p)
                    .and_then(|s| s.listeners.get(&event).copied())
                    .unwrap_or(0),
            ),
            EventTarget::Global => ("global".to_owned(), 1),
        };
        let dispatched = DispatchedEvent {
            agent: self.name().to_owned(),
            target,
            target_label,
            event,
            data,
            port_labels: ports.iter().map(|p| self.port_label(*p)).collect(),
            ports,
            error,
            listeners,
        };
        self.log.push(dispatched.clone());
        let mut reactions = std::mem::take(&mut self.reactions);
        for (target, event, reaction) in &mut reactions {
            if *target == dispatched.target && *event == dispatched.event {
                reaction(self, &dispatched);
            }
        }
        reactions.append(&mut self.reactions);
        self.reactions = reactions;
        dispatched
    }
}
