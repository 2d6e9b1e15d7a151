//! Tests of the encoding: round trips, one rejection per rule, and a
//! deterministic garbage loop. Shared helpers live here.

mod garbage;
mod hostile;
mod refuse_grammar;
mod refuse_graph;
mod roundtrip;

use super::{DecodeError, EncodeError, decode, encode, write};
use crate::ecmascript::{BigInt, ErrorPrototype, JsString, ViewKind};
use crate::structured::record::{Primitive, Record, RecordId, Serialized, Slot};

/// Graph equality with Numbers compared by their bits (so -0 ≠ +0 and a NaN
/// equals only the same NaN), which is what a byte round trip must keep.
pub(super) fn same(a: &Serialized, b: &Serialized) -> bool {
    a.root == b.root
        && a.records.len() == b.records.len()
        && a.records.iter().zip(&b.records).all(|(x, y)| same_record(x, y))
}

fn same_primitive(a: &Primitive, b: &Primitive) -> bool {
    match (a, b) {
        (Primitive::Undefined, Primitive::Undefined) | (Primitive::Null, Primitive::Null) => true,
        (Primitive::Boolean(x), Primitive::Boolean(y)) => x == y,
        (Primitive::Number(x), Primitive::Number(y)) => x.to_bits() == y.to_bits(),
        (Primitive::BigInt(x), Primitive::BigInt(y)) => x == y,
        (Primitive::String(x), Primitive::String(y)) => x == y,
        _ => false,
    }
}

fn same_slot(a: &Slot, b: &Slot) -> bool {
    match (a, b) {
        (Slot::Record(x), Slot::Record(y)) => x == y,
        (Slot::Primitive(x), Slot::Primitive(y)) => same_primitive(x, y),
        _ => false,
    }
}

fn same_properties(a: &[(JsString, Slot)], b: &[(JsString, Slot)]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|((k1, v1), (k2, v2))| k1 == k2 && same_slot(v1, v2))
}

fn same_record(a: &Record, b: &Record) -> bool {
    use Record as R;
    match (a, b) {
        (R::Primitive(x), R::Primitive(y)) => same_primitive(x, y),
        (R::Boolean(x), R::Boolean(y)) => x == y,
        (R::Number(x), R::Number(y)) | (R::Date(x), R::Date(y)) => x.to_bits() == y.to_bits(),
        (R::BigInt(x), R::BigInt(y)) => x == y,
        (R::String(x), R::String(y)) => x == y,
        (
            R::RegExp {
                source: s1,
                flags: f1,
            },
            R::RegExp {
                source: s2,
                flags: f2,
            },
        ) => s1 == s2 && f1 == f2,
        (R::ArrayBuffer { data: x }, R::ArrayBuffer { data: y }) => x == y,
        (
            R::ResizableArrayBuffer {
                data: d1,
                max_byte_length: m1,
            },
            R::ResizableArrayBuffer {
                data: d2,
                max_byte_length: m2,
            },
        ) => d1 == d2 && m1 == m2,
        (
            R::ArrayBufferView {
                constructor: c1,
                buffer: b1,
                byte_length: l1,
                byte_offset: o1,
                array_length: a1,
            },
            R::ArrayBufferView {
                constructor: c2,
                buffer: b2,
                byte_length: l2,
                byte_offset: o2,
                array_length: a2,
            },
        ) => c1 == c2 && b1 == b2 && l1 == l2 && o1 == o2 && a1 == a2,
        (R::Map { entries: x }, R::Map { entries: y }) => x == y,
        (R::Set { entries: x }, R::Set { entries: y }) => x == y,
        (
            R::Error {
                name: n1,
                message: m1,
                stack: s1,
            },
            R::Error {
                name: n2,
                message: m2,
                stack: s2,
            },
        ) => n1 == n2 && m1 == m2 && s1 == s2,
        (
            R::Array {
                length: l1,
                elements: e1,
                properties: p1,
            },
            R::Array {
                length: l2,
                elements: e2,
                properties: p2,
            },
        ) => {
            l1 == l2
                && e1.len() == e2.len()
                && e1.iter().zip(e2).all(|(x, y)| same_slot(x, y))
                && same_properties(p1, p2)
        }
        (R::Object { properties: x }, R::Object { properties: y }) => same_properties(x, y),
        (
            R::Platform {
                interface: i1,
                fields: f1,
            },
            R::Platform {
                interface: i2,
                fields: f2,
            },
        ) => i1 == i2 && f1 == f2,
        (R::Transferred { holder: x }, R::Transferred { holder: y }) => x == y,
        _ => false,
    }
}

/// Encodes, decodes, and checks that the graph came back unchanged and that
/// its bytes are canonical. Returns the bytes. The graph's primitives get a
/// record each first ([`own_primitives`]), as serialization gives them.
pub(super) fn round_trip(graph: &Serialized) -> Vec<u8> {
    let graph = &own_primitives(graph.clone());
    let bytes = encode(graph).unwrap_or_else(|e| panic!("encode failed: {e}\n{graph:#?}"));
    let back = decode(&bytes).unwrap_or_else(|e| panic!("decode failed: {e}\n{graph:#?}"));
    assert!(
        same(graph, &back),
        "round trip changed the graph:\n{graph:#?}\n{back:#?}"
    );
    assert_eq!(
        encode(&back).expect("re-encode"),
        bytes,
        "encoding is not canonical"
    );
    bytes
}

pub(super) fn js(s: &str) -> JsString {
    JsString::from(s)
}

pub(super) fn id(n: u32) -> RecordId {
    RecordId(n)
}

/// A property value naming record `n`.
pub(super) fn slot(n: u32) -> Slot {
    Slot::Record(RecordId(n))
}

pub(super) fn graph(root: u32, records: Vec<Record>) -> Serialized {
    Serialized::new(records, RecordId(root))
}

/// The same graph with a record of its own for every occurrence of a
/// primitive, as serialization makes them: a primitive record named a
/// second time is copied to the end and the name redirected there.
pub(super) fn own_primitives(mut graph: Serialized) -> Serialized {
    let mut named = vec![false; graph.records.len()];
    let mut copies = Vec::new();
    let n = graph.records.len();
    let mut rename = |id: &mut RecordId, records: &[Record]| {
        if let Some(Record::Primitive(p)) = records.get(id.index())
            && std::mem::replace(&mut named[id.index()], true)
        {
            copies.push(Record::Primitive(p.clone()));
            *id = RecordId((n + copies.len() - 1) as u32);
        }
    };
    let (root, records) = (&mut graph.root, &mut graph.records);
    rename(root, records);
    for i in 0..records.len() {
        let mut record = records[i].clone();
        match &mut record {
            Record::Map { entries } => entries.iter_mut().for_each(|(k, v)| {
                rename(k, records);
                rename(v, records);
            }),
            Record::Set { entries } => entries.iter_mut().for_each(|e| rename(e, records)),
            Record::Array {
                elements, properties, ..
            } => elements
                .iter_mut()
                .chain(properties.iter_mut().map(|(_, v)| v))
                .for_each(|v| {
                    if let Slot::Record(v) = v {
                        rename(v, records)
                    }
                }),
            Record::Object { properties } => properties.iter_mut().for_each(|(_, v)| {
                if let Slot::Record(v) = v {
                    rename(v, records)
                }
            }),
            Record::Platform { fields, .. } => fields.iter_mut().for_each(|(_, v)| rename(v, records)),
            _ => {}
        }
        records[i] = record;
    }
    graph.records.extend(copies);
    graph
}

/// One record of every kind the format holds, in one graph with a cycle
/// through the root.
pub(super) fn every_kind() -> Serialized {
    own_primitives(graph(
        0,
        vec![
            // 0: the root object refers to everything, itself included.
            Record::Object {
                properties: (0..=22).map(|i| (js(&format!("p{i}")), slot(i))).collect(),
            },
            Record::Primitive(Primitive::Undefined),
            Record::Primitive(Primitive::Null),
            Record::Primitive(Primitive::Boolean(true)),
            Record::Primitive(Primitive::Number(-0.0)),
            Record::Primitive(Primitive::BigInt(
                BigInt::parse("-123456789012345678901234567890").unwrap(),
            )),
            Record::Primitive(Primitive::String(JsString::from_code_units(vec![
                0xD800, 0x61, 0xDFFF,
            ]))),
            Record::Boolean(false),
            Record::Number(f64::NAN),
            Record::BigInt(BigInt::from(0)),
            Record::String(js("wrapped")),
            Record::Date(1_700_000_000_000.0),
            Record::RegExp {
                source: js("a+b"),
                flags: js("gu"),
            },
            Record::ArrayBuffer {
                data: vec![1, 2, 3, 4, 5, 6, 7, 8],
            },
            Record::ResizableArrayBuffer {
                data: vec![9; 4],
                max_byte_length: 16,
            },
            // 15: a typed array over 13, a DataView over 14 (length-tracking).
            Record::ArrayBufferView {
                constructor: ViewKind::Int16Array,
                buffer: id(13),
                byte_length: Some(4),
                byte_offset: 2,
                array_length: Some(2),
            },
            Record::ArrayBufferView {
                constructor: ViewKind::DataView,
                buffer: id(14),
                byte_length: None,
                byte_offset: 1,
                array_length: None,
            },
            Record::Map {
                entries: vec![(id(17), id(0)), (id(2), id(1))],
            },
            Record::Set {
                entries: vec![id(18), id(3), id(9)],
            },
            Record::Error {
                name: ErrorPrototype::RangeError,
                message: Some(js("out of range")),
                stack: None,
            },
            Record::Array {
                length: 5,
                elements: vec![slot(20), Slot::Primitive(Primitive::Null)],
                properties: vec![(js("4"), slot(1)), (js("x"), slot(2))],
            },
            Record::Platform {
                interface: "ImageData".to_owned(),
                fields: vec![("width".to_owned(), id(1))],
            },
            Record::Transferred { holder: 3 },
        ],
    ))
}

/// A small xorshift64 generator: deterministic, no dependency.
pub(super) struct XorShift(u64);

impl XorShift {
    pub(super) fn new(seed: u64) -> Self {
        XorShift(seed.max(1))
    }

    pub(super) fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A number below `n` (`n` > 0).
    pub(super) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub(super) fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

// ----- refusals -----

/// Decodes bytes that must be refused.
pub(super) fn refused(bytes: &[u8]) -> DecodeError {
    match decode(bytes) {
        Ok(g) => panic!("accepted {bytes:02X?} as {g:#?}"),
        Err(e) => {
            assert!(e.offset() <= bytes.len(), "offset {} past the input", e.offset());
            e
        }
    }
}

/// Asserts the exact message and offset.
pub(super) fn refused_with(bytes: &[u8], offset: usize, message: &str) {
    let e = refused(bytes);
    assert_eq!(e.to_string(), message);
    assert_eq!(e.offset(), offset, "{e}");
}

/// Writes a graph without checking it, as a careless or hostile encoder
/// would, and asserts how the decoder refuses it.
pub(super) fn ill_formed(g: Serialized, message: &str) {
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

/// Magic, the current version, one-byte count and root.
pub(super) fn header(count: u8, root: u8) -> Vec<u8> {
    let mut bytes = b"WMSR\x03".to_vec();
    bytes.extend([count, root]);
    bytes
}

pub(super) fn with(mut head: Vec<u8>, tail: &[u8]) -> Vec<u8> {
    head.extend_from_slice(tail);
    head
}

pub(super) fn undefined() -> Record {
    Record::Primitive(Primitive::Undefined)
}
