//! What StructuredDeserialize(WithTransfer) makes of the walk's clone: the
//! document it prints as, and the own properties each of its objects is
//! created with.

use super::PropertyShape;
use super::array_index;
use std::collections::HashMap;
use webmessaging::notation::{Document, Key, Kind, Object, Val};

/// The clone as print numbers it: from the root, depth first, each object
/// when first met, an object's fields before its properties.
pub(super) fn renumber(root: &Val, clone: &[Object], memory: &HashMap<usize, usize>) -> Document {
    // References in `clone` are input indices: make them clone positions.
    let at = |input: usize| memory[&input];
    let mut number = vec![usize::MAX; clone.len()];
    let mut order = Vec::new();
    let mut stack: Vec<usize> = match root {
        Val::Ref(i) => vec![at(*i)],
        _ => Vec::new(),
    };
    while let Some(c) = stack.pop() {
        if number[c] != usize::MAX {
            continue;
        }
        number[c] = order.len();
        order.push(c);
        let mut children = Vec::new();
        clone[c].for_each_ref(|r| children.push(at(r)));
        stack.extend(children.into_iter().rev());
    }
    let objects = order
        .iter()
        .map(|&c| {
            let mut object = clone[c].clone();
            object.map_refs(|r| number[at(r)]);
            object
        })
        .collect();
    let root = match root {
        Val::Ref(i) => Val::Ref(number[at(*i)]),
        other => other.clone(),
    };
    Document {
        root,
        objects,
        transfer: Vec::new(),
    }
}

/// The own properties of a clone's object in [[OwnPropertyKeys]] order
/// (integer indices ascending, then the other Strings in creation order),
/// each with the attributes its creator gives it:
///
/// - an Object's and an Array's copied properties come from
///   CreateDataProperty (StructuredDeserialize 24.3.1.2): writable,
///   enumerable, configurable;
/// - an Array's `length`, made by ArrayCreate before them: writable, not
///   enumerable, not configurable;
/// - a String object's code units and `length` (StringCreate and the String
///   exotic [[GetOwnProperty]]): not writable, not configurable, the units
///   enumerable;
/// - a RegExp's `lastIndex` (RegExpAlloc, set to +0 by RegExpInitialize):
///   writable, neither enumerable nor configurable;
/// - an Error's `message`, when there is one (StructuredDeserialize 21.10):
///   writable, configurable, not enumerable; its stack stays in [[Stack]].
///
/// Other kinds have no own properties.
pub(super) fn created_properties(object: &Object) -> Vec<PropertyShape> {
    let copied = |props: &mut dyn Iterator<Item = &Key>| -> Vec<PropertyShape> {
        props
            .map(|key| PropertyShape {
                key: key.clone(),
                accessor: false,
                writable: true,
                enumerable: true,
                configurable: true,
            })
            .collect()
    };
    let is_index = |key: &&Key| matches!(key, Key::String(k) if array_index(k.code_units()).is_some());
    match &object.kind {
        Kind::Object => copied(&mut object.props.iter().map(|p| &p.key)),
        Kind::Array { .. } => {
            let keys: Vec<&Key> = object.props.iter().map(|p| &p.key).collect();
            let mut shapes = copied(&mut keys.iter().copied().filter(is_index));
            shapes.push(PropertyShape::data("length", true, false, false));
            shapes.extend(copied(&mut keys.iter().copied().filter(|k| !is_index(k))));
            shapes
        }
        Kind::String(s) => {
            let mut shapes: Vec<PropertyShape> = (0..s.len())
                .map(|i| PropertyShape::data(&i.to_string(), false, true, false))
                .collect();
            shapes.push(PropertyShape::data("length", false, false, false));
            shapes
        }
        Kind::RegExp { .. } => vec![PropertyShape::data("lastIndex", true, false, false)],
        Kind::Error { message: Some(_), .. } => vec![PropertyShape::data("message", true, false, true)],
        _ => Vec::new(),
    }
}
