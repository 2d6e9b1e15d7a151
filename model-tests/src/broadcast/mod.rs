//! BroadcastChannel: a reference model written from the standard's
//! "Broadcasting to other browsing contexts" (plain data, no threads), and a
//! randomized check that drives the implementation (`webmessaging`'s
//! `World` and `Agent`) with the same operations and compares what script
//! observes after each one.
//!
//! - [`model`]: the reference model ([`BroadcastModel`]);
//! - [`harness`]: the implementation driven with the same operations
//!   ([`BroadcastHarness`]).
//!
//! The model's universe: agents A and B (cluster 0, storage key `k1`), C
//! (cluster 1, `k1`) and D (cluster 0, `k2`); channels of two names; text
//! messages and SharedArrayBuffers. It follows the readings of
//! spec/deviations.md's "Ambiguities" section: "source" in step 7 is the
//! posting channel, and tasks run oldest first across the world.

mod harness;
mod model;

pub use harness::BroadcastHarness;
pub(crate) use model::Task;
pub use model::{BroadcastModel, BroadcastMutation};

use crate::report::CheckReport;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use std::cell::{Cell, RefCell};

/// The agents: name, agent cluster, storage key.
pub const BROADCAST_AGENTS: [(&str, u64, &str); 4] =
    [("A", 0, "k1"), ("B", 0, "k1"), ("C", 1, "k1"), ("D", 0, "k2")];

/// The channel names used.
const NAMES: [&str; 2] = ["auth", "news"];

/// What a message holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Payload {
    /// A string, `"mN"`.
    Text(u8),
    /// A SharedArrayBuffer of the posting agent's cluster.
    Shared,
}

/// One operation. Channels are named by index among those made so far
/// (modulo their number), so every generated sequence means something.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BroadcastOp {
    /// `new BroadcastChannel(NAMES[name])` in agent `agent`.
    Create {
        /// Agent index.
        agent: usize,
        /// Name index.
        name: usize,
    },
    /// `channel.postMessage(payload)`.
    Post {
        /// Channel index.
        channel: usize,
        /// What it posts.
        payload: Payload,
    },
    /// `channel.close()`.
    Close {
        /// Channel index.
        channel: usize,
    },
    /// `channel.onmessage = …`.
    Listen {
        /// Channel index.
        channel: usize,
    },
    /// Script drops the channel.
    Forget {
        /// Channel index.
        channel: usize,
    },
    /// A garbage collection.
    Gc,
    /// The agent goes away.
    Shutdown {
        /// Agent index.
        agent: usize,
    },
    /// The oldest ready task of any agent runs.
    Step,
}

/// What script could see of one operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seen {
    /// Nothing.
    Nothing,
    /// `postMessage` returned, having queued this many tasks.
    Posted(usize),
    /// `postMessage` threw InvalidStateError.
    InvalidState,
    /// An event: agent, channel label, type, data (`shared` for a buffer).
    Event(String, String, &'static str, Option<String>),
    /// No task was ready.
    Idle,
    /// The collected channels' labels, agent by agent.
    Collected(Vec<String>),
}

fn label(index: usize) -> String {
    format!("c{index}")
}

/// The operation as a line of the scenario language.
pub fn op_line(op: BroadcastOp, channels: usize) -> String {
    let c = |i: usize| label(i % channels.max(1));
    match op {
        BroadcastOp::Create { agent, name } => {
            format!(
                "broadcast {} {} {}",
                BROADCAST_AGENTS[agent].0,
                NAMES[name],
                label(channels)
            )
        }
        BroadcastOp::Post {
            channel,
            payload: Payload::Text(n),
        } => format!("post {} \"m{n}\"", c(channel)),
        BroadcastOp::Post { channel, .. } => format!(
            "post {} {{\"root\": {{\"ref\": 0}}, \"objects\": [{{\"kind\": \"ArrayBuffer\", \"bytes\": \"01\", \"shared\": true}}]}}",
            c(channel)
        ),
        BroadcastOp::Close { channel } => format!("close {}", c(channel)),
        BroadcastOp::Listen { channel } => format!("onmessage {}", c(channel)),
        BroadcastOp::Forget { channel } => format!("forget {}", c(channel)),
        BroadcastOp::Gc => "gc".to_owned(),
        BroadcastOp::Shutdown { agent } => format!("shutdown {}", BROADCAST_AGENTS[agent].0),
        BroadcastOp::Step => "step".to_owned(),
    }
}

fn op() -> impl Strategy<Value = BroadcastOp> {
    let payload = prop_oneof![4 => (0u8..4).prop_map(Payload::Text), 1 => Just(Payload::Shared)];
    prop_oneof![
        4 => (0..4usize, 0..2usize).prop_map(|(agent, name)| BroadcastOp::Create { agent, name }),
        5 => (0..8usize, payload).prop_map(|(channel, payload)| BroadcastOp::Post { channel, payload }),
        2 => (0..8usize).prop_map(|channel| BroadcastOp::Close { channel }),
        1 => (0..8usize).prop_map(|channel| BroadcastOp::Listen { channel }),
        1 => (0..8usize).prop_map(|channel| BroadcastOp::Forget { channel }),
        1 => Just(BroadcastOp::Gc),
        1 => (0..4usize).prop_map(|agent| BroadcastOp::Shutdown { agent }),
        6 => Just(BroadcastOp::Step),
    ]
}

/// The scenario lines declaring the agents.
fn agent_lines() -> Vec<String> {
    BROADCAST_AGENTS
        .iter()
        .map(|(n, c, k)| format!("agent {n} cluster {c} storage-key {k}"))
        .collect()
}

/// `ops` as a scenario for `webmessaging run` (ops that do not apply on
/// the model left out), one line each, ending in a newline.
pub fn scenario_text(ops: &[BroadcastOp]) -> String {
    let mut model = BroadcastModel::default();
    let mut script = agent_lines();
    for &op in ops {
        let line = op_line(op, model.channels().len());
        if model.apply(op).is_some() {
            script.push(line);
        }
    }
    script.join("\n") + "\n"
}

/// Runs `ops` on the model and the implementation; the first difference,
/// with the scenario that leads to it.
pub fn check_ops(ops: &[BroadcastOp]) -> Result<(), String> {
    let mut model = BroadcastModel::default();
    let mut harness = BroadcastHarness::new();
    let mut script = agent_lines();
    for &op in ops {
        let channels = model.channels().len();
        let before = op_line(op, channels);
        let Some(expected) = model.apply(op) else { continue };
        script.push(before);
        let got = harness.apply(op, channels.max(1));
        if got != expected {
            return Err(format!(
                "{}\n# the model expected {expected:?}, the implementation gave {got:?}",
                script.join("\n")
            ));
        }
    }
    Ok(())
}

/// The check `model-check` runs: `cases` random sequences of up to 40
/// operations.
pub fn run_broadcast_check(cases: usize, seed: u64, progress: &mut dyn FnMut(usize, usize)) -> CheckReport {
    let mut report = CheckReport::new("broadcast");
    let config = Config {
        cases: u32::try_from(cases).unwrap_or(u32::MAX),
        failure_persistence: None,
        ..Config::default()
    };
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    bytes[8] = 0xbc;
    let mut runner = TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &bytes));
    let (done, operations) = (Cell::new(0usize), Cell::new(0usize));
    let progress = RefCell::new(progress);
    let outcome = runner.run(&prop::collection::vec(op(), 1..40), |ops| {
        done.set(done.get() + 1);
        operations.set(operations.get() + ops.len());
        (progress.borrow_mut())(done.get(), operations.get());
        check_ops(&ops).map_err(TestCaseError::fail)
    });
    report.cases = done.get();
    report.operations = operations.get();
    if let Err(error) = outcome {
        report.counterexamples.push(error.to_string());
    }
    report
}
