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

mod assemble;
mod poison;

pub use assemble::index_of;
pub use poison::poisoned_document;

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
    let refused = prop::sample::select(poison::refused_kinds()).prop_map(RawKind::Refused);
    prop_oneof![30 => serializable, 2 => refused].boxed()
}

/// Values for an Error's own `name`: the seven names Error serialization
/// keeps, and others it replaces by "Error".
fn error_name() -> impl Strategy<Value = Val> + Clone {
    let mut names: Vec<&str> = NATIVE_ERRORS.into_iter().map(native_error_name).collect();
    names.extend(["AggregateError", "", "error"]);
    prop::sample::select(names).prop_map(|n| Val::String(JsString::from(n)))
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
