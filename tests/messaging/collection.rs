//! Ports and garbage collection: what keeps a port alive (script, pending
//! events, a listener with an entangled partner) and what is freed.

use super::*;

#[test]
fn dropping_both_ports_of_a_pair_frees_the_channel() {
    let (mut world, ids) = world_with(&["A"]);
    let a = ids[0];
    let (p1, p2) = world.agent(a).new_message_channel("p1", "p2");
    // Listeners on both sides: each is kept alive by the other while script
    // holds either, but not once script holds neither.
    world.agent(a).set_onmessage(p1);
    world.agent(a).set_onmessage(p2);
    let weak = std::sync::Arc::downgrade(world.agent(a).port(p1).unwrap().end().unwrap().channel());
    world.agent(a).forget(p1);
    assert!(world.collect_garbage().is_empty(), "p2 is held and holds p1");
    world.agent(a).forget(p2);
    let mut collected: Vec<String> = world.collect_garbage().into_iter().map(|(_, l)| l).collect();
    collected.sort();
    assert_eq!(collected, ["p1", "p2"]);
    assert!(weak.upgrade().is_none(), "no cycle keeps the channel alive");
}

#[test]
fn a_port_with_pending_events_is_not_collected() {
    let (mut world, ids) = world_with(&["A"]);
    let a = ids[0];
    let (p1, p2) = world.agent(a).new_message_channel("p1", "p2");
    world.agent(a).start(p2);
    world.agent(a).post_message(p1, text("pending"), &[]).unwrap();
    world.agent(a).forget(p2);
    let collected = world.collect_garbage();
    assert!(collected.iter().all(|(_, l)| l != "p2"), "{collected:?}");
    assert_eq!(summary(&world.run_until_idle(10)), ["A p2 message pending"]);
    let collected = world.collect_garbage();
    assert_eq!(
        collected.iter().map(|(_, l)| l.as_str()).collect::<Vec<_>>(),
        ["p2"]
    );
}

#[test]
fn a_forgotten_port_with_a_handler_keeps_receiving() {
    let (mut world, ids) = world_with(&["A", "B"]);
    let (a, b) = (ids[0], ids[1]);
    let (p1, p2) = world.agent(a).new_message_channel("p1", "p2");
    let p2b = ship(&mut world, a, p2, b);
    world.agent(b).set_onmessage(p2b);
    world.agent(b).set_onmessageerror(p2b);
    // Script in B lets go of its port; its listeners keep it alive while
    // the other end is held.
    world.agent(b).forget(p2b);
    assert!(world.collect_garbage().is_empty());
    world.agent(a).post_message(p1, text("still here"), &[]).unwrap();
    assert_eq!(summary(&world.run_until_idle(10)), ["B p2@B message still here"]);
    // Once A lets go too, both go, and nothing is left queued anywhere.
    world.agent(a).forget(p1);
    assert_eq!(world.collect_garbage().len(), 2);
    assert!(world.run_until_idle(10).is_empty());
}

/// Found by the port_ops fuzz target (its model still counted every pending
/// `close`): a `close` waiting behind a message in a queue never started
/// sits in the port message queue with it, so neither keeps a port script
/// has let go of; the collector takes it, listeners and all.
#[test]
fn a_close_behind_a_message_in_a_queue_never_started_keeps_nothing_alive() {
    let (mut world, ids) = world_with(&["A"]);
    let a = ids[0];
    let (p1, p2) = world.agent(a).new_message_channel("p1", "p2");
    world.agent(a).set_onclose(p2);
    world.agent(a).post_message(p1, text("waits"), &[]).unwrap();
    world.agent(a).close(p1);
    let end = world.agent(a).port(p2).unwrap().end().cloned().unwrap();
    assert!(end.close_pending() && !end.is_enabled() && end.queued() == 1);
    assert!(world.collect_garbage().is_empty(), "script still holds both");
    world.agent(a).forget(p2);
    let collected: Vec<String> = world.collect_garbage().into_iter().map(|(_, l)| l).collect();
    assert_eq!(collected, ["p2"], "nothing can ever start p2's queue");
    assert!(
        world.run_until_idle(10).is_empty(),
        "the message and close went with it"
    );
}

#[test]
fn ports_waiting_in_each_others_queues_are_freed_with_their_event_loops() {
    // Found by the port_ops fuzz target: A2 waits in B2's queue and B1 in
    // A2's, so each channel's queue holds the other channel alive.
    let (mut world, ids) = world_with(&["X"]);
    let x = ids[0];
    let (a1, a2) = world.agent(x).new_message_channel("a1", "a2");
    let (b1, _b2) = world.agent(x).new_message_channel("b1", "b2");
    let channel = |world: &mut World, port| {
        std::sync::Arc::downgrade(world.agent(x).port(port).unwrap().end().unwrap().channel())
    };
    let (channel_a, channel_b) = (channel(&mut world, a1), channel(&mut world, b1));
    send_port(&mut world, x, b1, a2);
    send_port(&mut world, x, a1, b1);
    drop(world);
    assert!(
        channel_a.upgrade().is_none() && channel_b.upgrade().is_none(),
        "no channel outlives the agents"
    );
}

#[test]
fn ports_stranded_in_each_others_queues_are_collected() {
    // Found by the port_ops fuzz target: a2 waits in b1's queue, then b1
    // (holding it) is shipped into a2's queue. Neither can ever be
    // received; the collector releases both, and their partners hear close.
    let (mut world, ids) = world_with(&["X"]);
    let x = ids[0];
    let (a1, a2) = world.agent(x).new_message_channel("a1", "a2");
    let (b1, b2) = world.agent(x).new_message_channel("b1", "b2");
    world.agent(x).add_event_listener(a1, EventType::Close);
    world.agent(x).add_event_listener(b2, EventType::Close);
    send_port(&mut world, x, b2, a2);
    send_port(&mut world, x, a1, b1);
    assert!(world.agent(x).is_entangled(a1) && world.agent(x).is_entangled(b2));
    world.collect_garbage();
    let mut got = summary(&world.run_until_idle(10));
    got.sort();
    assert_eq!(got, ["X a1 close", "X b2 close"]);
    assert!(!world.agent(x).is_entangled(a1) && !world.agent(x).is_entangled(b2));
}

/// Issue 9 item 1: a port with a message listener whose partner is in flight
/// is still entangled, so garbage collection keeps it, and the partner's
/// answer arrives once received.
#[test]
fn a_listening_port_survives_gc_while_its_partner_is_in_flight() {
    let (mut world, ids) = world_with(&["A", "B"]);
    let (a, b) = (ids[0], ids[1]);
    let (p, q) = world.agent(a).new_message_channel("p", "q");
    world.agent(a).set_onmessage(p);
    world.agent(a).forget(p);
    let object = *world.agent(a).port(q).unwrap().object();
    let global = world.agent(b).global_port();
    world
        .agent(a)
        .post_to_global(&global, Value::Undefined, &[object])
        .unwrap();
    assert_eq!(
        world.collect_garbage(),
        [],
        "nothing is collected while q is in flight"
    );
    assert!(world.agent(a).is_entangled(p));
    let received = world.run_until_idle(10);
    let q_at_b = received[0].1.ports[0];
    world.agent(b).post_message(q_at_b, text("answer"), &[]).unwrap();
    assert_eq!(summary(&world.run_until_idle(10)), ["A p message answer"]);
}
