//! Reading a document: JSON text to [`Document`]. Only the shape is checked
//! here (every field present, of the right type, nothing unknown); whether
//! the references make sense is [`super::build`]'s business.

use super::document::{
    Buffer, Document, Key, Kind, MESSAGE_PORT, NotationError, Object, Prop, PropValue, Val,
};
use super::excerpt::{Excerpt, excerpt_str};
use crate::ecmascript::{BigInt, ErrorPrototype, JsString, ViewKind};
use serde_json::{Map, Value as Json};
use std::fmt;

/// Reads a document from JSON text.
///
/// # Errors
///
/// A [`NotationError`] saying where the text is not valid JSON or not a
/// document.
pub fn parse(text: &str) -> Result<Document, NotationError> {
    let json: Json =
        serde_json::from_str(text).map_err(|e| NotationError::new("", format!("not valid JSON: {e}")))?;
    Document::from_json(&json)
}

impl Document {
    /// Reads a document from parsed JSON.
    ///
    /// # Errors
    ///
    /// A [`NotationError`] with the path of the first part that is not a
    /// document's.
    pub fn from_json(json: &Json) -> Result<Document, NotationError> {
        let top = Path::Top("");
        let mut fields = Fields::of(json, top, "a document {\"root\": ..., \"objects\": [...]}")?;
        let root = value(fields.required("root")?, Path::Top("root"))?;
        let objects = match fields.optional("objects") {
            None => Vec::new(),
            Some(json) => list(json, Path::Top("objects"), object)?,
        };
        let transfer = match fields.optional("transfer") {
            None => Vec::new(),
            Some(json) => list(json, Path::Top("transfer"), index)?,
        };
        fields.finish()?;
        Ok(Document {
            root,
            objects,
            transfer,
        })
    }
}

/// Where in the document a piece of JSON sits, formatted only for errors.
#[derive(Clone, Copy)]
pub(crate) enum Path<'a> {
    /// A top-level field (or, empty, the document itself).
    Top(&'static str),
    /// A field of an object.
    Field(&'a Path<'a>, &'static str),
    /// An element of an array.
    Index(&'a Path<'a>, usize),
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Top(name) => f.write_str(name),
            Path::Field(parent, name) => write!(f, "{parent}.{name}"),
            Path::Index(parent, i) => write!(f, "{parent}[{i}]"),
        }
    }
}

fn fail<T>(path: Path, message: impl Into<String>) -> Result<T, NotationError> {
    Err(NotationError::new(path, message))
}

/// What a piece of JSON is, for messages.
fn describe(json: &Json) -> &'static str {
    match json {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}

/// The fields of one JSON object, remembering which were asked for so that
/// [`Fields::finish`] can name any left over.
struct Fields<'j, 'p> {
    map: &'j Map<String, Json>,
    path: Path<'p>,
    known: Vec<&'static str>,
}

impl<'j, 'p> Fields<'j, 'p> {
    fn of(json: &'j Json, path: Path<'p>, what: &str) -> Result<Self, NotationError> {
        match json {
            Json::Object(map) => Ok(Fields {
                map,
                path,
                known: Vec::new(),
            }),
            other => fail(path, format!("expected {what}, found {}", describe(other))),
        }
    }

    fn optional(&mut self, name: &'static str) -> Option<&'j Json> {
        self.known.push(name);
        self.map.get(name)
    }

    fn required(&mut self, name: &'static str) -> Result<&'j Json, NotationError> {
        match self.optional(name) {
            Some(json) => Ok(json),
            None => fail(self.path, format!("missing field \"{name}\"")),
        }
    }

    fn finish(&self) -> Result<(), NotationError> {
        match self.map.keys().find(|k| !self.known.contains(&k.as_str())) {
            None => Ok(()),
            Some(extra) => {
                let known = self.known.iter().map(|k| format!("\"{k}\"")).collect::<Vec<_>>();
                fail(
                    self.path,
                    format!(
                        "unknown field {} (expected {})",
                        excerpt_str(extra),
                        known.join(", ")
                    ),
                )
            }
        }
    }
}

fn list<T>(
    json: &Json,
    path: Path,
    mut item: impl FnMut(&Json, Path) -> Result<T, NotationError>,
) -> Result<Vec<T>, NotationError> {
    match json {
        Json::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, j)| item(j, Path::Index(&path, i)))
            .collect(),
        other => fail(path, format!("expected an array, found {}", describe(other))),
    }
}

/// A non-negative integer (an index, offset or length).
pub(crate) fn index(json: &Json, path: Path) -> Result<usize, NotationError> {
    let n = match json {
        Json::Number(n) => n.as_u64().or_else(|| {
            // 3.0 is written by some producers for 3; accept exact integers.
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f <= 9_007_199_254_740_992.0)
                .map(|f| f as u64)
        }),
        _ => None,
    };
    match n.and_then(|n| usize::try_from(n).ok()) {
        Some(n) => Ok(n),
        None => fail(
            path,
            format!("expected a non-negative integer, found {}", Excerpt(json)),
        ),
    }
}

fn boolean(json: &Json, path: Path) -> Result<bool, NotationError> {
    json.as_bool().map_or_else(
        || fail(path, format!("expected true or false, found {}", Excerpt(json))),
        Ok,
    )
}

/// A JSON string, or `{"utf16": [...]}`.
fn string(json: &Json, path: Path) -> Result<JsString, NotationError> {
    match value(json, path)? {
        Val::String(s) => Ok(s),
        _ => fail(path, format!("expected a string, found {}", Excerpt(json))),
    }
}

/// A VALUE.
pub(crate) fn value(json: &Json, path: Path) -> Result<Val, NotationError> {
    match json {
        Json::Null => Ok(Val::Null),
        Json::Bool(b) => Ok(Val::Bool(*b)),
        Json::Number(n) => match n.as_f64() {
            Some(f) if f == 0.0 && f.is_sign_negative() => fail(
                path,
                "-0 is written {\"number\": \"-0\"} (a plain JSON -0 is easily lost)",
            ),
            Some(f) => Ok(Val::Number(f)),
            None => fail(path, format!("the number {n} is not a double")),
        },
        Json::String(s) => Ok(Val::String(JsString::from(s.as_str()))),
        Json::Array(_) => fail(
            path,
            "expected a value, found an array (arrays are objects: use {\"ref\": INDEX})",
        ),
        Json::Object(map) => {
            let mut entries = map.iter();
            let (Some((form, inner)), None) = (entries.next(), entries.next()) else {
                return fail(
                    path,
                    "expected an object with exactly one of \"undefined\", \"number\", \"bigint\", \
                     \"utf16\", \"symbol\", \"ref\"",
                );
            };
            let inner_path = Path::Field(&path, field_name(form));
            match form.as_str() {
                "undefined" => match inner {
                    Json::Bool(true) => Ok(Val::Undefined),
                    other => fail(inner_path, format!("expected true, found {}", Excerpt(other))),
                },
                "number" => match inner.as_str() {
                    Some("NaN") => Ok(Val::Number(f64::NAN)),
                    Some("Infinity") => Ok(Val::Number(f64::INFINITY)),
                    Some("-Infinity") => Ok(Val::Number(f64::NEG_INFINITY)),
                    Some("-0") => Ok(Val::Number(-0.0)),
                    _ => fail(
                        inner_path,
                        format!(
                            "expected \"NaN\", \"Infinity\", \"-Infinity\" or \"-0\" (other numbers are \
                             plain JSON numbers), found {}",
                            Excerpt(inner)
                        ),
                    ),
                },
                "bigint" => match inner.as_str().map(BigInt::parse) {
                    Some(Ok(b)) => Ok(Val::BigInt(b)),
                    Some(Err(_)) => fail(
                        inner_path,
                        format!(
                            "{} is not a decimal BigInt (expected an optional '-' and digits)",
                            Excerpt(inner)
                        ),
                    ),
                    None => fail(
                        inner_path,
                        format!("expected a decimal string, found {}", Excerpt(inner)),
                    ),
                },
                "utf16" => code_units(inner, inner_path).map(Val::String),
                "symbol" => match inner {
                    Json::Null => Ok(Val::Symbol(None)),
                    other => string(other, inner_path).map(|s| Val::Symbol(Some(s))),
                },
                "ref" => index(inner, inner_path).map(Val::Ref),
                other => fail(
                    path,
                    format!(
                        "unknown value form {} (expected \"undefined\", \"number\", \"bigint\", \
                         \"utf16\", \"symbol\" or \"ref\")",
                        excerpt_str(other)
                    ),
                ),
            }
        }
    }
}

/// The static name of a value form, for paths (unknown forms fail before
/// their path is used).
fn field_name(form: &str) -> &'static str {
    ["undefined", "number", "bigint", "utf16", "symbol", "ref"]
        .into_iter()
        .find(|f| *f == form)
        .unwrap_or("?")
}

fn code_units(json: &Json, path: Path) -> Result<JsString, NotationError> {
    let units = list(json, path, |unit, path| match unit.as_u64().map(u16::try_from) {
        Some(Ok(u)) => Ok(u),
        _ => fail(
            path,
            format!(
                "expected a UTF-16 code unit (0 to 65535), found {}",
                Excerpt(unit)
            ),
        ),
    })?;
    Ok(JsString::from_code_units(units))
}

/// A KEY: a JSON string, `{"utf16": [...]}` or `{"symbol": ...}`.
fn key(json: &Json, path: Path) -> Result<Key, NotationError> {
    match value(json, path) {
        Ok(Val::String(s)) => Ok(Key::String(s)),
        Ok(Val::Symbol(d)) => Ok(Key::Symbol(d)),
        _ => fail(
            path,
            format!(
                "expected a property key (a string, {{\"utf16\": [...]}} or {{\"symbol\": ...}}), found {}",
                Excerpt(json)
            ),
        ),
    }
}

/// A PROP: `[KEY, VALUE]`, `[KEY, {"getter": ...}]`, either with a third
/// element `{"enumerable": false}`.
fn prop(json: &Json, path: Path) -> Result<Prop, NotationError> {
    let items = match json {
        Json::Array(items) if (2..=3).contains(&items.len()) => items,
        other => {
            return fail(
                path,
                format!(
                    "expected [KEY, VALUE] or [KEY, VALUE, {{\"enumerable\": false}}], found {}",
                    Excerpt(other)
                ),
            );
        }
    };
    let key = key(&items[0], Path::Index(&path, 0))?;
    let value_path = Path::Index(&path, 1);
    let value = match items[1]
        .as_object()
        .and_then(|m| m.get("getter").filter(|_| m.len() == 1))
    {
        Some(getter) => {
            let getter_path = Path::Field(&value_path, "getter");
            let mut fields = Fields::of(getter, getter_path, "{\"returns\": VALUE} or {\"throws\": VALUE}")?;
            let returns = fields.optional("returns");
            let throws = fields.optional("throws");
            fields.finish()?;
            match (returns, throws) {
                (Some(v), None) => PropValue::GetterReturns(value(v, Path::Field(&getter_path, "returns"))?),
                (None, Some(v)) => PropValue::GetterThrows(value(v, Path::Field(&getter_path, "throws"))?),
                _ => return fail(getter_path, "expected exactly one of \"returns\" and \"throws\""),
            }
        }
        None => PropValue::Data(value(&items[1], value_path)?),
    };
    let enumerable = match items.get(2) {
        None => true,
        Some(attributes) => {
            let attributes_path = Path::Index(&path, 2);
            let mut fields = Fields::of(attributes, attributes_path, "{\"enumerable\": false}")?;
            let enumerable = fields.optional("enumerable");
            // The only attribute there is: name any other before a missing one.
            fields.finish()?;
            match enumerable {
                Some(json) => boolean(json, Path::Field(&attributes_path, "enumerable"))?,
                None => return fail(attributes_path, "missing field \"enumerable\""),
            }
        }
    };
    Ok(Prop {
        key,
        value,
        enumerable,
    })
}

/// An OBJECT.
fn object(json: &Json, path: Path) -> Result<Object, NotationError> {
    let mut f = Fields::of(json, path, "an object {\"kind\": ...}")?;
    let kind_json = f.required("kind")?;
    let Some(kind_name) = kind_json.as_str() else {
        return fail(
            Path::Field(&path, "kind"),
            format!("expected a string, found {}", Excerpt(kind_json)),
        );
    };
    let kind = kind(kind_name, &mut f)?;
    let props = match f.optional("props") {
        None => Vec::new(),
        Some(json) => list(json, Path::Field(&path, "props"), prop)?,
    };
    f.finish()?;
    Ok(Object { kind, props })
}

/// The KIND named `name`, with its fields read from `f`.
fn kind(name: &str, f: &mut Fields) -> Result<Kind, NotationError> {
    let path = f.path;
    // A required field, read by `read` with the field's path.
    macro_rules! field {
        ($name:literal, $read:expr) => {
            $read(f.required($name)?, Path::Field(&path, $name))?
        };
    }
    macro_rules! optional {
        ($name:literal, $read:expr) => {
            match f.optional($name) {
                Some(json) => Some($read(json, Path::Field(&path, $name))?),
                None => None,
            }
        };
    }
    // A required VALUE field whose type `pick` checks.
    macro_rules! typed {
        ($name:literal, $expected:literal, $pick:pat => $out:expr) => {{
            let json = f.required($name)?;
            match value(json, Path::Field(&path, $name))? {
                $pick => $out,
                _ => {
                    return fail(
                        Path::Field(&path, $name),
                        format!("expected {}, found {}", $expected, Excerpt(json)),
                    );
                }
            }
        }};
    }
    Ok(match name {
        "Object" => Kind::Object,
        "ObjectPrototype" => Kind::ObjectPrototype,
        "Array" => {
            let length = field!("length", index);
            match u32::try_from(length) {
                Ok(length) => Kind::Array { length },
                Err(_) => {
                    return fail(
                        Path::Field(&path, "length"),
                        "expected an array length below 2^32",
                    );
                }
            }
        }
        "Boolean" => typed!("value", "a boolean", Val::Bool(b) => Kind::Boolean(b)),
        "Number" => typed!("value", "a number", Val::Number(n) => Kind::Number(n)),
        "String" => typed!("value", "a string", Val::String(s) => Kind::String(s)),
        "BigInt" => typed!("value", "a bigint {\"bigint\": \"...\"}", Val::BigInt(b) => Kind::BigInt(b)),
        "Date" => typed!("time", "a number", Val::Number(time) => Kind::Date { time }),
        "RegExp" => Kind::RegExp {
            source: field!("source", string),
            flags: field!("flags", string),
            last_index: optional!("lastIndex", value),
        },
        "ArrayBuffer" => {
            let bytes = field!("bytes", hex);
            let max_byte_length = optional!("maxByteLength", index);
            let shared = optional!("shared", boolean).unwrap_or(false);
            let detached = optional!("detached", boolean).unwrap_or(false);
            let detach_key = optional!("detachKey", boolean).unwrap_or(false);
            Kind::ArrayBuffer(Buffer {
                bytes,
                max_byte_length,
                shared,
                detached,
                detach_key,
            })
        }
        "MessagePort" => Kind::Platform {
            interface: MESSAGE_PORT.to_owned(),
            detached: Some(optional!("detached", boolean).unwrap_or(false)),
        },
        "Platform" => {
            let interface = match f.required("interface")? {
                Json::String(s) => s.clone(),
                other => {
                    return fail(
                        Path::Field(&path, "interface"),
                        format!("expected a string, found {}", Excerpt(other)),
                    );
                }
            };
            let detached = optional!("detached", boolean);
            Kind::Platform { interface, detached }
        }
        "Map" => Kind::Map {
            entries: field!("entries", |json, path| list(json, path, entry)),
        },
        "Set" => Kind::Set {
            values: field!("values", |json, path| list(json, path, value)),
        },
        "Error" => {
            let name_json = f.required("name")?;
            let Some(name) = name_json.as_str().and_then(ErrorPrototype::from_name) else {
                return fail(
                    Path::Field(&path, "name"),
                    format!(
                        "expected one of \"Error\", \"EvalError\", \"RangeError\", \"ReferenceError\", \
                         \"SyntaxError\", \"TypeError\", \"URIError\", found {}",
                        Excerpt(name_json)
                    ),
                );
            };
            Kind::Error {
                name,
                message: optional!("message", value),
                stack: optional!("stack", string),
            }
        }
        "Function" => Kind::Function,
        "SymbolObject" => Kind::SymbolObject,
        "WeakMap" => Kind::WeakMap,
        "WeakSet" => Kind::WeakSet,
        "WeakRef" => Kind::WeakRef,
        "Promise" => Kind::Promise,
        "Proxy" => Kind::Proxy,
        other => match ViewKind::from_name(other) {
            Some(kind) => {
                let buffer = field!("buffer", index);
                let byte_offset = field!("byteOffset", index);
                let length_json = if kind == ViewKind::DataView {
                    (f.required("byteLength")?, Path::Field(&path, "byteLength"))
                } else {
                    (f.required("length")?, Path::Field(&path, "length"))
                };
                let length = match length_json {
                    (Json::Null, _) => None,
                    (json, path) => Some(index(json, path)?),
                };
                Kind::View {
                    kind,
                    buffer,
                    byte_offset,
                    length,
                }
            }
            None => {
                return fail(
                    Path::Field(&path, "kind"),
                    format!("unknown kind {}", excerpt_str(other)),
                );
            }
        },
    })
}

/// A Map entry `[KEY, VALUE]` (both VALUEs).
fn entry(json: &Json, path: Path) -> Result<(Val, Val), NotationError> {
    match json {
        Json::Array(pair) if pair.len() == 2 => Ok((
            value(&pair[0], Path::Index(&path, 0))?,
            value(&pair[1], Path::Index(&path, 1))?,
        )),
        other => fail(
            path,
            format!("expected a [key, value] pair, found {}", Excerpt(other)),
        ),
    }
}

/// Bytes as hex text, two digits a byte.
fn hex(json: &Json, path: Path) -> Result<Vec<u8>, NotationError> {
    let Some(text) = json.as_str() else {
        return fail(
            path,
            format!("expected a string of hex digits, found {}", Excerpt(json)),
        );
    };
    if !text.is_ascii() {
        return fail(path, "expected hex digits, found non-ASCII text");
    }
    if !text.len().is_multiple_of(2) {
        return fail(
            path,
            format!("expected an even number of hex digits, found {}", text.len()),
        );
    }
    let digit = |at: usize| {
        let c = text.as_bytes()[at];
        (c as char).to_digit(16).map(|d| d as u8).ok_or_else(|| {
            NotationError::new(
                path,
                format!("invalid hex digit {:?} at position {at}", c as char),
            )
        })
    };
    (0..text.len() / 2)
        .map(|i| Ok(digit(2 * i)? << 4 | digit(2 * i + 1)?))
        .collect()
}
