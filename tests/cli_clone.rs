//! The `webmessaging` binary: arguments, malformed input, and `clone` on
//! real documents.

#![cfg(feature = "tool")]

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// Runs the tool with `args`, feeding `stdin`.
fn tool(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_webmessaging"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the tool runs");
    // A tool that exits before reading its input closes the pipe: fine.
    let _ = child.stdin.take().expect("piped").write_all(stdin.as_bytes());
    child.wait_with_output().expect("the tool finishes")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// `clone -` on `document`: exit 0 and the output as JSON.
#[track_caller]
fn clone(document: &str) -> serde_json::Value {
    let output = tool(&["clone", "-"], document);
    assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(&output));
    serde_json::from_str(&stdout(&output)).unwrap()
}

/// Exit 2, nothing on stdout, and `expected` in the message on stderr.
#[track_caller]
fn refused(args: &[&str], stdin: &str, expected: &str) {
    let output = tool(args, stdin);
    assert_eq!(output.status.code(), Some(2), "args {args:?}");
    assert_eq!(stdout(&output), "");
    let message = stderr(&output);
    assert!(
        message.contains(expected),
        "stderr: {message}\nexpected: {expected}"
    );
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap()
}

#[test]
fn help_and_bad_arguments() {
    for args in [&["help"][..], &["--help"], &["-h"]] {
        let output = tool(args, "");
        assert_eq!(output.status.code(), Some(0));
        assert!(stdout(&output).contains("Usage: webmessaging <command>"));
    }
    for args in [&["help", "clone"][..], &["clone", "--help"]] {
        let output = tool(args, "");
        assert_eq!(output.status.code(), Some(0));
        assert!(stdout(&output).contains("Usage: webmessaging clone FILE [--trace]"));
    }
    refused(&[], "", "Usage: webmessaging <command>");
    refused(&["frobnicate"], "", "webmessaging: unknown command 'frobnicate'");
    refused(
        &["help", "frobnicate"],
        "",
        "no help for unknown command 'frobnicate'",
    );
    refused(&["clone"], "", "clone: missing FILE");
    refused(
        &["clone", "--verbose", "-"],
        "",
        "clone: unknown option '--verbose'",
    );
    refused(
        &["clone", "a.json", "b.json"],
        "",
        "clone: one FILE expected, got 'a.json' and 'b.json'",
    );
    refused(
        &["clone", "/nonexistent/doc.json"],
        "",
        "clone: cannot read /nonexistent/doc.json",
    );
    refused(&["clone", "--", "--trace"], "", "clone: cannot read --trace");
}

#[test]
fn malformed_documents_exit_2_with_the_place_named() {
    refused(&["clone", "-"], "{\"root\": ", "clone: -: not valid JSON");
    refused(
        &["clone", "-"],
        "{\"objects\": []}",
        "clone: -: missing field \"root\"",
    );
    refused(
        &["clone", "-"],
        r#"{"root": {"ref": 0}, "objects": [{"kind": "Uint8Array", "buffer": 1, "byteOffset": -3, "length": 0},
            {"kind": "ArrayBuffer", "bytes": ""}]}"#,
        "clone: -: objects[0].byteOffset: expected a non-negative integer, found -3",
    );
    refused(
        &["clone", "-"],
        r#"{"root": {"ref": 0}, "objects": [{"kind": "DataView", "buffer": 0, "byteOffset": 0, "byteLength": 0}]}"#,
        "clone: -: objects[0].buffer: objects[0] is a DataView, not an ArrayBuffer",
    );
    refused(
        &["clone", "-"],
        r#"{"root": {"ref": 2}, "objects": []}"#,
        "root: object 2 does not exist",
    );
}

#[test]
fn clones_a_graph_with_cycles_transfer_and_odd_primitives() {
    let output = clone(
        r#"{"root": {"ref": 0}, "objects": [
            {"kind": "Object", "props": [["self", {"ref": 0}], ["view", {"ref": 1}], ["lone", {"utf16": [55296]}],
                ["nz", {"number": "-0"}], ["nan", {"number": "NaN"}], ["big", {"bigint": "-9"}],
                ["hidden", 1, {"enumerable": false}]]},
            {"kind": "Uint8Array", "buffer": 2, "byteOffset": 1, "length": 1},
            {"kind": "ArrayBuffer", "bytes": "0102"}
        ], "transfer": [2]}"#,
    );
    assert_eq!(
        output,
        json(
            r#"{"result": {"root": {"ref": 0}, "objects": [
                {"kind": "Object", "props": [["self", {"ref": 0}], ["view", {"ref": 1}], ["lone", {"utf16": [55296]}],
                    ["nz", {"number": "-0"}], ["nan", {"number": "NaN"}], ["big", {"bigint": "-9"}]]},
                {"kind": "Uint8Array", "buffer": 2, "byteOffset": 1, "length": 1},
                {"kind": "ArrayBuffer", "bytes": "0102"}
            ]}, "detached": [2]}"#
        )
    );
}

#[test]
fn clones_primitives_and_built_in_kinds() {
    assert_eq!(
        clone(r#"{"root": {"utf16": [56320, 97]}, "objects": []}"#),
        json(r#"{"result": {"root": {"utf16": [56320, 97]}, "objects": []}, "detached": []}"#)
    );
    let kinds = r#"{"kind": "Map", "entries": [[{"ref": 1}, {"ref": 2}]]},
        {"kind": "Date", "time": 0},
        {"kind": "Error", "name": "RangeError", "message": "m"}"#;
    let cloned = clone(&format!(r#"{{"root": {{"ref": 0}}, "objects": [{kinds}]}}"#));
    assert_eq!(cloned["result"]["objects"][0]["kind"], "Map");
    assert_eq!(
        cloned["result"]["objects"][1],
        json(r#"{"kind": "Date", "time": 0}"#)
    );
    assert_eq!(cloned["result"]["objects"][2]["name"], "RangeError");
    assert_eq!(cloned["result"]["objects"][2]["message"], "m");
}

#[test]
fn what_the_algorithm_throws_is_the_answer() {
    let function = clone(r#"{"root": {"ref": 0}, "objects": [{"kind": "Function"}]}"#);
    assert_eq!(function["error"]["name"], "DataCloneError");
    let twice =
        clone(r#"{"root": 0, "objects": [{"kind": "ArrayBuffer", "bytes": ""}], "transfer": [0, 0]}"#);
    assert_eq!(twice["error"]["name"], "DataCloneError");
    let type_error = clone(
        r#"{"root": {"ref": 0}, "objects": [
            {"kind": "Object", "props": [["g", {"getter": {"throws": {"ref": 1}}}]]},
            {"kind": "Error", "name": "TypeError", "message": "from a getter"}
        ]}"#,
    );
    assert_eq!(
        type_error,
        json(r#"{"error": {"name": "TypeError", "message": "from a getter"}}"#)
    );
    let primitive = clone(
        r#"{"root": {"ref": 0}, "objects": [{"kind": "Object", "props": [["g", {"getter": {"throws": 42}}]]}]}"#,
    );
    assert_eq!(primitive["error"]["name"], "Exception");
    assert_eq!(primitive["error"]["thrown"], 42);
}

#[test]
fn trace_lists_steps_on_stderr() {
    let output = tool(&["clone", "--trace", "-"], r#"{"root": 1, "objects": []}"#);
    assert_eq!(output.status.code(), Some(0));
    let trace = stderr(&output);
    let first = trace.lines().next().unwrap_or_default();
    assert!(first.starts_with("dom-structuredclone/1"), "{trace}");
    assert!(
        trace
            .lines()
            .all(|line| line.contains('/') && !line.starts_with(' '))
    );
    assert!(
        trace
            .lines()
            .any(|line| line.starts_with("structuredserializeinternal/4 "))
    );
    assert_eq!(
        json(&stdout(&output)),
        json(r#"{"result": {"root": 1, "objects": []}, "detached": []}"#)
    );
    // Without --trace, stderr stays quiet.
    assert_eq!(
        stderr(&tool(&["clone", "-"], r#"{"root": 1, "objects": []}"#)),
        ""
    );
}

#[test]
fn reads_a_file_and_a_deep_document() {
    const DEPTH: usize = 10_000;
    let mut objects: Vec<String> = (1..DEPTH)
        .map(|i| format!(r#"{{"kind": "Array", "length": 1, "props": [["0", {{"ref": {i}}}]]}}"#))
        .collect();
    objects.push(r#"{"kind": "Array", "length": 0}"#.to_owned());
    let document = format!(
        r#"{{"root": {{"ref": 0}}, "objects": [{}]}}"#,
        objects.join(",\n")
    );
    let path = std::env::temp_dir().join(format!("webmessaging-cli-clone-{}.json", std::process::id()));
    std::fs::write(&path, &document).unwrap();
    let output = tool(&["clone", path.to_str().unwrap()], "");
    std::fs::remove_file(&path).unwrap();
    assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(&output));
    let cloned: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(cloned["result"]["objects"].as_array().unwrap().len(), DEPTH);
}

/// A million-object document through the tool: arrays nested a million deep
/// and a linked list of a million objects (V8 gives up near 3,300 levels).
/// Release builds run it (`.ci/test` does); debug builds are too slow.
fn a_million_through_the_tool(name: &str, object: impl Fn(usize) -> String, last: &str) {
    const COUNT: usize = 1_000_000;
    let mut document = String::from(r#"{"root": {"ref": 0}, "objects": ["#);
    for i in 1..COUNT {
        document.push_str(&object(i));
        document.push(',');
    }
    document.push_str(last);
    document.push_str("]}");
    let path = std::env::temp_dir().join(format!("webmessaging-cli-{name}-{}.json", std::process::id()));
    std::fs::write(&path, &document).unwrap();
    let output = tool(&["clone", path.to_str().unwrap()], "");
    std::fs::remove_file(&path).unwrap();
    assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(&output));
    let cloned: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let objects = cloned["result"]["objects"].as_array().unwrap();
    assert_eq!(objects.len(), COUNT);
    assert_eq!(
        objects[COUNT - 2]["props"].as_array().unwrap().last().unwrap()[1]["ref"],
        COUNT - 1
    );
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "a million objects take long in a debug build; .ci/test runs it in release"
)]
fn million_deep_arrays_through_the_tool() {
    a_million_through_the_tool(
        "deep",
        |i| format!(r#"{{"kind": "Array", "length": 1, "props": [["0", {{"ref": {i}}}]]}}"#),
        r#"{"kind": "Array", "length": 0}"#,
    );
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "a million objects take long in a debug build; .ci/test runs it in release"
)]
fn million_object_list_through_the_tool() {
    a_million_through_the_tool(
        "list",
        |i| format!(r#"{{"kind": "Object", "props": [["value", {i}], ["next", {{"ref": {i}}}]]}}"#),
        r#"{"kind": "Object"}"#,
    );
}

#[test]
fn coverage_reports_the_steps_a_clone_ran() {
    let output = tool(
        &["coverage", "clone", "-"],
        r#"{"root": {"ref": 0}, "objects": [{"kind": "Object", "props": [["a", 1]]}]}"#,
    );
    assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("\"result\""),
        "the clone's own output comes first: {text}"
    );
    assert!(text.contains("== spec coverage:"), "{text}");
    let line = text
        .lines()
        .find(|l| l.starts_with("dom-structuredclone "))
        .expect("a line per algorithm");
    assert!(line.contains("3 / 3"), "{line}");
    let line = text
        .lines()
        .find(|l| l.starts_with("structuredserializeinternal "))
        .unwrap();
    assert!(
        line.contains("not run:") && line.contains(" 5 "),
        "a Symbol step did not run: {line}"
    );
    refused(
        &["coverage", "frobnicate"],
        "",
        "coverage: expected 'clone FILE' or 'run FILE'",
    );
}

/// The hostile documents of issue 10 through the tool: each stops with a
/// clear answer (the library's tests count the work it takes).
#[test]
fn hostile_documents_stop_with_a_clear_answer() {
    // Forty Errors, each naming the next as both `name` and `message`: the
    // message would be 7 × 2^39 code units long.
    let errors: Vec<String> = (0..40)
        .map(|i| {
            format!(
                r#"{{"kind": "Error", "name": "Error", "message": {{"ref": {next}}}, "props": [["name", {{"ref": {next}}}]]}}"#,
                next = i + 1
            )
        })
        .chain([r#"{"kind": "Error", "name": "TypeError", "message": "m"}"#.to_owned()])
        .collect();
    let dag = clone(&format!(
        r#"{{"root": {{"ref": 0}}, "objects": [{}]}}"#,
        errors.join(",")
    ));
    assert_eq!(
        dag,
        json(r#"{"error": {"name": "RangeError", "message": "Invalid string length"}}"#)
    );

    // Sixty Arrays, each holding the next twice, as an Error's message.
    let arrays: Vec<String> = (1..=60)
        .map(|i| format!(r#"{{"kind": "Array", "length": 2, "props": [["0", {{"ref": {n}}}], ["1", {{"ref": {n}}}]]}}"#, n = i + 1))
        .chain([r#"{"kind": "Array", "length": 1, "props": [["0", "x"]]}"#.to_owned()])
        .collect();
    let message = clone(&format!(
        r#"{{"root": {{"ref": 0}}, "objects": [{{"kind": "Error", "name": "Error", "message": {{"ref": 1}}}}, {}]}}"#,
        arrays.join(",")
    ));
    assert_eq!(message["error"]["name"], "RangeError");

    // A 4 MB array where a number belongs: a one-line message.
    let huge = format!("[{}]", vec!["7"; 2_000_000].join(","));
    let output = tool(
        &["clone", "-"],
        &format!(r#"{{"root": {{"ref": 0}}, "objects": [{{"kind": "Array", "length": {huge}}}]}}"#),
    );
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.len() < 200, "{} bytes on stderr", message.len());
    assert!(message.contains("… (an array of 2000000 items)"), "{message}");

    // A buffer no program can make.
    refused(
        &["clone", "-"],
        r#"{"root": {"ref": 0}, "objects": [{"kind": "ArrayBuffer", "bytes": "", "maxByteLength": 18446744073709551615}]}"#,
        "objects[0].maxByteLength: 18446744073709551615 is above 2^53 - 1",
    );
}
