//! # webmessaging
//!
//! An executable reference for the HTML Standard's channel messaging
//! (`MessageChannel`, `MessagePort`, port message queues, ports shipped
//! between event loops), `BroadcastChannel`, and the structured clone
//! machinery under them (`structuredClone`, StructuredSerialize /
//! StructuredDeserialize and their WithTransfer and ForStorage forms).
//!
//! It is written to be read next to the standard (every step of every
//! algorithm carries its id from `spec/catalogue.md`) and to be embedded: the
//! algorithms run over any JavaScript engine that implements the
//! [`Realm`](ecmascript::Realm) trait, and the crate brings one realm of its
//! own, the built-in [`Heap`](ecmascript::Heap), that the examples below use.
//!
//! # The layers
//!
//! Each layer imports only the ones above it.
//!
//! | layer | the standard | what you call |
//! |---|---|---|
//! | [`ecmascript`] | ECMA-262: values and the abstract operations the HTML algorithms perform | [`Value`](ecmascript::Value), the [`Realm`](ecmascript::Realm) trait, the built-in [`Heap`](ecmascript::Heap) |
//! | [`structured`] | HTML "Safe passing of structured data" | [`structured_clone`](structured::structured_clone), [`structured_serialize_for_storage`](structured::structured_serialize_for_storage), [`encode`](structured::encode) / [`decode`](structured::decode), [`CloneError`](structured::CloneError) |
//! | [`messaging`] | HTML "Channel messaging" and "Broadcasting to other browsing contexts" | [`World`](messaging::World) (the deterministic stepper), [`ThreadedWorld`](messaging::ThreadedWorld), [`Messaging`](messaging::Messaging) for an engine's own event loop |
//!
//! Beside them: [`spec`] ties the code to the standard's steps (a trace and
//! coverage counts under the `trace` feature), and, under the `notation`
//! feature, [`notation`] (the command-line tool's graph notation) and
//! `scenario` (the scenario language of `webmessaging run`).
//!
//! An engine author starts at [`implementing_realm`]: what each method of
//! the `Realm` trait must do, with a worked example.
//!
//! # Features
//!
//! - `tool` (default): the command-line tool; turns on the two below.
//! - `notation`: the graph notation and scenarios (pulls in `serde_json`).
//! - `trace`: `step!` markers count and trace the steps they mark; without
//!   it they compile to nothing.
//!
//! An engine that embeds the library depends on it with
//! `default-features = false`.
//!
//! # Examples
//!
//! ## `structuredClone(value, { transfer })`
//!
//! A value built in the built-in heap, cloned with its ArrayBuffer in the
//! transfer list: the clone gets the bytes, the original buffer is detached.
//! [`NoPlatformObjects`](structured::NoPlatformObjects) is a host with no
//! platform objects (no MessagePort); [`messaging`] brings one that has them.
//!
//! ```
//! use webmessaging::ecmascript::{
//!     AgentClusterId, ArrayBufferState, Heap, ObjectKind, OwnProperty, PropertyKey, Realm, Value,
//! };
//! use webmessaging::structured::{NoPlatformObjects, structured_clone};
//!
//! let mut heap = Heap::new(AgentClusterId(0));
//! // const buffer = new Uint8Array([1, 2, 3]).buffer;
//! let buffer = heap.alloc(ObjectKind::array_buffer_of(ArrayBufferState::Owned {
//!     data: Some(vec![1, 2, 3]),
//!     max_byte_length: None,
//!     detach_key: false,
//! }));
//! // const value = { greeting: "hello", buffer };
//! let value = heap.alloc(ObjectKind::Ordinary);
//! heap.define_property(value, PropertyKey::from("greeting"), OwnProperty::new_data(Value::from("hello")));
//! heap.define_property(value, PropertyKey::from("buffer"), OwnProperty::new_data(Value::Object(buffer)));
//!
//! // const clone = structuredClone(value, { transfer: [buffer] });
//! let clone = structured_clone(&mut heap, &mut NoPlatformObjects, Value::Object(value), &[buffer])
//!     .expect("plain objects and buffers clone");
//!
//! let Value::Object(clone) = clone else { unreachable!("an object clones to an object") };
//! assert_ne!(clone, value, "a new object");
//! let greeting = heap.get(&clone, &PropertyKey::from("greeting")).unwrap();
//! assert!(greeting.same_value(&Value::from("hello")));
//! let Value::Object(moved) = heap.get(&clone, &PropertyKey::from("buffer")).unwrap() else {
//!     unreachable!()
//! };
//! assert_eq!(heap.array_buffer_byte_length(moved), Some(3), "the bytes moved here");
//! assert!(heap.is_detached_buffer(&buffer), "and the original is detached");
//! ```
//!
//! ## A DataCloneError, and how to read it
//!
//! What cannot be cloned throws a "DataCloneError" DOMException:
//! [`CloneError::DataClone`](structured::CloneError::DataClone), whose
//! [`step`](structured::DataCloneError::step) is the id of the step of the
//! standard that threw it and whose
//! [`message`](structured::DataCloneError::message) is for people. An
//! exception thrown by the realm itself (a getter, ToString) comes back
//! unchanged as [`CloneError::Thrown`](structured::CloneError::Thrown),
//! which an engine rethrows as it is.
//!
//! ```
//! use webmessaging::ecmascript::{
//!     Accessor, AgentClusterId, Heap, ObjectKind, OwnProperty, PropertyKey, Value,
//! };
//! use webmessaging::structured::{CloneError, NoPlatformObjects, structured_clone};
//!
//! let mut heap = Heap::new(AgentClusterId(0));
//! // structuredClone(() => {})
//! let function = heap.alloc(ObjectKind::Function);
//! let error = structured_clone(&mut heap, &mut NoPlatformObjects, Value::Object(function), &[])
//!     .unwrap_err();
//! assert_eq!(error.dom_exception_name(), Some("DataCloneError"));
//! let CloneError::DataClone(data_clone) = &error else { unreachable!() };
//! assert_eq!(data_clone.step, "structuredserializeinternal/21");
//! assert_eq!(error.to_string(), "DataCloneError: functions could not be cloned");
//!
//! // structuredClone({ get x() { throw 42; } })
//! let object = heap.alloc(ObjectKind::Ordinary);
//! heap.define_property(object, PropertyKey::from("x"), OwnProperty::Accessor {
//!     getter: Box::new(Accessor::Throws(Value::Number(42.0))),
//!     enumerable: true,
//!     configurable: true,
//! });
//! let error = structured_clone(&mut heap, &mut NoPlatformObjects, Value::Object(object), &[])
//!     .unwrap_err();
//! assert_eq!(error.dom_exception_name(), None, "not a DOMException: the thrown value itself");
//! assert!(matches!(error, CloneError::Thrown(Value::Number(n)) if n == 42.0));
//! ```
//!
//! ## StructuredSerializeForStorage to bytes, and back
//!
//! A serialization is plain Rust data ([`Serialized`](structured::Serialized));
//! [`encode`](structured::encode) gives it a versioned byte form and
//! [`decode`](structured::decode) reads bytes back, validating them as
//! untrusted input. Here a Map is stored by one realm and read by another.
//!
//! ```
//! use webmessaging::ecmascript::{AgentClusterId, Heap, ObjectKind, Realm, Value};
//! use webmessaging::structured::{
//!     NoPlatformObjects, decode, encode, structured_deserialize, structured_serialize_for_storage,
//! };
//!
//! let mut heap = Heap::new(AgentClusterId(0));
//! // new Map([["answer", 42]])
//! let map = heap.alloc(ObjectKind::Map(vec![Some((Value::from("answer"), Value::Number(42.0)))]));
//! let serialized =
//!     structured_serialize_for_storage(&mut heap, &mut NoPlatformObjects, &Value::Object(map))?;
//! let bytes: Vec<u8> = encode(&serialized)?;
//! assert!(bytes.starts_with(b"WMSR"));
//!
//! // Later, perhaps in another process: bytes from outside are checked first.
//! let stored = decode(&bytes)?;
//! let mut other = Heap::new(AgentClusterId(7));
//! let Value::Object(copy) = structured_deserialize(&mut other, &mut NoPlatformObjects, &stored)?
//! else {
//!     unreachable!()
//! };
//! let entries = other.map_data(&copy).expect("a Map");
//! assert!(matches!(&entries[..], [Some((Value::String(k), Value::Number(v)))]
//!     if k.to_string_lossy() == "answer" && *v == 42.0));
//!
//! // Bytes that are not an encoding are refused with the offset of the fault.
//! let error = decode(&bytes[..bytes.len() - 1]).unwrap_err();
//! assert!(error.offset() <= bytes.len());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## A MessageChannel in one agent
//!
//! A [`World`](messaging::World) holds agents (event loops, each with its
//! own heap) and the deterministic stepper that runs their tasks oldest
//! first. A port's queue is disabled until `start()` (or setting
//! `onmessage`): a message posted before waits.
//!
//! ```
//! use webmessaging::ecmascript::{AgentClusterId, Value};
//! use webmessaging::messaging::{EventTarget, EventType, World};
//!
//! let mut world = World::new();
//! let page = world.add_agent("page", AgentClusterId(0));
//! // const { port1, port2 } = new MessageChannel();
//! let (port1, port2) = world.agent(page).new_message_channel("port1", "port2");
//! // port1.postMessage("hello");
//! world.agent(page).post_message(port1, Value::from("hello"), &[]).unwrap();
//! assert!(world.run_until_idle(100).is_empty(), "port2's queue is not started");
//!
//! // port2.start();
//! world.agent(page).start(port2);
//! let events = world.run_until_idle(100);
//! let (agent, event) = &events[0];
//! assert_eq!(*agent, page);
//! assert_eq!(event.target, EventTarget::Port(port2));
//! assert_eq!(event.event, EventType::Message);
//! assert!(matches!(&event.data, Some(Value::String(s)) if s.to_string_lossy() == "hello"));
//! ```
//!
//! ## A port shipped to a second agent, on the stepper
//!
//! Transferring a MessagePort ships it, queue and all, to whichever event
//! loop receives the message: here a worker, reached through its global
//! scope ([`GlobalPort`](messaging::GlobalPort), `worker.postMessage`). A
//! message posted while the port is in flight waits in the queue that
//! travels with it.
//!
//! ```
//! use webmessaging::ecmascript::{AgentClusterId, Value};
//! use webmessaging::messaging::{EventTarget, World};
//!
//! let mut world = World::new();
//! let page = world.add_agent("page", AgentClusterId(0));
//! let worker = world.add_agent("worker", AgentClusterId(0));
//! let (port1, port2) = world.agent(page).new_message_channel("port1", "port2");
//!
//! // worker.postMessage(null, [port2]); port1.postMessage("in flight");
//! let port2_object = world.agent(page).port_object(port2).unwrap();
//! let worker_global = world.agent(worker).global_port();
//! world.agent(page).post_to_global(&worker_global, Value::Null, &[port2_object]).unwrap();
//! world.agent(page).post_message(port1, Value::from("in flight"), &[]).unwrap();
//!
//! // The worker's global scope receives the message with the new port...
//! let (agent, arrival) = world.step().expect("the worker's message task");
//! assert_eq!((agent, &arrival.target), (worker, &EventTarget::Global));
//! let received = arrival.ports[0];
//! assert!(!world.agent(page).is_entangled(port2), "the page's port2 is detached");
//!
//! // ...and `e.ports[0].onmessage = ...` there starts its queue.
//! world.agent(worker).set_onmessage(received);
//! let (agent, message) = world.step().expect("the message that travelled with the port");
//! assert_eq!((agent, message.target.clone()), (worker, EventTarget::Port(received)));
//! assert!(matches!(&message.data, Some(Value::String(s)) if s.to_string_lossy() == "in flight"));
//! ```
//!
//! ## The same on threads
//!
//! [`ThreadedWorld::start`](messaging::ThreadedWorld::start) runs each
//! agent of a world on a thread of its own. What an agent does in reply to
//! an event is a [`Reaction`](messaging::Reaction), registered with
//! [`Agent::on`](messaging::Agent::on); the driver hands agents commands
//! to run on their threads with
//! [`execute`](messaging::ThreadedWorld::execute).
//!
//! ```
//! use std::time::Duration;
//! use webmessaging::ecmascript::{AgentClusterId, Value};
//! use webmessaging::messaging::{EventTarget, EventType, ThreadedWorld, World};
//!
//! let mut world = World::new();
//! let page = world.add_agent("page", AgentClusterId(0));
//! let worker = world.add_agent("worker", AgentClusterId(0));
//! let (port1, port2) = world.agent(page).new_message_channel("port1", "port2");
//! world.agent(page).set_onmessage(port1);
//! // In the worker: `self.onmessage = e => e.ports[0].postMessage("pong")`.
//! world.agent(worker).on(
//!     EventTarget::Global,
//!     EventType::Message,
//!     Box::new(|agent, event| {
//!         agent.post_message(event.ports[0], Value::from("pong"), &[]).unwrap();
//!     }),
//! );
//!
//! let threads = ThreadedWorld::start(world)?;
//! let worker_global = threads.with_world(Duration::from_secs(10), |w| w.agent(worker).global_port())?;
//! threads.execute(
//!     page,
//!     Box::new(move |agent| {
//!         let object = agent.port_object(port2).unwrap();
//!         agent.post_to_global(&worker_global, Value::Undefined, &[object]).unwrap();
//!     }),
//! )?;
//! threads.run_until_idle(Duration::from_secs(10))?;
//! let mut world = threads.finish()?;
//!
//! let reply = world.agent(page).log().last().cloned().expect("the worker answered");
//! assert_eq!(reply.target, EventTarget::Port(port1));
//! assert!(matches!(reply.data, Some(Value::String(s)) if s.to_string_lossy() == "pong"));
//! # Ok::<(), webmessaging::messaging::ThreadsError>(())
//! ```
//!
//! ## BroadcastChannel
//!
//! Every other open `BroadcastChannel` of the same name and storage key, in
//! any agent of the world, receives the message, in the order the channels
//! were made; there is no queue to start.
//!
//! ```
//! use webmessaging::ecmascript::{AgentClusterId, Value};
//! use webmessaging::messaging::{EventTarget, World};
//!
//! let mut world = World::new();
//! let tab1 = world.add_agent("tab1", AgentClusterId(0));
//! let tab2 = world.add_agent("tab2", AgentClusterId(0));
//! // new BroadcastChannel("news") in each tab
//! let sender = world.agent(tab1).new_broadcast_channel(&Value::from("news"), "sender").unwrap();
//! let receiver = world.agent(tab2).new_broadcast_channel(&Value::from("news"), "receiver").unwrap();
//! // sender.postMessage("extra!") reaches one other channel
//! assert_eq!(world.agent(tab1).post_broadcast(sender, Value::from("extra!")).unwrap(), 1);
//! let events = world.run_until_idle(100);
//! assert_eq!(events.len(), 1);
//! assert_eq!((events[0].0, &events[0].1.target), (tab2, &EventTarget::Broadcast(receiver)));
//! ```
//!
//! ## Running a scenario from a string
//!
//! The scenario language of `webmessaging run` (`docs/scenarios.md`) drives
//! the same agents from text, one command a line; under the `notation`
//! feature, `scenario::parse` and `scenario::run` run it and return the
//! lines it prints.
//!
//! ```
//! # #[cfg(feature = "notation")]
//! # {
//! use webmessaging::scenario::{RunOptions, parse, run};
//!
//! let scenario = parse(
//!     "agent A\n\
//!      agent B\n\
//!      channel A left right\n\
//!      ship right to B\n\
//!      run\n\
//!      onmessage right@B\n\
//!      post left \"hi\"\n\
//!      run\n",
//! )
//! .expect("a scenario");
//! let output = run(&scenario, &RunOptions::default()).expect("it runs");
//! assert_eq!(output.lines.last().unwrap(), "B right@B message data=\"hi\"");
//! # }
//! ```
//!
//! ## The spec-step trace and coverage
//!
//! Under the `trace` feature, [`spec::traced`] records the steps of the
//! standard a call ran, in order, and [`spec::coverage`] counts every step
//! run so far in the process; [`spec::trace_text`] and
//! [`spec::coverage_report`] print them with the catalogue's summaries.
//! Without the feature both are empty and the markers cost nothing.
//!
//! ```
//! use webmessaging::ecmascript::{AgentClusterId, Heap, Value};
//! use webmessaging::spec;
//! use webmessaging::structured::{NoPlatformObjects, structured_clone};
//!
//! let mut heap = Heap::new(AgentClusterId(0));
//! let (result, steps) =
//!     spec::traced(|| structured_clone(&mut heap, &mut NoPlatformObjects, Value::from("hi"), &[]));
//! assert!(result.is_ok());
//! if spec::TRACING {
//!     assert_eq!(steps.first(), Some(&"dom-structuredclone/1"));
//!     assert!(steps.contains(&"structuredserializeinternal/4"), "a primitive is its own record");
//!     println!("{}", spec::trace_text(&steps));
//!     let counts = spec::coverage();
//!     assert!(counts["dom-structuredclone/3"] >= 1);
//!     println!("{}", spec::coverage_report(&counts));
//! } else {
//!     assert!(steps.is_empty());
//! }
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![warn(missing_debug_implementations)]
// C-FAILURE: every public function that returns a Result says when it fails.
#![warn(clippy::missing_errors_doc)]
// `[[Slot]]` is the standards' notation for internal slots and methods, used
// throughout the docs; rustdoc would read each as a link. `.ci/doc` turns the
// lint back on (--cfg doc_links_check) and allows only the `[[Slot]]` ones.
#![cfg_attr(not(doc_links_check), allow(rustdoc::broken_intra_doc_links))]

pub mod spec;

pub mod ecmascript;
pub mod structured;

pub mod messaging;

pub mod implementing_realm;

#[cfg(feature = "notation")]
pub mod notation;

#[cfg(all(feature = "notation", not(loom)))]
pub mod scenario;
