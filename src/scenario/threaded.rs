//! A scenario with each agent on its own thread. The commands run as on the
//! stepper: in order, each on its agent's thread while every agent is held,
//! so no task runs between two of them, and `step` runs the very task the
//! stepper would. Only `run` lets the agents go, each taking its own ready
//! tasks oldest first, at the same time as the others; the lines are
//! grouped per port, the part of the output that does not depend on how
//! their tasks interleave.

use super::context::{Context, Gate};
use super::run::{Loops, Output, RunError, RunErrorKind, RunSummary, ScriptState, Work, pass_on};
use crate::ecmascript::AgentClusterId;
use crate::messaging::queue::TaskClock;
use crate::messaging::{Agent, AgentId, ThreadedWorld, ThreadsError};
use std::sync::Arc;
use std::time::Duration;

pub(super) struct Threaded {
    clock: Arc<TaskClock>,
    threads: Option<ThreadedWorld>,
    context: Arc<Context>,
    timeout: Duration,
}

impl Threaded {
    pub(super) fn new(context: Arc<Context>, timeout: Duration) -> Self {
        let clock = Arc::new(TaskClock::new());
        let gate = Arc::new(Gate(context.clone()));
        Threaded {
            threads: Some(ThreadedWorld::with_gate(clock.clone(), gate)),
            clock,
            context,
            timeout,
        }
    }

    fn threads(&self, line: usize) -> Result<&ThreadedWorld, RunError> {
        self.threads
            .as_ref()
            .ok_or_else(|| failed(line, "the agents' threads have stopped"))
    }
}

fn failed(line: usize, message: impl std::fmt::Display) -> RunError {
    RunError {
        line,
        message: message.to_string(),
        kind: RunErrorKind::Threads,
    }
}

impl Loops for Threaded {
    fn add_agent(
        &mut self,
        name: &str,
        cluster: AgentClusterId,
        line: usize,
    ) -> Result<(AgentId, ScriptState), RunError> {
        let agent = Agent::new(name, cluster, self.clock.clone());
        let state = self.context.add_agent(&agent);
        let threads = self
            .threads
            .as_mut()
            .ok_or_else(|| failed(line, "the agents' threads have stopped"))?;
        let id = threads.add_agent(agent).map_err(|e| match e {
            ThreadsError::Spawn { .. } => failed(line, format!("{e} (run it without --threads)")),
            e => failed(line, e),
        })?;
        Ok((id, state))
    }

    fn in_agent(&mut self, id: AgentId, work: Work, line: usize) -> Result<(), RunError> {
        let threads = self.threads(line)?;
        threads.execute(id, work).map_err(|e| failed(line, e))?;
        threads.wait_for(id, self.timeout).map_err(|e| failed(line, e))
    }

    fn step(&mut self, id: Option<AgentId>, line: usize, _: &mut dyn Output) -> Result<(), RunError> {
        self.threads(line)?
            .step(id, self.timeout)
            .map(drop)
            .map_err(|e| failed(line, e))
    }

    fn run(&mut self, line: usize, _: &mut dyn Output) -> Result<(), RunError> {
        self.threads(line)?
            .run_until_idle(self.timeout)
            .map_err(|e| failed(line, e))
    }

    fn gc(&mut self, line: usize) -> Result<Vec<(AgentId, String)>, RunError> {
        self.threads(line)?
            .with_world(self.timeout, |world| world.collect_garbage())
            .map_err(|e| failed(line, e))
    }

    fn finish(&mut self, output: &mut dyn Output, summary: &mut RunSummary) -> Result<(), RunError> {
        if let Some(threads) = self.threads.take() {
            summary.wake_ups = threads.wake_ups();
            threads.finish().map_err(|e| failed(0, e))?;
        }
        pass_on(&self.context, output, true)
    }
}
