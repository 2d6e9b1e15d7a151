//! `webmessaging run FILE [--threads] [--trace]`: runs a messaging scenario
//! (docs/scenarios.md) and prints every observable event.

use super::Failure;
use super::clone::read;
use std::io::Write;
use webmessaging::scenario::{RunOptions, parse, run as run_scenario};

/// The command's help text.
pub const USAGE: &str = "\
Usage: webmessaging run FILE [--threads] [--trace]

Runs the scenario in FILE ('-' for standard input; the language is in
docs/scenarios.md) on the deterministic stepper and prints every observable
event, one line each, in order. The same input always gives the same output.

Options:
  --threads   run each agent on its own thread and print each port's events
              (its sequence must equal the stepper's), grouped per port
  --per-port  print the stepper's output grouped per port too, as --threads does
  --trace     follow each line with the spec steps it executed (stepper only)
  --help      print this help
";

/// Runs the command.
pub fn run(args: &[String]) -> Result<(), Failure> {
    let mut file = None;
    let mut options = RunOptions::default();
    let mut per_port = false;
    for arg in args {
        match arg.as_str() {
            "--threads" => options.threads = true,
            "--trace" => options.trace = true,
            "--per-port" => per_port = true,
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
    let output =
        run_scenario(&scenario, &options).map_err(|e| Failure::usage(format!("run: {file}: {e}")))?;
    let lines = if per_port && !options.threads {
        output.per_port_lines()
    } else {
        output.lines
    };
    let mut out = std::io::stdout().lock();
    for line in lines {
        writeln!(out, "{line}")
            .map_err(|e| Failure::internal(format!("run: cannot write the output: {e}")))?;
    }
    Ok(())
}
