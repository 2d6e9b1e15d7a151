//! Serializing an Error converts its `message` with ToString (SSI 17.3 –
//! 17.4), and the heap throws a RangeError only for a text that really
//! passes its length limit. A long text that fits is no reason to stop: the
//! conversion goes on, and a getter of a later element throws its own value.
//!
//! Found by the `clone_transfer` fuzz target, whose model of ToString only
//! bounds a typed array's text: it stopped at the first text that might
//! pass the limit, while the heap (rightly) went on to the throwing getter.

use webmessaging::ecmascript::{
    Accessor, ArrayBufferState, ErrorPrototype, Heap, JsString, ObjectId, ObjectKind, OwnProperty,
    PropertyKey, Value, ViewKind,
};
use webmessaging::structured::{CloneError, NoPlatformObjects, structured_clone};

/// The limit the heap is given here, in code units.
const LIMIT: usize = 1 << 16;
/// Bytes of the Uint8Array: its text is "0,0,…,0", 2 × 1000 − 1 units.
const BYTES: usize = 1000;

/// An Error whose message is an Array of `copies` times the same
/// Uint8Array, then a getter that throws "late".
fn error_with_long_message(heap: &mut Heap, copies: u32) -> ObjectId {
    let buffer = heap.alloc(ObjectKind::ArrayBuffer(ArrayBufferState::Owned {
        data: Some(vec![0; BYTES]),
        max_byte_length: None,
        detach_key: false,
    }));
    let view = heap.alloc(ObjectKind::View {
        kind: ViewKind::Uint8Array,
        buffer,
        byte_offset: 0,
        length: Some(BYTES),
    });
    let array = heap.alloc(ObjectKind::Array { length: copies + 1 });
    for i in 0..copies {
        heap.define_property(
            array,
            PropertyKey::from(i.to_string().as_str()),
            OwnProperty::data(Value::Object(view)),
        );
    }
    heap.define_property(
        array,
        PropertyKey::from(copies.to_string().as_str()),
        OwnProperty::Accessor {
            getter: Accessor::Throws(Value::from("late")),
            enumerable: true,
            configurable: true,
        },
    );
    let error = heap.alloc(ObjectKind::Error {
        prototype: ErrorPrototype::Error,
        stack: None,
    });
    heap.define_property(
        error,
        PropertyKey::from("message"),
        OwnProperty::data(Value::Object(array)),
    );
    error
}

fn clone_error(copies: u32) -> (Heap, usize, Result<Value<ObjectId>, CloneError<ObjectId>>) {
    let mut heap = Heap::default();
    heap.set_max_string_length(LIMIT);
    let error = error_with_long_message(&mut heap, copies);
    let before = heap.len();
    let result = structured_clone(&mut heap, &mut NoPlatformObjects, Value::Object(error), &[]);
    (heap, before, result)
}

#[test]
fn a_long_message_that_fits_goes_on_to_the_throwing_getter() {
    // 32 × 2000 units: just under the limit.
    let copies = (LIMIT / (2 * BYTES)) as u32;
    let (_, _, result) = clone_error(copies);
    match result {
        Err(CloneError::Thrown(Value::String(s))) => assert_eq!(s, JsString::from("late")),
        other => panic!("expected the getter's own value, got {other:?}"),
    }
}

#[test]
fn a_message_past_the_limit_throws_a_new_range_error_first() {
    let copies = (LIMIT / (2 * BYTES)) as u32 + 1;
    let (heap, before, result) = clone_error(copies);
    let Err(CloneError::Thrown(Value::Object(thrown))) = result else {
        panic!("expected a new RangeError, got {result:?}")
    };
    assert!(thrown.index() >= before, "a new object");
    assert!(matches!(
        heap.object(thrown).kind,
        ObjectKind::Error {
            prototype: ErrorPrototype::RangeError,
            ..
        }
    ));
}
