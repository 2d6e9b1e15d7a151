//! What the `Realm` trait's readers hand over: a property descriptor, and
//! the contents of the internal slots the structured-data algorithms
//! inspect (an ArrayBuffer's, a view's, an Error's prototype, a platform
//! object's, a Map's entries).

use crate::ecmascript::{SharedDataBlock, Value};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A Property Descriptor as [[GetOwnProperty]] returns it. Accessor functions
/// are not exposed: the algorithms only ever test for a data descriptor.
///
/// <https://tc39.es/ecma262/#sec-property-descriptor-specification-type>
#[derive(Debug, Clone)]
pub enum PropertyDescriptor<O> {
    /// A data property.
    Data {
        /// [[Value]]
        value: Value<O>,
        /// [[Writable]]
        writable: bool,
        /// [[Enumerable]]
        enumerable: bool,
        /// [[Configurable]]
        configurable: bool,
    },
    /// An accessor property.
    Accessor {
        /// [[Enumerable]]
        enumerable: bool,
        /// [[Configurable]]
        configurable: bool,
    },
}

impl<O> PropertyDescriptor<O> {
    /// IsDataDescriptor(Desc) for a present descriptor.
    ///
    /// <https://tc39.es/ecma262/#sec-isdatadescriptor>
    pub fn is_data_descriptor(&self) -> bool {
        matches!(self, PropertyDescriptor::Data { .. })
    }
}

/// The internal slots of an ArrayBuffer or SharedArrayBuffer that the
/// algorithms read (the bytes are read through `copy_data_block_bytes`).
#[derive(Debug, Clone)]
pub struct ArrayBufferSlots {
    /// [[ArrayBufferByteLength]]; for a growable SharedArrayBuffer, the length
    /// currently held in [[ArrayBufferByteLengthData]].
    pub byte_length: usize,
    /// [[ArrayBufferMaxByteLength]], present only on resizable ArrayBuffers
    /// and growable SharedArrayBuffers.
    pub max_byte_length: Option<usize>,
    /// The Shared Data Block, for a SharedArrayBuffer.
    pub shared: Option<SharedDataBlock>,
}

/// Which kind of ArrayBuffer view: DataView or one of the TypedArray
/// constructors (its [[TypedArrayName]]).
///
/// <https://tc39.es/ecma262/#table-the-typedarray-constructors>
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[allow(missing_docs)]
pub enum ViewKind {
    DataView,
    Int8Array,
    Uint8Array,
    Uint8ClampedArray,
    Int16Array,
    Uint16Array,
    Int32Array,
    Uint32Array,
    Float16Array,
    Float32Array,
    Float64Array,
    BigInt64Array,
    BigUint64Array,
}

impl ViewKind {
    /// Every kind, DataView first.
    pub const ALL: [ViewKind; 13] = [
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

    /// The constructor name ([[TypedArrayName]], or "DataView").
    pub fn name(self) -> &'static str {
        match self {
            ViewKind::DataView => "DataView",
            ViewKind::Int8Array => "Int8Array",
            ViewKind::Uint8Array => "Uint8Array",
            ViewKind::Uint8ClampedArray => "Uint8ClampedArray",
            ViewKind::Int16Array => "Int16Array",
            ViewKind::Uint16Array => "Uint16Array",
            ViewKind::Int32Array => "Int32Array",
            ViewKind::Uint32Array => "Uint32Array",
            ViewKind::Float16Array => "Float16Array",
            ViewKind::Float32Array => "Float32Array",
            ViewKind::Float64Array => "Float64Array",
            ViewKind::BigInt64Array => "BigInt64Array",
            ViewKind::BigUint64Array => "BigUint64Array",
        }
    }

    /// The kind named `name`, if any.
    pub fn from_name(name: &str) -> Option<ViewKind> {
        ViewKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// Bytes per element (1 for DataView, whose lengths are in bytes).
    pub fn element_size(self) -> usize {
        match self {
            ViewKind::DataView | ViewKind::Int8Array | ViewKind::Uint8Array | ViewKind::Uint8ClampedArray => {
                1
            }
            ViewKind::Int16Array | ViewKind::Uint16Array | ViewKind::Float16Array => 2,
            ViewKind::Int32Array | ViewKind::Uint32Array | ViewKind::Float32Array => 4,
            ViewKind::Float64Array | ViewKind::BigInt64Array | ViewKind::BigUint64Array => 8,
        }
    }
}

impl fmt::Display for ViewKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The internal slots of a TypedArray or DataView.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ViewSlots<O> {
    /// DataView (has [[DataView]]) or the [[TypedArrayName]].
    pub kind: ViewKind,
    /// [[ViewedArrayBuffer]]
    pub buffer: O,
    /// [[ByteOffset]]
    pub byte_offset: usize,
    /// [[ByteLength]]; `None` is `auto` (a length-tracking view).
    pub byte_length: Option<usize>,
    /// [[ArrayLength]] of a TypedArray (`None` is `auto`); always `None` for
    /// a DataView, which has no such slot.
    pub array_length: Option<usize>,
}

/// The prototypes StructuredDeserialize may give a new Error object
/// (SD steps 21.1 – 21.7). Not AggregateError, not SuppressedError.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[allow(missing_docs)]
pub enum ErrorPrototype {
    Error,
    EvalError,
    RangeError,
    ReferenceError,
    SyntaxError,
    TypeError,
    URIError,
}

impl ErrorPrototype {
    /// Every native error kind.
    pub const ALL: [ErrorPrototype; 7] = [
        ErrorPrototype::Error,
        ErrorPrototype::EvalError,
        ErrorPrototype::RangeError,
        ErrorPrototype::ReferenceError,
        ErrorPrototype::SyntaxError,
        ErrorPrototype::TypeError,
        ErrorPrototype::URIError,
    ];

    /// The constructor's name, which is also the prototype's `name`.
    pub fn name(self) -> &'static str {
        match self {
            ErrorPrototype::Error => "Error",
            ErrorPrototype::EvalError => "EvalError",
            ErrorPrototype::RangeError => "RangeError",
            ErrorPrototype::ReferenceError => "ReferenceError",
            ErrorPrototype::SyntaxError => "SyntaxError",
            ErrorPrototype::TypeError => "TypeError",
            ErrorPrototype::URIError => "URIError",
        }
    }

    /// The kind named `name` (exact match), if any.
    pub fn from_name(name: &str) -> Option<ErrorPrototype> {
        ErrorPrototype::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The kind whose name is exactly these UTF-16 code units, if any (the
    /// names are ASCII: one unit a byte). Only names of the same length are
    /// compared unit by unit.
    ///
    /// ```
    /// use webmessaging::ecmascript::{ErrorPrototype, JsString};
    /// let name = JsString::from("TypeError");
    /// assert_eq!(ErrorPrototype::from_code_units(name.code_units()), Some(ErrorPrototype::TypeError));
    /// for other in ["TypeErro", "TypeErrors", "typeError", "AggregateError", ""] {
    ///     assert_eq!(ErrorPrototype::from_code_units(JsString::from(other).code_units()), None);
    /// }
    /// ```
    pub fn from_code_units(units: &[u16]) -> Option<ErrorPrototype> {
        ErrorPrototype::ALL.into_iter().find(|k| {
            let name = k.name();
            name.len() == units.len() && name.bytes().map(u16::from).eq(units.iter().copied())
        })
    }
}

/// What a platform object carries that the algorithms inspect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlatformObjectSlots {
    /// The identifier of the object's primary interface (e.g. "MessagePort").
    pub interface: String,
    /// The HTML [[Detached]] slot, present on transferable platform objects.
    pub detached: Option<bool>,
}

/// One Record { [[Key]], [[Value]] } of a Map's [[MapData]]; `None` is an
/// entry deleted (*empty*).
pub type MapEntry<O> = Option<(Value<O>, Value<O>)>;
