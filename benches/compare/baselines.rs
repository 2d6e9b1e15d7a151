//! `--baselines`: the rates docs/fuzzing.md and the README quote, measured
//! again: `check`'s operations per second (its `model-check` binary, run
//! with fewer cases) and each fuzz target's executions per second (stable
//! `cargo fuzz run -s none` from the committed seeds). These have no node
//! side; compare them with the figures in the docs.

use std::fmt::Write;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

/// Cases per check: the state machine alone runs a few seconds.
const CHECK_CASES: &str = "20000";
/// Seconds per fuzz target.
const FUZZ_SECONDS: u32 = 20;
const FUZZ_TARGETS: [&str; 3] = ["clone_transfer", "decode_record", "port_ops"];

pub fn run() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = String::new();
    let _ = writeln!(out, "| baseline | rate | how |");
    let _ = writeln!(out, "|---|---:|---|");
    match check_rates(root) {
        Ok(rows) => {
            for (name, rate, how) in rows {
                let _ = writeln!(out, "| {name} | {rate:.0}/s | {how} |");
            }
        }
        Err(why) => {
            let _ = writeln!(out, "| check | – | not run: {why} |");
        }
    }
    for target in FUZZ_TARGETS {
        match fuzz_rate(root, target) {
            Ok(rate) => {
                let _ = writeln!(
                    out,
                    "| fuzz {target} | {rate:.0} exec/s | cargo fuzz run -s none, from the seeds, {FUZZ_SECONDS} s |"
                );
            }
            Err(why) => {
                let _ = writeln!(out, "| fuzz {target} | – | not run: {why} |");
            }
        }
    }
    out
}

/// Runs model-check and times each check by when its "done" line appears.
fn check_rates(root: &Path) -> Result<Vec<(String, f64, String)>, String> {
    let build = Command::new("cargo")
        .args([
            "build",
            "--release",
            "-q",
            "-p",
            "model-tests",
            "--bin",
            "model-check",
        ])
        .current_dir(root)
        .status()
        .map_err(|e| e.to_string())?;
    if !build.success() {
        return Err("model-check did not build".to_owned());
    }
    let mut child = Command::new(root.join("target/release/model-check"))
        .args(["--cases", CHECK_CASES])
        .current_dir(root)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    let stderr = child.stderr.take().ok_or("no stderr")?;
    let mut last = Instant::now();
    let mut rows = Vec::new();
    for line in BufReader::new(stderr).lines().map_while(Result::ok) {
        // "model-check: NAME: done, C cases, O operations, K counterexamples"
        let Some(rest) = line.strip_prefix("model-check: ") else {
            continue;
        };
        let Some((name, done)) = rest.split_once(": done, ") else {
            if rest.starts_with("seed") {
                last = Instant::now();
            }
            continue;
        };
        let seconds = last.elapsed().as_secs_f64();
        last = Instant::now();
        let number = |unit: &str| {
            done.split(", ")
                .find_map(|part| part.strip_suffix(unit)?.trim().parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        let (cases, operations) = (number(" cases"), number(" operations"));
        rows.push((
            format!("check: {name}"),
            operations / seconds,
            format!("operations/s ({cases:.0} cases, {operations:.0} operations in {seconds:.1} s)"),
        ));
    }
    child.wait().map_err(|e| e.to_string())?;
    Ok(rows)
}

/// The last `exec/s` libFuzzer prints in a short stable run.
fn fuzz_rate(root: &Path, target: &str) -> Result<f64, String> {
    let scratch = std::env::temp_dir().join(format!("webmessaging-bench-corpus-{target}"));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).map_err(|e| e.to_string())?;
    let output = Command::new("cargo")
        .args(["fuzz", "run", "-s", "none", "-O", target])
        .arg(&scratch)
        .arg(root.join("fuzz/corpus").join(target))
        .args(["--", &format!("-max_total_time={FUZZ_SECONDS}")])
        .current_dir(root)
        .output()
        .map_err(|e| format!("cargo fuzz: {e}"))?;
    let _ = std::fs::remove_dir_all(&scratch);
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        let last = stderr.lines().last().unwrap_or("").to_owned();
        return Err(format!("cargo fuzz failed (is cargo-fuzz installed?): {last}"));
    }
    stderr
        .lines()
        .filter_map(|l| {
            l.split("exec/s: ")
                .nth(1)?
                .split_whitespace()
                .next()?
                .parse::<f64>()
                .ok()
        })
        .next_back()
        .ok_or_else(|| "no exec/s in libFuzzer's output".to_owned())
}
