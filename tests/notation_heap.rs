//! What building puts into a heap, what printing reads from heaps made by
//! hand, graphs too deep for recursion, and the `clone` command's output.

#![cfg(feature = "notation")]

use std::time::Instant;
use webmessaging::ecmascript::{
    Accessor, ArrayBufferState, ErrorPrototype, Heap, JsString, ObjectId, ObjectKind, OwnProperty,
    PropertyKey, RegExpSlots, Value,
};
use webmessaging::notation::{Kind, Val, build, clone_outcome, parse, print};
use webmessaging::structured::CloneError;

fn built(text: &str) -> (Heap, webmessaging::notation::Built) {
    let mut heap = Heap::default();
    let built = build(&parse(text).unwrap(), &mut heap).unwrap();
    (heap, built)
}

fn own(heap: &Heap, id: ObjectId, key: &str) -> OwnProperty {
    let key = PropertyKey::from(key);
    heap.object(id).properties().get(&key).unwrap().into_owned()
}

#[test]
fn fields_become_slots_and_properties_with_their_attributes() {
    let (heap, built) = built(
        r#"{"root": {"ref": 0}, "objects": [
            {"kind": "RegExp", "source": "a", "flags": "g", "props": [["x", 1, {"enumerable": false}]]},
            {"kind": "Error", "name": "RangeError", "message": "m", "stack": "s"},
            {"kind": "Object", "props": [["g", {"getter": {"throws": {"ref": 1}}}]]}
        ]}"#,
    );
    let [regexp, error, object] = built.objects[..] else {
        panic!()
    };
    assert!(matches!(built.root, Value::Object(o) if o == regexp));
    // lastIndex: +0, writable, not enumerable, not configurable; first.
    let properties = heap.object(regexp).properties().to_vec();
    assert_eq!(properties[0].0, PropertyKey::from("lastIndex"));
    assert!(matches!(
        properties[0].1,
        OwnProperty::Data { value: Value::Number(n), writable: true, enumerable: false, configurable: false }
            if n.to_bits() == 0
    ));
    assert!(matches!(
        own(&heap, regexp, "x"),
        OwnProperty::Data {
            enumerable: false,
            writable: true,
            configurable: true,
            ..
        }
    ));
    match heap.object(error).kind() {
        ObjectKind::Error { prototype, stack } => {
            assert_eq!(*prototype, ErrorPrototype::RangeError);
            assert_eq!(stack.as_ref(), Some(&JsString::from("s")));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        own(&heap, error, "message"),
        OwnProperty::Data {
            writable: true,
            enumerable: false,
            configurable: true,
            ..
        }
    ));
    assert!(matches!(
        own(&heap, object, "g"),
        OwnProperty::Accessor { getter, enumerable: true, configurable: true }
            if matches!(*getter, Accessor::Throws(Value::Object(o)) if o == error)
    ));
}

#[test]
fn one_symbol_per_description_within_a_document() {
    let text = r#"{"root": {"ref": 0}, "objects": [{"kind": "Object", "props": [
        [{"symbol": "s"}, {"symbol": "s"}], [{"symbol": "t"}, {"symbol": null}], ["u", {"symbol": null}]
    ]}]}"#;
    let (heap, built) = built(text);
    let properties = heap.object(built.objects[0]).properties().to_vec();
    let symbol = |v: &OwnProperty| match v {
        OwnProperty::Data {
            value: Value::Symbol(s),
            ..
        } => s.clone(),
        other => panic!("{other:?}"),
    };
    let PropertyKey::Symbol(s) = properties[0].0.clone() else {
        panic!()
    };
    assert_eq!(s, symbol(&properties[0].1));
    let PropertyKey::Symbol(t) = &properties[1].0 else {
        panic!()
    };
    assert_ne!(&s, t);
    assert_eq!(symbol(&properties[1].1), symbol(&properties[2].1));
    assert_eq!(symbol(&properties[1].1).description(), None);
    // Another document in the same heap gets symbols of its own.
    let mut heap = heap;
    let again = build(&parse(text).unwrap(), &mut heap).unwrap();
    let PropertyKey::Symbol(s2) = &heap.object(again.objects[0]).properties().to_vec()[0].0 else {
        panic!()
    };
    assert_ne!(s.id(), s2.id());
}

#[test]
fn buffers_views_and_collections() {
    let (heap, built) = built(
        r#"{"root": {"ref": 0}, "objects": [
            {"kind": "Float32Array", "buffer": 1, "byteOffset": 4, "length": null},
            {"kind": "ArrayBuffer", "bytes": "0102", "maxByteLength": 8},
            {"kind": "ArrayBuffer", "bytes": "", "detached": true, "detachKey": true},
            {"kind": "Map", "entries": [[{"ref": 2}, 1]]}
        ]}"#,
    );
    let ids = &built.objects;
    assert!(matches!(
        heap.object(ids[0]).kind(),
        ObjectKind::View { buffer, byte_offset: 4, length: None, .. } if *buffer == ids[1]
    ));
    assert!(matches!(
        heap.object(ids[1]).kind().as_array_buffer(),
        Some(ArrayBufferState::Owned { data: Some(d), max_byte_length: Some(8), detach_key: false })
            if d == &[1, 2]
    ));
    assert!(matches!(
        heap.object(ids[2]).kind().as_array_buffer(),
        Some(ArrayBufferState::Owned {
            data: None,
            detach_key: true,
            ..
        })
    ));
    assert!(matches!(heap.object(ids[3]).kind(), ObjectKind::Map(e) if e.len() == 1));
}

#[test]
fn printing_leaves_out_virtual_properties_and_deleted_entries() {
    let mut heap = Heap::default();
    let array = heap.alloc(ObjectKind::Array { length: 3 });
    heap.define_property(array, "length".into(), OwnProperty::new_data(Value::Number(3.0)));
    heap.define_property(array, "1".into(), OwnProperty::new_data(Value::Null));
    let string = heap.alloc(ObjectKind::StringWrapper(JsString::from("ab")));
    heap.define_property(string, "0".into(), OwnProperty::new_data("a".into()));
    heap.define_property(string, "length".into(), OwnProperty::new_data(Value::Number(2.0)));
    heap.define_property(string, "2".into(), OwnProperty::new_data("real".into()));
    let map = heap.alloc(ObjectKind::Map(vec![
        None,
        Some((Value::Object(string), Value::Undefined)),
        None,
    ]));
    let set = heap.alloc(ObjectKind::Set(vec![Some(Value::Object(map)), None]));
    heap.define_property(array, "0".into(), OwnProperty::new_data(Value::Object(set)));
    let regexp = heap.alloc(ObjectKind::RegExp(Box::new(RegExpSlots {
        source: JsString::from("r"),
        flags: JsString::default(),
    })));
    heap.define_property(array, "2".into(), OwnProperty::new_data(Value::Object(regexp)));

    let document = print(&heap, &Value::Object(array));
    let expected = r#"{"root": {"ref": 0}, "objects": [
        {"kind": "Array", "length": 3, "props": [["0", {"ref": 1}], ["1", null], ["2", {"ref": 4}]]},
        {"kind": "Set", "values": [{"ref": 2}]},
        {"kind": "Map", "entries": [[{"ref": 3}, {"undefined": true}]]},
        {"kind": "String", "value": "ab", "props": [["2", "real"]]},
        {"kind": "RegExp", "source": "r", "flags": ""}
    ]}"#;
    let json = |t: &str| serde_json::from_str::<serde_json::Value>(t).unwrap();
    assert_eq!(json(&document.to_json_string()), json(expected));
}

/// `count` arrays, each the only element of the one before.
fn nested_arrays(heap: &mut Heap, count: usize) -> ObjectId {
    let innermost = heap.alloc(ObjectKind::Array { length: 0 });
    (1..count).fold(innermost, |inner, _| {
        let outer = heap.alloc(ObjectKind::Array { length: 1 });
        heap.object_mut(outer)
            .properties_mut()
            .push(("0".into(), OwnProperty::new_data(Value::Object(inner))));
        outer
    })
}

#[test]
fn a_million_nested_arrays_print_without_recursion() {
    const DEPTH: usize = 1_000_000;
    let mut heap = Heap::default();
    let outermost = nested_arrays(&mut heap, DEPTH);
    let start = Instant::now();
    let document = print(&heap, &Value::Object(outermost));
    assert_eq!(document.objects.len(), DEPTH);
    for (i, object) in document.objects.iter().enumerate().take(DEPTH - 1) {
        assert!(matches!(object.kind, Kind::Array { length: 1 }));
        assert!(
            matches!(&object.props[..], [p] if matches!(p.value, webmessaging::notation::PropValue::Data(Val::Ref(r)) if r == i + 1))
        );
    }
    let text = document.to_json_string();
    assert!(text.ends_with("{\"kind\": \"Array\", \"length\": 0}\n  ]\n}\n"));
    eprintln!("printed {DEPTH} nested arrays in {:?}", start.elapsed());
}

#[test]
fn a_million_long_linked_list_prints_and_a_long_one_reads_back() {
    const LENGTH: usize = 1_000_000;
    let mut heap = Heap::default();
    let mut next = Value::Null;
    for _ in 0..LENGTH {
        let node = heap.alloc(ObjectKind::Ordinary);
        heap.object_mut(node)
            .properties_mut()
            .push(("next".into(), OwnProperty::new_data(next)));
        next = Value::Object(node);
    }
    let start = Instant::now();
    let document = print(&heap, &next);
    assert_eq!(document.objects.len(), LENGTH);
    assert!(matches!(document.root, Val::Ref(0)));
    eprintln!("printed a {LENGTH}-long list in {:?}", start.elapsed());
    let mut last_two = String::new();
    webmessaging::notation::Document {
        root: Val::Null,
        objects: document.objects[LENGTH - 2..].to_vec(),
        transfer: vec![],
    }
    .write_json(&mut last_two, 0);
    assert!(last_two.contains("{\"kind\": \"Object\", \"props\": [[\"next\", {\"ref\": 999999}]]},\n"));
    assert!(last_two.contains("{\"kind\": \"Object\", \"props\": [[\"next\", null]]}\n"));

    // A shorter one goes all the way round: text, document, heap, text.
    let mut heap = Heap::default();
    let head = nested_arrays(&mut heap, 50_000);
    let text = print(&heap, &Value::Object(head)).to_json_string();
    let (heap, built) = built(&text);
    assert_eq!(print(&heap, &built.root).to_json_string(), text);
}

#[test]
fn clone_outcome_json() {
    let json = |t: &str| serde_json::from_str::<serde_json::Value>(t).unwrap();
    let (mut heap, built) = built(
        r#"{"root": {"ref": 0}, "objects": [
            {"kind": "ArrayBuffer", "bytes": "01"},
            {"kind": "ArrayBuffer", "bytes": "", "detached": true},
            {"kind": "Error", "name": "TypeError", "message": "nope"},
            {"kind": "Error", "name": "Error", "props": [["name", "MyError"]]},
            {"kind": "Object", "props": [["why", {"ref": 0}]]}
        ]}"#,
    );
    let copy = heap.alloc(ObjectKind::Array { length: 0 });
    let outcome = clone_outcome(&heap, &built.objects, &Ok(Value::Object(copy)));
    assert_eq!(
        json(&outcome.to_json_string()),
        json(
            r#"{"result": {"root": {"ref": 0}, "objects": [{"kind": "Array", "length": 0}]}, "detached": [1]}"#
        )
    );
    let threw = |heap: &Heap, error: CloneError<ObjectId>| {
        json(&clone_outcome(heap, &built.objects, &Err(error)).to_json_string())
    };
    assert_eq!(
        threw(
            &heap,
            CloneError::new_data_clone(
                "structuredserializeinternal/21",
                "Function objects cannot be cloned"
            )
        ),
        json(r#"{"error": {"name": "DataCloneError", "message": "Function objects cannot be cloned"}}"#)
    );
    assert_eq!(
        threw(&heap, CloneError::Thrown(Value::Object(built.objects[2]))),
        json(r#"{"error": {"name": "TypeError", "message": "nope"}}"#)
    );
    assert_eq!(
        threw(&heap, CloneError::Thrown(Value::Object(built.objects[3]))),
        json(r#"{"error": {"name": "MyError", "message": ""}}"#)
    );
    assert_eq!(
        threw(&heap, CloneError::Thrown(Value::Number(-0.0))),
        json(
            r#"{"error": {"name": "Exception", "message": "uncaught exception: 0", "thrown": {"number": "-0"}}}"#
        )
    );
    assert_eq!(
        threw(&heap, CloneError::Thrown(Value::Object(built.objects[4]))),
        json(
            r#"{"error": {"name": "Exception", "message": "uncaught exception: Object", "thrown": {"ref": 0},
            "objects": [{"kind": "Object", "props": [["why", {"ref": 1}]]}, {"kind": "ArrayBuffer", "bytes": "01"}]}}"#
        )
    );
    // The layout, once.
    heap.alloc(ObjectKind::Ordinary);
    let text = clone_outcome(&heap, &built.objects, &Ok(Value::Boolean(true))).to_json_string();
    assert_eq!(
        text,
        "{\n  \"result\": {\n    \"root\": true,\n    \"objects\": []\n  },\n  \"detached\": [1]\n}\n"
    );
}
