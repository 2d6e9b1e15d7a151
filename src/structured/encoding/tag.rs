//! The tag bytes of the format and the names records go by in messages.

use crate::ecmascript::{ErrorPrototype, ViewKind};
use crate::structured::record::Record;

pub(super) const PRIMITIVE: u8 = 0x00;
pub(super) const BOOLEAN: u8 = 0x01;
pub(super) const NUMBER: u8 = 0x02;
pub(super) const BIGINT: u8 = 0x03;
pub(super) const STRING: u8 = 0x04;
pub(super) const DATE: u8 = 0x05;
pub(super) const REGEXP: u8 = 0x06;
pub(super) const SHARED_ARRAY_BUFFER: u8 = 0x07;
pub(super) const GROWABLE_SHARED_ARRAY_BUFFER: u8 = 0x08;
pub(super) const ARRAY_BUFFER: u8 = 0x09;
pub(super) const RESIZABLE_ARRAY_BUFFER: u8 = 0x0A;
pub(super) const ARRAY_BUFFER_VIEW: u8 = 0x0B;
pub(super) const MAP: u8 = 0x0C;
pub(super) const SET: u8 = 0x0D;
pub(super) const ERROR: u8 = 0x0E;
pub(super) const ARRAY: u8 = 0x0F;
pub(super) const OBJECT: u8 = 0x10;
pub(super) const PLATFORM: u8 = 0x11;
pub(super) const TRANSFERRED: u8 = 0x12;

/// Tags of a property's value (a [`Slot`](crate::structured::Slot)).
pub(super) mod slot {
    /// A record id follows.
    pub(in super::super) const RECORD: u8 = 0x00;
    /// A primitive kept in place follows.
    pub(in super::super) const PRIMITIVE: u8 = 0x01;
}

/// Tags of the values inside a "primitive" record.
pub(super) mod primitive {
    pub(in super::super) const UNDEFINED: u8 = 0x00;
    pub(in super::super) const NULL: u8 = 0x01;
    pub(in super::super) const BOOLEAN: u8 = 0x02;
    pub(in super::super) const NUMBER: u8 = 0x03;
    pub(in super::super) const BIGINT: u8 = 0x04;
    pub(in super::super) const STRING: u8 = 0x05;
}

/// View constructors by their byte. Written out rather than taken from
/// `ViewKind::ALL`, so that reordering that list cannot change the format.
pub(super) const VIEW_KINDS: [ViewKind; 13] = [
    ViewKind::DataView,
    ViewKind::Int8Array,
    ViewKind::Uint8Array,
    ViewKind::Uint8ClampedArray,
    ViewKind::Int16Array,
    ViewKind::Uint16Array,
    ViewKind::Int32Array,
    ViewKind::Uint32Array,
    ViewKind::Float16Array,
    ViewKind::Float32Array,
    ViewKind::Float64Array,
    ViewKind::BigInt64Array,
    ViewKind::BigUint64Array,
];

/// Error prototypes by their byte (fixed for the same reason).
pub(super) const ERROR_PROTOTYPES: [ErrorPrototype; 7] = [
    ErrorPrototype::Error,
    ErrorPrototype::EvalError,
    ErrorPrototype::RangeError,
    ErrorPrototype::ReferenceError,
    ErrorPrototype::SyntaxError,
    ErrorPrototype::TypeError,
    ErrorPrototype::URIError,
];

/// The byte of a view constructor.
pub(super) fn view_kind_byte(kind: ViewKind) -> u8 {
    match kind {
        ViewKind::DataView => 0x00,
        ViewKind::Int8Array => 0x01,
        ViewKind::Uint8Array => 0x02,
        ViewKind::Uint8ClampedArray => 0x03,
        ViewKind::Int16Array => 0x04,
        ViewKind::Uint16Array => 0x05,
        ViewKind::Int32Array => 0x06,
        ViewKind::Uint32Array => 0x07,
        ViewKind::Float16Array => 0x08,
        ViewKind::Float32Array => 0x09,
        ViewKind::Float64Array => 0x0A,
        ViewKind::BigInt64Array => 0x0B,
        ViewKind::BigUint64Array => 0x0C,
    }
}

/// The byte of an error prototype.
pub(super) fn error_prototype_byte(prototype: ErrorPrototype) -> u8 {
    match prototype {
        ErrorPrototype::Error => 0x00,
        ErrorPrototype::EvalError => 0x01,
        ErrorPrototype::RangeError => 0x02,
        ErrorPrototype::ReferenceError => 0x03,
        ErrorPrototype::SyntaxError => 0x04,
        ErrorPrototype::TypeError => 0x05,
        ErrorPrototype::URIError => 0x06,
    }
}

/// The record's [[Type]] as the standard spells it, for messages.
pub(super) fn kind_name(record: &Record) -> &'static str {
    match record {
        Record::Primitive(_) => "primitive",
        Record::Boolean(_) => "Boolean",
        Record::Number(_) => "Number",
        Record::BigInt(_) => "BigInt",
        Record::String(_) => "String",
        Record::Date(_) => "Date",
        Record::RegExp { .. } => "RegExp",
        Record::SharedArrayBuffer { .. } => "SharedArrayBuffer",
        Record::GrowableSharedArrayBuffer { .. } => "GrowableSharedArrayBuffer",
        Record::ArrayBuffer { .. } => "ArrayBuffer",
        Record::ResizableArrayBuffer { .. } => "ResizableArrayBuffer",
        Record::ArrayBufferView { .. } => "ArrayBufferView",
        Record::Map { .. } => "Map",
        Record::Set { .. } => "Set",
        Record::Error { .. } => "Error",
        Record::Array { .. } => "Array",
        Record::Object { .. } => "Object",
        Record::Platform { .. } => "platform object",
        Record::Transferred { .. } => "Transferred",
    }
}

/// The same names by tag byte, for errors raised before a record is built.
pub(super) fn tag_name(tag: u8) -> Option<&'static str> {
    Some(match tag {
        PRIMITIVE => "primitive",
        BOOLEAN => "Boolean",
        NUMBER => "Number",
        BIGINT => "BigInt",
        STRING => "String",
        DATE => "Date",
        REGEXP => "RegExp",
        SHARED_ARRAY_BUFFER => "SharedArrayBuffer",
        GROWABLE_SHARED_ARRAY_BUFFER => "GrowableSharedArrayBuffer",
        ARRAY_BUFFER => "ArrayBuffer",
        RESIZABLE_ARRAY_BUFFER => "ResizableArrayBuffer",
        ARRAY_BUFFER_VIEW => "ArrayBufferView",
        MAP => "Map",
        SET => "Set",
        ERROR => "Error",
        ARRAY => "Array",
        OBJECT => "Object",
        PLATFORM => "platform object",
        TRANSFERRED => "Transferred",
        _ => return None,
    })
}

/// The [[Type]] of a record that holds shared memory, if it is one.
pub(super) fn shared_kind(record: &Record) -> Option<&'static str> {
    match record {
        Record::SharedArrayBuffer { .. } | Record::GrowableSharedArrayBuffer { .. } => {
            Some(kind_name(record))
        }
        _ => None,
    }
}
