//! StructuredDeserialize: records back into values of a target realm.
//!
//! <https://html.spec.whatwg.org/multipage/structured-data.html#structureddeserialize>
//!
//! | steps | here |
//! |---|---|
//! | 1 – 4, 23, 25: *memory*, the work stack, the entry point | this file |
//! | 5 – 22: a new value for the record's [[Type]] | `deserialize/values.rs` |
//! | 24: the new object's contents (Map, Set, properties, platform object) | `deserialize/contents.rs` |
//! | the records, borrowed or consumed as the run goes | `deserialize/records.rs` |
//! | 2 – 25 at once for a lone primitive or an object of primitives (without `trace`) | `deserialize/small.rs` |

mod contents;
mod records;
#[cfg(not(feature = "trace"))]
mod small;
mod values;

use self::contents::Filling;
use self::records::Records;
use super::{CloneError, PlatformObjects, Primitive, Record, RecordId, Serialized};
use crate::ecmascript::{Realm, Value};
use crate::spec::step;

/// What a frame asks to be deserialized next: a record of the arena, or a
/// primitive record kept in place inside a property (see [`Slot`]), taken
/// out of the property (or copied, when the records are borrowed).
pub(super) enum Next {
    Record(RecordId),
    Primitive(Primitive),
}

/// One run of StructuredDeserialize: the target realm, the records, and the
/// *memory* map (indexed by record, since records are arena entries).
///
/// Deserialization steps of platform objects receive it to perform
/// sub-deserializations.
pub struct Deserializer<'r, R: Realm> {
    realm: &'r mut R,
    records: Records<'r>,
    /// The objects made so far, by record. Only objects need remembering:
    /// a primitive record read twice gives the same primitive twice.
    memory: Vec<Option<R::Object>>,
    transferred: Vec<Value<R::Object>>,
}

impl<R: Realm> std::fmt::Debug for Deserializer<'_, R> {
    /// How far the run is; the realm and the objects made stay opaque.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Deserializer")
            .field("records", &self.records.len())
            .field("made", &self.memory.iter().filter(|o| o.is_some()).count())
            .field("transferred", &self.transferred.len())
            .finish_non_exhaustive()
    }
}

impl<'r, R: Realm> Deserializer<'r, R> {
    /// Step 1: a deserializer whose *memory* starts empty (the caller supplied
    /// none).
    pub(crate) fn new(realm: &'r mut R, serialized: &'r Serialized) -> Self {
        step!("structureddeserialize/1"); // no memory given: start with an empty one
        Self::with_records(realm, Records::Borrowed(&serialized.records), Vec::new())
    }

    /// A deserializer for StructuredDeserializeWithTransfer, which supplies
    /// *memory* and owns the records: `transferred` are the values it
    /// already made for the transfer data holders, by holder index. Step 1
    /// does not run. The run consumes the records: a buffer's bytes move
    /// into the new ArrayBuffer, and each record is freed once its object
    /// is complete (see [`records::Held`]).
    pub(crate) fn with_supplied_memory(
        realm: &'r mut R,
        records: Vec<Record>,
        transferred: Vec<Value<R::Object>>,
    ) -> Self {
        Self::with_records(realm, Records::Owned(records), transferred)
    }

    fn with_records(realm: &'r mut R, records: Records<'r>, transferred: Vec<Value<R::Object>>) -> Self {
        let memory = vec![None; records.len()];
        realm.reserve_objects(records.len());
        Deserializer {
            realm,
            records,
            memory,
            transferred,
        }
    }
}

impl<'r, R: Realm> Deserializer<'r, R> {
    /// The target realm.
    pub fn realm(&mut self) -> &mut R {
        self.realm
    }

    /// A sub-deserialization: StructuredDeserialize(*subSerialized*,
    /// *targetRealm*, *memory*) within this run.
    ///
    /// <https://html.spec.whatwg.org/multipage/structured-data.html#sub-deserialization>
    ///
    /// # Errors
    ///
    /// As [`structured_deserialize`].
    pub fn sub_deserialization(
        &mut self,
        host: &mut dyn PlatformObjects<R>,
        record: RecordId,
    ) -> Result<Value<R::Object>, CloneError<R::Object>> {
        self.deserialize(host, record)
    }

    /// StructuredDeserialize(*serialized*, *targetRealm*, *memory*), steps 2
    /// onward. As in serialization, the objects whose contents are being
    /// filled in wait on an explicit work stack, each as a [`Filling`]
    /// frame, and the steps run in the order the standard's recursion runs
    /// them.
    ///
    /// <https://html.spec.whatwg.org/multipage/structured-data.html#structureddeserialize>
    pub(crate) fn deserialize(
        &mut self,
        host: &mut dyn PlatformObjects<R>,
        id: RecordId,
    ) -> Result<Value<R::Object>, CloneError<R::Object>> {
        let mut stack: Vec<Filling<R::Object>> = Vec::new();
        let mut finished = self.start(host, Next::Record(id), &mut stack)?;
        while let Some(frame) = stack.last_mut() {
            if let Some(value) = finished.take() {
                self.deliver(frame, value)?;
            }
            finished = match self.next_child(frame) {
                Some(child) => self.start(host, child, &mut stack)?,
                None => {
                    let object = Value::Object(frame.object().clone());
                    let record = frame.record();
                    stack.pop();
                    self.records.release(record);
                    Some(self.finish(object))
                }
            };
        }
        finished.ok_or_else(|| {
            CloneError::new_data_clone(
                "structureddeserialize/25",
                "deserialization ended without a value",
            )
        })
    }

    fn record(&self, id: RecordId) -> Result<&Record, CloneError<R::Object>> {
        self.records.get(id).ok_or_else(|| {
            CloneError::new_data_clone(
                "structureddeserialize/2",
                format!(
                    "malformed serialization: record {} does not exist ({} records)",
                    id.0,
                    self.records.len()
                ),
            )
        })
    }

    /// Steps 2 – 24 for a record of the arena or a primitive record kept in
    /// place (which takes the same steps, with nothing to find in *memory*):
    /// its value when nothing is left to do, or `None` when its contents
    /// wait on the work stack.
    fn start(
        &mut self,
        host: &mut dyn PlatformObjects<R>,
        next: Next,
        stack: &mut Vec<Filling<R::Object>>,
    ) -> Result<Option<Value<R::Object>>, CloneError<R::Object>> {
        let id = match next {
            Next::Record(id) => Some(id),
            Next::Primitive(_) => None,
        };
        let serialized = id.map(|id| self.record(id)).transpose()?;
        step!("structureddeserialize/2"); // made before: the same value again
        if let Some(id) = id
            && let Some(Some(object)) = self.memory.get(id.index())
        {
            return Ok(Some(Value::Object(object.clone())));
        }
        if let Some(&Record::Transferred { holder }) = serialized {
            // The record StructuredDeserializeWithTransfer put in memory for a
            // transfer data holder (its step 3.5).
            return self.transferred.get(holder).cloned().map(Some).ok_or_else(|| {
                CloneError::new_data_clone(
                    "structureddeserialize/2",
                    format!("malformed serialization: no transfer data holder {holder}"),
                )
            });
        }
        step!("structureddeserialize/3"); // deep starts false
        step!("structureddeserialize/4"); // value starts uninitialized
        let mut held = id.map(|id| self.records.take(id));
        let (value, deep) = self.shallow_value(host, next, held.as_mut())?;

        step!("structureddeserialize/23"); // remember the value before filling it
        if let (Value::Object(object), Some(id)) = (&value, id) {
            self.memory[id.index()] = Some(object.clone());
        }

        step!("structureddeserialize/24"); // deep: fill in what the record holds
        match (&value, id, held) {
            (Value::Object(object), Some(id), Some(held)) if deep => {
                if let Some(frame) = self.open_contents(host, id, held, object)? {
                    stack.push(frame);
                    return Ok(None);
                }
            }
            // An object is in memory now: its record is done with.
            (Value::Object(_), ..) => {}
            // Not an object, so not in memory: the record may be read again.
            (_, Some(id), Some(held)) => self.records.put_back(id, held),
            _ => {}
        }
        Ok(Some(self.finish(value)))
    }

    /// Steps 5 – 22: a new value for the record, and whether its contents
    /// Step 25, once the value's contents are done.
    fn finish(&mut self, value: Value<R::Object>) -> Value<R::Object> {
        step!("structureddeserialize/25");
        value
    }
}

/// StructuredDeserializeWithTransfer's step 4 once its *memory* holds the
/// transferred values: StructuredDeserialize of `serialized`, consuming its
/// records (see [`Deserializer::with_supplied_memory`]).
///
/// A message that is one primitive record (a Number, a String), or one
/// Object record whose properties hold primitives (`{a: 1, b: 'x'}`),
/// takes steps 2 to 25 with nothing to remember for later: without the
/// `trace` feature its value is made at once, without the run's setup (its
/// record list, *memory* and work stack are three allocations, as much as
/// the rest of the message's delivery; see `deserialize/small.rs`); with
/// it, the run below takes every step and marks it.
///
/// Inlined into its caller, so that a small message costs no call; the
/// full run is [`deserialize_records`].
#[inline]
pub(crate) fn deserialize_with_supplied_memory<R: Realm>(
    realm: &mut R,
    host: &mut dyn PlatformObjects<R>,
    serialized: Serialized,
    transferred: Vec<Value<R::Object>>,
) -> Result<Value<R::Object>, CloneError<R::Object>> {
    #[cfg(not(feature = "trace"))]
    let serialized = match small::lone_value(realm, serialized) {
        Ok(made) => return made,
        Err(serialized) => serialized,
    };
    deserialize_records(realm, host, serialized, transferred)
}

/// [`deserialize_with_supplied_memory`]'s full run: the records consumed
/// by a deserializer that starts with the transferred values.
fn deserialize_records<R: Realm>(
    realm: &mut R,
    host: &mut dyn PlatformObjects<R>,
    serialized: Serialized,
    transferred: Vec<Value<R::Object>>,
) -> Result<Value<R::Object>, CloneError<R::Object>> {
    let (records, root) = serialized.into_parts();
    Deserializer::with_supplied_memory(realm, records, transferred).deserialize(host, root)
}

/// Step 5: a primitive record's value.
pub(super) fn primitive_value<O>(primitive: &Primitive) -> Value<O> {
    primitive_into_value(primitive.clone())
}

/// Step 5, for a primitive record the run holds (one kept in place in a
/// property, moved or copied out of it): its value, without another copy.
pub(super) fn primitive_into_value<O>(primitive: Primitive) -> Value<O> {
    match primitive {
        Primitive::Undefined => Value::Undefined,
        Primitive::Null => Value::Null,
        Primitive::Boolean(b) => Value::Boolean(b),
        Primitive::Number(n) => Value::Number(n),
        Primitive::BigInt(b) => Value::BigInt(b),
        Primitive::String(s) => Value::String(s),
    }
}

/// StructuredDeserialize(*serialized*, *targetRealm*): a new value in the
/// target realm from a serialization.
///
/// <https://html.spec.whatwg.org/multipage/structured-data.html#structureddeserialize>
///
/// # Errors
///
/// A [`CloneError`]: a DataCloneError when a record cannot be made in this
/// realm (shared memory from another agent cluster, a platform interface not
/// exposed here), or what the realm threw (a RangeError when an ArrayBuffer
/// cannot be allocated).
pub fn structured_deserialize<R: Realm>(
    realm: &mut R,
    host: &mut dyn PlatformObjects<R>,
    serialized: &Serialized,
) -> Result<Value<R::Object>, CloneError<R::Object>> {
    let mut deserializer = Deserializer::new(realm, serialized);
    deserializer.deserialize(host, serialized.root)
}
