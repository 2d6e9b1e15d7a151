//! What kind of object a Boa object is, read from its native data (Boa's
//! stand-in for internal slots) without running any code.
//!
//! Boa gives every object one Rust data type: `bool` for a Boolean wrapper,
//! `f64` for a Number wrapper, `JsString` for a String exotic object,
//! `OrdinaryObject` for an ordinary one, and so on. Most are public and can
//! be tested with `JsObject::is`; the exceptions are worked around below.

use super::Originals;
use crate::platform::PlatformObject;
use boa_engine::builtins::array_buffer::{ArrayBuffer, SharedArrayBuffer};
use boa_engine::builtins::dataview::DataView;
use boa_engine::builtins::date::Date;
use boa_engine::builtins::error::Error;
use boa_engine::builtins::map::ordered_map::OrderedMap;
use boa_engine::builtins::object::OrdinaryObject;
use boa_engine::builtins::promise::Promise;
use boa_engine::builtins::proxy::Proxy;
use boa_engine::builtins::regexp::RegExp;
use boa_engine::builtins::set::ordered_set::OrderedSet;
use boa_engine::builtins::typed_array::TypedArray;
use boa_engine::module::ModuleNamespace;
use boa_engine::object::builtins::{JsWeakMap, JsWeakSet};
use boa_engine::{Context, JsBigInt, JsObject, JsString, JsSymbol, JsValue};

/// The kinds of object the structured-data algorithms tell apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum BoaKind {
    /// An ordinary object (and Boa's global object).
    Ordinary,
    /// The realm's %Object.prototype% (immutable-prototype exotic).
    ObjectPrototype,
    /// An Array exotic object.
    Array,
    Boolean,
    Number,
    BigInt,
    /// A String exotic object.
    String,
    /// A Symbol wrapper ([[SymbolData]]).
    Symbol,
    Date,
    RegExp,
    ArrayBuffer,
    SharedArrayBuffer,
    TypedArray,
    DataView,
    Map,
    Set,
    /// An object with [[ErrorData]].
    Error,
    /// A platform object of this crate's host.
    Platform,
    /// A Proxy exotic object (callable or not).
    Proxy,
    WeakMap,
    WeakSet,
    WeakRef,
    Promise,
    /// A module namespace exotic object.
    ModuleNamespace,
    /// Any other callable object (functions, bound functions, classes).
    Function,
    /// Some other Boa built-in with internal slots of its own (iterators,
    /// generators, arguments objects, FinalizationRegistry, ...), whose
    /// data types Boa does not make public.
    OtherBuiltin,
}

impl BoaKind {
    /// The internal slot, other than [[Prototype]], [[Extensible]] and
    /// [[PrivateElements]], that marks this kind (StructuredSerializeInternal
    /// step 22), for the kinds that step is the first to refuse.
    pub fn other_internal_slot(self) -> Option<&'static str> {
        match self {
            BoaKind::Symbol => Some("[[SymbolData]]"),
            BoaKind::WeakMap => Some("[[WeakMapData]]"),
            BoaKind::WeakSet => Some("[[WeakSetData]]"),
            BoaKind::WeakRef => Some("[[WeakRefTarget]]"),
            BoaKind::Promise => Some("[[PromiseState]]"),
            BoaKind::ModuleNamespace => Some("[[Module]]"),
            BoaKind::OtherBuiltin => Some("(an internal slot of a Boa built-in object)"),
            // Like the built-in heap, a Proxy is left to step 23 (exotic
            // objects), whose own example it is.
            _ => None,
        }
    }

    /// The kind of exotic object, if it is one (for step 23's message).
    pub fn exotic_kind(self) -> Option<&'static str> {
        match self {
            BoaKind::Proxy => Some("Proxy"),
            BoaKind::String => Some("String"),
            BoaKind::Array => Some("Array"),
            BoaKind::TypedArray => Some("TypedArray"),
            BoaKind::ObjectPrototype => Some("immutable prototype"),
            BoaKind::ModuleNamespace => Some("module namespace"),
            _ => None,
        }
    }
}

/// The kind of `object`, in `context`'s current realm.
pub fn classify(object: &JsObject, originals: &Originals, context: &mut Context) -> BoaKind {
    if JsObject::equals(object, &context.intrinsics().constructors().object().prototype()) {
        return BoaKind::ObjectPrototype;
    }
    let kind = classify_by_data(object);
    if kind != BoaKind::OtherBuiltin {
        return kind;
    }
    if JsWeakMap::from_object(object.clone()).is_ok() {
        return BoaKind::WeakMap;
    }
    if JsWeakSet::from_object(object.clone()).is_ok() {
        return BoaKind::WeakSet;
    }
    // WORKAROUND (Boa 0.22): a WeakRef's data type is private; the original
    // `WeakRef.prototype.deref` succeeds exactly on objects with
    // [[WeakRefTarget]] and runs no author code.
    if originals
        .weak_ref_deref
        .call(&JsValue::new(object.clone()), &[], context)
        .is_ok()
    {
        return BoaKind::WeakRef;
    }
    BoaKind::OtherBuiltin
}

/// The kind of `object` as far as its public data type tells.
fn classify_by_data(object: &JsObject) -> BoaKind {
    if object.is::<OrdinaryObject>() {
        return BoaKind::Ordinary;
    }
    if object.is_array() {
        return BoaKind::Array;
    }
    type DataTest = fn(&JsObject) -> bool;
    let by_type: [(DataTest, BoaKind); 19] = [
        (|o| o.is::<Proxy>(), BoaKind::Proxy),
        (|o| o.is::<bool>(), BoaKind::Boolean),
        (|o| o.is::<f64>(), BoaKind::Number),
        (|o| o.is::<JsBigInt>(), BoaKind::BigInt),
        (|o| o.is::<JsString>(), BoaKind::String),
        (|o| o.is::<JsSymbol>(), BoaKind::Symbol),
        (|o| o.is::<Date>(), BoaKind::Date),
        (|o| o.is::<RegExp>(), BoaKind::RegExp),
        (|o| o.is::<ArrayBuffer>(), BoaKind::ArrayBuffer),
        (|o| o.is::<SharedArrayBuffer>(), BoaKind::SharedArrayBuffer),
        (|o| o.is::<TypedArray>(), BoaKind::TypedArray),
        (|o| o.is::<DataView>(), BoaKind::DataView),
        (|o| o.is::<OrderedMap<JsValue>>(), BoaKind::Map),
        (|o| o.is::<OrderedSet>(), BoaKind::Set),
        (|o| o.is::<Error>(), BoaKind::Error),
        (|o| o.is::<PlatformObject>(), BoaKind::Platform),
        (|o| o.is::<Promise>(), BoaKind::Promise),
        (|o| o.is::<ModuleNamespace>(), BoaKind::ModuleNamespace),
        // Callable objects all carry function data of some private type.
        (|o| o.is_callable(), BoaKind::Function),
    ];
    by_type
        .into_iter()
        .find(|(test, _)| test(object))
        .map_or(BoaKind::OtherBuiltin, |(_, kind)| kind)
}
