//! The agents of one run (the main agent and its workers, each on its own
//! thread) and the rule that says when the whole run is idle.
//!
//! **The idle rule.** The run is idle when every live agent is waiting with
//! nothing it could run: no task queued, no microtask, no timer armed, no
//! messaging task ready (a message or `close` in an *enabled* port message
//! queue, a message for its global scope), no notice from a worker, and
//! nothing was added for it since it looked. A message sitting in a queue
//! that was never started does not keep the run going (only script could
//! start that queue, and no script can run any more), nor does a port that
//! is merely entangled with a live partner, nor an open BroadcastChannel
//! with listeners (only a delivery task already queued for it counts: the
//! core's `next_ready` sees those). Every agent that could post to them is
//! in this run, so once all are idle nothing can ever arrive. (Node.js
//! keeps its process alive while any BroadcastChannel is open; a browser
//! keeps a page and its dedicated workers alive regardless.) A worker that
//! never ends (an interval, an endless loop) is stopped by the run's
//! `--timeout`.
//!
//! Each agent checks its own queues and then registers as idle with the
//! [`Signal`] generation it saw before checking; the run is idle when every
//! live agent is registered and no signal moved since its agent looked
//! (every task added for an agent, from any thread, notifies its signal).

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;
use webmessaging::messaging::queue::Signal;

/// One agent as the cluster sees it.
struct Member {
    signal: Arc<Signal>,
    /// `Some(generation)` while the agent waits with nothing to run.
    idle_since: Option<u64>,
    /// Whether the agent still runs (a terminated or ended worker does not
    /// count).
    alive: bool,
}

#[derive(Default)]
struct State {
    members: Vec<Member>,
    stopped: bool,
    deadline: Option<Instant>,
}

/// The agents of one run.
#[derive(Default)]
pub struct Cluster {
    state: Mutex<State>,
}

impl Cluster {
    /// An empty cluster.
    pub fn new() -> Arc<Cluster> {
        Arc::new(Cluster::default())
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Adds an agent (busy: it has its first script to run); returns its
    /// slot. A worker is added by its parent before its thread starts, so
    /// the run cannot look idle in between.
    pub fn join(&self, signal: Arc<Signal>) -> usize {
        let mut state = self.state();
        state.members.push(Member {
            signal,
            idle_since: None,
            alive: true,
        });
        state.members.len() - 1
    }

    /// The agent in `slot` has nothing to run since its signal was at
    /// `seen`. Returns whether the whole run is now idle (then every agent
    /// is told to stop).
    pub fn idle(&self, slot: usize, seen: u64) -> bool {
        let mut state = self.state();
        if state.stopped {
            return true;
        }
        if let Some(member) = state.members.get_mut(slot) {
            member.idle_since = Some(seen);
        }
        let all_idle = state
            .members
            .iter()
            .filter(|m| m.alive)
            .all(|m| m.idle_since == Some(m.signal.generation()));
        if all_idle {
            state.stopped = true;
            for member in &state.members {
                member.signal.notify();
            }
        }
        all_idle
    }

    /// The agent in `slot` woke up: it may have something to run.
    pub fn busy(&self, slot: usize) {
        if let Some(member) = self.state().members.get_mut(slot) {
            member.idle_since = None;
        }
    }

    /// The agent in `slot` ended (a worker closed, terminated, or failed to
    /// load): it no longer counts. If every other agent waits idle, one of
    /// them is woken to notice.
    pub fn leave(&self, slot: usize) {
        let mut state = self.state();
        if let Some(member) = state.members.get_mut(slot) {
            member.alive = false;
        }
        for member in state.members.iter().filter(|m| m.alive) {
            member.signal.notify();
        }
    }

    /// Sets when every agent of the run stops (the command's `--timeout`).
    pub fn set_deadline(&self, deadline: Option<Instant>) {
        self.state().deadline = deadline;
    }

    /// When every agent of the run stops.
    pub fn deadline(&self) -> Option<Instant> {
        self.state().deadline
    }

    /// How many agents still run (the main agent included).
    pub fn running(&self) -> usize {
        self.state().members.iter().filter(|m| m.alive).count()
    }

    /// Whether the run was stopped (idle, or the main agent finished).
    pub fn stopped(&self) -> bool {
        self.state().stopped
    }

    /// Stops every agent at its next turn (the main agent finished or timed
    /// out).
    pub fn stop(&self) {
        let mut state = self.state();
        state.stopped = true;
        for member in &state.members {
            member.signal.notify();
        }
    }
}
