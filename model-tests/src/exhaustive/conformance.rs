//! The implementation held to the model on every transition of the search.
//!
//! The search visits each unique state once, with the one path that first
//! reached it ([`Feed`], a stateright visitor, hands it over). A worker then
//! takes every action the model offers in that state: it replays the path
//! on a fresh implementation world (the deterministic stepper, through
//! [`crate::harness::Harness`]), applies the action to the implementation
//! and to the model, and compares what script can observe — post and ship
//! outcomes, dispatched events, collected ports — and every port object's
//! state, with [`Checker::step`] as the state-machine check does. The path
//! itself is not compared again: each of its steps was compared as an
//! action of the state before it. So the cost is states × actions replays,
//! not one per path.

use super::space::{Messaging, State};
use crate::scenario::Op;
use crate::state_machine::Checker;
use stateright::{CheckerVisitor, Model, Path};
use std::fmt::Debug;
use std::hash::Hash;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// How many disagreements are kept (and reported); work stops after them.
const MAX_MISMATCHES: usize = 3;

/// A model whose transitions the workers hold the implementation to: the
/// channel messaging model ([`Messaging`]) and the BroadcastChannel one
/// ([`super::broadcast::Broadcasting`]) share the workers through it.
pub(super) trait Conformance:
    Model<
        State: Clone + Debug + Eq + Hash + Send + Sync + 'static,
        Action: Clone + Debug + PartialEq + Send + Sync + 'static,
    > + Send
    + Sync
    + 'static
{
    /// The search's depth bound, if any.
    fn depth(&self) -> Option<usize>;

    /// States checked against the properties so far.
    fn visited(&self) -> usize;

    /// Replays `ops` on a fresh implementation world, then applies `action`
    /// to it and to the model in `state`, and compares what script sees.
    fn compare(&self, ops: &[Self::Action], state: &Self::State, action: &Self::Action)
    -> Result<(), String>;

    /// `ops` as a scenario a person can replay.
    fn scenario(&self, ops: &[Self::Action]) -> String;
}

impl Conformance for Messaging {
    fn depth(&self) -> Option<usize> {
        self.universe.depth
    }

    fn visited(&self) -> usize {
        self.visited.load(Ordering::Relaxed)
    }

    fn compare(&self, ops: &[Op], state: &State, action: &Op) -> Result<(), String> {
        let mut checker = Checker::with_agents(&self.universe.agent_list());
        for op in ops {
            checker.replay(op)?;
        }
        let mut model = state.model.clone();
        let expected = model.apply(action);
        checker.step(action, &expected, &model.snapshot())
    }

    fn scenario(&self, ops: &[Op]) -> String {
        crate::scenario::scenario_text_with(&self.universe.agent_list(), ops)
    }
}

/// A state to compare from, with the operations that reach it.
type Job<M> = (Vec<<M as Model>::Action>, <M as Model>::State);

/// Counters and findings shared by the search and the workers.
#[derive(Default)]
pub(super) struct Tally {
    /// Transitions compared with the implementation.
    pub(super) compared: AtomicUsize,
    /// Counterexamples: the scenario up to the disagreement.
    pub(super) mismatches: Mutex<Vec<String>>,
}

impl Tally {
    fn mismatch(&self, text: String) {
        let mut found = self.mismatches.lock().unwrap_or_else(|p| p.into_inner());
        if found.len() < MAX_MISMATCHES {
            found.push(text);
        }
    }

    fn enough(&self) -> bool {
        self.mismatches.lock().map_or(true, |m| m.len() >= MAX_MISMATCHES)
    }
}

/// The stateright visitor: sends each state whose actions are to be
/// compared, with its path, to the workers.
pub(super) struct Feed<M: Conformance> {
    tally: Arc<Tally>,
    /// Only states reached in fewer operations are compared from (their
    /// actions lead to states the search still checks).
    below: Option<usize>,
    sender: Mutex<SyncSender<Job<M>>>,
}

impl<M: Conformance> CheckerVisitor<M> for Feed<M> {
    fn visit(&self, _: &M, path: Path<M::State, M::Action>) {
        let state = path.last_state().clone();
        let ops = path.into_actions();
        if self.below.is_none_or(|d| ops.len() < d) && !self.tally.enough() {
            let sender = self.sender.lock().unwrap_or_else(|p| p.into_inner());
            // The workers stop only after the search, so this cannot fail.
            let _ = sender.send((ops, state));
        }
    }
}

/// The workers comparing the implementation with the model.
pub(super) struct Workers {
    handles: Vec<JoinHandle<()>>,
}

impl Workers {
    /// Starts `count` workers for the states of `space` and returns the
    /// visitor that feeds them (none when `count` is 0: the search then
    /// only checks the model).
    pub(super) fn start<M: Conformance>(
        space: &Arc<M>,
        tally: &Arc<Tally>,
        count: usize,
    ) -> (Option<Feed<M>>, Workers) {
        let below = space.depth();
        if count == 0 {
            return (None, Workers { handles: Vec::new() });
        }
        let (sender, receiver) = sync_channel::<Job<M>>(4096);
        let receiver = Arc::new(Mutex::new(receiver));
        let handles = (0..count)
            .map(|_| {
                let (space, tally, receiver) = (space.clone(), tally.clone(), receiver.clone());
                std::thread::spawn(move || work(&*space, &tally, &receiver))
            })
            .collect();
        let feed = Feed {
            tally: tally.clone(),
            below,
            sender: Mutex::new(sender),
        };
        (Some(feed), Workers { handles })
    }

    /// Waits for the workers to finish the states sent to them (the feed
    /// must be gone, so that they see the end).
    pub(super) fn join(self) {
        for handle in self.handles {
            // A worker catches the panics of what it checks; a panic here
            // would be its own bug, already printed by the panic hook.
            let _ = handle.join();
        }
    }
}

fn work<M: Conformance>(space: &M, tally: &Tally, receiver: &Mutex<Receiver<Job<M>>>) {
    loop {
        let job = receiver
            .lock()
            .map_err(|_| ())
            .and_then(|r| r.recv().map_err(|_| ()));
        let Ok((ops, state)) = job else { return };
        if tally.enough() {
            continue;
        }
        let mut actions = Vec::new();
        space.actions(&state, &mut actions);
        for action in &actions {
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                space.compare(&ops, &state, action)
            }));
            let result = outcome.unwrap_or_else(|panic| {
                let message = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_default();
                let mut all = ops.clone();
                all.push(action.clone());
                Err(format!("{}# panicked: {message}\n", space.scenario(&all)))
            });
            tally.compared.fetch_add(1, Ordering::Relaxed);
            if let Err(text) = result {
                tally.mismatch(text);
                break;
            }
        }
    }
}
