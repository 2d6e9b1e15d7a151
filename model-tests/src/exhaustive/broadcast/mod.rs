//! Exhaustive model checking of BroadcastChannel with stateright: every
//! state of the BroadcastChannel reference model ([`crate::broadcast`])
//! reachable in a bounded universe is held to named rules of delivery, and
//! the implementation is compared with the model on every transition from
//! those states, by the workers the channel messaging search uses
//! ([`super::conformance`]).
//!
//! - [`space`]: the model as a stateright `Model` over a
//!   [`BroadcastUniverse`];
//! - [`rules`]: the rules, each a named property with its source.
//!
//! docs/model.md ("Exhaustive search of BroadcastChannel") describes the
//! bounds and what they leave out.

pub mod rules;
pub mod space;

pub use rules::BroadcastRule;
pub use space::{BroadcastUniverse, Broadcasting, State};

use super::search::{ExhaustiveReport, Judge, Options, Progress, explore, violations};

/// Searches `universe`, calling `progress` about once a second.
pub fn search_broadcast(
    universe: &BroadcastUniverse,
    options: Options,
    progress: &mut dyn FnMut(&Progress),
) -> ExhaustiveReport {
    let space = Broadcasting::new(universe.clone());
    explore(
        || Broadcasting::new(universe.clone()),
        &universe.describe(),
        universe.depth,
        options,
        progress,
        |found| {
            violations(&space, &BroadcastRule::ALL, found, |rule, ops, what| {
                counterexample(&space, rule, ops, what)
            })
        },
    )
}

impl Judge<State> for BroadcastRule {
    fn name(self) -> &'static str {
        BroadcastRule::name(self)
    }

    fn explain(self, state: &State) -> Option<String> {
        BroadcastRule::explain(self, state)
    }
}

/// The path to a state that breaks `rule`, as a scenario with the rule,
/// its source and what broke.
fn counterexample(
    space: &Broadcasting,
    rule: BroadcastRule,
    ops: &[crate::broadcast::BroadcastOp],
    what: Option<String>,
) -> String {
    let mut text = format!(
        "# the last line breaks \"{}\"\n# ({})\n# {}\n",
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
    text.push_str(&crate::broadcast::scenario_text(ops));
    text
}
