use super::super::*;
use crate::ecmascript::Accessor;

#[test]
fn holes_and_missing_properties_read_object_prototype() {
    let mut heap = Heap::default();
    let proto = heap.object_prototype();
    heap.define_property(
        proto,
        PropertyKey::from("1"),
        OwnProperty::new_data(Value::from("inherited")),
    );
    heap.define_property(
        proto,
        PropertyKey::from("boom"),
        OwnProperty::Accessor {
            getter: Box::new(Accessor::Throws(Value::from("thrown"))),
            enumerable: false,
            configurable: true,
        },
    );
    let array = heap.alloc(ObjectKind::Array { length: 3 });
    assert_eq!(
        heap.to_js_string(&Value::Object(array))
            .unwrap()
            .to_string_lossy(),
        ",inherited,"
    );
    let plain = heap.alloc(ObjectKind::Ordinary);
    assert!(
        matches!(heap.get_property(plain, &"1".into()), Ok(Value::String(s)) if s == JsString::from("inherited"))
    );
    assert!(matches!(
        heap.get_property(plain, &"boom".into()),
        Err(Exception(Value::String(_)))
    ));
    // Error.prototype's own `message` shadows Object.prototype's.
    heap.define_property(
        proto,
        PropertyKey::from("message"),
        OwnProperty::new_data(Value::from("no")),
    );
    let error = heap.create_error(ErrorPrototype::Error, "");
    heap.object_mut(error)
        .properties
        .retain(|k, _| *k != PropertyKey::from("message"));
    assert!(matches!(heap.get_property(error, &"message".into()), Ok(Value::String(s)) if s.is_empty()));
}
