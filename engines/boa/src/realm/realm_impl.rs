//! `impl Realm for BoaRealm`: each operation answered through Boa's public
//! API, with the workarounds (and their reasons) written where they are.

use super::buffers::data_descriptor;
use super::debug_slots::regexp_source_and_flags;
use super::errors::{error_kind, error_prototype};
use super::kind::{BoaKind, classify};
use super::{BoaRealm, Object, bigint_from_boa, bigint_to_boa, key_to_boa, string_from_boa, string_to_boa};
use crate::platform::platform_data;
use boa_engine::builtins::error::Error;
use boa_engine::builtins::map::ordered_map::OrderedMap;
use boa_engine::builtins::regexp::RegExp;
use boa_engine::builtins::set::ordered_set::OrderedSet;
use boa_engine::object::builtins::{JsArray, JsDate, JsMap, JsRegExp, JsSet};
use boa_engine::property::PropertyDescriptor as BoaDescriptor;
use boa_engine::property::PropertyKey as BoaKey;
use boa_engine::{JsBigInt, JsNativeError, JsObject, JsString as BoaString, JsValue, js_string};
use webmessaging::ecmascript::{
    AgentClusterId, ArrayBufferSlots, BigInt, ErrorPrototype, Exception, JsString, MapEntry,
    PlatformObjectSlots, PropertyDescriptor, PropertyKey, Realm, SharedDataBlock, Value, ViewSlots,
};

impl BoaRealm<'_> {
    /// The kind of `o` in this realm.
    pub fn kind(&self, o: &JsObject) -> BoaKind {
        self.with_context(|context| classify(o, &self.originals, context))
    }

    /// A Boa property descriptor as the reference's.
    fn descriptor(&self, desc: &BoaDescriptor) -> PropertyDescriptor<Object> {
        let enumerable = desc.enumerable().unwrap_or(false);
        let configurable = desc.configurable().unwrap_or(false);
        if desc.is_accessor_descriptor() {
            PropertyDescriptor::Accessor {
                enumerable,
                configurable,
            }
        } else {
            PropertyDescriptor::Data {
                value: self.value_from_boa(desc.value().unwrap_or(&JsValue::undefined())),
                writable: desc.writable().unwrap_or(false),
                enumerable,
                configurable,
            }
        }
    }

    /// Whether `o`'s [[GetOwnProperty]] is the ordinary one, so that its
    /// property map answers it. String and typed array exotic objects
    /// answer for virtual properties, a Proxy runs a trap, and the data
    /// types Boa does not name may be exotic too.
    fn has_ordinary_get_own_property(&self, o: &JsObject) -> bool {
        !matches!(
            self.kind(o),
            BoaKind::String
                | BoaKind::TypedArray
                | BoaKind::Proxy
                | BoaKind::ModuleNamespace
                | BoaKind::OtherBuiltin
        )
    }

    /// The [[Stack]] string Boa keeps for an error, if any.
    fn stack_of(&self, o: &JsObject) -> Option<JsString> {
        // An own data property "stack" is what `e.stack = ...` (Boa's
        // setter) and this realm's `set_error_stack` leave: it stands for
        // [[Stack]], as it does in engines that keep the stack as an own
        // property.
        let own = o
            .borrow()
            .properties()
            .get(&BoaKey::from(js_string!("stack")))
            .and_then(|desc| desc.value().and_then(JsValue::as_string));
        if let Some(own) = own {
            return Some(string_from_boa(&own));
        }
        // Otherwise Boa's own rendering of the backtrace it recorded.
        let stack = self.with_context(|context| {
            self.originals
                .error_stack
                .call(&JsValue::new(o.clone()), &[], context)
                .ok()
        })?;
        stack.as_string().map(|s| string_from_boa(&s))
    }
}

impl Realm for BoaRealm<'_> {
    type Object = Object;

    fn agent_cluster(&self) -> AgentClusterId {
        self.settings.agent_cluster
    }

    fn cross_origin_isolated_capability(&self) -> bool {
        self.settings.cross_origin_isolated
    }

    // ----- internal slots, from Boa's native data -----

    fn boolean_data(&self, o: &Object) -> Option<bool> {
        o.0.downcast_ref::<bool>().map(|b| *b)
    }

    fn number_data(&self, o: &Object) -> Option<f64> {
        o.0.downcast_ref::<f64>().map(|n| *n)
    }

    fn bigint_data(&self, o: &Object) -> Option<BigInt> {
        o.0.downcast_ref::<JsBigInt>().map(|b| bigint_from_boa(&b))
    }

    fn string_data(&self, o: &Object) -> Option<JsString> {
        o.0.downcast_ref::<BoaString>().map(|s| string_from_boa(&s))
    }

    fn date_value(&self, o: &Object) -> Option<f64> {
        // `JsDate::get_time` is thisTimeValue: it reads [[DateValue]] only.
        let date = JsDate::from_object(o.0.clone()).ok()?;
        self.with_context(|context| date.get_time(context).ok()?.as_number())
    }

    fn regexp_source_and_flags(&self, o: &Object) -> Option<(JsString, JsString)> {
        let debug = format!("{:?}", &*o.0.downcast_ref::<RegExp>()?);
        let regexp = JsRegExp::from_object(o.0.clone()).ok()?;
        let (escaped, flags) = self.with_context(|context| {
            let escaped = regexp.source(context).ok()?;
            let flags = regexp.flags(context).ok()?;
            Some((escaped, flags))
        })?;
        let escaped: Vec<u16> = escaped.encode_utf16().collect();
        match regexp_source_and_flags(&debug, &escaped) {
            Some((source, flags)) => Some((
                JsString::from_code_units(source),
                JsString::from_code_units(flags),
            )),
            // Unreadable Debug text: the escaped source and canonical flags
            // still describe the same pattern.
            None => Some((JsString::from_code_units(escaped), JsString::from(flags))),
        }
    }

    fn array_buffer(&self, o: &Object) -> Option<ArrayBufferSlots> {
        self.buffer_slots(&o.0)
    }

    fn array_buffer_view(&self, o: &Object) -> Option<ViewSlots<Object>> {
        self.view_slots(&o.0)
    }

    fn map_data(&self, o: &Object) -> Option<Vec<MapEntry<Object>>> {
        let map = o.0.downcast_ref::<OrderedMap<JsValue>>()?;
        // Indices below `full_len` include entries deleted while the map was
        // being iterated (*empty*); `get_index` answers None for those.
        Some(
            (0..map.full_len())
                .map(|i| {
                    map.get_index(i)
                        .map(|(k, v)| (self.value_from_boa(k), self.value_from_boa(v)))
                })
                .collect(),
        )
    }

    fn set_data(&self, o: &Object) -> Option<Vec<Option<Value<Object>>>> {
        let set = o.0.downcast_ref::<OrderedSet>()?;
        Some(
            (0..set.full_len())
                .map(|i| set.get_index(i).map(|v| self.value_from_boa(v)))
                .collect(),
        )
    }

    fn has_error_data(&self, o: &Object) -> bool {
        o.0.is::<Error>()
    }

    fn error_stack(&self, o: &Object) -> Option<JsString> {
        self.stack_of(&o.0)
    }

    fn is_array_exotic(&self, o: &Object) -> bool {
        o.0.is_array()
    }

    fn platform_object(&self, o: &Object) -> Option<PlatformObjectSlots> {
        let data = platform_data(&o.0)?;
        Some(PlatformObjectSlots {
            interface: data.interface.clone(),
            detached: data.detached,
        })
    }

    fn other_internal_slot(&self, o: &Object) -> Option<&'static str> {
        self.kind(&o.0).other_internal_slot()
    }

    fn exotic_kind(&self, o: &Object) -> Option<&'static str> {
        self.kind(&o.0).exotic_kind()
    }

    fn is_object_prototype_intrinsic(&self, o: &Object) -> bool {
        // Boa cannot tell an immutable-prototype exotic object by its data,
        // so this recognises the %Object.prototype% of this realm only.
        self.with_context(|context| {
            JsObject::equals(&o.0, &context.intrinsics().constructors().object().prototype())
        })
    }

    // ----- abstract operations and internal methods -----

    fn is_shared_array_buffer(&self, o: &Object) -> bool {
        o.0.is::<boa_engine::builtins::array_buffer::SharedArrayBuffer>()
    }

    fn is_detached_buffer(&self, o: &Object) -> bool {
        o.0.downcast_ref::<boa_engine::builtins::array_buffer::ArrayBuffer>()
            .is_some_and(|b| b.data().is_none())
    }

    fn create_byte_data_block(&mut self, size: usize) -> Result<Vec<u8>, Exception<Object>> {
        let mut block = Vec::new();
        match block.try_reserve_exact(size) {
            Ok(()) => {
                block.extend(std::iter::repeat_n(0, size));
                Ok(block)
            }
            Err(_) => {
                let error = JsNativeError::range()
                    .with_message(format!("a data block of {size} bytes could not be allocated"));
                Err(self.exception(error.into()))
            }
        }
    }

    fn copy_data_block_bytes(
        &self,
        to_block: &mut [u8],
        to_index: usize,
        from: &Object,
        from_index: usize,
        count: usize,
    ) {
        let Some(bytes) = super::buffers::buffer_bytes(&from.0) else {
            return;
        };
        let (Some(source), Some(target)) = (
            bytes.get(from_index..from_index.saturating_add(count)),
            to_block.get_mut(to_index..to_index.saturating_add(count)),
        ) else {
            return;
        };
        target.copy_from_slice(source);
    }

    fn is_array_buffer_view_out_of_bounds(&self, o: &Object) -> bool {
        self.view_slots(&o.0)
            .is_none_or(|slots| self.view_out_of_bounds(&slots))
    }

    fn detach_array_buffer(&mut self, o: &Object) -> Result<Vec<u8>, Exception<Object>> {
        super::buffers::detach(&o.0).map_err(|e| self.exception(e))
    }

    fn get(&mut self, o: &Object, key: &PropertyKey) -> Result<Value<Object>, Exception<Object>> {
        let key = key_to_boa(key, &self.symbols);
        match o.0.get(key, self.context.get_mut()) {
            Ok(value) => Ok(self.value_from_boa(&value)),
            Err(error) => Err(self.exception(error)),
        }
    }

    fn get_own_property(
        &mut self,
        o: &Object,
        key: &PropertyKey,
    ) -> Result<Option<PropertyDescriptor<Object>>, Exception<Object>> {
        if self.has_ordinary_get_own_property(&o.0) {
            return Ok(self.ordinary_get_own_property(o, key));
        }
        // WORKAROUND (Boa 0.22): the [[GetOwnProperty]] internal method is
        // crate-private. Reflect.getOwnPropertyDescriptor runs exactly it
        // (a Proxy's trap included) and returns FromPropertyDescriptor of
        // the answer: a fresh ordinary object whose own data properties are
        // the descriptor's fields, read back here without running code.
        let boa_key = key_to_boa(key, &self.symbols);
        let key_value: JsValue = match &boa_key {
            BoaKey::String(s) => s.clone().into(),
            BoaKey::Index(i) => js_string!(i.get().to_string()).into(),
            BoaKey::Symbol(s) => s.clone().into(),
        };
        let result = self.originals.get_own_property_descriptor.call(
            &JsValue::undefined(),
            &[o.0.clone().into(), key_value],
            self.context.get_mut(),
        );
        let descriptor = match result {
            Ok(descriptor) => descriptor,
            Err(error) => return Err(self.exception(error)),
        };
        let Some(fields) = descriptor.as_object() else {
            return Ok(None);
        };
        let field = |name: &str| {
            fields
                .borrow()
                .properties()
                .get(&BoaKey::from(js_string!(name)))
                .and_then(|d| d.value().cloned())
        };
        let flag = |name: &str| field(name).is_some_and(|v| v.to_boolean());
        if field("get").is_some() || field("set").is_some() {
            return Ok(Some(PropertyDescriptor::Accessor {
                enumerable: flag("enumerable"),
                configurable: flag("configurable"),
            }));
        }
        Ok(Some(PropertyDescriptor::Data {
            value: self.value_from_boa(&field("value").unwrap_or_default()),
            writable: flag("writable"),
            enumerable: flag("enumerable"),
            configurable: flag("configurable"),
        }))
    }

    fn ordinary_get_own_property(&self, o: &Object, key: &PropertyKey) -> Option<PropertyDescriptor<Object>> {
        let key = key_to_boa(key, &self.symbols);
        let desc = o.0.borrow().properties().get(&key)?;
        Some(self.descriptor(&desc))
    }

    fn to_string(&mut self, value: &Value<Object>) -> Result<JsString, Exception<Object>> {
        let value = self.value_to_boa(value);
        match value.to_string(self.context.get_mut()) {
            Ok(s) => Ok(string_from_boa(&s)),
            Err(error) => Err(self.exception(error)),
        }
    }

    fn is_callable(&self, o: &Object) -> bool {
        o.0.is_callable()
    }

    fn enumerable_own_property_keys(&mut self, o: &Object) -> Vec<JsString> {
        // [[OwnPropertyKeys]] of the objects that reach this step (ordinary
        // objects and Arrays) cannot throw; a failure gives no keys.
        let keys = o.0.own_property_keys(self.context.get_mut()).unwrap_or_default();
        let mut out = Vec::new();
        for key in keys {
            let name = match &key {
                BoaKey::String(s) => string_from_boa(s),
                BoaKey::Index(i) => JsString::from(i.get().to_string()),
                BoaKey::Symbol(_) => continue,
            };
            let reference_key = PropertyKey::String(name.clone());
            if let Ok(Some(desc)) = self.get_own_property(o, &reference_key) {
                let enumerable = match desc {
                    PropertyDescriptor::Data { enumerable, .. }
                    | PropertyDescriptor::Accessor { enumerable, .. } => enumerable,
                };
                if enumerable {
                    out.push(name);
                }
            }
        }
        out
    }

    fn has_own_property(&mut self, o: &Object, key: &PropertyKey) -> bool {
        let key = key_to_boa(key, &self.symbols);
        o.0.has_own_property(key, self.context.get_mut()).unwrap_or(false)
    }

    // ----- object creation in this realm -----

    fn create_boolean_object(&mut self, b: bool) -> Object {
        self.wrapper(JsValue::new(b))
    }

    fn create_number_object(&mut self, n: f64) -> Object {
        self.wrapper(JsValue::rational(n))
    }

    fn create_bigint_object(&mut self, b: BigInt) -> Object {
        self.wrapper(JsValue::new(bigint_to_boa(&b)))
    }

    fn create_string_object(&mut self, s: JsString) -> Object {
        self.wrapper(JsValue::new(string_to_boa(&s)))
    }

    fn create_platform_object(&mut self, slots: PlatformObjectSlots) -> Object {
        let context = self.context.get_mut();
        // A MessagePort of a realm with this host's globals inherits from
        // MessagePort.prototype and is an event target.
        if slots.interface == webmessaging::messaging::MESSAGE_PORT
            && let Ok(intrinsics) = crate::host::HostIntrinsics::of(context)
        {
            let mut data = crate::platform::PlatformObject::message_port();
            data.detached = slots.detached;
            return Object(JsObject::from_proto_and_data(
                intrinsics.message_port.clone(),
                data,
            ));
        }
        // A BroadcastChannel likewise, with BroadcastChannel.prototype (its
        // constructor puts a subclass's prototype in afterwards).
        if slots.interface == webmessaging::messaging::BROADCAST_CHANNEL
            && let Ok(intrinsics) = crate::host::HostIntrinsics::of(context)
        {
            return Object(JsObject::from_proto_and_data(
                intrinsics.broadcast_channel.clone(),
                crate::platform::PlatformObject::event_target(slots.interface),
            ));
        }
        // Otherwise (the graph notation's platform objects, a realm without
        // the host) the object inherits from %Object.prototype%.
        let prototype = context.intrinsics().constructors().object().prototype();
        Object(JsObject::from_proto_and_data(
            prototype,
            crate::platform::PlatformObject::plain(slots.interface, slots.detached),
        ))
    }

    fn create_date(&mut self, time: f64) -> Object {
        let context = self.context.get_mut();
        let date = JsDate::new(context);
        // The time value of a record is already TimeClip'd: setTime keeps it.
        let _ = date.set_time(JsValue::rational(time), context);
        Object(date.into())
    }

    fn create_regexp(&mut self, source: JsString, flags: JsString) -> Result<Object, Exception<Object>> {
        let context = self.context.get_mut();
        match JsRegExp::new(
            JsValue::new(string_to_boa(&source)),
            JsValue::new(string_to_boa(&flags)),
            context,
        ) {
            Ok(regexp) => Ok(Object(regexp.into())),
            Err(error) => Err(self.exception(error)),
        }
    }

    fn create_array_buffer(
        &mut self,
        data: Vec<u8>,
        max_byte_length: Option<usize>,
    ) -> Result<Object, Exception<Object>> {
        match Self::new_array_buffer(data, max_byte_length, self.context.get_mut()) {
            Ok(buffer) => Ok(Object(buffer)),
            Err(error) => Err(self.exception(error)),
        }
    }

    fn create_shared_array_buffer(
        &mut self,
        block: SharedDataBlock,
        max_byte_length: Option<usize>,
    ) -> Object {
        let context = self.context.get_mut();
        match Self::new_shared_array_buffer(&block, max_byte_length, context) {
            Ok(buffer) => Object(buffer),
            // Only a foreign block's copy can fail (no memory): an empty
            // buffer stands in rather than a panic.
            Err(_) => Object(
                boa_engine::object::builtins::JsSharedArrayBuffer::new(0, context)
                    .map_or_else(|_| JsObject::with_null_proto(), JsObject::from),
            ),
        }
    }

    fn create_array_buffer_view(&mut self, slots: ViewSlots<Object>) -> Object {
        let context = self.context.get_mut();
        // The deserializer hands over slots that were in bounds of a buffer
        // of this length when serialized, so construction succeeds; should
        // it not, an empty object stands in rather than a panic.
        Object(Self::new_view(&slots, context).unwrap_or_else(|_| JsObject::with_null_proto()))
    }

    fn create_map(&mut self) -> Object {
        Object(JsMap::new(self.context.get_mut()).into())
    }

    fn append_map_entry(&mut self, map: &Object, key: Value<Object>, value: Value<Object>) {
        let (key, value) = (self.value_to_boa(&key), self.value_to_boa(&value));
        if let Some(mut data) = map.0.downcast_mut::<OrderedMap<JsValue>>() {
            data.insert(key, value);
        }
    }

    fn create_set(&mut self) -> Object {
        Object(JsSet::new(self.context.get_mut()).into())
    }

    fn append_set_entry(&mut self, set: &Object, value: Value<Object>) {
        let value = self.value_to_boa(&value);
        if let Some(mut data) = set.0.downcast_mut::<OrderedSet>() {
            data.add(value);
        }
    }

    fn array_create(&mut self, length: u32) -> Object {
        let context = self.context.get_mut();
        let array: JsObject = match JsArray::new(context) {
            Ok(array) => array.into(),
            Err(_) => return Object(JsObject::with_null_proto()),
        };
        // ArrayCreate sets "length" directly; on a new Array that is what
        // defining it does (no setter or trap can run).
        let length = data_descriptor(JsValue::new(length), true, false, false);
        let _ = array.define_property_or_throw(js_string!("length"), length, context);
        Object(array)
    }

    fn ordinary_object_create(&mut self) -> Object {
        Object(JsObject::with_object_proto(self.context.get_mut().intrinsics()))
    }

    fn ordinary_error_create(&mut self, prototype: ErrorPrototype) -> Object {
        let proto = error_prototype(prototype, self.context.get_mut());
        Object(JsObject::from_proto_and_data(
            proto,
            Error::new(error_kind(prototype)),
        ))
    }

    fn ordinary_define_own_property(
        &mut self,
        o: &Object,
        key: PropertyKey,
        desc: PropertyDescriptor<Object>,
    ) -> bool {
        let key = key_to_boa(&key, &self.symbols);
        let desc = match desc {
            PropertyDescriptor::Data {
                value,
                writable,
                enumerable,
                configurable,
            } => data_descriptor(self.value_to_boa(&value), writable, enumerable, configurable),
            PropertyDescriptor::Accessor {
                enumerable,
                configurable,
            } => BoaDescriptor::builder()
                .get(JsValue::undefined())
                .enumerable(enumerable)
                .configurable(configurable)
                .build(),
        };
        o.0.define_property_or_throw(key, desc, self.context.get_mut())
            .is_ok()
    }

    fn set_error_stack(&mut self, o: &Object, stack: Option<JsString>) {
        // WORKAROUND (Boa 0.22): an error's stack data is crate-private and
        // cannot be set. The new error gets an own data property "stack"
        // instead (what `e.stack = s` leaves in Boa), which `error_stack`
        // reads back as [[Stack]].
        if let Some(stack) = stack {
            let desc = data_descriptor(JsValue::new(string_to_boa(&stack)), true, false, true);
            let _ =
                o.0.define_property_or_throw(js_string!("stack"), desc, self.context.get_mut());
        }
    }

    fn create_data_property(&mut self, o: &Object, key: PropertyKey, value: Value<Object>) -> bool {
        let key = key_to_boa(&key, &self.symbols);
        let value = self.value_to_boa(&value);
        o.0.create_data_property(key, value, self.context.get_mut())
            .unwrap_or(false)
    }

    fn set_detached(&mut self, o: &Object, detached: bool) {
        if let Some(mut data) = o.0.downcast_mut::<crate::platform::PlatformObject>() {
            data.detached = Some(detached);
        }
    }
}

impl BoaRealm<'_> {
    /// ToObject of a primitive: its wrapper, made in this realm.
    fn wrapper(&mut self, primitive: JsValue) -> Object {
        Object(
            primitive
                .to_object(self.context.get_mut())
                .unwrap_or_else(|_| JsObject::with_null_proto()),
        )
    }
}
