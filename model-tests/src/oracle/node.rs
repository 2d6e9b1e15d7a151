//! The node side: one long-lived `node` process running `harness.js`, fed
//! one case per line on stdin and answering one line per case on stdout.

use super::OracleError;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::thread;
use std::time::Duration;

/// The harness script (`harness.js`, then `printing.js`): builds a case,
/// runs `structuredClone`, prints the outcome in the graph notation.
pub const HARNESS_JS: &str = concat!(include_str!("harness.js"), "\n", include_str!("printing.js"));

/// How long one case may take before node is taken to hang.
pub const CASE_TIMEOUT: Duration = Duration::from_secs(20);

/// The node binary: `$ORACLE_NODE`, else `node` on the PATH.
pub fn node_binary() -> String {
    std::env::var("ORACLE_NODE").unwrap_or_else(|_| "node".to_owned())
}

/// Whether a `node` that can run the oracle is installed: it runs, and its
/// major version is at least 20 (resizable buffers, `isWellFormed`).
pub fn node_available() -> bool {
    node_version(&node_binary()).is_some_and(|v| v >= 20)
}

/// The major version of the node at `binary`, if it runs.
pub fn node_version(binary: &str) -> Option<u32> {
    let output = Command::new(binary).arg("--version").output().ok()?;
    let text = String::from_utf8(output.stdout).ok()?;
    text.trim().strip_prefix('v')?.split('.').next()?.parse().ok()
}

/// What node answered for one case.
#[derive(Clone, Debug)]
pub enum NodeReply {
    /// The outcome, as JSON in the clone command's format.
    Outcome(serde_json::Value),
    /// Node could not build the graph (a kind or state it cannot make).
    Unsupported(String),
}

/// A running harness.
pub struct NodeProcess {
    binary: String,
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<String>,
    stderr: Receiver<String>,
    next_id: u64,
    timeout: Duration,
}

impl NodeProcess {
    /// Starts `binary` (a node) with the harness, serving cases.
    pub fn start(binary: &str) -> Result<NodeProcess, OracleError> {
        let mut child = Command::new(binary)
            .arg("-e")
            .arg(HARNESS_JS)
            .env("ORACLE_SERVE", "1")
            // Date's toString (reachable as an Error message) reads the time zone.
            .env("TZ", "UTC")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| OracleError::NodeMissing(format!("cannot run '{binary}': {e}")))?;
        let (Some(stdin), Some(stdout), Some(mut stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            return Err(OracleError::NodeCrashed("node's pipes are missing".to_owned()));
        };
        let (line_tx, lines) = channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if line_tx.send(line).is_err() {
                    break;
                }
            }
        });
        let (err_tx, stderr_rx) = channel();
        thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            let _ = err_tx.send(text);
        });
        Ok(NodeProcess {
            binary: binary.to_owned(),
            child,
            stdin,
            lines,
            stderr: stderr_rx,
            next_id: 0,
            timeout: CASE_TIMEOUT,
        })
    }

    /// The node binary this process runs.
    pub fn binary(&self) -> &str {
        &self.binary
    }

    /// Sets the per-case timeout.
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }

    /// Runs one case's code (a function body of `H`) and returns node's answer.
    pub fn run(&mut self, code: &str) -> Result<NodeReply, OracleError> {
        self.next_id += 1;
        let id = self.next_id;
        let request = serde_json::json!({ "id": id, "code": code });
        let written = writeln!(self.stdin, "{request}").and_then(|()| self.stdin.flush());
        if written.is_err() {
            return Err(self.crashed("node stopped reading its input"));
        }
        let line = match self.lines.recv_timeout(self.timeout) {
            Ok(line) => line,
            Err(RecvTimeoutError::Timeout) => {
                let _ = self.child.kill();
                let _ = self.child.wait();
                return Err(OracleError::Timeout(self.timeout));
            }
            Err(RecvTimeoutError::Disconnected) => return Err(self.crashed("node exited")),
        };
        let reply: serde_json::Value = serde_json::from_str(&line)
            .map_err(|e| OracleError::Harness(format!("unreadable reply {line:?}: {e}")))?;
        if reply["id"].as_u64() != Some(id) {
            return Err(OracleError::Harness(format!("reply for another case: {line}")));
        }
        if let Some(outcome) = reply.get("outcome") {
            Ok(NodeReply::Outcome(outcome.clone()))
        } else if let Some(why) = reply.get("unsupported").and_then(|v| v.as_str()) {
            Ok(NodeReply::Unsupported(why.to_owned()))
        } else {
            let why = reply
                .get("harness_error")
                .and_then(|v| v.as_str())
                .unwrap_or(&line);
            Err(OracleError::Harness(why.to_owned()))
        }
    }

    /// The crash error, with what node wrote on stderr.
    fn crashed(&mut self, what: &str) -> OracleError {
        let _ = self.child.kill();
        let status = self.child.wait().map(|s| s.to_string()).unwrap_or_default();
        let stderr = self
            .stderr
            .recv_timeout(Duration::from_secs(2))
            .unwrap_or_default();
        OracleError::NodeCrashed(format!("{what} ({status}); its stderr:\n{stderr}"))
    }
}

impl Drop for NodeProcess {
    fn drop(&mut self) {
        // This process is ours: stop it by its handle.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A standalone program for one case: the harness, then the case, printing
/// node's outcome line. Written to a file for repro commands.
pub fn standalone_program(code: &str) -> String {
    format!("{HARNESS_JS}\nreply(0, function (H) {{\n{code}}});\n")
}
