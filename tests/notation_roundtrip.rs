//! Round trips through the graph notation: text → document → heap → document
//! → text gives back the canonical input, for every kind and field.

#![cfg(feature = "notation")]

use webmessaging::ecmascript::Heap;
use webmessaging::notation::{build, parse, print_with_transfer};

/// Parses, builds into a fresh heap and prints again.
fn reprint(text: &str) -> String {
    let document = parse(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let mut heap = Heap::default();
    let built = build(&document, &mut heap).unwrap_or_else(|e| panic!("{e}\n{text}"));
    print_with_transfer(&heap, &built.root, &built.transfer).to_json_string()
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// The document reprints as itself (as JSON: layout and key order aside).
#[track_caller]
fn round_trip(text: &str) {
    let printed = reprint(text);
    assert_eq!(
        json(&printed),
        json(text),
        "\ninput:   {text}\nprinted: {printed}"
    );
    // Printing is a fixed point: the printed text reprints byte for byte.
    assert_eq!(reprint(&printed), printed);
}

/// A document whose root is `value` and that has no objects.
fn primitive(value: &str) -> String {
    format!(r#"{{"root": {value}, "objects": []}}"#)
}

/// A document whose root is object 0 of `objects`.
fn graph(objects: &str) -> String {
    format!(r#"{{"root": {{"ref": 0}}, "objects": [{objects}]}}"#)
}

#[test]
fn primitives() {
    for value in [
        "null",
        "true",
        "false",
        "0",
        "1.5",
        "-1.5",
        "0.1",
        "1e21",
        "5e-324",
        "1.7976931348623157e308",
        "-9007199254740992",
        "9007199254740994",
        "123456789012345680000",
        "1.5e-7",
        "-2.5e+300",
        r#""text""#,
        r#""""#,
        r#""\u0000 é 😀 \"quoted\"""#,
        r#""tab\t nl\n cr\r bs\\ \b \f \u001f \u007f \u2028 /""#,
        r#"{"undefined": true}"#,
        r#"{"number": "NaN"}"#,
        r#"{"number": "Infinity"}"#,
        r#"{"number": "-Infinity"}"#,
        r#"{"number": "-0"}"#,
        r#"{"bigint": "0"}"#,
        r#"{"bigint": "-123456789012345678901234567890"}"#,
        r#"{"utf16": [55296, 97]}"#,
        r#"{"utf16": [56320]}"#,
        r#"{"symbol": "description"}"#,
        r#"{"symbol": null}"#,
    ] {
        round_trip(&primitive(value));
    }
}

#[test]
fn valid_unicode_in_utf16_form_prints_plain() {
    let printed = reprint(&primitive(r#"{"utf16": [104, 105, 55357, 56832]}"#));
    assert_eq!(json(&printed), json(&primitive(r#""hi😀""#)));
}

#[test]
fn ordinary_objects_and_props() {
    round_trip(&graph(r#"{"kind": "Object"}"#));
    round_trip(&graph(
        r#"{"kind": "Object", "props": [
            ["0", 1], ["7", 2], ["4294967295", 3], ["b", {"ref": 0}], ["a", null],
            [{"utf16": [55296]}, "lone"], ["hidden", 4, {"enumerable": false}],
            ["get", {"getter": {"returns": {"ref": 1}}}],
            ["boom", {"getter": {"throws": "thrown"}}, {"enumerable": false}],
            [{"symbol": "s"}, {"symbol": "s"}], [{"symbol": null}, 5]
        ]}, {"kind": "Object", "props": [["back", {"ref": 0}]]}"#,
    ));
}

#[test]
fn arrays_with_holes_and_extra_props() {
    round_trip(&graph(r#"{"kind": "Array", "length": 0}"#));
    round_trip(&graph(r#"{"kind": "Array", "length": 4294967295}"#));
    round_trip(&graph(
        r#"{"kind": "Array", "length": 5, "props": [["0", {"ref": 1}], ["3", {"ref": 0}], ["x", "extra"]]},
           {"kind": "Array", "length": 1, "props": [["0", {"undefined": true}]]}"#,
    ));
}

#[test]
fn wrappers() {
    for object in [
        r#"{"kind": "Boolean", "value": false}"#,
        r#"{"kind": "Boolean", "value": true, "props": [["p", 1]]}"#,
        r#"{"kind": "Number", "value": 42}"#,
        r#"{"kind": "Number", "value": {"number": "NaN"}}"#,
        r#"{"kind": "Number", "value": {"number": "-0"}}"#,
        r#"{"kind": "String", "value": "abc", "props": [["3", "past the end"], ["x", 1]]}"#,
        r#"{"kind": "String", "value": {"utf16": [56319]}}"#,
        r#"{"kind": "BigInt", "value": {"bigint": "-7"}}"#,
        r#"{"kind": "Date", "time": 1700000000000}"#,
        r#"{"kind": "Date", "time": {"number": "NaN"}}"#,
    ] {
        round_trip(&graph(object));
    }
}

#[test]
fn regexps() {
    round_trip(&graph(r#"{"kind": "RegExp", "source": "a+b", "flags": "gi"}"#));
    round_trip(&graph(
        r#"{"kind": "RegExp", "source": "", "flags": "", "lastIndex": 3}"#,
    ));
    round_trip(&graph(
        r#"{"kind": "RegExp", "source": "x", "flags": "y", "lastIndex": {"number": "-0"}}"#,
    ));
    round_trip(&graph(
        r#"{"kind": "RegExp", "source": {"utf16": [55296]}, "flags": "u", "lastIndex": {"ref": 1},
            "props": [["extra", {"ref": 0}]]},
           {"kind": "Object"}"#,
    ));
}

#[test]
fn array_buffers() {
    for object in [
        r#"{"kind": "ArrayBuffer", "bytes": ""}"#,
        r#"{"kind": "ArrayBuffer", "bytes": "00ff10ab"}"#,
        r#"{"kind": "ArrayBuffer", "bytes": "0102", "maxByteLength": 8}"#,
        r#"{"kind": "ArrayBuffer", "bytes": "0102", "shared": true}"#,
        r#"{"kind": "ArrayBuffer", "bytes": "", "maxByteLength": 4, "shared": true}"#,
        r#"{"kind": "ArrayBuffer", "bytes": "", "detached": true}"#,
        r#"{"kind": "ArrayBuffer", "bytes": "", "maxByteLength": 16, "detached": true}"#,
        r#"{"kind": "ArrayBuffer", "bytes": "ee", "detachKey": true, "props": [["p", 1]]}"#,
    ] {
        round_trip(&graph(object));
    }
}

#[test]
fn views_of_every_kind() {
    for kind in [
        "Int8Array",
        "Uint8Array",
        "Uint8ClampedArray",
        "Int16Array",
        "Uint16Array",
        "Int32Array",
        "Uint32Array",
        "Float16Array",
        "Float32Array",
        "Float64Array",
        "BigInt64Array",
        "BigUint64Array",
    ] {
        round_trip(&graph(&format!(
            r#"{{"kind": "{kind}", "buffer": 1, "byteOffset": 8, "length": 1}},
               {{"kind": "ArrayBuffer", "bytes": "{}"}}"#,
            "00".repeat(16)
        )));
        // Length-tracking, and out of bounds: the slots are what they are.
        round_trip(&graph(&format!(
            r#"{{"kind": "{kind}", "buffer": 1, "byteOffset": 16, "length": null}},
               {{"kind": "ArrayBuffer", "bytes": "", "maxByteLength": 32}}"#
        )));
    }
    round_trip(&graph(
        r#"{"kind": "DataView", "buffer": 1, "byteOffset": 1, "byteLength": 2},
           {"kind": "ArrayBuffer", "bytes": "010203"}"#,
    ));
    round_trip(&graph(
        r#"{"kind": "DataView", "buffer": 1, "byteOffset": 3, "byteLength": null},
           {"kind": "ArrayBuffer", "bytes": "", "maxByteLength": 8, "detached": true}"#,
    ));
    // Two views of one buffer, the second reached through a prop.
    round_trip(&graph(
        r#"{"kind": "Uint8Array", "buffer": 1, "byteOffset": 0, "length": 2, "props": [["other", {"ref": 2}]]},
           {"kind": "ArrayBuffer", "bytes": "0a0b", "shared": true},
           {"kind": "DataView", "buffer": 1, "byteOffset": 1, "byteLength": 1}"#,
    ));
}

#[test]
fn maps_and_sets() {
    round_trip(&graph(r#"{"kind": "Map", "entries": []}"#));
    round_trip(&graph(
        r#"{"kind": "Map", "entries": [[{"ref": 1}, {"ref": 0}], [{"number": "NaN"}, 1], [0, 2],
            ["0", {"ref": 2}], [{"symbol": "k"}, {"bigint": "1"}]], "props": [["p", {"ref": 1}]]},
           {"kind": "Object"},
           {"kind": "Set", "values": [{"ref": 0}, {"ref": 2}, {"undefined": true}, null, {"utf16": [55296]}]}"#,
    ));
}

#[test]
fn errors() {
    for name in [
        "Error",
        "EvalError",
        "RangeError",
        "ReferenceError",
        "SyntaxError",
        "TypeError",
        "URIError",
    ] {
        round_trip(&graph(&format!(r#"{{"kind": "Error", "name": "{name}"}}"#)));
    }
    round_trip(&graph(
        r#"{"kind": "Error", "name": "TypeError", "message": "bad", "stack": "at f (x.js:1)",
            "props": [["name", "Custom"], ["cause", {"ref": 1}]]},
           {"kind": "Error", "name": "RangeError", "message": {"ref": 0}}"#,
    ));
    // An accessor "message" is a prop, not the field.
    round_trip(&graph(
        r#"{"kind": "Error", "name": "Error", "props": [["message", {"getter": {"throws": 1}}]]}"#,
    ));
    round_trip(&graph(
        r#"{"kind": "Error", "name": "Error", "message": 5, "stack": {"utf16": [55296]}}"#,
    ));
}

#[test]
fn non_serializable_and_platform_kinds() {
    for kind in [
        "Function",
        "SymbolObject",
        "WeakMap",
        "WeakSet",
        "WeakRef",
        "Promise",
        "Proxy",
        "ObjectPrototype",
        "MessagePort",
    ] {
        round_trip(&graph(&format!(r#"{{"kind": "{kind}"}}"#)));
        round_trip(&graph(&format!(
            r#"{{"kind": "{kind}", "props": [["p", {{"ref": 0}}]]}}"#
        )));
    }
    round_trip(&graph(r#"{"kind": "MessagePort", "detached": true}"#));
    round_trip(&graph(r#"{"kind": "Platform", "interface": "ImageBitmap"}"#));
    round_trip(&graph(
        r#"{"kind": "Platform", "interface": "OffscreenCanvas", "detached": false}"#,
    ));
    round_trip(&graph(
        r#"{"kind": "Platform", "interface": "ReadableStream", "detached": true}"#,
    ));
}

#[test]
fn transfer_lists() {
    // Transferred objects that the root does not reach come after the rest.
    round_trip(
        r#"{"root": {"ref": 0}, "objects": [
            {"kind": "Uint8Array", "buffer": 1, "byteOffset": 0, "length": 1},
            {"kind": "ArrayBuffer", "bytes": "01"},
            {"kind": "ArrayBuffer", "bytes": "02"},
            {"kind": "MessagePort"}
        ], "transfer": [1, 2, 3, 2]}"#,
    );
    round_trip(r#"{"root": 1, "objects": [{"kind": "ArrayBuffer", "bytes": ""}], "transfer": [0, 0]}"#);
}

#[test]
fn first_visit_numbering() {
    // Root is object 3; listed in a scrambled order, printed renumbered:
    // root, then its fields/props in order, depth first.
    let scrambled = r#"{"root": {"ref": 3}, "objects": [
        {"kind": "ArrayBuffer", "bytes": "00"},
        {"kind": "Object", "props": [["back", {"ref": 3}]]},
        {"kind": "Uint8Array", "buffer": 0, "byteOffset": 0, "length": 1},
        {"kind": "Array", "length": 3, "props": [["0", {"ref": 4}], ["1", {"ref": 2}], ["2", {"ref": 1}]]},
        {"kind": "Map", "entries": [[{"ref": 1}, {"ref": 0}]]}
    ]}"#;
    let canonical = r#"{"root": {"ref": 0}, "objects": [
        {"kind": "Array", "length": 3, "props": [["0", {"ref": 1}], ["1", {"ref": 4}], ["2", {"ref": 2}]]},
        {"kind": "Map", "entries": [[{"ref": 2}, {"ref": 3}]]},
        {"kind": "Object", "props": [["back", {"ref": 0}]]},
        {"kind": "ArrayBuffer", "bytes": "00"},
        {"kind": "Uint8Array", "buffer": 3, "byteOffset": 0, "length": 1}
    ]}"#;
    assert_eq!(json(&reprint(scrambled)), json(canonical));
    round_trip(canonical);
}

#[test]
fn unreachable_objects_are_not_printed() {
    let printed =
        reprint(r#"{"root": {"ref": 1}, "objects": [{"kind": "Object"}, {"kind": "Array", "length": 0}]}"#);
    assert_eq!(json(&printed), json(&graph(r#"{"kind": "Array", "length": 0}"#)));
}

#[test]
fn isomorphic_graphs_print_identically() {
    // Props listed out of [[OwnPropertyKeys]] order are printed in it.
    let a = reprint(&graph(
        r#"{"kind": "Object", "props": [[{"symbol": "s"}, 1], ["b", 2], ["1", 3], ["a", 4], ["0", 5]]}"#,
    ));
    let b = reprint(&graph(
        r#"{"kind": "Object", "props": [["0", 5], ["1", 3], ["b", 2], ["a", 4], [{"symbol": "s"}, 1]]}"#,
    ));
    assert_eq!(a, b);
}

#[test]
fn layout_is_fixed() {
    let text = "{\n  \"root\": {\"ref\": 0},\n  \"objects\": [\n    {\"kind\": \"Array\", \"length\": 2, \
                \"props\": [[\"0\", 1.5], [\"1\", {\"ref\": 0}]]},\n    {\"kind\": \"Object\"}\n  ],\n  \
                \"transfer\": [1]\n}\n";
    let document = parse(text).unwrap();
    let printed = document.to_json_string();
    assert_eq!(printed, text);
    let empty = "{\n  \"root\": null,\n  \"objects\": []\n}\n";
    assert_eq!(parse(empty).unwrap().to_json_string(), empty);
}
