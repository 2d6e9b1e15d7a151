//! ToString for the built-in heap, and the exceptions the heap throws.
//!
//! The heap runs no script, so an object converts through OrdinaryToPrimitive
//! with the built-in `toString` and `valueOf` of its kind. A callable found
//! in an own `toString` or `valueOf` property is taken to behave as the
//! built-in it shadows (the heap cannot run it); a getter there still runs
//! and may throw, and a non-callable value is skipped as the standard says.

use super::{Accessor, Heap, ObjectId, ObjectKind, OwnProperty};
use crate::ecmascript::{ErrorPrototype, Exception, JsString, PropertyKey, Value, number_to_string};

/// How deeply conversions may nest (an Array holding an Array, an Error whose
/// `name` is an Error, ...) before the heap throws the RangeError an engine
/// throws when its stack runs out.
const MAX_CONVERSION_DEPTH: usize = 1000;

/// Conversions under way, outermost first: Array.prototype.join consults it
/// to cut cycles, and its length bounds the nesting.
#[derive(Default)]
struct Conversion {
    active: Vec<ObjectId>,
}

type Completion<T> = Result<T, Exception<ObjectId>>;

impl Heap {
    /// Longest String ToString may build, in code units; longer results throw
    /// a RangeError. Engines have such a limit (V8: 2^29 - 24); the heap's is
    /// lower so that joining a sparse Array of length 2^32 - 1 fails fast
    /// instead of taking gigabytes.
    pub const MAX_STRING_LENGTH: usize = 1 << 24;

    /// A new Error object with this prototype and an own, non-enumerable
    /// `message` property, as the NativeError constructors make one.
    pub fn create_error(&mut self, prototype: ErrorPrototype, message: &str) -> ObjectId {
        let error = self.alloc(ObjectKind::Error {
            prototype,
            stack: None,
        });
        let message = OwnProperty::Data {
            value: Value::from(message),
            writable: true,
            enumerable: false,
            configurable: true,
        };
        self.define_property(error, PropertyKey::from("message"), message);
        error
    }

    /// A throw completion carrying a new Error object of this kind.
    pub(super) fn throw<T>(&mut self, prototype: ErrorPrototype, message: &str) -> Completion<T> {
        Err(Exception(Value::Object(self.create_error(prototype, message))))
    }

    /// ToString(argument).
    ///
    /// <https://tc39.es/ecma262/#sec-tostring>
    pub fn to_js_string(&mut self, value: &Value<ObjectId>) -> Completion<JsString> {
        self.convert(value, &mut Conversion::default())
    }

    fn convert(&mut self, value: &Value<ObjectId>, cx: &mut Conversion) -> Completion<JsString> {
        match value {
            Value::Undefined => Ok(JsString::from("undefined")),
            Value::Null => Ok(JsString::from("null")),
            Value::Boolean(b) => Ok(JsString::from(if *b { "true" } else { "false" })),
            Value::Number(n) => Ok(JsString::from(number_to_string(*n))),
            Value::BigInt(b) => Ok(JsString::from(b.as_decimal())),
            Value::String(s) => Ok(s.clone()),
            Value::Symbol(_) => self.throw(
                ErrorPrototype::TypeError,
                "Cannot convert a Symbol value to a string",
            ),
            Value::Object(o) => {
                if cx.active.len() >= MAX_CONVERSION_DEPTH {
                    return self.throw(ErrorPrototype::RangeError, "Maximum call stack size exceeded");
                }
                cx.active.push(*o);
                let result = stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.object_to_string(*o, cx));
                cx.active.pop();
                result
            }
        }
    }

    /// ToPrimitive(O, string) then ToString of the result.
    fn object_to_string(&mut self, o: ObjectId, cx: &mut Conversion) -> Completion<JsString> {
        // %Symbol.prototype%[@@toPrimitive] hands back the Symbol, which
        // ToString then refuses.
        if let Some(ObjectKind::SymbolObject(symbol)) = self.get_object(o).map(|h| &h.kind) {
            let symbol = Value::Symbol(symbol.clone());
            return self.convert(&symbol, cx);
        }
        // OrdinaryToPrimitive(O, string): toString, then valueOf.
        for method in ["toString", "valueOf"] {
            let key = PropertyKey::from(method);
            // [[Get]] meets a property of the heap's before the built-in: an
            // own one, or one of %Object.prototype% when no intrinsic
            // prototype in between has the method.
            let in_between = self
                .get_object(o)
                .is_some_and(|h| intrinsic_prototype_has(&h.kind, method));
            let found_property = self.own_property(o, &key).is_some()
                || (!in_between && self.own_property(self.object_prototype(), &key).is_some());
            if found_property {
                let found = self.get_property(o, &key)?;
                let callable = matches!(&found, Value::Object(f) if self.is_function(*f));
                if !callable {
                    continue;
                }
            }
            let result = if method == "toString" {
                Some(self.builtin_to_string(o, cx)?)
            } else {
                self.builtin_value_of(o)
            };
            if let Some(primitive) = result {
                return self.convert(&primitive, cx);
            }
        }
        self.throw(
            ErrorPrototype::TypeError,
            "Cannot convert object to primitive value",
        )
    }

    fn is_function(&self, o: ObjectId) -> bool {
        matches!(self.get_object(o).map(|h| &h.kind), Some(ObjectKind::Function))
    }

    /// The `toString` the object inherits, applied to it (always a primitive).
    fn builtin_to_string(&mut self, o: ObjectId, cx: &mut Conversion) -> Completion<Value<ObjectId>> {
        let Some(object) = self.get_object(o) else {
            return Ok(Value::from("[object Object]"));
        };
        let text = match &object.kind {
            // Array.prototype.toString (which typed arrays share): call the
            // object's `join` if it is callable, else Object.prototype.toString.
            kind @ (ObjectKind::Array { .. } | ObjectKind::View { .. })
                if !matches!(
                    kind,
                    ObjectKind::View {
                        kind: crate::ecmascript::ViewKind::DataView,
                        ..
                    }
                ) =>
            {
                let tag = to_string_tag(kind).to_owned();
                // Not an own `join`: the intrinsic prototype's, the built-in.
                let own_join = self.own_property(o, &PropertyKey::from("join")).is_some();
                let join = if own_join {
                    self.get_property(o, &PropertyKey::from("join"))?
                } else {
                    Value::Undefined
                };
                if own_join && !matches!(&join, Value::Object(f) if self.is_function(*f)) {
                    JsString::from(format!("[object {tag}]"))
                } else {
                    // The heap runs no script: a callable `join` is the builtin.
                    self.builtin_join(o, cx)?
                }
            }
            ObjectKind::Error { .. } => self.error_to_string(o, cx)?,
            ObjectKind::RegExp { .. } => self.regexp_to_string(o, cx)?,
            // The wrappers' toString gives their primitive's text.
            ObjectKind::BooleanWrapper(b) => return Ok(Value::Boolean(*b)),
            ObjectKind::NumberWrapper(n) => return Ok(Value::Number(*n)),
            ObjectKind::BigIntWrapper(b) => return Ok(Value::BigInt(b.clone())),
            ObjectKind::StringWrapper(s) => s.clone(),
            ObjectKind::Date(t) => JsString::from(super::date::date_to_string(*t)),
            ObjectKind::Function => JsString::from("function () { [native code] }"),
            // Object.prototype.toString: the builtin tag, or @@toStringTag of
            // the intrinsic prototype (Web IDL's class string for platform objects).
            kind => JsString::from(format!("[object {}]", to_string_tag(kind))),
        };
        Ok(Value::String(text))
    }

    /// The `valueOf` the object inherits: a wrapper's or Date's primitive,
    /// or (Object.prototype.valueOf) the object itself, which is no primitive.
    fn builtin_value_of(&self, o: ObjectId) -> Option<Value<ObjectId>> {
        match &self.get_object(o)?.kind {
            ObjectKind::BooleanWrapper(b) => Some(Value::Boolean(*b)),
            ObjectKind::NumberWrapper(n) => Some(Value::Number(*n)),
            ObjectKind::BigIntWrapper(b) => Some(Value::BigInt(b.clone())),
            ObjectKind::StringWrapper(s) => Some(Value::String(s.clone())),
            ObjectKind::Date(t) => Some(Value::Number(*t)),
            _ => None,
        }
    }

    /// Array.prototype.join or %TypedArray%.prototype.join, with ",".
    fn builtin_join(&mut self, o: ObjectId, cx: &mut Conversion) -> Completion<JsString> {
        match self.get_object(o).map(|h| &h.kind) {
            Some(ObjectKind::Array { length }) => {
                let length = *length;
                self.array_join(o, length, cx)
            }
            _ => self.typed_array_join(o, cx),
        }
    }

    /// %TypedArray%.prototype.join(","): ValidateTypedArray first (a view out
    /// of bounds, or over a detached buffer, throws a TypeError), then each
    /// element's Number::toString or BigInt::toString.
    ///
    /// <https://tc39.es/ecma262/#sec-%typedarray%.prototype.join>
    fn typed_array_join(&mut self, o: ObjectId, cx: &mut Conversion) -> Completion<JsString> {
        let Some(elements) = self.typed_array_elements(o) else {
            return self.throw(
                ErrorPrototype::TypeError,
                "Cannot perform %TypedArray%.prototype.join on an out of bounds TypedArray",
            );
        };
        let mut out: Vec<u16> = Vec::new();
        for (i, element) in elements.iter().enumerate() {
            if i > 0 {
                out.push(u16::from(b','));
            }
            out.extend_from_slice(self.convert(element, cx)?.code_units());
            if out.len() > Heap::MAX_STRING_LENGTH {
                return self.throw(ErrorPrototype::RangeError, "Invalid string length");
            }
        }
        Ok(JsString::from_code_units(out))
    }

    /// Array.prototype.join(",") as toString calls it. Holes, undefined and
    /// null give empty Strings. An Array met again while it is being joined
    /// (a cycle) joins to the empty String, as V8 and other engines do; the
    /// standard itself would recurse until the stack ran out.
    fn array_join(&mut self, o: ObjectId, length: u32, cx: &mut Conversion) -> Completion<JsString> {
        if cx.active[..cx.active.len().saturating_sub(1)].contains(&o) {
            return Ok(JsString::default());
        }
        let length = length as usize;
        // Only stored indices can hold anything: the array's own, and, for a
        // hole, %Object.prototype%'s (the heap's %Array.prototype% has no
        // index properties). The properties are read from one snapshot, which
        // is what [[Get]] would see: nothing a conversion runs can change an
        // existing object.
        let indices = |id: ObjectId| -> Vec<(usize, OwnProperty)> {
            self.get_object(id)
                .map(|h| h.properties.iter())
                .into_iter()
                .flatten()
                .filter_map(|(key, p)| Some((key.as_string()?.as_array_index()? as usize, p.clone())))
                .filter(|(index, _)| *index < length)
                .collect()
        };
        let mut present = indices(o);
        let inherited: Vec<_> = indices(self.object_prototype())
            .into_iter()
            .filter(|(index, _)| !present.iter().any(|(own, _)| own == index))
            .collect();
        present.extend(inherited);
        present.sort_unstable_by_key(|(index, _)| *index);

        // The separators before an index are appended before it is read, so a
        // String grown too long by them throws before a later element's getter
        // or conversion runs; they are counted before they are made.
        let too_long = |len: usize, more: usize| len.saturating_add(more) > Heap::MAX_STRING_LENGTH;
        let mut out: Vec<u16> = Vec::new();
        let mut written = 0; // separators in `out`: the next element's index
        for (index, property) in present {
            if too_long(out.len(), index - written) {
                return self.throw(ErrorPrototype::RangeError, "Invalid string length");
            }
            out.extend(std::iter::repeat_n(u16::from(b','), index - written));
            written = index;
            let element = match property {
                OwnProperty::Data { value, .. } => value,
                OwnProperty::Accessor {
                    getter: Accessor::Returns(value),
                    ..
                } => value,
                OwnProperty::Accessor {
                    getter: Accessor::Throws(value),
                    ..
                } => return Err(Exception(value)),
            };
            let text = match element {
                Value::Undefined | Value::Null => continue,
                other => self.convert(&other, cx)?,
            };
            out.extend_from_slice(text.code_units());
            if out.len() > Heap::MAX_STRING_LENGTH {
                return self.throw(ErrorPrototype::RangeError, "Invalid string length");
            }
        }
        let trailing = length.saturating_sub(1) - written;
        if too_long(out.len(), trailing) {
            return self.throw(ErrorPrototype::RangeError, "Invalid string length");
        }
        out.extend(std::iter::repeat_n(u16::from(b','), trailing));
        Ok(JsString::from_code_units(out))
    }

    /// Error.prototype.toString: "name: message", without the ": " when
    /// either part is empty; `name` defaults to "Error" and `message` to "".
    fn error_to_string(&mut self, o: ObjectId, cx: &mut Conversion) -> Completion<JsString> {
        let name = match self.get_property(o, &PropertyKey::from("name"))? {
            Value::Undefined => JsString::from("Error"),
            other => self.convert(&other, cx)?,
        };
        let message = match self.get_property(o, &PropertyKey::from("message"))? {
            Value::Undefined => JsString::default(),
            other => self.convert(&other, cx)?,
        };
        if name.is_empty() {
            return Ok(message);
        }
        if message.is_empty() {
            return Ok(name);
        }
        self.concat(&[name.code_units(), &[0x3A, 0x20], message.code_units()])
    }

    /// RegExp.prototype.toString: "/" source "/" flags, both read with Get.
    fn regexp_to_string(&mut self, o: ObjectId, cx: &mut Conversion) -> Completion<JsString> {
        let source = self.get_property(o, &PropertyKey::from("source"))?;
        let source = self.convert(&source, cx)?;
        let flags = self.get_property(o, &PropertyKey::from("flags"))?;
        let flags = self.convert(&flags, cx)?;
        let slash: &[u16] = &[u16::from(b'/')];
        self.concat(&[slash, source.code_units(), slash, flags.code_units()])
    }

    fn concat(&mut self, parts: &[&[u16]]) -> Completion<JsString> {
        if parts.iter().map(|p| p.len()).sum::<usize>() > Heap::MAX_STRING_LENGTH {
            return self.throw(ErrorPrototype::RangeError, "Invalid string length");
        }
        Ok(JsString::from_code_units(parts.concat()))
    }
}

/// Whether the intrinsic prototype between an object of this kind and
/// %Object.prototype% has a method `name` of its own (`toString` or
/// `valueOf`), which then shadows %Object.prototype%'s.
fn intrinsic_prototype_has(kind: &ObjectKind, name: &str) -> bool {
    let typed_array =
        matches!(kind, ObjectKind::View { kind, .. } if *kind != crate::ecmascript::ViewKind::DataView);
    let wrapper_or_date = matches!(
        kind,
        ObjectKind::BooleanWrapper(_)
            | ObjectKind::NumberWrapper(_)
            | ObjectKind::BigIntWrapper(_)
            | ObjectKind::StringWrapper(_)
            | ObjectKind::Date(_)
    );
    match name {
        "toString" => {
            typed_array
                || wrapper_or_date
                || matches!(
                    kind,
                    ObjectKind::Array { .. }
                        | ObjectKind::Error { .. }
                        | ObjectKind::RegExp { .. }
                        | ObjectKind::Function
                        | ObjectKind::SymbolObject(_)
                )
        }
        "valueOf" => wrapper_or_date || matches!(kind, ObjectKind::SymbolObject(_)),
        _ => false,
    }
}

/// The tag Object.prototype.toString shows for an object of this kind.
fn to_string_tag(kind: &ObjectKind) -> &str {
    match kind {
        ObjectKind::Array { .. } => "Array",
        ObjectKind::Map(_) => "Map",
        ObjectKind::Set(_) => "Set",
        ObjectKind::WeakMap => "WeakMap",
        ObjectKind::WeakSet => "WeakSet",
        ObjectKind::WeakRef => "WeakRef",
        ObjectKind::Promise => "Promise",
        ObjectKind::ArrayBuffer(super::ArrayBufferState::Owned { .. }) => "ArrayBuffer",
        ObjectKind::ArrayBuffer(super::ArrayBufferState::Shared { .. }) => "SharedArrayBuffer",
        ObjectKind::View { kind, .. } => kind.name(),
        ObjectKind::Platform { interface, .. } => interface,
        _ => "Object",
    }
}

/// "Name: message" of a thrown Error object, for tests.
#[cfg(test)]
pub(super) fn thrown(heap: &mut Heap, completion: Completion<impl std::fmt::Debug>) -> String {
    match completion {
        Err(Exception(Value::Object(e))) if matches!(heap.object(e).kind, ObjectKind::Error { .. }) => heap
            .to_js_string(&Value::Object(e))
            .map(|s| s.to_string_lossy())
            .unwrap_or_default(),
        other => panic!("expected a thrown Error object, got {other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ecmascript::{BigInt, Realm, ViewKind};

    fn string(heap: &mut Heap, value: Value<ObjectId>) -> String {
        heap.to_js_string(&value)
            .expect("ToString succeeds")
            .to_string_lossy()
    }

    #[test]
    fn primitives() {
        let mut heap = Heap::default();
        let cases: [(Value<ObjectId>, &str); 12] = [
            (Value::Undefined, "undefined"),
            (Value::Null, "null"),
            (Value::Boolean(true), "true"),
            (Value::Boolean(false), "false"),
            (Value::Number(-0.0), "0"),
            (Value::Number(f64::NAN), "NaN"),
            (Value::Number(-f64::INFINITY), "-Infinity"),
            (Value::Number(1e21), "1e+21"),
            (Value::Number(0.1), "0.1"),
            (Value::BigInt(BigInt::from(-12)), "-12"),
            (Value::from("text"), "text"),
            (Value::from(""), ""),
        ];
        for (value, expected) in cases {
            assert_eq!(string(&mut heap, value), expected);
        }
        let lone = JsString::from_code_units(vec![0xDC00]);
        assert_eq!(heap.to_js_string(&Value::String(lone.clone())).unwrap(), lone);
    }

    #[test]
    fn symbols_throw_a_type_error() {
        let mut heap = Heap::default();
        let symbol = heap.new_symbol(Some(JsString::from("s")));
        let before = heap.len();
        let result = heap.to_js_string(&Value::Symbol(symbol.clone()));
        assert_eq!(
            thrown(&mut heap, result),
            "TypeError: Cannot convert a Symbol value to a string"
        );
        assert_eq!(heap.len(), before + 1, "the TypeError lives in the heap");
        // A Symbol object converts through its Symbol, and fails the same way.
        let wrapper = heap.alloc(ObjectKind::SymbolObject(symbol));
        let result = heap.to_js_string(&Value::Object(wrapper));
        assert!(thrown(&mut heap, result).starts_with("TypeError"));
    }

    #[test]
    fn wrappers_dates_and_tags() {
        let mut heap = Heap::default();
        let object = |heap: &mut Heap, kind| Value::Object(heap.alloc(kind));
        let cases = [
            (ObjectKind::BooleanWrapper(false), "false"),
            (ObjectKind::NumberWrapper(-0.0), "0"),
            (ObjectKind::BigIntWrapper(BigInt::from(7)), "7"),
            (ObjectKind::StringWrapper(JsString::from("ab")), "ab"),
            (
                ObjectKind::Date(0.0),
                "Thu Jan 01 1970 00:00:00 GMT+0000 (Coordinated Universal Time)",
            ),
            (ObjectKind::Date(f64::NAN), "Invalid Date"),
            (ObjectKind::Ordinary, "[object Object]"),
            (ObjectKind::ObjectPrototype, "[object Object]"),
            (ObjectKind::Map(Vec::new()), "[object Map]"),
            (ObjectKind::Set(Vec::new()), "[object Set]"),
            (ObjectKind::WeakMap, "[object WeakMap]"),
            (ObjectKind::Promise, "[object Promise]"),
            (ObjectKind::Proxy, "[object Object]"),
            (ObjectKind::Function, "function () { [native code] }"),
            (
                ObjectKind::Platform {
                    interface: "MessagePort".into(),
                    detached: Some(false),
                    host: 1,
                },
                "[object MessagePort]",
            ),
        ];
        for (kind, expected) in cases {
            let value = object(&mut heap, kind);
            assert_eq!(string(&mut heap, value), expected);
        }
        let buffer = heap.create_array_buffer(vec![0; 4], None).unwrap();
        assert_eq!(string(&mut heap, Value::Object(buffer)), "[object ArrayBuffer]");
        let view = heap.alloc(ObjectKind::View {
            kind: ViewKind::Float16Array,
            buffer,
            byte_offset: 0,
            length: None,
        });
        assert_eq!(
            string(&mut heap, Value::Object(view)),
            "0,0",
            "a typed array joins its elements"
        );
    }

    #[test]
    fn regexps_print_source_and_flags() {
        let mut heap = Heap::default();
        let r = heap
            .create_regexp(JsString::from("a/b"), JsString::from("ig"))
            .unwrap();
        assert_eq!(string(&mut heap, Value::Object(r)), "/a\\/b/gi");
        let empty = heap
            .create_regexp(JsString::default(), JsString::default())
            .unwrap();
        assert_eq!(string(&mut heap, Value::Object(empty)), "/(?:)/");
        // `source` is read with [[Get]], so an own property shadows the getter.
        heap.define_property(empty, "source".into(), OwnProperty::data(Value::from("x")));
        assert_eq!(string(&mut heap, Value::Object(empty)), "/x/");
    }

    #[test]
    fn errors_print_name_and_message() {
        let mut heap = Heap::default();
        let e = heap.create_error(ErrorPrototype::RangeError, "too big");
        assert_eq!(string(&mut heap, Value::Object(e)), "RangeError: too big");
        let bare = heap.ordinary_error_create(ErrorPrototype::URIError);
        assert_eq!(string(&mut heap, Value::Object(bare)), "URIError");
        heap.define_property(bare, "message".into(), OwnProperty::data(Value::Number(5.0)));
        heap.define_property(bare, "name".into(), OwnProperty::data(Value::from("")));
        assert_eq!(string(&mut heap, Value::Object(bare)), "5");
        heap.define_property(bare, "name".into(), OwnProperty::data(Value::Undefined));
        assert_eq!(string(&mut heap, Value::Object(bare)), "Error: 5");
    }

    #[test]
    fn throwing_getters_propagate() {
        let mut heap = Heap::default();
        let e = heap.ordinary_error_create(ErrorPrototype::Error);
        let getter = OwnProperty::Accessor {
            getter: Accessor::Throws(Value::from("from the getter")),
            enumerable: false,
            configurable: true,
        };
        heap.define_property(e, "message".into(), getter.clone());
        match heap.to_js_string(&Value::Object(e)) {
            Err(Exception(Value::String(s))) => assert_eq!(s, JsString::from("from the getter")),
            other => panic!("expected the getter's exception, got {other:?}"),
        }
        let a = heap.array_create(2);
        heap.define_property(a, "1".into(), getter.clone());
        assert!(heap.to_js_string(&Value::Object(a)).is_err());
        let o = heap.alloc(ObjectKind::Ordinary);
        heap.define_property(o, "toString".into(), getter);
        assert!(heap.to_js_string(&Value::Object(o)).is_err());
        // A Symbol name makes Error.prototype.toString throw a TypeError.
        let symbol = heap.new_symbol(None);
        heap.define_property(e, "message".into(), OwnProperty::data(Value::Symbol(symbol)));
        let result = heap.to_js_string(&Value::Object(e));
        assert!(thrown(&mut heap, result).starts_with("TypeError"));
    }

    #[test]
    fn own_to_string_and_value_of() {
        let mut heap = Heap::default();
        let n = heap.create_number_object(5.0);
        heap.define_property(n, "toString".into(), OwnProperty::data(Value::Number(1.0)));
        assert_eq!(
            string(&mut heap, Value::Object(n)),
            "5",
            "valueOf runs when toString is not callable"
        );
        let o = heap.alloc(ObjectKind::Ordinary);
        heap.define_property(o, "toString".into(), OwnProperty::data(Value::Null));
        let result = heap.to_js_string(&Value::Object(o));
        assert_eq!(
            thrown(&mut heap, result),
            "TypeError: Cannot convert object to primitive value"
        );
        let f = heap.alloc(ObjectKind::Function);
        heap.define_property(o, "toString".into(), OwnProperty::data(Value::Object(f)));
        assert_eq!(string(&mut heap, Value::Object(o)), "[object Object]");
    }

    #[test]
    fn arrays_join_with_commas_and_cut_cycles() {
        let mut heap = Heap::default();
        let inner = heap.array_create(0);
        heap.create_data_property(&inner, "0".into(), Value::Number(3.0));
        let middle = heap.array_create(0);
        heap.create_data_property(&middle, "0".into(), Value::Number(2.0));
        heap.create_data_property(&middle, "1".into(), Value::Object(inner));
        let a = heap.array_create(6);
        heap.create_data_property(&a, "0".into(), Value::Number(1.0));
        heap.create_data_property(&a, "1".into(), Value::Object(middle));
        heap.create_data_property(&a, "2".into(), Value::Null);
        heap.create_data_property(&a, "3".into(), Value::Undefined);
        heap.create_data_property(&a, "5".into(), Value::from("x"));
        assert_eq!(string(&mut heap, Value::Object(a)), "1,2,3,,,,x");

        // b = [1, b, [b, 2]] joins as V8 joins it.
        let b = heap.array_create(0);
        let c = heap.array_create(0);
        heap.create_data_property(&c, "0".into(), Value::Object(b));
        heap.create_data_property(&c, "1".into(), Value::Number(2.0));
        heap.create_data_property(&b, "0".into(), Value::Number(1.0));
        heap.create_data_property(&b, "1".into(), Value::Object(b));
        heap.create_data_property(&b, "2".into(), Value::Object(c));
        assert_eq!(string(&mut heap, Value::Object(b)), "1,,,2");

        let holes = heap.array_create(5);
        assert_eq!(string(&mut heap, Value::Object(holes)), ",,,,");
        let empty = heap.array_create(0);
        assert_eq!(string(&mut heap, Value::Object(empty)), "");
    }

    #[test]
    fn huge_and_deep_conversions_throw_range_errors() {
        let mut heap = Heap::default();
        let sparse = heap.array_create(u32::MAX);
        let result = heap.to_js_string(&Value::Object(sparse));
        assert_eq!(thrown(&mut heap, result), "RangeError: Invalid string length");
        // Join reads index 1 before the separators grow too long: its getter throws first.
        let getter = OwnProperty::Accessor {
            getter: Accessor::Throws(Value::from("index 1")),
            enumerable: true,
            configurable: true,
        };
        heap.define_property(sparse, "1".into(), getter);
        match heap.to_js_string(&Value::Object(sparse)) {
            Err(Exception(Value::String(s))) => assert_eq!(s, JsString::from("index 1")),
            other => panic!("expected the getter's exception, got {other:?}"),
        }

        // An Error whose name is itself recurses until the depth limit.
        let e = heap.ordinary_error_create(ErrorPrototype::Error);
        heap.define_property(e, "name".into(), OwnProperty::data(Value::Object(e)));
        let result = heap.to_js_string(&Value::Object(e));
        assert_eq!(
            thrown(&mut heap, result),
            "RangeError: Maximum call stack size exceeded"
        );

        // Deeply nested Arrays: fine below the limit, a RangeError above it.
        let mut nested = heap.array_create(0);
        for depth in 1..=5000 {
            let outer = heap.array_create(0);
            heap.create_data_property(&outer, "0".into(), Value::Object(nested));
            nested = outer;
            if depth == 900 {
                assert_eq!(string(&mut heap, Value::Object(nested)), "");
            }
        }
        let result = heap.to_js_string(&Value::Object(nested));
        assert!(thrown(&mut heap, result).starts_with("RangeError"));
    }
}

#[cfg(test)]
mod join_tests {
    use super::*;
    use crate::ecmascript::{ArrayBufferState, ViewKind};

    fn text(heap: &mut Heap, o: ObjectId) -> String {
        heap.to_js_string(&Value::Object(o))
            .map(|s| s.to_string_lossy())
            .unwrap_or_else(|_| "threw".into())
    }

    #[test]
    fn typed_arrays_join_their_elements_and_throw_out_of_bounds() {
        let mut heap = Heap::default();
        let buffer = heap.alloc(ObjectKind::ArrayBuffer(ArrayBufferState::Owned {
            data: Some(vec![1, 2, 0xff]),
            max_byte_length: Some(8),
            detach_key: false,
        }));
        let u8s = heap.alloc(ObjectKind::View {
            kind: ViewKind::Uint8Array,
            buffer,
            byte_offset: 0,
            length: None,
        });
        let i8s = heap.alloc(ObjectKind::View {
            kind: ViewKind::Int8Array,
            buffer,
            byte_offset: 1,
            length: Some(2),
        });
        let outside = heap.alloc(ObjectKind::View {
            kind: ViewKind::Uint8Array,
            buffer,
            byte_offset: 2,
            length: Some(4),
        });
        let view = heap.alloc(ObjectKind::View {
            kind: ViewKind::DataView,
            buffer,
            byte_offset: 0,
            length: None,
        });
        assert_eq!(text(&mut heap, u8s), "1,2,255");
        assert_eq!(text(&mut heap, i8s), "2,-1");
        assert_eq!(text(&mut heap, view), "[object DataView]");
        let thrown = heap.to_js_string(&Value::Object(outside));
        assert_eq!(thrown_message(&mut heap, thrown), "TypeError");
    }

    #[test]
    fn an_own_join_that_cannot_be_called_gives_the_object_tag() {
        let mut heap = Heap::default();
        let array = heap.alloc(ObjectKind::Array { length: 2 });
        heap.define_property(
            array,
            PropertyKey::from("0"),
            OwnProperty::data(Value::Number(1.0)),
        );
        assert_eq!(text(&mut heap, array), "1,");
        heap.define_property(
            array,
            PropertyKey::from("join"),
            OwnProperty::data(Value::Number(5.0)),
        );
        assert_eq!(text(&mut heap, array), "[object Array]");
        let f = heap.alloc(ObjectKind::Function);
        heap.define_property(
            array,
            PropertyKey::from("join"),
            OwnProperty::data(Value::Object(f)),
        );
        assert_eq!(
            text(&mut heap, array),
            "1,",
            "a callable join is taken as the builtin"
        );
    }

    fn thrown_message(heap: &mut Heap, completion: Completion<JsString>) -> String {
        match completion {
            Err(Exception(Value::Object(e))) => match heap.get_property(e, &PropertyKey::from("name")) {
                Ok(Value::String(s)) => s.to_string_lossy(),
                other => format!("{other:?}"),
            },
            other => format!("no throw: {other:?}"),
        }
    }
}

#[cfg(test)]
mod inheritance_tests {
    use super::*;

    #[test]
    fn holes_and_missing_properties_read_object_prototype() {
        let mut heap = Heap::default();
        let proto = heap.object_prototype();
        heap.define_property(
            proto,
            PropertyKey::from("1"),
            OwnProperty::data(Value::from("inherited")),
        );
        heap.define_property(
            proto,
            PropertyKey::from("boom"),
            OwnProperty::Accessor {
                getter: Accessor::Throws(Value::from("thrown")),
                enumerable: false,
                configurable: true,
            },
        );
        let array = heap.alloc(ObjectKind::Array { length: 3 });
        assert_eq!(
            heap.to_js_string(&Value::Object(array))
                .unwrap()
                .to_string_lossy(),
            ",inherited,"
        );
        let plain = heap.alloc(ObjectKind::Ordinary);
        assert!(
            matches!(heap.get_property(plain, &"1".into()), Ok(Value::String(s)) if s == JsString::from("inherited"))
        );
        assert!(matches!(
            heap.get_property(plain, &"boom".into()),
            Err(Exception(Value::String(_)))
        ));
        // Error.prototype's own `message` shadows Object.prototype's.
        heap.define_property(
            proto,
            PropertyKey::from("message"),
            OwnProperty::data(Value::from("no")),
        );
        let error = heap.create_error(ErrorPrototype::Error, "");
        heap.object_mut(error)
            .properties
            .retain(|(k, _)| *k != PropertyKey::from("message"));
        assert!(matches!(heap.get_property(error, &"message".into()), Ok(Value::String(s)) if s.is_empty()));
    }
}

#[cfg(test)]
mod object_prototype_method_tests {
    use super::*;

    fn outcome(heap: &mut Heap, o: ObjectId) -> Result<String, String> {
        match heap.to_js_string(&Value::Object(o)) {
            Ok(s) => Ok(s.to_string_lossy()),
            Err(Exception(Value::Object(e))) => match heap.object(e).kind {
                ObjectKind::Error { prototype, .. } => Err(prototype.name().to_owned()),
                _ => Err("an object".to_owned()),
            },
            Err(Exception(other)) => Err(format!("{other:?}")),
        }
    }

    /// [[Get]] of `toString` and `valueOf` reaches %Object.prototype%'s own
    /// properties unless an intrinsic prototype in between has the method.
    #[test]
    fn object_prototype_methods_are_what_get_finds() {
        let mut heap = Heap::default();
        let proto = heap.object_prototype();
        heap.define_property(proto, "toString".into(), OwnProperty::data(Value::Number(1.0)));
        let plain = heap.alloc(ObjectKind::Ordinary);
        let map = heap.alloc(ObjectKind::Map(Vec::new()));
        assert_eq!(outcome(&mut heap, plain), Err("TypeError".to_owned()));
        assert_eq!(outcome(&mut heap, map), Err("TypeError".to_owned()));
        // Error.prototype.toString and Number.prototype.toString come first.
        let error = heap.create_error(ErrorPrototype::RangeError, "m");
        assert_eq!(outcome(&mut heap, error), Ok("RangeError: m".to_owned()));
        let number = heap.alloc(ObjectKind::NumberWrapper(2.0));
        assert_eq!(outcome(&mut heap, number), Ok("2".to_owned()));
        // A callable one is taken as the built-in.
        let f = heap.alloc(ObjectKind::Function);
        heap.define_property(proto, "toString".into(), OwnProperty::data(Value::Object(f)));
        assert_eq!(outcome(&mut heap, map), Ok("[object Map]".to_owned()));
        // An Error whose own toString fails reaches %Object.prototype%'s valueOf.
        heap.define_property(error, "toString".into(), OwnProperty::data(Value::Null));
        heap.define_property(
            proto,
            "valueOf".into(),
            OwnProperty::Accessor {
                getter: Accessor::Throws(Value::from("from valueOf")),
                enumerable: false,
                configurable: true,
            },
        );
        assert_eq!(
            outcome(&mut heap, error),
            Err("String(\"from valueOf\")".to_owned())
        );
    }
}
