//! Bytes that break the grammar are refused with a message naming the
//! rule, the record and the byte.

use super::*;

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
        b"WMSR\x03",
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
        "at byte 4: unsupported format version 2; this decoder reads version 3",
    );
    bytes[4] = 1;
    refused_with(
        &bytes,
        4,
        "at byte 4: unsupported format version 1; this decoder reads version 3",
    );
    bytes[4] = 0;
    refused_with(
        &bytes,
        4,
        "at byte 4: unsupported format version 0; this decoder reads version 3",
    );
}

#[test]
fn a_huge_record_count_fails_before_allocating() {
    // 2^60 records claimed in a 20-byte input.
    let mut bytes = b"WMSR\x03".to_vec();
    bytes.extend([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10]);
    bytes.extend([0x00; 6]);
    assert_eq!(bytes.len(), 20);
    refused_with(
        &bytes,
        5,
        "at byte 5: the header claims 1152921504606846976 records, more than the 2^32 that 32-bit ids can name",
    );
    // Within 2^32 but more than the input could hold.
    let mut bytes = b"WMSR\x03".to_vec();
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
        &with(b"WMSR\x03\x01".to_vec(), &[0x80, 0x00, 0x00, 0x00]),
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
         takes at least 3)",
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
