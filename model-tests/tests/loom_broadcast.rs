//! Exhaustive interleavings (loom) of a BroadcastChannel post on threads: a
//! message posted in answer to a delivered one never overtakes it at a third
//! channel. Agent A posts `1` to name `x`; B, whose channel is older than
//! C's (so it is queued first), answers `1` with `2` from its own thread; C
//! must see `1` before `2`, as on the stepper. A post keeps the registry
//! locked until it has queued every task
//! (spec/deviations.md `broadcast-order-across-agents`); without that, B's
//! answer can reach C between A's two queuings.
//!
//! Run: `RUSTFLAGS="--cfg loom" cargo test -p model-tests --release --test loom_broadcast`
//! (LOOM_MAX_PREEMPTIONS bounds the search; .ci/test uses 3).
#![cfg(loom)]

use loom::sync::Arc;
use loom::sync::atomic::{AtomicBool, Ordering};
use loom::thread;
use webmessaging::ecmascript::{AgentClusterId, Heap, ObjectId, Value};
use webmessaging::messaging::Messaging;
use webmessaging::messaging::queue::TaskClock;

/// The Number a delivered BroadcastChannel message carries.
fn number(data: Option<&Value<ObjectId>>) -> f64 {
    match data {
        Some(Value::Number(n)) => *n,
        other => panic!("expected a Number message, got {other:?}"),
    }
}

#[test]
fn an_answer_never_overtakes_the_message_it_answers() {
    loom::model(|| {
        let clock = Arc::new(TaskClock::new());
        let b_listens = Arc::new(AtomicBool::new(false));

        let b = {
            let clock = clock.clone();
            let b_listens = b_listens.clone();
            thread::spawn(move || {
                let mut realm = Heap::new(AgentClusterId(0));
                let b = Messaging::new("b", clock);
                let channel = b
                    .new_broadcast_channel(&mut realm, &Value::from("x"), "b1")
                    .unwrap();
                b.set_broadcast_onmessage(channel);
                b_listens.store(true, Ordering::SeqCst);
                // `b1.onmessage = e => b1.postMessage(e.data + 1)`
                let heard = loop {
                    match b.run_next_task(&mut realm) {
                        Some(event) => break number(event.data.as_ref()),
                        None => thread::yield_now(),
                    }
                };
                b.post_broadcast(&mut realm, channel, &Value::Number(heard + 1.0))
                    .unwrap();
            })
        };

        while !b_listens.load(Ordering::SeqCst) {
            thread::yield_now();
        }
        // C's channel is made after B's, A's last: A's post queues B's task,
        // then C's.
        let mut c_realm = Heap::new(AgentClusterId(0));
        let c = Messaging::new("c", clock.clone());
        let c1 = c
            .new_broadcast_channel(&mut c_realm, &Value::from("x"), "c1")
            .unwrap();
        c.set_broadcast_onmessage(c1);
        let mut a_realm = Heap::new(AgentClusterId(0));
        let a = Messaging::new("a", clock.clone());
        let a1 = a
            .new_broadcast_channel(&mut a_realm, &Value::from("x"), "a1")
            .unwrap();
        a.post_broadcast(&mut a_realm, a1, &Value::Number(1.0)).unwrap();
        b.join().unwrap();

        let mut heard = Vec::new();
        while let Some(event) = c.run_next_task(&mut c_realm) {
            heard.push(number(event.data.as_ref()));
        }
        assert_eq!(
            heard,
            [1.0, 2.0],
            "C heard the answer before the message it answers"
        );
    });
}
