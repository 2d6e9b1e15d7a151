//! The own-property operations' tests.

use super::*;
use crate::ecmascript::{ErrorPrototype, Realm};

fn keys(heap: &Heap, id: ObjectId) -> Vec<String> {
    heap.own_property_keys(id)
        .iter()
        .map(|k| match k {
            PropertyKey::String(s) => s.to_string_lossy(),
            PropertyKey::Symbol(s) => format!("@{}", s.id()),
        })
        .collect()
}

#[test]
fn defining_on_a_new_object_matches_create_data_property() {
    let mut heap = Heap::default();
    let array = heap.array_create(1);
    assert!(heap.create_data_property_on_new(array, "3".into(), Value::Null));
    assert!(matches!(heap.object(array).kind, ObjectKind::Array { length: 4 }));
    assert!(heap.create_data_property_on_new(array, "x".into(), Value::Null));
    // `length` goes the general way, which refuses to make the
    // non-configurable `length` enumerable and configurable.
    assert!(!heap.create_data_property_on_new(array, "length".into(), Value::Number(2.0)));
    assert_eq!(keys(&heap, array), ["3", "length", "x"]);
    // A non-configurable property someone put there after all is not
    // overwritten.
    let o = heap.ordinary_object_create();
    let fixed = OwnProperty::Data {
        value: Value::Null,
        writable: false,
        enumerable: true,
        configurable: false,
    };
    heap.define_property(o, "a".into(), fixed);
    assert!(!heap.create_data_property_on_new(o, "a".into(), Value::Boolean(true)));
    assert!(matches!(heap.get_property(o, &"a".into()), Ok(Value::Null)));
    assert!(heap.create_data_property_on_new(o, "b".into(), Value::Boolean(true)));
    assert_eq!(keys(&heap, o), ["a", "b"]);
}

#[test]
fn create_data_property_on_an_ordinary_object_is_define_own_property() {
    let data = |writable, configurable| OwnProperty::Data {
        value: Value::Number(1.0),
        writable,
        enumerable: false,
        configurable,
    };
    let accessor = |configurable| OwnProperty::Accessor {
        getter: Box::new(crate::ecmascript::heap::Accessor::Returns(Value::Null)),
        enumerable: true,
        configurable,
    };
    let currents = [
        None,
        Some(data(false, true)),
        Some(data(true, false)),
        Some(data(false, false)),
        Some(accessor(true)),
        Some(accessor(false)),
    ];
    for current in currents {
        for key in [
            "a",
            "0",
            "length",
            "a long name past the thirty-two interned units",
        ] {
            let mut heap = Heap::default();
            let [created, defined] = [(); 2].map(|()| {
                let o = heap.ordinary_object_create();
                heap.create_data_property_on(o, "before".into(), Value::Null);
                if let Some(current) = &current {
                    heap.define_property(o, key.into(), current.clone());
                }
                heap.create_data_property_on(o, "after".into(), Value::Null);
                o
            });
            let took = heap.create_data_property_on(created, key.into(), Value::Boolean(true));
            let expected =
                heap.define_own_property(defined, key.into(), OwnProperty::new_data(Value::Boolean(true)));
            assert_eq!(took, expected, "{current:?} {key}");
            let shown = |o| format!("{:?}", heap.object(o).properties().to_vec());
            assert_eq!(shown(created), shown(defined), "{current:?} {key}");
        }
    }
}

#[test]
fn key_order_puts_indices_first_then_strings_then_symbols() {
    let mut heap = Heap::default();
    let o = heap.alloc(ObjectKind::Ordinary);
    let sym = heap.new_symbol(None);
    heap.define_property(
        o,
        PropertyKey::Symbol(sym.clone()),
        OwnProperty::new_data(Value::Null),
    );
    for k in ["10", "b", "2", "a", "01", "4294967295", "0"] {
        heap.define_property(o, PropertyKey::from(k), OwnProperty::new_data(Value::Null));
    }
    assert_eq!(
        keys(&heap, o),
        [
            "0",
            "2",
            "10",
            "b",
            "a",
            "01",
            "4294967295",
            &format!("@{}", sym.id())
        ]
    );
    // Redefining a key keeps its place.
    heap.define_property(o, PropertyKey::from("b"), OwnProperty::new_data(Value::Undefined));
    assert_eq!(keys(&heap, o)[3], "b");
}

#[test]
fn string_object_has_code_unit_keys_then_length() {
    let mut heap = Heap::default();
    let s = heap.create_string_object(JsString::from_code_units(vec![0x61, 0xD800]));
    heap.define_property(s, PropertyKey::from("x"), OwnProperty::new_data(Value::Null));
    heap.define_property(s, PropertyKey::from("5"), OwnProperty::new_data(Value::Null));
    assert_eq!(keys(&heap, s), ["0", "1", "5", "length", "x"]);
    let one = heap.own_property(s, &PropertyKey::from("1")).unwrap();
    let OwnProperty::Data {
        value: Value::String(unit),
        writable,
        enumerable,
        configurable,
    } = one
    else {
        panic!("code unit property is data")
    };
    assert_eq!(unit.code_units(), &[0xD800]);
    assert!(!writable && enumerable && !configurable);
    assert!(heap.own_property(s, &PropertyKey::from("2")).is_none());
    // OrdinaryGetOwnProperty sees `length` but not the code units.
    assert!(heap.ordinary_own_property(s, &PropertyKey::from("0")).is_none());
    assert!(
        heap.ordinary_own_property(s, &PropertyKey::from("length"))
            .is_some()
    );
    assert_eq!(
        heap.enumerable_own_string_keys(s),
        ["0", "1", "5", "x"].map(JsString::from)
    );
}

#[test]
fn array_length_is_a_non_enumerable_own_property() {
    let mut heap = Heap::default();
    let a = heap.array_create(3);
    heap.define_property(a, PropertyKey::from("1"), OwnProperty::new_data(Value::Null));
    assert_eq!(keys(&heap, a), ["1", "length"]);
    assert_eq!(heap.enumerable_own_string_keys(a), [JsString::from("1")]);
    let Some(OwnProperty::Data {
        value: Value::Number(n),
        writable: true,
        enumerable: false,
        configurable: false,
    }) = heap.ordinary_own_property(a, &PropertyKey::from("length"))
    else {
        panic!("length descriptor")
    };
    assert_eq!(n, 3.0);
}

#[test]
fn getters_return_or_throw() {
    let mut heap = Heap::default();
    let o = heap.alloc(ObjectKind::Ordinary);
    let getter = |getter| OwnProperty::Accessor {
        getter: Box::new(getter),
        enumerable: true,
        configurable: true,
    };
    heap.define_property(o, "ok".into(), getter(Accessor::Returns(Value::from(7.0))));
    heap.define_property(o, "bad".into(), getter(Accessor::Throws(Value::from("boom"))));
    assert!(matches!(
        heap.get_property(o, &"ok".into()),
        Ok(Value::Number(7.0))
    ));
    match heap.get_property(o, &"bad".into()) {
        Err(Exception(Value::String(s))) => assert_eq!(s, JsString::from("boom")),
        other => panic!("expected the getter's exception, got {other:?}"),
    }
    assert!(matches!(
        heap.get_property(o, &"none".into()),
        Ok(Value::Undefined)
    ));
}

#[test]
fn errors_inherit_name_and_empty_message() {
    let mut heap = Heap::default();
    let e = heap.ordinary_error_create(ErrorPrototype::RangeError);
    let get = |heap: &Heap, k: &str| heap.get_property(e, &k.into()).unwrap();
    assert!(matches!(get(&heap, "name"), Value::String(s) if s == JsString::from("RangeError")));
    assert!(matches!(get(&heap, "message"), Value::String(s) if s.is_empty()));
    assert!(heap.own_property(e, &"name".into()).is_none());
    heap.define_property(e, "name".into(), OwnProperty::new_data(Value::from("Mine")));
    assert!(matches!(get(&heap, "name"), Value::String(s) if s == JsString::from("Mine")));
}

#[test]
fn create_data_property_grows_arrays() {
    let mut heap = Heap::default();
    let a = heap.array_create(2);
    assert!(heap.create_data_property(&a, "0".into(), Value::Null));
    assert!(matches!(heap.object(a).kind, ObjectKind::Array { length: 2 }));
    assert!(heap.create_data_property(&a, "9".into(), Value::Null));
    assert!(matches!(heap.object(a).kind, ObjectKind::Array { length: 10 }));
    assert!(heap.create_data_property(&a, "4294967295".into(), Value::Null));
    assert!(matches!(heap.object(a).kind, ObjectKind::Array { length: 10 }));
    // `length` is non-configurable: CreateDataProperty cannot replace it.
    assert!(!heap.create_data_property(&a, "length".into(), Value::from(1.0)));
}

#[test]
fn redefining_array_length_drops_indices() {
    let mut heap = Heap::default();
    let a = heap.array_create(0);
    for i in ["0", "1", "2"] {
        heap.create_data_property(&a, i.into(), Value::Null);
    }
    let length = |n: f64| OwnProperty::Data {
        value: Value::Number(n),
        writable: true,
        enumerable: false,
        configurable: false,
    };
    assert!(heap.define_own_property(a, "length".into(), length(1.0)));
    assert_eq!(keys(&heap, a), ["0", "length"]);
    assert!(!heap.define_own_property(a, "length".into(), length(1.5)));
    assert!(!heap.define_own_property(a, "length".into(), length(-1.0)));
}

#[test]
fn non_configurable_properties_resist_redefinition() {
    let mut heap = Heap::default();
    let s = heap.create_string_object(JsString::from("ab"));
    assert!(!heap.create_data_property(&s, "0".into(), Value::from("z")));
    assert!(heap.create_data_property(&s, "2".into(), Value::from("z")));
    let frozen = OwnProperty::Data {
        value: Value::Number(-0.0),
        writable: false,
        enumerable: true,
        configurable: false,
    };
    let o = heap.alloc(ObjectKind::Ordinary);
    assert!(heap.define_own_property(o, "k".into(), frozen.clone()));
    assert!(heap.define_own_property(o, "k".into(), frozen));
    assert!(!heap.create_data_property(&o, "k".into(), Value::Number(0.0)));
}

#[test]
fn regexp_source_is_escaped_and_flags_ordered() {
    let esc = |s: &str| escape_regexp_pattern(&JsString::from(s)).to_string_lossy();
    assert_eq!(esc(""), "(?:)");
    assert_eq!(esc("a/b"), "a\\/b");
    assert_eq!(esc("a\\/b"), "a\\/b");
    assert_eq!(esc("[/]"), "[/]");
    assert_eq!(esc("[\\]/]/"), "[\\]/]\\/");
    assert_eq!(esc("a\nb\u{2028}"), "a\\nb\\u2028");
    assert_eq!(canonical_flags(&JsString::from("yigd")).to_string_lossy(), "dgiy");
}
