//! An agent of the built-in realm: its [`Heap`] and its [`Messaging`]
//! state, with a log of the events it dispatched and, standing in for
//! script, reactions run when they are. The stepper, the threads, the
//! scenarios, the model checks and the fuzzers drive agents; an engine
//! drives [`Messaging`] with its own realm instead.

use super::broadcast_channel::{BroadcastError, BroadcastId};
use super::channel::{PostOutcome, message_channel_port1, message_channel_port2};
use super::event_loop::{DispatchedEvent, EventTarget};
use super::port::{EventType, PortId};
use super::queue::TaskClock;
use super::state::{GlobalPort, Messaging};
use super::sync::Arc;
use crate::ecmascript::{AgentClusterId, Heap, ObjectId, Value};
use crate::structured::CloneError;
use std::fmt;
use std::ops::Deref;

/// What a script does when an event reaches a port (or the global scope).
pub type Reaction = Box<dyn FnMut(&mut Agent, &DispatchedEvent) + Send>;

/// Which dispatched events an agent keeps in its log.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum EventLog {
    /// Every event (the default: the stepper, the scenarios and the tests
    /// read it).
    #[default]
    All,
    /// The most recent events: at least this many (when that many ran), at
    /// most twice as many; older ones are dropped in bulk, so keeping costs
    /// a clone per event and no shifting per event. What
    /// [`ThreadedWorld::start`](super::ThreadedWorld::start) sets.
    Recent(usize),
    /// None: the event is not cloned at all.
    Off,
}

/// One agent: an event loop with its realm (a [`Heap`]) and its
/// MessagePorts.
///
/// It dereferences to its [`Messaging`] state, so every operation that does
/// not touch the realm (`start`, `set_onmessage`, `port`, `next_ready`, …)
/// is called on the agent directly; those that do (`post_message`, `close`,
/// `run_next_task`, …) are the agent's own methods, which pass its heap.
pub struct Agent {
    /// The agent's realm (its only one).
    realm: Heap,
    messaging: Messaging<ObjectId>,
    reactions: Vec<(EventTarget, EventType, Reaction)>,
    log: Vec<DispatchedEvent>,
    log_policy: EventLog,
    /// Whether the heap is collected (see [`Agent::collect_heap`]), and the
    /// live object count that triggers the next collection.
    collection: Option<usize>,
    /// Values script keeps (the collection's roots besides the ports).
    kept: Vec<Value<ObjectId>>,
}

impl fmt::Debug for Agent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Agent")
            .field("messaging", &self.messaging)
            .finish_non_exhaustive()
    }
}

impl Deref for Agent {
    type Target = Messaging<ObjectId>;

    fn deref(&self) -> &Messaging<ObjectId> {
        &self.messaging
    }
}

impl Agent {
    /// A new agent with an empty realm in `cluster`, sharing `clock` with the
    /// other agents of its world.
    pub fn new(name: impl Into<String>, cluster: AgentClusterId, clock: Arc<TaskClock>) -> Self {
        Agent {
            messaging: Messaging::new(name, clock),
            realm: Heap::new(cluster),
            reactions: Vec::new(),
            log: Vec::new(),
            log_policy: EventLog::All,
            collection: None,
            kept: Vec::new(),
        }
    }

    /// The agent's realm (its only one).
    pub fn realm(&self) -> &Heap {
        &self.realm
    }

    /// The agent's realm, to build or change values in it.
    pub fn realm_mut(&mut self) -> &mut Heap {
        &mut self.realm
    }

    /// The agent's messaging state.
    pub fn messaging(&self) -> &Messaging<ObjectId> {
        &self.messaging
    }

    /// Which events the log keeps from now on (see [`EventLog`]).
    pub fn set_event_log(&mut self, policy: EventLog) {
        self.log_policy = policy;
        if let EventLog::Recent(n) = policy {
            self.trim_log(n);
        } else if policy == EventLog::Off {
            self.log = Vec::new();
        }
    }

    /// Which events the log keeps.
    pub fn event_log(&self) -> EventLog {
        self.log_policy
    }

    /// Drops all but the `n` most recent events once the log holds `2n`.
    fn trim_log(&mut self, n: usize) {
        if self.log.len() >= n.saturating_mul(2).max(1) {
            let old = self.log.len() - n;
            self.log.drain(..old);
        }
    }

    /// The events dispatched so far, in order (those the [`EventLog`]
    /// policy keeps: by default, every one).
    pub fn log(&self) -> &[DispatchedEvent] {
        &self.log
    }

    /// Takes the events dispatched so far.
    pub fn take_log(&mut self) -> Vec<DispatchedEvent> {
        std::mem::take(&mut self.log)
    }

    /// `new MessageChannel()`: two new ports in this agent's realm, entangled.
    pub fn new_message_channel(&mut self, label1: &str, label2: &str) -> (PortId, PortId) {
        self.messaging
            .new_message_channel(&mut self.realm, label1, label2)
    }

    /// The `port1` getter of a channel made by [`Agent::new_message_channel`].
    pub fn message_channel_port1(channel: (PortId, PortId)) -> PortId {
        message_channel_port1(channel)
    }

    /// The `port2` getter.
    pub fn message_channel_port2(channel: (PortId, PortId)) -> PortId {
        message_channel_port2(channel)
    }

    /// `postMessage(message, transfer)` (see [`Messaging::post_message`]).
    ///
    /// # Errors
    ///
    /// As [`Messaging::post_message`].
    pub fn post_message(
        &mut self,
        port: PortId,
        message: Value<ObjectId>,
        transfer: &[ObjectId],
    ) -> Result<PostOutcome, CloneError<ObjectId>> {
        self.messaging
            .post_message(&mut self.realm, port, &message, transfer)
    }

    /// `postMessage(message, { transfer })` (see
    /// [`Messaging::post_message_with_options`]).
    ///
    /// # Errors
    ///
    /// As [`Messaging::post_message`].
    pub fn post_message_with_options(
        &mut self,
        port: PortId,
        message: Value<ObjectId>,
        transfer: &[ObjectId],
    ) -> Result<PostOutcome, CloneError<ObjectId>> {
        self.messaging
            .post_message_with_options(&mut self.realm, port, &message, transfer)
    }

    /// `close()` (see [`Messaging::close`]).
    pub fn close(&mut self, port: PortId) {
        self.messaging.close(&mut self.realm, port);
    }

    /// Posts a worker-style message to another agent's global scope (see
    /// [`Messaging::post_to_global`]).
    ///
    /// # Errors
    ///
    /// As [`Messaging::post_to_global`].
    pub fn post_to_global(
        &mut self,
        to: &GlobalPort,
        message: Value<ObjectId>,
        transfer: &[ObjectId],
    ) -> Result<(), CloneError<ObjectId>> {
        self.messaging
            .post_to_global(&mut self.realm, to, &message, transfer)
    }

    /// `new BroadcastChannel(name)` in this agent's realm (see
    /// [`Messaging::new_broadcast_channel`]).
    ///
    /// # Errors
    ///
    /// As [`Messaging::new_broadcast_channel`].
    pub fn new_broadcast_channel(
        &mut self,
        name: &Value<ObjectId>,
        label: &str,
    ) -> Result<BroadcastId, BroadcastError<ObjectId>> {
        self.messaging.new_broadcast_channel(&mut self.realm, name, label)
    }

    /// BroadcastChannel `postMessage(message)` (see
    /// [`Messaging::post_broadcast`]).
    ///
    /// # Errors
    ///
    /// As [`Messaging::post_broadcast`].
    pub fn post_broadcast(
        &mut self,
        channel: BroadcastId,
        message: Value<ObjectId>,
    ) -> Result<usize, BroadcastError<ObjectId>> {
        self.messaging.post_broadcast(&mut self.realm, channel, &message)
    }

    /// Collects this agent's unreachable BroadcastChannels (see
    /// [`Messaging::collect_broadcast_garbage`]); their reactions go with
    /// them.
    pub(crate) fn collect_broadcast_garbage(&mut self) -> Vec<String> {
        let collected = self.messaging.collect_broadcast_garbage();
        for (id, _) in &collected {
            self.reactions
                .retain(|(t, _, _)| *t != EventTarget::Broadcast(*id));
        }
        collected.into_iter().map(|(_, label)| label).collect()
    }

    /// Turns garbage collection of the agent's heap on (or off): then, after
    /// a task once the live objects doubled since the last collection, the
    /// objects nothing reaches are freed (see [`Agent::collect_heap`]). A
    /// reaction that keeps a value of its event must say so with
    /// [`Agent::keep`]: delivered messages nobody kept are then collected,
    /// as an engine collects an event's data no listener kept. Off by
    /// default (a driver holding handles the agent does not know of would
    /// see them freed).
    pub fn set_heap_collection(&mut self, on: bool) {
        self.collection = on.then(|| self.next_collection());
    }

    /// Declares that script keeps `value` (a root for the collection).
    pub fn keep(&mut self, value: Value<ObjectId>) {
        self.kept.push(value);
    }

    fn next_collection(&self) -> usize {
        self.realm
            .live_objects()
            .saturating_mul(2)
            .max(Agent::FIRST_COLLECTION)
    }

    /// Live objects below which the heap is never collected.
    const FIRST_COLLECTION: usize = 4096;

    /// Collects the heap now if collection is on and due; returns how many
    /// objects were freed.
    pub fn collect_heap_if_due(&mut self) -> usize {
        self.collect_if_due_keeping(None)
    }

    fn collect_if_due_keeping(&mut self, data: Option<&Value<ObjectId>>) -> usize {
        match self.collection {
            Some(due) if self.realm.live_objects() >= due => self.collect_keeping(data),
            _ => 0,
        }
    }

    /// Frees every object of the heap that no root reaches: the MessagePort
    /// and BroadcastChannel objects, the values [`Agent::keep`] kept, and the data of the events
    /// in the log. Returns how many were freed.
    pub fn collect_heap(&mut self) -> usize {
        self.collect_keeping(None)
    }

    /// [`Agent::collect_heap`], keeping `data` too (the event just
    /// dispatched, which the caller still holds).
    fn collect_keeping(&mut self, data: Option<&Value<ObjectId>>) -> usize {
        let ports: Vec<ObjectId> = {
            let table = self.messaging.table();
            let ports = table.ports.values().map(|p| p.object);
            let broadcasts = self.messaging.broadcasts();
            ports.chain(broadcasts.objects().copied()).collect()
        };
        let logged = self.log.iter().filter_map(|e| e.data.as_ref());
        let values = self.kept.iter().chain(logged).chain(data);
        let objects: Vec<ObjectId> = values.filter_map(|v| v.as_object().copied()).collect();
        let freed = self.realm.collect_garbage(ports.into_iter().chain(objects));
        if self.collection.is_some() {
            self.collection = Some(self.next_collection());
        }
        freed
    }

    /// Runs `reaction` (after the listeners) whenever `event` is dispatched
    /// at `target`.
    pub fn on(&mut self, target: EventTarget, event: EventType, reaction: Reaction) {
        self.reactions.push((target, event, reaction));
    }

    /// Runs the oldest ready task, if any (see [`Messaging::run_next_task`]),
    /// logs the event it dispatched and runs the reactions to it.
    pub fn run_next_task(&mut self) -> Option<DispatchedEvent> {
        self.run_next_task_if(|| true)
    }

    /// [`Agent::run_next_task`] if `admit` says yes, asked only when a task
    /// is ready (see [`Messaging::run_next_task_if`]).
    pub fn run_next_task_if(&mut self, admit: impl FnOnce() -> bool) -> Option<DispatchedEvent> {
        // Read in place and returned as it came, on every path: the event
        // is large, and taking it out of the Option moved it.
        let ran = self.messaging.run_next_task_if(&mut self.realm, admit);
        if let Some(dispatched) = &ran {
            self.after_task(dispatched);
        }
        ran
    }

    /// [`Agent::run_next_task`] if the task is older than `bound` (see
    /// [`Messaging::run_next_task_before`]): the stepper's turn.
    pub(crate) fn run_next_task_before(&mut self, bound: Option<u64>) -> Option<DispatchedEvent> {
        let ran = self.messaging.run_next_task_before(&mut self.realm, bound);
        if let Some(dispatched) = &ran {
            self.after_task(dispatched);
        }
        ran
    }

    /// What follows a task: the event is logged (as the policy says), the
    /// reactions to it run, and the heap is collected if due.
    fn after_task(&mut self, dispatched: &DispatchedEvent) {
        match self.log_policy {
            EventLog::All => self.log.push(dispatched.clone()),
            EventLog::Recent(n) if n > 0 => {
                self.trim_log(n);
                self.log.push(dispatched.clone());
            }
            EventLog::Recent(_) | EventLog::Off => {}
        }
        let mut reactions = std::mem::take(&mut self.reactions);
        for (target, event, reaction) in &mut reactions {
            if *target == dispatched.target && *event == dispatched.event {
                reaction(self, dispatched);
            }
        }
        reactions.append(&mut self.reactions);
        self.reactions = reactions;
        self.collect_if_due_keeping(dispatched.data.as_ref());
    }

    /// Collects `port` (see [`Messaging::collect_port`]); its reactions go
    /// with it.
    pub(crate) fn collect_port(&mut self, port: PortId) {
        self.messaging.collect_port(port);
        self.reactions.retain(|(t, _, _)| *t != EventTarget::Port(port));
    }

    /// The agent goes away (see [`Messaging::shut_down`]); the reactions to
    /// its ports go with them.
    pub fn shut_down(&mut self) {
        self.messaging.shut_down();
        self.reactions.retain(|(t, _, _)| *t == EventTarget::Global);
    }
}
