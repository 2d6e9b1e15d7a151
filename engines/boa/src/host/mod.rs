//! The host: an [`Agent`] (one Boa context, its global object and its
//! event loop) and the web-facing globals installed into it.
//!
//! | globals | file |
//! |---|---|
//! | `structuredClone` | `structured_clone.rs` |
//! | `DOMException` | `dom_exception.rs` |
//! | `EventTarget` | `event_target.rs` |
//! | `Event`, `ErrorEvent`, `PromiseRejectionEvent` | `event.rs` |
//! | `MessageEvent` | `message_event.rs` |
//! | `MessageChannel`, `MessagePort` | `message_port.rs` |
//! | `BroadcastChannel` | `broadcast_channel.rs` |
//! | `Worker` | `worker.rs` |
//! | a worker's thread and global scope, `onerror` | `worker_scope.rs` |
//! | `setTimeout`, `setInterval`, `clear*`, `queueMicrotask` | `timers.rs` |
//! | `console` | `console.rs` |
//! | `self`, `globalThis` (an `EventTarget`) | here |
//!
//! Collecting the MessagePort and BroadcastChannel objects script no
//! longer reaches is `gc.rs`. The event loop is `event_loop.rs`, and the agents of one run and the
//! rule that says when the run is idle `cluster.rs`; reporting uncaught exceptions and
//! unhandled rejections is `report.rs`; Web IDL conversions `webidl.rs`.

pub mod broadcast_channel;
pub mod cluster;
pub mod console;
pub mod dom_exception;
pub mod event;
pub mod event_loop;
pub mod event_target;
pub mod gc;
pub mod message_event;
pub mod message_port;
pub mod report;
pub mod structured_clone;
pub mod timers;
pub mod webidl;
pub mod worker;
pub mod worker_scope;

use crate::platform::PlatformObject;
use crate::realm::Object;
use crate::realm::{AgentSettings, Originals};
use boa_engine::builtins::promise::{OperationType, Promise};
use boa_engine::context::HostHooks;
use boa_engine::context::intrinsics::Intrinsics;
use boa_engine::object::ConstructorBuilder;
use boa_engine::{Context, Finalize, JsData, JsObject, JsResult, JsValue, NativeFunction, Source, Trace};
use cluster::Cluster;
use event_loop::{EventLoop, Stop};
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Instant;
use webmessaging::messaging::Messaging;
use webmessaging::messaging::queue::TaskClock;
use worker::WorkerLinks;

/// The prototypes of this host's interfaces in one realm (kept in the
/// realm's host-defined data), so that Rust code can make their objects.
#[derive(Clone, Debug, Trace, Finalize, JsData)]
pub struct HostIntrinsics {
    /// `EventTarget.prototype`
    pub event_target: JsObject,
    /// `Event.prototype`
    pub event: JsObject,
    /// `ErrorEvent.prototype`
    pub error_event: JsObject,
    /// `PromiseRejectionEvent.prototype`
    pub promise_rejection_event: JsObject,
    /// `DOMException.prototype`
    pub dom_exception: JsObject,
    /// `MessageEvent.prototype`
    pub message_event: JsObject,
    /// `MessagePort.prototype`
    pub message_port: JsObject,
    /// `MessageChannel.prototype`
    pub message_channel: JsObject,
    /// `Worker.prototype`
    pub worker: JsObject,
    /// `BroadcastChannel.prototype`
    pub broadcast_channel: JsObject,
}

impl HostIntrinsics {
    /// The host intrinsics of the context's current realm.
    pub fn of(context: &Context) -> JsResult<HostIntrinsics> {
        context
            .realm()
            .host_defined()
            .get::<HostIntrinsics>()
            .cloned()
            .ok_or_else(|| webidl::type_error("this realm has no webmessaging host globals"))
    }
}

/// The signature of a native operation.
pub type Operation = fn(&JsValue, &[JsValue], &mut Context) -> JsResult<JsValue>;

/// Makes an interface object and its prototype object; with `parent`
/// (its interface object and prototype), inheriting from it.
pub fn constructor(
    context: &mut Context,
    name: &str,
    length: usize,
    steps: Operation,
    parent: Option<(JsObject, JsObject)>,
) -> JsResult<(JsObject, JsObject)> {
    let mut builder = ConstructorBuilder::new(context, NativeFunction::from_fn_ptr(steps));
    builder.name(name).length(length);
    if let Some((parent_constructor, parent_prototype)) = parent {
        builder
            .inherit(parent_prototype)
            .custom_prototype(parent_constructor);
    }
    let built = builder.build();
    Ok((built.constructor(), built.prototype()))
}

/// The host hooks of an agent: the global object is an `EventTarget`, and
/// promise rejections are tracked for `unhandledrejection`.
struct Hooks {
    event_loop: Rc<EventLoop>,
    /// The global object's interface (`Window`, `DedicatedWorkerGlobalScope`).
    global_interface: &'static str,
}

impl HostHooks for Hooks {
    fn create_global_object(&self, intrinsics: &Intrinsics) -> JsObject {
        // The global object is a platform object (its prototype chain gets
        // EventTarget.prototype once that exists, in `install`).
        JsObject::from_proto_and_data(
            intrinsics.constructors().object().prototype(),
            PlatformObject::event_target(self.global_interface),
        )
    }

    fn promise_rejection_tracker(
        &self,
        promise: &JsObject<Promise>,
        operation: OperationType,
        _: &mut Context,
    ) {
        let promise = promise.clone().upcast();
        self.event_loop
            .track_rejection(&promise, matches!(operation, OperationType::Handle));
    }
}

/// Installs every global of this host into `context`'s current realm.
pub fn install(context: &mut Context) -> JsResult<()> {
    // Capture the original getters the realm reads slots through before
    // any script can replace them.
    Originals::of(context)?;
    let (event_target, event_target_prototype) = event_target::interface(context)?;
    let events = event::interfaces(context)?;
    // Event's interfaces do not inherit from EventTarget.
    let (dom_exception, dom_exception_prototype) = dom_exception::interface(context)?;
    let (message_event, message_event_prototype) = message_event::interface(context, events.event.clone())?;
    let target = (event_target.clone(), event_target_prototype.clone());
    let messaging = message_port::interfaces(context, target.clone())?;
    let (broadcast, broadcast_prototype) = broadcast_channel::interface(context, target.clone())?;
    let (worker, worker_prototype) = worker::interface(context, target)?;
    context.realm().host_defined_mut().insert(HostIntrinsics {
        event_target: event_target_prototype.clone(),
        event: events.event.1.clone(),
        error_event: events.error_event.1.clone(),
        promise_rejection_event: events.promise_rejection_event.1.clone(),
        dom_exception: dom_exception_prototype,
        message_event: message_event_prototype,
        message_port: messaging.port.1.clone(),
        message_channel: messaging.channel.1.clone(),
        worker: worker_prototype,
        broadcast_channel: broadcast_prototype,
    });
    webidl::expose(context, "MessageEvent", message_event)?;
    webidl::expose(context, "MessageChannel", messaging.channel.0)?;
    webidl::expose(context, "MessagePort", messaging.port.0)?;
    webidl::expose(context, "BroadcastChannel", broadcast)?;
    webidl::expose(context, "Worker", worker)?;
    webidl::expose(context, "EventTarget", event_target)?;
    webidl::expose(context, "Event", events.event.0)?;
    webidl::expose(context, "ErrorEvent", events.error_event.0)?;
    webidl::expose(context, "PromiseRejectionEvent", events.promise_rejection_event.0)?;
    webidl::expose(context, "DOMException", dom_exception)?;

    let global = context.global_object();
    if global.is::<PlatformObject>() {
        global.set_prototype(Some(event_target_prototype));
    }
    // `self` is the global object (`globalThis` is ECMAScript's own).
    webidl::expose(context, "self", global)?;
    worker_scope::install_onerror(context)?;
    console::install(context)?;
    timers::install(context)?;
    structured_clone::install(context)?;
    Ok(())
}

/// One agent: a Boa context whose global object has this host's globals,
/// and its event loop.
pub struct Agent {
    context: Context,
    event_loop: Rc<EventLoop>,
}

impl Agent {
    /// A new main agent (a window-like global) with its own context and
    /// event loop, the first of a new run.
    pub fn new(settings: AgentSettings) -> JsResult<Agent> {
        Agent::with(
            settings,
            Messaging::new("main", Arc::new(TaskClock::new())),
            Cluster::new(),
            None,
            WorkerLinks::default(),
            "Window",
            Arc::new(AtomicBool::new(false)),
        )
    }

    /// An agent with `messaging` as its messaging state, one of `cluster`'s
    /// agents (in `slot`, if its parent joined it already), whose global
    /// object is of `global_interface`; it stops when `closing` is set.
    pub fn with(
        settings: AgentSettings,
        messaging: Messaging<Object>,
        cluster: Arc<Cluster>,
        slot: Option<usize>,
        links: WorkerLinks,
        global_interface: &'static str,
        closing: Arc<AtomicBool>,
    ) -> JsResult<Agent> {
        let event_loop = Rc::new(EventLoop::new(settings, messaging, cluster, slot, links, closing));
        let hooks = Rc::new(Hooks {
            event_loop: event_loop.clone(),
            global_interface,
        });
        let mut context = Context::builder()
            .job_executor(event_loop.clone())
            .host_hooks(hooks)
            .build()?;
        install(&mut context)?;
        Ok(Agent { context, event_loop })
    }

    /// The agent's context.
    pub fn context(&mut self) -> &mut Context {
        &mut self.context
    }

    /// The agent's event loop.
    pub fn event_loop(&self) -> &Rc<EventLoop> {
        &self.event_loop
    }

    /// Evaluates `source` now, outside any task (for the host's own glue
    /// code), and performs a microtask checkpoint after it.
    pub fn evaluate(&mut self, name: &str, source: &str) -> JsResult<JsValue> {
        let path = PathBuf::from(name);
        let result = self
            .context
            .eval(Source::from_bytes(source.as_bytes()).with_path(&path));
        self.event_loop.perform_microtask_checkpoint(&mut self.context);
        result
    }

    /// Collects the MessagePort and BroadcastChannel objects of this agent
    /// that script can no longer reach and the standard lets go (see
    /// `gc.rs`), as script's `gc()` does.
    pub fn collect_garbage(&mut self) -> JsResult<gc::Collected> {
        gc::collect(&self.event_loop, &mut self.context, gc::Moment::BetweenJobs)
    }

    /// How many MessagePorts this agent's messaging state holds.
    pub fn live_ports(&self) -> usize {
        self.event_loop.messaging.port_ids().len()
    }

    /// How many BroadcastChannels this agent's messaging state holds.
    pub fn live_broadcast_channels(&self) -> usize {
        self.event_loop.messaging.broadcast_ids().len()
    }

    /// Runs the event loop until it is idle or `deadline` passes.
    pub fn run(&mut self, deadline: Option<Instant>) -> Stop {
        self.event_loop.run(&mut self.context, deadline)
    }
}
