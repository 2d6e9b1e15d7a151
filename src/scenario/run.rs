//! Running a scenario: the commands in order, each on the agent it concerns,
//! on the deterministic stepper (every event in order) or with each agent on
//! its own thread (events grouped per port), within the scenario's budgets.

use super::budget::{Budget, DEFAULT_MAX_MEMORY, DEFAULT_MAX_TASKS};
use super::command::{Command, PortRef, Target};
use super::context::{Context, Lines, lock};
use super::parse::Scenario;
use super::script::Script;
use super::stepper::Stepper;
use super::threaded::Threaded;
use crate::ecmascript::AgentClusterId;
use crate::messaging::{Agent, AgentId};
use crate::spec;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How to run a scenario.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Each agent on its own thread (output grouped per port).
    pub threads: bool,
    /// Follow each output line with the spec steps it executed (stepper only).
    pub trace: bool,
    /// The task budget of the whole scenario: tasks the event loops run and
    /// reactions they run, together.
    pub max_tasks: u64,
    /// The memory budget of the whole scenario, in bytes: messages posted,
    /// reactions set and lines output (see docs/scenarios.md).
    pub max_memory: u64,
    /// A safety net under `--threads`: how long to wait for the agents to
    /// settle before giving up (the budgets stop a scenario long before).
    pub timeout: Duration,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            threads: false,
            trace: false,
            max_tasks: DEFAULT_MAX_TASKS,
            max_memory: DEFAULT_MAX_MEMORY,
            timeout: Duration::from_secs(300),
        }
    }
}

/// What kind of thing stopped a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RunErrorKind {
    /// A command that cannot run (no such port, agent, ...).
    Scenario,
    /// A budget was used up.
    Budget,
    /// The agents' threads could not run (a thread that would not start).
    Threads,
    /// The output could not be written.
    Output,
}

/// A scenario that could not run to its end.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct RunError {
    /// The scenario line.
    pub line: usize,
    /// What went wrong.
    pub message: String,
    /// What kind of thing it was.
    pub kind: RunErrorKind,
}

impl RunError {
    fn new(line: usize, kind: RunErrorKind, message: impl Into<String>) -> Self {
        RunError {
            line,
            message: message.into(),
            kind,
        }
    }
}

/// A cross-agent race the stepper saw during a `run`: a place where the
/// outcome depends on how two agents' tasks interleave, which the stepper
/// decides one way (the older task first) and threads by timing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Race {
    /// The `run` line.
    pub line: usize,
    /// What raced.
    pub note: String,
}

impl fmt::Display for Race {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}: a cross-agent race: {}; under --threads the ports downstream of it may \
             see other sequences than the stepper's",
            self.line, self.note
        )
    }
}

/// What a run did, counted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunSummary {
    /// Tasks and reaction runs taken from the task budget.
    pub tasks: u64,
    /// Reactions run (part of `tasks`).
    pub reactions: u64,
    /// Bytes counted against the memory budget.
    pub bytes: u64,
    /// Lines output.
    pub lines: u64,
    /// Port-name lookups: hash probes plus ports indexed.
    pub label_probes: u64,
    /// Under `--threads`: how often agent threads woke up.
    pub wake_ups: u64,
    /// The cross-agent races the stepper saw.
    pub races: Vec<Race>,
}

/// Where a run's lines go, as they are made.
pub trait Output {
    /// One line. `key` is what it belongs to, `AGENT TARGET` (a port, or
    /// `global`, `send`, `reaction`), or `gc`; `None` for a trace line.
    ///
    /// # Errors
    ///
    /// What writing the line failed with; the run stops with a
    /// [`RunErrorKind::Output`] error.
    fn line(&mut self, key: Option<&str>, text: &str) -> std::io::Result<()>;
}

/// What running a scenario printed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunOutput {
    /// Every line in the order it was output: on the stepper, the order
    /// things happened; on threads, port after port.
    pub lines: Vec<String>,
    /// Each port's (or agent global scope's) lines in order, keyed
    /// `AGENT TARGET`: the part of the output that does not depend on how
    /// event loops interleave.
    pub per_port: BTreeMap<String, Vec<String>>,
}

impl Output for RunOutput {
    fn line(&mut self, key: Option<&str>, text: &str) -> std::io::Result<()> {
        self.lines.push(text.to_owned());
        if let Some(key) = key {
            self.per_port
                .entry(key.to_owned())
                .or_default()
                .push(text.to_owned());
        }
        Ok(())
    }
}

impl RunOutput {
    /// The per-port view as lines: a `== AGENT TARGET` header, then its lines.
    pub fn per_port_lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for (port, events) in &self.per_port {
            lines.push(format!("== {port}"));
            lines.extend(events.iter().cloned());
        }
        lines
    }
}

/// The runner's state for one agent, shared with its reactions.
pub(super) type ScriptState = Arc<Mutex<super::script::AgentScript>>;

/// A piece of script for one agent.
pub(super) type Work = Box<dyn FnOnce(&mut Agent) + Send>;

/// The event loops a scenario runs on: the stepper, or threads.
pub(super) trait Loops {
    /// Adds an agent, known to the run's context.
    fn add_agent(
        &mut self,
        name: &str,
        cluster: AgentClusterId,
        line: usize,
    ) -> Result<(AgentId, ScriptState), RunError>;
    /// Runs `work` in agent `id`, with no task of any agent in between, and
    /// returns when it is done.
    fn in_agent(&mut self, id: AgentId, work: Work, line: usize) -> Result<(), RunError>;
    /// `step [AGENT]`.
    fn step(&mut self, id: Option<AgentId>, line: usize, output: &mut dyn Output) -> Result<(), RunError>;
    /// `run`.
    fn run(&mut self, line: usize, output: &mut dyn Output) -> Result<(), RunError>;
    /// `gc`: the collected ports.
    fn gc(&mut self, line: usize) -> Result<Vec<(AgentId, String)>, RunError>;
    /// The end of the scenario: stops the loops, passes on what is left.
    fn finish(&mut self, output: &mut dyn Output, summary: &mut RunSummary) -> Result<(), RunError>;
}

/// Hands the lines made so far to `output`: on the stepper, as they come;
/// on threads (grouped per port), only at the `end`.
pub(super) fn pass_on(context: &Context, output: &mut dyn Output, end: bool) -> Result<(), RunError> {
    let write =
        |e: std::io::Error| RunError::new(0, RunErrorKind::Output, format!("cannot write the output: {e}"));
    match context.take_lines(end) {
        Some(Lines::Ordered(lines)) => {
            for (key, text) in lines {
                output.line(key.as_deref(), &text).map_err(write)?;
            }
        }
        Some(Lines::Grouped(groups)) => {
            for (key, lines) in groups {
                for text in lines {
                    output.line(Some(&key), &text).map_err(write)?;
                }
            }
        }
        None => {}
    }
    Ok(())
}

/// Runs the commands of a scenario, in order, on `loops`.
struct Driver<'a> {
    context: Arc<Context>,
    loops: &'a mut dyn Loops,
    trace: bool,
    agents: HashMap<String, AgentId>,
    /// By agent: its name, and its script state.
    names: Vec<String>,
    scripts: Vec<Script>,
    /// The ports `channel` made: the agent that holds them, and the line.
    made: HashMap<String, (AgentId, usize)>,
    /// Commands for one agent not yet run: they run together, as one piece
    /// of script, when a command for another agent (or `step`, `run`, `gc`)
    /// comes.
    batch: Option<(AgentId, Vec<(usize, Command)>)>,
}

impl Driver<'_> {
    fn agent(&self, name: &str, line: usize) -> Result<AgentId, RunError> {
        self.agents
            .get(name)
            .copied()
            .ok_or_else(|| RunError::new(line, RunErrorKind::Scenario, format!("no agent {name:?}")))
    }

    /// The agent holding the port named `label`: a received port's name
    /// says where it was received (`p@B`, `p@B#2`), any other port was made
    /// by `channel`.
    fn holder(&self, port: &PortRef, line: usize) -> Result<AgentId, RunError> {
        let no_port = |label: &str| RunError::new(line, RunErrorKind::Scenario, format!("no port {label:?}"));
        let PortRef::Named(label) = port else {
            return Err(RunError::new(
                line,
                RunErrorKind::Scenario,
                format!("{port} outside a reaction"),
            ));
        };
        match label.split_once('@') {
            Some((_, agent)) => {
                let agent = agent.split('#').next().unwrap_or(agent);
                self.agents.get(agent).copied().ok_or_else(|| no_port(label))
            }
            None => self
                .made
                .get(label)
                .map(|(id, _)| *id)
                .ok_or_else(|| no_port(label)),
        }
    }

    fn queue(&mut self, id: AgentId, line: usize, command: Command) -> Result<(), RunError> {
        match &mut self.batch {
            Some((agent, commands)) if *agent == id => commands.push((line, command)),
            _ => {
                self.flush()?;
                self.batch = Some((id, vec![(line, command)]));
            }
        }
        Ok(())
    }

    /// Runs the pending commands in their agent.
    fn flush(&mut self) -> Result<(), RunError> {
        let Some((id, commands)) = self.batch.take() else {
            return Ok(());
        };
        let line = commands.first().map_or(0, |(line, _)| *line);
        let script = self.scripts[id.0].clone();
        let failed: Arc<Mutex<Option<(usize, String)>>> = Arc::default();
        let (failure, trace) = (failed.clone(), self.trace);
        let work = Box::new(move |agent: &mut Agent| {
            for (line, command) in commands {
                let (result, steps) = if trace {
                    spec::traced(|| script.run(agent, &command, None, line))
                } else {
                    (script.run(agent, &command, None, line), Vec::new())
                };
                for step in steps {
                    script.context.emit(None, format!("    step {step}"));
                }
                if let Err(message) = result {
                    *lock(&failure) = Some((line, message));
                    return;
                }
            }
        });
        self.loops.in_agent(id, work, line)?;
        match lock(&failed).take() {
            Some((line, message)) => Err(RunError::new(line, RunErrorKind::Scenario, message)),
            None => Ok(()),
        }
    }

    fn command(&mut self, line: usize, command: &Command, output: &mut dyn Output) -> Result<(), RunError> {
        match command {
            Command::Agent {
                name,
                cluster,
                storage_key,
            } => {
                self.flush()?;
                if self.agents.contains_key(name) {
                    let message = format!("agent {name:?} exists already");
                    return Err(RunError::new(line, RunErrorKind::Scenario, message));
                }
                let (id, state) = self.loops.add_agent(name, AgentClusterId(*cluster), line)?;
                self.agents.insert(name.clone(), id);
                self.names.push(name.clone());
                self.scripts.push(Script {
                    state,
                    context: self.context.clone(),
                });
                if storage_key.is_some() {
                    self.queue(id, line, command.clone())?;
                }
            }
            Command::Broadcast { agent, label, .. } => {
                let id = self.agent(agent, line)?;
                if let Some((_, made)) = self.made.insert(label.clone(), (id, line)) {
                    let message = format!(
                        "a port or channel named {label:?} was made on line {made} (names are never reused)"
                    );
                    return Err(RunError::new(line, RunErrorKind::Scenario, message));
                }
                self.queue(id, line, command.clone())?;
            }
            Command::Channel { agent, port1, port2 } => {
                let id = self.agent(agent, line)?;
                for port in [port1, port2] {
                    if let Some((_, made)) = self.made.insert(port.clone(), (id, line)) {
                        let message = format!(
                            "a port named {port:?} was made on line {made} (names `channel` gives are never reused)"
                        );
                        return Err(RunError::new(line, RunErrorKind::Scenario, message));
                    }
                }
                self.queue(id, line, command.clone())?;
            }
            Command::Gc => {
                self.flush()?;
                for (agent, label) in self.loops.gc(line)? {
                    let name = self.names.get(agent.0).map_or("", String::as_str);
                    self.context
                        .emit(Some("gc".to_owned()), format!("gc: collected {name} {label}"));
                }
            }
            Command::Step(agent) => {
                self.flush()?;
                let agent = agent.as_deref().map(|a| self.agent(a, line)).transpose()?;
                self.loops.step(agent, line, output)?;
            }
            Command::Run => {
                self.flush()?;
                self.loops.run(line, output)?;
            }
            Command::Shutdown(agent) => self.queue(self.agent(agent, line)?, line, command.clone())?,
            Command::Send { from, .. } => self.queue(self.agent(from, line)?, line, command.clone())?,
            Command::On {
                target: Target::Global(agent),
                ..
            } => self.queue(self.agent(agent, line)?, line, command.clone())?,
            Command::Ship { port, .. }
            | Command::Post { port, .. }
            | Command::Start(port)
            | Command::OnMessage(port)
            | Command::Listen(port, _)
            | Command::Close(port)
            | Command::Forget(port)
            | Command::On {
                target: Target::Port(port),
                ..
            } => self.queue(self.holder(port, line)?, line, command.clone())?,
        }
        Ok(())
    }

    fn stopped(&self, line: usize) -> Result<(), RunError> {
        match self.context.budget.exhausted() {
            Some(why) => Err(RunError::new(line, RunErrorKind::Budget, why.to_string())),
            None => Ok(()),
        }
    }
}

fn drive(driver: &mut Driver<'_>, scenario: &Scenario, output: &mut dyn Output) -> Result<(), RunError> {
    for (line, command) in &scenario.commands {
        driver.command(*line, command, output)?;
        if matches!(command, Command::Step(_) | Command::Run | Command::Gc) {
            driver.stopped(*line)?;
        }
        pass_on(&driver.context, output, false)?;
    }
    let last = scenario.commands.last().map_or(0, |(line, _)| *line);
    driver.flush()?;
    driver.stopped(last)
}

/// Runs `scenario`, handing each line to `output` as it is made (on
/// threads, port after port at the end). Returns what the run did, and why
/// it stopped early if it did: the lines before that are output.
pub fn run_to(
    scenario: &Scenario,
    options: &RunOptions,
    output: &mut dyn Output,
) -> (RunSummary, Result<(), RunError>) {
    let context = Arc::new(Context::new(
        Budget::new(options.max_tasks, options.max_memory),
        options.threads,
    ));
    let mut loops: Box<dyn Loops> = if options.threads {
        Box::new(Threaded::new(context.clone(), options.timeout))
    } else {
        Box::new(Stepper::new(context.clone(), options.trace))
    };
    let mut driver = Driver {
        context: context.clone(),
        loops: &mut *loops,
        trace: options.trace && !options.threads,
        agents: HashMap::new(),
        names: Vec::new(),
        scripts: Vec::new(),
        made: HashMap::new(),
        batch: None,
    };
    let mut result = drive(&mut driver, scenario, output);
    let mut summary = RunSummary::default();
    let finished = loops.finish(output, &mut summary);
    if result.is_ok() {
        result = finished;
    }
    summary.tasks = context.budget.tasks_used();
    summary.reactions = context.reactions_run_total();
    summary.bytes = context.budget.bytes_used();
    summary.lines = context.lines_out.load(Ordering::SeqCst);
    summary.label_probes = context.label_probes.load(Ordering::SeqCst);
    (summary, result)
}

/// Runs `scenario` and returns everything it printed.
///
/// # Errors
///
/// A [`RunError`] with the line that could not run and its
/// [`RunErrorKind`]: a command that names no such agent or port, a budget
/// used up, threads that would not start.
pub fn run(scenario: &Scenario, options: &RunOptions) -> Result<RunOutput, RunError> {
    let mut output = RunOutput::default();
    let (_, result) = run_to(scenario, options, &mut output);
    result.map(|()| output)
}
