//! A realm that overrides none of the `Realm` trait's bulk methods for
//! an Array's elements (`Realm::visit_primitive_elements`,
//! `Realm::create_elements_on_new`, nor any other optional method):
//! `Borrowed`, through which every element takes the standard's steps one
//! by one, by the trait's defaults. Its clones of a range of Arrays are the
//! Arrays the built-in `Heap` (which takes the bulk path when the `trace`
//! feature is off) clones: the `Heap` serializes both to the same bytes.
//! (The bulk path against the per-element steps on the same heap, record
//! for record: `src/ecmascript/heap/bulk.rs`.)

use crate::borrowed::{Borrowed, handle, id};
use std::sync::Arc;
use webmessaging::ecmascript::{
    Accessor, AgentClusterId, BigInt, Heap, JsString, ObjectId, ObjectKind, OwnProperty, PropertyKey, Value,
};
use webmessaging::messaging::Messaging;
use webmessaging::messaging::queue::TaskClock;
use webmessaging::structured::{
    CloneError, NoPlatformObjects, Record, Serialized, decode, encode, structured_clone,
    structured_deserialize, structured_serialize,
};

/// An Array of `length` with these (index, value) elements, defined in order.
fn array(heap: &mut Heap, length: u32, elements: &[(u32, Value<ObjectId>)]) -> ObjectId {
    let array = heap.alloc(ObjectKind::Array { length });
    for (index, value) in elements {
        heap.define_property(
            array,
            PropertyKey::from(index.to_string().as_str()),
            OwnProperty::new_data(value.clone()),
        );
    }
    array
}

fn dense(values: impl IntoIterator<Item = Value<ObjectId>>) -> Vec<(u32, Value<ObjectId>)> {
    values
        .into_iter()
        .enumerate()
        .map(|(i, v)| (i as u32, v))
        .collect()
}

/// The Arrays both paths must agree on, by name.
fn arrays(heap: &mut Heap) -> Vec<(&'static str, ObjectId)> {
    let numbers = dense((0..1000).map(|i| Value::Number(f64::from(i) * 0.5)));
    let specials = dense([
        Value::Number(-0.0),
        Value::Number(f64::NAN),
        Value::Number(f64::INFINITY),
        Value::from("a string"),
        Value::Boolean(true),
        Value::Null,
        Value::Undefined,
        Value::BigInt(BigInt::from(-12345678901234_i64)),
        Value::from(""),
    ]);
    let inner = heap.alloc(ObjectKind::Ordinary);
    let nested = array(
        heap,
        3,
        &dense([Value::Number(1.0), Value::Number(2.0), Value::Number(3.0)]),
    );
    let mut mixed = dense((0..20).map(|i| Value::Number(f64::from(i))));
    mixed[5].1 = Value::Object(inner);
    mixed[12].1 = Value::Object(nested);
    mixed[19].1 = Value::Object(inner);
    let with_named = array(
        heap,
        3,
        &dense([Value::Number(1.0), Value::from("x"), Value::Null]),
    );
    heap.define_property(
        with_named,
        PropertyKey::from("name"),
        OwnProperty::new_data(Value::from("v")),
    );
    heap.define_property(
        with_named,
        PropertyKey::from("self"),
        OwnProperty::new_data(Value::Object(with_named)),
    );
    let accessor = array(
        heap,
        3,
        &dense([Value::Number(1.0), Value::Number(2.0), Value::Number(3.0)]),
    );
    heap.define_property(
        accessor,
        PropertyKey::from("1"),
        OwnProperty::Accessor {
            getter: Box::new(Accessor::Returns(Value::from("from a getter"))),
            enumerable: true,
            configurable: true,
        },
    );
    let read_only = array(heap, 2, &dense([Value::Number(1.0), Value::Number(2.0)]));
    heap.define_property(
        read_only,
        PropertyKey::from("0"),
        OwnProperty::Data {
            value: Value::Number(7.0),
            writable: false,
            enumerable: true,
            configurable: false,
        },
    );
    let pair = array(heap, 2, &numbers[..2]);
    let array_of_arrays = array(heap, 2, &[(0, Value::Object(nested)), (1, Value::Object(pair))]);
    let mut far = dense([Value::Number(1.0), Value::Number(2.0)]);
    far.push((1_000_000, Value::Number(3.0)));
    vec![
        ("numbers", array(heap, 1000, &numbers)),
        ("primitives of every type", array(heap, 9, &specials)),
        ("empty", array(heap, 0, &[])),
        ("only holes", array(heap, 5, &[])),
        (
            "a hole",
            array(
                heap,
                4,
                &[(0, Value::Number(1.0)), (2, Value::Number(3.0)), (3, Value::Null)],
            ),
        ),
        (
            "a leading hole",
            array(heap, 3, &[(1, Value::Number(1.0)), (2, Value::Number(2.0))]),
        ),
        ("objects among the numbers", array(heap, 20, &mixed)),
        (
            "an object first",
            array(heap, 2, &[(0, Value::Object(inner)), (1, Value::Number(1.0))]),
        ),
        (
            "length past the elements",
            array(heap, 100, &dense([Value::Number(1.0), Value::Number(2.0)])),
        ),
        ("named properties after the elements", with_named),
        ("an accessor element", accessor),
        ("a read-only element", read_only),
        ("sparse", array(heap, 1_000_001, &far)),
        (
            "defined out of order",
            array(
                heap,
                3,
                &[
                    (2, Value::Number(2.0)),
                    (0, Value::Number(0.0)),
                    (1, Value::Number(1.0)),
                ],
            ),
        ),
        ("an Array of Arrays", array_of_arrays),
    ]
}

fn messaging() -> Messaging<crate::borrowed::Handle> {
    Messaging::new("A", Arc::new(TaskClock::new()))
}

/// The bytes of `value` serialized through the `Heap` itself, every Array
/// record's key-less elements written with their keys: whether a record
/// keeps an Array's elements key-less depends on how the heap happens to
/// store them (an Array that was once sparse keeps them with keys), not
/// on what the Array holds.
fn through_heap(heap: &mut Heap, value: ObjectId) -> Result<Vec<u8>, String> {
    let serialized = structured_serialize(heap, &mut NoPlatformObjects, &Value::Object(value))
        .map_err(|e| e.to_string())?;
    let (mut records, root) = serialized.into_parts();
    for record in &mut records {
        if let Record::Array {
            elements, properties, ..
        } = record
        {
            let keyed = std::mem::take(elements)
                .into_iter()
                .enumerate()
                .map(|(i, slot)| (JsString::from(i.to_string()), slot));
            *properties = keyed.chain(std::mem::take(properties)).collect();
        }
    }
    encode(&Serialized::new(records, root)).map_err(|e| e.to_string())
}

/// The bytes of `value` serialized through `Borrowed` (the trait's defaults).
fn through_defaults(heap: &mut Heap, value: ObjectId) -> Result<Vec<u8>, String> {
    let messaging = messaging();
    let mut realm = Borrowed {
        heap,
        messaging: &messaging,
        hook: None,
    };
    let serialized = structured_serialize(&mut realm, &mut NoPlatformObjects, &Value::Object(handle(value)))
        .map_err(|e: CloneError<_>| e.to_string())?;
    encode(&serialized).map_err(|e| e.to_string())
}

#[test]
fn a_realm_without_the_bulk_methods_clones_every_array_alike() {
    let mut heap = Heap::new(AgentClusterId(0));
    for (name, value) in arrays(&mut heap) {
        let sent = through_heap(&mut heap, value).unwrap_or_else(|e| panic!("{name}: {e}"));

        // structuredClone through the defaults, in the same heap.
        let messaging = messaging();
        let mut realm = Borrowed {
            heap: &mut heap,
            messaging: &messaging,
            hook: None,
        };
        let clone = structured_clone(
            &mut realm,
            &mut NoPlatformObjects,
            Value::Object(handle(value)),
            &[],
        )
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        let Value::Object(clone) = clone else {
            panic!("{name}: not an object");
        };
        let cloned = through_heap(&mut heap, id(&clone)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(cloned == sent, "{name}: the clone through the defaults differs");

        // The heap's records, deserialized through the defaults elsewhere.
        let serialized = decode(&sent).unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut other = Heap::new(AgentClusterId(0));
        let mut realm = Borrowed {
            heap: &mut other,
            messaging: &messaging,
            hook: None,
        };
        let made = structured_deserialize(&mut realm, &mut NoPlatformObjects, &serialized)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let Value::Object(made) = made else {
            panic!("{name}: not an object");
        };
        let again = through_heap(&mut other, id(&made)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            again == sent,
            "{name}: the Array deserialized through the defaults differs"
        );
    }
}

#[test]
fn a_symbol_element_throws_at_the_same_step_either_way() {
    let mut heap = Heap::new(AgentClusterId(0));
    let symbol = heap.new_symbol(None);
    let value = array(
        &mut heap,
        3,
        &dense([Value::Number(1.0), Value::Symbol(symbol), Value::Number(2.0)]),
    );
    let bulk = through_heap(&mut heap, value).expect_err("a Symbol cannot be cloned");
    let generic = through_defaults(&mut heap, value).expect_err("a Symbol cannot be cloned");
    assert_eq!(bulk, generic);
    assert!(bulk.contains("Symbol"), "{bulk}");
}
