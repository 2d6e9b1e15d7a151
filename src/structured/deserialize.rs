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
/// standard's recursion (see `Serializer::serialize_internal`). Each frame
/// holds its record: when the run owns the records, the frame's end drops
/// what the record held (see [`Held`]).
enum Filling<'r, O> {
    /// Steps 24.1.1.x over a Map record's entries; `key` is the entry's key
    /// once deserialized.
    Map {
        object: O,
        record: Held<'r>,
        next: usize,
        key: Option<Value<O>>,
    },
    /// Steps 24.2.1.x over a Set record's entries.
    Set {
        object: O,
        record: Held<'r>,
        next: usize,
    },
    /// Steps 24.3.1.x: an Array record's key-less elements (the
    /// properties `"0"`, `"1"`, …), then the properties with keys (an
    /// Object record has only these); `next` counts through both.
    Properties {
        object: O,
        record: Held<'r>,
        next: usize,
    },
}

/// What a frame asks to be deserialized next: a record of the arena, or a
/// primitive record kept in place inside a property (see [`Slot`]), taken
/// out of the property (or copied, when the records are borrowed).
enum Next {
    Record(RecordId),
    Primitive(Primitive),
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

/// The records a run reads: borrowed from the caller, or owned by the run
/// (StructuredDeserializeWithTransfer, and so `structuredClone`, consumes
/// its serialization).
enum Records<'r> {
    Borrowed(&'r [Record]),
    Owned(Vec<Record>),
}

/// One record while its steps run: borrowed, or moved out of owned
/// records. An owned record is dropped, and what it holds freed, once its
/// value is an object and its contents are done (issue 11: the records of
/// a large clone no longer all stay alive to the end). That is safe
/// because step 23 put the object in *memory* first: every later reference
/// to the record ends at step 2 and never reads the record again. A record
/// whose value is not an object (a primitive record, which *memory* does
/// not keep) goes back into the arena, as it may be read again.
enum Held<'r> {
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
    fn buffer_bytes(&mut self) -> Option<Vec<u8>> {
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

    /// The [[Value]] of property `at` of an Array or Object record
    /// (elements first), or `None` past the last. A primitive kept in place
    /// moves out of an owned record (each property is read once) and is
    /// copied from a borrowed one.
    fn property_value(&mut self, at: usize) -> Option<Next> {
        let slot = match self {
            Held::Borrowed(record) => {
                let (elements, properties) = property_slots(record);
                return match at.checked_sub(elements.len()) {
                    None => elements.get(at),
                    Some(at) => properties.get(at).map(|(_, slot)| slot),
                }
                .map(|slot| match slot {
                    Slot::Record(id) => Next::Record(*id),
                    Slot::Primitive(primitive) => Next::Primitive(primitive.clone()),
                });
            }
            Held::Owned(Record::Array {
                elements, properties, ..
            }) => match at.checked_sub(elements.len()) {
                None => elements.get_mut(at),
                Some(at) => properties.get_mut(at).map(|(_, slot)| slot),
            },
            Held::Owned(Record::Object { properties }) => properties.get_mut(at).map(|(_, slot)| slot),
            Held::Owned(_) => None,
        }?;
        Some(match slot {
            Slot::Record(id) => Next::Record(*id),
            Slot::Primitive(primitive) => Next::Primitive(std::mem::replace(primitive, Primitive::Undefined)),
        })
    }
}

/// An Array record's elements and keyed properties, or an Object record's
/// properties; nothing for other records.
fn property_slots(record: &Record) -> (&[Slot], &[(JsString, Slot)]) {
    match record {
        Record::Array {
            elements, properties, ..
        } => (elements, properties),
        Record::Object { properties } => (&[], properties),
        _ => (&[], &[]),
    }
}

impl Records<'_> {
    fn len(&self) -> usize {
        match self {
            Records::Borrowed(records) => records.len(),
            Records::Owned(records) => records.len(),
        }
    }

    fn get(&self, id: RecordId) -> Option<&Record> {
        match self {
            Records::Borrowed(records) => records.get(id.index()),
            Records::Owned(records) => records.get(id.index()),
        }
    }
}

impl<'r> Records<'r> {
    /// Record `id` (in range) for its steps; an owned one leaves a
    /// placeholder behind (see [`Held`]).
    fn take(&mut self, id: RecordId) -> Held<'r> {
        match self {
            Records::Borrowed(records) => Held::Borrowed(&records[id.index()]),
            Records::Owned(records) => Held::Owned(std::mem::replace(
                &mut records[id.index()],
                Record::Primitive(Primitive::Undefined),
            )),
        }
    }

    /// Puts back a record whose value is not an object (see [`Held`]).
    fn restore(&mut self, id: RecordId, held: Held<'r>) {
        if let (Records::Owned(records), Held::Owned(record)) = (self, held) {
            records[id.index()] = record;
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
    /// is complete (see [`Held`]).
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
            (Value::Object(object), _, Some(held)) if deep => {
                if let Some(frame) = self.open_contents(host, held, object)? {
                    stack.push(frame);
                    return Ok(None);
                }
            }
            // Not an object, so not in memory: the record may be read again.
            (Value::Object(_), ..) => {}
            (_, Some(id), Some(held)) => self.records.restore(id, held),
            _ => {}
        }
        Ok(Some(self.finish(value)))
    }

    /// Steps 5 – 22: a new value for the record, and whether its contents
    /// still need deserializing (*deep*).
    fn shallow_value(
        &mut self,
        host: &mut dyn PlatformObjects<R>,
        next: Next,
        held: Option<&mut Held<'r>>,
    ) -> Shallow<R::Object> {
        let object = |o| Ok((Value::Object(o), false));
        step!("structureddeserialize/5"); // primitives are themselves
        let held = match (next, held) {
            (Next::Primitive(primitive), _) => return Ok((primitive_into_value(primitive), false)),
            (Next::Record(_), Some(held)) => held,
            (Next::Record(id), None) => {
                return Err(CloneError::new_data_clone(
                    "structureddeserialize/2",
                    format!("malformed serialization: record {} does not exist", id.0),
                ));
            }
        };
        if let Record::Primitive(primitive) = &**held {
            return Ok((primitive_value(primitive), false));
        }
        // Steps 14 and 15 take these (moved out of owned records).
        let buffer_bytes = held.buffer_bytes();
        let serialized: &Record = held;
        let realm = &mut *self.realm;
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
        if let Record::ArrayBuffer { .. } = serialized {
            let data = buffer_bytes.unwrap_or_default();
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
        if let Record::ResizableArrayBuffer { max_byte_length, .. } = serialized {
            let data = buffer_bytes.unwrap_or_default();
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
    /// stack, which keeps the record until its loop is over.
    fn open_contents(
        &mut self,
        host: &mut dyn PlatformObjects<R>,
        record: Held<'r>,
        value: &R::Object,
    ) -> Result<Option<Filling<'r, R::Object>>, CloneError<R::Object>> {
        step!("structureddeserialize/24.1"); // Map entries, appended directly
        if let Record::Map { .. } = *record {
            return Ok(Some(Filling::Map {
                object: value.clone(),
                record,
                next: 0,
                key: None,
            }));
        }
        step!("structureddeserialize/24.2"); // Set values, appended directly
        if let Record::Set { .. } = *record {
            return Ok(Some(Filling::Set {
                object: value.clone(),
                record,
                next: 0,
            }));
        }
        step!("structureddeserialize/24.3"); // properties of an Array or Object
        if let Record::Array { .. } | Record::Object { .. } = *record {
            let (elements, properties) = property_slots(&record);
            self.realm
                .reserve_own_properties(value, elements.len() + properties.len());
            #[cfg(not(feature = "trace"))]
            let next = self.primitive_elements(value, elements)?;
            #[cfg(feature = "trace")]
            let next = 0;
            return Ok(Some(Filling::Properties {
                object: value.clone(),
                record,
                next,
            }));
        }
        step!("structureddeserialize/24.4"); // a platform object's own deserialization steps
        if let Record::Platform { fields, .. } = &*record {
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
        elements: &[Slot],
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
    fn next_child(&mut self, frame: &mut Filling<'r, R::Object>) -> Option<Next> {
        match frame {
            Filling::Map {
                record, next, key, ..
            } => {
                let Record::Map { entries } = &**record else {
                    return None;
                };
                let (entry_key, entry_value) = entries.get(*next)?;
                if key.is_some() {
                    // 24.1.1.2 ran when the key arrived.
                    return Some(Next::Record(*entry_value));
                }
                step!("structureddeserialize/24.1.1");
                step!("structureddeserialize/24.1.1.1");
                Some(Next::Record(*entry_key))
            }
            Filling::Set { record, next, .. } => {
                let Record::Set { entries } = &**record else {
                    return None;
                };
                let entry = entries.get(*next)?;
                step!("structureddeserialize/24.2.1");
                step!("structureddeserialize/24.2.1.1");
                Some(Next::Record(*entry))
            }
            Filling::Properties { record, next, .. } => {
                let entry_value = record.property_value(*next)?;
                step!("structureddeserialize/24.3.1");
                step!("structureddeserialize/24.3.1.1");
                Some(entry_value)
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
            Filling::Properties { object, record, next } => {
                let (elements, properties) = property_slots(record);
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
    primitive_into_value(primitive.clone())
}

/// Step 5, for a primitive record the run holds (one kept in place in a
/// property, moved or copied out of it): its value, without another copy.
fn primitive_into_value<O>(primitive: Primitive) -> Value<O> {
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
