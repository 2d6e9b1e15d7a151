//! The owner's hand: the front of an end's port message queue, which its
//! owning event loop takes out of the channel's shared state in one batch,
//! so that one lock of the state (the lock the posting thread takes for
//! every message) serves every message that was waiting.
//!
//! The hand is still the port message queue: the queue is the hand's tasks
//! followed by the state's. Everything that reads or changes the queue as a
//! whole (its length, the collector's walk, shipping, releasing) locks the
//! hand and then the state, always in that order, and sees both. The owner
//! takes its next message from the hand with the hand's lock alone; that
//! lock sits on a cache line of its own, which the posting thread never
//! touches, so it costs the owner no contention.
//!
//! What keeps this exactly the queue it was:
//! - tasks enter the hand only from the state's front (all of them at once,
//!   by swapping the two queues while the hand is empty) and leave it from
//!   its front, or go back to the state's front when the end is shipped:
//!   the order never changes;
//! - the hand holds tasks only while the queue is enabled and its end owned
//!   (shipping empties it, and a received end starts disabled), so a post
//!   or a `close` from another thread need not look at it to decide whether
//!   to tell the owner: when the end is not announced it tells the owner,
//!   at worst of a port the owner was about to look at anyway;
//! - the "announced" flag is copied beside the hand too: a refill of a
//!   single message clears it (nothing else is ready then), and an owner
//!   that finds its hand empty and the flag clear returns without locking
//!   the state, since whatever became ready since was announced;
//! - a pending `close` and the "has been shipped" flag, which other threads
//!   set, are copied beside the hand: a message leaves the hand without the
//!   state's lock only while no `close` older than it waits.

use super::queue::{NextTask, Polled, PortEnd, PortTask, Ready, Taken};
use super::sync::{AtomicBool, AtomicU64, Mutex, Ordering, lock};
use std::collections::VecDeque;
use std::fmt;

/// "No `close` waits", in [`Hand`]'s copy of the pending `close`.
const NO_CLOSE: u64 = u64::MAX;

/// One end's hand (see the module's documentation), on a cache line of its
/// own.
#[repr(align(128))]
pub struct Hand {
    /// The tasks taken out of the state, oldest first.
    pub(super) tasks: Mutex<VecDeque<PortTask>>,
    /// The sequence number of the pending `close` ([`NO_CLOSE`] if none),
    /// written under the state's lock.
    close_event: AtomicU64,
    /// The end's "has been shipped" flag, written under the state's lock.
    shipped: AtomicBool,
    /// The end's "announced" flag (its owner was told it has a task ready
    /// and has not found it empty since), written under the state's lock.
    /// While it is false, every task that becomes ready is announced: an
    /// owner that finds the hand empty and this false has nothing to look
    /// for in the state.
    announced: AtomicBool,
    /// The port holding this end is gone (collected, or its data holder was
    /// dropped): nothing will ever read this queue again. Set once, under
    /// the state's lock, with the state's own flag: this copy is for
    /// asking without a lock; a post reads the state's, so that the posting
    /// thread never touches this line.
    released: AtomicBool,
}

impl fmt::Debug for Hand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hand")
            .field("tasks", &lock(&self.tasks).len())
            .finish()
    }
}

impl Hand {
    /// An empty hand of an end never shipped, with no `close` waiting.
    pub(super) fn new() -> Self {
        Hand {
            tasks: Mutex::new(VecDeque::new()),
            close_event: AtomicU64::new(NO_CLOSE),
            shipped: AtomicBool::new(false),
            announced: AtomicBool::new(false),
            released: AtomicBool::new(false),
        }
    }

    /// Copies the state's pending `close` (called under the state's lock).
    pub(super) fn set_close_event(&self, close: Option<u64>) {
        self.close_event
            .store(close.unwrap_or(NO_CLOSE), Ordering::SeqCst);
    }

    /// Copies the state's "has been shipped" flag, once set (called under
    /// the state's lock).
    pub(super) fn set_shipped(&self) {
        self.shipped.store(true, Ordering::SeqCst);
    }

    /// Marks the end released (called under the state's lock).
    pub(super) fn set_released(&self) {
        self.released.store(true, Ordering::SeqCst);
    }

    /// Whether the end was released.
    pub(super) fn is_released(&self) -> bool {
        self.released.load(Ordering::SeqCst)
    }

    /// Copies the state's "announced" flag (called under the state's lock).
    pub(super) fn set_announced(&self, announced: bool) {
        self.announced.store(announced, Ordering::SeqCst);
    }
}

impl PortEnd {
    /// The owner's look at this end: its next ready task's sequence number
    /// (`take` false, or the task is younger than `bound`), or the task
    /// itself, taken. From the hand with its lock alone when a message is
    /// there and no older `close` waits; else from the state, refilling the
    /// hand with every task waiting there.
    fn look(&self, take: bool, bound: Option<u64>) -> Option<Polled> {
        let own_hand = self.hand();
        let wants = |seq: u64| take && bound.is_none_or(|bound| seq <= bound);
        let mut hand = lock(&own_hand.tasks);
        if let Some(seq) = hand.front().map(|t| t.seq)
            && seq < own_hand.close_event.load(Ordering::SeqCst)
        {
            if !wants(seq) {
                return Some(Polled::Ready(seq));
            }
            let task = hand.pop_front()?;
            return Some(Polled::Taken(Taken {
                task: NextTask::Message(task),
                seq,
                shipped: own_hand.shipped.load(Ordering::SeqCst),
            }));
        }
        // Nothing in hand and the end not announced: whatever becomes ready
        // is announced to the owner, so the state need not be locked (the
        // owner that keeps pace with a sender finds its hand empty after
        // every message, and took the lock the sender takes each time).
        if hand.is_empty() && !own_hand.announced.load(Ordering::SeqCst) {
            return None;
        }
        // The hand stays locked (hand, then state: the order everywhere).
        let hand = &mut *hand;
        self.with(|s, i| {
            let end = &mut s.ends[i];
            let Some((seq, ready)) = end.next_ready(hand.front().map(|t| t.seq)) else {
                end.set_announced(own_hand, false);
                return None;
            };
            end.seen = seq;
            if !wants(seq) {
                return Some(Polled::Ready(seq));
            }
            let task = match ready {
                Ready::Close => {
                    end.take_close_event(own_hand);
                    NextTask::Close
                }
                Ready::Message => {
                    if hand.is_empty() {
                        std::mem::swap(hand, &mut end.tasks);
                        // A refill of one message (the owner keeps pace with
                        // the sender) leaves nothing else ready: the end
                        // leaves the announced state now, under this lock,
                        // instead of in a second look that would lock the
                        // state again only to find it empty. A larger batch
                        // keeps it announced, so that the posts made while
                        // the owner drains it need not tell it.
                        if hand.len() == 1 && end.close_event().is_none() {
                            end.set_announced(own_hand, false);
                        }
                    }
                    NextTask::Message(hand.pop_front()?)
                }
            };
            Some(Polled::Taken(Taken {
                task,
                seq,
                shipped: end.shipped(),
            }))
        })
    }

    /// [`PortEnd::next_ready`], asked by the owner's ready-port index: when
    /// nothing is ready the end leaves the index (the next task that makes
    /// it ready announces it again).
    pub fn poll_ready(&self) -> Option<u64> {
        match self.look(false, None)? {
            Polled::Ready(seq) => Some(seq),
            Polled::Taken(taken) => Some(taken.seq),
        }
    }

    /// Removes the task `next_ready` named.
    pub fn take_next(&self) -> Option<NextTask> {
        self.take_next_shipped().map(|(task, _)| task)
    }

    /// Removes the task `next_ready` named, with the "has been shipped" flag
    /// of the port holding this end.
    pub fn take_next_shipped(&self) -> Option<(NextTask, bool)> {
        match self.look(true, None)? {
            Polled::Taken(taken) => Some((taken.task, taken.shipped)),
            Polled::Ready(_) => None,
        }
    }

    /// [`PortEnd::poll_ready`] and [`PortEnd::take_next_shipped`] in one
    /// look, for an owner with no other port ready: the next ready task is
    /// taken if it is older than `bound` (the oldest task of the owner's
    /// other task sources), else only its sequence number is told. The
    /// owner may still decline to run a taken task: it then hands it back
    /// with [`PortEnd::put_back`] before anything else happens on its side.
    pub fn take_if_older(&self, bound: Option<u64>) -> Option<Polled> {
        self.look(true, bound)
    }

    /// Hands back a task [`PortEnd::take_if_older`] took and its owner did
    /// not run: it is again the end's next task, as if never taken. Only the
    /// owner takes from its queue, and it hands the task back before it
    /// runs anything else, so nothing can have come before it meanwhile
    /// (other threads only add behind it, or set a newer `close`).
    pub fn put_back(&self, taken: Taken) {
        let own_hand = self.hand();
        let dropped = self.with_hand(|hand, s, i| {
            let end = &mut s.ends[i];
            if end.released {
                return Some(taken);
            }
            match taken.task {
                NextTask::Close => {
                    // An end's `close` is recorded once (when its entangled
                    // end goes), so none can have arrived since it was
                    // taken: putting it back overwrites nothing.
                    debug_assert!(end.close_event().is_none(), "a second close recorded for one end");
                    end.set_close_event(own_hand, Some(taken.seq));
                }
                NextTask::Message(task) => hand.push_front(task),
            }
            None
        });
        // Dropping a message can release ports inside it, which locks their
        // channels: never while this channel's lock is held.
        drop(dropped);
    }
}
