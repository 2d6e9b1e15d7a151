//! StructuredDeserialize: records back into values of a target realm.
//!
//! <https://html.spec.whatwg.org/multipage/structured-data.html#structureddeserialize>

use super::{CloneError, PlatformObjects, Primitive, Record, RecordId, Serialized, Slot};
use crate::ecmascript::{
    ErrorPrototype, JsString, PropertyDescriptor, PropertyKey, Realm, Value, ViewKind, ViewSlots,
};
use crate::spec::step;

/// A new value and whether its contents still need deserializing (*deep*).
type Shallow<O> = Result<(Value<O>, bool), CloneError<O>>;

/// What remains to do for a new object whose contents step 24 is filling
/// in: one frame of the explicit work stack that stands in for the
/// standard's recursion (see `Serializer::serialize_internal`).
enum Filling<'r, O> {
    /// Steps 24.1.1.x; `key` is the entry's key once deserialized.
    Map {
        object: O,
        entries: &'r [(RecordId, RecordId)],
        next: usize,
        key: Option<Value<O>>,
    },
    /// Steps 24.2.1.x.
    Set {
        object: O,
        entries: &'r [RecordId],
        next: usize,
    },
    /// Steps 24.3.1.x: an Array record's key-less elements (the
    /// properties `"0"`, `"1"`, …), then the properties with keys; `next`
    /// counts through both.
    Properties {
        object: O,
        elements: &'r [Slot],
        properties: &'r [(JsString, Slot)],
        next: usize,
    },
}

/// What a frame asks to be deserialized next: a record of the arena, or a
/// primitive record kept in place inside a property (see [`Slot`]).
#[derive(Clone, Copy)]
enum Next<'r> {
    Record(RecordId),
    Primitive(&'r Primitive),
}

impl<O> Filling<'_, O> {
    fn object(&self) -> &O {
        match self {
            Filling::Map { object, .. }
            | Filling::Set { object, .. }
            | Filling::Properties { object, .. } => object,
        }
    }
}

/// One run of StructuredDeserialize: the target realm, the records, and the
/// *memory* map (indexed by record, since records are arena entries).
///
/// Deserialization steps of platform objects receive it to perform
/// sub-deserializations.
pub struct Deserializer<'r, R: Realm> {
    realm: &'r mut R,
    serialized: &'r Serialized,
    /// The objects made so far, by record. Only objects need remembering:
    /// a primitive record read twice gives the same primitive twice.
    memory: Vec<Option<R::Object>>,
    transferred: Vec<Value<R::Object>>,
    /// Buffer bytes moved out of the records beforehand, by record
    /// (ascending): deserializing such a record moves them into the new
    /// ArrayBuffer instead of copying.
    buffer_data: Vec<(RecordId, Vec<u8>)>,
}

impl<R: Realm> std::fmt::Debug for Deserializer<'_, R> {
    /// How far the run is; the realm and the objects made stay opaque.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Deserializer")
            .field("records", &self.serialized.records.len())
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
        Self::with_supplied_memory(realm, serialized, Vec::new())
    }

    /// A deserializer for StructuredDeserializeWithTransfer, which supplies
    /// *memory*: `transferred` are the values it already made for the
    /// transfer data holders, by holder index. Step 1 does not run.
    pub(crate) fn with_supplied_memory(
        realm: &'r mut R,
        serialized: &'r Serialized,
        transferred: Vec<Value<R::Object>>,
    ) -> Self {
        let memory = vec![None; serialized.records.len()];
        realm.reserve_objects(serialized.records.len());
        Deserializer {
            realm,
            serialized,
            memory,
            transferred,
            buffer_data: Vec::new(),
        }
    }

    /// Gives the run the bytes [`Serialized::take_buffer_data`] moved out of
    /// the records, so that new ArrayBuffers take them over.
    pub(crate) fn with_buffer_data(mut self, buffer_data: Vec<(RecordId, Vec<u8>)>) -> Self {
        self.buffer_data = buffer_data;
        self
    }
}

/// The bytes of buffer record `id`: moved from what was taken out of the
/// records beforehand, or else copied from the record.
fn buffer_bytes(taken: &mut [(RecordId, Vec<u8>)], id: RecordId, data: &[u8]) -> Vec<u8> {
    match taken.binary_search_by_key(&id, |(k, _)| *k) {
        Ok(i) => std::mem::take(&mut taken[i].1),
        Err(_) => data.to_vec(),
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
        let mut stack: Vec<Filling<'r, R::Object>> = Vec::new();
        let mut finished = self.start(host, Next::Record(id), &mut stack)?;
        while let Some(frame) = stack.last_mut() {
            if let Some(value) = finished.take() {
                self.deliver(frame, value)?;
            }
            finished = match self.next_child(frame) {
                Some(child) => self.start(host, child, &mut stack)?,
                None => {
                    let object = Value::Object(frame.object().clone());
                    stack.pop();
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

    fn record(&self, id: RecordId) -> Result<&'r Record, CloneError<R::Object>> {
        let serialized: &'r Serialized = self.serialized;
        serialized.get(id).ok_or_else(|| {
            CloneError::new_data_clone(
                "structureddeserialize/2",
                format!(
                    "malformed serialization: record {} does not exist ({} records)",
                    id.0,
                    serialized.records.len()
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
        next: Next<'r>,
        stack: &mut Vec<Filling<'r, R::Object>>,
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
        if let Some(Record::Transferred { holder }) = serialized {
            // The record StructuredDeserializeWithTransfer put in memory for a
            // transfer data holder (its step 3.5).
            return self.transferred.get(*holder).cloned().map(Some).ok_or_else(|| {
                CloneError::new_data_clone(
                    "structureddeserialize/2",
                    format!("malformed serialization: no transfer data holder {holder}"),
                )
            });
        }
        step!("structureddeserialize/3"); // deep starts false
        step!("structureddeserialize/4"); // value starts uninitialized
        let (value, deep) = self.shallow_value(host, next, serialized)?;

        step!("structureddeserialize/23"); // remember the value before filling it
        if let (Value::Object(object), Some(id)) = (&value, id) {
            self.memory[id.index()] = Some(object.clone());
        }

        step!("structureddeserialize/24"); // deep: fill in what the record holds
        if deep
            && let Value::Object(object) = &value
            && let Some(serialized) = serialized
            && let Some(frame) = self.open_contents(host, serialized, object)?
        {
            stack.push(frame);
            return Ok(None);
        }
        Ok(Some(self.finish(value)))
    }

    /// Steps 5 – 22: a new value for the record, and whether its contents
    /// still need deserializing (*deep*).
    fn shallow_value(
        &mut self,
        host: &mut dyn PlatformObjects<R>,
        next: Next<'r>,
        serialized: Option<&'r Record>,
    ) -> Shallow<R::Object> {
        let realm = &mut *self.realm;
        let object = |o| Ok((Value::Object(o), false));
        step!("structureddeserialize/5"); // primitives are themselves
        let (id, serialized) = match (next, serialized) {
            (Next::Primitive(primitive), _) | (_, Some(Record::Primitive(primitive))) => {
                return Ok((primitive_value(primitive), false));
            }
            (Next::Record(id), Some(serialized)) => (id, serialized),
            (Next::Record(id), None) => {
                return Err(CloneError::new_data_clone(
                    "structureddeserialize/2",
                    format!("malformed serialization: record {} does not exist", id.0),
                ));
            }
        };
        step!("structureddeserialize/6"); // Boolean object
        if let Record::Boolean(b) = serialized {
            return object(realm.create_boolean_object(*b));
        }
        step!("structureddeserialize/7"); // Number object
        if let Record::Number(n) = serialized {
            return object(realm.create_number_object(*n));
        }
        step!("structureddeserialize/8"); // BigInt object
        if let Record::BigInt(b) = serialized {
            return object(realm.create_bigint_object(b.clone()));
        }
        step!("structureddeserialize/9"); // String object
        if let Record::String(s) = serialized {
            return object(realm.create_string_object(s.clone()));
        }
        step!("structureddeserialize/10"); // Date
        if let Record::Date(t) = serialized {
            return object(realm.create_date(*t));
        }
        step!("structureddeserialize/11"); // RegExp from source and flags
        if let Record::RegExp { source, flags } = serialized {
            return object(realm.create_regexp(source.clone(), flags.clone())?);
        }
        step!("structureddeserialize/12"); // SharedArrayBuffer
        if let Record::SharedArrayBuffer {
            data,
            byte_length,
            agent_cluster,
        } = serialized
        {
            step!("structureddeserialize/12.1"); // only within its agent cluster
            if realm.agent_cluster() != *agent_cluster {
                return Err(CloneError::new_data_clone(
                    "structureddeserialize/12.1",
                    "a SharedArrayBuffer could not be deserialized outside its agent cluster",
                ));
            }
            step!("structureddeserialize/12.2"); // a new object over the same block
            if data.len() != *byte_length {
                return Err(CloneError::new_data_clone(
                    "structureddeserialize/12.2",
                    "malformed serialization: SharedArrayBuffer length",
                ));
            }
            return object(realm.create_shared_array_buffer(data.clone(), None));
        }
        step!("structureddeserialize/13"); // growable SharedArrayBuffer
        if let Record::GrowableSharedArrayBuffer {
            data,
            max_byte_length,
            agent_cluster,
        } = serialized
        {
            step!("structureddeserialize/13.1"); // only within its agent cluster
            if realm.agent_cluster() != *agent_cluster {
                return Err(CloneError::new_data_clone(
                    "structureddeserialize/13.1",
                    "a growable SharedArrayBuffer could not be deserialized outside its agent cluster",
                ));
            }
            step!("structureddeserialize/13.2"); // a new object over the same block and length
            return object(realm.create_shared_array_buffer(data.clone(), Some(*max_byte_length)));
        }
        step!("structureddeserialize/14"); // ArrayBuffer; failure is a DataCloneError
        if let Record::ArrayBuffer { data } = serialized {
            let data = buffer_bytes(&mut self.buffer_data, id, data);
            let length = data.len();
            return match realm.create_array_buffer(data, None) {
                Ok(o) => object(o),
                Err(_) => Err(CloneError::new_data_clone(
                    "structureddeserialize/14",
                    format!("an ArrayBuffer of {length} bytes could not be allocated in the target realm"),
                )),
            };
        }
        step!("structureddeserialize/15"); // resizable ArrayBuffer; failure is a DataCloneError
        if let Record::ResizableArrayBuffer {
            data,
            max_byte_length,
        } = serialized
        {
            let data = buffer_bytes(&mut self.buffer_data, id, data);
            let length = data.len();
            return match realm.create_array_buffer(data, Some(*max_byte_length)) {
                Ok(o) => object(o),
                Err(_) => Err(CloneError::new_data_clone(
                    "structureddeserialize/15",
                    format!(
                        "a resizable ArrayBuffer of {length} bytes could not be allocated in the target realm"
                    ),
                )),
            };
        }
        step!("structureddeserialize/16"); // a view over its deserialized buffer
        if let Record::ArrayBufferView {
            constructor,
            buffer,
            byte_length,
            byte_offset,
            array_length,
        } = serialized
        {
            step!("structureddeserialize/16.1");
            let deserialized_buffer = self.deserialize(host, *buffer)?;
            let realm = &mut *self.realm;
            let Some(buffer) = deserialized_buffer
                .as_object()
                .filter(|b| realm.array_buffer(b).is_some())
            else {
                return Err(CloneError::new_data_clone(
                    "structureddeserialize/16.1",
                    "malformed serialization: a view's buffer is not an ArrayBuffer",
                ));
            };
            let mut slots = ViewSlots {
                kind: *constructor,
                buffer: buffer.clone(),
                byte_offset: *byte_offset,
                byte_length: *byte_length,
                array_length: None,
            };
            step!("structureddeserialize/16.2"); // DataView
            if *constructor == ViewKind::DataView {
                return object(realm.create_array_buffer_view(slots));
            }
            step!("structureddeserialize/16.3"); // a typed array of the named kind
            slots.array_length = *array_length;
            return object(realm.create_array_buffer_view(slots));
        }
        step!("structureddeserialize/17"); // Map: entries come later
        if let Record::Map { .. } = serialized {
            step!("structureddeserialize/17.1");
            let map = realm.create_map();
            step!("structureddeserialize/17.2");
            return Ok((Value::Object(map), true));
        }
        step!("structureddeserialize/18"); // Set: values come later
        if let Record::Set { .. } = serialized {
            step!("structureddeserialize/18.1");
            let set = realm.create_set();
            step!("structureddeserialize/18.2");
            return Ok((Value::Object(set), true));
        }
        step!("structureddeserialize/19"); // Array of the recorded length
        if let Record::Array { length, .. } = serialized {
            step!("structureddeserialize/19.1");
            step!("structureddeserialize/19.2");
            let array = realm.array_create(*length);
            step!("structureddeserialize/19.3");
            return Ok((Value::Object(array), true));
        }
        step!("structureddeserialize/20"); // ordinary object
        if let Record::Object { .. } = serialized {
            step!("structureddeserialize/20.1");
            let o = realm.ordinary_object_create();
            step!("structureddeserialize/20.2");
            return Ok((Value::Object(o), true));
        }
        step!("structureddeserialize/21"); // Error of the recorded kind
        if let Record::Error { name, message, stack } = serialized {
            return object(Self::deserialize_error(realm, *name, message, stack));
        }
        step!("structureddeserialize/22"); // a platform object of the recorded interface
        let Record::Platform { interface, .. } = serialized else {
            return Err(CloneError::new_data_clone(
                "structureddeserialize/22",
                format!("malformed serialization: unexpected record {serialized:?}"),
            ));
        };
        step!("structureddeserialize/22.1");
        step!("structureddeserialize/22.2"); // it must be exposed in the target realm
        if !host.is_exposed(interface, realm) {
            return Err(CloneError::new_data_clone(
                "structureddeserialize/22.2",
                format!("{interface} is not exposed in the target realm, so it could not be deserialized"),
            ));
        }
        step!("structureddeserialize/22.3");
        let value = host.new_instance(realm, interface)?;
        step!("structureddeserialize/22.4");
        Ok((Value::Object(value), true))
    }

    /// Step 21: a new Error with the recorded prototype, message and stack.
    fn deserialize_error(
        realm: &mut R,
        name: ErrorPrototype,
        message: &Option<crate::ecmascript::JsString>,
        stack: &Option<crate::ecmascript::JsString>,
    ) -> R::Object {
        step!("structureddeserialize/21.1"); // %Error.prototype% unless a native kind is named
        step!("structureddeserialize/21.2");
        step!("structureddeserialize/21.3");
        step!("structureddeserialize/21.4");
        step!("structureddeserialize/21.5");
        step!("structureddeserialize/21.6");
        step!("structureddeserialize/21.7");
        let prototype = name; // the record's name is already one of the seven kinds
        step!("structureddeserialize/21.8");
        step!("structureddeserialize/21.9");
        let value = realm.ordinary_error_create(prototype);
        step!("structureddeserialize/21.10"); // message: writable, configurable, not enumerable
        step!("structureddeserialize/21.11");
        if let Some(message) = message {
            let desc = PropertyDescriptor::Data {
                value: Value::String(message.clone()),
                writable: true,
                enumerable: false,
                configurable: true,
            };
            realm.ordinary_define_own_property(&value, PropertyKey::from("message"), desc);
        }
        step!("structureddeserialize/21.12");
        realm.set_error_stack(&value, stack.clone());
        step!("structureddeserialize/21.13"); // nothing further was attached
        value
    }

    /// Step 24 begins: what the contents of the new Map, Set, Array, Object
    /// or platform object are. A platform object's own deserialization steps
    /// run here and then (`None`); the others become a frame of the work
    /// stack.
    fn open_contents(
        &mut self,
        host: &mut dyn PlatformObjects<R>,
        serialized: &'r Record,
        value: &R::Object,
    ) -> Result<Option<Filling<'r, R::Object>>, CloneError<R::Object>> {
        step!("structureddeserialize/24.1"); // Map entries, appended directly
        if let Record::Map { entries } = serialized {
            return Ok(Some(Filling::Map {
                object: value.clone(),
                entries,
                next: 0,
                key: None,
            }));
        }
        step!("structureddeserialize/24.2"); // Set values, appended directly
        if let Record::Set { entries } = serialized {
            return Ok(Some(Filling::Set {
                object: value.clone(),
                entries,
                next: 0,
            }));
        }
        step!("structureddeserialize/24.3"); // properties of an Array or Object
        let (elements, properties): (&'r [Slot], _) = match serialized {
            Record::Array {
                elements, properties, ..
            } => (elements, Some(properties)),
            Record::Object { properties } => (&[], Some(properties)),
            _ => (&[], None),
        };
        if let Some(properties) = properties {
            self.realm
                .reserve_own_properties(value, elements.len() + properties.len());
            #[cfg(not(feature = "trace"))]
            let next = self.primitive_elements(value, elements)?;
            #[cfg(feature = "trace")]
            let next = 0;
            return Ok(Some(Filling::Properties {
                object: value.clone(),
                elements,
                properties,
                next,
            }));
        }
        step!("structureddeserialize/24.4"); // a platform object's own deserialization steps
        if let Record::Platform { fields, .. } = serialized {
            step!("structureddeserialize/24.4.1");
            host.deserialization_steps(self, value, fields)?;
        }
        Ok(None)
    }

    /// The bulk path for an Array's elements (issue 11): steps 24.3.1 to
    /// 24.3.1.3, with each element's steps 2 – 25 between them, for the
    /// leading elements of `elements` that are primitives kept in place,
    /// defined on the new Array `value` in one call
    /// ([`Realm::create_elements_on_new`]); returns how many. A primitive
    /// record's value is the primitive, it has no entry in *memory*, and
    /// defining an element on the fresh Array runs no code, so this is
    /// what the per-element steps would do, in the same order. Only without
    /// the `trace` feature: it marks none of the steps it stands for, so
    /// under `trace` every element takes the per-element steps and the trace
    /// and coverage see each one.
    #[cfg(not(feature = "trace"))]
    fn primitive_elements(
        &mut self,
        value: &R::Object,
        elements: &'r [Slot],
    ) -> Result<usize, CloneError<R::Object>> {
        let run = elements
            .iter()
            .take_while(|slot| matches!(slot, Slot::Primitive(_)))
            .count();
        if run == 0 {
            return Ok(0);
        }
        let mut values = elements[..run].iter().filter_map(|slot| match slot {
            Slot::Primitive(primitive) => Some(primitive_value(primitive)),
            Slot::Record(_) => None,
        });
        if !self.realm.create_elements_on_new(value, 0, &mut values) {
            return Err(CloneError::new_data_clone(
                "structureddeserialize/24.3.1.3",
                format!("elements 0 to {} could not be defined", run - 1),
            ));
        }
        Ok(run)
    }

    /// The next record the frame's loop deserializes (24.1.1 – 24.3.1.1), or
    /// `None` when its loop is over.
    fn next_child(&mut self, frame: &mut Filling<'r, R::Object>) -> Option<Next<'r>> {
        match frame {
            Filling::Map {
                entries, next, key, ..
            } => {
                let (entry_key, entry_value) = entries.get(*next)?;
                if key.is_some() {
                    // 24.1.1.2 ran when the key arrived.
                    return Some(Next::Record(*entry_value));
                }
                step!("structureddeserialize/24.1.1");
                step!("structureddeserialize/24.1.1.1");
                Some(Next::Record(*entry_key))
            }
            Filling::Set { entries, next, .. } => {
                let entry = entries.get(*next)?;
                step!("structureddeserialize/24.2.1");
                step!("structureddeserialize/24.2.1.1");
                Some(Next::Record(*entry))
            }
            Filling::Properties {
                elements,
                properties,
                next,
                ..
            } => {
                let (elements, properties): (&'r [Slot], &'r [(JsString, Slot)]) = (elements, properties);
                let entry_value = match next.checked_sub(elements.len()) {
                    None => &elements[*next],
                    Some(at) => &properties.get(at)?.1,
                };
                step!("structureddeserialize/24.3.1");
                step!("structureddeserialize/24.3.1.1");
                Some(match entry_value {
                    Slot::Record(id) => Next::Record(*id),
                    Slot::Primitive(primitive) => Next::Primitive(primitive),
                })
            }
        }
    }

    /// Takes the value of the record [`Deserializer::next_child`] asked for
    /// (24.1.1.2 – 24.3.1.3).
    fn deliver(
        &mut self,
        frame: &mut Filling<'r, R::Object>,
        child: Value<R::Object>,
    ) -> Result<(), CloneError<R::Object>> {
        match frame {
            Filling::Map {
                object, next, key, ..
            } => match key.take() {
                None => {
                    step!("structureddeserialize/24.1.1.2");
                    *key = Some(child);
                }
                Some(key) => {
                    step!("structureddeserialize/24.1.1.3");
                    *next += 1;
                    self.realm.append_map_entry(object, key, child);
                }
            },
            Filling::Set { object, next, .. } => {
                step!("structureddeserialize/24.2.1.2");
                *next += 1;
                self.realm.append_set_entry(object, child);
            }
            Filling::Properties {
                object,
                elements,
                properties,
                next,
            } => {
                let key = match next.checked_sub(elements.len()) {
                    // An element: its key is its index.
                    None => None,
                    Some(at) => match properties.get(at) {
                        Some((key, _)) => Some(key),
                        None => return Ok(()),
                    },
                };
                let index = *next;
                *next += 1;
                step!("structureddeserialize/24.3.1.2");
                // The object is the one step 19 or 20 made for this record and
                // only this loop has defined properties on it (a platform
                // object's own steps never reach here), so the definition
                // cannot fail: the realm may skip [[DefineOwnProperty]]'s checks.
                let created = match (key, u32::try_from(index)) {
                    (Some(key), _) => self.realm.create_data_property_on_new(
                        object,
                        PropertyKey::String(key.clone()),
                        child,
                    ),
                    (None, Ok(index)) => self.realm.create_element_on_new(object, index, child),
                    (None, Err(_)) => false,
                };
                step!("structureddeserialize/24.3.1.3"); // defining on a fresh object cannot fail
                if !created {
                    return Err(CloneError::new_data_clone(
                        "structureddeserialize/24.3.1.3",
                        match key {
                            Some(key) => format!("property {key:?} could not be defined"),
                            None => format!("element {index} could not be defined"),
                        },
                    ));
                }
            }
        }
        Ok(())
    }

    /// Step 25, once the value's contents are done.
    fn finish(&mut self, value: Value<R::Object>) -> Value<R::Object> {
        step!("structureddeserialize/25");
        value
    }
}

/// Step 5: a primitive record's value.
fn primitive_value<O>(primitive: &Primitive) -> Value<O> {
    match primitive {
        Primitive::Undefined => Value::Undefined,
        Primitive::Null => Value::Null,
        Primitive::Boolean(b) => Value::Boolean(*b),
        Primitive::Number(n) => Value::Number(*n),
        Primitive::BigInt(b) => Value::BigInt(b.clone()),
        Primitive::String(s) => Value::String(s.clone()),
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
