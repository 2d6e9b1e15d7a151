//! Garbage collection of the built-in heap: the objects no root reaches are
//! freed and their slots reused, as an engine's collector frees what script
//! can no longer reach. The heap cannot know what script holds, so the
//! caller names the roots (an agent: its MessagePort objects, the events it
//! keeps, the values its reactions declared they keep).
//!
//! The standard never says when memory is freed; it only makes unreachable
//! objects unobservable, which is what makes collecting them faithful.

use super::{Heap, HeapObject, ObjectId, ObjectKind};
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
                // The slot keeps the room of a short property list for
                // the next object made there (see `Heap::alloc`).
                let object = &mut self.objects[index];
                object.kind = ObjectKind::Ordinary;
                object.properties.clear_for_reuse();
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

#[cfg(test)]
mod tests {
    use crate::ecmascript::{Heap, ObjectId, OwnProperty, PropertyKey, Realm, Value};

    fn small(heap: &mut Heap, i: u32) -> ObjectId {
        let o = heap.ordinary_object_create();
        heap.create_data_property(&o, PropertyKey::from("a"), Value::Number(f64::from(i)));
        heap.create_data_property(&o, PropertyKey::from("b"), Value::from(format!("x{i}").as_str()));
        o
    }

    fn shown(heap: &Heap, o: ObjectId) -> String {
        let object = heap.object(o);
        format!("{:?} {:?}", object.kind(), object.properties().to_vec())
    }

    #[test]
    fn a_reused_slot_starts_empty_and_keeps_a_short_lists_room() {
        let mut heap = Heap::default();
        let smalls: Vec<_> = (0..4).map(|i| small(&mut heap, i)).collect();
        let array = heap.array_create(3);
        for i in 0..3u32 {
            heap.create_data_property(&array, PropertyKey::from(i.to_string().as_str()), Value::Null);
        }
        let big = heap.ordinary_object_create();
        for i in 0..40 {
            heap.create_data_property(&big, PropertyKey::from(format!("k{i}").as_str()), Value::Null);
        }
        let map = heap.create_map();
        let freed = [smalls.clone(), vec![array, big, map]].concat();
        assert_eq!(heap.collect_garbage([]), freed.len());
        for &o in &smalls {
            assert!(
                heap.object(o).properties().entry_room() >= 2,
                "a small list's room stays"
            );
        }
        assert_eq!(
            heap.object(big).properties().entry_room(),
            0,
            "a long list is freed"
        );
        // A stale handle writing to a free slot does not leak into the
        // object made there next.
        heap.define_property(
            big,
            PropertyKey::from("stale"),
            OwnProperty::new_data(Value::Null),
        );
        // Every new object, whatever the slot held, is what a fresh heap makes.
        let mut fresh = Heap::default();
        for i in 0..freed.len() as u32 {
            let (reused, new) = if i % 2 == 0 {
                (small(&mut heap, i + 10), small(&mut fresh, i + 10))
            } else {
                (heap.array_create(0), fresh.array_create(0))
            };
            assert!(freed.contains(&reused), "the slot is reused");
            assert_eq!(shown(&heap, reused), shown(&fresh, new));
        }
    }
}
