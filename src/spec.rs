//! Spec annotations: the `step!` marker that ties code to the catalogue in `spec/`.
//!
//! Every numbered step of every algorithm this crate implements carries one
//! `step!("anchor/number.path")` marker where its code begins. Without the
//! `trace` feature the marker compiles to nothing. With it, each executed step
//! bumps a process-wide counter (spec coverage) and, when the current thread
//! is recording, is appended to that thread's trace.
//!
//! The catalogue itself (`spec/catalogue.md`) is embedded so that tools can
//! report how many catalogued steps exist and which never ran.
//!
//! # Example
//!
//! The catalogue says what a step does; [`traced`] says which steps a call
//! ran (with the `trace` feature; the crate root shows coverage too).
//!
//! ```
//! use webmessaging::ecmascript::{AgentClusterId, Heap, Value};
//! use webmessaging::spec;
//! use webmessaging::structured::{NoPlatformObjects, structured_serialize};
//!
//! let steps = spec::catalogue();
//! let step = steps.iter().find(|s| s.id == "structuredserializeinternal/21").unwrap();
//! assert_eq!(step.anchor(), "structuredserializeinternal");
//! assert!(step.is_implemented());
//!
//! let mut heap = Heap::new(AgentClusterId(0));
//! let (_, ran) = spec::traced(|| structured_serialize(&mut heap, &mut NoPlatformObjects, &Value::Null));
//! // One line a step: its id, then what the catalogue says it does.
//! let text = spec::trace_text(&ran);
//! assert_eq!(text.lines().count(), ran.len());
//! assert_eq!(ran.is_empty(), !spec::TRACING);
//! ```

use std::collections::BTreeMap;

/// Marks the start of one numbered step of the standard. The id is the
/// algorithm's anchor followed by the step's number path, as listed in
/// `spec/catalogue.md`.
macro_rules! step {
    ($id:literal) => {{
        #[cfg(feature = "trace")]
        $crate::spec::executed($id);
    }};
}
pub(crate) use step;

/// The step catalogue, `spec/catalogue.md`, as shipped with the crate.
pub const CATALOGUE: &str = include_str!("../spec/catalogue.md");

/// One row of the step catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogueStep {
    /// The step id: `anchor/number.path`.
    pub id: String,
    /// The one-line paraphrase.
    pub summary: String,
    /// `implemented`, or `not implemented: why`.
    pub status: String,
}

impl CatalogueStep {
    /// The anchor in the HTML Standard that this step belongs to.
    pub fn anchor(&self) -> &str {
        self.id.split('/').next().unwrap_or(&self.id)
    }

    /// Whether the catalogue says the step is implemented (has a marker).
    pub fn is_implemented(&self) -> bool {
        self.status.starts_with("implemented")
    }
}

/// Parses the catalogue's table rows: `| id | summary | status |`.
pub fn catalogue() -> Vec<CatalogueStep> {
    CATALOGUE
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line
                .trim()
                .strip_prefix('|')?
                .strip_suffix('|')?
                .split('|')
                .map(str::trim)
                .collect();
            let [id, summary, status] = cells[..] else {
                return None;
            };
            let id = id.trim_matches('`');
            // The header and the separator row have no '/' in their first cell.
            id.contains('/').then(|| CatalogueStep {
                id: id.to_owned(),
                summary: summary.to_owned(),
                status: status.to_owned(),
            })
        })
        .collect()
}

#[cfg(feature = "trace")]
mod recorder {
    use std::cell::RefCell;
    use std::collections::HashMap;
    use std::hash::{BuildHasherDefault, Hasher};
    use std::sync::Mutex;

    /// Step ids are `&'static str` literals: the address of the text
    /// identifies the marker, so hashing it is one multiplication.
    #[derive(Default)]
    pub(super) struct AddressHasher(u64);

    impl Hasher for AddressHasher {
        fn finish(&self) -> u64 {
            self.0
        }
        fn write(&mut self, bytes: &[u8]) {
            for b in bytes {
                self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3);
            }
        }
        fn write_usize(&mut self, n: usize) {
            self.0 = (n as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }

    pub(super) type Counts = HashMap<usize, (&'static str, u64), BuildHasherDefault<AddressHasher>>;

    /// Counts of threads that have finished (merged when a thread's own
    /// counts are dropped) and of explicit flushes.
    pub(super) static MERGED: Mutex<Vec<(&'static str, u64)>> = Mutex::new(Vec::new());

    /// This thread's counts, merged into [`MERGED`] when the thread ends.
    pub(super) struct Local(pub(super) Counts);

    impl Drop for Local {
        fn drop(&mut self) {
            flush(&mut self.0);
        }
    }

    pub(super) fn flush(counts: &mut Counts) {
        if counts.is_empty() {
            return;
        }
        if let Ok(mut merged) = MERGED.lock() {
            merged.extend(counts.drain().map(|(_, v)| v));
        }
    }

    thread_local! {
        pub(super) static COUNTS: RefCell<Local> = RefCell::new(Local(Counts::default()));
        pub(super) static TRACE: RefCell<Option<Vec<&'static str>>> = const { RefCell::new(None) };
    }
}

/// Records that the step `id` ran (called by `step!` under the `trace` feature).
#[cfg(feature = "trace")]
pub fn executed(id: &'static str) {
    recorder::COUNTS.with(|counts| {
        if let Ok(mut counts) = counts.try_borrow_mut() {
            counts.0.entry(id.as_ptr() as usize).or_insert((id, 0)).1 += 1;
        }
    });
    recorder::TRACE.with(|trace| {
        if let Ok(mut trace) = trace.try_borrow_mut()
            && let Some(trace) = trace.as_mut()
        {
            trace.push(id);
        }
    });
}

/// How many times each step ran in this process so far: on this thread, and
/// on every thread that has ended (empty without the `trace` feature).
#[cfg_attr(not(feature = "trace"), allow(unused_mut))]
pub fn coverage() -> BTreeMap<&'static str, u64> {
    let mut total = BTreeMap::new();
    #[cfg(feature = "trace")]
    {
        recorder::COUNTS.with(|counts| {
            if let Ok(mut counts) = counts.try_borrow_mut() {
                recorder::flush(&mut counts.0);
            }
        });
        if let Ok(merged) = recorder::MERGED.lock() {
            for (id, count) in merged.iter() {
                *total.entry(*id).or_insert(0) += count;
            }
        }
    }
    total
}

/// Runs `f` while recording, on this thread, every step it executes, and
/// returns its result with the steps in execution order. Without the `trace`
/// feature the list is empty.
pub fn traced<T>(f: impl FnOnce() -> T) -> (T, Vec<&'static str>) {
    #[cfg(feature = "trace")]
    {
        let previous = recorder::TRACE.with(|t| t.borrow_mut().replace(Vec::new()));
        let result = f();
        let steps = recorder::TRACE.with(|t| std::mem::replace(&mut *t.borrow_mut(), previous));
        (result, steps.unwrap_or_default())
    }
    #[cfg(not(feature = "trace"))]
    (f(), Vec::new())
}

/// Whether step markers are live in this build.
pub const TRACING: bool = cfg!(feature = "trace");

/// A step trace as text for people: one step a line, its id then what the
/// catalogue says the step does.
pub fn trace_text(steps: &[&str]) -> String {
    let catalogue = catalogue();
    let summary = |id: &str| {
        catalogue
            .iter()
            .find(|step| step.id == id)
            .map_or("", |step| step.summary.as_str())
    };
    let mut out = String::new();
    for id in steps {
        out.push_str(id);
        out.push_str("  ");
        out.push_str(summary(id));
        out.push('\n');
    }
    out
}

/// The coverage report of `executed` (step id to times run): for each
/// algorithm of the catalogue, how many of its steps ran, and the ids of
/// those that did not.
pub fn coverage_report(executed: &BTreeMap<&'static str, u64>) -> String {
    let catalogue = catalogue();
    let mut by_anchor: Vec<(String, Vec<&CatalogueStep>)> = Vec::new();
    for step in &catalogue {
        match by_anchor.last_mut() {
            Some((anchor, steps)) if anchor == step.anchor() => steps.push(step),
            _ => by_anchor.push((step.anchor().to_owned(), vec![step])),
        }
    }
    let ran = |step: &CatalogueStep| executed.get(step.id.as_str()).copied().unwrap_or(0) > 0;
    let total_ran = catalogue.iter().filter(|s| ran(s)).count();
    let mut out = format!(
        "\n== spec coverage: {total_ran} of {} catalogued steps executed{}\n",
        catalogue.len(),
        if TRACING {
            ""
        } else {
            " (markers off: build with feature `trace`)"
        }
    );
    for (anchor, steps) in &by_anchor {
        let done = steps.iter().filter(|s| ran(s)).count();
        let mut line = format!("{anchor:<42} {done:>3} / {}", steps.len());
        let missing: Vec<&str> = steps
            .iter()
            .filter(|s| !ran(s))
            .map(|s| {
                s.id.strip_prefix(anchor.as_str())
                    .unwrap_or(&s.id)
                    .trim_start_matches('/')
            })
            .collect();
        if !missing.is_empty() && done > 0 {
            line.push_str(&format!("  not run: {}", missing.join(" ")));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
