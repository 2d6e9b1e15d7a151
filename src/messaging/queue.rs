//! The state two entangled ports share across event loops: each end's port
//! message queue and whether the two ends are still entangled.
//!
//! This is the only messaging state that more than one thread touches. A
//! port's queue belongs to its end of the channel, not to the MessagePort
//! object: shipping a port moves the end (queue and all) into the transfer
//! data holder and then to the new MessagePort, so a message posted while the
//! port is in flight lands in the queue that travels with it and is neither
//! lost, duplicated nor reordered. Browsers work the same way; see
//! `docs/shipping-ports.md` and spec/deviations.md (whatwg/html#5078, #5850).

pub use super::clock::TaskClock;
use super::hand::Hand;
pub use super::signal::Signal;
use super::sync::{Arc, AtomicBool, Mutex, Ordering, lock};
use crate::structured::SerializeWithTransferResult;
use std::collections::VecDeque;
use std::fmt;

/// Which end of a channel: port 1's or port 2's.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Side {
    /// The end MessageChannel gave its port 1.
    One,
    /// The end MessageChannel gave its port 2.
    Two,
}

impl Side {
    fn index(self) -> usize {
        match self {
            Side::One => 0,
            Side::Two => 1,
        }
    }

    /// The other end.
    pub fn other(self) -> Side {
        match self {
            Side::One => Side::Two,
            Side::Two => Side::One,
        }
    }
}

/// The event loop and port that currently own one end of a channel.
#[derive(Clone)]
pub struct Owner {
    /// Wakes the owning event loop.
    pub(crate) signal: Arc<Signal>,
    /// The owning event loop's id for the port.
    pub(crate) port: u64,
}

impl Owner {
    /// The end's owner: the event loop `signal` wakes, which knows the port
    /// as `port`.
    pub fn new(signal: Arc<Signal>, port: u64) -> Self {
        Owner { signal, port }
    }

    /// Wakes the owning event loop.
    pub fn signal(&self) -> &Arc<Signal> {
        &self.signal
    }

    /// The owning event loop's id for the port.
    pub fn port(&self) -> u64 {
        self.port
    }
}

impl fmt::Debug for Owner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Owner").field("port", &self.port).finish()
    }
}

/// A task of a port message queue.
#[derive(Debug)]
pub struct PortTask {
    /// When it was added (see [`TaskClock`]).
    pub(crate) seq: u64,
    /// What the message port post message steps serialized.
    pub(crate) message: SerializeWithTransferResult,
}

impl PortTask {
    /// When it was added (see [`TaskClock`]).
    pub fn seq(&self) -> u64 {
        self.seq
    }

    /// What the message port post message steps serialized.
    pub fn message(&self) -> &SerializeWithTransferResult {
        &self.message
    }

    /// The serialized message, taken out of the task.
    pub fn into_message(self) -> SerializeWithTransferResult {
        self.message
    }
}

/// What the owning event loop should do next for one end.
#[derive(Debug)]
pub enum NextTask {
    /// Dispatch this message.
    Message(PortTask),
    /// Fire `close` (the other end went away).
    Close,
}

/// What [`PortEnd::take_if_older`] found: a task taken, or the sequence
/// number of one left in place.
#[derive(Debug)]
pub enum Polled {
    /// The end's next task, taken out of it.
    Taken(Taken),
    /// The sequence number of the end's next task, left in place.
    Ready(u64),
}

/// A task taken out of an end by [`PortEnd::take_if_older`].
#[derive(Debug)]
pub struct Taken {
    /// The task.
    pub task: NextTask,
    /// Its sequence number.
    pub seq: u64,
    /// The "has been shipped" flag of the port holding the end.
    pub shipped: bool,
}

#[derive(Debug, Default)]
pub(super) struct End {
    /// The port message queue's tasks the owner has not taken into its hand
    /// (the hand's, see [`Hand`], come before them).
    pub(super) tasks: VecDeque<PortTask>,
    /// Whether the port message queue is enabled.
    pub(super) enabled: bool,
    /// The "has been shipped" flag of the port that holds this end (the
    /// hand keeps a copy its owner reads without this lock).
    shipped: bool,
    /// A `close` event waits to be fired (its sequence number; the hand
    /// keeps a copy its owner reads without this lock).
    close_event: Option<u64>,
    /// Who holds this end; `None` while it is inside a transfer data holder.
    owner: Option<Owner>,
    /// The port holding this end is gone: nothing will read this queue
    /// again. The hand keeps a copy for asking without this lock (see
    /// [`Hand::is_released`]); a post reads this one, under the lock it
    /// holds anyway, so that it never touches the owner's hand.
    pub(super) released: bool,
    /// The owner was told this end has a task ready and has not found it
    /// empty since: it is in the owner's ready-port index, so a new task
    /// needs no announcement (and, while the owner runs, no wake-up).
    announced: bool,
    /// While announced: the oldest ready sequence number the owner was told
    /// of or saw.
    pub(super) seen: u64,
}

impl End {
    /// Sets the pending `close` and the hand's copy of it.
    pub(super) fn set_close_event(&mut self, hand: &Hand, close: Option<u64>) {
        self.close_event = close;
        hand.set_close_event(close);
    }

    /// Sets the "has been shipped" flag and the hand's copy of it.
    fn set_shipped(&mut self, hand: &Hand) {
        self.shipped = true;
        hand.set_shipped();
    }

    /// Puts the tasks in the owner's hand back at the queue's front, in
    /// order (the queue is the same, held in one place).
    fn return_hand(&mut self, hand: &mut VecDeque<PortTask>) {
        if !hand.is_empty() {
            hand.append(&mut self.tasks);
            std::mem::swap(hand, &mut self.tasks);
        }
    }

    /// Sets the "announced" flag and the hand's copy of it.
    pub(super) fn set_announced(&mut self, hand: &Hand, announced: bool) {
        self.announced = announced;
        hand.set_announced(announced);
    }

    /// The pending `close`, if any.
    pub(super) fn close_event(&self) -> Option<u64> {
        self.close_event
    }

    /// The pending `close`, taken.
    pub(super) fn take_close_event(&mut self, hand: &Hand) -> Option<u64> {
        let close = self.close_event;
        self.set_close_event(hand, None);
        close
    }

    /// The "has been shipped" flag.
    pub(super) fn shipped(&self) -> bool {
        self.shipped
    }
}

/// Which of an end's tasks is ready.
pub(super) enum Ready {
    Message,
    Close,
}

impl End {
    /// After a change that may have made a task ready: if one is and the
    /// owner does not know yet, it is to be told (the owner's signal and its
    /// id for the port); if the owner knows but an older task became ready
    /// than the one it saw (a race between a post and a `close`), its signal
    /// is to be notified, so that a sleeping owner looks again. Tell it
    /// outside the channel's lock.
    ///
    /// The owner's hand is not looked at: its tasks are older than anything
    /// this change made ready, and the owner looks at them anyway.
    fn announcement(&mut self, own_hand: &Hand) -> Option<(Arc<Signal>, Option<u64>)> {
        let (ready, _) = self.next_ready(None)?;
        let owner = self.owner.as_ref()?;
        if !self.announced {
            // `set_announced`, with the owner borrowed.
            self.announced = true;
            own_hand.set_announced(true);
            self.seen = ready;
            return Some((owner.signal.clone(), Some(owner.port)));
        }
        if ready < self.seen {
            self.seen = ready;
            return Some((owner.signal.clone(), None));
        }
        None
    }

    /// The end's next ready task and its sequence number: the head of the
    /// queue while it is enabled, or the pending `close` once no message
    /// queued before it is left. `close` waits behind those messages even
    /// while the queue is disabled (until `start()` lets them through); with
    /// nothing before it, it fires at once, enabled or not. `hand` is the
    /// sequence number of the first task in the owner's hand, if any: the
    /// queue's head then.
    pub(super) fn next_ready(&self, hand: Option<u64>) -> Option<(u64, Ready)> {
        // DEVIATION(whatwg/html#12797 close-is-a-task): `close` is ordered
        // with the port's messages instead of firing when it was caused.
        let head = hand.or_else(|| self.tasks.front().map(|t| t.seq));
        match (head, self.close_event) {
            (Some(m), Some(c)) if c < m => Some((c, Ready::Close)),
            (None, Some(c)) => Some((c, Ready::Close)),
            (Some(m), _) if self.enabled => Some((m, Ready::Message)),
            _ => None,
        }
    }
}

#[derive(Debug, Default)]
pub(super) struct State {
    entangled: bool,
    pub(super) ends: [End; 2],
}

/// Tells an owner that one of its ports has a task ready (outside every
/// channel lock).
pub(super) fn announce_to(announce: Option<(Arc<Signal>, Option<u64>)>) {
    match announce {
        Some((signal, Some(port))) => signal.announce(port),
        Some((signal, None)) => signal.notify(),
        None => {}
    }
}

/// The two ends of one channel.
#[derive(Debug)]
pub struct Channel {
    pub(super) state: Mutex<State>,
    /// Each end's owner-side hand (see [`Hand`]): apart from `state`, so
    /// that the owner taking a message does not touch the cache line the
    /// posting thread locks.
    pub(super) hands: [Hand; 2],
    /// Whether the ends are entangled: the state's flag, copied under its
    /// lock, so that a post finds its target port without taking the lock
    /// a second time (it takes it once, to queue the task).
    entangled: AtomicBool,
    clock: Arc<TaskClock>,
}

/// One end's state at one moment (see [`PortEnd::snapshot`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EndSnapshot {
    /// Whether this end's port message queue is enabled.
    pub enabled: bool,
    /// Message tasks waiting in this end's queue (its owner's hand
    /// included).
    pub queued: usize,
    /// Whether a `close` event waits to be fired at this end's port.
    pub close_pending: bool,
}

impl EndSnapshot {
    /// Whether a task waits that can dispatch an event at the port now:
    /// a message in an enabled queue, or a `close` that no message queued
    /// before it holds back (see
    /// [`Messaging::has_pending_events`](super::Messaging::has_pending_events)).
    pub fn has_pending_events(&self) -> bool {
        (self.close_pending && (self.enabled || self.queued == 0)) || (self.enabled && self.queued > 0)
    }
}

/// One end of a channel, as a port (or a transfer data holder) holds it.
#[derive(Clone, Debug)]
pub struct PortEnd {
    /// The channel.
    pub(crate) channel: Arc<Channel>,
    /// Which end.
    pub(crate) side: Side,
}

impl PartialEq for PortEnd {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.channel, &other.channel) && self.side == other.side
    }
}

impl Channel {
    /// Two entangled ends with empty, disabled queues (the MessageChannel
    /// constructor's ports).
    pub fn entangled_pair(clock: Arc<TaskClock>, owner_one: Owner, owner_two: Owner) -> (PortEnd, PortEnd) {
        let mut state = State {
            entangled: true,
            ..State::default()
        };
        state.ends[0].owner = Some(owner_one);
        state.ends[1].owner = Some(owner_two);
        let channel = Arc::new(Channel {
            state: Mutex::new(state),
            hands: [Hand::new(), Hand::new()],
            entangled: AtomicBool::new(true),
            clock,
        });
        #[cfg(not(loom))]
        channel.clock.register(&channel);
        (
            PortEnd {
                channel: channel.clone(),
                side: Side::One,
            },
            PortEnd {
                channel,
                side: Side::Two,
            },
        )
    }
}

impl PortEnd {
    /// The channel this is an end of.
    pub fn channel(&self) -> &Arc<Channel> {
        &self.channel
    }

    /// Which end.
    pub fn side(&self) -> Side {
        self.side
    }

    /// The other end of the same channel.
    pub fn twin(&self) -> PortEnd {
        PortEnd {
            channel: self.channel.clone(),
            side: self.side.other(),
        }
    }

    /// Runs `f` on the channel's shared state, locked, and this end's index.
    pub(super) fn with<T>(&self, f: impl FnOnce(&mut State, usize) -> T) -> T {
        f(&mut lock(&self.channel.state), self.side.index())
    }

    /// [`PortEnd::with`], with this end's hand locked too (always the hand
    /// first, then the state).
    pub(super) fn with_hand<T>(&self, f: impl FnOnce(&mut VecDeque<PortTask>, &mut State, usize) -> T) -> T {
        let mut hand = lock(&self.hand().tasks);
        f(&mut hand, &mut lock(&self.channel.state), self.side.index())
    }

    /// This end's hand.
    pub(super) fn hand(&self) -> &Hand {
        &self.channel.hands[self.side.index()]
    }

    /// Whether this end is entangled with the other.
    pub fn is_entangled(&self) -> bool {
        self.channel.entangled.load(Ordering::SeqCst)
    }

    /// Adds a message task to this end's port message queue, wherever the end
    /// is now (owned by a port, or in flight inside a data holder). A queue
    /// nobody will read again drops it. Returns whether it was queued.
    ///
    /// The owner is told only when the end had nothing ready before (and
    /// woken only if it sleeps): a stream of messages to a port its owner is
    /// busy draining costs one lock each and no system call.
    pub fn enqueue(&self, message: SerializeWithTransferResult) -> bool {
        self.enqueue_at(self.side, message)
    }

    /// [`PortEnd::enqueue`] on the other end of this end's channel (what a
    /// post through this end does), without a handle to it.
    pub fn enqueue_to_other(&self, message: SerializeWithTransferResult) -> bool {
        self.enqueue_at(self.side.other(), message)
    }

    /// Whether `other` is the other end of this end's channel.
    pub fn is_twin_of(&self, other: &PortEnd) -> bool {
        Arc::ptr_eq(&self.channel, &other.channel) && self.side == other.side.other()
    }

    fn enqueue_at(&self, side: Side, message: SerializeWithTransferResult) -> bool {
        let seq = self.channel.clock.tick();
        let (queued, announce, dropped) = {
            let state = &mut *lock(&self.channel.state);
            let end = &mut state.ends[side.index()];
            if end.released {
                (false, None, Some(message))
            } else {
                end.tasks.push_back(PortTask { seq, message });
                (true, end.announcement(&self.channel.hands[side.index()]), None)
            }
        };
        // Dropping a message can release ports inside it, which locks their
        // channels: never while this channel's lock is held.
        drop(dropped);
        announce_to(announce);
        queued
    }

    /// Enables this end's port message queue (idempotent). Returns whether
    /// it was disabled before.
    pub fn enable(&self) -> bool {
        let (was_disabled, announce) = self.with(|s, i| {
            let end = &mut s.ends[i];
            let was_disabled = !end.enabled;
            end.enabled = true;
            // A disabled queue's hand is empty.
            (was_disabled, end.announcement(self.hand()))
        });
        announce_to(announce);
        was_disabled
    }

    /// This end's state, read under one lock of its hand and the channel
    /// (what the separate queries below would each lock for).
    pub fn snapshot(&self) -> EndSnapshot {
        self.with_hand(|hand, s, i| {
            let end = &s.ends[i];
            EndSnapshot {
                enabled: end.enabled,
                queued: hand.len() + end.tasks.len(),
                close_pending: end.close_event.is_some(),
            }
        })
    }

    /// Whether this end's queue is enabled.
    pub fn is_enabled(&self) -> bool {
        self.with(|s, i| s.ends[i].enabled)
    }

    /// The "has been shipped" flag of the port holding this end.
    pub fn has_been_shipped(&self) -> bool {
        self.with(|s, i| s.ends[i].shipped)
    }

    /// Number of message tasks waiting in this end's queue (its owner's
    /// hand included).
    pub fn queued(&self) -> usize {
        self.with_hand(|hand, s, i| hand.len() + s.ends[i].tasks.len())
    }

    /// Whether a `close` event waits to be fired at this end's port.
    pub fn close_pending(&self) -> bool {
        self.with(|s, i| s.ends[i].close_event.is_some())
    }

    /// The sequence number of the next task the owning event loop could run
    /// for this end now: the head of an enabled queue, or a pending close.
    pub fn next_ready(&self) -> Option<u64> {
        self.with_hand(|hand, s, i| {
            s.ends[i]
                .next_ready(hand.front().map(|t| t.seq))
                .map(|(seq, _)| seq)
        })
    }

    /// Disentangles the two ends if they are entangled; the other end's port
    /// is to get a `close` event. Returns whether they were entangled.
    pub fn disentangle(&self) -> bool {
        let seq = self.channel.clock.tick();
        let other_hand = &self.channel.hands[self.side.other().index()];
        let (was, announce) = self.with(|s, i| {
            if !s.entangled {
                return (false, None);
            }
            s.entangled = false;
            self.channel.entangled.store(false, Ordering::SeqCst);
            let other = &mut s.ends[1 - i];
            other.set_close_event(other_hand, Some(seq));
            (true, other.announcement(other_hand))
        });
        announce_to(announce);
        was
    }

    /// The transfer steps' part on the shared state: this end's port (and,
    /// when entangled, the other end's port) has been shipped, and this end
    /// now has no owner until it is received. Returns whether the ends are
    /// entangled (the holder's [[RemotePort]] is then not null).
    pub fn ship(&self) -> bool {
        let other_hand = &self.channel.hands[self.side.other().index()];
        let own_hand = self.hand();
        self.with_hand(|hand, s, i| {
            // The queue travels with the end, and its next owner starts
            // with an empty hand.
            s.ends[i].return_hand(hand);
            s.ends[i].set_shipped(own_hand);
            s.ends[i].owner = None;
            s.ends[i].set_announced(own_hand, false);
            if s.entangled {
                s.ends[1 - i].set_shipped(other_hand);
            }
            s.entangled
        })
    }

    /// The transfer-receiving steps' part on the shared state: the end gets
    /// its new owner, its queue (tasks kept) back in the disabled state.
    pub fn receive(&self, owner: Owner) {
        let own_hand = self.hand();
        let announce = self.with_hand(|hand, s, i| {
            let end = &mut s.ends[i];
            // Empty already (`ship` emptied it); a received queue starts
            // disabled, and a disabled queue holds nothing in hand.
            end.return_hand(hand);
            end.set_shipped(own_hand);
            end.enabled = false;
            end.owner = Some(owner);
            end.set_announced(own_hand, false);
            // DEVIATION(whatwg/html#12797 close-travels-with-queue): a
            // `close` still waiting travels with the queue, like the
            // messages, and fires at the port that receives it.
            end.announcement(own_hand)
        });
        announce_to(announce);
    }

    /// The port holding this end is gone for good: disentangle (the other
    /// end gets `close`) and drop whatever is still queued.
    pub fn release(&self) {
        self.disentangle();
        let own_hand = self.hand();
        let dropped = self.with_hand(|hand, s, i| {
            let end = &mut s.ends[i];
            end.released = true;
            own_hand.set_released();
            end.owner = None;
            end.set_announced(own_hand, false);
            end.set_close_event(own_hand, None);
            (std::mem::take(hand), std::mem::take(&mut end.tasks))
        });
        // Queued messages may hold shipped ports; release them unlocked.
        drop(dropped);
    }

    /// Runs `f` on each message waiting in this end's queue (its owner's
    /// hand first).
    pub fn for_each_queued(&self, mut f: impl FnMut(&SerializeWithTransferResult)) {
        self.with_hand(|hand, s, i| {
            hand.iter()
                .chain(s.ends[i].tasks.iter())
                .for_each(|t| f(&t.message));
        });
    }

    /// Whether no port holds this end: it waits in a transfer data holder.
    pub fn in_flight(&self) -> bool {
        self.with(|s, i| s.ends[i].owner.is_none() && !s.ends[i].released)
    }

    /// Whether the end was released (read without the channel's lock).
    pub fn is_released(&self) -> bool {
        self.hand().is_released()
    }

    /// Who owns this end now.
    pub fn owner_port(&self) -> Option<u64> {
        self.with(|s, i| s.ends[i].owner.as_ref().map(|o| o.port))
    }
}
