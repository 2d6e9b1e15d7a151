//! `webmessaging run FILE [--threads] [--trace] [--per-port] [--max-tasks N]
//! [--max-memory BYTES]`: runs a messaging scenario (docs/scenarios.md) and
//! prints every observable event.

use super::Failure;
use super::clone::read;
use std::io::{BufWriter, Write};
use webmessaging::scenario::{
    DEFAULT_MAX_MEMORY, DEFAULT_MAX_TASKS, Output, RunError, RunErrorKind, RunOptions, RunOutput, parse,
    run_to,
};

/// The command's help text.
pub const USAGE: &str = "\
Usage: webmessaging run FILE [--threads] [--trace] [--per-port]
                             [--max-tasks N] [--max-memory BYTES]

Runs the scenario in FILE ('-' for standard input; the language is in
docs/scenarios.md) on the deterministic stepper and prints every observable
event, one line each, as it happens. The same input always gives the same
output.

Options:
  --threads         run each agent on its own thread and print each port's
                    events, grouped per port (each port's sequence equals the
                    stepper's unless the scenario has a cross-agent race,
                    which the stepper reports on stderr)
  --per-port        print the stepper's output grouped per port too, as
                    --threads does
  --trace           follow each line with the spec steps it executed (stepper
                    only)
  --max-tasks N     the task budget of the whole scenario: tasks the event
                    loops run and reactions they run, together (default 100000)
  --max-memory BYTES
                    the memory budget of the whole scenario: bytes of messages
                    posted, reactions set and lines output; K, M and G suffixes
                    are 1024-based (default 64M)
  --help            print this help

A scenario that uses up a budget stops there with a message saying which;
what it printed before stays printed. Exit status: 0 when the scenario ran to
its end, 2 for a scenario that is malformed, names what does not exist, or
uses up a budget, 1 when the tool itself failed (a thread that would not
start, output that could not be written).
";

/// A count in bytes, with an optional K, M or G suffix (1024-based).
fn bytes(text: &str) -> Option<u64> {
    let (digits, scale) = match text.as_bytes().last()? {
        b'K' | b'k' => (&text[..text.len() - 1], 1 << 10),
        b'M' | b'm' => (&text[..text.len() - 1], 1 << 20),
        b'G' | b'g' => (&text[..text.len() - 1], 1 << 30),
        _ => (text, 1),
    };
    digits.parse::<u64>().ok()?.checked_mul(scale)
}

/// Lines straight to standard output, as they come.
struct Stream<W: Write>(W);

impl<W: Write> Output for Stream<W> {
    fn line(&mut self, _: Option<&str>, text: &str) -> std::io::Result<()> {
        writeln!(self.0, "{text}")
    }
}

/// Runs the command.
pub fn run(args: &[String]) -> Result<(), Failure> {
    let mut file = None;
    let mut options = RunOptions::default();
    let mut per_port = false;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--threads" => options.threads = true,
            "--trace" => options.trace = true,
            "--per-port" => per_port = true,
            "--max-tasks" => {
                options.max_tasks = args.next().and_then(|n| n.parse().ok()).ok_or_else(|| {
                    Failure::usage(format!(
                        "run: --max-tasks needs a number of tasks (default {DEFAULT_MAX_TASKS})"
                    ))
                })?;
            }
            "--max-memory" => {
                options.max_memory = args.next().and_then(|n| bytes(n)).ok_or_else(|| {
                    Failure::usage(format!(
                        "run: --max-memory needs a number of bytes, with an optional K, M or G (default {DEFAULT_MAX_MEMORY})"
                    ))
                })?;
            }
            "--help" | "-h" => {
                print!("{USAGE}");
                return Ok(());
            }
            option if option.starts_with('-') && option != "-" => {
                return Err(Failure::usage(format!(
                    "run: unknown option '{option}' (run 'webmessaging help run')"
                )));
            }
            operand => {
                if let Some(first) = file.replace(operand.to_owned()) {
                    return Err(Failure::usage(format!(
                        "run: one FILE expected, got '{first}' and '{operand}'"
                    )));
                }
            }
        }
    }
    let file = file.ok_or_else(|| Failure::usage("run: missing FILE ('-' for standard input)"))?;
    if options.threads && options.trace {
        return Err(Failure::usage("run: --trace needs the stepper; drop --threads"));
    }
    let text = read("run", &file)?;
    let scenario = parse(&text).map_err(|e| Failure::usage(format!("run: {file}: {e}")))?;
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let write_failed = |e: std::io::Error| Failure::internal(format!("run: cannot write the output: {e}"));
    let (summary, result) = if options.threads || per_port {
        // Grouped output is kept until the end (it counts against the
        // memory budget as every line does).
        let mut collected = RunOutput::default();
        let ran = run_to(&scenario, &options, &mut collected);
        for line in collected.per_port_lines() {
            writeln!(out, "{line}").map_err(write_failed)?;
        }
        ran
    } else {
        run_to(&scenario, &options, &mut Stream(&mut out))
    };
    out.flush().map_err(write_failed)?;
    for race in &summary.races {
        eprintln!("webmessaging: note: {race}");
    }
    result.map_err(|e| failure(&file, e))
}

fn failure(file: &str, error: RunError) -> Failure {
    let message = format!("run: {file}: {error}");
    match error.kind {
        RunErrorKind::Scenario | RunErrorKind::Budget => Failure::usage(message),
        // Threads, Output, and any kind added later: not the user's doing.
        _ => Failure::internal(message),
    }
}

#[cfg(test)]
mod tests {
    use super::bytes;

    #[test]
    fn byte_counts_take_1024_based_suffixes() {
        assert_eq!(bytes("1000"), Some(1000));
        assert_eq!(bytes("64M"), Some(64 << 20));
        assert_eq!(bytes("2k"), Some(2048));
        assert_eq!(bytes("1G"), Some(1 << 30));
        assert_eq!(bytes("M"), None);
        assert_eq!(bytes("-1"), None);
        assert_eq!(bytes("99999999999999G"), None);
    }
}
