//! `impl Realm for Heap`: the built-in realm answers the trait from its
//! objects' kinds and properties.
//!
//! A handle this heap does not hold (from another heap, or past its end) is
//! an object with no internal slots and no properties: slot readers answer
//! `None` or false, [[Get]] gives undefined, definitions fail, and the
//! operations that must produce something throw a TypeError.

use super::{ArrayBufferState, Heap, ObjectId, ObjectKind, OwnProperty, RegExpSlots, SharedDataBlock};
use crate::ecmascript::{
    AgentClusterId, ArrayBufferSlots, BigInt, ErrorPrototype, Exception, JsString, PlatformObjectSlots,
    PropertyDescriptor, PropertyKey, Realm, SlotKind, Value, ViewKind, ViewSlots,
};

fn descriptor(property: OwnProperty) -> PropertyDescriptor<ObjectId> {
    match property {
        OwnProperty::Data {
            value,
            writable,
            enumerable,
            configurable,
        } => PropertyDescriptor::Data {
            value,
            writable,
            enumerable,
            configurable,
        },
        OwnProperty::Accessor {
            enumerable,
            configurable,
            ..
        } => PropertyDescriptor::Accessor {
            enumerable,
            configurable,
        },
    }
}

impl Heap {
    fn kind(&self, o: ObjectId) -> Option<&ObjectKind> {
        self.get_object(o).map(|object| &object.kind)
    }
}

impl Realm for Heap {
    type Object = ObjectId;

    fn agent_cluster(&self) -> AgentClusterId {
        self.agent_cluster
    }

    fn cross_origin_isolated_capability(&self) -> bool {
        self.cross_origin_isolated
    }

    // ----- internal slots (read from the object's kind, see `slots`) -----

    fn boolean_data(&self, o: &ObjectId) -> Option<bool> {
        self.kind(*o)?.boolean_data()
    }

    fn number_data(&self, o: &ObjectId) -> Option<f64> {
        self.kind(*o)?.number_data()
    }

    fn bigint_data(&self, o: &ObjectId) -> Option<BigInt> {
        self.kind(*o)?.bigint_data()
    }

    fn string_data(&self, o: &ObjectId) -> Option<JsString> {
        self.kind(*o)?.string_data()
    }

    fn date_value(&self, o: &ObjectId) -> Option<f64> {
        self.kind(*o)?.date_value()
    }

    fn regexp_source_and_flags(&self, o: &ObjectId) -> Option<(JsString, JsString)> {
        self.kind(*o)?.regexp_source_and_flags()
    }

    fn array_buffer(&self, o: &ObjectId) -> Option<ArrayBufferSlots> {
        self.kind(*o)?.array_buffer_slots()
    }

    fn array_buffer_view(&self, o: &ObjectId) -> Option<ViewSlots<ObjectId>> {
        self.kind(*o)?.view_slots()
    }

    fn map_data(&self, o: &ObjectId) -> Option<Vec<Option<(Value<ObjectId>, Value<ObjectId>)>>> {
        self.kind(*o)?.map_data()
    }

    fn set_data(&self, o: &ObjectId) -> Option<Vec<Option<Value<ObjectId>>>> {
        self.kind(*o)?.set_data()
    }

    fn has_map_data(&self, o: &ObjectId) -> bool {
        matches!(self.kind(*o), Some(ObjectKind::Map(_)))
    }

    fn has_set_data(&self, o: &ObjectId) -> bool {
        matches!(self.kind(*o), Some(ObjectKind::Set(_)))
    }

    fn has_error_data(&self, o: &ObjectId) -> bool {
        matches!(self.kind(*o), Some(ObjectKind::Error { .. }))
    }

    fn error_stack(&self, o: &ObjectId) -> Option<JsString> {
        self.kind(*o)?.error_stack()
    }

    fn is_array_exotic(&self, o: &ObjectId) -> bool {
        matches!(self.kind(*o), Some(ObjectKind::Array { .. }))
    }

    fn platform_object(&self, o: &ObjectId) -> Option<PlatformObjectSlots> {
        self.kind(*o)?.platform_object()
    }

    fn other_internal_slot(&self, o: &ObjectId) -> Option<&'static str> {
        self.kind(*o)?.other_internal_slot()
    }

    fn exotic_kind(&self, o: &ObjectId) -> Option<&'static str> {
        self.kind(*o)?.exotic_kind()
    }

    fn is_object_prototype_intrinsic(&self, o: &ObjectId) -> bool {
        matches!(self.kind(*o), Some(ObjectKind::ObjectPrototype))
    }

    fn slot_kind(&self, o: &ObjectId) -> SlotKind {
        self.kind(*o).map_or(SlotKind::Ordinary, ObjectKind::slot_kind)
    }

    // ----- abstract operations and internal methods -----

    fn is_shared_array_buffer(&self, o: &ObjectId) -> bool {
        matches!(self.buffer_state(*o), Some(ArrayBufferState::Shared { .. }))
    }

    fn is_detached_buffer(&self, o: &ObjectId) -> bool {
        self.is_detached(*o)
    }

    fn create_byte_data_block(&mut self, size: usize) -> Result<Vec<u8>, Exception<ObjectId>> {
        self.byte_data_block(size)
    }

    fn copy_data_block_bytes(
        &self,
        to_block: &mut [u8],
        to_index: usize,
        from: &ObjectId,
        from_index: usize,
        count: usize,
    ) {
        self.copy_bytes(to_block, to_index, *from, from_index, count);
    }

    fn is_array_buffer_view_out_of_bounds(&self, o: &ObjectId) -> bool {
        self.view_out_of_bounds(*o)
    }

    fn detach_array_buffer(&mut self, o: &ObjectId) -> Result<Vec<u8>, Exception<ObjectId>> {
        self.detach(*o)
    }

    fn get(&mut self, o: &ObjectId, key: &PropertyKey) -> Result<Value<ObjectId>, Exception<ObjectId>> {
        self.get_property(*o, key)
    }

    fn get_own_property(
        &mut self,
        o: &ObjectId,
        key: &PropertyKey,
    ) -> Result<Option<PropertyDescriptor<ObjectId>>, Exception<ObjectId>> {
        Ok(self.own_property(*o, key).map(descriptor))
    }

    fn ordinary_get_own_property(
        &self,
        o: &ObjectId,
        key: &PropertyKey,
    ) -> Option<PropertyDescriptor<ObjectId>> {
        self.ordinary_own_property(*o, key).map(descriptor)
    }

    fn to_string(&mut self, value: &Value<ObjectId>) -> Result<JsString, Exception<ObjectId>> {
        self.to_js_string(value)
    }

    fn is_callable(&self, o: &ObjectId) -> bool {
        matches!(self.kind(*o), Some(ObjectKind::Function))
    }

    fn enumerable_own_property_keys(&mut self, o: &ObjectId) -> Vec<JsString> {
        self.enumerable_own_string_keys(*o)
    }

    fn has_own_property(&mut self, o: &ObjectId, key: &PropertyKey) -> bool {
        self.own_property(*o, key).is_some()
    }

    /// One lookup: an own data property's [[Get]] is its value.
    fn own_data_value(&mut self, o: &ObjectId, key: &PropertyKey) -> Option<Option<Value<ObjectId>>> {
        Heap::own_data_value(self, *o, key)
    }

    // ----- object creation -----

    fn create_boolean_object(&mut self, b: bool) -> ObjectId {
        self.alloc(ObjectKind::BooleanWrapper(b))
    }

    fn create_number_object(&mut self, n: f64) -> ObjectId {
        self.alloc(ObjectKind::NumberWrapper(n))
    }

    fn create_bigint_object(&mut self, b: BigInt) -> ObjectId {
        self.alloc(ObjectKind::BigIntWrapper(b))
    }

    fn create_string_object(&mut self, s: JsString) -> ObjectId {
        self.alloc(ObjectKind::StringWrapper(s))
    }

    fn create_date(&mut self, time: f64) -> ObjectId {
        self.alloc(ObjectKind::Date(time))
    }

    /// The heap compiles no patterns, so any source and flags are accepted.
    fn create_regexp(&mut self, source: JsString, flags: JsString) -> Result<ObjectId, Exception<ObjectId>> {
        let regexp = self.alloc(ObjectKind::RegExp(Box::new(RegExpSlots { source, flags })));
        let last_index = OwnProperty::Data {
            value: Value::Number(0.0),
            writable: true,
            enumerable: false,
            configurable: false,
        };
        self.define_property(regexp, super::conversion::name_key("lastIndex"), last_index);
        Ok(regexp)
    }

    fn create_array_buffer(
        &mut self,
        data: Vec<u8>,
        max_byte_length: Option<usize>,
    ) -> Result<ObjectId, Exception<ObjectId>> {
        if !self.take_allocation(data.len()) {
            return self.throw(ErrorPrototype::RangeError, "Array buffer allocation failed");
        }
        Ok(
            self.alloc(ObjectKind::ArrayBuffer(Box::new(ArrayBufferState::Owned {
                data: Some(data),
                max_byte_length,
                detach_key: false,
            }))),
        )
    }

    fn create_shared_array_buffer(
        &mut self,
        block: SharedDataBlock,
        max_byte_length: Option<usize>,
    ) -> ObjectId {
        self.alloc(ObjectKind::ArrayBuffer(Box::new(ArrayBufferState::Shared {
            block,
            max_byte_length,
        })))
    }

    /// A TypedArray keeps [[ArrayLength]] (or, lacking it, [[ByteLength]]
    /// over the element size); a DataView keeps [[ByteLength]].
    fn create_array_buffer_view(&mut self, slots: ViewSlots<ObjectId>) -> ObjectId {
        let length = match slots.kind {
            ViewKind::DataView => slots.byte_length,
            kind => slots
                .array_length
                .or_else(|| slots.byte_length.map(|bytes| bytes / kind.element_size())),
        };
        self.alloc(ObjectKind::View {
            kind: slots.kind,
            buffer: slots.buffer,
            byte_offset: slots.byte_offset,
            length,
        })
    }

    fn create_map(&mut self) -> ObjectId {
        self.alloc(ObjectKind::Map(Vec::new()))
    }

    fn append_map_entry(&mut self, map: &ObjectId, key: Value<ObjectId>, value: Value<ObjectId>) {
        if let Some(ObjectKind::Map(entries)) = self.kind_mut(*map) {
            entries.push(Some((key, value)));
        }
    }

    fn create_set(&mut self) -> ObjectId {
        self.alloc(ObjectKind::Set(Vec::new()))
    }

    fn append_set_entry(&mut self, set: &ObjectId, value: Value<ObjectId>) {
        if let Some(ObjectKind::Set(entries)) = self.kind_mut(*set) {
            entries.push(Some(value));
        }
    }

    fn array_create(&mut self, length: u32) -> ObjectId {
        self.alloc(ObjectKind::Array { length })
    }

    fn ordinary_object_create(&mut self) -> ObjectId {
        self.alloc(ObjectKind::Ordinary)
    }

    fn ordinary_error_create(&mut self, prototype: ErrorPrototype) -> ObjectId {
        self.alloc(ObjectKind::Error {
            prototype,
            stack: None,
        })
    }

    /// The heap's getters are fixed values, not functions, so an accessor
    /// descriptor cannot be defined through this method: it returns false.
    fn ordinary_define_own_property(
        &mut self,
        o: &ObjectId,
        key: PropertyKey,
        desc: PropertyDescriptor<ObjectId>,
    ) -> bool {
        match desc {
            PropertyDescriptor::Data {
                value,
                writable,
                enumerable,
                configurable,
            } => {
                let property = OwnProperty::Data {
                    value,
                    writable,
                    enumerable,
                    configurable,
                };
                self.define_own_property(*o, key, property)
            }
            PropertyDescriptor::Accessor { .. } => false,
        }
    }

    fn set_error_stack(&mut self, o: &ObjectId, stack: Option<JsString>) {
        if let Some(ObjectKind::Error { stack: slot, .. }) = self.kind_mut(*o) {
            *slot = stack;
        }
    }

    fn create_data_property(&mut self, o: &ObjectId, key: PropertyKey, value: Value<ObjectId>) -> bool {
        self.create_data_property_on(*o, key, value)
    }

    fn create_data_property_on_new(
        &mut self,
        o: &ObjectId,
        key: PropertyKey,
        value: Value<ObjectId>,
    ) -> bool {
        Heap::create_data_property_on_new(self, *o, key, value)
    }

    /// The heap's shared copy of the name, as [`Heap::define_property`]
    /// shares the names it is given.
    fn property_key_from_code_units(&mut self, units: &[u16]) -> JsString {
        self.name_from_code_units(units)
    }

    fn append_enumerable_own_property_keys_after_elements(
        &mut self,
        o: &ObjectId,
        keys: &mut Vec<JsString>,
    ) -> u32 {
        self.append_enumerable_own_string_keys_after_elements(*o, keys)
    }

    fn own_element_value(&mut self, o: &ObjectId, index: u32) -> Option<Option<Value<ObjectId>>> {
        Heap::own_element_value(self, *o, index)
    }

    fn create_element_on_new(&mut self, o: &ObjectId, index: u32, value: Value<ObjectId>) -> bool {
        Heap::create_element_on_new(self, *o, index, value)
    }

    fn visit_primitive_elements(
        &self,
        array: &ObjectId,
        first: u32,
        end: u32,
        visitor: &mut dyn FnMut(&Value<ObjectId>),
    ) -> u32 {
        Heap::visit_primitive_elements(self, *array, first, end, visitor)
    }

    fn visit_primitive_properties(
        &self,
        o: &ObjectId,
        visitor: &mut dyn FnMut(&JsString, &Value<ObjectId>),
    ) -> bool {
        Heap::visit_primitive_properties(self, *o, visitor)
    }

    fn create_elements_on_new(
        &mut self,
        array: &ObjectId,
        first: u32,
        values: &mut dyn Iterator<Item = Value<ObjectId>>,
    ) -> bool {
        Heap::create_elements_on_new(self, *array, first, values)
    }

    /// Only a transferable platform object has the slot; for any other
    /// object this does nothing.
    fn set_detached(&mut self, o: &ObjectId, detached: bool) {
        if let Some(ObjectKind::Platform {
            detached: Some(slot), ..
        }) = self.kind_mut(*o)
        {
            *slot = detached;
        }
    }

    /// Platform objects made here carry host handle 0: hosts that create
    /// them through the trait key their state by the object itself.
    fn create_platform_object(&mut self, slots: PlatformObjectSlots) -> ObjectId {
        self.alloc(ObjectKind::Platform {
            interface: slots.interface.into(),
            detached: slots.detached,
            host: 0,
        })
    }

    // ----- optional -----

    fn append_enumerable_own_property_keys(&mut self, o: &ObjectId, keys: &mut Vec<JsString>) {
        self.append_enumerable_own_string_keys(*o, keys);
    }

    /// The arena slot: handles are dense indices already.
    fn dense_object_index(&self, o: &ObjectId) -> Option<usize> {
        Some(o.index())
    }

    fn reserve_objects(&mut self, additional: usize) {
        // Exact: the caller's count already bounds what is coming (a
        // deserialization makes at most one object a record), and doubling
        // on top of it would make the arena's size jump by up to 2x with
        // the input's size rather than follow it.
        self.objects.reserve_exact(additional);
    }

    fn reserve_own_properties(&mut self, o: &ObjectId, additional: usize) {
        if let Some(object) = self.objects.get_mut(o.index()) {
            // An Array's properties are its elements, up to its `length`
            // (StructuredDeserialize made it with the record's [[Length]]).
            match object.kind {
                ObjectKind::Array { length } => object
                    .properties
                    .reserve_elements(additional.min(length as usize)),
                _ => object.properties.reserve(additional),
            }
        }
    }
}

#[cfg(test)]
mod tests;
