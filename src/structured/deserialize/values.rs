//! StructuredDeserialize steps 5 – 22: a new value in the target realm
//! for a record, by its [[Type]].
//!
//! <https://html.spec.whatwg.org/multipage/structured-data.html#structureddeserialize>

use super::records::Held;
use super::{Deserializer, Next, primitive_into_value, primitive_value};
use crate::ecmascript::{ErrorPrototype, PropertyDescriptor, PropertyKey, Realm, Value, ViewKind, ViewSlots};
use crate::spec::step;
use crate::structured::{CloneError, PlatformObjects, Record};
use std::sync::LazyLock;

/// The key step 21.11 defines on every Error, made once.
static MESSAGE: LazyLock<PropertyKey> = LazyLock::new(|| PropertyKey::from("message"));

/// A new value and whether its contents still need deserializing (*deep*).
type Shallow<O> = Result<(Value<O>, bool), CloneError<O>>;

impl<'r, R: Realm> Deserializer<'r, R> {
    pub(super) fn shallow_value(
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
            // A buffer record that is itself a view (not made yet) can only
            // end in the error below; refused before it is deserialized, a
            // cycle or a long chain of views (records serialization never
            // makes) cannot recurse without end.
            if self.memory.get(buffer.index()).is_none_or(Option::is_none)
                && let Some(Record::ArrayBufferView { .. }) = self.records.get(*buffer)
            {
                return Err(not_a_buffer());
            }
            let deserialized_buffer = self.deserialize(host, *buffer)?;
            let realm = &mut *self.realm;
            let Some(buffer) = deserialized_buffer
                .as_object()
                .filter(|b| realm.array_buffer(b).is_some())
            else {
                return Err(not_a_buffer());
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
            realm.ordinary_define_own_property(&value, MESSAGE.clone(), desc);
        }
        step!("structureddeserialize/21.12");
        realm.set_error_stack(&value, stack.clone());
        step!("structureddeserialize/21.13"); // nothing further was attached
        value
    }
}

/// Step 16.1's failure: the view's buffer record is not an ArrayBuffer's.
fn not_a_buffer<O>() -> CloneError<O> {
    CloneError::new_data_clone(
        "structureddeserialize/16.1",
        "malformed serialization: a view's buffer is not an ArrayBuffer",
    )
}
