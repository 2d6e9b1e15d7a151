//! What the standard says a clone of a built heap must do, worked out
//! independently of the library: it reads the heap's raw data (kinds and
//! stored properties) and walks it in the order StructuredSerializeInternal
//! visits things, without going through the `Realm` trait or any of the
//! library's algorithms.
//!
//! The walk follows StructuredSerializeWithTransfer: check the transfer list
//! (step 2), serialize (step 3, which stops at the first error in visiting
//! order), detach the transferred buffers in list order (step 5), then
//! StructuredDeserializeWithTransfer (the data holders first, then the
//! records).

use super::same_value;
use crate::clone_transfer::input::is_array_index;
use rustc_hash::FxHashSet as HashSet;
use webmessaging::ecmascript::{
    Accessor, ArrayBufferState, ErrorPrototype, Heap, JsString, ObjectId, ObjectKind, OwnProperty,
    PropertyKey, Value,
};

/// A value thrown by the realm.
#[derive(Debug, Clone)]
pub enum Thrown {
    /// This very value (what a getter threw).
    Value(Value<ObjectId>),
    /// A new Error object of this kind, made by the realm that threw.
    NewError(ErrorPrototype),
}

/// The outcome the standard requires.
#[derive(Debug, Clone)]
pub enum Expect {
    Ok,
    DataClone(&'static str),
    Thrown(Thrown),
}

/// Where in StructuredSerializeWithTransfer / DeserializeWithTransfer the
/// outcome is decided; it tells which buffers must be detached afterwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Checking the transfer list (SSWT step 2): nothing moved.
    TransferList,
    /// Serializing (SSWT step 3): nothing moved.
    Serialize,
    /// Detaching transfer-list entry `i` (SSWT step 5): the entries before
    /// it moved.
    Detach(usize),
    /// Everything in the transfer list moved.
    AfterTransfer,
}

/// The prediction for one input.
#[derive(Debug, Clone)]
pub struct Prediction {
    pub expect: Expect,
    pub stage: Stage,
    /// Whether a new RangeError thrown while serializing is the other
    /// possible outcome: a message's text whose length the oracle bounds
    /// but does not know (a Date's or a typed array's text inside it) may
    /// have passed the heap's limit where the walk assumed it did not.
    pub or_range_error: bool,
}

/// The realms' setup the prediction depends on.
pub struct Setup {
    pub cross_origin_isolated: bool,
    /// Whether the target realm is the source realm.
    pub same_realm: bool,
    /// Whether the target realm is in another agent cluster.
    pub other_cluster: bool,
    /// Each realm's allocation budget.
    pub budget: Option<usize>,
}

/// The own property `key` as stored.
pub fn own<'h>(heap: &'h Heap, o: ObjectId, key: &'static str) -> Option<std::borrow::Cow<'h, OwnProperty>> {
    // The walks read a handful of names (`toString`, `join`, `message`…)
    // once per object visited; each is made into a key once per thread
    // instead of a fresh string every read.
    thread_local! {
        static KEYS: std::cell::RefCell<Vec<(&'static str, PropertyKey)>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let key = KEYS.with_borrow_mut(|keys| match keys.iter().find(|(name, _)| *name == key) {
        Some((_, found)) => found.clone(),
        None => {
            let made = PropertyKey::from(key);
            keys.push((key, made.clone()));
            made
        }
    });
    heap.object(o).properties().get(&key)
}

/// [[Get]] of an own stored property (these objects inherit nothing the
/// walk reads, except an Error's `name`, handled by the caller).
pub fn get(property: &OwnProperty) -> Result<Value<ObjectId>, Thrown> {
    match property {
        OwnProperty::Data { value, .. } => Ok(value.clone()),
        OwnProperty::Accessor { getter, .. } => match &**getter {
            Accessor::Returns(v) => Ok(v.clone()),
            Accessor::Throws(v) => Err(Thrown::Value(v.clone())),
        },
    }
}

/// The enumerable own String-keyed properties of an ordinary object or
/// Array in [[OwnPropertyKeys]] order: array indices ascending, then the
/// other String keys in creation order.
pub fn enumerable_string_properties(heap: &Heap, o: ObjectId) -> Vec<(JsString, OwnProperty)> {
    let mut indexed = Vec::new();
    let mut named = Vec::new();
    for (key, property) in heap.object(o).properties().iter() {
        let (PropertyKey::String(name), true) = (&*key, property.enumerable()) else {
            continue;
        };
        match is_array_index(name) {
            Some(i) => indexed.push((i, name.clone(), property.into_owned())),
            None => named.push((name.clone(), property.into_owned())),
        }
    }
    indexed.sort_by_key(|(i, _, _)| *i);
    indexed.into_iter().map(|(_, k, p)| (k, p)).chain(named).collect()
}

/// What an Error serializes to: its kind from `name` (SSI 17.1 – 17.2) and
/// its message (17.3 – 17.4, ToString as `to_string` models it), `Some(None)`
/// for a message whose exact text this oracle leaves open. Sets `straddled`
/// when the message's conversion assumed an open text fitted the limit.
pub fn error_fields(
    heap: &Heap,
    o: ObjectId,
    straddled: &mut bool,
) -> Result<(ErrorPrototype, Option<Option<JsString>>), Thrown> {
    let kind = error_kind(heap, o)?;
    let message = match own(heap, o, "message").as_deref() {
        Some(OwnProperty::Data { value, .. }) => {
            let converted = super::to_string::to_string(heap, value);
            *straddled |= converted.straddled;
            Some(converted.result?.string())
        }
        _ => None,
    };
    Ok((kind, message))
}

/// The kind an Error serializes as (SSI 17.1 – 17.2): its `name` if that is
/// one of the native error names, else "Error". `name` is not converted.
pub fn error_kind(heap: &Heap, o: ObjectId) -> Result<ErrorPrototype, Thrown> {
    let ObjectKind::Error { prototype, .. } = heap.object(o).kind() else {
        unreachable!("not an Error")
    };
    let name = match own(heap, o, "name") {
        Some(p) => get(&p)?,
        None => Value::from(prototype.name()),
    };
    Ok(match &name {
        Value::String(s) => ErrorPrototype::ALL
            .into_iter()
            .find(|k| s.code_units().iter().copied().eq(k.name().encode_utf16()))
            .unwrap_or(ErrorPrototype::Error),
        _ => ErrorPrototype::Error,
    })
}

/// IsArrayBufferViewOutOfBounds, from the raw slots.
fn view_out_of_bounds(heap: &Heap, o: ObjectId) -> bool {
    let ObjectKind::View {
        kind,
        buffer,
        byte_offset,
        length,
    } = heap.object(o).kind()
    else {
        return false;
    };
    let buffer_length = match heap.object(*buffer).kind().as_array_buffer() {
        Some(ArrayBufferState::Owned { data: None, .. }) => return true,
        Some(ArrayBufferState::Owned { data: Some(d), .. }) => d.len(),
        Some(ArrayBufferState::Shared { block, .. }) => block.len(),
        _ => return true,
    };
    let end = match length {
        None => buffer_length,
        Some(n) => byte_offset + n * kind.element_size(),
    };
    *byte_offset > buffer_length || end > buffer_length
}

struct Walk<'h> {
    heap: &'h Heap,
    cross_origin_isolated: bool,
    memory: HashSet<ObjectId>,
    budget: Option<usize>,
    /// Bytes of the ArrayBuffers copied (not transferred).
    copied: usize,
    /// Whether a SharedArrayBuffer was serialized.
    shared: bool,
    /// Whether a message's conversion assumed an open text fitted.
    straddled: bool,
}

impl Walk<'_> {
    fn value(&mut self, v: &Value<ObjectId>) -> Result<(), Expect> {
        match v {
            Value::Symbol(_) => Err(Expect::DataClone("a Symbol value")),
            Value::Object(o) => self.object(*o),
            _ => Ok(()),
        }
    }

    fn take(&mut self, bytes: usize) -> bool {
        match &mut self.budget {
            None => true,
            Some(left) if *left >= bytes => {
                *left -= bytes;
                true
            }
            Some(_) => false,
        }
    }

    fn object(&mut self, o: ObjectId) -> Result<(), Expect> {
        if self.memory.contains(&o) {
            return Ok(());
        }
        let heap = self.heap;
        match heap.object(o).kind() {
            ObjectKind::BooleanWrapper(_)
            | ObjectKind::NumberWrapper(_)
            | ObjectKind::BigIntWrapper(_)
            | ObjectKind::StringWrapper(_)
            | ObjectKind::Date(_)
            | ObjectKind::RegExp { .. } => {}
            ObjectKind::ArrayBuffer(state) => match &**state {
                ArrayBufferState::Shared { .. } => {
                    if !self.cross_origin_isolated {
                        return Err(Expect::DataClone(
                            "a SharedArrayBuffer without cross-origin isolation",
                        ));
                    }
                    self.shared = true;
                }
                ArrayBufferState::Owned { data: None, .. } => {
                    return Err(Expect::DataClone("a detached ArrayBuffer"));
                }
                ArrayBufferState::Owned { data: Some(d), .. } => {
                    if !self.take(d.len()) {
                        return Err(Expect::Thrown(Thrown::NewError(ErrorPrototype::RangeError)));
                    }
                    self.copied += d.len();
                }
            },
            ObjectKind::View { buffer, .. } => {
                if view_out_of_bounds(heap, o) {
                    return Err(Expect::DataClone("an out-of-bounds view"));
                }
                // The buffer first; the view is remembered only afterwards.
                self.object(*buffer)?;
            }
            ObjectKind::Map(entries) => {
                self.memory.insert(o);
                for (k, v) in entries.iter().flatten() {
                    self.value(k)?;
                    self.value(v)?;
                }
                return Ok(());
            }
            ObjectKind::Set(entries) => {
                self.memory.insert(o);
                for v in entries.iter().flatten() {
                    self.value(v)?;
                }
                return Ok(());
            }
            ObjectKind::Error { .. } => {
                error_fields(heap, o, &mut self.straddled).map_err(Expect::Thrown)?;
            }
            ObjectKind::Array { .. } | ObjectKind::Ordinary | ObjectKind::ObjectPrototype => {
                self.memory.insert(o);
                for (_, property) in enumerable_string_properties(heap, o) {
                    let v = get(&property).map_err(Expect::Thrown)?;
                    self.value(&v)?;
                }
                return Ok(());
            }
            ObjectKind::Platform { .. } => return Err(Expect::DataClone("a platform object")),
            ObjectKind::Function => return Err(Expect::DataClone("a function")),
            ObjectKind::Proxy => return Err(Expect::DataClone("a Proxy")),
            ObjectKind::SymbolObject(_)
            | ObjectKind::WeakMap
            | ObjectKind::WeakSet
            | ObjectKind::WeakRef
            | ObjectKind::Promise => return Err(Expect::DataClone("an object with other internal slots")),
        }
        self.memory.insert(o);
        Ok(())
    }
}

/// Predicts the outcome of cloning `root` with `transfer` out of `heap`.
pub fn predict(heap: &Heap, root: &Value<ObjectId>, transfer: &[ObjectId], setup: &Setup) -> Prediction {
    let stop = |stage, expect| Prediction {
        expect,
        stage,
        or_range_error: false,
    };

    // SSWT step 2: only ArrayBuffers here (this host transfers no platform
    // objects), never shared ones, never twice.
    let mut listed = HashSet::with_capacity_and_hasher(heap.len(), Default::default());
    for t in transfer {
        match heap.object(*t).kind().as_array_buffer() {
            Some(ArrayBufferState::Owned { .. }) => {}
            Some(ArrayBufferState::Shared { .. }) => {
                return stop(
                    Stage::TransferList,
                    Expect::DataClone("a SharedArrayBuffer in the transfer list"),
                );
            }
            _ => {
                return stop(
                    Stage::TransferList,
                    Expect::DataClone("a non-transferable in the transfer list"),
                );
            }
        }
        if !listed.insert(*t) {
            return stop(
                Stage::TransferList,
                Expect::DataClone("a duplicate in the transfer list"),
            );
        }
    }

    // SSWT step 3, with the transfer list already in memory.
    let mut walk = Walk {
        heap,
        cross_origin_isolated: setup.cross_origin_isolated,
        memory: listed,
        budget: setup.budget,
        copied: 0,
        shared: false,
        straddled: false,
    };
    let serialized = walk.value(root);
    // From here on, every outcome has a RangeError of serialization as its
    // alternative when the walk assumed an open text fitted.
    let stop = |stage, expect| Prediction {
        expect,
        stage,
        or_range_error: walk.straddled,
    };
    if let Err(expect) = serialized {
        return stop(Stage::Serialize, expect);
    }

    // SSWT step 5, in list order.
    let mut moved = 0;
    for (i, t) in transfer.iter().enumerate() {
        match heap.object(*t).kind().as_array_buffer() {
            Some(ArrayBufferState::Owned { data: None, .. }) => {
                return stop(
                    Stage::Detach(i),
                    Expect::DataClone("a detached ArrayBuffer in the transfer list"),
                );
            }
            Some(ArrayBufferState::Owned { detach_key: true, .. }) => {
                return stop(
                    Stage::Detach(i),
                    Expect::Thrown(Thrown::NewError(ErrorPrototype::TypeError)),
                );
            }
            Some(ArrayBufferState::Owned { data: Some(d), .. }) => moved += d.len(),
            _ => unreachable!("refused at step 2"),
        }
    }

    // StructuredDeserializeWithTransfer: the holders' buffers first (a
    // failure throws the realm's RangeError), then the copies (a failure is
    // a DataCloneError), and shared memory only within its agent cluster.
    let mut pool = if setup.same_realm {
        walk.budget
    } else {
        setup.budget
    };
    let mut take = |bytes: usize| match &mut pool {
        None => true,
        Some(left) if *left >= bytes => {
            *left -= bytes;
            true
        }
        Some(_) => false,
    };
    if !take(moved) {
        return stop(
            Stage::AfterTransfer,
            Expect::Thrown(Thrown::NewError(ErrorPrototype::RangeError)),
        );
    }
    if !take(walk.copied) {
        return stop(
            Stage::AfterTransfer,
            Expect::DataClone("no room for the copied buffers"),
        );
    }
    if walk.shared && setup.other_cluster && !setup.same_realm {
        return stop(
            Stage::AfterTransfer,
            Expect::DataClone("shared memory outside its agent cluster"),
        );
    }
    stop(Stage::AfterTransfer, Expect::Ok)
}

/// Whether `v` is the thrown value `expected` describes.
pub fn matches_thrown(expected: &Thrown, v: &Value<ObjectId>, thrower: &Heap, fresh_from: usize) -> bool {
    match expected {
        Thrown::Value(e) => same_value(e, v),
        Thrown::NewError(kind) => match v {
            Value::Object(o) => {
                o.index() >= fresh_from
                    && matches!(thrower.object(*o).kind(), ObjectKind::Error { prototype, .. } if prototype == kind)
            }
            _ => false,
        },
    }
}
