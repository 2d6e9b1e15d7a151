//! `cargo bench --bench compare`: the same workloads in this library and in
//! node, run alternately, several rounds, medians, printed as ratios.
//!
//! ```text
//! cargo bench --bench compare -- [--rounds N] [--only TEXT] [--no-node]
//!                                [--baselines] [--plot FILE.svg]
//! ```
//!
//! Every measurement runs in a child process of its own (this binary again,
//! with `--child`, or `node benches/node/workloads.js`), which builds the
//! input, times the operation `reps` times and prints the median and its
//! own peak resident set size (VmHWM / `process.resourceUsage().maxRSS`).
//! A round runs each workload on every side, alternating which goes first;
//! the table shows the median over rounds. Times on a shared machine are
//! noisy: read the ratios, not the absolute times.
//!
//! A plain harness rather than criterion or divan: each sample has to be a
//! separate process (for its peak memory, and so that node and Rust take
//! turns under the same load), which neither framework's in-process
//! sampling does.

mod baselines;
mod messaging;
mod plot;
mod table;
mod workloads;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Duration;
use table::{Sample, Side};
use workloads::{WORKLOADS, Workload};

struct Args {
    rounds: usize,
    only: Vec<String>,
    node: bool,
    baselines: bool,
    plot: Option<PathBuf>,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut parsed = Args {
        rounds: 3,
        only: Vec::new(),
        node: true,
        baselines: false,
        plot: None,
    };
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--rounds" => {
                let v = value("--rounds")?;
                parsed.rounds = v.parse().map_err(|_| format!("--rounds: not a number: {v}"))?;
            }
            "--only" => parsed.only.push(value("--only")?),
            "--no-node" => parsed.node = false,
            "--baselines" => parsed.baselines = true,
            "--plot" => parsed.plot = Some(PathBuf::from(value("--plot")?)),
            // cargo bench passes --bench to every bench binary.
            "--bench" => {}
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(parsed)
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1).peekable();
    if args.peek().map(String::as_str) == Some("--child") {
        return child(args.skip(1).collect());
    }
    let args = match parse_args(args) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("compare: {message}");
            return ExitCode::from(2);
        }
    };
    let node = if args.node { find_node() } else { None };
    let trace = if webmessaging::spec::TRACING {
        "on (default features)"
    } else {
        "off (--no-default-features)"
    };
    println!(
        "webmessaging compare: {} rounds, step tracing {trace}",
        args.rounds
    );
    match &node {
        Some(version) => println!("node: {version}"),
        None if args.node => println!("node: NOT FOUND: only the Rust side runs (install Node.js 20)"),
        None => println!("node: not asked for (--no-node)"),
    }
    let chosen: Vec<&Workload> = WORKLOADS
        .iter()
        .filter(|w| {
            // The long memory run goes only when asked for by name.
            let by_default = !w.name.starts_with("flat-memory");
            (args.only.is_empty() && by_default) || args.only.iter().any(|o| w.name.contains(o.as_str()))
        })
        .collect();
    let mut samples: Vec<Sample> = Vec::new();
    for round in 0..args.rounds {
        for (k, workload) in chosen.iter().enumerate() {
            eprintln!("round {}/{}: {}", round + 1, args.rounds, workload.name);
            let mut sides = vec![Side::Ours];
            if node.is_some() {
                sides.push(Side::Node);
            }
            if workload.limit.is_some() {
                sides.push(Side::Limit);
            }
            // Alternate which side goes first from round to round.
            let turn = (round + k) % sides.len();
            sides.rotate_left(turn);
            for side in sides {
                let sample = measure(workload, side);
                if let Err(why) = &sample.result {
                    eprintln!("  {}: {why}", side.name());
                }
                samples.push(sample);
            }
        }
    }
    println!();
    print!("{}", table::times(&chosen, &samples));
    println!();
    print!("{}", table::memory(&chosen, &samples));
    if args.baselines {
        println!();
        print!("{}", baselines::run());
    }
    if let Some(path) = &args.plot {
        match plot::growth(&chosen, &samples)
            .and_then(|svg| std::fs::write(path, svg).map_err(|e| e.to_string()))
        {
            Ok(()) => println!("\nplot written to {}", path.display()),
            Err(why) => eprintln!("compare: no plot: {why}"),
        }
    }
    ExitCode::SUCCESS
}

/// The node version, if node runs.
fn find_node() -> Option<String> {
    let output = Command::new("node").arg("--version").output().ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

fn node_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/node/workloads.js")
}

/// Runs one child process for one side of one workload.
fn measure(workload: &'static Workload, side: Side) -> Sample {
    let mut command = match side {
        Side::Node => {
            let mut c = Command::new("node");
            c.arg(node_script());
            c
        }
        Side::Ours | Side::Limit => {
            let mut c = Command::new(std::env::current_exe().expect("the bench binary knows its path"));
            c.args(["--child", side.name()]);
            c
        }
    };
    command.args([workload.name, &workload.reps.to_string()]);
    let result = command
        .output()
        .map_err(|e| format!("could not start: {e}"))
        .and_then(|output| {
            let stdout = String::from_utf8_lossy(&output.stdout);
            let line = stdout.lines().find(|l| l.starts_with("result "));
            match line {
                Some(line) => table::parse_result(line),
                None => Err(format!(
                    "no result ({}): {}",
                    output.status,
                    String::from_utf8_lossy(&output.stderr)
                        .lines()
                        .last()
                        .unwrap_or("")
                )),
            }
        });
    Sample {
        workload: workload.name,
        side,
        result,
    }
}

/// `--child ours|limit NAME REPS`: runs the workload REPS times and prints
/// `result seconds=MEDIAN rss_kib=PEAK` (or `result error=WHY`).
fn child(args: Vec<String>) -> ExitCode {
    let [side, name, reps] = &args[..] else {
        eprintln!("usage: compare --child ours|limit NAME REPS");
        return ExitCode::from(2);
    };
    let (Some(workload), Ok(reps)) = (workloads::find(name), reps.parse::<usize>()) else {
        eprintln!("compare: no workload {name}, or bad REPS {reps}");
        return ExitCode::from(2);
    };
    let run = match side.as_str() {
        "ours" => workloads::run_ours,
        "limit" => workloads::run_limit,
        other => {
            eprintln!("compare: unknown side {other}");
            return ExitCode::from(2);
        }
    };
    let mut times: Vec<Duration> = Vec::with_capacity(reps);
    for _ in 0..reps.max(1) {
        match run(workload.kind) {
            Ok(t) => times.push(t),
            Err(why) => {
                println!("result error={}", why.replace('\n', " "));
                return ExitCode::SUCCESS;
            }
        }
    }
    times.sort();
    let median = times[times.len() / 2];
    println!(
        "result seconds={:.9} rss_kib={}",
        median.as_secs_f64(),
        peak_rss_kib().unwrap_or(0)
    );
    ExitCode::SUCCESS
}

/// This process's peak resident set size (VmHWM), in KiB.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
