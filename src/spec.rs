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

use std::collections::BTreeMap;

/// Marks the start of one numbered step of the standard. The id is the
/// algorithm's anchor followed by the step's number path, as listed in
/// `spec/catalogue.md`.
#[allow(unused_macros)] // no algorithm on this branch uses it yet
macro_rules! step {
    ($id:literal) => {{
        #[cfg(feature = "trace")]
        $crate::spec::executed($id);
    }};
}
#[allow(unused_imports)]
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
    use std::sync::Mutex;

    pub(super) static COUNTS: Mutex<Option<HashMap<&'static str, u64>>> = Mutex::new(None);

    thread_local! {
        pub(super) static TRACE: RefCell<Option<Vec<&'static str>>> = const { RefCell::new(None) };
    }
}

/// Records that the step `id` ran (called by `step!` under the `trace` feature).
#[cfg(feature = "trace")]
pub fn executed(id: &'static str) {
    if let Ok(mut counts) = recorder::COUNTS.lock() {
        *counts.get_or_insert_with(Default::default).entry(id).or_insert(0) += 1;
    }
    recorder::TRACE.with(|trace| {
        if let Some(trace) = trace.borrow_mut().as_mut() {
            trace.push(id);
        }
    });
}

/// How many times each step ran in this process so far (empty without the
/// `trace` feature).
pub fn coverage() -> BTreeMap<&'static str, u64> {
    #[cfg(feature = "trace")]
    if let Ok(counts) = recorder::COUNTS.lock() {
        return counts.iter().flatten().map(|(id, count)| (*id, *count)).collect();
    }
    BTreeMap::new()
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
