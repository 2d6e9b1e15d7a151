//! `webmessaging coverage COMMAND ARGS...`: runs `clone` or `run` as usual,
//! then prints which catalogued spec steps it executed, algorithm by
//! algorithm, and which it never reached.

use super::Failure;
use webmessaging::spec;

/// The command's help text.
pub const USAGE: &str = "\
Usage: webmessaging coverage clone FILE
       webmessaging coverage run FILE [--threads]

Runs the command as usual, then prints spec coverage: for each algorithm of
spec/catalogue.md, how many of its steps ran, and the ids of those that did
not. (`webmessaging check` prints the same for the model checks.)
";

/// Runs the command.
pub fn run(args: &[String]) -> Result<(), Failure> {
    match args.split_first() {
        Some((command, rest)) if command == "clone" => super::clone::run(rest)?,
        Some((command, rest)) if command == "run" => super::run::run(rest)?,
        Some((flag, _)) if flag == "--help" || flag == "-h" => {
            print!("{USAGE}");
            return Ok(());
        }
        _ => {
            return Err(Failure::usage(
                "coverage: expected 'clone FILE' or 'run FILE' (see 'webmessaging help coverage')",
            ));
        }
    }
    print!("{}", spec::coverage_report(&spec::coverage()));
    Ok(())
}
