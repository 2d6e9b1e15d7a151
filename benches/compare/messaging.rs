//! Messaging workloads: two agents on their own threads (the library's
//! `ThreadedWorld`), one MessageChannel between them; and the limit, a
//! crossbeam channel between two plain threads carrying the same values.

use crate::workloads::small_object;
use std::hint::black_box;
use std::sync::mpsc;
use std::time::{Duration, Instant};
use webmessaging::ecmascript::{AgentClusterId, Value};
use webmessaging::messaging::{EventLog, EventTarget, EventType, PortId, ThreadedWorld, World};

/// How long a run may take before it counts as hung.
const PATIENCE: Duration = Duration::from_secs(600);

/// A world with agents A and B, a channel whose second port B holds with an
/// `onmessage` handler, and `on_b` run for every message B receives (it
/// may post back). Returns the threads, A's port and the sender side of the
/// "done" signal for A's own reaction.
fn two_agents(
    on_b: impl FnMut(&mut webmessaging::messaging::Agent, PortId, &Value<webmessaging::ecmascript::ObjectId>)
    + Send
    + 'static,
) -> Result<(ThreadedWorld, webmessaging::messaging::AgentId, PortId), String> {
    let mut world = World::new();
    let a = world.add_agent("A", AgentClusterId(0));
    let b = world.add_agent("B", AgentClusterId(0));
    let (p1, p2) = world.agent(a).new_message_channel("p1", "p2");
    let p2_object = *world.agent(a).port(p2).ok_or("no port p2")?.object();
    let global = world.agent(b).global_port();
    world
        .agent(a)
        .post_to_global(&global, Value::Undefined, &[p2_object])
        .map_err(|e| format!("{e:?}"))?;
    let mut on_b = Some(on_b);
    world.agent(b).on(
        EventTarget::Global,
        EventType::Message,
        Box::new(move |agent, event| {
            let port = event.ports[0];
            agent.set_onmessage(port);
            if let Some(mut react) = on_b.take() {
                agent.on(
                    EventTarget::Port(port),
                    EventType::Message,
                    Box::new(move |agent, event| {
                        if let Some(data) = &event.data {
                            react(agent, port, data);
                        }
                    }),
                );
            }
        }),
    );
    let threads = ThreadedWorld::start(world).map_err(|e| e.to_string())?;
    // As an engine would: no event log, and a heap that collects what no
    // one keeps (delivered messages in B, posted objects in A).
    for id in [a, b] {
        threads
            .execute(
                id,
                Box::new(|agent| {
                    agent.set_event_log(EventLog::Off);
                    agent.set_heap_collection(true);
                }),
            )
            .map_err(|e| e.to_string())?;
    }
    threads.wait_until_idle(PATIENCE).map_err(|e| e.to_string())?;
    Ok((threads, a, p1))
}

/// A posts `n` messages (Numbers, or small objects made in A's realm); B
/// counts them. Timed from the first post to B's receiving the last.
pub fn one_way(n: u32, objects: bool) -> Result<Duration, String> {
    let (done, finished) = mpsc::channel();
    let mut received = 0;
    let (threads, a, p1) = two_agents(move |_, _, _| {
        received += 1;
        if received == n {
            let _ = done.send(Instant::now());
        }
    })?;
    let (started_tx, started) = mpsc::channel();
    threads
        .execute(
            a,
            Box::new(move |agent| {
                let _ = started_tx.send(Instant::now());
                for i in 0..n {
                    let message = if objects {
                        Value::Object(small_object(agent.realm_mut(), i))
                    } else {
                        Value::Number(f64::from(i))
                    };
                    agent.post_message(p1, message, &[]).expect("posts");
                    agent.collect_heap_if_due();
                }
            }),
        )
        .map_err(|e| e.to_string())?;
    let start = started.recv_timeout(PATIENCE).map_err(|e| e.to_string())?;
    let end = finished.recv_timeout(PATIENCE).map_err(|e| e.to_string())?;
    threads.finish().map_err(|e| e.to_string())?;
    Ok(end - start)
}

/// A posts a Number, B posts it back, A posts the next: `n` round trips.
pub fn round_trips(n: u32) -> Result<Duration, String> {
    let (threads, a, p1) = two_agents(|agent, port, data| {
        agent.post_message(port, data.clone(), &[]).expect("echoes");
    })?;
    let (done, finished) = mpsc::channel();
    let (started_tx, started) = mpsc::channel();
    threads
        .execute(
            a,
            Box::new(move |agent| {
                let mut received = 0;
                agent.set_onmessage(p1);
                agent.on(
                    EventTarget::Port(p1),
                    EventType::Message,
                    Box::new(move |agent, _| {
                        received += 1;
                        if received == n {
                            let _ = done.send(Instant::now());
                        } else {
                            agent
                                .post_message(p1, Value::Number(f64::from(received)), &[])
                                .expect("posts");
                        }
                    }),
                );
                let _ = started_tx.send(Instant::now());
                agent.post_message(p1, Value::Number(0.0), &[]).expect("posts");
            }),
        )
        .map_err(|e| e.to_string())?;
    let start = started.recv_timeout(PATIENCE).map_err(|e| e.to_string())?;
    let end = finished.recv_timeout(PATIENCE).map_err(|e| e.to_string())?;
    threads.finish().map_err(|e| e.to_string())?;
    Ok(end - start)
}

/// What the limit sends: a Number, or the small object's two fields.
type Plain = (f64, Option<Vec<u16>>);

fn plain(i: u32, objects: bool) -> Plain {
    let text = objects.then(|| format!("x{i}").encode_utf16().collect());
    (f64::from(i), text)
}

/// The same one-way run over a crossbeam channel between two threads.
pub fn crossbeam_one_way(n: u32, objects: bool) -> Duration {
    let (tx, rx) = crossbeam_channel::unbounded::<Plain>();
    let receiver = std::thread::spawn(move || {
        for _ in 0..n {
            black_box(rx.recv().expect("sender lives"));
        }
        Instant::now()
    });
    let start = Instant::now();
    for i in 0..n {
        tx.send(plain(i, objects)).expect("receiver lives");
    }
    let end = receiver.join().expect("receiver thread");
    end - start
}

/// The same round trips over two crossbeam channels.
pub fn crossbeam_round_trips(n: u32) -> Duration {
    let (to_b, from_a) = crossbeam_channel::unbounded::<f64>();
    let (to_a, from_b) = crossbeam_channel::unbounded::<f64>();
    let echo = std::thread::spawn(move || {
        while let Ok(x) = from_a.recv() {
            if to_a.send(x).is_err() {
                break;
            }
        }
    });
    let start = Instant::now();
    for i in 0..n {
        to_b.send(f64::from(i)).expect("echo lives");
        black_box(from_b.recv().expect("echo lives"));
    }
    let elapsed = start.elapsed();
    drop(to_b);
    echo.join().expect("echo thread");
    elapsed
}
