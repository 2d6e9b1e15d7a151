//! Event loops on real threads: each agent runs on its own thread, taking
//! commands from the driver and tasks from its ports, with the very same
//! agent and queue code the stepper runs.

use super::agent::Agent;
use super::queue::{Signal, TaskClock};
use super::sync::{Arc, AtomicU64, Mutex, Ordering, lock};
use super::world::{AgentId, World};
use std::collections::VecDeque;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Something the driver asks an agent's thread to do.
pub type Command = Box<dyn FnOnce(&mut Agent) + Send>;

/// What can go wrong running agents on threads.
#[derive(Debug, thiserror::Error)]
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
}

/// What the driver and one agent thread share.
struct Shared {
    commands: Mutex<VecDeque<Command>>,
    /// The signal generation the thread had seen when it last found nothing
    /// to do; `u64::MAX` while it is working.
    idle_at: AtomicU64,
    stop: AtomicU64,
}

struct AgentThread {
    name: String,
    signal: Arc<Signal>,
    shared: Arc<Shared>,
    handle: JoinHandle<Agent>,
}

/// A [`World`] whose agents each run on their own thread.
pub struct ThreadedWorld {
    clock: Arc<TaskClock>,
    threads: Vec<AgentThread>,
}

const WORKING: u64 = u64::MAX;

impl ThreadedWorld {
    /// Starts one thread per agent of `world`.
    pub fn start(world: World) -> ThreadedWorld {
        let clock = world.clock();
        let threads = world
            .into_agents()
            .into_iter()
            .map(|agent| {
                let signal = agent.signal();
                let shared = Arc::new(Shared {
                    commands: Mutex::new(VecDeque::new()),
                    idle_at: AtomicU64::new(WORKING),
                    stop: AtomicU64::new(0),
                });
                let name = agent.name().to_owned();
                let handle = {
                    let (signal, shared) = (signal.clone(), shared.clone());
                    std::thread::spawn(move || event_loop(agent, &signal, &shared))
                };
                AgentThread { name, signal, shared, handle }
            })
            .collect();
        ThreadedWorld { clock, threads }
    }

    /// Has agent `id` run `command` on its thread, after the commands given
    /// before it.
    pub fn execute(&self, id: AgentId, command: Command) -> Result<(), ThreadsError> {
        let thread = self.threads.get(id.0).ok_or(ThreadsError::NoSuchAgent(id))?;
        lock(&thread.shared.commands).push_back(command);
        thread.signal.notify();
        Ok(())
    }

    /// Waits until every agent has run every command and has no ready task,
    /// and nothing was queued meanwhile.
    pub fn wait_until_idle(&self, timeout: Duration) -> Result<(), ThreadsError> {
        let deadline = Instant::now() + timeout;
        let mut pause = Duration::from_micros(200);
        loop {
            let before = self.clock_now();
            if self.all_idle() {
                std::thread::sleep(pause);
                if self.all_idle() && self.clock_now() == before {
                    return Ok(());
                }
            } else {
                std::thread::sleep(pause);
            }
            pause = (pause * 2).min(Duration::from_millis(5));
            if Instant::now() > deadline {
                return Err(ThreadsError::Timeout(timeout));
            }
        }
    }

    fn clock_now(&self) -> u64 {
        // Reading the clock means taking a number; that is harmless, since
        // only the order of numbers matters.
        self.clock.tick()
    }

    fn all_idle(&self) -> bool {
        self.threads.iter().all(|t| {
            lock(&t.shared.commands).is_empty() && t.shared.idle_at.load(Ordering::SeqCst) == t.signal.generation()
        })
    }

    /// Stops the threads and returns the world, agents in their order.
    pub fn finish(self) -> Result<World, ThreadsError> {
        let mut agents = Vec::new();
        for thread in self.threads {
            thread.shared.stop.store(1, Ordering::SeqCst);
            thread.signal.notify();
            agents.push(thread.handle.join().map_err(|_| ThreadsError::AgentPanicked(thread.name))?);
        }
        Ok(World::from_agents(agents, self.clock))
    }
}

fn event_loop(mut agent: Agent, signal: &Signal, shared: &Shared) -> Agent {
    loop {
        let seen = signal.generation();
        shared.idle_at.store(WORKING, Ordering::SeqCst);
        let command = lock(&shared.commands).pop_front();
        if let Some(command) = command {
            command(&mut agent);
            continue;
        }
        if agent.run_next_task().is_some() {
            continue;
        }
        if shared.stop.load(Ordering::SeqCst) != 0 {
            return agent;
        }
        shared.idle_at.store(seen, Ordering::SeqCst);
        signal.wait_for_change(seen, Duration::from_millis(50));
    }
}
