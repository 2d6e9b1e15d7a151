//! The trace never claims a step that did not happen: each `step!` marker
//! sits inside the condition its step states. Each test runs something
//! through `spec::traced` and checks which steps are in the trace, and which
//! must not be (issue 9 item 5). Without the `trace` feature (a default
//! one) there is no trace, and nothing here is built.
#![cfg(feature = "trace")]

use webmessaging::ecmascript::{AgentClusterId, Heap, ObjectKind, Value};
use webmessaging::messaging::{AgentId, World};
use webmessaging::spec::traced;
use webmessaging::structured::{
    NoPlatformObjects, structured_clone, structured_deserialize, structured_serialize,
};

fn has(steps: &[&str], id: &str) -> bool {
    steps.contains(&id)
}

fn with_prefix<'a>(steps: &[&'a str], prefix: &str) -> Vec<&'a str> {
    steps.iter().copied().filter(|s| s.starts_with(prefix)).collect()
}

fn world(names: &[&str]) -> (World, Vec<AgentId>) {
    let mut world = World::new();
    let ids = names
        .iter()
        .map(|n| world.add_agent(*n, AgentClusterId(0)))
        .collect();
    (world, ids)
}

#[test]
fn close_on_a_port_no_longer_entangled_runs_no_disentangle_step() {
    let (mut world, ids) = world(&["A"]);
    let a = ids[0];
    let (p1, p2) = world.agent(a).new_message_channel("p1", "p2");
    let ((), first) = traced(|| world.agent(a).close(p1));
    assert_eq!(
        with_prefix(&first, "disentangle/"),
        ["disentangle/1", "disentangle/2", "disentangle/3", "disentangle/4"]
    );
    let ((), second) = traced(|| world.agent(a).close(p2));
    assert!(has(&second, "dom-messageport-close/1") && has(&second, "dom-messageport-close/2"));
    assert_eq!(
        with_prefix(&second, "disentangle/"),
        Vec::<&str>::new(),
        "{second:?}"
    );
}

#[test]
fn the_with_transfer_forms_supply_memory_so_step_1_does_not_run() {
    let mut realm = Heap::new(AgentClusterId(0));
    let object = realm.alloc(ObjectKind::Ordinary);
    let (clone, steps) =
        traced(|| structured_clone(&mut realm, &mut NoPlatformObjects, Value::Object(object), &[]));
    clone.unwrap();
    assert!(has(&steps, "structuredserializewithtransfer/1"));
    assert!(has(&steps, "structuredserializeinternal/2"));
    assert!(!has(&steps, "structuredserializeinternal/1"), "{steps:?}");
    assert!(has(&steps, "structureddeserializewithtransfer/1"));
    assert!(has(&steps, "structureddeserialize/2"));
    assert!(!has(&steps, "structureddeserialize/1"), "{steps:?}");

    // StructuredSerialize and StructuredDeserialize supply none: step 1 runs.
    let (serialized, steps) =
        traced(|| structured_serialize(&mut realm, &mut NoPlatformObjects, &Value::Object(object)));
    assert!(has(&steps, "structuredserializeinternal/1"));
    let serialized = serialized.unwrap();
    let (value, steps) = traced(|| structured_deserialize(&mut realm, &mut NoPlatformObjects, &serialized));
    value.unwrap();
    assert!(has(&steps, "structureddeserialize/1"));
}

#[test]
fn the_onmessage_setter_starts_the_queue_only_the_first_time() {
    let (mut world, ids) = world(&["A"]);
    let a = ids[0];
    let (p1, _) = world.agent(a).new_message_channel("p1", "p2");
    let ((), first) = traced(|| world.agent(a).set_onmessage(p1));
    assert!(has(&first, "handler-messageport-onmessage/1"));
    assert!(has(&first, "dom-messageport-start/1"));
    let ((), again) = traced(|| world.agent(a).set_onmessage(p1));
    assert_eq!(
        again,
        Vec::<&str>::new(),
        "setting onmessage again starts nothing"
    );
}

#[test]
fn a_worker_style_global_message_is_not_the_port_post_message_steps_task() {
    let (mut world, ids) = world(&["A", "B"]);
    let (a, b) = (ids[0], ids[1]);
    let (p1, p2) = world.agent(a).new_message_channel("p1", "p2");
    let object = *world.agent(a).port(p2).unwrap().object();
    let global = world.agent(b).global_port();
    world
        .agent(a)
        .post_to_global(&global, Value::Undefined, &[object])
        .unwrap();
    let (event, steps) = traced(|| world.step());
    assert_eq!(event.unwrap().1.target_label(), "global");
    assert_eq!(
        with_prefix(&steps, "message-port-post-message-steps/"),
        Vec::<&str>::new()
    );
    assert!(!has(&steps, "unshipped-port-message-queue/1"), "{steps:?}");
    // The port it carried is received all the same.
    assert!(has(&steps, "transferMessagePort-receiving/1"));

    // A port's message runs the task's steps, 7.1 to 7.7.
    let p2_at_b = world.agent(b).port_by_label("p2@B").unwrap();
    world.agent(b).start(p2_at_b);
    world.agent(a).post_message(p1, Value::Number(1.0), &[]).unwrap();
    let (event, steps) = traced(|| world.step());
    assert_eq!(event.unwrap().1.target_label(), "p2@B");
    let task: Vec<&str> = (1..=7)
        .map(|n| match n {
            1 => "message-port-post-message-steps/7.1",
            2 => "message-port-post-message-steps/7.2",
            3 => "message-port-post-message-steps/7.3",
            4 => "message-port-post-message-steps/7.4",
            5 => "message-port-post-message-steps/7.5",
            6 => "message-port-post-message-steps/7.6",
            _ => "message-port-post-message-steps/7.7",
        })
        .collect();
    assert_eq!(with_prefix(&steps, "message-port-post-message-steps/"), task);
    // p2@B has been shipped: its queue is not part of the unshipped one.
    assert!(!has(&steps, "unshipped-port-message-queue/1"), "{steps:?}");
}

#[test]
fn the_unshipped_port_message_queue_is_traced_for_unshipped_ports() {
    let (mut world, ids) = world(&["A"]);
    let a = ids[0];
    let (p1, p2) = world.agent(a).new_message_channel("p1", "p2");
    world.agent(a).start(p2);
    world.agent(a).post_message(p1, Value::Number(1.0), &[]).unwrap();
    let (_, steps) = traced(|| world.step());
    assert!(has(&steps, "unshipped-port-message-queue/1"), "{steps:?}");
}

#[test]
fn garbage_collection_claims_only_what_it_did() {
    let (mut world, ids) = world(&["A"]);
    let a = ids[0];
    let (p1, p2) = world.agent(a).new_message_channel("p1", "p2");
    // Nothing to collect, no listeners, no pending events: no rule applies.
    let (collected, steps) = traced(|| world.collect_garbage());
    assert!(collected.is_empty());
    assert_eq!(
        with_prefix(&steps, "ports-and-garbage-collection/"),
        Vec::<&str>::new()
    );
    // p2 listens and p1 holds it: rule 2.
    world.agent(a).set_onmessage(p2);
    world.agent(a).forget(p2);
    let (collected, steps) = traced(|| world.collect_garbage());
    assert!(collected.is_empty());
    assert_eq!(
        with_prefix(&steps, "ports-and-garbage-collection/"),
        ["ports-and-garbage-collection/2"]
    );
    // Both forgotten: p1 goes first (disentangled: rule 1), then p2, which
    // by then is no longer entangled (no rule 1, no disentangle steps).
    world.agent(a).forget(p1);
    let (collected, steps) = traced(|| world.collect_garbage());
    assert_eq!(collected.len(), 2, "{collected:?}");
    assert_eq!(
        with_prefix(&steps, "ports-and-garbage-collection/"),
        ["ports-and-garbage-collection/1"]
    );
    assert_eq!(with_prefix(&steps, "disentangle/").len(), 4);
}

#[test]
fn an_agent_going_away_is_not_garbage_collection() {
    let (mut world, ids) = world(&["A"]);
    let a = ids[0];
    world.agent(a).new_message_channel("p1", "p2");
    let ((), steps) = traced(|| world.agent(a).shut_down());
    assert_eq!(
        with_prefix(&steps, "ports-and-garbage-collection/"),
        Vec::<&str>::new()
    );
    assert_eq!(
        with_prefix(&steps, "disentangle/").len(),
        4,
        "one channel, disentangled once"
    );
}

#[test]
fn a_pending_close_keeps_its_port_by_rule_3() {
    let (mut world, ids) = world(&["A"]);
    let a = ids[0];
    let (p1, p2) = world.agent(a).new_message_channel("p1", "p2");
    world.agent(a).close(p1);
    world.agent(a).forget(p1);
    world.agent(a).forget(p2);
    let (collected, steps) = traced(|| world.collect_garbage());
    assert_eq!(
        collected.len(),
        1,
        "p1 goes, p2 waits for its close: {collected:?}"
    );
    assert_eq!(
        with_prefix(&steps, "ports-and-garbage-collection/"),
        ["ports-and-garbage-collection/3"]
    );
}

/// The same through `run --trace`: closing both ends of a channel runs the
/// disentangle steps once, for the first close only; the second port's
/// `close` event fires all the same.
#[cfg(feature = "notation")]
#[test]
fn a_traced_scenario_disentangles_once_for_two_closes() {
    use webmessaging::scenario::{RunOptions, parse, run};
    let scenario = parse("agent A\nchannel A p q\nlisten q close\nclose p\nclose q\nrun\n").unwrap();
    let options = RunOptions {
        trace: true,
        ..RunOptions::default()
    };
    let output = run(&scenario, &options).unwrap();
    let count = |id: &str| {
        output
            .lines
            .iter()
            .filter(|l| l.trim() == format!("step {id}"))
            .count()
    };
    assert_eq!(count("dom-messageport-close/2"), 2, "{:#?}", output.lines);
    for n in 1..=4 {
        assert_eq!(count(&format!("disentangle/{n}")), 1, "{:#?}", output.lines);
    }
    assert!(
        output.lines.contains(&"A q close".to_owned()),
        "{:#?}",
        output.lines
    );
}
