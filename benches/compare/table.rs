//! Samples, their medians, and the two tables (time ratios, peak memory).

use crate::workloads::Workload;
use std::fmt::Write;

/// Who did the work.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// This library.
    Ours,
    /// node's `structuredClone` / `MessageChannel`.
    Node,
    /// The machine's limit for the same work.
    Limit,
}

impl Side {
    pub fn name(self) -> &'static str {
        match self {
            Side::Ours => "ours",
            Side::Node => "node",
            Side::Limit => "limit",
        }
    }
}

/// What one child process reported.
#[derive(Clone, Copy, Debug)]
pub struct Measured {
    pub seconds: f64,
    pub rss_kib: u64,
}

/// One child process's answer for one side of one workload.
#[derive(Debug)]
pub struct Sample {
    pub workload: &'static str,
    pub side: Side,
    pub result: Result<Measured, String>,
}

/// Reads `result seconds=S rss_kib=K` or `result error=WHY`.
pub fn parse_result(line: &str) -> Result<Measured, String> {
    let rest = line.trim_start_matches("result ");
    if let Some(why) = rest.strip_prefix("error=") {
        return Err(why.to_owned());
    }
    let field = |name: &str| {
        rest.split_whitespace()
            .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
            .ok_or_else(|| format!("no {name} in {line:?}"))
    };
    let seconds = field("seconds")?
        .parse()
        .map_err(|_| format!("bad seconds in {line:?}"))?;
    let rss_kib = field("rss_kib")?
        .parse()
        .map_err(|_| format!("bad rss_kib in {line:?}"))?;
    Ok(Measured { seconds, rss_kib })
}

fn median(mut xs: Vec<f64>) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    xs.sort_by(f64::total_cmp);
    Some(xs[xs.len() / 2])
}

/// What the samples of one side of one workload add up to.
pub enum Outcome {
    /// Never measured (node absent, no limit).
    Absent,
    /// Every run failed; the first reason.
    Failed(String),
    /// Medians over the rounds that succeeded.
    Ran { seconds: f64, rss_kib: f64 },
}

pub fn outcome(samples: &[Sample], workload: &str, side: Side) -> Outcome {
    let mine: Vec<&Sample> = samples
        .iter()
        .filter(|s| s.workload == workload && s.side == side)
        .collect();
    let ok: Vec<Measured> = mine
        .iter()
        .filter_map(|s| s.result.as_ref().ok().copied())
        .collect();
    match (median(ok.iter().map(|m| m.seconds).collect()), mine.first()) {
        (Some(seconds), _) => Outcome::Ran {
            seconds,
            rss_kib: median(ok.iter().map(|m| m.rss_kib as f64).collect()).unwrap_or(0.0),
        },
        (None, Some(first)) => Outcome::Failed(first.result.as_ref().err().cloned().unwrap_or_default()),
        (None, None) => Outcome::Absent,
    }
}

fn seconds_of(o: &Outcome) -> Option<f64> {
    match o {
        Outcome::Ran { seconds, .. } => Some(*seconds),
        _ => None,
    }
}

/// A duration in the unit that reads best.
pub fn duration(seconds: f64) -> String {
    if seconds >= 1.0 {
        format!("{seconds:.2} s")
    } else if seconds >= 1e-3 {
        format!("{:.1} ms", seconds * 1e3)
    } else {
        format!("{:.1} µs", seconds * 1e6)
    }
}

fn cell(o: &Outcome, show: impl Fn(f64) -> String, value: impl Fn(&Outcome) -> Option<f64>) -> String {
    match (o, value(o)) {
        (_, Some(v)) => show(v),
        (Outcome::Failed(why), _) => format!("fails ({})", why.chars().take(40).collect::<String>()),
        _ => "–".to_owned(),
    }
}

/// `workload | ours | node | ratio | limit | ratio to limit`: ratio is
/// node's time over ours (above 1: faster than node), ratio to limit the
/// limit's time over ours (1 would be the machine's speed).
pub fn times(chosen: &[&Workload], samples: &[Sample]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| workload | ours | node | ratio (node/ours) | limit | ratio to limit (limit/ours) |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---|---:|");
    for w in chosen {
        let ours = outcome(samples, w.name, Side::Ours);
        let node = outcome(samples, w.name, Side::Node);
        let limit = outcome(samples, w.name, Side::Limit);
        let ratio = |other: Option<f64>| match (other, seconds_of(&ours)) {
            (Some(o), Some(us)) if us > 0.0 => format!("{:.2}x", o / us),
            _ => "–".to_owned(),
        };
        let limit_cell = match (w.limit, seconds_of(&limit)) {
            (Some(what), Some(s)) => format!("{} ({what})", duration(s)),
            (Some(what), None) => format!("– ({what})"),
            (None, _) => "–".to_owned(),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            w.name,
            cell(&ours, duration, seconds_of),
            cell(&node, duration, seconds_of),
            ratio(seconds_of(&node)),
            limit_cell,
            ratio(seconds_of(&limit)),
        );
    }
    out
}

/// Peak resident memory of the child processes: input, operation and result.
pub fn memory(chosen: &[&Workload], samples: &[Sample]) -> String {
    let rss = |o: &Outcome| match o {
        Outcome::Ran { rss_kib, .. } => Some(*rss_kib / 1024.0),
        _ => None,
    };
    let mib = |v: f64| format!("{v:.0} MiB");
    let mut out = String::new();
    let _ = writeln!(out, "| workload | ours peak RSS | node peak RSS | ours/node |");
    let _ = writeln!(out, "|---|---:|---:|---:|");
    for w in chosen {
        let ours = outcome(samples, w.name, Side::Ours);
        let node = outcome(samples, w.name, Side::Node);
        let ratio = match (rss(&ours), rss(&node)) {
            (Some(a), Some(b)) if b > 0.0 => format!("{:.2}", a / b),
            _ => "–".to_owned(),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {ratio} |",
            w.name,
            cell(&ours, mib, rss),
            cell(&node, mib, rss)
        );
    }
    out
}
