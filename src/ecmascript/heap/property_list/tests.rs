//! The property list's own tests.

use super::*;
use crate::ecmascript::JsString;

fn key(k: &str) -> PropertyKey {
    PropertyKey::from(k)
}

fn keys(list: &PropertyList) -> Vec<String> {
    list.iter()
        .map(|(k, _)| k.as_string().map(JsString::to_string_lossy).unwrap_or_default())
        .collect()
}

#[test]
fn keeps_creation_order_and_redefines_in_place() {
    let mut list = PropertyList::new();
    for k in ["b", "a", "c"] {
        list.insert(key(k), OwnProperty::new_data(Value::Null));
    }
    list.insert(key("a"), OwnProperty::new_data(Value::Boolean(true)));
    assert_eq!(keys(&list), ["b", "a", "c"]);
    assert!(matches!(
        list.get(&key("a")).as_deref(),
        Some(OwnProperty::Data {
            value: Value::Boolean(true),
            ..
        })
    ));
    list.retain(|k, _| *k != key("b"));
    assert!(list.get(&key("b")).is_none());
    assert!(list.get(&key("c")).is_some());
    assert_eq!(list.len(), 2);
}

#[test]
fn long_lists_are_indexed_and_stay_consistent() {
    let mut list = PropertyList::new();
    for i in 0..100 {
        list.insert(
            key(&format!("k{i}")),
            OwnProperty::new_data(Value::Number(f64::from(i))),
        );
    }
    assert!(list.index().is_some());
    list.retain(|k, _| k.as_string().is_some_and(|s| s.len() == 2));
    assert_eq!(list.len(), 10);
    assert!(matches!(
        list.get(&key("k9")).as_deref(),
        Some(OwnProperty::Data { value: Value::Number(n), .. }) if *n == 9.0
    ));
    assert!(list.get(&key("k10")).is_none());
    list.retain(|k, _| *k == key("k2"));
    assert!(list.index().is_none(), "short again: searched");
    assert!(list.get(&key("k2")).is_some());
}

#[test]
fn plain_elements_are_dense_with_holes() {
    let mut list = PropertyList::new();
    list.insert(key("x"), OwnProperty::new_data(Value::Null));
    for i in [3, 0, 1] {
        list.insert(
            PropertyKey::String(index_key(i)),
            OwnProperty::new_data(Value::from(i as f64)),
        );
    }
    assert!(!list.is_sparse());
    assert!(list.entries().len() == 1 && list.element_count() == 3);
    // Elements ascending first, whatever order they came in.
    assert_eq!(keys(&list), ["0", "1", "3", "x"]);
    assert!(list.get(&key("2")).is_none());
    assert!(matches!(list.find(&key("3")), Some(Stored::Element(Value::Number(n))) if *n == 3.0));
    // Not array indices: ordinary entries.
    list.insert(key("01"), OwnProperty::new_data(Value::Null));
    list.insert(key("4294967295"), OwnProperty::new_data(Value::Null));
    assert_eq!(keys(&list), ["0", "1", "3", "x", "01", "4294967295"]);
    list.truncate_elements(2);
    assert_eq!(keys(&list), ["0", "1", "x", "01", "4294967295"]);
    assert_eq!(list.len(), 5);
    assert_eq!(index_key(0), JsString::from("0"));
    assert_eq!(index_key(4294967294), JsString::from("4294967294"));
}

#[test]
fn an_element_that_stops_being_plain_makes_the_list_sparse() {
    let mut list = PropertyList::new();
    for i in 0..20 {
        list.insert(
            PropertyKey::String(index_key(i)),
            OwnProperty::new_data(Value::Null),
        );
    }
    list.insert(key("x"), OwnProperty::new_data(Value::Null));
    let fixed = OwnProperty::Data {
        value: Value::Boolean(true),
        writable: false,
        enumerable: true,
        configurable: false,
    };
    assert!(list.insert_over_configurable(key("5"), fixed.clone()).is_ok());
    assert!(list.is_sparse() && list.element_vec().is_empty());
    assert_eq!(list.len(), 21);
    assert!(matches!(
        list.get(&key("5")).as_deref(),
        Some(OwnProperty::Data { writable: false, .. })
    ));
    // Still a list in ascending order, the redefinition in place.
    let expected: Vec<String> = (0..20).map(|i| i.to_string()).chain(["x".to_string()]).collect();
    assert_eq!(keys(&list), expected);
    assert!(
        list.insert_over_configurable(key("5"), OwnProperty::new_data(Value::Null))
            .is_err()
    );
    assert_eq!(
        list.array_indices_in_order()
            .expect("indexed, all dense")
            .map(|(i, _)| i)
            .collect::<Vec<_>>(),
        (0..20).collect::<Vec<_>>()
    );
}

#[test]
fn a_far_index_makes_the_list_sparse_and_sparse_indices_are_found() {
    let mut list = PropertyList::new();
    for k in ["0", "x", "1", "4000000000", "4294967295", "2", "90"] {
        list.insert(key(k), OwnProperty::new_data(Value::from(k)));
    }
    assert!(list.is_sparse(), "4000000000 is too far for the vector");
    for n in 3..40 {
        list.insert(key(&n.to_string()), OwnProperty::new_data(Value::Null));
    }
    for k in ["4000000000", "0", "x", "1", "90", "4294967295", "2", "39"] {
        assert!(list.get(&key(k)).is_some(), "{k}");
    }
    for k in ["40", "4000000001", "y", "89"] {
        assert!(list.get(&key(k)).is_none(), "{k}");
    }
    assert!(list.array_indices_in_order().is_none());
    list.retain(|k, _| *k != key("4000000000") && *k != key("90"));
    let order: Vec<usize> = list
        .array_indices_in_order()
        .expect("all dense now")
        .map(|(i, _)| i)
        .collect();
    assert_eq!(order, (0..40).collect::<Vec<_>>());
}

#[test]
fn values_cover_elements_entries_and_getters() {
    let mut list = PropertyList::new();
    list.insert(key("0"), OwnProperty::new_data(Value::Number(1.0)));
    list.insert(
        key("g"),
        OwnProperty::Accessor {
            getter: Box::new(super::super::Accessor::Throws(Value::Number(2.0))),
            enumerable: true,
            configurable: true,
        },
    );
    list.insert(key("d"), OwnProperty::new_data(Value::Number(3.0)));
    let seen: Vec<_> = list
        .values()
        .filter_map(|v| match v {
            Value::Number(n) => Some(*n),
            _ => None,
        })
        .collect();
    assert_eq!(seen, [1.0, 2.0, 3.0]);
    for value in list.data_values_mut() {
        *value = Value::Null;
    }
    assert_eq!(list.values().filter(|v| matches!(v, Value::Null)).count(), 2);
}

#[test]
fn a_lone_element_zero_is_inline_until_the_list_needs_more() {
    let zero = || PropertyKey::String(index_key(0));
    let mut list = PropertyList::new();
    list.reserve_elements(1);
    list.insert(zero(), OwnProperty::new_data(Value::Number(1.0)));
    assert!(matches!(list.0, Repr::One(Some(_))), "no allocation for [x]");
    list.insert(zero(), OwnProperty::new_data(Value::Number(2.0)));
    assert!(matches!(list.0, Repr::One(Some(Value::Number(n))) if n == 2.0));
    assert_eq!((list.len(), keys(&list)), (1, vec!["0".to_string()]));
    // A second element, then a named key: the general form, in order.
    let mut two = list.clone();
    two.insert(key("x"), OwnProperty::new_data(Value::Null));
    two.insert(key("1"), OwnProperty::new_data(Value::Null));
    assert_eq!(keys(&two), ["0", "1", "x"]);
    assert!(
        matches!(two.get(&key("0")).as_deref(), Some(OwnProperty::Data { value: Value::Number(n), .. }) if *n == 2.0)
    );
    // An element that stops being plain: sparse, still first.
    let mut fixed = list.clone();
    let frozen = OwnProperty::Data {
        value: Value::Null,
        writable: false,
        enumerable: true,
        configurable: false,
    };
    assert!(fixed.insert_over_configurable(zero(), frozen).is_ok());
    fixed.insert(key("y"), OwnProperty::new_data(Value::Null));
    assert!(fixed.is_sparse());
    assert_eq!(keys(&fixed), ["0", "y"]);
    // Values, mutation, truncation.
    for value in list.data_values_mut() {
        *value = Value::Null;
    }
    assert!(matches!(list.values().collect::<Vec<_>>()[..], [Value::Null]));
    list.truncate_elements(1);
    assert_eq!(list.len(), 1);
    list.truncate_elements(0);
    assert!(list.is_empty() && matches!(list.element(0), Some(None)));
    // Appending one value to an empty list keeps it inline too.
    let mut appended = PropertyList::new();
    let added = appended.append_elements(0, &mut std::iter::once(Value::Boolean(true)));
    assert_eq!(added, Some(1));
    assert!(matches!(appended.0, Repr::One(Some(Value::Boolean(true)))));
    assert_eq!(
        appended.append_elements(1, &mut std::iter::once(Value::Null)),
        Some(1)
    );
    assert_eq!(keys(&appended), ["0", "1"]);
}
