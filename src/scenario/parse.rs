//! Reading a scenario: one command per line (see `docs/scenarios.md`).

use crate::messaging::EventType;
use std::fmt;

/// A transfer-list entry of a `post`: a port by name, or object N of the
/// message's graph document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TransferItem {
    /// A MessagePort of the posting agent, by name.
    Port(String),
    /// Object N of the message document (`#N`).
    Object(usize),
}

/// One command of a scenario.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// `agent NAME [cluster N]`
    Agent {
        /// Its name.
        name: String,
        /// Its agent cluster.
        cluster: u64,
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
    /// `ship PORT to AGENT`
    Ship {
        /// The port to move.
        port: String,
        /// The agent whose global scope receives it.
        to: String,
    },
    /// `post PORT JSON [transfer ...]` and `post-options ...`
    Post {
        /// The source port.
        port: String,
        /// The message, in the graph notation (a document or a VALUE).
        message: String,
        /// The transfer list.
        transfer: Vec<TransferItem>,
        /// Whether the `{ transfer }` overload is used.
        options: bool,
    },
    /// `start PORT`
    Start(String),
    /// `onmessage PORT`
    OnMessage(String),
    /// `listen PORT EVENT`
    Listen(String, EventType),
    /// `close PORT`
    Close(String),
    /// `forget PORT`
    Forget(String),
    /// `gc`
    Gc,
    /// `shutdown AGENT`
    Shutdown(String),
    /// `step [AGENT]`
    Step(Option<String>),
    /// `run`
    Run,
    /// `on PORT EVENT: COMMAND`
    On {
        /// The port listened to.
        port: String,
        /// The event type.
        event: EventType,
        /// What its agent then does.
        command: Box<Command>,
    },
}

/// A parsed scenario: its commands with their line numbers.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    /// (line number, command), in order.
    pub commands: Vec<(usize, Command)>,
}

/// A line that is not a command.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ParseError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

fn is_name(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "_-@#".contains(c))
}

fn name(word: Option<&str>, what: &str) -> Result<String, String> {
    match word {
        Some(w) if is_name(w) => Ok(w.to_owned()),
        Some(w) => Err(format!("{what} {w:?} is not a name (letters, digits, _ - @ #)")),
        None => Err(format!("missing {what}")),
    }
}

fn event(word: Option<&str>) -> Result<EventType, String> {
    let word = word.ok_or("missing event type (message, messageerror or close)")?;
    EventType::from_name(word)
        .ok_or_else(|| format!("unknown event type {word:?} (message, messageerror or close)"))
}

fn no_more<'a>(mut words: impl Iterator<Item = &'a str>) -> Result<(), String> {
    match words.next() {
        Some(extra) => Err(format!("unexpected {extra:?} at the end of the line")),
        None => Ok(()),
    }
}

/// Splits `post PORT JSON [transfer ...]`: the JSON runs to the last
/// `transfer` word that follows a complete JSON value.
fn post(rest: &str, options: bool) -> Result<Command, String> {
    let rest = rest.trim_start();
    let (port, rest) = rest
        .split_once(char::is_whitespace)
        .ok_or("expected: post PORT JSON [transfer ITEM ...]")?;
    let port = name(Some(port), "port")?;
    let rest = rest.trim();
    let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<serde_json::Value>();
    match stream.next() {
        Some(Ok(_)) => {}
        Some(Err(e)) => return Err(format!("the message is not JSON: {e}")),
        None => return Err("missing message JSON".to_owned()),
    }
    let end = stream.byte_offset();
    let (message, tail) = rest.split_at(end);
    let mut words = tail.split_whitespace();
    let mut transfer = Vec::new();
    match words.next() {
        None => {}
        Some("transfer") => {
            for item in words {
                transfer.push(match item.strip_prefix('#') {
                    Some(n) => TransferItem::Object(
                        n.parse()
                            .map_err(|_| format!("transfer item {item:?}: expected #N (an object index)"))?,
                    ),
                    None => TransferItem::Port(name(Some(item), "transfer item")?),
                });
            }
        }
        Some(other) => return Err(format!("expected `transfer` after the message, found {other:?}")),
    }
    Ok(Command::Post {
        port,
        message: message.trim().to_owned(),
        transfer,
        options,
    })
}

fn command(text: &str, nested: bool) -> Result<Command, String> {
    let text = text.trim();
    let (verb, rest) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
    let mut words = rest.split_whitespace();
    let world_level = matches!(
        verb,
        "agent" | "channel" | "on" | "gc" | "step" | "run" | "shutdown"
    );
    if nested && world_level {
        return Err(format!("`{verb}` cannot run inside an `on` reaction"));
    }
    let command = match verb {
        "agent" => {
            let name = name(words.next(), "agent name")?;
            let cluster = match words.next() {
                None => 0,
                Some("cluster") => words
                    .next()
                    .and_then(|n| n.parse().ok())
                    .ok_or("expected a number after `cluster`")?,
                Some(other) => return Err(format!("expected `cluster N`, found {other:?}")),
            };
            Command::Agent { name, cluster }
        }
        "channel" => {
            let agent = name(words.next(), "agent")?;
            let port1 = name(words.next(), "port 1 name")?;
            let port2 = name(words.next(), "port 2 name")?;
            if port1.contains('@') || port2.contains('@') || port1 == port2 {
                return Err("new port names must differ and may not contain '@'".to_owned());
            }
            Command::Channel { agent, port1, port2 }
        }
        "ship" => {
            let port = name(words.next(), "port")?;
            if words.next() != Some("to") {
                return Err("expected: ship PORT to AGENT".to_owned());
            }
            Command::Ship {
                port,
                to: name(words.next(), "agent")?,
            }
        }
        "post" => return post(rest, false),
        "post-options" => return post(rest, true),
        "start" => Command::Start(name(words.next(), "port")?),
        "onmessage" => Command::OnMessage(name(words.next(), "port")?),
        "listen" => Command::Listen(name(words.next(), "port")?, event(words.next())?),
        "close" => Command::Close(name(words.next(), "port")?),
        "forget" => Command::Forget(name(words.next(), "port")?),
        "gc" => Command::Gc,
        "shutdown" => Command::Shutdown(name(words.next(), "agent")?),
        "step" => Command::Step(words.next().map(|w| name(Some(w), "agent")).transpose()?),
        "run" => Command::Run,
        "on" => {
            let (head, reaction) = rest.split_once(':').ok_or("expected: on PORT EVENT: COMMAND")?;
            let mut head = head.split_whitespace();
            let port = name(head.next(), "port")?;
            let event = event(head.next())?;
            no_more(head)?;
            return Ok(Command::On {
                port,
                event,
                command: Box::new(command(reaction, true)?),
            });
        }
        "" => return Err("empty command".to_owned()),
        other => return Err(format!("unknown command {other:?}")),
    };
    no_more(words)?;
    Ok(command)
}

/// Parses a scenario.
pub fn parse(text: &str) -> Result<Scenario, ParseError> {
    let mut commands = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line_no = index + 1;
        let code = match line.find('#') {
            // `#` starts a comment only at the start of a word (port names
            // may contain it, as in `p@B#2`, and JSON strings may too).
            Some(_) => strip_comment(line),
            None => line,
        };
        if code.trim().is_empty() {
            continue;
        }
        let command = command(code, false).map_err(|message| ParseError {
            line: line_no,
            message,
        })?;
        commands.push((line_no, command));
    }
    Ok(Scenario { commands })
}

/// The line without a trailing comment: a `#` at the start of a word that is
/// outside any JSON string.
fn strip_comment(line: &str) -> &str {
    let mut in_string = false;
    let mut escaped = false;
    let mut previous = ' ';
    for (i, c) in line.char_indices() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
        } else if c == '"' {
            in_string = true;
        } else if c == '#'
            && previous.is_whitespace()
            && !line[i + 1..].starts_with(|d: char| d.is_ascii_digit())
        {
            return &line[..i];
        }
        previous = c;
    }
    line
}

impl fmt::Display for TransferItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransferItem::Port(p) => f.write_str(p),
            TransferItem::Object(n) => write!(f, "#{n}"),
        }
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Command::Agent { name, cluster: 0 } => write!(f, "agent {name}"),
            Command::Agent { name, cluster } => write!(f, "agent {name} cluster {cluster}"),
            Command::Channel { agent, port1, port2 } => write!(f, "channel {agent} {port1} {port2}"),
            Command::Ship { port, to } => write!(f, "ship {port} to {to}"),
            Command::Post {
                port,
                message,
                transfer,
                options,
            } => {
                write!(
                    f,
                    "{} {port} {message}",
                    if *options { "post-options" } else { "post" }
                )?;
                if !transfer.is_empty() {
                    f.write_str(" transfer")?;
                    for item in transfer {
                        write!(f, " {item}")?;
                    }
                }
                Ok(())
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
            Command::On { port, event, command } => write!(f, "on {port} {event}: {command}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_command_and_prints_it_back() {
        let text = "agent A\nagent B cluster 2\nchannel A p1 p2\nship p2 to B\n\
                    post p1 {\"root\": {\"ref\": 0}, \"objects\": [{\"kind\": \"Object\"}]} transfer p3 #0\n\
                    post-options p1 \"hi\"\nstart p1\nonmessage p2@B\nlisten p1 close\nclose p1\n\
                    forget p1\ngc\nshutdown B\nstep\nstep A\nrun\non p2@B#2 message: post p2@B#2 \"pong\"";
        let scenario = parse(text).unwrap();
        assert_eq!(scenario.commands.len(), 17);
        let printed: Vec<String> = scenario.commands.iter().map(|(_, c)| c.to_string()).collect();
        let reparsed = parse(&printed.join("\n")).unwrap();
        assert_eq!(
            reparsed.commands.iter().map(|(_, c)| c).collect::<Vec<_>>(),
            scenario.commands.iter().map(|(_, c)| c).collect::<Vec<_>>()
        );
    }

    #[test]
    fn comments_and_blank_lines_are_skipped_but_hashes_in_names_and_json_are_kept() {
        let scenario = parse("# intro\n\nstart p@B#2  # a comment\npost p \"# not a comment\"\n").unwrap();
        assert_eq!(scenario.commands[0], (3, Command::Start("p@B#2".into())));
        assert!(
            matches!(&scenario.commands[1].1, Command::Post { message, .. } if message == "\"# not a comment\"")
        );
    }

    #[test]
    fn errors_name_the_line_and_the_problem() {
        let cases = [
            ("frobnicate", "unknown command \"frobnicate\""),
            ("agent", "missing agent name"),
            ("agent A cluster x", "expected a number after `cluster`"),
            ("channel A p p", "must differ"),
            ("ship p B", "expected: ship PORT to AGENT"),
            ("post p {oops", "the message is not JSON"),
            ("post p 1 send q", "expected `transfer`"),
            ("post p 1 transfer #1x", "expected #N"),
            ("listen p click", "unknown event type"),
            ("start p q", "unexpected \"q\""),
            ("on p message: run", "cannot run inside an `on` reaction"),
            ("on p message post p 1", "expected: on PORT EVENT: COMMAND"),
            ("start p!", "is not a name"),
        ];
        for (text, expected) in cases {
            let err = parse(&format!("agent A\n{text}")).unwrap_err();
            assert_eq!(err.line, 2, "{text}");
            assert!(err.message.contains(expected), "{text}: {}", err.message);
        }
    }
}
