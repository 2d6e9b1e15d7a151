//! Whether a record graph is well formed: the rules of the module
//! documentation that look across records or inside values. Runs after the
//! grammar has been read (and before an encoding is written), walking the
//! arena once, without recursion.

use super::distinct::{ValueClasses, Work, first_duplicate};
use crate::ecmascript::{JsString, ViewKind};
use crate::structured::record::{Primitive, Record, RecordId, Serialized, Slot};

/// The largest length ECMAScript lets a buffer have (ToIndex's limit).
const MAX_SAFE_LENGTH: u64 = (1 << 53) - 1;

/// The largest magnitude of a Date's time value (TimeClip's limit).
const MAX_TIME: f64 = 8.64e15;

/// What is wrong, and in which record (`None`: the root).
pub(super) struct Flaw {
    pub(super) record: Option<usize>,
    pub(super) message: String,
}

/// Checks every rule; the first one broken is reported. `work` counts what
/// the duplicate checks read (see `distinct.rs`).
pub(super) fn well_formed(serialized: &Serialized, work: &mut Work) -> Result<(), Flaw> {
    let records = &serialized.records;
    if records.len() as u64 > 1 << 32 {
        return Err(Flaw {
            record: None,
            message: format!(
                "there are {} records, more than the 2^32 that 32-bit ids can name",
                records.len()
            ),
        });
    }
    if serialized.root.index() >= records.len() {
        return Err(Flaw {
            record: None,
            message: format!(
                "the root refers to record {}, but there are only {} records",
                serialized.root.0,
                records.len()
            ),
        });
    }
    // Value classes are worked out once, when the first Map or Set needs them.
    let mut classes: Option<ValueClasses> = None;
    // Which records are primitives, noted as the records are checked.
    let mut naming = vec![Naming::Other; records.len()];
    for (index, record) in records.iter().enumerate() {
        check_record(records, index, record, &mut classes, work, &mut naming[index]).map_err(|message| {
            Flaw {
                record: Some(index),
                message,
            }
        })?;
    }
    primitives_named_once(serialized, naming)
}

/// Where a record stands for the rule that a primitive is named once.
#[derive(Clone, Copy)]
enum Naming {
    /// Not a primitive: named as often as the graph likes.
    Other,
    /// A primitive no one has named yet.
    Unnamed,
    /// A primitive named already.
    Named,
}

/// Serialization gives every occurrence of a primitive a record of its own,
/// so no primitive record is named twice (by the root or an id field).
/// Deserialization copies a primitive wherever it is named: a long String
/// record named by many Set entries would otherwise turn a small input into
/// a large heap, and take time to match.
fn primitives_named_once(serialized: &Serialized, mut naming: Vec<Naming>) -> Result<(), Flaw> {
    let records = &serialized.records;
    // Whether naming `id` is allowed: always for a non-primitive, the
    // first time for a primitive.
    let mut name = |id: RecordId| -> bool {
        let state = &mut naming[id.index()];
        match *state {
            Naming::Other => true,
            Naming::Unnamed => {
                *state = Naming::Named;
                true
            }
            Naming::Named => false,
        }
    };
    name(serialized.root);
    for (index, record) in records.iter().enumerate() {
        let mut twice = None;
        for_each_id(record, |id| {
            if twice.is_none() && !name(id) {
                twice = Some(id);
            }
        });
        if let Some(id) = twice {
            return Err(Flaw {
                record: Some(index),
                message: format!(
                    "it names record {}, a primitive already named (by the root or an earlier record), \
                     but serialization gives every occurrence of a primitive its own record",
                    id.0
                ),
            });
        }
    }
    Ok(())
}

/// Calls `f` with every record id inside `record`, in order.
fn for_each_id(record: &Record, mut f: impl FnMut(RecordId)) {
    match record {
        Record::ArrayBufferView { buffer, .. } => f(*buffer),
        Record::Map { entries } => entries.iter().for_each(|(k, v)| {
            f(*k);
            f(*v);
        }),
        Record::Set { entries } => entries.iter().copied().for_each(f),
        Record::Array { .. } | Record::Object { .. } => {
            record.property_values().filter_map(Slot::id).for_each(f)
        }
        Record::Platform { fields, .. } => fields.iter().for_each(|(_, v)| f(*v)),
        _ => {}
    }
}

/// The rules for one record; the error is the message without its context.
/// Notes in `naming` whether the record is a primitive.
fn check_record(
    records: &[Record],
    index: usize,
    record: &Record,
    classes: &mut Option<ValueClasses>,
    work: &mut Work,
    naming: &mut Naming,
) -> Result<(), String> {
    let n = records.len();
    match record {
        Record::Primitive(_) => *naming = Naming::Unnamed,
        Record::Date(t) => {
            let time_value = t.is_nan() || (t.fract() == 0.0 && t.abs() <= MAX_TIME && !is_negative_zero(*t));
            if !time_value {
                return Err(format!(
                    "[[DateValue]] {t:?} is not a time value (NaN, or an integral Number within \
                     ±8.64e15 that is not -0)"
                ));
            }
        }
        Record::ResizableArrayBuffer {
            data,
            max_byte_length,
        } => {
            if *max_byte_length as u64 > MAX_SAFE_LENGTH {
                return Err(format!(
                    "[[ArrayBufferMaxByteLength]] {max_byte_length} is above 2^53 - 1, the most ECMAScript allows"
                ));
            }
            if data.len() > *max_byte_length {
                return Err(format!(
                    "it holds {} bytes, more than its [[ArrayBufferMaxByteLength]] {max_byte_length}",
                    data.len()
                ));
            }
        }
        Record::ArrayBufferView {
            constructor,
            buffer,
            byte_length,
            byte_offset,
            array_length,
        } => {
            in_range(n, *buffer, || "[[ArrayBufferSerialized]]".to_owned())?;
            check_view(
                records,
                *constructor,
                *buffer,
                *byte_offset,
                *byte_length,
                *array_length,
            )?;
        }
        Record::Map { entries } => {
            for (k, (key, value)) in entries.iter().enumerate() {
                in_range(n, *key, || format!("the key of Map entry {k}"))?;
                in_range(n, *value, || format!("the value of Map entry {k}"))?;
            }
            let keys = entries.iter().map(|(key, _)| *key);
            if let Some((a, b)) = first_duplicate_member(records, index, keys, classes, work) {
                return Err(format!(
                    "Map entries {a} and {b} have the same key (by SameValueZero)"
                ));
            }
        }
        Record::Set { entries } => {
            for (k, entry) in entries.iter().enumerate() {
                in_range(n, *entry, || format!("Set entry {k}"))?;
            }
            if let Some((a, b)) =
                first_duplicate_member(records, index, entries.iter().copied(), classes, work)
            {
                return Err(format!(
                    "Set entries {a} and {b} are the same value (by SameValueZero)"
                ));
            }
        }
        Record::Array {
            length,
            elements,
            properties,
        } => {
            if elements.len() > *length as usize {
                return Err(format!(
                    "{} elements, more than the Array's [[Length]] {length}",
                    elements.len()
                ));
            }
            for (k, element) in elements.iter().enumerate() {
                if let Slot::Record(id) = element {
                    in_range(n, *id, || format!("element {k}"))?;
                }
            }
            check_properties(n, properties, work)?;
            for (k, (key, _)) in properties.iter().enumerate() {
                if let Some(index) = key
                    .as_array_index()
                    .filter(|index| (*index as usize) < elements.len())
                {
                    return Err(format!(
                        "property {k} has index {index}, which element {index} already has"
                    ));
                }
                if key.code_units() == LENGTH {
                    return Err(format!(
                        "property {k} is \"length\", which is never an enumerable own property of an Array"
                    ));
                }
                if let Some(index) = key.as_array_index().filter(|index| index >= length) {
                    return Err(format!(
                        "property {k} has index {index}, not below the Array's [[Length]] {length}"
                    ));
                }
            }
        }
        Record::Object { properties } => check_properties(n, properties, work)?,
        Record::Platform { interface, fields } => {
            if !is_webidl_identifier(interface) {
                return Err("the interface name is not a Web IDL identifier".to_owned());
            }
            for (k, (_, value)) in fields.iter().enumerate() {
                in_range(n, *value, || format!("field {k}"))?;
            }
            if let Some((a, b)) = first_duplicate(fields.len(), |i| fields[i].0.as_str(), work) {
                return Err(format!("fields {a} and {b} have the same name"));
            }
        }
        Record::Boolean(_)
        | Record::Number(_)
        | Record::BigInt(_)
        | Record::String(_)
        | Record::RegExp { .. }
        | Record::SharedArrayBuffer { .. }
        | Record::GrowableSharedArrayBuffer { .. }
        | Record::ArrayBuffer { .. }
        | Record::Error { .. }
        | Record::Transferred { .. } => {}
    }
    Ok(())
}

/// The first two of record `index`'s Map keys or Set entries that are the
/// same value. The value classes are worked out once, when a record first
/// has two members to compare.
fn first_duplicate_member(
    records: &[Record],
    index: usize,
    members: impl ExactSizeIterator<Item = RecordId> + Clone,
    classes: &mut Option<ValueClasses>,
    work: &mut Work,
) -> Option<(usize, usize)> {
    if members.len() < 2 {
        return None;
    }
    classes
        .get_or_insert_with(|| ValueClasses::new(records, work))
        .first_duplicate(index, members, work)
}

/// `id` must name one of the `n` records; `what` names the field for the message.
fn in_range(n: usize, id: RecordId, what: impl FnOnce() -> String) -> Result<(), String> {
    if id.index() < n {
        Ok(())
    } else {
        Err(format!(
            "{} refers to record {}, but there are only {n} records",
            what(),
            id.0
        ))
    }
}

/// "length" as code units.
const LENGTH: &[u16] = &[0x6C, 0x65, 0x6E, 0x67, 0x74, 0x68];

fn check_properties(n: usize, properties: &[(JsString, Slot)], work: &mut Work) -> Result<(), String> {
    for (k, (_, value)) in properties.iter().enumerate() {
        if let Slot::Record(id) = value {
            in_range(n, *id, || format!("property {k}"))?;
        }
    }
    if let Some((a, b)) = first_duplicate(properties.len(), |i| properties[i].0.code_units(), work) {
        return Err(format!("properties {a} and {b} have the same key"));
    }
    Ok(())
}

/// The view rules: buffer kind, the shape of the lengths, and bounds as
/// IsArrayBufferViewOutOfBounds would judge them.
fn check_view(
    records: &[Record],
    kind: ViewKind,
    buffer: RecordId,
    byte_offset: usize,
    byte_length: Option<usize>,
    array_length: Option<usize>,
) -> Result<(), String> {
    let buffer_record = &records[buffer.index()];
    // The buffer's byte length, when the records know it.
    let buffer_len = match buffer_record {
        Record::ArrayBuffer { data } | Record::ResizableArrayBuffer { data, .. } => Some(data.len()),
        // The transferred buffer's bytes travel in the transfer data holder.
        Record::Transferred { .. } => None,
        // Never encoded nor decoded (`encode` refuses shared memory first).
        Record::SharedArrayBuffer { .. } | Record::GrowableSharedArrayBuffer { .. } => None,
        other => {
            return Err(format!(
                "[[ArrayBufferSerialized]] refers to record {} ({}), which is not an ArrayBuffer, \
                 ResizableArrayBuffer or Transferred record",
                buffer.0,
                super::tag::kind_name(other)
            ));
        }
    };

    let size = kind.element_size();
    if kind == ViewKind::DataView {
        if let Some(n) = array_length {
            return Err(format!(
                "a DataView has no [[ArrayLength]], but one of {n} is given"
            ));
        }
    } else {
        match (byte_length, array_length) {
            (None, None) => {}
            (Some(bytes), Some(elements)) => {
                if elements.checked_mul(size) != Some(bytes) {
                    return Err(format!(
                        "[[ByteLength]] {bytes} is not [[ArrayLength]] {elements} × {size} (the {kind} \
                         element size)"
                    ));
                }
            }
            _ => {
                return Err(
                    "[[ByteLength]] and [[ArrayLength]] must both be auto or both be given".to_owned(),
                );
            }
        }
        if !byte_offset.is_multiple_of(size) {
            return Err(format!(
                "[[ByteOffset]] {byte_offset} is not a multiple of {size} (the {kind} element size)"
            ));
        }
    }

    if let Some(len) = buffer_len {
        if byte_offset > len {
            return Err(format!(
                "[[ByteOffset]] {byte_offset} is past the end of the {len}-byte buffer (record {})",
                buffer.0
            ));
        }
        if let Some(bytes) = byte_length
            && byte_offset.checked_add(bytes).is_none_or(|end| end > len)
        {
            return Err(format!(
                "the view's {bytes} bytes from [[ByteOffset]] {byte_offset} run past the end of \
                 the {len}-byte buffer (record {})",
                buffer.0
            ));
        }
    }
    Ok(())
}

/// What decides whether two Map keys or Set entries are the same: SameValueZero
/// for primitives, identity for everything else.
#[derive(PartialEq, Eq, Hash)]
pub(super) enum Identity<'a> {
    Undefined,
    Null,
    Boolean(bool),
    /// The bits, with -0 folded into +0 and every NaN into one.
    Number(u64),
    BigInt(&'a str),
    String(&'a [u16]),
    /// A transferred value is the same value wherever its holder is named.
    Transferred(usize),
    Object(u32),
}

/// `id` must be in range.
pub(super) fn identity(records: &[Record], id: RecordId) -> Identity<'_> {
    match &records[id.index()] {
        Record::Primitive(p) => match p {
            Primitive::Undefined => Identity::Undefined,
            Primitive::Null => Identity::Null,
            Primitive::Boolean(b) => Identity::Boolean(*b),
            Primitive::Number(n) if n.is_nan() => Identity::Number(f64::NAN.to_bits()),
            Primitive::Number(n) if *n == 0.0 => Identity::Number(0.0f64.to_bits()),
            Primitive::Number(n) => Identity::Number(n.to_bits()),
            Primitive::BigInt(b) => Identity::BigInt(b.as_decimal()),
            Primitive::String(s) => Identity::String(s.code_units()),
        },
        Record::Transferred { holder } => Identity::Transferred(*holder),
        _ => Identity::Object(id.0),
    }
}

fn is_negative_zero(x: f64) -> bool {
    x == 0.0 && x.is_sign_negative()
}

/// Web IDL's `identifier` token: `[_-]?[A-Za-z][0-9A-Z_a-z-]*`.
///
/// <https://webidl.spec.whatwg.org/#prod-identifier>
pub(crate) fn is_webidl_identifier(name: &str) -> bool {
    let rest = name.strip_prefix(['_', '-']).unwrap_or(name);
    let mut chars = rest.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}
