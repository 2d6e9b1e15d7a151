//! Writing the grammar. The graph has been checked already, so writing
//! cannot fail.

use super::tag::{self, primitive, slot};
use super::{FORMAT_VERSION, MAGIC};
use crate::ecmascript::{BigInt, JsString};
use crate::structured::record::{Primitive, Record, RecordId, Serialized, Slot};

/// The bytes of a checked graph that holds no shared memory.
pub(super) fn write(serialized: &Serialized) -> Vec<u8> {
    // A guess at the size, so that small graphs are written without
    // growing the buffer: a few bytes a record and the header.
    let mut w = Writer(Vec::with_capacity(16 + 8 * serialized.records.len()));
    w.0.extend_from_slice(&MAGIC);
    w.0.push(FORMAT_VERSION);
    w.size(serialized.records.len());
    w.id(serialized.root);
    for record in &serialized.records {
        w.record(record);
    }
    w.0
}

struct Writer(Vec<u8>);

impl Writer {
    fn varint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.0.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
    }

    fn size(&mut self, n: usize) {
        // usize is at most 64 bits on every target Rust supports.
        self.varint(n as u64);
    }

    fn id(&mut self, id: RecordId) {
        self.varint(u64::from(id.0));
    }

    fn bool(&mut self, b: bool) {
        self.0.push(u8::from(b));
    }

    fn f64(&mut self, x: f64) {
        self.0.extend_from_slice(&x.to_bits().to_le_bytes());
    }

    fn js_string(&mut self, s: &JsString) {
        self.size(s.len());
        let start = self.0.len();
        self.0.resize(start + 2 * s.len(), 0);
        for (pair, unit) in self.0[start..].chunks_exact_mut(2).zip(s.code_units()) {
            pair.copy_from_slice(&unit.to_le_bytes());
        }
    }

    fn optional_js_string(&mut self, s: Option<&JsString>) {
        self.bool(s.is_some());
        if let Some(s) = s {
            self.js_string(s);
        }
    }

    fn bytes(&mut self, bytes: &[u8]) {
        self.size(bytes.len());
        self.0.extend_from_slice(bytes);
    }

    fn bigint(&mut self, b: &BigInt) {
        self.bytes(b.as_decimal().as_bytes());
    }

    fn optional_size(&mut self, n: Option<usize>) {
        self.bool(n.is_some());
        if let Some(n) = n {
            self.size(n);
        }
    }

    fn properties(&mut self, properties: &[(JsString, Slot)]) {
        self.size(properties.len());
        for (key, value) in properties {
            self.js_string(key);
            self.slot(value);
        }
    }

    fn slot(&mut self, value: &Slot) {
        match value {
            Slot::Record(id) => {
                self.0.push(slot::RECORD);
                self.id(*id);
            }
            Slot::Primitive(p) => {
                self.0.push(slot::PRIMITIVE);
                self.primitive(p);
            }
        }
    }

    fn primitive(&mut self, p: &Primitive) {
        match p {
            Primitive::Undefined => self.0.push(primitive::UNDEFINED),
            Primitive::Null => self.0.push(primitive::NULL),
            Primitive::Boolean(b) => {
                self.0.push(primitive::BOOLEAN);
                self.bool(*b);
            }
            Primitive::Number(n) => {
                self.0.push(primitive::NUMBER);
                self.f64(*n);
            }
            Primitive::BigInt(b) => {
                self.0.push(primitive::BIGINT);
                self.bigint(b);
            }
            Primitive::String(s) => {
                self.0.push(primitive::STRING);
                self.js_string(s);
            }
        }
    }

    fn record(&mut self, record: &Record) {
        match record {
            Record::Primitive(p) => {
                self.0.push(tag::PRIMITIVE);
                self.primitive(p);
            }
            Record::Boolean(b) => {
                self.0.push(tag::BOOLEAN);
                self.bool(*b);
            }
            Record::Number(n) => {
                self.0.push(tag::NUMBER);
                self.f64(*n);
            }
            Record::BigInt(b) => {
                self.0.push(tag::BIGINT);
                self.bigint(b);
            }
            Record::String(s) => {
                self.0.push(tag::STRING);
                self.js_string(s);
            }
            Record::Date(t) => {
                self.0.push(tag::DATE);
                self.f64(*t);
            }
            Record::RegExp { source, flags } => {
                self.0.push(tag::REGEXP);
                self.js_string(source);
                self.js_string(flags);
            }
            Record::SharedArrayBuffer { .. } | Record::GrowableSharedArrayBuffer { .. } => {
                // `encode` refuses these before anything is written; should
                // one slip through, the reserved tag makes decoding fail.
                self.0.push(tag::SHARED_ARRAY_BUFFER);
            }
            Record::ArrayBuffer { data } => {
                self.0.push(tag::ARRAY_BUFFER);
                self.bytes(data);
            }
            Record::ResizableArrayBuffer {
                data,
                max_byte_length,
            } => {
                self.0.push(tag::RESIZABLE_ARRAY_BUFFER);
                self.bytes(data);
                self.size(*max_byte_length);
            }
            Record::ArrayBufferView {
                constructor,
                buffer,
                byte_length,
                byte_offset,
                array_length,
            } => {
                self.0.push(tag::ARRAY_BUFFER_VIEW);
                self.0.push(tag::view_kind_byte(*constructor));
                self.id(*buffer);
                self.size(*byte_offset);
                self.optional_size(*byte_length);
                self.optional_size(*array_length);
            }
            Record::Map { entries } => {
                self.0.push(tag::MAP);
                self.size(entries.len());
                for (key, value) in entries {
                    self.id(*key);
                    self.id(*value);
                }
            }
            Record::Set { entries } => {
                self.0.push(tag::SET);
                self.size(entries.len());
                for entry in entries {
                    self.id(*entry);
                }
            }
            Record::Error { name, message, stack } => {
                self.0.push(tag::ERROR);
                self.0.push(tag::error_prototype_byte(*name));
                self.optional_js_string(message.as_ref());
                self.optional_js_string(stack.as_ref());
            }
            Record::Array {
                length,
                elements,
                properties,
            } => {
                self.0.push(tag::ARRAY);
                self.varint(u64::from(*length));
                self.size(elements.len());
                for element in elements {
                    self.slot(element);
                }
                self.properties(properties);
            }
            Record::Object { properties } => {
                self.0.push(tag::OBJECT);
                self.properties(properties);
            }
            Record::Platform { interface, fields } => {
                self.0.push(tag::PLATFORM);
                self.bytes(interface.as_bytes());
                self.size(fields.len());
                for (name, value) in fields {
                    self.bytes(name.as_bytes());
                    self.id(*value);
                }
            }
            Record::Transferred { holder } => {
                self.0.push(tag::TRANSFERRED);
                self.size(*holder);
            }
        }
    }
}
