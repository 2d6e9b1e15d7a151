//! `Borrowed`: a realm of another type than the built-in heap, lent for one
//! call the way an engine's realm is, forwarding every operation to a heap
//! and handing out its own object handles.

use std::rc::Rc;
use webmessaging::ecmascript::{
    AgentClusterId, ArrayBufferSlots, BigInt, ErrorPrototype, Exception, Heap, JsString, MapEntry, ObjectId,
    PlatformObjectSlots, PropertyDescriptor, PropertyKey, Realm, SharedDataBlock, Value, ViewSlots,
};
use webmessaging::messaging::{Messaging, PortId, PostOutcome};

/// An object of the `Borrowed` realm.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Handle(Rc<u32>);

pub fn handle(id: ObjectId) -> Handle {
    Handle(Rc::new(id.0))
}

pub fn id(handle: &Handle) -> ObjectId {
    ObjectId(*handle.0)
}

fn to_handles(value: Value<ObjectId>) -> Value<Handle> {
    value.map_object(handle)
}

fn to_ids(value: Value<Handle>) -> Value<ObjectId> {
    value.map_object(|h| id(&h))
}

fn thrown(e: Exception<ObjectId>) -> Exception<Handle> {
    Exception(to_handles(e.0))
}

/// A descriptor with its value's handles changed by `f`.
fn descriptor<P, Q>(d: PropertyDescriptor<P>, f: impl FnOnce(Value<P>) -> Value<Q>) -> PropertyDescriptor<Q> {
    match d {
        PropertyDescriptor::Data {
            value,
            writable,
            enumerable,
            configurable,
        } => PropertyDescriptor::Data {
            value: f(value),
            writable,
            enumerable,
            configurable,
        },
        PropertyDescriptor::Accessor {
            enumerable,
            configurable,
        } => PropertyDescriptor::Accessor {
            enumerable,
            configurable,
        },
    }
}

/// A getter that runs "script": when [[Get]] reads `key`, the realm posts
/// `undefined` on `port` with `transfer` in its transfer list, through the
/// very messaging state whose `postMessage` is serializing.
#[derive(Clone)]
pub struct Hook {
    pub key: PropertyKey,
    pub port: PortId,
    pub transfer: Handle,
    pub outcome: Rc<std::cell::RefCell<Option<Result<PostOutcome, String>>>>,
}

/// A realm lent for one call, forwarding to a heap.
pub struct Borrowed<'h> {
    pub heap: &'h mut Heap,
    pub messaging: &'h Messaging<Handle>,
    pub hook: Option<Hook>,
}

impl Realm for Borrowed<'_> {
    type Object = Handle;

    fn agent_cluster(&self) -> AgentClusterId {
        self.heap.agent_cluster()
    }
    fn cross_origin_isolated_capability(&self) -> bool {
        self.heap.cross_origin_isolated_capability()
    }
    fn boolean_data(&self, o: &Handle) -> Option<bool> {
        self.heap.boolean_data(&id(o))
    }
    fn number_data(&self, o: &Handle) -> Option<f64> {
        self.heap.number_data(&id(o))
    }
    fn bigint_data(&self, o: &Handle) -> Option<BigInt> {
        self.heap.bigint_data(&id(o))
    }
    fn string_data(&self, o: &Handle) -> Option<JsString> {
        self.heap.string_data(&id(o))
    }
    fn date_value(&self, o: &Handle) -> Option<f64> {
        self.heap.date_value(&id(o))
    }
    fn regexp_source_and_flags(&self, o: &Handle) -> Option<(JsString, JsString)> {
        self.heap.regexp_source_and_flags(&id(o))
    }
    fn array_buffer(&self, o: &Handle) -> Option<ArrayBufferSlots> {
        self.heap.array_buffer(&id(o))
    }
    fn array_buffer_view(&self, o: &Handle) -> Option<ViewSlots<Handle>> {
        self.heap.array_buffer_view(&id(o)).map(|s| ViewSlots {
            kind: s.kind,
            buffer: handle(s.buffer),
            byte_offset: s.byte_offset,
            byte_length: s.byte_length,
            array_length: s.array_length,
        })
    }
    fn map_data(&self, o: &Handle) -> Option<Vec<MapEntry<Handle>>> {
        let entries = self.heap.map_data(&id(o))?;
        Some(
            entries
                .into_iter()
                .map(|e| e.map(|(k, v)| (to_handles(k), to_handles(v))))
                .collect(),
        )
    }
    fn set_data(&self, o: &Handle) -> Option<Vec<Option<Value<Handle>>>> {
        let entries = self.heap.set_data(&id(o))?;
        Some(entries.into_iter().map(|e| e.map(to_handles)).collect())
    }
    fn has_error_data(&self, o: &Handle) -> bool {
        self.heap.has_error_data(&id(o))
    }
    fn error_stack(&self, o: &Handle) -> Option<JsString> {
        self.heap.error_stack(&id(o))
    }
    fn is_array_exotic(&self, o: &Handle) -> bool {
        self.heap.is_array_exotic(&id(o))
    }
    fn platform_object(&self, o: &Handle) -> Option<PlatformObjectSlots> {
        self.heap.platform_object(&id(o))
    }
    fn other_internal_slot(&self, o: &Handle) -> Option<&'static str> {
        self.heap.other_internal_slot(&id(o))
    }
    fn exotic_kind(&self, o: &Handle) -> Option<&'static str> {
        self.heap.exotic_kind(&id(o))
    }
    fn is_object_prototype_intrinsic(&self, o: &Handle) -> bool {
        self.heap.is_object_prototype_intrinsic(&id(o))
    }
    fn is_shared_array_buffer(&self, o: &Handle) -> bool {
        self.heap.is_shared_array_buffer(&id(o))
    }
    fn is_detached_buffer(&self, o: &Handle) -> bool {
        self.heap.is_detached_buffer(&id(o))
    }
    fn create_byte_data_block(&mut self, size: usize) -> Result<Vec<u8>, Exception<Handle>> {
        self.heap.create_byte_data_block(size).map_err(thrown)
    }
    fn copy_data_block_bytes(
        &self,
        to: &mut [u8],
        to_index: usize,
        from: &Handle,
        from_index: usize,
        count: usize,
    ) {
        self.heap
            .copy_data_block_bytes(to, to_index, &id(from), from_index, count);
    }
    fn is_array_buffer_view_out_of_bounds(&self, o: &Handle) -> bool {
        self.heap.is_array_buffer_view_out_of_bounds(&id(o))
    }
    fn detach_array_buffer(&mut self, o: &Handle) -> Result<Vec<u8>, Exception<Handle>> {
        self.heap.detach_array_buffer(&id(o)).map_err(thrown)
    }
    fn get(&mut self, o: &Handle, key: &PropertyKey) -> Result<Value<Handle>, Exception<Handle>> {
        if let Some(hook) = self.hook.take_if(|h| h.key == *key) {
            // The getter's script: `port.postMessage(undefined, [transfer])`,
            // re-entering the messaging state mid-serialization.
            let mut inner = Borrowed {
                heap: &mut *self.heap,
                messaging: self.messaging,
                hook: None,
            };
            let outcome = self
                .messaging
                .post_message(
                    &mut inner,
                    hook.port,
                    &Value::Undefined,
                    std::slice::from_ref(&hook.transfer),
                )
                .map_err(|e| e.to_string());
            *hook.outcome.borrow_mut() = Some(outcome);
        }
        self.heap.get(&id(o), key).map(to_handles).map_err(thrown)
    }
    fn get_own_property(
        &mut self,
        o: &Handle,
        key: &PropertyKey,
    ) -> Result<Option<PropertyDescriptor<Handle>>, Exception<Handle>> {
        self.heap
            .get_own_property(&id(o), key)
            .map(|d| d.map(|d| descriptor(d, to_handles)))
            .map_err(thrown)
    }
    fn ordinary_get_own_property(&self, o: &Handle, key: &PropertyKey) -> Option<PropertyDescriptor<Handle>> {
        self.heap
            .ordinary_get_own_property(&id(o), key)
            .map(|d| descriptor(d, to_handles))
    }
    fn to_string(&mut self, value: &Value<Handle>) -> Result<JsString, Exception<Handle>> {
        self.heap.to_string(&to_ids(value.clone())).map_err(thrown)
    }
    fn is_callable(&self, o: &Handle) -> bool {
        self.heap.is_callable(&id(o))
    }
    fn enumerable_own_property_keys(&mut self, o: &Handle) -> Vec<JsString> {
        self.heap.enumerable_own_property_keys(&id(o))
    }
    fn has_own_property(&mut self, o: &Handle, key: &PropertyKey) -> bool {
        self.heap.has_own_property(&id(o), key)
    }
    fn create_boolean_object(&mut self, b: bool) -> Handle {
        handle(self.heap.create_boolean_object(b))
    }
    fn create_number_object(&mut self, n: f64) -> Handle {
        handle(self.heap.create_number_object(n))
    }
    fn create_bigint_object(&mut self, b: BigInt) -> Handle {
        handle(self.heap.create_bigint_object(b))
    }
    fn create_string_object(&mut self, s: JsString) -> Handle {
        handle(self.heap.create_string_object(s))
    }
    fn create_date(&mut self, time: f64) -> Handle {
        handle(self.heap.create_date(time))
    }
    fn create_regexp(&mut self, source: JsString, flags: JsString) -> Result<Handle, Exception<Handle>> {
        self.heap.create_regexp(source, flags).map(handle).map_err(thrown)
    }
    fn create_array_buffer(
        &mut self,
        data: Vec<u8>,
        max: Option<usize>,
    ) -> Result<Handle, Exception<Handle>> {
        self.heap
            .create_array_buffer(data, max)
            .map(handle)
            .map_err(thrown)
    }
    fn create_shared_array_buffer(&mut self, block: SharedDataBlock, max: Option<usize>) -> Handle {
        handle(self.heap.create_shared_array_buffer(block, max))
    }
    fn create_array_buffer_view(&mut self, slots: ViewSlots<Handle>) -> Handle {
        handle(self.heap.create_array_buffer_view(ViewSlots {
            kind: slots.kind,
            buffer: id(&slots.buffer),
            byte_offset: slots.byte_offset,
            byte_length: slots.byte_length,
            array_length: slots.array_length,
        }))
    }
    fn create_map(&mut self) -> Handle {
        handle(self.heap.create_map())
    }
    fn append_map_entry(&mut self, map: &Handle, key: Value<Handle>, value: Value<Handle>) {
        self.heap.append_map_entry(&id(map), to_ids(key), to_ids(value));
    }
    fn create_set(&mut self) -> Handle {
        handle(self.heap.create_set())
    }
    fn append_set_entry(&mut self, set: &Handle, value: Value<Handle>) {
        self.heap.append_set_entry(&id(set), to_ids(value));
    }
    fn array_create(&mut self, length: u32) -> Handle {
        handle(self.heap.array_create(length))
    }
    fn ordinary_object_create(&mut self) -> Handle {
        handle(self.heap.ordinary_object_create())
    }
    fn ordinary_error_create(&mut self, prototype: ErrorPrototype) -> Handle {
        handle(self.heap.ordinary_error_create(prototype))
    }
    fn ordinary_define_own_property(
        &mut self,
        o: &Handle,
        key: PropertyKey,
        desc: PropertyDescriptor<Handle>,
    ) -> bool {
        let desc = descriptor(desc, to_ids);
        self.heap.ordinary_define_own_property(&id(o), key, desc)
    }
    fn set_error_stack(&mut self, o: &Handle, stack: Option<JsString>) {
        self.heap.set_error_stack(&id(o), stack);
    }
    fn create_data_property(&mut self, o: &Handle, key: PropertyKey, value: Value<Handle>) -> bool {
        self.heap.create_data_property(&id(o), key, to_ids(value))
    }
    fn set_detached(&mut self, o: &Handle, detached: bool) {
        self.heap.set_detached(&id(o), detached);
    }
    fn create_platform_object(&mut self, slots: PlatformObjectSlots) -> Handle {
        handle(self.heap.create_platform_object(slots))
    }
}
