//! The scenario commands on BroadcastChannels: `broadcast AGENT NAME LABEL`
//! makes one, and `post`, `close`, `forget`, `onmessage`, `listen` and `on`
//! act on a channel when the name they are given is a channel's label (or
//! `event.target` is one).

use super::command::{Command, Message, PortRef, Target};
use super::races::{ChannelOp, broadcast_group};
use super::script::{Script, key, thrown};
use crate::ecmascript::ObjectId;
use crate::messaging::{Agent, BroadcastError, BroadcastId, DispatchedEvent, EventTarget, StorageKey};

/// What a BroadcastChannel operation threw, as script would see it.
fn said(agent: &Agent, error: BroadcastError<ObjectId>) -> String {
    match error {
        BroadcastError::Clone(error) => thrown(agent.realm(), error),
        BroadcastError::Name(value) => thrown(agent.realm(), crate::structured::CloneError::Thrown(value)),
        invalid @ BroadcastError::InvalidState => invalid.to_string(),
    }
}

impl Script {
    /// The BroadcastChannel `port` names in `agent`, if it names one.
    fn broadcast(agent: &Agent, port: &PortRef, event: Option<&DispatchedEvent>) -> Option<BroadcastId> {
        match port {
            PortRef::Named(label) => agent.broadcast_by_label(label),
            PortRef::EventTarget => match event?.target {
                EventTarget::Broadcast(id) => Some(id),
                _ => None,
            },
            PortRef::EventPort(_) => None,
        }
    }

    /// The race watch's key of the channels `id` reaches (its name and
    /// the agent's storage key).
    fn group(agent: &Agent, id: BroadcastId) -> Option<String> {
        let name = agent.broadcast_name(id)?.to_string_lossy();
        Some(broadcast_group(&name, &agent.storage_key().0))
    }

    /// Runs `command` if it concerns a BroadcastChannel (or an agent's
    /// storage key); `None` when it is a port command.
    pub(super) fn run_broadcast(
        &self,
        agent: &mut Agent,
        command: &Command,
        event: Option<&DispatchedEvent>,
        line: usize,
    ) -> Option<Result<(), String>> {
        let name = agent.name().to_owned();
        let channel = |port: &PortRef| Script::broadcast(agent, port, event);
        let result = match command {
            Command::Agent {
                storage_key: Some(key),
                ..
            } => {
                agent.set_storage_key(StorageKey(key.clone()));
                Ok(())
            }
            Command::Broadcast {
                name: channel_name,
                label,
                ..
            } => self
                .message(agent, &Message::Json(channel_name.clone()), &[], event)
                .map(|(value, _)| {
                    if let Err(error) = agent.new_broadcast_channel(&value, label) {
                        let text = format!("{name} {label} broadcast: {}", said(agent, error));
                        self.context.emit(Some(key(agent, label)), text);
                    }
                }),
            Command::Post {
                port,
                message,
                transfer,
                options,
            } => {
                let id = channel(port)?;
                if *options || !transfer.is_empty() {
                    return Some(Err(format!(
                        "{port} is a BroadcastChannel: its postMessage takes no transfer list"
                    )));
                }
                self.message(agent, message, &[], event).map(|(value, _)| {
                    let group = event.and_then(|_| Script::group(agent, id));
                    let posted = agent.post_broadcast(id, value);
                    if let (Some(group), Ok(_)) = (group, &posted) {
                        self.context.note(ChannelOp::BroadcastPost(group));
                    }
                    if let Err(error) = posted {
                        let label = agent
                            .broadcast_channel(id)
                            .map(|c| c.label.clone())
                            .unwrap_or_default();
                        let text = format!("{name} {label} post: {}", said(agent, error));
                        self.context.emit(Some(key(agent, &label)), text);
                    }
                })
            }
            Command::Close(port) => {
                let id = channel(port)?;
                let open = agent.broadcast_channel(id).is_some_and(|c| !c.closed);
                if let Some(group) = event.filter(|_| open).and_then(|_| Script::group(agent, id)) {
                    self.context.note(ChannelOp::BroadcastClose(group));
                }
                agent.close_broadcast(id);
                Ok(())
            }
            Command::Forget(port) => channel(port).map(|id| agent.forget_broadcast(id)).map(Ok)?,
            Command::OnMessage(port) => channel(port)
                .map(|id| agent.set_broadcast_onmessage(id))
                .map(Ok)?,
            Command::Listen(port, kind) => channel(port)
                .map(|id| agent.add_broadcast_listener(id, *kind))
                .map(Ok)?,
            Command::Start(port) | Command::Ship { port, .. } => {
                channel(port)?;
                Err(format!(
                    "{port} is a BroadcastChannel: it has no start() and cannot be shipped"
                ))
            }
            Command::On {
                target: Target::Port(port),
                event: kind,
                filter,
                command: reaction,
            } => {
                let id = channel(port)?;
                self.react(agent, EventTarget::Broadcast(id), *kind, filter, reaction, line)
            }
            _ => return None,
        };
        Some(result)
    }
}
