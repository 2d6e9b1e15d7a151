//! Exhaustive model checking of channel messaging with stateright: every
//! state of the reference model ([`crate::model`]) reachable in a bounded
//! universe is checked against named properties, and the implementation is
//! compared with the model on every transition from those states.
//!
//! - [`space`]: the model as a stateright `Model` over a [`Universe`];
//! - [`properties`]: the rules, each a named property with its source in
//!   the standard;
//! - `audit`, `facts`: how a transition is judged against the rules;
//! - `conformance`: the implementation replayed and compared;
//! - [`search`]: the run, its progress and its report;
//! - [`broadcast`]: the same search over the BroadcastChannel model, with
//!   its own rules, sharing the workers and the run.
//!
//! docs/model.md ("Exhaustive search") describes the bounds, what each
//! leaves out, and why there is no symmetry reduction.

mod audit;
pub mod broadcast;
mod conformance;
mod facts;
pub mod properties;
pub mod search;
pub mod space;

pub use broadcast::{BroadcastRule, BroadcastUniverse, Broadcasting, search_broadcast};
pub use properties::Rule;
pub use search::{ExhaustiveReport, Options, Progress, Violation, search};
pub use space::{Messaging, State, Universe};
