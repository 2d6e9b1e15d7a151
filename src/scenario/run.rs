//! Running a scenario: on the deterministic stepper (every event in order),
//! or with each agent on its own thread (events grouped per port).

use super::parse::{Command, Scenario, TransferItem};
use crate::ecmascript::{AgentClusterId, ObjectId, ObjectKind, OwnProperty, Value};
use crate::messaging::{
    Agent, AgentId, DispatchedEvent, EventTarget, GlobalPort, PostOutcome, ThreadedWorld, World,
};
use crate::notation::{Document, build, print};
use crate::spec;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How to run a scenario.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Each agent on its own thread (output grouped per port).
    pub threads: bool,
    /// Follow each output line with the spec steps it executed (stepper only).
    pub trace: bool,
    /// At most this many tasks per `run`, so no scenario runs forever.
    pub max_steps: usize,
    /// How long `run` may wait for threads to settle.
    pub timeout: Duration,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            threads: false,
            trace: false,
            max_steps: 100_000,
            timeout: Duration::from_secs(60),
        }
    }
}

/// A scenario that could not run.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct RunError {
    /// The scenario line.
    pub line: usize,
    /// What went wrong.
    pub message: String,
}

/// What running a scenario printed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunOutput {
    /// On the stepper: every line in the order it happened. On threads: the
    /// same as `per_port`, flattened.
    pub lines: Vec<String>,
    /// Each port's (or agent global scope's) lines in order, keyed
    /// `AGENT TARGET`: the part of the output that does not depend on how
    /// event loops interleave.
    pub per_port: BTreeMap<String, Vec<String>>,
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

/// Lines produced while commands and reactions run: (group key, line).
type Sink = Arc<Mutex<Vec<(String, String)>>>;
/// Every agent's global scope, by agent name, for `ship` (also in reactions).
type Globals = Arc<Mutex<HashMap<String, GlobalPort>>>;

fn push(sink: &Sink, key: String, line: String) {
    if let Ok(mut sink) = sink.lock() {
        sink.push((key, line));
    }
}

/// One dispatched event as an output line.
pub fn event_line(agent: &Agent, event: &DispatchedEvent) -> String {
    let mut line = format!("{} {} {}", event.agent, event.target_label, event.event);
    if let Some(data) = &event.data {
        line.push_str(" data=");
        line.push_str(&print(&agent.realm, data).to_one_line());
    }
    if !event.port_labels.is_empty() {
        line.push_str(&format!(" ports=[{}]", event.port_labels.join(", ")));
    }
    if let Some(error) = &event.error {
        line.push_str(&format!(" error={error}"));
    }
    line
}

/// The message of a `post`, built into the posting agent's realm: a graph
/// document (or a bare VALUE) whose `{"kind": "MessagePort", "port": NAME}`
/// objects are the agent's existing ports. Returns the value and the
/// document's objects.
fn build_message(agent: &mut Agent, text: &str) -> Result<(Value<ObjectId>, Vec<ObjectId>), String> {
    let mut json: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("the message is not JSON: {e}"))?;
    if !json.as_object().is_some_and(|o| o.contains_key("root")) {
        json = serde_json::json!({ "root": json, "objects": [] });
    }
    // Existing ports stand in the document as placeholders, swapped after.
    let mut ports = HashMap::new();
    if let Some(objects) = json.get_mut("objects").and_then(|o| o.as_array_mut()) {
        for (index, object) in objects.iter_mut().enumerate() {
            let Some(name) = object.get("port").and_then(|p| p.as_str()).map(str::to_owned) else {
                continue;
            };
            if object.get("kind").and_then(|k| k.as_str()) != Some("MessagePort") {
                continue;
            }
            let port = agent
                .port_by_label(&name)
                .ok_or_else(|| format!("{} has no port {name:?}", agent.name()))?;
            ports.insert(index, agent.port(port).map(|p| p.object).ok_or("unknown port")?);
            *object = serde_json::json!({ "kind": "Object" });
        }
    }
    let document = Document::from_json(&json).map_err(|e| format!("the message: {e}"))?;
    let built = build(&document, &mut agent.realm).map_err(|e| format!("the message: {e}"))?;
    let swap: HashMap<ObjectId, ObjectId> =
        ports.iter().map(|(i, port)| (built.objects[*i], *port)).collect();
    let swapped = |v: &Value<ObjectId>| match v {
        Value::Object(o) => Value::Object(*swap.get(o).unwrap_or(o)),
        other => other.clone(),
    };
    for id in &built.objects {
        let object = agent.realm.object_mut(*id);
        for (_, property) in &mut object.properties {
            if let OwnProperty::Data { value, .. } = property {
                *value = swapped(value);
            }
        }
        match &mut object.kind {
            ObjectKind::Map(entries) => {
                for (k, v) in entries.iter_mut().flatten() {
                    (*k, *v) = (swapped(k), swapped(v));
                }
            }
            ObjectKind::Set(values) => values.iter_mut().flatten().for_each(|v| *v = swapped(v)),
            _ => {}
        }
    }
    let objects = built.objects.iter().map(|o| *swap.get(o).unwrap_or(o)).collect();
    Ok((swapped(&built.root), objects))
}

/// Runs a command that concerns one agent (`ship`, `post`, `start`, …) on
/// that agent: from the runner, or from a reaction.
fn run_in_agent(agent: &mut Agent, command: &Command, globals: &Globals, sink: &Sink) -> Result<(), String> {
    let find = |agent: &Agent, name: &str| {
        agent
            .port_by_label(name)
            .ok_or_else(|| format!("{} has no port {name:?}", agent.name()))
    };
    let key = |agent: &Agent, port: &str| format!("{} {port}", agent.name());
    match command {
        Command::Ship { port, to } => {
            let id = find(agent, port)?;
            let object = agent.port(id).map(|p| p.object).ok_or("unknown port")?;
            let global = globals
                .lock()
                .ok()
                .and_then(|g| g.get(to).cloned())
                .ok_or_else(|| format!("no agent {to:?}"))?;
            if let Err(error) = agent.post_to_global(&global, Value::Undefined, &[object]) {
                push(
                    sink,
                    key(agent, port),
                    format!("{} {port} ship: {error}", agent.name()),
                );
            }
        }
        Command::Post {
            port,
            message,
            transfer,
            options,
        } => {
            let id = find(agent, port)?;
            let (value, objects) = build_message(agent, message)?;
            let mut list = Vec::new();
            for item in transfer {
                list.push(match item {
                    TransferItem::Port(name) => {
                        let p = find(agent, name)?;
                        agent.port(p).map(|p| p.object).ok_or("unknown port")?
                    }
                    TransferItem::Object(n) => *objects
                        .get(*n)
                        .ok_or_else(|| format!("transfer #{n}: the message has no object {n}"))?,
                });
            }
            let outcome = if *options {
                agent.post_message_with_options(id, value, &list)
            } else {
                agent.post_message(id, value, &list)
            };
            let line = match outcome {
                Ok(PostOutcome::Queued) => None,
                Ok(PostOutcome::NoTargetPort) => None,
                Ok(PostOutcome::Doomed) => Some(
                    "doomed: the target port was in the transfer list, so the channel is lost".to_owned(),
                ),
                Err(error) => Some(error.to_string()),
            };
            if let Some(line) = line {
                push(
                    sink,
                    key(agent, port),
                    format!("{} {port} post: {line}", agent.name()),
                );
            }
        }
        Command::Start(port) => {
            let id = find(agent, port)?;
            agent.start(id);
        }
        Command::OnMessage(port) => {
            let id = find(agent, port)?;
            agent.set_onmessage(id);
        }
        Command::Listen(port, event) => {
            let id = find(agent, port)?;
            agent.add_event_listener(id, *event);
        }
        Command::Close(port) => {
            let id = find(agent, port)?;
            agent.close(id);
        }
        Command::Forget(port) => {
            let id = find(agent, port)?;
            agent.forget(id);
        }
        Command::On { port, event, command } => {
            let id = find(agent, port)?;
            let (command, globals, sink) = ((**command).clone(), globals.clone(), sink.clone());
            agent.on(
                EventTarget::Port(id),
                *event,
                Box::new(move |agent, _| {
                    if let Err(message) = run_in_agent(agent, &command, &globals, &sink) {
                        push(
                            &sink,
                            format!("{} reaction", agent.name()),
                            format!("{} reaction: {message}", agent.name()),
                        );
                    }
                }),
            );
        }
        Command::Shutdown(_) => agent.shut_down(),
        other => return Err(format!("`{other}` is not a command for one agent")),
    }
    Ok(())
}

/// The port a command names, if it names one.
fn port_of(command: &Command) -> Option<&str> {
    match command {
        Command::Ship { port, .. }
        | Command::Post { port, .. }
        | Command::Start(port)
        | Command::OnMessage(port)
        | Command::Listen(port, _)
        | Command::Close(port)
        | Command::Forget(port)
        | Command::On { port, .. } => Some(port),
        _ => None,
    }
}

struct Stepper {
    world: World,
    globals: Globals,
    sink: Sink,
    lines: Vec<String>,
    /// The lines commands and reactions printed, with their group keys.
    command_lines: Vec<(String, String)>,
    options: RunOptions,
}

impl Stepper {
    fn agent_id(&self, name: &str) -> Result<AgentId, String> {
        self.world
            .agent_named(name)
            .ok_or_else(|| format!("no agent {name:?}"))
    }

    /// The agent holding the port named `port` now.
    fn holder(&self, port: &str) -> Result<AgentId, String> {
        self.world
            .agents()
            .find(|(_, a)| a.port_by_label(port).is_some())
            .map(|(id, _)| id)
            .ok_or_else(|| format!("no port {port:?} (ports: {})", self.port_names().join(", ")))
    }

    fn port_names(&self) -> Vec<String> {
        self.world
            .agents()
            .flat_map(|(_, a)| {
                a.port_ids()
                    .into_iter()
                    .filter_map(|p| a.port(p).map(|s| s.label.clone()))
            })
            .collect()
    }

    fn flush_sink(&mut self) {
        let lines: Vec<_> = self
            .sink
            .lock()
            .map(|mut s| std::mem::take(&mut *s))
            .unwrap_or_default();
        self.lines.extend(lines.iter().map(|(_, line)| line.clone()));
        self.command_lines.extend(lines);
    }

    fn traced<T>(&mut self, f: impl FnOnce(&mut Self) -> T) -> T {
        if !self.options.trace {
            return f(self);
        }
        let (result, steps) = spec::traced(|| f(&mut *self));
        self.lines
            .extend(steps.into_iter().map(|s| format!("    step {s}")));
        result
    }

    fn step(&mut self, agent: Option<AgentId>) -> bool {
        let event = match agent {
            Some(agent) => self.world.run_one(agent).map(|e| (agent, e)),
            None => self.world.step(),
        };
        let Some((agent, event)) = event else { return false };
        let line = event_line(self.world.agent_ref(agent), &event);
        self.lines.push(line);
        self.flush_sink();
        true
    }

    fn run(&mut self, command: &Command) -> Result<(), String> {
        match command {
            Command::Agent { name, cluster } => {
                if self.world.agent_named(name).is_some() {
                    return Err(format!("agent {name:?} exists already"));
                }
                let id = self.world.add_agent(name.clone(), AgentClusterId(*cluster));
                let global = self.world.agent(id).global_port();
                self.globals
                    .lock()
                    .map_err(|_| "poisoned")?
                    .insert(name.clone(), global);
            }
            Command::Channel { agent, port1, port2 } => {
                let id = self.agent_id(agent)?;
                for port in [port1, port2] {
                    if self.holder(port).is_ok() {
                        return Err(format!("a port named {port:?} exists already"));
                    }
                }
                self.world.agent(id).new_message_channel(port1, port2);
            }
            Command::Gc => {
                for (agent, label) in self.world.collect_garbage() {
                    let name = self.world.agent_ref(agent).name().to_owned();
                    push(
                        &self.sink,
                        "gc".to_owned(),
                        format!("gc: collected {name} {label}"),
                    );
                }
                self.flush_sink();
            }
            Command::Shutdown(name) => {
                let id = self.agent_id(name)?;
                self.world.agent(id).shut_down();
            }
            Command::Step(agent) => {
                let agent = agent.as_deref().map(|a| self.agent_id(a)).transpose()?;
                self.traced(|s| s.step(agent));
            }
            Command::Run => {
                for _ in 0..self.options.max_steps {
                    if !self.traced(|s| s.step(None)) {
                        return Ok(());
                    }
                }
                self.lines
                    .push(format!("run: stopped after {} tasks", self.options.max_steps));
            }
            command => {
                let port = port_of(command).ok_or("not a port command")?;
                let holder = self.holder(port)?;
                let (globals, sink) = (self.globals.clone(), self.sink.clone());
                self.traced(|s| run_in_agent(s.world.agent(holder), command, &globals, &sink))?;
                self.flush_sink();
            }
        }
        Ok(())
    }
}

/// Groups the events of every agent's log, and the command lines, per port.
fn per_port(world: &World, sink: &[(String, String)]) -> BTreeMap<String, Vec<String>> {
    let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (_, agent) in world.agents() {
        for event in agent.log() {
            groups
                .entry(format!("{} {}", event.agent, event.target_label))
                .or_default()
                .push(event_line(agent, event));
        }
    }
    for (key, line) in sink {
        groups.entry(key.clone()).or_default().push(line.clone());
    }
    groups
}

/// Runs `scenario`.
pub fn run(scenario: &Scenario, options: &RunOptions) -> Result<RunOutput, RunError> {
    if options.threads {
        return run_threaded(scenario, options);
    }
    let mut stepper = Stepper {
        world: World::new(),
        globals: Globals::default(),
        sink: Sink::default(),
        lines: Vec::new(),
        command_lines: Vec::new(),
        options: options.clone(),
    };
    for (line, command) in &scenario.commands {
        stepper
            .run(command)
            .map_err(|message| RunError { line: *line, message })?;
    }
    let per_port = per_port(&stepper.world, &stepper.command_lines);
    Ok(RunOutput {
        lines: stepper.lines,
        per_port,
    })
}

fn run_threaded(scenario: &Scenario, options: &RunOptions) -> Result<RunOutput, RunError> {
    let mut world = World::new();
    let globals = Globals::default();
    let sink = Sink::default();
    // Agents first: they exist before any thread starts.
    for (line, command) in &scenario.commands {
        if let Command::Agent { name, cluster } = command {
            if world.agent_named(name).is_some() {
                return Err(RunError {
                    line: *line,
                    message: format!("agent {name:?} exists already"),
                });
            }
            let id = world.add_agent(name.clone(), AgentClusterId(*cluster));
            if let Ok(mut g) = globals.lock() {
                g.insert(name.clone(), world.agent(id).global_port());
            }
        }
    }
    // Which agent creates each named port (received ports name theirs).
    let mut created: HashMap<String, String> = HashMap::new();
    let mut threads = Some(ThreadedWorld::start(world));
    let fail = |line: usize, message: String| RunError { line, message };
    for (line, command) in &scenario.commands {
        let line = *line;
        let running = threads
            .as_ref()
            .ok_or_else(|| fail(line, "threads stopped".into()))?;
        let owner_of = |port: &str| -> Result<String, RunError> {
            let base_owner = port
                .split_once('@')
                .map(|(_, rest)| rest.split('#').next().unwrap_or(rest).to_owned());
            base_owner
                .or_else(|| created.get(port).cloned())
                .ok_or_else(|| fail(line, format!("no port {port:?}")))
        };
        let agent_index = |name: &str| -> Result<AgentId, RunError> {
            scenario
                .commands
                .iter()
                .filter_map(|(_, c)| match c {
                    Command::Agent { name, .. } => Some(name.as_str()),
                    _ => None,
                })
                .position(|n| n == name)
                .map(AgentId)
                .ok_or_else(|| fail(line, format!("no agent {name:?}")))
        };
        match command {
            Command::Agent { .. } => {}
            Command::Channel { agent, port1, port2 } => {
                for port in [port1, port2] {
                    if created.insert(port.clone(), agent.clone()).is_some() {
                        return Err(fail(line, format!("a port named {port:?} exists already")));
                    }
                }
                let (p1, p2) = (port1.clone(), port2.clone());
                running
                    .execute(
                        agent_index(agent)?,
                        Box::new(move |a| {
                            a.new_message_channel(&p1, &p2);
                        }),
                    )
                    .map_err(|e| fail(line, e.to_string()))?;
            }
            Command::Run | Command::Step(_) => {
                running
                    .wait_until_idle(options.timeout)
                    .map_err(|e| fail(line, e.to_string()))?;
            }
            Command::Gc => {
                running
                    .wait_until_idle(options.timeout)
                    .map_err(|e| fail(line, e.to_string()))?;
                let mut world = threads
                    .take()
                    .ok_or_else(|| fail(line, "threads stopped".into()))?
                    .finish()
                    .map_err(|e| fail(line, e.to_string()))?;
                for (agent, label) in world.collect_garbage() {
                    let name = world.agent_ref(agent).name().to_owned();
                    push(&sink, "gc".to_owned(), format!("gc: collected {name} {label}"));
                }
                threads = Some(ThreadedWorld::start(world));
            }
            Command::Shutdown(agent) => {
                running
                    .execute(agent_index(agent)?, Box::new(Agent::shut_down))
                    .map_err(|e| fail(line, e.to_string()))?;
            }
            command => {
                let port = port_of(command).ok_or_else(|| fail(line, "not a port command".into()))?;
                let agent = agent_index(&owner_of(port)?)?;
                let (command, globals, sink) = (command.clone(), globals.clone(), sink.clone());
                running
                    .execute(
                        agent,
                        Box::new(move |a| {
                            if let Err(message) = run_in_agent(a, &command, &globals, &sink) {
                                push(
                                    &sink,
                                    format!("{} error", a.name()),
                                    format!("line {line}: {message}"),
                                );
                            }
                        }),
                    )
                    .map_err(|e| fail(line, e.to_string()))?;
            }
        }
    }
    let running = threads.take().ok_or_else(|| RunError {
        line: 0,
        message: "threads stopped".into(),
    })?;
    running.wait_until_idle(options.timeout).map_err(|e| RunError {
        line: 0,
        message: e.to_string(),
    })?;
    let world = running.finish().map_err(|e| RunError {
        line: 0,
        message: e.to_string(),
    })?;
    let sink_lines = sink.lock().map(|s| s.clone()).unwrap_or_default();
    let per_port = per_port(&world, &sink_lines);
    let lines = RunOutput {
        lines: Vec::new(),
        per_port: per_port.clone(),
    }
    .per_port_lines();
    Ok(RunOutput { lines, per_port })
}
