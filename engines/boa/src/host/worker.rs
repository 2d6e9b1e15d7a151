//! `Worker`: a dedicated-worker-like agent whose script runs in its own Boa
//! context, with its own event loop, on its own thread.
//!
//! <https://html.spec.whatwg.org/multipage/workers.html#dedicated-workers-and-the-worker-interface>
//!
//! The worker and its parent talk through an implicit MessageChannel of
//! the messaging core (as HTML's "run a worker" does with its outside and
//! inside ports): the parent keeps the outside port behind the `Worker`
//! object, and the inside port reaches the worker's realm the way every
//! port reaches another event loop, in a message to the worker's global
//! scope with the port in its transfer list. So `worker.postMessage` and
//! `self.postMessage` are the core's `postMessage` on those ports, with
//! the same queues, ordering and port shipping as any MessagePort; the
//! host only fires their events at the `Worker` object and the worker's
//! global object instead of at the ports.
//!
//! What the worker tells its parent that is not a message (its script
//! could not be loaded, an exception it did not handle) goes through a
//! small notice queue of the parent's, which wakes the parent's loop.
//!
//! The worker's own side (its thread, its global object) is
//! `worker_scope.rs`.
//!
//! Simplifications: the script is a file path resolved against the
//! directory of the script that calls `new Worker` (no URL fetching, no
//! module workers); the worker's global object has `postMessage`,
//! `close`, `onmessage`, `onmessageerror`, `onerror` and the host's other
//! globals (including `Worker`, for nested workers), but no `importScripts`
//! or `location`.

use super::event::{EventState, now};
use super::event_loop::{EventLoop, Task, TaskSource};
use super::event_target::{event_handler_attribute, fire, has_listener};
use super::message_port::{event_loop, post_through};
use super::report::error_event_state;
use super::webidl::{
    define_accessor, define_operation, define_to_string_tag, dictionary, dom_string, member,
    prototype_from_new_target, this_platform, type_error,
};
use super::{HostIntrinsics, Operation as Op, constructor};
use crate::platform::{PlatformObject, PlatformState};
use crate::realm::BoaRealm;
use boa_engine::vm::SourcePath;
use boa_engine::{Context, JsObject, JsResult, JsValue, js_string};
use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use webmessaging::ecmascript::{AgentClusterId, Value};
use webmessaging::messaging::queue::{Signal, TaskClock};
use webmessaging::messaging::{GlobalPort, PortId};

/// What a worker tells its parent besides messages.
#[derive(Debug)]
pub enum NoticeKind {
    /// The script could not be loaded (read): why.
    LoadFailed(String),
    /// An exception the worker did not handle: its text (first line: the
    /// message) and where it was raised.
    Uncaught {
        /// The whole description (the message, then the stack).
        text: String,
        /// File, line, column.
        location: Option<super::report::Location>,
    },
}

/// A notice from the worker numbered `worker`.
#[derive(Debug)]
pub struct Notice {
    worker: u64,
    kind: NoticeKind,
}

/// An agent's notice queue, which its workers add to from their threads.
#[derive(Clone, Default)]
struct Notices(Arc<Mutex<VecDeque<Notice>>>);

impl Notices {
    fn push(&self, notice: Notice) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).push_back(notice);
    }

    fn take(&self) -> Vec<Notice> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .drain(..)
            .collect()
    }
}

/// How a worker reaches its parent.
pub struct ParentLink {
    notices: Notices,
    signal: Arc<Signal>,
    id: u64,
}

impl ParentLink {
    /// Tells the parent something, and wakes its loop.
    pub fn notify(&self, kind: NoticeKind) {
        self.notices.push(Notice {
            worker: self.id,
            kind,
        });
        self.signal.notify();
    }
}

/// A worker as its parent keeps it.
struct Child {
    object: JsObject,
    closing: Arc<AtomicBool>,
    signal: Arc<Signal>,
    slot: usize,
    path: PathBuf,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Child {
    /// Tells the worker to stop at its next turn; the run no longer waits
    /// for it. Its global is no longer eligible for messaging from now on,
    /// even while a script of it still runs: its BroadcastChannels leave
    /// the run's registry at once (no post reaches them, what was queued
    /// for them is dropped), and they post nothing any more.
    fn stop(&self, cluster: &super::cluster::Cluster, clock: &TaskClock) {
        self.closing.store(true, Ordering::SeqCst);
        clock.broadcasts().retire_agent(&self.signal);
        self.signal.notify();
        cluster.leave(self.slot);
    }
}

/// The workers an agent started, and, in a worker, its link to its parent
/// and its implicit port.
#[derive(Default)]
pub struct WorkerLinks {
    children: RefCell<HashMap<u64, Child>>,
    next_id: Cell<u64>,
    notices: Notices,
    /// The implicit ports and the object their events are fired at (the
    /// `Worker` object, or inside the worker its global object).
    pub(super) targets: RefCell<HashMap<PortId, JsObject>>,
    /// In a worker: its parent.
    parent: Option<ParentLink>,
    /// In a worker: the inside port.
    pub(super) inside: Cell<Option<PortId>>,
    /// The agent's own script (what relative worker paths fall back to).
    pub script: RefCell<Option<PathBuf>>,
}

impl WorkerLinks {
    /// The links of a worker whose parent is `parent`.
    pub fn for_worker(parent: ParentLink) -> Self {
        WorkerLinks {
            parent: Some(parent),
            ..WorkerLinks::default()
        }
    }

    /// The agent's implicit ports (never collected: the `Worker` object or
    /// the worker's global stands behind each).
    pub fn implicit_ports(&self) -> Vec<PortId> {
        let mut ports: Vec<PortId> = self.targets.borrow().keys().copied().collect();
        ports.extend(self.inside.get());
        ports
    }

    /// Where the events of `port` are fired, if it is an implicit port.
    pub fn target_of(&self, port: PortId) -> Option<JsObject> {
        self.targets.borrow().get(&port).cloned()
    }

    /// Waits for the threads of the workers this agent started (once the
    /// run is idle they are ending: their spec-step counts then reach
    /// `--coverage`). Not after a timeout, when a worker may never end, and
    /// not for a worker that was terminated or closed itself: it may be
    /// stuck in a script that never returns.
    pub fn join_children(&self) {
        let threads: Vec<_> = self
            .children
            .borrow_mut()
            .values_mut()
            .filter(|c| !c.closing.load(Ordering::SeqCst))
            .filter_map(|c| c.thread.take())
            .collect();
        for thread in threads {
            let _ = thread.join();
        }
    }

    /// Stops every worker this agent started, at its next turn (the agent
    /// itself is ending).
    pub fn terminate_children(&self, cluster: &super::cluster::Cluster, clock: &TaskClock) {
        for child in self.children.borrow().values() {
            child.stop(cluster, clock);
        }
    }

    /// The link to the parent, if this agent is a worker.
    pub fn parent(&self) -> Option<&ParentLink> {
        self.parent.as_ref()
    }
}

/// Turns the notices the agent's workers sent into tasks (called by the
/// event loop at each turn).
pub fn take_notices(event_loop: &EventLoop) {
    for notice in event_loop.workers.notices.take() {
        event_loop.queue_task(Task {
            source: TaskSource::Worker,
            name: format!("a notice from worker {}", notice.worker),
            steps: Box::new(move |context| handle_notice(notice, context)),
        });
    }
}

/// A worker's notice, in its parent: an `error` event at the `Worker`
/// object. A load failure is also printed, and fails the run when the
/// Worker had no `error` listener; an exception nobody canceled is reported
/// as uncaught in the parent (which, in a nested worker, passes it further
/// up).
fn handle_notice(notice: Notice, context: &mut Context) -> JsResult<()> {
    let event_loop = event_loop(context)?;
    let child = event_loop
        .workers
        .children
        .borrow()
        .get(&notice.worker)
        .map(|c| (c.object.clone(), c.path.clone()));
    let Some((object, path)) = child else {
        return Ok(());
    };
    let intrinsics = HostIntrinsics::of(context)?;
    match notice.kind {
        NoticeKind::LoadFailed(why) => {
            // HTML "run a worker": a script that cannot be fetched fires a
            // simple `error` event at the Worker object.
            eprintln!(
                "webmessaging-js: the worker script {} could not be loaded: {why}",
                path.display()
            );
            // This host also prints why, and the run fails unless script
            // was listening for the failure.
            if !has_listener(&object, "error") {
                super::report::count_uncaught(Some(&event_loop));
            }
            let state = EventState::new(js_string!("error"), now(context));
            fire(context, &object, intrinsics.event.clone(), state);
        }
        NoticeKind::Uncaught { text, location } => {
            // HTML "runtime script errors in workers": an ErrorEvent at the
            // Worker object, cancelable; not canceled, it is reported in the
            // parent.
            let message = text.lines().next().unwrap_or_default();
            let state = error_event_state(message, location.clone(), JsValue::null(), context);
            if fire(context, &object, intrinsics.error_event.clone(), state) {
                let text = format!("(in worker {}) {text}", path.display());
                super::report::uncaught(context, &text, location);
            }
        }
    }
    Ok(())
}

/// The path of the innermost script on the stack (the one calling `new
/// Worker`), else the agent's own script.
fn current_script(context: &Context, links: &WorkerLinks) -> Option<PathBuf> {
    context
        .stack_trace()
        .find_map(|frame| match frame.position().path {
            SourcePath::Path(path) => Some(path.to_path_buf()),
            _ => None,
        })
        .or_else(|| links.script.borrow().clone())
}

/// Resolves a worker's script path against the calling script's directory.
fn resolve(url: &str, base: Option<&Path>) -> PathBuf {
    let url = url.strip_prefix("file://").unwrap_or(url);
    let path = Path::new(url);
    match base.and_then(Path::parent) {
        Some(dir) if path.is_relative() => dir.join(path),
        _ => path.to_path_buf(),
    }
}

/// `new Worker(scriptURL, options)`
///
/// <https://html.spec.whatwg.org/multipage/workers.html#dom-worker>
fn worker_constructor(new_target: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let intrinsics = HostIntrinsics::of(context)?;
    let prototype = prototype_from_new_target(new_target, intrinsics.worker.clone(), "Worker", context)?;
    let url = dom_string(&args.first().cloned().unwrap_or_default(), context)?;
    // WorkerOptions, in lexicographic order: agentCluster (this host's
    // own), name, type.
    let options = dictionary(&args.get(1).cloned().unwrap_or_default(), "Worker's options")?;
    let cluster_option = member(&options, "agentCluster", context)?;
    let separate = if cluster_option.is_undefined() {
        false
    } else {
        match dom_string(&cluster_option, context)?
            .to_std_string_escaped()
            .as_str()
        {
            "same" => false,
            "separate" => true,
            other => {
                return Err(type_error(format!(
                    "Worker's agentCluster must be \"same\" or \"separate\", not \"{other}\""
                )));
            }
        }
    };
    let name = member(&options, "name", context)?;
    let name = if name.is_undefined() {
        String::new()
    } else {
        dom_string(&name, context)?.to_std_string_escaped()
    };
    let kind = member(&options, "type", context)?;
    if !kind.is_undefined() {
        let kind = dom_string(&kind, context)?.to_std_string_escaped();
        if kind != "classic" {
            return Err(super::dom_exception::throw(
                context,
                "NotSupportedError",
                &format!("this host runs classic worker scripts only, not type \"{kind}\""),
            ));
        }
    }

    let parent = event_loop(context)?;
    let path = resolve(
        &url.to_std_string_escaped(),
        current_script(context, &parent.workers).as_deref(),
    );
    let id = parent.workers.next_id.get() + 1;
    parent.workers.next_id.set(id);

    // The implicit channel: the outside port stays here, enabled at once;
    // the inside port travels to the worker's global scope.
    let mut realm = BoaRealm::new(context, parent.settings)?;
    let messaging = &parent.messaging;
    let (outside, inside) = messaging.new_message_channel(&mut realm, "outside", "inside");
    messaging.start(outside);
    let inside_object = messaging
        .port_object(inside)
        .ok_or_else(|| type_error("the inside port has no object"))?;
    let global = GlobalPort::new(messaging.clock());
    messaging
        .post_to_global(&mut realm, &global, &Value::Undefined, &[inside_object])
        .map_err(|e| type_error(format!("the worker's port could not be sent: {e}")))?;
    messaging.forget(inside);
    drop(realm);

    let mut data = PlatformObject::event_target("Worker");
    data.state = PlatformState::Worker {
        id,
        outside: outside.0,
    };
    let object = JsObject::from_proto_and_data(prototype, data);
    parent
        .workers
        .targets
        .borrow_mut()
        .insert(outside, object.clone());

    let mut settings = parent.settings;
    if separate {
        settings.agent_cluster = AgentClusterId(settings.agent_cluster.0.wrapping_add(id));
    }
    let signal = global.signal();
    let slot = parent.cluster.join(signal.clone());
    let closing = Arc::new(AtomicBool::new(false));
    parent.workers.children.borrow_mut().insert(
        id,
        Child {
            object: object.clone(),
            closing: closing.clone(),
            signal,
            slot,
            path: path.clone(),
            thread: None,
        },
    );
    let setup = super::worker_scope::Setup {
        path,
        name: if name.is_empty() {
            format!("worker {id}")
        } else {
            name
        },
        settings,
        global,
        cluster: parent.cluster.clone(),
        slot,
        parent: ParentLink {
            notices: parent.workers.notices.clone(),
            signal: parent.signal(),
            id,
        },
        closing,
        trace: parent.trace.get(),
        expose_gc: parent.expose_gc.get(),
    };
    let thread_name = setup.name.clone();
    // The main thread's stack size: native code that calls back into
    // script (a getter during a clone) recurses on it.
    match std::thread::Builder::new()
        .name(thread_name)
        .stack_size(8 << 20)
        .spawn(move || super::worker_scope::run_worker(setup))
    {
        Ok(thread) => {
            if let Some(child) = parent.workers.children.borrow_mut().get_mut(&id) {
                child.thread = Some(thread);
            }
        }
        Err(e) => {
            parent.cluster.leave(slot);
            parent.workers.notices.push(Notice {
                worker: id,
                kind: NoticeKind::LoadFailed(format!("no thread could be started for it: {e}")),
            });
        }
    }
    Ok(object.into())
}

/// The worker's own view of the parent's object.
fn this_worker(this: &JsValue) -> JsResult<(JsObject, u64, PortId)> {
    let object = this_platform(this, "Worker", |p| {
        matches!(p.state, PlatformState::Worker { .. })
    })?;
    let (id, outside) = match object.downcast_ref::<PlatformObject>().map(|p| match p.state {
        PlatformState::Worker { id, outside } => Some((id, outside)),
        _ => None,
    }) {
        Some(Some(pair)) => pair,
        _ => return Err(type_error("Illegal invocation: not a Worker")),
    };
    Ok((object, id, PortId(outside)))
}

/// `worker.postMessage(message, transfer)` / `(message, { transfer })`
fn worker_post_message(this: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let (_, _, outside) = this_worker(this)?;
    post_through(outside, args, "Worker.postMessage", context)
}

/// `worker.terminate()`: the worker stops at its next turn, and its
/// implicit channel is closed (HTML "terminate a worker", in short).
fn terminate(this: &JsValue, _: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let (_, id, outside) = this_worker(this)?;
    let event_loop = event_loop(context)?;
    if let Some(child) = event_loop.workers.children.borrow().get(&id) {
        child.stop(&event_loop.cluster, &event_loop.messaging.clock());
    }
    let mut realm = BoaRealm::new(context, event_loop.settings)?;
    event_loop.messaging.close(&mut realm, outside);
    Ok(JsValue::undefined())
}

fn worker_target(this: &JsValue, _: &mut Context) -> JsResult<JsObject> {
    this_worker(this).map(|(object, _, _)| object)
}

event_handler_attribute!(
    worker_get_onmessage,
    worker_set_onmessage,
    "message",
    worker_target
);
event_handler_attribute!(
    worker_get_onmessageerror,
    worker_set_onmessageerror,
    "messageerror",
    worker_target
);
event_handler_attribute!(worker_get_onerror, worker_set_onerror, "error", worker_target);

/// The `Worker` interface object and prototype (inheriting from
/// `EventTarget`, given as `event_target`).
pub fn interface(
    context: &mut Context,
    event_target: (JsObject, JsObject),
) -> JsResult<(JsObject, JsObject)> {
    let (worker, prototype) = constructor(context, "Worker", 1, worker_constructor, Some(event_target))?;
    define_operation(&prototype, context, "postMessage", 1, worker_post_message)?;
    define_operation(&prototype, context, "terminate", 0, terminate)?;
    for (name, get, set) in [
        (
            "onmessage",
            worker_get_onmessage as Op,
            worker_set_onmessage as Op,
        ),
        (
            "onmessageerror",
            worker_get_onmessageerror,
            worker_set_onmessageerror,
        ),
        ("onerror", worker_get_onerror, worker_set_onerror),
    ] {
        define_accessor(&prototype, context, name, get, set)?;
    }
    define_to_string_tag(&prototype, context, "Worker")?;
    Ok((worker, prototype))
}
