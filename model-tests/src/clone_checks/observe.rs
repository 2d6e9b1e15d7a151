//! Running `structuredClone` on a document in the built-in heap, writing
//! down what it did ([`Observed`]), and comparing that with the predicate
//! ([`compare`]): the clone and the attributes of its properties, which
//! exception and at which step, which buffers are detached afterwards, and
//! that nothing else in the input changed.

use super::Failure;
use crate::predicate::{Conditions, Predicted, Prediction, PropertyShape, Thrown, predict};
use std::collections::HashSet;
use webmessaging::ecmascript::{
    ArrayBufferState, Heap, HeapObject, ObjectId, ObjectKind, OwnProperty, PropertyKey, Value,
};
use webmessaging::notation::{Document, Key, Kind, PropValue, Val, build, print};
use webmessaging::structured::{CloneError, DataCloneError, NoPlatformObjects, structured_clone};

/// The conditions of a fresh built-in heap, cross-origin isolated or not.
pub fn heap_conditions(cross_origin_isolated: bool) -> Conditions {
    Conditions {
        cross_origin_isolated,
        max_string_length: Heap::MAX_STRING_LENGTH,
    }
}

/// What `structuredClone` did to a document.
#[derive(Clone, Debug)]
pub struct Observed {
    /// The result or the exception.
    pub outcome: ObservedOutcome,
    /// The input objects that are detached ArrayBuffers afterwards, ascending.
    pub detached_after: Vec<usize>,
    /// Input objects that changed other than by being detached: index,
    /// before, after.
    pub changed: Vec<(usize, String, String)>,
}

/// The result or the exception.
#[derive(Clone, Debug)]
pub enum ObservedOutcome {
    /// A clone.
    Cloned {
        /// As `print` prints it.
        document: Document,
        /// The own properties of each of its objects (in the document's
        /// numbering), in [[OwnPropertyKeys]] order.
        properties: Vec<Vec<PropertyShape>>,
        /// An input object the clone reaches, if any.
        reaches_input: Option<usize>,
    },
    /// A DataCloneError.
    DataCloneError(DataCloneError),
    /// A thrown value.
    Thrown(Thrown),
}

/// Runs `structuredClone(root, { transfer })` on `document` in a fresh heap
/// meeting `conditions`, and writes down what happened.
pub fn observe(document: &Document, conditions: &Conditions) -> Result<Observed, Failure> {
    let mut heap = Heap::default();
    heap.set_cross_origin_isolated(conditions.cross_origin_isolated);
    let built = build(document, &mut heap).map_err(|e| format!("the document does not build: {e}"))?;
    // As text (a Shared Data Block is shared with any copy), and as objects.
    let before: Vec<(String, HeapObject)> = built
        .objects
        .iter()
        .map(|&o| (snapshot(heap.object(o)), heap.object(o).clone()))
        .collect();
    let result = structured_clone(
        &mut heap,
        &mut NoPlatformObjects,
        built.root.clone(),
        &built.transfer,
    );
    let outcome = match result {
        Ok(clone) => {
            let printed = print(&heap, &clone);
            let properties = own_properties(&heap, &clone, &printed)?;
            let reaches_input = reachable(&heap, &clone)
                .into_iter()
                .find_map(|o| built.objects.iter().position(|&x| x == o));
            ObservedOutcome::Cloned {
                document: printed,
                properties,
                reaches_input,
            }
        }
        Err(CloneError::DataClone(e)) => ObservedOutcome::DataCloneError(e),
        Err(CloneError::Thrown(value)) => {
            ObservedOutcome::Thrown(thrown_value(&heap, &built.objects, &value))
        }
    };
    let detached_after: Vec<usize> = (0..built.objects.len())
        .filter(|&i| is_detached(&heap, built.objects[i]))
        .collect();
    // Nothing else changed: a buffer detached now is as it was, less its data.
    let mut changed = Vec::new();
    for (i, &o) in built.objects.iter().enumerate() {
        let now = snapshot(heap.object(o));
        let (text, object) = &before[i];
        let expected = if detached_after.contains(&i) {
            let mut object = object.clone();
            if let Some(ArrayBufferState::Owned { data, .. }) = object.kind_mut().as_array_buffer_mut() {
                *data = None;
            }
            snapshot(&object)
        } else {
            text.clone()
        };
        if now != expected {
            changed.push((i, text.clone(), now));
        }
    }
    Ok(Observed {
        outcome,
        detached_after,
        changed,
    })
}

/// Whether `observed` is what `prediction` says, and if not, how it differs.
pub fn compare(prediction: &Prediction, observed: &Observed) -> Result<(), Failure> {
    match (&prediction.outcome, &observed.outcome) {
        (
            Predicted::Cloned {
                document: expected,
                properties: expected_properties,
            },
            ObservedOutcome::Cloned {
                document,
                properties,
                reaches_input,
            },
        ) => {
            let (expected, printed) = (expected.to_json_string(), document.to_json_string());
            if printed != expected {
                return Err(format!(
                    "the clone differs from the model\nexpected: {expected}\nactual:   {printed}"
                ));
            }
            if let Some(i) = reaches_input {
                return Err(format!("the clone reaches input object {i}"));
            }
            for (i, (expected, actual)) in expected_properties.iter().zip(properties).enumerate() {
                if expected != actual {
                    return Err(format!(
                        "clone object {i} (a {}) has own properties\n  {}\nexpected\n  {}",
                        document.objects[i].kind.name(),
                        describe_shapes(actual),
                        describe_shapes(expected)
                    ));
                }
            }
        }
        (Predicted::DataCloneError { step }, ObservedOutcome::DataCloneError(e)) => {
            if e.step != *step {
                return Err(format!(
                    "a DataCloneError at {} ({}), expected one at {step}",
                    e.step, e.message
                ));
            }
        }
        (Predicted::Thrown { value, .. }, ObservedOutcome::Thrown(actual)) => {
            if !value.same(actual) {
                return Err(format!("threw {actual:?}, expected {value:?}"));
            }
        }
        (expected, actual) => {
            let actual = match actual {
                ObservedOutcome::Cloned { .. } => "a clone".to_owned(),
                ObservedOutcome::DataCloneError(e) => {
                    format!("a DataCloneError at {} ({})", e.step, e.message)
                }
                ObservedOutcome::Thrown(t) => format!("{t:?} thrown"),
            };
            return Err(format!("expected {}, got {actual}", describe(expected)));
        }
    }
    if observed.detached_after != prediction.detached_after {
        return Err(format!(
            "detached buffers afterwards: {:?}, expected {:?}",
            observed.detached_after, prediction.detached_after
        ));
    }
    if let Some((i, before, after)) = observed.changed.first() {
        return Err(format!(
            "input object {i} changed\nbefore: {before}\nafter:  {after}"
        ));
    }
    Ok(())
}

/// A prediction's outcome, in words.
pub fn describe(predicted: &Predicted) -> String {
    match predicted {
        Predicted::Cloned { .. } => "a clone".to_owned(),
        Predicted::DataCloneError { step } => format!("a DataCloneError at {step}"),
        Predicted::Thrown { value, step } => format!("{value:?} thrown at {step}"),
    }
}

fn describe_shapes(shapes: &[PropertyShape]) -> String {
    let one = |s: &PropertyShape| {
        let key = match &s.key {
            Key::String(k) => format!("{:?}", k.to_string_lossy()),
            Key::Symbol(d) => format!("@{d:?}"),
        };
        let flag = |on: bool, letter: char| if on { letter } else { '-' };
        let kind = if s.accessor { "accessor " } else { "" };
        format!(
            "{key}: {kind}{}{}{}",
            flag(s.writable, 'w'),
            flag(s.enumerable, 'e'),
            flag(s.configurable, 'c')
        )
    };
    let all: Vec<String> = shapes.iter().map(one).collect();
    format!("[{}]", all.join(", "))
}

/// Predicts, observes and compares; the prediction when they agree.
pub fn check_clone(document: &Document, conditions: Conditions) -> Result<Prediction, Failure> {
    let prediction = predict(document, &conditions);
    let observed = observe(document, &conditions)?;
    compare(&prediction, &observed)?;
    Ok(prediction)
}

/// A value the realm threw, as a [`Thrown`]: objects of the document by
/// index, other objects as the new Errors they must be.
pub fn thrown_value(heap: &Heap, objects: &[ObjectId], value: &Value<ObjectId>) -> Thrown {
    match value {
        Value::Object(o) => match objects.iter().position(|x| x == o) {
            Some(i) => Thrown::Value(Val::Ref(i)),
            None => match heap.object(*o).kind() {
                ObjectKind::Error { prototype, .. } => Thrown::NewError(*prototype),
                other => panic!("the realm threw a new object that is no Error: {other:?}"),
            },
        },
        Value::Undefined => Thrown::Value(Val::Undefined),
        Value::Null => Thrown::Value(Val::Null),
        Value::Boolean(b) => Thrown::Value(Val::Bool(*b)),
        Value::Number(n) => Thrown::Value(Val::Number(*n)),
        Value::BigInt(b) => Thrown::Value(Val::BigInt(b.clone())),
        Value::String(s) => Thrown::Value(Val::String(s.clone())),
        Value::Symbol(s) => Thrown::Value(Val::Symbol(s.description().cloned())),
    }
}

fn is_detached(heap: &Heap, o: ObjectId) -> bool {
    matches!(
        heap.object(o).kind().as_array_buffer(),
        Some(ArrayBufferState::Owned { data: None, .. })
    )
}

/// An object as text, for before-and-after comparisons.
fn snapshot(object: &HeapObject) -> String {
    match object.kind().as_array_buffer() {
        Some(ArrayBufferState::Shared {
            block,
            max_byte_length,
        }) => format!(
            "shared {:?} max {max_byte_length:?} {:?}",
            block.snapshot(),
            object.properties()
        ),
        _ => format!("{object:?}"),
    }
}

/// Every object `value` reaches in `heap`.
fn reachable(heap: &Heap, value: &Value<ObjectId>) -> Vec<ObjectId> {
    let mut seen = HashSet::new();
    let mut stack: Vec<ObjectId> = value.as_object().into_iter().copied().collect();
    while let Some(o) = stack.pop() {
        if !seen.insert(o) {
            continue;
        }
        let object = heap.object(o);
        let mut push = |v: &Value<ObjectId>| stack.extend(v.as_object().copied());
        match object.kind() {
            ObjectKind::View { buffer, .. } => push(&Value::Object(*buffer)),
            ObjectKind::Map(entries) => entries.iter().flatten().for_each(|(k, v)| {
                push(k);
                push(v);
            }),
            ObjectKind::Set(values) => values.iter().flatten().for_each(&mut push),
            _ => {}
        }
        object.properties().values().for_each(&mut push);
    }
    seen.into_iter().collect()
}

/// The own properties of each object of `printed`, the print of `root`,
/// read from the heap: each printed object is paired with its heap object
/// by following the printed references from the root.
fn own_properties(
    heap: &Heap,
    root: &Value<ObjectId>,
    printed: &Document,
) -> Result<Vec<Vec<PropertyShape>>, Failure> {
    let mut ids: Vec<Option<ObjectId>> = vec![None; printed.objects.len()];
    if let (Val::Ref(r), Value::Object(o)) = (&printed.root, root) {
        ids[*r] = Some(*o);
    }
    let mut shapes = Vec::with_capacity(printed.objects.len());
    for (i, object) in printed.objects.iter().enumerate() {
        // Print numbers each object after one that holds it: its heap
        // object is known by now.
        let id = ids[i].ok_or(format!("printed object {i} is held by no earlier object"))?;
        for (r, o) in held(heap, id, object) {
            let o = o.ok_or(format!(
                "printed object {i} holds object {r} where the heap has none"
            ))?;
            match ids[r] {
                None => ids[r] = Some(o),
                Some(known) if known == o => {}
                Some(_) => return Err(format!("printed object {r} stands for two heap objects")),
            }
        }
        let keys = heap.own_property_keys(id);
        let shape = keys
            .into_iter()
            .map(|key| {
                let property = heap.own_property(id, &key).expect("an own key has a property");
                let key = match key {
                    PropertyKey::String(s) => Key::String(s),
                    PropertyKey::Symbol(s) => Key::Symbol(s.description().cloned()),
                };
                match property {
                    OwnProperty::Data {
                        writable,
                        enumerable,
                        configurable,
                        ..
                    } => PropertyShape {
                        key,
                        accessor: false,
                        writable,
                        enumerable,
                        configurable,
                    },
                    OwnProperty::Accessor {
                        enumerable,
                        configurable,
                        ..
                    } => PropertyShape {
                        key,
                        accessor: true,
                        writable: false,
                        enumerable,
                        configurable,
                    },
                }
            })
            .collect();
        shapes.push(shape);
    }
    Ok(shapes)
}

/// The objects a printed object holds, by printed number, each with the
/// heap object in the same place of heap object `id` (`None` where the heap
/// has none there).
fn held(
    heap: &Heap,
    id: ObjectId,
    printed: &webmessaging::notation::Object,
) -> Vec<(usize, Option<ObjectId>)> {
    let object = heap.object(id);
    let data = |name: &str| match heap.own_property(id, &PropertyKey::from(name)) {
        Some(OwnProperty::Data { value, .. }) => Some(value),
        _ => None,
    };
    let mut pairs: Vec<(&Val, Option<Value<ObjectId>>)> = Vec::new();
    let mut held = Vec::new();
    match (&printed.kind, object.kind()) {
        (
            Kind::View { buffer, .. },
            ObjectKind::View {
                buffer: heap_buffer, ..
            },
        ) => {
            held.push((*buffer, Some(*heap_buffer)));
        }
        (Kind::Map { entries }, ObjectKind::Map(heap_entries)) => {
            for ((k, v), entry) in entries.iter().zip(heap_entries.iter().flatten()) {
                pairs.push((k, Some(entry.0.clone())));
                pairs.push((v, Some(entry.1.clone())));
            }
        }
        (Kind::Set { values }, ObjectKind::Set(heap_values)) => {
            for (v, value) in values.iter().zip(heap_values.iter().flatten()) {
                pairs.push((v, Some(value.clone())));
            }
        }
        (
            Kind::RegExp {
                last_index: Some(v), ..
            },
            _,
        ) => pairs.push((v, data("lastIndex"))),
        (Kind::Error { message: Some(v), .. }, _) => pairs.push((v, data("message"))),
        _ => {}
    }
    for prop in &printed.props {
        let (PropValue::Data(v) | PropValue::GetterReturns(v) | PropValue::GetterThrows(v)) = &prop.value;
        let heap_value = match &prop.key {
            Key::String(k) => match heap.own_property(id, &PropertyKey::String(k.clone())) {
                Some(OwnProperty::Data { value, .. }) => Some(value),
                Some(OwnProperty::Accessor { getter, .. }) => Some(getter.value().clone()),
                None => None,
            },
            Key::Symbol(_) => None,
        };
        pairs.push((v, heap_value));
    }
    held.extend(
        pairs
            .into_iter()
            .filter_map(|(printed, heap_value)| match printed {
                Val::Ref(r) => Some((*r, heap_value.and_then(|v| v.as_object().copied()))),
                _ => None,
            }),
    );
    held
}
