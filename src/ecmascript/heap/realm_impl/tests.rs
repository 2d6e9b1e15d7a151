//! The heap's `Realm` implementation's tests.

use super::*;

#[test]
fn agent_fields() {
    let mut heap = Heap::new(AgentClusterId(42));
    assert_eq!(heap.agent_cluster(), AgentClusterId(42));
    assert!(heap.cross_origin_isolated_capability());
    heap.set_cross_origin_isolated(false);
    assert!(!heap.cross_origin_isolated_capability());
}

#[test]
fn platform_objects_made_through_the_trait_answer_the_slots_they_were_made_with() {
    let mut heap = Heap::default();
    let slots = |interface: &str, detached| PlatformObjectSlots {
        interface: interface.to_owned(),
        detached,
    };
    let port = heap.create_platform_object(slots("MessagePort", Some(false)));
    let person = heap.create_platform_object(slots("Person", None));
    assert_ne!(port, person, "each call makes a new object");
    assert_eq!(
        heap.platform_object(&port),
        Some(slots("MessagePort", Some(false)))
    );
    assert_eq!(heap.platform_object(&person), Some(slots("Person", None)));
    heap.set_detached(&port, true);
    assert_eq!(
        heap.platform_object(&port),
        Some(slots("MessagePort", Some(true)))
    );
    assert!(!heap.is_callable(&port) && !heap.is_array_exotic(&port));
}

#[test]
fn regexps_get_a_last_index_property() {
    let mut heap = Heap::default();
    let r = heap
        .create_regexp(JsString::from("("), JsString::from("zz"))
        .unwrap();
    let Some(PropertyDescriptor::Data {
        value: Value::Number(zero),
        writable: true,
        enumerable: false,
        configurable: false,
    }) = heap.ordinary_get_own_property(&r, &"lastIndex".into())
    else {
        panic!("lastIndex descriptor")
    };
    assert_eq!(zero.to_bits(), 0.0f64.to_bits());
    assert!(heap.enumerable_own_property_keys(&r).is_empty());
}

#[test]
fn maps_and_sets_take_appended_entries() {
    let mut heap = Heap::default();
    let map = heap.create_map();
    let set = heap.create_set();
    heap.append_map_entry(&map, Value::from("k"), Value::Object(set));
    heap.append_set_entry(&set, Value::Number(1.0));
    heap.append_set_entry(&set, Value::Number(f64::NAN));
    let entries = heap.map_data(&map).unwrap();
    assert!(matches!(&entries[..], [Some((Value::String(_), Value::Object(o)))] if *o == set));
    assert_eq!(heap.set_data(&set).map(|s| s.len()), Some(2));
    // Appending to the wrong kind changes nothing.
    heap.append_map_entry(&set, Value::Null, Value::Null);
    heap.append_set_entry(&map, Value::Null);
    assert_eq!(heap.set_data(&set).map(|s| s.len()), Some(2));
    assert_eq!(heap.map_data(&map).map(|m| m.len()), Some(1));
    assert!(heap.map_data(&set).is_none() && heap.set_data(&map).is_none());
}

#[test]
fn errors_have_error_data_a_stack_and_a_message() {
    let mut heap = Heap::default();
    let e = heap.ordinary_error_create(ErrorPrototype::SyntaxError);
    assert!(heap.has_error_data(&e));
    assert_eq!(heap.error_stack(&e), None);
    heap.set_error_stack(&e, Some(JsString::from("at f")));
    assert_eq!(heap.error_stack(&e), Some(JsString::from("at f")));
    let message = PropertyDescriptor::Data {
        value: Value::from("m"),
        writable: true,
        enumerable: false,
        configurable: true,
    };
    assert!(heap.ordinary_define_own_property(&e, "message".into(), message));
    assert!(matches!(
        heap.get_own_property(&e, &"message".into()),
        Ok(Some(PropertyDescriptor::Data {
            enumerable: false,
            ..
        }))
    ));
    assert!(heap.enumerable_own_property_keys(&e).is_empty());
    assert_eq!(
        heap.to_string(&Value::Object(e)).unwrap(),
        JsString::from("SyntaxError: m")
    );
    let accessor = PropertyDescriptor::Accessor {
        enumerable: true,
        configurable: true,
    };
    assert!(!heap.ordinary_define_own_property(&e, "x".into(), accessor));
    assert!(!heap.has_own_property(&e, &"x".into()));
    let plain = heap.ordinary_object_create();
    assert!(!heap.has_error_data(&plain));
    heap.set_error_stack(&plain, Some(JsString::from("ignored")));
    assert_eq!(heap.error_stack(&plain), None);
}

#[test]
fn accessors_are_reported_as_accessor_descriptors() {
    let mut heap = Heap::default();
    let o = heap.ordinary_object_create();
    heap.define_property(
        o,
        "g".into(),
        OwnProperty::Accessor {
            getter: Box::new(super::super::Accessor::Returns(Value::Null)),
            enumerable: true,
            configurable: false,
        },
    );
    let desc = heap.get_own_property(&o, &"g".into()).unwrap().unwrap();
    assert!(!desc.is_data_descriptor());
    assert!(matches!(
        desc,
        PropertyDescriptor::Accessor {
            enumerable: true,
            configurable: false
        }
    ));
    assert!(heap.has_own_property(&o, &"g".into()));
    assert_eq!(heap.enumerable_own_property_keys(&o), [JsString::from("g")]);
}

#[test]
fn unknown_handles_have_no_slots_and_no_properties() {
    let mut heap = Heap::default();
    let stranger = ObjectId(u32::MAX);
    let key = PropertyKey::from("k");
    assert!(heap.boolean_data(&stranger).is_none() && heap.number_data(&stranger).is_none());
    assert!(heap.bigint_data(&stranger).is_none() && heap.string_data(&stranger).is_none());
    assert!(heap.date_value(&stranger).is_none() && heap.regexp_source_and_flags(&stranger).is_none());
    assert!(heap.array_buffer(&stranger).is_none() && heap.array_buffer_view(&stranger).is_none());
    assert!(heap.map_data(&stranger).is_none() && heap.set_data(&stranger).is_none());
    assert!(heap.platform_object(&stranger).is_none() && heap.error_stack(&stranger).is_none());
    assert!(heap.other_internal_slot(&stranger).is_none() && heap.exotic_kind(&stranger).is_none());
    assert!(!heap.has_error_data(&stranger) && !heap.is_array_exotic(&stranger));
    assert!(!heap.is_object_prototype_intrinsic(&stranger) && !heap.is_callable(&stranger));
    assert!(!heap.is_shared_array_buffer(&stranger) && !heap.is_detached_buffer(&stranger));
    assert!(!heap.is_array_buffer_view_out_of_bounds(&stranger));
    assert!(matches!(heap.get(&stranger, &key), Ok(Value::Undefined)));
    assert!(matches!(heap.get_own_property(&stranger, &key), Ok(None)));
    assert!(heap.ordinary_get_own_property(&stranger, &key).is_none());
    assert!(heap.enumerable_own_property_keys(&stranger).is_empty());
    assert!(!heap.has_own_property(&stranger, &key));
    assert!(heap.detach_array_buffer(&stranger).is_err());
    assert!(!heap.create_data_property(&stranger, key.clone(), Value::Null));
    let data = PropertyDescriptor::Data {
        value: Value::Null,
        writable: true,
        enumerable: true,
        configurable: true,
    };
    assert!(!heap.ordinary_define_own_property(&stranger, key, data));
    let before = heap.len();
    heap.append_map_entry(&stranger, Value::Null, Value::Null);
    heap.append_set_entry(&stranger, Value::Null);
    heap.set_error_stack(&stranger, None);
    heap.set_detached(&stranger, true);
    assert_eq!(heap.len(), before);
    assert_eq!(
        heap.to_string(&Value::Object(stranger)).unwrap(),
        JsString::from("[object Object]")
    );
}
