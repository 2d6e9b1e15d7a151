//! One test per rule: bytes that break it are refused with a message that
//! names the rule, the record and the byte.

use super::super::{DecodeError, EncodeError, write};
use super::*;
use crate::ecmascript::{AgentClusterId, SharedDataBlock};

/// Decodes bytes that must be refused.
fn refused(bytes: &[u8]) -> DecodeError {
    match decode(bytes) {
        Ok(g) => panic!("accepted {bytes:02X?} as {g:#?}"),
        Err(e) => {
            assert!(e.offset() <= bytes.len(), "offset {} past the input", e.offset());
            e
        }
    }
}

/// Asserts the exact message and offset.
fn refused_with(bytes: &[u8], offset: usize, message: &str) {
    let e = refused(bytes);
    assert_eq!(e.to_string(), message);
    assert_eq!(e.offset(), offset, "{e}");
}

/// Writes a graph without checking it, as a careless or hostile encoder
/// would, and asserts how the decoder refuses it.
fn ill_formed(g: Serialized, message: &str) {
    let bytes = write::write(&g);
    let e = refused(&bytes);
    assert_eq!(e.to_string(), message);
    // `encode` refuses the same graph, with the same words.
    let without_offset = message.replacen(&format!(" at byte {}", e.offset()), "", 1);
    match encode(&g) {
        Err(err @ EncodeError::IllFormed(_)) => {
            assert_eq!(
                err.to_string(),
                format!("the records are not well formed: {without_offset}")
            );
        }
        other => panic!("encode gave {other:?}"),
    }
}

/// Magic, version 1, one-byte count and root.
fn header(count: u8, root: u8) -> Vec<u8> {
    let mut bytes = b"WMSR\x01".to_vec();
    bytes.extend([count, root]);
    bytes
}

fn with(mut head: Vec<u8>, tail: &[u8]) -> Vec<u8> {
    head.extend_from_slice(tail);
    head
}

fn undefined() -> Record {
    Record::Primitive(Primitive::Undefined)
}

// ----- the header -----

#[test]
fn empty_and_short_inputs() {
    refused_with(
        &[],
        0,
        "at byte 0: the magic needs 4 bytes, but the input ends after 0",
    );
    refused_with(
        b"WMS",
        0,
        "at byte 0: the magic needs 4 bytes, but the input ends after 3",
    );
    refused_with(
        b"WMSR",
        4,
        "at byte 4: the input ends where the format version should be",
    );
    refused_with(
        b"WMSR\x01",
        5,
        "at byte 5: the input ends where the record count should be",
    );
}

#[test]
fn wrong_magic() {
    refused_with(
        b"{\"a\":1}",
        0,
        "at byte 0: not this encoding: the input starts [7B, 22, 61, 22], not the magic \"WMSR\"",
    );
}

#[test]
fn unknown_version_names_both_versions() {
    let mut bytes = with(header(1, 0), &[0x00, 0x00]);
    bytes[4] = 2;
    refused_with(
        &bytes,
        4,
        "at byte 4: unsupported format version 2; this decoder reads version 1",
    );
    bytes[4] = 0;
    refused_with(
        &bytes,
        4,
        "at byte 4: unsupported format version 0; this decoder reads version 1",
    );
}

#[test]
fn a_huge_record_count_fails_before_allocating() {
    // 2^60 records claimed in a 20-byte input.
    let mut bytes = b"WMSR\x01".to_vec();
    bytes.extend([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10]);
    bytes.extend([0x00; 6]);
    assert_eq!(bytes.len(), 20);
    refused_with(
        &bytes,
        5,
        "at byte 5: the header claims 1152921504606846976 records, more than the 2^32 that 32-bit ids can name",
    );
    // Within 2^32 but more than the input could hold.
    let mut bytes = b"WMSR\x01".to_vec();
    bytes.extend([0xFF, 0xFF, 0xFF, 0xFF, 0x0F]);
    bytes.extend([0x00; 10]);
    refused_with(
        &bytes,
        5,
        "at byte 5: the header claims 4294967295 records, but only 10 bytes follow (a record takes at least 2)",
    );
}

#[test]
fn root_out_of_range() {
    refused_with(
        &with(header(1, 1), &[0x00, 0x00]),
        6,
        "at byte 6: the root refers to record 1, but there are only 1 records",
    );
    refused_with(
        &header(0, 0),
        6,
        "at byte 6: the root refers to record 0, but there are only 0 records",
    );
}

#[test]
fn trailing_bytes() {
    refused_with(
        &with(header(1, 0), &[0x00, 0x00, 0xAA, 0xBB]),
        9,
        "at byte 9: 2 trailing bytes after the last record",
    );
}

#[test]
fn truncated_records() {
    let full = write::write(&every_kind());
    for len in 7..full.len() {
        let e = refused(&full[..len]);
        assert!(e.to_string().contains("record "), "{e}");
    }
}

// ----- varints -----

#[test]
fn overlong_varints() {
    // The root as 80 00: zero, written in two bytes.
    refused_with(
        &with(b"WMSR\x01\x01".to_vec(), &[0x80, 0x00, 0x00, 0x00]),
        6,
        "at byte 6: the root is an overlong varint (its last byte is 00)",
    );
    // A string length of 0x81 0x80 0x00.
    refused_with(
        &with(header(1, 0), &[0x04, 0x81, 0x80, 0x00]),
        8,
        "record 0 (String) at byte 8: [[StringData]] is an overlong varint (its last byte is 00)",
    );
}

#[test]
fn varints_past_64_bits() {
    let mut eleven = vec![0xFF; 10];
    eleven.push(0x01);
    refused_with(
        &with(header(1, 0), &[&[0x12][..], &eleven].concat()),
        8,
        "record 0 (Transferred) at byte 8: the transfer data holder index is a varint above 2^64 - 1",
    );
    let mut ten = vec![0xFF; 9];
    ten.push(0x02);
    refused_with(
        &with(header(1, 0), &[&[0x12][..], &ten].concat()),
        8,
        "record 0 (Transferred) at byte 8: the transfer data holder index is a varint above 2^64 - 1",
    );
    // u64::MAX itself is fine for a holder index (on 64-bit targets).
    let mut max = vec![0xFF; 9];
    max.push(0x01);
    if usize::BITS == 64 {
        assert!(decode(&with(header(1, 0), &[&[0x12][..], &max].concat())).is_ok());
    }
}

#[test]
fn ids_past_32_bits() {
    refused_with(
        &with(header(1, 0), &[0x0D, 0x01, 0x80, 0x80, 0x80, 0x80, 0x10]),
        9,
        "record 0 (Set) at byte 9: a Set entry refers to record 4294967296, beyond 32-bit ids",
    );
}

// ----- tags and enumerations -----

#[test]
fn unknown_tags() {
    refused_with(
        &with(header(1, 0), &[0x13, 0x00]),
        7,
        "record 0 at byte 7: unknown record tag 0x13",
    );
    refused_with(
        &with(header(1, 0), &[0xFF, 0x00]),
        7,
        "record 0 at byte 7: unknown record tag 0xff",
    );
    refused_with(
        &with(header(1, 0), &[0x00, 0x06]),
        8,
        "record 0 (primitive) at byte 8: unknown primitive tag 0x06",
    );
    refused_with(
        &with(header(2, 0), &[0x0B, 0x0D, 0x01, 0x00, 0x00, 0x00, 0x09, 0x00]),
        8,
        "record 0 (ArrayBufferView) at byte 8: unknown view constructor 0x0d",
    );
    refused_with(
        &with(header(1, 0), &[0x0E, 0x07, 0x00, 0x00]),
        8,
        "record 0 (Error) at byte 8: unknown error prototype 0x07",
    );
}

#[test]
fn shared_memory_tags_are_reserved() {
    for tag in [0x07, 0x08] {
        refused_with(
            &with(header(1, 0), &[tag, 0x00]),
            7,
            &format!(
                "record 0 ({}) at byte 7: tag {tag:#04x} is reserved: shared memory cannot leave its agent \
                 cluster, so no encoding holds it",
                if tag == 0x07 {
                    "SharedArrayBuffer"
                } else {
                    "GrowableSharedArrayBuffer"
                }
            ),
        );
    }
}

#[test]
fn booleans_and_presence_flags_are_00_or_01() {
    refused_with(
        &with(header(1, 0), &[0x01, 0x02]),
        8,
        "record 0 (Boolean) at byte 8: [[BooleanData]] is 0x02, not 00 or 01",
    );
    refused_with(
        &with(header(1, 0), &[0x00, 0x02, 0xFF]),
        9,
        "record 0 (primitive) at byte 9: a Boolean is 0xff, not 00 or 01",
    );
    refused_with(
        &with(header(1, 0), &[0x0E, 0x00, 0x02, 0x00]),
        9,
        "record 0 (Error) at byte 9: [[Message]] is 0x02, not 00 or 01",
    );
}

// ----- contents -----

#[test]
fn strings_longer_than_the_input() {
    refused_with(
        &with(header(1, 0), &[0x04, 0x03, 0x61, 0x00, 0x62, 0x00]),
        8,
        "record 0 (String) at byte 8: [[StringData]] claims 3 code units, but only 4 bytes follow",
    );
    // A length whose byte count overflows.
    let mut bytes = with(header(1, 0), &[0x04]);
    bytes.extend([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]);
    let e = refused(&bytes);
    assert!(
        e.to_string().contains("claims 18446744073709551615 code units"),
        "{e}"
    );
    refused_with(
        &with(header(1, 0), &[0x09, 0x05, 1, 2]),
        9,
        "record 0 (ArrayBuffer) at byte 9: [[ArrayBufferData]] needs 5 bytes, but the input ends after 2",
    );
}

#[test]
fn counts_larger_than_the_input_could_hold() {
    refused_with(
        &with(header(1, 0), &[0x0C, 0x03, 0, 0, 0, 0]),
        8,
        "record 0 (Map) at byte 8: the number of Map entries is 3, but only 4 bytes follow (each takes at least 2)",
    );
    refused_with(
        &with(header(1, 0), &[0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x00]),
        8,
        "record 0 (Object) at byte 8: the number of properties is 4294967295, but only 1 bytes follow (each \
         takes at least 2)",
    );
}

#[test]
fn invalid_utf8_in_platform_names() {
    refused_with(
        &with(header(1, 0), &[0x11, 0x03, b'A', 0xC3, 0x28, 0x00]),
        10,
        "record 0 (platform object) at byte 10: the interface name is not valid UTF-8",
    );
    refused_with(
        &with(header(1, 0), &[0x11, 0x01, b'A', 0x01, 0x01, 0xFF, 0x00]),
        12,
        "record 0 (platform object) at byte 12: a field name is not valid UTF-8",
    );
}

#[test]
fn bigint_text_must_be_canonical_decimal() {
    let cases: [(&[u8], &str); 8] = [
        (b"007", "is not canonical (a leading zero, or -0)"),
        (b"-0", "is not canonical (a leading zero, or -0)"),
        (b"00", "is not canonical (a leading zero, or -0)"),
        (b"", "is not a decimal integer"),
        (b"-", "is not a decimal integer"),
        (b"+1", "is not a decimal integer"),
        (b"1e3", "is not a decimal integer"),
        ("١".as_bytes(), "is not ASCII decimal text"),
    ];
    for (text, problem) in cases {
        let mut bytes = with(header(1, 0), &[0x03, text.len() as u8]);
        bytes.extend_from_slice(text);
        refused_with(
            &bytes,
            9,
            &format!("record 0 (BigInt) at byte 9: [[BigIntData]] {problem}"),
        );
    }
}

#[test]
fn array_length_must_fit_32_bits() {
    refused_with(
        &with(header(1, 0), &[0x0F, 0x80, 0x80, 0x80, 0x80, 0x10, 0x00]),
        8,
        "record 0 (Array) at byte 8: [[Length]] is 4294967296, above 2^32 - 1, the largest Array length",
    );
}

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
                properties: vec![(js("a"), id(1))],
            }],
        ),
        "record 0 (Object) at byte 7: property 0 refers to record 1, but there are only 1 records",
    );
    ill_formed(
        graph(
            0,
            vec![Record::Array {
                length: 0,
                properties: vec![(js("a"), id(3))],
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
                properties: vec![(js("length"), id(0))],
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
                properties: vec![(js("1"), id(0)), (js("2"), id(0))],
            }],
        ),
        "record 0 (Array) at byte 7: property 1 has index 2, not below the Array's [[Length]] 2",
    );
}

#[test]
fn property_keys_and_field_names_are_unique() {
    let props = vec![(js("a"), id(0)), (js("b"), id(0)), (js("a"), id(0))];
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
