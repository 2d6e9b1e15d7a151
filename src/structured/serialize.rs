//! StructuredSerializeInternal and its two public entry points.
//!
//! <https://html.spec.whatwg.org/multipage/structured-data.html#structuredserializeinternal>
//!
//! | steps | here |
//! |---|---|
//! | 1 – 6, 25, 27: *memory*, primitives, the work stack, the entry points | this file |
//! | 7 – 24: what an object is by its internal slots | `serialize/slots.rs` |
//! | 26: an object's contents (Map, Set, platform object, properties) | `serialize/contents.rs` |
//! | 2 – 27 at once for a lone primitive or an object of primitives (without `trace`) | `serialize/small.rs` |

mod contents;
mod slots;
#[cfg(not(feature = "trace"))]
mod small;

use super::memory::Memory;
use super::{CloneError, PlatformObjects, Primitive, Record, RecordId, Serialized, Slot};
use crate::ecmascript::{JsString, PropertyKey, Realm, Value};
use crate::spec::step;
#[cfg(not(feature = "trace"))]
pub(super) use small::lone_record;

/// Records a run has room for before its arena first grows.
const INITIAL_RECORDS: usize = 8;

/// What remains to do for an object whose contents step 26 is serializing:
/// one frame of the explicit work stack that stands in for the standard's
/// recursion. A frame asks for its children one at a time
/// ([`Serializer::next_child`]) and takes each one's record when that child
/// is done ([`Serializer::deliver`]), so that deep graphs cost a frame of
/// heap memory a level, not a machine stack frame.
enum Contents<O> {
    /// Steps 26.1.3.x over the entries copied in 26.1.1; `key` is the record
    /// of the entry under way once its key is serialized.
    Map {
        id: RecordId,
        entries: Vec<(Value<O>, Value<O>)>,
        next: usize,
        key: Option<RecordId>,
    },
    /// Steps 26.2.3.x over the values copied in 26.2.1.
    Set {
        id: RecordId,
        entries: Vec<Value<O>>,
        next: usize,
    },
    /// Steps 26.4.x over the keys EnumerableOwnProperties gave: first the
    /// array indices 0 to `elements - 1` (an Array's leading elements, which
    /// the realm did not write out as Strings), then `keys[start..end]` of
    /// the [`WorkStack`]'s key buffer; `next_element` and `next` are the
    /// ones to look at next, `key` the one whose value is under way.
    Properties {
        id: RecordId,
        object: O,
        elements: u32,
        next_element: u32,
        start: usize,
        end: usize,
        next: usize,
        key: Option<Key>,
    },
}

/// A property key of step 26.4's list: an element's index, or a String.
enum Key {
    Element(u32),
    Named(JsString),
}

impl Key {
    fn property_key(&self) -> PropertyKey {
        PropertyKey::String(match self {
            Key::Element(index) => JsString::from(index.to_string()),
            Key::Named(name) => name.clone(),
        })
    }
}

/// The work stack of one StructuredSerializeInternal: its frames, and one
/// buffer holding the keys of every object whose properties are under way
/// (a frame's keys sit above its parent's, so a finished frame's keys are
/// the buffer's last ones: one buffer, not a list per object).
struct WorkStack<O> {
    frames: Vec<Contents<O>>,
    keys: Vec<JsString>,
}

impl<O> Contents<O> {
    fn id(&self) -> RecordId {
        match self {
            Contents::Map { id, .. } | Contents::Set { id, .. } | Contents::Properties { id, .. } => *id,
        }
    }
}

/// How steps 2 – 26 left a value: serialized already, or an object whose
/// record is in *memory* and whose contents may still be due.
enum Begun<O> {
    Done(Slot),
    Object { object: O, id: RecordId, deep: bool },
}

/// One run of StructuredSerializeInternal: the realm being read, *forStorage*,
/// the *memory* map and the records made so far.
///
/// Serialization steps of platform objects receive it to perform
/// sub-serializations.
pub struct Serializer<'r, R: Realm> {
    realm: &'r mut R,
    for_storage: bool,
    memory: Memory<R::Object>,
    records: Vec<Record>,
}

impl<R: Realm> std::fmt::Debug for Serializer<'_, R> {
    /// *forStorage* and how many records are made; the realm stays opaque.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Serializer")
            .field("for_storage", &self.for_storage)
            .field("records", &self.records.len())
            .finish_non_exhaustive()
    }
}

impl<'r, R: Realm> Serializer<'r, R> {
    /// Step 1: a serializer whose *memory* starts empty (the caller supplied
    /// none).
    pub fn new(realm: &'r mut R, for_storage: bool) -> Self {
        step!("structuredserializeinternal/1"); // no memory given: start with an empty one
        Self::with_supplied_memory(realm, for_storage)
    }

    /// A serializer for a caller that supplies *memory* (the WithTransfer
    /// form makes its own, empty at first): step 1 does not run.
    pub(crate) fn with_supplied_memory(realm: &'r mut R, for_storage: bool) -> Self {
        Serializer {
            realm,
            for_storage,
            memory: Memory::new(),
            // Room for a small graph's records at once: growing from empty
            // reallocates at four and eight records, which most messages
            // reach.
            records: Vec::with_capacity(INITIAL_RECORDS),
        }
    }

    /// The realm whose objects are being serialized.
    pub fn realm(&mut self) -> &mut R {
        self.realm
    }

    /// *forStorage* of this run.
    pub fn for_storage(&self) -> bool {
        self.for_storage
    }

    /// Puts `record` in *memory* for `object` ahead of time (used by
    /// StructuredSerializeWithTransfer for its transfer list).
    pub(crate) fn remember(&mut self, object: R::Object, record: Record) -> RecordId {
        let id = self.push(record);
        let index = self.realm.dense_object_index(&object);
        self.memory.insert(object, index, id, self.records.len());
        id
    }

    /// Whether *memory* already has an entry for `object`.
    pub(crate) fn remembers(&self, object: &R::Object) -> bool {
        let index = self.realm.dense_object_index(object);
        self.memory.get(object, index).is_some()
    }

    /// The finished record graph rooted at `root`.
    pub(crate) fn finish(self, root: RecordId) -> Serialized {
        Serialized::new(self.records, root)
    }

    fn push(&mut self, record: Record) -> RecordId {
        // The arena holds one record per object or primitive visited; the
        // realm could not hold 2^32 objects, so the index always fits.
        let id = RecordId(u32::try_from(self.records.len()).unwrap_or(u32::MAX));
        self.records.push(record);
        id
    }

    fn record_mut(&mut self, id: RecordId) -> &mut Record {
        &mut self.records[id.index()]
    }

    /// A sub-serialization: StructuredSerializeInternal(*subValue*,
    /// *forStorage*, *memory*) within this run.
    ///
    /// <https://html.spec.whatwg.org/multipage/structured-data.html#sub-serialization>
    ///
    /// # Errors
    ///
    /// As [`structured_serialize`].
    pub fn sub_serialization(
        &mut self,
        host: &mut dyn PlatformObjects<R>,
        value: &Value<R::Object>,
    ) -> Result<RecordId, CloneError<R::Object>> {
        self.serialize_internal(host, value)
    }

    /// StructuredSerializeInternal(*value*, *forStorage*, *memory*), steps 2
    /// onward (step 1 happened when the run began).
    ///
    /// The standard recurses into an object's contents (step 26); here the
    /// objects whose contents are under way wait on an explicit work stack,
    /// each as a [`Contents`] frame, so a graph nested a million deep needs
    /// no deeper machine stack than a flat one. The steps run in the order
    /// the recursion runs them: a child's steps 2 – 27 happen between its
    /// parent's step that asks for it and the step that takes its record.
    ///
    /// <https://html.spec.whatwg.org/multipage/structured-data.html#structuredserializeinternal>
    pub(crate) fn serialize_internal(
        &mut self,
        host: &mut dyn PlatformObjects<R>,
        value: &Value<R::Object>,
    ) -> Result<RecordId, CloneError<R::Object>> {
        let mut stack = WorkStack {
            frames: Vec::new(),
            keys: Vec::new(),
        };
        let mut finished: Option<Slot> = self.start(host, value, &mut stack)?;
        while let Some(frame) = stack.frames.last_mut() {
            if let Some(id) = finished.take() {
                self.deliver(frame, id);
            }
            finished = match self.next_child(frame, &stack.keys)? {
                Some(child) => self.start(host, &child, &mut stack)?,
                None => {
                    let id = frame.id();
                    if let Contents::Properties { start, .. } = frame {
                        let start = *start;
                        stack.keys.truncate(start);
                    }
                    stack.frames.pop();
                    Some(Slot::Record(self.result(id)))
                }
            };
        }
        let finished = finished.ok_or_else(|| {
            CloneError::new_data_clone(
                "structuredserializeinternal/27",
                "serialization ended without a record",
            )
        })?;
        Ok(self.record_of(finished))
    }

    /// A record id for a value's record: a primitive kept in place gets an
    /// arena entry of its own where an id is needed (the root, Map and Set
    /// entries, platform fields).
    fn record_of(&mut self, slot: Slot) -> RecordId {
        match slot {
            Slot::Record(id) => id,
            Slot::Primitive(primitive) => self.push(Record::Primitive(primitive)),
        }
    }

    /// Steps 2 – 26 for `value`: its record when nothing is left to do, or
    /// `None` when its contents wait on the work stack.
    fn start(
        &mut self,
        host: &mut dyn PlatformObjects<R>,
        value: &Value<R::Object>,
        stack: &mut WorkStack<R::Object>,
    ) -> Result<Option<Slot>, CloneError<R::Object>> {
        let (object, id, deep) = match self.begin(host, value)? {
            Begun::Done(id) => return Ok(Some(id)),
            Begun::Object { object, id, deep } => (object, id, deep),
        };
        if deep && let Some(frame) = self.open_contents(host, &object, id, &mut stack.keys)? {
            stack.frames.push(frame);
            return Ok(None);
        }
        Ok(Some(Slot::Record(self.result(id))))
    }

    fn begin(
        &mut self,
        host: &mut dyn PlatformObjects<R>,
        value: &Value<R::Object>,
    ) -> Result<Begun<R::Object>, CloneError<R::Object>> {
        step!("structuredserializeinternal/2"); // seen before: the same record again
        if let Value::Object(o) = value {
            let index = self.realm.dense_object_index(o);
            if let Some(id) = self.memory.get(o, index) {
                return Ok(Begun::Done(Slot::Record(id)));
            }
        }

        step!("structuredserializeinternal/3"); // deep starts false
        step!("structuredserializeinternal/4"); // primitives other than Symbol are their own record
        let primitive = match value {
            Value::Symbol(symbol) => {
                step!("structuredserializeinternal/5"); // Symbols cannot be serialized
                return Err(CloneError::new_data_clone(
                    "structuredserializeinternal/5",
                    format!("{symbol:?} could not be cloned: Symbols are not serializable"),
                ));
            }
            Value::Object(o) => return self.begin_object(host, o),
            primitive => primitive_record(primitive),
        };
        // The primitive's record, kept in place until it is known where it
        // goes (see `Slot`).
        Ok(Begun::Done(Slot::Primitive(primitive)))
    }

    fn begin_object(
        &mut self,
        host: &mut dyn PlatformObjects<R>,
        object: &R::Object,
    ) -> Result<Begun<R::Object>, CloneError<R::Object>> {
        step!("structuredserializeinternal/6"); // serialized starts uninitialized
        let (serialized, deep) = self.shallow_record(host, object)?;

        step!("structuredserializeinternal/25"); // remember the record before visiting children
        let id = self.push(serialized);
        let index = self.realm.dense_object_index(object);
        self.memory.insert(object.clone(), index, id, self.records.len());

        step!("structuredserializeinternal/26"); // deep: serialize what the object holds
        Ok(Begun::Object {
            object: object.clone(),
            id,
            deep,
        })
    }

    /// Step 27, once the object's contents are done.
    fn result(&mut self, id: RecordId) -> RecordId {
        step!("structuredserializeinternal/27"); // the record is the result
        id
    }
}

/// Step 4's record for a primitive that is not a Symbol (an object or a
/// Symbol, which callers exclude first, would give undefined).
#[inline]
fn primitive_record<O>(value: &Value<O>) -> Primitive {
    match value {
        Value::Null => Primitive::Null,
        Value::Boolean(b) => Primitive::Boolean(*b),
        Value::Number(n) => Primitive::Number(*n),
        Value::BigInt(b) => Primitive::BigInt(b.clone()),
        Value::String(s) => Primitive::String(s.clone()),
        Value::Undefined | Value::Symbol(_) | Value::Object(_) => Primitive::Undefined,
    }
}

/// StructuredSerialize(*value*): a serialization that may be deserialized in
/// another realm of the same agent cluster.
///
/// <https://html.spec.whatwg.org/multipage/structured-data.html#structuredserialize>
///
/// # Errors
///
/// A [`CloneError`]: a DataCloneError for what cannot be serialized (a
/// function, a Symbol, a detached buffer, a platform object that is not
/// \[Serializable], …), or what the realm threw while the value was read (a
/// getter, ToString of an Error's message).
pub fn structured_serialize<R: Realm>(
    realm: &mut R,
    host: &mut dyn PlatformObjects<R>,
    value: &Value<R::Object>,
) -> Result<Serialized, CloneError<R::Object>> {
    step!("structuredserialize/1"); // not for storage
    #[cfg(not(feature = "trace"))]
    if let Some(serialized) = lone_record(realm, value) {
        return Ok(serialized);
    }
    let mut serializer = Serializer::new(realm, false);
    let root = serializer.serialize_internal(host, value)?;
    Ok(serializer.finish(root))
}

/// StructuredSerializeForStorage(*value*): a serialization meant to be kept
/// (SharedArrayBuffers are refused).
///
/// <https://html.spec.whatwg.org/multipage/structured-data.html#structuredserializeforstorage>
///
/// # Errors
///
/// As [`structured_serialize`], and a DataCloneError for a
/// SharedArrayBuffer, which cannot be stored (step 13.1.2).
pub fn structured_serialize_for_storage<R: Realm>(
    realm: &mut R,
    host: &mut dyn PlatformObjects<R>,
    value: &Value<R::Object>,
) -> Result<Serialized, CloneError<R::Object>> {
    step!("structuredserializeforstorage/1"); // for storage
    #[cfg(not(feature = "trace"))]
    if let Some(serialized) = lone_record(realm, value) {
        return Ok(serialized);
    }
    let mut serializer = Serializer::new(realm, true);
    let root = serializer.serialize_internal(host, value)?;
    Ok(serializer.finish(root))
}
