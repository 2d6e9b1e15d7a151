use super::super::*;
use crate::ecmascript::{ArrayBufferState, ViewKind};

fn text(heap: &mut Heap, o: ObjectId) -> String {
    heap.to_js_string(&Value::Object(o))
        .map(|s| s.to_string_lossy())
        .unwrap_or_else(|_| "threw".into())
}

#[test]
fn typed_arrays_join_their_elements_and_throw_out_of_bounds() {
    let mut heap = Heap::default();
    let buffer = heap.alloc(ObjectKind::array_buffer_of(ArrayBufferState::Owned {
        data: Some(vec![1, 2, 0xff]),
        max_byte_length: Some(8),
        detach_key: false,
    }));
    let u8s = heap.alloc(ObjectKind::View {
        kind: ViewKind::Uint8Array,
        buffer,
        byte_offset: 0,
        length: None,
    });
    let i8s = heap.alloc(ObjectKind::View {
        kind: ViewKind::Int8Array,
        buffer,
        byte_offset: 1,
        length: Some(2),
    });
    let outside = heap.alloc(ObjectKind::View {
        kind: ViewKind::Uint8Array,
        buffer,
        byte_offset: 2,
        length: Some(4),
    });
    let view = heap.alloc(ObjectKind::View {
        kind: ViewKind::DataView,
        buffer,
        byte_offset: 0,
        length: None,
    });
    assert_eq!(text(&mut heap, u8s), "1,2,255");
    assert_eq!(text(&mut heap, i8s), "2,-1");
    assert_eq!(text(&mut heap, view), "[object DataView]");
    let thrown = heap.to_js_string(&Value::Object(outside));
    assert_eq!(thrown_message(&mut heap, thrown), "TypeError");
}

#[test]
fn an_own_join_that_cannot_be_called_gives_the_object_tag() {
    let mut heap = Heap::default();
    let array = heap.alloc(ObjectKind::Array { length: 2 });
    heap.define_property(
        array,
        PropertyKey::from("0"),
        OwnProperty::new_data(Value::Number(1.0)),
    );
    assert_eq!(text(&mut heap, array), "1,");
    heap.define_property(
        array,
        PropertyKey::from("join"),
        OwnProperty::new_data(Value::Number(5.0)),
    );
    assert_eq!(text(&mut heap, array), "[object Array]");
    let f = heap.alloc(ObjectKind::Function);
    heap.define_property(
        array,
        PropertyKey::from("join"),
        OwnProperty::new_data(Value::Object(f)),
    );
    assert_eq!(
        text(&mut heap, array),
        "1,",
        "a callable join is taken as the builtin"
    );
}

fn thrown_message(heap: &mut Heap, completion: Completion<JsString>) -> String {
    match completion {
        Err(Exception(Value::Object(e))) => match heap.get_property(e, &PropertyKey::from("name")) {
            Ok(Value::String(s)) => s.to_string_lossy(),
            other => format!("{other:?}"),
        },
        other => format!("no throw: {other:?}"),
    }
}
