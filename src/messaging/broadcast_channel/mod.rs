//! BroadcastChannel: the constructor, `name`, `postMessage`, `close`, the
//! event handlers and the garbage collection rule, over a registry of every
//! BroadcastChannel of a world that any thread may search.
//!
//! <https://html.spec.whatwg.org/multipage/web-messaging.html#broadcasting-to-other-browsing-contexts>
//!
//! A channel lives in its agent's [`BroadcastTable`] (inside the agent's
//! [`Messaging`]); the world's [`Registry`] (kept by its task clock) lists
//! the open channels of eligible agents by creation order, each with the
//! inbox of its agent, so a post on one thread queues its tasks straight
//! into the destinations' event loops. A task holds the serialization (one
//! for all destinations) and the destination's id; it runs on the
//! destination's event loop, which deserializes into its own realm.

use super::listeners::EventListeners;
use super::port::EventType;
use super::queue::Signal;
use super::state::Messaging;
use super::sync::{Arc, AtomicBool, Mutex, Ordering, lock};
use super::task_queue::TaskQueue;
use crate::ecmascript::{JsString, PlatformObjectSlots, Realm, Value};
use crate::spec::step;
use crate::structured::{CloneError, Serialized};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::hash::Hash;

mod collect;
mod post;

/// The BroadcastChannel interface identifier.
pub const BROADCAST_CHANNEL: &str = "BroadcastChannel";

/// A BroadcastChannel, numbered in creation order across its world (so the
/// numbers sort destinations as step 8 asks).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct BroadcastId(pub u64);

/// The storage key an agent's settings object obtains "for non-storage
/// purposes", standing also for its origin: channels see each other only
/// with equal keys. Every agent has [`StorageKey::default`] unless told
/// otherwise.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct StorageKey(pub String);

impl Default for StorageKey {
    fn default() -> Self {
        StorageKey("https://example.com".to_owned())
    }
}

impl fmt::Display for StorageKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What `new BroadcastChannel(name)` or `postMessage` threw.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BroadcastError<O> {
    /// An "InvalidStateError" DOMException: the channel is closed.
    #[error("InvalidStateError: the BroadcastChannel is closed")]
    InvalidState,
    /// StructuredSerialize threw (a DataCloneError, or author code).
    #[error(transparent)]
    Clone(#[from] CloneError<O>),
    /// Converting the name to a DOMString threw (a Symbol, a throwing
    /// `toString`).
    #[error("the channel name could not be converted to a string")]
    Name(Value<O>),
}

/// One delivery task: step 9's steps, waiting in the destination's agent.
pub(crate) struct BroadcastTask {
    seq: u64,
    destination: BroadcastId,
    serialized: Arc<Serialized>,
    source_origin: StorageKey,
}

/// The tasks waiting for one agent's BroadcastChannels (the DOM
/// manipulation task source), which any thread may add to.
pub(crate) struct Inbox {
    tasks: TaskQueue<BroadcastTask>,
    signal: Arc<Signal>,
    /// Set by [`Registry::retire_agent`] from any thread: the agent's global
    /// is no longer eligible for messaging.
    retired: AtomicBool,
}

/// A channel as the registry lists it.
struct Entry {
    name: JsString,
    key: StorageKey,
    inbox: Arc<Inbox>,
}

/// Every BroadcastChannel of a world whose global is eligible for messaging
/// and that is not closed, by creation order. The world's task clock keeps
/// it, so agents on any thread share it.
#[derive(Default)]
pub struct Registry {
    entries: Mutex<BTreeMap<BroadcastId, Entry>>,
    next: Mutex<u64>,
}

impl fmt::Debug for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registry")
            .field("channels", &lock(&self.entries).len())
            .finish()
    }
}

impl Registry {
    fn add(&self, entry: Entry) -> BroadcastId {
        let id = {
            let mut next = lock(&self.next);
            *next += 1;
            BroadcastId(*next - 1)
        };
        lock(&self.entries).insert(id, entry);
        id
    }

    fn remove(&self, id: BroadcastId) {
        // Dropping an entry drops no message: a plain removal.
        lock(&self.entries).remove(&id);
    }

    /// The agent whose event loop `signal` wakes is no longer eligible for
    /// messaging, as of now: a worker terminated from another thread, which
    /// may still be running a script and will only shut down at its next
    /// turn. Its channels leave the registry at once (no post picks them
    /// any more), the delivery tasks waiting for them are dropped, and its
    /// channels neither post nor join the registry from now on. Returns how
    /// many channels left.
    pub fn retire_agent(&self, signal: &Signal) -> usize {
        let mut inboxes: Vec<Arc<Inbox>> = Vec::new();
        let mut entries = lock(&self.entries);
        let before = entries.len();
        entries.retain(|_, e| {
            let theirs = std::ptr::eq(Arc::as_ptr(&e.inbox.signal), signal);
            if theirs && !inboxes.iter().any(|i| Arc::ptr_eq(i, &e.inbox)) {
                inboxes.push(e.inbox.clone());
            }
            !theirs
        });
        let left = before - entries.len();
        drop(entries);
        for inbox in inboxes {
            inbox.retired.store(true, Ordering::SeqCst);
            // Dropping a message can release the ports inside it: not while
            // the inbox's lock is held.
            let tasks = inbox.tasks.take_all();
            drop(tasks);
        }
        left
    }
}

/// One BroadcastChannel object's state; `O` is the realm's object handle.
#[derive(Debug)]
pub struct BroadcastState<O> {
    /// The BroadcastChannel object in the agent's realm.
    pub(crate) object: O,
    /// Its channel name.
    pub(crate) name: JsString,
    /// A name for people (scenarios, logs).
    pub(crate) label: String,
    /// Its closed flag.
    pub(crate) closed: bool,
    /// Its event handlers (`onmessage`, `onmessageerror`) and listeners.
    pub(crate) listeners: EventListeners,
    /// Whether script still holds the object.
    pub(crate) held_by_script: bool,
}

impl<O> BroadcastState<O> {
    /// The BroadcastChannel object in the agent's realm.
    pub fn object(&self) -> &O {
        &self.object
    }

    /// Its channel name.
    pub fn name(&self) -> &JsString {
        &self.name
    }

    /// The name for people (scenarios, logs).
    pub fn label(&self) -> &str {
        &self.label
    }

    /// Its closed flag.
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// Its event handlers (`onmessage`, `onmessageerror`) and listeners.
    pub fn listeners(&self) -> &EventListeners {
        &self.listeners
    }

    /// Whether script still holds the object.
    pub fn held_by_script(&self) -> bool {
        self.held_by_script
    }
}

/// One agent's BroadcastChannels, its storage key and its inbox.
pub struct BroadcastTable<O> {
    key: StorageKey,
    /// Cleared when the agent goes away (its global is no longer eligible
    /// for messaging).
    eligible: bool,
    inbox: Arc<Inbox>,
    channels: BTreeMap<BroadcastId, BroadcastState<O>>,
    objects: HashMap<O, BroadcastId>,
}

impl<O: fmt::Debug> fmt::Debug for BroadcastTable<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BroadcastTable")
            .field("key", &self.key)
            .field("channels", &self.channels)
            .finish_non_exhaustive()
    }
}

impl<O> BroadcastTable<O> {
    pub(crate) fn new(signal: Arc<Signal>) -> Self {
        BroadcastTable {
            key: StorageKey::default(),
            eligible: true,
            inbox: Arc::new(Inbox {
                tasks: TaskQueue::new(),
                signal,
                retired: AtomicBool::new(false),
            }),
            channels: BTreeMap::new(),
            objects: HashMap::new(),
        }
    }

    /// Whether the agent's global is still eligible for messaging: it did
    /// not go away, and no other thread retired it.
    fn is_eligible(&self) -> bool {
        self.eligible && !self.inbox.retired.load(Ordering::SeqCst)
    }

    /// The BroadcastChannel objects of the agent's live channels (roots for
    /// a collection of its heap).
    pub(super) fn objects(&self) -> impl Iterator<Item = &O> {
        self.objects.keys()
    }
}

/// The slots of a new BroadcastChannel object (it is neither serializable
/// nor transferable: no [[Detached]]).
fn broadcast_channel_slots() -> PlatformObjectSlots {
    PlatformObjectSlots {
        interface: BROADCAST_CHANNEL.to_owned(),
        detached: None,
    }
}

impl<O> Messaging<O> {
    /// This agent's storage key (for non-storage purposes).
    pub fn storage_key(&self) -> StorageKey {
        self.broadcasts().key.clone()
    }

    /// Gives this agent another storage key (as if its settings object had
    /// another origin). Channels made afterwards are registered under it.
    pub fn set_storage_key(&self, key: StorageKey) {
        self.broadcasts_mut().key = key;
    }

    /// The state of a BroadcastChannel of this agent (let go of it before
    /// calling another operation).
    pub fn broadcast_channel(&self, id: BroadcastId) -> Option<std::cell::Ref<'_, BroadcastState<O>>> {
        std::cell::Ref::filter_map(self.broadcasts(), |t| t.channels.get(&id)).ok()
    }

    /// This agent's BroadcastChannels, in creation order.
    pub fn broadcast_ids(&self) -> Vec<BroadcastId> {
        self.broadcasts().channels.keys().copied().collect()
    }

    /// The BroadcastChannel labelled `label`, if any.
    pub fn broadcast_by_label(&self, label: &str) -> Option<BroadcastId> {
        let table = self.broadcasts();
        table
            .channels
            .iter()
            .find(|(_, c)| c.label == label)
            .map(|(id, _)| *id)
    }

    /// The `name` getter: the channel name.
    ///
    /// <https://html.spec.whatwg.org/multipage/web-messaging.html#dom-broadcastchannel-name>
    pub fn broadcast_name(&self, id: BroadcastId) -> Option<JsString> {
        step!("dom-broadcastchannel-name/1"); // the channel name, as given
        self.broadcast_channel(id).map(|c| c.name.clone())
    }

    /// `close()`: sets the closed flag. The channel leaves the registry,
    /// since no later post may pick it (its tasks already queued find the
    /// flag set, step 9.1).
    ///
    /// <https://html.spec.whatwg.org/multipage/web-messaging.html#dom-broadcastchannel-close>
    pub fn close_broadcast(&self, id: BroadcastId) {
        let registry = self.clock();
        let mut table = self.broadcasts_mut();
        let Some(channel) = table.channels.get_mut(&id) else {
            return;
        };
        step!("dom-broadcastchannel-close/1"); // closed for good
        channel.closed = true;
        registry.broadcasts().remove(id);
    }

    /// Sets `onmessage` (BroadcastChannel has no queue to start).
    ///
    /// <https://html.spec.whatwg.org/multipage/web-messaging.html#handler-broadcastchannel-onmessage>
    pub fn set_broadcast_onmessage(&self, id: BroadcastId) {
        self.set_broadcast_handler(id, EventType::Message);
    }

    /// Sets `onmessageerror`.
    ///
    /// <https://html.spec.whatwg.org/multipage/web-messaging.html#handler-broadcastchannel-onmessageerror>
    pub fn set_broadcast_onmessageerror(&self, id: BroadcastId) {
        self.set_broadcast_handler(id, EventType::MessageError);
    }

    fn set_broadcast_handler(&self, id: BroadcastId, event: EventType) {
        if let Some(channel) = self.broadcasts_mut().channels.get_mut(&id) {
            channel.listeners.set_handler(event);
        }
    }

    /// `addEventListener(event, …)` on a BroadcastChannel.
    pub fn add_broadcast_listener(&self, id: BroadcastId, event: EventType) {
        if let Some(channel) = self.broadcasts_mut().channels.get_mut(&id) {
            channel.listeners.add_listener(event);
        }
    }

    /// Script lets go of the channel: it may now be collected.
    pub fn forget_broadcast(&self, id: BroadcastId) {
        if let Some(channel) = self.broadcasts_mut().channels.get_mut(&id) {
            channel.held_by_script = false;
        }
    }

    /// The agent goes away, or a worker sets its closing flag: its global
    /// is no longer eligible for messaging, so its channels leave the
    /// registry and the tasks waiting for them are dropped. (Public for an
    /// engine whose worker closes before its agent is shut down.)
    pub fn shut_down_broadcasts(&self) {
        let registry = self.clock();
        let mut table = self.broadcasts_mut();
        table.eligible = false;
        for id in table.channels.keys() {
            registry.broadcasts().remove(*id);
        }
        let tasks = table.inbox.tasks.take_all();
        drop(tasks);
    }

    /// The label and listener count of a channel, for an event fired at it.
    pub(super) fn broadcast_label_and_listeners(&self, id: BroadcastId, event: EventType) -> (String, usize) {
        self.broadcast_channel(id).map_or_else(
            || (format!("broadcast#{}", id.0), 0),
            |c| (c.label.clone(), c.listeners.count(event)),
        )
    }
}

impl<O: Clone + Eq + Hash> Messaging<O> {
    /// `new BroadcastChannel(name)`: `name` is converted to a DOMString
    /// (ToString, in `realm`) first, as WebIDL does for the argument.
    ///
    /// <https://html.spec.whatwg.org/multipage/web-messaging.html#dom-broadcastchannel>
    ///
    /// # Errors
    ///
    /// [`BroadcastError::Name`] with the thrown value when ToString of `name`
    /// throws (a Symbol, a throwing `toString`).
    pub fn new_broadcast_channel<R: Realm<Object = O>>(
        &self,
        realm: &mut R,
        name: &Value<O>,
        label: &str,
    ) -> Result<BroadcastId, BroadcastError<O>> {
        let name = match name {
            Value::String(s) => s.clone(),
            other => realm.to_string(other).map_err(|e| BroadcastError::Name(e.0))?,
        };
        let object = realm.create_platform_object(broadcast_channel_slots());
        let registry = self.clock();
        let mut table = self.broadcasts_mut();
        step!("dom-broadcastchannel/1"); // the channel name
        step!("dom-broadcastchannel/2"); // open
        let entry = Entry {
            name: name.clone(),
            key: table.key.clone(),
            inbox: table.inbox.clone(),
        };
        // Creation order: the registry numbers channels as they are made.
        let id = registry.broadcasts().add(entry);
        if !table.is_eligible() {
            // An agent that went away makes no channel anyone can reach.
            registry.broadcasts().remove(id);
        }
        table.objects.insert(object.clone(), id);
        table.channels.insert(
            id,
            BroadcastState {
                object,
                name,
                label: label.to_owned(),
                closed: false,
                listeners: EventListeners::default(),
                held_by_script: true,
            },
        );
        Ok(id)
    }

    /// The BroadcastChannel behind an object of this agent's realm.
    pub fn broadcast_of(&self, object: &O) -> Option<BroadcastId> {
        self.broadcasts().objects.get(object).copied()
    }

    /// The BroadcastChannel object of `id`.
    pub fn broadcast_object(&self, id: BroadcastId) -> Option<O> {
        self.broadcast_channel(id).map(|c| c.object.clone())
    }

    /// Puts `object` in place of the BroadcastChannel object of `id`, and
    /// returns the object it replaced (`None` for an unknown channel): as
    /// [`replace_port_object`](Self::replace_port_object), for an engine
    /// whose collector decides which channel objects live.
    pub fn replace_broadcast_object(&self, id: BroadcastId, object: O) -> Option<O> {
        let mut table = self.broadcasts_mut();
        let channel = table.channels.get_mut(&id)?;
        let old = std::mem::replace(&mut channel.object, object.clone());
        table.objects.remove(&old);
        table.objects.insert(object, id);
        Some(old)
    }
}
