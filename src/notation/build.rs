//! Building a document into a [`Heap`]. The whole document is checked first
//! (references in range, views over buffers, no state that no program could
//! reach), so a document that fails leaves the heap untouched.
//!
//! States no program can reach, refused here: a `maxByteLength` below the
//! byte length or past 2^53 - 1, a view that would end past 2^53 - 1 bytes,
//! a length-tracking view of a fixed-length buffer, a misaligned view, a
//! detached SharedArrayBuffer (or one with a detach key), a Date that is no
//! time value, RegExp flags the constructor refuses, a platform interface
//! name that is no Web IDL identifier, two equal Map keys or Set values, an
//! Array index at or past the length, and properties that are really fields.
//! Out-of-bounds views of fixed-length buffers are let through on purpose:
//! they are how documents test the serialization rule that refuses them.
//! (`tests/notation_reachable.rs` tries every kind's edge values and checks
//! that whatever builds and serializes also survives the byte encoding.)
//!
//! Symbols: each distinct description (a missing description counts as one
//! description) stands for one Symbol within a document, however often it
//! occurs, as a key or as a value. Two documents built into the same heap
//! get distinct symbols.

use super::document::{Buffer, Document, Key, Kind, NotationError, Object, PropValue, Val};
use super::excerpt::excerpt_str;
use crate::ecmascript::{
    Accessor, ArrayBufferState, BigInt, Heap, JsString, ObjectId, ObjectKind, OwnProperty, PropertyKey,
    RegExpSlots, SharedDataBlock, Symbol, Value, ViewKind,
};
use std::collections::{HashMap, HashSet};

/// What [`build`] made.
#[derive(Clone, Debug)]
pub struct Built {
    /// The root value.
    pub root: Value<ObjectId>,
    /// The heap object of each entry of the document's `objects`, in order.
    pub objects: Vec<ObjectId>,
    /// The transfer list.
    pub transfer: Vec<ObjectId>,
}

/// Builds the document's objects into `heap` and returns the root, the
/// objects and the transfer list as heap values. Fails, leaving the heap as
/// it was, when the document describes no possible graph.
///
/// # Errors
///
/// A [`NotationError`] when the document describes no possible graph (a
/// reference to no object, a view past its buffer).
pub fn build(document: &Document, heap: &mut Heap) -> Result<Built, NotationError> {
    check(document)?;
    let mut builder = Builder {
        heap,
        ids: Vec::with_capacity(document.objects.len()),
        symbols: HashMap::new(),
    };
    // Every object gets its handle first, so that references may point forward.
    for object in &document.objects {
        let id = match object.kind {
            Kind::ObjectPrototype => builder.heap.object_prototype(),
            _ => builder.heap.alloc(ObjectKind::Ordinary),
        };
        builder.ids.push(id);
    }
    for (i, object) in document.objects.iter().enumerate() {
        builder.fill(builder.ids[i], object);
    }
    Ok(Built {
        root: builder.value(&document.root),
        transfer: document.transfer.iter().map(|&i| builder.ids[i]).collect(),
        objects: builder.ids,
    })
}

struct Builder<'h> {
    heap: &'h mut Heap,
    ids: Vec<ObjectId>,
    symbols: HashMap<Option<JsString>, Symbol>,
}

impl Builder<'_> {
    fn symbol(&mut self, description: &Option<JsString>) -> Symbol {
        if let Some(symbol) = self.symbols.get(description) {
            return symbol.clone();
        }
        let symbol = self.heap.new_symbol(description.clone());
        self.symbols.insert(description.clone(), symbol.clone());
        symbol
    }

    fn value(&mut self, v: &Val) -> Value<ObjectId> {
        match v {
            Val::Undefined => Value::Undefined,
            Val::Null => Value::Null,
            Val::Bool(b) => Value::Boolean(*b),
            Val::Number(n) => Value::Number(*n),
            Val::BigInt(b) => Value::BigInt(b.clone()),
            Val::String(s) => Value::String(s.clone()),
            Val::Symbol(d) => Value::Symbol(self.symbol(d)),
            Val::Ref(i) => Value::Object(self.ids[*i]),
        }
    }

    /// Gives the object behind `id` its kind, fields and props.
    fn fill(&mut self, id: ObjectId, object: &Object) {
        // Own properties that the notation spells as fields come first, as
        // the constructors create them before any other.
        let mut field_props = Vec::new();
        let kind = match &object.kind {
            Kind::Object => ObjectKind::Ordinary,
            Kind::ObjectPrototype => ObjectKind::ObjectPrototype,
            Kind::Array { length } => ObjectKind::Array { length: *length },
            Kind::Boolean(b) => ObjectKind::BooleanWrapper(*b),
            Kind::Number(n) => ObjectKind::NumberWrapper(*n),
            Kind::String(s) => ObjectKind::StringWrapper(s.clone()),
            Kind::BigInt(b) => ObjectKind::BigIntWrapper(b.clone()),
            Kind::Date { time } => ObjectKind::Date(*time),
            Kind::RegExp {
                source,
                flags,
                last_index,
            } => {
                let value = last_index.as_ref().map_or(Value::Number(0.0), |v| self.value(v));
                let last_index = OwnProperty::Data {
                    value,
                    writable: true,
                    enumerable: false,
                    configurable: false,
                };
                field_props.push((PropertyKey::from("lastIndex"), last_index));
                ObjectKind::RegExp(Box::new(RegExpSlots {
                    source: source.clone(),
                    flags: flags.clone(),
                }))
            }
            Kind::ArrayBuffer(buffer) => ObjectKind::ArrayBuffer(Box::new(buffer_state(buffer))),
            Kind::View {
                kind,
                buffer,
                byte_offset,
                length,
            } => ObjectKind::View {
                kind: *kind,
                buffer: self.ids[*buffer],
                byte_offset: *byte_offset,
                length: *length,
            },
            Kind::Map { entries } => ObjectKind::Map(
                entries
                    .iter()
                    .map(|(k, v)| Some((self.value(k), self.value(v))))
                    .collect(),
            ),
            Kind::Set { values } => ObjectKind::Set(values.iter().map(|v| Some(self.value(v))).collect()),
            Kind::Error { name, message, stack } => {
                if let Some(message) = message {
                    let message = OwnProperty::Data {
                        value: self.value(message),
                        writable: true,
                        enumerable: false,
                        configurable: true,
                    };
                    field_props.push((PropertyKey::from("message"), message));
                }
                ObjectKind::Error {
                    prototype: *name,
                    stack: stack.clone(),
                }
            }
            Kind::Function => ObjectKind::Function,
            Kind::SymbolObject => ObjectKind::SymbolObject(self.heap.new_symbol(None)),
            Kind::WeakMap => ObjectKind::WeakMap,
            Kind::WeakSet => ObjectKind::WeakSet,
            Kind::WeakRef => ObjectKind::WeakRef,
            Kind::Promise => ObjectKind::Promise,
            Kind::Proxy => ObjectKind::Proxy,
            Kind::Platform { interface, detached } => ObjectKind::Platform {
                interface: interface.as_str().into(),
                detached: *detached,
                // No platform state stands behind a platform object built
                // from the notation; a host that finds one refuses it.
                host: 0,
            },
        };
        *self.heap.object_mut(id).kind_mut() = kind;
        for (key, property) in field_props {
            self.heap.define_property(id, key, property);
        }
        for prop in &object.props {
            let key = match &prop.key {
                Key::String(s) => PropertyKey::String(s.clone()),
                Key::Symbol(d) => PropertyKey::Symbol(self.symbol(d)),
            };
            let property = match &prop.value {
                PropValue::Data(v) => OwnProperty::Data {
                    value: self.value(v),
                    writable: true,
                    enumerable: prop.enumerable,
                    configurable: true,
                },
                PropValue::GetterReturns(v) => OwnProperty::Accessor {
                    getter: Box::new(Accessor::Returns(self.value(v))),
                    enumerable: prop.enumerable,
                    configurable: true,
                },
                PropValue::GetterThrows(v) => OwnProperty::Accessor {
                    getter: Box::new(Accessor::Throws(self.value(v))),
                    enumerable: prop.enumerable,
                    configurable: true,
                },
            };
            if matches!(object.kind, Kind::ObjectPrototype) {
                // The intrinsic may have properties from an earlier document.
                self.heap.define_property(id, key, property);
            } else {
                // Keys are distinct (checked): append without searching.
                self.heap.object_mut(id).properties_mut().push((key, property));
            }
        }
    }
}

fn buffer_state(buffer: &Buffer) -> ArrayBufferState {
    if buffer.shared {
        ArrayBufferState::Shared {
            block: SharedDataBlock::new(buffer.bytes.clone()),
            max_byte_length: buffer.max_byte_length,
        }
    } else {
        ArrayBufferState::Owned {
            data: (!buffer.detached).then(|| buffer.bytes.clone()),
            max_byte_length: buffer.max_byte_length,
            detach_key: buffer.detach_key,
        }
    }
}

// ----- checks -----

fn fail<T>(path: impl std::fmt::Display, message: impl Into<String>) -> Result<T, NotationError> {
    Err(NotationError::new(path, message))
}

/// Checks everything [`build`] relies on, so that building cannot fail half way.
fn check(document: &Document) -> Result<(), NotationError> {
    let count = document.objects.len();
    let in_range = |i: usize, path: &dyn Fn() -> String| {
        if i < count {
            Ok(())
        } else {
            fail(
                path(),
                format!("object {i} does not exist (the document has {count} objects)"),
            )
        }
    };
    let check_val = |v: &Val, path: &dyn Fn() -> String| match v {
        Val::Ref(i) => in_range(*i, path),
        _ => Ok(()),
    };
    check_val(&document.root, &|| "root".to_owned())?;
    for (n, &i) in document.transfer.iter().enumerate() {
        in_range(i, &|| format!("transfer[{n}]"))?;
    }
    let mut object_prototype = None;
    for (i, object) in document.objects.iter().enumerate() {
        let at = |field: &str| format!("objects[{i}]{field}");
        let mut dangling = None;
        object.for_each_ref_at(|site, r| {
            if r >= count && dangling.is_none() {
                dangling = Some((site, r));
            }
        });
        if let Some((site, r)) = dangling {
            return fail(
                at(&site.to_string()),
                format!("refers to object {r}, which does not exist (the document has {count} objects)"),
            );
        }
        match &object.kind {
            Kind::ObjectPrototype => {
                if let Some(first) = object_prototype.replace(i) {
                    return fail(
                        at(".kind"),
                        format!("a realm has one %Object.prototype%, and objects[{first}] is it already"),
                    );
                }
            }
            Kind::ArrayBuffer(buffer) => check_buffer(buffer, &at)?,
            Kind::RegExp { flags, .. } => check_flags(flags, &at)?,
            Kind::Platform { interface, .. } if !crate::structured::is_webidl_identifier(interface) => {
                return fail(
                    at(".interface"),
                    format!(
                        "{} is not a Web IDL identifier, so no interface has that name",
                        excerpt_str(interface)
                    ),
                );
            }
            Kind::Date { time } if !crate::ecmascript::is_time_value(*time) => {
                return fail(
                    at(".time"),
                    format!(
                        "{} is not a time value: a Date holds NaN or an integral number of \
                         milliseconds within ±8.64e15, never -0",
                        crate::ecmascript::number_to_string(*time)
                    ),
                );
            }
            Kind::View {
                kind,
                buffer,
                byte_offset,
                length,
            } => check_view(document, *kind, *buffer, *byte_offset, *length, &at)?,
            Kind::Map { entries } => distinct(entries.iter().map(|(k, _)| k), &|n| {
                at(&format!(".entries[{n}][0]"))
            })?,
            Kind::Set { values } => distinct(values.iter(), &|n| at(&format!(".values[{n}]")))?,
            _ => {}
        }
        check_props(object, &at)?;
    }
    Ok(())
}

fn check_buffer(buffer: &Buffer, at: &dyn Fn(&str) -> String) -> Result<(), NotationError> {
    if buffer.detached && !buffer.bytes.is_empty() {
        return fail(at(".bytes"), "a detached buffer has no bytes: expected \"\"");
    }
    if buffer.detached && buffer.shared {
        return fail(at(".detached"), "a SharedArrayBuffer cannot be detached");
    }
    if buffer.detach_key && buffer.shared {
        return fail(at(".detachKey"), "a SharedArrayBuffer has no detach key");
    }
    match buffer.max_byte_length {
        Some(max) if max < buffer.bytes.len() => fail(
            at(".maxByteLength"),
            format!("{max} is below the byte length {}", buffer.bytes.len()),
        ),
        // ToIndex caps every length a program can ask for.
        Some(max) if max as u64 > MAX_SAFE_LENGTH => fail(
            at(".maxByteLength"),
            format!("{max} is above 2^53 - 1, the largest length a buffer can have"),
        ),
        _ => Ok(()),
    }
}

/// The largest byte length, offset or index ECMAScript allows (ToIndex).
const MAX_SAFE_LENGTH: u64 = (1 << 53) - 1;

/// RegExp flags as the RegExp constructor accepts them: each of `dgimsuvy`
/// at most once, and not both `u` and `v`.
fn check_flags(flags: &JsString, at: &dyn Fn(&str) -> String) -> Result<(), NotationError> {
    let mut seen = String::new();
    for &unit in flags.code_units() {
        let flag = char::from_u32(u32::from(unit)).filter(|c| "dgimsuvy".contains(*c) && *c != '\0');
        let problem = match flag {
            None => "is not a RegExp flag (dgimsuvy)",
            Some(c) if seen.contains(c) => "appears twice",
            Some('u') if seen.contains('v') => "cannot go with v",
            Some('v') if seen.contains('u') => "cannot go with u",
            Some(c) => {
                seen.push(c);
                continue;
            }
        };
        let shown = char::from_u32(u32::from(unit))
            .map_or_else(|| format!("code unit {unit:#06x}"), |c| format!("{c:?}"));
        return fail(
            at(".flags"),
            format!("{shown} {problem}: the RegExp constructor refuses these flags"),
        );
    }
    Ok(())
}

fn check_view(
    document: &Document,
    kind: ViewKind,
    buffer: usize,
    byte_offset: usize,
    length: Option<usize>,
    at: &dyn Fn(&str) -> String,
) -> Result<(), NotationError> {
    let Kind::ArrayBuffer(viewed) = &document.objects[buffer].kind else {
        return fail(
            at(".buffer"),
            format!(
                "objects[{buffer}] is a {}, not an ArrayBuffer",
                document.objects[buffer].kind.name()
            ),
        );
    };
    if !byte_offset.is_multiple_of(kind.element_size()) {
        return fail(
            at(".byteOffset"),
            format!(
                "{byte_offset} is not a multiple of {kind}'s element size {}",
                kind.element_size()
            ),
        );
    }
    // A view is made within its buffer, whose length never passes 2^53 - 1.
    let end = length.map_or(Some(byte_offset), |n| {
        n.checked_mul(kind.element_size())
            .and_then(|bytes| bytes.checked_add(byte_offset))
    });
    if end.is_none_or(|end| end as u64 > MAX_SAFE_LENGTH) {
        let field = match length {
            None => ".byteOffset",
            Some(_) if kind == ViewKind::DataView => ".byteLength",
            Some(_) => ".length",
        };
        return fail(
            at(field),
            "the view would end past 2^53 - 1 bytes, beyond any buffer a program can make",
        );
    }
    // Only a view made over a resizable (or growable) buffer without a
    // length tracks the buffer's length.
    if length.is_none() && viewed.max_byte_length.is_none() {
        let field = if kind == ViewKind::DataView {
            ".byteLength"
        } else {
            ".length"
        };
        return fail(
            at(field),
            format!("a length-tracking view (null) needs a resizable buffer, and objects[{buffer}] is not"),
        );
    }
    Ok(())
}

/// Array-index keys of an Array below its length; no key twice; no key that
/// is a field or a virtual property of the object.
fn check_props(object: &Object, at: &dyn Fn(&str) -> String) -> Result<(), NotationError> {
    let mut seen = HashSet::new();
    for (n, prop) in object.props.iter().enumerate() {
        let key_at = || at(&format!(".props[{n}][0]"));
        if !seen.insert(&prop.key) {
            return fail(key_at(), "this key is already an own property of the object");
        }
        let Key::String(key) = &prop.key else { continue };
        let is = |name: &str| *key == JsString::from(name);
        let data = matches!(prop.value, PropValue::Data(_));
        match &object.kind {
            Kind::Array { length } => {
                if is("length") {
                    return fail(key_at(), "an Array's length is its \"length\" field, not a prop");
                }
                if let Some(index) = key.as_array_index().filter(|i| i >= length) {
                    return fail(
                        key_at(),
                        format!("array index {index} is not below the Array's length {length}"),
                    );
                }
            }
            Kind::String(value) => {
                let virtual_index = key.as_array_index().is_some_and(|i| (i as usize) < value.len());
                if is("length") || virtual_index {
                    return fail(
                        key_at(),
                        "a String wrapper's length and indices come from its value",
                    );
                }
            }
            Kind::RegExp { .. } if is("lastIndex") => {
                return fail(
                    key_at(),
                    "a RegExp's lastIndex is its \"lastIndex\" field, not a prop",
                );
            }
            Kind::Error { message, .. } if is("message") => {
                if data {
                    return fail(
                        key_at(),
                        "an Error's own data property message is its \"message\" field",
                    );
                }
                if message.is_some() {
                    return fail(key_at(), "this key is already the object's \"message\" field");
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// A Map key or Set value as SameValueZero compares it.
#[derive(PartialEq, Eq, Hash)]
enum SameValueZero<'a> {
    Undefined,
    Null,
    Bool(bool),
    Number(u64),
    BigInt(&'a BigInt),
    String(&'a JsString),
    Symbol(&'a Option<JsString>),
    Ref(usize),
}

impl<'a> From<&'a Val> for SameValueZero<'a> {
    fn from(v: &'a Val) -> Self {
        match v {
            Val::Undefined => SameValueZero::Undefined,
            Val::Null => SameValueZero::Null,
            Val::Bool(b) => SameValueZero::Bool(*b),
            // All NaNs are one key, and -0 is +0.
            Val::Number(n) if n.is_nan() => SameValueZero::Number(f64::NAN.to_bits()),
            Val::Number(n) => SameValueZero::Number((n + 0.0).to_bits()),
            Val::BigInt(b) => SameValueZero::BigInt(b),
            Val::String(s) => SameValueZero::String(s),
            Val::Symbol(d) => SameValueZero::Symbol(d),
            Val::Ref(i) => SameValueZero::Ref(*i),
        }
    }
}

/// No two keys of a Map (or values of a Set) are the same under SameValueZero.
fn distinct<'a>(
    keys: impl Iterator<Item = &'a Val>,
    at: &dyn Fn(usize) -> String,
) -> Result<(), NotationError> {
    let mut seen = HashSet::new();
    for (n, key) in keys.enumerate() {
        if matches!(key, Val::Number(z) if *z == 0.0 && z.is_sign_negative()) {
            return fail(at(n), "a Map or Set never holds -0: adding -0 stores +0");
        }
        if !seen.insert(SameValueZero::from(key)) {
            return fail(
                at(n),
                "a Map or Set holds each key once (SameValueZero), and this one is there already",
            );
        }
    }
    Ok(())
}
