//! The small-message path, receiving side (issue 11): StructuredDeserialize
//! of a serialization that is one primitive record, or one Object record
//! whose properties all hold primitives kept in place, without the run's
//! setup. It mirrors `serialize/small.rs`, which makes such serializations.
//!
//! <https://html.spec.whatwg.org/multipage/structured-data.html#structureddeserialize>
//!
//! For such a record the full run remembers nothing anyone asks for again:
//! a primitive record is its primitive (step 5); an Object record is a new
//! ordinary object (step 20), put in *memory* (step 23) only for records
//! that might name it later, and here none can (each property holds a
//! primitive in place, not a record id). Step 24.3 then defines each
//! property on the fresh object in record order. So the record list, the
//! *memory* map and the work stack, which the full run sets up and frees
//! for every message, are not needed: the object is made here, with room
//! for all its properties at once, and the record's keys and values move
//! into it (the run owns the records) rather than being copied.
//!
//! The path marks none of the steps it stands for, so it exists only
//! without the `trace` feature (as `serialize/small.rs` does): under
//! `trace` every message takes the full run and the trace and coverage see
//! each step.

use super::primitive_into_value;
use crate::ecmascript::{JsString, PropertyKey, Realm, Value};
use crate::structured::record::{Arena, Packed};
use crate::structured::{CloneError, Record, RecordId, Serialized, Slot};

/// What the path made: the value, or the error the full run would have
/// thrown.
pub(crate) type Made<O> = Result<Value<O>, CloneError<O>>;

/// What StructuredDeserialize of `serialized` with an empty *memory* gives,
/// when the serialization is one record and its root, and that record is a
/// primitive record or an Object record whose properties all hold
/// primitives in place: `Ok` with the value, or with the error the full run
/// would have thrown. Any other serialization comes back untouched in
/// `Err` (the full run deserializes it).
#[inline]
pub(crate) fn lone_value<R: Realm>(
    realm: &mut R,
    serialized: Serialized,
) -> Result<Made<R::Object>, Serialized> {
    match serialized {
        Serialized {
            records: Arena::Lone([Record::Primitive(primitive)]),
            root: RecordId(0),
        } => Ok(Ok(primitive_into_value(primitive))),
        Serialized {
            records: Arena::Lone([Record::Object { properties }]),
            root: RecordId(0),
        } if properties
            .iter()
            .all(|(_, slot)| matches!(slot, Slot::Primitive(_))) =>
        {
            Ok(object_of_primitives(realm, properties))
        }
        Serialized {
            records: Arena::Packed(packed),
            root: RecordId(0),
        } => Ok(object_of_packed(realm, &packed)),
        other => Err(other),
    }
}

/// Steps 20, 24.3 and 25 for an Object record whose properties all hold
/// primitives: a new ordinary object with each property defined in order.
fn object_of_primitives<R: Realm>(
    realm: &mut R,
    properties: Vec<(JsString, Slot)>,
) -> Result<Value<R::Object>, CloneError<R::Object>> {
    let object = realm.ordinary_object_create();
    realm.reserve_own_properties(&object, properties.len());
    for (at, (key, slot)) in properties.into_iter().enumerate() {
        // `lone_value` let in only primitives kept in place.
        let Slot::Primitive(primitive) = slot else {
            return Err(CloneError::new_data_clone(
                "structureddeserialize/2",
                "malformed serialization: a lone record names a record",
            ));
        };
        // The object is fresh and only this loop defines properties on it,
        // as in the full run's step 24.3.1.2.
        let value = primitive_into_value(primitive);
        if !realm.create_data_property_on_new(&object, PropertyKey::String(key), value) {
            return Err(CloneError::new_data_clone(
                "structureddeserialize/24.3.1.3",
                format!("property {at} of the record could not be defined"),
            ));
        }
    }
    Ok(Value::Object(object))
}

/// [`object_of_primitives`] for the record packed (see [`Packed`]): each
/// key is the realm's own name for its code units, each String value a new
/// String of this realm.
fn object_of_packed<R: Realm>(
    realm: &mut R,
    packed: &Packed,
) -> Result<Value<R::Object>, CloneError<R::Object>> {
    let object = realm.ordinary_object_create();
    realm.reserve_own_properties(&object, packed.len());
    let mut properties = packed.properties();
    for (at, (key, value)) in properties.by_ref().enumerate() {
        let key = realm.property_key_from_code_units(key);
        if !realm.create_data_property_on_new(&object, PropertyKey::String(key), value.to_value()) {
            return Err(CloneError::new_data_clone(
                "structureddeserialize/24.3.1.3",
                format!("property {at} of the record could not be defined"),
            ));
        }
    }
    if !properties.all_read() {
        return Err(CloneError::new_data_clone(
            "structureddeserialize/2",
            "malformed serialization: a packed record does not read back",
        ));
    }
    Ok(Value::Object(object))
}

#[cfg(test)]
mod tests {
    use super::lone_value;
    use crate::ecmascript::{
        AgentClusterId, BigInt, Heap, JsString, ObjectId, OwnProperty, PropertyKey, Realm, Value,
    };
    use crate::structured::deserialize::deserialize_records;
    use crate::structured::{
        NoPlatformObjects, Primitive, Record, RecordId, Serialized, Slot, structured_serialize,
    };

    /// What a deserialized value is, read back from `heap`: a primitive's
    /// debug form, or an object's kind and its own properties in order
    /// (every attribute, -0 apart from 0, a String's code units).
    fn shown(heap: &Heap, value: &Value<ObjectId>) -> String {
        match value {
            Value::Object(o) => {
                let object = heap.object(*o);
                format!("{:?} {:?}", object.kind(), object.properties().to_vec())
            }
            primitive => format!("{primitive:?}"),
        }
    }

    /// `serialized` deserialized by the path and by the full run, each into
    /// a heap of its own, as those heaps show them.
    fn both(serialized: &Serialized) -> (String, String) {
        let mut small_heap = Heap::new(AgentClusterId(0));
        let small = lone_value(&mut small_heap, serialized.clone())
            .expect("the serialization takes the path")
            .expect("the path deserializes it");
        let mut full_heap = Heap::new(AgentClusterId(0));
        let full = deserialize_records(
            &mut full_heap,
            &mut NoPlatformObjects,
            serialized.clone(),
            Vec::new(),
        )
        .expect("the full run deserializes it");
        (shown(&small_heap, &small), shown(&full_heap, &full))
    }

    fn primitives() -> Vec<Primitive> {
        let mut values = vec![
            Primitive::Undefined,
            Primitive::Null,
            Primitive::Boolean(true),
            Primitive::Boolean(false),
            Primitive::Number(0.0),
            Primitive::Number(-0.0),
            Primitive::Number(f64::NAN),
            Primitive::Number(f64::INFINITY),
            Primitive::Number(f64::NEG_INFINITY),
            Primitive::Number(5e-324),
            Primitive::BigInt(BigInt::from(0_i64)),
            Primitive::BigInt(BigInt::from(i64::MIN)),
            Primitive::String(JsString::from("")),
            Primitive::String(JsString::from("😀 non-ASCII")),
            Primitive::String(JsString::from_code_units(vec![0xDC00, 0x61])),
        ];
        values.extend((0..50).map(|i| Primitive::Number(f64::from(i) * 1.5 - 7.0)));
        values.extend((0..20).map(|i| Primitive::String(JsString::from(format!("x{i}").as_str()))));
        values
    }

    fn lone(record: Record) -> Serialized {
        Serialized::new(vec![record], RecordId(0))
    }

    #[test]
    fn a_lone_primitive_record_gives_the_full_runs_value() {
        for primitive in primitives() {
            let (small, full) = both(&lone(Record::Primitive(primitive)));
            assert_eq!(small, full);
        }
    }

    #[test]
    fn an_object_of_primitives_gives_the_full_runs_object() {
        let mut records = Vec::new();
        // {a, b} as the benchmark sends it, over every primitive.
        for (i, primitive) in primitives().into_iter().enumerate() {
            records.push(Record::Object {
                properties: vec![
                    ("a".into(), Slot::Primitive(Primitive::Number(i as f64))),
                    ("b".into(), Slot::Primitive(primitive)),
                ],
            });
        }
        records.push(Record::Object {
            properties: Vec::new(),
        });
        // Many keys (past the property list's index), names an Array or
        // the prototype would treat apart, and a key given twice (a
        // hand-made record: the later value wins in the first one's place).
        let many = (0..40)
            .map(|i| {
                (
                    JsString::from(format!("k{i}").as_str()),
                    Slot::Primitive(Primitive::Number(i.into())),
                )
            })
            .collect();
        records.push(Record::Object { properties: many });
        let names = ["length", "__proto__", "constructor", "a", "z"];
        let mut odd: Vec<_> = names
            .iter()
            .map(|&n| (JsString::from(n), Slot::Primitive(Primitive::String(n.into()))))
            .collect();
        odd.push(("a".into(), Slot::Primitive(Primitive::Null)));
        records.push(Record::Object { properties: odd });
        for record in records {
            let (small, full) = both(&lone(record));
            assert_eq!(small, full);
        }
    }

    #[test]
    fn what_the_sender_makes_comes_back_whole() {
        // The sender's own small path makes the record; the receiver's
        // object has the same properties as the sender's.
        let mut heap = Heap::new(AgentClusterId(0));
        let o = heap.ordinary_object_create();
        heap.create_data_property(&o, PropertyKey::from("a"), Value::Number(-0.0));
        heap.create_data_property(&o, PropertyKey::from("b"), Value::from("x1"));
        let hidden = OwnProperty::Data {
            value: Value::Number(1.0),
            writable: true,
            enumerable: false,
            configurable: true,
        };
        heap.define_property(o, PropertyKey::from("hidden"), hidden);
        let serialized =
            structured_serialize(&mut heap, &mut NoPlatformObjects, &Value::Object(o)).expect("serializes");
        let (small, full) = both(&serialized);
        assert_eq!(small, full);
        let mut receiver = Heap::new(AgentClusterId(0));
        let Ok(Ok(Value::Object(copy))) = lone_value(&mut receiver, serialized) else {
            panic!("an object of primitives takes the path")
        };
        let keys: Vec<_> = receiver
            .object(copy)
            .properties()
            .to_vec()
            .into_iter()
            .map(|(key, _)| format!("{key:?}"))
            .collect();
        assert_eq!(
            keys,
            [
                format!("{:?}", PropertyKey::from("a")),
                format!("{:?}", PropertyKey::from("b"))
            ]
        );
    }

    #[test]
    fn a_packed_record_gives_the_full_runs_object_with_the_receivers_names() {
        // Objects of every primitive that packs, serialized by the sender's
        // path (packed), read by the receiver's path and by the full run.
        let mut sender = Heap::new(AgentClusterId(0));
        let mut receiver = Heap::new(AgentClusterId(0));
        let mut names = Vec::new();
        for (i, primitive) in primitives().into_iter().enumerate() {
            let o = sender.ordinary_object_create();
            sender.create_data_property(&o, PropertyKey::from("a"), Value::Number(i as f64));
            let value = crate::structured::deserialize::primitive_into_value(primitive);
            sender.create_data_property(&o, PropertyKey::from("b"), value);
            let serialized = structured_serialize(&mut sender, &mut NoPlatformObjects, &Value::Object(o))
                .expect("serializes");
            let packed = matches!(serialized.records, crate::structured::record::Arena::Packed(_));
            let is_bigint = matches!(
                serialized.records()[0],
                Record::Object { ref properties } if matches!(properties[1].1, Slot::Primitive(Primitive::BigInt(_)))
            );
            assert_eq!(packed, !is_bigint, "a BigInt does not pack; the rest does");
            let (small, full) = both(&serialized);
            assert_eq!(small, full);
            let Ok(Ok(Value::Object(copy))) = lone_value(&mut receiver, serialized) else {
                panic!("an object of primitives takes the path")
            };
            let properties = receiver.object(copy).properties().to_vec();
            let Some(PropertyKey::String(a)) = properties.first().map(|(key, _)| key.clone()) else {
                panic!("the first key is a")
            };
            if packed {
                names.push(a);
            }
        }
        assert!(
            names.windows(2).all(|w| w[0].shares_units_with(&w[1])),
            "the receiver's objects from packed records share its one name a"
        );
    }

    #[test]
    fn other_serializations_take_the_full_run_untouched() {
        let object = |properties| Record::Object { properties };
        let others = [
            // A property naming a record (itself: a cycle), or one out of range.
            lone(object(vec![("self".into(), Slot::Record(RecordId(0)))])),
            lone(object(vec![
                ("a".into(), Slot::Primitive(Primitive::Null)),
                ("far".into(), Slot::Record(RecordId(7))),
            ])),
            // Not the root, or more than one record.
            Serialized::new(vec![Record::Primitive(Primitive::Null)], RecordId(1)),
            Serialized::new(
                vec![object(Vec::new()), Record::Primitive(Primitive::Null)],
                RecordId(0),
            ),
            Serialized::new(Vec::new(), RecordId(0)),
            // Other kinds of record.
            lone(Record::Array {
                length: 1,
                elements: vec![Slot::Primitive(Primitive::Null)],
                properties: Vec::new(),
            }),
            lone(Record::Boolean(true)),
            lone(Record::String("s".into())),
            lone(Record::Transferred { holder: 0 }),
        ];
        let mut heap = Heap::new(AgentClusterId(0));
        for serialized in others {
            let before = format!("{serialized:?}");
            let objects = heap.len();
            let back = lone_value(&mut heap, serialized).expect_err("takes the full run");
            assert_eq!(format!("{back:?}"), before);
            assert_eq!(heap.len(), objects, "nothing was made");
        }
    }
}
