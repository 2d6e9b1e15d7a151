//! Malformed documents, and documents that describe no possible graph, are
//! refused with a message that says where and what.

#![cfg(feature = "notation")]

use webmessaging::ecmascript::Heap;
use webmessaging::notation::{build, parse};

/// The error parsing and building `text` gives.
fn error(text: &str) -> String {
    let document = match parse(text) {
        Ok(document) => document,
        Err(e) => return e.to_string(),
    };
    let mut heap = Heap::default();
    let before = heap.len();
    match build(&document, &mut heap) {
        Ok(_) => panic!("accepted: {text}"),
        Err(e) => {
            assert_eq!(heap.len(), before, "a failed build left objects behind");
            e.to_string()
        }
    }
}

#[track_caller]
fn fails(text: &str, expected: &str) {
    let message = error(text);
    assert!(
        message.contains(expected),
        "\ninput:    {text}\nmessage:  {message}\nexpected: {expected}"
    );
}

/// A document whose root is object 0 of `objects`.
fn graph(objects: &str) -> String {
    format!(r#"{{"root": {{"ref": 0}}, "objects": [{objects}]}}"#)
}

/// A document whose root is `value`.
fn root(value: &str) -> String {
    format!(r#"{{"root": {value}, "objects": []}}"#)
}

#[test]
fn document_shape() {
    fails("{", "not valid JSON: EOF while parsing");
    fails(
        "[]",
        "expected a document {\"root\": ..., \"objects\": [...]}, found an array",
    );
    fails(r#"{"objects": []}"#, "missing field \"root\"");
    fails(
        r#"{"root": 1, "extra": 2}"#,
        "unknown field \"extra\" (expected \"root\", \"objects\", \"transfer\")",
    );
    fails(
        r#"{"root": 1, "objects": {}}"#,
        "objects: expected an array, found an object",
    );
    fails(
        r#"{"root": 1, "transfer": [-1]}"#,
        "transfer[0]: expected a non-negative integer, found -1",
    );
    fails(
        r#"{"root": 1, "transfer": [2]}"#,
        "transfer[0]: object 2 does not exist (the document has 0 objects)",
    );
    fails(&"[".repeat(200), "not valid JSON: recursion limit exceeded");
}

#[test]
fn values() {
    fails(&root("[]"), "root: expected a value, found an array");
    fails(&root("{}"), "root: expected an object with exactly one of");
    fails(
        &root(r#"{"ref": 0, "number": "NaN"}"#),
        "root: expected an object with exactly one of",
    );
    fails(&root(r#"{"string": "x"}"#), "root: unknown value form \"string\"");
    fails(
        &root(r#"{"undefined": false}"#),
        "root.undefined: expected true, found false",
    );
    fails(
        &root(r#"{"number": "nan"}"#),
        "root.number: expected \"NaN\", \"Infinity\", \"-Infinity\" or \"-0\"",
    );
    fails(&root(r#"{"number": 1}"#), "root.number: expected \"NaN\"");
    fails(&root("-0.0"), "root: -0 is written {\"number\": \"-0\"}");
    fails(&root("-0"), "root: -0 is written {\"number\": \"-0\"}");
    fails(
        &root(r#"{"bigint": "1.5"}"#),
        "root.bigint: \"1.5\" is not a decimal BigInt",
    );
    fails(
        &root(r#"{"bigint": 15}"#),
        "root.bigint: expected a decimal string, found 15",
    );
    fails(
        &root(r#"{"utf16": [97, 65536]}"#),
        "root.utf16[1]: expected a UTF-16 code unit (0 to 65535), found 65536",
    );
    fails(
        &root(r#"{"utf16": "a"}"#),
        "root.utf16: expected an array, found a string",
    );
    fails(
        &root(r#"{"symbol": 3}"#),
        "root.symbol: expected a string, found 3",
    );
    fails(
        &root(r#"{"ref": 1.5}"#),
        "root.ref: expected a non-negative integer, found 1.5",
    );
    fails(
        &root(r#"{"ref": 0}"#),
        "root: object 0 does not exist (the document has 0 objects)",
    );
}

#[test]
fn object_shape() {
    fails(
        &graph("3"),
        "objects[0]: expected an object {\"kind\": ...}, found a number",
    );
    fails(&graph("{}"), "objects[0]: missing field \"kind\"");
    fails(
        &graph(r#"{"kind": 7}"#),
        "objects[0].kind: expected a string, found 7",
    );
    fails(
        &graph(r#"{"kind": "Thing"}"#),
        "objects[0].kind: unknown kind \"Thing\"",
    );
    fails(
        &graph(r#"{"kind": "Object", "length": 1}"#),
        "objects[0]: unknown field \"length\" (expected \"kind\", \"props\")",
    );
    fails(
        &graph(r#"{"kind": "Array"}"#),
        "objects[0]: missing field \"length\"",
    );
    fails(
        &graph(r#"{"kind": "Array", "length": 4294967296}"#),
        "objects[0].length: expected an array length below 2^32",
    );
    fails(
        &graph(r#"{"kind": "Array", "length": "1"}"#),
        "objects[0].length: expected a non-negative integer, found \"1\"",
    );
    fails(
        &graph(r#"{"kind": "Boolean", "value": 1}"#),
        "objects[0].value: expected a boolean, found 1",
    );
    fails(
        &graph(r#"{"kind": "Number", "value": "1"}"#),
        "objects[0].value: expected a number, found \"1\"",
    );
    fails(
        &graph(r#"{"kind": "String", "value": null}"#),
        "objects[0].value: expected a string, found null",
    );
    fails(
        &graph(r#"{"kind": "BigInt", "value": 1}"#),
        "objects[0].value: expected a bigint",
    );
    fails(
        &graph(r#"{"kind": "Date", "time": null}"#),
        "objects[0].time: expected a number, found null",
    );
    fails(
        &graph(r#"{"kind": "RegExp", "source": "a"}"#),
        "objects[0]: missing field \"flags\"",
    );
    fails(
        &graph(r#"{"kind": "Map", "entries": [[1]]}"#),
        "objects[0].entries[0]: expected a [key, value] pair, found [1]",
    );
    fails(
        &graph(r#"{"kind": "Set", "values": {}}"#),
        "objects[0].values: expected an array, found an object",
    );
    fails(
        &graph(r#"{"kind": "Error", "name": "AggregateError"}"#),
        "objects[0].name: expected one of \"Error\"",
    );
    fails(
        &graph(r#"{"kind": "Error", "name": "Error", "stack": 1}"#),
        "objects[0].stack: expected a string, found 1",
    );
    fails(
        &graph(r#"{"kind": "Platform"}"#),
        "objects[0]: missing field \"interface\"",
    );
    fails(
        &graph(r#"{"kind": "MessagePort", "detached": 1}"#),
        "objects[0].detached: expected true or false, found 1",
    );
}

#[test]
fn array_buffers() {
    fails(
        &graph(r#"{"kind": "ArrayBuffer", "bytes": "abc"}"#),
        "objects[0].bytes: expected an even number of hex digits, found 3",
    );
    fails(
        &graph(r#"{"kind": "ArrayBuffer", "bytes": "0g"}"#),
        "objects[0].bytes: invalid hex digit 'g' at position 1",
    );
    fails(
        &graph(r#"{"kind": "ArrayBuffer", "bytes": "é0"}"#),
        "objects[0].bytes: expected hex digits, found non-ASCII text",
    );
    fails(
        &graph(r#"{"kind": "ArrayBuffer", "bytes": 12}"#),
        "objects[0].bytes: expected a string of hex digits, found 12",
    );
    fails(
        &graph(r#"{"kind": "ArrayBuffer", "bytes": "0102", "maxByteLength": 1}"#),
        "objects[0].maxByteLength: 1 is below the byte length 2",
    );
    fails(
        &graph(r#"{"kind": "ArrayBuffer", "bytes": "01", "detached": true}"#),
        "objects[0].bytes: a detached buffer has no bytes",
    );
    fails(
        &graph(r#"{"kind": "ArrayBuffer", "bytes": "", "detached": true, "shared": true}"#),
        "objects[0].detached: a SharedArrayBuffer cannot be detached",
    );
    fails(
        &graph(r#"{"kind": "ArrayBuffer", "bytes": "", "shared": true, "detachKey": true}"#),
        "objects[0].detachKey: a SharedArrayBuffer has no detach key",
    );
    fails(
        &graph(r#"{"kind": "ArrayBuffer", "bytes": "", "shared": "yes"}"#),
        "objects[0].shared: expected true or false, found \"yes\"",
    );
}

#[test]
fn views() {
    let buffer = r#"{"kind": "ArrayBuffer", "bytes": "0000000000000000"}"#;
    fails(
        &graph(&format!(
            r#"{{"kind": "Uint8Array", "buffer": 1, "byteOffset": -1, "length": 1}}, {buffer}"#
        )),
        "objects[0].byteOffset: expected a non-negative integer, found -1",
    );
    fails(
        &graph(&format!(
            r#"{{"kind": "Uint8Array", "buffer": 1, "byteOffset": 0}}, {buffer}"#
        )),
        "objects[0]: missing field \"length\"",
    );
    fails(
        &graph(&format!(
            r#"{{"kind": "DataView", "buffer": 1, "byteOffset": 0, "length": 1}}, {buffer}"#
        )),
        "objects[0]: missing field \"byteLength\"",
    );
    fails(
        &graph(&format!(
            r#"{{"kind": "Uint8Array", "buffer": {{"ref": 1}}, "byteOffset": 0, "length": 1}}, {buffer}"#
        )),
        "objects[0].buffer: expected a non-negative integer, found {\"ref\":1}",
    );
    fails(
        &graph(r#"{"kind": "Uint8Array", "buffer": 5, "byteOffset": 0, "length": 1}"#),
        "objects[0].buffer: refers to object 5, which does not exist (the document has 1 objects)",
    );
    fails(
        &graph(r#"{"kind": "Uint8Array", "buffer": 1, "byteOffset": 0, "length": 1}, {"kind": "Object"}"#),
        "objects[0].buffer: objects[1] is a Object, not an ArrayBuffer",
    );
    fails(
        &graph(r#"{"kind": "DataView", "buffer": 0, "byteOffset": 0, "byteLength": 1}"#),
        "objects[0].buffer: objects[0] is a DataView, not an ArrayBuffer",
    );
    fails(
        &graph(&format!(
            r#"{{"kind": "Float64Array", "buffer": 1, "byteOffset": 4, "length": 0}}, {buffer}"#
        )),
        "objects[0].byteOffset: 4 is not a multiple of Float64Array's element size 8",
    );
    fails(
        &graph(&format!(
            r#"{{"kind": "Int16Array", "buffer": 1, "byteOffset": 0, "length": null}}, {buffer}"#
        )),
        "objects[0].length: a length-tracking view (null) needs a resizable buffer, and objects[1] is not",
    );
    fails(
        &graph(&format!(
            r#"{{"kind": "DataView", "buffer": 1, "byteOffset": 0, "byteLength": null}}, {buffer}"#
        )),
        "objects[0].byteLength: a length-tracking view",
    );
}

#[test]
fn props() {
    let object = |props: &str| graph(&format!(r#"{{"kind": "Object", "props": [{props}]}}"#));
    fails(
        &object(r#""a""#),
        "objects[0].props[0]: expected [KEY, VALUE] or [KEY, VALUE, {\"enumerable\": false}], found \"a\"",
    );
    fails(&object(r#"["a"]"#), "objects[0].props[0]: expected [KEY, VALUE]");
    fails(
        &object(r#"["a", 1, {}, 2]"#),
        "objects[0].props[0]: expected [KEY, VALUE]",
    );
    fails(
        &object(r#"[1, 1]"#),
        "objects[0].props[0][0]: expected a property key (a string, {\"utf16\": [...]} or {\"symbol\": ...}), found 1",
    );
    fails(
        &object(r#"[{"ref": 0}, 1]"#),
        "objects[0].props[0][0]: expected a property key",
    );
    fails(
        &object(r#"["a", []]"#),
        "objects[0].props[0][1]: expected a value, found an array",
    );
    fails(
        &object(r#"["a", 1, {"writable": false}]"#),
        "objects[0].props[0][2]: unknown field \"writable\" (expected \"enumerable\")",
    );
    fails(
        &object(r#"["a", 1, {"enumerable": 0}]"#),
        "objects[0].props[0][2].enumerable: expected true or false, found 0",
    );
    fails(
        &object(r#"["a", {"getter": {}}]"#),
        "objects[0].props[0][1].getter: expected exactly one of \"returns\" and \"throws\"",
    );
    fails(
        &object(r#"["a", {"getter": {"returns": 1, "throws": 2}}]"#),
        "objects[0].props[0][1].getter: expected exactly one of",
    );
    fails(
        &object(r#"["a", {"getter": {"calls": 1}}]"#),
        "objects[0].props[0][1].getter: unknown field \"calls\"",
    );
    fails(
        &object(r#"["a", {"getter": 5}]"#),
        "objects[0].props[0][1].getter: expected {\"returns\": VALUE} or {\"throws\": VALUE}, found a number",
    );
    fails(
        &object(r#"["a", {"getter": {"returns": {"ref": 9}}}]"#),
        "objects[0].props[0][1]: refers to object 9, which does not exist",
    );
    fails(
        &object(r#"["a", 1], ["b", 2], ["a", 3]"#),
        "objects[0].props[2][0]: this key is already an own property of the object",
    );
    fails(
        &object(r#"[{"symbol": "s"}, 1], [{"symbol": "s"}, 2]"#),
        "objects[0].props[1][0]: this key is already an own property",
    );
    fails(
        &object(r#"["x", 1], [{"utf16": [120]}, 2]"#),
        "objects[0].props[1][0]: this key is already an own property",
    );
}

#[test]
fn props_that_are_fields_or_virtual() {
    fails(
        &graph(r#"{"kind": "Array", "length": 2, "props": [["length", 2]]}"#),
        "objects[0].props[0][0]: an Array's length is its \"length\" field, not a prop",
    );
    fails(
        &graph(r#"{"kind": "Array", "length": 2, "props": [["2", 0]]}"#),
        "objects[0].props[0][0]: array index 2 is not below the Array's length 2",
    );
    fails(
        &graph(r#"{"kind": "String", "value": "ab", "props": [["1", "b"]]}"#),
        "objects[0].props[0][0]: a String wrapper's length and indices come from its value",
    );
    fails(
        &graph(r#"{"kind": "String", "value": "ab", "props": [["length", 2]]}"#),
        "a String wrapper's length and indices come from its value",
    );
    fails(
        &graph(r#"{"kind": "RegExp", "source": "", "flags": "", "props": [["lastIndex", 2]]}"#),
        "objects[0].props[0][0]: a RegExp's lastIndex is its \"lastIndex\" field, not a prop",
    );
    fails(
        &graph(r#"{"kind": "Error", "name": "Error", "props": [["message", "m"]]}"#),
        "objects[0].props[0][0]: an Error's own data property message is its \"message\" field",
    );
    fails(
        &graph(
            r#"{"kind": "Error", "name": "Error", "message": "m", "props": [["message", {"getter": {"returns": 1}}]]}"#,
        ),
        "objects[0].props[0][0]: this key is already the object's \"message\" field",
    );
}

#[test]
fn maps_sets_and_intrinsics() {
    fails(
        &graph(r#"{"kind": "Map", "entries": [[{"number": "NaN"}, 1], [{"number": "NaN"}, 2]]}"#),
        "objects[0].entries[1][0]: a Map or Set holds each key once (SameValueZero)",
    );
    fails(
        &graph(r#"{"kind": "Map", "entries": [[0, 1], [0, 2]]}"#),
        "objects[0].entries[1][0]: a Map or Set holds each key once",
    );
    fails(
        &graph(r#"{"kind": "Set", "values": [1, {"number": "-0"}]}"#),
        "objects[0].values[1]: a Map or Set never holds -0",
    );
    fails(
        &graph(r#"{"kind": "Set", "values": [{"ref": 0}, "x", {"ref": 0}]}"#),
        "objects[0].values[2]: a Map or Set holds each key once",
    );
    fails(
        &graph(r#"{"kind": "Set", "values": [{"symbol": "s"}, {"symbol": "s"}]}"#),
        "objects[0].values[1]: a Map or Set holds each key once",
    );
    fails(
        &graph(r#"{"kind": "Set", "values": [{"ref": 3}]}"#),
        "objects[0].values[0]: refers to object 3, which does not exist",
    );
    fails(
        &graph(r#"{"kind": "Map", "entries": [[1, {"ref": 3}]]}"#),
        "objects[0].entries[0][1]: refers to object 3",
    );
    fails(
        &graph(r#"{"kind": "RegExp", "source": "", "flags": "", "lastIndex": {"ref": 3}}"#),
        "objects[0].lastIndex: refers to object 3",
    );
    fails(
        &graph(r#"{"kind": "Error", "name": "Error", "message": {"ref": 3}}"#),
        "objects[0].message: refers to object 3",
    );
    fails(
        &graph(r#"{"kind": "ObjectPrototype"}, {"kind": "ObjectPrototype"}"#),
        "objects[1].kind: a realm has one %Object.prototype%, and objects[0] is it already",
    );
}

#[test]
fn lengths_no_buffer_can_have() {
    for max in ["9007199254740992", "18446744073709551615"] {
        for shared in ["false", "true"] {
            fails(
                &graph(&format!(
                    r#"{{"kind": "ArrayBuffer", "bytes": "", "maxByteLength": {max}, "shared": {shared}}}"#
                )),
                &format!("objects[0].maxByteLength: {max} is above 2^53 - 1"),
            );
        }
    }
    // 2^53 - 1 itself is a length a program may ask for.
    let mut heap = Heap::default();
    let document = parse(&graph(
        r#"{"kind": "ArrayBuffer", "bytes": "", "maxByteLength": 9007199254740991}"#,
    ))
    .unwrap();
    build(&document, &mut heap).expect("2^53 - 1 is allowed");

    let buffer = r#"{"kind": "ArrayBuffer", "bytes": "00", "detached": true}"#;
    fails(
        &graph(&format!(
            r#"{{"kind": "Float64Array", "buffer": 1, "byteOffset": 0, "length": 2305843009213693952}}, {buffer}"#
        )),
        "objects[0].length: the view would end past 2^53 - 1 bytes",
    );
    fails(
        &graph(&format!(
            r#"{{"kind": "DataView", "buffer": 1, "byteOffset": 9007199254740992, "byteLength": 0}}, {buffer}"#
        )),
        "objects[0].byteLength: the view would end past 2^53 - 1 bytes",
    );
}

#[test]
fn regexp_flags_and_interface_names_no_program_can_make() {
    let regexp = |flags: &str| {
        graph(&format!(
            r#"{{"kind": "RegExp", "source": "a", "flags": "{flags}"}}"#
        ))
    };
    fails(&regexp("gg"), "objects[0].flags: 'g' appears twice");
    fails(
        &regexp("x"),
        "objects[0].flags: 'x' is not a RegExp flag (dgimsuvy)",
    );
    fails(&regexp("uv"), "objects[0].flags: 'v' cannot go with u");
    fails(&regexp("vu"), "objects[0].flags: 'u' cannot go with v");
    let platform = |name: &str| graph(&format!(r#"{{"kind": "Platform", "interface": "{name}"}}"#));
    for name in ["", "1x", "a b", "é"] {
        fails(
            &platform(name),
            &format!("objects[0].interface: {name:?} is not a Web IDL identifier"),
        );
    }
    let mut heap = Heap::default();
    for ok in [regexp("dgimsuy"), regexp("v"), regexp(""), platform("_x-1")] {
        build(&parse(&ok).unwrap(), &mut heap).unwrap_or_else(|e| panic!("{ok}: {e}"));
    }
}

#[test]
fn messages_quote_only_an_excerpt_of_a_value() {
    // A 4 MB array where a number belongs, and long names where a kind or
    // field belongs: the message stays one short line.
    let huge = format!("[{}]", vec!["1"; 2_000_000].join(","));
    let huge_message = error(&graph(&format!(r#"{{"kind": "Array", "length": {huge}}}"#)));
    assert_eq!(
        huge_message,
        "objects[0].length: expected a non-negative integer, found \
         [1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1… (an array of 2000000 items)"
    );
    let big = format!("[{}]", vec!["1"; 200_000].join(","));
    let long = "k".repeat(400_000);
    let cases = [
        (
            root(&format!(r#"{{"number": {big}}}"#)),
            "an array of 200000 items",
        ),
        (
            root(&format!(r#"{{"bigint": "{long}"}}"#)),
            "a string of 400000 characters",
        ),
        (
            graph(&format!(r#"{{"kind": "{long}"}}"#)),
            "a string of 400000 characters",
        ),
        (
            root(&format!(r#"{{"{long}": 1}}"#)),
            "a string of 400000 characters",
        ),
        (
            format!(r#"{{"root": 1, "{long}": 1}}"#),
            "a string of 400000 characters",
        ),
        (
            graph(&format!(r#"{{"kind": "Platform", "interface": "{long} "}}"#)),
            "a string of 400001 characters",
        ),
        (
            graph(&format!(
                r#"{{"kind": "Set", "values": {big}, "props": [{big}]}}"#
            )),
            "an array of 200000 items",
        ),
    ];
    for (text, size) in cases {
        let message = error(&text);
        assert!(
            message.len() < 300,
            "{} bytes: {}…",
            message.len(),
            &message[..300]
        );
        assert!(message.contains(size), "{message}");
    }
}
