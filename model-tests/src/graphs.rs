//! Proptest strategies for graph-notation [`Document`]s: object graphs with
//! a root and a transfer list, written in the engine-neutral notation so that
//! the clone properties, the fuzzers and the node oracle can share them.
//!
//! A graph is generated in two stages. First a [`RawGraph`]: a list of raw
//! objects whose references are [`Index`]es, which fit whatever number of
//! objects is left after shrinking. Then [`RawGraph::assemble`] resolves the
//! indices and repairs whatever the notation (or, for
//! [`GraphConfig::serializable_only`], a successful clone) requires: one
//! %Object.prototype%, views over buffers, distinct Map keys, distinct
//! property keys, Array indices below the length, and so on. Shrinking works
//! on the raw graph, so it removes objects, properties and entries.
//!
//! What is covered: every kind of the notation (ordinary objects, the one
//! %Object.prototype%, Arrays with holes and extra properties, the four
//! primitive wrappers, Date, RegExp with a `lastIndex`, ArrayBuffers fixed,
//! resizable, shared, growable, detached and with a detach key, every typed
//! array kind and DataView with length-tracking and out-of-bounds views,
//! Map, Set, Errors of every kind with or without message, stack and own
//! `name`, Function, Symbol objects, WeakMap, WeakSet, WeakRef, Promise,
//! Proxy and platform objects); primitives including -0, NaN, ±Infinity,
//! BigInts, lone surrogates and Symbols; enumerable and non-enumerable,
//! Symbol-keyed and integer-like keys in scrambled creation order; getters
//! that return or throw; cycles and shared references; transfer lists with
//! repeats, detached and shared buffers, objects that cannot be transferred
//! and objects the root does not reach.

use crate::predicate::number::time_clip;
use crate::predicate::views::element_size;
use crate::predicate::{NATIVE_ERRORS, native_error_name};
use proptest::prelude::*;
use proptest::sample::Index;
use std::collections::HashSet;
use webmessaging::ecmascript::{BigInt, ErrorPrototype, JsString, ViewKind};
use webmessaging::notation::{Buffer, Document, Key, Kind, Object, Prop, PropValue, Val};

/// What kind of graphs to generate.
#[derive(Clone, Copy, Debug)]
pub struct GraphConfig {
    /// At most this many generated objects (assembly may add one buffer per
    /// view that found none to view, so a document can hold a few more).
    pub max_objects: usize,
    /// At most this many own properties per object.
    pub max_props: usize,
    /// At most this many Map entries or Set values per object.
    pub max_entries: usize,
    /// At most this many bytes per buffer.
    pub max_bytes: usize,
    /// Only graphs whose clone must succeed (in a cross-origin isolated
    /// realm): no non-serializable objects, no Symbol or throwing getter where
    /// serialization would meet it, no detached buffers, views within their
    /// buffers, Error messages whose ToString cannot throw, and a transfer
    /// list of distinct transferable buffers. Hidden places (non-enumerable
    /// or Symbol-keyed properties, properties of objects whose properties are
    /// not copied) may still hold Symbols and throwing getters.
    pub serializable_only: bool,
    /// Generate a transfer list (empty otherwise).
    pub with_transfer: bool,
}

impl GraphConfig {
    /// Arbitrary graphs of up to `max_objects` objects, with transfer lists:
    /// anything the notation can say, errors included.
    pub fn arbitrary(max_objects: usize) -> Self {
        GraphConfig {
            max_objects,
            max_props: 6,
            max_entries: 4,
            max_bytes: 16,
            serializable_only: false,
            with_transfer: true,
        }
    }

    /// Graphs of up to `max_objects` objects that clone successfully, without
    /// a transfer list.
    pub fn serializable(max_objects: usize) -> Self {
        GraphConfig {
            serializable_only: true,
            with_transfer: false,
            ..GraphConfig::arbitrary(max_objects)
        }
    }
}

impl Default for GraphConfig {
    fn default() -> Self {
        GraphConfig::arbitrary(8)
    }
}

/// Documents as `config` asks for them.
pub fn document(config: GraphConfig) -> impl Strategy<Value = Document> {
    raw_graph(config).prop_map(move |raw| raw.assemble(&config))
}

/// Serializable documents (as [`GraphConfig::serializable`] with `config`'s
/// other knobs) into which one non-serializable value has been put where
/// serialization must meet it: a Symbol, a non-serializable object, a
/// detached buffer or an out-of-bounds view, as a copied property, a Map
/// key or value, a Set value, or the root itself. Cloning one must throw a
/// DataCloneError.
pub fn poisoned_document(config: GraphConfig) -> impl Strategy<Value = Document> {
    let config = GraphConfig {
        serializable_only: true,
        ..config
    };
    (document(config), poison(), any::<Index>()).prop_map(|(mut doc, poison, at)| {
        inject(&mut doc, poison, at);
        doc
    })
}

// ----- raw graphs -----

/// A generated graph before assembly: references are [`Index`]es into
/// whatever objects remain.
#[derive(Clone, Debug)]
pub struct RawGraph {
    objects: Vec<RawObject>,
    root: RawVal,
    /// How to pick each transfer list entry, and which.
    transfer: Vec<(Pick, Index)>,
}

/// How an arbitrary graph picks a transfer list entry (a serializable one
/// always picks a buffer not picked yet).
#[derive(Clone, Copy, Debug)]
enum Pick {
    /// A buffer not in the list yet (any buffer when all are).
    NewBuffer,
    /// An entry already in the list: a duplicate.
    Repeat,
    /// Any object at all.
    Any,
}

#[derive(Clone, Debug)]
enum RawVal {
    /// A primitive (never [`Val::Ref`]).
    Prim(Val),
    Ref(Index),
}

#[derive(Clone, Debug)]
struct RawObject {
    kind: RawKind,
    props: Vec<RawProp>,
    /// Hang the object from one of the containers before it (so that the
    /// root, the first container, reaches most objects).
    parent: Option<Index>,
}

#[derive(Clone, Debug)]
enum RawKind {
    Object,
    ObjectPrototype,
    Array {
        length: u32,
    },
    Boolean(bool),
    Number(f64),
    String(JsString),
    BigInt(BigInt),
    Date(f64),
    RegExp {
        source: JsString,
        flags: JsString,
        last_index: Option<RawVal>,
    },
    ArrayBuffer(Buffer),
    View {
        kind: ViewKind,
        buffer: Index,
        /// In elements, so that the offset is aligned.
        offset: usize,
        /// `None`: length-tracking, where the buffer allows it.
        length: Option<usize>,
    },
    Map(Vec<(RawVal, RawVal)>),
    Set(Vec<RawVal>),
    Error {
        name: ErrorPrototype,
        message: Option<RawVal>,
        stack: Option<JsString>,
        /// An own `name` property, enumerable or not.
        own_name: Option<(RawPropValue, bool)>,
    },
    /// Function, SymbolObject, WeakMap, WeakSet, WeakRef, Promise, Proxy or
    /// a platform object: kinds without fields that serialization refuses.
    Refused(Kind),
}

#[derive(Clone, Debug)]
struct RawProp {
    key: Key,
    value: RawPropValue,
    enumerable: bool,
}

#[derive(Clone, Debug)]
enum RawPropValue {
    Data(RawVal),
    Returns(RawVal),
    Throws(RawVal),
}

fn raw_graph(config: GraphConfig) -> impl Strategy<Value = RawGraph> {
    let objects = prop::collection::vec(raw_object(config), 0..=config.max_objects);
    let root =
        prop_oneof![1 => primitive().prop_map(RawVal::Prim), 9 => any::<Index>().prop_map(RawVal::Ref)];
    let transfer_len = if config.with_transfer { 0..5 } else { 0..1 };
    let entry = (
        prop_oneof![14 => Just(Pick::NewBuffer), 1 => Just(Pick::Repeat), 1 => Just(Pick::Any)],
        any::<Index>(),
    );
    let transfer = prop::collection::vec(entry, transfer_len);
    (objects, root, transfer).prop_map(|(objects, root, transfer)| RawGraph {
        objects,
        root,
        transfer,
    })
}

fn raw_val() -> impl Strategy<Value = RawVal> + Clone {
    prop_oneof![
        1 => primitive().prop_map(RawVal::Prim),
        3 => any::<Index>().prop_map(RawVal::Ref),
    ]
}

/// Primitive values, the awkward ones well represented.
pub fn primitive() -> impl Strategy<Value = Val> + Clone {
    prop_oneof![
        1 => Just(Val::Undefined),
        1 => Just(Val::Null),
        1 => any::<bool>().prop_map(Val::Bool),
        3 => number().prop_map(Val::Number),
        1 => bigint().prop_map(Val::BigInt),
        3 => string().prop_map(Val::String),
        1 => symbol_description().prop_map(Val::Symbol),
    ]
}

/// Numbers: -0, NaN, the infinities, extremes and arbitrary doubles.
pub fn number() -> impl Strategy<Value = f64> + Clone {
    prop_oneof![
        2 => prop::sample::select(vec![
            0.0,
            -0.0,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            1.5,
            -1.0,
            9007199254740993.0,
            5e-324,
            f64::MAX,
            1e21,
        ]),
        1 => any::<f64>(),
        1 => (-1000i32..1000).prop_map(f64::from),
    ]
}

fn bigint() -> impl Strategy<Value = BigInt> + Clone {
    prop_oneof![
        any::<i64>().prop_map(BigInt::from),
        Just(BigInt::parse("-123456789012345678901234567890").expect("a decimal")),
    ]
}

/// Strings: ASCII, other Unicode, and lone surrogates.
pub fn string() -> impl Strategy<Value = JsString> + Clone {
    prop_oneof![
        3 => "[a-c]{0,3}".prop_map(|s| JsString::from(s.as_str())),
        1 => Just(JsString::from("é😀")),
        1 => prop::sample::select(vec![0xD800u16, 0xDBFF, 0xDC00, 0xDFFF])
            .prop_map(|unit| JsString::from_code_units(vec![u16::from(b'x'), unit])),
    ]
}

fn symbol_description() -> impl Strategy<Value = Option<JsString>> + Clone {
    prop::sample::select(vec![None, Some("s"), Some("t")]).prop_map(|d| d.map(JsString::from))
}

/// String keys: names, the keys that are fields of some kinds, array
/// indices (the largest one too) and numeric-looking keys that are not.
const KEYS: &[&str] = &[
    "a",
    "b",
    "c",
    "",
    "__proto__",
    "name",
    "message",
    "length",
    "lastIndex",
    "stack",
    "0",
    "1",
    "2",
    "3",
    "10",
    "01",
    "-0",
    "1.5",
    "4294967294",
    "4294967295",
];

/// Keys that make ToString run differently (an own `toString` or
/// `valueOf` that is not callable is skipped): arbitrary graphs only.
const CONVERSION_KEYS: &[&str] = &["toString", "valueOf", "source", "flags"];

fn key(config: GraphConfig) -> impl Strategy<Value = Key> + Clone {
    let mut names: Vec<JsString> = KEYS.iter().map(|k| JsString::from(*k)).collect();
    names.push(JsString::from_code_units(vec![0xD800]));
    if !config.serializable_only {
        names.extend(CONVERSION_KEYS.iter().map(|k| JsString::from(*k)));
    }
    prop_oneof![
        6 => prop::sample::select(names).prop_map(Key::String),
        1 => symbol_description().prop_map(Key::Symbol),
    ]
}

fn prop_value() -> impl Strategy<Value = RawPropValue> + Clone {
    prop_oneof![
        8 => raw_val().prop_map(RawPropValue::Data),
        2 => raw_val().prop_map(RawPropValue::Returns),
        1 => raw_val().prop_map(RawPropValue::Throws),
    ]
}

fn raw_prop(config: GraphConfig) -> impl Strategy<Value = RawProp> {
    (key(config), prop_value(), prop::bool::weighted(0.75)).prop_map(|(key, value, enumerable)| RawProp {
        key,
        value,
        enumerable,
    })
}

fn raw_object(config: GraphConfig) -> impl Strategy<Value = RawObject> {
    let props = prop::collection::vec(raw_prop(config), 0..=config.max_props);
    let parent = prop::option::weighted(0.7, any::<Index>());
    (raw_kind(config), props, parent).prop_map(|(kind, props, parent)| RawObject { kind, props, parent })
}

fn buffer(config: GraphConfig) -> impl Strategy<Value = Buffer> {
    let bytes = prop::collection::vec(any::<u8>(), 0..=config.max_bytes);
    let grow = prop::option::weighted(0.3, 0..8usize);
    // 0: an ArrayBuffer, 1: shared, 2: detached, 3: with a detach key.
    let state = prop_oneof![6 => Just(0u8), 2 => Just(1), 1 => Just(2), 1 => Just(3)];
    (bytes, grow, state).prop_map(move |(bytes, grow, state)| {
        let state = if config.serializable_only && state == 2 {
            0
        } else {
            state
        };
        Buffer {
            max_byte_length: grow.map(|extra| bytes.len() + extra),
            bytes: if state == 2 { Vec::new() } else { bytes },
            shared: state == 1,
            detached: state == 2,
            detach_key: state == 3,
        }
    })
}

fn raw_kind(config: GraphConfig) -> BoxedStrategy<RawKind> {
    let entries = config.max_entries;
    let view = (
        prop::sample::select(ViewKind::ALL.to_vec()),
        any::<Index>(),
        0..3usize,
        prop::option::weighted(0.8, 0..6usize),
    )
        .prop_map(|(kind, buffer, offset, length)| RawKind::View {
            kind,
            buffer,
            offset,
            length,
        });
    let own_name = prop::option::weighted(
        0.4,
        (
            prop_oneof![
                3 => error_name().prop_map(|n| RawPropValue::Data(RawVal::Prim(n))),
                1 => raw_val().prop_map(RawPropValue::Data),
                1 => error_name().prop_map(|n| RawPropValue::Returns(RawVal::Prim(n))),
                1 => raw_val().prop_map(RawPropValue::Throws),
            ],
            any::<bool>(),
        ),
    );
    let error = (
        prop::sample::select(NATIVE_ERRORS.to_vec()),
        prop::option::weighted(0.7, raw_val()),
        prop::option::of(string()),
        own_name,
    )
        .prop_map(|(name, message, stack, own_name)| RawKind::Error {
            name,
            message,
            stack,
            own_name,
        });
    let regexp = (
        prop::sample::select(vec!["a+", "", "[/]", "\\d"]),
        prop::sample::select(vec!["", "g", "dgimsuy", "v"]),
        prop::option::weighted(0.5, raw_val()),
    )
        .prop_map(|(source, flags, last_index)| RawKind::RegExp {
            source: JsString::from(source),
            flags: JsString::from(flags),
            last_index,
        });
    let serializable = prop_oneof![
        8 => Just(RawKind::Object),
        1 => Just(RawKind::ObjectPrototype),
        6 => (0u32..6).prop_map(|length| RawKind::Array { length }),
        1 => any::<bool>().prop_map(RawKind::Boolean),
        1 => number().prop_map(RawKind::Number),
        1 => string().prop_map(RawKind::String),
        1 => bigint().prop_map(RawKind::BigInt),
        1 => number().prop_map(|t| RawKind::Date(time_clip(t))),
        1 => regexp,
        3 => buffer(config).prop_map(RawKind::ArrayBuffer),
        3 => view,
        3 => prop::collection::vec((raw_val(), raw_val()), 0..=entries).prop_map(RawKind::Map),
        3 => prop::collection::vec(raw_val(), 0..=entries).prop_map(RawKind::Set),
        2 => error,
    ];
    if config.serializable_only {
        return serializable.boxed();
    }
    let refused = prop::sample::select(refused_kinds()).prop_map(RawKind::Refused);
    prop_oneof![30 => serializable, 2 => refused].boxed()
}

/// Values for an Error's own `name`: the seven names Error serialization
/// keeps, and others it replaces by "Error".
fn error_name() -> impl Strategy<Value = Val> + Clone {
    let mut names: Vec<&str> = NATIVE_ERRORS.into_iter().map(native_error_name).collect();
    names.extend(["AggregateError", "", "error"]);
    prop::sample::select(names).prop_map(|n| Val::String(JsString::from(n)))
}

// ----- assembly -----

/// Object kinds whose ToString cannot throw or run a getter, given
/// that serializable graphs have no `toString`, `valueOf`, `source` or
/// `flags` keys: safe Error messages for serializable graphs.
fn converts_quietly(kind: &Kind) -> bool {
    matches!(
        kind,
        Kind::Object
            | Kind::ObjectPrototype
            | Kind::Boolean(_)
            | Kind::Number(_)
            | Kind::String(_)
            | Kind::BigInt(_)
            | Kind::Date { .. }
            | Kind::ArrayBuffer(_)
            | Kind::View { .. }
            | Kind::Map { .. }
            | Kind::Set { .. }
    )
}

/// Whether the properties of an object of this kind are copied by
/// serialization (StructuredSerializeInternal step 26.4).
fn copies_props(kind: &Kind) -> bool {
    matches!(kind, Kind::Object | Kind::ObjectPrototype | Kind::Array { .. })
}

/// Resolves raw references against `count` objects.
struct Resolver {
    count: usize,
    serializable_only: bool,
}

impl Resolver {
    fn val(&self, v: &RawVal) -> Val {
        match v {
            RawVal::Prim(p) => p.clone(),
            RawVal::Ref(_) if self.count == 0 => Val::Null,
            RawVal::Ref(i) => Val::Ref(i.index(self.count)),
        }
    }

    /// A value that serialization will meet: no Symbol in serializable graphs.
    fn visible(&self, v: &RawVal) -> Val {
        match self.val(v) {
            Val::Symbol(d) if self.serializable_only => Val::String(d.unwrap_or_default()),
            other => other,
        }
    }

    fn prop_value(&self, v: &RawPropValue, visible: bool) -> PropValue {
        let val = |v| if visible { self.visible(v) } else { self.val(v) };
        match v {
            RawPropValue::Data(v) => PropValue::Data(val(v)),
            RawPropValue::Returns(v) => PropValue::GetterReturns(val(v)),
            // A getter serialization calls must not throw in serializable graphs.
            RawPropValue::Throws(v) if visible && self.serializable_only => PropValue::GetterReturns(val(v)),
            RawPropValue::Throws(v) => PropValue::GetterThrows(self.val(v)),
        }
    }
}

impl RawGraph {
    /// The document this raw graph stands for under `config`.
    pub fn assemble(&self, config: &GraphConfig) -> Document {
        let r = Resolver {
            count: self.objects.len(),
            serializable_only: config.serializable_only,
        };
        let mut objects: Vec<Object> = Vec::with_capacity(self.objects.len());
        let mut seen_prototype = false;
        // Views are placed once every buffer is known.
        let mut views = Vec::new();
        for (i, raw) in self.objects.iter().enumerate() {
            let kind = match &raw.kind {
                RawKind::Object => Kind::Object,
                RawKind::ObjectPrototype if !seen_prototype => {
                    seen_prototype = true;
                    Kind::ObjectPrototype
                }
                RawKind::ObjectPrototype => Kind::Object,
                RawKind::Array { length } => Kind::Array { length: *length },
                RawKind::Boolean(b) => Kind::Boolean(*b),
                RawKind::Number(n) => Kind::Number(*n),
                RawKind::String(s) => Kind::String(s.clone()),
                RawKind::BigInt(b) => Kind::BigInt(b.clone()),
                RawKind::Date(t) => Kind::Date { time: *t },
                RawKind::RegExp {
                    source,
                    flags,
                    last_index,
                } => Kind::RegExp {
                    source: source.clone(),
                    flags: flags.clone(),
                    last_index: last_index.as_ref().map(|v| r.val(v)),
                },
                RawKind::ArrayBuffer(b) => Kind::ArrayBuffer(b.clone()),
                RawKind::View { .. } => {
                    views.push(i);
                    Kind::Object // placed below
                }
                RawKind::Map(entries) => {
                    let mut seen = HashSet::new();
                    Kind::Map {
                        entries: entries
                            .iter()
                            .map(|(k, v)| (map_key(r.visible(k)), r.visible(v)))
                            .filter(|(k, _)| seen.insert(same_value_zero(k)))
                            .collect(),
                    }
                }
                RawKind::Set(values) => {
                    let mut seen = HashSet::new();
                    Kind::Set {
                        values: values
                            .iter()
                            .map(|v| map_key(r.visible(v)))
                            .filter(|v| seen.insert(same_value_zero(v)))
                            .collect(),
                    }
                }
                RawKind::Error {
                    name, message, stack, ..
                } => Kind::Error {
                    name: *name,
                    message: message.as_ref().map(|v| r.visible(v)),
                    stack: stack.clone(),
                },
                RawKind::Refused(kind) => kind.clone(),
            };
            objects.push(Object::new(kind));
        }
        for &i in &views {
            let RawKind::View {
                kind,
                buffer,
                offset,
                length,
            } = &self.objects[i].kind
            else {
                unreachable!("only views were queued")
            };
            let buffers: Vec<usize> = (0..objects.len())
                .filter(|&b| matches!(objects[b].kind, Kind::ArrayBuffer(_)))
                .collect();
            let buffer = if buffers.is_empty() {
                // Nothing to view: the view brings its own buffer.
                objects.push(Object::new(Kind::ArrayBuffer(Buffer {
                    bytes: vec![0; 16],
                    ..Buffer::default()
                })));
                objects.len() - 1
            } else {
                buffers[buffer.index(buffers.len())]
            };
            let Kind::ArrayBuffer(viewed) = &objects[buffer].kind else {
                unreachable!("chosen among buffers")
            };
            objects[i].kind = place_view(*kind, buffer, viewed, *offset, *length, config.serializable_only);
        }
        if config.serializable_only {
            // An Error message must convert quietly.
            for i in 0..objects.len() {
                if let Kind::Error {
                    message: Some(Val::Ref(m)),
                    ..
                } = objects[i].kind
                    && !converts_quietly(&objects[m].kind)
                {
                    let Kind::Error { message, .. } = &mut objects[i].kind else {
                        unreachable!("matched above")
                    };
                    *message = Some(Val::String(JsString::from("message")));
                }
            }
        }
        for (i, raw) in self.objects.iter().enumerate() {
            let mut props = self.props(raw, &objects[i].kind, &r);
            if let RawKind::Error {
                own_name: Some((value, enumerable)),
                ..
            } = &raw.kind
            {
                // Get(value, "name") runs whatever the property is.
                let name = Key::String(JsString::from("name"));
                props.retain(|p| p.key != name);
                props.insert(
                    0,
                    Prop {
                        key: name,
                        value: r.prop_value(value, true),
                        enumerable: *enumerable,
                    },
                );
            }
            let length = fit_array_length(&objects[i].kind, &props);
            if let (Kind::Array { length: l }, Some(length)) = (&mut objects[i].kind, length) {
                *l = length;
            }
            objects[i].props = props;
        }
        let containers: Vec<usize> = (0..objects.len())
            .filter(|&i| {
                copies_props(&objects[i].kind)
                    || matches!(objects[i].kind, Kind::Map { .. } | Kind::Set { .. })
            })
            .collect();
        for (i, raw) in self.objects.iter().enumerate() {
            let earlier = containers.partition_point(|&c| c < i);
            if let (Some(parent), true) = (&raw.parent, earlier > 0) {
                link(&mut objects[containers[parent.index(earlier)]], i);
            }
        }
        // The first container is the root, when the root is an object.
        let root = match (&self.root, containers.first()) {
            (RawVal::Ref(_), Some(&first)) => Val::Ref(first),
            (other, _) => r.visible(other),
        };
        let transfer = self.transfer_list(&objects, config);
        Document {
            root,
            objects,
            transfer,
        }
    }

    /// The object's own properties: keys distinct, no key that is a field
    /// (or virtual) for its kind.
    fn props(&self, raw: &RawObject, kind: &Kind, r: &Resolver) -> Vec<Prop> {
        let mut seen = HashSet::new();
        let mut props = Vec::new();
        for p in &raw.props {
            if !seen.insert(p.key.clone()) || is_field(kind, &p.key, &p.value) {
                continue;
            }
            // Serialization reads enumerable String-keyed properties of the
            // objects whose properties it copies, and an Error's `name`.
            let is_name = matches!((kind, &p.key), (Kind::Error { .. }, Key::String(k)) if *k == JsString::from("name"));
            let visible = is_name || (copies_props(kind) && p.enumerable && matches!(p.key, Key::String(_)));
            props.push(Prop {
                key: p.key.clone(),
                value: r.prop_value(&p.value, visible),
                enumerable: p.enumerable,
            });
        }
        props
    }

    fn transfer_list(&self, objects: &[Object], config: &GraphConfig) -> Vec<usize> {
        if !config.with_transfer || objects.is_empty() {
            return Vec::new();
        }
        if !config.serializable_only {
            let buffers: Vec<usize> = (0..objects.len())
                .filter(|&i| matches!(objects[i].kind, Kind::ArrayBuffer(_)))
                .collect();
            let mut list: Vec<usize> = Vec::new();
            for (pick, i) in &self.transfer {
                let fresh: Vec<usize> = buffers.iter().copied().filter(|b| !list.contains(b)).collect();
                let entry = match pick {
                    Pick::NewBuffer if !fresh.is_empty() => fresh[i.index(fresh.len())],
                    Pick::Repeat if !list.is_empty() => list[i.index(list.len())],
                    Pick::Any => i.index(objects.len()),
                    // Nothing fits: a shorter list.
                    _ => continue,
                };
                list.push(entry);
            }
            return list;
        }
        // Distinct ArrayBuffers that can be detached.
        let movable: Vec<usize> = (0..objects.len())
            .filter(|&i| {
                matches!(&objects[i].kind, Kind::ArrayBuffer(b) if !b.shared && !b.detached && !b.detach_key)
            })
            .collect();
        if movable.is_empty() {
            return Vec::new();
        }
        let mut seen = HashSet::new();
        self.transfer
            .iter()
            .map(|(_, i)| movable[i.index(movable.len())])
            .filter(|i| seen.insert(*i))
            .collect()
    }
}

/// Makes `container` hold object `child`, where serialization will look.
fn link(container: &mut Object, child: usize) {
    let key = format!("p{child}");
    match &mut container.kind {
        Kind::Map { entries } => entries.push((Val::String(JsString::from(key.as_str())), Val::Ref(child))),
        Kind::Set { values } => {
            if !values.iter().any(|v| matches!(v, Val::Ref(r) if *r == child)) {
                values.push(Val::Ref(child));
            }
        }
        _ => container.props.push(Prop::new_data(&key, Val::Ref(child))),
    }
}

/// A view of `kind` over `viewed` at `offset` elements; in serializable
/// graphs clamped to lie within the buffer.
fn place_view(
    kind: ViewKind,
    buffer: usize,
    viewed: &Buffer,
    offset: usize,
    length: Option<usize>,
    in_bounds: bool,
) -> Kind {
    let size = element_size(kind);
    let mut byte_offset = offset * size;
    // Only a view over a resizable buffer may track its length.
    let mut length = length.or(if viewed.max_byte_length.is_some() {
        None
    } else {
        Some(0)
    });
    if in_bounds {
        let len = viewed.bytes.len();
        if byte_offset > len {
            byte_offset = len / size * size;
        }
        length = length.map(|n| n.min((len - byte_offset) / size));
    }
    Kind::View {
        kind,
        buffer,
        byte_offset,
        length,
    }
}

/// Whether a property with this key would be a field of (or virtual on) an
/// object of this kind, which the notation spells otherwise.
fn is_field(kind: &Kind, key: &Key, value: &RawPropValue) -> bool {
    let Key::String(key) = key else {
        return false;
    };
    let is = |name: &str| *key == JsString::from(name);
    match kind {
        Kind::Array { .. } => is("length"),
        Kind::String(s) => is("length") || index_of(key).is_some_and(|i| (i as usize) < s.len()),
        Kind::RegExp { .. } => is("lastIndex"),
        Kind::Error { message, .. } => {
            is("message") && (message.is_some() || matches!(value, RawPropValue::Data(_)))
        }
        _ => false,
    }
}

/// The Array's length grown past its largest index property, if needed.
fn fit_array_length(kind: &Kind, props: &[Prop]) -> Option<u32> {
    let Kind::Array { length } = kind else {
        return None;
    };
    let largest = props
        .iter()
        .filter_map(|p| match &p.key {
            Key::String(k) => index_of(k),
            Key::Symbol(_) => None,
        })
        .max()?;
    Some((*length).max(largest + 1))
}

/// The array index a key stands for (a canonical numeric String below
/// 2^32 - 1).
/// What a Map or Set stores for a key: -0 becomes +0 (Map.prototype.set
/// and Set.prototype.add normalise it).
fn map_key(key: Val) -> Val {
    match key {
        // -0 + 0 is +0; every other number is unchanged by adding +0.
        Val::Number(n) => Val::Number(n + 0.0),
        other => other,
    }
}

/// The array index a key names, if any.
pub fn index_of(key: &JsString) -> Option<u32> {
    let text = key.to_rust_string()?;
    let n: u32 = text.parse().ok()?;
    (n != u32::MAX && n.to_string() == text).then_some(n)
}

/// A key under which SameValueZero-equal values are equal.
fn same_value_zero(v: &Val) -> String {
    match v {
        Val::Number(n) if n.is_nan() => "n:NaN".to_owned(),
        Val::Number(n) => format!("n:{}", n + 0.0),
        Val::Bool(b) => format!("b:{b}"),
        Val::BigInt(b) => format!("i:{b}"),
        Val::String(s) => format!("s:{:?}", s.code_units()),
        Val::Symbol(d) => format!("y:{d:?}"),
        Val::Ref(i) => format!("r:{i}"),
        Val::Undefined => "u".to_owned(),
        Val::Null => "null".to_owned(),
    }
}

// ----- poison -----

/// What [`poisoned_document`] puts in.
#[derive(Clone, Debug)]
enum Poison {
    Symbol,
    Object(Kind),
    DetachedBuffer,
    OutOfBoundsView,
}

fn poison() -> impl Strategy<Value = Poison> {
    prop_oneof![
        Just(Poison::Symbol),
        prop::sample::select(refused_kinds()).prop_map(Poison::Object),
        Just(Poison::DetachedBuffer),
        Just(Poison::OutOfBoundsView),
    ]
}

/// The kinds StructuredSerializeInternal refuses (steps 20 – 23): functions,
/// objects with other internal slots, proxies, and platform objects of no
/// serializable interface.
fn refused_kinds() -> Vec<Kind> {
    vec![
        Kind::Function,
        Kind::SymbolObject,
        Kind::WeakMap,
        Kind::WeakSet,
        Kind::WeakRef,
        Kind::Promise,
        Kind::Proxy,
        Kind::Platform {
            interface: "MessagePort".to_owned(),
            detached: Some(false),
        },
        Kind::Platform {
            interface: "Blob".to_owned(),
            detached: None,
        },
    ]
}

/// The objects serialization visits from the root and whose content it
/// copies: the places a poison is sure to be met.
fn copied_containers(doc: &Document) -> Vec<usize> {
    let mut seen = vec![false; doc.objects.len()];
    let mut stack: Vec<usize> = match doc.root {
        Val::Ref(i) => vec![i],
        _ => Vec::new(),
    };
    let mut containers = Vec::new();
    while let Some(i) = stack.pop() {
        if std::mem::replace(&mut seen[i], true) {
            continue;
        }
        let object = &doc.objects[i];
        let mut visit = |v: &Val| {
            if let Val::Ref(r) = v {
                stack.push(*r);
            }
        };
        match &object.kind {
            Kind::Map { entries } => {
                containers.push(i);
                entries.iter().for_each(|(k, v)| {
                    visit(k);
                    visit(v);
                });
            }
            Kind::Set { values } => {
                containers.push(i);
                values.iter().for_each(visit);
            }
            kind if copies_props(kind) => {
                containers.push(i);
                for p in object.props.iter().filter(|p| p.enumerable) {
                    if let (Key::String(_), PropValue::Data(v) | PropValue::GetterReturns(v)) =
                        (&p.key, &p.value)
                    {
                        visit(v);
                    }
                }
            }
            _ => {}
        }
    }
    containers.sort_unstable();
    containers
}

/// Puts `poison` into `doc` where serialization meets it.
fn inject(doc: &mut Document, poison: Poison, at: Index) {
    let containers = copied_containers(doc);
    let value = match poison {
        Poison::Symbol => Val::Symbol(Some(JsString::from("poison"))),
        Poison::Object(kind) => {
            doc.objects.push(Object::new(kind));
            Val::Ref(doc.objects.len() - 1)
        }
        Poison::DetachedBuffer => {
            doc.objects.push(Object::new(Kind::ArrayBuffer(Buffer {
                detached: true,
                ..Buffer::default()
            })));
            Val::Ref(doc.objects.len() - 1)
        }
        Poison::OutOfBoundsView => {
            doc.objects.push(Object::new(Kind::ArrayBuffer(Buffer {
                bytes: vec![1, 2, 3, 4],
                ..Buffer::default()
            })));
            doc.objects.push(Object::new(Kind::View {
                kind: ViewKind::Uint16Array,
                buffer: doc.objects.len() - 1,
                byte_offset: 2,
                length: Some(2),
            }));
            Val::Ref(doc.objects.len() - 1)
        }
    };
    if containers.is_empty() {
        doc.root = value;
        return;
    }
    let target = containers[at.index(containers.len())];
    let object = &mut doc.objects[target];
    match &mut object.kind {
        // A fresh key (a poison value is never a key already there).
        Kind::Map { entries } => entries.push((value, Val::Null)),
        Kind::Set { values } => values.push(value),
        _ => object.props.push(Prop::new_data("poison", value)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    use webmessaging::ecmascript::Heap;
    use webmessaging::notation::build;

    /// Every generated document is one the notation can build.
    #[test]
    fn documents_build() {
        let mut runner = TestRunner::deterministic();
        for config in [
            GraphConfig::arbitrary(10),
            GraphConfig::serializable(10),
            GraphConfig {
                with_transfer: true,
                ..GraphConfig::serializable(10)
            },
        ] {
            for _ in 0..300 {
                let doc = document(config).new_tree(&mut runner).expect("a tree").current();
                build(&doc, &mut Heap::default()).unwrap_or_else(|e| panic!("{e}\n{}", doc.to_json_string()));
            }
            for _ in 0..100 {
                let doc = poisoned_document(config)
                    .new_tree(&mut runner)
                    .expect("a tree")
                    .current();
                build(&doc, &mut Heap::default()).unwrap_or_else(|e| panic!("{e}\n{}", doc.to_json_string()));
            }
        }
    }

    #[test]
    fn array_indices() {
        assert_eq!(index_of(&JsString::from("0")), Some(0));
        assert_eq!(index_of(&JsString::from("4294967294")), Some(4294967294));
        for not in ["01", "-0", "1.5", "4294967295", "", "+1", " 1"] {
            assert_eq!(index_of(&JsString::from(not)), None, "{not}");
        }
    }
}
