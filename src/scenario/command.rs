//! The commands of a scenario, and how each prints: one line, which
//! [`super::parse`] reads back as the same command.

use crate::messaging::EventType;
use std::fmt;

/// A port a command names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PortRef {
    /// A port by its name: `p`, or a received port's `p@B`, `p@B#2`.
    Named(String),
    /// `event.ports[N]`: port N of the reaction's event.
    EventPort(usize),
    /// `event.target`: the port the reaction's event was fired at.
    EventTarget,
}

/// The message of a `post` or a `send`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    /// A graph-notation document, or just a VALUE, as written.
    Json(String),
    /// `event.data`: the reaction's event's data, posted again.
    EventData,
}

/// A transfer-list entry of a `post` or a `send`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TransferItem {
    /// A MessagePort of the posting agent.
    Port(PortRef),
    /// Object N of the message document (`#N`).
    Object(usize),
}

/// What an `on` reaction listens at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A MessagePort.
    Port(PortRef),
    /// The global scope of the named agent (`on AGENT global ...`).
    Global(String),
}

/// Which of the events at its target an `on` reaction answers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only the Nth of the events that pass `data` (`number N`, from 1).
    pub number: Option<u64>,
    /// Only events whose data prints as this value does
    /// (`if event.data == VALUE`, VALUE in the graph notation).
    pub data: Option<String>,
}

/// One command of a scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// `agent NAME [cluster N] [storage-key KEY]`
    Agent {
        /// Its name.
        name: String,
        /// Its agent cluster.
        cluster: u64,
        /// Its storage key, if not the default one.
        storage_key: Option<String>,
    },
    /// `broadcast AGENT NAME LABEL`: `new BroadcastChannel(NAME)` in AGENT.
    Broadcast {
        /// Where the channel is made.
        agent: String,
        /// The name argument as graph-notation JSON (a bare word is a string).
        name: String,
        /// How the scenario calls the channel.
        label: String,
    },
    /// `channel AGENT PORT1 PORT2`
    Channel {
        /// Where `new MessageChannel()` runs.
        agent: String,
        /// Name of port 1.
        port1: String,
        /// Name of port 2.
        port2: String,
    },
    /// `ship PORT to AGENT`: `send {"undefined": true}` with the port in the
    /// transfer list.
    Ship {
        /// The port to move.
        port: PortRef,
        /// The agent whose global scope receives it.
        to: String,
    },
    /// `send MESSAGE from AGENT to AGENT [transfer ...]`: a worker-style
    /// message to another agent's global scope.
    Send {
        /// The message.
        message: Message,
        /// The sending agent.
        from: String,
        /// The agent whose global scope receives it.
        to: String,
        /// The transfer list.
        transfer: Vec<TransferItem>,
    },
    /// `post PORT MESSAGE [transfer ...]` and `post-options ...`
    Post {
        /// The source port.
        port: PortRef,
        /// The message.
        message: Message,
        /// The transfer list.
        transfer: Vec<TransferItem>,
        /// Whether the `{ transfer }` overload is used.
        options: bool,
    },
    /// `start PORT`
    Start(PortRef),
    /// `onmessage PORT`
    OnMessage(PortRef),
    /// `listen PORT EVENT`
    Listen(PortRef, EventType),
    /// `close PORT`
    Close(PortRef),
    /// `forget PORT`
    Forget(PortRef),
    /// `gc`
    Gc,
    /// `shutdown AGENT`
    Shutdown(String),
    /// `step [AGENT]`
    Step(Option<String>),
    /// `run`
    Run,
    /// `on TARGET EVENT [number N] [if event.data == VALUE]: COMMAND`
    On {
        /// What it listens at.
        target: Target,
        /// The event type.
        event: EventType,
        /// Which events it answers.
        filter: Filter,
        /// What its agent then does.
        command: Box<Command>,
    },
}

impl fmt::Display for PortRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PortRef::Named(name) => f.write_str(name),
            PortRef::EventPort(n) => write!(f, "event.ports[{n}]"),
            PortRef::EventTarget => f.write_str("event.target"),
        }
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Message::Json(json) => f.write_str(json),
            Message::EventData => f.write_str("event.data"),
        }
    }
}

impl fmt::Display for TransferItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransferItem::Port(p) => write!(f, "{p}"),
            TransferItem::Object(n) => write!(f, "#{n}"),
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Port(port) => write!(f, "{port}"),
            Target::Global(agent) => write!(f, "{agent} global"),
        }
    }
}

fn write_transfer(f: &mut fmt::Formatter<'_>, transfer: &[TransferItem]) -> fmt::Result {
    if !transfer.is_empty() {
        f.write_str(" transfer")?;
        for item in transfer {
            write!(f, " {item}")?;
        }
    }
    Ok(())
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Command::Agent {
                name,
                cluster,
                storage_key,
            } => {
                write!(f, "agent {name}")?;
                if *cluster != 0 {
                    write!(f, " cluster {cluster}")?;
                }
                match storage_key {
                    Some(key) => write!(f, " storage-key {key}"),
                    None => Ok(()),
                }
            }
            Command::Broadcast { agent, name, label } => write!(f, "broadcast {agent} {name} {label}"),
            Command::Channel { agent, port1, port2 } => write!(f, "channel {agent} {port1} {port2}"),
            Command::Ship { port, to } => write!(f, "ship {port} to {to}"),
            Command::Send {
                message,
                from,
                to,
                transfer,
            } => {
                write!(f, "send {message} from {from} to {to}")?;
                write_transfer(f, transfer)
            }
            Command::Post {
                port,
                message,
                transfer,
                options,
            } => {
                let verb = if *options { "post-options" } else { "post" };
                write!(f, "{verb} {port} {message}")?;
                write_transfer(f, transfer)
            }
            Command::Start(p) => write!(f, "start {p}"),
            Command::OnMessage(p) => write!(f, "onmessage {p}"),
            Command::Listen(p, e) => write!(f, "listen {p} {e}"),
            Command::Close(p) => write!(f, "close {p}"),
            Command::Forget(p) => write!(f, "forget {p}"),
            Command::Gc => f.write_str("gc"),
            Command::Shutdown(a) => write!(f, "shutdown {a}"),
            Command::Step(None) => f.write_str("step"),
            Command::Step(Some(a)) => write!(f, "step {a}"),
            Command::Run => f.write_str("run"),
            Command::On {
                target,
                event,
                filter,
                command,
            } => {
                write!(f, "on {target} {event}")?;
                if let Some(n) = filter.number {
                    write!(f, " number {n}")?;
                }
                if let Some(value) = &filter.data {
                    write!(f, " if event.data == {value}")?;
                }
                write!(f, ": {command}")
            }
        }
    }
}
