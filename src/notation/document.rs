//! The typed form of a graph-notation document: what [`super::parse`] reads,
//! [`super::build`] puts into a heap and [`super::print`] produces.

use crate::ecmascript::{BigInt, ErrorPrototype, JsString, ViewKind};
use std::fmt;

/// A whole document: a root value, the objects it (and the transfer list)
/// reach, numbered by their position in `objects`, and the transfer list.
#[derive(Clone, Debug, Default)]
pub struct Document {
    /// The value the document describes.
    pub root: Val,
    /// The objects, referred to by index from [`Val::Ref`] and view buffers.
    pub objects: Vec<Object>,
    /// Indices into `objects`, in transfer-list order (repeats allowed: the
    /// algorithm is the one to reject them).
    pub transfer: Vec<usize>,
}

/// A VALUE of the notation: an ECMAScript value whose objects are indices
/// into [`Document::objects`].
#[derive(Clone, Debug, Default)]
pub enum Val {
    /// undefined: `{"undefined": true}`
    #[default]
    Undefined,
    /// null: JSON `null`
    Null,
    /// A Boolean: JSON `true` / `false`
    Bool(bool),
    /// A Number: a plain JSON number, or `{"number": "NaN" | "Infinity" | "-Infinity" | "-0"}`
    Number(f64),
    /// A BigInt: `{"bigint": "-123"}`
    BigInt(BigInt),
    /// A String: a JSON string, or `{"utf16": [...]}` when it is not valid Unicode
    String(JsString),
    /// A Symbol, by its description: `{"symbol": "description"}` (`null` for none)
    Symbol(Option<JsString>),
    /// An object: `{"ref": INDEX}`
    Ref(usize),
}

/// An OBJECT of the notation: its kind with the kind's fields, and its other
/// own properties.
#[derive(Clone, Debug)]
pub struct Object {
    /// The kind and its fields (internal slots and the own properties that
    /// the notation spells as fields).
    pub kind: Kind,
    /// The remaining own properties, in `[[OwnPropertyKeys]]` order when printed.
    pub props: Vec<Prop>,
}

impl Object {
    /// An object of this kind without other own properties.
    pub fn new(kind: Kind) -> Self {
        Object {
            kind,
            props: Vec::new(),
        }
    }
}

/// What an ArrayBuffer or SharedArrayBuffer holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Buffer {
    /// The bytes (`bytes`, lowercase hex); empty when detached.
    pub bytes: Vec<u8>,
    /// `[[ArrayBufferMaxByteLength]]` (`maxByteLength`): resizable or growable.
    pub max_byte_length: Option<usize>,
    /// A SharedArrayBuffer (`shared: true`).
    pub shared: bool,
    /// Detached (`detached: true`).
    pub detached: bool,
    /// `[[ArrayBufferDetachKey]]` is not undefined (`detachKey: true`), as for
    /// a WebAssembly.Memory buffer: DetachArrayBuffer without the key throws.
    /// An extension of the contract, so that the throw can be tested.
    pub detach_key: bool,
}

/// KIND and its fields.
#[derive(Clone, Debug)]
pub enum Kind {
    /// `Object`: an ordinary object.
    Object,
    /// `ObjectPrototype`: the realm's %Object.prototype% (at most one per
    /// document; an extension of the contract, so that the one
    /// exotic object StructuredSerializeInternal lets through can be tested).
    ObjectPrototype,
    /// `Array` with `length`.
    Array {
        /// The `length` property.
        length: u32,
    },
    /// `Boolean` wrapper with `value`.
    Boolean(bool),
    /// `Number` wrapper with `value`.
    Number(f64),
    /// `String` wrapper with `value`.
    String(JsString),
    /// `BigInt` wrapper with `value`.
    BigInt(BigInt),
    /// `Date` with `time`.
    Date {
        /// `[[DateValue]]`
        time: f64,
    },
    /// `RegExp` with `source`, `flags` and optional `lastIndex`.
    RegExp {
        /// `[[OriginalSource]]`
        source: JsString,
        /// `[[OriginalFlags]]`
        flags: JsString,
        /// The `lastIndex` own property; `None` is +0.
        last_index: Option<Val>,
    },
    /// `ArrayBuffer` with `bytes` and its optional fields.
    ArrayBuffer(Buffer),
    /// A typed array (by constructor name) or `DataView`.
    View {
        /// Which constructor.
        kind: ViewKind,
        /// `[[ViewedArrayBuffer]]`, an index into the document's objects.
        buffer: usize,
        /// `[[ByteOffset]]`
        byte_offset: usize,
        /// `[[ArrayLength]]` (`length`) or, for a DataView, `[[ByteLength]]`
        /// (`byteLength`); `None` (JSON `null`) for a length-tracking view.
        length: Option<usize>,
    },
    /// `Map` with `entries`.
    Map {
        /// `[[MapData]]` without deleted entries.
        entries: Vec<(Val, Val)>,
    },
    /// `Set` with `values`.
    Set {
        /// `[[SetData]]` without deleted entries.
        values: Vec<Val>,
    },
    /// `Error` with `name` and optional `message` and `stack`.
    Error {
        /// The native error kind (its prototype).
        name: ErrorPrototype,
        /// The own data property "message", if there is one.
        message: Option<Val>,
        /// `[[Stack]]`
        stack: Option<JsString>,
    },
    /// `Function`
    Function,
    /// `SymbolObject` (its `[[SymbolData]]` is a fresh, description-less symbol).
    SymbolObject,
    /// `WeakMap`
    WeakMap,
    /// `WeakSet`
    WeakSet,
    /// `WeakRef`
    WeakRef,
    /// `Promise`
    Promise,
    /// `Proxy`
    Proxy,
    /// A platform object: `MessagePort` (optional `detached: true`), or
    /// `Platform` with `interface` (and `detached` when it has the slot).
    Platform {
        /// The primary interface's identifier.
        interface: String,
        /// `[[Detached]]`, if the interface is transferable.
        detached: Option<bool>,
    },
}

impl Kind {
    /// The KIND text of this kind (`"Uint8Array"`, `"Map"`, ...).
    pub fn name(&self) -> &str {
        match self {
            Kind::Object => "Object",
            Kind::ObjectPrototype => "ObjectPrototype",
            Kind::Array { .. } => "Array",
            Kind::Boolean(_) => "Boolean",
            Kind::Number(_) => "Number",
            Kind::String(_) => "String",
            Kind::BigInt(_) => "BigInt",
            Kind::Date { .. } => "Date",
            Kind::RegExp { .. } => "RegExp",
            Kind::ArrayBuffer(_) => "ArrayBuffer",
            Kind::View { kind, .. } => kind.name(),
            Kind::Map { .. } => "Map",
            Kind::Set { .. } => "Set",
            Kind::Error { .. } => "Error",
            Kind::Function => "Function",
            Kind::SymbolObject => "SymbolObject",
            Kind::WeakMap => "WeakMap",
            Kind::WeakSet => "WeakSet",
            Kind::WeakRef => "WeakRef",
            Kind::Promise => "Promise",
            Kind::Proxy => "Proxy",
            Kind::Platform { interface, .. } if interface == MESSAGE_PORT => MESSAGE_PORT,
            Kind::Platform { .. } => "Platform",
        }
    }
}

/// The interface name the notation gives a KIND of its own.
pub(crate) const MESSAGE_PORT: &str = "MessagePort";

/// A property KEY: a String or a Symbol (by description).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Key {
    /// A String key: a JSON string or `{"utf16": [...]}`.
    String(JsString),
    /// A Symbol key: `{"symbol": "description"}`.
    Symbol(Option<JsString>),
}

/// What an own property holds.
#[derive(Clone, Debug)]
pub enum PropValue {
    /// A data property with this value.
    Data(Val),
    /// An accessor whose getter returns this value: `{"getter": {"returns": VALUE}}`.
    GetterReturns(Val),
    /// An accessor whose getter throws this value: `{"getter": {"throws": VALUE}}`.
    GetterThrows(Val),
}

/// A PROP: one own property. Data properties are writable and configurable;
/// accessors are configurable.
#[derive(Clone, Debug)]
pub struct Prop {
    /// The key.
    pub key: Key,
    /// The value or getter.
    pub value: PropValue,
    /// `[[Enumerable]]` (`{"enumerable": false}` when not).
    pub enumerable: bool,
}

impl Prop {
    /// An enumerable data property.
    pub fn new_data(key: &str, value: Val) -> Self {
        Prop {
            key: Key::String(JsString::from(key)),
            value: PropValue::Data(value),
            enumerable: true,
        }
    }
}

/// Where in an OBJECT an object index sits (for messages).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RefSite {
    Buffer,
    MapKey(usize),
    MapValue(usize),
    SetValue(usize),
    LastIndex,
    Message,
    Prop(usize),
}

impl fmt::Display for RefSite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RefSite::Buffer => f.write_str(".buffer"),
            RefSite::MapKey(n) => write!(f, ".entries[{n}][0]"),
            RefSite::MapValue(n) => write!(f, ".entries[{n}][1]"),
            RefSite::SetValue(n) => write!(f, ".values[{n}]"),
            RefSite::LastIndex => f.write_str(".lastIndex"),
            RefSite::Message => f.write_str(".message"),
            RefSite::Prop(n) => write!(f, ".props[{n}][1]"),
        }
    }
}

impl Object {
    /// Calls `f` on every object index this object holds, in printing order:
    /// its fields first (a view's buffer, Map entries key then value, Set
    /// values, a RegExp's lastIndex, an Error's message), then its props in
    /// order.
    pub fn for_each_ref(&self, mut f: impl FnMut(usize)) {
        self.for_each_ref_at(|_, i| f(i));
    }

    /// [`Object::for_each_ref`], also telling where each index sits.
    pub(crate) fn for_each_ref_at(&self, mut f: impl FnMut(RefSite, usize)) {
        let mut val = |site: RefSite, v: &Val| {
            if let Val::Ref(i) = v {
                f(site, *i)
            }
        };
        match &self.kind {
            Kind::View { buffer, .. } => val(RefSite::Buffer, &Val::Ref(*buffer)),
            Kind::Map { entries } => entries.iter().enumerate().for_each(|(n, (k, v))| {
                val(RefSite::MapKey(n), k);
                val(RefSite::MapValue(n), v);
            }),
            Kind::Set { values } => values
                .iter()
                .enumerate()
                .for_each(|(n, v)| val(RefSite::SetValue(n), v)),
            Kind::RegExp {
                last_index: Some(v), ..
            } => val(RefSite::LastIndex, v),
            Kind::Error { message: Some(v), .. } => val(RefSite::Message, v),
            _ => {}
        }
        for (n, prop) in self.props.iter().enumerate() {
            match &prop.value {
                PropValue::Data(v) | PropValue::GetterReturns(v) | PropValue::GetterThrows(v) => {
                    val(RefSite::Prop(n), v)
                }
            }
        }
    }

    /// Replaces every object index this object holds by `f` of it.
    pub fn map_refs(&mut self, mut f: impl FnMut(usize) -> usize) {
        let mut val = |v: &mut Val| {
            if let Val::Ref(i) = v {
                *i = f(*i)
            }
        };
        match &mut self.kind {
            Kind::View { buffer, .. } => {
                let mut as_ref = Val::Ref(*buffer);
                val(&mut as_ref);
                if let Val::Ref(i) = as_ref {
                    *buffer = i;
                }
            }
            Kind::Map { entries } => entries.iter_mut().for_each(|(k, v)| {
                val(k);
                val(v);
            }),
            Kind::Set { values } => values.iter_mut().for_each(&mut val),
            Kind::RegExp {
                last_index: Some(v), ..
            }
            | Kind::Error { message: Some(v), .. } => val(v),
            _ => {}
        }
        for prop in &mut self.props {
            match &mut prop.value {
                PropValue::Data(v) | PropValue::GetterReturns(v) | PropValue::GetterThrows(v) => val(v),
            }
        }
    }
}

/// A malformed document, or one that describes no possible object graph:
/// where (a path such as `objects[3].byteOffset`) and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotationError {
    /// Where in the document, e.g. `objects[3].props[0]`; empty for the
    /// document as a whole.
    pub path: String,
    /// What is wrong there.
    pub message: String,
}

impl NotationError {
    /// An error at `path`.
    pub fn new(path: impl fmt::Display, message: impl Into<String>) -> Self {
        NotationError {
            path: path.to_string(),
            message: message.into(),
        }
    }
}

impl fmt::Display for NotationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for NotationError {}
