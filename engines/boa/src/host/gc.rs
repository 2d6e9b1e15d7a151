//! Garbage collection of MessagePort and BroadcastChannel objects: the
//! agent's messaging state (the library's core) holds each object, and a
//! collection here lets Boa's collector decide which of them script can
//! still reach, by the standard's rules.
//!
//! <https://html.spec.whatwg.org/multipage/web-messaging.html#ports-and-garbage-collection>
//! <https://html.spec.whatwg.org/multipage/web-messaging.html#broadcasting-to-other-browsing-contexts>
//!
//! Between collections the core holds every object strongly (so firing an
//! event at a port or channel always finds it). A collection:
//!
//! 1. sorts the objects: those the standard keeps alive whatever script
//!    holds stay held (a port with an event to dispatch or an enabled,
//!    non-empty queue; an open BroadcastChannel with `message` or
//!    `messageerror` listeners or a delivery task queued; a worker's
//!    implicit ports, which the `Worker` object and the worker's global
//!    stand behind). The others are held **weakly**: the core gets a
//!    placeholder object in their place, and the host keeps a `WeakRef`;
//! 2. gives each entangled MessagePort of this agent a strong reference to
//!    its partner if that partner listens for messages (the standard's
//!    "as if the entangled port has a strong reference"), through the
//!    port's `holds` (traced by Boa's collector): so the partner lives
//!    exactly as long as the port does, and two such ports nobody else
//!    reaches go together;
//! 3. runs Boa's collector (`boa_gc::force_collect`);
//! 4. puts back every object that survived, and tells the core about the
//!    ones that did not: a collected port is disentangled (its partner
//!    gets `close`, the core's `ports-and-garbage-collection/1`), a
//!    collected channel leaves the agent's table.
//!
//! A listening port whose partner lives in another agent (another thread,
//! another heap), or is in flight inside a message, is held as if that
//! partner were reachable: one agent's collector cannot see another's heap.
//! So a cycle of two listening ports in two agents, both unreachable, stays
//! until one agent ends (a limitation, not a reading of the standard: it
//! says such ports *may* be collected, not that they must; see the crate's
//! README).
//!
//! The `WeakRef` of each object is made when the object is made (or, for
//! one made otherwise, at the first collection that finds it) and kept
//! for its life: ECMAScript keeps a WeakRef's target alive until the end
//! of the job that made the WeakRef (AddToKeptObjects), so a collection
//! inside a job (script's `gc()`) must not clear the kept objects, and
//! takes nothing made in the current job. A collection between jobs (the
//! event loop's, or
//! [`Agent::collect_garbage`](super::Agent::collect_garbage)) clears them
//! first, as the end of a job does.
//!
//! A collection runs when script calls `gc()` (installed by
//! `webmessaging js --expose-gc`), when the host calls
//! [`Agent::collect_garbage`](super::Agent::collect_garbage), and by itself
//! between tasks once enough ports and channels were made since the last
//! one ([`GcSchedule::count`]): after [`MIN_THRESHOLD`] of them, or twice
//! the number that survived the last collection if that is more, so the
//! work stays proportional to what is made. (A single task that makes a
//! million channels keeps them until it ends, as every object made in a
//! job with a WeakRef to it is kept.)

use super::event_loop::EventLoop;
use super::message_port::event_loop;
use super::webidl::define_operation;
use crate::platform::PlatformObject;
use crate::realm::Object;
use boa_engine::{Context, JsObject, JsResult, JsValue};
use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::hash::Hash;
use webmessaging::messaging::{BroadcastId, PortId};

/// Ports and channels made between two automatic collections, at least.
pub const MIN_THRESHOLD: usize = 1024;

/// When the next automatic collection is due, and the weak references to
/// the agent's ports and channels.
#[derive(Debug)]
pub struct GcSchedule {
    /// A `WeakRef` to each MessagePort object, by port.
    port_refs: RefCell<HashMap<PortId, JsObject>>,
    /// A `WeakRef` to each BroadcastChannel object, by channel.
    channel_refs: RefCell<HashMap<BroadcastId, JsObject>>,
    /// Ports and channels made since the last collection.
    made: Cell<usize>,
    /// How many more make the next collection due.
    threshold: Cell<usize>,
    /// Collections run so far.
    pub runs: Cell<u64>,
}

impl Default for GcSchedule {
    fn default() -> Self {
        GcSchedule {
            port_refs: RefCell::default(),
            channel_refs: RefCell::default(),
            made: Cell::new(0),
            threshold: Cell::new(MIN_THRESHOLD),
            runs: Cell::new(0),
        }
    }
}

/// What one collection released.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Collected {
    /// MessagePort objects collected.
    pub ports: usize,
    /// BroadcastChannel objects collected.
    pub channels: usize,
}

/// When a collection runs: between jobs, or inside one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Moment {
    /// No job is running: the kept objects may be cleared first.
    BetweenJobs,
    /// Inside a job (script's `gc()`, a constructor): the objects kept
    /// for this job stay kept.
    InJob,
}

/// Makes the `WeakRef` of a new MessagePort object.
pub fn track_port(event_loop: &EventLoop, context: &mut Context, port: PortId) -> JsResult<()> {
    if let Some(object) = event_loop.messaging.port_object(port) {
        let weak = weak_ref(&object.0, context)?;
        event_loop.gc.port_refs.borrow_mut().insert(port, weak);
    }
    Ok(())
}

/// Makes the `WeakRef` of a new BroadcastChannel object.
pub fn track_channel(event_loop: &EventLoop, context: &mut Context, id: BroadcastId) -> JsResult<()> {
    if let Some(object) = event_loop.messaging.broadcast_object(id) {
        let weak = weak_ref(&object.0, context)?;
        event_loop.gc.channel_refs.borrow_mut().insert(id, weak);
    }
    Ok(())
}

/// A new `WeakRef` to `object` (the realm's intrinsic constructor).
fn weak_ref(object: &JsObject, context: &mut Context) -> JsResult<JsObject> {
    let constructor = context.intrinsics().constructors().weak_ref().constructor();
    constructor.construct(&[object.clone().into()], None, context)
}

impl GcSchedule {
    /// Counts `count` new ports or channels. (The collection they make due
    /// runs between jobs, where clearing the kept objects is allowed.)
    pub fn count(&self, count: usize) {
        self.made.set(self.made.get() + count);
    }

    fn due(&self) -> bool {
        self.made.get() >= self.threshold.get()
    }
}

/// Collects if enough ports and channels were made since the last
/// collection (the event loop asks between tasks).
pub fn collect_if_due(event_loop: &EventLoop, context: &mut Context, moment: Moment) -> JsResult<()> {
    if event_loop.gc.due() {
        collect(event_loop, context, moment)?;
    }
    Ok(())
}

/// Runs a collection: every MessagePort and BroadcastChannel object of the
/// agent that script can no longer reach, and that the standard does not
/// keep alive, is collected (see the module's documentation).
pub fn collect(event_loop: &EventLoop, context: &mut Context, moment: Moment) -> JsResult<Collected> {
    let messaging = &event_loop.messaging;
    let schedule = &event_loop.gc;
    schedule.runs.set(schedule.runs.get() + 1);
    schedule.made.set(0);

    // 1. Sort: which objects stay held, which are held weakly, and which
    // ports each port holds for the collector.
    let implicit = event_loop.workers.implicit_ports();
    let mut weak_ports = Vec::new();
    let mut holds: Vec<(PortId, PortId)> = Vec::new();
    for port in messaging.port_ids() {
        if implicit.contains(&port) || messaging.has_pending_events(port) {
            continue;
        }
        match listened_partner_here(event_loop, port, &implicit) {
            // Held by a partner no collection here can see.
            Some(None) => continue,
            Some(Some(partner)) => holds.push((partner, port)),
            None => {}
        }
        weak_ports.push(port);
    }
    let weak_channels: Vec<BroadcastId> = messaging
        .broadcast_ids()
        .into_iter()
        .filter(|id| !messaging.broadcast_kept(*id))
        .collect();

    // 2. The holds, then the placeholders and weak references.
    for (holder, held) in &holds {
        if let (Some(holder), Some(held)) = (messaging.port_object(*holder), messaging.port_object(*held))
            && let Some(mut data) = holder.0.downcast_mut::<PlatformObject>()
        {
            data.holds.push(held.0);
        }
    }
    let ports = weaken(weak_ports, &schedule.port_refs, context, |port, placeholder| {
        messaging.replace_port_object(port, placeholder)
    })?;
    let channels = weaken(
        weak_channels,
        &schedule.channel_refs,
        context,
        |id, placeholder| messaging.replace_broadcast_object(id, placeholder),
    )?;

    // 3. Boa's collector (between jobs, the kept objects released first).
    if moment == Moment::BetweenJobs {
        context.clear_kept_objects();
    }
    boa_gc::force_collect();

    // 4. Back, or gone.
    let mut collected = Collected::default();
    for (port, object) in restore(ports, &schedule.port_refs, context)? {
        match object {
            Some(object) => {
                messaging.replace_port_object(port, Object(object));
            }
            None => {
                messaging.collect_port(port);
                collected.ports += 1;
            }
        }
    }
    for (holder, _) in &holds {
        if let Some(holder) = messaging.port_object(*holder)
            && let Some(mut data) = holder.0.downcast_mut::<PlatformObject>()
        {
            data.holds.clear();
        }
    }
    for (id, object) in restore(channels, &schedule.channel_refs, context)? {
        match object {
            Some(object) => {
                messaging.replace_broadcast_object(id, Object(object));
            }
            None => messaging.forget_broadcast(id),
        }
    }
    collected.channels = messaging.collect_broadcast_garbage().len();
    if moment == Moment::BetweenJobs {
        context.clear_kept_objects();
    }
    // Ports and channels the core let go of otherwise (closed, lost in
    // transfer) need no weak reference any more.
    let port_ids: HashSet<PortId> = messaging.port_ids().into_iter().collect();
    let channel_ids: HashSet<BroadcastId> = messaging.broadcast_ids().into_iter().collect();
    schedule
        .port_refs
        .borrow_mut()
        .retain(|p, _| port_ids.contains(p));
    schedule
        .channel_refs
        .borrow_mut()
        .retain(|c, _| channel_ids.contains(c));
    let live = port_ids.len() + channel_ids.len();
    schedule.threshold.set(MIN_THRESHOLD.max(2 * live));
    Ok(collected)
}

/// For an entangled `port` with `message` or `messageerror` listeners: the
/// partner that holds it, `Some(Some(partner))` if it is a port of this
/// agent the collection may collect, `Some(None)` if it is elsewhere (in
/// another agent, in flight, or a worker's implicit port). `None` when
/// nothing holds the port.
fn listened_partner_here(
    event_loop: &EventLoop,
    port: PortId,
    implicit: &[PortId],
) -> Option<Option<PortId>> {
    let messaging = &event_loop.messaging;
    let state = messaging.port(port)?;
    if !state.listeners().has_message_listeners() {
        return None;
    }
    let end = state.end().cloned()?;
    drop(state);
    if !end.is_entangled() {
        return None;
    }
    let twin = end.twin();
    let partner = twin.owner_port().map(PortId).filter(|p| {
        !implicit.contains(p)
            && messaging
                .port(*p)
                .and_then(|s| s.end().cloned())
                .is_some_and(|e| e.is_twin_of(&end))
    });
    Some(partner)
}

/// Puts a fresh placeholder object in the core's place for each key, and
/// returns the keys whose object is now held only weakly (through its
/// entry in `refs`, made now if it had none).
fn weaken<K: Copy + Eq + Hash>(
    keys: Vec<K>,
    refs: &RefCell<HashMap<K, JsObject>>,
    context: &mut Context,
    replace: impl Fn(K, Object) -> Option<Object>,
) -> JsResult<Vec<K>> {
    let mut weakened = Vec::with_capacity(keys.len());
    for key in keys {
        let known = refs.borrow().contains_key(&key);
        let Some(object) = replace(key, Object(JsObject::with_null_proto())) else {
            continue;
        };
        if !known {
            let weak = weak_ref(&object.0, context)?;
            refs.borrow_mut().insert(key, weak);
        }
        weakened.push(key);
    }
    Ok(weakened)
}

/// The objects behind the weak references of `keys` that survived the
/// collection (`None` for the collected, whose references are dropped).
fn restore<K: Copy + Eq + Hash>(
    keys: Vec<K>,
    refs: &RefCell<HashMap<K, JsObject>>,
    context: &mut Context,
) -> JsResult<Vec<(K, Option<JsObject>)>> {
    let deref = crate::realm::Originals::of(context)?.weak_ref_deref.clone();
    let mut restored = Vec::with_capacity(keys.len());
    for key in keys {
        let weak = refs.borrow().get(&key).cloned();
        let object = match weak {
            Some(weak) => deref.call(&weak.into(), &[], context)?.as_object(),
            None => None,
        };
        if object.is_none() {
            refs.borrow_mut().remove(&key);
        }
        restored.push((key, object));
    }
    Ok(restored)
}

/// `gc()`: a collection now (installed by `--expose-gc`, as in other
/// engines' shells, for tests of what the standard lets go).
fn gc(_: &JsValue, _: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let event_loop = event_loop(context)?;
    collect(&event_loop, context, Moment::InJob)?;
    Ok(JsValue::undefined())
}

/// Installs `gc()` on the global object.
pub fn install_gc(context: &mut Context) -> JsResult<()> {
    let global = context.global_object();
    define_operation(&global, context, "gc", 0, gc)
}
