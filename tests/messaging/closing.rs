//! Closing: `close()`, a port lost in an undelivered message, an agent
//! going away, and where `close` falls among the messages queued before it.

use super::*;

/// Issue 9 item 2 (reading `lost-port-disentangles`): a port whose transfer
/// steps ran, in a message that is never delivered, is gone at once: its
/// partner hears `close`, what was queued for the lost port is dropped, and
/// the partner's later posts find no target. Three ways to lose it.
#[test]
fn a_port_lost_with_an_undelivered_message_closes_its_partner() {
    type Lose = fn(&mut World, AgentId, ObjectId);
    let doomed: Lose = |world, a, r| {
        let (p, q) = world.agent(a).new_message_channel("p", "q");
        let q = *world.agent(a).port(q).unwrap().object();
        let outcome = world.agent(a).post_message(p, text("doomed"), &[q, r]);
        assert_eq!(outcome.unwrap(), PostOutcome::Doomed);
    };
    let no_target: Lose = |world, a, r| {
        let (p, q) = world.agent(a).new_message_channel("p", "q");
        world.agent(a).close(q);
        let outcome = world.agent(a).post_message(p, text("nowhere"), &[r]);
        assert_eq!(outcome.unwrap(), PostOutcome::NoTargetPort);
    };
    let throws: Lose = |world, a, r| {
        let (p, _) = world.agent(a).new_message_channel("p", "q");
        let (x, _) = world.agent(a).new_message_channel("x", "y");
        world.agent(a).close(x);
        let x = *world.agent(a).port(x).unwrap().object();
        let outcome = world.agent(a).post_message(p, text("throws"), &[r, x]);
        assert!(matches!(outcome, Err(CloneError::DataClone(_))), "{outcome:?}");
    };
    for (case, lose) in [("doomed", doomed), ("no target", no_target), ("throws", throws)] {
        let (mut world, ids) = world_with(&["A"]);
        let a = ids[0];
        let (r, s) = world.agent(a).new_message_channel("r", "s");
        world.agent(a).add_event_listener(s, EventType::Close);
        world.agent(a).post_message(s, text("queued for r"), &[]).unwrap();
        let r_object = *world.agent(a).port(r).unwrap().object();
        world.run_until_idle(10);
        lose(&mut world, a, r_object);
        assert!(
            world.agent(a).port(r).unwrap().end().is_none(),
            "{case}: r was transferred"
        );
        let events = summary(&world.run_until_idle(10));
        assert!(events.contains(&"A s close".to_owned()), "{case}: {events:?}");
        assert!(!world.agent(a).is_entangled(s), "{case}");
        assert_eq!(
            world.agent(a).post_message(s, text("after"), &[]).unwrap(),
            PostOutcome::NoTargetPort,
            "{case}"
        );
    }
}

#[test]
fn closing_fires_close_at_the_other_port_once() {
    let (mut world, ids) = world_with(&["A", "B"]);
    let (a, b) = (ids[0], ids[1]);
    let (p1, p2) = world.agent(a).new_message_channel("p1", "p2");
    let p2b = ship(&mut world, a, p2, b);
    world.agent(b).set_onmessage(p2b);
    world
        .agent(a)
        .post_message(p1, text("before close"), &[])
        .unwrap();
    world.agent(a).close(p1);
    world.agent(a).close(p1); // idempotent
    assert_eq!(
        world.agent(a).post_message(p1, text("after close"), &[]).unwrap(),
        PostOutcome::NoTargetPort
    );
    assert_eq!(
        summary(&world.run_until_idle(10)),
        ["B p2@B message before close", "B p2@B close"]
    );
    assert!(!world.agent(b).is_entangled(p2b));
    // A closed port cannot be transferred: its [[Detached]] is true.
    let (q1, _q2) = world.agent(a).new_message_channel("q1", "q2");
    let closed = *world.agent(a).port(p1).unwrap().object();
    let err = world
        .agent(a)
        .post_message(q1, Value::Undefined, &[closed])
        .unwrap_err();
    assert!(err.to_string().contains("detached"), "{err}");
}

#[test]
fn an_agent_going_away_closes_its_channels() {
    let (mut world, ids) = world_with(&["A", "B"]);
    let (a, b) = (ids[0], ids[1]);
    let (p1, p2) = world.agent(a).new_message_channel("p1", "p2");
    let p2b = ship(&mut world, a, p2, b);
    world.agent(a).add_event_listener(p1, EventType::Close);
    world.agent(b).shut_down();
    assert!(world.agent(b).port(p2b).is_none());
    assert_eq!(summary(&world.run_until_idle(10)), ["A p1 close"]);
}

/// Issue 9 item 3: `close` never overtakes a message queued before it. With
/// the queue not started, it waits behind the message until `start()` (node
/// 20 and Chromium both deliver the message first, docs/shipping-ports.md).
#[test]
fn close_waits_behind_a_message_in_a_queue_never_started() {
    let (mut world, ids) = world_with(&["A"]);
    let a = ids[0];
    let (p1, p2) = world.agent(a).new_message_channel("p1", "p2");
    world.agent(a).set_onclose(p2);
    world.agent(a).post_message(p1, text("waits"), &[]).unwrap();
    world.agent(a).close(p1);
    assert!(
        world.run_until_idle(10).is_empty(),
        "the message and close wait for start()"
    );
    world.agent(a).start(p2);
    assert_eq!(
        summary(&world.run_until_idle(10)),
        ["A p2 message waits", "A p2 close"]
    );
}

#[test]
fn close_follows_a_message_in_a_started_queue() {
    let (mut world, ids) = world_with(&["A"]);
    let a = ids[0];
    let (p1, p2) = world.agent(a).new_message_channel("p1", "p2");
    world.agent(a).set_onmessage(p2);
    world.agent(a).post_message(p1, text("first"), &[]).unwrap();
    world.agent(a).close(p1);
    assert_eq!(
        summary(&world.run_until_idle(10)),
        ["A p2 message first", "A p2 close"]
    );
}
