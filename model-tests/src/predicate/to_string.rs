//! ToString(value) worked out on a graph-notation document from ECMA-262,
//! as the realm the document describes would run it: ToPrimitive with hint
//! string, then the built-ins it reaches — Object.prototype.toString and
//! valueOf, Array.prototype.toString and join, %TypedArray%.prototype.join,
//! Error.prototype.toString, RegExp.prototype.toString with the `source`
//! and `flags` getters, Date.prototype.toString, the primitive wrappers'
//! toString and valueOf, Function.prototype.toString. [[Get]] looks at the
//! object's own properties, then its intrinsic prototype's built-ins, then
//! %Object.prototype% — whose own properties the document may give it (its
//! `ObjectPrototype` object) — then the built-ins there.
//!
//! The realm runs no script, and the notation says what a getter returns or
//! throws but not what a function does. So a document `Function` found
//! where a method is looked up is called as the built-in method of that
//! name the object would inherit (the reading the built-in heap documents:
//! a callable own `toString` or `join` is taken to be the built-in).
//!
//! Where ECMA-262 leaves a choice to the implementation, the predicate
//! takes V8's (the node oracle's engine): Array.prototype.join of an Array
//! it is already joining gives the empty String (the standard itself would
//! recurse until the stack ran out); any other conversion that would
//! recurse forever throws a RangeError (a stack overflow). Inside such cut
//! cycles the built-in heap documents one reading of its own, which the
//! predicate follows: within one ToString, an object keeps the first
//! non-empty text it got (V8 converts it again, and can give another text
//! when the cycle is entered from elsewhere: `[b, c]` with `b = [1, b, c]`
//! and `c = [b, 2]` is "1,,,2,1,,,2" in V8, "1,,,2,,2" here). Without
//! cycles every object has one text anyway. A String longer
//! than the realm's limit throws a RangeError when the concatenation that
//! makes it runs; Function.prototype.toString of a function without source
//! text gives `function () { [native code] }`; EscapeRegExpPattern escapes
//! `/` outside classes and line terminators; the time zone is UTC, named
//! "Coordinated Universal Time".

use super::date::to_date_string;
use super::number::number_to_string;
use super::views::{Element, View, constructor_name};
use super::{Thrown, array_index, native_error_name};
use std::collections::HashMap;
use webmessaging::ecmascript::{ErrorPrototype, JsString, ViewKind};
use webmessaging::notation::{Document, Key, Kind, PropValue, Val};

type Completion<T> = Result<T, Thrown>;

fn units(text: &str) -> Vec<u16> {
    text.encode_utf16().collect()
}

fn type_error<T>() -> Completion<T> {
    Err(Thrown::NewError(ErrorPrototype::TypeError))
}

fn range_error<T>() -> Completion<T> {
    Err(Thrown::NewError(ErrorPrototype::RangeError))
}

/// The built-in functions the conversion can reach.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Builtin {
    ObjectToString,
    ObjectValueOf,
    /// Array.prototype.toString, which %TypedArray%.prototype shares.
    ArrayToString,
    ArrayJoin,
    TypedArrayJoin,
    ErrorToString,
    RegExpToString,
    DateToString,
    DateValueOf,
    /// Boolean, Number, String or BigInt.prototype.toString.
    WrapperToString,
    /// Boolean, Number, String or BigInt.prototype.valueOf.
    WrapperValueOf,
    FunctionToString,
}

/// What [[Get]] of a method's name came to, as the conversion uses it.
enum Method {
    Callable(Builtin),
    NotCallable,
}

/// What [[GetOwnProperty]] found: a value (of a data property or from a
/// getter), or a getter that throws.
enum Own {
    Value(Val),
    Throws(Val),
}

/// The flag getters of %RegExp.prototype% in the order `flags` reads them.
const FLAGS: [(char, &str); 8] = [
    ('d', "hasIndices"),
    ('g', "global"),
    ('i', "ignoreCase"),
    ('m', "multiline"),
    ('s', "dotAll"),
    ('u', "unicode"),
    ('v', "unicodeSets"),
    ('y', "sticky"),
];

/// One ToString computation on a document.
pub struct Conversion<'d> {
    doc: &'d Document,
    max_string_length: usize,
    /// The document's %Object.prototype%, if it has one.
    object_prototype: Option<usize>,
    /// The first non-empty text each object got in this conversion.
    texts: HashMap<usize, Vec<u16>>,
    /// Objects whose conversion is under way, each with how many joins were
    /// under way and how many texts were known when it began: meeting one
    /// again with as many of both is a conversion that can only repeat itself.
    converting: Vec<(usize, usize, usize)>,
    /// Arrays whose Array.prototype.join is under way.
    joining: Vec<usize>,
}

impl<'d> Conversion<'d> {
    /// A conversion in a realm whose Strings hold at most `max_string_length`
    /// code units.
    pub fn new(doc: &'d Document, max_string_length: usize) -> Self {
        Conversion {
            doc,
            max_string_length,
            object_prototype: doc
                .objects
                .iter()
                .position(|o| matches!(o.kind, Kind::ObjectPrototype)),
            texts: HashMap::new(),
            converting: Vec::new(),
            joining: Vec::new(),
        }
    }

    /// ToString(value).
    ///
    /// <https://tc39.es/ecma262/#sec-tostring>
    pub fn to_string(&mut self, value: &Val) -> Completion<JsString> {
        self.convert(value).map(JsString::from_code_units)
    }

    fn convert(&mut self, value: &Val) -> Completion<Vec<u16>> {
        Ok(match value {
            Val::Undefined => units("undefined"),
            Val::Null => units("null"),
            Val::Bool(b) => units(if *b { "true" } else { "false" }),
            Val::Number(n) => units(&number_to_string(*n)),
            Val::BigInt(b) => units(b.as_decimal()), // BigInt::toString(b, 10)
            Val::String(s) => s.code_units().to_vec(),
            Val::Symbol(_) => return type_error(),
            Val::Ref(o) => return self.object_to_string(*o),
        })
    }

    /// ToPrimitive(o, string), then ToString of the primitive; the text o
    /// got before, if it got one.
    fn object_to_string(&mut self, o: usize) -> Completion<Vec<u16>> {
        if let Some(text) = self.texts.get(&o) {
            return Ok(text.clone());
        }
        let frame = (o, self.joining.len(), self.texts.len());
        if self.converting.contains(&frame) {
            // The same conversion again, with nothing that could end it.
            return range_error();
        }
        self.converting.push(frame);
        let primitive = self.primitive(o);
        self.converting.pop();
        let text = self.convert(&primitive?)?;
        if !text.is_empty() {
            self.texts.entry(o).or_insert_with(|| text.clone());
        }
        Ok(text)
    }

    /// ToPrimitive(o, string): a Symbol object's @@toPrimitive, else
    /// OrdinaryToPrimitive.
    fn primitive(&mut self, o: usize) -> Completion<Val> {
        if matches!(self.doc.objects[o].kind, Kind::SymbolObject) {
            // %Symbol.prototype%[@@toPrimitive] gives the Symbol, which
            // ToString then refuses.
            return Ok(Val::Symbol(None));
        }
        // OrdinaryToPrimitive(o, string): toString, then valueOf.
        for name in ["toString", "valueOf"] {
            if let Method::Callable(method) = self.get_method(o, name)? {
                let result = self.call(method, o)?;
                if !matches!(result, Val::Ref(_)) {
                    return Ok(result);
                }
            }
        }
        type_error()
    }

    // ----- [[Get]] -----

    /// [[GetOwnProperty]](key) of object `o`, its value read.
    fn own(&self, o: usize, key: &[u16]) -> Option<Own> {
        let object = &self.doc.objects[o];
        let is = |name: &str| key.iter().copied().eq(name.encode_utf16());
        // Own properties the notation writes as fields.
        match &object.kind {
            Kind::Array { length } if is("length") => {
                return Some(Own::Value(Val::Number(f64::from(*length))));
            }
            Kind::String(s) if is("length") => return Some(Own::Value(Val::Number(s.len() as f64))),
            Kind::String(s) => {
                let unit = array_index(key).and_then(|i| s.code_units().get(i as usize));
                if let Some(&unit) = unit {
                    return Some(Own::Value(Val::String(JsString::from_code_units(vec![unit]))));
                }
            }
            Kind::RegExp { last_index, .. } if is("lastIndex") => {
                return Some(Own::Value(last_index.clone().unwrap_or(Val::Number(0.0))));
            }
            Kind::Error {
                message: Some(message),
                ..
            } if is("message") => return Some(Own::Value(message.clone())),
            _ => {}
        }
        let prop = object
            .props
            .iter()
            .find(|p| matches!(&p.key, Key::String(k) if k.code_units() == key))?;
        Some(match &prop.value {
            PropValue::Data(v) | PropValue::GetterReturns(v) => Own::Value(v.clone()),
            PropValue::GetterThrows(v) => Own::Throws(v.clone()),
        })
    }

    /// An own property of %Object.prototype% that `o` inherits.
    fn inherited(&self, o: usize, key: &[u16]) -> Option<Own> {
        self.object_prototype
            .filter(|&p| p != o)
            .and_then(|p| self.own(p, key))
    }

    /// [[Get]](name) of `o` where `name` names a method.
    fn get_method(&mut self, o: usize, name: &str) -> Completion<Method> {
        let key = units(name);
        let found = match self.own(o, &key) {
            Some(own) => Some(own),
            None => {
                if let Some(builtin) = intrinsic_method(&self.doc.objects[o].kind, name) {
                    return Ok(Method::Callable(builtin));
                }
                self.inherited(o, &key)
            }
        };
        Ok(match found {
            Some(Own::Throws(v)) => return Err(Thrown::Value(v)),
            // A function of the document is called as the built-in it shadows.
            Some(Own::Value(Val::Ref(f))) if matches!(self.doc.objects[f].kind, Kind::Function) => self
                .inherited_builtin(o, name)
                .map_or(Method::NotCallable, Method::Callable),
            Some(Own::Value(_)) => Method::NotCallable,
            None => self
                .object_prototype_builtin(name)
                .map_or(Method::NotCallable, Method::Callable),
        })
    }

    /// The built-in method `name` that `o` inherits: its intrinsic
    /// prototype's, else %Object.prototype%'s.
    fn inherited_builtin(&self, o: usize, name: &str) -> Option<Builtin> {
        intrinsic_method(&self.doc.objects[o].kind, name).or_else(|| self.object_prototype_builtin(name))
    }

    fn object_prototype_builtin(&self, name: &str) -> Option<Builtin> {
        match name {
            "toString" => Some(Builtin::ObjectToString),
            "valueOf" => Some(Builtin::ObjectValueOf),
            _ => None,
        }
    }

    /// [[Get]](key) of `o` where the key names data (or an index).
    fn get_value(&mut self, o: usize, key: &[u16]) -> Completion<Val> {
        let found = match self.own(o, key) {
            Some(own) => Some(own),
            None => {
                if let Some(value) = self.intrinsic_value(o, key)? {
                    return Ok(value);
                }
                self.inherited(o, key)
            }
        };
        match found {
            Some(Own::Value(v)) => Ok(v),
            Some(Own::Throws(v)) => Err(Thrown::Value(v)),
            None => Ok(Val::Undefined),
        }
    }

    /// What the intrinsic prototype of `o` gives for `key`: an Error
    /// prototype's `name` and `message`, %RegExp.prototype%'s getters.
    fn intrinsic_value(&mut self, o: usize, key: &[u16]) -> Completion<Option<Val>> {
        let is = |name: &str| key.iter().copied().eq(name.encode_utf16());
        let string = |text: &str| Some(Val::String(JsString::from(text)));
        Ok(match &self.doc.objects[o].kind {
            Kind::Error { name, .. } if is("name") => string(native_error_name(*name)),
            Kind::Error { .. } if is("message") => string(""),
            Kind::RegExp { source, .. } if is("source") => Some(Val::String(JsString::from_code_units(
                escape_regexp_pattern(source),
            ))),
            Kind::RegExp { .. } if is("flags") => {
                // get RegExp.prototype.flags: reads each flag's property.
                let mut flags = String::new();
                for (letter, name) in FLAGS {
                    if to_boolean(&self.get_value(o, &units(name))?) {
                        flags.push(letter);
                    }
                }
                string(&flags)
            }
            Kind::RegExp { flags, .. } => FLAGS
                .iter()
                .find(|(_, name)| is(name))
                .map(|(letter, _)| Val::Bool(flags.code_units().contains(&(*letter as u16)))),
            _ => None,
        })
    }

    // ----- the built-ins -----

    /// Calls built-in `method` with `o` as this value.
    fn call(&mut self, method: Builtin, o: usize) -> Completion<Val> {
        let kind = &self.doc.objects[o].kind;
        let string = |text: String| Val::String(JsString::from(text.as_str()));
        Ok(match (method, kind) {
            (Builtin::ObjectToString, _) => string(format!("[object {}]", to_string_tag(kind))),
            (Builtin::ObjectValueOf, _) => Val::Ref(o),
            (Builtin::ArrayToString, _) => match self.get_method(o, "join")? {
                Method::Callable(join) => self.call(join, o)?,
                Method::NotCallable => self.call(Builtin::ObjectToString, o)?,
            },
            (Builtin::ArrayJoin, &Kind::Array { length }) => {
                Val::String(JsString::from_code_units(self.array_join(o, length)?))
            }
            (Builtin::TypedArrayJoin, _) => Val::String(JsString::from_code_units(self.typed_array_join(o)?)),
            (Builtin::ErrorToString, _) => Val::String(JsString::from_code_units(self.error_to_string(o)?)),
            (Builtin::RegExpToString, _) => Val::String(JsString::from_code_units(self.regexp_to_string(o)?)),
            (Builtin::DateToString, Kind::Date { time }) => string(to_date_string(*time)),
            (Builtin::DateValueOf, Kind::Date { time }) => Val::Number(*time),
            (Builtin::WrapperToString, Kind::Boolean(b)) => string(b.to_string()),
            (Builtin::WrapperToString, Kind::Number(n)) => string(number_to_string(*n)),
            (Builtin::WrapperToString | Builtin::WrapperValueOf, Kind::String(s)) => Val::String(s.clone()),
            (Builtin::WrapperToString, Kind::BigInt(b)) => string(b.as_decimal().to_owned()),
            (Builtin::WrapperValueOf, Kind::Boolean(b)) => Val::Bool(*b),
            (Builtin::WrapperValueOf, Kind::Number(n)) => Val::Number(*n),
            (Builtin::WrapperValueOf, Kind::BigInt(b)) => Val::BigInt(b.clone()),
            (Builtin::FunctionToString, _) => string("function () { [native code] }".to_owned()),
            (method, kind) => unreachable!("{method:?} is never inherited by {kind:?}"),
        })
    }

    /// `parts` concatenated, or the RangeError of a String too long.
    fn concat(&self, parts: &[&[u16]]) -> Completion<Vec<u16>> {
        if parts.iter().map(|p| p.len()).sum::<usize>() > self.max_string_length {
            return range_error();
        }
        Ok(parts.concat())
    }

    /// Array.prototype.join with the separator ",", as toString calls it:
    /// each index below `length` read with [[Get]] (own, else
    /// %Object.prototype%'s; %Array.prototype% has no elements), undefined
    /// and null as the empty String.
    ///
    /// <https://tc39.es/ecma262/#sec-array.prototype.join>
    fn array_join(&mut self, o: usize, length: u32) -> Completion<Vec<u16>> {
        if self.joining.contains(&o) {
            return Ok(Vec::new()); // a cycle: V8's empty String
        }
        self.joining.push(o);
        let result = self.join_elements(o, length);
        self.joining.pop();
        result
    }

    fn join_elements(&mut self, o: usize, length: u32) -> Completion<Vec<u16>> {
        // Only the indices some object holds can give more than "": read
        // those in order, counting the separators before each.
        let indices_of = |i: usize| -> Vec<u32> {
            self.doc.objects[i]
                .props
                .iter()
                .filter_map(|p| match &p.key {
                    Key::String(k) => array_index(k.code_units()).filter(|&n| n < length),
                    Key::Symbol(_) => None,
                })
                .collect()
        };
        let mut present = indices_of(o);
        if let Some(p) = self.object_prototype {
            present.extend(indices_of(p));
        }
        present.sort_unstable();
        present.dedup();
        let max = self.max_string_length;
        let mut out: Vec<u16> = Vec::new();
        let mut separators: u64 = 0; // appended so far: the index last reached
        for index in present {
            // R = R + "," once per index passed; the first one too long throws.
            let needed = u64::from(index) - separators;
            if out.len() as u64 + needed > max as u64 {
                return range_error();
            }
            out.extend(std::iter::repeat_n(u16::from(b','), needed as usize));
            separators = u64::from(index);
            let element = self.get_value(o, &units(&index.to_string()))?;
            if matches!(element, Val::Undefined | Val::Null) {
                continue;
            }
            let text = self.convert(&element)?;
            out = self.concat(&[&out, &text])?;
        }
        let trailing = u64::from(length.saturating_sub(1)) - separators;
        if out.len() as u64 + trailing > max as u64 {
            return range_error();
        }
        out.extend(std::iter::repeat_n(u16::from(b','), trailing as usize));
        Ok(out)
    }

    /// %TypedArray%.prototype.join with ",": ValidateTypedArray (out of
    /// bounds, detached included, throws a TypeError), then each element's
    /// Number::toString or BigInt::toString.
    ///
    /// <https://tc39.es/ecma262/#sec-%typedarray%.prototype.join>
    fn typed_array_join(&mut self, o: usize) -> Completion<Vec<u16>> {
        let Some(elements) = View::of(self.doc, o).and_then(|v| v.elements(self.doc)) else {
            return type_error();
        };
        let mut out = Vec::new();
        for (n, element) in elements.iter().enumerate() {
            let text = match element {
                Element::Number(x) => units(&number_to_string(*x)),
                Element::BigInt(b) => units(b.as_decimal()),
            };
            let separator: &[u16] = if n == 0 { &[] } else { &[b',' as u16] };
            out = self.concat(&[&out, separator, &text])?;
        }
        Ok(out)
    }

    /// Error.prototype.toString: `name` (default "Error") and `message`
    /// (default ""), joined by ": " when both are non-empty.
    ///
    /// <https://tc39.es/ecma262/#sec-error.prototype.tostring>
    fn error_to_string(&mut self, o: usize) -> Completion<Vec<u16>> {
        let name = match self.get_value(o, &units("name"))? {
            Val::Undefined => units("Error"),
            other => self.convert(&other)?,
        };
        let message = match self.get_value(o, &units("message"))? {
            Val::Undefined => Vec::new(),
            other => self.convert(&other)?,
        };
        if name.is_empty() {
            return Ok(message);
        }
        if message.is_empty() {
            return Ok(name);
        }
        self.concat(&[&name, &units(": "), &message])
    }

    /// RegExp.prototype.toString: "/" source "/" flags, each read with [[Get]].
    ///
    /// <https://tc39.es/ecma262/#sec-regexp.prototype.tostring>
    fn regexp_to_string(&mut self, o: usize) -> Completion<Vec<u16>> {
        let source = self.get_value(o, &units("source"))?;
        let source = self.convert(&source)?;
        let flags = self.get_value(o, &units("flags"))?;
        let flags = self.convert(&flags)?;
        let slash = units("/");
        self.concat(&[&slash, &source, &slash, &flags])
    }
}

/// The method `name` an object of `kind` inherits from its intrinsic
/// prototype (before %Object.prototype%), if that prototype has one.
fn intrinsic_method(kind: &Kind, name: &str) -> Option<Builtin> {
    let typed_array = matches!(kind, Kind::View { kind, .. } if *kind != ViewKind::DataView);
    let wrapper = matches!(
        kind,
        Kind::Boolean(_) | Kind::Number(_) | Kind::String(_) | Kind::BigInt(_)
    );
    Some(match (kind, name) {
        (Kind::Array { .. }, "toString") => Builtin::ArrayToString,
        (Kind::Array { .. }, "join") => Builtin::ArrayJoin,
        (_, "toString") if typed_array => Builtin::ArrayToString,
        (_, "join") if typed_array => Builtin::TypedArrayJoin,
        (Kind::Error { .. }, "toString") => Builtin::ErrorToString,
        (Kind::RegExp { .. }, "toString") => Builtin::RegExpToString,
        (Kind::Date { .. }, "toString") => Builtin::DateToString,
        (Kind::Date { .. }, "valueOf") => Builtin::DateValueOf,
        (_, "toString") if wrapper => Builtin::WrapperToString,
        (_, "valueOf") if wrapper => Builtin::WrapperValueOf,
        (Kind::Function, "toString") => Builtin::FunctionToString,
        _ => return None,
    })
}

/// Object.prototype.toString's tag: @@toStringTag where the intrinsic
/// prototype (or, for a platform object, Web IDL's class string) gives one,
/// else the built-in tag of the object's internal slots.
///
/// <https://tc39.es/ecma262/#sec-object.prototype.tostring>
fn to_string_tag(kind: &Kind) -> &str {
    match kind {
        Kind::Map { .. } => "Map",
        Kind::Set { .. } => "Set",
        Kind::WeakMap => "WeakMap",
        Kind::WeakSet => "WeakSet",
        Kind::WeakRef => "WeakRef",
        Kind::Promise => "Promise",
        Kind::SymbolObject => "Symbol",
        Kind::BigInt(_) => "BigInt",
        Kind::ArrayBuffer(buffer) if buffer.shared => "SharedArrayBuffer",
        Kind::ArrayBuffer(_) => "ArrayBuffer",
        Kind::View { kind, .. } => constructor_name(*kind),
        Kind::Platform { interface, .. } => interface,
        // The built-in tags.
        Kind::Array { .. } => "Array",
        Kind::Function => "Function",
        Kind::Error { .. } => "Error",
        Kind::Boolean(_) => "Boolean",
        Kind::Number(_) => "Number",
        Kind::String(_) => "String",
        Kind::Date { .. } => "Date",
        Kind::RegExp { .. } => "RegExp",
        // A Proxy of the notation has no target that is an Array or callable.
        Kind::Object | Kind::ObjectPrototype | Kind::Proxy => "Object",
    }
}

/// ToBoolean.
fn to_boolean(value: &Val) -> bool {
    match value {
        Val::Undefined | Val::Null => false,
        Val::Bool(b) => *b,
        Val::Number(n) => !(n.is_nan() || *n == 0.0),
        Val::BigInt(b) => b.as_decimal() != "0",
        Val::String(s) => !s.is_empty(),
        Val::Symbol(_) | Val::Ref(_) => true,
    }
}

/// EscapeRegExpPattern as V8 does it: the empty pattern is `(?:)`; a `/`
/// that is neither escaped nor in a class gets a backslash; line
/// terminators are written as escapes (after a backslash, without another).
///
/// <https://tc39.es/ecma262/#sec-escaperegexppattern>
fn escape_regexp_pattern(source: &JsString) -> Vec<u16> {
    if source.is_empty() {
        return units("(?:)");
    }
    let mut out = Vec::new();
    let (mut after_backslash, mut in_class) = (false, false);
    for &unit in source.code_units() {
        let escape = match unit {
            0x0A => Some("n"),
            0x0D => Some("r"),
            0x2028 => Some("u2028"),
            0x2029 => Some("u2029"),
            _ => None,
        };
        match escape {
            Some(letters) => {
                if !after_backslash {
                    out.push(u16::from(b'\\'));
                }
                out.extend(letters.encode_utf16());
            }
            None => {
                if unit == u16::from(b'/') && !after_backslash && !in_class {
                    out.push(u16::from(b'\\'));
                }
                out.push(unit);
            }
        }
        if !after_backslash {
            if unit == u16::from(b'[') {
                in_class = true;
            } else if unit == u16::from(b']') {
                in_class = false;
            }
        }
        after_backslash = !after_backslash && unit == u16::from(b'\\');
    }
    out
}
