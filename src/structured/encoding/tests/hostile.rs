//! Inputs built to make the duplicate checks slow: the work they do is
//! counted ([`decode_with_work`]) and must stay within
//! [`decode_work_bound`], linear in the input.

use super::super::{decode_with_work, decode_work_bound};
use super::{encode, graph, id, js};
use crate::ecmascript::JsString;
use crate::structured::record::{Primitive, Record, RecordId};

/// `count` long Strings that differ only in their last code unit, and
/// `sets` Sets that each hold all of them (or, with `twice`, the first
/// String twice: a duplicate, found at the end).
fn strings_named_by_many_sets(count: usize, units: usize, sets: usize, map: bool) -> Vec<u8> {
    let mut records = vec![Record::Array {
        length: sets as u32,
        properties: (0..sets)
            .map(|s| (js(&s.to_string()), id((count + s + 1) as u32)))
            .collect(),
    }];
    for i in 0..count {
        let mut text = vec![u16::from(b'a'); units];
        text.push(i as u16);
        records.push(Record::Primitive(Primitive::String(JsString::from_code_units(
            text,
        ))));
    }
    let members: Vec<RecordId> = (1..=count).map(|i| id(i as u32)).collect();
    for _ in 0..sets {
        records.push(if map {
            Record::Map {
                entries: members.iter().map(|m| (*m, *m)).collect(),
            }
        } else {
            Record::Set {
                entries: members.clone(),
            }
        });
    }
    encode(&graph(0, records)).expect("well formed")
}

#[test]
fn long_set_members_that_differ_at_the_end_are_read_once() {
    // The case: 2.4 MB, two Strings of 600,000 code units named by
    // 200,000 Sets. Compared pairwise per Set, that was 2.4 × 10^11 units.
    let bytes = strings_named_by_many_sets(2, 600_000, 200_000, false);
    assert!(bytes.len() > 2_400_000, "{}", bytes.len());
    let (decoded, work) = decode_with_work(&bytes);
    assert!(decoded.is_ok());
    assert!(
        work <= decode_work_bound(bytes.len()),
        "{work} units of work for {} bytes",
        bytes.len()
    );
    // Each String hashed once (600,001 units each), each Set entry looked
    // up once, each key of the root Array hashed once.
    let key_units: u64 = (0..200_000u64).map(|s| s.to_string().len() as u64).sum();
    assert!(work <= 2 * 600_001 + 2 * 200_000 + key_units, "{work}");

    // The same for Map keys, and for many short Strings in one Set.
    for bytes in [
        strings_named_by_many_sets(2, 300_000, 100_000, true),
        strings_named_by_many_sets(20_000, 50, 3, false),
    ] {
        let (decoded, work) = decode_with_work(&bytes);
        assert!(decoded.is_ok());
        assert!(
            work <= decode_work_bound(bytes.len()),
            "{work} for {}",
            bytes.len()
        );
    }
}

#[test]
fn a_duplicate_among_long_members_is_found_with_linear_work() {
    // Two equal long Strings in records 1 and 2, named by one Set after
    // 100,000 Sets that name only one of them.
    let units = vec![u16::from(b'z'); 500_000];
    let mut records = vec![
        Record::Array {
            length: 0,
            properties: Vec::new(),
        },
        Record::Primitive(Primitive::String(JsString::from_code_units(units.clone()))),
        Record::Primitive(Primitive::String(JsString::from_code_units(units))),
    ];
    for _ in 0..100_000 {
        records.push(Record::Set {
            entries: vec![id(1), id(0)],
        });
    }
    records.push(Record::Set {
        entries: vec![id(0), id(1), id(2)],
    });
    let last = records.len() - 1;
    // Encode through the writer (encode itself refuses the duplicate).
    let bytes = super::write::write(&graph(0, records));
    let (decoded, work) = decode_with_work(&bytes);
    let message = decoded.expect_err("a duplicate").to_string();
    assert!(
        message.contains(&format!("record {last} (Set)"))
            && message.ends_with("Set entries 1 and 2 are the same value (by SameValueZero)"),
        "{message}"
    );
    assert!(
        work <= decode_work_bound(bytes.len()),
        "{work} for {}",
        bytes.len()
    );
}

#[test]
fn many_long_keys_of_one_object_are_hashed_not_sorted_by_content() {
    // 2,000 keys of 1,000 code units sharing all but the last one.
    let properties = (0..2000u16)
        .map(|i| {
            let mut key = vec![u16::from(b'k'); 999];
            key.push(i);
            (JsString::from_code_units(key), id(0))
        })
        .collect();
    let bytes = encode(&graph(0, vec![Record::Object { properties }])).expect("well formed");
    let (decoded, work) = decode_with_work(&bytes);
    assert!(decoded.is_ok());
    assert!(work <= 2000 * 1000 + 16, "{work}");
}
