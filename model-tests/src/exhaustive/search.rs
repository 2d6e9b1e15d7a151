//! Runs the search: stateright's breadth-first checker over [`Messaging`],
//! one search thread (so that a depth bound is exact: each state is first
//! reached on a shortest path) and workers comparing the implementation,
//! with progress, counterexamples as scenarios, and a summary.

use super::conformance::{Conformance, Tally, Workers};
use super::properties::Rule;
use super::space::{Messaging, Universe};
use crate::scenario::{Op, scenario_text_with};
use crate::state_machine::describe;
use serde::Serialize;
use stateright::{Checker, Model};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// How the search runs.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Workers comparing the implementation with the model (0: do not
    /// compare).
    pub workers: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options { workers: 2 }
    }
}

/// Where the search is, for the progress line.
#[derive(Clone, Copy, Debug)]
pub struct Progress {
    /// What it is doing.
    pub phase: &'static str,
    /// States checked against the properties.
    pub states: usize,
    /// Distinct states found (the last layer is found but not checked).
    pub unique: usize,
    /// The most operations on the path of a checked state.
    pub depth: usize,
    /// Transitions compared with the implementation.
    pub compared: usize,
    /// Seconds since the start.
    pub seconds: f64,
}

/// A property that failed, with the path to the state that breaks it.
#[derive(Clone, Debug, Serialize)]
pub struct Violation {
    /// The property's name.
    pub property: String,
    /// The counterexample: a scenario for `webmessaging run`, with what
    /// went wrong as comments.
    pub scenario: String,
}

/// What a search found.
#[derive(Clone, Debug, Serialize)]
pub struct ExhaustiveReport {
    /// The universe, in words.
    pub universe: String,
    /// States checked against every property.
    pub states: usize,
    /// Distinct states found.
    pub unique: usize,
    /// The most operations on the path of a checked state.
    pub depth: usize,
    /// Whether every reachable state of the universe was checked (no state
    /// was left beyond the depth bound).
    pub exhausted: bool,
    /// Properties checked in every state.
    pub properties: usize,
    /// Transitions compared with the implementation.
    pub compared: usize,
    /// Properties that failed.
    pub violations: Vec<Violation>,
    /// Disagreements between the implementation and the model.
    pub mismatches: Vec<String>,
    /// Wall-clock seconds.
    pub seconds: f64,
}

impl ExhaustiveReport {
    /// Property violations plus disagreements with the implementation.
    pub fn failures(&self) -> usize {
        self.violations.len() + self.mismatches.len()
    }

    /// The closing line: `exhaustive: S states, depth D, P properties, V violations`.
    pub fn summary_line(&self) -> String {
        format!(
            "exhaustive: {} states, depth {}, {} properties, {} violations",
            self.states,
            self.depth,
            self.properties,
            self.failures()
        )
    }

    /// The report for people: bounds, counts, then each counterexample.
    pub fn to_text(&self) -> String {
        let mut out = format!("exhaustive search over {}\n", self.universe);
        let rate = self.states as f64 / self.seconds.max(1e-9);
        out.push_str(&format!(
            "{} states checked ({} distinct found), depth {}{}, {} transitions compared with the implementation, {:.1} s ({rate:.0} states/s)\n",
            self.states,
            self.unique,
            self.depth,
            if self.exhausted { ", every reachable state" } else { "" },
            self.compared,
            self.seconds,
        ));
        for v in &self.violations {
            out.push_str(&format!("\nproperty violated: {}\n{}", v.property, v.scenario));
        }
        for m in &self.mismatches {
            out.push_str(&format!("\nthe implementation disagrees with the model:\n{m}"));
        }
        out.push_str(&self.summary_line());
        out.push('\n');
        out
    }
}

/// Searches `universe`, calling `progress` about once a second.
pub fn search(
    universe: &Universe,
    options: Options,
    progress: &mut dyn FnMut(&Progress),
) -> ExhaustiveReport {
    let space = Messaging::new(universe.clone());
    explore(
        || Messaging::new(universe.clone()),
        &universe.describe(),
        universe.depth,
        options,
        progress,
        |found| {
            violations(&space, &Rule::ALL, found, |rule, ops, what| {
                counterexample(&space, rule, ops, what)
            })
        },
    )
}

/// A rule of a search, judged on its states.
pub(super) trait Judge<S>: Copy {
    /// Its name: the property's name in stateright and in reports.
    fn name(self) -> &'static str;
    /// How `state` breaks the rule, if it does.
    fn explain(self, state: &S) -> Option<String>;
}

impl Judge<super::State> for Rule {
    fn name(self) -> &'static str {
        Rule::name(self)
    }

    fn explain(self, state: &super::State) -> Option<String> {
        Rule::explain(self, state)
    }
}

/// The counterexample of each of `rules` the checker `found` broken, on
/// the shortest path to a state that breaks it, written by `scenario`
/// (the rule, the path, what broke).
pub(super) fn violations<M: Model, R: Judge<M::State>>(
    space: &M,
    rules: &[R],
    found: Found<'_, M>,
    scenario: impl Fn(R, &[M::Action], Option<String>) -> String,
) -> Vec<Violation>
where
    M::State: Clone + Eq + std::hash::Hash,
    M::Action: Clone,
{
    rules
        .iter()
        .filter_map(|&rule| {
            let (state, ops) = found(rule.name())?;
            let (state, ops) =
                shortest(space, |s| rule.explain(s).is_some(), ops.len()).unwrap_or((state, ops));
            Some(Violation {
                property: rule.name().to_owned(),
                scenario: scenario(rule, &ops, rule.explain(&state)),
            })
        })
        .collect()
}

/// What the checker found breaking a property, by the property's name: the
/// state and the operations that reach it.
pub(super) type Found<'a, M> =
    &'a dyn Fn(&'static str) -> Option<(<M as Model>::State, Vec<<M as Model>::Action>)>;

/// Searches the model `make` builds (each call a fresh one), to `depth`
/// operations, with the implementation compared by `options.workers`
/// workers; `violations` turns what the checker found into counterexamples.
///
/// With a depth bound N the search runs twice: first to N - 1 operations
/// with the visitor that hands each state and its path to the workers
/// (stateright rebuilds a path for every state it visits, a quarter of the
/// work, and only states below the bound are compared from), then to N
/// without it, while the workers compare on the other core.
pub(super) fn explore<M: Conformance>(
    make: impl Fn() -> M,
    universe: &str,
    depth: Option<usize>,
    options: Options,
    progress: &mut dyn FnMut(&Progress),
    violations: impl FnOnce(Found<'_, M>) -> Vec<Violation>,
) -> ExhaustiveReport {
    let started = Instant::now();
    let space = Arc::new(make());
    let tally = Arc::new(Tally::default());
    let (feed, workers) = Workers::start(&space, &tally, options.workers);
    let bfs = || make().checker().threads(1);
    // stateright counts the first state as depth 1 and checks the states
    // below its target: target N + 2 checks every state reached in at most
    // N operations.
    let checker = match (depth, feed) {
        (Some(depth), Some(feed)) => {
            let first = bfs().visitor(feed).target_max_depth(depth + 1).spawn_bfs();
            watch(
                first,
                "collecting the states to compare from",
                &tally,
                started,
                progress,
            );
            bfs().target_max_depth(depth + 2).spawn_bfs()
        }
        (Some(depth), None) => bfs().target_max_depth(depth + 2).spawn_bfs(),
        (None, Some(feed)) => bfs().visitor(feed).spawn_bfs(),
        (None, None) => bfs().spawn_bfs(),
    };
    let checker = watch(checker, "checking", &tally, started, progress);
    let unique = checker.unique_state_count();
    let states = checker.model().visited();
    // stateright's depth is that of the deepest state taken from its queue,
    // counting the first state as 1, whether checked or past the bound.
    let reached = checker.max_depth().saturating_sub(1);
    let depth = depth.map_or(reached, |d| reached.min(d));
    let properties = checker.model().properties().len();
    let found = |name: &'static str| {
        let path = checker.discovery(name)?;
        Some((path.last_state().clone(), path.into_actions()))
    };
    let violations = violations(&found);
    // A checker owns the feed: once it is gone the workers see the end.
    drop(checker);
    workers.join();
    let mismatches = tally.mismatches.lock().map(|m| m.clone()).unwrap_or_default();
    let report = ExhaustiveReport {
        universe: universe.to_owned(),
        states,
        unique,
        depth,
        exhausted: states == unique,
        properties,
        compared: tally.compared.load(Ordering::Relaxed),
        violations,
        mismatches,
        seconds: started.elapsed().as_secs_f64(),
    };
    progress(&Progress {
        phase: "done",
        states,
        unique,
        depth,
        compared: report.compared,
        seconds: report.seconds,
    });
    report
}

/// Waits for `checker`, calling `progress` about once a second.
pub(super) fn watch<M: Conformance, C: Checker<M>>(
    checker: C,
    phase: &'static str,
    tally: &Tally,
    started: Instant,
    progress: &mut dyn FnMut(&Progress),
) -> C {
    let mut last = Instant::now();
    while !checker.is_done() {
        std::thread::sleep(Duration::from_millis(50));
        if last.elapsed() >= Duration::from_secs(1) {
            last = Instant::now();
            progress(&Progress {
                phase,
                states: checker.model().visited(),
                unique: checker.unique_state_count(),
                depth: checker.max_depth().saturating_sub(1),
                compared: tally.compared.load(Ordering::Relaxed),
                seconds: started.elapsed().as_secs_f64(),
            });
        }
    }
    checker.join()
}

/// The path to a state that breaks `rule`, as a scenario with the rule,
/// its source, what broke, and what the model did on the last line.
fn counterexample(space: &Messaging, rule: Rule, ops: &[Op], what: Option<String>) -> String {
    let agents = space.universe.agent_list();
    let mut text = format!(
        "# the state after the last line breaks \"{}\"\n# ({})\n# {}\n",
        rule.name(),
        rule.source(),
        what.unwrap_or_else(|| "(no explanation)".to_owned())
    );
    if let Some(mutation) = space.universe.mutation {
        text.push_str(&format!(
            "# (the model has the deliberate bug {})\n",
            mutation.name()
        ));
    }
    text.push_str(&scenario_text_with(&agents, ops));
    let mut model = space.init_states().remove(0).model;
    let mut last = Vec::new();
    for op in ops {
        last = model.apply(op);
    }
    text.push_str("# the model's last line did:\n");
    for observation in &last {
        text.push_str(&format!("#   {}\n", describe(observation)));
    }
    text
}

/// The shortest path to a state that is `bad`, in at most `depth`
/// operations. (stateright keeps the last violating state it met, not the
/// first; this breadth-first search, without the implementation, finds the
/// first.)
fn shortest<M: Model>(
    space: &M,
    bad: impl Fn(&M::State) -> bool,
    depth: usize,
) -> Option<(M::State, Vec<M::Action>)>
where
    M::State: Clone + Eq + std::hash::Hash,
    M::Action: Clone,
{
    let first = space.init_states().remove(0);
    // Each state found, with the index of its parent and the operation.
    let mut found: Vec<(M::State, usize, Option<M::Action>)> = vec![(first.clone(), 0, None)];
    let mut seen: HashMap<M::State, ()> = HashMap::from([(first, ())]);
    let (mut layer, mut next_layer) = (vec![0usize], Vec::new());
    for _ in 0..=depth {
        for &ix in &layer {
            if bad(&found[ix].0) {
                let mut ops = Vec::new();
                let mut at = ix;
                while let Some(op) = &found[at].2 {
                    ops.push(op.clone());
                    at = found[at].1;
                }
                ops.reverse();
                return Some((found[ix].0.clone(), ops));
            }
            let mut actions = Vec::new();
            space.actions(&found[ix].0, &mut actions);
            for op in actions {
                let Some(next) = space.next_state(&found[ix].0, op.clone()) else {
                    continue;
                };
                if seen.insert(next.clone(), ()).is_none() {
                    next_layer.push(found.len());
                    found.push((next, ix, Some(op)));
                }
            }
        }
        layer = std::mem::take(&mut next_layer);
    }
    None
}
