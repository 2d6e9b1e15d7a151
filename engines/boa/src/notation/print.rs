//! Printing a Boa value as a graph-notation [`Document`], numbering its
//! objects exactly as the reference's printer numbers a heap's (depth
//! first, in the order each object holds the others: fields, then props),
//! so that the two print alike when the graphs are alike.
//!
//! Two things only the builder knows are handed over in [`Hints`]: what
//! each getter it made returns or throws (a getter is a function, which
//! printing must not call), and the keys Boa's %Object.prototype% has of
//! its own (which the notation's %Object.prototype% does not).

use super::Hints;
use crate::platform::platform_data;
use crate::realm::{BoaKind, BoaRealm, Object, error_prototype_of, string_from_boa};
use boa_engine::builtins::map::ordered_map::OrderedMap;
use boa_engine::builtins::set::ordered_set::OrderedSet;
use boa_engine::property::PropertyKey as BoaKey;
use boa_engine::{JsObject, JsValue, JsVariant, js_string};
use std::collections::HashMap;
use webmessaging::ecmascript::{ErrorPrototype, JsString, Realm, ViewKind};
use webmessaging::notation::{Buffer, Document, Key, Kind, Object as NObject, Prop, PropValue, Val};

/// The document for `root` and the transfer list.
pub fn print(realm: &BoaRealm<'_>, hints: &Hints, root: &JsValue, transfer: &[JsObject]) -> Document {
    let mut walk = Walk {
        realm,
        hints,
        ids: HashMap::new(),
        handles: Vec::new(),
        number: Vec::new(),
        objects: Vec::new(),
    };
    let root = walk.val(root);
    if let Val::Ref(i) = root {
        walk.visit_from(i);
    }
    let transfer_ids: Vec<usize> = transfer.iter().map(|o| walk.id(o)).collect();
    for &id in &transfer_ids {
        walk.visit_from(id);
    }
    let number = std::mem::take(&mut walk.number);
    let renumber = |i: usize| number[i].unwrap_or(usize::MAX);
    for object in &mut walk.objects {
        object.map_refs(renumber);
    }
    Document {
        root: match root {
            Val::Ref(i) => Val::Ref(renumber(i)),
            other => other,
        },
        transfer: transfer_ids.into_iter().map(renumber).collect(),
        objects: walk.objects,
    }
}

struct Walk<'a, 'r> {
    realm: &'a BoaRealm<'r>,
    hints: &'a Hints,
    /// A provisional id for each object met.
    ids: HashMap<Object, usize>,
    handles: Vec<JsObject>,
    /// The printed number of each provisional id, once visited.
    number: Vec<Option<usize>>,
    /// The printed objects, their refs still provisional ids.
    objects: Vec<NObject>,
}

impl Walk<'_, '_> {
    fn id(&mut self, o: &JsObject) -> usize {
        let next = self.handles.len();
        *self.ids.entry(Object(o.clone())).or_insert_with(|| {
            self.handles.push(o.clone());
            self.number.push(None);
            next
        })
    }

    fn val(&mut self, v: &JsValue) -> Val {
        match v.variant() {
            JsVariant::Undefined => Val::Undefined,
            JsVariant::Null => Val::Null,
            JsVariant::Boolean(b) => Val::Bool(b),
            JsVariant::Integer32(n) => Val::Number(f64::from(n)),
            JsVariant::Float64(n) => Val::Number(n),
            JsVariant::BigInt(b) => Val::BigInt(crate::realm::bigint_from_boa(&b)),
            JsVariant::String(s) => Val::String(string_from_boa(&s)),
            JsVariant::Symbol(s) => Val::Symbol(s.description().map(|d| string_from_boa(&d))),
            JsVariant::Object(o) => Val::Ref(self.id(&o)),
        }
    }

    /// Numbers every object reachable from `start` not met yet, depth first.
    fn visit_from(&mut self, start: usize) {
        let mut stack = vec![start];
        let mut children = Vec::new();
        while let Some(id) = stack.pop() {
            if self.number[id].is_some() {
                continue;
            }
            self.number[id] = Some(self.objects.len());
            let object = self.describe(&self.handles[id].clone());
            object.for_each_ref(|r| children.push(r));
            stack.extend(children.drain(..).rev());
            self.objects.push(object);
        }
    }

    /// The value of an own data property, read without running code.
    fn own_data(o: &JsObject, name: &str) -> Option<JsValue> {
        o.borrow()
            .properties()
            .get(&BoaKey::from(js_string!(name)))
            .and_then(|d| d.value().cloned())
    }

    /// The OBJECT of one Boa object; its refs are provisional ids.
    fn describe(&mut self, o: &JsObject) -> NObject {
        let realm = self.realm;
        let handle = Object(o.clone());
        let kind_of = realm.kind(o);
        let mut skip: Box<dyn Fn(&BoaKey) -> bool> = Box::new(|_| false);
        let is = |key: &BoaKey, name: &str| *key == BoaKey::from(js_string!(name));
        let kind = match kind_of {
            BoaKind::Ordinary | BoaKind::OtherBuiltin | BoaKind::ModuleNamespace => Kind::Object,
            BoaKind::ObjectPrototype => {
                let builtin = self.hints.object_prototype_keys.clone();
                skip = Box::new(move |k| builtin.contains(k));
                Kind::ObjectPrototype
            }
            BoaKind::Array => {
                skip = Box::new(move |k| is(k, "length"));
                let length = Self::own_data(o, "length")
                    .and_then(|l| l.as_number())
                    .unwrap_or(0.0);
                Kind::Array {
                    length: length as u32,
                }
            }
            BoaKind::Boolean => Kind::Boolean(realm.boolean_data(&handle).unwrap_or(false)),
            BoaKind::Number => Kind::Number(realm.number_data(&handle).unwrap_or(0.0)),
            BoaKind::BigInt => Kind::BigInt(realm.bigint_data(&handle).unwrap_or_else(|| 0.into())),
            BoaKind::String => {
                let value = realm.string_data(&handle).unwrap_or_default();
                let length = value.len();
                skip = Box::new(move |k| {
                    is(k, "length") || matches!(k, BoaKey::Index(i) if (i.get() as usize) < length)
                });
                Kind::String(value)
            }
            BoaKind::Date => Kind::Date {
                time: realm.date_value(&handle).unwrap_or(f64::NAN),
            },
            BoaKind::RegExp => {
                let (source, flags) = realm.regexp_source_and_flags(&handle).unwrap_or_default();
                let last_index = Self::own_data(o, "lastIndex").map(|v| self.val(&v));
                skip = Box::new(move |k| is(k, "lastIndex"));
                Kind::RegExp {
                    source,
                    flags,
                    last_index: last_index.filter(|v| !matches!(v, Val::Number(n) if n.to_bits() == 0)),
                }
            }
            BoaKind::ArrayBuffer | BoaKind::SharedArrayBuffer => {
                let slots = realm.array_buffer(&handle);
                let detached = realm.is_detached_buffer(&handle);
                Kind::ArrayBuffer(Buffer {
                    bytes: crate::realm::buffer_bytes(o).unwrap_or_default(),
                    max_byte_length: slots.as_ref().and_then(|s| s.max_byte_length),
                    shared: kind_of == BoaKind::SharedArrayBuffer,
                    detached,
                    detach_key: false,
                })
            }
            BoaKind::TypedArray | BoaKind::DataView => match realm.array_buffer_view(&handle) {
                Some(slots) => {
                    if slots.kind != ViewKind::DataView {
                        // A typed array's indices are its elements.
                        skip = Box::new(|k| matches!(k, BoaKey::Index(_)));
                    }
                    let length = if slots.kind == ViewKind::DataView {
                        slots.byte_length
                    } else {
                        slots.array_length
                    };
                    Kind::View {
                        kind: slots.kind,
                        buffer: self.id(&slots.buffer.0),
                        byte_offset: slots.byte_offset,
                        length,
                    }
                }
                None => Kind::Object,
            },
            BoaKind::Map => Kind::Map {
                entries: o
                    .downcast_ref::<OrderedMap<JsValue>>()
                    .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect::<Vec<_>>())
                    .unwrap_or_default()
                    .iter()
                    .map(|(k, v)| (self.val(k), self.val(v)))
                    .collect(),
            },
            BoaKind::Set => Kind::Set {
                values: o
                    .downcast_ref::<OrderedSet>()
                    .map(|s| s.iter().cloned().collect::<Vec<_>>())
                    .unwrap_or_default()
                    .iter()
                    .map(|v| self.val(v))
                    .collect(),
            },
            BoaKind::Error => {
                let name = realm
                    .with_context(|context| error_prototype_of(o, context))
                    .unwrap_or(ErrorPrototype::Error);
                let message = Self::own_data(o, "message").map(|m| self.val(&m));
                let stack = realm.error_stack(&handle);
                let has_stack_prop = Self::own_data(o, "stack").is_some_and(|s| s.is_string());
                skip = Box::new(move |k| is(k, "message") || (has_stack_prop && is(k, "stack")));
                Kind::Error { name, message, stack }
            }
            BoaKind::Platform => {
                let data = platform_data(o);
                Kind::Platform {
                    interface: data.as_ref().map(|d| d.interface.clone()).unwrap_or_default(),
                    detached: data.and_then(|d| d.detached),
                }
            }
            BoaKind::Function => Kind::Function,
            BoaKind::Symbol => Kind::SymbolObject,
            BoaKind::WeakMap => Kind::WeakMap,
            BoaKind::WeakSet => Kind::WeakSet,
            BoaKind::WeakRef => Kind::WeakRef,
            BoaKind::Promise => Kind::Promise,
            BoaKind::Proxy => Kind::Proxy,
        };
        let props = self.props(o, &*skip);
        NObject { kind, props }
    }

    /// The own properties not skipped, in [[OwnPropertyKeys]] order.
    fn props(&mut self, o: &JsObject, skip: &dyn Fn(&BoaKey) -> bool) -> Vec<Prop> {
        // A Proxy's keys would run its trap: the notation's Proxy has none.
        if o.is::<boa_engine::builtins::proxy::Proxy>() {
            return Vec::new();
        }
        let keys = self
            .realm
            .with_context(|context| o.own_property_keys(context))
            .unwrap_or_default();
        let mut props = Vec::new();
        for key in keys.into_iter().filter(|k| !skip(k)) {
            let Some(desc) = o.borrow().properties().get(&key) else {
                continue;
            };
            let value = match desc.value() {
                Some(v) => PropValue::Data(self.val(v)),
                None => {
                    let getter = desc.get().and_then(JsValue::as_object);
                    let known = getter.and_then(|g| {
                        self.hints
                            .getters
                            .iter()
                            .find(|(made, _)| JsObject::equals(made, &g))
                            .map(|(_, value)| value.clone())
                    });
                    // A getter the builder did not make: printed as one that
                    // returns undefined (printing never calls it).
                    let known = known.unwrap_or(PropValue::GetterReturns(Val::Undefined));
                    self.remap(known)
                }
            };
            let key = match &key {
                BoaKey::String(s) => Key::String(string_from_boa(s)),
                BoaKey::Index(i) => Key::String(JsString::from(i.get().to_string())),
                BoaKey::Symbol(s) => Key::Symbol(s.description().map(|d| string_from_boa(&d))),
            };
            props.push(Prop {
                key,
                value,
                enumerable: desc.enumerable().unwrap_or(false),
            });
        }
        props
    }

    /// A getter's value from the builder's document, its object refs (the
    /// document's indices) turned into this walk's provisional ids.
    fn remap(&mut self, value: PropValue) -> PropValue {
        let map = |walk: &mut Self, v: Val| match v {
            Val::Ref(i) => match walk.hints.objects.get(i).cloned() {
                Some(o) => Val::Ref(walk.id(&o)),
                None => Val::Undefined,
            },
            other => other,
        };
        match value {
            PropValue::Data(v) => PropValue::Data(map(self, v)),
            PropValue::GetterReturns(v) => PropValue::GetterReturns(map(self, v)),
            PropValue::GetterThrows(v) => PropValue::GetterThrows(map(self, v)),
        }
    }
}
