//! The differential oracle: the reference's `structuredClone` against
//! node's (V8's), case by case, on documents of the graph notation.
//!
//! For a case (a [`Document`]):
//!
//! 1. the reference builds it into a fresh [`Heap`], runs
//!    `structured_clone` with [`NoPlatformObjects`] and prints the outcome
//!    with [`clone_outcome`], exactly as `webmessaging clone` does;
//! 2. [`translate()`] turns the document into JavaScript that builds the same
//!    graph, and one long-lived node process ([`NodeProcess`]) runs it,
//!    clones, and prints the outcome in the same notation (`harness.js`);
//! 3. the outcomes are compared: clones by their printed documents and the
//!    `detached` lists, throws by the error's name (never its message, whose
//!    text is each engine's own) and, for a thrown non-Error, by the thrown
//!    value's document;
//! 4. a difference is put down to a [`Divergence`] if one recognises it,
//!    else it is unexpected.
//!
//! See `docs/oracle.md` for how to run it and for the divergences.

mod divergence;
mod generate;
mod node;
mod table;
mod translate;

pub use divergence::{Divergence, Explanation, Follows, Resolution};
pub use generate::{Cases, Generator, generated_document};
pub use node::{
    CASE_TIMEOUT, HARNESS_JS, NodeProcess, NodeReply, node_available, node_binary, node_version,
    standalone_program,
};
pub use table::{EDGE_CASES, EdgeCase, Expect};
pub use translate::{Unsupported, translate};

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;
use webmessaging::ecmascript::Heap;
use webmessaging::notation::{CloneOutcome, Document, NotationError, build, clone_outcome, parse};
use webmessaging::structured::{NoPlatformObjects, structured_clone};

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

/// How a case came out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Both outcomes are the same.
    Agree,
    /// They differ, and these known divergences (or known bugs of the
    /// reference) account for it.
    Known(Vec<Explanation>),
    /// They differ, and nothing known accounts for it.
    Unexpected,
    /// Node cannot run this document.
    Unsupported(String),
}

/// One compared case.
#[derive(Clone, Debug)]
pub struct CaseReport {
    /// Where the case came from (an edge case's name, or the seed and number).
    pub label: String,
    /// The input.
    pub document: Document,
    /// The verdict.
    pub verdict: Verdict,
    /// The reference's outcome, as the clone command prints it.
    pub reference: String,
    /// Node's outcome, in the same form (empty if node did not run it).
    pub node: String,
    /// Commands that reproduce both sides.
    pub repro: String,
}

impl fmt::Display for CaseReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "case {}: {:?}", self.label, self.verdict)?;
        writeln!(f, "input:\n{}", self.document.to_json_string())?;
        writeln!(f, "reference:\n{}", self.reference)?;
        writeln!(f, "node:\n{}", self.node)?;
        writeln!(f, "repro:\n{}", self.repro)
    }
}

/// A live oracle: a node process and the means to compare cases with it.
pub struct Oracle {
    node: NodeProcess,
    timeout: Duration,
}

impl Oracle {
    /// Starts node ([`node_binary`]); fails with
    /// [`OracleError::NodeMissing`] without one.
    pub fn start() -> Result<Oracle, OracleError> {
        Oracle::start_with(&node_binary())
    }

    /// Starts the node at `binary`.
    pub fn start_with(binary: &str) -> Result<Oracle, OracleError> {
        match node_version(binary) {
            Some(v) if v >= 20 => {}
            Some(v) => {
                return Err(OracleError::NodeMissing(format!(
                    "'{binary}' is node {v}; the oracle needs node 20 or later"
                )));
            }
            None => {
                return Err(OracleError::NodeMissing(format!(
                    "'{binary}' does not run (install node 20 or later, or set ORACLE_NODE to one)"
                )));
            }
        }
        Ok(Oracle {
            node: NodeProcess::start(binary)?,
            timeout: CASE_TIMEOUT,
        })
    }

    /// Sets how long node may take on one case.
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
        self.node.set_timeout(timeout);
    }

    /// Node's outcome for a document, or why node cannot run it.
    pub fn node_outcome(&mut self, doc: &Document) -> Result<Result<CloneOutcome, String>, OracleError> {
        let code = match translate(doc) {
            Ok(code) => code,
            Err(Unsupported(why)) => return Ok(Err(why)),
        };
        match self.node.run(&code)? {
            NodeReply::Outcome(json) => outcome_from_json(&json).map(Ok).map_err(|e| {
                OracleError::Harness(format!("node's outcome is not in the notation: {e}\n{json}"))
            }),
            NodeReply::Unsupported(why) => Ok(Err(why)),
        }
    }

    /// Compares one case. After a crash or timeout node is restarted, so
    /// the next case can run.
    pub fn compare(&mut self, label: &str, doc: &Document) -> Result<CaseReport, OracleError> {
        let result = self.compare_inner(label, doc);
        if matches!(result, Err(OracleError::NodeCrashed(_) | OracleError::Timeout(_))) {
            let binary = self.node.binary().to_owned();
            self.node = NodeProcess::start(&binary)?;
            self.node.set_timeout(self.timeout);
        }
        result
    }

    fn compare_inner(&mut self, label: &str, doc: &Document) -> Result<CaseReport, OracleError> {
        let reference = reference_outcome(doc)?;
        let mut report = CaseReport {
            label: label.to_owned(),
            document: doc.clone(),
            verdict: Verdict::Agree,
            reference: reference.to_json_string(),
            node: String::new(),
            repro: repro(doc),
        };
        let node = match self.node_outcome(doc)? {
            Ok(node) => node,
            Err(why) => {
                report.verdict = Verdict::Unsupported(why);
                return Ok(report);
            }
        };
        report.node = node.to_json_string();
        report.verdict = self.classify(doc, reference, node)?;
        Ok(report)
    }

    /// Agreement, known divergences (applied one after another, each on the
    /// input its predecessor neutralised) or unexpected.
    fn classify(
        &mut self,
        doc: &Document,
        mut reference: CloneOutcome,
        mut node: CloneOutcome,
    ) -> Result<Verdict, OracleError> {
        let mut doc = doc.clone();
        let mut hits = Vec::new();
        loop {
            if agree(&reference, &node) {
                return Ok(if hits.is_empty() {
                    Verdict::Agree
                } else {
                    Verdict::Known(hits)
                });
            }
            let found = Explanation::all()
                .filter(|d| !hits.contains(d))
                .find_map(|d| d.detect(&doc, &reference, &node).map(|r| (d, r)));
            match found {
                None => return Ok(Verdict::Unexpected),
                Some((d, Resolution::Explained)) => {
                    hits.push(d);
                    return Ok(Verdict::Known(hits));
                }
                Some((d, Resolution::Rerun(neutralised))) => {
                    hits.push(d);
                    doc = neutralised;
                    reference = reference_outcome(&doc)?;
                    node = match self.node_outcome(&doc)? {
                        Ok(node) => node,
                        Err(_) => return Ok(Verdict::Unexpected),
                    };
                }
            }
        }
    }
}

/// What `webmessaging clone` prints for the document, as a value.
pub fn reference_outcome(doc: &Document) -> Result<CloneOutcome, OracleError> {
    let mut heap = Heap::default();
    let built = build(doc, &mut heap).map_err(OracleError::Document)?;
    let result = structured_clone(
        &mut heap,
        &mut NoPlatformObjects,
        built.root.clone(),
        &built.transfer,
    );
    Ok(clone_outcome(&heap, &built.objects, &result))
}

/// Reads an outcome in the clone command's JSON form.
pub fn outcome_from_json(json: &serde_json::Value) -> Result<CloneOutcome, String> {
    if let Some(result) = json.get("result") {
        let result = Document::from_json(result).map_err(|e| e.to_string())?;
        let detached = json["detached"]
            .as_array()
            .ok_or("missing \"detached\"")?
            .iter()
            .map(|i| {
                i.as_u64()
                    .map(|i| i as usize)
                    .ok_or("a detached index is not an index")
            })
            .collect::<Result<_, _>>()?;
        return Ok(CloneOutcome::Cloned { result, detached });
    }
    let error = json.get("error").ok_or("neither \"result\" nor \"error\"")?;
    let text = |field: &str| {
        error[field]
            .as_str()
            .map(str::to_owned)
            .ok_or(format!("missing error.{field}"))
    };
    let thrown = match error.get("thrown") {
        None => None,
        Some(root) => {
            let objects = error.get("objects").cloned().unwrap_or(serde_json::json!([]));
            let doc = serde_json::json!({ "root": root, "objects": objects });
            Some(Document::from_json(&doc).map_err(|e| e.to_string())?)
        }
    };
    Ok(CloneOutcome::Threw {
        name: text("name")?,
        message: text("message")?,
        thrown,
    })
}

/// Whether two outcomes are the same, error messages aside.
pub fn agree(a: &CloneOutcome, b: &CloneOutcome) -> bool {
    match (a, b) {
        (
            CloneOutcome::Cloned {
                result: ra,
                detached: da,
            },
            CloneOutcome::Cloned {
                result: rb,
                detached: db,
            },
        ) => da == db && ra.to_json_string() == rb.to_json_string(),
        (
            CloneOutcome::Threw {
                name: na, thrown: ta, ..
            },
            CloneOutcome::Threw {
                name: nb, thrown: tb, ..
            },
        ) => {
            na == nb && ta.as_ref().map(Document::to_json_string) == tb.as_ref().map(Document::to_json_string)
        }
        _ => false,
    }
}

/// The document on one line, for a shell command.
pub fn one_line(doc: &Document) -> String {
    let text = doc.to_json_string();
    serde_json::from_str::<serde_json::Value>(&text).map_or(text, |v| v.to_string())
}

/// Commands that reproduce a case: the reference through the CLI, and node
/// through a standalone program written to the temporary directory.
pub fn repro(doc: &Document) -> String {
    let quoted = one_line(doc).replace('\'', r"'\''");
    let mut lines = vec![format!("echo '{quoted}' | cargo run -q -- clone -")];
    match translate(doc) {
        Ok(code) => {
            let program = standalone_program(&code);
            let hash = program.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
            });
            let path = std::env::temp_dir().join(format!("webmessaging-oracle-{hash:016x}.js"));
            match std::fs::write(&path, program) {
                Ok(()) => lines.push(format!("TZ=UTC {} {}", node_binary(), path.display())),
                Err(e) => lines.push(format!(
                    "(could not write the node program to {}: {e})",
                    path.display()
                )),
            }
        }
        Err(why) => lines.push(format!("(node cannot run it: {why})")),
    }
    lines.join("\n")
}

/// What [`run_oracle`] found.
#[derive(Clone, Debug, Default)]
pub struct OracleReport {
    /// Cases run on both sides (agreements, known divergences, unexpected).
    pub compared: usize,
    /// Cases with the same outcome.
    pub agreements: usize,
    /// Cases explained by known divergences (or known reference bugs),
    /// counted per explanation (a case may count under several).
    pub known: BTreeMap<Explanation, usize>,
    /// Cases whose outcomes differ without explanation, or on which the
    /// oracle itself failed, with everything needed to reproduce them.
    pub unexpected: Vec<CaseReport>,
    /// Cases node cannot run, with why.
    pub unsupported: Vec<(String, String)>,
}

impl OracleReport {
    /// Counts one case in.
    pub fn add(&mut self, case: CaseReport) {
        match &case.verdict {
            Verdict::Agree => {
                self.compared += 1;
                self.agreements += 1;
            }
            Verdict::Known(hits) => {
                self.compared += 1;
                for d in hits {
                    *self.known.entry(*d).or_default() += 1;
                }
            }
            Verdict::Unexpected => {
                self.compared += 1;
                self.unexpected.push(case);
            }
            Verdict::Unsupported(why) => self.unsupported.push((case.label, why.clone())),
        }
    }

    /// Cases explained by a known divergence.
    pub fn known_total(&self) -> usize {
        self.compared - self.agreements - self.unexpected.len()
    }
}

impl fmt::Display for OracleReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "oracle: {} compared, {} agree, {} known divergences, {} unexpected, {} unsupported",
            self.compared,
            self.agreements,
            self.known_total(),
            self.unexpected.len(),
            self.unsupported.len()
        )?;
        for (e, n) in &self.known {
            let Explanation::Divergence(d) = e;
            let step = d.step();
            writeln!(f, "  known {:<34} {n:>6}  ({step})", e.name())?;
        }
        Ok(())
    }
}

/// Runs the edge-case table and then `cases` generated documents (seeded by
/// `seed`) through both sides. `progress(done, total)` is called after each
/// case. Fails only if the oracle cannot run at all (no node, or node dies
/// and will not restart); differing cases are in the report.
pub fn run_oracle(
    cases: usize,
    seed: u64,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<OracleReport, OracleError> {
    let mut oracle = Oracle::start()?;
    let mut report = OracleReport::default();
    let total = EDGE_CASES.len() + cases;
    let mut done = 0;
    let one = |oracle: &mut Oracle, report: &mut OracleReport, label: String, doc: &Document| {
        let case = match oracle.compare(&label, doc) {
            Ok(case) => case,
            Err(OracleError::NodeMissing(why)) => return Err(OracleError::NodeMissing(why)),
            // A failure of the oracle on one case is reported with the case.
            Err(e) => CaseReport {
                label: format!("{label} (oracle failure: {e})"),
                document: doc.clone(),
                verdict: Verdict::Unexpected,
                reference: reference_outcome(doc)
                    .map(|o| o.to_json_string())
                    .unwrap_or_default(),
                node: e.to_string(),
                repro: repro(doc),
            },
        };
        report.add(case);
        Ok(())
    };
    for case in EDGE_CASES {
        let doc = parse(case.document).map_err(OracleError::Document)?;
        one(
            &mut oracle,
            &mut report,
            format!("edge case '{}'", case.name),
            &doc,
        )?;
        done += 1;
        progress(done, total);
    }
    let mut generator = Cases::new(seed);
    for n in 0..cases {
        let doc = generator.next_document();
        one(&mut oracle, &mut report, format!("seed {seed} case {n}"), &doc)?;
        done += 1;
        progress(done, total);
    }
    Ok(report)
}

/// [`run_oracle`] as an entry of [`crate::checks`]: the edge-case table and
/// `cases` generated cases. Without node the check says so and counts as
/// skipped, never as passed silently.
pub fn run_oracle_check(
    cases: usize,
    seed: u64,
    progress: &mut dyn FnMut(usize, usize),
) -> crate::CheckReport {
    let mut report = crate::CheckReport {
        name: "node oracle".to_owned(),
        ..crate::CheckReport::default()
    };
    match run_oracle(cases, seed, progress) {
        Ok(oracle) => {
            report.cases = oracle.compared + oracle.unsupported.len();
            report.operations = oracle.compared;
            report.counterexamples = oracle.unexpected.iter().map(|c| c.to_string()).collect();
            let known: Vec<String> = oracle
                .known
                .iter()
                .map(|(k, n)| format!("{} {n}", k.name()))
                .collect();
            report.extra_lines.push(format!(
                "oracle: {} compared, {} agreements, {} known divergences hit ({}), {} unexpected differences, {} unsupported",
                oracle.compared,
                oracle.agreements,
                oracle.known.values().sum::<usize>(),
                known.join(", "),
                oracle.unexpected.len(),
                oracle.unsupported.len()
            ));
        }
        Err(OracleError::NodeMissing(why)) => {
            report.skipped = Some(format!(
                "node not found ({why}): the differential oracle was SKIPPED"
            ));
        }
        Err(e) => report
            .counterexamples
            .push(format!("the oracle could not run: {e}")),
    }
    report
}
