//! Exhaustive interleavings (loom) of the wake-only-when-sleeping signal
//! (`src/messaging/signal.rs`) with the port message queue that announces
//! ready ports to it: no wake-up is lost. An event loop that waits for a
//! notification nobody sends blocks for ever, which loom reports as a
//! deadlock; so every test below passing means the receiver always woke.
//!
//! Run: `RUSTFLAGS="--cfg loom" cargo test -p model-tests --release --test loom_signal`
//! (LOOM_MAX_PREEMPTIONS bounds the search; .ci/test uses 3).
#![cfg(loom)]

use loom::sync::Arc;
use loom::sync::atomic::{AtomicBool, Ordering};
use loom::thread;
use webmessaging::messaging::queue::{Channel, NextTask, Owner, Polled, PortEnd, Signal, TaskClock};
use webmessaging::structured::{Primitive, Record, RecordId, SerializeWithTransferResult, Serialized};

fn message(n: u32) -> SerializeWithTransferResult {
    SerializeWithTransferResult::new(
        Serialized::new(
            vec![Record::Primitive(Primitive::Number(f64::from(n)))],
            RecordId(0),
        ),
        Vec::new(),
    )
}

fn number(task: &NextTask) -> u32 {
    match task {
        NextTask::Message(t) => match t.message().serialized().records().first() {
            Some(Record::Primitive(Primitive::Number(n))) => *n as u32,
            _ => u32::MAX - 1,
        },
        NextTask::Close => u32::MAX,
    }
}

/// A channel whose second end belongs to an event loop woken by `signal`
/// (its port 7), with that end's queue enabled.
fn channel_to(signal: &Arc<Signal>) -> (PortEnd, PortEnd) {
    let other = Owner::new(Arc::new(Signal::new()), 1);
    let owner = Owner::new(signal.clone(), 7);
    let (sender, receiver) = Channel::entangled_pair(Arc::new(TaskClock::new()), other, owner);
    receiver.enable();
    (sender, receiver)
}

/// The event loop's side: until `want` tasks ran, look at the ready-port
/// index (the announced ports, then the end) and sleep when nothing is ready,
/// as `threads/agent_thread.rs` and the engine's loop do: the generation is read before
/// looking.
fn receive(signal: &Signal, end: &PortEnd, want: usize) -> Vec<u32> {
    let mut got = Vec::new();
    let mut index = Vec::new();
    while got.len() < want {
        let seen = signal.generation();
        signal.take_announced(&mut index);
        match end.poll_ready() {
            Some(_) => {
                let task = end.take_next().expect("a ready task can be taken");
                got.push(number(&task));
            }
            None => signal.wait(seen),
        }
    }
    got
}

#[test]
fn a_bare_notification_is_never_lost() {
    loom::model(|| {
        let signal = Arc::new(Signal::new());
        let flag = Arc::new(AtomicBool::new(false));
        let (s, f) = (signal.clone(), flag.clone());
        let t = thread::spawn(move || {
            f.store(true, Ordering::SeqCst);
            s.notify();
        });
        loop {
            let seen = signal.generation();
            if flag.load(Ordering::SeqCst) {
                break;
            }
            signal.wait(seen);
        }
        t.join().unwrap();
    });
}

#[test]
fn a_message_posted_while_the_receiver_goes_to_sleep_wakes_it() {
    loom::model(|| {
        let signal = Arc::new(Signal::new());
        let (sender, receiver) = channel_to(&signal);
        let t = thread::spawn(move || {
            sender.twin().enqueue(message(1));
        });
        assert_eq!(receive(&signal, &receiver, 1), [1]);
        t.join().unwrap();
    });
}

#[test]
fn a_stream_of_messages_skips_wakes_but_loses_none() {
    stream_of_three(receive);
}

/// Three messages from the partner, while the receiver looks with
/// `receive` (and sleeps when it finds nothing): all arrive, in order.
fn stream_of_three(receive: fn(&Signal, &PortEnd, usize) -> Vec<u32>) {
    loom::model(move || {
        let signal = Arc::new(Signal::new());
        let (sender, receiver) = channel_to(&signal);
        let t = thread::spawn(move || {
            for n in 0..3 {
                sender.twin().enqueue(message(n));
            }
        });
        assert_eq!(receive(&signal, &receiver, 3), [0, 1, 2], "in order, none lost");
        t.join().unwrap();
    });
}

#[test]
fn close_racing_a_sleeping_receiver_wakes_it() {
    message_then_close(receive);
}

/// A message and then `close` from the partner, while the receiver looks
/// with `receive` (and sleeps when it finds nothing): both arrive, in order.
fn message_then_close(receive: fn(&Signal, &PortEnd, usize) -> Vec<u32>) {
    loom::model(move || {
        let signal = Arc::new(Signal::new());
        let (sender, receiver) = channel_to(&signal);
        let t = thread::spawn(move || {
            sender.twin().enqueue(message(5));
            sender.disentangle();
        });
        assert_eq!(
            receive(&signal, &receiver, 2),
            [5, u32::MAX],
            "the message, then close"
        );
        t.join().unwrap();
    });
}

/// A task taken into the owner's hand and handed back (a declined turn)
/// stays ready: the receiver neither sleeps on it nor loses it, while the
/// rest of the stream arrives.
#[test]
fn a_task_handed_back_from_the_hand_stays_ready() {
    loom::model(|| {
        let signal = Arc::new(Signal::new());
        let (sender, receiver) = channel_to(&signal);
        let t = thread::spawn(move || {
            sender.twin().enqueue(message(1));
            sender.twin().enqueue(message(2));
        });
        let mut declined = false;
        let mut got = Vec::new();
        let mut index = Vec::new();
        while got.len() < 2 {
            let seen = signal.generation();
            signal.take_announced(&mut index);
            match receiver.take_if_older(None) {
                Some(Polled::Taken(taken)) if !declined => {
                    declined = true;
                    receiver.put_back(taken);
                }
                Some(Polled::Taken(taken)) => got.push(number(&taken.task)),
                Some(Polled::Ready(_)) => unreachable!("with no bound the task is taken"),
                None => signal.wait(seen),
            }
        }
        assert_eq!(got, [1, 2], "in order, none lost");
        t.join().unwrap();
    });
}

/// The event loop's side as `ready.rs` keeps it: the end is looked at only
/// while its port is in the ready-port index (it enters when announced, and
/// leaves when a look finds nothing), taking a task at once as
/// `oldest_ready_or_take` does for a lone port. A look that finds the hand
/// empty and the end not announced returns without locking the state (see
/// `hand.rs`): a task it did not see must have been announced, or the loop
/// sleeps for ever.
fn receive_indexed(signal: &Signal, end: &PortEnd, want: usize) -> Vec<u32> {
    let mut got = Vec::new();
    let mut announced = Vec::new();
    let mut indexed = false;
    while got.len() < want {
        let seen = signal.generation();
        signal.take_announced(&mut announced);
        indexed |= announced.drain(..).any(|port| port == 7);
        if !indexed {
            signal.wait(seen);
            continue;
        }
        match end.take_if_older(None) {
            Some(Polled::Taken(taken)) => got.push(number(&taken.task)),
            Some(Polled::Ready(_)) => unreachable!("with no bound the task is taken"),
            None => {
                indexed = false;
                signal.wait(seen);
            }
        }
    }
    got
}

/// A receiver that keeps pace with the sender refills its hand with one
/// message at a time, which takes its end out of the announced state: each
/// following post must announce it again, whether it comes before the
/// refill, between the refill and the next look, or while the receiver
/// goes to sleep.
#[test]
fn a_receiver_keeping_pace_leaves_the_index_and_is_told_again() {
    stream_of_three(receive_indexed);
}

/// A refill of one message while a `close` waits behind it leaves the end
/// announced: the `close` is still ready once the message is taken.
#[test]
fn a_close_behind_a_one_message_refill_stays_announced() {
    message_then_close(receive_indexed);
}

/// A port shipped right after its owner took a message (a one-message
/// refill takes the end out of the announced state) while its partner
/// posts: the posts made before the receive travel with the queue and are
/// announced to the new owner, the later ones too.
#[test]
fn a_port_shipped_after_a_one_message_refill_tells_its_new_owner() {
    loom::model(|| {
        let signal = Arc::new(Signal::new());
        let (sender, receiver) = channel_to(&signal);
        sender.twin().enqueue(message(0));
        let t = thread::spawn(move || {
            sender.twin().enqueue(message(1));
            sender.twin().enqueue(message(2));
        });
        let mut got = receive_indexed(&signal, &receiver, 1);
        receiver.ship();
        let new_signal = Arc::new(Signal::new());
        receiver.receive(Owner::new(new_signal.clone(), 7));
        receiver.enable();
        got.extend(receive_indexed(&new_signal, &receiver, 2));
        assert_eq!(got, [0, 1, 2], "in order, none lost, across the ship");
        t.join().unwrap();
    });
}
