//! StructuredSerializeInternal steps 7 – 24: which record an object gets
//! by the internal slots it has, and whether its contents follow (*deep*).
//!
//! <https://html.spec.whatwg.org/multipage/structured-data.html#structuredserializeinternal>

use super::Serializer;
use crate::ecmascript::{ErrorPrototype, PropertyDescriptor, PropertyKey, Realm, SlotKind, Value};
use crate::spec::step;
use crate::structured::{CloneError, PlatformObjects, Record};
use std::sync::LazyLock;

/// The key step 18.1 reads on every Array, made once.
static LENGTH: LazyLock<PropertyKey> = LazyLock::new(|| PropertyKey::from("length"));
/// The keys step 17 reads on every Error, made once.
static NAME: LazyLock<PropertyKey> = LazyLock::new(|| PropertyKey::from("name"));
static MESSAGE: LazyLock<PropertyKey> = LazyLock::new(|| PropertyKey::from("message"));

impl<R: Realm> Serializer<'_, R> {
    /// Steps 7 – 24: the record for `value` by the internal slots it has, and
    /// whether its contents still need serializing (*deep*).
    pub(super) fn shallow_record(
        &mut self,
        host: &mut dyn PlatformObjects<R>,
        value: &R::Object,
    ) -> Result<(Record, bool), CloneError<R::Object>> {
        // The realm says once which case below applies; each step consults
        // that answer where the standard asks its question.
        let kind = self.realm.slot_kind(value);
        step!("structuredserializeinternal/7"); // Boolean object
        if let SlotKind::Boolean(b) = kind {
            return Ok((Record::Boolean(b), false));
        }
        step!("structuredserializeinternal/8"); // Number object
        if let SlotKind::Number(n) = kind {
            return Ok((Record::Number(n), false));
        }
        step!("structuredserializeinternal/9"); // BigInt object
        if let SlotKind::BigInt(b) = kind {
            return Ok((Record::BigInt(b), false));
        }
        step!("structuredserializeinternal/10"); // String object
        if let SlotKind::String(s) = kind {
            return Ok((Record::String(s), false));
        }
        step!("structuredserializeinternal/11"); // Date
        if let SlotKind::Date(t) = kind {
            return Ok((Record::Date(t), false));
        }
        step!("structuredserializeinternal/12"); // RegExp: source and flags
        if let SlotKind::RegExp { source, flags } = kind {
            return Ok((Record::RegExp { source, flags }, false));
        }
        step!("structuredserializeinternal/13"); // ArrayBuffer or SharedArrayBuffer
        if matches!(kind, SlotKind::ArrayBuffer) {
            return Ok((self.serialize_array_buffer(value)?, false));
        }
        step!("structuredserializeinternal/14"); // TypedArray or DataView
        if matches!(kind, SlotKind::ArrayBufferView) {
            return Ok((self.serialize_view(host, value)?, false));
        }
        step!("structuredserializeinternal/15"); // Map: entries come later
        if matches!(kind, SlotKind::Map) {
            step!("structuredserializeinternal/15.1");
            step!("structuredserializeinternal/15.2");
            return Ok((Record::Map { entries: Vec::new() }, true));
        }
        step!("structuredserializeinternal/16"); // Set: values come later
        if matches!(kind, SlotKind::Set) {
            step!("structuredserializeinternal/16.1");
            step!("structuredserializeinternal/16.2");
            return Ok((Record::Set { entries: Vec::new() }, true));
        }
        step!("structuredserializeinternal/17"); // Error objects (not DOMException)
        if matches!(kind, SlotKind::Error) {
            return Ok((self.serialize_error(value)?, false));
        }
        step!("structuredserializeinternal/18"); // Array exotic objects
        if matches!(kind, SlotKind::Array) {
            step!("structuredserializeinternal/18.1"); // read length without running code
            let length_desc = self.realm.ordinary_get_own_property(value, &LENGTH);
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
        step!("structuredserializeinternal/19"); // serializable platform objects
        if let SlotKind::Platform(slots) = &kind
            && host.is_serializable(&slots.interface)
        {
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
        if let SlotKind::Platform(slots) = kind {
            return Err(CloneError::new_data_clone(
                "structuredserializeinternal/20",
                format!(
                    "{} objects could not be cloned: the interface is not serializable",
                    slots.interface
                ),
            ));
        }
        step!("structuredserializeinternal/21"); // functions cannot be
        if matches!(kind, SlotKind::Callable) {
            return Err(CloneError::new_data_clone(
                "structuredserializeinternal/21",
                "functions could not be cloned",
            ));
        }
        step!("structuredserializeinternal/22"); // nor objects with other internal slots
        if let SlotKind::OtherInternalSlot(slot) = kind {
            return Err(CloneError::new_data_clone(
                "structuredserializeinternal/22",
                format!("an object with a {slot} internal slot could not be cloned"),
            ));
        }
        step!("structuredserializeinternal/23"); // nor exotic objects, but %Object.prototype%
        if let SlotKind::Exotic(kind) = kind {
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
        let name = realm.get(value, &NAME)?;
        step!("structuredserializeinternal/17.2"); // names other than the native ones become "Error"
        let name = match &name {
            Value::String(s) => ErrorPrototype::from_code_units(s.code_units()),
            _ => None,
        }
        .unwrap_or(ErrorPrototype::Error);
        step!("structuredserializeinternal/17.3"); // only an own message counts
        let message_desc = realm.get_own_property(value, &MESSAGE)?;
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
}
