//! The differential oracle against node's `structuredClone` (see
//! docs/oracle.md): the hand-written edge cases, then generated documents.
//!
//! Without node these tests say so loudly on the terminal and return; set
//! ORACLE_REQUIRE_NODE=1 to make a missing node a failure instead.
//! ORACLE_CASES (default 2000) and ORACLE_SEED choose the generated cases.

use model_tests::oracle::{
    Cases, EDGE_CASES, Expect, Explanation, Oracle, OracleError, Verdict, node_available, run_oracle,
};
use std::io::Write;
use std::time::Instant;
use webmessaging::notation::parse;

/// Writes past the test harness's output capture, so that it is always seen.
fn loud(text: &str) {
    let _ = writeln!(std::io::stderr(), "{text}");
}

/// The oracle, or None (after saying so) when there is no node.
fn oracle() -> Option<Oracle> {
    match Oracle::start() {
        Ok(oracle) => Some(oracle),
        Err(OracleError::NodeMissing(why)) => {
            if std::env::var("ORACLE_REQUIRE_NODE").is_ok_and(|v| v == "1") {
                panic!("node not found and ORACLE_REQUIRE_NODE=1: {why}");
            }
            loud(&format!(
                "\n==================================================================\n\
                 node not found: the differential oracle was SKIPPED\n({why})\n\
                 ==================================================================\n"
            ));
            None
        }
        Err(e) => panic!("the oracle cannot start: {e}"),
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(text) => text
            .parse()
            .unwrap_or_else(|_| panic!("{name}={text:?} is not a number")),
        Err(_) => default,
    }
}

#[test]
fn edge_cases_match_their_expectations() {
    let Some(mut oracle) = oracle() else { return };
    assert!(EDGE_CASES.len() >= 40, "the table has {} cases", EDGE_CASES.len());
    let mut failures = Vec::new();
    for case in EDGE_CASES {
        let doc = parse(case.document).unwrap_or_else(|e| panic!("edge case '{}': {e}", case.name));
        let report = oracle
            .compare(case.name, &doc)
            .unwrap_or_else(|e| panic!("edge case '{}': {e}", case.name));
        let ok = match (&case.expect, &report.verdict) {
            (Expect::Agree, Verdict::Agree) => true,
            (Expect::Known(d), Verdict::Known(hits)) => hits == &[Explanation::Divergence(*d)],
            (Expect::Unsupported, Verdict::Unsupported(_)) => true,
            _ => false,
        };
        if !ok {
            failures.push(format!("expected {:?}\n{report}", case.expect));
        }
    }
    assert!(
        failures.is_empty(),
        "{} edge case(s) did not come out as expected:\n\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn generated_cases_agree_with_node() {
    let Some(mut oracle) = oracle() else { return };
    let cases = env_number("ORACLE_CASES", 2000) as usize;
    let seed = env_number("ORACLE_SEED", 0x5EED_0F0A);
    let start = Instant::now();
    let mut generator = Cases::new(seed);
    let mut unexpected = Vec::new();
    let (mut agree, mut known, mut unsupported) = (0, 0, 0);
    for n in 0..cases {
        let doc = generator.next_document();
        let label = format!("ORACLE_SEED={seed} case {n}");
        let report = oracle
            .compare(&label, &doc)
            .unwrap_or_else(|e| panic!("{label}: {e}"));
        match report.verdict {
            Verdict::Agree => agree += 1,
            Verdict::Known(_) => known += 1,
            Verdict::Unsupported(_) => unsupported += 1,
            Verdict::Unexpected => unexpected.push(report),
        }
    }
    loud(&format!(
        "oracle: {cases} generated cases (seed {seed}) in {:.1?}: {agree} agree, {known} known divergences, \
         {} unexpected, {unsupported} unsupported",
        start.elapsed(),
        unexpected.len()
    ));
    let shown: Vec<String> = unexpected.iter().take(5).map(|r| r.to_string()).collect();
    assert!(
        unexpected.is_empty(),
        "{} generated case(s) differ from node without a known reason; the first {}:\n\n{}",
        unexpected.len(),
        shown.len(),
        shown.join("\n")
    );
    // Half the cases come from the oracle's own generator, which stays
    // within what node can build; the other half from the shared strategies,
    // which also say things node cannot (Float16Array, platform objects,
    // views past their buffer, detach keys...). Most must still compare.
    assert!(
        unsupported * 3 <= cases,
        "{unsupported} of {cases} generated cases are unsupported: a generator drifted"
    );
}

#[test]
fn run_oracle_reports_every_case() {
    if !node_available() {
        let _ = oracle();
        return;
    }
    let mut calls = 0;
    let report = run_oracle(30, 1, &mut |done, total| {
        calls += 1;
        assert!(done <= total);
    })
    .expect("the oracle runs");
    assert_eq!(calls, EDGE_CASES.len() + 30);
    assert_eq!(report.compared + report.unsupported.len(), EDGE_CASES.len() + 30);
    assert_eq!(
        report.agreements + report.known_total() + report.unexpected.len(),
        report.compared
    );
    assert!(
        report.unexpected.is_empty(),
        "{}",
        report
            .unexpected
            .iter()
            .map(|r| r.to_string())
            .collect::<String>()
    );
    // The edge table alone hits every known divergence and reference bug.
    assert_eq!(report.known.len(), Explanation::all().count(), "{report}");
}

#[test]
fn a_missing_node_is_a_clear_error() {
    match Oracle::start_with("/nonexistent/node-for-the-oracle") {
        Err(OracleError::NodeMissing(why)) => assert!(why.contains("does not run"), "{why}"),
        Err(e) => panic!("expected NodeMissing, got {e}"),
        Ok(_) => panic!("a missing node started"),
    }
}
