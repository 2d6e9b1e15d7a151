use super::super::*;
use crate::ecmascript::Accessor;

fn outcome(heap: &mut Heap, o: ObjectId) -> Result<String, String> {
    match heap.to_js_string(&Value::Object(o)) {
        Ok(s) => Ok(s.to_string_lossy()),
        Err(Exception(Value::Object(e))) => match heap.object(e).kind {
            ObjectKind::Error { prototype, .. } => Err(prototype.name().to_owned()),
            _ => Err("an object".to_owned()),
        },
        Err(Exception(other)) => Err(format!("{other:?}")),
    }
}

/// [[Get]] of `toString` and `valueOf` reaches %Object.prototype%'s own
/// properties unless an intrinsic prototype in between has the method.
#[test]
fn object_prototype_methods_are_what_get_finds() {
    let mut heap = Heap::default();
    let proto = heap.object_prototype();
    heap.define_property(
        proto,
        "toString".into(),
        OwnProperty::new_data(Value::Number(1.0)),
    );
    let plain = heap.alloc(ObjectKind::Ordinary);
    let map = heap.alloc(ObjectKind::Map(Vec::new()));
    assert_eq!(outcome(&mut heap, plain), Err("TypeError".to_owned()));
    assert_eq!(outcome(&mut heap, map), Err("TypeError".to_owned()));
    // Error.prototype.toString and Number.prototype.toString come first.
    let error = heap.create_error(ErrorPrototype::RangeError, "m");
    assert_eq!(outcome(&mut heap, error), Ok("RangeError: m".to_owned()));
    let number = heap.alloc(ObjectKind::NumberWrapper(2.0));
    assert_eq!(outcome(&mut heap, number), Ok("2".to_owned()));
    // A callable one is taken as the built-in.
    let f = heap.alloc(ObjectKind::Function);
    heap.define_property(proto, "toString".into(), OwnProperty::new_data(Value::Object(f)));
    assert_eq!(outcome(&mut heap, map), Ok("[object Map]".to_owned()));
    // An Error whose own toString fails reaches %Object.prototype%'s valueOf.
    heap.define_property(error, "toString".into(), OwnProperty::new_data(Value::Null));
    heap.define_property(
        proto,
        "valueOf".into(),
        OwnProperty::Accessor {
            getter: Box::new(Accessor::Throws(Value::from("from valueOf"))),
            enumerable: false,
            configurable: true,
        },
    );
    assert_eq!(
        outcome(&mut heap, error),
        Err("String(\"from valueOf\")".to_owned())
    );
}
