//! The checker itself: each rule of the spec-annotation check, shown to
//! catch what it is for on small made-up sources and catalogues.

use super::*;
use crate::scan::*;

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
    let real = scan_one(include_str!("../../src/spec.rs"));
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
