//! The one seam between the messaging code and its synchronisation
//! primitives: `std::sync` normally, `loom::sync` when built with
//! `RUSTFLAGS="--cfg loom"` so that loom can explore every interleaving of
//! the very same queue code.

#[cfg(loom)]
pub(crate) use loom::sync::{
    Arc, Condvar, Mutex, MutexGuard,
    atomic::{AtomicBool, AtomicU64, Ordering},
};
#[cfg(not(loom))]
pub(crate) use std::sync::{
    Arc, Condvar, Mutex, MutexGuard,
    atomic::{AtomicBool, AtomicU64, Ordering},
};

/// Locks `mutex`. A panic while the lock was held (a bug elsewhere) does not
/// make the queue state unreadable: the data is still consistent, because
/// every critical section here leaves it so before it can panic.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
