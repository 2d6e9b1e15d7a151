//! An agent's thread: the loop that runs its agent's tasks and the
//! driver's orders, and the state the thread shares with the driver
//! ([`ThreadedWorld`](super::ThreadedWorld) is the driver's side).

use super::{Command, TaskGate};
use crate::messaging::agent::Agent;
use crate::messaging::queue::Signal;
use crate::messaging::spin::Watch;
use crate::messaging::sync::{Arc, AtomicU64, Condvar, Mutex, MutexGuard, Ordering, lock};
use std::collections::VecDeque;

use std::sync::mpsc;
use std::time::Duration;

/// Whether the agents run their ready tasks on their own.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Mode {
    /// Each thread runs its agent's ready tasks whenever it has any.
    Free,
    /// Threads run the driver's orders only.
    Held,
}

pub(super) enum Order {
    /// Run a command.
    Execute(Command),
    /// Run the agent's oldest ready task, if any.
    RunOne,
    /// Hand the agent to the driver and wait for it to come back.
    Lend {
        to_driver: mpsc::Sender<(usize, Agent)>,
        back: mpsc::Receiver<Agent>,
    },
}

/// The driver's view of one agent thread.
#[derive(Default)]
pub(super) struct Slot {
    pub(super) orders: VecDeque<Order>,
    pub(super) given: u64,
    pub(super) done: u64,
    /// The signal generation the thread saw before it found nothing to do,
    /// while it sleeps.
    pub(super) parked: Option<u64>,
    /// The sequence number of its oldest ready task when it went to sleep.
    pub(super) ready: Option<u64>,
    /// Whether its last `RunOne` ran a task.
    pub(super) ran: bool,
}

pub(super) struct Control {
    pub(super) mode: Mode,
    pub(super) finishing: bool,
    pub(super) slots: Vec<Slot>,
    pub(super) parked: usize,
    pub(super) panicked: Option<String>,
    /// How many driver calls wait on `Shared::changed` now: a thread that
    /// parks or finishes an order notifies only when one does (the
    /// condition variable's notification is a system call even when nobody
    /// waits, and a receiving thread parks between the messages of a
    /// stream).
    pub(super) waiting: usize,
}

pub(super) struct Shared {
    pub(super) control: Mutex<Control>,
    /// Wakes the driver when a thread parks or finishes an order.
    pub(super) changed: Condvar,
    pub(super) gate: Arc<dyn TaskGate>,
    pub(super) wake_ups: AtomicU64,
}

impl Shared {
    pub(super) fn control(&self) -> MutexGuard<'_, Control> {
        lock(&self.control)
    }

    /// Tells a waiting driver that `control` changed (called with it
    /// locked).
    pub(super) fn tell_driver(&self, control: &Control) {
        if control.waiting > 0 {
            self.changed.notify_all();
        }
    }
}

/// How long a sleeping thread waits before it looks again on its own (a
/// safety net: every change it waits for wakes it).
const NAP: Duration = Duration::from_secs(3600);

/// How many ready tasks a free agent runs before it looks at its orders
/// again (an order waits at most this many tasks).
const BATCH: usize = 64;

/// Tells the driver when an agent thread unwinds, so that it stops waiting.
pub(super) struct PanicGuard<'a> {
    pub(super) shared: &'a Shared,
    pub(super) name: String,
}

impl Drop for PanicGuard<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.shared.control().panicked = Some(std::mem::take(&mut self.name));
            self.shared.changed.notify_all();
        }
    }
}

/// Runs the agent's oldest ready task if it has one and the gate admits it.
fn run_task(agent: &mut Agent, gate: &dyn TaskGate) -> bool {
    // Read where it was returned: moving the large event out costs a copy.
    let ran = agent.run_next_task_if(|| gate.admit());
    match &ran {
        Some(event) => {
            gate.ran(agent, event);
            true
        }
        None => false,
    }
}

enum Next {
    Order(Order),
    Task,
    Sleep,
    Exit,
}

pub(super) fn event_loop(mut agent: Agent, index: usize, signal: &Signal, shared: &Shared) -> Option<Agent> {
    let mut watch = Watch::new();
    loop {
        let seen = signal.generation();
        let next = {
            let mut control = shared.control();
            match control.slots[index].orders.pop_front() {
                Some(order) => Next::Order(order),
                None if control.finishing => Next::Exit,
                None if control.mode == Mode::Free => Next::Task,
                None => Next::Sleep,
            }
        };
        match next {
            Next::Exit => return Some(agent),
            Next::Order(order) => {
                let ran = match order {
                    Order::Execute(command) => {
                        command(&mut agent);
                        None
                    }
                    Order::RunOne => Some(run_task(&mut agent, &*shared.gate)),
                    Order::Lend { to_driver, back } => {
                        if to_driver.send((index, agent)).is_err() {
                            return None;
                        }
                        agent = back.recv().ok()?;
                        None
                    }
                };
                let mut control = shared.control();
                let slot = &mut control.slots[index];
                slot.done += 1;
                if let Some(ran) = ran {
                    slot.ran = ran;
                }
                shared.tell_driver(&control);
                continue;
            }
            Next::Task if run_task(&mut agent, &*shared.gate) => {
                // A batch: the tasks that are ready now run without another
                // look at the driver's orders (one lock of the control
                // state per batch, not per task).
                for _ in 1..BATCH {
                    if !run_task(&mut agent, &*shared.gate) {
                        break;
                    }
                }
                continue;
            }
            Next::Task => {
                // Nothing ready: a task that comes soon (the next message of
                // a stream, an answer) is caught without a sleep.
                let budget = watch.budget();
                if !budget.is_zero() && signal.spin_for_change(seen, budget) {
                    shared.wake_ups.fetch_add(1, Ordering::SeqCst);
                    continue;
                }
            }
            Next::Sleep => {}
        }
        let ready = agent.next_ready();
        {
            let mut control = shared.control();
            let slot = &mut control.slots[index];
            slot.parked = Some(seen);
            slot.ready = ready;
            control.parked += 1;
            shared.tell_driver(&control);
        }
        while signal.generation() == seen {
            signal.wait_for_change(seen, NAP);
        }
        shared.wake_ups.fetch_add(1, Ordering::SeqCst);
        let mut control = shared.control();
        control.slots[index].parked = None;
        control.parked -= 1;
    }
}

/// Address space a new agent thread must leave free: its stack (2 MiB by
/// default), its allocator arena's first heap, and what every running thread
/// and the driver still allocate. Under a memory limit the system may refuse
/// an allocation before it refuses a thread, and a failed allocation aborts
/// the process; starting no thread once less than this is left turns that
/// abort into [`ThreadsError::Spawn`].
pub(super) const HEADROOM: usize = 32 << 20;

/// Whether [`HEADROOM`] can still be allocated (and then gives it back). The
/// probe is reserved, never touched: it costs address space for a moment,
/// not memory.
pub(super) fn headroom_left() -> Result<(), std::collections::TryReserveError> {
    let mut probe = Vec::<u8>::new();
    probe.try_reserve_exact(HEADROOM)?;
    // Keeps the compiler from eliding an allocation nothing reads.
    std::hint::black_box(&mut probe);
    Ok(())
}
