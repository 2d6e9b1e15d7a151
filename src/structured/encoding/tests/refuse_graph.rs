//! Graphs that break a rule of well-formedness: the decoder refuses their
//! bytes, and `encode` refuses the graph, both saying which record and why.

use super::*;
use crate::ecmascript::{AgentClusterId, SharedDataBlock};

// ----- ids in range -----

#[test]
fn every_id_must_name_a_record() {
    let view = |buffer| Record::ArrayBufferView {
        constructor: ViewKind::Uint8Array,
        buffer: id(buffer),
        byte_length: None,
        byte_offset: 0,
        array_length: None,
    };
    let mut records = vec![undefined(); 5];
    records[3] = view(9);
    ill_formed(
        graph(0, records),
        "record 3 (ArrayBufferView) at byte 13: [[ArrayBufferSerialized]] refers to record 9, but there are only 5 \
         records",
    );
    ill_formed(
        graph(
            0,
            vec![Record::Map {
                entries: vec![(id(0), id(0)), (id(1), id(0))],
            }],
        ),
        "record 0 (Map) at byte 7: the key of Map entry 1 refers to record 1, but there are only 1 records",
    );
    ill_formed(
        graph(
            0,
            vec![Record::Map {
                entries: vec![(id(0), id(7))],
            }],
        ),
        "record 0 (Map) at byte 7: the value of Map entry 0 refers to record 7, but there are only 1 records",
    );
    ill_formed(
        graph(
            0,
            vec![Record::Set {
                entries: vec![id(0), id(2)],
            }],
        ),
        "record 0 (Set) at byte 7: Set entry 1 refers to record 2, but there are only 1 records",
    );
    ill_formed(
        graph(
            0,
            vec![Record::Object {
                properties: vec![(js("a"), slot(1))],
            }],
        ),
        "record 0 (Object) at byte 7: property 0 refers to record 1, but there are only 1 records",
    );
    ill_formed(
        graph(
            0,
            vec![Record::Array {
                length: 0,
                elements: Vec::new(),
                properties: vec![(js("a"), slot(3))],
            }],
        ),
        "record 0 (Array) at byte 7: property 0 refers to record 3, but there are only 1 records",
    );
    ill_formed(
        graph(
            0,
            vec![Record::Platform {
                interface: "Blob".into(),
                fields: vec![("x".into(), id(1))],
            }],
        ),
        "record 0 (platform object) at byte 7: field 0 refers to record 1, but there are only 1 records",
    );
}

// ----- views -----

fn view_over(buffer: Record, view: Record) -> Serialized {
    graph(0, vec![view, buffer])
}

fn u32_view(byte_offset: usize, byte_length: Option<usize>, array_length: Option<usize>) -> Record {
    Record::ArrayBufferView {
        constructor: ViewKind::Uint32Array,
        buffer: id(1),
        byte_length,
        byte_offset,
        array_length,
    }
}

fn data_view(byte_offset: usize, byte_length: Option<usize>) -> Record {
    Record::ArrayBufferView {
        constructor: ViewKind::DataView,
        buffer: id(1),
        byte_length,
        byte_offset,
        array_length: None,
    }
}

#[test]
fn a_view_must_view_a_buffer() {
    for (buffer, kind) in [
        (Record::Object { properties: vec![] }, "Object"),
        (undefined(), "primitive"),
        (data_view(0, None), "ArrayBufferView"),
    ] {
        ill_formed(
            view_over(buffer, data_view(0, None)),
            &format!(
                "record 0 (ArrayBufferView) at byte 7: [[ArrayBufferSerialized]] refers to record 1 ({kind}), \
                 which is not an ArrayBuffer, ResizableArrayBuffer or Transferred record"
            ),
        );
    }
}

#[test]
fn view_lengths_must_have_the_right_shape() {
    let buffer = || Record::ArrayBuffer { data: vec![0; 16] };
    ill_formed(
        view_over(
            buffer(),
            Record::ArrayBufferView {
                constructor: ViewKind::DataView,
                buffer: id(1),
                byte_length: Some(4),
                byte_offset: 0,
                array_length: Some(4),
            },
        ),
        "record 0 (ArrayBufferView) at byte 7: a DataView has no [[ArrayLength]], but one of 4 is given",
    );
    for (byte_length, array_length) in [(Some(8), None), (None, Some(2))] {
        ill_formed(
            view_over(buffer(), u32_view(0, byte_length, array_length)),
            "record 0 (ArrayBufferView) at byte 7: [[ByteLength]] and [[ArrayLength]] must both be auto or both \
             be given",
        );
    }
    ill_formed(
        view_over(buffer(), u32_view(0, Some(8), Some(3))),
        "record 0 (ArrayBufferView) at byte 7: [[ByteLength]] 8 is not [[ArrayLength]] 3 × 4 (the Uint32Array \
         element size)",
    );
    ill_formed(
        view_over(buffer(), u32_view(0, Some(0), Some(usize::MAX))),
        &format!(
            "record 0 (ArrayBufferView) at byte 7: [[ByteLength]] 0 is not [[ArrayLength]] {} × 4 (the \
             Uint32Array element size)",
            usize::MAX
        ),
    );
    ill_formed(
        view_over(buffer(), u32_view(2, None, None)),
        "record 0 (ArrayBufferView) at byte 7: [[ByteOffset]] 2 is not a multiple of 4 (the Uint32Array element \
         size)",
    );
}

#[test]
fn views_must_be_in_bounds() {
    let fixed = || Record::ArrayBuffer { data: vec![0; 16] };
    let resizable = || Record::ResizableArrayBuffer {
        data: vec![0; 16],
        max_byte_length: 64,
    };
    for buffer in [fixed, resizable] {
        ill_formed(
            view_over(buffer(), u32_view(20, None, None)),
            "record 0 (ArrayBufferView) at byte 7: [[ByteOffset]] 20 is past the end of the 16-byte buffer \
             (record 1)",
        );
        ill_formed(
            view_over(buffer(), u32_view(8, Some(12), Some(3))),
            "record 0 (ArrayBufferView) at byte 7: the view's 12 bytes from [[ByteOffset]] 8 run past the end of \
             the 16-byte buffer (record 1)",
        );
        ill_formed(
            view_over(buffer(), data_view(17, Some(0))),
            "record 0 (ArrayBufferView) at byte 7: [[ByteOffset]] 17 is past the end of the 16-byte buffer \
             (record 1)",
        );
        ill_formed(
            view_over(buffer(), data_view(1, Some(usize::MAX))),
            &format!(
                "record 0 (ArrayBufferView) at byte 7: the view's {} bytes from [[ByteOffset]] 1 run past the end \
                 of the 16-byte buffer (record 1)",
                usize::MAX
            ),
        );
    }
}

// ----- buffers and dates -----

#[test]
fn resizable_buffers_keep_within_their_maximum() {
    ill_formed(
        graph(
            0,
            vec![Record::ResizableArrayBuffer {
                data: vec![0; 5],
                max_byte_length: 4,
            }],
        ),
        "record 0 (ResizableArrayBuffer) at byte 7: it holds 5 bytes, more than its [[ArrayBufferMaxByteLength]] 4",
    );
    ill_formed(
        graph(
            0,
            vec![Record::ResizableArrayBuffer {
                data: vec![],
                max_byte_length: 1 << 53,
            }],
        ),
        "record 0 (ResizableArrayBuffer) at byte 7: [[ArrayBufferMaxByteLength]] 9007199254740992 is above 2^53 - \
         1, the most ECMAScript allows",
    );
}

#[test]
fn dates_hold_time_values() {
    for (t, shown) in [
        (1.5, "1.5"),
        (-0.0, "-0.0"),
        (8.64e15 + 1.0, "8640000000000001.0"),
        (f64::INFINITY, "inf"),
    ] {
        ill_formed(
            graph(0, vec![Record::Date(t)]),
            &format!(
                "record 0 (Date) at byte 7: [[DateValue]] {shown} is not a time value (NaN, or an integral Number \
                 within ±8.64e15 that is not -0)"
            ),
        );
    }
}

// ----- keys -----

#[test]
fn array_keys_stay_below_the_length_and_skip_length() {
    ill_formed(
        graph(
            0,
            vec![Record::Array {
                length: 2,
                elements: Vec::new(),
                properties: vec![(js("length"), slot(0))],
            }],
        ),
        "record 0 (Array) at byte 7: property 0 is \"length\", which is never an enumerable own property of an \
         Array",
    );
    ill_formed(
        graph(
            0,
            vec![Record::Array {
                length: 2,
                elements: Vec::new(),
                properties: vec![(js("1"), slot(0)), (js("2"), slot(0))],
            }],
        ),
        "record 0 (Array) at byte 7: property 1 has index 2, not below the Array's [[Length]] 2",
    );
}

#[test]
fn array_elements_fit_the_length_and_keep_their_keys_to_themselves() {
    ill_formed(
        graph(
            0,
            vec![Record::Array {
                length: 1,
                elements: vec![slot(0), slot(0)],
                properties: Vec::new(),
            }],
        ),
        "record 0 (Array) at byte 7: 2 elements, more than the Array's [[Length]] 1",
    );
    // Element 1 is property "1": a property with that key repeats it.
    ill_formed(
        graph(
            0,
            vec![Record::Array {
                length: 3,
                elements: vec![slot(0), slot(0)],
                properties: vec![(js("x"), slot(0)), (js("1"), slot(0))],
            }],
        ),
        "record 0 (Array) at byte 7: property 1 has index 1, which element 1 already has",
    );
    ill_formed(
        graph(
            0,
            vec![Record::Array {
                length: 3,
                elements: vec![slot(1)],
                properties: Vec::new(),
            }],
        ),
        "record 0 (Array) at byte 7: element 0 refers to record 1, but there are only 1 records",
    );
}

#[test]
fn property_keys_and_field_names_are_unique() {
    let props = vec![(js("a"), slot(0)), (js("b"), slot(0)), (js("a"), slot(0))];
    ill_formed(
        graph(
            0,
            vec![Record::Object {
                properties: props.clone(),
            }],
        ),
        "record 0 (Object) at byte 7: properties 0 and 2 have the same key",
    );
    ill_formed(
        graph(
            0,
            vec![Record::Array {
                length: 0,
                elements: Vec::new(),
                properties: props,
            }],
        ),
        "record 0 (Array) at byte 7: properties 0 and 2 have the same key",
    );
    ill_formed(
        graph(
            0,
            vec![Record::Platform {
                interface: "Blob".into(),
                fields: vec![("size".into(), id(0)), ("size".into(), id(0))],
            }],
        ),
        "record 0 (platform object) at byte 7: fields 0 and 1 have the same name",
    );
}

#[test]
fn platform_interfaces_are_webidl_identifiers() {
    for name in ["", "1Blob", "Blob Part", "--x", "_", "Blöb"] {
        ill_formed(
            graph(
                0,
                vec![Record::Platform {
                    interface: name.into(),
                    fields: vec![],
                }],
            ),
            "record 0 (platform object) at byte 7: the interface name is not a Web IDL identifier",
        );
    }
}

#[test]
fn map_keys_and_set_entries_are_unique_by_samevaluezero() {
    let number = |n: f64| Record::Primitive(Primitive::Number(n));
    let string = |s: &str| Record::Primitive(Primitive::String(js(s)));
    let pairs = [
        (number(0.0), number(-0.0)),
        (number(f64::NAN), number(f64::from_bits(0x7FF0_0000_0000_0001))),
        (string("k"), string("k")),
        (
            Record::Primitive(Primitive::BigInt(BigInt::from(-5))),
            Record::Primitive(Primitive::BigInt(BigInt::from(-5))),
        ),
        (
            Record::Transferred { holder: 1 },
            Record::Transferred { holder: 1 },
        ),
    ];
    for (a, b) in pairs {
        ill_formed(
            graph(
                0,
                vec![
                    Record::Map {
                        entries: vec![(id(1), id(0)), (id(2), id(0))],
                    },
                    a.clone(),
                    b.clone(),
                ],
            ),
            "record 0 (Map) at byte 7: Map entries 0 and 1 have the same key (by SameValueZero)",
        );
        ill_formed(
            graph(
                0,
                vec![
                    Record::Set {
                        entries: vec![id(1), id(0), id(2)],
                    },
                    a,
                    b,
                ],
            ),
            "record 0 (Set) at byte 7: Set entries 0 and 2 are the same value (by SameValueZero)",
        );
    }
    // The same object twice.
    ill_formed(
        graph(
            0,
            vec![Record::Set {
                entries: vec![id(0), id(0)],
            }],
        ),
        "record 0 (Set) at byte 7: Set entries 0 and 1 are the same value (by SameValueZero)",
    );
    // The first repeat is reported, whatever the sort order of the keys.
    ill_formed(
        graph(
            0,
            vec![
                Record::Set {
                    entries: vec![id(1), id(0), id(0), id(1)],
                },
                undefined(),
            ],
        ),
        "record 0 (Set) at byte 7: Set entries 1 and 2 are the same value (by SameValueZero)",
    );
}

#[test]
fn the_offset_points_at_the_offending_record() {
    // Record 2 starts after record 0 (2 bytes) and record 1 (2 bytes).
    ill_formed(
        graph(0, vec![undefined(), undefined(), Record::Date(0.5)]),
        "record 2 (Date) at byte 11: [[DateValue]] 0.5 is not a time value (NaN, or an integral Number within \
         ±8.64e15 that is not -0)",
    );
}

// ----- encoding -----

#[test]
fn shared_memory_cannot_be_encoded() {
    let shared = Record::SharedArrayBuffer {
        data: SharedDataBlock::new(vec![1, 2]),
        byte_length: 2,
        agent_cluster: AgentClusterId(7),
    };
    let growable = Record::GrowableSharedArrayBuffer {
        data: SharedDataBlock::new(vec![]),
        max_byte_length: 8,
        agent_cluster: AgentClusterId(7),
    };
    let e = encode(&graph(0, vec![undefined(), shared])).unwrap_err();
    assert_eq!(
        e,
        EncodeError::SharedMemory {
            record: 1,
            kind: "SharedArrayBuffer"
        }
    );
    assert_eq!(
        e.to_string(),
        "record 1 is a SharedArrayBuffer: shared memory cannot leave its agent cluster, so it has no byte form"
    );
    let e = encode(&graph(0, vec![growable])).unwrap_err();
    assert_eq!(
        e,
        EncodeError::SharedMemory {
            record: 0,
            kind: "GrowableSharedArrayBuffer"
        }
    );
    // Even unchecked, a shared record's bytes never decode.
    let bytes = write::write(&graph(
        0,
        vec![Record::SharedArrayBuffer {
            data: SharedDataBlock::default(),
            byte_length: 0,
            agent_cluster: AgentClusterId(0),
        }],
    ));
    assert!(refused(&bytes).to_string().contains("reserved: shared memory"));
}

#[test]
fn encode_refuses_a_dangling_root() {
    assert_eq!(
        encode(&graph(3, vec![undefined()])).unwrap_err().to_string(),
        "the records are not well formed: the root refers to record 3, but there are only 1 records"
    );
    assert_eq!(
        encode(&graph(0, vec![])).unwrap_err().to_string(),
        "the records are not well formed: the root refers to record 0, but there are only 0 records"
    );
}
