//! A small Object record packed into its code units (issue 11).
//!
//! The Object record of a small message such as `{a: i, b: 'x' + i}` holds
//! its keys and its Strings as shared Strings of the sending realm. Sent to
//! another thread, every one of them is then counted and later freed by
//! both threads: the receiver's reference counts land on the cache lines
//! the sender reads each time it makes the next object with the same
//! names (measured: about a quarter of the sender's time in making `{a, b}`
//! went to that line moving between the cores), and the record's property list
//! and each String value made on one thread are freed on the other.
//!
//! Packed, the record is the code units of its keys and String values and
//! the bits of its other primitives, one after another: kept in place in
//! the message when they are few (no allocation at all), else in one
//! allocation. The receiver reads them into Strings of its own (sharing its
//! own names), so nothing of the sender's is counted or freed on the
//! receiver's thread but, for a longer record, that one allocation. Only
//! small records are packed (see [`MAX_UNITS`]): a
//! long String is shared, not copied twice.
//!
//! The packed form is the same record: [`Packed::record`] gives it as a
//! [`Record::Object`], made once when someone asks for the records (the
//! binary encoding, a borrowed deserialization, `Serialized::records`).
//!
//! Only the small paths make and read packed records, and they exist only
//! without the `trace` feature; under it the form is never made.
#![cfg_attr(feature = "trace", allow(dead_code))]

use crate::ecmascript::{JsString, Value};
use crate::structured::{Primitive, Record, Slot};
use std::sync::OnceLock;

/// The most code units a packed record holds (keys, Strings and the
/// other primitives' units together): a message this small costs less to
/// copy than to share.
pub(crate) const MAX_UNITS: usize = 256;

/// What the code unit before a property's value says it is.
mod tag {
    pub(super) const UNDEFINED: u16 = 0;
    pub(super) const NULL: u16 = 1;
    pub(super) const FALSE: u16 = 2;
    pub(super) const TRUE: u16 = 3;
    /// Followed by the Number's 64 bits, low unit first.
    pub(super) const NUMBER: u16 = 4;
    /// Followed by the String's length (two units, low first) and its units.
    pub(super) const STRING: u16 = 5;
}

/// Packed records of up to this many code units are kept in place, with no
/// allocation at all (`{a: i, b: 'x' + i}` takes 21 for any `i` below a
/// million).
const IN_PLACE: usize = 24;

/// A packed record's code units: in place when they are few, else in an
/// allocation of their exact size.
#[derive(Clone, Debug)]
enum Units {
    InPlace { units: [u16; IN_PLACE], len: u8 },
    Allocated(Box<[u16]>),
}

impl Units {
    fn new(units: &[u16]) -> Self {
        match u8::try_from(units.len()) {
            Ok(len) if units.len() <= IN_PLACE => {
                let mut in_place = [0; IN_PLACE];
                in_place[..units.len()].copy_from_slice(units);
                Units::InPlace { units: in_place, len }
            }
            _ => Units::Allocated(units.into()),
        }
    }

    fn as_slice(&self) -> &[u16] {
        match self {
            // `new` keeps `len` within the array; were it not, the units
            // would read back as none.
            Units::InPlace { units, len } => units.get(..usize::from(*len)).unwrap_or(&[]),
            Units::Allocated(units) => units,
        }
    }
}

/// An Object record whose properties all hold primitives other than
/// BigInts, packed: each property is its key's length (two units, low
/// first) and code units, then its value's tag and what the tag says
/// follows.
#[derive(Debug)]
pub(crate) struct Packed {
    units: Units,
    /// How many properties `units` holds.
    count: usize,
    /// The record as a [`Record::Object`], once someone asked for it
    /// (boxed: a message carries its serialization, and it is seldom asked
    /// for).
    unpacked: OnceLock<Box<[Record; 1]>>,
}

impl Clone for Packed {
    /// The packed units only (the unpacked record is made again if asked for).
    fn clone(&self) -> Self {
        Packed {
            units: self.units.clone(),
            count: self.count,
            unpacked: OnceLock::new(),
        }
    }
}

/// A property's value as packed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum PackedValue<'a> {
    Undefined,
    Null,
    Boolean(bool),
    Number(f64),
    String(&'a [u16]),
}

impl PackedValue<'_> {
    /// The primitive this is (a String made of the units).
    pub(crate) fn to_value<O>(self) -> Value<O> {
        match self {
            PackedValue::Undefined => Value::Undefined,
            PackedValue::Null => Value::Null,
            PackedValue::Boolean(b) => Value::Boolean(b),
            PackedValue::Number(n) => Value::Number(n),
            PackedValue::String(units) => Value::String(JsString::from(units)),
        }
    }

    fn to_primitive(self) -> Primitive {
        match self {
            PackedValue::Undefined => Primitive::Undefined,
            PackedValue::Null => Primitive::Null,
            PackedValue::Boolean(b) => Primitive::Boolean(b),
            PackedValue::Number(n) => Primitive::Number(n),
            PackedValue::String(units) => Primitive::String(JsString::from(units)),
        }
    }
}

impl Packed {
    /// No properties (a placeholder).
    pub(crate) fn empty() -> Self {
        Packed {
            units: Units::new(&[]),
            count: 0,
            unpacked: OnceLock::new(),
        }
    }

    /// How many code units the property `key: value` takes packed, or
    /// `None` if the value is not a primitive that packs (a BigInt, a
    /// Symbol, an object).
    fn units_for<O>(key: &JsString, value: &Value<O>) -> Option<usize> {
        let value_units = match value {
            Value::Undefined | Value::Null | Value::Boolean(_) => 0,
            Value::Number(_) => 4,
            Value::String(s) => 2 + s.len(),
            Value::BigInt(_) | Value::Symbol(_) | Value::Object(_) => return None,
        };
        Some(2 + key.len() + 1 + value_units)
    }

    /// How many properties there are.
    pub(crate) fn len(&self) -> usize {
        self.count
    }

    /// The properties in order: each key's code units and its value.
    /// Packed units that do not read back (which [`Packed::push`] never
    /// writes) end the properties early: [`Properties::all_read`] says
    /// whether they all did.
    pub(crate) fn properties(&self) -> Properties<'_> {
        Properties {
            rest: self.units.as_slice(),
            left: self.count,
        }
    }

    /// Whether every property reads back, and nothing is left over.
    #[cfg(test)]
    fn is_whole(&self) -> bool {
        let mut properties = self.properties();
        properties.by_ref().for_each(drop);
        properties.all_read()
    }

    /// The record, as a [`Record::Object`] (made the first time).
    pub(crate) fn record(&self) -> &[Record; 1] {
        self.unpacked.get_or_init(|| Box::new([self.to_record()]))
    }

    /// The record, as a [`Record::Object`], by value.
    pub(crate) fn into_record(self) -> Record {
        match self.unpacked.into_inner().map(|record| *record) {
            Some([record]) => record,
            None => Packed::to_record_of(self.units.as_slice(), self.count),
        }
    }

    fn to_record(&self) -> Record {
        Packed::to_record_of(self.units.as_slice(), self.count)
    }

    fn to_record_of(units: &[u16], count: usize) -> Record {
        let properties = Properties {
            rest: units,
            left: count,
        }
        .map(|(key, value)| (JsString::from(key), Slot::Primitive(value.to_primitive())))
        .collect();
        Record::Object { properties }
    }
}

/// A [`Packed`] record being made, in a buffer of the largest size it may
/// have: the properties are read once, and the record then keeps its
/// units in place or in an allocation of their exact size (it is made on
/// one thread and freed on another, and a small allocation is what the
/// allocator passes between threads most cheaply).
pub(crate) struct Packing {
    units: [u16; MAX_UNITS],
    len: usize,
    count: usize,
}

impl Packing {
    /// No properties yet.
    pub(crate) fn new() -> Self {
        Packing {
            units: [0; MAX_UNITS],
            len: 0,
            count: 0,
        }
    }

    /// Appends the property `key: value`; false (and nothing appended) if
    /// the value is not a primitive that packs or the record would grow
    /// past [`MAX_UNITS`].
    pub(crate) fn push<O>(&mut self, key: &JsString, value: &Value<O>) -> bool {
        match Packed::units_for(key, value) {
            Some(units) if self.len + units <= MAX_UNITS => {}
            _ => return false,
        }
        let tag = match value {
            Value::Undefined => tag::UNDEFINED,
            Value::Null => tag::NULL,
            Value::Boolean(false) => tag::FALSE,
            Value::Boolean(true) => tag::TRUE,
            Value::Number(_) => tag::NUMBER,
            _ => tag::STRING,
        };
        self.put_length(key.len());
        self.put(key.code_units());
        self.put(&[tag]);
        match value {
            Value::Number(n) => {
                let bits = n.to_bits();
                // Each unit is 16 of the 64 bits: the casts keep them whole.
                self.put(&[0, 1, 2, 3].map(|i| (bits >> (16 * i)) as u16));
            }
            Value::String(s) => {
                self.put_length(s.len());
                self.put(s.code_units());
            }
            _ => {}
        }
        self.count += 1;
        true
    }

    /// The record made of the properties pushed.
    pub(crate) fn finish(&self) -> Packed {
        Packed {
            units: Units::new(self.units.get(..self.len).unwrap_or(&[])),
            count: self.count,
            unpacked: OnceLock::new(),
        }
    }

    /// Appends `units` ([`Packing::push`] checked there is room).
    fn put(&mut self, units: &[u16]) {
        if let Some(room) = self.units.get_mut(self.len..self.len + units.len()) {
            room.copy_from_slice(units);
            self.len += units.len();
        }
    }

    /// Appends a length as two units, low first.
    fn put_length(&mut self, length: usize) {
        // MAX_UNITS keeps every length far below 2^32: the casts keep it whole.
        self.put(&[length as u16, (length >> 16) as u16]);
    }
}

/// The properties of a [`Packed`] record, read in order.
pub(crate) struct Properties<'a> {
    rest: &'a [u16],
    left: usize,
}

impl<'a> Properties<'a> {
    /// Whether every property was read, and no unit is left over.
    pub(crate) fn all_read(&self) -> bool {
        self.left == 0 && self.rest.is_empty()
    }

    fn take(&mut self, n: usize) -> Option<&'a [u16]> {
        let taken = self.rest.get(..n)?;
        self.rest = &self.rest[n..];
        Some(taken)
    }

    fn length(&mut self) -> Option<usize> {
        let units = self.take(2)?;
        Some(usize::from(units[0]) | usize::from(units[1]) << 16)
    }
}

impl<'a> Iterator for Properties<'a> {
    type Item = (&'a [u16], PackedValue<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        if self.left == 0 {
            return None;
        }
        let key_length = self.length()?;
        let key = self.take(key_length)?;
        let value = match self.take(1)?[0] {
            tag::UNDEFINED => PackedValue::Undefined,
            tag::NULL => PackedValue::Null,
            tag::FALSE => PackedValue::Boolean(false),
            tag::TRUE => PackedValue::Boolean(true),
            tag::NUMBER => {
                let bits = self
                    .take(4)?
                    .iter()
                    .rev()
                    .fold(0u64, |bits, &unit| bits << 16 | u64::from(unit));
                PackedValue::Number(f64::from_bits(bits))
            }
            tag::STRING => {
                let length = self.length()?;
                PackedValue::String(self.take(length)?)
            }
            _ => return None,
        };
        self.left -= 1;
        Some((key, value))
    }
}

#[cfg(test)]
mod tests {
    use super::{MAX_UNITS, Packed, PackedValue, Packing};
    use crate::ecmascript::{BigInt, JsString, ObjectId, Value};
    use crate::structured::{Primitive, Record, Slot};

    fn values() -> Vec<Value<ObjectId>> {
        vec![
            Value::Undefined,
            Value::Null,
            Value::Boolean(false),
            Value::Boolean(true),
            Value::Number(-0.0),
            Value::Number(f64::NAN),
            Value::Number(f64::NEG_INFINITY),
            Value::Number(5e-324),
            Value::Number(1234.5),
            Value::from(""),
            Value::from("x12"),
            Value::from("😀"),
            Value::String(JsString::from_code_units(vec![0xD800, 0xFFFF, 0])),
        ]
    }

    #[test]
    fn every_primitive_but_a_bigint_packs_and_reads_back_the_same() {
        let mut packing = Packing::new();
        let keys: Vec<JsString> = (0..values().len())
            .map(|i| JsString::from(format!("k{i}").as_str()))
            .collect();
        for (key, value) in keys.iter().zip(values()) {
            assert!(packing.push(key, &value), "{value:?}");
        }
        assert!(!packing.push(&keys[0], &Value::<ObjectId>::BigInt(BigInt::from(1_i64))));
        let packed = packing.finish();
        assert_eq!(packed.len(), keys.len());
        assert!(
            matches!(packed.units, super::Units::Allocated(_)),
            "too long to keep in place"
        );
        assert!(packed.is_whole());
        let read: Vec<_> = packed.properties().collect();
        assert_eq!(read.len(), keys.len());
        for ((key, value), (read_key, read_value)) in keys.iter().zip(values()).zip(read) {
            assert_eq!(read_key, key.code_units());
            // Debug keeps -0 apart from 0 and shows NaN.
            assert_eq!(
                format!("{:?}", read_value.to_value::<ObjectId>()),
                format!("{value:?}")
            );
        }
        let Record::Object { properties } = &packed.record()[0] else {
            panic!("an Object record")
        };
        assert_eq!(properties.len(), keys.len());
        assert!(
            matches!(properties[4].1, Slot::Primitive(Primitive::Number(n)) if n.to_bits() == (-0.0f64).to_bits())
        );
        let again = packed.clone().into_record();
        assert_eq!(format!("{again:?}"), format!("{:?}", packed.record()[0]));
    }

    #[test]
    fn a_packed_record_stays_small() {
        // A message carries its serialization and is moved on its way: the
        // record in place is at most three words more than a lone record.
        assert!(size_of::<super::Packed>() <= size_of::<Record>() + 24);
    }

    #[test]
    fn a_record_past_the_limit_is_not_packed() {
        let mut packing = Packing::new();
        let long = Value::<ObjectId>::from("y".repeat(MAX_UNITS).as_str());
        assert!(!packing.push(&JsString::from("a"), &long));
        assert_eq!(packing.finish().len(), 0);
        let mut n = 0;
        while packing.push(&JsString::from("key"), &Value::<ObjectId>::Number(1.0)) {
            n += 1;
        }
        let packed = packing.finish();
        assert!(n > 0 && packed.len() == n && packed.units.as_slice().len() <= MAX_UNITS);
        assert!(packed.is_whole());
    }

    #[test]
    fn a_short_record_is_kept_in_place() {
        let mut packing = Packing::new();
        assert!(packing.push(&JsString::from("a"), &Value::<ObjectId>::Number(199_999.0)));
        assert!(packing.push(&JsString::from("b"), &Value::<ObjectId>::from("x199999")));
        let packed = packing.finish();
        assert!(matches!(packed.units, super::Units::InPlace { len: 21, .. }));
        let read: Vec<_> = packed
            .properties()
            .map(|(key, value)| (key.to_vec(), value))
            .collect();
        assert_eq!(
            read,
            [
                (vec![u16::from(b'a')], PackedValue::Number(199_999.0)),
                (
                    vec![u16::from(b'b')],
                    PackedValue::String(&"x199999".encode_utf16().collect::<Vec<_>>())
                ),
            ]
        );
    }

    #[test]
    fn units_that_do_not_read_back_end_the_properties() {
        let with_units = |units: &[u16]| Packed {
            units: super::Units::new(units),
            count: 1,
            unpacked: std::sync::OnceLock::new(),
        };
        let mut packing = Packing::new();
        assert!(packing.push(&JsString::from("a"), &Value::<ObjectId>::from("xyz")));
        let whole = packing.finish().units.as_slice().to_vec();
        assert!(with_units(&whole).is_whole());
        for cut in 0..whole.len() {
            assert!(!with_units(&whole[..cut]).is_whole(), "cut at {cut}");
        }
        let mut unknown = whole.clone();
        unknown[3] = 99; // an unknown tag
        assert!(!with_units(&unknown).is_whole());
        assert_eq!(with_units(&unknown).properties().next(), None);
        let mut longer = whole;
        longer.push(0);
        assert!(!with_units(&longer).is_whole(), "units left over");
        let bad_length = Packed {
            units: super::Units::InPlace {
                units: [0; super::IN_PLACE],
                len: u8::MAX,
            },
            count: 1,
            unpacked: std::sync::OnceLock::new(),
        };
        assert!(!bad_length.is_whole());
    }
}
