//! The records one run of StructuredDeserialize reads: borrowed from its
//! caller, or owned and consumed as the run goes.

use super::Next;
use crate::ecmascript::JsString;
use crate::structured::{Primitive, Record, RecordId, Slot};

/// The records a run reads: borrowed from the caller, or owned by the run
/// (StructuredDeserializeWithTransfer, and so `structuredClone`, consumes
/// its serialization).
pub(super) enum Records<'r> {
    Borrowed(&'r [Record]),
    Owned(Vec<Record>),
}

/// One record while its steps run: borrowed, or moved out of owned
/// records. An owned record is dropped, and what it holds freed, once its
/// value is an object and its contents are done (issue 11: the records of
/// a large clone no longer all stay alive to the end); a frame of the work
/// stack filling in its contents finds it back in the records by id, and
/// [`Records::release`] frees it when the frame ends. That is safe
/// because step 23 put the object in *memory* first: every later reference
/// to the record ends at step 2 and never reads the record again. A record
/// whose value is not an object (a primitive record, which *memory* does
/// not keep) goes back into the arena, as it may be read again.
pub(super) enum Held<'r> {
    Borrowed(&'r Record),
    Owned(Record),
}

impl std::ops::Deref for Held<'_> {
    type Target = Record;

    fn deref(&self) -> &Record {
        match self {
            Held::Borrowed(record) => record,
            Held::Owned(record) => record,
        }
    }
}

impl Held<'_> {
    /// An ArrayBuffer record's bytes: moved out of an owned record, copied
    /// from a borrowed one.
    pub(super) fn buffer_bytes(&mut self) -> Option<Vec<u8>> {
        match self {
            Held::Owned(Record::ArrayBuffer { data } | Record::ResizableArrayBuffer { data, .. }) => {
                Some(std::mem::take(data))
            }
            Held::Borrowed(Record::ArrayBuffer { data } | Record::ResizableArrayBuffer { data, .. }) => {
                Some(data.to_vec())
            }
            _ => None,
        }
    }
}

/// An Array record's elements and keyed properties, or an Object record's
/// properties; nothing for other records.
pub(super) fn property_slots(record: &Record) -> (&[Slot], &[(JsString, Slot)]) {
    match record {
        Record::Array {
            elements, properties, ..
        } => (elements, properties),
        Record::Object { properties } => (&[], properties),
        _ => (&[], &[]),
    }
}

impl Records<'_> {
    pub(super) fn len(&self) -> usize {
        match self {
            Records::Borrowed(records) => records.len(),
            Records::Owned(records) => records.len(),
        }
    }

    pub(super) fn get(&self, id: RecordId) -> Option<&Record> {
        match self {
            Records::Borrowed(records) => records.get(id.index()),
            Records::Owned(records) => records.get(id.index()),
        }
    }
}

impl<'r> Records<'r> {
    /// Record `id` (in range) for its steps; an owned one leaves a
    /// placeholder behind (see [`Held`]).
    pub(super) fn take(&mut self, id: RecordId) -> Held<'r> {
        match self {
            Records::Borrowed(records) => Held::Borrowed(&records[id.index()]),
            Records::Owned(records) => Held::Owned(std::mem::replace(
                &mut records[id.index()],
                Record::Primitive(Primitive::Undefined),
            )),
        }
    }

    /// Puts back a record taken for its steps: one whose value is not an
    /// object (see [`Held`]), or one whose contents a frame of the work
    /// stack is about to fill in (it reads them here, by id).
    pub(super) fn put_back(&mut self, id: RecordId, held: Held<'r>) {
        if let (Records::Owned(records), Held::Owned(record)) = (self, held) {
            records[id.index()] = record;
        }
    }

    /// The frame that filled in record `id`'s contents has ended: an owned
    /// record is done with (see [`Held`]), and what it holds is freed.
    pub(super) fn release(&mut self, id: RecordId) {
        if let Records::Owned(records) = self
            && let Some(record) = records.get_mut(id.index())
        {
            *record = Record::Primitive(Primitive::Undefined);
        }
    }

    /// The [[Value]] of property `at` of Array or Object record `id`
    /// (elements first), or `None` past the last. A primitive kept in place
    /// moves out of an owned record (each property is read once) and is
    /// copied from a borrowed one.
    pub(super) fn property_value(&mut self, id: RecordId, at: usize) -> Option<Next> {
        let slot = match self {
            Records::Borrowed(records) => {
                let (elements, properties) = property_slots(records.get(id.index())?);
                return match at.checked_sub(elements.len()) {
                    None => elements.get(at),
                    Some(at) => properties.get(at).map(|(_, slot)| slot),
                }
                .map(|slot| match slot {
                    Slot::Record(id) => Next::Record(*id),
                    Slot::Primitive(primitive) => Next::Primitive(primitive.clone()),
                });
            }
            Records::Owned(records) => match records.get_mut(id.index())? {
                Record::Array {
                    elements, properties, ..
                } => match at.checked_sub(elements.len()) {
                    None => elements.get_mut(at),
                    Some(at) => properties.get_mut(at).map(|(_, slot)| slot),
                },
                Record::Object { properties } => properties.get_mut(at).map(|(_, slot)| slot),
                _ => None,
            },
        }?;
        Some(match slot {
            Slot::Record(id) => Next::Record(*id),
            Slot::Primitive(primitive) => Next::Primitive(std::mem::replace(primitive, Primitive::Undefined)),
        })
    }
}
