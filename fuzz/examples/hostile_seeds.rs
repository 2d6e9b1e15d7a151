//! Writes the hostile inputs of issue 10 as fuzz inputs: seeds that put the
//! fuzzers next to them, and regression inputs that replay each finding.
//!
//! `cargo run --manifest-path fuzz/Cargo.toml --example hostile_seeds -- fuzz`
//!
//! - `clone_transfer`: Errors whose `message` and `name` are other Errors
//!   (a DAG, with texts or all empty), an Array DAG as a message, an Error whose message is itself or
//!   reaches it through an Array, wrappers as messages (written with
//!   `clone_transfer::bytes::to_bytes`, the inverse of the input decoder);
//! - `decode_record`: String records that differ only at their end, named by
//!   many Sets (the decoder compared them again and again; such sharing is
//!   now refused, as no serialization names a primitive record twice), and
//!   many such Strings in one Set (hashed once each);
//! - `notation_clone`: one document per kind, the Error DAG forty deep, the
//!   Array DAG in a message, a buffer whose maxByteLength is past 2^53 - 1,
//!   and a large value of the wrong type (once echoed whole).

use std::path::{Path, PathBuf};
use webmessaging::ecmascript::JsString;
use webmessaging::structured::{Primitive, Record, RecordId, Serialized, Slot, encode};
use webmessaging_fuzz::clone_transfer::bytes::to_bytes;
use webmessaging_fuzz::clone_transfer::input::{
    CloneInput, KeySpec, KindSpec, Mode, NodeSpec, NumSpec, PropSpec, SlotSpec, StrSpec, ValueSpec,
};

fn main() {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [fuzz] = &args[..] else {
        eprintln!("usage: hostile_seeds FUZZ_DIR");
        std::process::exit(2);
    };
    let write = |dir: &str, name: &str, bytes: &[u8]| {
        let dir = fuzz.join(dir);
        std::fs::create_dir_all(&dir).expect("a writable fuzz directory");
        std::fs::write(dir.join(name), bytes).expect("a writable file");
    };
    for (name, input, regression) in clone_inputs() {
        let dir = if regression {
            "regressions/clone_transfer"
        } else {
            "corpus/clone_transfer"
        };
        write(dir, name, &to_bytes(&input));
    }
    write(
        "regressions/decode_record",
        "long-set-members-differing-at-the-end",
        &long_set_members(),
    );
    write(
        "regressions/decode_record",
        "many-long-strings-in-one-set",
        &many_long_strings_in_one_set(),
    );
    for (name, text, regression) in documents() {
        let dir = if regression {
            "regressions/notation_clone"
        } else {
            "corpus/notation_clone"
        };
        write(dir, name, text.as_bytes());
    }
    println!("written under {}", Path::new(fuzz).display());
}

fn data(key: KeySpec, value: ValueSpec) -> PropSpec {
    PropSpec {
        key,
        slot: SlotSpec::Data(value),
        enumerable: true,
    }
}

/// On an Error node, index keys 0 and 4 are `message` and `name`.
fn message(value: ValueSpec) -> PropSpec {
    data(KeySpec::Index(0), value)
}

fn name(value: ValueSpec) -> PropSpec {
    data(KeySpec::Index(4), value)
}

fn error(props: Vec<PropSpec>) -> NodeSpec {
    NodeSpec {
        kind: KindSpec::Error {
            prototype: 0,
            stack: None,
        },
        props,
    }
}

fn array(elements: &[ValueSpec]) -> NodeSpec {
    NodeSpec {
        kind: KindSpec::Array {
            length: elements.len() as u8,
        },
        props: elements
            .iter()
            .enumerate()
            .map(|(i, v)| data(KeySpec::Index(i as u8), v.clone()))
            .collect(),
    }
}

fn input(mode: Mode, nodes: Vec<NodeSpec>) -> CloneInput {
    CloneInput {
        mode,
        cross_origin_isolated: true,
        other_cluster: false,
        budget: None,
        nodes,
        root: ValueSpec::Object(0),
        transfer: Vec::new(),
    }
}

fn clone_inputs() -> Vec<(&'static str, CloneInput, bool)> {
    let to = |i: usize| ValueSpec::Object(i as u8);
    // Fifteen Errors, each with the next as name and message: engines
    // convert the last one 2^14 times.
    let mut dag: Vec<NodeSpec> = (1..16)
        .map(|i| error(vec![message(to(i)), name(to(i))]))
        .collect();
    dag.push(error(Vec::new()));
    // An Error whose message is fourteen Arrays deep, each holding the next
    // six times: 6^14 joins in an engine, a RangeError here.
    let mut arrays = vec![error(vec![message(to(1))])];
    arrays.extend((2..16).map(|i| array(&[to(i), to(i), to(i), to(i), to(i), to(i)])));
    arrays.push(array(&[ValueSpec::String(StrSpec::Known(1))]));
    // The same with empty texts: the bottom Error's name is "", so every
    // Error's text is "" (the heap once forgot empty texts and converted
    // 2^14 times again).
    let mut empty: Vec<NodeSpec> = (1..16)
        .map(|i| error(vec![message(to(i)), name(to(i))]))
        .collect();
    empty.push(error(vec![name(ValueSpec::String(StrSpec::Known(0)))]));
    let wrappers = vec![
        error(vec![message(to(1)), name(to(2))]),
        NodeSpec {
            kind: KindSpec::Number(NumSpec::Bits(0x3FB9_9999_9999_999A)),
            props: Vec::new(),
        },
        NodeSpec {
            kind: KindSpec::String(StrSpec::Units(vec![0xD800, 0x61])),
            props: Vec::new(),
        },
    ];
    vec![
        (
            "error-dag-in-name-and-message",
            input(Mode::ThroughBytes, dag),
            true,
        ),
        ("array-dag-in-error-message", input(Mode::TwoRealms, arrays), true),
        ("error-dag-of-empty-texts", input(Mode::SameRealm, empty), true),
        (
            "error-message-is-itself",
            input(Mode::SameRealm, vec![error(vec![message(to(0))])]),
            false,
        ),
        (
            "error-message-cycle-through-an-array",
            input(
                Mode::TwoRealms,
                vec![error(vec![message(to(1)), name(to(1))]), array(&[to(0), to(1)])],
            ),
            false,
        ),
        (
            "error-message-and-name-are-wrappers",
            input(Mode::ThroughBytes, wrappers),
            false,
        ),
    ]
}

/// Two String records of 20,000 code units that differ only in the last,
/// named by 2,000 Sets: about 100 KB.
fn long_set_members() -> Vec<u8> {
    let strings = 2;
    let sets = 2_000;
    let mut records = vec![Record::Array {
        length: sets,
        elements: Vec::new(),
        properties: (0..sets)
            .map(|s| {
                (
                    JsString::from(s.to_string()),
                    Slot::Record(RecordId(strings + 1 + s)),
                )
            })
            .collect(),
    }];
    for i in 0..strings {
        let mut units = vec![u16::from(b'a'); 19_999];
        units.push(i as u16);
        records.push(Record::Primitive(Primitive::String(JsString::from_code_units(
            units,
        ))));
    }
    for _ in 0..sets {
        records.push(Record::Set {
            entries: (1..=strings).map(RecordId).collect(),
        });
    }
    // Written as it was sent: the encoder refuses the shared Strings too.
    let encoded = encode(&Serialized::new(records.clone(), RecordId(0)));
    assert!(encoded.is_err(), "shared primitive records are refused");
    unchecked_encoding(&records)
}

/// 100 Strings of 500 code units that differ only in the last, in one Set.
fn many_long_strings_in_one_set() -> Vec<u8> {
    let mut records = vec![Record::Set {
        entries: (1..=100).map(RecordId).collect(),
    }];
    for i in 0..100 {
        let mut units = vec![u16::from(b'a'); 499];
        units.push(i as u16);
        records.push(Record::Primitive(Primitive::String(JsString::from_code_units(
            units,
        ))));
    }
    encode(&Serialized::new(records, RecordId(0))).expect("well formed")
}

/// The bytes of `records` (root 0) in format version 3, written without
/// the well-formedness checks `encode` makes: only the kinds used here.
fn unchecked_encoding(records: &[Record]) -> Vec<u8> {
    fn varint(out: &mut Vec<u8>, mut v: u64) {
        while v >= 0x80 {
            out.push(v as u8 | 0x80);
            v >>= 7;
        }
        out.push(v as u8);
    }
    let mut out = b"WMSR\x03".to_vec();
    varint(&mut out, records.len() as u64);
    varint(&mut out, 0);
    for record in records {
        match record {
            Record::Array {
                length,
                elements,
                properties,
            } => {
                assert!(elements.is_empty(), "only keyed properties are written here");
                out.push(0x0F);
                varint(&mut out, u64::from(*length));
                varint(&mut out, 0); // no key-less elements
                varint(&mut out, properties.len() as u64);
                for (key, value) in properties {
                    varint(&mut out, key.len() as u64);
                    key.code_units().iter().for_each(|u| out.extend(u.to_le_bytes()));
                    let Slot::Record(id) = value else {
                        unreachable!("only record ids are written here")
                    };
                    out.push(0x00); // a record id follows
                    varint(&mut out, u64::from(id.0));
                }
            }
            Record::Primitive(Primitive::String(s)) => {
                out.extend([0x00, 0x05]);
                varint(&mut out, s.len() as u64);
                s.code_units().iter().for_each(|u| out.extend(u.to_le_bytes()));
            }
            Record::Set { entries } => {
                out.push(0x0D);
                varint(&mut out, entries.len() as u64);
                entries.iter().for_each(|e| varint(&mut out, u64::from(e.0)));
            }
            other => unreachable!("not written here: {other:?}"),
        }
    }
    out
}

fn document(objects: &[String]) -> String {
    format!(r#"{{"root": {{"ref": 0}}, "objects": [{}]}}"#, objects.join(", "))
}

fn documents() -> Vec<(&'static str, String, bool)> {
    let kinds = [
        r#"{"kind": "Object", "props": [["a", 1], ["self", {"ref": 0}], ["g", {"getter": {"returns": {"number": "-0"}}}, {"enumerable": false}]]}"#,
        r#"{"kind": "Array", "length": 4, "props": [["0", {"utf16": [55296]}], ["2", {"bigint": "-12"}]]}"#,
        r#"{"kind": "Map", "entries": [[{"number": "NaN"}, {"undefined": true}], ["k", {"ref": 0}]]}"#,
        r#"{"kind": "Set", "values": [1, "1", {"ref": 0}]}"#,
        r#"{"kind": "Error", "name": "TypeError", "message": {"ref": 0}, "stack": "at f"}"#,
        r#"{"kind": "RegExp", "source": "a/b", "flags": "gimsuy", "lastIndex": 3}"#,
        r#"{"kind": "Date", "time": -8640000000000000}"#,
        r#"{"kind": "String", "value": "ab", "props": [["2", "c"]]}"#,
        r#"{"kind": "Uint16Array", "buffer": 1, "byteOffset": 2, "length": null}"#,
        r#"{"kind": "DataView", "buffer": 1, "byteOffset": 0, "byteLength": 4}"#,
        r#"{"kind": "Function"}"#,
    ];
    let buffer = r#"{"kind": "ArrayBuffer", "bytes": "0102030405060708", "maxByteLength": 16}"#;
    let mut out: Vec<(&'static str, String, bool)> = kinds
        .iter()
        .zip([
            "object",
            "array",
            "map",
            "set",
            "error",
            "regexp",
            "date",
            "string",
            "typed-array",
            "data-view",
            "function",
        ])
        .map(|(kind, name)| (name, document(&[kind.to_string(), buffer.to_string()]), false))
        .collect();

    // The issue's documents.
    let dag: Vec<String> = (0..40)
        .map(|i| {
            format!(
                r#"{{"kind": "Error", "name": "Error", "message": {{"ref": {n}}}, "props": [["name", {{"ref": {n}}}]]}}"#,
                n = i + 1
            )
        })
        .chain([r#"{"kind": "Error", "name": "RangeError"}"#.to_owned()])
        .collect();
    out.push(("error-dag-forty-deep", document(&dag), true));
    let arrays: Vec<String> = std::iter::once(
        r#"{"kind": "Error", "name": "Error", "message": {"ref": 1}}"#.to_owned(),
    )
    .chain((1..=60).map(|i| {
        format!(
            r#"{{"kind": "Array", "length": 2, "props": [["0", {{"ref": {n}}}], ["1", {{"ref": {n}}}]]}}"#,
            n = i + 1
        )
    }))
    .chain([r#"{"kind": "Array", "length": 1, "props": [["0", "x"]]}"#.to_owned()])
    .collect();
    out.push(("array-dag-sixty-deep-in-error-message", document(&arrays), true));
    out.push((
        "buffer-max-byte-length-past-2-53",
        document(&[
            r#"{"kind": "ArrayBuffer", "bytes": "", "maxByteLength": 18446744073709551615}"#.to_owned(),
        ]),
        true,
    ));
    let wrong = format!("[{}]", vec!["7"; 50_000].join(","));
    out.push((
        "large-value-of-the-wrong-type",
        document(&[format!(r#"{{"kind": "Array", "length": {wrong}}}"#)]),
        true,
    ));
    out
}
