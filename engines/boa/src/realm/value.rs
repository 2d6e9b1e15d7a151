//! Values and property keys between Boa's representation and the
//! reference's (`webmessaging::ecmascript`).
//!
//! Numbers, BigInts and Strings convert exactly (Strings as UTF-16 code
//! units, lone surrogates included). Objects become [`Object`] handles, so
//! identity survives the round trip. Symbols are the one case that needs
//! memory: the reference names a Symbol by an id, so every Boa symbol seen
//! is remembered in a [`SymbolTable`] under its unique `hash()`, and the id
//! turns back into the very same `JsSymbol`.

use super::Object;
use boa_engine::property::PropertyKey as BoaKey;
use boa_engine::{JsBigInt, JsString as BoaString, JsSymbol, JsValue, JsVariant};
use std::cell::RefCell;
use std::collections::HashMap;
use webmessaging::ecmascript::{BigInt, JsString, PropertyKey, Symbol, Value};

/// Boa symbols met so far, by the id the reference knows them by.
#[derive(Default, Debug)]
pub struct SymbolTable(RefCell<HashMap<u64, JsSymbol>>);

impl SymbolTable {
    /// The reference's Symbol for a Boa symbol (remembering it).
    pub fn symbol(&self, symbol: &JsSymbol) -> Symbol {
        self.0.borrow_mut().insert(symbol.hash(), symbol.clone());
        Symbol::new(symbol.hash(), symbol.description().map(|d| string_from_boa(&d)))
    }

    /// The Boa symbol behind a reference Symbol. A Symbol this table never
    /// saw (one made by another realm, such as the built-in heap) has no Boa
    /// counterpart: a fresh symbol with its description stands in for it.
    pub fn boa_symbol(&self, symbol: &Symbol) -> JsSymbol {
        if let Some(known) = self.0.borrow().get(&symbol.id()) {
            return known.clone();
        }
        let description = symbol.description().map(string_to_boa);
        // JsSymbol::new fails only when 2^64 symbols have been made.
        let fresh = JsSymbol::new(description).unwrap_or_else(JsSymbol::iterator);
        self.0.borrow_mut().insert(symbol.id(), fresh.clone());
        fresh
    }
}

/// A Boa string as the reference's String (same code units).
pub fn string_from_boa(s: &BoaString) -> JsString {
    JsString::from_code_units(s.to_vec())
}

/// The reference's String as a Boa string (same code units).
pub fn string_to_boa(s: &JsString) -> BoaString {
    BoaString::from(s.code_units())
}

/// A Boa BigInt as the reference's (decimal text).
pub fn bigint_from_boa(b: &JsBigInt) -> BigInt {
    // Boa's decimal text is canonical, so parsing cannot fail; zero stands in
    // if it ever did.
    BigInt::parse(&b.to_string_radix(10)).unwrap_or_else(|_| BigInt::from(0))
}

/// The reference's BigInt as Boa's.
pub fn bigint_to_boa(b: &BigInt) -> JsBigInt {
    JsBigInt::from_string(b.as_decimal()).unwrap_or_else(JsBigInt::zero)
}

/// A Boa value as the reference's.
pub fn from_boa(value: &JsValue, symbols: &SymbolTable) -> Value<Object> {
    match value.variant() {
        JsVariant::Undefined => Value::Undefined,
        JsVariant::Null => Value::Null,
        JsVariant::Boolean(b) => Value::Boolean(b),
        JsVariant::Integer32(n) => Value::Number(f64::from(n)),
        JsVariant::Float64(n) => Value::Number(n),
        JsVariant::BigInt(b) => Value::BigInt(bigint_from_boa(&b)),
        JsVariant::String(s) => Value::String(string_from_boa(&s)),
        JsVariant::Symbol(s) => Value::Symbol(symbols.symbol(&s)),
        JsVariant::Object(o) => Value::Object(Object(o)),
    }
}

/// The reference's value as Boa's.
pub fn to_boa(value: &Value<Object>, symbols: &SymbolTable) -> JsValue {
    match value {
        Value::Undefined => JsValue::undefined(),
        Value::Null => JsValue::null(),
        Value::Boolean(b) => JsValue::new(*b),
        // `rational` keeps -0 as a Float64 rather than folding it into 0.
        Value::Number(n) => JsValue::rational(*n),
        Value::BigInt(b) => JsValue::new(bigint_to_boa(b)),
        Value::String(s) => JsValue::new(string_to_boa(s)),
        Value::Symbol(s) => JsValue::new(symbols.boa_symbol(s)),
        Value::Object(o) => JsValue::new(o.0.clone()),
    }
}

/// A Boa property key as the reference's (an index key becomes its String).
pub fn key_from_boa(key: &BoaKey, symbols: &SymbolTable) -> PropertyKey {
    match key {
        BoaKey::String(s) => PropertyKey::String(string_from_boa(s)),
        BoaKey::Index(i) => PropertyKey::String(JsString::from(i.get().to_string())),
        BoaKey::Symbol(s) => PropertyKey::Symbol(symbols.symbol(s)),
    }
}

/// The reference's property key as Boa's (an array-index String becomes an
/// index key, as Boa itself canonicalises them).
pub fn key_to_boa(key: &PropertyKey, symbols: &SymbolTable) -> BoaKey {
    match key {
        PropertyKey::String(s) => BoaKey::from(string_to_boa(s)),
        PropertyKey::Symbol(s) => BoaKey::from(symbols.boa_symbol(s)),
    }
}
