//! Model checks of the webmessaging reference.
//!
//! - [`model`]: a reference model of channel messaging, written from the
//!   standard independently of `webmessaging::messaging`;
//! - [`scenario`]: the operations both are driven with, printed in the
//!   scenario language of `webmessaging run`;
//! - [`harness`]: drives the implementation through its public API;
//! - [`state_machine`]: the proptest state machine that compares the two;
//! - [`report`]: what a check reports and the `model-check` summary.

pub mod harness;
pub mod model;
pub mod report;
pub mod scenario;
pub mod state_machine;

pub use report::CheckReport;
pub use state_machine::run_state_machine;
