//! What a model check reports, and the summary `model-check` prints: one
//! row per check, then spec coverage, then the counterexamples.
//!
//! A check is a [`CheckFn`]: given a case count, a seed and a progress
//! callback, it returns a [`CheckReport`]. New checks are added as entries
//! of [`crate::checks`].

use serde::Serialize;
use std::fmt::Write;

/// A check: `(cases, seed, progress(cases_done, operations)) -> report`.
pub type CheckFn = fn(usize, u64, &mut dyn FnMut(usize, usize)) -> CheckReport;

/// One entry of the list of checks `model-check` runs.
#[derive(Clone, Copy)]
pub struct Check {
    /// Its name in the summary.
    pub name: &'static str,
    /// How many cases it runs when `--cases` is not given (sized so the whole
    /// run takes about a minute in release on two cores).
    pub default_cases: usize,
    /// Runs it.
    pub run: CheckFn,
}

/// The outcome of one check.
#[derive(Clone, Debug, Default, Serialize)]
pub struct CheckReport {
    /// The check's name.
    pub name: String,
    /// Generated cases run (not counting the runs made while shrinking).
    pub cases: usize,
    /// Operations executed in those cases.
    pub operations: usize,
    /// Each counterexample, as text (for the state machine: a scenario in
    /// the language of `webmessaging run`).
    pub counterexamples: Vec<String>,
    /// Anything else worth a line in the summary.
    pub extra_lines: Vec<String>,
    /// The check ran nothing, and why (node is not installed, say). A skip
    /// is printed loudly; it is never a silent pass.
    pub skipped: Option<String>,
}

impl CheckReport {
    /// An empty report for the check `name`.
    pub fn new(name: &str) -> CheckReport {
        CheckReport {
            name: name.to_owned(),
            ..CheckReport::default()
        }
    }

    /// Whether the check found a counterexample.
    pub fn failed(&self) -> bool {
        !self.counterexamples.is_empty()
    }
}

/// Spec coverage: which catalogued steps the checks executed.
#[derive(Clone, Debug, Serialize)]
pub struct Coverage {
    /// Steps in `spec/catalogue.md`.
    pub catalogued: usize,
    /// Catalogued steps that are implemented (and so carry a `step!` marker).
    pub annotated: usize,
    /// Annotated steps executed in this process.
    pub executed: usize,
    /// Annotated steps never executed, in catalogue order.
    pub never_executed: Vec<String>,
    /// Whether the markers were live (the `trace` feature of webmessaging).
    pub tracing: bool,
}

impl Coverage {
    /// The coverage of everything this process ran so far.
    pub fn now() -> Coverage {
        let catalogue = webmessaging::spec::catalogue();
        let ran = webmessaging::spec::coverage();
        let annotated: Vec<_> = catalogue.iter().filter(|s| s.is_implemented()).collect();
        let never_executed: Vec<String> = annotated
            .iter()
            .filter(|s| !ran.contains_key(s.id.as_str()))
            .map(|s| s.id.clone())
            .collect();
        Coverage {
            catalogued: catalogue.len(),
            annotated: annotated.len(),
            executed: annotated.len() - never_executed.len(),
            never_executed,
            tracing: webmessaging::spec::TRACING,
        }
    }
}

/// Everything `model-check` prints at the end.
#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    /// The seed of the run (pass it to `--seed` to run the same cases).
    pub seed: u64,
    /// Wall-clock time of the checks, in seconds.
    pub seconds: f64,
    /// One report per check.
    pub checks: Vec<CheckReport>,
    /// Spec coverage after all checks ran.
    pub coverage: Coverage,
    /// No check found a counterexample.
    pub passed: bool,
}

impl Summary {
    /// Puts the reports and the coverage together.
    pub fn new(seed: u64, seconds: f64, checks: Vec<CheckReport>, coverage: Coverage) -> Summary {
        let passed = checks.iter().all(|c| !c.failed());
        Summary {
            seed,
            seconds,
            checks,
            coverage,
            passed,
        }
    }

    /// The summary as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }

    /// The summary as a table for people.
    pub fn to_table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "model checks (seed {}, {:.1} s)", self.seed, self.seconds);
        let _ = writeln!(out);
        // The name column fits the longest name (`exhaustive-broadcast`).
        let width = self
            .checks
            .iter()
            .map(|c| c.name.len())
            .max()
            .unwrap_or(0)
            .max(18);
        let _ = writeln!(
            out,
            "{:<width$} {:>8} {:>12} {:>16}  notes",
            "check", "cases", "operations", "counterexamples"
        );
        for check in &self.checks {
            let (cases, ops, found) = if check.skipped.is_some() {
                ("-".to_owned(), "-".to_owned(), "-".to_owned())
            } else {
                (
                    check.cases.to_string(),
                    check.operations.to_string(),
                    check.counterexamples.len().to_string(),
                )
            };
            let notes = match &check.skipped {
                Some(why) => format!("SKIPPED: {why}"),
                None => check.extra_lines.join("; "),
            };
            let _ = writeln!(
                out,
                "{:<width$} {cases:>8} {ops:>12} {found:>16}  {notes}",
                check.name
            );
        }
        let c = &self.coverage;
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "spec coverage: {} catalogued steps, {} annotated, {} executed by these checks{}",
            c.catalogued,
            c.annotated,
            c.executed,
            if c.tracing {
                ""
            } else {
                " (markers off: build webmessaging with feature `trace`)"
            }
        );
        if !c.never_executed.is_empty() {
            let _ = writeln!(out, "never executed ({}):", c.never_executed.len());
            for id in &c.never_executed {
                let _ = writeln!(out, "  {id}");
            }
        }
        for check in self.checks.iter().filter(|c| c.failed()) {
            for (n, example) in check.counterexamples.iter().enumerate() {
                let _ = writeln!(out);
                let _ = writeln!(out, "counterexample {} of {}:", n + 1, check.name);
                out.push_str(example);
            }
        }
        let _ = writeln!(out);
        let _ = writeln!(out, "{}", if self.passed { "PASSED" } else { "FAILED" });
        for check in self.checks.iter().filter(|c| c.skipped.is_some()) {
            let _ = writeln!(out, "WARNING: {} was SKIPPED", check.name);
        }
        out
    }
}
