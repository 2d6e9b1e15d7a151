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
/// The last commit before issue 11's performance work.
const BEFORE_ISSUE_11: &str = "878eba0";
/// Replays of each fixed input per measurement (libFuzzer reports whole
/// milliseconds per input, so each input runs for tens of them), and
/// measurements, taken alternately with `BASELINE_TREE`'s; the row shows
/// their median.
const fn replay_runs(target: &str) -> u32 {
    match target.as_bytes() {
        b"decode_record" => 5000,
        b"clone_transfer" => 2000,
        _ => 300,
    }
}
const REPLAY_ROUNDS: usize = 3;

pub fn run() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = String::new();
    let _ = writeln!(out, "| baseline | rate | how |");
    let _ = writeln!(out, "|---|---:|---|");
    let old_tree = std::env::var_os("BASELINE_TREE").map(std::path::PathBuf::from);
    let mut trees = vec![(root, "")];
    if let Some(tree) = &old_tree {
        trees.push((tree.as_path(), BEFORE_ISSUE_11));
    }
    for (tree, label) in trees {
        // The old tree's first check (the state machine) is the one to compare.
        match check_rates(tree, !label.is_empty()) {
            Ok(rows) => {
                for (name, rate, how) in rows {
                    let at = if label.is_empty() {
                        String::new()
                    } else {
                        format!(" at {label}")
                    };
                    let _ = writeln!(out, "| {name}{at} | {rate:.0}/s | {how} |");
                }
            }
            Err(why) => {
                let _ = writeln!(out, "| check | – | not run in {}: {why} |", tree.display());
            }
        }
    }
    for target in FUZZ_TARGETS {
        match replay_rates(root, old_tree.as_deref(), target) {
            Ok((new, old, inputs)) => {
                let how = format!(
                    "fixed replay: the {inputs} seeds of {BEFORE_ISSUE_11}, {} times each, -s none, median of {REPLAY_ROUNDS}",
                    replay_runs(target)
                );
                let versus = old.map_or(String::new(), |old| {
                    format!(
                        "; {BEFORE_ISSUE_11} on the same inputs: {old:.0} exec/s, ratio {:.2}x",
                        new / old
                    )
                });
                let _ = writeln!(
                    out,
                    "| fuzz {target} (replay) | {new:.0} exec/s | {how}{versus} |"
                );
            }
            Err(why) => {
                let _ = writeln!(out, "| fuzz {target} (replay) | – | not run: {why} |");
            }
        }
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

/// Runs model-check and times each check by when its "done" line appears;
/// with `first_only`, stops after the first check.
fn check_rates(root: &Path, first_only: bool) -> Result<Vec<(String, f64, String)>, String> {
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
        if first_only {
            let _ = child.kill();
            break;
        }
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

/// Executions per second replaying the fixed inputs in this tree and, when
/// given, in the old tree (alternately, medians), and how many inputs.
fn replay_rates(
    root: &Path,
    old_tree: Option<&Path>,
    target: &str,
) -> Result<(f64, Option<f64>, usize), String> {
    let names = seed_names(root, target)?;
    let (mut new, mut old) = (Vec::new(), Vec::new());
    for round in 0..REPLAY_ROUNDS {
        // The first side alternates from round to round.
        if round % 2 == 1
            && let Some(tree) = old_tree
        {
            old.push(replay_rate(tree, target, &names)?);
        }
        new.push(replay_rate(root, target, &names)?);
        if round % 2 == 0
            && let Some(tree) = old_tree
        {
            old.push(replay_rate(tree, target, &names)?);
        }
    }
    Ok((median(new), old_tree.map(|_| median(old)), names.len()))
}

fn median(mut rates: Vec<f64>) -> f64 {
    rates.sort_by(f64::total_cmp);
    rates[rates.len() / 2]
}

/// The names of the target's seeds at [`BEFORE_ISSUE_11`].
fn seed_names(root: &Path, target: &str) -> Result<Vec<String>, String> {
    let output = Command::new("git")
        .args(["ls-tree", "--name-only", BEFORE_ISSUE_11])
        .arg(format!("fuzz/corpus/{target}/"))
        .current_dir(root)
        .output()
        .map_err(|e| format!("git: {e}"))?;
    let names: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|path| Some(path.rsplit_once('/')?.1.to_owned()))
        .collect();
    if !output.status.success() || names.is_empty() {
        return Err(format!("no seeds of {BEFORE_ISSUE_11} (a shallow clone?)"));
    }
    Ok(names)
}

/// Replays `tree`'s seeds of these names, each [`replay_runs`] times, and
/// sums libFuzzer's per-input times.
fn replay_rate(tree: &Path, target: &str, names: &[String]) -> Result<f64, String> {
    let corpus = tree.join("fuzz/corpus").join(target);
    let output = Command::new("cargo")
        .args(["fuzz", "run", "-s", "none", "-O", target])
        .args(names.iter().map(|name| corpus.join(name)))
        .args(["--", &format!("-runs={}", replay_runs(target))])
        .current_dir(tree)
        .output()
        .map_err(|e| format!("cargo fuzz: {e}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        let last = stderr.lines().last().unwrap_or("").to_owned();
        return Err(format!("cargo fuzz failed in {}: {last}", tree.display()));
    }
    // "Executed PATH in N ms", one line per input.
    let (inputs, ms) = stderr
        .lines()
        .filter(|l| l.starts_with("Executed "))
        .filter_map(|l| l.rsplit(' ').nth(1)?.parse::<f64>().ok())
        .fold((0usize, 0.0), |(n, total), ms| (n + 1, total + ms));
    if inputs != names.len() || ms <= 0.0 {
        return Err(format!("libFuzzer replayed {inputs} of {} inputs", names.len()));
    }
    Ok(f64::from(replay_runs(target)) * inputs as f64 / (ms / 1000.0))
}
