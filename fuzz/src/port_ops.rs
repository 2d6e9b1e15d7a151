//! `port_ops`: arbitrary sequences of channel operations on the
//! deterministic stepper ([`World`]), checked against a small bookkeeping
//! model of channels, ends and queued messages.
//!
//! # What the model tracks
//!
//! Each channel has two ends. An end is held by a port, travels inside a
//! queued message or a worker-style (global) message, or is *released*: the
//! port holding it was collected, or the data holder carrying it was dropped
//! (a post that failed after transferring, a doomed post, a post with no
//! target, or a queued message dropped because its own target end was
//! released). Releasing an end disentangles its channel (if entangled; the
//! releasing end is then the *initiator*) and drops its queue, releasing in
//! turn the ends carried by the dropped messages. `close()` on a port that
//! holds an end disentangles with that end as initiator. Which ports the
//! garbage collector takes is the library's decision; the model takes it as
//! given, after checking it was allowed.
//!
//! # Invariants checked
//!
//! After every operation, the library agrees with the model on which
//! channels are entangled, which ends are released, and which ports are
//! detached. A `postMessage` throws exactly when the standard says (the
//! source port in its own transfer list, a duplicate entry, a MessagePort
//! in the message but not in the transfer list, a detached buffer copied,
//! or a detached port or buffer reached in step 5), and otherwise reports
//! `Queued`, `Doomed` (the target port is in the transfer list) or
//! `NoTargetPort` (not entangled) as the model expects.
//!
//! For each `message` event:
//! - it carries a message the model has queued and not yet delivered or
//!   dropped (so every message is delivered at most once, and never one
//!   whose post did not queue it);
//! - it reaches the port that holds the end the message was queued for;
//! - it is the oldest message queued for that end: per sender-port (per
//!   channel direction) order is kept and no message is skipped;
//! - its transferred ports arrive holding the very channel ends that were
//!   sent, and a transferred or copied buffer arrives with its bytes.
//!
//! For each `close` event: its channel is disentangled, it reaches the end
//! that did not initiate the disentanglement, at most once per channel, and
//! never an end that was released.
//!
//! "Nothing is delivered to a port after its `close` event unless it was
//! queued before the close": once a channel is disentangled no post can
//! queue on it (the model expects `NoTargetPort`, and the library must
//! agree), and a `message` event is only accepted for a message the model
//! queued, so every message delivered after a `close` was queued before the
//! disentanglement that caused it. The library queues the `close` task
//! behind the messages already queued (a documented deviation: `close` is a
//! task, not a synchronous event), so `close` comes only once the queue is
//! empty, whether it is enabled or not (a disabled queue holds `close` back
//! behind its messages until `start()`); the target checks that too.
//!
//! The garbage collector never takes a port that script holds, one with
//! queued messages in an enabled queue or a pending `close` no message
//! holds back (a `close` behind messages in a queue never started keeps
//! nothing alive, like the messages), or an entangled port with message
//! listeners whose twin script holds.
//!
//! At the end, the run drains: every port is started (again, as received
//! ports arrive disabled) until nothing is left to run. Then every queued
//! message has been delivered or dropped with its released end, every end
//! is held by a live port or released, every disentangled channel whose
//! non-initiating end survives has fired exactly one `close`, and after
//! closing every port and running again no live port's enabled queue holds
//! a task or a pending `close`.
//!
//! One exception, which the standard does not resolve either (its garbage
//! collection rules speak of ports, not of ports in flight): ports shipped into each
//! other's queues. Post port X (of channel 1) through channel 2, then post
//! port Y (holding channel 2's receiving end) through channel 1: X's end
//! waits in Y's queue and Y's end in X's, so neither message can ever be
//! received, and no port of any event loop holds them for the collector to
//! find. Such ends and messages are *stranded*. The drain accepts a queued
//! message that is neither delivered nor dropped only if the end it waits
//! for is itself carried by such a message, and an end that is neither
//! held nor released only if it is carried by one; a surviving end that is
//! stranded is not expected to see its `close`.

use arbitrary::{Arbitrary, Unstructured};
use std::collections::{BTreeMap, HashMap, VecDeque};
use webmessaging::ecmascript::{
    AgentClusterId, ArrayBufferState, Heap, ObjectId, ObjectKind, OwnProperty, PropertyKey, Value,
};
use webmessaging::messaging::queue::{PortEnd, Side};
use webmessaging::messaging::{
    AgentId, DispatchedEvent, EventLog, EventTarget, EventType, PortId, PostOutcome, World,
};
use webmessaging::structured::CloneError;

/// Most operations run from one input.
const MAX_OPS: usize = 64;
/// Steps `run_until_idle` may take before the target calls it a hang.
const IDLE_LIMIT: usize = 100_000;
/// Events a run may dispatch per operation (its work budget).
const EVENTS_PER_OP: usize = 4;

/// A buffer to send along.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum BufferChoice {
    None,
    /// A new buffer, copied.
    Copy,
    /// A new buffer, transferred.
    Transfer,
    /// The agent's last transferred (so detached) buffer, copied.
    DetachedCopy,
    /// The same, in the transfer list.
    DetachedTransfer,
}

/// One operation; ports are picked by index among the live ports (and, for
/// transfer lists, among those of the posting agent).
#[derive(Arbitrary, Debug, Clone)]
pub enum Op {
    NewChannel {
        agent: u8,
    },
    Post {
        port: u8,
        transfer: Vec<u8>,
        buffer: BufferChoice,
        stray_port: Option<u8>,
        with_options: bool,
    },
    Start {
        port: u8,
    },
    OnMessage {
        port: u8,
    },
    Listen {
        port: u8,
        event: u8,
    },
    Close {
        port: u8,
    },
    Ship {
        port: u8,
        to: u8,
    },
    Forget {
        port: u8,
    },
    Gc,
    Step,
    Run {
        steps: u8,
    },
}

/// One fuzz case.
#[derive(Arbitrary, Debug)]
pub struct PortInput {
    pub agents: u8,
    pub ops: Vec<Op>,
}

/// A channel end: channel number and side (0 for port 1's, 1 for port 2's).
type EndKey = (usize, usize);

fn twin(end: EndKey) -> EndKey {
    (end.0, 1 - end.1)
}

/// An end's place in vectors indexed by end.
fn end_index((channel, side): EndKey) -> usize {
    2 * channel + side
}

/// A port the script has (or had) a handle to.
#[derive(Debug)]
struct Port {
    agent: AgentId,
    id: PortId,
    object: ObjectId,
    /// The end it was created or received with.
    end: EndKey,
    /// Whether it still holds that end (it has not been transferred).
    holds_end: bool,
    detached: bool,
    forgotten: bool,
    collected: bool,
}

#[derive(Debug)]
struct Message {
    /// Whether its post queued it (otherwise it must never arrive).
    queued: bool,
    to: EndKey,
    /// Ends of the ports it carries, in transfer order.
    carries: Vec<EndKey>,
    /// Bytes of the buffer it carries.
    buffer: Option<Vec<u8>>,
    delivered: bool,
    dropped: bool,
}

struct Channel {
    /// The library's two ends, kept so the model can query them (and so
    /// their addresses are never reused by a later channel).
    ends: [PortEnd; 2],
    entangled: bool,
    /// The side whose port started the disentanglement.
    initiator: Option<usize>,
    released: [bool; 2],
    closes: [usize; 2],
    /// Undelivered messages queued for each end, oldest first.
    queues: [VecDeque<usize>; 2],
}

struct Run {
    world: World,
    agents: Vec<AgentId>,
    ports: Vec<Port>,
    /// The ports not collected, by index, in ascending order.
    live: Vec<usize>,
    channels: Vec<Channel>,
    by_address: HashMap<usize, usize>,
    messages: Vec<Message>,
    /// Worker-style shipments in flight: id → end.
    ships: BTreeMap<usize, EndKey>,
    next_ship: usize,
    /// Per agent, the last buffer it transferred away.
    detached_buffer: HashMap<AgentId, ObjectId>,
    /// Events dispatched so far: the run's work, which must stay
    /// proportional to the operations applied.
    events: usize,
}

fn property(heap: &Heap, o: ObjectId, key: &str) -> Option<Value<ObjectId>> {
    let key = PropertyKey::from(key);
    heap.object(o).properties().data_value(&key).cloned()
}

fn define(heap: &mut Heap, o: ObjectId, key: &str, value: Value<ObjectId>) {
    heap.define_property(o, PropertyKey::from(key), OwnProperty::new_data(value));
}

impl Run {
    fn end_key(&self, end: &PortEnd) -> EndKey {
        let address = std::sync::Arc::as_ptr(end.channel()) as usize;
        let channel = *self
            .by_address
            .get(&address)
            .unwrap_or_else(|| panic!("an end of a channel the model never saw"));
        (channel, usize::from(end.side() == Side::Two))
    }

    fn library_end(&self, agent: AgentId, port: PortId) -> Option<PortEnd> {
        self.world.agent_ref(agent).port(port)?.end().cloned()
    }

    fn live(&self) -> Vec<usize> {
        self.live.clone()
    }

    fn pick(&self, index: u8) -> Option<usize> {
        let live = &self.live;
        (!live.is_empty()).then(|| live[usize::from(index) % live.len()])
    }

    fn add_port(&mut self, port: Port) {
        self.live.push(self.ports.len());
        self.ports.push(port);
    }

    /// The live port holding each end (`2 * channel + side`), the first
    /// one if the model were ever to see two.
    fn holders(&self) -> Vec<Option<usize>> {
        let mut holders = vec![None; 2 * self.channels.len()];
        for &i in &self.live {
            let p = &self.ports[i];
            if p.holds_end {
                holders[end_index(p.end)].get_or_insert(i);
            }
        }
        holders
    }

    /// The model's side of releasing an end, cascading through the ends
    /// carried by the messages its queue drops.
    fn release(&mut self, end: EndKey) {
        let mut work = vec![end];
        while let Some((c, side)) = work.pop() {
            let channel = &mut self.channels[c];
            if channel.released[side] {
                continue;
            }
            channel.released[side] = true;
            if channel.entangled {
                channel.entangled = false;
                channel.initiator = Some(side);
            }
            for m in std::mem::take(&mut channel.queues[side]) {
                self.messages[m].dropped = true;
                work.extend(self.messages[m].carries.iter().copied());
            }
        }
    }

    /// The model's side of `close()` or of DOM-level disentangling.
    fn disentangle(&mut self, end: EndKey) {
        let channel = &mut self.channels[end.0];
        if channel.entangled {
            channel.entangled = false;
            channel.initiator = Some(end.1);
        }
    }

    fn new_channel(&mut self, agent: AgentId) {
        let n = self.channels.len();
        let (a, b) = self
            .world
            .agent(agent)
            .new_message_channel(&format!("c{n}a"), &format!("c{n}b"));
        let ends = [a, b].map(|p| self.library_end(agent, p).expect("a new port holds an end"));
        self.by_address
            .insert(std::sync::Arc::as_ptr(ends[0].channel()) as usize, n);
        self.channels.push(Channel {
            ends,
            entangled: true,
            initiator: None,
            released: [false; 2],
            closes: [0; 2],
            queues: [VecDeque::new(), VecDeque::new()],
        });
        for (side, p) in [a, b].into_iter().enumerate() {
            let object = *self.world.agent_ref(agent).port(p).expect("new port").object();
            self.add_port(Port {
                agent,
                id: p,
                object,
                end: (n, side),
                holds_end: true,
                detached: false,
                forgotten: false,
                collected: false,
            });
        }
    }

    fn new_buffer(&mut self, agent: AgentId, seed: usize) -> (ObjectId, Vec<u8>) {
        let bytes: Vec<u8> = (0..4)
            .map(|i| (seed as u8).wrapping_mul(31).wrapping_add(i))
            .collect();
        let heap = self.world.agent(agent).realm_mut();
        let id = heap.alloc(ObjectKind::array_buffer_of(ArrayBufferState::Owned {
            data: Some(bytes.clone()),
            max_byte_length: None,
            detach_key: false,
        }));
        (id, bytes)
    }

    fn post(
        &mut self,
        source: usize,
        transfer: &[u8],
        buffer: BufferChoice,
        stray: Option<u8>,
        with_options: bool,
    ) {
        let agent = self.ports[source].agent;
        let mine: Vec<usize> = self
            .live
            .iter()
            .copied()
            .filter(|&i| self.ports[i].agent == agent)
            .collect();
        let listed: Vec<usize> = transfer
            .iter()
            .take(4)
            .map(|&i| mine[usize::from(i) % mine.len()])
            .collect();
        let stray = stray
            .map(|i| mine[usize::from(i) % mine.len()])
            .filter(|s| !listed.contains(s));
        let id = self.messages.len();

        // The buffer, and whether it is detached already.
        let (buffer_object, buffer_bytes, buffer_listed) = match buffer {
            BufferChoice::None => (None, None, false),
            BufferChoice::Copy | BufferChoice::Transfer => {
                let (o, bytes) = self.new_buffer(agent, id);
                (Some(o), Some(bytes), matches!(buffer, BufferChoice::Transfer))
            }
            BufferChoice::DetachedCopy | BufferChoice::DetachedTransfer => {
                match self.detached_buffer.get(&agent) {
                    Some(o) => (Some(*o), None, matches!(buffer, BufferChoice::DetachedTransfer)),
                    None => (None, None, false),
                }
            }
        };
        let buffer_detached = buffer_object.is_some() && buffer_bytes.is_none();

        // The message: { id, ports: [listed ports..., stray], buf }.
        let heap = self.world.agent(agent).realm_mut();
        let data = heap.alloc(ObjectKind::Ordinary);
        define(heap, data, "id", Value::Number(id as f64));
        let in_data: Vec<ObjectId> = listed
            .iter()
            .chain(stray.iter())
            .map(|&i| self.ports[i].object)
            .collect();
        let array = heap.alloc(ObjectKind::Array {
            length: in_data.len() as u32,
        });
        for (i, o) in in_data.iter().enumerate() {
            define(heap, array, &i.to_string(), Value::Object(*o));
        }
        define(heap, data, "ports", Value::Object(array));
        if let Some(b) = buffer_object {
            define(heap, data, "buf", Value::Object(b));
        }
        let mut list: Vec<ObjectId> = listed.iter().map(|&i| self.ports[i].object).collect();
        if buffer_listed && let Some(b) = buffer_object {
            list.push(b);
        }

        // What the standard says happens, in its order.
        let src_end = self.ports[source].end;
        let src_holds = self.ports[source].holds_end;
        let duplicate = (0..listed.len()).any(|i| listed[..i].contains(&listed[i]));
        let first_detached = listed
            .iter()
            .position(|&i| self.ports[i].detached)
            .or((buffer_listed && buffer_detached).then_some(listed.len()));
        enum Predicted {
            Throws { moved: usize },
            Posts,
        }
        let predicted = if listed.contains(&source) || duplicate {
            Predicted::Throws { moved: 0 }
        } else if stray.is_some() || (buffer_detached && !buffer_listed) {
            // SSI step 20 (a port is not serializable) or 13.2.1.
            Predicted::Throws { moved: 0 }
        } else if let Some(i) = first_detached {
            Predicted::Throws { moved: i }
        } else {
            Predicted::Posts
        };
        let entangled = src_holds && self.channels[src_end.0].entangled;
        let doomed = entangled
            && listed
                .iter()
                .any(|&i| self.ports[i].end == twin(src_end) && self.ports[i].holds_end);

        let (port_id, world) = (self.ports[source].id, &mut self.world);
        let outcome = if with_options {
            world
                .agent(agent)
                .post_message_with_options(port_id, Value::Object(data), &list)
        } else {
            world
                .agent(agent)
                .post_message(port_id, Value::Object(data), &list)
        };

        let moved = match (&predicted, &outcome) {
            (Predicted::Throws { moved }, Err(CloneError::DataClone(_))) => *moved,
            (Predicted::Posts, Ok(_)) => listed.len(),
            (_, got) => panic!(
                "postMessage gave {got:?}; the standard says it {}",
                if matches!(predicted, Predicted::Posts) {
                    "posts"
                } else {
                    "throws a DataCloneError"
                }
            ),
        };
        // The ports that went through the transfer steps.
        for &i in &listed[..moved] {
            let p = &mut self.ports[i];
            p.detached = true;
            p.holds_end = false;
        }
        if buffer_listed && !buffer_detached && matches!(predicted, Predicted::Posts) {
            self.detached_buffer
                .insert(agent, buffer_object.expect("a buffer"));
        }
        let carried: Vec<EndKey> = listed[..moved].iter().map(|&i| self.ports[i].end).collect();
        let to = twin(src_end);
        self.messages.push(Message {
            queued: false,
            to,
            carries: carried.clone(),
            buffer: buffer_bytes,
            delivered: false,
            dropped: false,
        });
        let Ok(outcome) = outcome else {
            // The holders of the ports moved so far are dropped.
            carried.into_iter().for_each(|e| self.release(e));
            return;
        };
        let expected = if !entangled {
            PostOutcome::NoTargetPort
        } else if doomed {
            PostOutcome::Doomed
        } else {
            PostOutcome::Queued
        };
        assert_eq!(outcome, expected, "postMessage outcome");
        if outcome != PostOutcome::Queued {
            carried.into_iter().for_each(|e| self.release(e));
            return;
        }
        self.messages[id].queued = true;
        self.channels[to.0].queues[to.1].push_back(id);
    }

    fn ship(&mut self, port: usize, to: AgentId) {
        let from = self.ports[port].agent;
        let global = self.world.agent_ref(to).global_port();
        let ship = self.next_ship;
        self.next_ship += 1;
        let object = self.ports[port].object;
        let result = self
            .world
            .agent(from)
            .post_to_global(&global, Value::Number(ship as f64), &[object]);
        if self.ports[port].detached {
            assert!(
                matches!(result, Err(CloneError::DataClone(_))),
                "shipping a detached port must throw a DataCloneError, got {result:?}"
            );
            return;
        }
        result.unwrap_or_else(|e| panic!("shipping a live port failed: {e}"));
        let p = &mut self.ports[port];
        p.detached = true;
        p.holds_end = false;
        self.ships.insert(ship, p.end);
    }

    fn gc(&mut self) {
        // What may not be collected, judged before the collection.
        let holders = self.holders();
        let mut protected = vec![false; self.ports.len()];
        for &i in &self.live {
            let p = &self.ports[i];
            let state = self
                .world
                .agent_ref(p.agent)
                .port(p.id)
                .expect("a live port has state");
            // Events it can dispatch: messages in an enabled queue, or a
            // `close` nothing queued holds back. A `close` behind messages
            // in a queue never started waits in the port message queue with
            // them, and (rule 3 of ports-and-garbage-collection) keeps
            // nothing alive: a forgotten port can never be started.
            let pending = state.end().is_some_and(|e| {
                let s = e.snapshot();
                (s.enabled && s.queued > 0) || (s.close_pending && (s.enabled || s.queued == 0))
            });
            let twin_held = p.holds_end
                && self.channels[p.end.0].entangled
                && holders[end_index(twin(p.end))].is_some_and(|t| !self.ports[t].forgotten);
            protected[i] =
                !p.forgotten || pending || (twin_held && state.listeners().has_message_listeners());
        }
        self.world.collect_garbage();
        for i in self.live() {
            let p = &self.ports[i];
            if self.world.agent_ref(p.agent).port(p.id).is_some() {
                continue;
            }
            assert!(
                !protected[i],
                "the collector took port {p:?}, which must stay alive"
            );
            self.ports[i].collected = true;
            if self.ports[i].holds_end {
                let end = self.ports[i].end;
                self.release(end);
            }
        }
        let ports = &self.ports;
        self.live.retain(|&i| !ports[i].collected);
        // Ends that wait, shipped, only in queues no live port or pending
        // shipment reaches are stranded: the collector releases them too.
        let holders = self.holders();
        let mut reachable = vec![false; holders.len()];
        let mut work: Vec<EndKey> = self
            .live
            .iter()
            .filter(|&&i| self.ports[i].holds_end)
            .map(|&i| self.ports[i].end)
            .chain(self.ships.values().copied())
            .collect();
        while let Some(end) = work.pop() {
            if std::mem::replace(&mut reachable[end_index(end)], true) {
                continue;
            }
            for &m in &self.channels[end.0].queues[end.1] {
                work.extend(self.messages[m].carries.iter().copied());
            }
        }
        for c in 0..self.channels.len() {
            for side in 0..2 {
                let end = (c, side);
                if !self.channels[c].released[side]
                    && holders[end_index(end)].is_none()
                    && !reachable[end_index(end)]
                {
                    self.release(end);
                }
            }
        }
    }

    fn on_event(&mut self, agent: AgentId, event: &DispatchedEvent) {
        self.events += 1;
        match (&event.target, event.event) {
            (EventTarget::Global, _) => {
                let Some(Value::Number(n)) = event.data else {
                    panic!("a global message without its shipment number: {event:?}")
                };
                let end = self
                    .ships
                    .remove(&(n as usize))
                    .expect("a shipment delivered once");
                assert_eq!(event.ports.len(), 1, "a shipment carries one port");
                self.adopt(agent, event.ports[0], end);
            }
            (EventTarget::Port(q), EventType::Message) => self.on_message(agent, *q, event),
            (EventTarget::Port(q), EventType::Close) => self.on_close(agent, *q),
            (EventTarget::Port(_), EventType::MessageError) => {
                panic!("messageerror: nothing sent here fails to deserialize: {event:?}")
            }
            (EventTarget::Broadcast(_), _) => panic!("no BroadcastChannel is made here: {event:?}"),
            // The target and type enums are non-exhaustive.
            _ => panic!("an event of a kind this fuzzer does not know: {event:?}"),
        }
    }

    /// A port that arrived in `agent` holding `end`.
    fn adopt(&mut self, agent: AgentId, port: PortId, end: EndKey) {
        let held = self
            .library_end(agent, port)
            .expect("a received port holds an end");
        assert_eq!(
            self.end_key(&held),
            end,
            "a shipped port arrived with another channel end"
        );
        let object = *self
            .world
            .agent_ref(agent)
            .port(port)
            .expect("received port")
            .object();
        self.add_port(Port {
            agent,
            id: port,
            object,
            end,
            holds_end: true,
            detached: false,
            forgotten: false,
            collected: false,
        });
    }

    fn on_message(&mut self, agent: AgentId, q: PortId, event: &DispatchedEvent) {
        let heap = self.world.agent_ref(agent).realm();
        let Some(Value::Object(data)) = event.data else {
            panic!("a message event without its object: {event:?}")
        };
        let Some(Value::Number(n)) = property(heap, data, "id") else {
            panic!("a message without its id")
        };
        let id = n as usize;
        let end = self.end_key(&self.library_end(agent, q).expect("the target port holds an end"));
        let m = self
            .messages
            .get(id)
            .unwrap_or_else(|| panic!("message {id} was never queued"));
        assert!(
            m.queued,
            "message {id} arrived although its post did not queue it"
        );
        assert!(!m.delivered, "message {id} delivered twice");
        assert!(!m.dropped, "message {id} delivered after it was dropped");
        assert_eq!(
            end, m.to,
            "message {id} reached another end than the one it was queued for"
        );
        let front = self.channels[end.0].queues[end.1].front().copied();
        assert_eq!(
            front,
            Some(id),
            "message {id} overtook an older message queued for the same end"
        );
        if let Some(bytes) = &m.buffer {
            let got = match property(heap, data, "buf") {
                Some(Value::Object(b)) => match heap.object(b).kind().as_array_buffer() {
                    Some(ArrayBufferState::Owned { data, .. }) => data.clone(),
                    _ => None,
                },
                _ => None,
            };
            assert_eq!(
                got.as_ref(),
                Some(bytes),
                "message {id}'s buffer arrived with other bytes"
            );
        }
        assert_eq!(
            event.ports.len(),
            m.carries.len(),
            "message {id} arrived with another number of ports"
        );
        self.channels[end.0].queues[end.1].pop_front();
        let carries = m.carries.clone();
        self.messages[id].delivered = true;
        for (port, end) in event.ports.iter().zip(carries) {
            self.adopt(agent, *port, end);
        }
    }

    fn on_close(&mut self, agent: AgentId, q: PortId) {
        let library = self
            .library_end(agent, q)
            .expect("close fired at a port without an end");
        let end = self.end_key(&library);
        let channel = &mut self.channels[end.0];
        assert!(!channel.entangled, "close fired on an entangled channel");
        assert_ne!(
            channel.initiator,
            Some(end.1),
            "close fired at the port that disentangled"
        );
        assert!(!channel.released[end.1], "close fired at a released end");
        assert_eq!(channel.closes, [0, 0], "a second close on one channel");
        channel.closes[end.1] += 1;
        assert_eq!(library.queued(), 0, "close overtook messages queued before it");
    }

    fn run_events(&mut self, events: Vec<(AgentId, DispatchedEvent)>) {
        for (agent, event) in events {
            self.on_event(agent, &event);
        }
    }

    fn run_until_idle(&mut self) {
        let events = self.world.run_until_idle(IDLE_LIMIT);
        assert!(events.len() < IDLE_LIMIT, "the world did not go idle");
        self.run_events(events);
    }

    /// The library agrees with the model on entanglement, released ends
    /// and detached ports.
    fn compare(&self) {
        for (c, channel) in self.channels.iter().enumerate() {
            assert_eq!(
                channel.ends[0].is_entangled(),
                channel.entangled,
                "channel {c} entanglement"
            );
            for side in 0..2 {
                assert_eq!(
                    channel.ends[side].is_released(),
                    channel.released[side],
                    "end ({c}, {side}) released"
                );
            }
        }
        for p in self.ports.iter().filter(|p| !p.collected) {
            let detached = match self.world.agent_ref(p.agent).realm().object(p.object).kind() {
                ObjectKind::Platform { detached, .. } => *detached,
                _ => None,
            };
            assert_eq!(detached, Some(p.detached), "[[Detached]] of {p:?}");
        }
    }

    fn apply(&mut self, op: &Op) {
        match op {
            Op::NewChannel { agent } => {
                let agent = self.agents[usize::from(*agent) % self.agents.len()];
                self.new_channel(agent);
            }
            Op::Post {
                port,
                transfer,
                buffer,
                stray_port,
                with_options,
            } => {
                if let Some(p) = self.pick(*port) {
                    self.post(p, transfer, *buffer, *stray_port, *with_options);
                }
            }
            Op::Start { port } | Op::OnMessage { port } => {
                if let Some(p) = self.pick(*port) {
                    let (agent, id) = (self.ports[p].agent, self.ports[p].id);
                    match op {
                        Op::Start { .. } => self.world.agent(agent).start(id),
                        _ => self.world.agent(agent).set_onmessage(id),
                    }
                }
            }
            Op::Listen { port, event } => {
                if let Some(p) = self.pick(*port) {
                    let event = [EventType::Message, EventType::MessageError, EventType::Close]
                        [usize::from(*event) % 3];
                    let (agent, id) = (self.ports[p].agent, self.ports[p].id);
                    self.world.agent(agent).add_event_listener(id, event);
                }
            }
            Op::Close { port } => {
                if let Some(p) = self.pick(*port) {
                    let (agent, id) = (self.ports[p].agent, self.ports[p].id);
                    self.world.agent(agent).close(id);
                    self.ports[p].detached = true;
                    if self.ports[p].holds_end {
                        let end = self.ports[p].end;
                        self.disentangle(end);
                    }
                }
            }
            Op::Ship { port, to } => {
                if let Some(p) = self.pick(*port) {
                    let to = self.agents[usize::from(*to) % self.agents.len()];
                    self.ship(p, to);
                }
            }
            Op::Forget { port } => {
                if let Some(p) = self.pick(*port) {
                    let (agent, id) = (self.ports[p].agent, self.ports[p].id);
                    self.world.agent(agent).forget(id);
                    self.ports[p].forgotten = true;
                }
            }
            Op::Gc => self.gc(),
            Op::Step => {
                if let Some((agent, event)) = self.world.step() {
                    self.on_event(agent, &event);
                }
            }
            Op::Run { steps } => {
                let events = self.world.run_until_idle(usize::from(*steps % 16));
                self.run_events(events);
            }
        }
    }

    /// Drains everything, then checks that nothing was lost or left behind.
    fn finish(&mut self) {
        self.run_until_idle();
        for _ in 0..64 {
            let before = self.ports.len();
            for i in self.live() {
                let (agent, id) = (self.ports[i].agent, self.ports[i].id);
                self.world.agent(agent).start(id);
            }
            self.run_until_idle();
            if self.ports.len() == before {
                break;
            }
        }
        self.compare();
        assert!(self.ships.is_empty(), "shipments never arrived: {:?}", self.ships);
        // Ends carried by messages that are still queued: in flight for good.
        let mut stranded = vec![false; 2 * self.channels.len()];
        for m in self
            .messages
            .iter()
            .filter(|m| m.queued && !m.delivered && !m.dropped)
        {
            m.carries.iter().for_each(|&e| stranded[end_index(e)] = true);
        }
        for (id, m) in self.messages.iter().enumerate().filter(|(_, m)| m.queued) {
            assert!(
                !(m.delivered && m.dropped),
                "message {id} was delivered and dropped"
            );
            // A message still waiting must be waiting for an end that is
            // itself in flight in a waiting message: a cycle of shipped
            // ports, each in the other's queue, which nothing can receive.
            assert!(
                m.delivered || m.dropped || stranded[end_index(m.to)],
                "message {id} was neither delivered nor dropped, and its end is not in flight"
            );
        }
        let holders = self.holders();
        for (c, channel) in self.channels.iter().enumerate() {
            for side in 0..2 {
                let held = holders[end_index((c, side))].is_some();
                assert!(
                    held || channel.released[side] || stranded[end_index((c, side))],
                    "end ({c}, {side}) is neither held by a live port, nor released, nor in flight"
                );
            }
            if !channel.entangled {
                let other = 1 - channel
                    .initiator
                    .expect("a disentangled channel has an initiator");
                if !channel.released[other] && !stranded[end_index((c, other))] {
                    assert_eq!(
                        channel.closes[other], 1,
                        "channel {c}: the surviving end saw no close"
                    );
                }
            }
        }

        // Close everything and run: nothing may stay queued for a live,
        // started port.
        for i in self.live() {
            let (agent, id) = (self.ports[i].agent, self.ports[i].id);
            self.world.agent(agent).close(id);
            self.ports[i].detached = true;
            if self.ports[i].holds_end {
                let end = self.ports[i].end;
                self.disentangle(end);
            }
        }
        self.run_until_idle();
        self.compare();
        for p in self.live().into_iter().map(|i| &self.ports[i]) {
            if let Some(end) = self.library_end(p.agent, p.id) {
                assert!(!end.close_pending(), "a close stays pending at {p:?}");
                assert!(
                    !(end.is_enabled() && end.queued() > 0),
                    "tasks stay queued for started port {p:?}"
                );
            }
        }
    }

    /// Drops the world and checks that every channel went with it, stranded
    /// ones included: only the model's own two handles may still hold it.
    fn check_freed(self) {
        let Run { world, channels, .. } = self;
        drop(world);
        for (c, channel) in channels.iter().enumerate() {
            let held = std::sync::Arc::strong_count(channel.ends[0].channel()) - 2;
            assert!(
                held == 0,
                "channel {c} outlives its world ({held} more handles): a reference cycle leaks it"
            );
        }
    }
}

/// The target body. Panics when an invariant breaks.
pub fn port_ops(data: &[u8]) {
    run_ops(data);
}

/// The same as [`port_ops`]: it once tolerated stranded cycles of shipped
/// ports leaking their channels, and this strict form did not; the library
/// now collects and frees them, so nothing is excused any more.
pub fn port_ops_strict(data: &[u8]) {
    run_ops(data);
}

fn run_ops(data: &[u8]) {
    let Ok(input) = PortInput::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let mut world = World::new();
    // The harness reads the events `run_until_idle` returns, never the
    // agents' logs: keeping a copy of each would only cost.
    let agents = (0..1 + input.agents % 3)
        .map(|i| {
            let id = world.add_agent(format!("A{i}"), AgentClusterId(0));
            world.agent(id).set_event_log(EventLog::Off);
            id
        })
        .collect();
    let mut run = Run {
        world,
        agents,
        ports: Vec::new(),
        live: Vec::new(),
        channels: Vec::new(),
        by_address: HashMap::new(),
        messages: Vec::new(),
        ships: BTreeMap::new(),
        next_ship: 0,
        detached_buffer: HashMap::new(),
        events: 0,
    };
    let ops = input.ops.len().min(MAX_OPS);
    for op in input.ops.iter().take(MAX_OPS) {
        run.apply(op);
        run.compare();
    }
    run.finish();
    // Each operation posts at most one message (one message or
    // messageerror event) and makes at most one channel (two close events).
    assert!(
        run.events <= EVENTS_PER_OP * (ops + 1),
        "{} events for {ops} operations",
        run.events
    );
    run.check_freed();
}
