//! Hand-written edge cases for the oracle, each with what the comparison is
//! expected to find. `tests/oracle.rs` checks every expectation;
//! [`super::run_oracle`] runs them before the generated cases.

use super::Divergence;

/// What comparing an edge case with node should find.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// The same outcome.
    Agree,
    /// A difference accounted for by this known divergence.
    Known(Divergence),
    /// A document node cannot run (see the translator).
    Unsupported,
}

/// One edge case: a name, a document and the expectation.
#[derive(Clone, Copy, Debug)]
pub struct EdgeCase {
    /// What the case is about.
    pub name: &'static str,
    /// The input document, in the graph notation.
    pub document: &'static str,
    /// What the comparison should find.
    pub expect: Expect,
}

const fn agree(name: &'static str, document: &'static str) -> EdgeCase {
    EdgeCase {
        name,
        document,
        expect: Expect::Agree,
    }
}

const fn known(name: &'static str, divergence: Divergence, document: &'static str) -> EdgeCase {
    EdgeCase {
        name,
        document,
        expect: Expect::Known(divergence),
    }
}

/// The table.
pub const EDGE_CASES: &[EdgeCase] = &[
    // ----- primitives -----
    agree("undefined", r#"{"root": {"undefined": true}}"#),
    agree("null", r#"{"root": null}"#),
    agree("minus zero", r#"{"root": {"number": "-0"}}"#),
    agree("NaN", r#"{"root": {"number": "NaN"}}"#),
    agree("negative infinity", r#"{"root": {"number": "-Infinity"}}"#),
    agree("smallest subnormal", r#"{"root": 5e-324}"#),
    agree("lone high surrogate", r#"{"root": {"utf16": [97, 55296]}}"#),
    agree("lone low surrogate first", r#"{"root": {"utf16": [56320, 98]}}"#),
    agree("astral string", r#"{"root": "😀é"}"#),
    agree(
        "big BigInt",
        r#"{"root": {"bigint": "-123456789012345678901234567890"}}"#,
    ),
    agree("symbol root", r#"{"root": {"symbol": "s"}}"#),
    agree("symbol without description", r#"{"root": {"symbol": null}}"#),
    // ----- ordinary objects and arrays -----
    agree(
        "empty object",
        r#"{"root": {"ref": 0}, "objects": [{"kind": "Object"}]}"#,
    ),
    agree(
        "self cycle",
        r#"{"root": {"ref": 0}, "objects": [{"kind": "Object", "props": [["self", {"ref": 0}]]}]}"#,
    ),
    agree(
        "shared reference",
        r#"{"root": {"ref": 0}, "objects": [
            {"kind": "Array", "length": 3, "props": [["0", {"ref": 1}], ["1", {"ref": 1}], ["2", {"ref": 0}]]},
            {"kind": "Object", "props": [["x", 1]]}]}"#,
    ),
    agree(
        "holes and extra props",
        r#"{"root": {"ref": 0}, "objects": [
            {"kind": "Array", "length": 5, "props": [["1", "a"], ["3", {"number": "-0"}], ["x", true]]}]}"#,
    ),
    agree(
        "sparse array at the maximum length",
        r#"{"root": {"ref": 0}, "objects": [
            {"kind": "Array", "length": 4294967295, "props": [["4294967294", 1], ["5", 2]]}]}"#,
    ),
    agree(
        "non-enumerable and symbol-keyed props are left out",
        r#"{"root": {"ref": 0}, "objects": [{"kind": "Object", "props": [
            ["a", 1, {"enumerable": false}], [{"symbol": "k"}, 2], ["b", {"symbol": "v"}, {"enumerable": false}],
            ["c", 3]]}]}"#,
    ),
    agree(
        "a symbol value is refused",
        r#"{"root": {"ref": 0}, "objects": [{"kind": "Object", "props": [["a", {"symbol": "v"}]]}]}"#,
    ),
    agree(
        "getter returning an object",
        r#"{"root": {"ref": 0}, "objects": [
            {"kind": "Object", "props": [["g", {"getter": {"returns": {"ref": 1}}}], ["h", {"getter": {"returns": 5}}]]},
            {"kind": "Object", "props": [["back", {"ref": 0}]]}]}"#,
    ),
    agree(
        "getter throwing a primitive",
        r#"{"root": {"ref": 0}, "objects": [{"kind": "Object", "props": [["g", {"getter": {"throws": "boom"}}]]}]}"#,
    ),
    agree(
        "getter throwing a Symbol",
        r#"{"root": {"ref": 0}, "objects": [{"kind": "Object", "props": [["g", {"getter": {"throws": {"symbol": "why"}}}]]}]}"#,
    ),
    agree(
        "getter throwing an Error object",
        r#"{"root": {"ref": 0}, "objects": [
            {"kind": "Object", "props": [["a", 1], ["g", {"getter": {"throws": {"ref": 1}}}]]},
            {"kind": "Error", "name": "RangeError", "message": "thrown"}]}"#,
    ),
    agree(
        "getter throwing the object that holds it",
        r#"{"root": {"ref": 0}, "objects": [
            {"kind": "Object", "props": [["g", {"getter": {"throws": {"ref": 0}}}], [{"symbol": "s"}, {"ref": 1}]]},
            {"kind": "Array", "length": 1}]}"#,
    ),
    agree(
        "non-enumerable throwing getter is never called",
        r#"{"root": {"ref": 0}, "objects": [
            {"kind": "Object", "props": [["g", {"getter": {"throws": 1}}, {"enumerable": false}]]}]}"#,
    ),
    agree(
        "integer-like keys",
        r#"{"root": {"ref": 0}, "objects": [{"kind": "Object", "props": [
            ["b", 1], ["4294967295", 2], ["4294967294", 3], ["1", 4], ["01", 5], ["-0", 6],
            ["9007199254740991", 7], ["", 8], ["0", 9]]}]}"#,
    ),
    agree(
        "own __proto__ key",
        r#"{"root": {"ref": 0}, "objects": [{"kind": "Object", "props": [["__proto__", {"ref": 1}]]}, {"kind": "Object"}]}"#,
    ),
    agree(
        "lone surrogate key",
        r#"{"root": {"ref": 0}, "objects": [{"kind": "Object", "props": [[{"utf16": [56320, 120]}, 1]]}]}"#,
    ),
    // ----- wrappers, Date, RegExp -----
    agree(
        "wrappers",
        r#"{"root": {"ref": 0}, "objects": [
            {"kind": "Array", "length": 4, "props": [["0", {"ref": 1}], ["1", {"ref": 2}], ["2", {"ref": 3}], ["3", {"ref": 4}]]},
            {"kind": "Boolean", "value": false, "props": [["dropped", 1]]},
            {"kind": "Number", "value": {"number": "-0"}},
            {"kind": "String", "value": {"utf16": [55296, 97]}, "props": [["5", "beyond"], ["x", 1]]},
            {"kind": "BigInt", "value": {"bigint": "18446744073709551616"}}]}"#,
    ),
    agree(
        "dates",
        r#"{"root": {"ref": 0}, "objects": [
            {"kind": "Array", "length": 2, "props": [["0", {"ref": 1}], ["1", {"ref": 2}]]},
            {"kind": "Date", "time": {"number": "NaN"}}, {"kind": "Date", "time": -8640000000000000}]}"#,
    ),
    agree(
        "RegExp with lastIndex and flags",
        r#"{"root": {"ref": 0}, "objects": [
            {"kind": "RegExp", "source": "a+(b)", "flags": "dgimsy", "lastIndex": 5, "props": [["x", 1]]}]}"#,
    ),
    agree(
        "RegExp with unicodeSets",
        r#"{"root": {"ref": 0}, "objects": [{"kind": "RegExp", "source": "[\\p{L}--a]", "flags": "v"}]}"#,
    ),
    // ----- buffers and views -----
    agree(
        "ArrayBuffer",
        r#"{"root": {"ref": 0}, "objects": [{"kind": "ArrayBuffer", "bytes": "00ff10", "props": [["x", 1]]}]}"#,
    ),
    agree(
        "resizable ArrayBuffer",
        r#"{"root": {"ref": 0}, "objects": [{"kind": "ArrayBuffer", "bytes": "0102", "maxByteLength": 16}]}"#,
    ),
    agree(
        "SharedArrayBuffer",
        r#"{"root": {"ref": 0}, "objects": [{"kind": "ArrayBuffer", "bytes": "0102", "shared": true}]}"#,
    ),
    agree(
        "growable SharedArrayBuffer",
        r#"{"root": {"ref": 0}, "objects": [{"kind": "ArrayBuffer", "bytes": "0102", "maxByteLength": 9, "shared": true}]}"#,
    ),
    agree(
        "detached ArrayBuffer is refused",
        r#"{"root": {"ref": 0}, "objects": [{"kind": "ArrayBuffer", "bytes": "", "detached": true}]}"#,
    ),
    agree(
        "view over a detached buffer is refused",
        r#"{"root": {"ref": 0}, "objects": [
            {"kind": "Uint8Array", "buffer": 1, "byteOffset": 0, "length": 2},
            {"kind": "ArrayBuffer", "bytes": "", "detached": true}]}"#,
    ),
    agree(
        "every typed array kind node has, sharing one buffer",
        r#"{"root": {"ref": 0}, "objects": [
            {"kind": "Array", "length": 11, "props": [["0", {"ref": 1}], ["1", {"ref": 3}], ["2", {"ref": 4}],
              ["3", {"ref": 5}], ["4", {"ref": 6}], ["5", {"ref": 7}], ["6", {"ref": 8}], ["7", {"ref": 9}],
              ["8", {"ref": 10}], ["9", {"ref": 11}], ["10", {"ref": 12}]]},
            {"kind": "Int8Array", "buffer": 2, "byteOffset": 1, "length": 3},
            {"kind": "ArrayBuffer", "bytes": "000102030405060708090a0b0c0d0e0f"},
            {"kind": "Uint8Array", "buffer": 2, "byteOffset": 0, "length": 16},
            {"kind": "Uint8ClampedArray", "buffer": 2, "byteOffset": 15, "length": 1},
            {"kind": "Int16Array", "buffer": 2, "byteOffset": 2, "length": 2},
            {"kind": "Uint16Array", "buffer": 2, "byteOffset": 14, "length": 1},
            {"kind": "Int32Array", "buffer": 2, "byteOffset": 4, "length": 3},
            {"kind": "Uint32Array", "buffer": 2, "byteOffset": 0, "length": 0},
            {"kind": "Float32Array", "buffer": 2, "byteOffset": 8, "length": 2},
            {"kind": "Float64Array", "buffer": 2, "byteOffset": 8, "length": 1},
            {"kind": "BigInt64Array", "buffer": 2, "byteOffset": 0, "length": 2},
            {"kind": "BigUint64Array", "buffer": 2, "byteOffset": 8, "length": 1}]}"#,
    ),
    agree(
        "DataView",
        r#"{"root": {"ref": 0}, "objects": [
            {"kind": "DataView", "buffer": 1, "byteOffset": 1, "byteLength": 2},
            {"kind": "ArrayBuffer", "bytes": "01020304"}]}"#,
    ),
    agree(
        "length-tracking views over a resizable buffer",
        r#"{"root": {"ref": 0}, "objects": [
            {"kind": "Array", "length": 3, "props": [["0", {"ref": 1}], ["1", {"ref": 3}], ["2", {"ref": 4}]]},
            {"kind": "Uint16Array", "buffer": 2, "byteOffset": 2, "length": null},
            {"kind": "ArrayBuffer", "bytes": "0102030405", "maxByteLength": 12},
            {"kind": "DataView", "buffer": 2, "byteOffset": 1, "byteLength": null},
            {"kind": "Uint16Array", "buffer": 2, "byteOffset": 0, "length": 2}]}"#,
    ),
    agree(
        "length-tracking view over a growable SharedArrayBuffer",
        r#"{"root": {"ref": 0}, "objects": [
            {"kind": "Uint8Array", "buffer": 1, "byteOffset": 1, "length": null},
            {"kind": "ArrayBuffer", "bytes": "0102", "maxByteLength": 6, "shared": true}]}"#,
    ),
    agree(
        "out-of-bounds view is refused",
        r#"{"root": {"ref": 0}, "objects": [
            {"kind": "Uint8Array", "buffer": 1, "byteOffset": 2, "length": 4},
            {"kind": "ArrayBuffer", "bytes": "0102", "maxByteLength": 8}]}"#,
    ),
    // ----- Map and Set -----
    agree(
        "Map with object keys and a cycle",
        r#"{"root": {"ref": 0}, "objects": [
            {"kind": "Map", "entries": [[{"ref": 1}, {"ref": 0}], [{"number": "NaN"}, "nan"], [0, {"ref": 1}]], "props": [["x", 1]]},
            {"kind": "Object", "props": [["m", {"ref": 0}]]}]}"#,
    ),
    agree(
        "Set with NaN, a string and itself",
        r#"{"root": {"ref": 0}, "objects": [
            {"kind": "Set", "values": [{"number": "NaN"}, {"utf16": [55296]}, {"ref": 0}, {"bigint": "1"}]}]}"#,
    ),
    agree(
        "Set holding a symbol is refused",
        r#"{"root": {"ref": 0}, "objects": [{"kind": "Set", "values": [1, {"symbol": "s"}]}]}"#,
    ),
    // ----- Errors -----
    agree(
        "every native Error kind",
        r#"{"root": {"ref": 0}, "objects": [
            {"kind": "Array", "length": 7, "props": [["0", {"ref": 1}], ["1", {"ref": 2}], ["2", {"ref": 3}],
              ["3", {"ref": 4}], ["4", {"ref": 5}], ["5", {"ref": 6}], ["6", {"ref": 7}]]},
            {"kind": "Error", "name": "Error", "message": "m", "stack": "s"},
            {"kind": "Error", "name": "EvalError", "message": ""},
            {"kind": "Error", "name": "RangeError", "stack": "only a stack"},
            {"kind": "Error", "name": "ReferenceError", "message": {"utf16": [55296]}},
            {"kind": "Error", "name": "SyntaxError"},
            {"kind": "Error", "name": "TypeError", "message": "t", "props": [["x", 1]]},
            {"kind": "Error", "name": "URIError", "message": "u"}]}"#,
    ),
    agree(
        "Error with an own odd name becomes Error",
        r#"{"root": {"ref": 0}, "objects": [{"kind": "Error", "name": "RangeError", "message": "m", "props": [["name", "Foo"]]}]}"#,
    ),
    agree(
        "Error with an own native name takes that prototype",
        r#"{"root": {"ref": 0}, "objects": [{"kind": "Error", "name": "RangeError", "props": [["name", "TypeError"]]}]}"#,
    ),
    agree(
        "Error with an empty name",
        r#"{"root": {"ref": 0}, "objects": [{"kind": "Error", "name": "TypeError", "props": [["name", ""]]}]}"#,
    ),
    agree(
        "Error name from a getter",
        r#"{"root": {"ref": 0}, "objects": [
            {"kind": "Error", "name": "Error", "props": [["name", {"getter": {"returns": "URIError"}}]]}]}"#,
    ),
    agree(
        "Error name getter throws",
        r#"{"root": {"ref": 0}, "objects": [
            {"kind": "Error", "name": "Error", "props": [["name", {"getter": {"throws": {"ref": 1}}}]]},
            {"kind": "Error", "name": "EvalError", "message": "from the getter"}]}"#,
    ),
    agree(
        "Error messages that are not Strings",
        r#"{"root": {"ref": 0}, "objects": [
            {"kind": "Array", "length": 4, "props": [["0", {"ref": 1}], ["1", {"ref": 2}], ["2", {"ref": 3}], ["3", {"ref": 5}]]},
            {"kind": "Error", "name": "Error", "message": {"number": "-0"}},
            {"kind": "Error", "name": "Error", "message": {"undefined": true}},
            {"kind": "Error", "name": "Error", "message": {"ref": 4}},
            {"kind": "Array", "length": 3, "props": [["0", 1], ["2", {"ref": 4}]]},
            {"kind": "Error", "name": "Error", "message": {"bigint": "-5"}}]}"#,
    ),
    agree(
        "Error message from a Date, an Error and a RegExp",
        r#"{"root": {"ref": 0}, "objects": [
            {"kind": "Array", "length": 3, "props": [["0", {"ref": 1}], ["1", {"ref": 3}], ["2", {"ref": 5}]]},
            {"kind": "Error", "name": "Error", "message": {"ref": 2}},
            {"kind": "Date", "time": 1700000000000},
            {"kind": "Error", "name": "Error", "message": {"ref": 4}},
            {"kind": "Error", "name": "SyntaxError", "message": "inner"},
            {"kind": "Error", "name": "Error", "message": {"ref": 6}},
            {"kind": "RegExp", "source": "a", "flags": "g"}]}"#,
    ),
    agree(
        "Error message that is a Symbol throws a TypeError",
        r#"{"root": {"ref": 0}, "objects": [{"kind": "Error", "name": "Error", "message": {"symbol": "s"}}]}"#,
    ),
    agree(
        "Error message from a getter is left out",
        r#"{"root": {"ref": 0}, "objects": [
            {"kind": "Error", "name": "Error", "props": [["message", {"getter": {"returns": "g"}}]]}]}"#,
    ),
    agree(
        "Error message whose toString getter throws",
        r#"{"root": {"ref": 0}, "objects": [
            {"kind": "Error", "name": "Error", "message": {"ref": 1}},
            {"kind": "Object", "props": [["toString", {"getter": {"throws": {"ref": 2}}}]]},
            {"kind": "Error", "name": "URIError", "message": "from toString"}]}"#,
    ),
    agree(
        "the same Error twice",
        r#"{"root": {"ref": 0}, "objects": [
            {"kind": "Map", "entries": [[{"ref": 1}, {"ref": 1}]]}, {"kind": "Error", "name": "TypeError", "message": "m"}]}"#,
    ),
    known(
        "Error cause",
        Divergence::ErrorCause,
        r#"{"root": {"ref": 0}, "objects": [
            {"kind": "Error", "name": "Error", "message": "outer", "props": [["cause", {"ref": 1}, {"enumerable": false}]]},
            {"kind": "Object", "props": [["why", 1]]}]}"#,
    ),
    known(
        "Error cause leading back to the Error",
        Divergence::ErrorCause,
        r#"{"root": {"ref": 0}, "objects": [
            {"kind": "Error", "name": "Error", "message": "m", "props": [["cause", {"ref": 0}]]}]}"#,
    ),
    known(
        "Error cause that cannot be cloned",
        Divergence::ErrorCause,
        r#"{"root": {"ref": 0}, "objects": [
            {"kind": "Error", "name": "Error", "props": [["cause", {"ref": 1}]]}, {"kind": "Function"}]}"#,
    ),
    known(
        "Error name that is a Symbol",
        Divergence::ErrorNameToString,
        r#"{"root": {"ref": 0}, "objects": [{"kind": "Error", "name": "Error", "props": [["name", {"symbol": "n"}]]}]}"#,
    ),
    known(
        "Error name that is a String wrapper",
        Divergence::ErrorNameToString,
        r#"{"root": {"ref": 0}, "objects": [
            {"kind": "Error", "name": "Error", "props": [["name", {"ref": 1}]]}, {"kind": "String", "value": "TypeError"}]}"#,
    ),
    agree(
        "Error name that is a number",
        r#"{"root": {"ref": 0}, "objects": [{"kind": "Error", "name": "TypeError", "props": [["name", 5]]}]}"#,
    ),
    // ----- what cannot be cloned -----
    agree(
        "Function",
        r#"{"root": {"ref": 0}, "objects": [{"kind": "Function"}]}"#,
    ),
    agree(
        "Symbol wrapper",
        r#"{"root": {"ref": 0}, "objects": [{"kind": "SymbolObject"}]}"#,
    ),
    agree(
        "WeakMap",
        r#"{"root": {"ref": 0}, "objects": [{"kind": "WeakMap"}]}"#,
    ),
    agree(
        "WeakSet",
        r#"{"root": {"ref": 0}, "objects": [{"kind": "WeakSet"}]}"#,
    ),
    agree(
        "WeakRef",
        r#"{"root": {"ref": 0}, "objects": [{"kind": "WeakRef"}]}"#,
    ),
    agree(
        "Promise",
        r#"{"root": {"ref": 0}, "objects": [{"kind": "Promise"}]}"#,
    ),
    agree(
        "Proxy",
        r#"{"root": {"ref": 0}, "objects": [{"kind": "Proxy", "props": [["a", 1]]}]}"#,
    ),
    agree(
        "Object.prototype clones as a plain object",
        r#"{"root": {"ref": 0}, "objects": [{"kind": "ObjectPrototype", "props": [["zz", 1], ["hidden", 2, {"enumerable": false}]]}]}"#,
    ),
    // ----- transfer lists -----
    agree(
        "transferred buffer reached twice, and a view over it",
        r#"{"root": {"ref": 0}, "objects": [
            {"kind": "Object", "props": [["a", {"ref": 1}], ["b", {"ref": 1}], ["v", {"ref": 2}]]},
            {"kind": "ArrayBuffer", "bytes": "01020304"},
            {"kind": "Uint16Array", "buffer": 1, "byteOffset": 2, "length": 1}],
          "transfer": [1]}"#,
    ),
    agree(
        "transferred buffer outside the value",
        r#"{"root": 1, "objects": [{"kind": "ArrayBuffer", "bytes": "01"}], "transfer": [0]}"#,
    ),
    agree(
        "transferred resizable buffer with a length-tracking view",
        r#"{"root": {"ref": 0}, "objects": [
            {"kind": "Float32Array", "buffer": 1, "byteOffset": 0, "length": null},
            {"kind": "ArrayBuffer", "bytes": "0000803f", "maxByteLength": 16}],
          "transfer": [1]}"#,
    ),
    agree(
        "the same buffer twice in the transfer list",
        r#"{"root": 1, "objects": [{"kind": "ArrayBuffer", "bytes": "01"}], "transfer": [0, 0]}"#,
    ),
    agree(
        "duplicate before a non-transferable entry",
        r#"{"root": 1, "objects": [{"kind": "ArrayBuffer", "bytes": ""}, {"kind": "Object"}], "transfer": [0, 0, 1]}"#,
    ),
    agree(
        "a throwing getter stops the clone before anything is transferred",
        r#"{"root": {"ref": 0}, "objects": [
            {"kind": "Object", "props": [["b", {"ref": 1}], ["g", {"getter": {"throws": {"ref": 2}}}]]},
            {"kind": "ArrayBuffer", "bytes": "01"},
            {"kind": "Error", "name": "RangeError"}],
          "transfer": [1]}"#,
    ),
    agree(
        "an unclonable value stops the clone before anything is transferred",
        r#"{"root": {"ref": 0}, "objects": [
            {"kind": "Array", "length": 2, "props": [["0", {"ref": 1}], ["1", {"ref": 2}]]},
            {"kind": "ArrayBuffer", "bytes": "01"}, {"kind": "Promise"}],
          "transfer": [1]}"#,
    ),
    known(
        "SharedArrayBuffer in the transfer list",
        Divergence::NonTransferableTypeError,
        r#"{"root": 1, "objects": [{"kind": "ArrayBuffer", "bytes": "01", "shared": true}], "transfer": [0]}"#,
    ),
    known(
        "plain object in the transfer list",
        Divergence::NonTransferableTypeError,
        r#"{"root": 1, "objects": [{"kind": "Object"}], "transfer": [0]}"#,
    ),
    known(
        "view in the transfer list, before a duplicate",
        Divergence::NonTransferableTypeError,
        r#"{"root": 1, "objects": [
            {"kind": "Uint8Array", "buffer": 1, "byteOffset": 0, "length": 1}, {"kind": "ArrayBuffer", "bytes": "01"}],
          "transfer": [0, 1, 1]}"#,
    ),
    known(
        "detached buffer in the transfer list",
        Divergence::DetachedBufferInTransferList,
        r#"{"root": {"ref": 0}, "objects": [
            {"kind": "Object", "props": [["b", {"ref": 2}]]},
            {"kind": "ArrayBuffer", "bytes": "", "detached": true},
            {"kind": "ArrayBuffer", "bytes": "0102"}],
          "transfer": [2, 1]}"#,
    ),
    known(
        "detached buffer both in the value and in the transfer list",
        Divergence::DetachedBufferInTransferList,
        r#"{"root": {"ref": 0}, "objects": [{"kind": "ArrayBuffer", "bytes": "", "detached": true}], "transfer": [0]}"#,
    ),
    // ----- what node cannot run -----
    EdgeCase {
        name: "Float16Array",
        document: r#"{"root": {"ref": 0}, "objects": [
            {"kind": "Float16Array", "buffer": 1, "byteOffset": 0, "length": 1}, {"kind": "ArrayBuffer", "bytes": "003c"}]}"#,
        expect: Expect::Unsupported,
    },
    // ----- reference bugs the oracle found, fixed: they agree now -----
    EdgeCase {
        name: "a hole of an Error's message array reads Object.prototype's getter",
        document: r#"{"root": {"ref": 0}, "objects": [
            {"kind": "Error", "name": "Error", "message": {"ref": 1}},
            {"kind": "Array", "length": 3},
            {"kind": "ObjectPrototype", "props": [["1", {"getter": {"throws": "from Object.prototype"}}, {"enumerable": false}]]}]}"#,
        expect: Expect::Agree,
    },
    EdgeCase {
        name: "typed array made a String",
        document: r#"{"root": {"ref": 0}, "objects": [
            {"kind": "Error", "name": "Error", "message": {"ref": 1}},
            {"kind": "Uint8Array", "buffer": 2, "byteOffset": 0, "length": 2}, {"kind": "ArrayBuffer", "bytes": "0102"}]}"#,
        expect: Expect::Agree,
    },
    EdgeCase {
        name: "out-of-bounds typed array made a String",
        document: r#"{"root": {"ref": 0}, "objects": [
            {"kind": "Error", "name": "Error", "message": {"ref": 1}},
            {"kind": "Uint8Array", "buffer": 2, "byteOffset": 0, "length": 2},
            {"kind": "ArrayBuffer", "bytes": "", "maxByteLength": 4}]}"#,
        expect: Expect::Agree,
    },
    EdgeCase {
        name: "Array with an own join, made a String",
        document: r#"{"root": {"ref": 0}, "objects": [
            {"kind": "Error", "name": "Error", "message": {"ref": 1}},
            {"kind": "Array", "length": 2, "props": [["0", 1], ["join", 5]]}]}"#,
        expect: Expect::Agree,
    },
];
