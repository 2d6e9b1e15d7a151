//! Serializing an Error converts its `message` with ToString (SSI 17.3 –
//! 17.4), and the heap throws a RangeError only for a text that really
//! passes its length limit. A long text that fits is no reason to stop: the
//! conversion goes on, and a getter of a later element throws its own value.
//!
//! The same holds for the separators of a long, sparse Array: join appends
//! the one before element k, then reads element k, so commas throw only
//! once they themselves pass the limit, after the getters before that.
//!
//! Both found by the `clone_transfer` fuzz target, whose model of ToString
//! first stopped at the first text that might pass the limit (it only
//! bounds a typed array's text), then threw for an Array of length 2^32 - 1
//! before reading any element; the heap was right both times.

use webmessaging::ecmascript::{
    Accessor, ArrayBufferState, ErrorPrototype, Heap, JsString, ObjectId, ObjectKind, OwnProperty,
    PropertyKey, Value, ViewKind,
};
use webmessaging::structured::{CloneError, NoPlatformObjects, structured_clone};

/// The limit the heap is given here, in code units.
const LIMIT: usize = 1 << 16;
/// Bytes of the Uint8Array: its text is "0,0,…,0", 2 × 1000 − 1 units.
const BYTES: usize = 1000;

/// How a clone ended.
#[derive(Debug)]
enum Outcome {
    /// The getter threw its own value.
    GetterThrew,
    /// The heap threw a new RangeError.
    RangeError,
}

/// An Array of `length` whose index `at` holds a getter that throws "late".
fn array_with_thrower(heap: &mut Heap, length: u32, at: u32) -> ObjectId {
    let array = heap.alloc(ObjectKind::Array { length });
    let getter = OwnProperty::Accessor {
        getter: Box::new(Accessor::Throws(Value::from("late"))),
        enumerable: true,
        configurable: true,
    };
    heap.define_property(array, PropertyKey::from(at.to_string().as_str()), getter);
    array
}

/// Clones an Error whose message is `message` (built in a heap limited to
/// [`LIMIT`] units) and says how it ended.
fn clone_error_with_message(message: impl FnOnce(&mut Heap) -> ObjectId) -> Outcome {
    let mut heap = Heap::default();
    heap.set_max_string_length(LIMIT);
    let message = message(&mut heap);
    let error = heap.alloc(ObjectKind::Error {
        prototype: ErrorPrototype::Error,
        stack: None,
    });
    heap.define_property(
        error,
        PropertyKey::from("message"),
        OwnProperty::new_data(Value::Object(message)),
    );
    let before = heap.len();
    match structured_clone(&mut heap, &mut NoPlatformObjects, Value::Object(error), &[]) {
        Err(CloneError::Thrown(Value::String(s))) if s == JsString::from("late") => Outcome::GetterThrew,
        Err(CloneError::Thrown(Value::Object(thrown)))
            if thrown.index() >= before
                && matches!(
                    heap.object(thrown).kind(),
                    ObjectKind::Error {
                        prototype: ErrorPrototype::RangeError,
                        ..
                    }
                ) =>
        {
            Outcome::RangeError
        }
        other => panic!("neither the getter's value nor a new RangeError: {other:?}"),
    }
}

/// `copies` times the same Uint8Array, then the throwing getter.
fn long_message(copies: u32) -> Outcome {
    clone_error_with_message(|heap| {
        let buffer = heap.alloc(ObjectKind::array_buffer_of(ArrayBufferState::Owned {
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
        let array = array_with_thrower(heap, copies + 1, copies);
        for i in 0..copies {
            heap.define_property(
                array,
                PropertyKey::from(i.to_string().as_str()),
                OwnProperty::new_data(Value::Object(view)),
            );
        }
        array
    })
}

/// An Array of length 2^32 - 1 holding only the throwing getter, at `at`.
fn sparse_message(at: u32) -> Outcome {
    clone_error_with_message(|heap| array_with_thrower(heap, u32::MAX, at))
}

#[test]
fn a_long_message_that_fits_goes_on_to_the_throwing_getter() {
    // 32 texts of 1999 units and their commas: just under the limit.
    let copies = (LIMIT / (2 * BYTES)) as u32;
    assert!(matches!(long_message(copies), Outcome::GetterThrew));
}

#[test]
fn a_message_past_the_limit_throws_a_new_range_error_first() {
    let copies = (LIMIT / (2 * BYTES)) as u32 + 1;
    assert!(matches!(long_message(copies), Outcome::RangeError));
}

#[test]
fn a_long_sparse_array_reads_its_elements_before_its_commas_pass_the_limit() {
    // 7 commas, then the getter: it throws long before the 2^32 - 2 commas.
    assert!(matches!(sparse_message(7), Outcome::GetterThrew));
    // LIMIT commas fit; the getter after them still runs.
    assert!(matches!(sparse_message(LIMIT as u32), Outcome::GetterThrew));
    // One more comma before the getter passes the limit: a new RangeError,
    // and the getter never runs.
    assert!(matches!(sparse_message(LIMIT as u32 + 1), Outcome::RangeError));
}
