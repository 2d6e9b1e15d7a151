//! When an agent thread with nothing to run should watch its signal for a
//! moment instead of sleeping at once.
//!
//! A sleep costs the notifier a futex wake and the sleeper a scheduler
//! wake-up: on an idle machine, whose idle cores rest in a low-power state,
//! tens of microseconds (a round trip between two agents took about 40 µs,
//! nearly all of it two wake-ups). Two agents exchanging messages answer
//! each other within a few microseconds, so a short watch catches the
//! answer and neither sleeps. But a watching thread holds its core: when
//! other processes want the cores too, the scheduler counts the watch
//! against the thread's share, and the threads that sleep are woken ahead
//! of it; under load the same watch made round trips about 2x slower. So
//! the thread watches only while it gets a core whenever it wants one: it
//! looks at the time it spent runnable but waiting for a core (Linux's
//! `/proc/thread-self/schedstat`) every few milliseconds, and stops
//! watching as long as that time is more than a small share of the window.
//! Elsewhere, with no such count, it never watches.

use std::time::{Duration, Instant};

/// How long a thread with nothing ready watches its signal before it
/// sleeps (while watching pays).
pub(super) const WATCH: Duration = Duration::from_micros(50);

/// How often the time spent waiting for a core is looked at.
const WINDOW: Duration = Duration::from_millis(5);

/// The share of a window a thread may spend waiting for a core and still
/// watch (one part in this many).
const WAITING_SHARE: u64 = 50;

/// One agent thread's decision to watch or not.
#[derive(Debug)]
pub(super) struct Watch {
    /// Whether watching pays now.
    pays: bool,
    /// The window's start, and the thread's waiting time then.
    window: Option<(Instant, u64)>,
}

impl Watch {
    /// A decision not yet made: the first window decides.
    pub(super) fn new() -> Self {
        Watch {
            pays: false,
            window: waiting_time().map(|waited| (Instant::now(), waited)),
        }
    }

    /// How long to watch now (zero: sleep at once). Once a window has
    /// passed, decides again from the time waited for a core within it.
    pub(super) fn budget(&mut self) -> Duration {
        if let Some((start, waited_before)) = self.window {
            let elapsed = start.elapsed();
            if elapsed >= WINDOW {
                self.window = waiting_time().map(|waited| {
                    let waited_now = waited.saturating_sub(waited_before);
                    let window = u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX);
                    self.pays = waited_now.saturating_mul(WAITING_SHARE) < window;
                    (Instant::now(), waited)
                });
                if self.window.is_none() {
                    self.pays = false;
                }
            }
        }
        if self.pays { WATCH } else { Duration::ZERO }
    }
}

/// Nanoseconds this thread has spent runnable but waiting for a core, if
/// the system says (the second field of Linux's schedstat).
fn waiting_time() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stat.split_whitespace().nth(1)?.parse().ok()
}
