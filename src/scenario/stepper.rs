//! A scenario on the deterministic stepper: one task at a time, the oldest
//! ready task of any agent first, so the same input always prints the same
//! lines in the same order. While it runs, it watches for cross-agent races
//! (see [`super::Race`]): the places where `--threads` may order things
//! otherwise.

use super::context::Context;
use super::run::{Loops, Output, Race, RunError, RunSummary, ScriptState, Work, pass_on};
use crate::ecmascript::AgentClusterId;
use crate::messaging::queue::TaskClock;
use crate::messaging::{AgentId, World};
use crate::spec;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// What one task was, for the race watch.
struct Task {
    agent: AgentId,
    /// Its sequence number on the task clock.
    seq: u64,
    /// The clock before and after it: the tasks it queued have numbers in
    /// between.
    queued: (u64, u64),
    /// Whether it ran a reaction.
    reacted: bool,
}

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
    fn task(&mut self, agent: Option<AgentId>, output: &mut dyn Output) -> Result<Option<Task>, RunError> {
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
        Ok(event.map(|_| Task {
            agent: id,
            seq,
            queued: (before, after),
            reacted: self.reactions_run(id) > reactions,
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

    /// Runs tasks until none is ready, and notes every agent that reacted
    /// to tasks two or more agents queued during this run.
    fn run(&mut self, line: usize, output: &mut dyn Output) -> Result<(), RunError> {
        let start = self.clock.now();
        // The tasks queued during this run: first number → (end, agent).
        let mut queued_by: BTreeMap<u64, (u64, AgentId)> = BTreeMap::new();
        let mut sources: HashMap<AgentId, BTreeSet<AgentId>> = HashMap::new();
        let mut reacted: BTreeSet<AgentId> = BTreeSet::new();
        while let Some(task) = self.task(None, output)? {
            if task.seq >= start
                && let Some((_, (end, source))) = queued_by.range(..=task.seq).next_back()
                && task.seq < *end
            {
                sources.entry(task.agent).or_default().insert(*source);
            }
            if task.queued.1 > task.queued.0 {
                queued_by.insert(task.queued.0, (task.queued.1, task.agent));
            }
            if task.reacted {
                reacted.insert(task.agent);
            }
        }
        for agent in reacted {
            let from = sources.remove(&agent).unwrap_or_default();
            if from.len() >= 2 {
                self.races.push(Race {
                    line,
                    agent: self.names[agent.0].clone(),
                    sources: from.iter().map(|a| self.names[a.0].clone()).collect(),
                });
            }
        }
        Ok(())
    }

    fn gc(&mut self, _: usize) -> Result<Vec<(AgentId, String)>, RunError> {
        Ok(self.world.collect_garbage())
    }

    fn finish(&mut self, output: &mut dyn Output, summary: &mut RunSummary) -> Result<(), RunError> {
        summary.races = std::mem::take(&mut self.races);
        pass_on(&self.context, output, true)
    }
}
