//! The operations the model checks apply, and how they print: one line each
//! in the scenario language of `webmessaging run` (docs/scenarios.md), so a
//! counterexample can be saved to a file and replayed.
//!
//! Ports are named by their labels: `p3` and `q3` are the two ports of the
//! third channel created, and a port that arrives in agent `B` is `p3@B`
//! (`p3@B#2` when that name is taken), as the implementation names them.

use std::fmt;

/// A message's data: the values the model tells apart.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Data {
    /// `undefined` (what a worker-style `ship` sends).
    Undefined,
    /// A number (small integers are enough to tell messages apart).
    Num(i32),
    /// A string.
    Str(String),
    /// An ArrayBuffer with these bytes.
    Buffer(Vec<u8>),
    /// A SharedArrayBuffer with these bytes: it cannot be deserialized
    /// outside the sender's agent cluster.
    Shared(Vec<u8>),
}

impl Data {
    /// Whether the data is an object (a buffer) that a transfer list can name.
    pub fn has_buffer(&self) -> bool {
        matches!(self, Data::Buffer(_) | Data::Shared(_))
    }

    /// The message in the graph notation, on one line.
    pub fn to_notation(&self) -> String {
        let buffer = |bytes: &[u8], shared: &str| {
            let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            format!(
                r#"{{"root": {{"ref": 0}}, "objects": [{{"kind": "ArrayBuffer", "bytes": "{hex}"{shared}}}]}}"#
            )
        };
        match self {
            Data::Undefined => r#"{"undefined": true}"#.to_owned(),
            Data::Num(n) => n.to_string(),
            Data::Str(s) => serde_json::Value::String(s.clone()).to_string(),
            Data::Buffer(bytes) => buffer(bytes, ""),
            Data::Shared(bytes) => buffer(bytes, r#", "shared": true"#),
        }
    }
}

/// An entry of a transfer list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    /// The posting agent's port with this label.
    Port(String),
    /// The buffer that is the message's data (object `#0` of its document).
    Buffer,
}

/// The event types a port dispatches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventKind {
    /// `message`
    Message,
    /// `messageerror`
    MessageError,
    /// `close`
    Close,
}

impl EventKind {
    /// The event's type string.
    pub fn name(self) -> &'static str {
        match self {
            EventKind::Message => "message",
            EventKind::MessageError => "messageerror",
            EventKind::Close => "close",
        }
    }
}

/// One thing a scenario does.
#[derive(Clone, PartialEq, Eq)]
pub enum Op {
    /// `new MessageChannel()` in `agent`.
    Channel {
        /// The agent that makes it.
        agent: String,
        /// port1's label.
        port1: String,
        /// port2's label.
        port2: String,
    },
    /// `port.postMessage(data, transfer)`, or with `{ transfer }` when
    /// `options` is set.
    Post {
        /// The source port.
        port: String,
        /// The message.
        data: Data,
        /// The transfer list.
        transfer: Vec<Item>,
        /// Whether the options form of postMessage is used.
        options: bool,
    },
    /// `port.start()`.
    Start(String),
    /// Sets `port.onmessage`.
    OnMessage(String),
    /// `port.addEventListener(kind, ...)`.
    Listen(String, EventKind),
    /// `port.close()`.
    Close(String),
    /// Script drops the port.
    Forget(String),
    /// A full garbage collection.
    Gc,
    /// Sends `port` to agent `to`'s global scope, worker-style.
    Ship {
        /// The port to send.
        port: String,
        /// The receiving agent.
        to: String,
    },
    /// Runs one task: of the named agent, or the oldest of any agent.
    Step(Option<String>),
    /// Runs tasks until none is ready.
    Run,
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Op::Channel { agent, port1, port2 } => write!(f, "channel {agent} {port1} {port2}"),
            Op::Post {
                port,
                data,
                transfer,
                options,
            } => {
                let verb = if *options { "post-options" } else { "post" };
                write!(f, "{verb} {port} {}", data.to_notation())?;
                if !transfer.is_empty() {
                    f.write_str(" transfer")?;
                    for item in transfer {
                        match item {
                            Item::Port(label) => write!(f, " {label}")?,
                            Item::Buffer => f.write_str(" #0")?,
                        }
                    }
                }
                Ok(())
            }
            Op::Start(port) => write!(f, "start {port}"),
            Op::OnMessage(port) => write!(f, "onmessage {port}"),
            Op::Listen(port, kind) => write!(f, "listen {port} {}", kind.name()),
            Op::Close(port) => write!(f, "close {port}"),
            Op::Forget(port) => write!(f, "forget {port}"),
            Op::Gc => f.write_str("gc"),
            Op::Ship { port, to } => write!(f, "ship {port} to {to}"),
            Op::Step(None) => f.write_str("step"),
            Op::Step(Some(agent)) => write!(f, "step {agent}"),
            Op::Run => f.write_str("run"),
        }
    }
}

/// Operations print as their scenario line, so that proptest's report of a
/// failing input reads as a scenario too.
impl fmt::Debug for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// The agents every checked scenario starts with: name and agent cluster.
/// `C` is in another cluster, so a SharedArrayBuffer sent there fails to
/// deserialize (`messageerror`).
pub const AGENTS: [(&str, u32); 3] = [("A", 0), ("B", 0), ("C", 1)];

/// A whole scenario: the agent lines, then one line per operation.
pub fn scenario_text(ops: &[Op]) -> String {
    scenario_text_with(&AGENTS, ops)
}

/// A whole scenario in a world of these agents (name, agent cluster).
pub fn scenario_text_with(agents: &[(&str, u32)], ops: &[Op]) -> String {
    let mut text = String::new();
    for &(name, cluster) in agents {
        text.push_str(&format!("agent {name}"));
        if cluster != 0 {
            text.push_str(&format!(" cluster {cluster}"));
        }
        text.push('\n');
    }
    for op in ops {
        text.push_str(&format!("{op}\n"));
    }
    text
}

/// Reads back a scenario in the subset of the language that
/// [`scenario_text`] writes (so a counterexample can be pasted into a test).
/// The `agent` lines must be those of [`AGENTS`]; blank lines and comment
/// lines (starting with `#`; names may contain `#`, so only whole-line
/// comments are recognised) are skipped.
pub fn parse_scenario(text: &str) -> Result<Vec<Op>, String> {
    let mut ops = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(op) = parse_line(line).map_err(|e| format!("line {}: {e}: {line}", n + 1))? {
            ops.push(op);
        }
    }
    Ok(ops)
}

fn parse_line(line: &str) -> Result<Option<Op>, String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let port = |i: usize| {
        words
            .get(i)
            .map(|w| (*w).to_owned())
            .ok_or("a port name is missing")
    };
    let op = match words[..] {
        ["agent", name, ..] => {
            return if AGENTS.iter().any(|(a, _)| *a == name) {
                Ok(None)
            } else {
                Err(format!("unknown agent {name}"))
            };
        }
        ["channel", agent, port1, port2] => Op::Channel {
            agent: agent.to_owned(),
            port1: port1.to_owned(),
            port2: port2.to_owned(),
        },
        ["post" | "post-options", ..] => return parse_post(line).map(Some),
        ["start", _] => Op::Start(port(1)?),
        ["onmessage", _] => Op::OnMessage(port(1)?),
        ["listen", _, kind] => {
            let kind = [EventKind::Message, EventKind::MessageError, EventKind::Close]
                .into_iter()
                .find(|k| k.name() == kind)
                .ok_or("unknown event type")?;
            Op::Listen(port(1)?, kind)
        }
        ["close", _] => Op::Close(port(1)?),
        ["forget", _] => Op::Forget(port(1)?),
        ["gc"] => Op::Gc,
        ["ship", _, "to", to] => Op::Ship {
            port: port(1)?,
            to: to.to_owned(),
        },
        ["step"] => Op::Step(None),
        ["step", agent] => Op::Step(Some(agent.to_owned())),
        ["run"] => Op::Run,
        _ => return Err("not a command the model checks use".to_owned()),
    };
    Ok(Some(op))
}

fn parse_post(line: &str) -> Result<Op, String> {
    let (verb, rest) = line.split_once(' ').ok_or("post needs a port")?;
    let (port, rest) = rest.trim().split_once(' ').ok_or("post needs a message")?;
    let (json, transfer) = match rest.rfind(" transfer") {
        Some(i) if !rest[i..].contains('"') => (&rest[..i], &rest[i + " transfer".len()..]),
        _ => (rest, ""),
    };
    let transfer = transfer
        .split_whitespace()
        .map(|item| match item {
            "#0" => Ok(Item::Buffer),
            item if item.starts_with('#') => Err(format!("only #0 can be transferred, not {item}")),
            port => Ok(Item::Port(port.to_owned())),
        })
        .collect::<Result<_, _>>()?;
    Ok(Op::Post {
        port: port.to_owned(),
        data: parse_data(json.trim())?,
        transfer,
        options: verb == "post-options",
    })
}

fn parse_data(json: &str) -> Result<Data, String> {
    use serde_json::Value as Json;
    let value: Json = serde_json::from_str(json).map_err(|e| format!("bad JSON: {e}"))?;
    match &value {
        Json::Number(n) => n
            .as_i64()
            .and_then(|n| i32::try_from(n).ok())
            .map(Data::Num)
            .ok_or_else(|| "only small integers".to_owned()),
        Json::String(s) => Ok(Data::Str(s.clone())),
        Json::Object(o) if o.get("undefined") == Some(&Json::Bool(true)) => Ok(Data::Undefined),
        Json::Object(o) => {
            let buffer = o
                .get("objects")
                .and_then(|objects| objects.get(0))
                .ok_or("no object 0")?;
            let hex = buffer
                .get("bytes")
                .and_then(Json::as_str)
                .ok_or("object 0 has no bytes")?;
            let bytes = (0..hex.len() / 2)
                .map(|i| u8::from_str_radix(hex.get(2 * i..2 * i + 2).unwrap_or("zz"), 16))
                .collect::<Result<Vec<u8>, _>>()
                .map_err(|e| format!("bad hex: {e}"))?;
            Ok(if buffer.get("shared") == Some(&Json::Bool(true)) {
                Data::Shared(bytes)
            } else {
                Data::Buffer(bytes)
            })
        }
        _ => Err("a message the model checks do not send".to_owned()),
    }
}
