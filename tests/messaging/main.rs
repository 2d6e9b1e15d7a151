//! Channel messaging on the deterministic stepper: every behaviour of the
//! standard's "Channel messaging" section that script can observe.

use webmessaging::ecmascript::{AgentClusterId, ArrayBufferState, JsString, ObjectId, ObjectKind, Value};
use webmessaging::messaging::{AgentId, DispatchedEvent, EventType, PortId, PostOutcome, World};
use webmessaging::structured::CloneError;

mod closing;
mod collection;
mod shipping;

fn world_with(names: &[&str]) -> (World, Vec<AgentId>) {
    let mut world = World::new();
    let ids = names
        .iter()
        .map(|n| world.add_agent(*n, AgentClusterId(0)))
        .collect();
    (world, ids)
}

fn text(s: &str) -> Value<ObjectId> {
    Value::String(JsString::from(s))
}

fn data_text(event: &DispatchedEvent) -> Option<String> {
    match &event.data {
        Some(Value::String(s)) => s.to_rust_string(),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    }
}

/// (agent, target, event, data) for each event, for compact assertions.
fn summary(events: &[(AgentId, DispatchedEvent)]) -> Vec<String> {
    events
        .iter()
        .map(|(_, e)| {
            let data = data_text(e).map(|d| format!(" {d}")).unwrap_or_default();
            let ports = if e.ports.is_empty() {
                String::new()
            } else {
                format!(" ports={:?}", e.port_labels().collect::<Vec<_>>())
            };
            format!("{} {} {}{data}{ports}", e.agent(), e.target_label(), e.event)
        })
        .collect()
}

/// `through.postMessage(undefined, [port])` in `agent`.
fn send_port(world: &mut World, agent: AgentId, through: PortId, port: PortId) {
    let object = *world.agent(agent).port(port).unwrap().object();
    world
        .agent(agent)
        .post_message(through, Value::Undefined, &[object])
        .unwrap();
}

/// Moves `port` of agent `from` to agent `to` the way a worker's
/// postMessage would, and returns the port as `to` received it.
fn ship(world: &mut World, from: AgentId, port: PortId, to: AgentId) -> PortId {
    let object = *world.agent(from).port(port).unwrap().object();
    let global = world.agent(to).global_port();
    world
        .agent(from)
        .post_to_global(&global, Value::Undefined, &[object])
        .unwrap();
    let mut received = None;
    while let Some((agent, event)) = world.step() {
        if agent == to && event.target_label() == "global" {
            received = event.ports.first().copied();
            break;
        }
    }
    received.expect("the shipped port arrives")
}

#[test]
fn messages_wait_until_the_queue_is_started() {
    let (mut world, ids) = world_with(&["A"]);
    let a = ids[0];
    let (p1, p2) = world.agent(a).new_message_channel("p1", "p2");
    assert_eq!(
        world.agent(a).post_message(p1, text("hello"), &[]).unwrap(),
        PostOutcome::Queued
    );
    assert!(
        world.run_until_idle(100).is_empty(),
        "a disabled queue delivers nothing"
    );
    world.agent(a).start(p2);
    assert_eq!(summary(&world.run_until_idle(100)), ["A p2 message hello"]);
}

#[test]
fn setting_onmessage_starts_the_queue_but_listeners_do_not() {
    let (mut world, ids) = world_with(&["A"]);
    let a = ids[0];
    let (p1, p2) = world.agent(a).new_message_channel("p1", "p2");
    world.agent(a).post_message(p2, text("to p1"), &[]).unwrap();
    world.agent(a).post_message(p1, text("to p2"), &[]).unwrap();
    world.agent(a).add_event_listener(p1, EventType::Message);
    assert!(world.run_until_idle(100).is_empty());
    world.agent(a).set_onmessage(p2);
    assert_eq!(summary(&world.run_until_idle(100)), ["A p2 message to p2"]);
    world.agent(a).start(p1);
    world.agent(a).start(p1); // idempotent
    assert_eq!(summary(&world.run_until_idle(100)), ["A p1 message to p1"]);
}

#[test]
fn unshipped_ports_deliver_in_posting_order_across_ports() {
    let (mut world, ids) = world_with(&["A"]);
    let a = ids[0];
    let (x1, x2) = world.agent(a).new_message_channel("x1", "x2");
    let (y1, y2) = world.agent(a).new_message_channel("y1", "y2");
    for (i, (from, _)) in [(x1, x2), (y1, y2), (x1, x2), (y1, y2)].into_iter().enumerate() {
        world
            .agent(a)
            .post_message(from, Value::Number(i as f64), &[])
            .unwrap();
    }
    world.agent(a).start(y2);
    world.agent(a).start(x2);
    let got = summary(&world.run_until_idle(100));
    assert_eq!(
        got,
        [
            "A x2 message 0",
            "A y2 message 1",
            "A x2 message 2",
            "A y2 message 3"
        ]
    );
}

#[test]
fn the_source_port_in_its_own_transfer_list_is_a_data_clone_error() {
    let (mut world, ids) = world_with(&["A"]);
    let a = ids[0];
    let (p1, p2) = world.agent(a).new_message_channel("p1", "p2");
    let own = *world.agent(a).port(p1).unwrap().object();
    let err = world.agent(a).post_message(p1, text("x"), &[own]).unwrap_err();
    assert!(matches!(err, CloneError::DataClone(_)), "{err}");
    world.agent(a).start(p2);
    assert!(world.run_until_idle(10).is_empty(), "nothing was enqueued");
    assert!(world.agent(a).is_entangled(p1), "the channel is intact");
}

#[test]
fn the_target_port_in_the_transfer_list_dooms_the_channel() {
    let (mut world, ids) = world_with(&["A"]);
    let a = ids[0];
    let (p1, p2) = world.agent(a).new_message_channel("p1", "p2");
    world.agent(a).add_event_listener(p1, EventType::Close);
    world.agent(a).start(p1);
    let target = *world.agent(a).port(p2).unwrap().object();
    assert_eq!(
        world.agent(a).post_message(p1, text("lost"), &[target]).unwrap(),
        PostOutcome::Doomed
    );
    // The target port was transferred into a holder that is never received:
    // it is gone, so the source port sees the channel close.
    assert_eq!(summary(&world.run_until_idle(10)), ["A p1 close"]);
    assert!(!world.agent(a).is_entangled(p1));
    assert_eq!(
        world.agent(a).post_message(p1, text("after"), &[]).unwrap(),
        PostOutcome::NoTargetPort
    );
}

#[test]
fn a_serialization_error_reaches_the_caller_and_nothing_is_enqueued() {
    let (mut world, ids) = world_with(&["A"]);
    let a = ids[0];
    let (p1, p2) = world.agent(a).new_message_channel("p1", "p2");
    let f = world.agent(a).realm_mut().alloc(ObjectKind::Function);
    let buffer = world
        .agent(a)
        .realm_mut()
        .alloc(ObjectKind::array_buffer_of(ArrayBufferState::Owned {
            data: Some(vec![1, 2]),
            max_byte_length: None,
            detach_key: false,
        }));
    let err = world
        .agent(a)
        .post_message(p1, Value::Object(f), &[buffer])
        .unwrap_err();
    assert!(matches!(err, CloneError::DataClone(_)));
    match world.agent(a).realm().object(buffer).kind().as_array_buffer() {
        Some(ArrayBufferState::Owned { data, .. }) => {
            assert_eq!(
                data.as_deref(),
                Some(&[1u8, 2][..]),
                "the buffer was not transferred"
            )
        }
        other => panic!("{other:?}"),
    }
    world.agent(a).start(p2);
    assert!(world.run_until_idle(10).is_empty());
}

#[test]
fn a_message_that_cannot_be_deserialized_fires_messageerror() {
    let mut world = World::new();
    let a = world.add_agent("A", AgentClusterId(1));
    let b = world.add_agent("B", AgentClusterId(2));
    let (p1, p2) = world.agent(a).new_message_channel("p1", "p2");
    let p2b = ship(&mut world, a, p2, b);
    world.agent(b).set_onmessage(p2b);
    let sab = world
        .agent(a)
        .realm_mut()
        .alloc(ObjectKind::array_buffer_of(ArrayBufferState::Shared {
            block: webmessaging::ecmascript::SharedDataBlock::new(vec![0; 4]),
            max_byte_length: None,
        }));
    assert_eq!(
        world.agent(a).post_message(p1, Value::Object(sab), &[]).unwrap(),
        PostOutcome::Queued
    );
    world.agent(a).post_message(p1, text("next"), &[]).unwrap();
    let events = world.run_until_idle(10);
    assert_eq!(summary(&events), ["B p2@B messageerror", "B p2@B message next"]);
    assert!(events[0].1.error.as_deref().unwrap().contains("agent cluster"));
}

#[test]
fn onclose_counts_as_a_listener_and_does_not_start_the_queue() {
    let (mut world, ids) = world_with(&["A"]);
    let a = ids[0];
    let (p1, p2) = world.agent(a).new_message_channel("p1", "p2");
    world.agent(a).set_onclose(p2);
    world.agent(a).close(p1);
    let events = world.run_until_idle(10);
    assert_eq!(
        summary(&events),
        ["A p2 close"],
        "nothing queued before it: close fires at a queue never started"
    );
    assert_eq!(events[0].1.listeners, 1);
    assert!(!world.agent(a).port(p2).unwrap().end().unwrap().is_enabled());
}
