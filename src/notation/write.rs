//! Writing a document as JSON text. The layout is fixed so that equal
//! documents are equal text: fields in the order the notation lists them,
//! one object per line, plain JSON for every value that it represents exactly.

use super::document::{Buffer, Document, Key, Kind, MESSAGE_PORT, Object, Prop, PropValue, Val};
use crate::ecmascript::{JsString, number_to_string};
use std::fmt::Write;

impl Document {
    /// The document as JSON text: one field per line at the top, one object
    /// per line in `objects`.
    pub fn to_json_string(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out, 0);
        out.push('\n');
        out
    }

    /// The document on one line; just its root VALUE when it has no objects
    /// and no transfer list (as the `run` command prints message data).
    pub fn to_one_line(&self) -> String {
        let mut out = String::new();
        if self.objects.is_empty() && self.transfer.is_empty() {
            write_val(&mut out, &self.root);
            return out;
        }
        out.push_str("{\"root\": ");
        write_val(&mut out, &self.root);
        out.push_str(", \"objects\": [");
        for (i, object) in self.objects.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            write_object(&mut out, object);
        }
        out.push(']');
        if !self.transfer.is_empty() {
            out.push_str(", \"transfer\": ");
            write_indices(&mut out, &self.transfer);
        }
        out.push('}');
        out
    }

    /// Appends the document's JSON to `out`, its lines after the first
    /// indented by `indent` levels (two spaces each), without a final newline.
    pub fn write_json(&self, out: &mut String, indent: usize) {
        let pad = "  ".repeat(indent);
        out.push_str("{\n");
        let _ = write!(out, "{pad}  \"root\": ");
        write_val(out, &self.root);
        out.push_str(",\n");
        write_objects(out, &self.objects, &pad);
        if !self.transfer.is_empty() {
            let _ = write!(out, ",\n{pad}  \"transfer\": ");
            write_indices(out, &self.transfer);
        }
        let _ = write!(out, "\n{pad}}}");
    }
}

/// `"objects": [...]` at one level below `pad`, no trailing newline.
pub(crate) fn write_objects(out: &mut String, objects: &[Object], pad: &str) {
    let _ = write!(out, "{pad}  \"objects\": [");
    for (i, object) in objects.iter().enumerate() {
        out.push_str(if i == 0 { "\n" } else { ",\n" });
        let _ = write!(out, "{pad}    ");
        write_object(out, object);
    }
    if !objects.is_empty() {
        let _ = write!(out, "\n{pad}  ");
    }
    out.push(']');
}

/// `[0, 1, 2]`
pub(crate) fn write_indices(out: &mut String, indices: &[usize]) {
    out.push('[');
    for (i, n) in indices.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "{n}");
    }
    out.push(']');
}

/// A JSON string literal of Rust text.
pub(crate) fn write_str(out: &mut String, text: &str) {
    out.push('"');
    text.chars().for_each(|c| write_char(out, c));
    out.push('"');
}

/// One character inside a JSON string literal, escaped if JSON requires it.
fn write_char(out: &mut String, c: char) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if u32::from(c) < 0x20 => {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        }
        c => out.push(c),
    }
}

/// A String: plain JSON when it is valid Unicode, else its code units.
fn write_js_string(out: &mut String, s: &JsString) {
    let units = s.code_units();
    if char::decode_utf16(units.iter().copied()).all(|c| c.is_ok()) {
        out.push('"');
        char::decode_utf16(units.iter().copied())
            .flatten()
            .for_each(|c| write_char(out, c));
        out.push('"');
    } else {
        out.push_str("{\"utf16\": [");
        for (i, unit) in units.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            let _ = write!(out, "{unit}");
        }
        out.push_str("]}");
    }
}

fn write_number(out: &mut String, n: f64) {
    if n.is_nan() {
        out.push_str("{\"number\": \"NaN\"}");
    } else if n.is_infinite() {
        out.push_str(if n > 0.0 {
            "{\"number\": \"Infinity\"}"
        } else {
            "{\"number\": \"-Infinity\"}"
        });
    } else if n == 0.0 && n.is_sign_negative() {
        out.push_str("{\"number\": \"-0\"}");
    } else {
        // ECMAScript's own text for the number: the shortest that reads back
        // as `n`, and always a valid JSON number for a finite one.
        out.push_str(&number_to_string(n));
    }
}

/// A VALUE.
pub(crate) fn write_val(out: &mut String, v: &Val) {
    match v {
        Val::Undefined => out.push_str("{\"undefined\": true}"),
        Val::Null => out.push_str("null"),
        Val::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Val::Number(n) => write_number(out, *n),
        Val::BigInt(b) => {
            let _ = write!(out, "{{\"bigint\": \"{}\"}}", b.as_decimal());
        }
        Val::String(s) => write_js_string(out, s),
        Val::Symbol(description) => write_symbol(out, description.as_ref()),
        Val::Ref(i) => {
            let _ = write!(out, "{{\"ref\": {i}}}");
        }
    }
}

fn write_symbol(out: &mut String, description: Option<&JsString>) {
    out.push_str("{\"symbol\": ");
    match description {
        Some(d) => write_js_string(out, d),
        None => out.push_str("null"),
    }
    out.push('}');
}

fn write_prop(out: &mut String, prop: &Prop) {
    out.push('[');
    match &prop.key {
        Key::String(s) => write_js_string(out, s),
        Key::Symbol(d) => write_symbol(out, d.as_ref()),
    }
    out.push_str(", ");
    match &prop.value {
        PropValue::Data(v) => write_val(out, v),
        PropValue::GetterReturns(v) => {
            out.push_str("{\"getter\": {\"returns\": ");
            write_val(out, v);
            out.push_str("}}");
        }
        PropValue::GetterThrows(v) => {
            out.push_str("{\"getter\": {\"throws\": ");
            write_val(out, v);
            out.push_str("}}");
        }
    }
    if !prop.enumerable {
        out.push_str(", {\"enumerable\": false}");
    }
    out.push(']');
}

/// An OBJECT on one line: kind, fields, props.
pub(crate) fn write_object(out: &mut String, object: &Object) {
    out.push_str("{\"kind\": ");
    write_str(out, object.kind.name());
    // `, "name": ` before each field.
    let field = |out: &mut String, name: &str| {
        let _ = write!(out, ", \"{name}\": ");
    };
    match &object.kind {
        Kind::Array { length } => {
            field(out, "length");
            let _ = write!(out, "{length}");
        }
        Kind::Boolean(b) => {
            field(out, "value");
            write_val(out, &Val::Bool(*b));
        }
        Kind::Number(n) => {
            field(out, "value");
            write_number(out, *n);
        }
        Kind::String(s) => {
            field(out, "value");
            write_js_string(out, s);
        }
        Kind::BigInt(b) => {
            field(out, "value");
            write_val(out, &Val::BigInt(b.clone()));
        }
        Kind::Date { time } => {
            field(out, "time");
            write_number(out, *time);
        }
        Kind::RegExp {
            source,
            flags,
            last_index,
        } => {
            field(out, "source");
            write_js_string(out, source);
            field(out, "flags");
            write_js_string(out, flags);
            if let Some(v) = last_index {
                field(out, "lastIndex");
                write_val(out, v);
            }
        }
        Kind::ArrayBuffer(buffer) => write_buffer(out, buffer),
        Kind::View {
            kind,
            buffer,
            byte_offset,
            length,
        } => {
            let _ = write!(out, ", \"buffer\": {buffer}, \"byteOffset\": {byte_offset}");
            field(
                out,
                if *kind == crate::ecmascript::ViewKind::DataView {
                    "byteLength"
                } else {
                    "length"
                },
            );
            match length {
                Some(n) => {
                    let _ = write!(out, "{n}");
                }
                None => out.push_str("null"),
            }
        }
        Kind::Map { entries } => {
            field(out, "entries");
            out.push('[');
            for (i, (k, v)) in entries.iter().enumerate() {
                out.push_str(if i == 0 { "[" } else { ", [" });
                write_val(out, k);
                out.push_str(", ");
                write_val(out, v);
                out.push(']');
            }
            out.push(']');
        }
        Kind::Set { values } => {
            field(out, "values");
            write_vals(out, values);
        }
        Kind::Error { name, message, stack } => {
            field(out, "name");
            write_str(out, name.name());
            if let Some(m) = message {
                field(out, "message");
                write_val(out, m);
            }
            if let Some(s) = stack {
                field(out, "stack");
                write_js_string(out, s);
            }
        }
        Kind::Platform { interface, detached } => {
            if interface == MESSAGE_PORT {
                // A port's [[Detached]] is always there; only `true` is news.
                if *detached == Some(true) {
                    out.push_str(", \"detached\": true");
                }
            } else {
                field(out, "interface");
                write_str(out, interface);
                if let Some(d) = detached {
                    let _ = write!(out, ", \"detached\": {d}");
                }
            }
        }
        Kind::Object
        | Kind::ObjectPrototype
        | Kind::Function
        | Kind::SymbolObject
        | Kind::WeakMap
        | Kind::WeakSet
        | Kind::WeakRef
        | Kind::Promise
        | Kind::Proxy => {}
    }
    if !object.props.is_empty() {
        field(out, "props");
        out.push('[');
        for (i, prop) in object.props.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            write_prop(out, prop);
        }
        out.push(']');
    }
    out.push('}');
}

fn write_vals(out: &mut String, values: &[Val]) {
    out.push('[');
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write_val(out, v);
    }
    out.push(']');
}

fn write_buffer(out: &mut String, buffer: &Buffer) {
    out.push_str(", \"bytes\": \"");
    for byte in &buffer.bytes {
        let _ = write!(out, "{byte:02x}");
    }
    out.push('"');
    if let Some(max) = buffer.max_byte_length {
        let _ = write!(out, ", \"maxByteLength\": {max}");
    }
    if buffer.shared {
        out.push_str(", \"shared\": true");
    }
    if buffer.detached {
        out.push_str(", \"detached\": true");
    }
    if buffer.detach_key {
        out.push_str(", \"detachKey\": true");
    }
}
