//! StructuredSerializeInternal and its two public entry points.
//!
//! <https://html.spec.whatwg.org/multipage/structured-data.html#structuredserializeinternal>

use super::{CloneError, PlatformObjects, Primitive, Record, RecordId, Serialized};
use crate::ecmascript::{ErrorPrototype, PropertyDescriptor, PropertyKey, Realm, Value};
use crate::spec::step;
use std::collections::HashMap;

/// Stack the recursion keeps free before it grows a new segment, and the size
/// of each new segment: deep graphs recurse as deep as they are, on the heap.
pub(crate) const RED_ZONE: usize = 128 * 1024;
pub(crate) const STACK_SEGMENT: usize = 4 * 1024 * 1024;

/// One run of StructuredSerializeInternal: the realm being read, *forStorage*,
/// the *memory* map and the records made so far.
///
/// Serialization steps of platform objects receive it to perform
/// sub-serializations.
pub struct Serializer<'r, R: Realm> {
    realm: &'r mut R,
    for_storage: bool,
    memory: HashMap<R::Object, RecordId>,
    records: Vec<Record>,
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
            memory: HashMap::new(),
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
        self.memory.insert(object, id);
        id
    }

    /// Whether *memory* already has an entry for `object`.
    pub(crate) fn remembers(&self, object: &R::Object) -> bool {
        self.memory.contains_key(object)
    }

    /// The finished record graph rooted at `root`.
    pub(crate) fn finish(self, root: RecordId) -> Serialized {
        Serialized {
            records: self.records,
            root,
        }
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
    pub fn sub_serialization(
        &mut self,
        host: &mut dyn PlatformObjects<R>,
        value: &Value<R::Object>,
    ) -> Result<RecordId, CloneError<R::Object>> {
        self.serialize_internal(host, value)
    }

    /// StructuredSerializeInternal(*value*, *forStorage*, *memory*), steps 2
    /// onward (step 1 happened when the run began). The recursion is the
    /// standard's; the stack grows as deep as the graph.
    ///
    /// <https://html.spec.whatwg.org/multipage/structured-data.html#structuredserializeinternal>
    pub(crate) fn serialize_internal(
        &mut self,
        host: &mut dyn PlatformObjects<R>,
        value: &Value<R::Object>,
    ) -> Result<RecordId, CloneError<R::Object>> {
        stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || self.serialize_value(host, value))
    }

    fn serialize_value(
        &mut self,
        host: &mut dyn PlatformObjects<R>,
        value: &Value<R::Object>,
    ) -> Result<RecordId, CloneError<R::Object>> {
        step!("structuredserializeinternal/2"); // seen before: the same record again
        if let Value::Object(o) = value
            && let Some(id) = self.memory.get(o)
        {
            return Ok(*id);
        }

        step!("structuredserializeinternal/3"); // deep starts false
        step!("structuredserializeinternal/4"); // primitives other than Symbol are their own record
        let object = match value {
            Value::Undefined => return Ok(self.push(Record::Primitive(Primitive::Undefined))),
            Value::Null => return Ok(self.push(Record::Primitive(Primitive::Null))),
            Value::Boolean(b) => return Ok(self.push(Record::Primitive(Primitive::Boolean(*b)))),
            Value::Number(n) => return Ok(self.push(Record::Primitive(Primitive::Number(*n)))),
            Value::BigInt(b) => return Ok(self.push(Record::Primitive(Primitive::BigInt(b.clone())))),
            Value::String(s) => return Ok(self.push(Record::Primitive(Primitive::String(s.clone())))),
            Value::Symbol(symbol) => {
                step!("structuredserializeinternal/5"); // Symbols cannot be serialized
                return Err(CloneError::data_clone(
                    "structuredserializeinternal/5",
                    format!("{symbol:?} could not be cloned: Symbols are not serializable"),
                ));
            }
            Value::Object(o) => o,
        };

        step!("structuredserializeinternal/6"); // serialized starts uninitialized
        let (serialized, deep) = self.shallow_record(host, object)?;

        step!("structuredserializeinternal/25"); // remember the record before visiting children
        let id = self.push(serialized);
        self.memory.insert(object.clone(), id);

        step!("structuredserializeinternal/26"); // deep: serialize what the object holds
        if deep {
            self.serialize_contents(host, object, id)?;
        }

        step!("structuredserializeinternal/27"); // the record is the result
        Ok(id)
    }

    /// Steps 7 – 24: the record for `value` by the internal slots it has, and
    /// whether its contents still need serializing (*deep*).
    #[inline(never)] // keeps its locals out of the recursion's frames
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
            let length_desc = realm.ordinary_get_own_property(value, &PropertyKey::from("length"));
            step!("structuredserializeinternal/18.2");
            let length = match length_desc {
                Some(PropertyDescriptor::Data {
                    value: Value::Number(n),
                    ..
                }) if n >= 0.0 && n <= f64::from(u32::MAX) && n.fract() == 0.0 => n as u32,
                other => {
                    return Err(CloneError::data_clone(
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
                return Err(CloneError::data_clone(
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
            return Err(CloneError::data_clone(
                "structuredserializeinternal/20",
                format!(
                    "{} objects could not be cloned: the interface is not serializable",
                    slots.interface
                ),
            ));
        }
        step!("structuredserializeinternal/21"); // functions cannot be
        if realm.is_callable(value) {
            return Err(CloneError::data_clone(
                "structuredserializeinternal/21",
                "functions could not be cloned",
            ));
        }
        step!("structuredserializeinternal/22"); // nor objects with other internal slots
        if let Some(slot) = realm.other_internal_slot(value) {
            return Err(CloneError::data_clone(
                "structuredserializeinternal/22",
                format!("an object with a {slot} internal slot could not be cloned"),
            ));
        }
        step!("structuredserializeinternal/23"); // nor exotic objects, but %Object.prototype%
        if let Some(kind) = realm.exotic_kind(value)
            && !realm.is_object_prototype_intrinsic(value)
        {
            return Err(CloneError::data_clone(
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
    #[inline(never)] // keeps its locals out of the recursion's frames
    fn serialize_array_buffer(&mut self, value: &R::Object) -> Result<Record, CloneError<R::Object>> {
        let realm = &mut *self.realm;
        let slots = realm
            .array_buffer(value)
            .ok_or_else(|| CloneError::data_clone("structuredserializeinternal/13", "not an ArrayBuffer"))?;
        step!("structuredserializeinternal/13.1"); // shared memory
        if realm.is_shared_array_buffer(value) {
            step!("structuredserializeinternal/13.1.1"); // only where cross-origin isolated
            if !realm.cross_origin_isolated_capability() {
                return Err(CloneError::data_clone(
                    "structuredserializeinternal/13.1.1",
                    "a SharedArrayBuffer could not be cloned: the realm is not cross-origin isolated",
                ));
            }
            step!("structuredserializeinternal/13.1.2"); // never into storage
            if self.for_storage {
                return Err(CloneError::data_clone(
                    "structuredserializeinternal/13.1.2",
                    "a SharedArrayBuffer could not be serialized for storage",
                ));
            }
            let block = slots.shared.ok_or_else(|| {
                CloneError::data_clone(
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
            return Err(CloneError::data_clone(
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
            return Err(CloneError::data_clone(
                "structuredserializeinternal/14.1",
                "an ArrayBuffer view could not be cloned: it is out of bounds of its buffer",
            ));
        }
        step!("structuredserializeinternal/14.2");
        let slots = self
            .realm
            .array_buffer_view(value)
            .ok_or_else(|| CloneError::data_clone("structuredserializeinternal/14.2", "not a view"))?;
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
            return Err(CloneError::data_clone(
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
    #[inline(never)] // keeps its locals out of the recursion's frames
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

    /// Step 26: the contents of a Map, Set, platform object or other object.
    fn serialize_contents(
        &mut self,
        host: &mut dyn PlatformObjects<R>,
        value: &R::Object,
        id: RecordId,
    ) -> Result<(), CloneError<R::Object>> {
        step!("structuredserializeinternal/26.1"); // Map entries
        if let Some(map_data) = self.realm.map_data(value) {
            step!("structuredserializeinternal/26.1.1"); // copy the live entries first
            step!("structuredserializeinternal/26.1.2");
            step!("structuredserializeinternal/26.1.2.1");
            step!("structuredserializeinternal/26.1.2.2"); // deleted entries are skipped
            let copied: Vec<_> = map_data.into_iter().flatten().collect();
            step!("structuredserializeinternal/26.1.3");
            for (key, entry_value) in &copied {
                step!("structuredserializeinternal/26.1.3.1");
                let key = self.serialize_internal(host, key)?;
                step!("structuredserializeinternal/26.1.3.2");
                let entry_value = self.serialize_internal(host, entry_value)?;
                step!("structuredserializeinternal/26.1.3.3");
                if let Record::Map { entries } = self.record_mut(id) {
                    entries.push((key, entry_value));
                }
            }
            return Ok(());
        }
        step!("structuredserializeinternal/26.2"); // Set values
        if let Some(set_data) = self.realm.set_data(value) {
            step!("structuredserializeinternal/26.2.1"); // copy the live values first
            step!("structuredserializeinternal/26.2.2");
            step!("structuredserializeinternal/26.2.2.1"); // deleted values are skipped
            let copied: Vec<_> = set_data.into_iter().flatten().collect();
            step!("structuredserializeinternal/26.2.3");
            for entry in &copied {
                step!("structuredserializeinternal/26.2.3.1");
                let entry = self.serialize_internal(host, entry)?;
                step!("structuredserializeinternal/26.2.3.2");
                if let Record::Set { entries } = self.record_mut(id) {
                    entries.push(entry);
                }
            }
            return Ok(());
        }
        step!("structuredserializeinternal/26.3"); // a serializable platform object's own steps
        if let Record::Platform { .. } = self.records[id.index()] {
            let fields = host.serialization_steps(self, value)?;
            if let Record::Platform { fields: slot, .. } = self.record_mut(id) {
                *slot = fields;
            }
            return Ok(());
        }
        step!("structuredserializeinternal/26.4"); // enumerable own String-keyed properties
        for key in self.realm.enumerable_own_property_keys(value) {
            let property_key = PropertyKey::String(key.clone());
            step!("structuredserializeinternal/26.4.1"); // a getter may have deleted it
            if self.realm.has_own_property(value, &property_key) {
                step!("structuredserializeinternal/26.4.1.1"); // may run a getter
                let input_value = self.realm.get(value, &property_key)?;
                step!("structuredserializeinternal/26.4.1.2");
                let output_value = self.serialize_internal(host, &input_value)?;
                step!("structuredserializeinternal/26.4.1.3");
                if let Record::Array { properties, .. } | Record::Object { properties } = self.record_mut(id)
                {
                    properties.push((key, output_value));
                }
            }
        }
        Ok(())
    }
}

/// StructuredSerialize(*value*): a serialization that may be deserialized in
/// another realm of the same agent cluster.
///
/// <https://html.spec.whatwg.org/multipage/structured-data.html#structuredserialize>
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
