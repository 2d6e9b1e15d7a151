use super::super::*;
use crate::ecmascript::Accessor;
use crate::ecmascript::{BigInt, Realm, ViewKind};

fn string(heap: &mut Heap, value: Value<ObjectId>) -> String {
    heap.to_js_string(&value)
        .expect("ToString succeeds")
        .to_string_lossy()
}

#[test]
fn primitives() {
    let mut heap = Heap::default();
    let cases: [(Value<ObjectId>, &str); 12] = [
        (Value::Undefined, "undefined"),
        (Value::Null, "null"),
        (Value::Boolean(true), "true"),
        (Value::Boolean(false), "false"),
        (Value::Number(-0.0), "0"),
        (Value::Number(f64::NAN), "NaN"),
        (Value::Number(-f64::INFINITY), "-Infinity"),
        (Value::Number(1e21), "1e+21"),
        (Value::Number(0.1), "0.1"),
        (Value::BigInt(BigInt::from(-12)), "-12"),
        (Value::from("text"), "text"),
        (Value::from(""), ""),
    ];
    for (value, expected) in cases {
        assert_eq!(string(&mut heap, value), expected);
    }
    let lone = JsString::from_code_units(vec![0xDC00]);
    assert_eq!(heap.to_js_string(&Value::String(lone.clone())).unwrap(), lone);
}

#[test]
fn symbols_throw_a_type_error() {
    let mut heap = Heap::default();
    let symbol = heap.new_symbol(Some(JsString::from("s")));
    let before = heap.len();
    let result = heap.to_js_string(&Value::Symbol(symbol.clone()));
    assert_eq!(
        thrown(&mut heap, result),
        "TypeError: Cannot convert a Symbol value to a string"
    );
    assert_eq!(heap.len(), before + 1, "the TypeError lives in the heap");
    // A Symbol object converts through its Symbol, and fails the same way.
    let wrapper = heap.alloc(ObjectKind::SymbolObject(symbol));
    let result = heap.to_js_string(&Value::Object(wrapper));
    assert!(thrown(&mut heap, result).starts_with("TypeError"));
}

#[test]
fn wrappers_dates_and_tags() {
    let mut heap = Heap::default();
    let object = |heap: &mut Heap, kind| Value::Object(heap.alloc(kind));
    let cases = [
        (ObjectKind::BooleanWrapper(false), "false"),
        (ObjectKind::NumberWrapper(-0.0), "0"),
        (ObjectKind::BigIntWrapper(BigInt::from(7)), "7"),
        (ObjectKind::StringWrapper(JsString::from("ab")), "ab"),
        (
            ObjectKind::Date(0.0),
            "Thu Jan 01 1970 00:00:00 GMT+0000 (Coordinated Universal Time)",
        ),
        (ObjectKind::Date(f64::NAN), "Invalid Date"),
        (ObjectKind::Ordinary, "[object Object]"),
        (ObjectKind::ObjectPrototype, "[object Object]"),
        (ObjectKind::Map(Vec::new()), "[object Map]"),
        (ObjectKind::Set(Vec::new()), "[object Set]"),
        (ObjectKind::WeakMap, "[object WeakMap]"),
        (ObjectKind::Promise, "[object Promise]"),
        (ObjectKind::Proxy, "[object Object]"),
        (ObjectKind::Function, "function () { [native code] }"),
        (
            ObjectKind::Platform {
                interface: "MessagePort".into(),
                detached: Some(false),
                host: 1,
            },
            "[object MessagePort]",
        ),
    ];
    for (kind, expected) in cases {
        let value = object(&mut heap, kind);
        assert_eq!(string(&mut heap, value), expected);
    }
    let buffer = heap.create_array_buffer(vec![0; 4], None).unwrap();
    assert_eq!(string(&mut heap, Value::Object(buffer)), "[object ArrayBuffer]");
    let view = heap.alloc(ObjectKind::View {
        kind: ViewKind::Float16Array,
        buffer,
        byte_offset: 0,
        length: None,
    });
    assert_eq!(
        string(&mut heap, Value::Object(view)),
        "0,0",
        "a typed array joins its elements"
    );
}

#[test]
fn regexps_print_source_and_flags() {
    let mut heap = Heap::default();
    let r = heap
        .create_regexp(JsString::from("a/b"), JsString::from("ig"))
        .unwrap();
    assert_eq!(string(&mut heap, Value::Object(r)), "/a\\/b/gi");
    let empty = heap
        .create_regexp(JsString::default(), JsString::default())
        .unwrap();
    assert_eq!(string(&mut heap, Value::Object(empty)), "/(?:)/");
    // `source` is read with [[Get]], so an own property shadows the getter.
    heap.define_property(empty, "source".into(), OwnProperty::new_data(Value::from("x")));
    assert_eq!(string(&mut heap, Value::Object(empty)), "/x/");
}

#[test]
fn errors_print_name_and_message() {
    let mut heap = Heap::default();
    let e = heap.create_error(ErrorPrototype::RangeError, "too big");
    assert_eq!(string(&mut heap, Value::Object(e)), "RangeError: too big");
    let bare = heap.ordinary_error_create(ErrorPrototype::URIError);
    assert_eq!(string(&mut heap, Value::Object(bare)), "URIError");
    heap.define_property(bare, "message".into(), OwnProperty::new_data(Value::Number(5.0)));
    heap.define_property(bare, "name".into(), OwnProperty::new_data(Value::from("")));
    assert_eq!(string(&mut heap, Value::Object(bare)), "5");
    heap.define_property(bare, "name".into(), OwnProperty::new_data(Value::Undefined));
    assert_eq!(string(&mut heap, Value::Object(bare)), "Error: 5");
}

#[test]
fn throwing_getters_propagate() {
    let mut heap = Heap::default();
    let e = heap.ordinary_error_create(ErrorPrototype::Error);
    let getter = OwnProperty::Accessor {
        getter: Box::new(Accessor::Throws(Value::from("from the getter"))),
        enumerable: false,
        configurable: true,
    };
    heap.define_property(e, "message".into(), getter.clone());
    match heap.to_js_string(&Value::Object(e)) {
        Err(Exception(Value::String(s))) => assert_eq!(s, JsString::from("from the getter")),
        other => panic!("expected the getter's exception, got {other:?}"),
    }
    let a = heap.array_create(2);
    heap.define_property(a, "1".into(), getter.clone());
    assert!(heap.to_js_string(&Value::Object(a)).is_err());
    let o = heap.alloc(ObjectKind::Ordinary);
    heap.define_property(o, "toString".into(), getter);
    assert!(heap.to_js_string(&Value::Object(o)).is_err());
    // A Symbol name makes Error.prototype.toString throw a TypeError.
    let symbol = heap.new_symbol(None);
    heap.define_property(e, "message".into(), OwnProperty::new_data(Value::Symbol(symbol)));
    let result = heap.to_js_string(&Value::Object(e));
    assert!(thrown(&mut heap, result).starts_with("TypeError"));
}

#[test]
fn own_to_string_and_value_of() {
    let mut heap = Heap::default();
    let n = heap.create_number_object(5.0);
    heap.define_property(n, "toString".into(), OwnProperty::new_data(Value::Number(1.0)));
    assert_eq!(
        string(&mut heap, Value::Object(n)),
        "5",
        "valueOf runs when toString is not callable"
    );
    let o = heap.alloc(ObjectKind::Ordinary);
    heap.define_property(o, "toString".into(), OwnProperty::new_data(Value::Null));
    let result = heap.to_js_string(&Value::Object(o));
    assert_eq!(
        thrown(&mut heap, result),
        "TypeError: Cannot convert object to primitive value"
    );
    let f = heap.alloc(ObjectKind::Function);
    heap.define_property(o, "toString".into(), OwnProperty::new_data(Value::Object(f)));
    assert_eq!(string(&mut heap, Value::Object(o)), "[object Object]");
}

#[test]
fn arrays_join_with_commas_and_cut_cycles() {
    let mut heap = Heap::default();
    let inner = heap.array_create(0);
    heap.create_data_property(&inner, "0".into(), Value::Number(3.0));
    let middle = heap.array_create(0);
    heap.create_data_property(&middle, "0".into(), Value::Number(2.0));
    heap.create_data_property(&middle, "1".into(), Value::Object(inner));
    let a = heap.array_create(6);
    heap.create_data_property(&a, "0".into(), Value::Number(1.0));
    heap.create_data_property(&a, "1".into(), Value::Object(middle));
    heap.create_data_property(&a, "2".into(), Value::Null);
    heap.create_data_property(&a, "3".into(), Value::Undefined);
    heap.create_data_property(&a, "5".into(), Value::from("x"));
    assert_eq!(string(&mut heap, Value::Object(a)), "1,2,3,,,,x");

    // b = [1, b, [b, 2]] joins as V8 joins it.
    let b = heap.array_create(0);
    let c = heap.array_create(0);
    heap.create_data_property(&c, "0".into(), Value::Object(b));
    heap.create_data_property(&c, "1".into(), Value::Number(2.0));
    heap.create_data_property(&b, "0".into(), Value::Number(1.0));
    heap.create_data_property(&b, "1".into(), Value::Object(b));
    heap.create_data_property(&b, "2".into(), Value::Object(c));
    assert_eq!(string(&mut heap, Value::Object(b)), "1,,,2");

    let holes = heap.array_create(5);
    assert_eq!(string(&mut heap, Value::Object(holes)), ",,,,");
    let empty = heap.array_create(0);
    assert_eq!(string(&mut heap, Value::Object(empty)), "");
}

#[test]
fn huge_and_deep_conversions_throw_range_errors() {
    let mut heap = Heap::default();
    let sparse = heap.array_create(u32::MAX);
    let result = heap.to_js_string(&Value::Object(sparse));
    assert_eq!(thrown(&mut heap, result), "RangeError: Invalid string length");
    // Join reads index 1 before the separators grow too long: its getter throws first.
    let getter = OwnProperty::Accessor {
        getter: Box::new(Accessor::Throws(Value::from("index 1"))),
        enumerable: true,
        configurable: true,
    };
    heap.define_property(sparse, "1".into(), getter);
    match heap.to_js_string(&Value::Object(sparse)) {
        Err(Exception(Value::String(s))) => assert_eq!(s, JsString::from("index 1")),
        other => panic!("expected the getter's exception, got {other:?}"),
    }

    // An Error whose name is itself recurses until the depth limit.
    let e = heap.ordinary_error_create(ErrorPrototype::Error);
    heap.define_property(e, "name".into(), OwnProperty::new_data(Value::Object(e)));
    let result = heap.to_js_string(&Value::Object(e));
    assert_eq!(
        thrown(&mut heap, result),
        "RangeError: Maximum call stack size exceeded"
    );

    // Deeply nested Arrays: fine below the limit, a RangeError above it.
    let mut nested = heap.array_create(0);
    for depth in 1..=5000 {
        let outer = heap.array_create(0);
        heap.create_data_property(&outer, "0".into(), Value::Object(nested));
        nested = outer;
        if depth == 900 {
            assert_eq!(string(&mut heap, Value::Object(nested)), "");
        }
    }
    let result = heap.to_js_string(&Value::Object(nested));
    assert!(thrown(&mut heap, result).starts_with("RangeError"));
}
