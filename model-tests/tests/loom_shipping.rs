//! Exhaustive interleavings (loom) of shipping ports between event loops,
//! on the very queue code the threads run (`std::sync` swapped for
//! `loom::sync` by the library's `sync` seam), held to the rules the
//! exhaustive model search checks: every message delivered once, in order,
//! to whoever holds the port, `close` after the messages queued before it
//! and nothing after it, one owner per queue, no lost wake-up.
//!
//! Which races the threaded code has: each channel's two ends share one
//! lock (and each end's owner has a second, its hand's: the tasks it took
//! out in one batch, which shipping puts back); a port's own operations (post, start, close, ship, receive) run on
//! its agent's thread, while its partner's agent posts into it and closes
//! from another, and a data holder dropped on the posting thread (a doomed
//! post, a message never delivered) releases the port it carried from
//! there. Garbage collection runs only on the stepper (`World::
//! collect_garbage` needs the whole world; `ThreadedWorld` has no
//! collector), so it races nothing; what it does to a port (`release`)
//! does race, when a port is lost in flight: `a_lost_port_racing_a_delivery`.
//!
//! Run: `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=3 CARGO_TARGET_DIR=target/loom
//! cargo test -p model-tests --release --test loom_shipping`
#![cfg(loom)]

use loom::sync::Arc;
use loom::thread;
use webmessaging::messaging::PortTransferData;
use webmessaging::messaging::queue::{Channel, NextTask, Owner, PortEnd, Signal, TaskClock};
use webmessaging::structured::{
    Primitive, Record, RecordId, SerializeWithTransferResult, Serialized, TransferDataHolder,
};

const CLOSE: u32 = u32::MAX;

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

fn owner(port: u64) -> Owner {
    Owner::new(Arc::new(Signal::new()), port)
}

fn pair() -> (PortEnd, PortEnd) {
    Channel::entangled_pair(Arc::new(TaskClock::new()), owner(1), owner(2))
}

/// Everything `end` can deliver now: message numbers, `CLOSE` for close.
fn drain(end: &PortEnd) -> Vec<u32> {
    let mut got = Vec::new();
    while let Some(task) = end.take_next() {
        got.push(match task {
            NextTask::Message(t) => match t.message().serialized().records().first() {
                Some(Record::Primitive(Primitive::Number(n))) => *n as u32,
                _ => u32::MAX - 1,
            },
            NextTask::Close => CLOSE,
        });
    }
    got
}

/// The port holding `end` is shipped and received by a new owner (port
/// `port` of an event loop whose signal is returned).
fn ship_and_receive(end: &PortEnd, port: u64) -> Arc<Signal> {
    end.ship();
    let new_owner = owner(port);
    let signal = new_owner.signal().clone();
    end.receive(new_owner);
    signal
}

/// The receiving port is shipped to another event loop while its partner
/// posts two messages and closes: the new holder gets both, in order, then
/// `close`, and nothing after it; the queue has one owner, the new port.
#[test]
fn ship_while_the_partner_posts_and_closes() {
    loom::model(|| {
        let (sender, receiver) = pair();
        let s = sender.clone();
        let t = thread::spawn(move || {
            s.twin().enqueue(message(1));
            s.twin().enqueue(message(2));
            s.disentangle();
        });
        ship_and_receive(&receiver, 3);
        receiver.enable();
        let mut got = drain(&receiver);
        t.join().unwrap();
        got.extend(drain(&receiver));
        assert_eq!(got, [1, 2, CLOSE], "once, in order, close last");
        assert_eq!(receiver.owner_port(), Some(3));
        assert!(!receiver.is_entangled() && !receiver.close_pending());
    });
}

/// The same with the queue never started: `close` waits behind the
/// messages (reading close-is-a-task) until the new holder starts it.
#[test]
fn close_waits_behind_messages_that_arrive_in_flight() {
    loom::model(|| {
        let (sender, receiver) = pair();
        let s = sender.clone();
        let t = thread::spawn(move || {
            s.twin().enqueue(message(1));
            s.disentangle();
        });
        ship_and_receive(&receiver, 3);
        let early = drain(&receiver);
        t.join().unwrap();
        let before_start = drain(&receiver);
        receiver.enable();
        let after_start = drain(&receiver);
        // Nothing is dispatched before start() except a close with no
        // message before it, which cannot happen here.
        assert_eq!(early, Vec::<u32>::new());
        assert_eq!(before_start, Vec::<u32>::new());
        assert_eq!(after_start, [1, CLOSE]);
    });
}

/// The partner closes while the port is in flight and being received: the
/// new owner is woken for the `close` whichever comes first (disentangle
/// sees no owner to wake; receive then sees the close pending).
#[test]
fn close_racing_receive_never_loses_the_wakeup() {
    loom::model(|| {
        let (sender, receiver) = pair();
        let s = sender.clone();
        receiver.ship();
        let t = thread::spawn(move || {
            s.disentangle();
        });
        let new_owner = owner(3);
        let signal = new_owner.signal().clone();
        receiver.receive(new_owner);
        t.join().unwrap();
        assert!(
            signal.generation() > 0,
            "the new owner was never woken for its close"
        );
        assert_eq!(drain(&receiver), [CLOSE]);
    });
}

/// Both ends shipped at once, each posting after it arrives, one closing:
/// they stay entangled until the close (reading both-ends-stay-entangled),
/// every message is delivered once and in order, and the closer's partner
/// gets nothing after `close`.
#[test]
fn both_ends_shipped_at_once_while_one_closes() {
    loom::model(|| {
        let (one, two) = pair();
        one.twin().enqueue(message(1));
        two.twin().enqueue(message(2));
        let o = one.clone();
        let t = thread::spawn(move || {
            ship_and_receive(&o, 3);
            o.enable();
            o.twin().enqueue(message(3));
            o.disentangle();
        });
        ship_and_receive(&two, 4);
        two.enable();
        // A post sees its target while entangled; it may land just after
        // the close, at the closed port, as the standard allows (the post
        // came first: its target was found before the close).
        let posted = two.is_entangled() && two.twin().enqueue(message(4));
        t.join().unwrap();
        assert_eq!(drain(&two), [1, 3, CLOSE], "nothing after close");
        let expected: &[u32] = if posted { &[2, 4] } else { &[2] };
        assert_eq!(drain(&one), expected);
        assert_eq!((one.owner_port(), two.owner_port()), (Some(3), Some(4)));
    });
}

/// A port lost in flight (its data holder dropped on the posting thread,
/// as after a doomed post) is released while its partner's event loop
/// delivers and posts to it: the partner gets what was queued before, then
/// `close`, nothing after; the message the lost port's queue held is
/// dropped with the port it carried, whose partner hears `close`.
#[test]
fn a_lost_port_racing_a_delivery() {
    loom::model(|| {
        let (partner, lost) = pair();
        let (carried, listener) = pair();
        partner.enable();
        listener.enable();
        // Queued before: a message for the partner, and one carrying a
        // port in the lost port's queue.
        lost.twin().enqueue(message(1));
        partner.twin().enqueue(message_with_port(carried));
        lost.ship();
        let holder = PortTransferData::new(lost.clone(), "lost");
        let t = thread::spawn(move || drop(holder));
        let mut got = drain(&partner);
        let queued = partner.twin().enqueue(message(9));
        t.join().unwrap();
        got.extend(drain(&partner));
        assert_eq!(got, [1, CLOSE], "the message, then close, nothing after");
        assert!(lost.is_released());
        assert_eq!(
            lost.queued(),
            0,
            "what the lost queue held (and {queued}) is dropped"
        );
        assert_eq!(drain(&listener), [CLOSE], "the carried port went with it");
        assert!(!partner.is_entangled());
    });
}
