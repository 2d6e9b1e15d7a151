//! Building a graph-notation [`Document`] into a Boa context: the same
//! object graph, made of real Boa objects (a getter is a real function that
//! returns or throws its value).
//!
//! The order follows what a program would do: objects are made in index
//! order (views after every buffer, while resizable buffers are at their
//! largest), then buffers get their final length and bytes and the
//! detached ones are detached, then properties are wired, those of
//! %Object.prototype% last of all.

use super::Hints;
use crate::platform::PlatformObject;
use crate::realm::{AgentSettings, BoaRealm, Object, string_to_boa};
use boa_engine::builtins::array_buffer::ArrayBuffer;
use boa_engine::builtins::error::{Error, ErrorKind};
use boa_engine::builtins::map::ordered_map::OrderedMap;
use boa_engine::builtins::set::ordered_set::OrderedSet;
use boa_engine::object::FunctionObjectBuilder;
use boa_engine::object::builtins::{JsArrayBuffer, JsMap, JsPromise, JsProxy, JsSet, JsWeakMap, JsWeakSet};
use boa_engine::property::{PropertyDescriptor, PropertyKey as BoaKey};
use boa_engine::{Context, JsError, JsObject, JsResult, JsSymbol, JsValue, NativeFunction, js_string};
use std::collections::HashMap;
use webmessaging::ecmascript::{ErrorPrototype, Heap, JsString, ViewKind, ViewSlots, number_to_string};
use webmessaging::notation::{Buffer, Document, Key, Kind, NotationError, Object as NObject, PropValue, Val};

/// What [`build`] made.
#[derive(Debug)]
pub struct BoaBuilt {
    /// The root value.
    pub root: JsValue,
    /// The Boa object of each of the document's objects, in order.
    pub objects: Vec<JsObject>,
    /// The transfer list.
    pub transfer: Vec<JsObject>,
    /// What the printer needs to know of the build.
    pub hints: Hints,
}

/// Why a document cannot be built into Boa.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BuildError {
    /// The document describes no possible graph (as the reference's own
    /// `build` says).
    Notation(NotationError),
    /// A state JavaScript can reach but Boa's public API cannot make, or
    /// that Boa cannot show as the notation means it: why.
    Unsupported(String),
    /// Boa threw while building: what it said.
    Engine(String),
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildError::Notation(e) => write!(f, "{e}"),
            BuildError::Unsupported(why) => write!(f, "not buildable in Boa: {why}"),
            BuildError::Engine(what) => write!(f, "Boa threw while building: {what}"),
        }
    }
}

impl std::error::Error for BuildError {}

fn unsupported<T>(why: impl Into<String>) -> Result<T, BuildError> {
    Err(BuildError::Unsupported(why.into()))
}

fn engine(error: JsError) -> BuildError {
    BuildError::Engine(error.to_string())
}

/// Whether `s` is a CanonicalNumericIndexString (a key a typed array
/// treats as an element index, so that it cannot hold it as a property).
fn canonical_numeric(s: &JsString) -> bool {
    let Some(text) = s.to_rust_string() else {
        return false;
    };
    text == "-0" || text.parse::<f64>().is_ok_and(|n| number_to_string(n) == text) || text == "NaN"
}

/// The checks the reference's `build` makes, and the states Boa cannot make.
fn check(document: &Document, object_prototype_keys: &[BoaKey]) -> Result<(), BuildError> {
    // The reference's checks: build into a scratch heap.
    webmessaging::notation::build(document, &mut Heap::default()).map_err(BuildError::Notation)?;
    for (i, object) in document.objects.iter().enumerate() {
        let at = |what: &str| format!("objects[{i}]: {what}");
        if let Kind::ArrayBuffer(Buffer { detach_key: true, .. }) = &object.kind {
            return unsupported(at("Boa's public API cannot give an ArrayBuffer a detach key"));
        }
        for prop in &object.props {
            let Key::String(key) = &prop.key else { continue };
            match &object.kind {
                Kind::View { kind, .. } if *kind != ViewKind::DataView && canonical_numeric(key) => {
                    return unsupported(at(
                        "a typed array cannot hold a numeric-looking key as a property",
                    ));
                }
                Kind::Error { .. } if *key == JsString::from("stack") => {
                    return unsupported(at(
                        "an Error's own \"stack\" stands for [[Stack]] in Boa (see engines/boa/README.md)",
                    ));
                }
                Kind::ObjectPrototype
                    if object_prototype_keys.contains(&BoaKey::from(string_to_boa(key))) =>
                {
                    return unsupported(at("Boa's %Object.prototype% has this key already"));
                }
                _ => {}
            }
            let callable =
                |v: &Val| matches!(v, Val::Ref(r) if matches!(document.objects[*r].kind, Kind::Function));
            let holds_function = match &prop.value {
                PropValue::Data(v) | PropValue::GetterReturns(v) => callable(v),
                PropValue::GetterThrows(_) => false,
            };
            if holds_function && ["toString", "valueOf"].iter().any(|k| *key == JsString::from(*k)) {
                return unsupported(at(
                    "the reference takes a function in toString or valueOf to act as the built-in it \
                     shadows; Boa runs it",
                ));
            }
        }
    }
    Ok(())
}

/// Builds `document` into `context`'s current realm.
pub fn build(document: &Document, context: &mut Context) -> Result<BoaBuilt, BuildError> {
    let object_prototype = context.intrinsics().constructors().object().prototype();
    let builtin_keys = object_prototype.own_property_keys(context).map_err(engine)?;
    check(document, &builtin_keys)?;
    let builder = Builder {
        context,
        objects: Vec::with_capacity(document.objects.len()),
        symbols: HashMap::new(),
        hints: Hints {
            object_prototype_keys: builtin_keys,
            ..Hints::default()
        },
    };
    builder.build(document)
}

struct Builder<'c> {
    context: &'c mut Context,
    objects: Vec<Option<JsObject>>,
    symbols: HashMap<Option<JsString>, JsSymbol>,
    hints: Hints,
}

impl Builder<'_> {
    fn build(mut self, document: &Document) -> Result<BoaBuilt, BuildError> {
        // 1. Every object but the views, in index order.
        for object in &document.objects {
            let made = match &object.kind {
                Kind::View { .. } => None,
                Kind::RegExp { source, flags, .. } => Some(self.create(&object.kind).or_else(|e| {
                    // The notation does not check patterns; JS cannot make
                    // a RegExp from one that does not parse.
                    unsupported(format!("/{source}/{flags} is not a valid pattern: {e}"))
                })?),
                kind => Some(self.create(kind).map_err(engine)?),
            };
            self.objects.push(made);
        }
        // 2. The views, over buffers at their largest.
        for (i, object) in document.objects.iter().enumerate() {
            if let Kind::View {
                kind,
                buffer,
                byte_offset,
                length,
            } = &object.kind
            {
                let view = self.view(*kind, *buffer, *byte_offset, *length)?;
                self.objects[i] = Some(view);
            }
        }
        let objects: Vec<JsObject> = self.objects.iter().flatten().cloned().collect();
        // 3. Buffers get their final length and bytes; some are detached.
        for (i, object) in document.objects.iter().enumerate() {
            if let Kind::ArrayBuffer(buffer) = &object.kind {
                self.finish_buffer(&objects[i], buffer)?;
            }
        }
        // 4. Fields that hold values, then the properties.
        let mut prototype_props = None;
        for (i, object) in document.objects.iter().enumerate() {
            self.fields(&objects[i], &object.kind).map_err(engine)?;
            if matches!(object.kind, Kind::ObjectPrototype) {
                prototype_props = Some(i);
                continue;
            }
            self.props(&objects[i], object).map_err(engine)?;
        }
        if let Some(i) = prototype_props {
            self.props(&objects[i], &document.objects[i]).map_err(engine)?;
        }
        self.hints.objects = objects.clone();
        Ok(BoaBuilt {
            root: self.value(&document.root),
            transfer: document.transfer.iter().map(|&i| objects[i].clone()).collect(),
            objects,
            hints: self.hints,
        })
    }

    fn symbol(&mut self, description: &Option<JsString>) -> JsSymbol {
        self.symbols
            .entry(description.clone())
            .or_insert_with(|| {
                JsSymbol::new(description.as_ref().map(string_to_boa)).unwrap_or_else(JsSymbol::iterator)
            })
            .clone()
    }

    fn value(&mut self, v: &Val) -> JsValue {
        match v {
            Val::Undefined => JsValue::undefined(),
            Val::Null => JsValue::null(),
            Val::Bool(b) => JsValue::new(*b),
            Val::Number(n) => JsValue::rational(*n),
            Val::BigInt(b) => JsValue::new(crate::realm::bigint_to_boa(b)),
            Val::String(s) => JsValue::new(string_to_boa(s)),
            Val::Symbol(d) => JsValue::new(self.symbol(d)),
            Val::Ref(i) => self.objects[*i]
                .clone()
                .map_or_else(JsValue::undefined, JsValue::new),
        }
    }

    /// A new object of `kind` (views excepted), without its props.
    fn create(&mut self, kind: &Kind) -> JsResult<JsObject> {
        let context = &mut *self.context;
        let constructors = context.intrinsics().constructors();
        Ok(match kind {
            Kind::Object => JsObject::with_object_proto(context.intrinsics()),
            Kind::ObjectPrototype => constructors.object().prototype(),
            Kind::Array { .. } => boa_engine::object::builtins::JsArray::new(context)?.into(),
            Kind::Boolean(b) => JsValue::new(*b).to_object(context)?,
            Kind::Number(n) => JsValue::rational(*n).to_object(context)?,
            Kind::String(s) => JsValue::new(string_to_boa(s)).to_object(context)?,
            Kind::BigInt(b) => JsValue::new(crate::realm::bigint_to_boa(b)).to_object(context)?,
            Kind::Date { time } => {
                constructors
                    .date()
                    .constructor()
                    .construct(&[JsValue::rational(*time)], None, context)?
            }
            Kind::RegExp { source, flags, .. } => boa_engine::object::builtins::JsRegExp::new(
                JsValue::new(string_to_boa(source)),
                JsValue::new(string_to_boa(flags)),
                context,
            )?
            .into(),
            Kind::ArrayBuffer(buffer) => {
                let mut realm = BoaRealm::new(context, AgentSettings::default())?;
                let object = buffer_object(&mut realm, buffer)?;
                return Ok(object);
            }
            Kind::View { .. } => unreachable!("views are made in a second pass"),
            Kind::Map { .. } => JsMap::new(context).into(),
            Kind::Set { .. } => JsSet::new(context).into(),
            Kind::Error { name, .. } => {
                let prototype = crate::realm::error_prototype(*name, context);
                JsObject::from_proto_and_data(prototype, Error::new(error_kind(*name)))
            }
            Kind::Function => {
                let function: JsObject = FunctionObjectBuilder::new(
                    context.realm(),
                    NativeFunction::from_fn_ptr(|_, _, _| Ok(JsValue::undefined())),
                )
                .build()
                .into();
                // The notation's Function has no own properties.
                function.delete_property_or_throw(js_string!("length"), context)?;
                function.delete_property_or_throw(js_string!("name"), context)?;
                function
            }
            Kind::SymbolObject => {
                JsValue::new(JsSymbol::new(None).unwrap_or_else(JsSymbol::iterator)).to_object(context)?
            }
            Kind::WeakMap => JsWeakMap::new(context).into(),
            Kind::WeakSet => JsWeakSet::new(context).into(),
            Kind::WeakRef => {
                let target = JsObject::with_object_proto(context.intrinsics());
                constructors
                    .weak_ref()
                    .constructor()
                    .construct(&[target.into()], None, context)?
            }
            Kind::Promise => JsPromise::new_pending(context).0.into(),
            Kind::Proxy => {
                let target = JsObject::with_object_proto(context.intrinsics());
                JsProxy::builder(target).build(context)?.into()
            }
            Kind::Platform { interface, detached } => JsObject::from_proto_and_data(
                constructors.object().prototype(),
                PlatformObject::plain(interface.clone(), *detached),
            ),
        })
    }

    /// A view over `buffer` (an object already made), the buffer at its
    /// largest meanwhile so that views past its final length can be made.
    fn view(
        &mut self,
        kind: ViewKind,
        buffer: usize,
        byte_offset: usize,
        length: Option<usize>,
    ) -> Result<JsObject, BuildError> {
        let buffer = self.objects[buffer]
            .clone()
            .ok_or_else(|| BuildError::Engine("a view's buffer was not made".to_owned()))?;
        let slots = ViewSlots {
            kind,
            buffer: Object(buffer),
            byte_offset,
            byte_length: if kind == ViewKind::DataView { length } else { None },
            array_length: if kind == ViewKind::DataView { None } else { length },
        };
        let context = &mut *self.context;
        let args = [
            JsValue::new(slots.buffer.0.clone()),
            JsValue::new(byte_offset as f64),
            length.map_or_else(JsValue::undefined, |n| JsValue::new(n as f64)),
        ];
        crate::realm::view_constructor(kind, context)
            .construct(&args, None, context)
            .or_else(|_| {
                unsupported(format!(
                    "a {kind} at {byte_offset} of length {length:?} does not fit its buffer"
                ))
            })
    }

    /// Gives an ArrayBuffer its final length and bytes, and detaches it if
    /// the document says so.
    fn finish_buffer(&mut self, object: &JsObject, buffer: &Buffer) -> Result<(), BuildError> {
        if buffer.shared {
            return Ok(()); // made with its bytes, and never shrinks
        }
        if let Some(mut data) = object.downcast_mut::<ArrayBuffer>() {
            data.resize(buffer.bytes.len() as u64).ok();
        }
        if let Ok(array_buffer) = JsArrayBuffer::from_object(object.clone())
            && let Some(mut bytes) = array_buffer.data_mut()
        {
            let n = bytes.len().min(buffer.bytes.len());
            bytes[..n].copy_from_slice(&buffer.bytes[..n]);
        }
        if buffer.detached {
            crate::realm::detach(object).map_err(engine)?;
        }
        Ok(())
    }

    /// The fields that are own properties or hold values: a RegExp's
    /// lastIndex, an Error's message (and stack), an Array's length, the
    /// entries of a Map or Set.
    fn fields(&mut self, object: &JsObject, kind: &Kind) -> JsResult<()> {
        match kind {
            Kind::Array { length } => {
                let desc = PropertyDescriptor::builder().value(*length);
                object.define_property_or_throw(js_string!("length"), desc, self.context)?;
            }
            Kind::RegExp {
                last_index: Some(v), ..
            } => {
                let value = self.value(v);
                let desc = PropertyDescriptor::builder().value(value);
                object.define_property_or_throw(js_string!("lastIndex"), desc, self.context)?;
            }
            Kind::Error { message, stack, .. } => {
                if let Some(message) = message {
                    let value = self.value(message);
                    let desc = data(value, false);
                    object.define_property_or_throw(js_string!("message"), desc, self.context)?;
                }
                if let Some(stack) = stack {
                    // As this crate's realm keeps [[Stack]] (see realm_impl).
                    let desc = data(JsValue::new(string_to_boa(stack)), false);
                    object.define_property_or_throw(js_string!("stack"), desc, self.context)?;
                }
            }
            Kind::Map { entries } => {
                let entries: Vec<(JsValue, JsValue)> = entries
                    .iter()
                    .map(|(k, v)| (self.value(k), self.value(v)))
                    .collect();
                if let Some(mut map) = object.downcast_mut::<OrderedMap<JsValue>>() {
                    for (k, v) in entries {
                        map.insert(k, v);
                    }
                }
            }
            Kind::Set { values } => {
                let values: Vec<JsValue> = values.iter().map(|v| self.value(v)).collect();
                if let Some(mut set) = object.downcast_mut::<OrderedSet>() {
                    for v in values {
                        set.add(v);
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Defines the object's props, in order.
    fn props(&mut self, object: &JsObject, described: &NObject) -> JsResult<()> {
        for prop in &described.props {
            let key = match &prop.key {
                Key::String(s) => BoaKey::from(string_to_boa(s)),
                Key::Symbol(d) => BoaKey::from(self.symbol(d)),
            };
            let desc = match &prop.value {
                PropValue::Data(v) => data(self.value(v), prop.enumerable),
                PropValue::GetterReturns(v) | PropValue::GetterThrows(v) => {
                    let value = self.value(v);
                    let throws = matches!(prop.value, PropValue::GetterThrows(_));
                    let getter = self.getter(value, throws);
                    self.hints.getters.push((getter.clone(), prop.value.clone()));
                    PropertyDescriptor::builder()
                        .get(getter)
                        .enumerable(prop.enumerable)
                        .configurable(true)
                        .build()
                }
            };
            object.define_property_or_throw(key, desc, self.context)?;
        }
        Ok(())
    }

    /// A getter function that returns `value`, or throws it.
    fn getter(&mut self, value: JsValue, throws: bool) -> JsObject {
        let steps = if throws {
            NativeFunction::from_copy_closure_with_captures(
                |_, _, value: &JsValue, _| Err(JsError::from_opaque(value.clone())),
                value,
            )
        } else {
            NativeFunction::from_copy_closure_with_captures(
                |_, _, value: &JsValue, _| Ok(value.clone()),
                value,
            )
        };
        FunctionObjectBuilder::new(self.context.realm(), steps)
            .build()
            .into()
    }
}

/// A data property: writable and configurable, as the notation's are.
fn data(value: JsValue, enumerable: bool) -> PropertyDescriptor {
    PropertyDescriptor::builder()
        .value(value)
        .writable(true)
        .enumerable(enumerable)
        .configurable(true)
        .build()
}

fn error_kind(kind: ErrorPrototype) -> ErrorKind {
    crate::realm::error_kind(kind)
}

/// A buffer as the realm makes one: an ArrayBuffer at its largest (views
/// are made next; `finish_buffer` sets the final length), or a
/// SharedArrayBuffer with its bytes.
fn buffer_object(realm: &mut BoaRealm<'_>, buffer: &Buffer) -> JsResult<JsObject> {
    use webmessaging::ecmascript::{Realm, SharedDataBlock};
    if buffer.shared {
        let block = SharedDataBlock::new(buffer.bytes.clone());
        return Ok(realm.create_shared_array_buffer(block, buffer.max_byte_length).0);
    }
    let mut bytes = buffer.bytes.clone();
    if let Some(max) = buffer.max_byte_length {
        bytes.resize(max, 0);
    }
    realm
        .create_array_buffer(bytes, buffer.max_byte_length)
        .map(|o| o.0)
        .map_err(|e| JsError::from_opaque(realm.value_to_boa(&e.0)))
}
