//! The built-in realm: an arena of objects with exactly the internal slots
//! the structured-data algorithms inspect. Model checks and fuzzing run on it.
//!
//! This file holds the data model; the `Realm` implementation is split along
//! its seams: `properties` (own keys, [[Get]], definitions), `conversion`
//! (ToString and the errors the heap throws), `date` (Date.prototype.toString),
//! `buffers` (ArrayBuffer and view operations), `slots` (what each kind
//! carries) and `realm_impl` (the trait).

mod buffers;
mod bulk;
mod collect;
mod conversion;
mod date;
mod properties;
mod property_list;
pub use property_list::PropertyList;
mod realm_impl;
mod slots;
mod text;

use super::{AgentClusterId, BigInt, ErrorPrototype, JsString, PropertyKey, Symbol, Value, ViewKind};
use crate::ecmascript::SharedDataBlock;
use std::collections::HashSet;

/// A handle to an object of a [`Heap`]; identity is the index.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct ObjectId(pub u32);

impl ObjectId {
    /// The arena index.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A RegExp's slots, boxed in [`ObjectKind::RegExp`].
#[derive(Clone, Debug)]
pub struct RegExpSlots {
    /// [[OriginalSource]]
    pub source: JsString,
    /// [[OriginalFlags]]
    pub flags: JsString,
}

/// The state of an ArrayBuffer's [[ArrayBufferData]].
#[derive(Clone, Debug)]
pub enum ArrayBufferState {
    /// An ArrayBuffer; `data` is `None` once detached. `max_byte_length`
    /// makes it resizable. `detach_key` set means DetachArrayBuffer with no
    /// key throws (as for WebAssembly.Memory buffers).
    Owned {
        /// [[ArrayBufferData]], `None` when detached.
        data: Option<Vec<u8>>,
        /// [[ArrayBufferMaxByteLength]]
        max_byte_length: Option<usize>,
        /// Whether [[ArrayBufferDetachKey]] is something other than undefined.
        detach_key: bool,
    },
    /// A SharedArrayBuffer (growable when `max_byte_length` is set).
    Shared {
        /// The Shared Data Block.
        block: SharedDataBlock,
        /// [[ArrayBufferMaxByteLength]]
        max_byte_length: Option<usize>,
    },
}

/// The getter of an accessor property. The built-in heap runs no script, so
/// a getter either returns a fixed value or throws one.
#[derive(Clone, Debug)]
pub enum Accessor {
    /// The getter returns this value.
    Returns(Value<ObjectId>),
    /// The getter throws this value.
    Throws(Value<ObjectId>),
}

impl Accessor {
    /// The value the getter returns or throws.
    pub fn value(&self) -> &Value<ObjectId> {
        match self {
            Accessor::Returns(value) | Accessor::Throws(value) => value,
        }
    }
}

/// An own property of a heap object.
#[derive(Clone, Debug)]
pub enum OwnProperty {
    /// A data property.
    Data {
        /// [[Value]]
        value: Value<ObjectId>,
        /// [[Writable]]
        writable: bool,
        /// [[Enumerable]]
        enumerable: bool,
        /// [[Configurable]]
        configurable: bool,
    },
    /// An accessor property (getter only).
    Accessor {
        /// What [[Get]] does (boxed: accessors are rare, and an inline
        /// getter would make every data property a word larger).
        getter: Box<Accessor>,
        /// [[Enumerable]]
        enumerable: bool,
        /// [[Configurable]]
        configurable: bool,
    },
}

impl OwnProperty {
    /// A writable, enumerable, configurable data property (what
    /// CreateDataProperty makes).
    pub fn new_data(value: Value<ObjectId>) -> Self {
        OwnProperty::Data {
            value,
            writable: true,
            enumerable: true,
            configurable: true,
        }
    }

    /// [[Enumerable]]
    pub fn enumerable(&self) -> bool {
        match self {
            OwnProperty::Data { enumerable, .. } | OwnProperty::Accessor { enumerable, .. } => *enumerable,
        }
    }
}

/// Which internal slots a heap object has: one variant per kind of object the
/// algorithms tell apart.
#[derive(Clone, Debug)]
pub enum ObjectKind {
    /// An ordinary object (only [[Prototype]], [[Extensible]], [[PrivateElements]]).
    Ordinary,
    /// The realm's %Object.prototype% (an immutable prototype exotic object).
    ObjectPrototype,
    /// An Array exotic object; `length` is its own `length` property.
    Array {
        /// The `length` property's value.
        length: u32,
    },
    /// A Boolean object ([[BooleanData]]).
    BooleanWrapper(bool),
    /// A Number object ([[NumberData]]).
    NumberWrapper(f64),
    /// A BigInt object ([[BigIntData]]).
    BigIntWrapper(BigInt),
    /// A String exotic object ([[StringData]]); its index keys and `length`
    /// are virtual own properties.
    StringWrapper(JsString),
    /// A Date ([[DateValue]]).
    Date(f64),
    /// A RegExp ([[RegExpMatcher]], [[OriginalSource]], [[OriginalFlags]]);
    /// `lastIndex` is an ordinary own property. The slots are boxed, as
    /// RegExps are rare and two strings inline would make every object larger.
    RegExp(Box<RegExpSlots>),
    /// An ArrayBuffer or SharedArrayBuffer; boxed, as buffers are rare and
    /// their state would make every object larger.
    ArrayBuffer(Box<ArrayBufferState>),
    /// A TypedArray or DataView.
    View {
        /// Which constructor.
        kind: ViewKind,
        /// [[ViewedArrayBuffer]]
        buffer: ObjectId,
        /// [[ByteOffset]]
        byte_offset: usize,
        /// [[ArrayLength]] for a TypedArray, [[ByteLength]] for a DataView;
        /// `None` is `auto` (length-tracking).
        length: Option<usize>,
    },
    /// A Map ([[MapData]]; `None` entries were deleted).
    Map(Vec<Option<(Value<ObjectId>, Value<ObjectId>)>>),
    /// A Set ([[SetData]]; `None` entries were deleted).
    Set(Vec<Option<Value<ObjectId>>>),
    /// An Error ([[ErrorData]], [[Stack]]); `message` and `name` are own
    /// properties when present.
    Error {
        /// Its prototype: which native error constructor made it.
        prototype: ErrorPrototype,
        /// [[Stack]]
        stack: Option<JsString>,
    },
    /// A platform object implementing `interface` (see
    /// [`Realm::create_platform_object`](crate::ecmascript::Realm::create_platform_object)).
    Platform {
        /// The primary interface's identifier (a boxed `str`, not a
        /// `String`, so the variant stays within 32 bytes).
        interface: Box<str>,
        /// [[Detached]], for transferable interfaces.
        detached: Option<bool>,
        /// A handle for the object's platform state, for hosts written for
        /// this heap alone (the `Person` example); 0 for objects made through
        /// the `Realm` trait, whose hosts key their state by the object.
        host: u64,
    },
    /// A function ([[Call]]).
    Function,
    /// A Symbol object ([[SymbolData]]).
    SymbolObject(Symbol),
    /// A WeakMap ([[WeakMapData]]).
    WeakMap,
    /// A WeakSet ([[WeakSetData]]).
    WeakSet,
    /// A WeakRef ([[WeakRefTarget]]).
    WeakRef,
    /// A Promise ([[PromiseState]] and friends).
    Promise,
    /// A Proxy exotic object.
    Proxy,
}

/// One object of the heap: its slots and its own properties. The fields are
/// reached through methods, so that how an object is stored can change.
#[derive(Clone, Debug)]
pub struct HeapObject {
    /// The internal slots.
    kind: ObjectKind,
    /// Own properties: plain array elements densely by index, the others in
    /// the order they were created. [[OwnPropertyKeys]] order (indices
    /// first) is computed from this.
    properties: PropertyList,
}

impl HeapObject {
    /// The internal slots: which kind of object this is and what it holds.
    pub fn kind(&self) -> &ObjectKind {
        &self.kind
    }

    /// The internal slots, mutably.
    pub fn kind_mut(&mut self) -> &mut ObjectKind {
        &mut self.kind
    }

    /// The own properties.
    pub fn properties(&self) -> &PropertyList {
        &self.properties
    }

    /// The own properties, mutably.
    pub fn properties_mut(&mut self) -> &mut PropertyList {
        &mut self.properties
    }
}

/// The built-in realm.
#[derive(Debug)]
pub struct Heap {
    objects: Vec<HeapObject>,
    agent_cluster: AgentClusterId,
    cross_origin_isolated: bool,
    next_symbol: u64,
    /// Bytes CreateByteDataBlock / new ArrayBuffers may still take before a
    /// RangeError; `None` is unlimited.
    allocation_budget: Option<usize>,
    /// Bumped by every mutable access to an object (see [`Heap::object_mut`]):
    /// texts ToString keeps between conversions hold for one generation.
    generation: u64,
    /// ToString's memo of object texts (see `text.rs`).
    texts: text::Texts,
    /// ToString applications so far (see [`Heap::to_string_count`]).
    to_string_count: u64,
    /// The longest String ToString builds (see [`Heap::set_max_string_length`]).
    max_string_length: usize,
    /// Slots freed by [`Heap::collect_garbage`], for new objects.
    free: Vec<u32>,
    /// Property names defined so far (up to [`Heap::INTERNED_KEYS`] of
    /// them), so that objects made one by one with the same names share
    /// one String per name, as an engine's interned names are shared.
    keys: HashSet<JsString>,
    /// The names [`Heap::intern`] handed out last, each in a slot picked
    /// from its length and its first and last code units: objects made in a
    /// loop define the same few names again and again, and finding one here
    /// costs a comparison of a few code units instead of SipHash. A slot is
    /// only a hint: a miss (or a script that makes its names collide) falls
    /// back to `keys`, and any equal String is a correct name to share.
    recent_keys: [Option<JsString>; RECENT_KEYS],
}

/// Slots of [`Heap`]'s `recent_keys`.
const RECENT_KEYS: usize = 8;

/// The slot of `recent_keys` for the name of these code units.
fn recent_slot(units: &[u16]) -> usize {
    let first = units.first().map_or(0, |&u| usize::from(u));
    let last = units.last().map_or(0, |&u| usize::from(u));
    (units.len() ^ first ^ last.wrapping_mul(3)) % RECENT_KEYS
}

impl Default for Heap {
    fn default() -> Self {
        Heap::new(AgentClusterId(0))
    }
}

impl Heap {
    /// An empty realm in the given agent cluster, cross-origin isolated.
    pub fn new(agent_cluster: AgentClusterId) -> Self {
        let mut heap = Heap {
            objects: Vec::new(),
            agent_cluster,
            cross_origin_isolated: true,
            next_symbol: 0,
            allocation_budget: None,
            generation: 0,
            texts: text::Texts::default(),
            to_string_count: 0,
            max_string_length: Heap::MAX_STRING_LENGTH,
            free: Vec::new(),
            keys: HashSet::new(),
            recent_keys: Default::default(),
        };
        heap.alloc(ObjectKind::ObjectPrototype);
        heap
    }

    /// Sets the cross-origin isolated capability (SharedArrayBuffers may be
    /// serialized only when it is true).
    pub fn set_cross_origin_isolated(&mut self, capable: bool) {
        self.cross_origin_isolated = capable;
    }

    /// Limits the bytes that buffer allocations may take from now on
    /// (`None`: unlimited). Exceeding it throws a RangeError, as an engine
    /// out of memory would.
    ///
    /// # Example
    ///
    /// A clone that would need more memory than the realm has throws the
    /// realm's RangeError, which reaches the caller unchanged.
    ///
    /// ```
    /// use webmessaging::ecmascript::{AgentClusterId, ArrayBufferState, ErrorPrototype, Heap, ObjectKind, Realm, Value};
    /// use webmessaging::structured::{CloneError, NoPlatformObjects, structured_clone};
    ///
    /// let mut heap = Heap::new(AgentClusterId(0));
    /// let buffer = heap.alloc(ObjectKind::array_buffer_of(ArrayBufferState::Owned {
    ///     data: Some(vec![0; 4096]),
    ///     max_byte_length: None,
    ///     detach_key: false,
    /// }));
    /// heap.set_allocation_budget(Some(1024));
    /// let error = structured_clone(&mut heap, &mut NoPlatformObjects, Value::Object(buffer), &[])
    ///     .unwrap_err();
    /// let CloneError::Thrown(Value::Object(thrown)) = error else { panic!("{error}") };
    /// assert!(matches!(
    ///     heap.object(thrown).kind(),
    ///     ObjectKind::Error { prototype: ErrorPrototype::RangeError, .. }
    /// ));
    /// assert!(heap.has_error_data(&thrown));
    /// ```
    pub fn set_allocation_budget(&mut self, bytes: Option<usize>) {
        self.allocation_budget = bytes;
    }

    /// Takes `bytes` from the allocation budget, or says it cannot.
    pub(crate) fn take_allocation(&mut self, bytes: usize) -> bool {
        match &mut self.allocation_budget {
            None => true,
            Some(left) if *left >= bytes => {
                *left -= bytes;
                true
            }
            Some(_) => false,
        }
    }

    /// This realm's %Object.prototype%.
    pub fn object_prototype(&self) -> ObjectId {
        ObjectId(0)
    }

    /// Adds an object with no own properties.
    ///
    /// # Panics
    ///
    /// When the heap already holds 2^32 objects (its handles are `u32`).
    pub fn alloc(&mut self, kind: ObjectKind) -> ObjectId {
        if let Some(index) = self.free.pop() {
            // A slot freed by a collection: its property list is empty but
            // may keep room for a few properties (cleared again in case a
            // stale handle wrote to it).
            let object = &mut self.objects[index as usize];
            object.kind = kind;
            object.properties.clear_for_reuse();
            return ObjectId(index);
        }
        let id = ObjectId(u32::try_from(self.objects.len()).expect("heap holds at most 2^32 objects"));
        self.objects.push(HeapObject {
            kind,
            properties: PropertyList::new(),
        });
        id
    }

    /// A new Symbol with this description.
    pub fn new_symbol(&mut self, description: Option<JsString>) -> Symbol {
        self.next_symbol += 1;
        Symbol::new(self.next_symbol, description)
    }

    /// The object behind a handle.
    ///
    /// Panics if the handle is not from this heap (a caller bug).
    pub fn object(&self, id: ObjectId) -> &HeapObject {
        &self.objects[id.index()]
    }

    /// The object behind a handle, mutably.
    ///
    /// Every mutable access to an object goes through here or
    /// `Heap::kind_mut`: both start a new generation, which drops the texts
    /// ToString memoised (a change anywhere may change any object's text).
    pub fn object_mut(&mut self, id: ObjectId) -> &mut HeapObject {
        self.generation = self.generation.wrapping_add(1);
        &mut self.objects[id.index()]
    }

    /// The internal slots of the object behind a handle, mutably, if the
    /// handle is from this heap (a new generation, as for [`Heap::object_mut`]).
    pub(crate) fn kind_mut(&mut self, id: ObjectId) -> Option<&mut ObjectKind> {
        self.generation = self.generation.wrapping_add(1);
        self.objects.get_mut(id.index()).map(|o| &mut o.kind)
    }

    /// The object behind a handle, if the handle is from this heap.
    pub fn get_object(&self, id: ObjectId) -> Option<&HeapObject> {
        self.objects.get(id.index())
    }

    /// How many distinct property names the heap shares at most (see
    /// [`Heap::define_property`]); names past these are kept as given.
    pub const INTERNED_KEYS: usize = 4096;

    /// Defines (or redefines in place) an own property. A short String key
    /// that is not an array index is replaced by the heap's copy of the same
    /// name, if it has one (it keeps the first [`Heap::INTERNED_KEYS`]
    /// names it sees), so that a million objects `{a, b}` share two keys.
    pub fn define_property(&mut self, id: ObjectId, key: PropertyKey, property: OwnProperty) {
        let key = self.interned_key(key);
        self.object_mut(id).properties.insert(key, property);
    }

    /// `key`, a short String that is not an array index replaced by the
    /// heap's copy of the same name (see [`Heap::define_property`]).
    pub(super) fn interned_key(&mut self, key: PropertyKey) -> PropertyKey {
        match key {
            PropertyKey::String(name) if name.len() <= 32 && name.as_array_index().is_none() => {
                PropertyKey::String(self.intern(name))
            }
            key => key,
        }
    }

    /// A property name of these code units: the heap's copy, when it has
    /// one among the names it handed out last (no String is made), else a
    /// new String, shared from then on as [`Heap::interned_key`] shares.
    pub(super) fn name_from_code_units(&mut self, units: &[u16]) -> JsString {
        if let Some(recent) = &self.recent_keys[recent_slot(units)]
            && recent.code_units() == units
        {
            return recent.clone();
        }
        match self.interned_key(PropertyKey::String(JsString::from(units))) {
            PropertyKey::String(name) => name,
            // A String key stays a String key.
            PropertyKey::Symbol(_) => JsString::from(units),
        }
    }

    /// The heap's copy of `name`, or `name` itself (kept as the copy while
    /// there is room).
    fn intern(&mut self, name: JsString) -> JsString {
        let slot = recent_slot(name.code_units());
        if let Some(recent) = &self.recent_keys[slot]
            && *recent == name
        {
            return recent.clone();
        }
        let shared = if let Some(shared) = self.keys.get(&name) {
            shared.clone()
        } else {
            if self.keys.len() < Heap::INTERNED_KEYS {
                self.keys.insert(name.clone());
            }
            name
        };
        self.recent_keys[slot] = Some(shared.clone());
        shared
    }

    /// Number of object slots, in use or freed by a collection (without
    /// collections: the number of objects, %Object.prototype% included;
    /// see [`Heap::live_objects`]).
    pub fn len(&self) -> usize {
        self.objects.len()
    }

    /// Whether the heap holds only its intrinsics.
    pub fn is_empty(&self) -> bool {
        self.objects.len() <= 1
    }
}

#[cfg(test)]
mod tests {
    use super::{Heap, RECENT_KEYS, recent_slot};
    use crate::ecmascript::{JsString, PropertyKey, Realm, Value};

    /// The keys of `o`, in order.
    fn keys(heap: &Heap, o: super::ObjectId) -> Vec<JsString> {
        let properties = heap.object(o).properties().to_vec();
        properties
            .into_iter()
            .filter_map(|(key, _)| key.as_string().cloned())
            .collect()
    }

    #[test]
    fn names_in_the_same_recent_slot_are_each_shared_and_kept_apart() {
        // Names of every slot, many per slot, defined in turns so that each
        // evicts another from its slot.
        let names: Vec<String> = (0..200).map(|i| format!("k{i}")).collect();
        let slots: std::collections::HashSet<_> = names
            .iter()
            .map(|n| recent_slot(JsString::from(n.as_str()).code_units()))
            .collect();
        assert_eq!(slots.len(), RECENT_KEYS, "the names cover every slot");
        let mut heap = Heap::default();
        let made: Vec<_> = (0..3)
            .map(|round| {
                let o = heap.ordinary_object_create();
                for name in &names {
                    heap.create_data_property(
                        &o,
                        PropertyKey::from(name.as_str()),
                        Value::Number(round.into()),
                    );
                }
                keys(&heap, o)
            })
            .collect();
        for object in &made {
            let texts: Vec<_> = object.iter().map(|k| k.to_string_lossy()).collect();
            assert_eq!(texts, names, "each object has its own names, in order");
        }
        for (a, b) in made[0].iter().zip(&made[2]) {
            assert!(a.shares_units_with(b), "{a:?} is made once");
        }
    }
}
