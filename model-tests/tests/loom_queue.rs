//! Exhaustive interleavings (loom) of the cross-thread port message queue:
//! the very queue code the stepper and the threads run, with `std::sync`
//! swapped for `loom::sync` by the library's `sync` seam.
//!
//! Run: `RUSTFLAGS="--cfg loom" cargo test -p model-tests --release --test loom_queue`
//! (LOOM_MAX_PREEMPTIONS bounds the search; .ci/run uses 3).
#![cfg(loom)]

use loom::sync::Arc;
use loom::thread;
use webmessaging::messaging::PortTransferData;
use webmessaging::messaging::queue::{Channel, NextTask, Owner, Polled, PortEnd, Signal, TaskClock};
use webmessaging::structured::{
    Primitive, Record, RecordId, SerializeWithTransferResult, Serialized, TransferDataHolder,
};

fn message(n: u32) -> SerializeWithTransferResult {
    SerializeWithTransferResult::new(
        Serialized::new(
            vec![Record::Primitive(Primitive::Number(f64::from(n)))],
            RecordId(0),
        ),
        Vec::new(),
    )
}

/// A message carrying a port end in a data holder, as a transferred port is.
fn message_with_port(end: PortEnd) -> SerializeWithTransferResult {
    SerializeWithTransferResult::new(
        Serialized::new(vec![Record::Transferred { holder: 0 }], RecordId(0)),
        vec![TransferDataHolder::Platform {
            interface: "MessagePort".to_owned(),
            data: Box::new(PortTransferData::new(end, "nested")),
        }],
    )
}

fn number(task: &NextTask) -> Option<u32> {
    match task {
        NextTask::Message(t) => match t.message().serialized().records().first() {
            Some(Record::Primitive(Primitive::Number(n))) => Some(*n as u32),
            _ => None,
        },
        NextTask::Close => None,
    }
}

fn owner(port: u64) -> Owner {
    Owner::new(Arc::new(Signal::new()), port)
}

fn pair() -> (PortEnd, PortEnd) {
    Channel::entangled_pair(Arc::new(TaskClock::new()), owner(1), owner(2))
}

/// Everything `end` can deliver now: message numbers, and `u32::MAX` for close.
fn drain(end: &PortEnd) -> Vec<u32> {
    let mut got = Vec::new();
    while let Some(task) = end.take_next() {
        got.push(number(&task).unwrap_or(u32::MAX));
    }
    got
}

const CLOSE: u32 = u32::MAX;

#[test]
fn post_racing_post() {
    loom::model(|| {
        let (one, two) = pair();
        one.enable();
        two.enable();
        let (a, b) = (one.clone(), two.clone());
        let t = thread::spawn(move || {
            a.twin().enqueue(message(1));
            a.twin().enqueue(message(2));
            drain(&a)
        });
        b.twin().enqueue(message(10));
        b.twin().enqueue(message(11));
        let mut at_two = drain(&b);
        let mut at_one = t.join().unwrap();
        at_one.extend(drain(&one));
        at_two.extend(drain(&two));
        assert_eq!(at_one, [10, 11], "per-sender order, no loss, no duplicate");
        assert_eq!(at_two, [1, 2]);
    });
}

fn ship_and_receive(end: &PortEnd, new_owner: u64) {
    end.ship();
    end.receive(owner(new_owner));
}

#[test]
fn post_racing_shipping_one_hop() {
    loom::model(|| {
        let (sender, receiver) = pair();
        let s = sender.clone();
        let t = thread::spawn(move || {
            for n in 0..3 {
                s.enqueue_to_twin(n);
            }
        });
        ship_and_receive(&receiver, 3);
        receiver.enable();
        let mut got = drain(&receiver);
        t.join().unwrap();
        got.extend(drain(&receiver));
        assert_eq!(got, [0, 1, 2]);
    });
}

#[test]
fn post_racing_shipping_two_hops() {
    loom::model(|| {
        let (sender, receiver) = pair();
        let s = sender.clone();
        let t = thread::spawn(move || {
            s.enqueue_to_twin(0);
            s.enqueue_to_twin(1);
        });
        ship_and_receive(&receiver, 3);
        ship_and_receive(&receiver, 4);
        receiver.enable();
        t.join().unwrap();
        assert_eq!(drain(&receiver), [0, 1]);
    });
}

#[test]
fn post_racing_close() {
    loom::model(|| {
        let (sender, receiver) = pair();
        receiver.enable();
        let s = sender.clone();
        let t = thread::spawn(move || {
            let first = s.enqueue_to_twin(1);
            s.disentangle();
            // After close the sender has no target port: the standard drops it.
            let after = s.is_entangled() && s.enqueue_to_twin(2);
            (first, after)
        });
        let mut got = drain(&receiver);
        let (first, after) = t.join().unwrap();
        got.extend(drain(&receiver));
        assert!(first && !after);
        assert_eq!(
            got,
            [1, CLOSE],
            "the message, then close, never anything after close"
        );
        assert!(!receiver.is_entangled());
    });
}

/// The owner's one-lock look (`take_if_older`) and its hand-back when it
/// declines to run the task (a spent budget): racing a post and a close,
/// the owner still gets every message once, in order, then close.
#[test]
fn a_task_taken_and_handed_back_keeps_its_place() {
    loom::model(|| {
        let (sender, receiver) = pair();
        receiver.enable();
        let s = sender.clone();
        let t = thread::spawn(move || {
            s.enqueue_to_twin(1);
            s.enqueue_to_twin(2);
            s.disentangle();
        });
        let mut got = Vec::new();
        let mut declined = false;
        let mut look = |got: &mut Vec<u32>| {
            while let Some(polled) = receiver.take_if_older(None) {
                let Polled::Taken(taken) = polled else {
                    panic!("with no bound the task is taken");
                };
                if !declined {
                    declined = true;
                    receiver.put_back(taken);
                    continue;
                }
                got.push(number(&taken.task).unwrap_or(CLOSE));
            }
        };
        look(&mut got);
        t.join().unwrap();
        look(&mut got);
        assert_eq!(got, [1, 2, CLOSE], "each message once, in order, then close");
    });
}

/// Issue 9 item 3: `close` never overtakes a message queued before it, even
/// when the receiving queue is started while the sender posts and closes.
#[test]
fn close_never_overtakes_a_message_in_a_queue_started_late() {
    loom::model(|| {
        let (sender, receiver) = pair();
        let s = sender.clone();
        let t = thread::spawn(move || {
            s.enqueue_to_twin(1);
            s.disentangle();
        });
        let mut got = drain(&receiver);
        receiver.enable();
        got.extend(drain(&receiver));
        t.join().unwrap();
        got.extend(drain(&receiver));
        assert_eq!(got, [1, CLOSE], "the message, then close, whenever start() came");
    });
}

#[test]
fn ship_both_ends_at_once() {
    loom::model(|| {
        let (one, two) = pair();
        one.enqueue_to_twin(1);
        two.enqueue_to_twin(2);
        let o = one.clone();
        let t = thread::spawn(move || {
            ship_and_receive(&o, 3);
            o.enable();
            o.enqueue_to_twin(3);
        });
        ship_and_receive(&two, 4);
        two.enable();
        two.enqueue_to_twin(4);
        t.join().unwrap();
        assert_eq!(drain(&one), [2, 4]);
        assert_eq!(drain(&two), [1, 3]);
        assert!(one.is_entangled() && two.is_entangled());
    });
}

#[test]
fn drop_racing_delivery() {
    loom::model(|| {
        let (sender, receiver) = pair();
        let (other_one, other_two) = pair();
        sender.enable();
        receiver.enable();
        let s = sender.clone();
        let t = thread::spawn(move || {
            // A message carrying another channel's port races the release.
            let nested_kept = s.twin().enqueue(message_with_port(other_one));
            let plain_kept = s.twin().enqueue(message(7));
            (nested_kept, plain_kept)
        });
        // The receiving port is collected while messages arrive.
        receiver.release();
        let (nested_kept, plain_kept) = t.join().unwrap();
        let _ = (nested_kept, plain_kept);
        // Whatever was queued was dropped with the port; the nested port's
        // channel is disentangled, so its twin hears `close`.
        assert!(receiver.is_released());
        assert_eq!(drain(&receiver), Vec::<u32>::new());
        other_two.enable();
        assert_eq!(drain(&other_two), [CLOSE]);
        assert_eq!(drain(&sender), [CLOSE]);
    });
}

/// The owner's hand (`src/messaging/hand.rs`): its first take moves every
/// waiting task out of the shared state at once. A post and a `close`
/// racing the rest of the batch, and a task handed back from the hand, keep
/// the queue's order: each message once, then close.
#[test]
fn close_racing_a_batch_in_hand() {
    loom::model(|| {
        let (sender, receiver, mut got) = a_batch_in_hand();
        assert_eq!(receiver.queued(), 1, "the task in hand is still queued");
        let s = sender.clone();
        let t = thread::spawn(move || {
            s.enqueue_to_twin(3);
            s.disentangle();
        });
        if let Some(Polled::Taken(taken)) = receiver.take_if_older(None) {
            receiver.put_back(taken);
        }
        got.extend(drain(&receiver));
        t.join().unwrap();
        got.extend(drain(&receiver));
        assert_eq!(got, [1, 2, 3, CLOSE], "each message once, in order, then close");
    });
}

/// The port is shipped with tasks in its owner's hand while its partner
/// posts: the hand goes back to the queue's front, the queue travels, and
/// the new holder gets everything once and in order.
#[test]
fn ship_racing_post_with_a_batch_in_hand() {
    loom::model(|| {
        let (sender, receiver, mut got) = a_batch_in_hand();
        let s = sender.clone();
        let t = thread::spawn(move || {
            s.enqueue_to_twin(3);
            s.enqueue_to_twin(4);
        });
        ship_and_receive(&receiver, 3);
        assert_eq!(
            drain(&receiver),
            Vec::<u32>::new(),
            "a received queue starts disabled"
        );
        receiver.enable();
        got.extend(drain(&receiver));
        t.join().unwrap();
        got.extend(drain(&receiver));
        assert_eq!(got, [1, 2, 3, 4]);
    });
}

/// The port is released (collected) with tasks in its owner's hand, one of
/// them carrying another channel's port, while its partner posts: the hand
/// is dropped with the queue, and the carried port's partner hears close.
#[test]
fn release_racing_post_with_a_batch_in_hand() {
    loom::model(|| {
        let (sender, receiver) = pair();
        let (carried, listener) = pair();
        receiver.enable();
        listener.enable();
        sender.enqueue_to_twin(1);
        sender.twin().enqueue(message_with_port(carried));
        sender.enqueue_to_twin(2);
        assert_eq!(drain_one(&receiver), [1]);
        let mut in_queue = 0;
        receiver.for_each_queued(|_| in_queue += 1);
        assert_eq!(in_queue, 2, "the collector's walk sees the hand");
        let s = sender.clone();
        let t = thread::spawn(move || s.enqueue_to_twin(3));
        receiver.release();
        t.join().unwrap();
        assert_eq!(receiver.queued(), 0);
        assert_eq!(drain(&receiver), Vec::<u32>::new());
        assert_eq!(drain(&listener), [CLOSE], "the carried port went with the hand");
        assert_eq!(drain(&sender), [CLOSE]);
    });
}

/// A channel whose receiving end was sent 1 and 2 and took 1: 2 waits in
/// the owner's hand. Returns the ends and what was taken.
fn a_batch_in_hand() -> (PortEnd, PortEnd, Vec<u32>) {
    let (sender, receiver) = pair();
    receiver.enable();
    sender.enqueue_to_twin(1);
    sender.enqueue_to_twin(2);
    let got = drain_one(&receiver);
    (sender, receiver, got)
}

/// One task taken (filling the owner's hand with the rest).
fn drain_one(end: &PortEnd) -> Vec<u32> {
    end.take_next()
        .map(|task| number(&task).unwrap_or(CLOSE))
        .into_iter()
        .collect()
}

/// Shorthand used above: post through the channel to the other end.
trait PostToTwin {
    fn enqueue_to_twin(&self, n: u32) -> bool;
}

impl PostToTwin for PortEnd {
    fn enqueue_to_twin(&self, n: u32) -> bool {
        self.twin().enqueue(message(n))
    }
}
