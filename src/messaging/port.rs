//! MessagePort objects of one event loop: their state, and their transfer
//! and transfer-receiving steps (MessagePort is \[Transferable]).
//!
//! <https://html.spec.whatwg.org/multipage/web-messaging.html#message-ports>

use super::listeners::EventListeners;
use super::queue::{Owner, PortEnd, Signal, TaskClock};
use super::sync::Arc;
use crate::ecmascript::{ObjectId, PlatformObjectSlots, Realm};
use crate::spec::step;
use crate::structured::{CloneError, Deserializer, PlatformObjects, RecordId, Serializer, TransferData};
use rustc_hash::FxHashMap;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::hash::Hash;

/// The MessagePort interface identifier.
pub const MESSAGE_PORT: &str = "MessagePort";

/// A MessagePort of one event loop, by the event loop's own numbering.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct PortId(pub u64);

/// The event types a MessagePort dispatches.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
#[non_exhaustive]
pub enum EventType {
    /// `message`
    Message,
    /// `messageerror`
    MessageError,
    /// `close`
    Close,
}

impl EventType {
    /// The event's type string.
    pub fn name(self) -> &'static str {
        match self {
            EventType::Message => "message",
            EventType::MessageError => "messageerror",
            EventType::Close => "close",
        }
    }

    /// The type named `name`.
    pub fn from_name(name: &str) -> Option<EventType> {
        [EventType::Message, EventType::MessageError, EventType::Close]
            .into_iter()
            .find(|t| t.name() == name)
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One MessagePort object's platform state; `O` is the realm's object
/// handle ([`Realm::Object`]).
#[derive(Debug)]
pub struct PortState<O = ObjectId> {
    /// The MessagePort object in the event loop's realm.
    pub(crate) object: O,
    /// A name for people (logs, scenarios), shared with the events fired at
    /// the port.
    pub(crate) label: std::sync::Arc<str>,
    /// This port's end of its channel (its port message queue, and through
    /// it the entanglement). `None` once the port was shipped away.
    pub(crate) end: Option<PortEnd>,
    /// Its event handlers (`onmessage`, `onmessageerror`, `onclose`; the
    /// first time `onmessage` is set the queue is enabled) and listeners.
    pub(crate) listeners: EventListeners,
    /// Whether script still holds the port (cleared by `forget`).
    pub(crate) held_by_script: bool,
}

impl<O> PortState<O> {
    /// The MessagePort object in the event loop's realm.
    pub fn object(&self) -> &O {
        &self.object
    }

    /// The name for people (logs, scenarios).
    pub fn label(&self) -> &str {
        &self.label
    }

    /// This port's end of its channel, `None` once the port was shipped
    /// away.
    pub fn end(&self) -> Option<&PortEnd> {
        self.end.as_ref()
    }

    /// Whether a task waits that is to dispatch an event at this port (see
    /// [`Messaging::has_pending_events`](super::Messaging::has_pending_events)).
    pub fn has_pending_events(&self) -> bool {
        self.end
            .as_ref()
            .is_some_and(|e| e.snapshot().has_pending_events())
    }

    /// Its event handlers (`onmessage`, `onmessageerror`, `onclose`) and
    /// listeners.
    pub fn listeners(&self) -> &EventListeners {
        &self.listeners
    }

    /// Whether script still holds the port (cleared by `forget`).
    pub fn held_by_script(&self) -> bool {
        self.held_by_script
    }
}

/// What a MessagePort's transfer steps store in the data holder:
/// [[PortMessageQueue]] (our end of the channel, queue and all) and whether
/// [[RemotePort]] is set. If the holder is dropped without being received
/// (a doomed post, a message that is never delivered), the port is gone:
/// its end is released, which disentangles it.
pub struct PortTransferData {
    end: Option<PortEnd>,
    remote_port: bool,
    label: std::sync::Arc<str>,
}

impl std::fmt::Debug for PortTransferData {
    /// The port's label, whether it still holds its end and [[RemotePort]].
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PortTransferData")
            .field("label", &self.label)
            .field("holds_end", &self.end.is_some())
            .field("remote_port", &self.remote_port)
            .finish()
    }
}

impl PortTransferData {
    /// A data holder's MessagePort fields for `end`, as the transfer steps
    /// make them (for tests that build messages by hand).
    pub fn new(end: PortEnd, label: &str) -> Self {
        let remote_port = end.is_entangled();
        PortTransferData {
            end: Some(end),
            remote_port,
            label: label.into(),
        }
    }

    fn take_end(&mut self) -> Option<PortEnd> {
        self.end.take()
    }
}

/// The channel ends of the MessagePorts a message carries (in its transfer
/// data holders).
pub(crate) fn ends_in(message: &crate::structured::SerializeWithTransferResult) -> Vec<PortEnd> {
    message
        .transfer_data_holders
        .iter()
        .filter_map(|holder| match holder {
            crate::structured::TransferDataHolder::Platform { data, .. } => {
                data.downcast_ref::<PortTransferData>()?.end.clone()
            }
            _ => None,
        })
        .collect()
}

/// A data holder dropped without being received (a doomed post, a post
/// with no target port, a transfer list that threw after this port moved, a
/// message that is never delivered): the port is gone.
impl Drop for PortTransferData {
    fn drop(&mut self) {
        if let Some(end) = self.end.take() {
            // DEVIATION(whatwg/html#12490 lost-port-disentangles): the port is
            // disentangled at once, as if collected: its partner gets `close`
            // and what its queue held is dropped. The standard's transfer
            // steps leave it entangled with the detached original.
            end.release();
        }
    }
}

/// The MessagePorts of one event loop; [`PortHost`] lends it to the
/// structured-data algorithms, which transfer ports through it.
pub struct PortTable<O = ObjectId> {
    pub(crate) agent: String,
    pub(crate) signal: Arc<Signal>,
    pub(crate) clock: Arc<TaskClock>,
    pub(crate) ports: BTreeMap<PortId, PortState<O>>,
    /// The port behind each MessagePort object: kept here, so the realm is
    /// never asked which port an object stands for.
    objects: FxHashMap<O, PortId>,
    /// Ports the transfer-receiving steps made during the current
    /// deserialization (script can reach them only through its event).
    pub(crate) received: Vec<PortId>,
    next_id: u64,
    /// The ports by label (a label may be given twice through the API).
    labels: FxHashMap<String, BTreeSet<PortId>>,
    /// For each `BASE`, the `n` of the labels `BASE#n` in use.
    suffixes: FxHashMap<String, Suffixes>,
    /// Label look-ups made so far (a work counter).
    label_probes: u64,
    /// The ready-port index: the ports announced to this event loop's signal
    /// as having a task ready, not yet found empty, oldest first (see
    /// `ready.rs`). Only these are asked which task is oldest.
    pub(crate) ready: super::ready::ReadyIndex,
    /// Announcements taken from the signal, not yet in `ready`.
    pub(super) announced: Vec<u64>,
    /// Ports asked for their next task so far (a work counter).
    pub(super) ready_probes: u64,
}

/// The suffixes `n` (2, 3, …) in use among the labels `BASE#n` of one base,
/// kept so that the lowest free one is found without trying every smaller
/// one: every suffix from 2 to `high` is in use or in `gaps`.
#[derive(Debug)]
struct Suffixes {
    high: u64,
    gaps: BTreeSet<u64>,
    /// Suffixes in use above `high`.
    beyond: BTreeSet<u64>,
}

impl Suffixes {
    fn new() -> Self {
        Suffixes {
            high: 1,
            gaps: BTreeSet::new(),
            beyond: BTreeSet::new(),
        }
    }

    fn insert(&mut self, n: u64) {
        if n <= self.high {
            self.gaps.remove(&n);
        } else {
            self.beyond.insert(n);
        }
    }

    fn remove(&mut self, n: u64) {
        if n <= self.high {
            self.gaps.insert(n);
        } else {
            self.beyond.remove(&n);
        }
    }

    fn lowest_free(&mut self) -> u64 {
        if let Some(&n) = self.gaps.first() {
            return n;
        }
        while self.beyond.remove(&self.high.saturating_add(1)) {
            self.high += 1;
        }
        self.high.saturating_add(1)
    }
}

/// `BASE#n` split into `BASE` and `n` (2 or more, written without leading
/// zeros), the form [`PortTable::fresh_label`] makes.
fn suffixed(label: &str) -> Option<(&str, u64)> {
    let (base, n) = label.rsplit_once('#')?;
    let canonical = !n.is_empty() && !n.starts_with('0') && n.bytes().all(|b| b.is_ascii_digit());
    let n: u64 = n.parse().ok().filter(|&n| canonical && n >= 2)?;
    Some((base, n))
}

impl<O: fmt::Debug> fmt::Debug for PortTable<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PortTable")
            .field("agent", &self.agent)
            .field("ports", &self.ports)
            .finish()
    }
}

/// The slots a new MessagePort object is made with: MessagePort is
/// \[Transferable], so it has [[Detached]], false at first.
pub(crate) fn message_port_slots() -> PlatformObjectSlots {
    PlatformObjectSlots {
        interface: MESSAGE_PORT.to_owned(),
        detached: Some(false),
    }
}

impl<O> PortTable<O> {
    pub(crate) fn new(agent: String, signal: Arc<Signal>, clock: Arc<TaskClock>) -> Self {
        PortTable {
            agent,
            signal,
            clock,
            ports: BTreeMap::new(),
            objects: FxHashMap::default(),
            received: Vec::new(),
            next_id: 0,
            labels: FxHashMap::default(),
            suffixes: FxHashMap::default(),
            label_probes: 0,
            ready: super::ready::ReadyIndex::default(),
            announced: Vec::new(),
            ready_probes: 0,
        }
    }

    /// The owner record for a port of this table.
    pub(crate) fn owner(&self, port: PortId) -> Owner {
        Owner {
            signal: self.signal.clone(),
            port: port.0,
        }
    }

    /// Takes every port out of the table (the agent goes away), leaving it
    /// empty.
    pub(crate) fn take_all(&mut self) -> BTreeMap<PortId, PortState<O>> {
        self.objects.clear();
        self.labels.clear();
        self.suffixes.clear();
        self.received.clear();
        self.ready.clear();
        std::mem::take(&mut self.ports)
    }

    /// The first port (in creation order) labelled `label`.
    pub(crate) fn by_label(&self, label: &str) -> Option<PortId> {
        self.labels.get(label)?.first().copied()
    }

    /// How many label look-ups finding fresh labels has made so far: each
    /// received port costs a bounded number, however many ports the table
    /// holds or have been shipped through it (a work counter for tests).
    pub fn label_probes(&self) -> u64 {
        self.label_probes
    }

    fn add_label(&mut self, label: &str, port: PortId) {
        let ports = self.labels.entry(label.to_owned()).or_default();
        ports.insert(port);
        if ports.len() == 1
            && let Some((base, n)) = suffixed(label)
        {
            self.suffixes
                .entry(base.to_owned())
                .or_insert_with(Suffixes::new)
                .insert(n);
        }
    }

    /// `port`, labelled `label`, is gone or takes another label.
    pub(crate) fn forget_label(&mut self, label: &str, port: PortId) {
        let Some(ports) = self.labels.get_mut(label) else {
            return;
        };
        ports.remove(&port);
        if !ports.is_empty() {
            return;
        }
        self.labels.remove(label);
        if let Some((base, n)) = suffixed(label)
            && let Some(suffixes) = self.suffixes.get_mut(base)
        {
            suffixes.remove(n);
        }
    }

    /// A label not yet used in this table, based on `base`: `base` itself,
    /// else `base#n` with the lowest free `n` from 2.
    fn fresh_label(&mut self, base: &str) -> String {
        self.label_probes += 1;
        if !self.labels.contains_key(base) {
            return base.to_owned();
        }
        let suffixes = self.suffixes.entry(base.to_owned()).or_insert_with(Suffixes::new);
        self.label_probes += 1;
        format!("{base}#{}", suffixes.lowest_free())
    }
}

impl<O: Clone + Eq + Hash> PortTable<O> {
    /// Adds `object`, a MessagePort just made in the event loop's realm, as a
    /// new port: not entangled, with no end yet.
    pub(crate) fn add_port(&mut self, object: O, label: String) -> PortId {
        let id = PortId(self.next_id);
        self.next_id += 1;
        self.add_label(&label, id);
        self.objects.insert(object.clone(), id);
        let state = PortState {
            object,
            label: label.into(),
            end: None,
            listeners: EventListeners::default(),
            held_by_script: true,
        };
        self.ports.insert(id, state);
        id
    }

    /// The port behind a MessagePort object of this event loop's realm.
    pub fn port_of(&self, object: &O) -> Option<PortId> {
        self.objects.get(object).copied()
    }

    /// Puts `object` in place of `port`'s MessagePort object (see
    /// [`Messaging::replace_port_object`](super::Messaging::replace_port_object));
    /// returns the object it replaced.
    pub(crate) fn replace_object(&mut self, port: PortId, object: O) -> Option<O> {
        let state = self.ports.get_mut(&port)?;
        let old = std::mem::replace(&mut state.object, object.clone());
        self.objects.remove(&old);
        self.objects.insert(object, port);
        Some(old)
    }

    /// Takes a port that is gone out of the table.
    pub(crate) fn remove(&mut self, port: PortId) -> Option<PortState<O>> {
        let state = self.ports.remove(&port)?;
        self.objects.remove(&state.object);
        self.forget_label(&state.label, port);
        Some(state)
    }
}

/// The port table lent to the structured-data algorithms as their host
/// ([`PlatformObjects`]): MessagePort is \[Transferable], not \[Serializable].
///
/// Each of its steps borrows the table only while it runs, and never while
/// it calls the realm: so author code that runs during a serialization (a
/// getter) may itself create, post, ship or close ports of the same event
/// loop, as it may in a browser.
pub struct PortHost<'a, O> {
    table: &'a RefCell<PortTable<O>>,
}

impl<O> std::fmt::Debug for PortHost<'_, O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PortHost").finish_non_exhaustive()
    }
}

impl<'a, O> PortHost<'a, O> {
    pub(crate) fn new(table: &'a RefCell<PortTable<O>>) -> Self {
        PortHost { table }
    }
}

impl<R: Realm> PlatformObjects<R> for PortHost<'_, R::Object> {
    fn is_serializable(&self, _: &str) -> bool {
        // MessagePort is [Transferable] but not [Serializable].
        false
    }

    fn serialization_steps(
        &mut self,
        _: &mut Serializer<'_, R>,
        _: &R::Object,
    ) -> Result<Vec<(String, RecordId)>, CloneError<R::Object>> {
        Err(CloneError::new_data_clone(
            "structuredserializeinternal/26.3",
            "MessagePort objects can be transferred, not cloned",
        ))
    }

    fn is_exposed(&self, interface: &str, _: &R) -> bool {
        interface == MESSAGE_PORT
    }

    fn new_instance(&mut self, realm: &mut R, interface: &str) -> Result<R::Object, CloneError<R::Object>> {
        if interface != MESSAGE_PORT {
            return Err(CloneError::new_data_clone(
                "structureddeserializewithtransfer/3.4.3",
                format!("{interface} is not exposed in this event loop"),
            ));
        }
        let object = realm.create_platform_object(message_port_slots());
        let mut table = self.table.borrow_mut();
        let port = table.add_port(object.clone(), String::new());
        table.received.push(port);
        Ok(object)
    }

    fn deserialization_steps(
        &mut self,
        _: &mut Deserializer<'_, R>,
        _: &R::Object,
        _: &[(String, RecordId)],
    ) -> Result<(), CloneError<R::Object>> {
        Err(CloneError::new_data_clone(
            "structureddeserialize/24.4.1",
            "MessagePort objects are not serializable",
        ))
    }

    fn is_transferable(&self, interface: &str) -> bool {
        interface == MESSAGE_PORT
    }

    /// The MessagePort transfer steps.
    ///
    /// <https://html.spec.whatwg.org/multipage/web-messaging.html#transferMessagePort>
    fn transfer_steps(
        &mut self,
        _: &mut R,
        value: &R::Object,
    ) -> Result<TransferData, CloneError<R::Object>> {
        let mut table = self.table.borrow_mut();
        let port = table.port_of(value).ok_or_else(|| {
            CloneError::new_data_clone(
                "transferMessagePort/1",
                "this MessagePort belongs to no port of this event loop",
            )
        })?;
        let state = table
            .ports
            .get_mut(&port)
            .ok_or_else(|| CloneError::new_data_clone("transferMessagePort/1", "unknown port"))?;
        let label = state.label.clone();
        // DEVIATION(whatwg/html#5078 queue-travels-with-port): the end (its
        // queue) leaves the port object now, so the shipped object no longer
        // reaches the channel; messages posted to it while in flight are
        // queued in the holder and delivered wherever the port arrives.
        let end = state.end.take();
        step!("transferMessagePort/1"); // this port has been shipped
        step!("transferMessagePort/2"); // its queue goes into the holder
        step!("transferMessagePort/3"); // entangled: the remote port is shipped too
        // (A port without an end, never the case for a live undetached
        // port, ships as an unentangled, empty queue.)
        let entangled = end.as_ref().is_some_and(|end| end.ship());
        if entangled {
            step!("transferMessagePort/3.1");
            step!("transferMessagePort/3.2");
        } else {
            step!("transferMessagePort/4"); // not entangled: no remote port
        }
        Ok(Box::new(PortTransferData {
            end,
            remote_port: entangled,
            label,
        }))
    }

    /// The MessagePort transfer-receiving steps.
    ///
    /// <https://html.spec.whatwg.org/multipage/web-messaging.html#transferMessagePort>
    fn transfer_receiving_steps(
        &mut self,
        _: &mut R,
        data: TransferData,
        value: &R::Object,
    ) -> Result<(), CloneError<R::Object>> {
        let mut data = data.downcast::<PortTransferData>().map_err(|_| {
            CloneError::new_data_clone(
                "transferMessagePort-receiving/1",
                "a MessagePort data holder held something else",
            )
        })?;
        let mut table = self.table.borrow_mut();
        let port = table.port_of(value).ok_or_else(|| {
            CloneError::new_data_clone(
                "transferMessagePort-receiving/1",
                "the new MessagePort is not a port of this event loop",
            )
        })?;
        let base = data.label.split('@').next().unwrap_or("port");
        let base = format!("{base}@{}", table.agent);
        let label = table.fresh_label(&base);
        let owner = table.owner(port);
        step!("transferMessagePort-receiving/1"); // the new port has been shipped
        step!("transferMessagePort-receiving/2"); // it takes the queue, disabled again
        let end = data.take_end();
        if let Some(end) = &end {
            end.receive(owner);
        }
        step!("transferMessagePort-receiving/3"); // re-entangle with the remote port
        // DEVIATION(whatwg/html#5850 both-ends-stay-entangled): the remote
        // side is the other end of the same channel, wherever its port is now
        // (even in flight), so nothing is re-linked here and no message in
        // either queue is lost.
        // DEVIATION(whatwg/html#12490 receiving-fires-no-close): so entangle
        // step 1 has nothing to disentangle, and no `close` is fired at the
        // remote port or the shipped original.
        // A [[RemotePort]] of null means the end was not entangled when it
        // was shipped, and nothing can have entangled it since.
        debug_assert!(data.remote_port || !end.as_ref().is_some_and(PortEnd::is_entangled));
        let table = &mut *table;
        if let Some(state) = table.ports.get_mut(&port) {
            state.end = end;
            let old = std::mem::replace(&mut state.label, label.as_str().into());
            table.forget_label(&old, port);
            table.add_label(&label, port);
        }
        Ok(())
    }
}
