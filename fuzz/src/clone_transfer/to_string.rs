//! ToString as the built-in heap documents it, worked out from the heap's
//! raw data for the oracle, independently of the library's conversion code.
//!
//! The rules (the heap runs no script): OrdinaryToPrimitive with the
//! built-in `toString`/`valueOf` of each kind, own `toString`/`valueOf`
//! that are not functions skipped, getters returning or throwing fixed
//! values; Array.prototype.join with ","; an Array met again while it is
//! being joined gives "" (the engines' cycle rule); an Error or RegExp met
//! again is converted again, up to 1000 nested conversions, then a
//! RangeError; within one conversion an object keeps the first text it got
//! (the "" of a cut cycle is not one);
//! an object met again inside its own conversion with no join begun since
//! gives that RangeError at once (nothing on the way threw, so every round
//! would repeat the first until the limit);
//! a text longer than 2^24 code units throws a RangeError.
//!
//! This model converts afresh on every call (the library keeps texts that
//! depend on no cycle between calls; if that ever changed a result, the
//! fuzzer sees it). Texts it does not spell out (Dates, typed arrays, a
//! RegExp's built-in `source`) are open, with bounds on their length, and
//! texts longer than [`EXACT_UP_TO`] are compared by length only.
//!
//! When such an open text may or may not pass the limit, the model cannot
//! tell whether the heap throws its RangeError there. It assumes the text
//! fits (its upper bound drops to the limit) and goes on, so that what comes
//! after (a getter that throws, another object to serialize) is still
//! predicted; [`Converted::straddled`] says so, and a new RangeError at that
//! point is then the other outcome the target accepts.

use super::input::is_array_index;
use super::oracle::{Thrown, get, own};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use webmessaging::ecmascript::{
    ArrayBufferState, ErrorPrototype, Heap, JsString, ObjectId, ObjectKind, OwnProperty, PropertyKey,
    RegExpSlots, Value, ViewKind,
};

/// The longest String the fuzzed realms build: they lower the heap's limit
/// (`Heap::set_max_string_length`) so that an input's conversions write
/// kilobytes; at the heap's own 2^24 a DAG of a few Arrays wrote 32 MB per
/// execution and the fuzzer ran at a few dozen a second.
pub const MAX_LENGTH: usize = 1 << 16;
/// The heap's documented nesting limit, restated.
const MAX_DEPTH: usize = 1000;
/// Texts up to this long are kept exactly.
const EXACT_UP_TO: usize = 1 << 16;

/// A text: its code units when known, and bounds on its length.
#[derive(Clone, Debug)]
pub struct Text {
    pub units: Option<Vec<u16>>,
    pub min: usize,
    pub max: usize,
}

impl Text {
    fn exact(units: Vec<u16>) -> Text {
        let len = units.len();
        Text {
            units: (len <= EXACT_UP_TO).then_some(units),
            min: len,
            max: len,
        }
    }

    fn of(text: &str) -> Text {
        Text::exact(text.encode_utf16().collect())
    }

    fn empty() -> Text {
        Text::exact(Vec::new())
    }

    fn open(min: usize, max: usize) -> Text {
        Text {
            units: None,
            min,
            max,
        }
    }

    fn concat(parts: &[&Text]) -> Text {
        let min = parts.iter().fold(0usize, |n, p| n.saturating_add(p.min));
        let max = parts.iter().fold(0usize, |n, p| n.saturating_add(p.max));
        let units = if max <= EXACT_UP_TO {
            parts
                .iter()
                .map(|p| p.units.as_deref())
                .collect::<Option<Vec<_>>>()
                .map(|all| all.concat())
        } else {
            None
        };
        Text { units, min, max }
    }

    /// `concat(&[self, other])` in place: a join appends element after
    /// element, and copying the text so far for each would be quadratic.
    fn append(&mut self, other: &Text) {
        self.min = self.min.saturating_add(other.min);
        self.max = self.max.saturating_add(other.max);
        self.units = match (self.units.take(), &other.units) {
            (Some(mut units), Some(more)) if self.max <= EXACT_UP_TO => {
                units.extend_from_slice(more);
                Some(units)
            }
            _ => None,
        };
    }

    /// Whether this text is known to be empty / known to be non-empty.
    fn surely_empty(&self) -> bool {
        self.max == 0
    }
    fn surely_filled(&self) -> bool {
        self.min > 0
    }

    /// The String, if this text is exact.
    pub fn string(&self) -> Option<JsString> {
        self.units.clone().map(JsString::from_code_units)
    }
}

/// What a conversion gives, under the assumption that every open text
/// fitted the limit.
#[derive(Debug)]
pub struct Converted {
    pub result: Result<Text, Thrown>,
    /// Whether an open text might have passed the limit somewhere (and the
    /// model assumed it did not): the heap may throw a new RangeError there
    /// instead of giving `result`.
    pub straddled: bool,
}

/// ToString of `value` in `heap`, as a fresh outermost conversion.
pub fn to_string(heap: &Heap, value: &Value<ObjectId>) -> Converted {
    let mut conversion = Conversion {
        heap,
        memo: HashMap::default(),
        joining: HashSet::default(),
        join_depths: Vec::new(),
        converting: HashMap::default(),
        depth: 0,
        straddled: false,
    };
    let result = conversion.value(value);
    Converted {
        result,
        straddled: conversion.straddled,
    }
}

struct Conversion<'h> {
    heap: &'h Heap,
    memo: HashMap<ObjectId, Text>,
    joining: HashSet<ObjectId>,
    /// The depth of each join under way, innermost last.
    join_depths: Vec<usize>,
    /// The objects under conversion, each with its innermost depth.
    converting: HashMap<ObjectId, usize>,
    depth: usize,
    straddled: bool,
}

fn range_error() -> Thrown {
    Thrown::NewError(ErrorPrototype::RangeError)
}

impl Conversion<'_> {
    /// The heap's length check on `text`: a RangeError when it surely
    /// passes the limit; when it only may, the assumption that it fits.
    fn check_length(&mut self, text: &mut Text) -> Result<(), Thrown> {
        if text.min > MAX_LENGTH {
            return Err(range_error());
        }
        if text.max > MAX_LENGTH {
            self.straddled = true;
            text.max = MAX_LENGTH;
        }
        Ok(())
    }

    fn value(&mut self, value: &Value<ObjectId>) -> Result<Text, Thrown> {
        Ok(match value {
            Value::Undefined => Text::of("undefined"),
            Value::Null => Text::of("null"),
            Value::Boolean(b) => Text::of(if *b { "true" } else { "false" }),
            Value::Number(n) => Text::of(&number_text(*n)),
            Value::BigInt(b) => Text::of(b.as_decimal()),
            Value::String(s) => Text::exact(s.code_units().to_vec()),
            Value::Symbol(_) => return Err(Thrown::NewError(ErrorPrototype::TypeError)),
            Value::Object(o) => return self.object(*o),
        })
    }

    fn object(&mut self, o: ObjectId) -> Result<Text, Thrown> {
        if let Some(text) = self.memo.get(&o) {
            return Ok(text.clone());
        }
        // Met again while it is being joined: "", which is no text of it
        // (nothing is remembered).
        if self.joining.contains(&o) {
            return Ok(Text::empty());
        }
        let again = self.converting.get(&o).copied();
        let cycle = again.is_some_and(|at| self.join_depths.last().is_none_or(|&join| join < at));
        if self.depth >= MAX_DEPTH || cycle {
            return Err(range_error());
        }
        self.converting.insert(o, self.depth);
        self.depth += 1;
        let text = stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.primitive_text(o));
        self.depth -= 1;
        match again {
            Some(at) => self.converting.insert(o, at),
            None => self.converting.remove(&o),
        };
        let mut text = text?;
        self.check_length(&mut text)?;
        self.memo.entry(o).or_insert_with(|| text.clone());
        Ok(text)
    }

    fn primitive_text(&mut self, o: ObjectId) -> Result<Text, Thrown> {
        let heap = self.heap;
        if let ObjectKind::SymbolObject(_) = heap.object(o).kind() {
            return Err(Thrown::NewError(ErrorPrototype::TypeError));
        }
        for method in ["toString", "valueOf"] {
            if let Some(property) = own(heap, o, method) {
                let found = get(&property)?;
                let callable = matches!(found, Value::Object(f) if matches!(heap.object(f).kind(), ObjectKind::Function));
                if !callable {
                    continue;
                }
            }
            if method == "toString" {
                return self.builtin_to_string(o);
            }
            let primitive = match heap.object(o).kind() {
                ObjectKind::BooleanWrapper(b) => Value::Boolean(*b),
                ObjectKind::NumberWrapper(n) => Value::Number(*n),
                ObjectKind::BigIntWrapper(b) => Value::BigInt(b.clone()),
                ObjectKind::StringWrapper(s) => Value::String(s.clone()),
                ObjectKind::Date(t) => Value::Number(*t),
                _ => continue,
            };
            return self.value(&primitive);
        }
        Err(Thrown::NewError(ErrorPrototype::TypeError))
    }

    fn builtin_to_string(&mut self, o: ObjectId) -> Result<Text, Thrown> {
        let heap = self.heap;
        let kind = heap.object(o).kind();
        let joins = match kind {
            ObjectKind::Array { .. } => true,
            ObjectKind::View { kind, .. } => *kind != ViewKind::DataView,
            _ => false,
        };
        if joins {
            // `join` is read (a getter may throw); one that is not a function
            // sends toString to Object.prototype.toString.
            if let Some(property) = own(heap, o, "join") {
                let join = get(&property)?;
                if !matches!(join, Value::Object(f) if matches!(heap.object(f).kind(), ObjectKind::Function))
                {
                    return Ok(Text::of(&format!("[object {}]", tag(kind))));
                }
            }
            self.joining.insert(o);
            // The depth the Array's own conversion began at.
            self.join_depths.push(self.depth.saturating_sub(1));
            let joined = match kind {
                ObjectKind::Array { length } => self.array_join(o, *length as usize),
                _ => typed_array_join(heap, o),
            };
            self.join_depths.pop();
            self.joining.remove(&o);
            return joined;
        }
        Ok(match kind {
            ObjectKind::Error { prototype, .. } => return self.error_to_string(o, *prototype),
            ObjectKind::RegExp(slots) => {
                let RegExpSlots { source, flags } = &**slots;
                let source = match own(heap, o, "source") {
                    Some(property) => self.value(&get(&property)?)?,
                    // EscapeRegExpPattern: each unit at most six ("\u2028"),
                    // "(?:)" for an empty source.
                    None if source.is_empty() => Text::of("(?:)"),
                    None => Text::open(source.len(), 6 * source.len()),
                };
                let flags = match own(heap, o, "flags") {
                    Some(property) => self.value(&get(&property)?)?,
                    None => Text::exact(
                        "dgimsuvy"
                            .encode_utf16()
                            .filter(|f| flags.code_units().contains(f))
                            .collect(),
                    ),
                };
                let slash = Text::of("/");
                Text::concat(&[&slash, &source, &slash, &flags])
            }
            ObjectKind::BooleanWrapper(b) => Text::of(if *b { "true" } else { "false" }),
            ObjectKind::NumberWrapper(n) => Text::of(&number_text(*n)),
            ObjectKind::BigIntWrapper(b) => Text::of(b.as_decimal()),
            ObjectKind::StringWrapper(s) => Text::exact(s.code_units().to_vec()),
            // "Invalid Date", or the date and time with the zone's name.
            ObjectKind::Date(t) if t.is_nan() => Text::of("Invalid Date"),
            ObjectKind::Date(_) => Text::open(40, 80),
            ObjectKind::Function => Text::of("function () { [native code] }"),
            other => Text::of(&format!("[object {}]", tag(other))),
        })
    }

    fn array_join(&mut self, o: ObjectId, length: usize) -> Result<Text, Thrown> {
        // The fuzzer's %Object.prototype% has no properties: holes are empty.
        let mut present: Vec<(usize, OwnProperty)> = self
            .heap
            .object(o)
            .properties()
            .to_vec()
            .iter()
            .filter_map(|(key, p)| match key {
                PropertyKey::String(s) => Some((is_array_index(s)? as usize, p.clone())),
                PropertyKey::Symbol(_) => None,
            })
            .filter(|(index, _)| *index < length)
            .collect();
        present.sort_by_key(|(index, _)| *index);
        let mut out = Text::empty();
        let mut written = 0;
        for (index, property) in present {
            // join's order: the separator before index k is appended, then
            // element k is read and converted. A length (up to 2^32 - 1)
            // whose commas alone pass the limit therefore throws only once
            // they do, after the getters of the elements before.
            self.append_commas(&mut out, index - written)?;
            written = index;
            let element = get(&property)?;
            if matches!(element, Value::Undefined | Value::Null) {
                continue;
            }
            let text = self.value(&element)?;
            out.append(&text);
            self.check_length(&mut out)?;
        }
        self.append_commas(&mut out, length.saturating_sub(1) - written)?;
        Ok(out)
    }

    /// Appends `count` separators, with the heap's length check (a run too
    /// long for the limit is never spelled out).
    fn append_commas(&mut self, out: &mut Text, count: usize) -> Result<(), Thrown> {
        if out.min.saturating_add(count) > MAX_LENGTH {
            return Err(range_error());
        }
        out.append(&Text::exact(vec![u16::from(b','); count]));
        self.check_length(out)
    }

    fn error_to_string(&mut self, o: ObjectId, prototype: ErrorPrototype) -> Result<Text, Thrown> {
        let name = match own(self.heap, o, "name") {
            Some(property) => get(&property)?,
            None => Value::from(prototype.name()),
        };
        let name = match name {
            Value::Undefined => Text::of("Error"),
            other => self.value(&other)?,
        };
        let message = match own(self.heap, o, "message") {
            Some(property) => get(&property)?,
            None => Value::from(""),
        };
        let message = match message {
            Value::Undefined => Text::empty(),
            other => self.value(&other)?,
        };
        if name.surely_empty() {
            return Ok(message);
        }
        if message.surely_empty() {
            return Ok(name);
        }
        let both = Text::concat(&[&name, &Text::of(": "), &message]);
        if name.surely_filled() && message.surely_filled() {
            return Ok(both);
        }
        // Which parts show depends on texts left open.
        Ok(Text::open(name.min.min(message.min), both.max))
    }
}

/// %TypedArray%.prototype.join: a TypeError when the view is out of bounds,
/// else one Number's text per element (left open: from one unit to 25).
fn typed_array_join(heap: &Heap, o: ObjectId) -> Result<Text, Thrown> {
    let ObjectKind::View {
        kind,
        buffer,
        byte_offset,
        length,
    } = heap.object(o).kind()
    else {
        unreachable!("a view")
    };
    let buffer_length = match heap.object(*buffer).kind().as_array_buffer() {
        Some(ArrayBufferState::Owned { data: Some(d), .. }) => d.len(),
        Some(ArrayBufferState::Shared { block, .. }) => block.len(),
        _ => return Err(Thrown::NewError(ErrorPrototype::TypeError)),
    };
    let size = kind.element_size();
    let count = match length {
        Some(n) => match n.checked_mul(size).and_then(|b| b.checked_add(*byte_offset)) {
            Some(end) if end <= buffer_length => *n,
            _ => return Err(Thrown::NewError(ErrorPrototype::TypeError)),
        },
        None if *byte_offset <= buffer_length => (buffer_length - byte_offset) / size,
        None => return Err(Thrown::NewError(ErrorPrototype::TypeError)),
    };
    if count == 0 {
        return Ok(Text::empty());
    }
    Ok(Text::open(2 * count - 1, 26 * count - 1))
}

/// Object.prototype.toString's tag for a kind.
fn tag(kind: &ObjectKind) -> &str {
    match kind {
        ObjectKind::Array { .. } => "Array",
        ObjectKind::Map(_) => "Map",
        ObjectKind::Set(_) => "Set",
        ObjectKind::WeakMap => "WeakMap",
        ObjectKind::WeakSet => "WeakSet",
        ObjectKind::WeakRef => "WeakRef",
        ObjectKind::Promise => "Promise",
        ObjectKind::ArrayBuffer(state) => match **state {
            ArrayBufferState::Owned { .. } => "ArrayBuffer",
            ArrayBufferState::Shared { .. } => "SharedArrayBuffer",
        },
        ObjectKind::View { kind, .. } => kind.name(),
        ObjectKind::Platform { interface, .. } => interface,
        _ => "Object",
    }
}

/// Number::toString(x) with radix 10, from Rust's shortest round-trip
/// digits: ECMA-262's choice between plain digits and exponent form.
pub fn number_text(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x == 0.0 {
        return "0".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    let sign = if x < 0.0 { "-" } else { "" };
    // "d.ddde±x": the digits s (k of them) and n = exponent + 1.
    let scientific = format!("{:e}", x.abs());
    let (mantissa, exponent) = scientific.split_once('e').expect("exponent form");
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let k = digits.len() as i32;
    let n = exponent.parse::<i32>().expect("an exponent") + 1;
    let body = if k <= n && n <= 21 {
        format!("{digits}{}", "0".repeat((n - k) as usize))
    } else if 0 < n && n <= 21 {
        format!("{}.{}", &digits[..n as usize], &digits[n as usize..])
    } else if -6 < n && n <= 0 {
        format!("0.{}{digits}", "0".repeat((-n) as usize))
    } else {
        let e = n - 1;
        let e = if e >= 0 { format!("+{e}") } else { e.to_string() };
        match k {
            1 => format!("{digits}e{e}"),
            _ => format!("{}.{}e{e}", &digits[..1], &digits[1..]),
        }
    };
    format!("{sign}{body}")
}

#[cfg(test)]
mod tests {
    use super::{Thrown, number_text, to_string};
    use webmessaging::ecmascript::{ErrorPrototype, Heap, ObjectKind, OwnProperty, PropertyKey, Value};

    #[test]
    fn a_cycle_without_a_join_is_the_depth_limit() {
        let mut heap = Heap::default();
        let error = |heap: &mut Heap| {
            heap.alloc(ObjectKind::Error {
                prototype: ErrorPrototype::Error,
                stack: None,
            })
        };
        // An Error whose message is itself, and two naming each other.
        let selfish = error(&mut heap);
        heap.define_property(
            selfish,
            PropertyKey::from("message"),
            OwnProperty::new_data(Value::Object(selfish)),
        );
        let (a, b) = (error(&mut heap), error(&mut heap));
        heap.define_property(
            a,
            PropertyKey::from("name"),
            OwnProperty::new_data(Value::Object(b)),
        );
        heap.define_property(
            b,
            PropertyKey::from("message"),
            OwnProperty::new_data(Value::Object(a)),
        );
        for o in [selfish, a, b] {
            let converted = to_string(&heap, &Value::Object(o));
            assert!(
                matches!(
                    converted.result,
                    Err(Thrown::NewError(ErrorPrototype::RangeError))
                ),
                "{converted:?}"
            );
        }
        // Through an Array, the join cuts the cycle the second time round.
        let array = heap.alloc(ObjectKind::Array { length: 1 });
        heap.define_property(
            array,
            PropertyKey::from("0"),
            OwnProperty::new_data(Value::Object(selfish)),
        );
        heap.define_property(
            selfish,
            PropertyKey::from("message"),
            OwnProperty::new_data(Value::Object(array)),
        );
        let text = to_string(&heap, &Value::Object(selfish))
            .result
            .ok()
            .and_then(|t| t.string());
        assert_eq!(text.map(|s| s.to_string_lossy()).as_deref(), Some("Error: Error"));
    }

    #[test]
    fn numbers_print_as_ecmascript_prints_them() {
        for (x, text) in [
            (1.0, "1"),
            (-0.0, "0"),
            (123.456, "123.456"),
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (0.000001, "0.000001"),
            (1e-7, "1e-7"),
            (-1.5e-9, "-1.5e-9"),
            (5e-324, "5e-324"),
            (f64::MAX, "1.7976931348623157e+308"),
            (0.1, "0.1"),
        ] {
            assert_eq!(number_text(x), text, "{x:e}");
        }
    }
}
