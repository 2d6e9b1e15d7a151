//! An event loop for one agent: a task queue run in order, a microtask
//! queue drained after every task, and timers that queue their task when
//! they fall due, in due order.
//!
//! <https://html.spec.whatwg.org/multipage/webappapis.html#event-loop-processing-model>
//!
//! It is also Boa's [`JobExecutor`]: Promise jobs (HostEnqueuePromiseJob)
//! are microtasks. Other task sources (a port message queue, a worker's
//! messages) queue [`Task`]s through [`EventLoop::queue_task`]. The agent's
//! messaging state (its MessagePorts, on the library's generic messaging
//! core) is a second task source: each turn takes the oldest task of the
//! two, by the sequence numbers of the run's shared
//! [`TaskClock`](webmessaging::messaging::queue::TaskClock). The one place
//! the loop waits ([`EventLoop::wait_until`]) sleeps on the agent's
//! [`Signal`], which every other thread notifies when it adds a task for
//! this agent (a message to one of its ports, a worker's notice).

use super::cluster::Cluster;
use super::worker::WorkerLinks;
use crate::realm::{AgentSettings, Object};
use boa_engine::job::{Job, JobExecutor, NativeAsyncJob, PromiseJob};
use boa_engine::{Context, JsError, JsObject, JsResult, JsString, JsValue};
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::future::Future;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Poll, Waker};
use std::time::{Duration, Instant};
use webmessaging::messaging::Messaging;
use webmessaging::messaging::queue::{Signal, TaskClock};

/// The steps of a task.
pub type TaskSteps = Box<dyn FnOnce(&mut Context) -> JsResult<()>>;

/// Which task source a task came from (HTML "task source").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskSource {
    /// Running one of the command line's script files.
    Script,
    /// A timer that fell due.
    Timer,
    /// A task queued by the host for another reason (e.g. an error report).
    Host,
    /// A worker's notice to its parent (a load failure, an error).
    Worker,
}

/// A task: its source, a description (for traces and errors), its steps.
pub struct Task {
    /// The task source.
    pub source: TaskSource,
    /// What the task does, for people.
    pub name: String,
    /// The steps.
    pub steps: TaskSteps,
}

/// A microtask: a Promise job, or a `queueMicrotask` callback.
enum Microtask {
    Promise(PromiseJob),
    Callback(JsObject),
}

/// What a timer runs when it fires.
#[derive(Clone)]
pub enum TimerHandler {
    /// A function and the arguments to call it with.
    Function(JsObject, Vec<JsValue>),
    /// Source text to run as a classic script.
    Source(JsString),
}

struct Timer {
    handler: TimerHandler,
    /// `Some` for setInterval: the period that re-arms it.
    repeat: Option<Duration>,
    /// Its key in `Timers::due`.
    due: (Instant, u64),
}

#[derive(Default)]
struct Timers {
    /// Active timers by id.
    active: HashMap<u32, Timer>,
    /// Ids by (due time, arming order): the order they fire in.
    due: BTreeMap<(Instant, u64), u32>,
    next_id: u32,
    armed: u64,
}

/// Why [`EventLoop::run`] stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// Nothing left to do in the whole run (see `cluster.rs` for the
    /// rule), or the agent closed.
    Idle,
    /// The deadline passed with work still pending.
    Timeout,
}

/// One agent's event loop.
pub struct EventLoop {
    /// Tasks with their sequence numbers (from the run's task clock).
    tasks: RefCell<VecDeque<(u64, Task)>>,
    microtasks: RefCell<VecDeque<Microtask>>,
    timers: RefCell<Timers>,
    /// When the agent began (the time origin of `Event.timeStamp`).
    pub time_origin: Instant,
    /// Tasks run so far (work counted, not timed).
    pub tasks_run: Cell<u64>,
    /// Microtasks run so far.
    pub microtasks_run: Cell<u64>,
    /// Set while an exception is being reported (errors of `error` event
    /// listeners are then printed rather than reported again).
    pub reporting: Cell<bool>,
    /// Exceptions reported and not handled (the run fails if any).
    pub uncaught: Cell<u64>,
    /// What the host says about this agent.
    pub settings: AgentSettings,
    /// Whether to print the spec steps each algorithm run executes.
    pub trace: Cell<bool>,
    /// Whether script has `gc()` (`--expose-gc`; workers inherit it).
    pub expose_gc: Cell<bool>,
    /// Promises rejected without a handler since the last notification
    /// (HTML's "about-to-be-notified rejected promises list").
    rejected: RefCell<Vec<JsObject>>,
    /// The agent's messaging state: its MessagePorts and the messages for
    /// its global scope (the library's generic messaging core).
    pub messaging: Messaging<Object>,
    /// The run's task clock (shared by every agent of the run).
    clock: Arc<TaskClock>,
    /// What wakes this agent's loop.
    signal: Arc<Signal>,
    /// The agents of the run, for the idle rule.
    pub cluster: Arc<Cluster>,
    /// This agent's slot in `cluster`.
    pub slot: usize,
    /// Set when the agent is to stop (a worker's `close()` or
    /// `terminate()`): its loop runs no further task.
    pub closing: Arc<AtomicBool>,
    /// Workers this agent started, and its own parent if it is a worker.
    pub workers: WorkerLinks,
    /// When the next automatic collection of ports and channels is due.
    pub gc: super::gc::GcSchedule,
}

impl EventLoop {
    /// A new event loop for an agent with `settings` and messaging state
    /// `messaging`, one of the agents of `cluster` (the main agent joins
    /// here; a worker was joined by its parent, in `slot`).
    pub fn new(
        settings: AgentSettings,
        messaging: Messaging<Object>,
        cluster: Arc<Cluster>,
        slot: Option<usize>,
        workers: WorkerLinks,
        closing: Arc<AtomicBool>,
    ) -> Self {
        let signal = messaging.signal();
        let slot = slot.unwrap_or_else(|| cluster.join(signal.clone()));
        EventLoop {
            clock: messaging.clock(),
            signal,
            messaging,
            cluster,
            slot,
            closing,
            workers,
            gc: super::gc::GcSchedule::default(),
            settings,
            trace: Cell::new(false),
            expose_gc: Cell::new(false),
            rejected: RefCell::default(),
            tasks: RefCell::default(),
            microtasks: RefCell::default(),
            timers: RefCell::default(),
            time_origin: Instant::now(),
            tasks_run: Cell::new(0),
            microtasks_run: Cell::new(0),
            reporting: Cell::new(false),
            uncaught: Cell::new(0),
        }
    }

    /// HostPromiseRejectionTracker: remembers a promise rejected without a
    /// handler, and forgets it when a handler is added before the next
    /// notification.
    pub fn track_rejection(&self, promise: &JsObject, handled: bool) {
        let mut rejected = self.rejected.borrow_mut();
        if handled {
            rejected.retain(|p| !JsObject::equals(p, promise));
        } else {
            rejected.push(promise.clone());
        }
    }
}

impl JobExecutor for EventLoop {
    fn enqueue_job(self: Rc<Self>, job: Job, context: &mut Context) {
        match job {
            Job::PromiseJob(job) => self.microtasks.borrow_mut().push_back(Microtask::Promise(job)),
            Job::AsyncJob(job) => self.start_async(job, context),
            Job::GenericJob(job) => self.queue_task(Task {
                source: TaskSource::Host,
                name: "a host job".to_owned(),
                steps: Box::new(move |context| job.call(context).map(drop)),
            }),
            // Boa's own timeout and interval jobs (only `Atomics.waitAsync`
            // makes them) are not run: see the crate's README. The clean-up
            // of a FinalizationRegistry may be skipped (ECMA-262 9.13).
            _ => {}
        }
    }

    fn run_jobs(self: Rc<Self>, context: &mut Context) -> JsResult<()> {
        self.perform_microtask_checkpoint(context);
        Ok(())
    }
}

impl EventLoop {
    /// The event loop of `context` (one installed by [`crate::host::Agent`]).
    pub fn of(context: &Context) -> Option<Rc<EventLoop>> {
        context.downcast_job_executor::<EventLoop>()
    }

    /// Queues a task (HTML "queue a task").
    pub fn queue_task(&self, task: Task) {
        let seq = self.clock.tick();
        self.tasks.borrow_mut().push_back((seq, task));
    }

    /// The signal that wakes this agent's loop.
    pub fn signal(&self) -> Arc<Signal> {
        self.signal.clone()
    }

    /// Queues a `queueMicrotask` callback.
    pub fn queue_microtask(&self, callback: JsObject) {
        self.microtasks
            .borrow_mut()
            .push_back(Microtask::Callback(callback));
    }

    /// Arms a timer to fire after `delay` (and then every `repeat`); returns
    /// its id (the value `setTimeout` returns, always > 0).
    pub fn arm(&self, handler: TimerHandler, delay: Duration, repeat: Option<Duration>) -> u32 {
        let mut timers = self.timers.borrow_mut();
        timers.next_id = timers.next_id.wrapping_add(1).max(1);
        let id = timers.next_id;
        timers.armed += 1;
        let due = (Instant::now() + delay, timers.armed);
        timers.due.insert(due, id);
        timers.active.insert(id, Timer { handler, repeat, due });
        id
    }

    /// Disarms the timer `id` (clearTimeout); unknown ids are ignored.
    pub fn disarm(&self, id: u32) {
        let mut timers = self.timers.borrow_mut();
        if let Some(timer) = timers.active.remove(&id) {
            timers.due.remove(&timer.due);
        }
    }

    /// Number of timers armed.
    pub fn timers_armed(&self) -> usize {
        self.timers.borrow().active.len()
    }

    /// Runs an async job as far as it goes without waiting. A job that
    /// would wait cannot be kept (its future borrows the context of this
    /// call) and is dropped; only dynamic `import()` makes such jobs, and
    /// this host loads no modules.
    fn start_async(&self, job: NativeAsyncJob, context: &mut Context) {
        let cell = RefCell::new(context);
        let mut future = Box::pin(job.call(&cell));
        let mut cx = std::task::Context::from_waker(Waker::noop());
        if let Poll::Ready(Err(error)) = future.as_mut().poll(&mut cx) {
            drop(future);
            crate::host::report::report_exception(cell.into_inner(), error);
        }
    }

    /// Runs the event loop until the run is idle (the rule in
    /// `cluster.rs`), the agent closes, or `deadline` passes.
    ///
    /// Each turn takes the oldest ready task of the agent's task sources:
    /// the host's queue (scripts, timers, workers' notices) and the
    /// messaging state (port message queues, the global scope's messages),
    /// then performs a microtask checkpoint.
    pub fn run(&self, context: &mut Context, deadline: Option<Instant>) -> Stop {
        loop {
            if self.cluster.stopped() || self.closing.load(Ordering::SeqCst) {
                return Stop::Idle;
            }
            // First, so that a task another thread adds meanwhile wakes us.
            let seen = self.signal.generation();
            super::worker::take_notices(self);
            self.queue_due_timers();
            let host = self.tasks.borrow().front().map(|(seq, _)| *seq);
            let messaging = self.messaging.next_ready();
            let host_first = match (host, messaging) {
                (Some(h), Some(m)) => Some(h < m),
                (Some(_), None) => Some(true),
                (None, Some(_)) => Some(false),
                (None, None) => None,
            };
            if let Some(host_first) = host_first {
                if deadline.is_some_and(|d| Instant::now() >= d) {
                    return Stop::Timeout;
                }
                self.tasks_run.set(self.tasks_run.get() + 1);
                if let Err(error) = super::gc::collect_if_due(self, context, super::gc::Moment::BetweenJobs) {
                    crate::host::report::report_exception(context, error);
                }
                let result = if host_first {
                    let next = self.tasks.borrow_mut().pop_front();
                    next.map_or(Ok(()), |(_, task)| (task.steps)(context))
                } else {
                    super::message_port::run_messaging_task(self, context)
                };
                if let Err(error) = result {
                    crate::host::report::report_exception(context, error);
                }
                self.perform_microtask_checkpoint(context);
                continue;
            }
            let next_due = self.timers.borrow().due.keys().next().map(|(at, _)| *at);
            if next_due.is_none() && self.cluster.idle(self.slot, seen) {
                return Stop::Idle;
            }
            let wake = match (next_due, deadline) {
                (Some(at), Some(d)) => at.min(d),
                (at, d) => at
                    .or(d)
                    .unwrap_or_else(|| Instant::now() + Duration::from_secs(1)),
            };
            if deadline.is_some_and(|d| Instant::now() >= d) {
                return Stop::Timeout;
            }
            self.wait_until(seen, wake);
            self.cluster.busy(self.slot);
        }
    }

    /// Blocks the agent until `at`, or until another thread adds a task for
    /// it (its signal moves past `seen`): the only place the loop waits.
    pub fn wait_until(&self, seen: u64, at: Instant) {
        let now = Instant::now();
        if at > now {
            self.signal.wait_for_change(seen, at - now);
        }
    }

    /// Moves every timer that is due into the task queue, in due order.
    fn queue_due_timers(&self) {
        let now = Instant::now();
        loop {
            let fired = {
                let mut timers = self.timers.borrow_mut();
                let Some((&key, &id)) = timers.due.iter().next() else {
                    return;
                };
                if key.0 > now {
                    return;
                }
                timers.due.remove(&key);
                let Some(timer) = timers.active.get_mut(&id) else {
                    continue;
                };
                let handler = timer.handler.clone();
                match timer.repeat {
                    Some(period) => {
                        timers.armed += 1;
                        let due = (now + period, timers.armed);
                        if let Some(timer) = timers.active.get_mut(&id) {
                            timer.due = due;
                        }
                        timers.due.insert(due, id);
                    }
                    None => {
                        timers.active.remove(&id);
                    }
                }
                handler
            };
            self.queue_task(Task {
                source: TaskSource::Timer,
                name: "a timer".to_owned(),
                steps: Box::new(move |context| run_timer_handler(fired, context)),
            });
        }
    }

    /// HTML "perform a microtask checkpoint": runs microtasks until none is
    /// left, reporting the exceptions they throw.
    pub fn perform_microtask_checkpoint(&self, context: &mut Context) {
        loop {
            let next = self.microtasks.borrow_mut().pop_front();
            let Some(microtask) = next else {
                break;
            };
            self.microtasks_run.set(self.microtasks_run.get() + 1);
            let result = match microtask {
                Microtask::Promise(job) => job.call(context).map(drop),
                Microtask::Callback(callback) => callback.call(&JsValue::undefined(), &[], context).map(drop),
            };
            if let Err(error) = result {
                crate::host::report::report_exception(context, error);
            }
        }
        // Then notify about the rejections still unhandled; the listeners
        // may queue microtasks of their own, which run before returning.
        let rejected = std::mem::take(&mut *self.rejected.borrow_mut());
        if !rejected.is_empty() {
            crate::host::report::notify_about_rejected_promises(context, rejected);
            self.perform_microtask_checkpoint(context);
        }
        context.clear_kept_objects();
    }
}

/// Runs a timer's handler: calls the function, or runs the source text.
fn run_timer_handler(handler: TimerHandler, context: &mut Context) -> Result<(), JsError> {
    match handler {
        TimerHandler::Function(function, args) => {
            function.call(&JsValue::undefined(), &args, context).map(drop)
        }
        TimerHandler::Source(source) => {
            let text = source.to_std_string_escaped();
            context
                .eval(boa_engine::Source::from_bytes(text.as_bytes()))
                .map(drop)
        }
    }
}
