//! Event loops on real threads: ports travel around a ring of agents while
//! messages flow to them; every message arrives exactly once, in order.

use std::sync::{Arc, Mutex};
use std::time::Duration;
use webmessaging::ecmascript::{AgentClusterId, Value};
use webmessaging::messaging::{Agent, EventTarget, EventType, GlobalPort, PortId, ThreadedWorld, World};

const AGENTS: usize = 4;
const CHANNELS: usize = 3;
const MESSAGES: usize = 300;
const SHIP_EVERY: usize = 7;

type Record = Arc<Mutex<Vec<(usize, usize)>>>;

/// Receives `port`: records each message, and ships the port on to the next
/// agent every few messages, from inside its own message handler.
fn receive(agent: &mut Agent, port: PortId, next: GlobalPort, record: Record) {
    let mut seen = 0;
    agent.on(
        EventTarget::Port(port),
        EventType::Message,
        Box::new(move |agent, event| {
            let Some(Value::Number(n)) = event.data else {
                panic!("unexpected data {:?}", event.data)
            };
            let (channel, index) = ((n as usize) / 100_000, (n as usize) % 100_000);
            record.lock().unwrap().push((channel, index));
            seen += 1;
            if seen % SHIP_EVERY == 0 {
                let object = *agent.port(port).unwrap().object();
                agent.post_to_global(&next, Value::Undefined, &[object]).unwrap();
            }
        }),
    );
    agent.set_onmessage(port);
}

#[test]
fn ports_travel_a_ring_of_threads_while_messages_flow() {
    let mut world = World::new();
    let ids: Vec<_> = (0..=AGENTS)
        .map(|i| world.add_agent(format!("A{i}"), AgentClusterId(0)))
        .collect();
    let globals: Vec<GlobalPort> = ids.iter().map(|id| world.agent(*id).global_port()).collect();
    let record: Record = Arc::default();

    // Agent 0 sends; agents 1..=AGENTS pass the receiving ends around.
    for i in 1..=AGENTS {
        let next = globals[if i == AGENTS { 1 } else { i + 1 }].clone();
        let record = record.clone();
        world.agent(ids[i]).on(
            EventTarget::Global,
            EventType::Message,
            Box::new(move |agent, event| {
                for port in event.ports.clone() {
                    receive(agent, port, next.clone(), record.clone());
                }
            }),
        );
    }
    let mut senders = Vec::new();
    for c in 0..CHANNELS {
        let (tx, rx) = world
            .agent(ids[0])
            .new_message_channel(&format!("tx{c}"), &format!("rx{c}"));
        let rx_object = *world.agent(ids[0]).port(rx).unwrap().object();
        world
            .agent(ids[0])
            .post_to_global(&globals[1 + c % AGENTS], Value::Undefined, &[rx_object])
            .unwrap();
        senders.push(tx);
    }

    let threaded = ThreadedWorld::start(world).expect("an agent thread each");
    for batch in 0..MESSAGES / 50 {
        let senders = senders.clone();
        threaded
            .execute(
                ids[0],
                Box::new(move |agent| {
                    for i in batch * 50..(batch + 1) * 50 {
                        for (c, tx) in senders.iter().enumerate() {
                            let n = (c * 100_000 + i) as f64;
                            agent.post_message(*tx, Value::Number(n), &[]).unwrap();
                        }
                    }
                }),
            )
            .unwrap();
    }
    threaded.wait_until_idle(Duration::from_secs(60)).unwrap();
    let world = threaded.finish().unwrap();

    let record = record.lock().unwrap();
    for c in 0..CHANNELS {
        let got: Vec<usize> = record
            .iter()
            .filter(|(ch, _)| *ch == c)
            .map(|(_, i)| *i)
            .collect();
        assert_eq!(
            got,
            (0..MESSAGES).collect::<Vec<_>>(),
            "channel {c}: exactly once, in order"
        );
    }
    // The ports really travelled: every ring agent received some.
    let hops: usize = world
        .agents()
        .map(|(_, a)| a.log().iter().filter(|e| e.target_label() == "global").count())
        .sum();
    assert!(hops >= CHANNELS * MESSAGES / SHIP_EVERY, "only {hops} hops");
}
