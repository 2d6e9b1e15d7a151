//! ToString for the built-in heap, and the exceptions the heap throws.
//!
//! The heap runs no script, so an object converts through OrdinaryToPrimitive
//! with the built-in `toString` and `valueOf` of its kind. A callable found
//! in an own `toString` or `valueOf` property is taken to behave as the
//! built-in it shadows (the heap cannot run it); a getter there still runs
//! and may throw, and a non-callable value is skipped as the standard says.
//!
//! Bounds. Each object is converted once per conversion and its text kept as
//! a rope (`text.rs` says how, and what that means inside cycles), so the
//! work of ToString is linear in the objects and properties it reaches plus
//! the length of the String it returns; [`Heap::to_string_count`] counts it.
//! A String longer than [`Heap::MAX_STRING_LENGTH`] (or the lower limit
//! [`Heap::set_max_string_length`] sets) is refused with a RangeError as soon
//! as its length is known, before it is written.
//! Conversions nest at most [`MAX_CONVERSION_DEPTH`] deep, then throw a
//! RangeError, as engines throw one when their stack runs out. An Error
//! whose `name` is itself would recurse until then; such a cycle (an object
//! met again inside its own conversion with no Array's join begun since) is
//! seen when it closes, and the same RangeError thrown there.

use super::text::{Builder, Part, Texts};
use super::{Heap, ObjectId, ObjectKind, OwnProperty};
use crate::ecmascript::{
    ErrorPrototype, Exception, JsString, PropertyKey, Value, ViewKind, number_to_string,
};
use rustc_hash::FxHashMap;

/// The key for one of the few names the conversions look up on every object
/// they reach (`toString`, `valueOf`, `join`, an Error's `name` and
/// `message`, a RegExp's `source` and `flags`). Each is made once per thread
/// and handed out as a shared String: `PropertyKey::from` encoded and
/// allocated it again for every object, a third of the time of converting a
/// long Array.
pub(super) fn name_key(name: &'static str) -> PropertyKey {
    thread_local! {
        static KEYS: std::cell::RefCell<Vec<(&'static str, PropertyKey)>> =
            const { std::cell::RefCell::new(Vec::new()) };
    }
    KEYS.with_borrow_mut(|keys| {
        if let Some((_, key)) = keys.iter().find(|(n, _)| *n == name) {
            return key.clone();
        }
        let key = PropertyKey::from(name);
        keys.push((name, key.clone()));
        key
    })
}

/// How deeply conversions may nest (an Array holding an Array, an Error whose
/// `name` is an Error, ...) before the heap throws the RangeError an engine
/// throws when its stack runs out.
const MAX_CONVERSION_DEPTH: usize = 1000;

/// One outermost ToString under way.
struct Conversion {
    /// The texts made so far (and those kept from earlier conversions).
    texts: Texts,
    /// The objects being converted, outermost first, each with whether its
    /// text so far is independent of the conversions around it.
    frames: Vec<Frame>,
    /// The frame index of each running `join`, innermost last (each such
    /// frame is marked `joining`).
    join_frames: Vec<usize>,
    /// Each object being converted, with the index of its innermost frame.
    converting: FxHashMap<ObjectId, usize>,
}

struct Frame {
    kept: bool,
    /// The object is an Array or typed array whose `join` is running: a
    /// cycle back into it joins to the empty String.
    joining: bool,
    object: ObjectId,
    /// The object's frame further out, if it was already being converted.
    outer: Option<usize>,
}

impl Conversion {
    fn new(texts: Texts) -> Conversion {
        Conversion {
            texts,
            frames: Vec::new(),
            join_frames: Vec::new(),
            converting: FxHashMap::default(),
        }
    }

    fn push_frame(&mut self, object: ObjectId) {
        let outer = self.converting.insert(object, self.frames.len());
        self.frames.push(Frame {
            kept: true,
            joining: false,
            object,
            outer,
        });
    }

    /// Whether `o`'s own conversion is under way with no `join` begun since:
    /// converting it now would take the same steps again, and again, so the
    /// nesting would only end at [`MAX_CONVERSION_DEPTH`].
    fn recurs_forever(&self, o: ObjectId) -> bool {
        self.converting
            .get(&o)
            .is_some_and(|&frame| self.join_frames.last().is_none_or(|&join| join < frame))
    }

    /// Whether `o`'s `join` is running. A join begins in its object's
    /// innermost frame, and while it runs the object gets no newer frame (it
    /// joins to the empty String instead), so that frame is the one to ask.
    fn is_joining(&self, o: ObjectId) -> bool {
        self.converting
            .get(&o)
            .is_some_and(|&frame| self.frames[frame].joining)
    }

    /// Marks the innermost frame (its object's conversion, which is calling
    /// the built-in `join`) as joining, until [`Conversion::end_join`].
    fn begin_join(&mut self, o: ObjectId) {
        debug_assert_eq!(self.frames.last().map(|f| f.object), Some(o));
        if let Some(frame) = self.frames.last_mut() {
            frame.joining = true;
        }
        self.join_frames.push(self.frames.len().saturating_sub(1));
    }

    fn end_join(&mut self) {
        if let Some(frame) = self.join_frames.pop().and_then(|f| self.frames.get_mut(f)) {
            frame.joining = false;
        }
    }

    fn pop_frame(&mut self) -> Option<Frame> {
        let frame = self.frames.pop()?;
        match frame.outer {
            Some(outer) => self.converting.insert(frame.object, outer),
            None => self.converting.remove(&frame.object),
        };
        Some(frame)
    }

    /// The text being made depends on what is being converted around it
    /// (a cycle was cut, or shared memory was read): it holds only for this
    /// conversion.
    fn not_kept(&mut self) {
        if let Some(frame) = self.frames.last_mut() {
            frame.kept = false;
        }
    }
}

type Completion<T> = Result<T, Exception<ObjectId>>;

impl Heap {
    /// Longest String ToString may build, in code units; longer results throw
    /// a RangeError ("Invalid string length") before anything is written.
    /// ECMAScript lets an implementation choose any limit up to 2^53 - 1;
    /// engines choose 2^29 - 24 (V8) or 2^30 - 2 (SpiderMonkey). The heap's
    /// is lower, 2^24 (16,777,216 code units, 32 MiB), so that no single
    /// conversion of a small hostile input (a sparse Array of length
    /// 2^32 - 1, a DAG of Arrays that doubles its text at every level) can
    /// take more than tens of milliseconds and tens of megabytes.
    pub const MAX_STRING_LENGTH: usize = 1 << 24;

    /// Lowers (or restores) the longest String ToString may build, within
    /// [`Heap::MAX_STRING_LENGTH`], as a realm with a smaller limit would
    /// have. Fuzzers use it so that an input's conversions write kilobytes,
    /// not megabytes. Texts kept from earlier conversions are dropped.
    pub fn set_max_string_length(&mut self, units: usize) {
        self.max_string_length = units.min(Heap::MAX_STRING_LENGTH);
        self.generation = self.generation.wrapping_add(1);
    }

    /// How many times this heap has applied ToString to a value, nested
    /// applications included (an Array's elements, an Error's `name` and
    /// `message`, a memoised object counting once per occurrence). The work
    /// of a conversion is proportional to this count plus the length of the
    /// String it returns; tests and fuzzers assert that it stays linear in
    /// the size of the graph converted.
    pub fn to_string_count(&self) -> u64 {
        self.to_string_count
    }

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
        self.define_property(error, name_key("message"), message);
        error
    }

    /// A throw completion carrying a new Error object of this kind.
    pub(super) fn throw<T>(&mut self, prototype: ErrorPrototype, message: &str) -> Completion<T> {
        Err(Exception(Value::Object(self.create_error(prototype, message))))
    }

    /// ToString(argument).
    ///
    /// <https://tc39.es/ecma262/#sec-tostring>
    ///
    /// # Errors
    ///
    /// A TypeError for a Symbol; a RangeError when the text would pass
    /// [`Heap::set_max_string_length`]; what a getter read on the way throws.
    pub fn to_js_string(&mut self, value: &Value<ObjectId>) -> Completion<JsString> {
        // ToString of a String is that String: no conversion to set up (it
        // still counts as one application).
        if let Value::String(s) = value {
            self.to_string_count += 1;
            return Ok(s.clone());
        }
        let generation = self.generation;
        let mut cx = Conversion::new(std::mem::take(&mut self.texts));
        cx.texts.begin(generation);
        let result = self.convert(value, &mut cx).map(|part| cx.texts.flatten(part));
        cx.texts.end();
        // A throw makes a new Error object, which changes the heap: the kept
        // texts are then dropped with the conversion.
        if self.generation == generation {
            self.texts = cx.texts;
        }
        result
    }

    /// ToString of a value met during a conversion.
    fn convert(&mut self, value: &Value<ObjectId>, cx: &mut Conversion) -> Completion<Part> {
        self.to_string_count += 1;
        let units = |text: &str| Part::Units(text.encode_utf16().collect());
        Ok(match value {
            Value::Undefined => units("undefined"),
            Value::Null => units("null"),
            Value::Boolean(b) => units(if *b { "true" } else { "false" }),
            Value::Number(n) => units(&number_to_string(*n)),
            Value::BigInt(b) => units(b.as_decimal()),
            Value::String(s) if s.is_empty() => Part::Empty,
            Value::String(s) => Part::Units(s.code_units().to_vec()),
            Value::Symbol(_) => {
                return self.throw(
                    ErrorPrototype::TypeError,
                    "Cannot convert a Symbol value to a string",
                );
            }
            Value::Object(o) => return self.object_text(*o, cx),
        })
    }

    /// ToString of an object: its text from earlier in this conversion (or
    /// from an earlier one, if it is kept), or converted now.
    fn object_text(&mut self, o: ObjectId, cx: &mut Conversion) -> Completion<Part> {
        if let Some((part, kept)) = cx.texts.memo(o) {
            if !kept {
                cx.not_kept();
            }
            return Ok(part);
        }
        // An Array met again while it is being joined joins to the empty
        // String, as V8 and other engines do (the standard itself would
        // recurse until the stack ran out). That "" is no text of the Array,
        // so it is not remembered. Engines reach this point through the
        // Array's `toString` and `join`; reading them again here would give
        // what they gave when its join began, as the heap runs no script.
        if cx.is_joining(o) {
            cx.not_kept();
            return Ok(Part::Empty);
        }
        // An Error or RegExp met again inside its own conversion, with no
        // Array's join begun since (which would cut the cycle the second time
        // round): the heap runs no script and nothing on the way has thrown,
        // so each round would read and convert the same things and reach it
        // again, until the depth limit. Its RangeError is thrown at once.
        if cx.frames.len() >= MAX_CONVERSION_DEPTH || cx.recurs_forever(o) {
            return self.throw(ErrorPrototype::RangeError, "Maximum call stack size exceeded");
        }
        cx.push_frame(o);
        let text = stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.object_to_string(o, cx));
        let kept = cx.pop_frame().is_some_and(|frame| frame.kept);
        let text = text?;
        if text.len() > self.max_string_length {
            return self.throw(ErrorPrototype::RangeError, "Invalid string length");
        }
        if !kept {
            cx.not_kept();
        }
        Ok(cx.texts.remember(o, text, kept))
    }

    /// ToPrimitive(O, string) then ToString of the result.
    fn object_to_string(&mut self, o: ObjectId, cx: &mut Conversion) -> Completion<Builder> {
        // %Symbol.prototype%[@@toPrimitive] hands back the Symbol, which
        // ToString then refuses.
        if let Some(ObjectKind::SymbolObject(symbol)) = self.get_object(o).map(|h| &h.kind) {
            let symbol = Value::Symbol(symbol.clone());
            return self.convert(&symbol, cx).map(builder_of);
        }
        // OrdinaryToPrimitive(O, string): toString, then valueOf.
        for method in ["toString", "valueOf"] {
            let key = name_key(method);
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
            if method == "toString" {
                return self.builtin_to_string(o, cx);
            }
            if let Some(primitive) = self.builtin_value_of(o) {
                return self.convert(&primitive, cx).map(builder_of);
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

    /// The `toString` the object inherits, applied to it: the text of the
    /// primitive it returns.
    fn builtin_to_string(&mut self, o: ObjectId, cx: &mut Conversion) -> Completion<Builder> {
        let Some(object) = self.get_object(o) else {
            return Ok(builder_of(units("[object Object]")));
        };
        let text = match &object.kind {
            // Array.prototype.toString (which typed arrays share): call the
            // object's `join` if it is callable, else Object.prototype.toString.
            kind @ (ObjectKind::Array { .. } | ObjectKind::View { .. })
                if !matches!(
                    kind,
                    ObjectKind::View {
                        kind: ViewKind::DataView,
                        ..
                    }
                ) =>
            {
                let tag = to_string_tag(kind).to_owned();
                // Not an own `join`: the intrinsic prototype's, the built-in.
                let own_join = self.own_property(o, &name_key("join")).is_some();
                let join = if own_join {
                    self.get_property(o, &name_key("join"))?
                } else {
                    Value::Undefined
                };
                if own_join && !matches!(&join, Value::Object(f) if self.is_function(*f)) {
                    units(&format!("[object {tag}]"))
                } else {
                    // The heap runs no script: a callable `join` is the builtin.
                    return self.builtin_join(o, cx);
                }
            }
            ObjectKind::Error { .. } => return self.error_to_string(o, cx),
            ObjectKind::RegExp { .. } => return self.regexp_to_string(o, cx),
            // The wrappers' toString gives their primitive's text.
            ObjectKind::BooleanWrapper(b) => units(if *b { "true" } else { "false" }),
            ObjectKind::NumberWrapper(n) => units(&number_to_string(*n)),
            ObjectKind::BigIntWrapper(b) => units(b.as_decimal()),
            ObjectKind::StringWrapper(s) => Part::Units(s.code_units().to_vec()),
            ObjectKind::Date(t) => units(&super::date::date_to_string(*t)),
            ObjectKind::Function => units("function () { [native code] }"),
            // Object.prototype.toString: the builtin tag, or @@toStringTag of
            // the intrinsic prototype (Web IDL's class string for platform objects).
            kind => units(&format!("[object {}]", to_string_tag(kind))),
        };
        Ok(builder_of(text))
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

    /// Error.prototype.toString: "name: message", without the ": " when
    /// either part is empty; `name` defaults to "Error" and `message` to "".
    fn error_to_string(&mut self, o: ObjectId, cx: &mut Conversion) -> Completion<Builder> {
        let name = match self.get_property(o, &name_key("name"))? {
            Value::Undefined => units("Error"),
            other => self.convert(&other, cx)?,
        };
        let message = match self.get_property(o, &name_key("message"))? {
            Value::Undefined => Part::Empty,
            other => self.convert(&other, cx)?,
        };
        if name.is_empty() {
            return Ok(builder_of(message));
        }
        if message.is_empty() {
            return Ok(builder_of(name));
        }
        let mut out = builder_of(name);
        out.push_units(&[0x3A, 0x20]);
        out.push(message);
        Ok(out)
    }

    /// RegExp.prototype.toString: "/" source "/" flags, both read with Get.
    fn regexp_to_string(&mut self, o: ObjectId, cx: &mut Conversion) -> Completion<Builder> {
        let source = self.get_property(o, &name_key("source"))?;
        let source = self.convert(&source, cx)?;
        let flags = self.get_property(o, &name_key("flags"))?;
        let flags = self.convert(&flags, cx)?;
        let slash: &[u16] = &[u16::from(b'/')];
        let mut out = Builder::default();
        out.push_units(slash);
        out.push(source);
        out.push_units(slash);
        out.push(flags);
        Ok(out)
    }
}

fn units(text: &str) -> Part {
    Part::Units(text.encode_utf16().collect())
}

fn builder_of(part: Part) -> Builder {
    let mut out = Builder::default();
    out.push(part);
    out
}

/// Whether the intrinsic prototype between an object of this kind and
/// %Object.prototype% has a method `name` of its own (`toString` or
/// `valueOf`), which then shadows %Object.prototype%'s.
fn intrinsic_prototype_has(kind: &ObjectKind, name: &str) -> bool {
    let typed_array = matches!(kind, ObjectKind::View { kind, .. } if *kind != ViewKind::DataView);
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
        ObjectKind::ArrayBuffer(state) => match **state {
            super::ArrayBufferState::Owned { .. } => "ArrayBuffer",
            super::ArrayBufferState::Shared { .. } => "SharedArrayBuffer",
        },
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

mod join;
#[cfg(test)]
mod tests;
