//! The small-message path (issue 11): StructuredSerializeInternal of a lone
//! primitive, or of an ordinary object whose enumerable own properties all
//! hold primitives, without the run's setup.
//!
//! <https://html.spec.whatwg.org/multipage/structured-data.html#structuredserializeinternal>
//!
//! For such a value the full run makes exactly one record and remembers
//! nothing that anyone asks for again: a primitive other than a Symbol is
//! its own record (steps 2 – 4), and an ordinary object (step 24) whose
//! values are such primitives gets an Object record holding them in place
//! (step 26.4), with no code run between the reads (the realm vouches for
//! that: [`Realm::visit_primitive_properties`]). So the *memory* map, the
//! work stack and the record list, which the full run sets up and frees for
//! every message, are not needed to make that record: it is built here and
//! kept in place in the [`Serialized`] (as the full run's single record is).
//!
//! The path marks none of the steps it stands for, so it exists only
//! without the `trace` feature (as the bulk path for an Array's elements):
//! under `trace` every value takes the full run and the trace and coverage
//! see each step.
//!
//! [`Realm::visit_primitive_properties`]: crate::ecmascript::Realm::visit_primitive_properties

use super::primitive_record;
use crate::ecmascript::{Realm, Value};
use crate::structured::record::{Arena, Packing};
use crate::structured::{Record, RecordId, Serialized, Slot};

/// What StructuredSerializeInternal(`value`, *forStorage*) with an empty
/// *memory* returns, when `value` is a primitive other than a Symbol or an
/// object [`Realm::visit_primitive_properties`] hands over whole: its one
/// record, in place. `None` for anything else (the full run serializes it,
/// and throws where the standard throws). *forStorage* changes nothing for
/// these values (only a SharedArrayBuffer minds it).
///
/// [`Realm::visit_primitive_properties`]: crate::ecmascript::Realm::visit_primitive_properties
#[inline]
pub(crate) fn lone_record<R: Realm>(realm: &R, value: &Value<R::Object>) -> Option<Serialized> {
    let record = match value {
        Value::Symbol(_) => return None,
        Value::Object(object) => {
            // Packed when it is small (see `Packed`): at most one allocation, and
            // none of this realm's Strings shared with the receiver.
            let mut packing = Packing::new();
            let mut fits = true;
            let whole = realm.visit_primitive_properties(object, &mut |key, value| {
                fits = fits && packing.push(key, value);
            });
            if !whole {
                return None;
            }
            if fits {
                return Some(Serialized {
                    records: Arena::Packed(packing.finish()),
                    root: RecordId(0),
                });
            }
            // A BigInt, or more than a packed record holds: the properties
            // as a list, read again (reading changed nothing).
            let mut properties = Vec::new();
            realm.visit_primitive_properties(object, &mut |key, value| {
                properties.push((key.clone(), Slot::Primitive(primitive_record(value))));
            });
            Record::Object { properties }
        }
        primitive => Record::Primitive(primitive_record(primitive)),
    };
    Some(Serialized {
        records: Arena::Lone([record]),
        root: RecordId(0),
    })
}

#[cfg(test)]
mod tests {
    use super::lone_record;
    use crate::ecmascript::{
        Accessor, AgentClusterId, BigInt, Heap, JsString, ObjectKind, OwnProperty, PropertyKey, Realm,
        Symbol, Value,
    };
    use crate::structured::serialize::Serializer;
    use crate::structured::{
        CloneError, NoPlatformObjects, Serialized, structured_serialize, structured_serialize_for_storage,
        structured_serialize_with_transfer,
    };

    /// The full run's serialization of `value` (what the path must equal).
    fn full(heap: &mut Heap, value: &Value<crate::ecmascript::ObjectId>) -> Option<Serialized> {
        let mut serializer = Serializer::new(heap, false);
        let root = serializer
            .serialize_internal(&mut NoPlatformObjects, value)
            .ok()?;
        Some(serializer.finish(root))
    }

    /// Records compared by their debug form: every field, -0 apart from 0,
    /// a String's code units.
    fn shown(serialized: &Serialized) -> String {
        format!("{:?} root {:?}", serialized.records(), serialized.root())
    }

    fn primitives() -> Vec<Value<crate::ecmascript::ObjectId>> {
        let mut values = vec![
            Value::Undefined,
            Value::Null,
            Value::Boolean(true),
            Value::Boolean(false),
            Value::Number(0.0),
            Value::Number(-0.0),
            Value::Number(f64::NAN),
            Value::Number(f64::INFINITY),
            Value::Number(f64::NEG_INFINITY),
            Value::Number(f64::MAX),
            Value::Number(f64::MIN_POSITIVE),
            Value::Number(5e-324),
            Value::BigInt(BigInt::from(0_i64)),
            Value::BigInt(BigInt::from(-7_i64)),
            Value::BigInt(BigInt::from(i64::MAX)),
            Value::from(""),
            Value::from("x"),
            Value::from("😀 non-ASCII"),
            Value::String(JsString::from_code_units(vec![0xD800, 0x61])),
            Value::String(JsString::from("long ".repeat(100).as_str())),
        ];
        values.extend((0..200).map(|i| Value::Number(f64::from(i) * 1.5 - 37.0)));
        values.extend((0..50).map(|i| Value::from(format!("x{i}").as_str())));
        values
    }

    #[test]
    fn every_primitive_but_a_symbol_takes_the_path_and_gets_the_full_runs_record() {
        let mut heap = Heap::new(AgentClusterId(0));
        for value in primitives() {
            let small = lone_record(&heap, &value).expect("a primitive takes the path");
            let full = full(&mut heap, &value).expect("a primitive serializes");
            assert_eq!(shown(&small), shown(&full), "{value:?}");
        }
        let symbol = Value::Symbol(Symbol::new(1, Some("s".into())));
        assert!(
            lone_record(&heap, &symbol).is_none(),
            "a Symbol takes the full run"
        );
    }

    #[test]
    fn an_object_of_primitives_gets_the_full_runs_record() {
        let mut heap = Heap::new(AgentClusterId(0));
        let mut objects = Vec::new();
        // {a, b} as the benchmark makes it, over every primitive.
        for (i, value) in primitives().into_iter().enumerate() {
            let o = heap.ordinary_object_create();
            heap.create_data_property(&o, PropertyKey::from("a"), Value::Number(i as f64));
            heap.create_data_property(&o, PropertyKey::from("b"), value);
            objects.push(o);
        }
        objects.push(heap.ordinary_object_create()); // {}
        // Keys in creation order; non-enumerable, Symbol-keyed and
        // non-enumerable accessor properties passed over; a key written
        // again keeps its place.
        let o = heap.ordinary_object_create();
        for key in ["z", "b", "a", "length", "__proto__"] {
            heap.create_data_property(&o, PropertyKey::from(key), Value::from(key));
        }
        let hidden = |value| OwnProperty::Data {
            value,
            writable: true,
            enumerable: false,
            configurable: true,
        };
        heap.define_property(o, PropertyKey::from("hidden"), hidden(Value::Number(1.0)));
        heap.define_property(o, PropertyKey::from("object"), hidden(Value::Object(o)));
        heap.define_property(
            o,
            PropertyKey::Symbol(Symbol::new(2, None)),
            OwnProperty::new_data(Value::Object(o)),
        );
        heap.define_property(
            o,
            PropertyKey::from("getter"),
            OwnProperty::Accessor {
                getter: Box::new(Accessor::Returns(Value::Number(2.0))),
                enumerable: false,
                configurable: true,
            },
        );
        heap.create_data_property(&o, PropertyKey::from("z"), Value::Null);
        objects.push(o);
        for o in objects {
            let value = Value::Object(o);
            let small = lone_record(&heap, &value).expect("an object of primitives takes the path");
            let full = full(&mut heap, &value).expect("it serializes");
            assert_eq!(shown(&small), shown(&full));
        }
    }

    #[test]
    fn a_small_object_is_packed_and_reads_as_its_record_everywhere() {
        use crate::structured::record::{Arena, MAX_UNITS};
        use crate::structured::{decode, encode};
        let mut heap = Heap::new(AgentClusterId(0));
        let object = |heap: &mut Heap, b: Value<crate::ecmascript::ObjectId>| {
            let o = heap.ordinary_object_create();
            heap.create_data_property(&o, PropertyKey::from("a"), Value::Number(-0.0));
            heap.create_data_property(&o, PropertyKey::from("b"), b);
            Value::Object(o)
        };
        let small = object(&mut heap, Value::from("x1"));
        let long = object(&mut heap, Value::from("y".repeat(MAX_UNITS).as_str()));
        let bigint = object(&mut heap, Value::BigInt(BigInt::from(1_i64)));
        let packed = lone_record(&heap, &small).expect("takes the path");
        assert!(matches!(packed.records, Arena::Packed(_)));
        for value in [&long, &bigint] {
            let record = lone_record(&heap, value).expect("takes the path");
            assert!(
                matches!(record.records, Arena::Lone(_)),
                "a long String or a BigInt is not packed"
            );
        }
        // Read as records, encoded, taken apart or extended, it is the full
        // run's record.
        let expected = shown(&full(&mut heap, &small).expect("serializes"));
        assert_eq!(shown(&packed), expected);
        let decoded = decode(&encode(&packed).expect("encodes")).expect("decodes");
        assert_eq!(shown(&decoded), expected);
        let (records, root) = packed.clone().into_parts();
        assert_eq!(shown(&Serialized::new(records, root)), expected);
        let mut extended = packed.clone();
        extended.records.extend([]);
        assert_eq!(shown(&extended), expected);
        let mut written = packed;
        written.records[0] = crate::structured::Record::Boolean(true);
        assert_eq!(shown(&written), "[Boolean(true)] root RecordId(0)");
    }

    #[test]
    fn other_objects_take_the_full_run() {
        let mut heap = Heap::new(AgentClusterId(0));
        let mut declined = Vec::new();
        let inner = heap.ordinary_object_create();
        for value in [Value::Object(inner), Value::Symbol(Symbol::new(2, None))] {
            let o = heap.ordinary_object_create();
            heap.create_data_property(&o, PropertyKey::from("a"), value);
            declined.push(o);
        }
        // An index key (EnumerableOwnProperties puts it first), an
        // enumerable getter, and objects that are not ordinary.
        let indexed = heap.ordinary_object_create();
        heap.create_data_property(&indexed, PropertyKey::from("b"), Value::Null);
        heap.create_data_property(&indexed, PropertyKey::from("0"), Value::Null);
        declined.push(indexed);
        let getter = heap.ordinary_object_create();
        heap.define_property(
            getter,
            PropertyKey::from("a"),
            OwnProperty::Accessor {
                getter: Box::new(Accessor::Returns(Value::Number(2.0))),
                enumerable: true,
                configurable: true,
            },
        );
        declined.push(getter);
        declined.push(heap.array_create(0));
        declined.push(heap.create_boolean_object(true));
        declined.push(heap.create_map());
        declined.push(heap.alloc(ObjectKind::Proxy));
        declined.push(heap.alloc(ObjectKind::Function));
        for o in declined {
            let kind = heap.get_object(o).map(|object| object.kind());
            assert!(lone_record(&heap, &Value::Object(o)).is_none(), "{kind:?}");
        }
    }

    #[test]
    fn the_entry_points_give_the_full_runs_records() {
        let mut heap = Heap::new(AgentClusterId(0));
        let o = heap.ordinary_object_create();
        heap.create_data_property(&o, PropertyKey::from("a"), Value::Number(-0.0));
        heap.create_data_property(&o, PropertyKey::from("b"), Value::from("x1"));
        let inner = heap.ordinary_object_create();
        let nested = heap.ordinary_object_create();
        heap.create_data_property(&nested, PropertyKey::from("inner"), Value::Object(inner));
        let values = [
            Value::Number(3.0),
            Value::from("s"),
            Value::Object(o),
            Value::Object(nested),
        ];
        for value in values {
            let expected = shown(&full(&mut heap, &value).expect("serializes"));
            let host = &mut NoPlatformObjects;
            let plain = structured_serialize(&mut heap, host, &value).expect("serializes");
            let stored = structured_serialize_for_storage(&mut heap, host, &value).expect("serializes");
            let moved = structured_serialize_with_transfer(&mut heap, host, &value, &[]).expect("serializes");
            assert!(moved.transfer_data_holders().is_empty());
            for serialized in [&plain, &stored, moved.serialized()] {
                assert_eq!(shown(serialized), expected);
            }
        }
        let symbol = Value::Symbol(Symbol::new(2, None));
        let error = structured_serialize_with_transfer(&mut heap, &mut NoPlatformObjects, &symbol, &[])
            .expect_err("a Symbol cannot be serialized");
        assert!(
            matches!(&error, CloneError::DataClone(e) if e.step == "structuredserializeinternal/5"),
            "{error:?}"
        );
    }
}
