//! What a run may spend: one task budget and one memory budget for the
//! whole scenario (`docs/scenarios.md`, "Budgets"), shared by every agent,
//! on the stepper as on threads.

use std::fmt;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// The task budget when none is given: tasks and reaction runs together.
pub const DEFAULT_MAX_TASKS: u64 = 100_000;

/// The memory budget when none is given, in bytes.
pub const DEFAULT_MAX_MEMORY: u64 = 64 << 20;

/// Which budget a run used up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exhausted {
    /// It wanted to run more than this many tasks and reactions.
    Tasks(u64),
    /// It went past this many bytes of messages, reactions and output.
    Memory(u64),
}

impl fmt::Display for Exhausted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Exhausted::Tasks(n) => write!(
                f,
                "stopped: the scenario used up its task budget ({n} tasks and reactions; \
                 raise it with --max-tasks)"
            ),
            Exhausted::Memory(n) => write!(
                f,
                "stopped: the scenario used up its memory budget ({n} bytes of messages, \
                 reactions and output; raise it with --max-memory)"
            ),
        }
    }
}

/// The two budgets, as atomics any agent thread may draw on.
#[derive(Debug)]
pub(super) struct Budget {
    max_tasks: u64,
    tasks: AtomicU64,
    max_bytes: u64,
    bytes: AtomicU64,
    stopped: AtomicBool,
    why: Mutex<Option<Exhausted>>,
}

impl Budget {
    pub(super) fn new(max_tasks: u64, max_bytes: u64) -> Self {
        Budget {
            max_tasks,
            tasks: AtomicU64::new(0),
            max_bytes,
            bytes: AtomicU64::new(0),
            stopped: AtomicBool::new(false),
            why: Mutex::new(None),
        }
    }

    /// Takes one task (or reaction run) from the budget. Once either budget
    /// is used up, nothing more may run.
    pub(super) fn take_task(&self) -> bool {
        if self.stopped.load(Ordering::SeqCst) {
            return false;
        }
        let max = self.max_tasks;
        let taken = self
            .tasks
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |t| (t < max).then_some(t + 1));
        if taken.is_err() {
            self.stop(Exhausted::Tasks(max));
        }
        taken.is_ok()
    }

    /// Counts `bytes` the run keeps (a message, a reaction, a line).
    pub(super) fn charge(&self, bytes: usize) {
        let bytes = u64::try_from(bytes).unwrap_or(u64::MAX);
        let total = self
            .bytes
            .fetch_add(bytes, Ordering::SeqCst)
            .saturating_add(bytes);
        if total > self.max_bytes {
            self.stop(Exhausted::Memory(self.max_bytes));
        }
    }

    fn stop(&self, why: Exhausted) {
        let mut first = self.why.lock().unwrap_or_else(|p| p.into_inner());
        first.get_or_insert(why);
        self.stopped.store(true, Ordering::SeqCst);
    }

    /// The budget the run used up, if it did.
    pub(super) fn exhausted(&self) -> Option<Exhausted> {
        *self.why.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Tasks and reaction runs so far.
    pub(super) fn tasks_used(&self) -> u64 {
        self.tasks.load(Ordering::SeqCst)
    }

    /// Bytes counted so far.
    pub(super) fn bytes_used(&self) -> u64 {
        self.bytes.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_task_budget_admits_exactly_its_size_then_says_why() {
        let budget = Budget::new(3, 1000);
        assert!((0..3).all(|_| budget.take_task()));
        assert_eq!(budget.exhausted(), None);
        assert!(!budget.take_task());
        assert_eq!(budget.exhausted(), Some(Exhausted::Tasks(3)));
        assert_eq!(budget.tasks_used(), 3);
    }

    #[test]
    fn going_past_the_memory_budget_stops_every_task() {
        let budget = Budget::new(10, 100);
        budget.charge(100);
        assert!(budget.take_task());
        budget.charge(1);
        assert_eq!(budget.exhausted(), Some(Exhausted::Memory(100)));
        assert!(!budget.take_task());
        assert_eq!(budget.bytes_used(), 101);
        assert!(Exhausted::Memory(100).to_string().contains("--max-memory"));
    }
}
