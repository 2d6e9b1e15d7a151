//! The differential oracle: the reference's `structuredClone` against
//! node's (V8's), case by case, on documents of the graph notation.
//!
//! [`translate()`] turns a document into JavaScript that builds the same
//! graph, and one long-lived node process ([`NodeProcess`]) runs it, clones,
//! and prints the outcome in the graph notation (`harness.js`).

mod node;
mod translate;

pub use node::{
    CASE_TIMEOUT, HARNESS_JS, NodeProcess, NodeReply, node_available, node_binary, node_version,
    standalone_program,
};
pub use translate::{Unsupported, translate};

use std::fmt;
use std::time::Duration;
use webmessaging::notation::NotationError;

/// Why the oracle could not run (as opposed to a case that differs).
#[derive(Clone, Debug)]
pub enum OracleError {
    /// No usable `node`.
    NodeMissing(String),
    /// Node exited or stopped reading.
    NodeCrashed(String),
    /// Node took longer than this on one case.
    Timeout(Duration),
    /// The harness failed on a case, or answered nonsense: a bug of the oracle.
    Harness(String),
    /// The reference refused the document (it describes no possible graph).
    Document(NotationError),
}

impl fmt::Display for OracleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OracleError::NodeMissing(why) => write!(f, "node not found: {why}"),
            OracleError::NodeCrashed(why) => write!(f, "node crashed: {why}"),
            OracleError::Timeout(t) => write!(f, "node took more than {t:?} on one case"),
            OracleError::Harness(why) => write!(f, "the oracle's node harness failed: {why}"),
            OracleError::Document(e) => write!(f, "the document describes no possible graph: {e}"),
        }
    }
}

impl std::error::Error for OracleError {}
