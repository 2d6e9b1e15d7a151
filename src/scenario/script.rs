//! What one agent's script does: a command run in the agent (from the
//! scenario, or from an `on` reaction, with its event), and the reactions
//! it sets. The same code runs on the stepper and on the agent's thread.

use super::command::{Command, Filter, Message, PortRef, Target, TransferItem};
use super::context::{Context, lock};
use super::races::ChannelOp;
use crate::ecmascript::{Heap, ObjectId, ObjectKind, Value};
use crate::messaging::{Agent, DispatchedEvent, EventTarget, EventType, PortId, PostOutcome};
use crate::notation::{CloneOutcome, Document, build, clone_outcome, print};
use crate::structured::CloneError;
use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

/// The runner's state for one agent, shared by its reactions.
#[derive(Debug, Default)]
pub(super) struct AgentScript {
    /// Port labels, indexed as ports appear (ports are numbered in creation
    /// order, so the new ones are those from `indexed` on).
    labels: HashMap<String, PortId>,
    indexed: u64,
    /// While a task's reactions run: the event's data as printed (its line
    /// has been output).
    pub(super) current: Option<String>,
    /// Reactions run so far.
    pub(super) reactions_run: u64,
}

impl AgentScript {
    /// The port labelled `label` in `agent`: one hash probe, after indexing
    /// the ports made since the last lookup; a stale entry (a collected
    /// port) finds nothing.
    pub(super) fn port(&mut self, agent: &Agent, label: &str, context: &Context) -> Option<PortId> {
        let mut probes = 1;
        for (id, state) in agent.table().ports.range(PortId(self.indexed)..) {
            self.labels.insert(state.label.to_string(), *id);
            self.indexed = id.0 + 1;
            probes += 1;
        }
        context.label_probes.fetch_add(probes, Ordering::Relaxed);
        let id = *self.labels.get(label)?;
        agent.port(id).filter(|p| *p.label == *label).map(|_| id)
    }
}

/// One agent's side of a run: where its commands and reactions find their
/// ports, budgets and output.
#[derive(Clone)]
pub(super) struct Script {
    pub(super) state: Arc<Mutex<AgentScript>>,
    pub(super) context: Arc<Context>,
}

/// The identity of the channel `port` is an end of, while it has one.
fn channel(agent: &Agent, port: PortId) -> Option<usize> {
    let state = agent.port(port)?;
    let end = state.end.as_ref()?;
    Some(Arc::as_ptr(&end.channel) as usize)
}

pub(super) fn key(agent: &Agent, target: &str) -> String {
    format!("{} {target}", agent.name())
}

/// What a thrown value says: `NAME: MESSAGE` for a DataCloneError or an
/// Error object, the value itself (in the graph notation) otherwise.
pub(super) fn thrown(realm: &Heap, error: CloneError<ObjectId>) -> String {
    match clone_outcome(realm, &[], &Err(error)) {
        CloneOutcome::Threw {
            thrown: Some(value), ..
        } => format!("uncaught exception: {}", value.to_one_line()),
        CloneOutcome::Threw { name, message, .. } => format!("{name}: {message}"),
        CloneOutcome::Cloned { .. } => "an error".to_owned(),
    }
}

/// The message of a `post`, built into the posting agent's realm: a graph
/// document (or a bare VALUE) whose `{"kind": "MessagePort", "port": NAME}`
/// objects are the agent's existing ports. Returns the value and the
/// document's objects.
fn build_message(
    agent: &mut Agent,
    script: &Script,
    text: &str,
) -> Result<(Value<ObjectId>, Vec<ObjectId>), String> {
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
            let port = script.named(agent, &name)?;
            ports.insert(index, agent.port(port).map(|p| p.object).ok_or("unknown port")?);
            *object = serde_json::json!({ "kind": "Object" });
        }
    }
    let document = Document::from_json(&json).map_err(|e| format!("the message: {e}"))?;
    let built = build(&document, agent.realm_mut()).map_err(|e| format!("the message: {e}"))?;
    let swap: HashMap<ObjectId, ObjectId> =
        ports.iter().map(|(i, port)| (built.objects[*i], *port)).collect();
    let swapped = |v: &Value<ObjectId>| match v {
        Value::Object(o) => Value::Object(*swap.get(o).unwrap_or(o)),
        other => other.clone(),
    };
    for id in &built.objects {
        let object = agent.realm_mut().object_mut(*id);
        for value in object.properties_mut().data_values_mut() {
            *value = swapped(value);
        }
        match object.kind_mut() {
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

/// A VALUE (or document) of an `if event.data == VALUE` filter, printed the
/// way event data prints, so that equal graphs compare equal as text.
fn printed_value(text: &str) -> Result<String, String> {
    let mut json: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("the value is not JSON: {e}"))?;
    if !json.as_object().is_some_and(|o| o.contains_key("root")) {
        json = serde_json::json!({ "root": json, "objects": [] });
    }
    let document = Document::from_json(&json).map_err(|e| format!("the value: {e}"))?;
    let mut scratch = Heap::default();
    let built = build(&document, &mut scratch).map_err(|e| format!("the value: {e}"))?;
    Ok(print(&scratch, &built.root).to_one_line())
}

impl Script {
    /// The port named `name` in `agent`.
    pub(super) fn named(&self, agent: &Agent, name: &str) -> Result<PortId, String> {
        lock(&self.state)
            .port(agent, name, &self.context)
            .ok_or_else(|| format!("{} has no port {name:?}", agent.name()))
    }

    fn port(&self, agent: &Agent, port: &PortRef, event: Option<&DispatchedEvent>) -> Result<PortId, String> {
        let event = || event.ok_or_else(|| format!("{port}: there is no event here"));
        match port {
            PortRef::Named(name) => self.named(agent, name),
            PortRef::EventPort(n) => {
                let ports = &event()?.ports;
                ports
                    .get(*n)
                    .copied()
                    .ok_or_else(|| format!("{port}: the event carries {} port(s)", ports.len()))
            }
            PortRef::EventTarget => match event()?.target {
                EventTarget::Port(id) => Ok(id),
                EventTarget::Global => Err("event.target: the event is at the global scope".to_owned()),
                EventTarget::Broadcast(_) => {
                    Err("event.target: the event is at a BroadcastChannel".to_owned())
                }
            },
        }
    }

    fn object(&self, agent: &Agent, port: PortId) -> Result<ObjectId, String> {
        agent
            .port(port)
            .map(|p| p.object)
            .ok_or_else(|| "the port is gone".to_owned())
    }

    /// The value and transfer list of a `post` or `send`.
    pub(super) fn message(
        &self,
        agent: &mut Agent,
        message: &Message,
        transfer: &[TransferItem],
        event: Option<&DispatchedEvent>,
    ) -> Result<(Value<ObjectId>, Vec<ObjectId>), String> {
        let (value, objects) = match message {
            Message::Json(text) => {
                self.context.budget.charge(text.len());
                build_message(agent, self, text)?
            }
            Message::EventData => {
                let event = event.ok_or("event.data: there is no event here")?;
                let printed = lock(&self.state).current.as_ref().map_or(0, String::len);
                self.context.budget.charge(printed);
                let value = match (&event.data, event.event) {
                    (Some(data), _) => data.clone(),
                    (None, EventType::MessageError) => Value::Null,
                    (None, _) => Value::Undefined,
                };
                (value, Vec::new())
            }
        };
        let mut list = Vec::new();
        for item in transfer {
            list.push(match item {
                TransferItem::Port(port) => {
                    let id = self.port(agent, port, event)?;
                    self.object(agent, id)?
                }
                TransferItem::Object(n) => *objects.get(*n).ok_or_else(|| match message {
                    Message::EventData => format!("transfer #{n}: event.data has no numbered objects"),
                    Message::Json(_) => format!("transfer #{n}: the message has no object {n}"),
                })?,
            });
        }
        Ok((value, list))
    }

    /// Runs `command` in `agent`: a line of the scenario (`event` is `None`),
    /// or the command of a reaction to `event`. `line` is the scenario line
    /// it comes from. Errors of the command itself are the `Err`; what the
    /// platform throws is an output line, as script would see it.
    pub(super) fn run(
        &self,
        agent: &mut Agent,
        command: &Command,
        event: Option<&DispatchedEvent>,
        line: usize,
    ) -> Result<(), String> {
        if let Some(result) = self.run_broadcast(agent, command, event, line) {
            return result;
        }
        let name = agent.name().to_owned();
        let label = |agent: &Agent, id: PortId| agent.port(id).map(|p| p.label.clone()).unwrap_or_default();
        match command {
            Command::Channel { port1, port2, .. } => {
                agent.new_message_channel(port1, port2);
            }
            Command::Ship { port, to } => {
                let id = self.port(agent, port, event)?;
                let object = self.object(agent, id)?;
                let global = self.context.global(to)?;
                if let Err(error) = agent.post_to_global(&global, Value::Undefined, &[object]) {
                    let label = label(agent, id);
                    let text = format!("{name} {label} ship: {}", thrown(agent.realm(), error));
                    self.context.emit(Some(key(agent, &label)), text);
                }
            }
            Command::Send {
                message,
                from,
                to,
                transfer,
            } => {
                if *from != name {
                    return Err(format!("{name} cannot send as {from}"));
                }
                let (value, list) = self.message(agent, message, transfer, event)?;
                let global = self.context.global(to)?;
                if let Err(error) = agent.post_to_global(&global, value, &list) {
                    let text = format!("{name} send to {to}: {}", thrown(agent.realm(), error));
                    self.context.emit(Some(key(agent, "send")), text);
                }
            }
            Command::Post {
                port,
                message,
                transfer,
                options,
            } => {
                let id = self.port(agent, port, event)?;
                let (value, list) = self.message(agent, message, transfer, event)?;
                let used = channel(agent, id).filter(|_| event.is_some());
                let outcome = if *options {
                    agent.post_message_with_options(id, value, &list)
                } else {
                    agent.post_message(id, value, &list)
                };
                let doomed = matches!(outcome, Ok(PostOutcome::Doomed));
                let said = match outcome {
                    Ok(PostOutcome::Queued | PostOutcome::NoTargetPort) => None,
                    Ok(PostOutcome::Doomed) => Some(
                        "doomed: the target port was in the transfer list, so the channel is lost".to_owned(),
                    ),
                    Err(error) => Some(thrown(agent.realm(), error)),
                };
                if let Some(channel) = used {
                    self.context.note(if doomed {
                        ChannelOp::Close(channel)
                    } else {
                        ChannelOp::Post(channel)
                    });
                }
                if let Some(said) = said {
                    let label = label(agent, id);
                    self.context
                        .emit(Some(key(agent, &label)), format!("{name} {label} post: {said}"));
                }
            }
            Command::Start(port) => {
                let id = self.port(agent, port, event)?;
                agent.start(id);
            }
            Command::OnMessage(port) => {
                let id = self.port(agent, port, event)?;
                agent.set_onmessage(id);
            }
            Command::Listen(port, kind) => {
                let id = self.port(agent, port, event)?;
                agent.add_event_listener(id, *kind);
            }
            Command::Close(port) => {
                let id = self.port(agent, port, event)?;
                if let Some(channel) = channel(agent, id).filter(|_| event.is_some()) {
                    self.context.note(ChannelOp::Close(channel));
                }
                agent.close(id);
            }
            Command::Forget(port) => {
                let id = self.port(agent, port, event)?;
                agent.forget(id);
            }
            Command::On {
                target,
                event: kind,
                filter,
                command: reaction,
            } => {
                let target = match target {
                    Target::Port(port) => EventTarget::Port(self.port(agent, port, event)?),
                    Target::Global(owner) if *owner == name => EventTarget::Global,
                    Target::Global(owner) => {
                        return Err(format!("{name} cannot listen at {owner}'s global scope"));
                    }
                };
                self.react(agent, target, *kind, filter, reaction, line)?;
            }
            Command::Shutdown(_) => agent.shut_down(),
            other => return Err(format!("`{other}` is not a command for one agent")),
        }
        Ok(())
    }

    /// Sets a reaction: whenever `kind` is dispatched at `target` (and passes
    /// the filter), the agent runs `command` with the event.
    pub(super) fn react(
        &self,
        agent: &mut Agent,
        target: EventTarget,
        kind: EventType,
        filter: &Filter,
        command: &Command,
        line: usize,
    ) -> Result<(), String> {
        let expected = filter.data.as_deref().map(printed_value).transpose()?;
        let number = filter.number;
        let command = command.clone();
        // A reaction is kept for good: it counts against the memory budget.
        self.context.budget.charge(command.to_string().len() + 64);
        let script = self.clone();
        let mut seen = 0u64;
        agent.on(
            target,
            kind,
            Box::new(move |agent, event| {
                let data = script.context.announce(agent, &script.state, event);
                if expected.as_ref().is_some_and(|value| *value != data) {
                    return;
                }
                seen += 1;
                if number.is_some_and(|n| n != seen) || !script.context.budget.take_task() {
                    return;
                }
                lock(&script.state).reactions_run += 1;
                if let Err(message) = script.run(agent, &command, Some(event), line) {
                    let name = agent.name();
                    script.context.emit(
                        Some(format!("{name} reaction")),
                        format!("{name} reaction (line {line}): {message}"),
                    );
                }
            }),
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_values_print_as_event_data_prints() {
        assert_eq!(printed_value("\"stop\"").unwrap(), "\"stop\"");
        assert_eq!(
            printed_value("{\"undefined\": true}").unwrap(),
            "{\"undefined\": true}"
        );
        let graph = "{\"root\": {\"ref\": 0}, \"objects\": [{\"kind\": \"Array\", \"length\": 1, \"props\": [[\"0\", 7]]}]}";
        assert_eq!(printed_value(graph).unwrap(), printed_value(graph).unwrap());
        assert!(printed_value("{oops").unwrap_err().contains("not JSON"));
    }
}
