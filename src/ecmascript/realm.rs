//! The `Realm` trait: every ECMAScript abstract operation, internal method and
//! internal-slot read the HTML structured-data algorithms perform, named as
//! ECMA-262 names them (see `../shared/spec-source/ecmascript-operations.md`).
//!
//! An engine implements this trait for one realm of its own; the algorithms in
//! `crate::structured` never look at a realm any other way.

use super::slot_kind::slot_kind_by_questions;
use super::{BigInt, JsString, PropertyKey, SharedDataBlock, SlotKind, Value};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::hash::Hash;

mod slots;

pub use slots::{
    ArrayBufferSlots, ErrorPrototype, MapEntry, PlatformObjectSlots, PropertyDescriptor, ViewKind, ViewSlots,
};

/// An abrupt (throw) completion: the thrown ECMAScript value.
///
/// <https://tc39.es/ecma262/#sec-completion-record-specification-type>
#[derive(Debug, Clone)]
pub struct Exception<O>(pub Value<O>);

/// Identity of an agent cluster (SharedArrayBuffers never leave one).
///
/// <https://tc39.es/ecma262/#sec-agent-clusters>
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
pub struct AgentClusterId(pub u64);

/// One ECMAScript realm, as the structured-data algorithms see it.
///
/// Slot readers return `None` when the object lacks the slot, so "if *value*
/// has a [[X]] internal slot" is `realm.x(o).is_some()`. Operations that can
/// run author code (getters, ToString) take `&mut self` and may throw.
pub trait Realm {
    /// A handle to one of this realm's objects; equality is object identity.
    type Object: Clone + Eq + Hash + fmt::Debug;

    // ----- agent -----

    /// The agent cluster of this realm's agent.
    fn agent_cluster(&self) -> AgentClusterId;

    /// The current settings object's cross-origin isolated capability.
    ///
    /// <https://html.spec.whatwg.org/multipage/webappapis.html#concept-settings-object-cross-origin-isolated-capability>
    fn cross_origin_isolated_capability(&self) -> bool;

    // ----- internal slots (SSI 7 – 24) -----

    /// [[BooleanData]]
    fn boolean_data(&self, o: &Self::Object) -> Option<bool>;
    /// [[NumberData]]
    fn number_data(&self, o: &Self::Object) -> Option<f64>;
    /// [[BigIntData]]
    fn bigint_data(&self, o: &Self::Object) -> Option<BigInt>;
    /// [[StringData]]
    fn string_data(&self, o: &Self::Object) -> Option<JsString>;
    /// [[DateValue]]
    fn date_value(&self, o: &Self::Object) -> Option<f64>;
    /// [[OriginalSource]] and [[OriginalFlags]] of an object with a
    /// [[RegExpMatcher]] (the matcher itself is derived from them).
    fn regexp_source_and_flags(&self, o: &Self::Object) -> Option<(JsString, JsString)>;
    /// The slots of an object with an [[ArrayBufferData]] slot.
    fn array_buffer(&self, o: &Self::Object) -> Option<ArrayBufferSlots>;
    /// The slots of an object with a [[ViewedArrayBuffer]] slot.
    fn array_buffer_view(&self, o: &Self::Object) -> Option<ViewSlots<Self::Object>>;
    /// A copy of [[MapData]]; `None` entries are deleted (*empty*) ones.
    fn map_data(&self, o: &Self::Object) -> Option<Vec<MapEntry<Self::Object>>>;
    /// A copy of [[SetData]]; `None` entries are deleted (*empty*) ones.
    fn set_data(&self, o: &Self::Object) -> Option<Vec<Option<Value<Self::Object>>>>;
    /// Whether the object has a [[MapData]] slot (without copying it).
    fn has_map_data(&self, o: &Self::Object) -> bool {
        self.map_data(o).is_some()
    }
    /// Whether the object has a [[SetData]] slot (without copying it).
    fn has_set_data(&self, o: &Self::Object) -> bool {
        self.set_data(o).is_some()
    }
    /// Whether the object has an [[ErrorData]] slot.
    fn has_error_data(&self, o: &Self::Object) -> bool;
    /// An implementation-defined string for [[Stack]] (SSI 17.5), if any.
    fn error_stack(&self, o: &Self::Object) -> Option<JsString>;
    /// Whether the object is an Array exotic object (not IsArray: proxies are not).
    fn is_array_exotic(&self, o: &Self::Object) -> bool;
    /// If the object is a platform object: its primary interface and [[Detached]].
    fn platform_object(&self, o: &Self::Object) -> Option<PlatformObjectSlots>;
    /// The name of some internal slot other than [[Prototype]], [[Extensible]]
    /// and [[PrivateElements]] (SSI 22), e.g. "[[WeakMapData]]", if it has one.
    /// Asked only of objects that matched none of the earlier steps.
    fn other_internal_slot(&self, o: &Self::Object) -> Option<&'static str>;
    /// If the object is exotic, what kind (for the error message).
    fn exotic_kind(&self, o: &Self::Object) -> Option<&'static str>;
    /// Whether the object is the %Object.prototype% of any realm.
    fn is_object_prototype_intrinsic(&self, o: &Self::Object) -> bool;

    // ----- abstract operations and internal methods -----

    /// IsSharedArrayBuffer(obj)
    ///
    /// <https://tc39.es/ecma262/#sec-issharedarraybuffer>
    fn is_shared_array_buffer(&self, o: &Self::Object) -> bool;

    /// IsDetachedBuffer(arrayBuffer)
    ///
    /// <https://tc39.es/ecma262/#sec-isdetachedbuffer>
    fn is_detached_buffer(&self, o: &Self::Object) -> bool;

    /// CreateByteDataBlock(size): a zeroed block, or a RangeError when it
    /// cannot be allocated.
    ///
    /// <https://tc39.es/ecma262/#sec-createbytedatablock>
    ///
    /// # Errors
    ///
    /// A RangeError when the block cannot be allocated.
    fn create_byte_data_block(&mut self, size: usize) -> Result<Vec<u8>, Exception<Self::Object>>;

    /// CopyDataBlockBytes(toBlock, toIndex, fromBlock, fromIndex, count),
    /// where fromBlock is the [[ArrayBufferData]] of `from`.
    ///
    /// <https://tc39.es/ecma262/#sec-copydatablockbytes>
    fn copy_data_block_bytes(
        &self,
        to_block: &mut [u8],
        to_index: usize,
        from: &Self::Object,
        from_index: usize,
        count: usize,
    );

    /// IsArrayBufferViewOutOfBounds(O)
    ///
    /// <https://tc39.es/ecma262/#sec-isarraybufferviewoutofbounds>
    fn is_array_buffer_view_out_of_bounds(&self, o: &Self::Object) -> bool;

    /// DetachArrayBuffer(arrayBuffer). A data block can only move in Rust, so
    /// this also hands back the [[ArrayBufferData]] it detached (SSWT 5.4.1
    /// reads it just before). Throws a TypeError when [[ArrayBufferDetachKey]]
    /// is not undefined.
    ///
    /// <https://tc39.es/ecma262/#sec-detacharraybuffer>
    ///
    /// # Errors
    ///
    /// A TypeError when [[ArrayBufferDetachKey]] is not undefined.
    fn detach_array_buffer(&mut self, o: &Self::Object) -> Result<Vec<u8>, Exception<Self::Object>>;

    /// Get(O, P): may run a getter, which may throw.
    ///
    /// <https://tc39.es/ecma262/#sec-get-o-p>
    ///
    /// # Errors
    ///
    /// Whatever a getter throws, as an [`Exception`] holding the thrown value.
    fn get(
        &mut self,
        o: &Self::Object,
        key: &PropertyKey,
    ) -> Result<Value<Self::Object>, Exception<Self::Object>>;

    /// O.[[GetOwnProperty]](P)
    ///
    /// <https://tc39.es/ecma262/#sec-ordinary-object-internal-methods-and-internal-slots-getownproperty-p>
    ///
    /// # Errors
    ///
    /// Whatever a Proxy's `getOwnPropertyDescriptor` trap throws.
    fn get_own_property(
        &mut self,
        o: &Self::Object,
        key: &PropertyKey,
    ) -> Result<Option<PropertyDescriptor<Self::Object>>, Exception<Self::Object>>;

    /// OrdinaryGetOwnProperty(O, P): never runs author code.
    ///
    /// <https://tc39.es/ecma262/#sec-ordinarygetownproperty>
    fn ordinary_get_own_property(
        &self,
        o: &Self::Object,
        key: &PropertyKey,
    ) -> Option<PropertyDescriptor<Self::Object>>;

    /// ToString(argument): may run author code and throw.
    ///
    /// <https://tc39.es/ecma262/#sec-tostring>
    ///
    /// # Errors
    ///
    /// A TypeError for a Symbol; whatever a `toString` or `valueOf` throws.
    fn to_string(&mut self, value: &Value<Self::Object>) -> Result<JsString, Exception<Self::Object>>;

    /// IsCallable(argument) for an object.
    ///
    /// <https://tc39.es/ecma262/#sec-iscallable>
    fn is_callable(&self, o: &Self::Object) -> bool;

    /// EnumerableOwnProperties(O, key): enumerable String keys in
    /// [[OwnPropertyKeys]] order (integer indices ascending, then strings in
    /// creation order).
    ///
    /// <https://tc39.es/ecma262/#sec-enumerableownproperties>
    fn enumerable_own_property_keys(&mut self, o: &Self::Object) -> Vec<JsString>;

    /// HasOwnProperty(O, P)
    ///
    /// <https://tc39.es/ecma262/#sec-hasownproperty>
    fn has_own_property(&mut self, o: &Self::Object, key: &PropertyKey) -> bool;

    // ----- object creation in this realm (StructuredDeserialize) -----

    /// A new Boolean object with this [[BooleanData]].
    fn create_boolean_object(&mut self, b: bool) -> Self::Object;
    /// A new Number object with this [[NumberData]].
    fn create_number_object(&mut self, n: f64) -> Self::Object;
    /// A new BigInt object with this [[BigIntData]].
    fn create_bigint_object(&mut self, b: BigInt) -> Self::Object;
    /// A new String exotic object with this [[StringData]] (StringCreate).
    fn create_string_object(&mut self, s: JsString) -> Self::Object;
    /// A new Date with this [[DateValue]].
    fn create_date(&mut self, time: f64) -> Self::Object;
    /// A new RegExp from [[OriginalSource]] and [[OriginalFlags]] (its
    /// matcher rebuilt from them, `lastIndex` 0 as RegExpAlloc defines it).
    ///
    /// # Errors
    ///
    /// A SyntaxError when the source and flags are not a valid pattern here.
    fn create_regexp(
        &mut self,
        source: JsString,
        flags: JsString,
    ) -> Result<Self::Object, Exception<Self::Object>>;
    /// A new ArrayBuffer owning `data`, resizable when `max_byte_length` is
    /// given. May throw when memory cannot be had.
    ///
    /// # Errors
    ///
    /// A RangeError when the memory cannot be had.
    fn create_array_buffer(
        &mut self,
        data: Vec<u8>,
        max_byte_length: Option<usize>,
    ) -> Result<Self::Object, Exception<Self::Object>>;
    /// A new SharedArrayBuffer over an existing Shared Data Block (growable
    /// when `max_byte_length` is given).
    fn create_shared_array_buffer(
        &mut self,
        block: SharedDataBlock,
        max_byte_length: Option<usize>,
    ) -> Self::Object;
    /// A new DataView or TypedArray with exactly these slot values.
    fn create_array_buffer_view(&mut self, slots: ViewSlots<Self::Object>) -> Self::Object;
    /// A new Map with an empty [[MapData]].
    fn create_map(&mut self) -> Self::Object;
    /// Appends an entry to [[MapData]] directly (no `set` is called).
    fn append_map_entry(&mut self, map: &Self::Object, key: Value<Self::Object>, value: Value<Self::Object>);
    /// A new Set with an empty [[SetData]].
    fn create_set(&mut self) -> Self::Object;
    /// Appends a value to [[SetData]] directly (no `add` is called).
    fn append_set_entry(&mut self, set: &Self::Object, value: Value<Self::Object>);
    /// ArrayCreate(length, %Array.prototype%).
    ///
    /// <https://tc39.es/ecma262/#sec-arraycreate>
    fn array_create(&mut self, length: u32) -> Self::Object;
    /// OrdinaryObjectCreate(%Object.prototype%).
    ///
    /// <https://tc39.es/ecma262/#sec-ordinaryobjectcreate>
    fn ordinary_object_create(&mut self) -> Self::Object;
    /// OrdinaryObjectCreate(prototype, « [[ErrorData]], [[Stack]] »).
    fn ordinary_error_create(&mut self, prototype: ErrorPrototype) -> Self::Object;
    /// OrdinaryDefineOwnProperty(O, P, Desc) for a data descriptor.
    ///
    /// <https://tc39.es/ecma262/#sec-ordinarydefineownproperty>
    fn ordinary_define_own_property(
        &mut self,
        o: &Self::Object,
        key: PropertyKey,
        desc: PropertyDescriptor<Self::Object>,
    ) -> bool;
    /// Sets the [[Stack]] slot of an error object.
    fn set_error_stack(&mut self, o: &Self::Object, stack: Option<JsString>);
    /// CreateDataProperty(O, P, V).
    ///
    /// <https://tc39.es/ecma262/#sec-createdataproperty>
    fn create_data_property(
        &mut self,
        o: &Self::Object,
        key: PropertyKey,
        value: Value<Self::Object>,
    ) -> bool;
    /// Sets the HTML [[Detached]] slot of a transferable platform object.
    fn set_detached(&mut self, o: &Self::Object, detached: bool);

    // ----- platform objects (the host's interfaces) -----

    /// A new object implementing the platform interface `slots.interface`,
    /// created in this realm: the realm gives it that interface's prototype
    /// from this realm (an engine installs the interface's prototype object
    /// when it exposes the interface), and [[Detached]] as `slots.detached`
    /// says (`Some(false)` for a \[Transferable] interface, `None` for
    /// others). [`Realm::platform_object`] then answers `slots` for it. The
    /// host keeps the object's platform state itself, keyed by the object
    /// handle: nothing else of the host's is stored in the realm.
    ///
    /// Hosts ask for it when a constructor makes one (`new MessageChannel()`
    /// makes two MessagePorts) and when a platform object is deserialized or
    /// received into this realm, and only for interfaces exposed here.
    ///
    /// <https://webidl.spec.whatwg.org/#new>
    fn create_platform_object(&mut self, slots: PlatformObjectSlots) -> Self::Object;

    // ----- optional: what a realm may offer to make the algorithms cheaper -----

    /// Which case of StructuredSerializeInternal steps 7 – 24 the object
    /// falls under, in one question instead of one a step. The answer must
    /// be what the slot readers above give when asked in the steps' order
    /// (the first that applies wins), which is what the default does.
    fn slot_kind(&self, o: &Self::Object) -> SlotKind {
        slot_kind_by_questions(self, o)
    }

    /// EnumerableOwnProperties(O, key), appended to `keys` rather than
    /// returned: StructuredSerializeInternal keeps one buffer for the keys of
    /// every object under way. The default appends what
    /// [`Realm::enumerable_own_property_keys`] returns.
    fn append_enumerable_own_property_keys(&mut self, o: &Self::Object, keys: &mut Vec<JsString>) {
        keys.extend(self.enumerable_own_property_keys(o));
    }

    /// A small number naming the object, if the realm keeps one: distinct
    /// objects must have distinct numbers, and the numbers should be dense
    /// (an arena's slot numbers), because StructuredSerializeInternal's
    /// *memory* then indexes a vector by them instead of hashing handles.
    /// The default, `None` for every object, is always correct.
    fn dense_object_index(&self, _o: &Self::Object) -> Option<usize> {
        None
    }

    /// A hint that about `additional` new objects are on their way
    /// (StructuredDeserialize knows how many records it holds), so the realm
    /// may make room at once. The default does nothing.
    fn reserve_objects(&mut self, _additional: usize) {}

    /// A hint that about `additional` own properties are about to be
    /// defined on the new object `o` (StructuredDeserialize knows how many
    /// its record holds). The default does nothing.
    fn reserve_own_properties(&mut self, _o: &Self::Object, _additional: usize) {}

    /// HasOwnProperty(o, key) and, when it is true, o.[[Get]](key, o), in
    /// one question, when the realm can answer it without running code:
    /// `Some(None)` when `o` has no such own property, `Some(Some(value))`
    /// when it is a data property (whose [[Get]] is its value). `None`
    /// means "ask the two questions" (an accessor, or a realm that cannot
    /// tell), so that a getter runs where StructuredSerializeInternal's step
    /// 26.4.1.1 says. The default is always `None`.
    fn own_data_value(
        &mut self,
        _o: &Self::Object,
        _key: &PropertyKey,
    ) -> Option<Option<Value<Self::Object>>> {
        None
    }

    /// CreateDataProperty(o, key, value) where `o` is an object that
    /// [`Realm::ordinary_object_create`] or [`Realm::array_create`] made for
    /// StructuredDeserialize and that nothing but this same call has touched
    /// since: extensible, with no property but data properties this call
    /// defined (so no accessor, nothing non-configurable, nothing
    /// non-writable). On such an object the definition cannot fail, so a
    /// realm may append without the general [[DefineOwnProperty]] checks;
    /// it must still keep an Array's `length` above its indices. The
    /// default is [`Realm::create_data_property`].
    fn create_data_property_on_new(
        &mut self,
        o: &Self::Object,
        key: PropertyKey,
        value: Value<Self::Object>,
    ) -> bool {
        self.create_data_property(o, key, value)
    }

    /// A String of the code units `units`, to be the key of a property
    /// that StructuredDeserialize is about to define. A realm that shares
    /// its property names (as engines intern them) may hand back its own
    /// String of the same units instead of a new one. The default makes a
    /// new String.
    fn property_key_from_code_units(&mut self, units: &[u16]) -> JsString {
        JsString::from(units)
    }

    /// [`Realm::append_enumerable_own_property_keys`] for an Array `o`
    /// whose keys may begin with the indices `"0"`, `"1"`, … `n - 1`:
    /// returns `n` and appends only the keys after those (a realm that
    /// keeps an Array's elements in a vector need not make a String per
    /// element, and StructuredSerializeInternal asks for them by index
    /// with [`Realm::own_element_value`]). The keys in order are then
    /// the `n` indices followed by what was appended. The default appends
    /// every key and returns 0.
    fn append_enumerable_own_property_keys_after_elements(
        &mut self,
        o: &Self::Object,
        keys: &mut Vec<JsString>,
    ) -> u32 {
        self.append_enumerable_own_property_keys(o, keys);
        0
    }

    /// [`Realm::own_data_value`] for the key that is the array index
    /// `index`. The default asks [`Realm::own_data_value`] with the key
    /// written out.
    fn own_element_value(&mut self, o: &Self::Object, index: u32) -> Option<Option<Value<Self::Object>>> {
        self.own_data_value(o, &PropertyKey::String(JsString::from(index.to_string())))
    }

    /// [`Realm::create_data_property_on_new`] for the key that is the
    /// array index `index`. The default calls it with the key written out.
    fn create_element_on_new(&mut self, o: &Self::Object, index: u32, value: Value<Self::Object>) -> bool {
        self.create_data_property_on_new(o, PropertyKey::String(JsString::from(index.to_string())), value)
    }

    /// Many [`Realm::own_element_value`] questions in one: hands `visitor`
    /// the values of the Array `array`'s elements `first`, `first + 1`, …
    /// (below `end`), in index order, for as long as each is a plain own
    /// data property holding a primitive other than a Symbol, and returns
    /// how many it handed over. It stops at the first index that is
    /// missing, an accessor, or holds an object or a Symbol (those take
    /// StructuredSerializeInternal's steps one element at a time).
    ///
    /// Reading such an element runs no code and changes nothing, so the
    /// serializer may read a run of them at once where the standard reads
    /// them one by one (see `docs/performance.md`, "the bulk path for
    /// Arrays"). A realm must hand over nothing whose reading could be
    /// observed (a Proxy, a getter). The default hands over none and
    /// returns 0, which is always correct.
    fn visit_primitive_elements(
        &self,
        _array: &Self::Object,
        _first: u32,
        _end: u32,
        _visitor: &mut dyn FnMut(&Value<Self::Object>),
    ) -> u32 {
        0
    }

    /// The bulk path for a small object: hands `visitor` every key of
    /// EnumerableOwnProperties(`o`, key) with its value, in that order, and
    /// returns true, when StructuredSerializeInternal would find `o` an
    /// ordinary object (steps 7 – 23 give it no record and no error, so
    /// step 24 applies) and each such key names an own data property
    /// holding a primitive other than a Symbol. Otherwise it returns false
    /// and the caller forgets whatever `visitor` got.
    ///
    /// As with [`Realm::visit_primitive_elements`], reading such an object
    /// runs no code and changes nothing, so a serializer may read it whole
    /// where the standard reads it key by key. A realm must answer true for
    /// nothing whose reading could be observed (a Proxy, a getter). The
    /// default answers false, which is always correct.
    fn visit_primitive_properties(
        &self,
        _o: &Self::Object,
        _visitor: &mut dyn FnMut(&JsString, &Value<Self::Object>),
    ) -> bool {
        false
    }

    /// Many [`Realm::create_element_on_new`] calls in one: defines the
    /// elements `first`, `first + 1`, … of the new Array `array` (under the
    /// same conditions as [`Realm::create_data_property_on_new`]) from
    /// `values`, in order. Returns false if any definition failed. The
    /// default calls [`Realm::create_element_on_new`] for each value.
    fn create_elements_on_new(
        &mut self,
        array: &Self::Object,
        first: u32,
        values: &mut dyn Iterator<Item = Value<Self::Object>>,
    ) -> bool {
        create_elements_one_by_one(self, array, first, values)
    }
}

/// [`Realm::create_elements_on_new`] as one [`Realm::create_element_on_new`]
/// per value (its default, and a realm's fallback when its bulk form does
/// not apply).
pub(crate) fn create_elements_one_by_one<R: Realm + ?Sized>(
    realm: &mut R,
    array: &R::Object,
    first: u32,
    values: &mut dyn Iterator<Item = Value<R::Object>>,
) -> bool {
    let mut index = first;
    for value in values {
        if !realm.create_element_on_new(array, index, value) {
            return false;
        }
        index = index.saturating_add(1);
    }
    true
}
