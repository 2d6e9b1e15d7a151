//! The fuzzer's description of a heap graph and a transfer list, and how it
//! is laid out in a `Heap`.
//!
//! The description is free-form; building it applies the rules a real
//! engine would have enforced when script made those objects (an Array's
//! length covers its indices, a Map has no two SameValueZero keys, a Date
//! holds a time value, a view's offset is aligned, ...), so every heap the
//! fuzzer produces is one script could have produced.

use arbitrary::{Arbitrary, Unstructured};
use webmessaging::ecmascript::{
    Accessor, ArrayBufferState, BigInt, ErrorPrototype, Heap, JsString, ObjectId, ObjectKind, OwnProperty,
    PropertyKey, RegExpSlots, SharedDataBlock, Symbol, Value, ViewKind,
};

mod build;

pub use build::{Built, is_array_index};

/// Most nodes a graph has; the rest of the input is ignored.
const MAX_NODES: usize = 16;
/// Most properties, entries or transfer-list items taken from one list.
const MAX_ITEMS: usize = 6;
/// Most bytes in a buffer and code units in a String.
const MAX_BYTES: usize = 16;

/// Strings worth hitting on purpose: keys with meaning to the algorithms,
/// index-looking keys that are and are not array indices, error names.
const KNOWN_STRINGS: [&str; 20] = [
    "",
    "a",
    "b",
    "name",
    "message",
    "length",
    "lastIndex",
    "0",
    "1",
    "7",
    "01",
    "-0",
    "4294967294",
    "4294967295",
    "Error",
    "TypeError",
    "RangeError",
    "URIError",
    "AggregateError",
    "x\u{1F600}",
];

/// The Strings every execution names, made once per thread (a String is
/// shared, immutable, and compared by its code units): building them anew
/// for each input was a tenth of the building.
struct Names {
    known: Vec<JsString>,
    /// "0" to "7".
    index: Vec<PropertyKey>,
    message: PropertyKey,
    name: PropertyKey,
    length: JsString,
    last_index: PropertyKey,
    symbols: [JsString; 2],
}

thread_local! {
    static NAMES: Names = Names {
        known: KNOWN_STRINGS.iter().map(|s| JsString::from(*s)).collect(),
        index: (0..8).map(|i: u32| PropertyKey::from(i.to_string().as_str())).collect(),
        message: PropertyKey::from("message"),
        name: PropertyKey::from("name"),
        length: JsString::from("length"),
        last_index: PropertyKey::from("lastIndex"),
        symbols: [JsString::from("s0"), JsString::from("s2")],
    };
}

/// How the clone is made.
#[derive(Arbitrary, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `structuredClone` into the same realm.
    SameRealm,
    /// StructuredSerializeWithTransfer in one realm, then
    /// StructuredDeserializeWithTransfer in a second one.
    TwoRealms,
    /// As `TwoRealms`, with the records passed through `encode`/`decode`.
    ThroughBytes,
}

/// One fuzz case.
#[derive(Arbitrary, Debug)]
pub struct CloneInput {
    /// How the clone is made.
    pub mode: Mode,
    /// The source realm's cross-origin isolated capability.
    pub cross_origin_isolated: bool,
    /// Whether the target realm (two-realm modes) is in another agent cluster.
    pub other_cluster: bool,
    /// An allocation budget, in bytes, for each realm (`None`: unlimited).
    pub budget: Option<u8>,
    /// The objects.
    pub nodes: Vec<NodeSpec>,
    /// The value to clone.
    pub root: ValueSpec,
    /// The transfer list, as node indices.
    pub transfer: Vec<u8>,
}

/// A Number.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum NumSpec {
    Int(i16),
    NegZero,
    NaN,
    Infinity,
    Bits(u64),
}

impl NumSpec {
    fn value(self) -> f64 {
        match self {
            NumSpec::Int(i) => f64::from(i),
            NumSpec::NegZero => -0.0,
            NumSpec::NaN => f64::NAN,
            NumSpec::Infinity => f64::INFINITY,
            NumSpec::Bits(b) => f64::from_bits(b),
        }
    }
}

/// A String.
#[derive(Arbitrary, Debug, Clone)]
pub enum StrSpec {
    Known(u8),
    Units(Vec<u16>),
}

impl StrSpec {
    fn value(&self) -> JsString {
        match self {
            StrSpec::Known(i) => {
                let i = usize::from(*i) % KNOWN_STRINGS.len();
                NAMES.with(|names| names.known[i].clone())
            }
            StrSpec::Units(units) => {
                JsString::from_code_units(units.iter().copied().take(MAX_BYTES).collect())
            }
        }
    }
}

/// A value: a primitive, or an object by node index.
#[derive(Debug, Clone)]
pub enum ValueSpec {
    Undefined,
    Null,
    Bool(bool),
    Number(NumSpec),
    BigInt(i64),
    String(StrSpec),
    Symbol(u8),
    Object(u8),
    /// The realm's %Object.prototype%.
    ObjectPrototype,
}

/// A property key.
#[derive(Arbitrary, Debug, Clone)]
pub enum KeySpec {
    Index(u8),
    Str(StrSpec),
    Symbol(u8),
}

/// What a property holds.
#[derive(Debug, Clone)]
pub enum SlotSpec {
    Data(ValueSpec),
    Getter(ValueSpec),
    Thrower(ValueSpec),
}

/// An own property.
#[derive(Arbitrary, Debug, Clone)]
pub struct PropSpec {
    pub key: KeySpec,
    pub slot: SlotSpec,
    pub enumerable: bool,
}

/// An ArrayBuffer's [[ArrayBufferData]] state.
#[derive(Debug, Clone, Copy)]
pub enum BufferState {
    Live,
    Detached,
    /// Has a detach key: DetachArrayBuffer without it throws.
    Keyed,
}

/// Objects that StructuredSerializeInternal refuses.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum OpaqueKind {
    Function,
    SymbolObject,
    WeakMap,
    WeakSet,
    WeakRef,
    Promise,
    Proxy,
    /// A transferable platform object (this host transfers none).
    MessagePort,
    /// A platform object that is neither serializable nor transferable.
    Platform,
}

impl OpaqueKind {
    /// How many variants there are (for `bytes.rs`, which picks one).
    pub const COUNT: usize = 9;
}

/// What kind of object a node is.
#[derive(Debug, Clone)]
pub enum KindSpec {
    Ordinary,
    Array {
        length: u8,
    },
    Boolean(bool),
    Number(NumSpec),
    BigInt(i64),
    String(StrSpec),
    Date(NumSpec),
    RegExp {
        source: StrSpec,
        flags: StrSpec,
    },
    Buffer {
        bytes: Vec<u8>,
        grow: Option<u8>,
        state: BufferState,
    },
    Shared {
        bytes: Vec<u8>,
        grow: Option<u8>,
    },
    View {
        kind: u8,
        buffer: u8,
        offset: u8,
        length: Option<u8>,
    },
    Map(Vec<Option<(ValueSpec, ValueSpec)>>),
    Set(Vec<Option<ValueSpec>>),
    Error {
        prototype: u8,
        stack: Option<StrSpec>,
    },
    Opaque(OpaqueKind),
}

// The derived `Arbitrary` picks enum variants uniformly, which makes almost
// every graph reach something that cannot be cloned (a Symbol, a function,
// a throwing getter) and so leaves successful clones of rich graphs rare.
// These choose the variant from one byte with weights instead: values that
// clone are common, the ones that make errors stay a steady minority.

impl<'a> Arbitrary<'a> for ValueSpec {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(match u.arbitrary::<u8>()? {
            0..=109 | 240..=255 => ValueSpec::Object(u.arbitrary()?),
            110..=134 => ValueSpec::Number(u.arbitrary()?),
            135..=159 => ValueSpec::String(u.arbitrary()?),
            160..=174 => ValueSpec::Bool(u.arbitrary()?),
            175..=189 => ValueSpec::BigInt(u.arbitrary()?),
            190..=204 => ValueSpec::Undefined,
            205..=219 => ValueSpec::Null,
            220..=227 => ValueSpec::ObjectPrototype,
            228..=239 => ValueSpec::Symbol(u.arbitrary()?),
        })
    }
}

impl<'a> Arbitrary<'a> for SlotSpec {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let tag = u.arbitrary::<u8>()?;
        let value = u.arbitrary()?;
        Ok(match tag {
            0..=219 => SlotSpec::Data(value),
            220..=244 => SlotSpec::Getter(value),
            245..=255 => SlotSpec::Thrower(value),
        })
    }
}

impl<'a> Arbitrary<'a> for BufferState {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(match u.arbitrary::<u8>()? {
            0..=219 => BufferState::Live,
            220..=237 => BufferState::Detached,
            238..=255 => BufferState::Keyed,
        })
    }
}

impl<'a> Arbitrary<'a> for KindSpec {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let tag = u.arbitrary::<u8>()?;
        if tag >= 240 {
            return Ok(KindSpec::Opaque(u.arbitrary()?));
        }
        Ok(match tag % 14 {
            0 => KindSpec::Ordinary,
            1 => KindSpec::Array {
                length: u.arbitrary()?,
            },
            2 => KindSpec::Boolean(u.arbitrary()?),
            3 => KindSpec::Number(u.arbitrary()?),
            4 => KindSpec::BigInt(u.arbitrary()?),
            5 => KindSpec::String(u.arbitrary()?),
            6 => KindSpec::Date(u.arbitrary()?),
            7 => KindSpec::RegExp {
                source: u.arbitrary()?,
                flags: u.arbitrary()?,
            },
            8 => KindSpec::Buffer {
                bytes: u.arbitrary()?,
                grow: u.arbitrary()?,
                state: u.arbitrary()?,
            },
            9 => KindSpec::Shared {
                bytes: u.arbitrary()?,
                grow: u.arbitrary()?,
            },
            10 => KindSpec::View {
                kind: u.arbitrary()?,
                buffer: u.arbitrary()?,
                offset: u.arbitrary()?,
                length: u.arbitrary()?,
            },
            11 => KindSpec::Map(u.arbitrary()?),
            12 => KindSpec::Set(u.arbitrary()?),
            _ => KindSpec::Error {
                prototype: u.arbitrary()?,
                stack: u.arbitrary()?,
            },
        })
    }
}

/// One object: its kind and its own properties in creation order.
#[derive(Arbitrary, Debug, Clone)]
pub struct NodeSpec {
    pub kind: KindSpec,
    pub props: Vec<PropSpec>,
}
