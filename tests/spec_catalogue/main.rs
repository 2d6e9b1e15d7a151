//! The spec-annotation check: the `step!` markers under `src/` against the step
//! catalogue `spec/catalogue.md` (rules in `spec/README.md`).
//!
//! The scanner is a small Rust lexer: it skips line, block and doc comments,
//! keeps string, raw string and char literals whole (so a marker spelled inside
//! a string is not a marker), and recognises `step!` `(` "id" `)` with any
//! whitespace between the tokens and any macro delimiter. A new function starts
//! at every `fn name`, which is how "markers within one function" is
//! approximated for the order rule.

use std::collections::{BTreeMap, BTreeSet};

use webmessaging::spec::{CatalogueStep, catalogue};

/// Numbered steps in the catalogue: the 254 ids of the spec source's `step-ids.txt`,
/// and the 15 of BroadcastChannel (its constructor's 2, its postMessage's 13), which
/// `step-ids.txt` does not list yet and which follow the same scheme.
const NUMBERED_STEPS: usize = 254 + 15;

/// Each algorithm's numbered steps per nesting depth (depth 1, 2, …), in catalogue
/// order; the "Levels" column of the spec source's `step-counts.md`.
const STEP_LEVELS: &[(&str, &[usize])] = &[
    ("structuredserializeinternal", &[27, 33, 19, 11]),
    ("structuredserialize", &[1]),
    ("structuredserializeforstorage", &[1]),
    ("structureddeserialize", &[25, 37, 4, 8]),
    ("structuredserializewithtransfer", &[6, 10, 8, 7]),
    ("structureddeserializewithtransfer", &[5, 6, 4]),
    ("dom-structuredclone", &[3]),
    ("dom-messagechannel", &[3]),
    ("entangle", &[2]),
    ("disentangle", &[4]),
    ("transferMessagePort", &[4, 2]),
    ("transferMessagePort-receiving", &[3]),
    ("message-port-post-message-steps", &[7, 7]),
    ("dom-messageport-postmessage-options", &[2]),
    ("dom-messageport-postmessage", &[3]),
    ("dom-messageport-close", &[2]),
    ("dom-broadcastchannel", &[2]),
    ("dom-broadcastchannel-postmessage", &[9, 4]),
];

/// Requirements the standard states in prose, without numbered steps.
const PROSE_IDS: &[&str] = &[
    "dom-messageport-start/1",
    "handler-messageport-onmessage/1",
    "dom-messagechannel-port1/1",
    "dom-messagechannel-port2/1",
    "unshipped-port-message-queue/1",
    "ports-and-garbage-collection/1",
    "ports-and-garbage-collection/2",
    "ports-and-garbage-collection/3",
    "dom-broadcastchannel-name/1",
    "dom-broadcastchannel-close/1",
    "broadcasting-to-other-browsing-contexts/1",
];

/// Longest summary accepted: one short line.
const MAX_SUMMARY_CHARS: usize = 120;

mod checker;
mod scan;

use scan::{Marker, Scan, scan_crate};

// ---------------------------------------------------------------------------
// Step ids

/// Splits `anchor/N(.N)*` into the anchor and the number path; `None` if the id
/// has another form (numbers are positive, written without leading zeros).
fn parse_id(id: &str) -> Option<(&str, Vec<u32>)> {
    let (anchor, path) = id.split_once('/')?;
    let anchor_ok = !anchor.is_empty() && anchor.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    let numbers = path
        .split('.')
        .map(|n| {
            let canonical = n.chars().all(|c| c.is_ascii_digit()) && !n.starts_with('0');
            if canonical { n.parse().ok() } else { None }
        })
        .collect::<Option<Vec<u32>>>()?;
    anchor_ok.then_some((anchor, numbers))
}

/// Whether `next` is the step right after `prev` in a walk of the step tree that
/// visits a step before its sub-steps: its first sub-step, its next sibling, or
/// the next sibling of one of its enclosing steps.
fn follows(prev: &[u32], next: &[u32]) -> bool {
    let first_child = next.len() == prev.len() + 1 && next.starts_with(prev) && next.last() == Some(&1);
    let next_sibling = (1..=prev.len()).any(|len| {
        next.len() == len && next[..len - 1] == prev[..len - 1] && next[len - 1] == prev[len - 1] + 1
    });
    first_child || next_sibling
}

// ---------------------------------------------------------------------------
// The checks

/// Everything the checker objects to, one readable line per offence.
#[derive(Debug, Default, PartialEq, Eq)]
struct Report {
    /// `step!` without a literal id.
    malformed: Vec<String>,
    /// (a) markers naming no catalogue step, or a step the catalogue says is not implemented.
    unknown: Vec<String>,
    /// (b) implemented steps without a marker.
    unmarked: Vec<String>,
    /// (c) steps with more than one marker.
    twice: Vec<String>,
    /// (d) markers of one algorithm out of the standard's order within a function.
    out_of_order: Vec<String>,
}

/// Checks the markers of `scan` against the catalogue `steps`.
fn check(steps: &[CatalogueStep], scan: &Scan) -> Report {
    let mut report = Report {
        malformed: scan.malformed.clone(),
        ..Report::default()
    };
    let by_id: BTreeMap<&str, &CatalogueStep> = steps.iter().map(|s| (s.id.as_str(), s)).collect();
    let mut markers_of: BTreeMap<&str, Vec<&Marker>> = BTreeMap::new();
    for marker in &scan.markers {
        markers_of.entry(&marker.id).or_default().push(marker);
    }

    for marker in &scan.markers {
        match by_id.get(marker.id.as_str()) {
            None => report.unknown.push(format!(
                "{}: `{}` is not in the catalogue",
                marker.location(),
                marker.id
            )),
            Some(step) if !step.is_implemented() => report.unknown.push(format!(
                "{}: `{}` is marked but the catalogue says `{}`",
                marker.location(),
                marker.id,
                step.status
            )),
            Some(_) => {}
        }
    }

    for step in steps.iter().filter(|s| s.is_implemented()) {
        if !markers_of.contains_key(step.id.as_str()) {
            report.unmarked.push(format!("`{}` ({})", step.id, step.summary));
        }
    }

    for (id, markers) in &markers_of {
        if markers.len() > 1 {
            let places: Vec<String> = markers.iter().map(|m| m.location()).collect();
            report.twice.push(format!("`{id}` at {}", places.join(", ")));
        }
    }

    // Last marker seen per (file, function, anchor).
    let mut last: BTreeMap<(&str, usize, &str), (Vec<u32>, &Marker)> = BTreeMap::new();
    for marker in &scan.markers {
        let Some((anchor, path)) = parse_id(&marker.id) else {
            continue;
        };
        let key = (marker.file.as_str(), marker.function, anchor);
        if let Some((prev_path, prev)) = last.get(&key)
            && path < *prev_path
        {
            report.out_of_order.push(format!(
                "{}: `{}` comes after `{}` ({}) in the same function",
                marker.location(),
                marker.id,
                prev.id,
                prev.location()
            ));
        }
        last.insert(key, (path, marker));
    }
    report
}

/// (e) Checks the catalogue itself: unique, well-formed ids; valid statuses and
/// short summaries; every prose id present; and, per algorithm, numbered steps
/// that walk the complete step tree with the expected number of steps per depth.
fn check_catalogue(
    steps: &[CatalogueStep],
    levels: &[(&str, &[usize])],
    prose: &[&str],
    numbered: usize,
) -> Vec<String> {
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for step in steps {
        if !seen.insert(step.id.as_str()) {
            problems.push(format!("`{}` is listed twice", step.id));
        }
        if parse_id(&step.id).is_none() {
            problems.push(format!("`{}` is not of the form anchor/N(.N)*", step.id));
        }
        let reason = step.status.strip_prefix("not implemented:").map(str::trim);
        if step.status != "implemented" && reason.is_none_or(str::is_empty) {
            problems.push(format!(
                "`{}`: status `{}` is neither `implemented` nor `not implemented: <reason>`",
                step.id, step.status
            ));
        }
        let length = step.summary.chars().count();
        if length == 0 || length > MAX_SUMMARY_CHARS {
            problems.push(format!("`{}`: summary of {length} characters", step.id));
        }
    }
    for id in prose {
        if !seen.contains(id) {
            problems.push(format!("prose requirement `{id}` is missing"));
        }
    }

    // Numbered steps, grouped by algorithm in order of appearance.
    let mut groups: Vec<(&str, Vec<Vec<u32>>)> = Vec::new();
    let mut count = 0;
    for step in steps.iter().filter(|s| !prose.contains(&s.id.as_str())) {
        count += 1;
        let Some((anchor, path)) = parse_id(&step.id) else {
            continue;
        };
        let together = groups.last().is_none_or(|(last, _)| *last == anchor);
        match groups.iter_mut().find(|(a, _)| *a == anchor) {
            Some((_, paths)) => {
                if !together {
                    problems.push(format!("`{}`: the steps of `{anchor}` are not together", step.id));
                }
                paths.push(path);
            }
            None => groups.push((anchor, vec![path])),
        }
    }
    if count != numbered {
        problems.push(format!("{count} numbered steps, expected {numbered}"));
    }
    let anchors: Vec<&str> = groups.iter().map(|(a, _)| *a).collect();
    let expected: Vec<&str> = levels.iter().map(|(a, _)| *a).collect();
    if anchors != expected {
        problems.push(format!("algorithms {anchors:?}, expected {expected:?}"));
    }
    for (anchor, paths) in &groups {
        let mut prev: &[u32] = &[];
        for path in paths {
            let ok = if prev.is_empty() {
                path == &[1]
            } else {
                follows(prev, path)
            };
            if !ok {
                let shown: Vec<String> = path.iter().map(u32::to_string).collect();
                problems.push(format!(
                    "`{anchor}/{}` does not follow the step before it",
                    shown.join(".")
                ));
            }
            prev = path;
        }
        let depth = paths.iter().map(Vec::len).max().unwrap_or(0);
        let per_depth: Vec<usize> = (1..=depth)
            .map(|d| paths.iter().filter(|p| p.len() == d).count())
            .collect();
        if let Some((_, want)) = levels.iter().find(|(a, _)| a == anchor)
            && per_depth != *want
        {
            problems.push(format!(
                "`{anchor}`: steps per depth {per_depth:?}, expected {want:?}"
            ));
        }
    }
    problems
}

fn listing(what: &str, offences: &[String]) -> String {
    format!("{} {what}:\n  {}\n", offences.len(), offences.join("\n  "))
}

// ---------------------------------------------------------------------------
// The real catalogue and the real tree

#[test]
fn catalogue_parses_every_row() {
    let steps = catalogue();
    assert_eq!(
        steps.len(),
        NUMBERED_STEPS + PROSE_IDS.len(),
        "spec::catalogue() should return {NUMBERED_STEPS} numbered steps and {} prose requirements",
        PROSE_IDS.len()
    );
}

#[test]
fn catalogue_is_complete_and_well_formed() {
    let problems = check_catalogue(&catalogue(), STEP_LEVELS, PROSE_IDS, NUMBERED_STEPS);
    assert!(
        problems.is_empty(),
        "{}",
        listing("problems in spec/catalogue.md", &problems)
    );
}

#[test]
fn every_marker_is_well_formed_and_names_an_implemented_catalogue_step() {
    let report = check(&catalogue(), &scan_crate());
    assert!(
        report.malformed.is_empty(),
        "{}",
        listing("step! uses without a literal id", &report.malformed)
    );
    assert!(
        report.unknown.is_empty(),
        "{}",
        listing("markers naming no implemented step", &report.unknown)
    );
}

#[test]
fn every_implemented_step_has_a_marker() {
    let report = check(&catalogue(), &scan_crate());
    assert!(
        report.unmarked.is_empty(),
        "{}",
        listing("implemented steps without a marker", &report.unmarked)
    );
}

#[test]
fn no_step_has_two_markers() {
    let report = check(&catalogue(), &scan_crate());
    assert!(
        report.twice.is_empty(),
        "{}",
        listing("steps marked more than once", &report.twice)
    );
}

#[test]
fn markers_follow_the_standards_order_within_a_function() {
    let report = check(&catalogue(), &scan_crate());
    assert!(
        report.out_of_order.is_empty(),
        "{}",
        listing("markers out of order", &report.out_of_order)
    );
}
