//! Inputs built to make the decoder's checks slow: the work they do is
//! counted ([`decode_with_work`]) and must stay within
//! [`decode_work_bound`], linear in the input.

use super::super::{decode_with_work, decode_work_bound, write};
use super::{encode, graph, id, js, slot};
use crate::ecmascript::JsString;
use crate::structured::record::{Primitive, Record, RecordId};

/// `count` Strings of `units` code units that differ only in the last one.
fn long_strings(count: usize, units: usize) -> Vec<Record> {
    (0..count)
        .map(|i| {
            let mut text = vec![u16::from(b'a'); units - 1];
            text.push(i as u16);
            Record::Primitive(Primitive::String(JsString::from_code_units(text)))
        })
        .collect()
}

/// A graph whose root (record 0) is `root`, followed by `members`.
fn members_of(root: Record, members: Vec<Record>) -> Vec<u8> {
    let mut records = vec![root];
    records.extend(members);
    encode(&graph(0, records)).expect("well formed")
}

fn ids(count: usize) -> Vec<RecordId> {
    (1..=count).map(|i| id(i as u32)).collect()
}

#[test]
fn long_set_members_that_differ_at_the_end_are_read_once() {
    // 2.4 MB: 1,200 Strings of 1,000 code units sharing all but the last.
    // Sorted and compared in full, that is 1,200 × log 1,200 × 1,000 units.
    let bytes = members_of(Record::Set { entries: ids(1200) }, long_strings(1200, 1000));
    assert!(bytes.len() > 2_400_000, "{}", bytes.len());
    let (decoded, work) = decode_with_work(&bytes);
    assert!(decoded.is_ok());
    // Each String hashed once, each entry looked up once.
    assert!(work <= 1200 * 1000 + 1200, "{work} units of work");
    assert!(work <= decode_work_bound(bytes.len()));

    // The same as Map keys, each mapped to a null of its own.
    let mut records = vec![Record::Map {
        entries: (1..=600).map(|k| (id(k), id(600 + k))).collect(),
    }];
    records.extend(long_strings(600, 2000));
    records.extend((0..600).map(|_| Record::Primitive(Primitive::Null)));
    let bytes = encode(&graph(0, records)).expect("well formed");
    let (decoded, work) = decode_with_work(&bytes);
    assert!(decoded.is_ok());
    // The Strings and the nulls hashed once, each null compared once with
    // the first (they are equal), each key looked up once.
    assert!(work <= 600 * 2000 + 3 * 600, "{work}");
}

#[test]
fn the_issue_s_shape_is_refused_with_linear_work() {
    // Issue 10: two long Strings named by 200,000 Sets (2.4 MB) made the
    // duplicate check compare them once per Set. No serialization names a
    // primitive record twice, so that is refused, after one pass.
    let sets = 200_000;
    let mut records = vec![Record::Array {
        length: sets,
        elements: Vec::new(),
        properties: (0..sets).map(|s| (js(&s.to_string()), slot(s + 3))).collect(),
    }];
    records.extend(long_strings(2, 600_000));
    records.extend((0..sets).map(|_| Record::Set { entries: ids(2) }));
    let bytes = write::write(&graph(0, records));
    assert!(bytes.len() > 2_400_000);
    let (decoded, work) = decode_with_work(&bytes);
    let message = decoded.expect_err("refused").to_string();
    assert!(
        message.starts_with(&format!("record {} (Set)", 4))
            && message.contains("it names record 1, a primitive already named"),
        "{message}"
    );
    assert!(work <= decode_work_bound(bytes.len()), "{work}");
}

#[test]
fn a_duplicate_among_long_members_is_found_with_linear_work() {
    // 1,000 long Strings, the last two equal.
    let mut strings = long_strings(1000, 1000);
    strings[999] = strings[998].clone();
    let bytes = write::write(&graph(
        0,
        [vec![Record::Set { entries: ids(1000) }], strings].concat(),
    ));
    let (decoded, work) = decode_with_work(&bytes);
    let message = decoded.expect_err("a duplicate").to_string();
    assert!(
        message.ends_with("Set entries 998 and 999 are the same value (by SameValueZero)"),
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
            (JsString::from_code_units(key), slot(0))
        })
        .collect();
    let bytes = encode(&graph(0, vec![Record::Object { properties }])).expect("well formed");
    let (decoded, work) = decode_with_work(&bytes);
    assert!(decoded.is_ok());
    assert!(work <= 2000 * 1000 + 16, "{work}");
}
