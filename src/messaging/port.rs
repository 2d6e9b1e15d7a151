//! MessagePort objects of one event loop: their state, and their transfer
//! and transfer-receiving steps (MessagePort is [Transferable]).
//!
//! <https://html.spec.whatwg.org/multipage/web-messaging.html#message-ports>

use super::queue::{Owner, PortEnd, Signal, TaskClock};
use super::sync::Arc;
use crate::ecmascript::{Heap, ObjectId, ObjectKind};
use crate::spec::step;
use crate::structured::{CloneError, Deserializer, PlatformObjects, RecordId, Serializer, TransferData};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

/// The MessagePort interface identifier.
pub const MESSAGE_PORT: &str = "MessagePort";

/// A MessagePort of one event loop, by the event loop's own numbering.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct PortId(pub u64);

/// The event types a MessagePort dispatches.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
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

/// One MessagePort object's platform state.
#[derive(Debug)]
pub struct PortState {
    /// The MessagePort object in the event loop's realm.
    pub object: ObjectId,
    /// A name for people (logs, scenarios).
    pub label: String,
    /// This port's end of its channel (its port message queue, and through
    /// it the entanglement). `None` once the port was shipped away.
    pub end: Option<PortEnd>,
    /// The event handlers set (`onmessage`, `onmessageerror`, `onclose`);
    /// the first time `onmessage` is set the queue is enabled.
    pub handlers: BTreeSet<EventType>,
    /// Listeners registered per event type (an event handler counts as one).
    pub listeners: BTreeMap<EventType, usize>,
    /// Whether script still holds the port (cleared by `forget`).
    pub held_by_script: bool,
}

impl PortState {
    /// Whether the port has a `message` or `messageerror` listener.
    pub fn has_message_listeners(&self) -> bool {
        [EventType::Message, EventType::MessageError]
            .iter()
            .any(|t| self.listeners.get(t).copied().unwrap_or(0) > 0)
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
    label: String,
}

impl PortTransferData {
    /// A data holder's MessagePort fields for `end`, as the transfer steps
    /// make them (for tests that build messages by hand).
    pub fn holding(end: PortEnd, label: &str) -> Self {
        let remote_port = end.is_entangled();
        PortTransferData {
            end: Some(end),
            remote_port,
            label: label.to_owned(),
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

/// The MessagePorts of one event loop, and the host steps that let the
/// structured-data algorithms transfer them.
pub struct PortTable {
    pub(crate) agent: String,
    pub(crate) signal: Arc<Signal>,
    pub(crate) clock: Arc<TaskClock>,
    pub(crate) ports: BTreeMap<PortId, PortState>,
    /// Ports the transfer-receiving steps made during the current
    /// deserialization (script can reach them only through its event).
    pub(crate) received: Vec<PortId>,
    next_id: u64,
    /// The ports by label (a label may be given twice through the API).
    labels: HashMap<String, BTreeSet<PortId>>,
    /// For each `BASE`, the `n` of the labels `BASE#n` in use.
    suffixes: HashMap<String, Suffixes>,
    /// Label look-ups made so far (a work counter).
    label_probes: u64,
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

impl fmt::Debug for PortTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PortTable")
            .field("agent", &self.agent)
            .field("ports", &self.ports)
            .finish()
    }
}

impl PortTable {
    pub(crate) fn new(agent: String, signal: Arc<Signal>, clock: Arc<TaskClock>) -> Self {
        PortTable {
            agent,
            signal,
            clock,
            ports: BTreeMap::new(),
            received: Vec::new(),
            next_id: 0,
            labels: HashMap::new(),
            suffixes: HashMap::new(),
            label_probes: 0,
        }
    }

    /// A new MessagePort object in `realm`, not entangled, with no end yet.
    pub(crate) fn new_port(&mut self, realm: &mut Heap, label: String) -> PortId {
        let id = PortId(self.next_id);
        self.next_id += 1;
        let object = realm.alloc(ObjectKind::Platform {
            interface: MESSAGE_PORT.to_owned(),
            detached: Some(false),
            host: id.0,
        });
        self.add_label(&label, id);
        let state = PortState {
            object,
            label,
            end: None,
            handlers: BTreeSet::new(),
            listeners: BTreeMap::new(),
            held_by_script: true,
        };
        self.ports.insert(id, state);
        id
    }

    /// The owner record for a port of this table.
    pub(crate) fn owner(&self, port: PortId) -> Owner {
        Owner {
            signal: self.signal.clone(),
            port: port.0,
        }
    }

    /// The port behind a MessagePort object of this realm.
    pub fn port_of(&self, realm: &Heap, object: ObjectId) -> Option<PortId> {
        match &realm.get_object(object)?.kind {
            ObjectKind::Platform { interface, host, .. } if interface == MESSAGE_PORT => {
                let id = PortId(*host);
                self.ports.contains_key(&id).then_some(id)
            }
            _ => None,
        }
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

impl PlatformObjects<Heap> for PortTable {
    fn is_serializable(&self, _: &str) -> bool {
        // MessagePort is [Transferable] but not [Serializable].
        false
    }

    fn serialization_steps(
        &mut self,
        _: &mut Serializer<'_, Heap>,
        _: &ObjectId,
    ) -> Result<Vec<(String, RecordId)>, CloneError<ObjectId>> {
        Err(CloneError::data_clone(
            "structuredserializeinternal/26.3",
            "MessagePort objects can be transferred, not cloned",
        ))
    }

    fn is_exposed(&self, interface: &str, _: &Heap) -> bool {
        interface == MESSAGE_PORT
    }

    fn new_instance(&mut self, realm: &mut Heap, interface: &str) -> Result<ObjectId, CloneError<ObjectId>> {
        if interface != MESSAGE_PORT {
            return Err(CloneError::data_clone(
                "structureddeserializewithtransfer/3.4.3",
                format!("{interface} is not exposed in this event loop"),
            ));
        }
        let port = self.new_port(realm, String::new());
        self.received.push(port);
        Ok(self.ports[&port].object)
    }

    fn deserialization_steps(
        &mut self,
        _: &mut Deserializer<'_, Heap>,
        _: &ObjectId,
        _: &[(String, RecordId)],
    ) -> Result<(), CloneError<ObjectId>> {
        Err(CloneError::data_clone(
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
        realm: &mut Heap,
        value: &ObjectId,
    ) -> Result<TransferData, CloneError<ObjectId>> {
        let port = self.port_of(realm, *value).ok_or_else(|| {
            CloneError::data_clone(
                "transferMessagePort/1",
                "this MessagePort belongs to no port of this event loop",
            )
        })?;
        let state = self
            .ports
            .get_mut(&port)
            .ok_or_else(|| CloneError::data_clone("transferMessagePort/1", "unknown port"))?;
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
        realm: &mut Heap,
        data: TransferData,
        value: &ObjectId,
    ) -> Result<(), CloneError<ObjectId>> {
        let mut data = data.downcast::<PortTransferData>().map_err(|_| {
            CloneError::data_clone(
                "transferMessagePort-receiving/1",
                "a MessagePort data holder held something else",
            )
        })?;
        let port = self.port_of(realm, *value).ok_or_else(|| {
            CloneError::data_clone(
                "transferMessagePort-receiving/1",
                "the new MessagePort is not a port of this event loop",
            )
        })?;
        let base = data.label.split('@').next().unwrap_or("port").to_owned();
        let label = self.fresh_label(&format!("{base}@{}", self.agent));
        let owner = self.owner(port);
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
        if let Some(state) = self.ports.get_mut(&port) {
            state.end = end;
            let old = std::mem::replace(&mut state.label, label.clone());
            self.forget_label(&old, port);
            self.add_label(&label, port);
        }
        Ok(())
    }
}
