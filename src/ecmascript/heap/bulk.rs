//! The heap's answers to the `Realm` trait's bulk questions about an
//! Array's elements (`Realm::visit_primitive_elements`,
//! `Realm::create_elements_on_new`): a run of dense elements read or
//! written in one call instead of one lookup of the object per element;
//! and about a small object's properties (`Realm::visit_primitive_properties`).

use super::{Heap, ObjectId, ObjectKind, OwnProperty};
use crate::ecmascript::{JsString, PropertyKey, Value};

/// Whether the heap answers the bulk questions one element at a time, as a
/// realm without them would: only the unit tests below turn it on, to
/// compare the bulk path with the per-element steps on the same heap.
#[cfg(test)]
fn per_element_only() -> bool {
    tests::PER_ELEMENT_ONLY.with(std::cell::Cell::get)
}

#[cfg(not(test))]
fn per_element_only() -> bool {
    false
}

impl Heap {
    /// `Realm::visit_primitive_elements`: the Array's dense elements from
    /// `first` (below `end`) while each is there and holds a primitive
    /// other than a Symbol. A dense element is always a plain data
    /// property (writable, enumerable, configurable); an Array whose
    /// indices became sparse (an accessor, a far index) hands over none.
    pub(crate) fn visit_primitive_elements(
        &self,
        array: ObjectId,
        first: u32,
        end: u32,
        visitor: &mut dyn FnMut(&Value<ObjectId>),
    ) -> u32 {
        let Some(object) = self.get_object(array).filter(|_| !per_element_only()) else {
            return 0;
        };
        if !matches!(object.kind, ObjectKind::Array { .. }) {
            return 0;
        }
        let mut count = 0;
        for slot in object.properties.element_slots(first as usize, end as usize) {
            match slot {
                Some(value) if !matches!(value, Value::Object(_) | Value::Symbol(_)) => visitor(value),
                _ => break,
            }
            count += 1;
        }
        count
    }

    /// `Realm::visit_primitive_properties`: an ordinary object without
    /// array-index properties (then EnumerableOwnProperties is its
    /// enumerable String-keyed entries in creation order), each of which is
    /// a data property holding a primitive other than a Symbol. Its
    /// non-enumerable properties and Symbol keys are passed over, as
    /// EnumerableOwnProperties passes over them.
    pub(crate) fn visit_primitive_properties(
        &self,
        id: ObjectId,
        visitor: &mut dyn FnMut(&JsString, &Value<ObjectId>),
    ) -> bool {
        let Some(object) = self.get_object(id).filter(|_| !per_element_only()) else {
            return false;
        };
        let properties = &object.properties;
        if !matches!(object.kind, ObjectKind::Ordinary)
            || properties.is_sparse()
            || properties.elements().next().is_some()
        {
            return false;
        }
        for (key, property) in properties.entries() {
            let PropertyKey::String(name) = key else {
                continue;
            };
            match property {
                OwnProperty::Data {
                    value,
                    enumerable: true,
                    ..
                } if !matches!(value, Value::Object(_) | Value::Symbol(_)) => visitor(name, value),
                _ if !property.enumerable() => {}
                _ => return false,
            }
        }
        true
    }

    /// `Realm::create_elements_on_new`: appended to the dense elements in
    /// one go when they end just before `first`; otherwise one
    /// [`Heap::create_element_on_new`] per value. `length` follows the
    /// last index defined.
    pub(crate) fn create_elements_on_new(
        &mut self,
        array: ObjectId,
        first: u32,
        values: &mut dyn Iterator<Item = Value<ObjectId>>,
    ) -> bool {
        if !per_element_only()
            && let Some(object) = self.objects.get_mut(array.index())
            && let ObjectKind::Array { length } = &mut object.kind
            && let Some(added) = object.properties.append_elements(first as usize, values)
        {
            // The last index is at most 2^32 - 2, so `end` fits a u32.
            let Some(end) = u32::try_from(added)
                .ok()
                .and_then(|added| first.checked_add(added))
            else {
                return false;
            };
            *length = (*length).max(end);
            return true;
        }
        crate::ecmascript::realm::create_elements_one_by_one(self, &array, first, values)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ecmascript::heap::{Accessor, OwnProperty};
    use crate::ecmascript::{BigInt, PropertyKey, Realm};
    use crate::structured::{
        NoPlatformObjects, decode, encode, structured_deserialize, structured_serialize,
    };
    use std::cell::Cell;

    thread_local! {
        pub(super) static PER_ELEMENT_ONLY: Cell<bool> = const { Cell::new(false) };
    }

    /// `f` run with the bulk path, then with the per-element steps.
    fn both_ways<T>(mut f: impl FnMut() -> T) -> (T, T) {
        let bulk = f();
        PER_ELEMENT_ONLY.with(|p| p.set(true));
        let per_element = f();
        PER_ELEMENT_ONLY.with(|p| p.set(false));
        (bulk, per_element)
    }

    /// Arrays of every shape the bulk path must get right, with a name.
    fn shapes(heap: &mut Heap) -> Vec<(&'static str, ObjectId)> {
        let inner = heap.alloc(ObjectKind::Ordinary);
        let numbers: Vec<_> = (0..300).map(|i| Value::Number(f64::from(i) / 4.0)).collect();
        let primitives = [
            Value::Number(-0.0),
            Value::Number(f64::NAN),
            Value::from("s"),
            Value::Boolean(false),
            Value::Null,
            Value::Undefined,
            Value::BigInt(BigInt::from(7_i64)),
        ];
        let mut mixed = numbers[..30].to_vec();
        mixed[3] = Value::Object(inner);
        mixed[29] = Value::Object(inner);
        let nested = array_of(heap, &numbers[..5]);
        mixed[10] = Value::Object(nested);
        let mut shapes = vec![
            ("numbers", array_of(heap, &numbers)),
            ("every primitive", array_of(heap, &primitives)),
            ("objects among numbers", array_of(heap, &mixed)),
            (
                "an object first",
                array_of(heap, &[Value::Object(inner), Value::Null]),
            ),
            ("empty", array_of(heap, &[])),
        ];
        let holes = heap.array_create(10);
        for i in [0, 1, 2, 5, 6, 9] {
            heap.create_element_on_new(holes, i, Value::Number(f64::from(i)));
        }
        shapes.push(("holes", holes));
        let named = array_of(heap, &numbers[..4]);
        heap.define_property(
            named,
            PropertyKey::from("x"),
            OwnProperty::new_data(Value::from("named")),
        );
        heap.define_property(
            named,
            PropertyKey::from("me"),
            OwnProperty::new_data(Value::Object(named)),
        );
        shapes.push(("named properties", named));
        let sparse = array_of(heap, &numbers[..4]);
        heap.create_element_on_new(sparse, 4_000_000, Value::Number(1.0));
        shapes.push(("sparse", sparse));
        let accessor = array_of(heap, &numbers[..4]);
        heap.define_property(
            accessor,
            PropertyKey::from("2"),
            OwnProperty::Accessor {
                getter: Box::new(Accessor::Returns(Value::Object(inner))),
                enumerable: true,
                configurable: true,
            },
        );
        shapes.push(("an accessor", accessor));
        shapes
    }

    #[test]
    fn the_bulk_path_makes_the_records_and_arrays_the_per_element_steps_make() {
        let mut heap = Heap::default();
        for (name, array) in shapes(&mut heap) {
            let (bulk, per_element) = both_ways(|| {
                let serialized =
                    structured_serialize(&mut heap, &mut NoPlatformObjects, &Value::Object(array))
                        .unwrap_or_else(|e| panic!("{name}: {e}"));
                encode(&serialized).unwrap_or_else(|e| panic!("{name}: {e}"))
            });
            assert!(bulk == per_element, "{name}: the records differ");

            // Deserialized both ways, then serialized the same (per-element) way.
            let serialized = decode(&bulk).unwrap_or_else(|e| panic!("{name}: {e}"));
            let (made_bulk, made_per_element) = both_ways(|| {
                let mut target = Heap::default();
                let value = structured_deserialize(&mut target, &mut NoPlatformObjects, &serialized)
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                (target, value)
            });
            let [again_bulk, again_per_element] = [made_bulk, made_per_element].map(|(mut target, value)| {
                let records = structured_serialize(&mut target, &mut NoPlatformObjects, &value)
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                encode(&records).unwrap_or_else(|e| panic!("{name}: {e}"))
            });
            assert!(again_bulk == again_per_element, "{name}: the Arrays made differ");
        }
    }

    fn array_of(heap: &mut Heap, values: &[Value<ObjectId>]) -> ObjectId {
        let array = heap.array_create(0);
        for (i, value) in values.iter().enumerate() {
            assert!(heap.create_element_on_new(array, i as u32, value.clone()));
        }
        array
    }

    fn visited(heap: &Heap, array: ObjectId, first: u32, end: u32) -> (u32, Vec<Value<ObjectId>>) {
        let mut seen = Vec::new();
        let count = heap.visit_primitive_elements(array, first, end, &mut |v| seen.push(v.clone()));
        (count, seen)
    }

    #[test]
    fn visiting_stops_at_an_object_a_symbol_a_hole_or_end() {
        let mut heap = Heap::default();
        let inner = heap.alloc(ObjectKind::Ordinary);
        let array = array_of(
            &mut heap,
            &[
                Value::Number(1.0),
                Value::from("a"),
                Value::Object(inner),
                Value::Null,
            ],
        );
        let (count, seen) = visited(&heap, array, 0, 4);
        assert_eq!(count, 2);
        assert!(seen[0].same_value(&Value::Number(1.0)) && seen[1].same_value(&Value::from("a")));
        assert_eq!(visited(&heap, array, 3, 4).0, 1, "from the middle on");
        assert_eq!(visited(&heap, array, 0, 1).0, 1, "not past end");
        let symbol = heap.new_symbol(None);
        heap.create_element_on_new(array, 5, Value::Symbol(symbol));
        assert_eq!(visited(&heap, array, 3, 6).0, 1, "a hole at 4");
        assert_eq!(visited(&heap, array, 5, 6).0, 0, "a Symbol");
    }

    #[test]
    fn an_accessor_element_makes_the_array_hand_over_nothing() {
        let mut heap = Heap::default();
        let array = array_of(&mut heap, &[Value::Number(1.0), Value::Number(2.0)]);
        heap.define_property(
            array,
            PropertyKey::from("1"),
            OwnProperty::Accessor {
                getter: Box::new(Accessor::Returns(Value::Number(3.0))),
                enumerable: true,
                configurable: true,
            },
        );
        assert_eq!(visited(&heap, array, 0, 2).0, 0);
    }

    #[test]
    fn creating_appends_or_falls_back_and_keeps_length() {
        let mut heap = Heap::default();
        let array = heap.array_create(0);
        let values = [Value::Number(1.0), Value::Number(2.0)];
        assert!(heap.create_elements_on_new(array, 0, &mut values.iter().cloned()));
        assert!(
            heap.create_elements_on_new(array, 5, &mut values.iter().cloned()),
            "past a gap"
        );
        assert!(matches!(
            heap.get_object(array).map(|o| &o.kind),
            Some(ObjectKind::Array { length: 7 })
        ));
        for (i, expected) in [
            (0, Some(1.0)),
            (1, Some(2.0)),
            (2, None),
            (5, Some(1.0)),
            (6, Some(2.0)),
        ] {
            let got = heap.own_element_value(array, i).expect("a data property or none");
            assert_eq!(
                got.map(|v| matches!(v, Value::Number(n) if Some(n) == expected)),
                expected.map(|_| true)
            );
        }
    }
}
