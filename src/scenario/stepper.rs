//! A scenario on the deterministic stepper: one task at a time, the oldest
//! ready task of any agent first, so the same input always prints the same
//! lines in the same order. While it runs, it watches for cross-agent races
//! (see [`super::Race`]): the places where `--threads` may order things
//! otherwise.

use super::context::Context;
use super::races::{RaceWatch, TaskSeen};
use super::run::{Loops, Output, Race, RunError, RunSummary, ScriptState, Work, pass_on};
use crate::ecmascript::AgentClusterId;
use crate::messaging::EventTarget;
use crate::messaging::queue::TaskClock;
use crate::messaging::{AgentId, World};
use crate::spec;
use std::sync::Arc;

pub(super) struct Stepper {
    world: World,
    clock: Arc<TaskClock>,
    context: Arc<Context>,
    trace: bool,
    /// The agents' names, by agent.
    names: Vec<String>,
    races: Vec<Race>,
}

impl Stepper {
    pub(super) fn new(context: Arc<Context>, trace: bool) -> Self {
        let world = World::new();
        Stepper {
            clock: world.clock(),
            world,
            context,
            trace,
            names: Vec::new(),
            races: Vec::new(),
        }
    }

    /// The oldest ready task of `agent`, or of any agent: (its number, its agent).
    fn next(&self, agent: Option<AgentId>) -> Option<(u64, AgentId)> {
        match agent {
            Some(id) => Some((self.world.agent_ref(id).next_ready()?, id)),
            None => self
                .world
                .agents()
                .filter_map(|(id, a)| Some((a.next_ready()?, id)))
                .min(),
        }
    }

    fn reactions_run(&self, agent: AgentId) -> u64 {
        self.context.reactions_run(&self.names[agent.0])
    }

    /// Runs one task, if one is ready and the budget allows.
    fn task(
        &mut self,
        agent: Option<AgentId>,
        output: &mut dyn Output,
    ) -> Result<Option<TaskSeen>, RunError> {
        let Some((seq, id)) = self.next(agent) else {
            return Ok(None);
        };
        if !self.context.budget.take_task() {
            return Ok(None);
        }
        let reactions = self.reactions_run(id);
        let before = self.clock.now();
        let (event, steps) = if self.trace {
            spec::traced(|| self.world.run_one(id))
        } else {
            (self.world.run_one(id), Vec::new())
        };
        let after = self.clock.now();
        if let Some(event) = &event {
            self.context.task_done(self.world.agent(id), event);
        }
        for step in steps {
            self.context.emit(None, format!("    step {step}"));
        }
        pass_on(&self.context, output, false)?;
        let ops = self.context.take_notes();
        Ok(event.map(|event| TaskSeen {
            agent: id.0,
            seq,
            queued: (before, after),
            global: event.target == EventTarget::Global,
            broadcast: match event.target {
                EventTarget::Broadcast(id) => Some(id.0),
                _ => None,
            },
            reacted: self.reactions_run(id) > reactions,
            ops,
        }))
    }
}

impl Loops for Stepper {
    fn add_agent(
        &mut self,
        name: &str,
        cluster: AgentClusterId,
        _: usize,
    ) -> Result<(AgentId, ScriptState), RunError> {
        let id = self.world.add_agent(name, cluster);
        self.names.push(name.to_owned());
        Ok((id, self.context.add_agent(self.world.agent_ref(id))))
    }

    fn in_agent(&mut self, id: AgentId, work: Work, _: usize) -> Result<(), RunError> {
        work(self.world.agent(id));
        Ok(())
    }

    fn step(&mut self, id: Option<AgentId>, _: usize, output: &mut dyn Output) -> Result<(), RunError> {
        self.task(id, output).map(drop)
    }

    /// Runs tasks until none is ready, watching for cross-agent races.
    fn run(&mut self, line: usize, output: &mut dyn Output) -> Result<(), RunError> {
        let mut watch = RaceWatch::new(line, self.clock.now(), self.names.len());
        self.context.watch(true);
        let ran = loop {
            match self.task(None, output) {
                Ok(Some(task)) => watch.task(task),
                Ok(None) => break Ok(()),
                Err(e) => break Err(e),
            }
        };
        self.context.watch(false);
        self.races.extend(watch.finish(&self.names));
        ran
    }

    fn gc(&mut self, _: usize) -> Result<Vec<(AgentId, String)>, RunError> {
        Ok(self.world.collect_garbage())
    }

    fn finish(&mut self, output: &mut dyn Output, summary: &mut RunSummary) -> Result<(), RunError> {
        summary.races = std::mem::take(&mut self.races);
        pass_on(&self.context, output, true)
    }
}
