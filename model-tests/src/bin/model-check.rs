//! `model-check`: runs the model checks and prints a summary.
//!
//! ```text
//! model-check [--cases N] [--seed S] [--json]
//! ```
//!
//! Each check of `model_tests::checks()` runs in turn (`--cases` overrides
//! every check's default case count). A progress line goes to stderr every
//! second; the summary (a table, or JSON with `--json`) goes to stdout. The
//! exit status is 1 when a check found a counterexample, 2 on bad arguments.

use model_tests::report::{Coverage, Summary};
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// The seed when none is given: fixed, so that a run repeats (and CI
/// results do not depend on the day); pass `--seed` to explore further.
const DEFAULT_SEED: u64 = 1;

const USAGE: &str = "usage: model-check [--cases N] [--seed S] [--json]

  --cases N   cases per check (default: each check's own, about a minute in all)
  --seed S    seed of the generated cases (default: fixed, so runs repeat)
  --json      print the summary as JSON";

struct Args {
    cases: Option<usize>,
    seed: Option<u64>,
    json: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        cases: None,
        seed: None,
        json: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--cases" => {
                let v = value("--cases")?;
                args.cases = Some(v.parse().map_err(|_| format!("--cases: not a number: {v}"))?);
            }
            "--seed" => {
                let v = value("--seed")?;
                args.seed = Some(v.parse().map_err(|_| format!("--seed: not a number: {v}"))?);
            }
            "--json" => args.json = true,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(args)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) if message.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("model-check: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let seed = args.seed.unwrap_or(DEFAULT_SEED);
    eprintln!("model-check: seed {seed}");
    let started = Instant::now();
    let mut reports = Vec::new();
    for check in model_tests::checks() {
        let cases = args.cases.unwrap_or(check.default_cases);
        let mut last = Instant::now();
        let mut progress = |done: usize, operations: usize| {
            if last.elapsed() >= Duration::from_secs(1) {
                last = Instant::now();
                eprintln!(
                    "model-check: {}: {done}/{cases} cases, {operations} operations, {:.0} s",
                    check.name,
                    started.elapsed().as_secs_f64()
                );
            }
        };
        let report = (check.run)(cases, seed, &mut progress);
        if let Some(why) = &report.skipped {
            eprintln!("model-check: {}: SKIPPED: {why}", report.name);
        } else {
            eprintln!(
                "model-check: {}: done, {} cases, {} operations, {} counterexamples",
                report.name,
                report.cases,
                report.operations,
                report.counterexamples.len()
            );
        }
        reports.push(report);
    }
    let summary = Summary::new(seed, started.elapsed().as_secs_f64(), reports, Coverage::now());
    if args.json {
        println!("{}", summary.to_json());
    } else {
        print!("{}", summary.to_table());
    }
    if summary.passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
