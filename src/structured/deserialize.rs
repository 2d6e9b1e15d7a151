//! StructuredDeserialize: records back into values of a target realm.
//!
//! <https://html.spec.whatwg.org/multipage/structured-data.html#structureddeserialize>

use super::serialize::{RED_ZONE, STACK_SEGMENT};
use super::{CloneError, PlatformObjects, Primitive, Record, RecordId, Serialized};
use crate::ecmascript::{ErrorPrototype, PropertyDescriptor, PropertyKey, Realm, Value, ViewKind, ViewSlots};
use crate::spec::step;

/// A new value and whether its contents still need deserializing (*deep*).
type Shallow<O> = Result<(Value<O>, bool), CloneError<O>>;

/// One run of StructuredDeserialize: the target realm, the records, and the
/// *memory* map (indexed by record, since records are arena entries).
///
/// Deserialization steps of platform objects receive it to perform
/// sub-deserializations.
pub struct Deserializer<'r, R: Realm> {
    realm: &'r mut R,
    serialized: &'r Serialized,
    memory: Vec<Option<Value<R::Object>>>,
    transferred: Vec<Value<R::Object>>,
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
        Deserializer {
            realm,
            serialized,
            memory,
            transferred,
        }
    }

    /// The target realm.
    pub fn realm(&mut self) -> &mut R {
        self.realm
    }

    /// A sub-deserialization: StructuredDeserialize(*subSerialized*,
    /// *targetRealm*, *memory*) within this run.
    ///
    /// <https://html.spec.whatwg.org/multipage/structured-data.html#sub-deserialization>
    pub fn sub_deserialization(
        &mut self,
        host: &mut dyn PlatformObjects<R>,
        record: RecordId,
    ) -> Result<Value<R::Object>, CloneError<R::Object>> {
        self.deserialize(host, record)
    }

    /// StructuredDeserialize(*serialized*, *targetRealm*, *memory*), steps 2
    /// onward, recursing as deep as the records do.
    ///
    /// <https://html.spec.whatwg.org/multipage/structured-data.html#structureddeserialize>
    pub(crate) fn deserialize(
        &mut self,
        host: &mut dyn PlatformObjects<R>,
        id: RecordId,
    ) -> Result<Value<R::Object>, CloneError<R::Object>> {
        stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || self.deserialize_record(host, id))
    }

    fn record(&self, id: RecordId) -> Result<&'r Record, CloneError<R::Object>> {
        let serialized: &'r Serialized = self.serialized;
        serialized.get(id).ok_or_else(|| {
            CloneError::data_clone(
                "structureddeserialize/2",
                format!(
                    "malformed serialization: record {} does not exist ({} records)",
                    id.0,
                    serialized.records.len()
                ),
            )
        })
    }

    fn deserialize_record(
        &mut self,
        host: &mut dyn PlatformObjects<R>,
        id: RecordId,
    ) -> Result<Value<R::Object>, CloneError<R::Object>> {
        let serialized = self.record(id)?;
        step!("structureddeserialize/2"); // made before: the same value again
        if let Some(Some(value)) = self.memory.get(id.index()) {
            return Ok(value.clone());
        }
        if let Record::Transferred { holder } = serialized {
            // The record StructuredDeserializeWithTransfer put in memory for a
            // transfer data holder (its step 3.5).
            return self.transferred.get(*holder).cloned().ok_or_else(|| {
                CloneError::data_clone(
                    "structureddeserialize/2",
                    format!("malformed serialization: no transfer data holder {holder}"),
                )
            });
        }
        step!("structureddeserialize/3"); // deep starts false
        step!("structureddeserialize/4"); // value starts uninitialized
        let (value, deep) = self.shallow_value(host, serialized)?;

        step!("structureddeserialize/23"); // remember the value before filling it
        self.memory[id.index()] = Some(value.clone());

        step!("structureddeserialize/24"); // deep: fill in what the record holds
        if deep && let Value::Object(object) = &value {
            self.deserialize_contents(host, serialized, object)?;
        }
        step!("structureddeserialize/25");
        Ok(value)
    }

    /// Steps 5 – 22: a new value for the record, and whether its contents
    /// still need deserializing (*deep*).
    #[inline(never)] // keeps its locals out of the recursion's frames
    fn shallow_value(
        &mut self,
        host: &mut dyn PlatformObjects<R>,
        serialized: &'r Record,
    ) -> Shallow<R::Object> {
        let realm = &mut *self.realm;
        let object = |o| Ok((Value::Object(o), false));
        step!("structureddeserialize/5"); // primitives are themselves
        if let Record::Primitive(primitive) = serialized {
            let value = match primitive {
                Primitive::Undefined => Value::Undefined,
                Primitive::Null => Value::Null,
                Primitive::Boolean(b) => Value::Boolean(*b),
                Primitive::Number(n) => Value::Number(*n),
                Primitive::BigInt(b) => Value::BigInt(b.clone()),
                Primitive::String(s) => Value::String(s.clone()),
            };
            return Ok((value, false));
        }
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
                return Err(CloneError::data_clone(
                    "structureddeserialize/12.1",
                    "a SharedArrayBuffer could not be deserialized outside its agent cluster",
                ));
            }
            step!("structureddeserialize/12.2"); // a new object over the same block
            if data.len() != *byte_length {
                return Err(CloneError::data_clone(
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
                return Err(CloneError::data_clone(
                    "structureddeserialize/13.1",
                    "a growable SharedArrayBuffer could not be deserialized outside its agent cluster",
                ));
            }
            step!("structureddeserialize/13.2"); // a new object over the same block and length
            return object(realm.create_shared_array_buffer(data.clone(), Some(*max_byte_length)));
        }
        step!("structureddeserialize/14"); // ArrayBuffer; failure is a DataCloneError
        if let Record::ArrayBuffer { data } = serialized {
            return match realm.create_array_buffer(data.clone(), None) {
                Ok(o) => object(o),
                Err(_) => Err(CloneError::data_clone(
                    "structureddeserialize/14",
                    format!(
                        "an ArrayBuffer of {} bytes could not be allocated in the target realm",
                        data.len()
                    ),
                )),
            };
        }
        step!("structureddeserialize/15"); // resizable ArrayBuffer; failure is a DataCloneError
        if let Record::ResizableArrayBuffer {
            data,
            max_byte_length,
        } = serialized
        {
            return match realm.create_array_buffer(data.clone(), Some(*max_byte_length)) {
                Ok(o) => object(o),
                Err(_) => Err(CloneError::data_clone(
                    "structureddeserialize/15",
                    format!(
                        "a resizable ArrayBuffer of {} bytes could not be allocated in the target realm",
                        data.len()
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
                return Err(CloneError::data_clone(
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
            return Err(CloneError::data_clone(
                "structureddeserialize/22",
                format!("malformed serialization: unexpected record {serialized:?}"),
            ));
        };
        step!("structureddeserialize/22.1");
        step!("structureddeserialize/22.2"); // it must be exposed in the target realm
        if !host.is_exposed(interface, realm) {
            return Err(CloneError::data_clone(
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
    #[inline(never)] // keeps its locals out of the recursion's frames
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

    /// Step 24: fill in a Map, Set, Array, Object or platform object.
    fn deserialize_contents(
        &mut self,
        host: &mut dyn PlatformObjects<R>,
        serialized: &'r Record,
        value: &R::Object,
    ) -> Result<(), CloneError<R::Object>> {
        step!("structureddeserialize/24.1"); // Map entries, appended directly
        if let Record::Map { entries } = serialized {
            for (key, entry_value) in entries {
                step!("structureddeserialize/24.1.1");
                step!("structureddeserialize/24.1.1.1");
                let key = self.deserialize(host, *key)?;
                step!("structureddeserialize/24.1.1.2");
                let entry_value = self.deserialize(host, *entry_value)?;
                step!("structureddeserialize/24.1.1.3");
                self.realm.append_map_entry(value, key, entry_value);
            }
            return Ok(());
        }
        step!("structureddeserialize/24.2"); // Set values, appended directly
        if let Record::Set { entries } = serialized {
            for entry in entries {
                step!("structureddeserialize/24.2.1");
                step!("structureddeserialize/24.2.1.1");
                let entry = self.deserialize(host, *entry)?;
                step!("structureddeserialize/24.2.1.2");
                self.realm.append_set_entry(value, entry);
            }
            return Ok(());
        }
        step!("structureddeserialize/24.3"); // properties of an Array or Object
        if let Record::Array { properties, .. } | Record::Object { properties } = serialized {
            for (key, entry_value) in properties {
                step!("structureddeserialize/24.3.1");
                step!("structureddeserialize/24.3.1.1");
                let entry_value = self.deserialize(host, *entry_value)?;
                step!("structureddeserialize/24.3.1.2");
                let created =
                    self.realm
                        .create_data_property(value, PropertyKey::String(key.clone()), entry_value);
                step!("structureddeserialize/24.3.1.3"); // defining on a fresh object cannot fail
                if !created {
                    return Err(CloneError::data_clone(
                        "structureddeserialize/24.3.1.3",
                        format!("property {key:?} could not be defined"),
                    ));
                }
            }
            return Ok(());
        }
        step!("structureddeserialize/24.4"); // a platform object's own deserialization steps
        if let Record::Platform { fields, .. } = serialized {
            step!("structureddeserialize/24.4.1");
            host.deserialization_steps(self, value, fields)?;
        }
        Ok(())
    }
}

/// StructuredDeserialize(*serialized*, *targetRealm*): a new value in the
/// target realm from a serialization.
///
/// <https://html.spec.whatwg.org/multipage/structured-data.html#structureddeserialize>
pub fn structured_deserialize<R: Realm>(
    realm: &mut R,
    host: &mut dyn PlatformObjects<R>,
    serialized: &Serialized,
) -> Result<Value<R::Object>, CloneError<R::Object>> {
    let mut deserializer = Deserializer::new(realm, serialized);
    deserializer.deserialize(host, serialized.root)
}
