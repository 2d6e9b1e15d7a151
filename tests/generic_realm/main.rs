//! The messaging layer is generic over the realm (issue 12 item 1): the same
//! channel messaging, run once with the built-in `Heap` as the realm and once
//! with a realm of another type whose objects are another type, gives the
//! same events.
//!
//! The other realm, `Borrowed`, is built the way an engine's is: a
//! short-lived borrow (of a `Heap` here, of a `Context` in Boa) made for each
//! call into the messaging layer, whose object handles (`Handle`, an `Rc`:
//! neither `Send` nor `Sync`, like a Boa `JsObject`) outlive it. It forwards
//! every operation to the heap, so any difference in the events would come
//! from the messaging layer asking the realm for something outside the
//! `Realm` trait, or keeping a realm it was only lent.

mod borrowed;
mod bulk_elements;

use borrowed::{Borrowed, Handle, Hook};
use std::hash::Hash;
use std::rc::Rc;
use std::sync::Arc;
use webmessaging::ecmascript::{AgentClusterId, Heap, ObjectId, PropertyKey, Realm, SharedDataBlock, Value};
use webmessaging::messaging::queue::TaskClock;
use webmessaging::messaging::{DispatchedEvent, GlobalPort, Messaging, PortId, PostOutcome};

/// Agents of one world, each a messaging state and a realm, as an engine
/// would hold them: `with` lends one agent's state and realm for a call.
trait Agents {
    type Object: Clone + Eq + Hash + std::fmt::Debug;
    type Realm<'a>: Realm<Object = Self::Object>
    where
        Self: 'a;

    fn with<T>(
        &mut self,
        agent: usize,
        f: impl FnOnce(&Messaging<Self::Object>, &mut Self::Realm<'_>) -> T,
    ) -> T;

    fn count(&self) -> usize;
}

/// The built-in heap as the realm, owned next to each agent's state.
struct HeapAgents {
    agents: Vec<(Messaging<ObjectId>, Heap)>,
}

impl Agents for HeapAgents {
    type Object = ObjectId;
    type Realm<'a>
        = Heap
    where
        Self: 'a;

    fn with<T>(&mut self, agent: usize, f: impl FnOnce(&Messaging<ObjectId>, &mut Heap) -> T) -> T {
        let (messaging, heap) = &mut self.agents[agent];
        f(messaging, heap)
    }

    fn count(&self) -> usize {
        self.agents.len()
    }
}

/// The `Borrowed` realm, made afresh for every call.
struct BorrowedAgents {
    states: Vec<Messaging<Handle>>,
    heaps: Vec<Heap>,
    hook: Option<Hook>,
    /// How many realms were lent so far.
    lent: usize,
}

impl Agents for BorrowedAgents {
    type Object = Handle;
    type Realm<'a>
        = Borrowed<'a>
    where
        Self: 'a;

    fn with<T>(&mut self, agent: usize, f: impl FnOnce(&Messaging<Handle>, &mut Borrowed<'_>) -> T) -> T {
        self.lent += 1;
        let messaging = &self.states[agent];
        let mut realm = Borrowed {
            heap: &mut self.heaps[agent],
            messaging,
            hook: self.hook.take(),
        };
        f(messaging, &mut realm)
    }

    fn count(&self) -> usize {
        self.states.len()
    }
}

const CLUSTERS: [(&str, u64); 3] = [("A", 0), ("B", 0), ("C", 1)];
const A: usize = 0;
const B: usize = 1;
const C: usize = 2;

fn heap_agents() -> HeapAgents {
    let clock = Arc::new(TaskClock::new());
    HeapAgents {
        agents: CLUSTERS
            .iter()
            .map(|(name, cluster)| {
                (
                    Messaging::new(*name, clock.clone()),
                    Heap::new(AgentClusterId(*cluster)),
                )
            })
            .collect(),
    }
}

fn borrowed_agents() -> BorrowedAgents {
    let clock = Arc::new(TaskClock::new());
    BorrowedAgents {
        states: CLUSTERS
            .iter()
            .map(|(name, _)| Messaging::new(*name, clock.clone()))
            .collect(),
        heaps: CLUSTERS
            .iter()
            .map(|(_, cluster)| Heap::new(AgentClusterId(*cluster)))
            .collect(),
        hook: None,
        lent: 0,
    }
}

/// A value as script would print it, read through the `Realm` trait only.
fn describe<R: Realm>(realm: &mut R, value: &Value<R::Object>) -> String {
    match value {
        Value::Undefined => "undefined".to_owned(),
        Value::String(s) => format!("{:?}", s.to_rust_string().unwrap_or_default()),
        Value::Number(n) => n.to_string(),
        Value::Object(o) => {
            if let Some(slots) = realm.array_buffer(o) {
                let mut bytes = vec![0; slots.byte_length];
                realm.copy_data_block_bytes(&mut bytes, 0, o, 0, slots.byte_length);
                return format!("ArrayBuffer{bytes:?}");
            }
            let keys = realm.enumerable_own_property_keys(o);
            let fields: Vec<String> = keys
                .into_iter()
                .map(|key| {
                    let name = key.to_rust_string().unwrap_or_default();
                    let field = realm.get(o, &PropertyKey::String(key));
                    let text = field.map_or_else(|_| "<throws>".to_owned(), |v| describe(realm, &v));
                    format!("{name}: {text}")
                })
                .collect();
            format!("{{{}}}", fields.join(", "))
        }
        other => other.type_name().to_owned(),
    }
}

/// One event, as script would see it.
fn seen<R: Realm>(realm: &mut R, event: &DispatchedEvent<R::Object>) -> String {
    let data = event
        .data
        .as_ref()
        .map(|d| format!(" data={}", describe(realm, d)))
        .unwrap_or_default();
    let ports = if event.ports.is_empty() {
        String::new()
    } else {
        format!(" ports={:?}", event.port_labels().collect::<Vec<_>>())
    };
    let error = event
        .error
        .as_ref()
        .map(|e| format!(" error={}", e.split(':').next().unwrap_or_default()))
        .unwrap_or_default();
    format!(
        "{} {} {}{data}{ports}{error} listeners={}",
        event.agent(),
        event.target_label(),
        event.event,
        event.listeners
    )
}

/// Runs the oldest ready task of any agent until none is ready, as the
/// stepper does; returns what script saw.
fn run<W: Agents>(agents: &mut W) -> Vec<String> {
    let mut seen_events = Vec::new();
    loop {
        let next = (0..agents.count())
            .filter_map(|i| Some((agents.with(i, |m, _| m.next_ready())?, i)))
            .min();
        let Some((_, agent)) = next else {
            return seen_events;
        };
        let event = agents.with(agent, |m, realm| {
            let event = m.run_next_task(realm)?;
            Some(seen(realm, &event))
        });
        seen_events.extend(event);
    }
}

/// `to`'s global port.
fn global<W: Agents>(agents: &mut W, to: usize) -> GlobalPort {
    agents.with(to, |m, _| m.global_port())
}

/// Ships `port` from agent `from` to agent `to` through `to`'s global
/// scope, runs the world, and returns the port as `to` received it.
fn ship<W: Agents>(agents: &mut W, from: usize, port: PortId, to: usize, log: &mut Vec<String>) -> PortId {
    let global = global(agents, to);
    agents.with(from, |m, realm| {
        let object = m.port_object(port).expect("a live port");
        m.post_to_global(realm, &global, &Value::Undefined, &[object])
            .expect("shipping a port")
    });
    log.extend(run(agents));
    agents.with(to, |m, _| *m.port_ids().last().expect("the received port"))
}

/// Channel messaging through the whole API: a channel, a port shipped to
/// another agent, a message carrying a transferred port and a transferred
/// buffer, `start`, `onmessage`, `onclose`, `close`, and a `messageerror`
/// for a SharedArrayBuffer sent across agent clusters. Returns what script
/// saw, and what postMessage returned.
fn channel_messaging<W: Agents>(agents: &mut W) -> (Vec<String>, Vec<PostOutcome>) {
    let mut log = Vec::new();
    let mut outcomes = Vec::new();
    let (p, q) = agents.with(A, |m, realm| m.new_message_channel(realm, "p", "q"));
    let (r, s) = agents.with(A, |m, realm| m.new_message_channel(realm, "r", "s"));
    agents.with(A, |m, _| m.set_onclose(p));

    let q_at_b = ship(agents, A, q, B, &mut log);
    agents.with(B, |m, _| m.set_onmessage(q_at_b));

    // p.postMessage({text, buffer}, [buffer, r]): both move.
    let outcome = agents.with(A, |m, realm| {
        let buffer = realm.create_array_buffer(vec![1, 2, 3], None).expect("a buffer");
        let message = realm.ordinary_object_create();
        realm.create_data_property(&message, "text".into(), Value::from("hello"));
        realm.create_data_property(&message, "buffer".into(), Value::Object(buffer.clone()));
        let r_object = m.port_object(r).expect("r");
        let outcome = m
            .post_message(
                realm,
                p,
                &Value::Object(message),
                &[buffer.clone(), r_object.clone()],
            )
            .expect("posting");
        assert!(realm.is_detached_buffer(&buffer), "the buffer moved");
        assert_eq!(
            realm.platform_object(&r_object).and_then(|p| p.detached),
            Some(true)
        );
        outcome
    });
    outcomes.push(outcome);
    log.extend(run(agents));

    // The port that arrived in the message works where it arrived.
    let r_at_b = agents.with(B, |m, _| m.port_by_label("r@B").expect("r arrived at B"));
    agents.with(B, |m, _| m.start(r_at_b));
    outcomes.push(agents.with(A, |m, realm| {
        m.post_message(realm, s, &Value::from("through r"), &[])
            .expect("posting")
    }));
    log.extend(run(agents));

    // A SharedArrayBuffer cannot reach another agent cluster.
    let (t, u) = agents.with(A, |m, realm| m.new_message_channel(realm, "t", "u"));
    let u_at_c = ship(agents, A, u, C, &mut log);
    agents.with(C, |m, _| m.set_onmessage(u_at_c));
    outcomes.push(agents.with(A, |m, realm| {
        let shared = realm.create_shared_array_buffer(SharedDataBlock::new(vec![0; 4]), None);
        m.post_message(realm, t, &Value::Object(shared), &[])
            .expect("posting")
    }));
    log.extend(run(agents));

    // close() at B: p, back in A, gets `close`.
    agents.with(B, |m, realm| m.close(realm, q_at_b));
    outcomes.push(agents.with(B, |m, realm| {
        m.post_message(realm, q_at_b, &Value::from("after close"), &[])
            .expect("posting")
    }));
    log.extend(run(agents));
    (log, outcomes)
}

#[test]
fn channel_messaging_gives_the_same_events_with_a_realm_of_another_type() {
    let (through_heap, heap_outcomes) = channel_messaging(&mut heap_agents());
    let mut borrowed = borrowed_agents();
    let (through_borrowed, borrowed_outcomes) = channel_messaging(&mut borrowed);
    assert_eq!(through_borrowed, through_heap);
    assert_eq!(borrowed_outcomes, heap_outcomes);
    assert!(
        borrowed.lent > 20,
        "a realm was lent for each call, {} in all",
        borrowed.lent
    );
    // What both saw is what the standard says script sees.
    assert_eq!(
        through_heap,
        [
            "B global message data=undefined ports=[\"q@B\"] listeners=1",
            "B q@B message data={text: \"hello\", buffer: ArrayBuffer[1, 2, 3]} ports=[\"r@B\"] listeners=1",
            "B r@B message data=\"through r\" listeners=0",
            "C global message data=undefined ports=[\"u@C\"] listeners=1",
            "C u@C messageerror error=DataCloneError listeners=0",
            "A p close listeners=1",
        ]
    );
    assert_eq!(
        heap_outcomes,
        [
            PostOutcome::Queued,
            PostOutcome::Queued,
            PostOutcome::Queued,
            PostOutcome::NoTargetPort
        ]
    );
}

#[test]
fn a_getter_may_ship_a_port_while_post_message_serializes() {
    // A getter of the message, run during p.postMessage's serialization,
    // posts on another channel with port x in its transfer list: the port
    // table is not held across the realm's call, so the inner postMessage
    // runs, and x is received where the inner message goes.
    let mut agents = borrowed_agents();
    let (p, q) = agents.with(A, |m, realm| m.new_message_channel(realm, "p", "q"));
    let (c1, c2) = agents.with(A, |m, realm| m.new_message_channel(realm, "c1", "c2"));
    let (x, _) = agents.with(A, |m, realm| m.new_message_channel(realm, "x", "y"));
    agents.with(A, |m, _| {
        m.start(q);
        m.start(c2);
    });
    let x_object = agents.with(A, |m, _| m.port_object(x).expect("x"));
    let outcome = Rc::new(std::cell::RefCell::new(None));
    agents.hook = Some(Hook {
        key: "sneaky".into(),
        port: c1,
        transfer: x_object.clone(),
        outcome: outcome.clone(),
    });
    let posted = agents.with(A, |m, realm| {
        let message = realm.ordinary_object_create();
        realm.create_data_property(&message, "sneaky".into(), Value::from("value"));
        m.post_message(realm, p, &Value::Object(message), &[])
    });
    assert_eq!(posted.expect("the outer post"), PostOutcome::Queued);
    assert_eq!(
        *outcome.borrow(),
        Some(Ok(PostOutcome::Queued)),
        "the getter's post ran"
    );
    assert_eq!(
        run(&mut agents),
        [
            "A c2 message data=undefined ports=[\"x@A\"] listeners=0",
            "A q message data={sneaky: \"value\"} listeners=0",
        ]
    );
    // The original x is detached: transferring it again throws.
    let again = agents.with(A, |m, realm| {
        m.post_message(realm, p, &Value::Undefined, std::slice::from_ref(&x_object))
    });
    assert!(matches!(again, Err(e) if e.to_string().contains("detached")));
}
