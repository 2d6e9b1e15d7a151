//! Poison: one value serialization must refuse, put where it will be met,
//! for [`poisoned_document`].

use super::*;

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
pub(super) fn refused_kinds() -> Vec<Kind> {
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
            kind if assemble::copies_props(kind) => {
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
