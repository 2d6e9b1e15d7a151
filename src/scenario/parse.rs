//! Reading a scenario: one command per line (see `docs/scenarios.md`).

use super::command::{Command, Filter, Message, PortRef, Target, TransferItem};
use crate::messaging::EventType;

/// A parsed scenario: its commands with their line numbers.
#[derive(Clone, Debug, PartialEq, Eq)]
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

/// How deep `on` reactions may nest (a reaction that sets a reaction that
/// sets a reaction ...).
pub const MAX_NESTING: usize = 4;

/// What `event` names where a command is read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// A line of its own: there is no event.
    TopLevel,
    /// The command of an `on PORT ...` reaction.
    PortReaction,
    /// The command of an `on AGENT global ...` reaction: no `event.target`.
    GlobalReaction,
}

/// The unread rest of a line, taken a word or a JSON value at a time.
#[derive(Clone, Copy)]
struct Cursor<'a> {
    rest: &'a str,
}

impl<'a> Cursor<'a> {
    fn word(&mut self) -> Option<&'a str> {
        let text = self.rest.trim_start();
        if text.is_empty() {
            return None;
        }
        let end = text.find(char::is_whitespace).unwrap_or(text.len());
        let (word, rest) = text.split_at(end);
        self.rest = rest;
        Some(word)
    }

    fn peek(&self) -> Option<&'a str> {
        let mut copy = *self;
        copy.word()
    }

    /// A word, less a `:` that ends it, and whether it had one.
    fn word_colon(&mut self) -> Option<(&'a str, bool)> {
        let word = self.word()?;
        Some(match word.strip_suffix(':') {
            Some(word) => (word, true),
            None => (word, false),
        })
    }

    /// One JSON value, as written.
    fn json(&mut self) -> Result<&'a str, String> {
        let text = self.rest.trim_start();
        let mut stream = serde_json::Deserializer::from_str(text).into_iter::<serde_json::Value>();
        match stream.next() {
            Some(Ok(_)) => {}
            Some(Err(e)) => return Err(format!("the message is not JSON: {e}")),
            None => return Err("missing message JSON".to_owned()),
        }
        let (json, rest) = text.split_at(stream.byte_offset());
        self.rest = rest;
        Ok(json)
    }

    fn end(&mut self) -> Result<(), String> {
        match self.word() {
            Some(extra) => Err(format!("unexpected {extra:?} at the end of the line")),
            None => Ok(()),
        }
    }
}

fn is_name(s: &str, extra: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-".contains(c) || extra.contains(c))
}

/// A port's name: letters, digits, `_`, `-`, and the `@` and `#` of
/// received ports' names.
fn port_name(word: Option<&str>, what: &str) -> Result<String, String> {
    match word {
        Some(w) if is_name(w, "@#") => Ok(w.to_owned()),
        Some(w) => Err(format!("{what} {w:?} is not a name (letters, digits, _ - @ #)")),
        None => Err(format!("missing {what}")),
    }
}

/// An agent's name: letters, digits, `_` and `-` (a received port is named
/// `BASE@AGENT`, so `@` and `#` would make that ambiguous).
fn agent_name(word: Option<&str>, what: &str) -> Result<String, String> {
    match word {
        Some(w) if is_name(w, "") => Ok(w.to_owned()),
        Some(w) => Err(format!(
            "{what} {w:?} is not an agent name (letters, digits, _ -)"
        )),
        None => Err(format!("missing {what}")),
    }
}

fn port_ref(word: Option<&str>, scope: Scope, what: &str) -> Result<PortRef, String> {
    let Some(word) = word else {
        return Err(format!("missing {what}"));
    };
    let Some(field) = word.strip_prefix("event.") else {
        return port_name(Some(word), what).map(PortRef::Named);
    };
    let in_reaction = |port: PortRef| match scope {
        Scope::TopLevel => Err(format!("{word} means something only inside an `on` reaction")),
        _ => Ok(port),
    };
    if field == "target" {
        if scope == Scope::GlobalReaction {
            return Err("event.target: an event at a global scope has no target port".to_owned());
        }
        return in_reaction(PortRef::EventTarget);
    }
    if let Some(index) = field.strip_prefix("ports[").and_then(|f| f.strip_suffix(']')) {
        let index = index
            .parse()
            .map_err(|_| format!("{word}: expected event.ports[N], N a number"))?;
        return in_reaction(PortRef::EventPort(index));
    }
    Err(format!(
        "{what} {word:?}: a port is a name, event.ports[N] or event.target"
    ))
}

fn event(word: Option<&str>) -> Result<EventType, String> {
    let word = word.ok_or("missing event type (message, messageerror or close)")?;
    EventType::from_name(word)
        .ok_or_else(|| format!("unknown event type {word:?} (message, messageerror or close)"))
}

fn message(cursor: &mut Cursor<'_>, scope: Scope) -> Result<Message, String> {
    if cursor.peek() == Some("event.data") {
        if scope == Scope::TopLevel {
            return Err("event.data means something only inside an `on` reaction".to_owned());
        }
        cursor.word();
        return Ok(Message::EventData);
    }
    Ok(Message::Json(cursor.json()?.to_owned()))
}

/// `[transfer ITEM ...]` at the end of a `post` or `send`.
fn transfer(cursor: &mut Cursor<'_>, scope: Scope) -> Result<Vec<TransferItem>, String> {
    let mut items = Vec::new();
    match cursor.word() {
        None => {}
        Some("transfer") => {
            while let Some(item) = cursor.word() {
                items.push(match item.strip_prefix('#') {
                    Some(n) => TransferItem::Object(
                        n.parse()
                            .map_err(|_| format!("transfer item {item:?}: expected #N (an object index)"))?,
                    ),
                    None => TransferItem::Port(port_ref(Some(item), scope, "transfer item")?),
                });
            }
        }
        Some(other) => return Err(format!("expected `transfer` after the message, found {other:?}")),
    }
    Ok(items)
}

/// `on TARGET EVENT [number N] [if event.data == VALUE]: COMMAND`, after `on`.
fn on(cursor: &mut Cursor<'_>, depth: usize, scope: Scope) -> Result<Command, String> {
    const SHAPE: &str = "expected: on PORT EVENT: COMMAND or on AGENT global EVENT: COMMAND";
    if depth >= MAX_NESTING {
        return Err(format!("reactions nest at most {MAX_NESTING} deep"));
    }
    let first = cursor.word().ok_or(SHAPE)?;
    let (second, mut colon) = cursor.word_colon().ok_or(SHAPE)?;
    let (target, (event_word, event_colon)) = if second == "global" && !colon {
        let agent = agent_name(Some(first), "agent")?;
        (Target::Global(agent), cursor.word_colon().ok_or(SHAPE)?)
    } else {
        (
            Target::Port(port_ref(Some(first), scope, "port")?),
            (second, colon),
        )
    };
    colon = event_colon;
    let event = event(Some(event_word))?;
    if matches!(target, Target::Global(_)) && event == EventType::Close {
        return Err("a global scope gets message and messageerror events, not close".to_owned());
    }
    let mut filter = Filter::default();
    while !colon {
        let (word, ends) = cursor.word_colon().ok_or(SHAPE)?;
        colon = ends;
        match word {
            "" => {}
            "number" if filter.number.is_none() && filter.data.is_none() => {
                let (n, ends) = cursor.word_colon().ok_or("expected a number after `number`")?;
                filter.number = Some(
                    n.parse()
                        .ok()
                        .filter(|n| *n > 0)
                        .ok_or("expected a number from 1 after `number`")?,
                );
                colon = ends;
            }
            "if" if filter.data.is_none() => {
                if (cursor.word(), cursor.word()) != (Some("event.data"), Some("==")) {
                    return Err("expected: if event.data == VALUE".to_owned());
                }
                filter.data = Some(cursor.json()?.to_owned());
                let rest = cursor.rest.trim_start();
                cursor.rest = rest.strip_prefix(':').ok_or("expected ':' after the value")?;
                colon = true;
            }
            other => {
                return Err(format!(
                    "expected `number N`, `if event.data == VALUE` or ':' after the event type, found {other:?}"
                ));
            }
        }
    }
    let inner = match target {
        Target::Port(_) => Scope::PortReaction,
        Target::Global(_) => Scope::GlobalReaction,
    };
    Ok(Command::On {
        target,
        event,
        filter,
        command: Box::new(command(cursor.rest, depth + 1, inner)?),
    })
}

fn command(text: &str, depth: usize, scope: Scope) -> Result<Command, String> {
    let mut cursor = Cursor { rest: text };
    let verb = cursor.word().unwrap_or("");
    let world_level = matches!(
        verb,
        "agent" | "channel" | "broadcast" | "gc" | "step" | "run" | "shutdown"
    );
    if scope != Scope::TopLevel && world_level {
        return Err(format!("`{verb}` cannot run inside an `on` reaction"));
    }
    let port = |cursor: &mut Cursor<'_>| port_ref(cursor.word(), scope, "port");
    let command = match verb {
        "agent" => {
            let name = agent_name(cursor.word(), "agent name")?;
            let (mut cluster, mut storage_key) = (None, None);
            while let Some(word) = cursor.word() {
                match word {
                    "cluster" if cluster.is_none() => {
                        let n = cursor.word().and_then(|n| n.parse().ok());
                        cluster = Some(n.ok_or("expected a number after `cluster`")?);
                    }
                    "storage-key" if storage_key.is_none() => {
                        let key = cursor.word().ok_or("expected a key after `storage-key`")?;
                        storage_key = Some(key.to_owned());
                    }
                    other => {
                        return Err(format!(
                            "expected `cluster N` or `storage-key KEY`, found {other:?}"
                        ));
                    }
                }
            }
            Command::Agent {
                name,
                cluster: cluster.unwrap_or(0),
                storage_key,
            }
        }
        "broadcast" => {
            const SHAPE: &str = "expected: broadcast AGENT NAME LABEL";
            let agent = agent_name(cursor.word(), "agent")?;
            let name = match cursor.peek().ok_or(SHAPE)? {
                w if w.starts_with(['"', '{', '[', '-']) || w.starts_with(|c: char| c.is_ascii_digit()) => {
                    cursor.json()?.to_owned()
                }
                w if ["true", "false", "null"].contains(&w) => cursor.json()?.to_owned(),
                _ => serde_json::Value::from(cursor.word().unwrap_or_default()).to_string(),
            };
            let label = port_name(cursor.word(), "channel label")?;
            if label.contains('@') || label == "global" {
                return Err("a channel label may not contain '@' nor be `global`".to_owned());
            }
            Command::Broadcast { agent, name, label }
        }
        "channel" => {
            let agent = agent_name(cursor.word(), "agent")?;
            let port1 = port_name(cursor.word(), "port 1 name")?;
            let port2 = port_name(cursor.word(), "port 2 name")?;
            if port1.contains('@') || port2.contains('@') || port1 == port2 {
                return Err("new port names must differ and may not contain '@'".to_owned());
            }
            if port1 == "global" || port2 == "global" {
                return Err("`global` names an agent's global scope, not a port".to_owned());
            }
            Command::Channel { agent, port1, port2 }
        }
        "ship" => {
            let port = port(&mut cursor)?;
            if cursor.word() != Some("to") {
                return Err("expected: ship PORT to AGENT".to_owned());
            }
            Command::Ship {
                port,
                to: agent_name(cursor.word(), "agent")?,
            }
        }
        "send" => {
            const SHAPE: &str = "expected: send MESSAGE from AGENT to AGENT [transfer ITEM ...]";
            let message = message(&mut cursor, scope)?;
            let from = (cursor.word() == Some("from"))
                .then(|| cursor.word())
                .ok_or(SHAPE)?;
            let from = agent_name(from, "agent")?;
            let to = (cursor.word() == Some("to"))
                .then(|| cursor.word())
                .ok_or(SHAPE)?;
            let to = agent_name(to, "agent")?;
            return Ok(Command::Send {
                message,
                from,
                to,
                transfer: transfer(&mut cursor, scope)?,
            });
        }
        "post" | "post-options" => {
            let port = port(&mut cursor)?;
            let message = message(&mut cursor, scope)?;
            return Ok(Command::Post {
                port,
                message,
                transfer: transfer(&mut cursor, scope)?,
                options: verb == "post-options",
            });
        }
        "start" => Command::Start(port(&mut cursor)?),
        "onmessage" => Command::OnMessage(port(&mut cursor)?),
        "listen" => Command::Listen(port(&mut cursor)?, event(cursor.word())?),
        "close" => Command::Close(port(&mut cursor)?),
        "forget" => Command::Forget(port(&mut cursor)?),
        "gc" => Command::Gc,
        "shutdown" => Command::Shutdown(agent_name(cursor.word(), "agent")?),
        "step" => Command::Step(cursor.word().map(|w| agent_name(Some(w), "agent")).transpose()?),
        "run" => Command::Run,
        "on" => return on(&mut cursor, depth, scope),
        "" => return Err("empty command".to_owned()),
        other => return Err(format!("unknown command {other:?}")),
    };
    cursor.end()?;
    Ok(command)
}

/// Parses a scenario.
///
/// # Errors
///
/// A [`ParseError`] with the line number and what is wrong, for the first
/// line that is not a command.
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
        let command = command(code, 0, Scope::TopLevel).map_err(|message| ParseError {
            line: line_no,
            message,
        })?;
        commands.push((line_no, command));
    }
    Ok(Scenario { commands })
}

/// The line without a trailing comment: a `#` at the start of a word that is
/// outside any JSON string and not the `#N` of an object index.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_command_and_prints_it_back() {
        let text = "agent A\nagent B cluster 2\nchannel A p1 p2\nship p2 to B\n\
                    post p1 {\"root\": {\"ref\": 0}, \"objects\": [{\"kind\": \"Object\"}]} transfer p3 #0\n\
                    post-options p1 \"hi\"\nstart p1\nonmessage p2@B\nlisten p1 close\nclose p1\n\
                    forget p1\ngc\nshutdown B\nstep\nstep A\nrun\non p2@B#2 message: post p2@B#2 \"pong\"\n\
                    send {\"undefined\": true} from A to B transfer p1 #0\n\
                    on p1 message number 3: post p1 event.data transfer event.ports[0]\n\
                    on p1 close if event.data == {\"root\": [1, 2]}: close event.target\n\
                    on B global message number 2 if event.data == \"stop\": send event.data from B to A\n\
                    on B global messageerror: on event.ports[1] message: ship event.target to A";
        let scenario = parse(text).unwrap();
        assert_eq!(scenario.commands.len(), 22);
        let printed: Vec<String> = scenario.commands.iter().map(|(_, c)| c.to_string()).collect();
        let reparsed = parse(&printed.join("\n")).unwrap();
        assert_eq!(
            reparsed.commands.iter().map(|(_, c)| c).collect::<Vec<_>>(),
            scenario.commands.iter().map(|(_, c)| c).collect::<Vec<_>>()
        );
        assert_eq!(
            printed[20],
            "on B global message number 2 if event.data == \"stop\": send event.data from B to A"
        );
    }

    #[test]
    fn broadcast_lines_and_storage_keys_print_back() {
        let text = "agent A cluster 1 storage-key https://a.example\nagent B storage-key k\n\
                    broadcast A auth c1\nbroadcast B \"two words\" c2\nbroadcast A 42 c3\n\
                    post c1 \"hi\"\nclose c1\non c2 message: post event.target event.data";
        let scenario = parse(text).unwrap();
        let printed: Vec<String> = scenario.commands.iter().map(|(_, c)| c.to_string()).collect();
        assert_eq!(printed[0], "agent A cluster 1 storage-key https://a.example");
        assert_eq!(printed[2], "broadcast A \"auth\" c1");
        assert_eq!(printed[4], "broadcast A 42 c3");
        assert_eq!(parse(&printed.join("\n")).unwrap(), scenario);
        assert!(parse("on c1 message: broadcast A n x").is_err());
        assert!(parse("broadcast A n p@B").is_err());
        assert!(parse("agent A cluster 1 cluster 2").is_err());
    }

    #[test]
    fn reactions_read_their_filters_and_the_event() {
        let scenario = parse("on p message number 2: post q event.data transfer event.ports[0] #1").unwrap();
        let Command::On {
            target,
            event,
            filter,
            command,
        } = &scenario.commands[0].1
        else {
            panic!("not a reaction")
        };
        assert_eq!(target, &Target::Port(PortRef::Named("p".into())));
        assert_eq!(*event, EventType::Message);
        assert_eq!(filter.number, Some(2));
        assert_eq!(
            **command,
            Command::Post {
                port: PortRef::Named("q".into()),
                message: Message::EventData,
                transfer: vec![TransferItem::Port(PortRef::EventPort(0)), TransferItem::Object(1)],
                options: false,
            }
        );
        let scenario = parse("on p message if event.data == 3 : close p").unwrap();
        assert!(
            matches!(&scenario.commands[0].1, Command::On { filter, .. } if filter.data.as_deref() == Some("3"))
        );
    }

    #[test]
    fn comments_and_blank_lines_are_skipped_but_hashes_in_names_and_json_are_kept() {
        let scenario = parse("# intro\n\nstart p@B#2  # a comment\npost p \"# not a comment\"\n").unwrap();
        assert_eq!(
            scenario.commands[0],
            (3, Command::Start(PortRef::Named("p@B#2".into())))
        );
        assert!(matches!(
            &scenario.commands[1].1,
            Command::Post { message: Message::Json(m), .. } if m == "\"# not a comment\""
        ));
    }

    #[test]
    fn errors_name_the_line_and_the_problem() {
        let cases = [
            ("frobnicate", "unknown command \"frobnicate\""),
            ("agent", "missing agent name"),
            ("agent A cluster x", "expected a number after `cluster`"),
            ("agent A@B", "is not an agent name"),
            ("channel A p p", "must differ"),
            ("channel A p global", "global scope"),
            ("ship p B", "expected: ship PORT to AGENT"),
            ("post p {oops", "the message is not JSON"),
            ("post p 1 send q", "expected `transfer`"),
            ("post p 1 transfer #1x", "expected #N"),
            ("listen p click", "unknown event type"),
            ("start p q", "unexpected \"q\""),
            ("on p message: run", "cannot run inside an `on` reaction"),
            ("on p message post p 1", "expected `number N`"),
            ("on p message", "expected: on PORT EVENT"),
            ("on p message number 0: close p", "a number from 1"),
            (
                "on p message if data == 1: close p",
                "expected: if event.data == VALUE",
            ),
            (
                "on p message if event.data == 1 close p",
                "expected ':' after the value",
            ),
            ("on A global close: close p", "not close"),
            ("on A global message: close event.target", "has no target port"),
            ("start p!", "is not a name"),
            ("post event.ports[0] 1", "only inside an `on` reaction"),
            ("post p event.data", "only inside an `on` reaction"),
            ("on p message: post event.ports[x] 1", "expected event.ports[N]"),
            ("on p message: start event.data", "a port is a name"),
            ("send 1 from A B", "expected: send MESSAGE from AGENT to AGENT"),
            (
                "on p message: on p message: on p message: on p message: on p message: close p",
                "nest at most 4 deep",
            ),
        ];
        for (text, expected) in cases {
            let err = parse(&format!("agent A\n{text}")).unwrap_err();
            assert_eq!(err.line, 2, "{text}");
            assert!(err.message.contains(expected), "{text}: {}", err.message);
        }
    }
}
