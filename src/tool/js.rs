//! `webmessaging js FILE.js ...`: real JavaScript through the reference.
//! The Boa engine lives in the `webmessaging-boa` crate (the library never
//! builds it), so this command builds and runs that crate's
//! `webmessaging-js` binary with the same arguments, in release mode, and
//! passes its exit status on.

use super::Failure;

/// The command's help text.
pub const USAGE: &str = "\
Usage: webmessaging js FILE.js [MORE.js ...] [--trace] [--coverage] [--timeout SECONDS]

Runs the files as classic scripts in one agent of the Boa JavaScript engine,
in order (like <script> elements of one page), with the reference's
structuredClone, MessageChannel, MessagePort, MessageEvent, Worker (each
worker on its own thread), DOMException, EventTarget, Event, timers,
queueMicrotask and console installed, then runs the event loops until the
run is idle (no agent has a task, a microtask, a timer or a message it
could receive now) or the timeout passes. A file that loads
testharness.js runs as a testharness test: failing tests are printed with
their messages, then 'N passed, M failed'. Exits non-zero on an uncaught
exception, a failing or unfinished test, or the timeout.

Options:
  --trace          print the spec steps of each structuredClone and
                   postMessage call on standard error
  --coverage       after the run, print which catalogued spec steps ran
  --timeout SECS   stop after SECS seconds (default 30)
  --help           print this help

It runs: cargo run --release -p webmessaging-boa --bin webmessaging-js -- ARGS
(the first run builds Boa, which takes a few minutes). testharness.js is
fetched by engines/boa/fetch-testharness.sh; see engines/boa/README.md.
";

/// Runs the command.
pub fn run(args: &[String]) -> Result<(), Failure> {
    if args.is_empty() || args.iter().any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return if args.is_empty() {
            Err(Failure::usage("js: no script file given"))
        } else {
            Ok(())
        };
    }
    super::check::release_binary(
        "webmessaging-boa",
        "webmessaging-js",
        args,
        "js",
        "the JavaScript run",
    )
}
