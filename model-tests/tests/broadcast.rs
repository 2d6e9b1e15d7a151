//! The BroadcastChannel model against the implementation, and the spec
//! coverage of the check: every BroadcastChannel step runs.

use model_tests::broadcast::{BroadcastOp, Payload, check_ops, run_broadcast_check};

#[test]
fn the_model_and_the_implementation_agree_on_random_sequences() {
    let report = run_broadcast_check(400, 7, &mut |_, _| {});
    assert!(
        report.counterexamples.is_empty(),
        "{}",
        report.counterexamples.join("\n\n")
    );
    assert_eq!(report.cases, 400);
}

#[test]
fn the_named_situations_agree() {
    use BroadcastOp::*;
    let create = |agent, name| Create { agent, name };
    let post = |channel, payload| Post { channel, payload };
    let cases: Vec<Vec<BroadcastOp>> = vec![
        // Creation order and self-exclusion, across agents and within one.
        vec![
            create(1, 0),
            create(0, 0),
            create(0, 0),
            post(1, Payload::Text(1)),
            Step,
            Step,
            Step,
        ],
        // Closed before the task runs; then posting on it throws.
        vec![
            create(0, 0),
            create(1, 0),
            post(0, Payload::Text(2)),
            Close { channel: 1 },
            Step,
            post(1, Payload::Text(3)),
        ],
        // A shared buffer: shared in cluster 0, a messageerror in cluster 1; D's key differs.
        vec![
            create(0, 0),
            create(1, 0),
            create(2, 0),
            create(3, 0),
            post(0, Payload::Shared),
            Step,
            Step,
            Step,
        ],
        // Garbage collection and an agent that went away.
        vec![
            create(0, 1),
            create(1, 1),
            create(1, 1),
            Listen { channel: 1 },
            Forget { channel: 1 },
            Forget { channel: 2 },
            Gc,
            Shutdown { agent: 1 },
            post(0, Payload::Text(0)),
            Step,
        ],
    ];
    for ops in cases {
        check_ops(&ops).unwrap_or_else(|e| panic!("{e}"));
    }
}

/// Issue 14's "done when": every BroadcastChannel step is executed by the
/// checks, as the coverage counters report.
#[test]
fn every_broadcast_channel_step_is_executed_by_the_check() {
    if !webmessaging::spec::TRACING {
        panic!("model-tests needs webmessaging's trace feature for coverage");
    }
    run_broadcast_check(300, 11, &mut |_, _| {});
    let ran = webmessaging::spec::coverage();
    let steps: Vec<String> = webmessaging::spec::catalogue()
        .into_iter()
        .map(|s| s.id)
        .filter(|id| id.contains("broadcast"))
        .collect();
    assert_eq!(
        steps.len(),
        18,
        "15 numbered steps and 3 prose requirements: {steps:?}"
    );
    let missing: Vec<&String> = steps.iter().filter(|id| !ran.contains_key(id.as_str())).collect();
    assert!(missing.is_empty(), "never executed: {missing:?}");
}
