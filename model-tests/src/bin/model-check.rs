//! `model-check`: runs the model checks and prints a summary.
//!
//! ```text
//! model-check [--cases N] [--seed S] [--json] [BOUNDS]
//! model-check --exhaustive [BOUNDS] [--json]
//! model-check --exhaustive-broadcast [BOUNDS] [--json]
//! ```
//!
//! Each check of `model_tests::checks()` runs in turn (`--cases` overrides
//! every check's default case count), then the exhaustive search over the
//! default bound (`Universe::default_check`, or the BOUNDS given), then the
//! exhaustive BroadcastChannel search over its default bound
//! (`BroadcastUniverse::default_check`). With `--exhaustive` only the
//! first search runs, with `--exhaustive-broadcast` only the second, over
//! the BOUNDS given. A progress
//! line goes to stderr every second; the summary (a table, or JSON with
//! `--json`) goes to stdout. The exit status is 1 when a check found a
//! counterexample, 2 on bad arguments.

use model_tests::broadcast::BroadcastMutation;
use model_tests::exhaustive::{self, BroadcastUniverse, ExhaustiveReport, Options, Progress, Universe};
use model_tests::model::Mutation;
use model_tests::report::{CheckReport, Coverage, Summary};
use std::process::ExitCode;

/// The exhaustive search clones and drops small states by the million;
/// mimalloc makes it about a third faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::time::{Duration, Instant};

/// The seed when none is given: fixed, so that a run repeats (and CI
/// results do not depend on the day); pass `--seed` to explore further.
const DEFAULT_SEED: u64 = 1;

const USAGE: &str = "usage: model-check [--cases N] [--seed S] [--json] [BOUNDS]
       model-check --exhaustive [BOUNDS] [--json]
       model-check --exhaustive-broadcast [BOUNDS] [--json]

  --cases N       cases per check (default: each check's own, about a minute in all)
  --seed S        seed of the generated cases (default: fixed, so runs repeat)
  --json          print the summary as JSON
  --exhaustive    run only the exhaustive search of the model, over BOUNDS
  --exhaustive-broadcast
                  run only the exhaustive search of the BroadcastChannel model;
                  of BOUNDS it takes --depth (default 5), --unbounded, --agents
                  (1-4, default 4), --channels (default 3), --messages (tasks
                  waiting, default 2), --names (1-2, default 2), --workers and
                  --mutation: deliver-after-close, join-in-flight,
                  newest-first, echo-to-self, ignore-storage-key

BOUNDS of the exhaustive search (defaults: the bound plain `check` runs):
  --depth N       check every state reached in at most N operations (default 5)
  --unbounded     no depth bound: search until no new state is found
  --agents A      agents A, B, C… (default 3)
  --clusters K    agent clusters (default 2: C alone in the second)
  --channels C    channels created, at most (default 2)
  --messages M    messages in flight at once, at most (default 2)
  --ports P       port objects plus ports in flight, at most (default 4)
  --transfer T    ports in one transfer list, at most (default 1)
  --listeners L   listeners of one type on one port, at most (default 1)
  --workers W     threads comparing the implementation (default 2; 0: model only)
  --mutation NAME run a deliberately broken model, to see a counterexample:
                  shipped-original-keeps-queue, close-before-messages,
                  collect-listening-port";

struct Args {
    cases: Option<usize>,
    seed: Option<u64>,
    json: bool,
    exhaustive: bool,
    broadcast: bool,
    universe: Universe,
    broadcast_universe: BroadcastUniverse,
    options: Options,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        cases: None,
        seed: None,
        json: false,
        exhaustive: false,
        broadcast: false,
        universe: Universe::default_check(),
        broadcast_universe: BroadcastUniverse::default_check(),
        options: Options::default(),
    };
    let mut mutation = None;
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut number = |name: &str| -> Result<usize, String> {
            let v = it.next().ok_or_else(|| format!("{name} needs a value"))?;
            v.parse().map_err(|_| format!("{name}: not a number: {v}"))
        };
        let (u, b) = (&mut args.universe, &mut args.broadcast_universe);
        match arg.as_str() {
            "--cases" => args.cases = Some(number("--cases")?),
            "--seed" => args.seed = Some(number("--seed")? as u64),
            "--json" => args.json = true,
            "--exhaustive" => args.exhaustive = true,
            "--exhaustive-broadcast" => args.broadcast = true,
            // The bounds both searches have go to both; the mode decides
            // which one runs with them.
            "--depth" => (u.depth, b.depth) = both(Some(number("--depth")?)),
            "--unbounded" => (u.depth, b.depth) = (None, None),
            "--agents" => (u.agents, b.agents) = both(number("--agents")?),
            "--clusters" => u.clusters = number("--clusters")?,
            "--channels" => (u.channels, b.channels) = both(number("--channels")?),
            "--messages" => (u.messages, b.messages) = both(number("--messages")?),
            "--names" => b.names = number("--names")?,
            "--ports" => u.ports = number("--ports")?,
            "--transfer" => u.transfer = number("--transfer")?,
            "--listeners" => u.listeners = number("--listeners")?,
            "--workers" => args.options.workers = number("--workers")?,
            "--mutation" => {
                let name = it.next().ok_or("--mutation needs a name")?;
                u.mutation = Mutation::from_name(&name);
                b.mutation = BroadcastMutation::from_name(&name);
                mutation = Some(name);
            }
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    let unknown = |name: &String| format!("unknown mutation {name}");
    if args.broadcast {
        if let Some(name) = mutation.filter(|_| args.broadcast_universe.mutation.is_none()) {
            return Err(unknown(&name));
        }
        args.broadcast_universe.validate()?;
    } else {
        if let Some(name) = mutation.filter(|_| args.universe.mutation.is_none()) {
            return Err(unknown(&name));
        }
        // Plain `check` runs the BroadcastChannel search at its own bound.
        args.broadcast_universe = BroadcastUniverse::default_check();
        args.universe.validate()?;
    }
    Ok(args)
}

/// The same value for both searches.
fn both<T: Copy>(value: T) -> (T, T) {
    (value, value)
}

/// Runs an exhaustive search, of BroadcastChannel when `broadcast`, with
/// a progress line every second.
fn run_exhaustive(args: &Args, broadcast: bool, started: Instant) -> ExhaustiveReport {
    let (name, bounds) = if broadcast {
        ("exhaustive-broadcast", args.broadcast_universe.describe())
    } else {
        ("exhaustive", args.universe.describe())
    };
    eprintln!("model-check: {name}: {bounds}");
    let mut progress = |p: &Progress| {
        eprintln!(
            "model-check: {name}: {}: {} states checked, {} distinct found, depth {}, {:.0} states/s, {} transitions compared, {:.0} s",
            p.phase,
            p.states,
            p.unique,
            p.depth,
            p.states as f64 / p.seconds.max(1e-9),
            p.compared,
            started.elapsed().as_secs_f64()
        );
    };
    if broadcast {
        exhaustive::search_broadcast(&args.broadcast_universe, args.options, &mut progress)
    } else {
        exhaustive::search(&args.universe, args.options, &mut progress)
    }
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
    let started = Instant::now();
    if args.exhaustive || args.broadcast {
        let report = run_exhaustive(&args, args.broadcast, started);
        if args.json {
            println!(
                "{}",
                serde_json::to_string_pretty(&report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
            );
        } else {
            print!("{}", report.to_text());
        }
        return if report.failures() == 0 {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        };
    }
    let seed = args.seed.unwrap_or(DEFAULT_SEED);
    eprintln!("model-check: seed {seed}");
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
    let exhaustive = run_exhaustive(&args, false, started);
    eprintln!("model-check: {}", exhaustive.summary_line());
    reports.push(as_check_report("exhaustive", &exhaustive));
    let broadcast = run_exhaustive(&args, true, started);
    eprintln!("model-check: broadcast {}", broadcast.summary_line());
    reports.push(as_check_report("exhaustive-broadcast", &broadcast));
    let summary = Summary::new(seed, started.elapsed().as_secs_f64(), reports, Coverage::now());
    if args.json {
        println!("{}", summary.to_json());
    } else {
        print!("{}", summary.to_table());
        println!("{}", exhaustive.summary_line());
        println!("broadcast {}", broadcast.summary_line());
    }
    if summary.passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// The search as a row of the summary table: states as its cases,
/// transitions compared as its operations.
fn as_check_report(name: &str, report: &ExhaustiveReport) -> CheckReport {
    let mut row = CheckReport::new(name);
    row.cases = report.states;
    row.operations = report.compared;
    row.counterexamples = report.violations.iter().map(|v| v.scenario.clone()).collect();
    row.counterexamples.extend(report.mismatches.iter().cloned());
    row.extra_lines.push(format!(
        "states checked, transitions compared; {} properties; {}",
        report.properties, report.universe
    ));
    row
}
