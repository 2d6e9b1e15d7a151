//! What `structuredClone(root, { transfer })` must do to a graph-notation
//! [`Document`], worked out from the HTML Standard's and ECMA-262's text on
//! the document itself: whether it throws (and at which step, and what),
//! which buffers end up detached, and, when it succeeds, the document the
//! clone must print as and the attributes of its objects' own properties.
//!
//! Nothing here calls the library's conversions or builds a heap: the
//! predicate reads only the notation's data types. The ECMAScript it needs
//! is its own: ToString with the built-ins it runs ([`to_string`]),
//! Number::toString and TimeClip ([`number`]), Date.prototype.toString
//! ([`date`]), element sizes and values of views ([`views`]), the seven
//! native error names (here).
//!
//! The walk ([`serialize`]) follows the standard's order, because the first
//! failure is the one that is thrown:
//!
//! 1. StructuredSerializeWithTransfer step 2, over the transfer list in
//!    order: an entry that is neither an ArrayBuffer nor a transferable
//!    platform object (2.1), a SharedArrayBuffer (2.2), an entry seen before
//!    (2.3) throw a DataCloneError; each entry is put in memory (2.4), so
//!    serialization later takes it as done without looking at it.
//! 2. StructuredSerializeInternal from the root, depth first, each object
//!    once (memory): a Symbol throws; then the kind, in step order:
//!    wrappers, Date, RegExp (7–12) copy their slot; a SharedArrayBuffer
//!    throws unless the realm is cross-origin isolated (13.1.1), a detached
//!    ArrayBuffer throws (13.2.1); a view throws when out of bounds (14.1),
//!    then serializes its buffer (14.3); Map and Set go deep (15, 16); an
//!    Error reads `name` with [[Get]] (a getter may throw, 17.1), keeps one
//!    of the seven names or says "Error", and converts an own data `message`
//!    with ToString (which may throw, 17.4); an Array goes deep (18);
//!    platform objects (20), functions (21), objects with other internal
//!    slots (22) and other exotic objects (23) throw; everything else is an
//!    ordinary object and goes deep (24). Going deep (26): Map entries key
//!    then value, Set values, or the enumerable own String keys in
//!    [[OwnPropertyKeys]] order (array indices ascending, then the others in
//!    creation order), each read with [[Get]] (a getter may throw) and then
//!    serialized.
//! 3. StructuredSerializeWithTransfer step 5, over the transfer list in
//!    order: a detached buffer throws a DataCloneError (5.1), a buffer with
//!    a detach key makes DetachArrayBuffer throw a TypeError (5.4.3);
//!    otherwise the buffer is detached. Entries before a failing one stay
//!    detached: the standard has already moved them.
//!
//! Deserialization cannot fail here: the target realm is the source realm
//! (same agent cluster) and allocation is unlimited. What it creates
//! ([`deserialize`]) fixes the clone's own properties and their attributes.
//!
//! The host has no platform objects (the library's `NoPlatformObjects`):
//! none is serializable, and none is transferable, so none has the
//! [[Detached]] slot that lets an entry past step 2.1.

mod date;
mod deserialize;
pub mod number;
mod serialize;
mod to_string;
pub mod views;

use serialize::{Stop, Walk};
use webmessaging::ecmascript::ErrorPrototype;
use webmessaging::notation::{Document, Key, Kind, Val};

pub use to_string::Conversion;

/// The realm the clone runs in.
#[derive(Clone, Copy, Debug)]
pub struct Conditions {
    /// The current settings object's cross-origin isolated capability.
    pub cross_origin_isolated: bool,
    /// The longest String the realm makes, in code units: a concatenation
    /// past it throws a RangeError (ToString of a huge sparse Array).
    pub max_string_length: usize,
}

/// What the clone of a document must come to.
#[derive(Clone, Debug)]
pub struct Prediction {
    /// The result or the exception.
    pub outcome: Predicted,
    /// The input objects that are detached ArrayBuffers after the call, by
    /// index, ascending.
    pub detached_after: Vec<usize>,
}

/// The result or the exception of the clone.
#[derive(Clone, Debug)]
pub enum Predicted {
    /// A clone.
    Cloned {
        /// The clone, as [`webmessaging::notation::print`] must print it.
        document: Document,
        /// The own properties of each of its objects (in the document's
        /// numbering), in [[OwnPropertyKeys]] order, with their attributes.
        properties: Vec<Vec<PropertyShape>>,
    },
    /// A "DataCloneError" DOMException, thrown at this step.
    DataCloneError {
        /// The step id, e.g. `structuredserializeinternal/5`.
        step: &'static str,
    },
    /// A value thrown by the realm, propagated unchanged.
    Thrown {
        /// What was thrown.
        value: Thrown,
        /// The step whose `?` propagated it.
        step: &'static str,
    },
}

impl Predicted {
    /// The step that throws, or "cloned".
    pub fn step(&self) -> &'static str {
        match self {
            Predicted::Cloned { .. } => "cloned",
            Predicted::DataCloneError { step } | Predicted::Thrown { step, .. } => step,
        }
    }
}

/// One own property: its key, whether it is an accessor, and its attributes
/// (`writable` is false for an accessor).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PropertyShape {
    /// The key.
    pub key: Key,
    /// An accessor property rather than a data property.
    pub accessor: bool,
    /// [[Writable]]
    pub writable: bool,
    /// [[Enumerable]]
    pub enumerable: bool,
    /// [[Configurable]]
    pub configurable: bool,
}

impl PropertyShape {
    /// A data property with these attributes.
    pub fn data(key: &str, writable: bool, enumerable: bool, configurable: bool) -> Self {
        PropertyShape {
            key: Key::String(webmessaging::ecmascript::JsString::from(key)),
            accessor: false,
            writable,
            enumerable,
            configurable,
        }
    }
}

/// A value thrown during the clone.
#[derive(Clone, Debug)]
pub enum Thrown {
    /// A value of the document (a getter's thrown value): a primitive, or
    /// one of the input objects by index.
    Value(Val),
    /// A new Error object the realm made (ToString of a Symbol, a detach key).
    NewError(ErrorPrototype),
}

/// Predicts `structuredClone(document.root, { transfer: document.transfer })`
/// in a realm meeting `conditions`.
///
/// Panics if the document refers to objects it does not have.
pub fn predict(document: &Document, conditions: &Conditions) -> Prediction {
    let mut walk = Walk::new(document, *conditions);
    let mut detached: Vec<usize> = (0..document.objects.len())
        .filter(|&i| matches!(&document.objects[i].kind, Kind::ArrayBuffer(b) if b.detached))
        .collect();
    let outcome = match walk.run() {
        Err(stop) => stop.into_predicted(),
        Ok(root) => match walk.transfer(&mut detached) {
            Err(stop) => stop.into_predicted(),
            Ok(()) => {
                let document = deserialize::renumber(&root, &walk.clone, &walk.memory);
                let properties = document
                    .objects
                    .iter()
                    .map(deserialize::created_properties)
                    .collect();
                Predicted::Cloned { document, properties }
            }
        },
    };
    detached.sort_unstable();
    detached.dedup();
    Prediction {
        outcome,
        detached_after: detached,
    }
}

impl Stop {
    fn into_predicted(self) -> Predicted {
        match self {
            Stop::DataClone(step) => Predicted::DataCloneError { step },
            Stop::Thrown(value, step) => Predicted::Thrown { value, step },
        }
    }
}

impl Thrown {
    /// Whether two thrown values are the same: SameValue for primitives
    /// (Symbols by description), the same input object, or new Errors of
    /// one kind.
    pub fn same(&self, other: &Thrown) -> bool {
        match (self, other) {
            (Thrown::NewError(a), Thrown::NewError(b)) => a == b,
            (Thrown::Value(a), Thrown::Value(b)) => same_value(a, b),
            _ => false,
        }
    }
}

/// SameValue on document values (Symbols by description, objects by index).
pub fn same_value(a: &Val, b: &Val) -> bool {
    match (a, b) {
        (Val::Undefined, Val::Undefined) | (Val::Null, Val::Null) => true,
        (Val::Bool(x), Val::Bool(y)) => x == y,
        (Val::Number(x), Val::Number(y)) => (x.is_nan() && y.is_nan()) || x.to_bits() == y.to_bits(),
        (Val::BigInt(x), Val::BigInt(y)) => x == y,
        (Val::String(x), Val::String(y)) => x == y,
        (Val::Symbol(x), Val::Symbol(y)) => x == y,
        (Val::Ref(x), Val::Ref(y)) => x == y,
        _ => false,
    }
}

/// The name of a native error kind: Error and ECMA-262's six NativeError
/// constructors, whose prototypes' `name` it is.
///
/// <https://tc39.es/ecma262/#sec-native-error-types-used-in-this-standard>
pub fn native_error_name(kind: ErrorPrototype) -> &'static str {
    match kind {
        ErrorPrototype::Error => "Error",
        ErrorPrototype::EvalError => "EvalError",
        ErrorPrototype::RangeError => "RangeError",
        ErrorPrototype::ReferenceError => "ReferenceError",
        ErrorPrototype::SyntaxError => "SyntaxError",
        ErrorPrototype::TypeError => "TypeError",
        ErrorPrototype::URIError => "URIError",
    }
}

/// Error and the six NativeError kinds.
pub const NATIVE_ERRORS: [ErrorPrototype; 7] = [
    ErrorPrototype::Error,
    ErrorPrototype::EvalError,
    ErrorPrototype::RangeError,
    ErrorPrototype::ReferenceError,
    ErrorPrototype::SyntaxError,
    ErrorPrototype::TypeError,
    ErrorPrototype::URIError,
];

/// The native error kind whose name is exactly these code units, if any
/// (StructuredSerializeInternal step 17.2's list).
pub fn native_error_named(name: &[u16]) -> Option<ErrorPrototype> {
    NATIVE_ERRORS
        .into_iter()
        .find(|&kind| name.iter().copied().eq(native_error_name(kind).encode_utf16()))
}

/// The array index `key` is, if it is one: the canonical decimal form of
/// an integer below 2^32 - 1.
pub fn array_index(key: &[u16]) -> Option<u32> {
    let digits: Option<String> = key
        .iter()
        .map(|&u| char::from_u32(u32::from(u)).filter(char::is_ascii_digit))
        .collect();
    let digits = digits.filter(|d| !d.is_empty() && (d == "0" || !d.starts_with('0')))?;
    digits.parse::<u32>().ok().filter(|&n| n != u32::MAX)
}

#[cfg(test)]
mod to_string_tests;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn array_indices() {
        let index = |s: &str| array_index(&s.encode_utf16().collect::<Vec<_>>());
        assert_eq!(index("0"), Some(0));
        assert_eq!(index("4294967294"), Some(4294967294));
        assert_eq!(index("4294967295"), None);
        assert_eq!(index("01"), None);
        assert_eq!(index("-0"), None);
        assert_eq!(index(""), None);
        assert_eq!(index("1e3"), None);
        assert_eq!(index("٣"), None);
    }

    #[test]
    fn the_seven_native_error_names() {
        let names: Vec<&str> = NATIVE_ERRORS.into_iter().map(native_error_name).collect();
        assert_eq!(
            names,
            [
                "Error",
                "EvalError",
                "RangeError",
                "ReferenceError",
                "SyntaxError",
                "TypeError",
                "URIError"
            ]
        );
        for name in names {
            let units: Vec<u16> = name.encode_utf16().collect();
            assert_eq!(native_error_named(&units).map(native_error_name), Some(name));
        }
        for other in ["AggregateError", "error", "", "Error "] {
            let units: Vec<u16> = other.encode_utf16().collect();
            assert_eq!(native_error_named(&units), None, "{other:?}");
        }
    }
}
