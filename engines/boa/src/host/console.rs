//! `console.log` and friends, printing values the way node and browser
//! consoles do for the cases tests meet: strings as they are, other
//! primitives as their source form, objects in a short one-line form.
//!
//! <https://console.spec.whatwg.org/#logger>
//!
//! Printing never runs author code: properties are read from the objects'
//! own data (an accessor prints as `[Getter]`), so logging a value cannot
//! change it.

use crate::platform::{PlatformState, platform_data};
use crate::realm::BoaKind;
use boa_engine::builtins::array_buffer::{ArrayBuffer, SharedArrayBuffer};
use boa_engine::builtins::map::ordered_map::OrderedMap;
use boa_engine::builtins::promise::PromiseState;
use boa_engine::builtins::set::ordered_set::OrderedSet;
use boa_engine::object::builtins::{JsDate, JsPromise, JsRegExp, JsTypedArray};
use boa_engine::property::PropertyKey as BoaKey;
use boa_engine::{
    Context, JsBigInt, JsObject, JsResult, JsString, JsSymbol, JsValue, JsVariant, NativeFunction, js_string,
};
use std::io::Write;
use webmessaging::ecmascript::number_to_string;

/// How deep nested objects are printed before `[Object]` stands in.
const DEPTH: usize = 2;
/// How many elements or properties of one object are printed.
const BREADTH: usize = 100;

/// Installs the `console` namespace object.
pub fn install(context: &mut Context) -> JsResult<()> {
    let console = JsObject::with_object_proto(context.intrinsics());
    let methods: [(&str, super::Operation); 6] = [
        ("log", log_stdout),
        ("info", log_stdout),
        ("debug", log_stdout),
        ("warn", log_stderr),
        ("error", log_stderr),
        ("trace", log_stderr),
    ];
    for (name, function) in methods {
        let function = boa_engine::object::FunctionObjectBuilder::new(
            context.realm(),
            NativeFunction::from_fn_ptr(function),
        )
        .name(js_string!(name))
        .length(0)
        .build();
        console.create_data_property_or_throw(js_string!(name), function, context)?;
    }
    context.register_global_property(
        js_string!("console"),
        console,
        boa_engine::property::Attribute::WRITABLE | boa_engine::property::Attribute::CONFIGURABLE,
    )?;
    Ok(())
}

fn log_stdout(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let line = format_arguments(args, context);
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
    Ok(JsValue::undefined())
}

fn log_stderr(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let line = format_arguments(args, context);
    let _ = writeln!(std::io::stderr().lock(), "{line}");
    Ok(JsValue::undefined())
}

/// The line `console.log(...args)` prints: the arguments printed and
/// joined by spaces (the Console standard's Formatter is not applied:
/// `%s` and friends print as they are).
pub fn format_arguments(args: &[JsValue], context: &mut Context) -> String {
    args.iter()
        .map(|arg| match arg.as_string() {
            Some(s) => s.to_std_string_lossy(),
            None => inspect(arg, context),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A value in the console's one-line form.
pub fn inspect(value: &JsValue, context: &mut Context) -> String {
    let mut printer = Printer {
        context,
        stack: Vec::new(),
    };
    printer.value(value, 0)
}

struct Printer<'c> {
    context: &'c mut Context,
    /// The objects being printed, outermost first (to spot cycles).
    stack: Vec<JsObject>,
}

/// A string in quotes, as a nested string prints.
fn quoted(s: &JsString) -> String {
    let text = s.to_std_string_lossy();
    let mut out = String::with_capacity(text.len() + 2);
    out.push('\'');
    for c in text.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

fn symbol_text(symbol: &JsSymbol) -> String {
    symbol.descriptive_string().to_std_string_lossy()
}

fn number_text(n: f64) -> String {
    if n == 0.0 && n.is_sign_negative() {
        "-0".to_owned()
    } else {
        number_to_string(n)
    }
}

fn bigint_text(b: &JsBigInt) -> String {
    format!("{}n", b.to_string_radix(10))
}

/// A property key as an object literal would spell it.
fn key_text(key: &BoaKey) -> String {
    match key {
        BoaKey::Index(i) => i.get().to_string(),
        BoaKey::Symbol(s) => format!("[{}]", symbol_text(s)),
        BoaKey::String(s) => {
            let text = s.to_std_string_lossy();
            let identifier = text
                .chars()
                .next()
                .is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$')
                && text.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '$');
            if identifier { text } else { quoted(s) }
        }
    }
}

/// The value of a data property found on `object` or its prototypes,
/// without running code (`None` for an accessor or no property).
pub fn data_property(object: &JsObject, name: &str) -> Option<JsValue> {
    let key = BoaKey::from(js_string!(name));
    let mut current = Some(object.clone());
    let mut hops = 0;
    while let Some(o) = current {
        if let Some(desc) = o.borrow().properties().get(&key) {
            return desc.value().cloned();
        }
        hops += 1;
        if hops > 64 {
            return None;
        }
        current = o.prototype();
    }
    None
}

impl Printer<'_> {
    fn value(&mut self, value: &JsValue, depth: usize) -> String {
        match value.variant() {
            JsVariant::Undefined => "undefined".to_owned(),
            JsVariant::Null => "null".to_owned(),
            JsVariant::Boolean(b) => b.to_string(),
            JsVariant::Integer32(n) => n.to_string(),
            JsVariant::Float64(n) => number_text(n),
            JsVariant::BigInt(b) => bigint_text(&b),
            JsVariant::String(s) => quoted(&s),
            JsVariant::Symbol(s) => symbol_text(&s),
            JsVariant::Object(o) => self.object(&o, depth),
        }
    }

    fn object(&mut self, o: &JsObject, depth: usize) -> String {
        if self.stack.iter().any(|seen| JsObject::equals(seen, o)) {
            return "[Circular]".to_owned();
        }
        self.stack.push(o.clone());
        let text = self.object_inner(o, depth);
        self.stack.pop();
        text
    }

    fn object_inner(&mut self, o: &JsObject, depth: usize) -> String {
        let kind = match crate::realm::Originals::of(self.context) {
            Ok(originals) => crate::realm::classify(o, &originals, self.context),
            Err(_) => BoaKind::OtherBuiltin,
        };
        let too_deep = depth > DEPTH;
        match kind {
            BoaKind::Function => {
                let name = data_property(o, "name")
                    .and_then(|n| n.as_string())
                    .map(|n| n.to_std_string_lossy())
                    .filter(|n| !n.is_empty());
                match name {
                    Some(name) => format!("[Function: {name}]"),
                    None => "[Function (anonymous)]".to_owned(),
                }
            }
            BoaKind::Error => error_text(o),
            BoaKind::Platform => self.platform(o, depth),
            BoaKind::Boolean => format!("[Boolean: {}]", o.downcast_ref::<bool>().is_some_and(|b| *b)),
            BoaKind::Number => format!(
                "[Number: {}]",
                number_text(o.downcast_ref::<f64>().map_or(0.0, |n| *n))
            ),
            BoaKind::BigInt => {
                let text = o
                    .downcast_ref::<JsBigInt>()
                    .map(|b| bigint_text(&b))
                    .unwrap_or_default();
                format!("[BigInt: {text}]")
            }
            BoaKind::String => {
                let text = o
                    .downcast_ref::<JsString>()
                    .map(|s| quoted(&s))
                    .unwrap_or_default();
                format!("[String: {text}]")
            }
            BoaKind::Symbol => {
                let text = o
                    .downcast_ref::<JsSymbol>()
                    .map(|s| symbol_text(&s))
                    .unwrap_or_default();
                format!("[Symbol: {text}]")
            }
            BoaKind::Date => JsDate::from_object(o.clone())
                .ok()
                .and_then(|d| d.to_iso_string(self.context).ok())
                .and_then(|s| s.as_string())
                .map_or_else(|| "Invalid Date".to_owned(), |s| s.to_std_string_lossy()),
            BoaKind::RegExp => JsRegExp::from_object(o.clone())
                .ok()
                .and_then(|r| r.to_string(self.context).ok())
                .unwrap_or_else(|| "/(?:)/".to_owned()),
            BoaKind::ArrayBuffer | BoaKind::SharedArrayBuffer => buffer_text(o, kind),
            BoaKind::TypedArray => self.typed_array(o, depth),
            BoaKind::Promise => self.promise(o, depth),
            BoaKind::Proxy => "Proxy {}".to_owned(),
            BoaKind::WeakMap => "WeakMap { <items unknown> }".to_owned(),
            BoaKind::WeakSet => "WeakSet { <items unknown> }".to_owned(),
            BoaKind::WeakRef => "WeakRef {}".to_owned(),
            BoaKind::Map if too_deep => "[Map]".to_owned(),
            BoaKind::Map => self.map(o, depth),
            BoaKind::Set if too_deep => "[Set]".to_owned(),
            BoaKind::Set => self.set(o, depth),
            BoaKind::Array if too_deep => "[Array]".to_owned(),
            BoaKind::Array => self.array(o, depth),
            _ if too_deep => "[Object]".to_owned(),
            _ => {
                let entries = self.properties(o, depth, |_| false);
                let prefix = if o.prototype().is_none() {
                    "[Object: null prototype] "
                } else {
                    ""
                };
                braces(prefix, &entries)
            }
        }
    }

    /// `key: value` for each own enumerable property not `skip`ped.
    fn properties(&mut self, o: &JsObject, depth: usize, skip: impl Fn(&BoaKey) -> bool) -> Vec<String> {
        let keys = o.own_property_keys(self.context).unwrap_or_default();
        let mut out = Vec::new();
        for key in keys.into_iter().filter(|k| !skip(k)).take(BREADTH) {
            let Some(desc) = o.borrow().properties().get(&key) else {
                continue;
            };
            if !desc.enumerable().unwrap_or(false) {
                continue;
            }
            let value = match desc.value() {
                Some(value) => self.value(value, depth + 1),
                None if desc.set().is_some_and(|s| !s.is_undefined()) => "[Getter/Setter]".to_owned(),
                None => "[Getter]".to_owned(),
            };
            out.push(format!("{}: {value}", key_text(&key)));
        }
        out
    }

    fn array(&mut self, o: &JsObject, depth: usize) -> String {
        let length = data_property(o, "length")
            .and_then(|l| l.as_number())
            .unwrap_or(0.0) as u64;
        let mut items = Vec::new();
        let mut holes = 0u64;
        for i in 0..length.min(BREADTH as u64) {
            let key = BoaKey::from(i as u32);
            let element = o.borrow().properties().get(&key);
            match element {
                None => holes += 1,
                Some(desc) => {
                    if holes > 0 {
                        items.push(empty_items(holes));
                        holes = 0;
                    }
                    items.push(match desc.value() {
                        Some(value) => self.value(value, depth + 1),
                        None => "[Getter]".to_owned(),
                    });
                }
            }
        }
        if holes > 0 {
            items.push(empty_items(holes));
        }
        if length > BREADTH as u64 {
            items.push(format!("... {} more items", length - BREADTH as u64));
        }
        let rest = self.properties(o, depth, |k| matches!(k, BoaKey::Index(_)));
        items.extend(rest);
        brackets(&items)
    }

    fn typed_array(&mut self, o: &JsObject, depth: usize) -> String {
        let Ok(typed) = JsTypedArray::from_object(o.clone()) else {
            return "TypedArray []".to_owned();
        };
        let name = data_property(o, "constructor")
            .and_then(|c| c.as_object())
            .and_then(|c| data_property(&c, "name"))
            .and_then(|n| n.as_string())
            .map_or_else(|| "TypedArray".to_owned(), |n| n.to_std_string_lossy());
        let length = typed.length(self.context).unwrap_or(0);
        let mut items = Vec::new();
        for i in 0..length.min(BREADTH) {
            let value = typed.at(i as i64, self.context).unwrap_or_default();
            items.push(self.value(&value, depth + 1));
        }
        if length > BREADTH {
            items.push(format!("... {} more items", length - BREADTH));
        }
        format!("{name}({length}) {}", brackets(&items))
    }

    fn map(&mut self, o: &JsObject, depth: usize) -> String {
        let entries: Vec<(JsValue, JsValue)> = o
            .downcast_ref::<OrderedMap<JsValue>>()
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default();
        let items: Vec<String> = entries
            .iter()
            .take(BREADTH)
            .map(|(k, v)| format!("{} => {}", self.value(k, depth + 1), self.value(v, depth + 1)))
            .collect();
        braces(&format!("Map({}) ", entries.len()), &items)
    }

    fn set(&mut self, o: &JsObject, depth: usize) -> String {
        let values: Vec<JsValue> = o
            .downcast_ref::<OrderedSet>()
            .map(|s| s.iter().cloned().collect())
            .unwrap_or_default();
        let items: Vec<String> = values
            .iter()
            .take(BREADTH)
            .map(|v| self.value(v, depth + 1))
            .collect();
        braces(&format!("Set({}) ", values.len()), &items)
    }

    fn promise(&mut self, o: &JsObject, depth: usize) -> String {
        let Ok(promise) = JsPromise::from_object(o.clone()) else {
            return "Promise {}".to_owned();
        };
        match promise.state() {
            PromiseState::Pending => "Promise { <pending> }".to_owned(),
            PromiseState::Fulfilled(v) => format!("Promise {{ {} }}", self.value(&v, depth + 1)),
            PromiseState::Rejected(v) => format!("Promise {{ <rejected> {} }}", self.value(&v, depth + 1)),
        }
    }

    fn platform(&mut self, o: &JsObject, depth: usize) -> String {
        let (interface, summary) = {
            let Some(data) = platform_data(o) else {
                return "{}".to_owned();
            };
            let summary = match &data.state {
                PlatformState::DomException { name, message } => Some(format!(
                    "{}: {}",
                    name.to_std_string_lossy(),
                    message.to_std_string_lossy()
                )),
                PlatformState::Event(event) => {
                    Some(format!("{} {{ type: {} }}", data.interface, quoted(&event.kind)))
                }
                PlatformState::None | PlatformState::MessageChannel { .. } | PlatformState::Worker { .. } => {
                    None
                }
            };
            (data.interface.clone(), summary)
        };
        match summary {
            Some(summary) => summary,
            None => {
                let entries = self.properties(o, depth, |_| false);
                braces(&format!("{interface} "), &entries)
            }
        }
    }
}

fn empty_items(n: u64) -> String {
    format!("<{n} empty item{}>", if n == 1 { "" } else { "s" })
}

fn brackets(items: &[String]) -> String {
    if items.is_empty() {
        "[]".to_owned()
    } else {
        format!("[ {} ]", items.join(", "))
    }
}

fn braces(prefix: &str, items: &[String]) -> String {
    if items.is_empty() {
        format!("{prefix}{{}}")
    } else {
        format!("{prefix}{{ {} }}", items.join(", "))
    }
}

/// An Error as consoles print it: `Name: message`, then Boa's stack lines.
pub fn error_text(o: &JsObject) -> String {
    let name = data_property(o, "name")
        .and_then(|n| n.as_string())
        .map_or_else(|| "Error".to_owned(), |n| n.to_std_string_lossy());
    let message = data_property(o, "message")
        .and_then(|m| m.as_string())
        .map(|m| m.to_std_string_lossy())
        .unwrap_or_default();
    if message.is_empty() {
        name
    } else {
        format!("{name}: {message}")
    }
}

fn buffer_text(o: &JsObject, kind: BoaKind) -> String {
    let bytes = if kind == BoaKind::ArrayBuffer {
        o.downcast_ref::<ArrayBuffer>()
            .and_then(|b| b.data().map(<[u8]>::to_vec))
    } else {
        o.downcast_ref::<SharedArrayBuffer>().map(|_| {
            boa_engine::object::builtins::JsSharedArrayBuffer::from_object(o.clone())
                .map(|s| s.to_vec())
                .unwrap_or_default()
        })
    };
    let name = if kind == BoaKind::ArrayBuffer {
        "ArrayBuffer"
    } else {
        "SharedArrayBuffer"
    };
    match bytes {
        None => format!("{name} {{ (detached), byteLength: 0 }}"),
        Some(bytes) => {
            let hex: Vec<String> = bytes.iter().take(BREADTH).map(|b| format!("{b:02x}")).collect();
            format!(
                "{name} {{ [Uint8Contents]: <{}>, byteLength: {} }}",
                hex.join(" "),
                bytes.len()
            )
        }
    }
}
