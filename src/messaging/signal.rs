//! The signal that wakes an event loop when a task is added for it, and
//! tells it which of its ports has become ready.
//!
//! A wake costs a system call (a futex wake) and, on the other side, a
//! context switch; a busy event loop needs neither. So the signal wakes the
//! event loop only when it sleeps: a notification bumps an atomic
//! generation and looks at an atomic count of sleepers, and only when some
//! thread sleeps does it take the lock and wake it. The generation and the
//! count of sleepers share one atomic word, changed only by
//! read-modify-writes: the notifier's bump and a sleeper's "I am going to
//! sleep" are totally ordered, so one of the two always sees the other (the
//! notifier sees the sleeper and wakes it, or the sleeper, looking again
//! under the lock, sees the new generation and does not sleep): no wake-up
//! is lost. (Two separate words read with plain loads would need the
//! store-buffer guarantee of sequentially consistent loads, which loom does
//! not model; one word needs nothing but coherence.) `model-tests/tests/loom_signal.rs`
//! checks this in every interleaving.
//!
//! A port whose queue goes from "nothing to run" to "something to run" is
//! announced to its owner's signal once (see `queue.rs`); the owner keeps
//! the announced ports as its ready-port index and asks only them which
//! task is oldest, never every port it holds.

use super::sync::{AtomicBool, AtomicU64, Condvar, Mutex, Ordering, lock};

/// One notification, in [`Signal`]'s state word.
const GENERATION: u64 = 1 << 16;
/// The sleepers' count, in [`Signal`]'s state word.
const SLEEPERS: u64 = GENERATION - 1;
/// Looks at the generation between two looks at the clock, in
/// [`Signal::spin_for_change`].
#[cfg(not(loom))]
const SPINS_PER_LOOK: u32 = 64;

/// Wakes an event loop when a task is added to a queue it owns, and names
/// the ports that became ready.
#[derive(Debug, Default)]
pub struct Signal {
    /// Notifications so far (the high bits, from [`GENERATION`]) and the
    /// threads inside [`Signal::wait_for_change`] or about to be (the low
    /// bits, [`SLEEPERS`]).
    state: AtomicU64,
    /// Held by a sleeper from its last look at `generation` until it sleeps,
    /// and by a notifier that wakes it.
    lock: Mutex<()>,
    condvar: Condvar,
    /// Ports announced ready since the owner last took them.
    announced: Mutex<Vec<u64>>,
    /// Whether `announced` may hold something (set after a push, before the
    /// notification): the owner takes the lock only then.
    any_announced: AtomicBool,
    /// Wake-ups actually sent (a work counter: system calls made).
    wakes: AtomicU64,
}

impl Signal {
    /// A signal with nothing pending.
    pub fn new() -> Self {
        Signal::default()
    }

    /// Says that something was added: bumps the generation, and wakes the
    /// event loop if (and only if) it sleeps.
    pub fn notify(&self) {
        let before = self.state.fetch_add(GENERATION, Ordering::SeqCst);
        if before & SLEEPERS != 0 {
            // Taking the lock orders this wake after the sleeper's last
            // look at the generation: it is either waiting, or will see it.
            drop(lock(&self.lock));
            self.condvar.notify_all();
            self.wakes.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Names `port` (the owner's id for it) as ready, then notifies.
    pub fn announce(&self, port: u64) {
        lock(&self.announced).push(port);
        // Set before the notification: an owner that wakes for it, or reads
        // the generation after it, sees the flag.
        self.any_announced.store(true, Ordering::SeqCst);
        self.notify();
    }

    /// Moves the ports announced since the last call into `into`.
    pub fn take_announced(&self, into: &mut Vec<u64>) {
        // Read before the swap: nearly every look finds nothing announced,
        // and a plain load keeps the line shared with the announcing thread.
        if !self.any_announced.load(Ordering::SeqCst) || !self.any_announced.swap(false, Ordering::SeqCst) {
            return;
        }
        let mut announced = lock(&self.announced);
        if into.is_empty() {
            std::mem::swap(&mut *announced, into);
        } else {
            into.append(&mut announced);
        }
    }

    /// How many notifications so far (to wait for a change).
    pub fn generation(&self) -> u64 {
        self.state.load(Ordering::SeqCst) / GENERATION
    }

    /// How many wake-ups were sent (notifications that found a sleeper); the
    /// others cost one atomic read-modify-write and no system call.
    pub fn wakes_sent(&self) -> u64 {
        self.wakes.load(Ordering::Relaxed)
    }

    /// Watches the generation for up to `budget` without sleeping; returns
    /// whether it moved from `seen`. Only reads: it takes no part in the
    /// sleepers' protocol, so a change it misses is still seen by
    /// [`Signal::wait_for_change`] afterwards.
    ///
    /// A thread that sleeps pays a futex wake on the notifier's side and a
    /// scheduler wake-up on its own (tens of microseconds on an idle
    /// machine); a task that comes within the budget costs neither.
    #[cfg(not(loom))]
    pub fn spin_for_change(&self, seen: u64, budget: std::time::Duration) -> bool {
        let start = std::time::Instant::now();
        loop {
            for _ in 0..SPINS_PER_LOOK {
                if self.generation() != seen {
                    return true;
                }
                std::hint::spin_loop();
            }
            if start.elapsed() >= budget {
                return self.generation() != seen;
            }
        }
    }

    /// Blocks until the generation differs from `seen` or `timeout` passes.
    #[cfg(not(loom))]
    pub fn wait_for_change(&self, seen: u64, timeout: std::time::Duration) {
        if self.generation() != seen {
            return;
        }
        self.state.fetch_add(1, Ordering::SeqCst);
        let guard = lock(&self.lock);
        let _ = self
            .condvar
            .wait_timeout_while(guard, timeout, |_| self.generation() == seen);
        self.state.fetch_sub(1, Ordering::SeqCst);
    }

    /// Blocks until the generation differs from `seen` (no timeout: loom
    /// reports a lost wake-up as a deadlock).
    pub fn wait(&self, seen: u64) {
        self.state.fetch_add(1, Ordering::SeqCst);
        let mut guard = lock(&self.lock);
        while self.generation() == seen {
            guard = self
                .condvar
                .wait(guard)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
        drop(guard);
        self.state.fetch_sub(1, Ordering::SeqCst);
    }
}
