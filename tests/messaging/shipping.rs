//! Shipping ports between event loops: a shipped port's queue goes with
//! it, both ends may travel, and transferred buffers arrive detached at the
//! sender.

use super::*;

#[test]
fn a_shipped_port_carries_its_queue_and_the_original_is_detached() {
    let (mut world, ids) = world_with(&["A", "B"]);
    let (a, b) = (ids[0], ids[1]);
    let (p1, p2) = world.agent(a).new_message_channel("p1", "p2");
    let (c1, c2) = world.agent(a).new_message_channel("c1", "c2");
    let c2b = ship(&mut world, a, c2, b);
    world.agent(b).set_onmessage(c2b);
    // Queued for p2 before it is shipped: travels with it.
    world
        .agent(a)
        .post_message(p1, text("queued before"), &[])
        .unwrap();
    let p2_object = *world.agent(a).port(p2).unwrap().object();
    world
        .agent(a)
        .post_message(c1, text("here is p2"), &[p2_object])
        .unwrap();
    // Posted while p2 is in flight: queued in the holder's queue.
    world
        .agent(a)
        .post_message(p1, text("posted in flight"), &[])
        .unwrap();
    let events = world.run_until_idle(10);
    assert_eq!(summary(&events), ["B c2@B message here is p2 ports=[\"p2@B\"]"]);
    let p2b = events[0].1.ports[0];
    // The original object is detached and reaches nothing.
    assert!(!world.agent(a).is_entangled(p2));
    let err = world
        .agent(a)
        .post_message(c1, Value::Undefined, &[p2_object])
        .unwrap_err();
    assert!(err.to_string().contains("detached"));
    // The new port's queue starts disabled and holds both messages in order.
    world
        .agent(a)
        .post_message(p1, text("after arrival"), &[])
        .unwrap();
    assert!(world.run_until_idle(10).is_empty());
    world.agent(b).start(p2b);
    assert_eq!(
        summary(&world.run_until_idle(10)),
        [
            "B p2@B message queued before",
            "B p2@B message posted in flight",
            "B p2@B message after arrival"
        ]
    );
    // And it answers back.
    world.agent(a).set_onmessage(p1);
    world.agent(b).post_message(p2b, text("reply"), &[]).unwrap();
    assert_eq!(summary(&world.run_until_idle(10)), ["A p1 message reply"]);
}

#[test]
fn shipping_both_ends_delivers_in_both_directions() {
    // whatwg/html#5850: both ends shipped, in two messages, to two agents.
    let (mut world, ids) = world_with(&["A", "B", "C"]);
    let (a, b, c) = (ids[0], ids[1], ids[2]);
    let (p1, p2) = world.agent(a).new_message_channel("p1", "p2");
    world
        .agent(a)
        .post_message(p1, text("from p1 before shipping"), &[])
        .unwrap();
    let p1b = ship(&mut world, a, p1, b);
    let p2c = ship(&mut world, a, p2, c);
    world.agent(b).post_message(p1b, text("from B"), &[]).unwrap();
    world.agent(c).post_message(p2c, text("from C"), &[]).unwrap();
    world.agent(b).set_onmessage(p1b);
    world.agent(c).set_onmessage(p2c);
    let mut got = summary(&world.run_until_idle(10));
    got.sort();
    assert_eq!(
        got,
        [
            "B p1@B message from C",
            "C p2@C message from B",
            "C p2@C message from p1 before shipping"
        ]
    );
}

#[test]
fn shipping_both_ends_to_the_same_agent_keeps_them_entangled() {
    let (mut world, ids) = world_with(&["A", "B"]);
    let (a, b) = (ids[0], ids[1]);
    let (p1, p2) = world.agent(a).new_message_channel("p1", "p2");
    let o1 = *world.agent(a).port(p1).unwrap().object();
    let o2 = *world.agent(a).port(p2).unwrap().object();
    let global = world.agent(b).global_port();
    world
        .agent(a)
        .post_to_global(&global, Value::Undefined, &[o1, o2])
        .unwrap();
    let events = world.run_until_idle(10);
    let ports = events[0].1.ports.clone();
    assert_eq!(ports.len(), 2);
    world.agent(b).set_onmessage(ports[1]);
    world.agent(b).post_message(ports[0], text("ping"), &[]).unwrap();
    assert_eq!(summary(&world.run_until_idle(10)), ["B p2@B message ping"]);
}

#[test]
fn a_port_shipped_back_and_forth_many_times_loses_nothing() {
    let (mut world, ids) = world_with(&["A", "B", "C"]);
    let (a, b, c) = (ids[0], ids[1], ids[2]);
    let (sender, traveller) = world.agent(a).new_message_channel("sender", "traveller");
    let mut at = (a, traveller);
    let mut sent = 0;
    for hop in 0..30 {
        for _ in 0..3 {
            world
                .agent(a)
                .post_message(sender, Value::Number(f64::from(sent)), &[])
                .unwrap();
            sent += 1;
        }
        let to = [b, c][hop % 2];
        let port = ship(&mut world, at.0, at.1, to);
        at = (to, port);
    }
    world.agent(at.0).set_onmessage(at.1);
    let events = world.run_until_idle(1000);
    let numbers: Vec<i32> = events
        .iter()
        .map(|(_, e)| data_text(e).unwrap().parse().unwrap())
        .collect();
    assert_eq!(numbers, (0..sent).collect::<Vec<_>>());
}

#[test]
fn transferred_buffers_arrive_and_are_detached_at_the_sender() {
    let (mut world, ids) = world_with(&["A", "B"]);
    let (a, b) = (ids[0], ids[1]);
    let (p1, p2) = world.agent(a).new_message_channel("p1", "p2");
    let p2b = ship(&mut world, a, p2, b);
    world.agent(b).set_onmessage(p2b);
    let buffer = world
        .agent(a)
        .realm_mut()
        .alloc(ObjectKind::array_buffer_of(ArrayBufferState::Owned {
            data: Some(vec![7, 8, 9]),
            max_byte_length: None,
            detach_key: false,
        }));
    world
        .agent(a)
        .post_message_with_options(p1, Value::Object(buffer), &[buffer])
        .unwrap();
    let events = world.run_until_idle(10);
    let Some(Value::Object(received)) = &events[0].1.data else {
        panic!("{events:?}")
    };
    match world.agent(b).realm().object(*received).kind().as_array_buffer() {
        Some(ArrayBufferState::Owned { data, .. }) => {
            assert_eq!(data.as_deref(), Some(&[7u8, 8, 9][..]))
        }
        other => panic!("{other:?}"),
    }
    match world.agent(a).realm().object(buffer).kind().as_array_buffer() {
        Some(ArrayBufferState::Owned { data, .. }) => assert!(data.is_none()),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_shipped_port_accepts_post_message_silently() {
    let (mut world, ids) = world_with(&["A", "B"]);
    let (a, b) = (ids[0], ids[1]);
    let (p1, p2) = world.agent(a).new_message_channel("p1", "p2");
    let p1b = ship(&mut world, a, p1, b);
    world.agent(a).set_onmessage(p2);
    // The original p1 was shipped: posting to it throws nothing, reaches nothing.
    assert_eq!(
        world
            .agent(a)
            .post_message(p1, text("from the husk"), &[])
            .unwrap(),
        PostOutcome::NoTargetPort
    );
    world
        .agent(b)
        .post_message(p1b, text("from the new port"), &[])
        .unwrap();
    assert_eq!(
        summary(&world.run_until_idle(10)),
        ["A p2 message from the new port"]
    );
}

/// Issue 10 item 3: fresh labels for received ports come from an index, so
/// shipping one port back and forth costs the same per trip however many
/// shipped-away originals (still held by script) pile up.
#[test]
fn shipping_a_port_back_and_forth_costs_bounded_label_work_per_trip() {
    let (mut world, ids) = world_with(&["A", "B"]);
    let (a, b) = (ids[0], ids[1]);
    let (_keep, mut port) = world.agent(a).new_message_channel("keep", "p");
    let trips = 200;
    let (mut here, mut there) = (a, b);
    for _ in 0..trips {
        port = ship(&mut world, here, port, there);
        (here, there) = (there, here);
    }
    assert_eq!(
        world.agent(a).port_ids().len(),
        2 + trips / 2,
        "the originals pile up"
    );
    assert_eq!(world.agent(a).port_by_label("p@A#100"), Some(port));
    let probes = world.agent(a).label_probes() + world.agent(b).label_probes();
    assert!(
        probes <= 2 * trips as u64,
        "{probes} label probes for {trips} trips: each fresh label costs at most two"
    );
}
