//! Every reading the project takes is listed, once, and marked where it acts
//! (issue 9 item 4): each `DEVIATION(whatwg/html#NNNN key)` comment under
//! `src/` names a row of `spec/deviations.md` with that key and issue; each
//! row has at least one such comment; and the readings of `docs/model.md`
//! are the rows' keys, in the table's order.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

/// One `DEVIATION(` comment in the code.
#[derive(Debug, PartialEq)]
struct Marker {
    place: String,
    issue: u32,
    key: String,
}

/// One row of the deviations table.
#[derive(Debug, PartialEq)]
struct Row {
    key: String,
    issue: u32,
}

fn is_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .split('-')
            .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}

/// The markers of one source file; malformed ones as `place: text`.
fn markers(file: &str, source: &str, found: &mut Vec<Marker>, malformed: &mut Vec<String>) {
    for (n, line) in source.lines().enumerate() {
        let mut rest = line;
        while let Some(at) = rest.find("DEVIATION(") {
            rest = &rest[at + "DEVIATION(".len()..];
            let place = format!("{file}:{}", n + 1);
            let inside = rest.split_once(')').map(|(inside, _)| inside);
            let parsed = inside.and_then(|inside| {
                let (issue, key) = inside.strip_prefix("whatwg/html#")?.split_once(' ')?;
                let issue = issue
                    .parse()
                    .ok()
                    .filter(|_| issue.bytes().all(|b| b.is_ascii_digit()))?;
                is_key(key).then(|| Marker {
                    place: place.clone(),
                    issue,
                    key: key.to_owned(),
                })
            });
            match parsed {
                Some(marker) => found.push(marker),
                None => malformed.push(format!("{place}: `DEVIATION({}`", inside.unwrap_or(rest))),
            }
        }
    }
}

/// The table rows of deviations.md: `| \`key\` | where | what | follows | [#N](…) … |`.
fn parse_rows(table: &str) -> Result<Vec<Row>, String> {
    let mut rows = Vec::new();
    for line in table.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line.trim_matches('|').split(" | ").map(str::trim).collect();
        let key = cells[0].trim_matches('`');
        let issue = cells
            .last()
            .and_then(|c| c.split_once('#'))
            .map(|(_, rest)| rest.chars().take_while(char::is_ascii_digit).collect::<String>())
            .and_then(|n| n.parse().ok());
        match (cells.len(), is_key(key), issue) {
            (5, true, Some(issue)) => rows.push(Row {
                key: key.to_owned(),
                issue,
            }),
            _ => return Err(format!("a malformed row: {line}")),
        }
    }
    Ok(rows)
}

/// The keys the "readings" section of docs/model.md lists, in order: its
/// bullets that start with a backticked key.
fn readings(model_doc: &str) -> Vec<String> {
    let section = model_doc
        .split("\n## ")
        .find(|s| s.starts_with("The readings it follows"))
        .unwrap_or_default();
    section
        .lines()
        .filter_map(|l| l.strip_prefix("- `")?.split_once('`'))
        .map(|(key, _)| key.to_owned())
        .collect()
}

/// Everything wrong, one line each.
fn check(markers: &[Marker], rows: &[Row], readings: &[String]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut by_key: BTreeMap<&str, &Row> = BTreeMap::new();
    for row in rows {
        if by_key.insert(&row.key, row).is_some() {
            problems.push(format!("`{}` has two rows", row.key));
        }
    }
    for m in markers {
        match by_key.get(m.key.as_str()) {
            None => problems.push(format!(
                "{}: `{}` has no row in spec/deviations.md",
                m.place, m.key
            )),
            Some(row) if row.issue != m.issue => problems.push(format!(
                "{}: `{}` names #{}, its row #{}",
                m.place, m.key, m.issue, row.issue
            )),
            Some(_) => {}
        }
    }
    for row in rows {
        if !markers.iter().any(|m| m.key == row.key) {
            problems.push(format!("the row `{}` has no DEVIATION marker in src/", row.key));
        }
    }
    let keys: Vec<&str> = rows.iter().map(|r| r.key.as_str()).collect();
    let listed: Vec<&str> = readings.iter().map(String::as_str).collect();
    if keys != listed {
        problems.push(format!(
            "docs/model.md's readings {listed:?} are not the table's keys {keys:?}"
        ));
    }
    problems
}

fn rust_files(dir: &Path, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<_> = fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push((path.display().to_string(), fs::read_to_string(&path).unwrap()));
        }
    }
}

#[test]
fn every_deviation_marker_has_its_row_and_every_row_its_markers() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    let (mut found, mut malformed) = (Vec::new(), Vec::new());
    for (file, text) in &files {
        let name = file.strip_prefix(&format!("{}/", root.display())).unwrap_or(file);
        markers(name, text, &mut found, &mut malformed);
    }
    assert!(
        malformed.is_empty(),
        "malformed markers:\n{}",
        malformed.join("\n")
    );
    let table = fs::read_to_string(root.join("spec/deviations.md")).unwrap();
    let rows = parse_rows(&table).unwrap();
    assert!(rows.len() >= 4, "the table lost its rows: {rows:?}");
    let model_doc = fs::read_to_string(root.join("docs/model.md")).unwrap();
    let problems = check(&found, &rows, &readings(&model_doc));
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

#[test]
fn the_check_finds_each_kind_of_mismatch() {
    let source = "x // DEVIATION(whatwg/html#1 a-b) and DEVIATION(whatwg/html#2 c)\n\
                  // DEVIATION(whatwg/html#3 nowhere)\n// DEVIATION(whatwg/html#4)\n\
                  // DEVIATION(whatwg/html#x y) DEVIATION(whatwg/html#5 Bad_Key)";
    let (mut found, mut malformed) = (Vec::new(), Vec::new());
    markers("f.rs", source, &mut found, &mut malformed);
    assert_eq!(
        malformed,
        [
            "f.rs:3: `DEVIATION(whatwg/html#4`",
            "f.rs:4: `DEVIATION(whatwg/html#x y`",
            "f.rs:4: `DEVIATION(whatwg/html#5 Bad_Key`"
        ]
    );
    let table = "| key | where | what | follows | issue |\n|---|---|---|---|---|\n\
                 | `a-b` | w | d | f | [#1](u) \"t\" |\n| `c` | w | d | f | [#9](u) |\n\
                 | `unmarked` | w | d | f | [#7](u) |\n";
    let rows = parse_rows(table).unwrap();
    assert_eq!(rows.len(), 3);
    let readings =
        readings("# M\n\n## The readings it follows\n\n- `a-b`: x\n- `c`: y\n\n## Next\n- `z`: no");
    assert_eq!(readings, ["a-b", "c"]);
    assert_eq!(
        check(&found, &rows, &readings),
        [
            "f.rs:1: `c` names #2, its row #9",
            "f.rs:2: `nowhere` has no row in spec/deviations.md",
            "the row `unmarked` has no DEVIATION marker in src/",
            "docs/model.md's readings [\"a-b\", \"c\"] are not the table's keys [\"a-b\", \"c\", \"unmarked\"]",
        ]
    );
    assert!(parse_rows("| `k` | too few | cells |").is_err());
}
