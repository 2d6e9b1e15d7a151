//! Printing: the document for a value of a [`Heap`], its objects numbered in
//! the order a depth-first walk from the root first meets them, so that two
//! isomorphic graphs print the same.
//!
//! The walk keeps its own stack: a chain of a million objects prints as
//! readily as a short one.

use super::document::{Buffer, Document, Key, Kind, Object, Prop, PropValue, Val};
use crate::ecmascript::{
    Accessor, ArrayBufferState, Heap, JsString, ObjectId, ObjectKind, OwnProperty, PropertyKey, Value,
};

/// The document for `root`: it and every object it reaches.
///
/// Panics if `root` or an object it reaches holds a handle that is not from
/// `heap` (a bug of whoever made the heap).
pub fn print(heap: &Heap, root: &Value<ObjectId>) -> Document {
    print_with_transfer(heap, root, &[])
}

/// The document for `root` and a transfer list: the objects `root` reaches
/// are numbered first, then those the transfer list reaches (in its order)
/// that `root` does not.
pub fn print_with_transfer(heap: &Heap, root: &Value<ObjectId>, transfer: &[ObjectId]) -> Document {
    let mut walk = Walk {
        heap,
        number: vec![UNSEEN; heap.len()],
        objects: Vec::new(),
        stack: Vec::new(),
    };
    let root = val(root);
    if let Val::Ref(i) = root {
        walk.visit_from(i);
    }
    for id in transfer {
        walk.visit_from(id.index());
    }
    // Every reference now points at a numbered object: renumber them.
    let numbers = std::mem::take(&mut walk.number);
    let number = |i: usize| numbers[i] as usize;
    for object in &mut walk.objects {
        object.map_refs(number);
    }
    let root = match root {
        Val::Ref(i) => Val::Ref(number(i)),
        other => other,
    };
    Document {
        root,
        transfer: transfer.iter().map(|id| number(id.index())).collect(),
        objects: walk.objects,
    }
}

const UNSEEN: u32 = u32::MAX;

struct Walk<'h> {
    heap: &'h Heap,
    /// The printed number of each heap object met so far.
    number: Vec<u32>,
    /// The objects in printed order; their refs are still heap indices.
    objects: Vec<Object>,
    /// Heap indices still to visit, the next one on top.
    stack: Vec<usize>,
}

impl Walk<'_> {
    /// Numbers every object reachable from heap object `start` not met yet,
    /// depth first, each before what it holds and in the order it holds them.
    fn visit_from(&mut self, start: usize) {
        self.stack.push(start);
        let mut children = Vec::new();
        while let Some(i) = self.stack.pop() {
            if self.number[i] != UNSEEN {
                continue;
            }
            self.number[i] = u32::try_from(self.objects.len()).unwrap_or(UNSEEN);
            let object = describe(self.heap, ObjectId(i as u32));
            // Pushed in reverse so that the first one held is visited first.
            object.for_each_ref(|r| children.push(r));
            self.stack.extend(children.drain(..).rev());
            self.objects.push(object);
        }
    }
}

/// A heap value as a VALUE whose refs are heap indices.
fn val(v: &Value<ObjectId>) -> Val {
    match v {
        Value::Undefined => Val::Undefined,
        Value::Null => Val::Null,
        Value::Boolean(b) => Val::Bool(*b),
        Value::Number(n) => Val::Number(*n),
        Value::BigInt(b) => Val::BigInt(b.clone()),
        Value::String(s) => Val::String(s.clone()),
        Value::Symbol(s) => Val::Symbol(s.description().cloned()),
        Value::Object(o) => Val::Ref(o.index()),
    }
}

fn is_key(key: &PropertyKey, name: &str) -> bool {
    key.as_string().is_some_and(|k| *k == JsString::from(name))
}

/// The own data property `name`'s value, if there is one.
fn own_data<'h>(heap: &'h Heap, id: ObjectId, name: &str) -> Option<&'h Value<ObjectId>> {
    heap.object(id).properties().data_value(&PropertyKey::from(name))
}

/// Which own properties an object's OBJECT leaves out of its props.
enum Skip {
    Nothing,
    /// An Array's `length` (its field).
    Length,
    /// A String wrapper's virtual `length` and indices below it.
    StringLengthAndIndices(usize),
    /// The own data property of this name (a field).
    Data(&'static str),
}

impl Skip {
    fn skips(&self, key: &PropertyKey, property: &OwnProperty) -> bool {
        match self {
            Skip::Nothing => false,
            Skip::Length => is_key(key, "length"),
            Skip::StringLengthAndIndices(len) => {
                is_key(key, "length")
                    || key
                        .as_string()
                        .and_then(JsString::as_array_index)
                        .is_some_and(|i| (i as usize) < *len)
            }
            Skip::Data(name) => is_key(key, name) && matches!(property, OwnProperty::Data { .. }),
        }
    }
}

/// The OBJECT for one heap object; its refs are heap indices.
fn describe(heap: &Heap, id: ObjectId) -> Object {
    let object = heap.object(id);
    // Own properties that are fields (or virtual) are left out of props.
    let mut skip = Skip::Nothing;
    let kind = match object.kind() {
        ObjectKind::Ordinary => Kind::Object,
        ObjectKind::ObjectPrototype => Kind::ObjectPrototype,
        ObjectKind::Array { length } => {
            skip = Skip::Length;
            Kind::Array { length: *length }
        }
        ObjectKind::BooleanWrapper(b) => Kind::Boolean(*b),
        ObjectKind::NumberWrapper(n) => Kind::Number(*n),
        ObjectKind::BigIntWrapper(b) => Kind::BigInt(b.clone()),
        ObjectKind::StringWrapper(s) => {
            skip = Skip::StringLengthAndIndices(s.len());
            Kind::String(s.clone())
        }
        ObjectKind::Date(time) => Kind::Date { time: *time },
        ObjectKind::RegExp(slots) => {
            let last_index = own_data(heap, id, "lastIndex").map(val);
            skip = Skip::Data("lastIndex");
            Kind::RegExp {
                source: slots.source.clone(),
                flags: slots.flags.clone(),
                // +0 is what every RegExp starts with: left out.
                last_index: last_index.filter(|v| !matches!(v, Val::Number(n) if n.to_bits() == 0)),
            }
        }
        ObjectKind::ArrayBuffer(state) => Kind::ArrayBuffer(match &**state {
            ArrayBufferState::Owned {
                data,
                max_byte_length,
                detach_key,
            } => Buffer {
                bytes: data.clone().unwrap_or_default(),
                max_byte_length: *max_byte_length,
                shared: false,
                detached: data.is_none(),
                detach_key: *detach_key,
            },
            ArrayBufferState::Shared {
                block,
                max_byte_length,
            } => Buffer {
                bytes: block.snapshot(),
                max_byte_length: *max_byte_length,
                shared: true,
                detached: false,
                detach_key: false,
            },
        }),
        ObjectKind::View {
            kind,
            buffer,
            byte_offset,
            length,
        } => Kind::View {
            kind: *kind,
            buffer: buffer.index(),
            byte_offset: *byte_offset,
            length: *length,
        },
        ObjectKind::Map(entries) => Kind::Map {
            entries: entries.iter().flatten().map(|(k, v)| (val(k), val(v))).collect(),
        },
        ObjectKind::Set(values) => Kind::Set {
            values: values.iter().flatten().map(val).collect(),
        },
        ObjectKind::Error { prototype, stack } => {
            let message = own_data(heap, id, "message").map(val);
            skip = Skip::Data("message");
            Kind::Error {
                name: *prototype,
                message,
                stack: stack.clone(),
            }
        }
        ObjectKind::Platform {
            interface, detached, ..
        } => Kind::Platform {
            interface: interface.to_string(),
            detached: *detached,
        },
        ObjectKind::Function => Kind::Function,
        ObjectKind::SymbolObject(_) => Kind::SymbolObject,
        ObjectKind::WeakMap => Kind::WeakMap,
        ObjectKind::WeakSet => Kind::WeakSet,
        ObjectKind::WeakRef => Kind::WeakRef,
        ObjectKind::Promise => Kind::Promise,
        ObjectKind::Proxy => Kind::Proxy,
    };
    let properties = object.properties().to_vec();
    let props = own_property_keys_order(&properties)
        .filter(|(key, property)| !skip.skips(key, property))
        .map(|(key, property)| prop(key, property))
        .collect();
    Object { kind, props }
}

/// Own properties in `[[OwnPropertyKeys]]` order: array indices ascending,
/// then the other String keys, then Symbols, each in creation order.
fn own_property_keys_order(
    properties: &[(PropertyKey, OwnProperty)],
) -> impl Iterator<Item = &(PropertyKey, OwnProperty)> {
    let index = |key: &PropertyKey| key.as_string().and_then(JsString::as_array_index);
    let mut indices: Vec<_> = properties.iter().filter(|(k, _)| index(k).is_some()).collect();
    indices.sort_by_key(|(k, _)| index(k));
    let strings = properties
        .iter()
        .filter(move |(k, _)| matches!(k, PropertyKey::String(_)) && index(k).is_none());
    let symbols = properties
        .iter()
        .filter(|(k, _)| matches!(k, PropertyKey::Symbol(_)));
    indices.into_iter().chain(strings).chain(symbols)
}

fn prop(key: &PropertyKey, property: &OwnProperty) -> Prop {
    let key = match key {
        PropertyKey::String(s) => Key::String(s.clone()),
        PropertyKey::Symbol(s) => Key::Symbol(s.description().cloned()),
    };
    let (value, enumerable) = match property {
        OwnProperty::Data {
            value, enumerable, ..
        } => (PropValue::Data(val(value)), *enumerable),
        OwnProperty::Accessor {
            getter, enumerable, ..
        } => (
            match &**getter {
                Accessor::Returns(v) => PropValue::GetterReturns(val(v)),
                Accessor::Throws(v) => PropValue::GetterThrows(val(v)),
            },
            *enumerable,
        ),
    };
    Prop {
        key,
        value,
        enumerable,
    }
}
