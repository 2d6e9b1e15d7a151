//! Scenarios: a small text language for driving agents, channels and ports,
//! run by `webmessaging run FILE` (see `docs/scenarios.md`).
//!
//! # Example
//!
//! [`parse`] reads the text, [`run`] runs it on the deterministic stepper
//! (or with [`RunOptions::threads`], each agent on a thread) and returns
//! the lines it printed; a line that cannot run is a [`RunError`] naming it.
//!
//! ```
//! use webmessaging::scenario::{RunOptions, parse, run};
//!
//! let scenario = parse("agent A\nchannel A p1 p2\npost p1 \"early\"\nstart p2\nrun\n")?;
//! let output = run(&scenario, &RunOptions::default())?;
//! assert_eq!(output.lines, ["A p2 message data=\"early\""]);
//!
//! let error = run(&parse("agent A\nstart nowhere\n")?, &RunOptions::default()).unwrap_err();
//! assert_eq!(error.line, 2);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod broadcast;
mod budget;
mod command;
mod context;
mod parse;
mod races;
mod run;
mod script;
mod stepper;
mod threaded;

pub use budget::{DEFAULT_MAX_MEMORY, DEFAULT_MAX_TASKS, Exhausted};
pub use command::{Command, Filter, Message, PortRef, Target, TransferItem};
pub use context::event_line;
pub use parse::{MAX_NESTING, ParseError, Scenario, parse};
pub use run::{Output, Race, RunError, RunErrorKind, RunOptions, RunOutput, RunSummary, run, run_to};
