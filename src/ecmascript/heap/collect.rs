//! Garbage collection of the built-in heap: the objects no root reaches are
//! freed and their slots reused, as an engine's collector frees what script
//! can no longer reach. The heap cannot know what script holds, so the
//! caller names the roots (an agent: its MessagePort objects, the events it
//! keeps, the values its reactions declared they keep).
//!
//! The standard never says when memory is freed; it only makes unreachable
//! objects unobservable, which is what makes collecting them faithful.

use super::{Heap, HeapObject, ObjectId, ObjectKind, PropertyList};
use crate::ecmascript::Value;

impl Heap {
    /// Frees every object that `roots` (and %Object.prototype%) do not reach
    /// through properties, getters' values, Map and Set entries and views'
    /// buffers. Returns how many objects were freed. Handles to freed objects
    /// must not be used again: their slots go to new objects.
    pub fn collect_garbage(&mut self, roots: impl IntoIterator<Item = ObjectId>) -> usize {
        let mut reached = vec![false; self.objects.len()];
        let mut work: Vec<ObjectId> = roots.into_iter().collect();
        work.push(self.object_prototype());
        while let Some(id) = work.pop() {
            let Some(object) = self.objects.get(id.index()) else {
                continue;
            };
            if !std::mem::replace(&mut reached[id.index()], true) {
                references(object, &mut work);
            }
        }
        // Slots already free are not freed again.
        for &free in &self.free {
            reached[free as usize] = true;
        }
        let before = self.free.len();
        for (index, reached) in reached.into_iter().enumerate() {
            if !reached {
                self.objects[index] = HeapObject {
                    kind: ObjectKind::Ordinary,
                    properties: PropertyList::new(),
                };
                self.free
                    .push(u32::try_from(index).expect("heap indices fit in u32"));
            }
        }
        let freed = self.free.len() - before;
        if freed > 0 {
            self.generation = self.generation.wrapping_add(1);
        }
        freed
    }

    /// Objects alive (allocated and not freed), %Object.prototype% included.
    pub fn live_objects(&self) -> usize {
        self.objects.len() - self.free.len()
    }
}

/// Pushes the objects `object` refers to.
fn references(object: &HeapObject, work: &mut Vec<ObjectId>) {
    let mut value = |v: &Value<ObjectId>| {
        if let Value::Object(o) = v {
            work.push(*o);
        }
    };
    object.properties.values().for_each(&mut value);
    match &object.kind {
        ObjectKind::Map(entries) => {
            for (k, v) in entries.iter().flatten() {
                value(k);
                value(v);
            }
        }
        ObjectKind::Set(entries) => entries.iter().flatten().for_each(value),
        ObjectKind::View { buffer, .. } => work.push(*buffer),
        _ => {}
    }
}
