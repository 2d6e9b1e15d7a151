//! A global allocator that counts, per thread, the bytes requested from it.
//!
//! `decode` promises a bound on everything it allocates for one call, freed
//! scratch space included. To check that we wrap `System` and keep three
//! thread-local numbers: bytes live now, the peak of that, and the running
//! total of every request (a `realloc` counts as a new request of its new
//! size, which is what a growing buffer costs). Thread-local so that tests
//! running on parallel threads do not pollute each other's measurements.
//!
//! This is the only `unsafe` code of the fuzz crate; the library itself
//! forbids `unsafe`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// Counters of one thread.
struct Counters {
    live: Cell<usize>,
    peak: Cell<usize>,
    total: Cell<usize>,
}

thread_local! {
    // Const-initialised and free of destructors, so touching it from inside
    // the allocator never allocates.
    static COUNTERS: Counters = const {
        Counters { live: Cell::new(0), peak: Cell::new(0), total: Cell::new(0) }
    };
}

fn on_alloc(size: usize) {
    let _ = COUNTERS.try_with(|c| {
        let live = c.live.get().saturating_add(size);
        c.live.set(live);
        c.peak.set(c.peak.get().max(live));
        c.total.set(c.total.get().saturating_add(size));
    });
}

fn on_free(size: usize) {
    let _ = COUNTERS.try_with(|c| c.live.set(c.live.get().saturating_sub(size)));
}

/// `System`, counted.
pub struct Counting;

// SAFETY: every method forwards to `System` with the caller's arguments
// unchanged; the bookkeeping touches only thread-local cells.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as is.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            on_alloc(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as is.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            on_alloc(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded as is.
        unsafe { System.dealloc(ptr, layout) };
        on_free(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded as is.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            on_free(layout.size());
            on_alloc(new_size);
        }
        p
    }
}

/// What one measured closure allocated on this thread.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    /// Every request added up, freed ones included.
    pub total: usize,
    /// The most bytes live at once, above what was live when measuring began.
    pub peak: usize,
}

/// Runs `f` and reports what it allocated on this thread. Only meaningful
/// when [`Counting`] is the global allocator (it is, in this crate).
pub fn measure<T>(f: impl FnOnce() -> T) -> (T, Usage) {
    let (live0, peak0, total0) = COUNTERS.with(|c| (c.live.get(), c.peak.get(), c.total.get()));
    COUNTERS.with(|c| c.peak.set(live0));
    let out = f();
    let usage = COUNTERS.with(|c| {
        let usage = Usage {
            total: c.total.get() - total0,
            peak: c.peak.get() - live0,
        };
        c.peak.set(c.peak.get().max(peak0));
        usage
    });
    (out, usage)
}
