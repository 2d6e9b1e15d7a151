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
use std::fs;
use std::path::Path;

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

// ---------------------------------------------------------------------------
// Lexing and scanning

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    /// An identifier, keyword or number.
    Word(String),
    /// A string literal's text between its quotes, escapes left as written.
    Str(String),
    /// A char literal.
    Char,
    /// Any other single character.
    Punct(char),
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Splits Rust source into tokens with their 1-based line, dropping whitespace
/// and comments.
fn tokenize(source: &str) -> Vec<(Token, usize)> {
    let chars: Vec<char> = source.chars().collect();
    let at = |i: usize| chars.get(i).copied();
    let mut tokens = Vec::new();
    let mut line = 1;
    let mut i = 0;
    while let Some(c) = at(i) {
        let start_line = line;
        match c {
            '\n' => {
                line += 1;
                i += 1;
            }
            '/' if at(i + 1) == Some('/') => {
                while at(i).is_some_and(|c| c != '\n') {
                    i += 1;
                }
            }
            '/' if at(i + 1) == Some('*') => {
                let mut depth = 0;
                while let Some(c) = at(i) {
                    if c == '/' && at(i + 1) == Some('*') {
                        depth += 1;
                        i += 2;
                    } else if c == '*' && at(i + 1) == Some('/') {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        line += usize::from(c == '\n');
                        i += 1;
                    }
                }
            }
            '"' => {
                let mut text = String::new();
                i += 1;
                while let Some(c) = at(i) {
                    i += 1;
                    match c {
                        '"' => break,
                        '\\' => {
                            text.push(c);
                            if let Some(escaped) = at(i) {
                                line += usize::from(escaped == '\n');
                                text.push(escaped);
                                i += 1;
                            }
                        }
                        _ => {
                            line += usize::from(c == '\n');
                            text.push(c);
                        }
                    }
                }
                tokens.push((Token::Str(text), start_line));
            }
            '\'' if at(i + 1) == Some('\\') => {
                // An escaped char literal: '\n', '\'', '\u{1F600}'.
                i += 3;
                while at(i).is_some_and(|c| c != '\'') {
                    i += 1;
                }
                i += 1;
                tokens.push((Token::Char, start_line));
            }
            '\'' if at(i + 2) == Some('\'') => {
                line += usize::from(at(i + 1) == Some('\n'));
                i += 3;
                tokens.push((Token::Char, start_line));
            }
            c if is_word_char(c) => {
                let start = i;
                while at(i).is_some_and(is_word_char) {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                let hashes = chars[i..].iter().take_while(|&&c| c == '#').count();
                if matches!(word.as_str(), "r" | "br" | "cr") && at(i + hashes) == Some('"') {
                    // A raw string: r"…", r#"…"#, …
                    i += hashes + 1;
                    let mut text = String::new();
                    while let Some(c) = at(i) {
                        let closes = c == '"' && (1..=hashes).all(|k| at(i + k) == Some('#'));
                        if closes {
                            i += hashes + 1;
                            break;
                        }
                        line += usize::from(c == '\n');
                        text.push(c);
                        i += 1;
                    }
                    tokens.push((Token::Str(text), start_line));
                } else {
                    tokens.push((Token::Word(word), start_line));
                }
            }
            c if c.is_whitespace() => i += 1,
            // A lone quote starts a lifetime or label; its name follows as a word.
            c => {
                tokens.push((Token::Punct(c), start_line));
                i += 1;
            }
        }
    }
    tokens
}

/// One `step!` marker found in the sources.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Marker {
    id: String,
    file: String,
    line: usize,
    /// Which function of the file (counted from 0 at each `fn name`) it is in.
    function: usize,
}

impl Marker {
    fn location(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }
}

/// The markers of a set of source files, and the `step!` uses that are not
/// markers with a literal id (as `file:line`).
#[derive(Debug, Default)]
struct Scan {
    markers: Vec<Marker>,
    malformed: Vec<String>,
}

/// Scans one source file into `scan`.
fn scan_file(file: &str, source: &str, scan: &mut Scan) {
    let tokens = tokenize(source);
    let word = |k: usize, w: &str| matches!(tokens.get(k), Some((Token::Word(x), _)) if x == w);
    let punct = |k: usize, p: char| matches!(tokens.get(k), Some((Token::Punct(x), _)) if *x == p);
    let mut function = 0;
    for (k, (token, line)) in tokens.iter().enumerate() {
        if word(k, "fn") && matches!(tokens.get(k + 1), Some((Token::Word(_), _))) {
            function += 1;
        }
        if !(matches!(token, Token::Word(w) if w == "step") && punct(k + 1, '!')) {
            continue;
        }
        let delimited = [('(', ')'), ('[', ']'), ('{', '}')]
            .iter()
            .any(|&(open, close)| punct(k + 2, open) && punct(k + 4, close));
        match tokens.get(k + 3) {
            Some((Token::Str(id), _)) if delimited => scan.markers.push(Marker {
                id: id.clone(),
                file: file.to_owned(),
                line: *line,
                function,
            }),
            _ => scan.malformed.push(format!("{file}:{line}")),
        }
    }
}

/// Scans `(path, text)` source files, in the order given.
fn scan_sources<'a>(sources: impl IntoIterator<Item = (&'a str, &'a str)>) -> Scan {
    let mut scan = Scan::default();
    for (file, text) in sources {
        scan_file(file, text, &mut scan);
    }
    scan
}

/// Every `.rs` file under `dir`, as (path relative to `root` with `/`, text), sorted.
fn rust_files(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(root, &path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            let text =
                fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            let relative = path.strip_prefix(root).unwrap_or(&path);
            let name: Vec<_> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect();
            out.push((name.join("/"), text));
        }
    }
}

/// The markers of the crate's `src/`.
fn scan_crate() -> Scan {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(root, &root.join("src"), &mut files);
    assert!(
        files.iter().any(|(name, _)| name == "src/spec.rs"),
        "src/ was not found"
    );
    scan_sources(files.iter().map(|(name, text)| (name.as_str(), text.as_str())))
}

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

// ---------------------------------------------------------------------------
// The checker itself

fn ids(scan: &Scan) -> Vec<(&str, usize)> {
    scan.markers.iter().map(|m| (m.id.as_str(), m.line)).collect()
}

fn scan_one(source: &str) -> Scan {
    scan_sources([("src/x.rs", source)])
}

#[test]
fn markers_in_comments_are_ignored() {
    let scan = scan_one(
        r#"
        // step!("a/1")
        /// step!("a/2")
        //! step!("a/3")
        /* step!("a/4") /* nested */ step!("a/5") */
        let x = 1; // step!("a/6")
        step!("a/7"); // step!("a/8")
        "#,
    );
    assert_eq!(ids(&scan), [("a/7", 7)]);
    assert!(scan.malformed.is_empty());
}

#[test]
fn markers_in_string_and_char_literals_are_ignored() {
    let scan = scan_one(
        r##"
        let s = "step!(\"a/1\")";
        let r = r#"step!("a/2")"#;
        let q = '"'; let e = '\''; let u = '\u{22}';
        fn f<'a>(x: &'a str) -> &'a str { step!("a/3"); x }
        let url = "https://example.com"; step!("a/4");
        "##,
    );
    assert_eq!(ids(&scan), [("a/3", 5), ("a/4", 6)]);
    assert!(scan.malformed.is_empty());
}

#[test]
fn whitespace_paths_and_delimiters_are_tolerated() {
    let scan = scan_one(
        "step! ( \"a/1\" );\n  crate::spec::step!(\"a/2\");\nstep!\n(\n\"a/3\"\n)\nstep![\"a/4\"] step!{ \"a/5\" }",
    );
    assert_eq!(
        ids(&scan),
        [("a/1", 1), ("a/2", 2), ("a/3", 3), ("a/4", 7), ("a/5", 7)]
    );
}

#[test]
fn the_macro_definition_is_not_a_marker() {
    let scan = scan_one(
        "macro_rules! step {\n ($id:literal) => {{ $crate::spec::executed($id); }};\n}\npub(crate) use step;",
    );
    assert!(scan.markers.is_empty() && scan.malformed.is_empty(), "{scan:?}");
    let real = scan_one(include_str!("../src/spec.rs"));
    assert!(real.malformed.is_empty(), "src/spec.rs: {:?}", real.malformed);
}

#[test]
fn a_marker_without_a_literal_id_is_reported() {
    let scan = scan_one("step!(ID);\nstep!(\"a/1\", extra);\nstep!(\"a/2\");");
    assert_eq!(scan.malformed, ["src/x.rs:1", "src/x.rs:2"]);
    assert_eq!(ids(&scan), [("a/2", 3)]);
}

#[test]
fn functions_are_counted_at_each_named_fn() {
    let scan = scan_one(
        "fn a() { step!(\"x/1\"); let f: fn(u32) -> u32 = g; step!(\"x/2\"); }\n\
         pub(crate) fn b() { step!(\"x/3\"); }\n\
         impl T { pub async fn c(&self) { step!(\"x/4\"); } }",
    );
    let functions: Vec<usize> = scan.markers.iter().map(|m| m.function).collect();
    assert_eq!(functions, [1, 1, 2, 3]);
}

#[test]
fn ids_parse_into_anchor_and_number_path() {
    assert_eq!(
        parse_id("structuredserializeinternal/13.1.2"),
        Some(("structuredserializeinternal", vec![13, 1, 2]))
    );
    assert_eq!(
        parse_id("transferMessagePort-receiving/3"),
        Some(("transferMessagePort-receiving", vec![3]))
    );
    for bad in [
        "a", "a/", "/1", "a/1.", "a/.1", "a/1..2", "a/01", "a/0", "a/x", "a/1/2", "a b/1",
    ] {
        assert_eq!(parse_id(bad), None, "{bad}");
    }
}

#[test]
fn number_paths_compare_numerically_component_by_component() {
    let order = ["a/2", "a/10", "a/13", "a/13.1", "a/13.1.2", "a/13.2", "a/14"];
    let paths: Vec<Vec<u32>> = order.iter().map(|id| parse_id(id).expect("valid").1).collect();
    assert!(paths.windows(2).all(|w| w[0] < w[1]), "{paths:?}");
}

#[test]
fn the_step_tree_walk_is_recognised() {
    assert!(follows(&[13], &[13, 1]));
    assert!(follows(&[13, 1, 4], &[13, 2]));
    assert!(follows(&[26, 4, 1, 3], &[27]));
    assert!(follows(&[5], &[6]));
    assert!(!follows(&[13], &[13, 2]));
    assert!(!follows(&[13], &[15]));
    assert!(!follows(&[13, 1], &[13, 1, 1, 1]));
    assert!(!follows(&[13, 1], &[13, 1]));
}

fn step(id: &str, status: &str) -> CatalogueStep {
    CatalogueStep {
        id: id.to_owned(),
        summary: format!("does {id}"),
        status: status.to_owned(),
    }
}

#[test]
fn the_checker_reports_each_kind_of_violation_in_a_fake_tree() {
    let steps = [
        step("algo/1", "implemented"),
        step("algo/2", "implemented"),
        step("algo/2.1", "implemented"),
        step("algo/3", "implemented"),
        step("other/1", "implemented"),
        step("skipped/1", "not implemented: no such thing here"),
    ];
    let first = "\
/// <https://example.org/#algo>
fn algo() {
    step!(\"algo/1\"); // begin
    step!(\"other/1\");
    step!(\"algo/3\");
    step!(\"algo/2\"); // out of order
    step!(\"nowhere/1\");
}
";
    let second = "\
fn helper() {
    step!(\"algo/3\");
}
fn again() {
    // step!(\"algo/2.1\") is only mentioned
    step!(\"skipped/1\");
    step!(BAD);
}
";
    let scan = scan_sources([("src/first.rs", first), ("src/sub/second.rs", second)]);
    let report = check(&steps, &scan);
    assert_eq!(
        report,
        Report {
            malformed: vec!["src/sub/second.rs:7".to_owned()],
            unknown: vec![
                "src/first.rs:7: `nowhere/1` is not in the catalogue".to_owned(),
                "src/sub/second.rs:6: `skipped/1` is marked but the catalogue says \
                 `not implemented: no such thing here`"
                    .to_owned(),
            ],
            unmarked: vec!["`algo/2.1` (does algo/2.1)".to_owned()],
            twice: vec!["`algo/3` at src/first.rs:5, src/sub/second.rs:2".to_owned()],
            out_of_order: vec![
                "src/first.rs:6: `algo/2` comes after `algo/3` (src/first.rs:5) in the same function"
                    .to_owned()
            ],
        }
    );

    // A tree that follows the rules passes.
    let good = "fn a() { step!(\"algo/1\"); step!(\"algo/2\"); step!(\"algo/2.1\"); }\n\
                fn b() { step!(\"algo/3\"); step!(\"other/1\"); }";
    assert_eq!(
        check(&steps, &scan_sources([("src/good.rs", good)])),
        Report::default()
    );
}

#[test]
fn the_catalogue_check_reports_gaps_and_bad_rows() {
    let levels: &[(&str, &[usize])] = &[("algo", &[3, 1])];
    let good = [
        step("algo/1", "implemented"),
        step("algo/2", "implemented"),
        step("algo/2.1", "implemented"),
        step("algo/3", "implemented"),
        step("prose/1", "implemented"),
    ];
    assert_eq!(
        check_catalogue(&good, levels, &["prose/1"], 4),
        Vec::<String>::new()
    );

    let bad = [
        step("algo/1", "implemented"),
        step("algo/2.1", "implemented"),
        step("algo/3", "done"),
        step("algo/3", "not implemented:"),
        step("algo/x", "implemented"),
    ];
    assert_eq!(
        check_catalogue(&bad, levels, &["prose/1"], 4),
        [
            "`algo/3`: status `done` is neither `implemented` nor `not implemented: <reason>`",
            "`algo/3` is listed twice",
            "`algo/3`: status `not implemented:` is neither `implemented` nor `not implemented: <reason>`",
            "`algo/x` is not of the form anchor/N(.N)*",
            "prose requirement `prose/1` is missing",
            "5 numbered steps, expected 4",
            "`algo/2.1` does not follow the step before it",
            "`algo/3` does not follow the step before it",
        ]
    );

    // A well-formed walk that misses a sub-step is caught by the counts per depth.
    let short = [
        step("algo/1", "implemented"),
        step("algo/2", "implemented"),
        step("algo/3", "implemented"),
    ];
    assert_eq!(
        check_catalogue(&short, levels, &[], 3),
        ["`algo`: steps per depth [3], expected [3, 1]"]
    );

    // Algorithms out of their expected order, or split in two.
    let levels: &[(&str, &[usize])] = &[("algo", &[1]), ("other", &[2])];
    let split = [
        step("other/1", "implemented"),
        step("algo/1", "implemented"),
        step("other/2", "implemented"),
    ];
    assert_eq!(
        check_catalogue(&split, levels, &[], 3),
        [
            "`other/2`: the steps of `other` are not together",
            "algorithms [\"other\", \"algo\"], expected [\"algo\", \"other\"]",
        ]
    );
}
