//! Serialized records: the realm-independent form StructuredSerializeInternal
//! produces, as plain Rust data.
//!
//! The standard's records may point at each other and form cycles (an object
//! that contains itself serializes to a record that contains itself). Here
//! the records of one serialization live in an arena, [`Serialized`], and
//! point at each other by [`RecordId`]; the arena's root is the value's record.

mod packed;

use crate::ecmascript::{AgentClusterId, BigInt, ErrorPrototype, JsString, SharedDataBlock, ViewKind};
use serde::{Deserialize, Serialize};

#[cfg(all(test, not(feature = "trace")))]
pub(crate) use packed::MAX_UNITS;
pub(crate) use packed::Packed;
#[cfg(not(feature = "trace"))]
pub(crate) use packed::Packing;

/// Index of a record within its [`Serialized`] arena.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RecordId(pub u32);

impl RecordId {
    /// The arena index.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A primitive value inside a `{ [[Type]]: "primitive" }` record.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Primitive {
    /// undefined
    Undefined,
    /// null
    Null,
    /// A Boolean.
    Boolean(bool),
    /// A Number; -0 and NaN are kept (NaN's payload is not: any NaN is NaN).
    Number(f64),
    /// A BigInt.
    BigInt(BigInt),
    /// A String.
    String(JsString),
}

/// A property's [[Value]] inside an Array or Object record: either the
/// value's record in the arena, or, for a primitive, the primitive record
/// kept in place. A primitive's record holds nothing but the primitive and
/// is named once only (serialization gives every occurrence its own), so
/// keeping it inside the property loses nothing and saves an arena entry
/// and an id per primitive property (a 1M-number Array is one record).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Slot {
    /// `{ [[Type]]: "primitive", [[Value]] }`, in place.
    Primitive(Primitive),
    /// Any other record, by id.
    Record(RecordId),
}

impl Slot {
    /// The record id, when the value is not a primitive kept in place.
    pub fn id(&self) -> Option<RecordId> {
        match self {
            Slot::Record(id) => Some(*id),
            Slot::Primitive(_) => None,
        }
    }
}

/// One serialized record. Each variant is one value of [[Type]] in the
/// standard; its fields are that record's fields.
///
/// <https://html.spec.whatwg.org/multipage/structured-data.html#structuredserializeinternal>
#[derive(Clone, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Record {
    /// `"primitive"`, with [[Value]].
    Primitive(Primitive),
    /// `"Boolean"`, with [[BooleanData]].
    Boolean(bool),
    /// `"Number"`, with [[NumberData]].
    Number(f64),
    /// `"BigInt"`, with [[BigIntData]].
    BigInt(BigInt),
    /// `"String"`, with [[StringData]].
    String(JsString),
    /// `"Date"`, with [[DateValue]].
    Date(f64),
    /// `"RegExp"`: [[OriginalSource]] and [[OriginalFlags]]. The
    /// [[RegExpMatcher]] is a function of these two, so it is rebuilt from
    /// them rather than carried.
    RegExp {
        /// [[OriginalSource]]
        source: JsString,
        /// [[OriginalFlags]]
        flags: JsString,
    },
    /// `"SharedArrayBuffer"` (fixed length).
    SharedArrayBuffer {
        /// [[ArrayBufferData]]: the shared block itself, not a copy.
        data: SharedDataBlock,
        /// [[ArrayBufferByteLength]]
        byte_length: usize,
        /// [[AgentCluster]]
        agent_cluster: AgentClusterId,
    },
    /// `"GrowableSharedArrayBuffer"`.
    GrowableSharedArrayBuffer {
        /// [[ArrayBufferData]] and [[ArrayBufferByteLengthData]] (the block
        /// and its current length travel together).
        data: SharedDataBlock,
        /// [[ArrayBufferMaxByteLength]]
        max_byte_length: usize,
        /// [[AgentCluster]]
        agent_cluster: AgentClusterId,
    },
    /// `"ArrayBuffer"`: [[ArrayBufferData]] (a copy); [[ArrayBufferByteLength]]
    /// is its length.
    ArrayBuffer {
        /// [[ArrayBufferData]]
        data: Vec<u8>,
    },
    /// `"ResizableArrayBuffer"`.
    ResizableArrayBuffer {
        /// [[ArrayBufferData]]; [[ArrayBufferByteLength]] is its length.
        data: Vec<u8>,
        /// [[ArrayBufferMaxByteLength]]
        max_byte_length: usize,
    },
    /// `"ArrayBufferView"`.
    ArrayBufferView {
        /// [[Constructor]]
        constructor: ViewKind,
        /// [[ArrayBufferSerialized]]
        buffer: RecordId,
        /// [[ByteLength]] (`None` is `auto`)
        byte_length: Option<usize>,
        /// [[ByteOffset]]
        byte_offset: usize,
        /// [[ArrayLength]] of a typed array (`None` is `auto`, or a DataView).
        array_length: Option<usize>,
    },
    /// `"Map"`, with [[MapData]].
    Map {
        /// [[MapData]]: { [[Key]], [[Value]] } records.
        entries: Vec<(RecordId, RecordId)>,
    },
    /// `"Set"`, with [[SetData]].
    Set {
        /// [[SetData]]
        entries: Vec<RecordId>,
    },
    /// `"Error"`.
    Error {
        /// [[Name]]
        name: ErrorPrototype,
        /// [[Message]] (`None` is undefined)
        message: Option<JsString>,
        /// [[Stack]]
        stack: Option<JsString>,
    },
    /// `"Array"`.
    Array {
        /// [[Length]]
        length: u32,
        /// The first entries of [[Properties]] when their keys are `"0"`,
        /// `"1"`, … in order, kept without the keys (an Array's elements:
        /// most of its properties, and the keys would double their size).
        elements: Vec<Slot>,
        /// [[Properties]] after `elements`: { [[Key]], [[Value]] } records.
        properties: Vec<(JsString, Slot)>,
    },
    /// `"Object"`.
    Object {
        /// [[Properties]]: { [[Key]], [[Value]] } records.
        properties: Vec<(JsString, Slot)>,
    },
    /// A serializable platform object: [[Type]] is its primary interface's
    /// identifier; the other fields are whatever its serialization steps set.
    Platform {
        /// [[Type]]: the interface identifier.
        interface: String,
        /// Fields set by the serialization steps, each a sub-serialization.
        fields: Vec<(String, RecordId)>,
    },
    /// The record StructuredSerializeWithTransfer puts in *memory* for an
    /// entry of the transfer list (step 2.4): it stands for the data holder
    /// at this index of [[TransferDataHolders]].
    Transferred {
        /// Index into the transfer data holders.
        holder: usize,
    },
}

/// The records of one serialization, with the root value's record.
///
/// The fields are private so that the arena's layout can change with the
/// performance work; read it through [`records`](Serialized::records) and
/// [`root`](Serialized::root), build one with [`new`](Serialized::new) and
/// take it apart with [`into_parts`](Serialized::into_parts).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Serialized {
    /// Every record; they refer to each other by index.
    pub(crate) records: Arena,
    /// The serialized value.
    pub(crate) root: RecordId,
}

/// The arena of a [`Serialized`]: a lone record kept in place, a lone
/// small Object record packed, or a list.
///
/// Most messages are one record (a primitive, or an object whose
/// properties are primitives kept in their slots). Held in place, such a
/// serialization owns no arena allocation: the serializer's list is freed
/// on the thread that made it, and a message crossing threads no longer
/// frees on the receiver's thread what the sender's allocated (which made
/// the two threads contend for one allocator arena's lock: 12.5% of a
/// stream of Number messages was that lock).
#[derive(Clone, Debug)]
pub(crate) enum Arena {
    /// One record.
    Lone([Record; 1]),
    /// Any number of records.
    Many(Vec<Record>),
    /// One small Object record of primitives, packed (see [`Packed`]); read
    /// as a list, it is that record. Made only without the `trace` feature.
    #[cfg_attr(feature = "trace", allow(dead_code))]
    Packed(Packed),
}

impl Arena {
    /// The records as a list (a lone record is moved into a new one).
    fn into_vec(self) -> Vec<Record> {
        match self {
            Arena::Lone(record) => Vec::from(record),
            Arena::Many(records) => records,
            Arena::Packed(packed) => vec![packed.into_record()],
        }
    }

    /// How many records the arena has room for without growing.
    #[cfg(test)]
    pub(crate) fn capacity(&self) -> usize {
        match self {
            Arena::Lone(_) | Arena::Packed(_) => 1,
            Arena::Many(records) => records.capacity(),
        }
    }
}

impl From<Vec<Record>> for Arena {
    fn from(mut records: Vec<Record>) -> Self {
        match records.pop() {
            Some(record) if records.is_empty() => Arena::Lone([record]),
            Some(record) => {
                records.push(record);
                Arena::Many(records)
            }
            None => Arena::Many(records),
        }
    }
}

impl std::ops::Deref for Arena {
    type Target = [Record];

    fn deref(&self) -> &[Record] {
        match self {
            Arena::Lone(record) => record,
            Arena::Many(records) => records,
            Arena::Packed(packed) => packed.record(),
        }
    }
}

impl std::ops::DerefMut for Arena {
    fn deref_mut(&mut self) -> &mut [Record] {
        if let Arena::Packed(packed) = self {
            let record = std::mem::replace(packed, Packed::empty()).into_record();
            *self = Arena::Lone([record]);
        }
        match self {
            Arena::Lone(record) => record,
            Arena::Many(records) => records,
            // Never: turned into a lone record above.
            Arena::Packed(_) => &mut [],
        }
    }
}

impl<'a> IntoIterator for &'a Arena {
    type Item = &'a Record;
    type IntoIter = std::slice::Iter<'a, Record>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl Extend<Record> for Arena {
    fn extend<I: IntoIterator<Item = Record>>(&mut self, iter: I) {
        let mut records = std::mem::replace(self, Arena::Many(Vec::new())).into_vec();
        records.extend(iter);
        *self = Arena::Many(records);
    }
}

/// Written and read as the list of records it is.
impl Serialize for Arena {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        <[Record]>::serialize(self, serializer)
    }
}

impl<'de> Deserialize<'de> for Arena {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::<Record>::deserialize(deserializer).map(Arena::from)
    }
}

impl Serialized {
    /// The records `records`, of which `root` is the serialized value's.
    ///
    /// Nothing is checked here: ids out of range are found by whoever reads
    /// the records ([`structured_deserialize`](crate::structured::structured_deserialize)
    /// fails with a DataCloneError, [`encode`](crate::structured::encode) refuses).
    ///
    /// ```
    /// use webmessaging::structured::{Primitive, Record, RecordId, Serialized};
    ///
    /// let serialized = Serialized::new(vec![Record::Primitive(Primitive::Number(1.0))], RecordId(0));
    /// assert_eq!(serialized.root(), RecordId(0));
    /// assert_eq!(serialized.records().len(), 1);
    /// let (records, root) = serialized.into_parts();
    /// assert_eq!((records.len(), root), (1, RecordId(0)));
    /// ```
    pub fn new(records: Vec<Record>, root: RecordId) -> Self {
        Serialized {
            records: Arena::from(records),
            root,
        }
    }

    /// Every record, in arena order: a [`RecordId`] is an index into it.
    pub fn records(&self) -> &[Record] {
        &self.records
    }

    /// The serialized value's record.
    pub fn root(&self) -> RecordId {
        self.root
    }

    /// The records and the root, by value.
    pub fn into_parts(self) -> (Vec<Record>, RecordId) {
        (self.records.into_vec(), self.root)
    }

    /// The record behind an id, if the id is in range.
    pub fn get(&self, id: RecordId) -> Option<&Record> {
        self.records.get(id.index())
    }

    /// The records that `record` refers to, in field order.
    pub fn children(record: &Record) -> Vec<RecordId> {
        match record {
            Record::ArrayBufferView { buffer, .. } => vec![*buffer],
            Record::Map { entries } => entries.iter().flat_map(|(k, v)| [*k, *v]).collect(),
            Record::Set { entries } => entries.clone(),
            Record::Array { .. } | Record::Object { .. } => {
                record.property_values().filter_map(Slot::id).collect()
            }
            Record::Platform { fields, .. } => fields.iter().map(|(_, v)| *v).collect(),
            _ => Vec::new(),
        }
    }
}

impl Record {
    /// The [[Value]]s of an Array's or Object's [[Properties]], in order
    /// (an Array's elements first); none for other records.
    pub fn property_values(&self) -> impl Iterator<Item = &Slot> {
        let (elements, properties): (&[Slot], &[(JsString, Slot)]) = match self {
            Record::Array {
                elements, properties, ..
            } => (elements, properties),
            Record::Object { properties } => (&[], properties),
            _ => (&[], &[]),
        };
        elements.iter().chain(properties.iter().map(|(_, v)| v))
    }
}

#[cfg(test)]
mod tests {
    use super::{Arena, Primitive, Record, RecordId, Serialized, Slot};

    fn number(n: f64) -> Record {
        Record::Primitive(Primitive::Number(n))
    }

    #[test]
    fn a_lone_record_is_kept_in_place_and_comes_back_as_a_list() {
        let serialized = Serialized::new(vec![number(1.0)], RecordId(0));
        assert!(matches!(serialized.records, Arena::Lone(_)));
        assert_eq!(serialized.records().len(), 1);
        assert!(
            matches!(serialized.get(RecordId(0)), Some(Record::Primitive(Primitive::Number(n))) if *n == 1.0)
        );
        assert!(serialized.get(RecordId(1)).is_none());
        let (records, root) = serialized.into_parts();
        assert_eq!((records.len(), root), (1, RecordId(0)));
    }

    #[test]
    fn several_records_and_none_stay_a_list_in_order() {
        let object = Record::Object {
            properties: vec![("a".into(), Slot::Record(RecordId(1)))],
        };
        let serialized = Serialized::new(vec![object, number(2.0)], RecordId(0));
        assert!(matches!(serialized.records, Arena::Many(_)));
        assert!(matches!(serialized.records()[1], Record::Primitive(Primitive::Number(n)) if n == 2.0));
        let empty = Serialized::new(Vec::new(), RecordId(0));
        assert!(empty.records().is_empty());
    }

    #[test]
    fn extending_a_lone_record_keeps_it_first() {
        let mut serialized = Serialized::new(vec![number(1.0)], RecordId(0));
        serialized.records.extend([number(2.0), number(3.0)]);
        let numbers: Vec<f64> = serialized
            .records()
            .iter()
            .map(|r| match r {
                Record::Primitive(Primitive::Number(n)) => *n,
                _ => f64::NAN,
            })
            .collect();
        assert_eq!(numbers, [1.0, 2.0, 3.0]);
    }
}
