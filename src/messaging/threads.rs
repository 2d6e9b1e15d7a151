//! Event loops on real threads: each agent runs on its own thread, taking
//! orders from the driver and tasks from its ports, with the very same
//! agent and queue code the stepper runs.
//!
//! A thread sleeps until it has something to do. Its agent's [`Signal`]
//! wakes it when a task is queued for it, and the driver wakes it the same
//! way when it gives it an order; nothing polls. The driver knows that the
//! agents are idle without polling either: a thread that finds nothing to do
//! records the signal generation it saw before looking, and the world is
//! idle when every thread has done so and no signal has moved since (a task
//! queued after a thread looked moves its signal, and the thread goes round
//! again).
//!
//! The agents run their tasks on their own ([`ThreadedWorld::start`]), or
//! only when the driver says so ([`ThreadedWorld::with_gate`]): held agents run
//! the driver's orders and nothing else until [`ThreadedWorld::run_until_idle`]
//! lets them go, which is how a scenario's commands run as the stepper runs
//! them, with no task in between.

mod agent_thread;

use super::agent::Agent;
use super::event_loop::DispatchedEvent;
use super::queue::{Signal, TaskClock};
use super::sync::{Arc, AtomicU64, Condvar, Mutex, Ordering};
use super::world::{AgentId, World};
use agent_thread::{Control, HEADROOM, Mode, Order, PanicGuard, Shared, Slot, event_loop, headroom_left};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Something the driver asks an agent's thread to do.
pub type Command = Box<dyn FnOnce(&mut Agent) + Send>;

/// What can go wrong running agents on threads.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ThreadsError {
    /// The agents did not become idle in time.
    #[error("the agents were still busy after {0:?}")]
    Timeout(Duration),
    /// An agent's thread panicked.
    #[error("agent {0}'s thread panicked")]
    AgentPanicked(String),
    /// No such agent.
    #[error("no agent {0:?}")]
    NoSuchAgent(AgentId),
    /// The system would not start another thread (a thread or memory limit).
    #[error(
        "cannot start a thread for agent {agent} ({threads} running): {reason}; \
         each agent needs a thread of its own"
    )]
    Spawn {
        /// The agent that got no thread.
        agent: String,
        /// How many agent threads were running.
        threads: usize,
        /// What the system said.
        reason: String,
    },
}

/// What runs around each task an agent's thread takes: a budget, and what
/// becomes of the dispatched event.
pub trait TaskGate: Send + Sync {
    /// Whether one more task may run; when it says yes, the task is counted.
    fn admit(&self) -> bool;
    /// A task ran on `agent` and dispatched `event` (lent, not given: the
    /// event is large, and a gate that keeps it clones it).
    fn ran(&self, agent: &mut Agent, event: &DispatchedEvent);
}

/// No budget; the events stay in the agents' logs (as their policy says).
struct OpenGate;

impl TaskGate for OpenGate {
    fn admit(&self) -> bool {
        true
    }

    fn ran(&self, _: &mut Agent, _: &DispatchedEvent) {}
}

struct AgentThread {
    name: String,
    signal: Arc<Signal>,
    handle: Option<JoinHandle<Option<Agent>>>,
}

/// A [`World`] whose agents each run on their own thread.
pub struct ThreadedWorld {
    clock: Arc<TaskClock>,
    shared: Arc<Shared>,
    threads: Vec<AgentThread>,
}

impl std::fmt::Debug for ThreadedWorld {
    /// The agents' names, in the order they were added.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ThreadedWorld")
            .field(
                "agents",
                &self.threads.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

impl ThreadedWorld {
    /// How many recent events the agents of [`ThreadedWorld::start`] keep
    /// in their logs (at least; at most twice as many).
    pub const RECENT_EVENTS: usize = 1024;

    /// Starts one thread per agent of `world`; each runs its agent's tasks
    /// as they come, and the commands given with [`ThreadedWorld::execute`]
    /// in between. Each agent's event log keeps only its
    /// [`RECENT_EVENTS`](ThreadedWorld::RECENT_EVENTS) most recent events
    /// (a command may set another [`EventLog`](super::EventLog) policy).
    ///
    /// # Errors
    ///
    /// [`ThreadsError::Spawn`] when the system will not start a thread for an
    /// agent; the threads started before it are stopped.
    pub fn start(world: World) -> Result<ThreadedWorld, ThreadsError> {
        let mut threaded = ThreadedWorld::new(world.clock(), Mode::Free, Arc::new(OpenGate));
        for mut agent in world.into_agents() {
            agent.set_event_log(super::EventLog::Recent(ThreadedWorld::RECENT_EVENTS));
            threaded.add_agent(agent)?;
        }
        Ok(threaded)
    }

    /// A world without agents yet whose agents run only what the driver
    /// orders ([`ThreadedWorld::execute`], [`ThreadedWorld::step`]) until
    /// [`ThreadedWorld::run_until_idle`] lets them run their tasks. Every
    /// task they run passes through `gate`.
    pub fn with_gate(clock: Arc<TaskClock>, gate: Arc<dyn TaskGate>) -> ThreadedWorld {
        ThreadedWorld::new(clock, Mode::Held, gate)
    }

    fn new(clock: Arc<TaskClock>, mode: Mode, gate: Arc<dyn TaskGate>) -> ThreadedWorld {
        ThreadedWorld {
            clock,
            shared: Arc::new(Shared {
                control: Mutex::new(Control {
                    mode,
                    finishing: false,
                    slots: Vec::new(),
                    parked: 0,
                    panicked: None,
                    waiting: 0,
                }),
                changed: Condvar::new(),
                gate,
                wake_ups: AtomicU64::new(0),
            }),
            threads: Vec::new(),
        }
    }

    /// Starts a thread for `agent`, which must use this world's task clock.
    ///
    /// # Errors
    ///
    /// [`ThreadsError::Spawn`] when the system will not start its thread.
    pub fn add_agent(&mut self, agent: Agent) -> Result<AgentId, ThreadsError> {
        let index = self.threads.len();
        let name = agent.name().to_owned();
        if let Err(error) = headroom_left() {
            return Err(ThreadsError::Spawn {
                agent: name,
                threads: index,
                reason: format!("less than {} MiB of memory left ({error})", HEADROOM >> 20),
            });
        }
        let signal = agent.signal();
        self.shared.control().slots.push(Slot::default());
        let (thread_signal, shared) = (signal.clone(), self.shared.clone());
        let spawned = std::thread::Builder::new()
            .name(format!("agent {name}"))
            .spawn(move || {
                let _guard = PanicGuard {
                    shared: &shared,
                    name: agent.name().to_owned(),
                };
                event_loop(agent, index, &thread_signal, &shared)
            });
        match spawned {
            Ok(handle) => {
                self.threads.push(AgentThread {
                    name,
                    signal,
                    handle: Some(handle),
                });
                Ok(AgentId(index))
            }
            Err(error) => {
                self.shared.control().slots.pop();
                Err(ThreadsError::Spawn {
                    agent: name,
                    threads: index,
                    reason: error.to_string(),
                })
            }
        }
    }

    fn thread(&self, id: AgentId) -> Result<&AgentThread, ThreadsError> {
        self.threads.get(id.0).ok_or(ThreadsError::NoSuchAgent(id))
    }

    fn give(&self, id: AgentId, order: Order) -> Result<(), ThreadsError> {
        let thread = self.thread(id)?;
        {
            let mut control = self.shared.control();
            let slot = &mut control.slots[id.0];
            slot.orders.push_back(order);
            slot.given += 1;
        }
        thread.signal.notify();
        Ok(())
    }

    /// Has agent `id` run `command` on its thread, after the commands given
    /// before it. Returns at once; [`ThreadedWorld::wait_for`] waits for it.
    ///
    /// # Errors
    ///
    /// [`ThreadsError::NoSuchAgent`] for an unknown `id`.
    pub fn execute(&self, id: AgentId, command: Command) -> Result<(), ThreadsError> {
        self.give(id, Order::Execute(command))
    }

    /// Waits until agent `id` has run every command given to it.
    ///
    /// # Errors
    ///
    /// [`ThreadsError::Timeout`] after `timeout`;
    /// [`ThreadsError::AgentPanicked`] when an agent's thread panicked;
    /// [`ThreadsError::NoSuchAgent`] for an unknown `id`.
    pub fn wait_for(&self, id: AgentId, timeout: Duration) -> Result<(), ThreadsError> {
        self.thread(id)?;
        self.wait(timeout, |control, _| {
            let slot = &control.slots[id.0];
            slot.done == slot.given
        })
    }

    /// Waits until every agent has run every command and sleeps, and nothing
    /// was queued for any of them since: with free agents, nothing is ready
    /// anywhere (or the gate admits no more tasks); with held agents, each
    /// knows its oldest ready task.
    ///
    /// # Errors
    ///
    /// [`ThreadsError::Timeout`] after `timeout`;
    /// [`ThreadsError::AgentPanicked`] when an agent's thread panicked.
    pub fn wait_until_idle(&self, timeout: Duration) -> Result<(), ThreadsError> {
        self.wait(timeout, |control, threads| {
            control.parked == threads.len()
                && control.slots.iter().zip(threads).all(|(slot, thread)| {
                    slot.orders.is_empty() && slot.parked == Some(thread.signal.generation())
                })
        })
    }

    fn wait(
        &self,
        timeout: Duration,
        mut done: impl FnMut(&Control, &[AgentThread]) -> bool,
    ) -> Result<(), ThreadsError> {
        let deadline = Instant::now() + timeout;
        let mut control = self.shared.control();
        loop {
            if let Some(name) = &control.panicked {
                return Err(ThreadsError::AgentPanicked(name.clone()));
            }
            if done(&control, &self.threads) {
                return Ok(());
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(ThreadsError::Timeout(timeout));
            }
            control.waiting += 1;
            control = self
                .shared
                .changed
                .wait_timeout(control, left)
                .map_or_else(|poisoned| poisoned.into_inner().0, |(guard, _)| guard);
            control.waiting -= 1;
        }
    }

    /// Held agents: runs one task, as the stepper's `step` would: the oldest
    /// ready task of agent `id`, or of any agent. Returns whether a task ran.
    ///
    /// # Errors
    ///
    /// [`ThreadsError::Timeout`] after `timeout`;
    /// [`ThreadsError::AgentPanicked`] when an agent's thread panicked;
    /// [`ThreadsError::NoSuchAgent`] for an unknown `id`.
    pub fn step(&self, id: Option<AgentId>, timeout: Duration) -> Result<bool, ThreadsError> {
        self.wait_until_idle(timeout)?;
        let chosen = {
            let control = self.shared.control();
            match id {
                Some(id) => {
                    self.thread(id)?;
                    control.slots[id.0].ready.map(|_| id)
                }
                None => control
                    .slots
                    .iter()
                    .enumerate()
                    .filter_map(|(i, slot)| Some((slot.ready?, i)))
                    .min()
                    .map(|(_, i)| AgentId(i)),
            }
        };
        let Some(id) = chosen else { return Ok(false) };
        self.give(id, Order::RunOne)?;
        self.wait_for(id, timeout)?;
        Ok(self.shared.control().slots[id.0].ran)
    }

    /// Lets every agent run its tasks until none is ready anywhere (or the
    /// gate admits no more), then puts held agents back on hold.
    ///
    /// # Errors
    ///
    /// [`ThreadsError::Timeout`] after `timeout`;
    /// [`ThreadsError::AgentPanicked`] when an agent's thread panicked.
    pub fn run_until_idle(&self, timeout: Duration) -> Result<(), ThreadsError> {
        self.wait_until_idle(timeout)?;
        let (ready, mode): (Vec<usize>, Mode) = {
            let mut control = self.shared.control();
            let mode = std::mem::replace(&mut control.mode, Mode::Free);
            let slots = control.slots.iter().enumerate();
            (
                slots.filter(|(_, s)| s.ready.is_some()).map(|(i, _)| i).collect(),
                mode,
            )
        };
        for i in ready {
            self.threads[i].signal.notify();
        }
        let settled = self.wait_until_idle(timeout);
        self.shared.control().mode = mode;
        settled
    }

    /// Runs `f` on the agents as one [`World`] (to collect garbage, say):
    /// every thread lends its agent while it sleeps, and gets it back after.
    ///
    /// # Errors
    ///
    /// [`ThreadsError::Timeout`] when the agents do not settle or lend
    /// themselves within `timeout`; [`ThreadsError::AgentPanicked`] when an
    /// agent's thread panicked.
    pub fn with_world<T>(
        &self,
        timeout: Duration,
        f: impl FnOnce(&mut World) -> T,
    ) -> Result<T, ThreadsError> {
        self.wait_until_idle(timeout)?;
        let (to_driver, from_threads) = mpsc::channel();
        let mut returns = Vec::new();
        for i in 0..self.threads.len() {
            let (back_to_thread, back) = mpsc::channel();
            returns.push(back_to_thread);
            self.give(
                AgentId(i),
                Order::Lend {
                    to_driver: to_driver.clone(),
                    back,
                },
            )?;
        }
        let mut lent: Vec<Option<Agent>> = (0..self.threads.len()).map(|_| None).collect();
        for _ in 0..self.threads.len() {
            let (i, agent) = from_threads
                .recv_timeout(timeout)
                .map_err(|_| self.lost_agent().unwrap_or(ThreadsError::Timeout(timeout)))?;
            lent[i] = Some(agent);
        }
        let mut world = World::from_agents(lent.into_iter().flatten().collect(), self.clock.clone());
        let result = f(&mut world);
        for (agent, back) in world.into_agents().into_iter().zip(returns) {
            // A thread that is gone has already reported its panic.
            let _ = back.send(agent);
        }
        self.wait_until_idle(timeout)?;
        Ok(result)
    }

    fn lost_agent(&self) -> Option<ThreadsError> {
        let control = self.shared.control();
        control.panicked.clone().map(ThreadsError::AgentPanicked)
    }

    /// How many times agent threads woke from sleep so far: work, not time
    /// (a thread wakes because a task or an order came, never on a timer).
    pub fn wake_ups(&self) -> u64 {
        self.shared.wake_ups.load(Ordering::SeqCst)
    }

    /// Stops the threads and returns the world, agents in their order.
    ///
    /// # Errors
    ///
    /// [`ThreadsError::AgentPanicked`] when an agent's thread panicked (its
    /// agent is lost).
    pub fn finish(mut self) -> Result<World, ThreadsError> {
        let agents = self.stop()?;
        Ok(World::from_agents(agents, self.clock.clone()))
    }

    fn stop(&mut self) -> Result<Vec<Agent>, ThreadsError> {
        self.shared.control().finishing = true;
        for thread in &self.threads {
            thread.signal.notify();
        }
        let mut agents = Vec::new();
        let mut failure = None;
        for thread in &mut self.threads {
            let Some(handle) = thread.handle.take() else {
                continue;
            };
            match handle.join() {
                Ok(Some(agent)) => agents.push(agent),
                _ => failure = Some(ThreadsError::AgentPanicked(thread.name.clone())),
            }
        }
        failure.map_or(Ok(agents), Err)
    }
}

/// Threads still running when the world goes away are stopped and joined.
impl Drop for ThreadedWorld {
    fn drop(&mut self) {
        let _ = self.stop();
    }
}
