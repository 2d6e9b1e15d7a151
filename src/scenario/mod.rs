//! Scenarios: a small text language for driving agents, channels and ports,
//! run by `webmessaging run FILE` (see `docs/scenarios.md`).

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
