//! ToString on documents against outputs ECMAScript engines give.

use super::{Conversion, Thrown};
use webmessaging::ecmascript::ErrorPrototype;
use webmessaging::notation::{Document, Val, parse};

const LIMIT: usize = 1 << 24;

fn doc(objects: &str) -> Document {
    let text = format!(r#"{{"root": null, "objects": [{objects}]}}"#);
    parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// ToString of object `i` of a document of `objects`.
fn to_string(objects: &str, i: usize) -> Result<String, Thrown> {
    let doc = doc(objects);
    Conversion::new(&doc, LIMIT)
        .to_string(&Val::Ref(i))
        .map(|s| s.to_string_lossy())
}

#[track_caller]
fn text(objects: &str, expected: &str) {
    match to_string(objects, 0) {
        Ok(s) => assert_eq!(s, expected, "{objects}"),
        Err(e) => panic!("threw {e:?}: {objects}"),
    }
}

#[track_caller]
fn throws(objects: &str, expected: Thrown) {
    match to_string(objects, 0) {
        Err(e) => assert!(e.same(&expected), "threw {e:?}, expected {expected:?}: {objects}"),
        Ok(s) => panic!("gave {s:?}, expected {expected:?} thrown: {objects}"),
    }
}

fn new_error(kind: ErrorPrototype) -> Thrown {
    Thrown::NewError(kind)
}

#[test]
fn primitives() {
    let doc = doc("");
    let mut conversion = Conversion::new(&doc, LIMIT);
    let mut s = |v: Val| conversion.to_string(&v).map(|s| s.to_string_lossy()).ok();
    assert_eq!(s(Val::Undefined).as_deref(), Some("undefined"));
    assert_eq!(s(Val::Null).as_deref(), Some("null"));
    assert_eq!(s(Val::Bool(false)).as_deref(), Some("false"));
    assert_eq!(s(Val::Number(-0.0)).as_deref(), Some("0"));
    assert_eq!(s(Val::Number(1e21)).as_deref(), Some("1e+21"));
    assert_eq!(s(Val::Number(f64::NEG_INFINITY)).as_deref(), Some("-Infinity"));
    assert_eq!(s(Val::Symbol(None)), None, "a Symbol throws");
}

#[test]
fn errors_join_name_and_message() {
    text(
        r#"{"kind": "Error", "name": "RangeError", "message": "too big"}"#,
        "RangeError: too big",
    );
    text(r#"{"kind": "Error", "name": "URIError"}"#, "URIError");
    // An empty name leaves the message alone, an empty message the name.
    text(
        r#"{"kind": "Error", "name": "Error", "message": "m", "props": [["name", ""]]}"#,
        "m",
    );
    text(
        r#"{"kind": "Error", "name": "TypeError", "message": ""}"#,
        "TypeError",
    );
    text(
        r#"{"kind": "Error", "name": "Error", "message": "", "props": [["name", ""]]}"#,
        "",
    );
    // An undefined name is "Error"; a message that is a Number converts.
    text(
        r#"{"kind": "Error", "name": "EvalError", "message": 5, "props": [["name", {"undefined": true}]]}"#,
        "Error: 5",
    );
    // A name getter runs, and may throw.
    throws(
        r#"{"kind": "Error", "name": "Error", "props": [["name", {"getter": {"throws": 3}}]]}"#,
        Thrown::Value(Val::Number(3.0)),
    );
    // A Symbol message makes ToString throw a TypeError.
    throws(
        r#"{"kind": "Error", "name": "Error", "message": {"symbol": "s"}}"#,
        new_error(ErrorPrototype::TypeError),
    );
}

#[test]
fn arrays_join_nested_arrays_holes_null_and_undefined() {
    // [1, [2, [3]], null, undefined, <hole>, "x"]
    text(
        r#"{"kind": "Array", "length": 6, "props": [["0", 1], ["1", {"ref": 1}], ["2", null], ["3", {"undefined": true}], ["5", "x"]]},
           {"kind": "Array", "length": 2, "props": [["0", 2], ["1", {"ref": 2}]]},
           {"kind": "Array", "length": 1, "props": [["0", 3]]}"#,
        "1,2,3,,,,x",
    );
    text(r#"{"kind": "Array", "length": 5}"#, ",,,,");
    text(r#"{"kind": "Array", "length": 0}"#, "");
    // b = [1, b, [b, 2]]: an Array met again while joined gives "".
    text(
        r#"{"kind": "Array", "length": 3, "props": [["0", 1], ["1", {"ref": 0}], ["2", {"ref": 1}]]},
           {"kind": "Array", "length": 2, "props": [["0", {"ref": 0}], ["1", 2]]}"#,
        "1,,,2",
    );
    // Inside a cut cycle an object keeps its first text: [b, c] with
    // b = [1, b, c] and c = [b, 2] (V8 would give "1,,,2,1,,,2").
    text(
        r#"{"kind": "Array", "length": 2, "props": [["0", {"ref": 1}], ["1", {"ref": 2}]]},
           {"kind": "Array", "length": 3, "props": [["0", 1], ["1", {"ref": 1}], ["2", {"ref": 2}]]},
           {"kind": "Array", "length": 2, "props": [["0", {"ref": 1}], ["1", 2]]}"#,
        "1,,,2,,2",
    );
    // A hole reads %Object.prototype%.
    text(
        r#"{"kind": "Array", "length": 3}, {"kind": "ObjectPrototype", "props": [["1", "inherited"]]}"#,
        ",inherited,",
    );
    // An element getter runs.
    throws(
        r#"{"kind": "Array", "length": 2, "props": [["1", {"getter": {"throws": "from join"}}]]}"#,
        Thrown::Value(Val::String("from join".into())),
    );
    // An own `join` that cannot be called: Object.prototype.toString.
    text(
        r#"{"kind": "Array", "length": 1, "props": [["0", 1], ["join", 5]]}"#,
        "[object Array]",
    );
    // One that can is taken as the built-in.
    text(
        r#"{"kind": "Array", "length": 2, "props": [["0", 1], ["join", {"ref": 1}]]}, {"kind": "Function"}"#,
        "1,",
    );
}

#[test]
fn huge_sparse_arrays_throw_range_errors_in_order() {
    let huge = r#"{"kind": "Array", "length": 4294967295, "props": [["0", "a"]]}"#;
    throws(huge, new_error(ErrorPrototype::RangeError));
    // The element at index 1 is read before the separators run out.
    throws(
        r#"{"kind": "Array", "length": 4294967295, "props": [["1", {"getter": {"throws": 9}}]]}"#,
        Thrown::Value(Val::Number(9.0)),
    );
    // Just at the limit is allowed, one past it is not.
    let at_limit = format!(r#"{{"kind": "Array", "length": {}}}"#, LIMIT + 1);
    assert_eq!(to_string(&at_limit, 0).map(|s| s.len()).ok(), Some(LIMIT));
    let past = format!(r#"{{"kind": "Array", "length": {}}}"#, LIMIT + 2);
    throws(&past, new_error(ErrorPrototype::RangeError));
}

#[test]
fn endless_conversions_throw_range_errors() {
    // An Error whose name is itself.
    throws(
        r#"{"kind": "Error", "name": "Error", "props": [["name", {"ref": 0}]]}"#,
        new_error(ErrorPrototype::RangeError),
    );
    // e.name = [e]: the join cuts the second round, so it ends.
    text(
        r#"{"kind": "Error", "name": "Error", "message": "m", "props": [["name", {"ref": 1}]]},
           {"kind": "Array", "length": 1, "props": [["0", {"ref": 0}]]}"#,
        "m: m",
    );
}

#[test]
fn wrappers_dates_functions_and_tags() {
    text(r#"{"kind": "Boolean", "value": false}"#, "false");
    text(r#"{"kind": "Number", "value": {"number": "-0"}}"#, "0");
    text(r#"{"kind": "Number", "value": 1e-7}"#, "1e-7");
    text(r#"{"kind": "BigInt", "value": {"bigint": "-7"}}"#, "-7");
    text(r#"{"kind": "String", "value": "ab"}"#, "ab");
    text(
        r#"{"kind": "Date", "time": 0}"#,
        "Thu Jan 01 1970 00:00:00 GMT+0000 (Coordinated Universal Time)",
    );
    text(r#"{"kind": "Date", "time": {"number": "NaN"}}"#, "Invalid Date");
    text(r#"{"kind": "Function"}"#, "function () { [native code] }");
    for (kind, tag) in [
        (r#"{"kind": "Object"}"#, "[object Object]"),
        (r#"{"kind": "ObjectPrototype"}"#, "[object Object]"),
        (r#"{"kind": "Map", "entries": []}"#, "[object Map]"),
        (r#"{"kind": "Set", "values": []}"#, "[object Set]"),
        (r#"{"kind": "WeakMap"}"#, "[object WeakMap]"),
        (r#"{"kind": "WeakSet"}"#, "[object WeakSet]"),
        (r#"{"kind": "WeakRef"}"#, "[object WeakRef]"),
        (r#"{"kind": "Promise"}"#, "[object Promise]"),
        (r#"{"kind": "Proxy"}"#, "[object Object]"),
        (r#"{"kind": "MessagePort"}"#, "[object MessagePort]"),
        (
            r#"{"kind": "ArrayBuffer", "bytes": "00"}"#,
            "[object ArrayBuffer]",
        ),
        (
            r#"{"kind": "ArrayBuffer", "bytes": "00", "shared": true}"#,
            "[object SharedArrayBuffer]",
        ),
    ] {
        text(kind, tag);
    }
    throws(
        r#"{"kind": "SymbolObject"}"#,
        new_error(ErrorPrototype::TypeError),
    );
}

#[test]
fn typed_arrays_join_their_elements() {
    let buffer = r#"{"kind": "ArrayBuffer", "bytes": "0102ff00", "maxByteLength": 8}"#;
    let view = |kind: &str, offset: usize, length: &str| {
        format!(r#"{{"kind": "{kind}", "buffer": 1, "byteOffset": {offset}, "length": {length}}}, {buffer}"#)
    };
    text(&view("Uint8Array", 0, "null"), "1,2,255,0");
    text(&view("Int8Array", 1, "2"), "2,-1");
    text(&view("Uint16Array", 2, "1"), "255");
    text(&view("Float16Array", 0, "0"), "");
    text(
        &format!(r#"{{"kind": "DataView", "buffer": 1, "byteOffset": 0, "byteLength": 2}}, {buffer}"#),
        "[object DataView]",
    );
    // ValidateTypedArray: out of bounds throws a TypeError.
    throws(&view("Uint8Array", 2, "4"), new_error(ErrorPrototype::TypeError));
    // An own join that is not callable: Object.prototype.toString's tag.
    text(
        &format!(
            r#"{{"kind": "Int32Array", "buffer": 1, "byteOffset": 0, "length": 1, "props": [["join", null]]}}, {buffer}"#
        ),
        "[object Int32Array]",
    );
}

#[test]
fn regexps_print_source_and_flags() {
    text(
        r#"{"kind": "RegExp", "source": "a/b", "flags": "ig"}"#,
        "/a\\/b/gi",
    );
    text(r#"{"kind": "RegExp", "source": "[/]", "flags": ""}"#, "/[/]/");
    text(r#"{"kind": "RegExp", "source": "", "flags": "yv"}"#, "/(?:)/vy");
    // `source` and the flag getters are read with [[Get]]: own properties shadow them.
    text(
        r#"{"kind": "RegExp", "source": "a", "flags": "g", "props": [["source", "x"], ["global", 0], ["sticky", 1]]}"#,
        "/x/y",
    );
    text(
        r#"{"kind": "RegExp", "source": "a", "flags": "g", "props": [["flags", {"ref": 1}]]}, {"kind": "Array", "length": 2, "props": [["1", "m"]]}"#,
        "/a/,m",
    );
}

#[test]
fn to_string_and_value_of_are_looked_up_as_get_does() {
    // toString not callable: valueOf.
    text(
        r#"{"kind": "Number", "value": 5, "props": [["toString", 1]]}"#,
        "5",
    );
    // Neither gives a primitive: a TypeError.
    throws(
        r#"{"kind": "Object", "props": [["toString", null]]}"#,
        new_error(ErrorPrototype::TypeError),
    );
    // A callable own toString is the built-in one.
    text(
        r#"{"kind": "Object", "props": [["toString", {"ref": 1}]]}, {"kind": "Function"}"#,
        "[object Object]",
    );
    // A getter for toString runs.
    throws(
        r#"{"kind": "Date", "time": 0, "props": [["toString", {"getter": {"throws": "t"}}]]}"#,
        Thrown::Value(Val::String("t".into())),
    );
    // %Object.prototype%'s own toString is what an ordinary object inherits...
    throws(
        r#"{"kind": "Object"}, {"kind": "ObjectPrototype", "props": [["toString", 1]]}"#,
        new_error(ErrorPrototype::TypeError),
    );
    // ... but not an Error, whose prototype has its own toString.
    text(
        r#"{"kind": "Error", "name": "Error", "message": "m"}, {"kind": "ObjectPrototype", "props": [["toString", 1]]}"#,
        "Error: m",
    );
    // An Error reaches %Object.prototype%'s valueOf when its toString fails.
    throws(
        r#"{"kind": "Error", "name": "Error", "props": [["toString", 0]]}, {"kind": "ObjectPrototype", "props": [["valueOf", {"getter": {"throws": 4}}]]}"#,
        Thrown::Value(Val::Number(4.0)),
    );
    // A Date's valueOf gives its time value.
    text(
        r#"{"kind": "Date", "time": 86400000, "props": [["toString", {"undefined": true}]]}"#,
        "86400000",
    );
}
