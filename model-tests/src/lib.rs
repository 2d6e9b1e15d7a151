//! Model checks of the webmessaging reference.
//!
//! - [`model`]: a reference model of channel messaging, written from the
//!   standard independently of `webmessaging::messaging`;
//! - [`scenario`]: the operations both are driven with, printed in the
//!   scenario language of `webmessaging run`;
//! - [`harness`]: drives the implementation through its public API;
//! - [`state_machine`]: the proptest state machine that compares the two;
//! - [`exhaustive`]: every state of a bounded universe of the model checked
//!   with stateright, and the implementation compared on every transition;
//! - [`report`]: what a check reports and the `model-check` summary;
//! - [`graphs`]: proptest strategies of graph-notation documents;
//! - [`predicate`]: the outcome of `structuredClone` predicted from the
//!   standard, independently of `webmessaging::structured`;
//! - [`broadcast`]: a reference model of BroadcastChannel and the check
//!   that compares it with the implementation;
//! - [`clone_checks`]: the clone properties, runnable outside the test harness;
//! - [`oracle`]: the differential oracle against node's `structuredClone` (V8).
//!
//! `model-check` (src/bin) runs every entry of [`checks`].

pub mod broadcast;
pub mod clone_checks;
pub mod exhaustive;
pub mod graphs;
pub mod harness;
pub mod model;
pub mod oracle;
pub mod predicate;
pub mod report;
pub mod scenario;
pub mod state_machine;

pub use report::{Check, CheckReport};
pub use state_machine::run_state_machine;

/// The checks `model-check` runs, in order; add a check by adding an entry
/// whose `run` returns its [`CheckReport`].
pub fn checks() -> Vec<Check> {
    vec![
        Check {
            name: "state machine",
            default_cases: 250_000,
            run: run_state_machine,
        },
        Check {
            name: "broadcast",
            default_cases: 20_000,
            run: broadcast::run_broadcast_check,
        },
        Check {
            name: "clone properties",
            default_cases: 30_000,
            run: clone_checks::run_clone_check,
        },
        Check {
            name: "node oracle",
            default_cases: 5_000,
            run: oracle::run_oracle_check,
        },
    ]
}
