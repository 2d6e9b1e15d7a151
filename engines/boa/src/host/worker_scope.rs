//! A worker's side: HTML "run a worker" on the worker's own thread, and
//! the members of its global object (`DedicatedWorkerGlobalScope`:
//! `postMessage`, `close`, `onmessage`, `onmessageerror`; `onerror` on
//! every global). The `Worker` interface, its parent's side, is
//! `worker.rs`.
//!
//! <https://html.spec.whatwg.org/multipage/workers.html#run-a-worker>
//! <https://html.spec.whatwg.org/multipage/workers.html#dedicated-workers-and-the-dedicatedworkerglobalscope-interface>

use super::Operation as Op;
use super::event_loop::{EventLoop, Task, TaskSource};
use super::event_target::{event_handler_attribute, this_target};
use super::message_port::{event_loop, post_through};
use super::webidl::{define_accessor, define_operation, define_to_string_tag, type_error};
use super::worker::{NoticeKind, ParentLink, WorkerLinks};
use crate::realm::{AgentSettings, BoaRealm};
use boa_engine::{Context, JsObject, JsResult, JsValue};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use webmessaging::messaging::{EventTarget, GlobalPort, Messaging};

/// Everything a worker's thread starts from (all of it `Send`).
pub(super) struct Setup {
    pub(super) path: PathBuf,
    pub(super) name: String,
    pub(super) settings: AgentSettings,
    pub(super) global: GlobalPort,
    pub(super) cluster: Arc<super::cluster::Cluster>,
    pub(super) slot: usize,
    pub(super) parent: ParentLink,
    pub(super) closing: Arc<AtomicBool>,
    pub(super) trace: bool,
    pub(super) expose_gc: bool,
}

/// The worker's thread: HTML "run a worker", in short. Reads the script
/// (a failure is a notice to the parent), makes the agent, takes the
/// inside port from the first message to its global scope, runs the script
/// as its first task, then enables the inside port's queue (messages the
/// parent sent meanwhile are delivered now) and runs the event loop until
/// the run is idle, the worker closes, or the deadline.
pub(super) fn run_worker(setup: Setup) {
    let Setup {
        path,
        name,
        settings,
        global,
        cluster,
        slot,
        parent,
        closing,
        trace,
        expose_gc,
    } = setup;
    let source = match std::fs::read_to_string(&path) {
        Ok(source) => source,
        Err(e) => {
            parent.notify(NoticeKind::LoadFailed(e.to_string()));
            cluster.leave(slot);
            return;
        }
    };
    let messaging = Messaging::with_global(name, global);
    let links = WorkerLinks::for_worker(parent);
    *links.script.borrow_mut() = Some(path.clone());
    let agent = super::Agent::with(
        settings,
        messaging,
        cluster.clone(),
        Some(slot),
        links,
        "DedicatedWorkerGlobalScope",
        closing,
    );
    let mut agent = match agent {
        Ok(agent) => agent,
        Err(e) => {
            cluster.leave(slot);
            eprintln!("webmessaging-js: the worker's engine could not start: {e}");
            return;
        }
    };
    let event_loop = agent.event_loop().clone();
    event_loop.trace.set(trace);
    if expose_gc {
        event_loop.expose_gc.set(true);
    }
    let globals = worker_globals(agent.context());
    let globals = globals.and_then(|()| match expose_gc {
        true => super::gc::install_gc(agent.context()),
        false => Ok(()),
    });
    if let Err(e) = globals {
        eprintln!("webmessaging-js: the worker's globals could not be installed: {e}");
        cluster.leave(slot);
        return;
    }
    // The first message to the global scope carries the inside port.
    let inside = {
        let context = agent.context();
        let mut realm = match BoaRealm::new(context, settings) {
            Ok(realm) => realm,
            Err(_) => {
                cluster.leave(slot);
                return;
            }
        };
        event_loop
            .messaging
            .run_next_task(&mut realm)
            .filter(|e| e.target == EventTarget::Global)
            .and_then(|e| e.ports.first().copied())
    };
    if let Some(inside) = inside {
        event_loop.workers.inside.set(Some(inside));
        let global = agent.context().global_object();
        event_loop.workers.targets.borrow_mut().insert(inside, global);
    }
    event_loop.queue_task(Task {
        source: TaskSource::Script,
        name: format!("the worker script {}", path.display()),
        steps: Box::new(move |context| {
            let result = crate::runner::run_script(context, &path, &source);
            if let (Some(inside), Some(event_loop)) = (inside, EventLoop::of(context)) {
                event_loop.messaging.start(inside);
            }
            result
        }),
    });
    let stop = agent.run(cluster.deadline());
    if stop == super::event_loop::Stop::Idle && cluster.stopped() {
        event_loop.workers.join_children();
    } else {
        // The worker closed itself (or timed out): its own workers end
        // with it, and are not waited for.
        event_loop
            .workers
            .terminate_children(&cluster, &event_loop.messaging.clock());
    }
    event_loop.messaging.shut_down();
    // A worker the deadline stopped still counts as running: the run ends
    // with it, and says so.
    if stop != super::event_loop::Stop::Timeout {
        cluster.leave(slot);
    }
}

fn global_target(this: &JsValue, context: &mut Context) -> JsResult<JsObject> {
    this_target(this, context)
}

event_handler_attribute!(
    global_get_onmessage,
    global_set_onmessage,
    "message",
    global_target
);

event_handler_attribute!(
    global_get_onmessageerror,
    global_set_onmessageerror,
    "messageerror",
    global_target
);

event_handler_attribute!(global_get_onerror, global_set_onerror, "error", global_target);

/// Defines the global object's `onerror` (every agent's global has it).
pub fn install_onerror(context: &mut Context) -> JsResult<()> {
    let global = context.global_object();
    define_accessor(
        &global,
        context,
        "onerror",
        global_get_onerror,
        global_set_onerror,
    )
}

/// `self.postMessage(message, transfer)` inside a worker: through the
/// inside port.
fn global_post_message(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let inside = event_loop(context)?
        .workers
        .inside
        .get()
        .ok_or_else(|| type_error("this worker has no port to its parent"))?;
    post_through(inside, args, "postMessage", context)
}

/// `self.close()` inside a worker: its loop runs no further task, and with
/// its closing flag set its global is no longer eligible for messaging, so
/// its BroadcastChannels neither receive nor post from now on (the core's
/// `dom-broadcastchannel-postmessage/1`), even later in this task.
fn global_close(_: &JsValue, _: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let event_loop = event_loop(context)?;
    event_loop.closing.store(true, Ordering::SeqCst);
    event_loop.messaging.shut_down_broadcasts();
    Ok(JsValue::undefined())
}

/// Installs the worker global scope's own members on the global object.
fn worker_globals(context: &mut Context) -> JsResult<()> {
    let global = context.global_object();
    define_operation(&global, context, "postMessage", 1, global_post_message)?;
    define_operation(&global, context, "close", 0, global_close)?;
    define_to_string_tag(&global, context, "DedicatedWorkerGlobalScope")?;
    for (name, get, set) in [
        (
            "onmessage",
            global_get_onmessage as Op,
            global_set_onmessage as Op,
        ),
        (
            "onmessageerror",
            global_get_onmessageerror,
            global_set_onmessageerror,
        ),
    ] {
        define_accessor(&global, context, name, get, set)?;
    }
    Ok(())
}
