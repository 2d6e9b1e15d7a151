//! `webmessaging check`: the model checks. They live in the `model-tests`
//! crate (proptest and friends stay out of this package's dependencies), so
//! this command builds and runs its `model-check` binary with the same
//! arguments, in release mode, and passes its exit status on.

use super::Failure;
use std::path::Path;
use std::process::Command;

/// The command's help text.
pub const USAGE: &str = "\
Usage: webmessaging check [--cases N] [--seed S] [--json] [BOUNDS]
       webmessaging check --exhaustive [BOUNDS] [--json]

Runs the model checks: the channel-messaging state machine against the
independent reference model, the structured-clone properties over generated
graphs, when node is installed the differential oracle against V8, and the
exhaustive search: every state of the reference model reachable within a
bounded universe checked against named properties, with the implementation
compared on every transition. Shows progress on standard error and ends
with a summary table (cases, operations, counterexamples as replayable
scenarios, spec coverage) and the line
`exhaustive: S states, depth D, P properties, V violations`.
Exits non-zero when a check fails.

Options:
  --cases N       cases per check (default: sized for about a minute in all)
  --seed S        seed of the generators (default: fixed, so runs repeat)
  --json          print the summary as JSON
  --exhaustive    run only the exhaustive search, over BOUNDS
  --help          print this help

BOUNDS (defaults: the bound plain `check` runs):
  --depth N       every state reached in at most N operations
  --unbounded     no depth bound: until no new state is found
  --agents A      agents (A, B, C...)      --clusters K   agent clusters
  --channels C    channels created         --messages M   messages in flight
  --ports P       port objects and ports in flight
  --transfer T    ports per transfer list  --listeners L  listeners per type
  --workers W     threads comparing the implementation (0: model only)
  --mutation NAME a deliberately broken model, to see a counterexample

It runs: cargo run --release -p model-tests --bin model-check -- ARGS
";

/// Runs the command.
pub fn run(args: &[String]) -> Result<(), Failure> {
    if args.iter().any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return Ok(());
    }
    release_binary("model-tests", "model-check", args, "check", "the model checks")
}

/// Builds and runs the binary `bin` of the workspace package `package` in
/// release mode with `args` (`cargo run --release`), passing its exit status
/// on; `command` and `what` name it in messages.
pub(super) fn release_binary(
    package: &str,
    bin: &str,
    args: &[String],
    command: &str,
    what: &str,
) -> Result<(), Failure> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args([
            "run",
            "--quiet",
            "--release",
            "-p",
            package,
            "--bin",
            bin,
            "--manifest-path",
        ])
        .arg(&manifest)
        .arg("--")
        .args(args)
        .status()
        .map_err(|e| Failure::internal(format!("{command}: cannot start cargo to run {what}: {e}")))?;
    match status.code() {
        Some(0) => Ok(()),
        Some(code) => Err(Failure {
            message: format!("{command}: {what} failed (exit status {code})"),
            code,
        }),
        None => Err(Failure::internal(format!(
            "{command}: {what} was killed by a signal"
        ))),
    }
}
