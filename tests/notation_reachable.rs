//! The notation describes only states a program can reach. Found by trying:
//! documents made of edge values for every kind's fields are built,
//! serialized, encoded, decoded and deserialized in a fresh realm; whatever
//! the builder accepts and serialization takes must make the whole trip
//! (shared memory aside, which by design has no byte form), or the builder
//! let through a state no program can make. (This found buffers whose
//! `maxByteLength` is past 2^53 - 1: they cloned in memory but did not
//! encode.)

#![cfg(feature = "notation")]

use webmessaging::ecmascript::{ErrorPrototype, Heap, JsString, ViewKind};
use webmessaging::notation::{Buffer, Document, Kind, Object, Val, build};
use webmessaging::structured::{
    EncodeError, NoPlatformObjects, decode, encode, structured_deserialize, structured_serialize,
};

const HUGE: [usize; 4] = [(1 << 53) - 1, 1 << 53, usize::MAX / 2, usize::MAX];

fn buffers() -> Vec<Buffer> {
    let mut out = Vec::new();
    for len in [0usize, 3, 8] {
        let mut maxima = vec![None, Some(len), Some(len + 5)];
        maxima.extend(HUGE.map(Some));
        for max_byte_length in maxima {
            for (shared, detached) in [(false, false), (true, false), (false, true)] {
                out.push(Buffer {
                    bytes: if detached { Vec::new() } else { vec![7; len] },
                    max_byte_length,
                    shared,
                    detached,
                    detach_key: false,
                });
            }
        }
    }
    out
}

/// Single-object kinds with edge values.
fn lone_kinds() -> Vec<Kind> {
    let mut kinds: Vec<Kind> = buffers().into_iter().map(Kind::ArrayBuffer).collect();
    for time in [0.0, -0.0, f64::NAN, 8.64e15, 8.64e15 + 1.0, 0.5, f64::INFINITY] {
        kinds.push(Kind::Date { time });
    }
    for length in [0, 1, u32::MAX] {
        kinds.push(Kind::Array { length });
    }
    for flags in ["", "gimsuyd", "gg", "uv", "x"] {
        kinds.push(Kind::RegExp {
            source: JsString::from("a"),
            flags: JsString::from(flags),
            last_index: None,
        });
    }
    for interface in ["Person", "A", "", "1x", "a b", "-_x"] {
        kinds.push(Kind::Platform {
            interface: interface.to_owned(),
            detached: None,
        });
    }
    for name in ErrorPrototype::ALL {
        for message in [
            None,
            Some(Val::Number(f64::NAN)),
            Some(Val::String(JsString::from_code_units(vec![0xD800]))),
        ] {
            kinds.push(Kind::Error {
                name,
                message,
                stack: Some(JsString::from("at x")),
            });
        }
    }
    for value in [f64::NAN, -0.0, f64::INFINITY, 5e-324] {
        kinds.push(Kind::Number(value));
    }
    kinds.push(Kind::Map {
        entries: vec![
            (Val::Number(f64::NAN), Val::Undefined),
            (Val::Number(0.0), Val::Null),
        ],
    });
    kinds.push(Kind::Set {
        values: vec![Val::String(JsString::from("a")), Val::Symbol(None), Val::Ref(0)],
    });
    kinds
}

/// Outcome of one document: `None` when the builder refused it.
fn try_document(document: &Document) -> Option<Result<Vec<u8>, String>> {
    let mut heap = Heap::default();
    let built = build(document, &mut heap).ok()?;
    let Ok(serialized) = structured_serialize(&mut heap, &mut NoPlatformObjects, &built.root) else {
        return Some(Ok(Vec::new()));
    };
    let bytes = match encode(&serialized) {
        Ok(bytes) => bytes,
        Err(EncodeError::SharedMemory { .. }) => return Some(Ok(Vec::new())),
        Err(e) => return Some(Err(e.to_string())),
    };
    let trip = decode(&bytes).map_err(|e| e.to_string()).and_then(|decoded| {
        structured_deserialize(&mut Heap::default(), &mut NoPlatformObjects, &decoded)
            .map_err(|e| format!("deserializing: {e:?}"))
    });
    Some(trip.map(|_| bytes))
}

fn one(kind: Kind) -> Document {
    Document {
        root: Val::Ref(0),
        objects: vec![Object::new(kind)],
        transfer: Vec::new(),
    }
}

#[test]
fn what_builds_and_clones_also_encodes() {
    let mut unreachable = Vec::new();
    let mut check = |document: Document| {
        if let Some(Err(e)) = try_document(&document) {
            unreachable.push(format!("{:?}\n  -> {e}", document.objects));
        }
    };
    for kind in lone_kinds() {
        check(one(kind));
    }
    // Every view kind at edge offsets and lengths over every buffer.
    let offsets = [0usize, 1, 2, 4, 8, 1 << 53, usize::MAX - 7];
    let lengths = [
        None,
        Some(0),
        Some(1),
        Some(2),
        Some(1 << 53),
        Some(usize::MAX / 2),
    ];
    for buffer in buffers() {
        for kind in ViewKind::ALL {
            for byte_offset in offsets {
                for length in lengths {
                    check(Document {
                        root: Val::Ref(1),
                        objects: vec![
                            Object::new(Kind::ArrayBuffer(buffer.clone())),
                            Object::new(Kind::View {
                                kind,
                                buffer: 0,
                                byte_offset,
                                length,
                            }),
                        ],
                        transfer: Vec::new(),
                    });
                }
            }
        }
    }
    assert!(
        unreachable.is_empty(),
        "{} documents build and clone but do not encode:\n{}",
        unreachable.len(),
        unreachable.join("\n")
    );
}
