//! Scenarios: a small text language for driving agents, channels and ports,
//! run by `webmessaging run FILE` (see `docs/scenarios.md`).

mod parse;
mod run;

pub use parse::{Command, ParseError, Scenario, TransferItem, parse};
pub use run::{RunError, RunOptions, RunOutput, event_line, run};
