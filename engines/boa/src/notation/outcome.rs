//! What `structuredClone(root, { transfer })` of a document comes to, in the
//! built-in heap or in Boa, in a form the two realms can share: the clone
//! printed as a document, or what was thrown.
//!
//! A DataCloneError is compared by the catalogue step that threw it (its
//! message names objects in each realm's own way); an Error object thrown
//! by the realm by its name (its message is each realm's own text).

use super::{BuildError, build, print};
use crate::realm::{AgentSettings, BoaKind, BoaRealm, Object, error_prototype_of};
use boa_engine::{Context, JsObject, JsValue, js_string};
use webmessaging::ecmascript::{Heap, ObjectId, ObjectKind, PropertyKey, Realm, Value};
use webmessaging::notation::{Document, NotationError};
use webmessaging::structured::{CloneError, NoPlatformObjects, structured_clone};

/// The outcome of a clone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The clone, printed, and the indices of the input document's objects
    /// that are detached buffers afterwards.
    Cloned {
        /// The clone's document, as JSON text.
        result: String,
        /// Detached input buffers.
        detached: Vec<usize>,
    },
    /// A DataCloneError, thrown at this catalogue step.
    DataCloneError {
        /// The step id.
        step: &'static str,
    },
    /// An Error object was thrown: its name.
    ThrewError {
        /// The error's own data `name`, else its prototype's kind.
        name: String,
    },
    /// Another value was thrown, printed as a document.
    Threw {
        /// The thrown value's document, as JSON text.
        thrown: String,
    },
}

impl Outcome {
    /// The outcome in a fresh built-in heap (cross-origin isolated, no
    /// platform objects).
    pub fn of_heap(document: &Document) -> Result<Outcome, NotationError> {
        let mut heap = Heap::default();
        let built = webmessaging::notation::build(document, &mut heap)?;
        let result = structured_clone(
            &mut heap,
            &mut NoPlatformObjects,
            built.root.clone(),
            &built.transfer,
        );
        Ok(match result {
            Ok(clone) => Outcome::Cloned {
                result: webmessaging::notation::print(&heap, &clone).to_json_string(),
                detached: detached(&built.objects, |o| heap.is_detached_buffer(o)),
            },
            Err(CloneError::DataClone(error)) => Outcome::DataCloneError { step: error.step },
            Err(CloneError::Thrown(Value::Object(o))) if heap.has_error_data(&o) => Outcome::ThrewError {
                name: heap_error_name(&heap, o),
            },
            Err(CloneError::Thrown(value)) => Outcome::Threw {
                thrown: webmessaging::notation::print(&heap, &value).to_json_string(),
            },
        })
    }

    /// The outcome in a fresh Boa context (cross-origin isolated, no
    /// platform objects).
    pub fn of_boa(document: &Document) -> Result<Outcome, BuildError> {
        let mut context = Context::default();
        let built = build(document, &mut context)?;
        let mut realm = BoaRealm::new(&mut context, AgentSettings::default())
            .map_err(|e| BuildError::Engine(e.to_string()))?;
        let root = realm.value_from_boa(&built.root);
        let transfer: Vec<Object> = built.transfer.iter().cloned().map(Object).collect();
        let result = structured_clone(&mut realm, &mut NoPlatformObjects, root, &transfer);
        Ok(match result {
            Ok(clone) => {
                let clone = realm.value_to_boa(&clone);
                let inputs: Vec<Object> = built.objects.iter().cloned().map(Object).collect();
                Outcome::Cloned {
                    result: print(&realm, &built.hints, &clone, &[]).to_json_string(),
                    detached: detached(&inputs, |o| realm.is_detached_buffer(o)),
                }
            }
            Err(CloneError::DataClone(error)) => Outcome::DataCloneError { step: error.step },
            Err(CloneError::Thrown(Value::Object(o))) if realm.kind(&o.0) == BoaKind::Error => {
                Outcome::ThrewError {
                    name: boa_error_name(&realm, &o.0),
                }
            }
            Err(CloneError::Thrown(value)) => {
                let value = realm.value_to_boa(&value);
                Outcome::Threw {
                    thrown: print(&realm, &built.hints, &value, &[]).to_json_string(),
                }
            }
        })
    }
}

fn detached<O>(objects: &[O], is_detached: impl Fn(&O) -> bool) -> Vec<usize> {
    objects
        .iter()
        .enumerate()
        .filter(|(_, o)| is_detached(o))
        .map(|(i, _)| i)
        .collect()
}

/// An error's own data `name` if it is a String, else its kind's name.
fn heap_error_name(heap: &Heap, o: ObjectId) -> String {
    if let Some(webmessaging::ecmascript::PropertyDescriptor::Data {
        value: Value::String(name),
        ..
    }) = heap.ordinary_get_own_property(&o, &PropertyKey::from("name"))
    {
        return name.to_string_lossy();
    }
    match heap.object(o).kind() {
        ObjectKind::Error { prototype, .. } => prototype.name().to_owned(),
        _ => "Error".to_owned(),
    }
}

/// The same, for a Boa error.
fn boa_error_name(realm: &BoaRealm<'_>, o: &JsObject) -> String {
    let own = o
        .borrow()
        .properties()
        .get(&boa_engine::property::PropertyKey::from(js_string!("name")))
        .and_then(|d| d.value().and_then(JsValue::as_string));
    if let Some(name) = own {
        return name.to_std_string_lossy();
    }
    realm
        .with_context(|context| error_prototype_of(o, context))
        .map_or_else(|| "Error".to_owned(), |kind| kind.name().to_owned())
}
