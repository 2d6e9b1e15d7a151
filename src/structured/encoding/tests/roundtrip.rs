//! Graphs that must survive encode → decode unchanged, with canonical bytes.

use super::*;
use crate::structured::{FORMAT_VERSION, MAGIC};

#[test]
fn every_kind_of_record_round_trips() {
    let bytes = round_trip(&every_kind());
    assert_eq!(&bytes[..4], &MAGIC);
    assert_eq!(bytes[4], FORMAT_VERSION);
}

#[test]
fn the_bytes_of_a_small_graph_are_pinned() {
    // An object { "a": undefined } whose second property is itself.
    let g = graph(
        0,
        vec![
            Record::Object {
                properties: vec![(js("a"), slot(1)), (js("self"), slot(0))],
            },
            Record::Primitive(Primitive::Undefined),
        ],
    );
    let expected: Vec<u8> = [
        &b"WMSR"[..],
        &[3, 2, 0],                                        // version 3, two records, root 0
        &[0x10, 2],                                        // Object, two properties
        &[1, b'a', 0, 0x00, 1],                            // "a" → record 1
        &[4, b's', 0, b'e', 0, b'l', 0, b'f', 0, 0x00, 0], // "self" → record 0
        &[0x00, 0x00],                                     // primitive undefined
    ]
    .concat();
    assert_eq!(round_trip(&g), expected);
}

#[test]
fn numbers_keep_their_bits() {
    let odd_nan = f64::from_bits(0x7FF8_0000_DEAD_BEEF);
    let negative_nan = f64::from_bits(0xFFF8_0000_0000_0001);
    for n in [
        0.0,
        -0.0,
        f64::NAN,
        odd_nan,
        negative_nan,
        f64::INFINITY,
        f64::NEG_INFINITY,
        5e-324,
        f64::MAX,
    ] {
        let g = graph(
            1,
            vec![Record::Primitive(Primitive::Number(n)), Record::Number(n)],
        );
        let back = decode(&round_trip(&g)).unwrap();
        for record in &back.records {
            let bits = match record {
                Record::Primitive(Primitive::Number(x)) | Record::Number(x) => x.to_bits(),
                other => panic!("{other:?}"),
            };
            assert_eq!(bits, n.to_bits());
        }
    }
}

#[test]
fn date_extremes_round_trip() {
    for t in [f64::NAN, 0.0, 8.64e15, -8.64e15, -1.0] {
        round_trip(&graph(0, vec![Record::Date(t)]));
    }
}

#[test]
fn strings_keep_every_code_unit() {
    let strings = [
        JsString::default(),
        JsString::from_code_units(vec![0xD800]),
        JsString::from_code_units(vec![0xDC00, 0xD800]),
        JsString::from_code_units(vec![0xFFFF, 0x0000, 0xFEFF]),
        js("héllo 🦀"),
        JsString::from_code_units((0..=u16::MAX).collect()),
    ];
    for s in strings {
        let g = graph(
            0,
            vec![
                Record::RegExp {
                    source: s.clone(),
                    flags: s.clone(),
                },
                Record::Primitive(Primitive::String(s.clone())),
                Record::String(s.clone()),
                Record::Object {
                    properties: vec![(s.clone(), slot(1))],
                },
                Record::Error {
                    name: ErrorPrototype::URIError,
                    message: Some(s.clone()),
                    stack: Some(s),
                },
            ],
        );
        round_trip(&g);
    }
}

#[test]
fn bigints_round_trip() {
    for text in [
        "0",
        "1",
        "-1",
        "9007199254740993",
        &format!("-{}", "9".repeat(5000)),
    ] {
        let b = BigInt::parse(text).unwrap();
        round_trip(&graph(
            0,
            vec![Record::BigInt(b.clone()), Record::Primitive(Primitive::BigInt(b))],
        ));
    }
}

#[test]
fn cycles_round_trip() {
    // An object that is its own property.
    round_trip(&graph(
        0,
        vec![Record::Object {
            properties: vec![(js("me"), slot(0))],
        }],
    ));
    // An array that holds itself, a map that maps itself to itself, a set
    // that holds itself, and a three-step cycle between them.
    round_trip(&graph(
        0,
        vec![
            Record::Array {
                length: 2,
                elements: Vec::new(),
                properties: vec![(js("0"), slot(0)), (js("1"), slot(1))],
            },
            Record::Map {
                entries: vec![(id(1), id(1)), (id(2), id(0))],
            },
            Record::Set {
                entries: vec![id(2), id(0)],
            },
        ],
    ));
}

#[test]
fn buffers_round_trip_empty_and_large() {
    let large: Vec<u8> = (0..1_000_003u32).map(|i| (i * 7) as u8).collect();
    for data in [Vec::new(), vec![0], large] {
        let len = data.len();
        round_trip(&graph(0, vec![Record::ArrayBuffer { data: data.clone() }]));
        round_trip(&graph(
            0,
            vec![Record::ResizableArrayBuffer {
                data: data.clone(),
                max_byte_length: len,
            }],
        ));
        round_trip(&graph(
            0,
            vec![Record::ResizableArrayBuffer {
                data,
                max_byte_length: (1 << 53) - 1,
            }],
        ));
    }
}

#[test]
fn every_view_kind_round_trips_fixed_and_auto() {
    for kind in ViewKind::ALL {
        let size = kind.element_size();
        let array_length = |n: usize| if kind == ViewKind::DataView { None } else { Some(n) };
        let views = [
            // The whole buffer, given explicitly.
            (Some(4 * size), 0, array_length(4)),
            // Empty, at the very end.
            (Some(0), 4 * size, array_length(0)),
            // Length-tracking, from an aligned offset.
            (None, size, None),
            // Length-tracking, starting at the end.
            (None, 4 * size, None),
        ];
        for (byte_length, byte_offset, array_length) in views {
            for buffer in [
                Record::ArrayBuffer {
                    data: vec![0; 4 * size],
                },
                Record::ResizableArrayBuffer {
                    data: vec![0; 4 * size],
                    max_byte_length: 64,
                },
            ] {
                let view = Record::ArrayBufferView {
                    constructor: kind,
                    buffer: id(1),
                    byte_length,
                    byte_offset,
                    array_length,
                };
                round_trip(&graph(0, vec![view, buffer]));
            }
        }
    }
}

#[test]
fn a_view_of_a_transferred_buffer_round_trips() {
    // postMessage(u8, [u8.buffer]): the buffer is a placeholder whose bytes
    // travel in the transfer data holder, so any in-range shape is accepted.
    let view = Record::ArrayBufferView {
        constructor: ViewKind::Float64Array,
        buffer: id(1),
        byte_length: Some(800),
        byte_offset: 8,
        array_length: Some(100),
    };
    round_trip(&graph(0, vec![view, Record::Transferred { holder: 0 }]));
}

#[test]
fn transferred_roots_and_extreme_sizes_round_trip() {
    for holder in [0, 127, 128, 16_383, 16_384, usize::MAX] {
        round_trip(&graph(0, vec![Record::Transferred { holder }]));
    }
    round_trip(&graph(
        0,
        vec![Record::Array {
            length: u32::MAX,
            elements: Vec::new(),
            properties: vec![],
        }],
    ));
    round_trip(&graph(
        0,
        vec![
            Record::Array {
                length: u32::MAX,
                elements: Vec::new(),
                properties: vec![(js("4294967294"), slot(1)), (js("4294967295"), slot(1))],
            },
            Record::Primitive(Primitive::Null),
        ],
    ));
}

#[test]
fn errors_and_platform_objects_round_trip() {
    for name in ErrorPrototype::ALL {
        for (message, stack) in [
            (None, None),
            (Some(js("")), None),
            (None, Some(js("at f (a.js:1)"))),
        ] {
            round_trip(&graph(
                0,
                vec![Record::Error {
                    name,
                    message: message.clone(),
                    stack: stack.clone(),
                }],
            ));
        }
    }
    for interface in ["MessagePort", "_private", "-webkit-Thing", "X", "DOMMatrix2"] {
        round_trip(&graph(
            0,
            vec![
                Record::Platform {
                    interface: interface.to_owned(),
                    fields: vec![("".to_owned(), id(0)), ("données".to_owned(), id(1))],
                },
                Record::Primitive(Primitive::Boolean(false)),
            ],
        ));
    }
}

#[test]
fn map_and_set_keys_that_differ_by_samevaluezero_round_trip() {
    let values = [
        Primitive::Undefined,
        Primitive::Null,
        Primitive::Boolean(false),
        Primitive::Boolean(true),
        Primitive::Number(0.0),
        Primitive::Number(f64::NAN),
        Primitive::Number(1.0),
        Primitive::BigInt(BigInt::from(0)),
        Primitive::String(js("")),
        Primitive::String(js("0")),
    ];
    let mut records: Vec<Record> = vec![Record::Set { entries: vec![] }, Record::Map { entries: vec![] }];
    records.extend(values.into_iter().map(Record::Primitive));
    // Two distinct objects are different keys even when they look alike.
    records.push(Record::Object { properties: vec![] });
    records.push(Record::Object { properties: vec![] });
    let ids: Vec<RecordId> = (2..records.len() as u32).map(id).collect();
    records[0] = Record::Set { entries: ids.clone() };
    records[1] = Record::Map {
        entries: ids.iter().map(|k| (*k, id(0))).collect(),
    };
    round_trip(&graph(0, records));
}

#[test]
fn unreachable_records_are_kept() {
    round_trip(&graph(
        1,
        vec![
            Record::Transferred { holder: 0 },
            Record::Primitive(Primitive::Number(1.0)),
        ],
    ));
}

/// Random well-formed graphs: whatever the generator builds must encode,
/// decode to the same graph and re-encode to the same bytes.
#[test]
fn random_graphs_round_trip() {
    let mut rng = XorShift::new(0x5EED_0001);
    for _ in 0..2_000 {
        round_trip(&random_graph(&mut rng));
    }
}

/// A random graph that keeps every rule: views over real buffers, keys
/// unique, Array indices below the length.
pub(in super::super) fn random_graph(rng: &mut XorShift) -> Serialized {
    let n = 1 + rng.below(12);
    let mut records = Vec::with_capacity(n);
    // Record 0 is always a buffer, so views have something to view.
    let buffer_len = rng.below(40);
    records.push(Record::ArrayBuffer {
        data: (0..buffer_len).map(|_| rng.next() as u8).collect(),
    });
    let pick = |rng: &mut XorShift| id(rng.below(n) as u32);
    // A property's value: a record, or now and then a primitive in place.
    let value = |rng: &mut XorShift| {
        if rng.chance(30) {
            Slot::Primitive(match rng.below(4) {
                0 => Primitive::Undefined,
                1 => Primitive::Boolean(rng.chance(50)),
                2 => Primitive::Number(f64::from_bits(rng.next())),
                _ => Primitive::BigInt(BigInt::from(rng.next() as i64)),
            })
        } else {
            Slot::Record(id(rng.below(n) as u32))
        }
    };
    let string = |rng: &mut XorShift| {
        let len = rng.below(4);
        JsString::from_code_units(
            (0..len)
                .map(|_| [0x61, 0x30, 0xD800, 0xDC00][rng.below(4)])
                .collect(),
        )
    };
    let number = |rng: &mut XorShift| {
        [
            0.0,
            -0.0,
            f64::NAN,
            1.5,
            -7.0,
            f64::INFINITY,
            f64::from_bits(rng.next()),
        ][rng.below(7)]
    };
    while records.len() < n {
        let record = match rng.below(18) {
            0 => Record::Primitive(Primitive::Undefined),
            1 => Record::Primitive(Primitive::Null),
            2 => Record::Primitive(Primitive::Boolean(rng.chance(50))),
            3 => Record::Primitive(Primitive::Number(number(rng))),
            4 => Record::Primitive(Primitive::BigInt(BigInt::from(rng.next() as i64))),
            5 => Record::Primitive(Primitive::String(string(rng))),
            6 => Record::Number(number(rng)),
            7 => Record::Date(if rng.chance(20) {
                f64::NAN
            } else {
                (rng.below(1 << 20) as f64) - 1000.0
            }),
            8 => Record::RegExp {
                source: string(rng),
                flags: string(rng),
            },
            9 => {
                let len = rng.below(10);
                Record::ResizableArrayBuffer {
                    data: vec![7; len],
                    max_byte_length: len + rng.below(10),
                }
            }
            10 => {
                let kind = ViewKind::ALL[rng.below(ViewKind::ALL.len())];
                let size = kind.element_size();
                let offset = rng.below(buffer_len / size + 1) * size;
                let elements = rng.below((buffer_len - offset) / size + 1);
                let auto = rng.chance(30);
                let byte_length = if auto { None } else { Some(elements * size) };
                let array_length = if auto || kind == ViewKind::DataView {
                    None
                } else {
                    Some(elements)
                };
                Record::ArrayBufferView {
                    constructor: kind,
                    buffer: id(0),
                    byte_length,
                    byte_offset: offset,
                    array_length,
                }
            }
            11 => {
                let entries: Vec<_> = (0..rng.below(5)).map(|_| (pick(rng), pick(rng))).collect();
                Record::Map { entries }
            }
            12 => Record::Set {
                entries: (0..rng.below(5)).map(|_| pick(rng)).collect(),
            },
            13 => Record::Error {
                name: ErrorPrototype::ALL[rng.below(7)],
                message: rng.chance(50).then(|| string(rng)),
                stack: rng.chance(50).then(|| string(rng)),
            },
            14 => {
                let length = rng.below(6) as u32;
                let properties = (0..rng.below(5))
                    .map(|i| {
                        (
                            if rng.chance(50) {
                                js(&i.to_string())
                            } else {
                                string(rng)
                            },
                            value(rng),
                        )
                    })
                    .collect();
                let elements = (0..rng.below(4).min(length as usize))
                    .map(|_| value(rng))
                    .collect();
                Record::Array {
                    length,
                    elements,
                    properties,
                }
            }
            15 => Record::Object {
                properties: (0..rng.below(5)).map(|_| (string(rng), value(rng))).collect(),
            },
            16 => Record::Platform {
                interface: "Blob".to_owned(),
                fields: (0..rng.below(4)).map(|i| (format!("f{i}"), pick(rng))).collect(),
            },
            _ => Record::Transferred { holder: rng.below(4) },
        };
        records.push(record);
    }
    let mut g = Serialized::new(records, pick(rng));
    // Now that every record exists, drop what would break a rule: repeated
    // keys, and Array indices at or past the length.
    for i in 0..g.records.len() {
        let record = g.records[i].clone();
        g.records[i] = match record {
            Record::Map { entries } => Record::Map {
                entries: dedupe(&g, entries, |e| e.0),
            },
            Record::Set { entries } => Record::Set {
                entries: dedupe(&g, entries, |e| *e),
            },
            Record::Array {
                length,
                elements,
                mut properties,
            } => {
                let taken = elements.len();
                properties.retain(|(k, _)| {
                    k.as_array_index()
                        .is_none_or(|i| i < length && i as usize >= taken)
                        && k != &js("length")
                });
                let mut seen = Vec::new();
                properties.retain(|(k, _)| {
                    !seen.contains(k) && {
                        seen.push(k.clone());
                        true
                    }
                });
                Record::Array {
                    length,
                    elements,
                    properties,
                }
            }
            Record::Object { mut properties } => {
                let mut seen = Vec::new();
                properties.retain(|(k, _)| {
                    !seen.contains(k) && {
                        seen.push(k.clone());
                        true
                    }
                });
                Record::Object { properties }
            }
            other => other,
        };
    }
    super::own_primitives(g)
}

fn dedupe<T: Clone>(g: &Serialized, items: Vec<T>, key: impl Fn(&T) -> RecordId) -> Vec<T> {
    let mut kept: Vec<T> = Vec::new();
    for item in items {
        let identity = super::super::check::identity(&g.records, key(&item));
        if !kept
            .iter()
            .any(|k| super::super::check::identity(&g.records, key(k)) == identity)
        {
            kept.push(item);
        }
    }
    kept
}
