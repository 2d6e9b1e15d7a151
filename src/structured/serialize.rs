//! StructuredSerializeInternal and its two public entry points.
//!
//! <https://html.spec.whatwg.org/multipage/structured-data.html#structuredserializeinternal>

use super::memory::Memory;
use super::{CloneError, PlatformObjects, Primitive, Record, RecordId, Serialized, Slot};
use crate::ecmascript::{ErrorPrototype, JsString, PropertyDescriptor, PropertyKey, Realm, Value};
use crate::spec::step;
use std::sync::LazyLock;

/// The key step 18.1 reads on every Array, made once.
static LENGTH: LazyLock<PropertyKey> = LazyLock::new(|| PropertyKey::from("length"));

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
            records: Vec::new(),
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

    /// Steps 7 – 24: the record for `value` by the internal slots it has, and
    /// whether its contents still need serializing (*deep*).
    fn shallow_record(
        &mut self,
        host: &mut dyn PlatformObjects<R>,
        value: &R::Object,
    ) -> Result<(Record, bool), CloneError<R::Object>> {
        let realm = &mut *self.realm;
        step!("structuredserializeinternal/7"); // Boolean object
        if let Some(b) = realm.boolean_data(value) {
            return Ok((Record::Boolean(b), false));
        }
        step!("structuredserializeinternal/8"); // Number object
        if let Some(n) = realm.number_data(value) {
            return Ok((Record::Number(n), false));
        }
        step!("structuredserializeinternal/9"); // BigInt object
        if let Some(b) = realm.bigint_data(value) {
            return Ok((Record::BigInt(b), false));
        }
        step!("structuredserializeinternal/10"); // String object
        if let Some(s) = realm.string_data(value) {
            return Ok((Record::String(s), false));
        }
        step!("structuredserializeinternal/11"); // Date
        if let Some(t) = realm.date_value(value) {
            return Ok((Record::Date(t), false));
        }
        step!("structuredserializeinternal/12"); // RegExp: source and flags
        if let Some((source, flags)) = realm.regexp_source_and_flags(value) {
            return Ok((Record::RegExp { source, flags }, false));
        }
        step!("structuredserializeinternal/13"); // ArrayBuffer or SharedArrayBuffer
        if realm.array_buffer(value).is_some() {
            return Ok((self.serialize_array_buffer(value)?, false));
        }
        step!("structuredserializeinternal/14"); // TypedArray or DataView
        if realm.array_buffer_view(value).is_some() {
            return Ok((self.serialize_view(host, value)?, false));
        }
        step!("structuredserializeinternal/15"); // Map: entries come later
        if realm.map_data(value).is_some() {
            step!("structuredserializeinternal/15.1");
            step!("structuredserializeinternal/15.2");
            return Ok((Record::Map { entries: Vec::new() }, true));
        }
        step!("structuredserializeinternal/16"); // Set: values come later
        if realm.set_data(value).is_some() {
            step!("structuredserializeinternal/16.1");
            step!("structuredserializeinternal/16.2");
            return Ok((Record::Set { entries: Vec::new() }, true));
        }
        step!("structuredserializeinternal/17"); // Error objects (not DOMException)
        if realm.has_error_data(value) && realm.platform_object(value).is_none() {
            return Ok((self.serialize_error(value)?, false));
        }
        step!("structuredserializeinternal/18"); // Array exotic objects
        if realm.is_array_exotic(value) {
            step!("structuredserializeinternal/18.1"); // read length without running code
            let length_desc = realm.ordinary_get_own_property(value, &LENGTH);
            step!("structuredserializeinternal/18.2");
            let length = match length_desc {
                Some(PropertyDescriptor::Data {
                    value: Value::Number(n),
                    ..
                }) if n >= 0.0 && n <= f64::from(u32::MAX) && n.fract() == 0.0 => n as u32,
                other => {
                    return Err(CloneError::new_data_clone(
                        "structuredserializeinternal/18.2",
                        format!("an Array's length property is not an array length: {other:?}"),
                    ));
                }
            };
            step!("structuredserializeinternal/18.3");
            step!("structuredserializeinternal/18.4");
            return Ok((
                Record::Array {
                    length,
                    elements: Vec::new(),
                    properties: Vec::new(),
                },
                true,
            ));
        }
        let platform = realm.platform_object(value);
        step!("structuredserializeinternal/19"); // serializable platform objects
        if let Some(slots) = platform.as_ref().filter(|p| host.is_serializable(&p.interface)) {
            step!("structuredserializeinternal/19.1"); // a detached one cannot be
            if slots.detached == Some(true) {
                return Err(CloneError::new_data_clone(
                    "structuredserializeinternal/19.1",
                    format!("a detached {} could not be cloned", slots.interface),
                ));
            }
            step!("structuredserializeinternal/19.2");
            step!("structuredserializeinternal/19.3");
            step!("structuredserializeinternal/19.4");
            let record = Record::Platform {
                interface: slots.interface.clone(),
                fields: Vec::new(),
            };
            return Ok((record, true));
        }
        step!("structuredserializeinternal/20"); // other platform objects cannot be
        if let Some(slots) = platform {
            return Err(CloneError::new_data_clone(
                "structuredserializeinternal/20",
                format!(
                    "{} objects could not be cloned: the interface is not serializable",
                    slots.interface
                ),
            ));
        }
        step!("structuredserializeinternal/21"); // functions cannot be
        if realm.is_callable(value) {
            return Err(CloneError::new_data_clone(
                "structuredserializeinternal/21",
                "functions could not be cloned",
            ));
        }
        step!("structuredserializeinternal/22"); // nor objects with other internal slots
        if let Some(slot) = realm.other_internal_slot(value) {
            return Err(CloneError::new_data_clone(
                "structuredserializeinternal/22",
                format!("an object with a {slot} internal slot could not be cloned"),
            ));
        }
        step!("structuredserializeinternal/23"); // nor exotic objects, but %Object.prototype%
        if let Some(kind) = realm.exotic_kind(value)
            && !realm.is_object_prototype_intrinsic(value)
        {
            return Err(CloneError::new_data_clone(
                "structuredserializeinternal/23",
                format!("{kind} exotic objects could not be cloned"),
            ));
        }
        step!("structuredserializeinternal/24"); // an ordinary object: properties come later
        step!("structuredserializeinternal/24.1");
        step!("structuredserializeinternal/24.2");
        Ok((
            Record::Object {
                properties: Vec::new(),
            },
            true,
        ))
    }

    /// Step 13: an ArrayBuffer is copied; a SharedArrayBuffer is shared.
    fn serialize_array_buffer(&mut self, value: &R::Object) -> Result<Record, CloneError<R::Object>> {
        let realm = &mut *self.realm;
        let slots = realm.array_buffer(value).ok_or_else(|| {
            CloneError::new_data_clone("structuredserializeinternal/13", "not an ArrayBuffer")
        })?;
        step!("structuredserializeinternal/13.1"); // shared memory
        if realm.is_shared_array_buffer(value) {
            step!("structuredserializeinternal/13.1.1"); // only where cross-origin isolated
            if !realm.cross_origin_isolated_capability() {
                return Err(CloneError::new_data_clone(
                    "structuredserializeinternal/13.1.1",
                    "a SharedArrayBuffer could not be cloned: the realm is not cross-origin isolated",
                ));
            }
            step!("structuredserializeinternal/13.1.2"); // never into storage
            if self.for_storage {
                return Err(CloneError::new_data_clone(
                    "structuredserializeinternal/13.1.2",
                    "a SharedArrayBuffer could not be serialized for storage",
                ));
            }
            let block = slots.shared.ok_or_else(|| {
                CloneError::new_data_clone(
                    "structuredserializeinternal/13.1.2",
                    "shared buffer without a block",
                )
            })?;
            let agent_cluster = realm.agent_cluster();
            step!("structuredserializeinternal/13.1.3"); // growable: the block and its length travel
            if let Some(max_byte_length) = slots.max_byte_length {
                return Ok(Record::GrowableSharedArrayBuffer {
                    data: block,
                    max_byte_length,
                    agent_cluster,
                });
            }
            step!("structuredserializeinternal/13.1.4"); // fixed length
            return Ok(Record::SharedArrayBuffer {
                data: block,
                byte_length: slots.byte_length,
                agent_cluster,
            });
        }
        step!("structuredserializeinternal/13.2"); // an ordinary ArrayBuffer: copy its bytes
        step!("structuredserializeinternal/13.2.1"); // a detached one cannot be
        if realm.is_detached_buffer(value) {
            return Err(CloneError::new_data_clone(
                "structuredserializeinternal/13.2.1",
                "a detached ArrayBuffer could not be cloned",
            ));
        }
        step!("structuredserializeinternal/13.2.2");
        let size = slots.byte_length;
        step!("structuredserializeinternal/13.2.3"); // may throw a RangeError
        let mut data_copy = realm.create_byte_data_block(size)?;
        step!("structuredserializeinternal/13.2.4");
        realm.copy_data_block_bytes(&mut data_copy, 0, value, 0, size);
        step!("structuredserializeinternal/13.2.5"); // resizable keeps its maximum
        if let Some(max_byte_length) = slots.max_byte_length {
            return Ok(Record::ResizableArrayBuffer {
                data: data_copy,
                max_byte_length,
            });
        }
        step!("structuredserializeinternal/13.2.6");
        Ok(Record::ArrayBuffer { data: data_copy })
    }

    /// Step 14: a view serializes its buffer, then its own slots.
    fn serialize_view(
        &mut self,
        host: &mut dyn PlatformObjects<R>,
        value: &R::Object,
    ) -> Result<Record, CloneError<R::Object>> {
        step!("structuredserializeinternal/14.1"); // out-of-bounds views cannot be
        if self.realm.is_array_buffer_view_out_of_bounds(value) {
            return Err(CloneError::new_data_clone(
                "structuredserializeinternal/14.1",
                "an ArrayBuffer view could not be cloned: it is out of bounds of its buffer",
            ));
        }
        step!("structuredserializeinternal/14.2");
        let slots = self
            .realm
            .array_buffer_view(value)
            .ok_or_else(|| CloneError::new_data_clone("structuredserializeinternal/14.2", "not a view"))?;
        step!("structuredserializeinternal/14.3"); // the buffer first, through memory
        let buffer = self.serialize_internal(host, &Value::Object(slots.buffer.clone()))?;
        step!("structuredserializeinternal/14.4"); // it must have become a buffer record
        let is_buffer = matches!(
            self.records[buffer.index()],
            Record::ArrayBuffer { .. }
                | Record::ResizableArrayBuffer { .. }
                | Record::SharedArrayBuffer { .. }
                | Record::GrowableSharedArrayBuffer { .. }
                | Record::Transferred { .. }
        );
        // NOTE: the standard's assertion lists the four buffer record types;
        // a buffer in the transfer list is still the placeholder record of
        // StructuredSerializeWithTransfer step 2.4 at this point and becomes
        // an "ArrayBuffer" or "ResizableArrayBuffer" holder afterwards.
        if !is_buffer {
            return Err(CloneError::new_data_clone(
                "structuredserializeinternal/14.4",
                "an ArrayBuffer view's buffer is not an ArrayBuffer",
            ));
        }
        step!("structuredserializeinternal/14.5"); // DataView
        let common = |array_length| Record::ArrayBufferView {
            constructor: slots.kind,
            buffer,
            byte_length: slots.byte_length,
            byte_offset: slots.byte_offset,
            array_length,
        };
        if slots.kind == crate::ecmascript::ViewKind::DataView {
            return Ok(common(None));
        }
        step!("structuredserializeinternal/14.6"); // a typed array also keeps its length
        step!("structuredserializeinternal/14.6.1");
        step!("structuredserializeinternal/14.6.2");
        Ok(common(slots.array_length))
    }

    /// Step 17: an Error keeps its kind's name, its own message and a stack.
    fn serialize_error(&mut self, value: &R::Object) -> Result<Record, CloneError<R::Object>> {
        let realm = &mut *self.realm;
        step!("structuredserializeinternal/17.1"); // may run a getter
        let name = realm.get(value, &PropertyKey::from("name"))?;
        step!("structuredserializeinternal/17.2"); // names other than the native ones become "Error"
        let name = match &name {
            Value::String(s) => s.to_rust_string().and_then(|s| ErrorPrototype::from_name(&s)),
            _ => None,
        }
        .unwrap_or(ErrorPrototype::Error);
        step!("structuredserializeinternal/17.3"); // only an own message counts
        let message_desc = realm.get_own_property(value, &PropertyKey::from("message"))?;
        step!("structuredserializeinternal/17.4"); // a data property's value, made a String
        let message = match message_desc {
            Some(PropertyDescriptor::Data { value: message, .. }) => Some(realm.to_string(&message)?),
            _ => None,
        };
        step!("structuredserializeinternal/17.5"); // the stack as the realm describes it
        let stack = realm.error_stack(value);
        step!("structuredserializeinternal/17.6");
        step!("structuredserializeinternal/17.7"); // we attach no further data
        Ok(Record::Error { name, message, stack })
    }

    /// Step 26 begins: what the contents of a Map, Set, platform object or
    /// other object are. A platform object's own serialization steps run
    /// here and then (`None`); the others become a frame of the work stack.
    fn open_contents(
        &mut self,
        host: &mut dyn PlatformObjects<R>,
        value: &R::Object,
        id: RecordId,
        keys: &mut Vec<JsString>,
    ) -> Result<Option<Contents<R::Object>>, CloneError<R::Object>> {
        step!("structuredserializeinternal/26.1"); // Map entries
        if let Some(map_data) = self.realm.map_data(value) {
            step!("structuredserializeinternal/26.1.1"); // copy the live entries first
            step!("structuredserializeinternal/26.1.2");
            step!("structuredserializeinternal/26.1.2.1");
            step!("structuredserializeinternal/26.1.2.2"); // deleted entries are skipped
            let entries: Vec<_> = map_data.into_iter().flatten().collect();
            if let Record::Map { entries: slot } = self.record_mut(id) {
                slot.reserve_exact(entries.len());
            }
            step!("structuredserializeinternal/26.1.3");
            return Ok(Some(Contents::Map {
                id,
                entries,
                next: 0,
                key: None,
            }));
        }
        step!("structuredserializeinternal/26.2"); // Set values
        if let Some(set_data) = self.realm.set_data(value) {
            step!("structuredserializeinternal/26.2.1"); // copy the live values first
            step!("structuredserializeinternal/26.2.2");
            step!("structuredserializeinternal/26.2.2.1"); // deleted values are skipped
            let entries: Vec<_> = set_data.into_iter().flatten().collect();
            if let Record::Set { entries: slot } = self.record_mut(id) {
                slot.reserve_exact(entries.len());
            }
            step!("structuredserializeinternal/26.2.3");
            return Ok(Some(Contents::Set { id, entries, next: 0 }));
        }
        step!("structuredserializeinternal/26.3"); // a serializable platform object's own steps
        if let Record::Platform { .. } = self.records[id.index()] {
            let fields = host.serialization_steps(self, value)?;
            if let Record::Platform { fields: slot, .. } = self.record_mut(id) {
                *slot = fields;
            }
            return Ok(None);
        }
        step!("structuredserializeinternal/26.4"); // enumerable own String-keyed properties
        let start = keys.len();
        // An Array's leading elements come as a count, not as Strings (see
        // `Realm::append_enumerable_own_property_keys_after_elements`); the
        // record keeps them without keys while none goes missing.
        let elements = if let Record::Array { .. } = self.records[id.index()] {
            self.realm
                .append_enumerable_own_property_keys_after_elements(value, keys)
        } else {
            self.realm.append_enumerable_own_property_keys(value, keys);
            0
        };
        let end = keys.len();
        match self.record_mut(id) {
            Record::Array {
                elements: slots,
                properties,
                ..
            } => {
                slots.reserve_exact(elements as usize);
                properties.reserve_exact(end - start);
            }
            Record::Object { properties } => properties.reserve_exact(end - start),
            _ => {}
        }
        Ok(Some(Contents::Properties {
            id,
            object: value.clone(),
            elements,
            next_element: 0,
            start,
            end,
            next: start,
            key: None,
        }))
    }

    /// The next value the frame's loop serializes (26.1.3.1 – 26.4.1.2), or
    /// `None` when its loop is over.
    fn next_child(
        &mut self,
        frame: &mut Contents<R::Object>,
        keys: &[JsString],
    ) -> Result<Option<Value<R::Object>>, CloneError<R::Object>> {
        #[cfg(not(feature = "trace"))]
        if let Contents::Properties {
            id,
            object,
            elements,
            next_element,
            ..
        } = frame
            && *next_element < *elements
        {
            *next_element += self.primitive_elements(*id, object, *next_element, *elements);
        }
        match frame {
            Contents::Map {
                entries, next, key, ..
            } => {
                let Some((entry_key, entry_value)) = entries.get(*next) else {
                    return Ok(None);
                };
                if key.is_some() {
                    // 26.1.3.2 ran when the key's record arrived.
                    return Ok(Some(entry_value.clone()));
                }
                step!("structuredserializeinternal/26.1.3.1");
                Ok(Some(entry_key.clone()))
            }
            Contents::Set { entries, next, .. } => {
                let Some(entry) = entries.get(*next) else {
                    return Ok(None);
                };
                step!("structuredserializeinternal/26.2.3.1");
                Ok(Some(entry.clone()))
            }
            Contents::Properties {
                object,
                elements,
                next_element,
                end,
                next,
                key: under_way,
                ..
            } => {
                loop {
                    let key = if *next_element < *elements {
                        *next_element += 1;
                        Key::Element(*next_element - 1)
                    } else if let Some(key) = keys.get(*next).filter(|_| *next < *end) {
                        *next += 1;
                        Key::Named(key.clone())
                    } else {
                        return Ok(None);
                    };
                    step!("structuredserializeinternal/26.4.1"); // a getter may have deleted it
                    let known = match &key {
                        Key::Element(index) => self.realm.own_element_value(object, *index),
                        Key::Named(name) => self
                            .realm
                            .own_data_value(object, &PropertyKey::String(name.clone())),
                    };
                    if let Some(input_value) = self.read_property(object, known, || key.property_key())? {
                        *under_way = Some(key);
                        return Ok(Some(input_value));
                    }
                }
            }
        }
    }

    /// The bulk path for an Array's elements (issue 11): steps 26.4.1 to
    /// 26.4.1.3, with the element's steps 2 – 4 between them, for the run
    /// of elements from `first` (below `end`) that the realm can hand over
    /// as plain data properties holding primitives
    /// ([`Realm::visit_primitive_elements`]); returns how many. For such an
    /// element HasOwnProperty is true and [[Get]] is its value, both
    /// without running code, and its record is the primitive kept in
    /// place: exactly what the per-element steps would make, in the same
    /// order, with nothing observable between them. It runs only while the
    /// record's elements are exactly the indices before `first` (no
    /// element went missing), and only without the `trace` feature: it
    /// marks none of the steps it stands for, so under `trace` every
    /// element takes the per-element steps and the trace and coverage see
    /// each one.
    #[cfg(not(feature = "trace"))]
    fn primitive_elements(&mut self, id: RecordId, object: &R::Object, first: u32, end: u32) -> u32 {
        let Serializer { realm, records, .. } = self;
        let Some(Record::Array {
            elements, properties, ..
        }) = records.get_mut(id.index())
        else {
            return 0;
        };
        if elements.len() != first as usize || !properties.is_empty() {
            return 0;
        }
        realm.visit_primitive_elements(object, first, end, &mut |value| {
            elements.push(Slot::Primitive(primitive_record(value)));
        })
    }

    /// Steps 26.4.1 (from HasOwnProperty on) to 26.4.1.2 for one key: its
    /// value when `object` still has it, else `None`. `known` is the
    /// realm's answer to both questions for a data property (no code
    /// runs); without one both are asked, and a getter runs in [[Get]].
    fn read_property(
        &mut self,
        object: &R::Object,
        known: Option<Option<Value<R::Object>>>,
        key: impl FnOnce() -> PropertyKey,
    ) -> Result<Option<Value<R::Object>>, CloneError<R::Object>> {
        let (present, key) = match &known {
            Some(value) => (value.is_some(), None),
            None => {
                let key = key();
                (self.realm.has_own_property(object, &key), Some(key))
            }
        };
        if !present {
            return Ok(None);
        }
        step!("structuredserializeinternal/26.4.1.1"); // may run a getter
        let input_value = match (known, key) {
            (Some(Some(value)), _) => value,
            (_, Some(key)) => self.realm.get(object, &key)?,
            (_, None) => Value::Undefined,
        };
        step!("structuredserializeinternal/26.4.1.2");
        Ok(Some(input_value))
    }

    /// Takes the record of the child [`Serializer::next_child`] asked for
    /// (26.1.3.2 – 26.4.1.3).
    fn deliver(&mut self, frame: &mut Contents<R::Object>, child: Slot) {
        match frame {
            Contents::Map { id, next, key, .. } => match key.take() {
                None => {
                    step!("structuredserializeinternal/26.1.3.2");
                    *key = Some(self.record_of(child));
                }
                Some(key) => {
                    step!("structuredserializeinternal/26.1.3.3");
                    *next += 1;
                    let child = self.record_of(child);
                    if let Record::Map { entries } = &mut self.records[id.index()] {
                        entries.push((key, child));
                    }
                }
            },
            Contents::Set { id, next, .. } => {
                step!("structuredserializeinternal/26.2.3.2");
                *next += 1;
                let child = self.record_of(child);
                if let Record::Set { entries } = &mut self.records[id.index()] {
                    entries.push(child);
                }
            }
            Contents::Properties { id, key, .. } => {
                step!("structuredserializeinternal/26.4.1.3");
                match (key.take(), &mut self.records[id.index()]) {
                    // Elements stay key-less while every one before came.
                    (
                        Some(Key::Element(index)),
                        Record::Array {
                            elements, properties, ..
                        },
                    ) => {
                        if elements.len() == index as usize && properties.is_empty() {
                            elements.push(child);
                        } else {
                            properties.push((JsString::from(index.to_string()), child));
                        }
                    }
                    (
                        Some(Key::Named(key)),
                        Record::Array { properties, .. } | Record::Object { properties },
                    ) => {
                        properties.push((key, child));
                    }
                    _ => {}
                }
            }
        }
    }

    /// Step 27, once the object's contents are done.
    fn result(&mut self, id: RecordId) -> RecordId {
        step!("structuredserializeinternal/27"); // the record is the result
        id
    }
}

/// Step 4's record for a primitive that is not a Symbol (an object or a
/// Symbol, which callers exclude first, would give undefined).
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
/// [Serializable], …), or what the realm threw while the value was read (a
/// getter, ToString of an Error's message).
pub fn structured_serialize<R: Realm>(
    realm: &mut R,
    host: &mut dyn PlatformObjects<R>,
    value: &Value<R::Object>,
) -> Result<Serialized, CloneError<R::Object>> {
    step!("structuredserialize/1"); // not for storage
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
    let mut serializer = Serializer::new(realm, true);
    let root = serializer.serialize_internal(host, value)?;
    Ok(serializer.finish(root))
}
