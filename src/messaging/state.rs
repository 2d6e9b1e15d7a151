//! One agent's messaging state, without its realm: its MessagePorts and the
//! messages waiting for its global scope. Every operation that touches the
//! realm takes it as a parameter, so an engine can keep its realm (or a
//! short-lived borrow of it) wherever it likes.

use super::broadcast_channel::BroadcastTable;
use super::channel::disentangle;
use super::port::{PortHost, PortId, PortState, PortTable};
use super::queue::{PortEnd, Signal, TaskClock};
use super::sync::Arc;
use super::task_queue::TaskQueue;
use crate::ecmascript::{ObjectId, Realm, Value};
use crate::spec::step;
use crate::structured::{
    CloneError, PlatformObjects, SerializeWithTransferResult, structured_serialize_with_transfer,
};
use std::cell::{Ref, RefCell, RefMut};
use std::fmt;
use std::hash::Hash;

/// A worker-style message to an agent's global scope.
pub(super) struct GlobalTask {
    pub(super) seq: u64,
    pub(super) message: SerializeWithTransferResult,
}

/// Messages to an agent's global scope, which any thread may add to.
#[derive(Default)]
pub(crate) struct GlobalQueue {
    pub(super) tasks: TaskQueue<GlobalTask>,
}

/// A handle through which other agents add worker-style messages to an
/// agent's global scope. It is `Send`: hand it to whichever thread posts.
#[derive(Clone)]
pub struct GlobalPort {
    global: Arc<GlobalQueue>,
    signal: Arc<Signal>,
    clock: Arc<TaskClock>,
}

impl std::fmt::Debug for GlobalPort {
    /// Opaque: formatting never takes the queue's lock.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GlobalPort").finish_non_exhaustive()
    }
}

impl GlobalPort {
    /// The global scope of an agent yet to be made, in the world of `clock`:
    /// make it where the agent is started, hand it to the agent's thread,
    /// and build the agent's state there with [`Messaging::with_global`] (a
    /// worker's parent posts to it before the worker runs).
    pub fn new(clock: Arc<TaskClock>) -> Self {
        GlobalPort {
            global: Arc::new(GlobalQueue::default()),
            signal: Arc::new(Signal::new()),
            clock,
        }
    }

    /// Queues a message for the agent's global scope.
    pub fn deliver(&self, message: SerializeWithTransferResult) {
        let seq = self.clock.tick();
        self.global.tasks.push_back(GlobalTask { seq, message });
        self.signal.notify();
    }

    /// The signal that wakes the agent's event loop.
    pub fn signal(&self) -> Arc<Signal> {
        self.signal.clone()
    }
}

/// One agent's messaging state: its MessagePorts (the port table) and the
/// messages waiting for its global scope. `O` is the handle type of the
/// agent's realm ([`Realm::Object`]); the realm itself is passed to each
/// operation that needs it.
///
/// Every operation takes `&self`: the state sits behind a shared reference
/// wherever the engine keeps it (an `Rc` in its host data, say), and the
/// port table inside is borrowed only for the moment each step needs it,
/// never while the realm runs author code. So a getter that runs during
/// `postMessage`'s serialization may itself post, ship or close ports.
///
/// The state is not `Send` when `O` is not (an engine's objects usually
/// are not): it lives on its agent's thread. What crosses threads is the
/// channel ends inside it, the [`GlobalPort`] and the [`Signal`].
pub struct Messaging<O = ObjectId> {
    /// The agent's name, shared with every event it dispatches.
    name: std::sync::Arc<str>,
    /// The label of its global scope, shared likewise.
    global_label: std::sync::Arc<str>,
    ports: RefCell<PortTable<O>>,
    global: Arc<GlobalQueue>,
    broadcast: RefCell<BroadcastTable<O>>,
}

impl<O: fmt::Debug> fmt::Debug for Messaging<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Messaging")
            .field("name", &self.name)
            .field("ports", &self.ports)
            .finish_non_exhaustive()
    }
}

impl<O> Messaging<O> {
    /// The messaging state of a new agent named `name`, in the world whose
    /// agents share `clock`.
    pub fn new(name: impl Into<String>, clock: Arc<TaskClock>) -> Self {
        Messaging::with_global(name, GlobalPort::new(clock))
    }

    /// The messaging state of the agent whose global scope is `global`
    /// (made by [`GlobalPort::new`]); it wakes on `global`'s signal.
    pub fn with_global(name: impl Into<String>, global: GlobalPort) -> Self {
        let name = name.into();
        Messaging {
            broadcast: RefCell::new(BroadcastTable::new(global.signal.clone())),
            ports: RefCell::new(PortTable::new(name.clone(), global.signal, global.clock)),
            name: name.into(),
            global_label: "global".into(),
            global: global.global,
        }
    }

    /// The agent's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The agent's name and its global scope's label, to put in an event.
    pub(super) fn shared_names(&self) -> (std::sync::Arc<str>, &std::sync::Arc<str>) {
        (self.name.clone(), &self.global_label)
    }

    /// The messages waiting for the global scope.
    pub(super) fn global_tasks(&self) -> &TaskQueue<GlobalTask> {
        &self.global.tasks
    }

    /// The port table, for reading.
    pub(crate) fn table(&self) -> Ref<'_, PortTable<O>> {
        self.ports.borrow()
    }

    /// The port table, for a change that calls nothing outside it.
    pub(crate) fn table_mut(&self) -> RefMut<'_, PortTable<O>> {
        self.ports.borrow_mut()
    }

    /// The BroadcastChannel table, for reading.
    pub(super) fn broadcasts(&self) -> Ref<'_, BroadcastTable<O>> {
        self.broadcast.borrow()
    }

    /// The BroadcastChannel table, for a change that calls nothing outside it.
    pub(super) fn broadcasts_mut(&self) -> RefMut<'_, BroadcastTable<O>> {
        self.broadcast.borrow_mut()
    }

    /// The port table as the structured-data algorithms' host (pass it to
    /// `structured_clone` so that `structuredClone(v, {transfer: [port]})`
    /// can transfer this agent's MessagePorts).
    pub fn platform_objects(&self) -> PortHost<'_, O> {
        PortHost::new(&self.ports)
    }

    /// The signal that wakes this agent's event loop: every task added for
    /// it (a message to one of its ports or its global scope, a `close`, a
    /// queue enabled) notifies it, from whichever thread added it.
    pub fn signal(&self) -> Arc<Signal> {
        self.table().signal.clone()
    }

    /// The task clock this agent shares with its world.
    pub fn clock(&self) -> Arc<TaskClock> {
        self.table().clock.clone()
    }

    /// A handle for posting to this agent's global scope.
    pub fn global_port(&self) -> GlobalPort {
        let table = self.table();
        GlobalPort {
            global: self.global.clone(),
            signal: table.signal.clone(),
            clock: table.clock.clone(),
        }
    }

    /// The state of a port (borrowed from the port table: let go of it
    /// before calling another operation that changes the table).
    pub fn port(&self, port: PortId) -> Option<Ref<'_, PortState<O>>> {
        Ref::filter_map(self.table(), |t| t.ports.get(&port)).ok()
    }

    /// Every live port, in creation order.
    pub fn port_ids(&self) -> Vec<PortId> {
        self.table().ports.keys().copied().collect()
    }

    /// The port with this label.
    pub fn port_by_label(&self, label: &str) -> Option<PortId> {
        self.table().by_label(label)
    }

    /// How many label look-ups finding fresh labels has made so far (see
    /// [`PortTable::label_probes`]).
    pub fn label_probes(&self) -> u64 {
        self.table().label_probes()
    }

    /// How many ports choosing the next task has asked so far (see
    /// [`PortTable::ready_probes`]).
    pub fn ready_probes(&self) -> u64 {
        self.table().ready_probes()
    }

    pub(super) fn port_label(&self, port: PortId) -> std::sync::Arc<str> {
        self.port(port)
            .map_or_else(|| format!("port#{}", port.0).into(), |p| p.label.clone())
    }

    /// Script lets go of the port: it may now be garbage collected.
    pub fn forget(&self, port: PortId) {
        if let Some(state) = self.table_mut().ports.get_mut(&port) {
            state.held_by_script = false;
        }
    }

    /// The agent goes away (its document is destroyed, its worker ends):
    /// every port it holds is disentangled and dropped, and the messages
    /// waiting for its global scope with them.
    pub fn shut_down(&self) {
        self.shut_down_broadcasts();
        let ports = self.table_mut().take_all();
        for state in ports.into_values() {
            if let Some(end) = state.end {
                let_go(&end);
            }
        }
        // Dropping a message can release the ports inside it, which locks
        // their channels: not while the queue's lock is held.
        let messages = self.global.tasks.take_all();
        drop(messages);
    }

    /// Runs `f` on each message waiting for this agent's global scope.
    pub(crate) fn for_each_global_message(&self, mut f: impl FnMut(&SerializeWithTransferResult)) {
        self.global
            .tasks
            .with(|tasks| tasks.iter().for_each(|t| f(&t.message)));
    }

    /// Whether a task waits on `port` that is to dispatch an event at it, or
    /// its queue is enabled and not empty (what keeps a port alive).
    ///
    /// A pending `close` counts only when it can be dispatched: with its
    /// queue enabled, or with no message before it. Behind messages in a
    /// queue never started it waits in the port message queue like them
    /// (reading `close-is-a-task`), and like them it does not keep the port.
    pub fn has_pending_events(&self, port: PortId) -> bool {
        self.port(port).is_some_and(|p| p.has_pending_events())
    }
}

/// A port's end whose port is gone for good: if entangled it is
/// disentangled (the other port gets `close`), and whatever its queue held is
/// dropped.
fn let_go(end: &PortEnd) {
    disentangle(end);
    end.release();
}

impl<O: Clone + Eq + Hash> Messaging<O> {
    /// The port behind a MessagePort object of this agent's realm.
    pub fn port_of(&self, object: &O) -> Option<PortId> {
        self.table().port_of(object)
    }

    /// The MessagePort object of `port`, in this agent's realm.
    pub fn port_object(&self, port: PortId) -> Option<O> {
        self.port(port).map(|p| p.object.clone())
    }

    /// Puts `object` in place of `port`'s MessagePort object, and returns
    /// the object it replaced (`None` for an unknown port). For an engine
    /// whose collector decides which objects live: while it collects, it
    /// leaves a placeholder here so that this table does not keep the
    /// MessagePort object alive, then puts the object back if it survived
    /// (or calls [`collect_port`](Self::collect_port) if not).
    ///
    /// # Example
    ///
    /// One collection as an engine with its own collector would run it:
    /// a port that [`has_pending_events`](Self::has_pending_events) must
    /// live whatever script holds; any other is swapped for a placeholder
    /// while the engine's collector runs, then put back if script still
    /// reached it, or collected (here script dropped `port2`, so `port1`
    /// is told `close`).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use webmessaging::ecmascript::{AgentClusterId, Heap, Realm};
    /// use webmessaging::messaging::queue::TaskClock;
    /// use webmessaging::messaging::{EventType, Messaging};
    ///
    /// let mut realm = Heap::new(AgentClusterId(0));
    /// let messaging = Messaging::new("main", Arc::new(TaskClock::new()));
    /// let (port1, port2) = messaging.new_message_channel(&mut realm, "port1", "port2");
    /// messaging.set_onclose(port1);
    ///
    /// let placeholder = realm.array_create(0);
    /// let mut swapped = Vec::new();
    /// for port in [port1, port2] {
    ///     if !messaging.has_pending_events(port) {
    ///         swapped.push((port, messaging.replace_port_object(port, placeholder).unwrap()));
    ///     }
    /// }
    /// // ... the engine's collector runs; suppose script reaches only port1 ...
    /// for (port, object) in swapped {
    ///     if port == port1 {
    ///         messaging.replace_port_object(port, object);
    ///     } else {
    ///         messaging.collect_port(port);
    ///     }
    /// }
    ///
    /// assert_ne!(messaging.port_object(port1), Some(placeholder));
    /// assert_eq!(messaging.port_object(port2), None);
    /// let event = messaging.run_next_task(&mut realm).expect("port1 is told close");
    /// assert_eq!(event.event, EventType::Close);
    /// ```
    pub fn replace_port_object(&self, port: PortId, object: O) -> Option<O> {
        self.table_mut().replace_object(port, object)
    }

    /// A new MessagePort object in `realm`, with its port: not entangled,
    /// with no end yet.
    pub(super) fn new_port<R: Realm<Object = O>>(&self, realm: &mut R, label: String) -> PortId {
        let object = realm.create_platform_object(super::port::message_port_slots());
        self.table_mut().add_port(object, label)
    }

    /// Posts a worker-style message to another agent's global scope (as
    /// `worker.postMessage(message, transfer)` would): the way ports first
    /// reach another event loop. Serialization runs in `realm`, this agent's.
    ///
    /// # Errors
    ///
    /// A [`CloneError`] when the message cannot be serialized or a transfer
    /// list entry cannot be transferred (as [`post_message`](Self::post_message));
    /// nothing is delivered then.
    pub fn post_to_global<R: Realm<Object = O>>(
        &self,
        realm: &mut R,
        to: &GlobalPort,
        message: &Value<O>,
        transfer: &[O],
    ) -> Result<(), CloneError<O>> {
        self.post_to_global_in(realm, &mut self.platform_objects(), to, message, transfer)
    }

    /// [`post_to_global`](Self::post_to_global), serializing with `host`
    /// (see [`post_message_in`](Self::post_message_in)).
    ///
    /// # Errors
    ///
    /// As [`post_to_global`](Self::post_to_global).
    pub fn post_to_global_in<R: Realm<Object = O>, H: PlatformObjects<R>>(
        &self,
        realm: &mut R,
        host: &mut H,
        to: &GlobalPort,
        message: &Value<O>,
        transfer: &[O],
    ) -> Result<(), CloneError<O>> {
        let result = structured_serialize_with_transfer(realm, host, message, transfer)?;
        to.deliver(result);
        Ok(())
    }

    /// The engine collected `port`'s MessagePort object (no live code can
    /// reach it, by the rules of "Ports and garbage collection"): the port
    /// is gone, so it is disentangled (the other port gets `close`) and
    /// whatever its queue held is dropped.
    ///
    /// <https://html.spec.whatwg.org/multipage/web-messaging.html#ports-and-garbage-collection>
    pub fn collect_port(&self, port: PortId) {
        if self.is_entangled(port) {
            step!("ports-and-garbage-collection/1"); // a collected entangled port is disentangled
        }
        let state = self.table_mut().remove(port);
        if let Some(end) = state.and_then(|s| s.end) {
            let_go(&end);
        }
    }
}

/// A messaging state that goes away takes its ports with it: each is
/// released, which disentangles it and drops what its queue held (and, with
/// it, the ports those messages carried).
impl<O> Drop for Messaging<O> {
    fn drop(&mut self) {
        self.shut_down();
    }
}
