//! The exhaustive BroadcastChannel search
//! (model_tests::exhaustive::search_broadcast): a small bound passes with
//! the implementation compared on every transition, and each deliberate
//! bug in the model is caught twice, by the rule it breaks (with a
//! counterexample naming it) and by the implementation disagreeing.

use model_tests::broadcast::{BroadcastMutation, BroadcastOp, Payload};
use model_tests::exhaustive::{BroadcastRule, BroadcastUniverse, Broadcasting, Options, search_broadcast};

/// Small enough for a debug build: A, B and C (C in another agent
/// cluster), one name, two channels, two tasks waiting.
fn small(depth: usize) -> BroadcastUniverse {
    BroadcastUniverse {
        agents: 3,
        names: 1,
        channels: 2,
        messages: 2,
        shared: true,
        shutdown: false,
        depth: Some(depth),
        mutation: None,
    }
}

#[test]
fn a_small_bound_breaks_nothing_and_the_implementation_agrees() {
    let report = search_broadcast(&small(4), Options::default(), &mut |_| {});
    assert_eq!(report.failures(), 0, "{}", report.to_text());
    assert_eq!(report.properties, BroadcastRule::ALL.len());
    assert_eq!(report.depth, 4);
    assert!(report.states > 500, "{}", report.to_text());
    assert!(report.compared > report.states, "{}", report.to_text());
}

#[test]
fn storage_keys_and_shutdown_break_nothing() {
    let universe = BroadcastUniverse {
        agents: 4,
        names: 2,
        shutdown: true,
        ..small(3)
    };
    let report = search_broadcast(&universe, Options::default(), &mut |_| {});
    assert_eq!(report.failures(), 0, "{}", report.to_text());
}

/// Each deliberate bug, the rule that must catch it, the agents and
/// channels it needs (D has another storage key; a late channel needs a
/// third) and the depth.
const MUTATIONS: [(BroadcastMutation, BroadcastRule, usize, usize, usize); 5] = [
    (
        BroadcastMutation::DeliverAfterClose,
        BroadcastRule::NothingAfterClose,
        3,
        2,
        5,
    ),
    (
        BroadcastMutation::JoinInFlight,
        BroadcastRule::NotBeforeCreation,
        3,
        3,
        6,
    ),
    (BroadcastMutation::NewestFirst, BroadcastRule::InOrder, 3, 2, 5),
    (BroadcastMutation::EchoToSelf, BroadcastRule::NotToItself, 3, 2, 3),
    (
        BroadcastMutation::IgnoreStorageKey,
        BroadcastRule::SameNameAndKey,
        4,
        2,
        4,
    ),
];

#[test]
fn each_mutation_is_caught_by_its_rule_and_by_the_implementation() {
    for (mutation, rule, agents, channels, depth) in MUTATIONS {
        let universe = BroadcastUniverse {
            agents,
            channels,
            mutation: Some(mutation),
            ..small(depth)
        };
        let report = search_broadcast(&universe, Options::default(), &mut |_| {});
        let violation = report
            .violations
            .iter()
            .find(|v| v.property == rule.name())
            .unwrap_or_else(|| panic!("{mutation:?} not caught by {rule:?}:\n{}", report.to_text()));
        // The counterexample says which rule, where from, and the bug.
        assert!(
            violation.scenario.contains(&format!("# ({})", rule.source())),
            "{}",
            violation.scenario
        );
        assert!(
            violation.scenario.contains(mutation.name()),
            "{}",
            violation.scenario
        );
        assert!(violation.scenario.contains("agent A cluster 0 storage-key k1"));
        // The implementation, compared with the mutated model, disagrees.
        assert!(
            !report.mismatches.is_empty(),
            "{mutation:?}:\n{}",
            report.to_text()
        );
        assert!(
            report.mismatches[0].contains("the implementation and the model disagree"),
            "{}",
            report.mismatches[0]
        );
    }
}

/// The shortest way to break "nothing after close" on the mutated model:
/// two channels, a post, a close of the receiver, a step. The true model
/// gives the same operations no broken rule.
#[test]
fn close_racing_delivery_is_the_counterexample_of_deliver_after_close() {
    let ops = [
        BroadcastOp::Create { agent: 0, name: 0 },
        BroadcastOp::Create { agent: 1, name: 0 },
        BroadcastOp::Post {
            channel: 0,
            payload: Payload::Text(0),
        },
        BroadcastOp::Close { channel: 1 },
        BroadcastOp::Step,
    ];
    let mutated = Broadcasting::new(BroadcastUniverse {
        mutation: Some(BroadcastMutation::DeliverAfterClose),
        ..small(5)
    });
    let rule = BroadcastRule::NothingAfterClose;
    let explained = rule.explain(&mutated.state_after(&ops));
    assert_eq!(explained.as_deref(), Some("c1 got a message after its close"));
    let true_model = Broadcasting::new(small(5));
    assert_eq!(rule.explain(&true_model.state_after(&ops)), None);
}

#[test]
fn mutation_names_round_trip() {
    for mutation in BroadcastMutation::ALL {
        assert_eq!(BroadcastMutation::from_name(mutation.name()), Some(mutation));
    }
    assert_eq!(BroadcastMutation::from_name("no-such-bug"), None);
}
