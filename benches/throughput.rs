//! Throughput of the reference: `cargo bench` (plain std timing, no
//! dependencies). Speed targets live here, never in tests.
//!
//! Each line: what was measured, how many items, time, items per second.

use std::time::{Duration, Instant};
use webmessaging::ecmascript::{AgentClusterId, Heap, ObjectId, ObjectKind, OwnProperty, PropertyKey, Value};
use webmessaging::messaging::{EventLog, EventTarget, EventType, ThreadedWorld, World};
use webmessaging::structured::{NoPlatformObjects, decode, encode, structured_clone, structured_serialize};

fn report(what: &str, items: usize, elapsed: Duration) {
    let rate = items as f64 / elapsed.as_secs_f64();
    println!(
        "{what:<52} {items:>9} items {:>10.1} ms {rate:>14.0} items/s",
        elapsed.as_secs_f64() * 1e3
    );
}

fn wide_array(heap: &mut Heap, n: u32) -> ObjectId {
    let array = heap.alloc(ObjectKind::Array { length: n });
    for i in 0..n {
        heap.define_property(
            array,
            PropertyKey::from(i.to_string().as_str()),
            OwnProperty::new_data(Value::Number(f64::from(i))),
        );
    }
    array
}

fn linked_list(heap: &mut Heap, n: usize) -> ObjectId {
    let mut next = Value::Null;
    let mut head = heap.alloc(ObjectKind::Ordinary);
    for i in 0..n {
        head = heap.alloc(ObjectKind::Ordinary);
        heap.define_property(
            head,
            PropertyKey::from("value"),
            OwnProperty::new_data(Value::Number(i as f64)),
        );
        heap.define_property(head, PropertyKey::from("next"), OwnProperty::new_data(next));
        next = Value::Object(head);
    }
    head
}

fn nested_arrays(heap: &mut Heap, depth: usize) -> ObjectId {
    let mut inner = heap.alloc(ObjectKind::Array { length: 0 });
    for _ in 0..depth {
        let outer = heap.alloc(ObjectKind::Array { length: 1 });
        heap.define_property(
            outer,
            PropertyKey::from("0"),
            OwnProperty::new_data(Value::Object(inner)),
        );
        inner = outer;
    }
    inner
}

fn clone_bench(what: &str, n: usize, make: impl FnOnce(&mut Heap) -> ObjectId) {
    let mut heap = Heap::default();
    let root = make(&mut heap);
    let start = Instant::now();
    structured_clone(&mut heap, &mut NoPlatformObjects, Value::Object(root), &[]).expect("clones");
    report(what, n, start.elapsed());
}

fn main() {
    clone_bench("structuredClone: array of 1,000,000 numbers", 1_000_000, |h| {
        wide_array(h, 1_000_000)
    });
    clone_bench(
        "structuredClone: linked list of 1,000,000 objects",
        1_000_000,
        |h| linked_list(h, 1_000_000),
    );
    clone_bench("structuredClone: arrays nested 1,000,000 deep", 1_000_000, |h| {
        nested_arrays(h, 1_000_000)
    });

    let mut heap = Heap::default();
    let list = linked_list(&mut heap, 200_000);
    let serialized = structured_serialize(&mut heap, &mut NoPlatformObjects, &Value::Object(list)).unwrap();
    let start = Instant::now();
    let bytes = encode(&serialized).unwrap();
    report(
        "encode: records of a 200,000-object list",
        serialized.records().len(),
        start.elapsed(),
    );
    let start = Instant::now();
    decode(&bytes).unwrap();
    report(
        "decode: the same, validated",
        serialized.records().len(),
        start.elapsed(),
    );

    // Messages through one channel on the stepper.
    let n = 200_000;
    let mut world = World::new();
    let a = world.add_agent("A", AgentClusterId(0));
    let (p1, p2) = world.agent(a).new_message_channel("p1", "p2");
    world.agent(a).start(p2);
    let start = Instant::now();
    for i in 0..n {
        world
            .agent(a)
            .post_message(p1, Value::Number(i as f64), &[])
            .unwrap();
    }
    let delivered = world.run_until_idle(usize::MAX).len();
    assert_eq!(delivered, n);
    report("stepper: post + deliver on one channel", n, start.elapsed());

    // Messages between two event loops on real threads.
    let mut world = World::new();
    let a = world.add_agent("A", AgentClusterId(0));
    let b = world.add_agent("B", AgentClusterId(0));
    let (p1, p2) = world.agent(a).new_message_channel("p1", "p2");
    let p2_object = *world.agent(a).port(p2).unwrap().object();
    let global = world.agent(b).global_port();
    world
        .agent(a)
        .post_to_global(&global, Value::Undefined, &[p2_object])
        .unwrap();
    world.agent(b).on(
        EventTarget::Global,
        EventType::Message,
        Box::new(|agent, event| agent.set_onmessage(event.ports[0])),
    );
    let threads = ThreadedWorld::start(world).expect("two agent threads");
    // B's log counts what it received: keep every event.
    threads
        .execute(b, Box::new(|agent| agent.set_event_log(EventLog::All)))
        .unwrap();
    threads.wait_until_idle(Duration::from_secs(10)).unwrap();
    let start = Instant::now();
    threads
        .execute(
            a,
            Box::new(move |agent| {
                for i in 0..n {
                    agent.post_message(p1, Value::Number(i as f64), &[]).unwrap();
                }
            }),
        )
        .unwrap();
    threads.wait_until_idle(Duration::from_secs(120)).unwrap();
    let elapsed = start.elapsed();
    let world = threads.finish().unwrap();
    let received = world.agent_ref(b).log().len() - 1;
    assert_eq!(received, n);
    report("threads: A posts, B receives, one channel", n, elapsed);
}
