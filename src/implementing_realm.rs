//! # Implementing `Realm` for your engine
//!
//! The structured-data and messaging algorithms never look inside a realm
//! except through the [`Realm`] trait. An engine that implements it for one
//! of its realms gets `structuredClone`, StructuredSerialize /
//! StructuredDeserialize (plain, WithTransfer and ForStorage), MessageChannel,
//! MessagePort and BroadcastChannel over its own objects, exactly as the
//! built-in [`Heap`] gets them.
//!
//! Two implementations exist to read next to this page:
//!
//! - the built-in heap, `src/ecmascript/heap/realm_impl.rs` in this
//!   repository: the reference, over an arena of plain Rust objects;
//! - the Boa adapter, `engines/boa/src/realm/realm_impl.rs` (the
//!   `webmessaging-boa` crate of this workspace): every operation answered
//!   through Boa 0.22's public API, with the workarounds its API needs
//!   written where they are.
//!
//! # The shape of an implementation
//!
//! - **`type Object`** is your handle to one of the realm's objects. Its
//!   `Eq` and `Hash` must be *object identity*: two handles to the same
//!   object are equal and hash alike, two different objects never are.
//!   StructuredSerializeInternal's *memory* map is keyed by it, so
//!   identity is what keeps cycles and shared references intact.
//!   It need not be `Send`: a Boa `JsObject` is not.
//! - **The realm may be a short borrow.** Nothing keeps a realm between
//!   calls; an engine whose native functions get `&mut Context` makes its
//!   realm from that borrow for each call, as the Boa adapter does and the
//!   example below shows.
//! - **`&self` methods never run author code**: they read internal slots
//!   (`None` when the object lacks the slot) or answer a question that
//!   cannot run script. **`&mut self` methods may**: [`Realm::get`] can run
//!   a getter, [`Realm::to_string`] a `toString`, and either may throw.
//! - **A throw is an [`Exception`]** carrying the thrown value. The
//!   algorithms never inspect, wrap or copy it: it comes back to the caller
//!   as [`CloneError::Thrown`](crate::structured::CloneError::Thrown) with
//!   the same value, so the engine rethrows the *same* object (identity of
//!   thrown values is kept). Only a "DataCloneError" is the library's own
//!   ([`CloneError::DataClone`](crate::structured::CloneError::DataClone)),
//!   which the engine turns into its DOMException.
//!
//! # What the algorithms assume
//!
//! - **Own keys in order.** [`Realm::enumerable_own_property_keys`] is
//!   EnumerableOwnProperties(O, key): the enumerable **String** keys (no
//!   Symbols) in [[OwnPropertyKeys]] order, integer indices ascending first,
//!   then the other strings in the order they were created. The clone's
//!   property order is this order; a realm that returns another one makes
//!   clones whose keys come out in another order than in browsers.
//! - **Author code can change the graph while it is walked.** A getter that
//!   runs in step 26.4.1.1 of StructuredSerializeInternal may delete a later
//!   property, detach a buffer or add entries to a Map. The algorithms ask
//!   again rather than cache ([`Realm::has_own_property`] before every
//!   [`Realm::get`], buffers checked when they are reached), so every answer
//!   must be about the realm as it is at the call.
//! - **Detaching moves the bytes.** [`Realm::detach_array_buffer`] is
//!   DetachArrayBuffer: it hands back the [[ArrayBufferData]] it took and
//!   leaves the buffer detached, so that afterwards
//!   [`Realm::is_detached_buffer`] is true and its byte length reads 0. It
//!   throws (a TypeError) when [[ArrayBufferDetachKey]] is not undefined;
//!   the transfer then fails with that exception. [`Realm::set_detached`]
//!   is the HTML [[Detached]] slot of a transferable platform object (a
//!   MessagePort), a different thing.
//! - **New objects belong to this realm.** The `create_*` methods,
//!   [`Realm::array_create`] and [`Realm::ordinary_object_create`] make
//!   objects with this realm's intrinsic prototypes (%Array.prototype%,
//!   %Map.prototype%, …), as StructuredDeserialize requires of its target
//!   realm; [`Realm::create_data_property`] and
//!   [`Realm::ordinary_define_own_property`] define properties without
//!   running setters.
//! - **Shared memory stays in its agent cluster.** [`Realm::agent_cluster`]
//!   names the cluster; a SharedArrayBuffer's record names the cluster it
//!   was serialized in, and deserializing it elsewhere is a DataCloneError
//!   (seen by a port as `messageerror`). Realms of one cluster must share
//!   the blocks ([`SharedDataBlock`]).
//! - **Platform objects** (a MessagePort, a BroadcastChannel, an engine's
//!   own DOMException) are made by [`Realm::create_platform_object`] with the
//!   interface's prototype, and recognised by [`Realm::platform_object`].
//!   The host (the messaging layer, or the engine's own
//!   [`PlatformObjects`](crate::structured::PlatformObjects)) keeps their
//!   platform state keyed by the object handle; the realm keeps only the
//!   interface name and [[Detached]].
//!   An engine whose own interfaces are \[Serializable] or \[Transferable]
//!   implements [`PlatformObjects`](crate::structured::PlatformObjects) for
//!   them and hands MessagePorts on to the messaging layer's host
//!   ([`Messaging::platform_objects`](crate::messaging::Messaging::platform_objects));
//!   [`PersonHost`](crate::structured::PersonHost) is the standard's own
//!   `Person` example written that way.
//!
//! # Each method
//!
//! "Step" is the step of the HTML algorithm that asks (SSI is
//! StructuredSerializeInternal, SD StructuredDeserialize, SSWT
//! StructuredSerializeWithTransfer, SDWT StructuredDeserializeWithTransfer);
//! the ECMA-262 operation is what the method must do.
//!
//! **Agent**
//!
//! | method | stands for | asked at |
//! |---|---|---|
//! | [`agent_cluster`](Realm::agent_cluster) | the surrounding agent's agent cluster | SSI 13.1.2, SD 12.1, 13.1 |
//! | [`cross_origin_isolated_capability`](Realm::cross_origin_isolated_capability) | the settings object's cross-origin isolated capability (SharedArrayBuffers may be serialized only when true) | SSI 13.1.1 |
//!
//! **Internal slots** (read only; `None`/`false` when the object has no such slot)
//!
//! | method | slot | asked at |
//! |---|---|---|
//! | [`boolean_data`](Realm::boolean_data), [`number_data`](Realm::number_data), [`bigint_data`](Realm::bigint_data), [`string_data`](Realm::string_data) | [[BooleanData]], [[NumberData]], [[BigIntData]], [[StringData]] of wrapper objects | SSI 7 – 10 |
//! | [`date_value`](Realm::date_value) | [[DateValue]] | SSI 11 |
//! | [`regexp_source_and_flags`](Realm::regexp_source_and_flags) | [[OriginalSource]], [[OriginalFlags]] of an object with [[RegExpMatcher]] | SSI 12 |
//! | [`array_buffer`](Realm::array_buffer) | [[ArrayBufferData]], [[ArrayBufferByteLength]], [[ArrayBufferMaxByteLength]] | SSI 13, SSWT 2, 5 |
//! | [`array_buffer_view`](Realm::array_buffer_view) | [[ViewedArrayBuffer]], [[ByteOffset]], [[ByteLength]], [[ArrayLength]], [[TypedArrayName]] | SSI 14 |
//! | [`map_data`](Realm::map_data), [`set_data`](Realm::set_data) | a copy of [[MapData]] / [[SetData]], deleted entries as `None` | SSI 15, 16, 26.1, 26.2 |
//! | [`has_error_data`](Realm::has_error_data), [`error_stack`](Realm::error_stack) | [[ErrorData]]; an implementation-defined [[Stack]] text | SSI 17, 17.5 |
//! | [`is_array_exotic`](Realm::is_array_exotic) | an Array exotic object (not IsArray: a Proxy of an array is not one) | SSI 18 |
//! | [`platform_object`](Realm::platform_object) | a platform object's primary interface and [[Detached]] | SSI 17, 18.4, SSWT 2, 5.1 |
//! | [`other_internal_slot`](Realm::other_internal_slot) | any other internal slot (e.g. [[WeakMapData]], [[PromiseState]]), by name, for the error message | SSI 22 |
//! | [`exotic_kind`](Realm::exotic_kind) | which exotic object it is (a Proxy), for the error message | SSI 23 |
//! | [`is_object_prototype_intrinsic`](Realm::is_object_prototype_intrinsic) | whether it is some realm's %Object.prototype% (an immutable prototype exotic object, serialized as an ordinary one) | SSI 23 |
//!
//! **Abstract operations and internal methods**
//!
//! | method | ECMA-262 | asked at |
//! |---|---|---|
//! | [`is_shared_array_buffer`](Realm::is_shared_array_buffer) | IsSharedArrayBuffer | SSI 13.1, SSWT 2.2 |
//! | [`is_detached_buffer`](Realm::is_detached_buffer) | IsDetachedBuffer | SSI 13.2.1, SSWT 5.1 |
//! | [`create_byte_data_block`](Realm::create_byte_data_block) | CreateByteDataBlock: a zeroed block or a thrown RangeError | SSI 13.2.3 |
//! | [`copy_data_block_bytes`](Realm::copy_data_block_bytes) | CopyDataBlockBytes from an ArrayBuffer's [[ArrayBufferData]] | SSI 13.2.4 |
//! | [`is_array_buffer_view_out_of_bounds`](Realm::is_array_buffer_view_out_of_bounds) | IsArrayBufferViewOutOfBounds (with IsTypedArrayOutOfBounds / IsViewOutOfBounds) | SSI 14.1 |
//! | [`detach_array_buffer`](Realm::detach_array_buffer) | DetachArrayBuffer, returning the bytes | SSWT 5.4.3 |
//! | [`get`](Realm::get) | Get(O, P): may run a getter and throw | SSI 17.1, 26.4.1.1 |
//! | [`get_own_property`](Realm::get_own_property) | O.\[\[GetOwnProperty\]\](P): a Proxy's trap may run and throw | SSI 17.3 |
//! | [`ordinary_get_own_property`](Realm::ordinary_get_own_property) | OrdinaryGetOwnProperty: no code runs | SSI 18.1 |
//! | [`to_string`](Realm::to_string) | ToString: may run `toString` and throw | SSI 17.4, `new BroadcastChannel(name)` |
//! | [`is_callable`](Realm::is_callable) | IsCallable | SSI 21 |
//! | [`enumerable_own_property_keys`](Realm::enumerable_own_property_keys) | EnumerableOwnProperties(O, key), in [[OwnPropertyKeys]] order | SSI 26.4 |
//! | [`has_own_property`](Realm::has_own_property) | HasOwnProperty | SSI 26.4.1 |
//!
//! **Making objects in this realm** (StructuredDeserialize)
//!
//! | method | what it makes | asked at |
//! |---|---|---|
//! | [`create_boolean_object`](Realm::create_boolean_object), [`create_number_object`](Realm::create_number_object), [`create_bigint_object`](Realm::create_bigint_object), [`create_string_object`](Realm::create_string_object) | a wrapper with that [[…Data]] (StringCreate for strings) | SD 6 – 9 |
//! | [`create_date`](Realm::create_date) | a Date with that [[DateValue]] | SD 10 |
//! | [`create_regexp`](Realm::create_regexp) | a RegExp from source and flags (RegExpAlloc + RegExpInitialize: `lastIndex` 0); may throw | SD 11 |
//! | [`create_shared_array_buffer`](Realm::create_shared_array_buffer) | a SharedArrayBuffer over the *same* block | SD 12.2, 13.2 |
//! | [`create_array_buffer`](Realm::create_array_buffer) | an ArrayBuffer owning the bytes (resizable with a maximum); may throw a RangeError | SD 14, 15, SDWT 3.2, 3.3 |
//! | [`create_array_buffer_view`](Realm::create_array_buffer_view) | a DataView or TypedArray with exactly those slots | SD 16.2, 16.3 |
//! | [`create_map`](Realm::create_map), [`append_map_entry`](Realm::append_map_entry), [`create_set`](Realm::create_set), [`append_set_entry`](Realm::append_set_entry) | a Map / Set, entries appended to [[MapData]] / [[SetData]] directly (no `set` / `add` runs) | SD 17.1, 18.1, 24.1, 24.2 |
//! | [`array_create`](Realm::array_create) | ArrayCreate(length) | SD 19.2 |
//! | [`ordinary_object_create`](Realm::ordinary_object_create) | OrdinaryObjectCreate(%Object.prototype%) | SD 20.1 |
//! | [`ordinary_error_create`](Realm::ordinary_error_create), [`set_error_stack`](Realm::set_error_stack), [`ordinary_define_own_property`](Realm::ordinary_define_own_property) | an Error with that prototype, its [[Stack]], its `message` | SD 21.9 – 21.12 |
//! | [`create_data_property`](Realm::create_data_property) | CreateDataProperty | SD 24.3 (through `create_data_property_on_new`) |
//! | [`set_detached`](Realm::set_detached) | the HTML [[Detached]] slot | SSWT 5.5.5, `port.close()` |
//! | [`create_platform_object`](Realm::create_platform_object) | a platform object of an interface exposed here ([Web IDL "new"](https://webidl.spec.whatwg.org/#new)) | `new MessageChannel()`, `new BroadcastChannel()`, receiving a port |
//!
//! **Optional** (each has a default that is always correct; a realm
//! overrides them only to be faster): [`slot_kind`](Realm::slot_kind) (steps
//! 7 – 24's questions as one),
//! [`append_enumerable_own_property_keys`](Realm::append_enumerable_own_property_keys),
//! [`dense_object_index`](Realm::dense_object_index),
//! [`reserve_objects`](Realm::reserve_objects),
//! [`reserve_own_properties`](Realm::reserve_own_properties),
//! [`own_data_value`](Realm::own_data_value),
//! [`create_data_property_on_new`](Realm::create_data_property_on_new),
//! the element forms [`append_enumerable_own_property_keys_after_elements`](Realm::append_enumerable_own_property_keys_after_elements),
//! [`own_element_value`](Realm::own_element_value) and
//! [`create_element_on_new`](Realm::create_element_on_new), and the bulk
//! forms for an Array's run of primitive elements
//! [`visit_primitive_elements`](Realm::visit_primitive_elements) and
//! [`create_elements_on_new`](Realm::create_elements_on_new), and the
//! small path's [`visit_primitive_properties`](Realm::visit_primitive_properties)
//! (an ordinary object whose properties are all primitives, serialized as
//! one record), the last three used only without the `trace` feature.
//! Their documentation says what each may assume.
//!
//! # A worked example
//!
//! An engine's realm is usually a borrow of the engine's context, made for
//! one call. Here the "engine" is a built-in [`Heap`] standing in for yours,
//! and `EngineRealm` is the realm the engine lends the algorithms: it counts
//! the getters it runs, where your engine would call into its interpreter.
//! The methods shown are the ones with something to say; the hidden rest
//! (click "expand" on the example, or read the source) forward to the
//! engine one for one.
//!
//! ```
//! use webmessaging::ecmascript::{
//!     AgentClusterId, ArrayBufferSlots, BigInt, ErrorPrototype, Exception, Heap, JsString,
//!     MapEntry, ObjectId, ObjectKind, OwnProperty, PlatformObjectSlots, PropertyDescriptor,
//!     PropertyKey, Realm, SharedDataBlock, Value, ViewSlots,
//! };
//! use webmessaging::structured::{CloneError, NoPlatformObjects, structured_clone};
//!
//! /// The realm an engine lends for one call: a borrow of its context.
//! struct EngineRealm<'a> {
//!     engine: &'a mut Heap,
//!     getters_run: &'a mut usize,
//! }
//!
//! impl Realm for EngineRealm<'_> {
//!     // Identity: equal handles are the same object.
//!     type Object = ObjectId;
//!
//!     fn agent_cluster(&self) -> AgentClusterId {
//!         self.engine.agent_cluster()
//!     }
//!
//!     // May run author code: a getter. What it throws is handed back as is.
//!     fn get(&mut self, o: &ObjectId, key: &PropertyKey) -> Result<Value<ObjectId>, Exception<ObjectId>> {
//!         *self.getters_run += 1;
//!         self.engine.get(o, key)
//!     }
//!
//!     // String keys only, integer indices ascending, then creation order.
//!     fn enumerable_own_property_keys(&mut self, o: &ObjectId) -> Vec<JsString> {
//!         self.engine.enumerable_own_property_keys(o)
//!     }
//!
//!     // Hands the bytes back and leaves the buffer detached.
//!     fn detach_array_buffer(&mut self, o: &ObjectId) -> Result<Vec<u8>, Exception<ObjectId>> {
//!         self.engine.detach_array_buffer(o)
//!     }
//!
//!     // A MessagePort, a BroadcastChannel: the interface's prototype from
//!     // this realm; the host keeps the platform state by handle.
//!     fn create_platform_object(&mut self, slots: PlatformObjectSlots) -> ObjectId {
//!         self.engine.create_platform_object(slots)
//!     }
//! #
//! #   fn cross_origin_isolated_capability(&self) -> bool { self.engine.cross_origin_isolated_capability() }
//! #   fn boolean_data(&self, o: &ObjectId) -> Option<bool> { self.engine.boolean_data(o) }
//! #   fn number_data(&self, o: &ObjectId) -> Option<f64> { self.engine.number_data(o) }
//! #   fn bigint_data(&self, o: &ObjectId) -> Option<BigInt> { self.engine.bigint_data(o) }
//! #   fn string_data(&self, o: &ObjectId) -> Option<JsString> { self.engine.string_data(o) }
//! #   fn date_value(&self, o: &ObjectId) -> Option<f64> { self.engine.date_value(o) }
//! #   fn regexp_source_and_flags(&self, o: &ObjectId) -> Option<(JsString, JsString)> { self.engine.regexp_source_and_flags(o) }
//! #   fn array_buffer(&self, o: &ObjectId) -> Option<ArrayBufferSlots> { self.engine.array_buffer(o) }
//! #   fn array_buffer_view(&self, o: &ObjectId) -> Option<ViewSlots<ObjectId>> { self.engine.array_buffer_view(o) }
//! #   fn map_data(&self, o: &ObjectId) -> Option<Vec<MapEntry<ObjectId>>> { self.engine.map_data(o) }
//! #   fn set_data(&self, o: &ObjectId) -> Option<Vec<Option<Value<ObjectId>>>> { self.engine.set_data(o) }
//! #   fn has_error_data(&self, o: &ObjectId) -> bool { self.engine.has_error_data(o) }
//! #   fn error_stack(&self, o: &ObjectId) -> Option<JsString> { self.engine.error_stack(o) }
//! #   fn is_array_exotic(&self, o: &ObjectId) -> bool { self.engine.is_array_exotic(o) }
//! #   fn platform_object(&self, o: &ObjectId) -> Option<PlatformObjectSlots> { self.engine.platform_object(o) }
//! #   fn other_internal_slot(&self, o: &ObjectId) -> Option<&'static str> { self.engine.other_internal_slot(o) }
//! #   fn exotic_kind(&self, o: &ObjectId) -> Option<&'static str> { self.engine.exotic_kind(o) }
//! #   fn is_object_prototype_intrinsic(&self, o: &ObjectId) -> bool { self.engine.is_object_prototype_intrinsic(o) }
//! #   fn is_shared_array_buffer(&self, o: &ObjectId) -> bool { self.engine.is_shared_array_buffer(o) }
//! #   fn is_detached_buffer(&self, o: &ObjectId) -> bool { self.engine.is_detached_buffer(o) }
//! #   fn create_byte_data_block(&mut self, size: usize) -> Result<Vec<u8>, Exception<ObjectId>> { self.engine.create_byte_data_block(size) }
//! #   fn copy_data_block_bytes(&self, to: &mut [u8], to_index: usize, from: &ObjectId, from_index: usize, count: usize) { self.engine.copy_data_block_bytes(to, to_index, from, from_index, count) }
//! #   fn is_array_buffer_view_out_of_bounds(&self, o: &ObjectId) -> bool { self.engine.is_array_buffer_view_out_of_bounds(o) }
//! #   fn get_own_property(&mut self, o: &ObjectId, key: &PropertyKey) -> Result<Option<PropertyDescriptor<ObjectId>>, Exception<ObjectId>> { self.engine.get_own_property(o, key) }
//! #   fn ordinary_get_own_property(&self, o: &ObjectId, key: &PropertyKey) -> Option<PropertyDescriptor<ObjectId>> { self.engine.ordinary_get_own_property(o, key) }
//! #   fn to_string(&mut self, value: &Value<ObjectId>) -> Result<JsString, Exception<ObjectId>> { Realm::to_string(self.engine, value) }
//! #   fn is_callable(&self, o: &ObjectId) -> bool { self.engine.is_callable(o) }
//! #   fn has_own_property(&mut self, o: &ObjectId, key: &PropertyKey) -> bool { self.engine.has_own_property(o, key) }
//! #   fn create_boolean_object(&mut self, b: bool) -> ObjectId { self.engine.create_boolean_object(b) }
//! #   fn create_number_object(&mut self, n: f64) -> ObjectId { self.engine.create_number_object(n) }
//! #   fn create_bigint_object(&mut self, b: BigInt) -> ObjectId { self.engine.create_bigint_object(b) }
//! #   fn create_string_object(&mut self, s: JsString) -> ObjectId { self.engine.create_string_object(s) }
//! #   fn create_date(&mut self, time: f64) -> ObjectId { self.engine.create_date(time) }
//! #   fn create_regexp(&mut self, source: JsString, flags: JsString) -> Result<ObjectId, Exception<ObjectId>> { self.engine.create_regexp(source, flags) }
//! #   fn create_array_buffer(&mut self, data: Vec<u8>, max: Option<usize>) -> Result<ObjectId, Exception<ObjectId>> { self.engine.create_array_buffer(data, max) }
//! #   fn create_shared_array_buffer(&mut self, block: SharedDataBlock, max: Option<usize>) -> ObjectId { self.engine.create_shared_array_buffer(block, max) }
//! #   fn create_array_buffer_view(&mut self, slots: ViewSlots<ObjectId>) -> ObjectId { self.engine.create_array_buffer_view(slots) }
//! #   fn create_map(&mut self) -> ObjectId { self.engine.create_map() }
//! #   fn append_map_entry(&mut self, map: &ObjectId, key: Value<ObjectId>, value: Value<ObjectId>) { self.engine.append_map_entry(map, key, value) }
//! #   fn create_set(&mut self) -> ObjectId { self.engine.create_set() }
//! #   fn append_set_entry(&mut self, set: &ObjectId, value: Value<ObjectId>) { self.engine.append_set_entry(set, value) }
//! #   fn array_create(&mut self, length: u32) -> ObjectId { self.engine.array_create(length) }
//! #   fn ordinary_object_create(&mut self) -> ObjectId { self.engine.ordinary_object_create() }
//! #   fn ordinary_error_create(&mut self, prototype: ErrorPrototype) -> ObjectId { self.engine.ordinary_error_create(prototype) }
//! #   fn ordinary_define_own_property(&mut self, o: &ObjectId, key: PropertyKey, desc: PropertyDescriptor<ObjectId>) -> bool { self.engine.ordinary_define_own_property(o, key, desc) }
//! #   fn set_error_stack(&mut self, o: &ObjectId, stack: Option<JsString>) { self.engine.set_error_stack(o, stack) }
//! #   fn create_data_property(&mut self, o: &ObjectId, key: PropertyKey, value: Value<ObjectId>) -> bool { self.engine.create_data_property(o, key, value) }
//! #   fn set_detached(&mut self, o: &ObjectId, detached: bool) { self.engine.set_detached(o, detached) }
//! }
//!
//! // The engine's side of `structuredClone(value)`: lend a realm, call the
//! // algorithm, turn its error into the engine's exception.
//! let mut engine = Heap::new(AgentClusterId(0));
//! let mut getters_run = 0;
//! let value = engine.alloc(ObjectKind::Ordinary);
//! engine.define_property(value, PropertyKey::from("a"), OwnProperty::new_data(Value::from("one")));
//! engine.define_property(value, PropertyKey::from("b"), OwnProperty::new_data(Value::Number(2.0)));
//!
//! let mut realm = EngineRealm { engine: &mut engine, getters_run: &mut getters_run };
//! let clone = structured_clone(&mut realm, &mut NoPlatformObjects, Value::Object(value), &[]);
//! match clone {
//!     Ok(Value::Object(copy)) => {
//!         assert_ne!(copy, value);
//!         assert_eq!(realm.enumerable_own_property_keys(&copy).len(), 2);
//!     }
//!     Ok(_) => unreachable!("an object clones to an object"),
//!     // `throw new DOMException(e.message, "DataCloneError")`
//!     Err(CloneError::DataClone(e)) => panic!("DataCloneError: {}", e.message),
//!     // Rethrow the very value the realm threw.
//!     Err(CloneError::Thrown(value)) => panic!("uncaught {value:?}"),
//! }
//! // One [[Get]] per property, the property order kept.
//! assert_eq!(getters_run, 2);
//! ```
//!
//! The same realm drives messaging: a
//! [`Messaging<ObjectId>`](crate::messaging::Messaging) takes `&mut R` with
//! `R: Realm<Object = ObjectId>` in every call that touches objects, so the
//! engine lends an `EngineRealm` for each `postMessage`, `close` or task it
//! runs (see the [`messaging`](crate::messaging) module's "Driving
//! `Messaging` from an engine's event loop").
//!
//! [`Realm`]: crate::ecmascript::Realm
//! [`Heap`]: crate::ecmascript::Heap
//! [`Exception`]: crate::ecmascript::Exception
//! [`SharedDataBlock`]: crate::ecmascript::SharedDataBlock
//! [`Realm::get`]: crate::ecmascript::Realm::get
//! [`Realm::to_string`]: crate::ecmascript::Realm::to_string
//! [`Realm::enumerable_own_property_keys`]: crate::ecmascript::Realm::enumerable_own_property_keys
//! [`Realm::has_own_property`]: crate::ecmascript::Realm::has_own_property
//! [`Realm::detach_array_buffer`]: crate::ecmascript::Realm::detach_array_buffer
//! [`Realm::is_detached_buffer`]: crate::ecmascript::Realm::is_detached_buffer
//! [`Realm::set_detached`]: crate::ecmascript::Realm::set_detached
//! [`Realm::array_create`]: crate::ecmascript::Realm::array_create
//! [`Realm::ordinary_object_create`]: crate::ecmascript::Realm::ordinary_object_create
//! [`Realm::create_data_property`]: crate::ecmascript::Realm::create_data_property
//! [`Realm::ordinary_define_own_property`]: crate::ecmascript::Realm::ordinary_define_own_property
//! [`Realm::agent_cluster`]: crate::ecmascript::Realm::agent_cluster
//! [`Realm::create_platform_object`]: crate::ecmascript::Realm::create_platform_object
//! [`Realm::platform_object`]: crate::ecmascript::Realm::platform_object

#[allow(unused_imports)] // for the links of the tables: `Realm::method`
use crate::ecmascript::Realm;
