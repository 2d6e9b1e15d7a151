//! The tool's commands and what they share: usage text, argument errors and
//! exit codes.

mod check;
mod clone;
mod coverage;
mod js;
mod run;

use std::ffi::OsString;

/// Exit code of a run that did what was asked (for `clone`, that includes a
/// clone that threw: the error is the answer).
pub const EXIT_OK: i32 = 0;
/// Exit code when the tool itself failed (say, stdout closed).
pub const EXIT_FAILURE: i32 = 1;
/// Exit code for bad arguments or malformed input.
pub const EXIT_USAGE: i32 = 2;

const USAGE: &str = "\
webmessaging: an executable reference for the HTML Standard's structured clone and channel messaging

Usage: webmessaging <command> [arguments]

Commands:
  check [--cases N] [--seed S] [--json]
                         run the model checks (state machine, clone properties, node oracle)
  clone FILE [--trace]   structured-clone the value a graph-notation document describes
  coverage clone FILE | coverage run FILE
                         run the command, then print which spec steps it executed
  js FILE.js [MORE.js ...] [--trace] [--coverage] [--timeout SECONDS]
                         run JavaScript files in the Boa engine with the reference's globals
  run FILE [--threads] [--trace] [--per-port] [--max-tasks N] [--max-memory BYTES]
                         run a messaging scenario and print every event
  help [command]         print this help, or a command's

Run 'webmessaging help <command>' for a command's arguments.
";

/// Why a command could not run: a message for stderr and the exit code.
#[derive(Debug)]
pub struct Failure {
    /// What went wrong, for people.
    pub message: String,
    /// [`EXIT_USAGE`] or [`EXIT_FAILURE`].
    pub code: i32,
}

impl Failure {
    /// Bad arguments or malformed input (exit code 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            code: EXIT_USAGE,
        }
    }

    /// The tool failed for a reason outside the input (exit code 1).
    pub fn internal(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            code: EXIT_FAILURE,
        }
    }
}

/// Runs the command `args` names (the program name left out) and returns
/// the process exit code.
pub fn run(args: &[OsString]) -> i32 {
    let args = match args
        .iter()
        .map(|a| a.to_str().map(str::to_owned))
        .collect::<Option<Vec<String>>>()
    {
        Some(args) => args,
        None => return fail(Failure::usage("arguments must be valid UTF-8")),
    };
    let (command, rest) = match args.split_first() {
        Some((command, rest)) => (command.as_str(), rest),
        None => {
            eprint!("{USAGE}");
            return EXIT_USAGE;
        }
    };
    let result = match command {
        "help" | "--help" | "-h" => help(rest),
        "clone" => clone::run(rest),
        "run" => run::run(rest),
        "check" => check::run(rest),
        "coverage" => coverage::run(rest),
        "js" => js::run(rest),
        other => Err(Failure::usage(format!(
            "unknown command '{other}' (run 'webmessaging help' for the list)"
        ))),
    };
    match result {
        Ok(()) => EXIT_OK,
        Err(failure) => fail(failure),
    }
}

fn fail(failure: Failure) -> i32 {
    eprintln!("webmessaging: {}", failure.message);
    failure.code
}

fn help(args: &[String]) -> Result<(), Failure> {
    match args {
        [] => print!("{USAGE}"),
        [command] if command == "clone" => print!("{}", clone::USAGE),
        [command] if command == "run" => print!("{}", run::USAGE),
        [command] if command == "check" => print!("{}", check::USAGE),
        [command] if command == "coverage" => print!("{}", coverage::USAGE),
        [command] if command == "js" => print!("{}", js::USAGE),
        [command] if command == "help" => print!("{USAGE}"),
        [command] => return Err(Failure::usage(format!("no help for unknown command '{command}'"))),
        _ => return Err(Failure::usage("'help' takes at most one command")),
    }
    Ok(())
}
