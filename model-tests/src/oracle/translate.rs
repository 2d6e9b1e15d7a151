//! From a graph-notation [`Document`] to the JavaScript that builds the same
//! graph in node.
//!
//! The output is the body of a function of one parameter, `H` (the helpers
//! of `harness.js`), that returns `{root, objects, transfer}`. It makes the
//! objects in index order (views after every buffer, since a view needs its
//! buffer), gives buffers their final length and bytes, detaches the
//! detached ones, and only then wires fields and properties, so that cycles
//! and shared references come out as written. Props of
//! `%Object.prototype%` are defined last of all: they are visible to every
//! object, the harness's own included.
//!
//! Some documents describe states that JS can reach but cannot show (the
//! order of `[[OriginalFlags]]`), states JS cannot reach at all (a Map key
//! -0), or kinds node lacks (Float16Array); those are [`Unsupported`], with
//! the reason.

use std::fmt::Write;
use webmessaging::ecmascript::{JsString, ViewKind, number_to_string};
use webmessaging::notation::{Buffer, Document, Key, Kind, Object, PropValue, Val};

/// Why the oracle cannot run a document in node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unsupported(pub String);

impl std::fmt::Display for Unsupported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn unsupported<T>(why: impl Into<String>) -> Result<T, Unsupported> {
    Err(Unsupported(why.into()))
}

/// The own keys of node's `%Object.prototype%`: a case may not redefine
/// them, since the harness itself relies on them.
const OBJECT_PROTOTYPE_KEYS: [&str; 12] = [
    "constructor",
    "__defineGetter__",
    "__defineSetter__",
    "hasOwnProperty",
    "__lookupGetter__",
    "__lookupSetter__",
    "isPrototypeOf",
    "propertyIsEnumerable",
    "toString",
    "valueOf",
    "__proto__",
    "toLocaleString",
];

/// The JavaScript function body that builds `doc` in node, or why it cannot.
pub fn translate(doc: &Document) -> Result<String, Unsupported> {
    check(doc)?;
    let mut js = String::new();
    js.push_str("const o = [];\n");
    // Buffers and everything else but views, in index order.
    for (i, object) in doc.objects.iter().enumerate() {
        if matches!(object.kind, Kind::View { .. }) {
            continue;
        }
        let _ = writeln!(js, "o[{i}] = {};", create(doc, i, object)?);
    }
    for (i, object) in doc.objects.iter().enumerate() {
        if let Kind::View {
            kind,
            buffer,
            byte_offset,
            length,
        } = &object.kind
        {
            let length = length.map_or("null".to_owned(), |n| n.to_string());
            let _ = writeln!(
                js,
                "o[{i}] = H.view({}, o[{buffer}], {byte_offset}, {length});",
                string_literal(kind.name())
            );
        }
    }
    for (i, object) in doc.objects.iter().enumerate() {
        if let Kind::ArrayBuffer(buffer) = &object.kind {
            if buffer.detached {
                let _ = writeln!(js, "H.detach(o[{i}]);");
            } else {
                let _ = writeln!(
                    js,
                    "H.finishBuffer(o[{i}], {}, \"{}\");",
                    buffer.bytes.len(),
                    hex(&buffer.bytes)
                );
            }
        }
    }
    let prototype_last = |(_, o): &(usize, &Object)| matches!(o.kind, Kind::ObjectPrototype);
    let (prototype, others): (Vec<_>, Vec<_>) = doc.objects.iter().enumerate().partition(prototype_last);
    for (i, object) in others.into_iter().chain(prototype) {
        wire(&mut js, i, object);
    }
    let transfer: Vec<String> = doc.transfer.iter().map(|i| format!("o[{i}]")).collect();
    let _ = writeln!(
        js,
        "return {{root: {}, objects: o, transfer: [{}]}};",
        val(&doc.root),
        transfer.join(", ")
    );
    Ok(js)
}

/// The expression that makes object `i` (its fields, not its props).
fn create(doc: &Document, i: usize, object: &Object) -> Result<String, Unsupported> {
    Ok(match &object.kind {
        Kind::Object => "{}".to_owned(),
        Kind::ObjectPrototype => "Object.prototype".to_owned(),
        Kind::Array { length } => format!("H.array({length})"),
        Kind::Boolean(b) => format!("Object({b})"),
        Kind::Number(n) => format!("Object({})", number(*n)),
        Kind::String(s) => format!("Object({})", js_string(s)),
        Kind::BigInt(b) => format!("Object(BigInt(\"{}\"))", b.as_decimal()),
        Kind::Date { time } => format!("new Date({})", number(*time)),
        Kind::RegExp { source, flags, .. } => {
            format!("new RegExp({}, {})", js_string(source), js_string(flags))
        }
        Kind::ArrayBuffer(buffer) => {
            let alloc = allocation(doc, i, buffer)?;
            let max = buffer
                .max_byte_length
                .map_or("null".to_owned(), |m| m.to_string());
            format!("H.buffer({alloc}, {max}, {})", buffer.shared)
        }
        Kind::View { .. } => unreachable!("views are made after the other objects"),
        Kind::Map { .. } => "new Map()".to_owned(),
        Kind::Set { .. } => "new Set()".to_owned(),
        Kind::Error { name, stack, .. } => format!(
            "H.error({}, {})",
            string_literal(name.name()),
            stack.as_ref().map_or("null".to_owned(), js_string)
        ),
        Kind::Function => "H.fn()".to_owned(),
        Kind::SymbolObject => "Object(Symbol())".to_owned(),
        Kind::WeakMap => "new WeakMap()".to_owned(),
        Kind::WeakSet => "new WeakSet()".to_owned(),
        Kind::WeakRef => "H.weakRef()".to_owned(),
        Kind::Promise => "H.promise()".to_owned(),
        Kind::Proxy => "H.proxy()".to_owned(),
        Kind::Platform { .. } => unreachable!("refused by check"),
    })
}

/// The byte length buffer `i` is made with: room for every view over it,
/// which must be made while the buffer still holds them.
fn allocation(doc: &Document, i: usize, buffer: &Buffer) -> Result<usize, Unsupported> {
    let length = buffer.bytes.len();
    let mut need = 0;
    for (kind, offset, view_length) in views_of(doc, i) {
        let size = kind.element_size();
        let end = offset + view_length.unwrap_or(0) * size;
        need = need.max(end);
        if view_length.is_none() {
            tracking_observable(buffer, kind, offset)?;
        }
    }
    let resizable = buffer.max_byte_length.is_some() && !buffer.shared;
    let alloc = if buffer.detached { need } else { length.max(need) };
    if !resizable && !buffer.detached && need > length {
        return unsupported(format!(
            "a view over objects[{i}] ends past it, and a {} cannot shrink",
            if buffer.shared {
                "SharedArrayBuffer"
            } else {
                "fixed-length ArrayBuffer"
            }
        ));
    }
    if let Some(max) = buffer.max_byte_length
        && alloc > max
    {
        return unsupported(format!(
            "a view over objects[{i}] ends past its maxByteLength {max}"
        ));
    }
    Ok(alloc)
}

/// Node cannot tell a length-tracking view from a fixed one when the two
/// read alike at every length the buffer can take; such a view is refused.
fn tracking_observable(buffer: &Buffer, kind: ViewKind, offset: usize) -> Result<(), Unsupported> {
    let size = kind.element_size();
    let Some(max) = buffer.max_byte_length else {
        return Ok(());
    };
    let at = |length: usize| length.checked_sub(offset).map(|room| room / size);
    let ambiguous = if buffer.shared {
        // A growable SharedArrayBuffer only grows: lengths now and at max.
        at(buffer.bytes.len()) == at(max)
    } else {
        at(max).unwrap_or(0) == 0
    };
    if ambiguous {
        return unsupported(format!(
            "a length-tracking {kind} at byteOffset {offset} reads like a fixed-length one at every length \
             its buffer can take"
        ));
    }
    Ok(())
}

fn views_of(doc: &Document, buffer: usize) -> impl Iterator<Item = (ViewKind, usize, Option<usize>)> + '_ {
    doc.objects.iter().filter_map(move |o| match &o.kind {
        Kind::View {
            kind,
            buffer: b,
            byte_offset,
            length,
        } if *b == buffer => Some((*kind, *byte_offset, *length)),
        _ => None,
    })
}

/// Statements that give object `i` its remaining fields and its props.
fn wire(js: &mut String, i: usize, object: &Object) {
    match &object.kind {
        Kind::Map { entries } => {
            for (k, v) in entries {
                let _ = writeln!(js, "Map.prototype.set.call(o[{i}], {}, {});", val(k), val(v));
            }
        }
        Kind::Set { values } => {
            for v in values {
                let _ = writeln!(js, "Set.prototype.add.call(o[{i}], {});", val(v));
            }
        }
        Kind::RegExp {
            last_index: Some(v), ..
        } => {
            let _ = writeln!(js, "o[{i}].lastIndex = {};", val(v));
        }
        Kind::Error { message: Some(m), .. } => {
            let _ = writeln!(js, "H.message(o[{i}], {});", val(m));
        }
        _ => {}
    }
    for prop in &object.props {
        let key = match &prop.key {
            Key::String(s) => js_string(s),
            Key::Symbol(d) => symbol(d.as_ref()),
        };
        let _ = match &prop.value {
            PropValue::Data(v) => writeln!(js, "H.data(o[{i}], {key}, {}, {});", val(v), prop.enumerable),
            PropValue::GetterReturns(v) => writeln!(
                js,
                "H.getter(o[{i}], {key}, false, {}, {});",
                val(v),
                prop.enumerable
            ),
            PropValue::GetterThrows(v) => writeln!(
                js,
                "H.getter(o[{i}], {key}, true, {}, {});",
                val(v),
                prop.enumerable
            ),
        };
    }
}

/// Refuses what node cannot build or show (see the module doc).
fn check(doc: &Document) -> Result<(), Unsupported> {
    for (i, object) in doc.objects.iter().enumerate() {
        let at = format!("objects[{i}]");
        match &object.kind {
            Kind::Platform { interface, .. } => {
                return unsupported(format!(
                    "{at} is a platform object ({interface}); the clone command runs with NoPlatformObjects"
                ));
            }
            Kind::View {
                kind: ViewKind::Float16Array,
                ..
            } => return unsupported(format!("{at} is a Float16Array, which node 20 lacks")),
            Kind::ArrayBuffer(buffer) if buffer.detach_key => {
                return unsupported(format!("{at} has a detach key, which node cannot give a buffer"));
            }
            Kind::RegExp { source, flags, .. } => regexp(&at, source, flags)?,
            Kind::Date { time } => {
                let clipped = time.is_nan()
                    || (time.is_finite()
                        && time.fract() == 0.0
                        && time.abs() <= 8.64e15
                        && !(*time == 0.0 && time.is_sign_negative()));
                if !clipped {
                    return unsupported(format!(
                        "{at}'s time {} is not a TimeClip result, which every Date holds",
                        number(*time)
                    ));
                }
            }
            Kind::Map { entries } if entries.iter().any(|(k, _)| is_negative_zero(k)) => {
                return unsupported(format!("{at} has the key -0; JS Maps turn -0 keys into +0"));
            }
            Kind::Set { values } if values.iter().any(is_negative_zero) => {
                return unsupported(format!("{at} holds -0; JS Sets turn -0 into +0"));
            }
            _ => {}
        }
        if let Some(why) = slow_to_string(doc, object) {
            return unsupported(format!("{at}: {why}"));
        }
        for prop in &object.props {
            let Key::String(key) = &prop.key else { continue };
            let text = key.to_string_lossy();
            let calls_function = match &prop.value {
                PropValue::Data(Val::Ref(r)) | PropValue::GetterReturns(Val::Ref(r)) => {
                    matches!(doc.objects[*r].kind, Kind::Function)
                }
                _ => false,
            };
            if (text == "toString" || text == "valueOf") && calls_function {
                return unsupported(format!(
                    "{at}.{text} is a Function, and what a notation Function does when called is not defined"
                ));
            }
            match &object.kind {
                Kind::Error { .. } if text == "stack" => {
                    return unsupported(format!(
                        "{at} has a prop \"stack\", which V8 keeps as [[Stack]] itself"
                    ));
                }
                Kind::View { .. } if is_canonical_numeric(key) => {
                    return unsupported(format!(
                        "{at} has the numeric key {text:?}, which a typed array keeps for its elements"
                    ));
                }
                Kind::ObjectPrototype if OBJECT_PROTOTYPE_KEYS.contains(&text.as_str()) => {
                    return unsupported(format!(
                        "{at} redefines Object.prototype.{text}, which the harness relies on"
                    ));
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// Arrays longer than this are too long for V8 to join in good time.
const LONGEST_JOINED_ARRAY: u32 = 1_000_000;

/// V8 applies ToString to an Error's message and name; joining an Array of
/// 2^32 - 1 holes takes it minutes (the heap refuses the length at once).
/// An Error whose message or name is an object, in a document with such an
/// Array anywhere, is refused.
fn slow_to_string(doc: &Document, object: &Object) -> Option<String> {
    let Kind::Error { message, .. } = &object.kind else {
        return None;
    };
    let name = object.props.iter().find_map(|p| match (&p.key, &p.value) {
        (Key::String(k), PropValue::Data(v) | PropValue::GetterReturns(v))
            if *k == JsString::from("name") =>
        {
            Some(v)
        }
        _ => None,
    });
    let converts_object = [message.as_ref(), name]
        .into_iter()
        .flatten()
        .any(|v| matches!(v, Val::Ref(_)));
    let huge = doc
        .objects
        .iter()
        .any(|o| matches!(o.kind, Kind::Array { length } if length > LONGEST_JOINED_ARRAY));
    (converts_object && huge).then(|| {
        format!(
            "its message or name is made a String, and an Array longer than {LONGEST_JOINED_ARRAY} could \
             be joined, which V8 takes minutes to do"
        )
    })
}

/// `[[OriginalSource]]` is seen only through the `source` getter, which
/// escapes `/` and line terminators and shows "" as "(?:)"; the order of
/// `[[OriginalFlags]]` is not seen at all (`flags` is always canonical).
fn regexp(at: &str, source: &JsString, flags: &JsString) -> Result<(), Unsupported> {
    let escaped = source.is_empty()
        || source
            .code_units()
            .iter()
            .any(|&u| matches!(u, 0x2F | 0x0A | 0x0D | 0x2028 | 0x2029));
    if escaped {
        return unsupported(format!(
            "{at}'s source {:?} reads back escaped through RegExp.prototype.source",
            source.to_string_lossy()
        ));
    }
    let flags = flags.to_string_lossy();
    let canonical: String = "dgimsuvy".chars().filter(|c| flags.contains(*c)).collect();
    if canonical != flags {
        return unsupported(format!(
            "{at}'s flags {flags:?} are not in the canonical order (or repeat), and only the canonical \
             order can be observed"
        ));
    }
    Ok(())
}

fn is_negative_zero(v: &Val) -> bool {
    matches!(v, Val::Number(n) if *n == 0.0 && n.is_sign_negative())
}

/// CanonicalNumericIndexString(key) is not undefined.
fn is_canonical_numeric(key: &JsString) -> bool {
    let Some(text) = key.to_rust_string() else {
        return false;
    };
    if text == "-0" {
        return true;
    }
    let parsed = match text.as_str() {
        "Infinity" => f64::INFINITY,
        "-Infinity" => f64::NEG_INFINITY,
        "NaN" => f64::NAN,
        other => match other.parse::<f64>() {
            Ok(n) => n,
            Err(_) => return false,
        },
    };
    number_to_string(parsed) == text
}

/// A VALUE as a JS expression.
pub(crate) fn val(v: &Val) -> String {
    match v {
        Val::Undefined => "undefined".to_owned(),
        Val::Null => "null".to_owned(),
        Val::Bool(b) => b.to_string(),
        Val::Number(n) => number(*n),
        Val::BigInt(b) => format!("BigInt(\"{}\")", b.as_decimal()),
        Val::String(s) => js_string(s),
        Val::Symbol(d) => symbol(d.as_ref()),
        Val::Ref(i) => format!("o[{i}]"),
    }
}

fn symbol(description: Option<&JsString>) -> String {
    format!("H.sym({})", description.map_or("null".to_owned(), js_string))
}

fn number(n: f64) -> String {
    if n == 0.0 && n.is_sign_negative() {
        "-0".to_owned()
    } else {
        // ECMAScript's Number::toString, which JS reads back exactly; NaN
        // and the infinities are global names.
        number_to_string(n)
    }
}

/// A JS string literal of these code units: printable ASCII as it is,
/// everything else (lone surrogates included) as `\uXXXX`.
fn js_string(s: &JsString) -> String {
    let mut out = String::from("\"");
    for &unit in s.code_units() {
        match unit {
            0x22 => out.push_str("\\\""),
            0x5C => out.push_str("\\\\"),
            0x20..=0x7E => out.push(char::from(unit as u8)),
            _ => {
                let _ = write!(out, "\\u{unit:04x}");
            }
        }
    }
    out.push('"');
    out
}

fn string_literal(s: &str) -> String {
    js_string(&JsString::from(s))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use webmessaging::notation::parse;

    #[test]
    fn objects_are_made_then_wired() {
        let doc = parse(
            r#"{"root": {"ref": 0}, "objects": [{"kind": "Object", "props": [["self", {"ref": 0}]]}]}"#,
        )
        .unwrap();
        let js = translate(&doc).unwrap();
        assert_eq!(
            js,
            "const o = [];\no[0] = {};\nH.data(o[0], \"self\", o[0], true);\n\
             return {root: o[0], objects: o, transfer: []};\n"
        );
    }

    #[test]
    fn strings_escape_everything_but_printable_ascii() {
        let s = JsString::from_code_units(vec![0x61, 0xD800, 0x22, 0x0A]);
        assert_eq!(js_string(&s), r#""a\ud800\"\u000a""#);
    }

    #[test]
    fn numeric_keys() {
        for key in ["0", "-0", "1.5", "NaN", "-Infinity", "1e+21"] {
            assert!(is_canonical_numeric(&JsString::from(key)), "{key}");
        }
        for key in ["01", "a", "1e21", "+1", " 1"] {
            assert!(!is_canonical_numeric(&JsString::from(key)), "{key}");
        }
    }
}
