//! Work, counted (not timed), that messaging does per task: choosing the
//! next task asks only the ports with a task ready (the ready-port index),
//! and a received port's label costs a bounded number of look-ups, however
//! many ports an event loop has held. Shipping one port back and forth N
//! times leaves N shipped husks in the two event loops (script still holds
//! the detached originals); before the index, every task asked every one of
//! them, and the whole run cost grew with N².

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use webmessaging::ecmascript::{AgentClusterId, Value};
use webmessaging::messaging::{Agent, AgentId, EventLog, EventTarget, EventType, PortId, Reaction, World};

/// On a port arriving over `carrier`, ships it back over `carrier` while
/// shipments are left.
fn bounce(carrier: PortId, left: Arc<AtomicU32>) -> Reaction {
    Box::new(move |agent: &mut Agent, event| {
        let Some(&port) = event.ports.first() else { return };
        if left
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_err()
        {
            return;
        }
        let object = agent.port_object(port).expect("the received port has an object");
        agent
            .post_message(carrier, Value::Undefined, &[object])
            .expect("ships back");
    })
}

/// A and B with a carrier channel between them (c1 in A, c2 in B), and a
/// port of A's shipped over it `hops` times in all, each side sending it
/// back as soon as it arrives. Returns the world once every task ran.
fn ship_back_and_forth(hops: u32) -> (World, AgentId, AgentId) {
    let mut world = World::new();
    let a = world.add_agent("A", AgentClusterId(0));
    let b = world.add_agent("B", AgentClusterId(0));
    let (c1, c2) = world.agent(a).new_message_channel("c1", "c2");
    let (_p1, p2) = world.agent(a).new_message_channel("p1", "p2");
    let c2_object = world.agent(a).port_object(c2).expect("c2");
    let global = world.agent(b).global_port();
    world
        .agent(a)
        .post_to_global(&global, Value::Undefined, &[c2_object])
        .expect("ships c2 to B");
    let left = Arc::new(AtomicU32::new(hops - 1));
    world.agent(a).set_onmessage(c1);
    world.agent(a).on(
        EventTarget::Port(c1),
        EventType::Message,
        bounce(c1, left.clone()),
    );
    world.agent(b).on(
        EventTarget::Global,
        EventType::Message,
        Box::new(move |agent, event| {
            let c2 = event.ports[0];
            agent.set_onmessage(c2);
            agent.on(
                EventTarget::Port(c2),
                EventType::Message,
                bounce(c2, left.clone()),
            );
        }),
    );
    world.run_until_idle(usize::MAX);
    let p2_object = world.agent(a).port_object(p2).expect("p2");
    world
        .agent(a)
        .post_message(c1, Value::Undefined, &[p2_object])
        .expect("the first shipment");
    let events = world.run_until_idle(usize::MAX);
    assert_eq!(events.len(), hops as usize, "one message event per shipment");
    (world, a, b)
}

/// Ports asked for their next task, and label look-ups, in both agents.
fn work(world: &World, agents: [AgentId; 2]) -> (u64, u64) {
    agents.iter().fold((0, 0), |(ready, labels), &id| {
        let agent = world.agent_ref(id);
        (ready + agent.ready_probes(), labels + agent.label_probes())
    })
}

#[test]
fn shipping_a_port_back_and_forth_costs_the_same_per_hop_at_any_count() {
    let hops = [100, 1_000, 4_000];
    let mut per_hop = Vec::new();
    for n in hops {
        let (world, a, b) = ship_back_and_forth(n);
        let held: usize = [a, b]
            .iter()
            .map(|&id| world.agent_ref(id).port_ids().len())
            .sum();
        assert!(
            held > n as usize,
            "the shipped husks are still held: {held} ports"
        );
        let (ready, labels) = work(&world, [a, b]);
        // Each task asks the ports with a task ready (here one or two, and
        // each a bounded number of times per task), never the husks.
        assert!(ready <= 8 * u64::from(n) + 16, "{n} hops asked {ready} ports");
        assert!(
            labels <= 2 * u64::from(n) + 8,
            "{n} hops made {labels} label look-ups"
        );
        per_hop.push((ready + labels) as f64 / f64::from(n));
    }
    let (first, last) = (per_hop[0], per_hop[per_hop.len() - 1]);
    assert!(
        last <= first * 1.1 + 1.0,
        "work per hop grew from {first} to {last}"
    );
}

/// The small object `{a: i, b: "x" + i}` in `agent`'s realm.
fn small_object(agent: &mut Agent, i: u32) -> Value<webmessaging::ecmascript::ObjectId> {
    use webmessaging::ecmascript::{JsString, ObjectKind, OwnProperty, PropertyKey};
    let heap = agent.realm_mut();
    let object = heap.alloc(ObjectKind::Ordinary);
    let a = Value::Number(f64::from(i));
    let b = Value::String(JsString::from(format!("x{i}").as_str()));
    heap.define_property(object, PropertyKey::from("a"), OwnProperty::new_data(a));
    heap.define_property(object, PropertyKey::from("b"), OwnProperty::new_data(b));
    Value::Object(object)
}

#[test]
fn delivered_messages_nobody_kept_do_not_accumulate_in_either_heap() {
    const MESSAGES: u32 = 30_000;
    let mut world = World::new();
    let a = world.add_agent("A", AgentClusterId(0));
    let b = world.add_agent("B", AgentClusterId(0));
    let (p1, p2) = world.agent(a).new_message_channel("p1", "p2");
    let p2_object = world.agent(a).port_object(p2).expect("p2");
    let global = world.agent(b).global_port();
    world
        .agent(a)
        .post_to_global(&global, Value::Undefined, &[p2_object])
        .expect("ships p2");
    // B keeps the first message's data, and nothing else.
    let kept_first = Arc::new(AtomicU32::new(0));
    let kept = kept_first.clone();
    let first = Arc::new(std::sync::Mutex::new(None));
    let first_in_b = first.clone();
    world.agent(b).on(
        EventTarget::Global,
        EventType::Message,
        Box::new(move |agent, event| {
            let port = event.ports[0];
            agent.set_onmessage(port);
            let kept = kept.clone();
            let first = first_in_b.clone();
            agent.on(
                EventTarget::Port(port),
                EventType::Message,
                Box::new(move |agent, event| {
                    if kept.fetch_add(1, Ordering::SeqCst) == 0 {
                        let data = event.data.clone().expect("a message has data");
                        *first.lock().unwrap() = data.as_object().copied();
                        agent.keep(data);
                    }
                }),
            );
        }),
    );
    for id in [a, b] {
        world.agent(id).set_event_log(EventLog::Off);
        world.agent(id).set_heap_collection(true);
    }
    world.run_until_idle(usize::MAX);
    let mut most = [0usize; 2];
    for i in 0..MESSAGES {
        let message = small_object(world.agent(a), i);
        world.agent(a).post_message(p1, message, &[]).expect("posts");
        world.agent(a).collect_heap_if_due();
        world.run_until_idle(usize::MAX);
        for (slot, id) in most.iter_mut().zip([a, b]) {
            *slot = (*slot).max(world.agent_ref(id).realm().live_objects());
        }
    }
    assert_eq!(
        kept_first.load(Ordering::SeqCst),
        MESSAGES,
        "every message arrived"
    );
    // Without collection each heap would hold one object per message.
    for (live, name) in most.iter().zip(["A", "B"]) {
        assert!(*live <= 3 * 4096, "{name}'s heap held {live} objects at most");
    }
    // What B kept survived every collection: the first message, intact.
    let b_agent = world.agent(b);
    b_agent.collect_heap();
    let live = b_agent.realm().live_objects();
    assert!(live <= 8, "after a full collection B holds {live} objects");
    let first = first.lock().unwrap().expect("B kept an object");
    let a = b_agent
        .realm()
        .own_property(first, &webmessaging::ecmascript::PropertyKey::from("a"));
    assert!(
        matches!(a, Some(webmessaging::ecmascript::OwnProperty::Data { value: Value::Number(n), .. }) if n == 0.0),
        "the kept first message is intact: {a:?}"
    );
}
