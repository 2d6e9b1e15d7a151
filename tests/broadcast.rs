//! BroadcastChannel on the deterministic stepper: what script can observe
//! of the standard's "Broadcasting to other browsing contexts".

use webmessaging::ecmascript::{
    AgentClusterId, ArrayBufferState, JsString, ObjectId, ObjectKind, SharedDataBlock, Value,
};
use webmessaging::messaging::{
    AgentId, BroadcastError, DispatchedEvent, EventTarget, EventType, StorageKey, World,
};

fn text(s: &str) -> Value<ObjectId> {
    Value::String(JsString::from(s))
}

fn name(s: &str) -> Value<ObjectId> {
    text(s)
}

/// `AGENT LABEL EVENT [DATA]` for each event.
fn summary(events: &[(AgentId, DispatchedEvent)]) -> Vec<String> {
    events
        .iter()
        .map(|(_, e)| {
            let data = match &e.data {
                Some(Value::String(s)) => format!(" {}", s.to_string_lossy()),
                _ => String::new(),
            };
            format!("{} {} {}{data}", e.agent(), e.target_label(), e.event)
        })
        .collect()
}

fn world(clusters: &[(&str, u64)]) -> (World, Vec<AgentId>) {
    let mut world = World::new();
    let ids = clusters
        .iter()
        .map(|(n, c)| world.add_agent(*n, AgentClusterId(*c)))
        .collect();
    (world, ids)
}

#[test]
fn every_other_channel_of_the_name_receives_in_creation_order() {
    let (mut w, ids) = world(&[("A", 0), ("B", 0)]);
    let (a, b) = (ids[0], ids[1]);
    let b1 = w.agent(b).new_broadcast_channel(&name("n"), "b1").unwrap();
    let a1 = w.agent(a).new_broadcast_channel(&name("n"), "a1").unwrap();
    let a2 = w.agent(a).new_broadcast_channel(&name("n"), "a2").unwrap();
    w.agent(a).new_broadcast_channel(&name("other"), "x").unwrap();
    assert!(b1 < a1 && a1 < a2);
    assert_eq!(w.agent(a).post_broadcast(a1, text("hi")).unwrap(), 2);
    let events = w.run_until_idle(10);
    // Not a1 itself; a2 in the same agent does receive.
    assert_eq!(summary(&events), ["B b1 message hi", "A a2 message hi"]);
    assert_eq!(events[1].1.target, EventTarget::Broadcast(a2));
    // The MessageEvent's origin is the poster's.
    assert_eq!(
        events[0].1.origin.as_deref(),
        Some(StorageKey::default().0.as_str())
    );
}

#[test]
fn posting_on_a_closed_channel_is_an_invalid_state_error() {
    let (mut w, ids) = world(&[("A", 0)]);
    let c = w.agent(ids[0]).new_broadcast_channel(&name("n"), "c").unwrap();
    w.agent(ids[0]).close_broadcast(c);
    let error = w.agent(ids[0]).post_broadcast(c, text("x")).unwrap_err();
    assert!(matches!(error, BroadcastError::InvalidState));
    assert!(error.to_string().starts_with("InvalidStateError"));
}

#[test]
fn a_channel_closed_before_its_task_runs_gets_nothing() {
    let (mut w, ids) = world(&[("A", 0), ("B", 0)]);
    let a1 = w.agent(ids[0]).new_broadcast_channel(&name("n"), "a1").unwrap();
    let b1 = w.agent(ids[1]).new_broadcast_channel(&name("n"), "b1").unwrap();
    w.agent(ids[1]).new_broadcast_channel(&name("n"), "b2").unwrap();
    assert_eq!(w.agent(ids[0]).post_broadcast(a1, text("one")).unwrap(), 2);
    w.agent(ids[1]).close_broadcast(b1);
    // Closed: a later post no longer counts it.
    assert_eq!(w.agent(ids[0]).post_broadcast(a1, text("two")).unwrap(), 1);
    let events = w.run_until_idle(10);
    assert_eq!(summary(&events), ["B b2 message one", "B b2 message two"]);
}

#[test]
fn a_channel_made_after_the_post_gets_nothing() {
    let (mut w, ids) = world(&[("A", 0)]);
    let a1 = w.agent(ids[0]).new_broadcast_channel(&name("n"), "a1").unwrap();
    assert_eq!(w.agent(ids[0]).post_broadcast(a1, text("early")).unwrap(), 0);
    w.agent(ids[0]).new_broadcast_channel(&name("n"), "late").unwrap();
    assert!(w.run_until_idle(10).is_empty());
}

#[test]
fn storage_keys_separate_channels_of_one_name() {
    let (mut w, ids) = world(&[("A", 0), ("B", 0), ("C", 0)]);
    w.agent(ids[1])
        .set_storage_key(StorageKey("https://other.example".into()));
    let a1 = w.agent(ids[0]).new_broadcast_channel(&name("n"), "a1").unwrap();
    w.agent(ids[1]).new_broadcast_channel(&name("n"), "b1").unwrap();
    w.agent(ids[2]).new_broadcast_channel(&name("n"), "c1").unwrap();
    w.agent(ids[0]).post_broadcast(a1, text("x")).unwrap();
    assert_eq!(summary(&w.run_until_idle(10)), ["C c1 message x"]);
}

fn shared_buffer(w: &mut World, agent: AgentId, block: &SharedDataBlock) -> Value<ObjectId> {
    Value::Object(
        w.agent(agent)
            .realm_mut()
            .alloc(ObjectKind::array_buffer_of(ArrayBufferState::Shared {
                block: block.clone(),
                max_byte_length: None,
            })),
    )
}

#[test]
fn a_shared_buffer_is_shared_within_a_cluster_and_a_messageerror_across() {
    let (mut w, ids) = world(&[("A", 1), ("B", 1), ("C", 2)]);
    let a1 = w.agent(ids[0]).new_broadcast_channel(&name("n"), "a1").unwrap();
    w.agent(ids[1]).new_broadcast_channel(&name("n"), "b1").unwrap();
    w.agent(ids[2]).new_broadcast_channel(&name("n"), "c1").unwrap();
    let block = SharedDataBlock::new(vec![0; 4]);
    let sab = shared_buffer(&mut w, ids[0], &block);
    assert_eq!(w.agent(ids[0]).post_broadcast(a1, sab).unwrap(), 2);
    let events = w.run_until_idle(10);
    assert_eq!(summary(&events), ["B b1 message", "C c1 messageerror"]);
    assert!(events[1].1.error.as_deref().unwrap().contains("agent cluster"));
    assert!(
        events[1].1.origin.is_some(),
        "a messageerror carries the origin too"
    );
    let Some(Value::Object(received)) = &events[0].1.data else {
        panic!("B received no object")
    };
    let Some(ArrayBufferState::Shared { block: got, .. }) =
        w.agent(ids[1]).realm().object(*received).kind().as_array_buffer()
    else {
        panic!("B received no SharedArrayBuffer")
    };
    assert!(got.same_block(&block), "the memory is shared, not copied");
}

#[test]
fn the_name_is_converted_as_a_domstring() {
    let (mut w, ids) = world(&[("A", 0)]);
    let agent = w.agent(ids[0]);
    let c = agent.new_broadcast_channel(&Value::Number(42.0), "c").unwrap();
    assert_eq!(agent.broadcast_name(c).unwrap().to_string_lossy(), "42");
    let u = agent.new_broadcast_channel(&Value::Undefined, "u").unwrap();
    assert_eq!(agent.broadcast_name(u).unwrap().to_string_lossy(), "undefined");
}

#[test]
fn an_agent_that_went_away_posts_and_receives_nothing() {
    let (mut w, ids) = world(&[("A", 0), ("B", 0)]);
    let a1 = w.agent(ids[0]).new_broadcast_channel(&name("n"), "a1").unwrap();
    let b1 = w.agent(ids[1]).new_broadcast_channel(&name("n"), "b1").unwrap();
    w.agent(ids[0]).post_broadcast(a1, text("queued")).unwrap();
    w.agent(ids[1]).shut_down();
    assert_eq!(w.agent(ids[1]).post_broadcast(b1, text("x")).unwrap(), 0);
    assert_eq!(w.agent(ids[0]).post_broadcast(a1, text("y")).unwrap(), 0);
    assert!(w.run_until_idle(10).is_empty());
}

#[test]
fn an_open_listening_channel_is_kept_and_a_closed_one_collected() {
    let (mut w, ids) = world(&[("A", 0)]);
    let agent = w.agent(ids[0]);
    let kept = agent.new_broadcast_channel(&name("n"), "kept").unwrap();
    let closed = agent.new_broadcast_channel(&name("n"), "closed").unwrap();
    let quiet = agent.new_broadcast_channel(&name("n"), "quiet").unwrap();
    agent.set_broadcast_onmessage(kept);
    agent.add_broadcast_listener(closed, EventType::Message);
    agent.close_broadcast(closed);
    for c in [kept, closed, quiet] {
        agent.forget_broadcast(c);
    }
    let collected: Vec<String> = w.collect_garbage().into_iter().map(|(_, l)| l).collect();
    assert_eq!(collected, ["closed", "quiet"]);
    assert!(w.agent(ids[0]).broadcast_channel(kept).is_some());
}

#[test]
fn a_queued_task_keeps_its_channel_until_it_runs() {
    let (mut w, ids) = world(&[("A", 0), ("B", 0)]);
    let a1 = w.agent(ids[0]).new_broadcast_channel(&name("n"), "a1").unwrap();
    let b1 = w.agent(ids[1]).new_broadcast_channel(&name("n"), "b1").unwrap();
    w.agent(ids[0]).post_broadcast(a1, text("x")).unwrap();
    w.agent(ids[1]).forget_broadcast(b1);
    assert!(w.collect_garbage().is_empty());
    assert_eq!(summary(&w.run_until_idle(10)), ["B b1 message x"]);
    assert_eq!(w.collect_garbage().len(), 1);
}

#[test]
fn a_heap_collection_keeps_the_channels_objects() {
    let (mut w, ids) = world(&[("A", 0), ("B", 0)]);
    let (a, b) = (ids[0], ids[1]);
    let a1 = w.agent(a).new_broadcast_channel(&name("n"), "a1").unwrap();
    let b1 = w.agent(b).new_broadcast_channel(&name("n"), "b1").unwrap();
    assert!(w.agent(b).messaging().broadcast_object(b1).is_some());
    let live = w.agent(b).realm().live_objects();
    // Nothing else in B's heap reaches the channel's object: only its being
    // a live BroadcastChannel keeps it.
    assert_eq!(w.agent(b).collect_heap(), 0, "b1's object survived");
    assert_eq!(w.agent(b).realm().live_objects(), live);
    assert_eq!(w.agent(a).post_broadcast(a1, text("after")).unwrap(), 1);
    let events = w.run_until_idle(10);
    assert_eq!(summary(&events), ["B b1 message after"]);
}

#[test]
fn a_retired_agent_neither_receives_nor_posts_from_then_on() {
    let (mut w, ids) = world(&[("main", 0), ("worker", 0)]);
    let (main, worker) = (ids[0], ids[1]);
    let m = w.agent(main).new_broadcast_channel(&name("n"), "m").unwrap();
    let k = w.agent(worker).new_broadcast_channel(&name("n"), "k").unwrap();
    w.agent(worker).set_broadcast_onmessage(k);
    // Queued before the worker is terminated: dropped with its channels.
    assert_eq!(w.agent(main).post_broadcast(m, text("queued")).unwrap(), 1);
    // Another thread terminates the worker: it knows the worker's signal.
    let signal = w.agent(worker).messaging().signal();
    let clock = w.agent(worker).messaging().clock();
    assert_eq!(clock.broadcasts().retire_agent(&signal), 1);
    assert_eq!(w.agent(main).post_broadcast(m, text("after")).unwrap(), 0);
    // The worker's script, still running, posts nothing, on an old channel
    // or a new one, and throws nothing.
    assert_eq!(w.agent(worker).post_broadcast(k, text("old")).unwrap(), 0);
    let late = w.agent(worker).new_broadcast_channel(&name("n"), "late").unwrap();
    assert_eq!(w.agent(worker).post_broadcast(late, text("new")).unwrap(), 0);
    assert_eq!(w.agent(main).post_broadcast(m, text("again")).unwrap(), 0);
    assert!(w.run_until_idle(10).is_empty());
    // Retiring again finds nothing of it.
    assert_eq!(clock.broadcasts().retire_agent(&signal), 0);
    // Its global no longer holds its listening channel: once script lets
    // go, it is collected.
    w.agent(worker).forget_broadcast(k);
    w.agent(worker).forget_broadcast(late);
    let mut collected: Vec<String> = w.collect_garbage().into_iter().map(|(_, l)| l).collect();
    collected.sort();
    assert_eq!(collected, ["k", "late"]);
}
