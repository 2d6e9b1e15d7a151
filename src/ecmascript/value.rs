//! ECMAScript language values and property keys.

use super::{BigInt, JsString};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

/// An ECMAScript Symbol. Symbols are never serializable; they appear here as
/// values (to be rejected) and as property keys (to be skipped). Identity is
/// the `id` the owning realm gave it.
///
/// A Symbol is one shared pointer: cloning it is a reference count, and a
/// [`Value`] or [`PropertyKey`] holding one stays no larger than one holding
/// a String.
///
/// <https://tc39.es/ecma262/#sec-ecmascript-language-types-symbol-type>
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "SymbolData", into = "SymbolData")]
pub struct Symbol(Arc<SymbolData>);

/// What a [`Symbol`] points at (and its serde form).
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
struct SymbolData {
    id: u64,
    description: Option<JsString>,
}

impl From<SymbolData> for Symbol {
    fn from(data: SymbolData) -> Self {
        Symbol(Arc::new(data))
    }
}

impl From<Symbol> for SymbolData {
    fn from(symbol: Symbol) -> Self {
        Arc::unwrap_or_clone(symbol.0)
    }
}

impl Symbol {
    /// The Symbol with this identity and `[[Description]]`.
    pub fn new(id: u64, description: Option<JsString>) -> Self {
        Symbol(Arc::new(SymbolData { id, description }))
    }

    /// Identity within the realm that created it.
    pub fn id(&self) -> u64 {
        self.0.id
    }

    /// The `[[Description]]`, if any.
    pub fn description(&self) -> Option<&JsString> {
        self.0.description.as_ref()
    }
}

impl fmt::Debug for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.description() {
            Some(d) => write!(f, "Symbol#{}({d:?})", self.id()),
            None => write!(f, "Symbol#{}()", self.id()),
        }
    }
}

/// An ECMAScript language value; `O` is the realm's object handle.
///
/// Numbers are `f64` and keep `-0` and NaN; Strings are UTF-16 code units.
/// There is deliberately no `PartialEq`: ECMAScript has several equalities
/// and they differ on NaN and `-0`; [`Value::same_value`] is SameValue, the
/// one the algorithms mean.
///
/// <https://tc39.es/ecma262/#sec-ecmascript-language-types>
#[derive(Clone, Debug)]
pub enum Value<O> {
    /// undefined
    Undefined,
    /// null
    Null,
    /// A Boolean.
    Boolean(bool),
    /// A Number (IEEE 754 double, -0 and NaN kept).
    Number(f64),
    /// A BigInt.
    BigInt(BigInt),
    /// A String.
    String(JsString),
    /// A Symbol.
    Symbol(Symbol),
    /// An Object, by the realm's handle.
    Object(O),
}

impl<O> Value<O> {
    /// The object handle, if this is an Object.
    pub fn as_object(&self) -> Option<&O> {
        match self {
            Value::Object(o) => Some(o),
            _ => None,
        }
    }

    /// The value with its object handle mapped (primitives unchanged).
    pub fn map_object<P>(self, f: impl FnOnce(O) -> P) -> Value<P> {
        match self {
            Value::Undefined => Value::Undefined,
            Value::Null => Value::Null,
            Value::Boolean(b) => Value::Boolean(b),
            Value::Number(n) => Value::Number(n),
            Value::BigInt(b) => Value::BigInt(b),
            Value::String(s) => Value::String(s),
            Value::Symbol(s) => Value::Symbol(s),
            Value::Object(o) => Value::Object(f(o)),
        }
    }

    /// The name of the value's ECMAScript type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Undefined => "Undefined",
            Value::Null => "Null",
            Value::Boolean(_) => "Boolean",
            Value::Number(_) => "Number",
            Value::BigInt(_) => "BigInt",
            Value::String(_) => "String",
            Value::Symbol(_) => "Symbol",
            Value::Object(_) => "Object",
        }
    }
}

impl<O: PartialEq> Value<O> {
    /// SameValue: like `==` on the representation, except that NaN equals NaN
    /// and +0 differs from -0.
    ///
    /// <https://tc39.es/ecma262/#sec-samevalue>
    pub fn same_value(&self, other: &Value<O>) -> bool {
        match (self, other) {
            (Value::Number(a), Value::Number(b)) => a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()),
            (Value::Undefined, Value::Undefined) | (Value::Null, Value::Null) => true,
            (Value::Boolean(a), Value::Boolean(b)) => a == b,
            (Value::BigInt(a), Value::BigInt(b)) => a == b,
            (Value::String(a), Value::String(b)) => a == b,
            (Value::Symbol(a), Value::Symbol(b)) => a == b,
            (Value::Object(a), Value::Object(b)) => a == b,
            _ => false,
        }
    }
}

impl<O> From<&str> for Value<O> {
    fn from(s: &str) -> Self {
        Value::String(JsString::from(s))
    }
}

impl<O> From<f64> for Value<O> {
    fn from(n: f64) -> Self {
        Value::Number(n)
    }
}

impl<O> From<bool> for Value<O> {
    fn from(b: bool) -> Self {
        Value::Boolean(b)
    }
}

/// A property key: a String or a Symbol.
///
/// <https://tc39.es/ecma262/#sec-object-type>
#[derive(Clone, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
pub enum PropertyKey {
    /// A String key (array indices are Strings too).
    String(JsString),
    /// A Symbol key.
    Symbol(Symbol),
}

impl PropertyKey {
    /// The String key, if this is one.
    pub fn as_string(&self) -> Option<&JsString> {
        match self {
            PropertyKey::String(s) => Some(s),
            PropertyKey::Symbol(_) => None,
        }
    }
}

impl From<&str> for PropertyKey {
    fn from(s: &str) -> Self {
        PropertyKey::String(JsString::from(s))
    }
}

impl From<JsString> for PropertyKey {
    fn from(s: JsString) -> Self {
        PropertyKey::String(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_value_distinguishes_zeroes_and_equates_nans() {
        let v = |n: f64| Value::<u32>::Number(n);
        assert!(v(f64::NAN).same_value(&v(-f64::NAN)));
        assert!(!v(0.0).same_value(&v(-0.0)));
        assert!(v(-0.0).same_value(&v(-0.0)));
        assert!(!Value::<u32>::Object(1).same_value(&Value::Object(2)));
        assert!(!Value::<u32>::Null.same_value(&Value::Undefined));
    }
}
