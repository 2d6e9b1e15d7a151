//! A task queue that other threads add to and one event loop takes from,
//! with an atomic "may hold a task" flag beside its lock.
//!
//! The event loop looks at every task source on every turn to find the
//! oldest task. Most sources are empty most of the time (an agent's global
//! scope and broadcast inbox, while its ports stream messages), and locking
//! an empty queue only to find nothing costs as much as the rest of a small
//! message's turn. The flag is written under the lock, after each change, so
//! it says exactly whether the queue holds something whenever the lock is
//! free. A reader that sees it unset, without the lock, sees the queue as it
//! was before a concurrent push finished: that push is then later than the
//! look, and its notification (sent after the push, see [`Signal`]) makes
//! the event loop look again.
//!
//! [`Signal`]: super::signal::Signal

use super::sync::{AtomicBool, Mutex, Ordering, lock};
use std::collections::VecDeque;

/// Tasks in the order they were added, behind a lock, and whether there
/// are any.
pub(crate) struct TaskQueue<T> {
    tasks: Mutex<VecDeque<T>>,
    non_empty: AtomicBool,
}

impl<T> TaskQueue<T> {
    /// An empty queue.
    pub(crate) fn new() -> Self {
        TaskQueue {
            tasks: Mutex::new(VecDeque::new()),
            non_empty: AtomicBool::new(false),
        }
    }

    /// Adds `task` at the back.
    pub(crate) fn push_back(&self, task: T) {
        self.with(|tasks| tasks.push_back(task));
    }

    /// Runs `f` on the tasks under the lock.
    pub(crate) fn with<U>(&self, f: impl FnOnce(&mut VecDeque<T>) -> U) -> U {
        let mut tasks = lock(&self.tasks);
        let result = f(&mut tasks);
        self.non_empty.store(!tasks.is_empty(), Ordering::SeqCst);
        result
    }

    /// Runs `f` on the tasks under the lock, unless the queue is empty
    /// (then without taking the lock).
    pub(crate) fn with_non_empty<U>(&self, f: impl FnOnce(&mut VecDeque<T>) -> Option<U>) -> Option<U> {
        if !self.non_empty.load(Ordering::SeqCst) {
            return None;
        }
        self.with(f)
    }

    /// Takes every task out (to drop them outside the lock: dropping a
    /// message may release ports, which locks their channels).
    pub(crate) fn take_all(&self) -> VecDeque<T> {
        self.with(std::mem::take)
    }
}

impl<T> Default for TaskQueue<T> {
    fn default() -> Self {
        TaskQueue::new()
    }
}
