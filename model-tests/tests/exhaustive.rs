//! The exhaustive search (model_tests::exhaustive): a small bound passes
//! with the implementation compared on every transition, each deliberate
//! bug is caught with a replayable counterexample, the canonical form never
//! changes what the model does, and the search's one exception is where the
//! reading close-is-a-task says.

use model_tests::exhaustive::{Messaging, Options, Rule, Universe, search};
use model_tests::model::{Model, Mutation};
use model_tests::scenario::{AGENTS, Op, parse_scenario};
use model_tests::state_machine::{ChannelMessaging, check_sequence};
use proptest::prelude::*;
use proptest_state_machine::ReferenceStateMachine;

/// A universe small enough for a debug build: two agents in one cluster,
/// one channel, one message in flight.
fn small(depth: usize) -> Universe {
    Universe {
        agents: 2,
        clusters: 1,
        channels: 1,
        messages: 1,
        ports: 3,
        transfer: 1,
        listeners: 1,
        depth: Some(depth),
        mutation: None,
    }
}

#[test]
fn a_small_bound_breaks_nothing_and_the_implementation_agrees() {
    let report = search(&small(4), Options::default(), &mut |_| {});
    assert_eq!(report.failures(), 0, "{}", report.to_text());
    assert_eq!(report.properties, Rule::ALL.len());
    assert_eq!(report.depth, 4);
    assert!(report.states > 500, "{}", report.to_text());
    // Every action of every state below the bound was compared.
    assert!(report.compared > report.states, "{}", report.to_text());
    assert!(report.summary_line().ends_with("0 violations"));
}

/// One agent reaches, within five operations, a `close` queued behind a
/// message in a queue never started, at a port script then forgets: the
/// collector may take it (rule 3 counts neither the message nor that
/// `close`), and every rule agrees.
#[test]
fn one_agent_to_depth_five_breaks_nothing() {
    let universe = Universe {
        agents: 1,
        ports: 2,
        depth: Some(5),
        ..small(5)
    };
    let report = search(&universe, Options::default(), &mut |_| {});
    assert_eq!(report.failures(), 0, "{}", report.to_text());
    assert_eq!(report.depth, 5);
}

#[test]
fn the_default_universe_breaks_nothing_to_depth_three() {
    let universe = Universe {
        depth: Some(3),
        ..Universe::default_check()
    };
    let report = search(&universe, Options::default(), &mut |_| {});
    assert_eq!(report.failures(), 0, "{}", report.to_text());
    assert_eq!(report.depth, 3);
}

/// Each deliberate bug, the rule that must catch it, and the depth it needs.
const MUTATIONS: [(Mutation, Rule, usize); 3] = [
    (Mutation::ShippedOriginalKeepsQueue, Rule::OneOwner, 3),
    (Mutation::CloseBeforeMessages, Rule::CloseAfterMessages, 4),
    (Mutation::CollectListeningPort, Rule::ListenerKeepsPort, 4),
];

#[test]
fn each_mutation_is_caught_with_a_replayable_counterexample() {
    for (mutation, rule, depth) in MUTATIONS {
        let universe = Universe {
            mutation: Some(mutation),
            ..small(depth)
        };
        let report = search(&universe, Options::default(), &mut |_| {});
        let violation = report
            .violations
            .iter()
            .find(|v| v.property == rule.name())
            .unwrap_or_else(|| panic!("{mutation:?} not caught by {rule:?}:\n{}", report.to_text()));
        // The counterexample is a scenario: it parses, and on the mutated
        // model its last state breaks the rule; on the true model it does
        // not, and the implementation agrees with the true model on it.
        let ops = parse_scenario(&violation.scenario).expect("the counterexample parses");
        assert!(ops.len() <= depth, "{}", violation.scenario);
        let mutated = Messaging::new(universe.clone());
        assert!(
            rule.explain(&mutated.state_after(&ops)).is_some(),
            "{}",
            violation.scenario
        );
        let true_model = Messaging::new(small(depth));
        assert_eq!(
            rule.explain(&true_model.state_after(&ops)),
            None,
            "{}",
            violation.scenario
        );
        check_sequence(&ops).expect("the implementation follows the true model");
        assert!(
            violation.scenario.contains(&format!("# ({})", rule.source())),
            "{}",
            violation.scenario
        );
        // The implementation, compared with the mutated model, disagrees.
        assert!(
            !report.mismatches.is_empty(),
            "{mutation:?}:\n{}",
            report.to_text()
        );
        assert!(report.mismatches[0].contains("the implementation and the model disagree"));
    }
}

/// A `close` waiting behind a message in a queue never started is not yet a
/// task of the event loop (reading close-is-a-task): it keeps its port no
/// more than the message does, so a port script forgot is collected, in the
/// model and in the implementation alike.
#[test]
fn a_close_waiting_behind_a_message_keeps_nothing() {
    let ops = parse_scenario("channel A p q\npost p 1\nclose p\nforget p\nforget q\nrun\ngc").unwrap();
    let space = Messaging::new(Universe::default_check());
    let state = space.state_after(&ops);
    assert!(state.model.live_ports().is_empty());
    assert_eq!(Rule::IdleIsCollectable.explain(&state), None);
    check_sequence(&ops).expect("the implementation collects it too");
    // With nothing before it, the close can be dispatched: it keeps q until
    // it has fired.
    let alone = parse_scenario("channel A p q\nclose p\nforget q\ngc").unwrap();
    let state = space.state_after(&alone);
    assert!(state.model.live_ports().iter().any(|p| p.label == "q"));
}

#[test]
fn independent_operations_in_either_order_reach_one_state() {
    let space = Messaging::new(Universe::default_check());
    let one =
        space.state_after(&parse_scenario("channel A p1 q1\nonmessage p1\npost q1 0\nstart q1").unwrap());
    let two =
        space.state_after(&parse_scenario("channel A p1 q1\nstart q1\nonmessage p1\npost q1 0").unwrap());
    assert_eq!(one, two);
    // Collected ports and released queues leave no trace; clocks renumber.
    let three = space.state_after(
        &parse_scenario("channel A p1 q1\npost q1 0\nrun\nclose p1\nrun\nforget p1\nforget q1\ngc").unwrap(),
    );
    assert!(three.model.snapshot().is_empty());
    let four = space
        .state_after(&parse_scenario("channel B p1 q1\nclose q1\nforget p1\nforget q1\nrun\ngc").unwrap());
    assert_eq!(three.model, four.model);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The canonical form changes nothing the model does: a model put in
    /// canonical form after every operation observes the same as one never
    /// put in it, and shows the same port states.
    #[test]
    fn the_canonical_form_changes_nothing(
        (_, ops, _) in ChannelMessaging::sequential_strategy(1..=30)
    ) {
        let ops: Vec<Op> = ops;
        let mut plain = Model::new(&AGENTS);
        let mut canonical = Model::new(&AGENTS);
        for op in &ops {
            let seen = plain.apply(op);
            prop_assert_eq!(canonical.apply(op), seen, "{}", op);
            canonical.canonicalize();
            prop_assert_eq!(canonical.snapshot(), plain.snapshot(), "{}", op);
        }
    }
}
