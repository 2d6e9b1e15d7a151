//! What every agent of a run shares: the budgets, the output lines, the
//! agents' global scopes (for `ship` and `send`), and what happens after
//! each task: its event printed, the agent's event log drained.

use super::budget::Budget;
use super::races::ChannelOp;
use super::script::AgentScript;
use crate::messaging::{Agent, DispatchedEvent, EventType, GlobalPort, TaskGate};
use crate::notation::print;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// The output lines not yet handed to the caller.
pub(super) enum Lines {
    /// In the order they happened (the stepper); the runner passes them on
    /// after each command and task. A key of `None` is a trace line.
    Ordered(Vec<(Option<String>, String)>),
    /// Grouped per key (threads), handed over at the end.
    Grouped(BTreeMap<String, Vec<String>>),
}

/// The shared state of one run.
pub(super) struct Context {
    pub(super) budget: Budget,
    lines: Mutex<Lines>,
    globals: Mutex<HashMap<String, GlobalPort>>,
    scripts: Mutex<HashMap<String, Arc<Mutex<AgentScript>>>>,
    /// Label lookups: hash probes plus ports indexed (see `AgentScript`).
    pub(super) label_probes: AtomicU64,
    /// Lines output so far.
    pub(super) lines_out: AtomicU64,
    /// While the stepper watches a `run` for races: what the current task's
    /// reactions did to channels.
    watched: Mutex<Option<Vec<ChannelOp>>>,
}

/// Locks `mutex`; a panic elsewhere leaves the data usable.
pub(super) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Context {
    pub(super) fn new(budget: Budget, grouped: bool) -> Self {
        Context {
            budget,
            lines: Mutex::new(if grouped {
                Lines::Grouped(BTreeMap::new())
            } else {
                Lines::Ordered(Vec::new())
            }),
            globals: Mutex::default(),
            scripts: Mutex::default(),
            label_probes: AtomicU64::new(0),
            lines_out: AtomicU64::new(0),
            watched: Mutex::new(None),
        }
    }

    /// Makes `agent` known: its global scope, and its script state.
    pub(super) fn add_agent(&self, agent: &Agent) -> Arc<Mutex<AgentScript>> {
        let script = Arc::new(Mutex::new(AgentScript::default()));
        lock(&self.globals).insert(agent.name().to_owned(), agent.global_port());
        lock(&self.scripts).insert(agent.name().to_owned(), script.clone());
        script
    }

    /// The global scope of the agent named `name`.
    pub(super) fn global(&self, name: &str) -> Result<GlobalPort, String> {
        lock(&self.globals)
            .get(name)
            .cloned()
            .ok_or_else(|| format!("no agent {name:?}"))
    }

    /// Starts or stops noting what reactions do to channels.
    pub(super) fn watch(&self, on: bool) {
        *lock(&self.watched) = on.then(Vec::new);
    }

    /// Notes what a reaction did to a channel, if the run is watched.
    pub(super) fn note(&self, op: ChannelOp) {
        if let Some(ops) = &mut *lock(&self.watched) {
            ops.push(op);
        }
    }

    /// What the reactions did to channels since the last call.
    pub(super) fn take_notes(&self) -> Vec<ChannelOp> {
        lock(&self.watched)
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// How many reactions the agent named `name` has run.
    pub(super) fn reactions_run(&self, name: &str) -> u64 {
        let script = lock(&self.scripts).get(name).cloned();
        script.map_or(0, |s| lock(&s).reactions_run)
    }

    /// How many reactions every agent has run.
    pub(super) fn reactions_run_total(&self) -> u64 {
        let scripts: Vec<_> = lock(&self.scripts).values().cloned().collect();
        scripts.iter().map(|s| lock(s).reactions_run).sum()
    }

    fn script(&self, agent: &Agent) -> Option<Arc<Mutex<AgentScript>>> {
        lock(&self.scripts).get(agent.name()).cloned()
    }

    /// One output line, grouped under `key` (`AGENT TARGET`), or a trace
    /// line (`None`). It counts against the memory budget.
    pub(super) fn emit(&self, key: Option<String>, text: String) {
        self.budget.charge(text.len() + 1);
        self.lines_out.fetch_add(1, Ordering::SeqCst);
        match &mut *lock(&self.lines) {
            Lines::Ordered(lines) => lines.push((key, text)),
            Lines::Grouped(groups) => {
                if let Some(key) = key {
                    groups.entry(key).or_default().push(text);
                }
            }
        }
    }

    /// The lines not yet handed over: ordered lines at any time, grouped
    /// ones only at the `end`.
    pub(super) fn take_lines(&self, end: bool) -> Option<Lines> {
        let mut lines = lock(&self.lines);
        let empty = match &*lines {
            Lines::Ordered(_) => Lines::Ordered(Vec::new()),
            Lines::Grouped(_) if end => Lines::Grouped(BTreeMap::new()),
            Lines::Grouped(_) => return None,
        };
        Some(std::mem::replace(&mut *lines, empty))
    }

    /// What follows a task: its event's line, unless a reaction printed it
    /// already, and the agent's event log emptied (the lines are the record).
    pub(super) fn task_done(&self, agent: &mut Agent, event: &DispatchedEvent) {
        let announced = self.script(agent).and_then(|s| lock(&s).current.take());
        if announced.is_none() {
            let data = data_text(agent, event);
            self.emit(Some(event_key(event)), line_with(event, data.as_deref()));
        }
        agent.take_log();
    }

    /// Prints the event's line before the first of its reactions runs (a
    /// reaction may change what the data shows, by transferring a buffer of
    /// it, say), and returns the event's data as printed.
    pub(super) fn announce(
        &self,
        agent: &Agent,
        script: &Mutex<AgentScript>,
        event: &DispatchedEvent,
    ) -> String {
        if let Some(current) = &lock(script).current {
            return current.clone();
        }
        let data = data_text(agent, event);
        self.emit(Some(event_key(event)), line_with(event, data.as_deref()));
        let data = data.unwrap_or_else(|| match event.event {
            EventType::MessageError => "null".to_owned(),
            _ => r#"{"undefined": true}"#.to_owned(),
        });
        lock(script).current = Some(data.clone());
        data
    }
}

/// The per-port key of an event's line: `AGENT TARGET`.
fn event_key(event: &DispatchedEvent) -> String {
    format!("{} {}", event.agent(), event.target_label())
}

/// The event's data in the graph notation, on one line.
fn data_text(agent: &Agent, event: &DispatchedEvent) -> Option<String> {
    event
        .data
        .as_ref()
        .map(|data| print(agent.realm(), data).to_one_line())
}

fn line_with(event: &DispatchedEvent, data: Option<&str>) -> String {
    let mut line = format!("{} {} {}", event.agent(), event.target_label(), event.event);
    if let Some(data) = data {
        line.push_str(" data=");
        line.push_str(data);
    }
    if !event.ports.is_empty() {
        line.push_str(&format!(
            " ports=[{}]",
            event.port_labels().collect::<Vec<_>>().join(", ")
        ));
    }
    if let Some(error) = &event.error {
        line.push_str(&format!(" error={error}"));
    }
    line
}

/// One dispatched event as an output line.
pub fn event_line(agent: &Agent, event: &DispatchedEvent) -> String {
    line_with(event, data_text(agent, event).as_deref())
}

/// The task budget and the after-task bookkeeping, for agent threads.
pub(super) struct Gate(pub(super) Arc<Context>);

impl TaskGate for Gate {
    fn admit(&self) -> bool {
        self.0.budget.take_task()
    }

    fn ran(&self, agent: &mut Agent, event: &DispatchedEvent) {
        self.0.task_done(agent, event);
    }
}
