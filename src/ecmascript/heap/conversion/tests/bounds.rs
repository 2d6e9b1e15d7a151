//! Work counted, not timed: shared structure is converted once, long
//! results are refused before they are written, and texts are kept between
//! conversions exactly while they cannot change.

use super::super::*;
use crate::ecmascript::{ArrayBufferState, Realm, SharedDataBlock, ViewKind};

fn text(heap: &mut Heap, o: ObjectId) -> String {
    heap.to_js_string(&Value::Object(o))
        .expect("ToString succeeds")
        .to_string_lossy()
}

/// ToString applications made by `f`.
fn count<T>(heap: &mut Heap, f: impl FnOnce(&mut Heap) -> T) -> (T, u64) {
    let before = heap.to_string_count();
    let out = f(heap);
    (out, heap.to_string_count() - before)
}

fn array_of(heap: &mut Heap, elements: &[Value<ObjectId>]) -> ObjectId {
    let a = heap.array_create(0);
    for (i, e) in elements.iter().enumerate() {
        heap.create_data_property(&a, i.to_string().as_str().into(), e.clone());
    }
    a
}

/// Errors e1..e_depth, each with the one before as both its name and its
/// message; e0 is a plain Error.
fn error_dag(heap: &mut Heap, depth: usize) -> Vec<ObjectId> {
    let mut errors = vec![heap.ordinary_error_create(ErrorPrototype::Error)];
    for _ in 0..depth {
        let e = heap.ordinary_error_create(ErrorPrototype::Error);
        let inner = Value::Object(*errors.last().unwrap());
        heap.define_property(e, "name".into(), OwnProperty::new_data(inner.clone()));
        heap.define_property(e, "message".into(), OwnProperty::new_data(inner));
        errors.push(e);
    }
    errors
}

#[test]
fn an_error_dag_converts_each_error_once() {
    let mut heap = Heap::default();
    let errors = error_dag(&mut heap, 40);
    // Small enough to write out: the text an engine gives, "E: E" doubled.
    let mut expected = "Error".to_owned();
    for (depth, &error) in errors.iter().enumerate().take(9).skip(1) {
        expected = format!("{expected}: {expected}");
        let (got, work) = count(&mut heap, |h| text(h, error));
        assert_eq!(got, expected);
        // One for e_depth, two per edge below it, two for e0's own name
        // and message (inherited Strings).
        assert!(work <= 2 * depth as u64 + 3, "depth {depth}: {work} applications");
    }
    // At depth 40 the text would be 7 × 2^40 code units: a RangeError,
    // found from the lengths alone, after one application per edge.
    let mut heap = Heap::default();
    let errors = error_dag(&mut heap, 40);
    let (result, work) = count(&mut heap, |h| h.to_js_string(&Value::Object(errors[40])));
    assert_eq!(thrown(&mut heap, result), "RangeError: Invalid string length");
    assert!(work <= 83, "{work} applications for 40 levels");
}

#[test]
fn empty_texts_are_remembered_too() {
    // Errors with an empty name whose name and message are the next
    // Error: every text is "", and each Error is still converted once.
    let mut heap = Heap::default();
    let mut next = heap.ordinary_error_create(ErrorPrototype::Error);
    heap.define_property(next, "name".into(), OwnProperty::new_data(Value::from("")));
    for _ in 0..40 {
        let e = heap.ordinary_error_create(ErrorPrototype::Error);
        heap.define_property(e, "name".into(), OwnProperty::new_data(Value::Object(next)));
        heap.define_property(e, "message".into(), OwnProperty::new_data(Value::Object(next)));
        next = e;
    }
    let (empty, work) = count(&mut heap, |h| h.to_js_string(&Value::Object(next)).unwrap());
    assert!(empty.is_empty());
    assert!(work <= 2 * 40 + 3, "{work} applications");

    // A cut cycle's "" is not the Array's text: `b` is met inside its own
    // join (""), then in full.
    let b = heap.array_create(0);
    let c = array_of(&mut heap, &[Value::Object(b)]);
    heap.create_data_property(&b, "0".into(), Value::Object(c));
    heap.create_data_property(&b, "1".into(), Value::from("x"));
    let holder = array_of(&mut heap, &[Value::Object(b), Value::Object(b)]);
    assert_eq!(text(&mut heap, holder), ",x,,x");
}

#[test]
fn an_array_dag_in_an_error_message_stays_linear() {
    let mut heap = Heap::default();
    let mut level = array_of(&mut heap, &[Value::from("x")]);
    let mut levels = vec![level];
    for _ in 0..60 {
        level = array_of(&mut heap, &[Value::Object(level), Value::Object(level)]);
        levels.push(level);
    }
    assert_eq!(text(&mut heap, levels[2]), "x,x,x,x");
    let error = heap.create_error(ErrorPrototype::TypeError, "");
    heap.define_property(
        error,
        "message".into(),
        OwnProperty::new_data(Value::Object(level)),
    );
    let (result, work) = count(&mut heap, |h| h.to_js_string(&Value::Object(error)));
    assert_eq!(thrown(&mut heap, result), "RangeError: Invalid string length");
    assert!(work <= 2 * 60 + 3, "{work} applications for 60 levels");

    // Below the limit the text is written once: 2^16 "x" and commas.
    let mut heap = Heap::default();
    let mut level = array_of(&mut heap, &[Value::from("x")]);
    for _ in 0..16 {
        level = array_of(&mut heap, &[Value::Object(level), Value::Object(level)]);
    }
    let (joined, work) = count(&mut heap, |h| h.to_js_string(&Value::Object(level)).unwrap());
    assert_eq!(joined.len(), (1 << 17) - 1);
    assert!(work <= 2 * 16 + 2, "{work}");
}

#[test]
fn texts_are_kept_between_conversions_until_the_heap_changes() {
    let mut heap = Heap::default();
    // A chain of 900 Arrays, each holding the next, ending in "end".
    let mut chain = array_of(&mut heap, &[Value::from("end")]);
    for _ in 0..900 {
        chain = array_of(&mut heap, &[Value::Object(chain), Value::from("")]);
    }
    let holders: Vec<ObjectId> = (0..1000)
        .map(|_| array_of(&mut heap, &[Value::Object(chain)]))
        .collect();
    let (first, work) = count(&mut heap, |h| text(h, holders[0]));
    assert!(first.starts_with("end,") && first.len() == 3 + 900);
    assert!(work <= 2 * 902, "{work}");
    // The other 999 holders reuse the chain's text: two applications each.
    let (_, work) = count(&mut heap, |h| {
        for &holder in &holders[1..] {
            assert_eq!(text(h, holder), first);
        }
    });
    assert_eq!(work, 2 * 999);
    // A change anywhere drops the kept texts.
    let innermost = ObjectId(chain.0 - 900);
    heap.create_data_property(&innermost, "0".into(), Value::from("END"));
    let (again, work) = count(&mut heap, |h| text(h, holders[1]));
    assert!(again.starts_with("END,"));
    assert!(work > 900);
}

#[test]
fn cycles_cut_as_engines_cut_them_and_are_not_kept() {
    let mut heap = Heap::default();
    // b = [1, b, c], c = [b, 2]: ToString(b) is V8's "1,,,2".
    let b = heap.array_create(0);
    let c = array_of(&mut heap, &[Value::Object(b), Value::Number(2.0)]);
    heap.create_data_property(&b, "0".into(), Value::Number(1.0));
    heap.create_data_property(&b, "1".into(), Value::Object(b));
    heap.create_data_property(&b, "2".into(), Value::Object(c));
    assert_eq!(text(&mut heap, b), "1,,,2");
    // c's text inside b (",2") depended on b being joined around it, so
    // it was not kept: c alone is V8's "1,,,2".
    assert_eq!(text(&mut heap, c), "1,,,2");
    // Within one conversion an object keeps its first text: V8 gives
    // "1,,,2,1,,,2" here (see text.rs).
    let both = array_of(&mut heap, &[Value::Object(b), Value::Object(c)]);
    assert_eq!(text(&mut heap, both), "1,,,2,,2");

    // An Error met again is converted again, as in engines: through an
    // Array that then cuts the cycle...
    let e = heap.ordinary_error_create(ErrorPrototype::Error);
    let a = array_of(&mut heap, &[Value::Object(e)]);
    heap.define_property(e, "message".into(), OwnProperty::new_data(Value::Object(a)));
    assert_eq!(text(&mut heap, e), "Error: Error");
    // ...or until the depth limit, after a bounded number of steps.
    let selfish = heap.ordinary_error_create(ErrorPrototype::Error);
    heap.define_property(
        selfish,
        "message".into(),
        OwnProperty::new_data(Value::Object(selfish)),
    );
    let (result, work) = count(&mut heap, |h| h.to_js_string(&Value::Object(selfish)));
    assert_eq!(
        thrown(&mut heap, result),
        "RangeError: Maximum call stack size exceeded"
    );
    assert!(work <= 2 * 1000 + 3, "{work}");
    // A cycle of Errors and RegExps with no Array's join in it throws the
    // depth limit's RangeError as soon as it closes, and one through a
    // join is cut by the join instead.
    let outer = heap.ordinary_error_create(ErrorPrototype::TypeError);
    let pattern = heap.alloc(ObjectKind::RegExp(Box::new(crate::ecmascript::RegExpSlots {
        source: JsString::from("a"),
        flags: JsString::default(),
    })));
    heap.define_property(
        outer,
        "name".into(),
        OwnProperty::new_data(Value::Object(pattern)),
    );
    heap.define_property(
        pattern,
        "source".into(),
        OwnProperty::new_data(Value::Object(outer)),
    );
    let (result, work) = count(&mut heap, |h| h.to_js_string(&Value::Object(outer)));
    assert_eq!(
        thrown(&mut heap, result),
        "RangeError: Maximum call stack size exceeded"
    );
    assert!(work <= 3, "{work}");
    let joined = array_of(&mut heap, &[Value::Object(outer)]);
    heap.define_property(
        pattern,
        "source".into(),
        OwnProperty::new_data(Value::Object(joined)),
    );
    // The join cuts it: the inner `outer` is named "//" (its RegExp's
    // source, the Array, met again is ""), the outer one "/" + that + "/".
    assert_eq!(text(&mut heap, outer), "////");
}

#[test]
fn typed_arrays_over_shared_memory_are_read_afresh() {
    let mut heap = Heap::default();
    let block = SharedDataBlock::new(vec![1, 2]);
    let buffer = heap.alloc(ObjectKind::array_buffer_of(ArrayBufferState::Shared {
        block: block.clone(),
        max_byte_length: None,
    }));
    let view = heap.alloc(ObjectKind::View {
        kind: ViewKind::Uint8Array,
        buffer,
        byte_offset: 0,
        length: Some(2),
    });
    let holder = array_of(&mut heap, &[Value::Object(view)]);
    assert_eq!(text(&mut heap, holder), "1,2");
    // Another agent writes the block: nothing of this heap changed.
    block
        .bytes()
        .expect("the built-in kind")
        .with(|bytes| bytes[0] = 9);
    assert_eq!(text(&mut heap, holder), "9,2");
}

#[test]
fn holes_inherit_unless_the_array_has_its_own_index() {
    let mut heap = Heap::default();
    let proto = heap.object_prototype();
    for (index, value) in [("0", "p0"), ("2", "p2"), ("5", "p5")] {
        heap.define_property(proto, index.into(), OwnProperty::new_data(Value::from(value)));
    }
    let a = heap.array_create(4);
    heap.create_data_property(&a, "2".into(), Value::from("own"));
    heap.create_data_property(&a, "3".into(), Value::Null);
    assert_eq!(text(&mut heap, a), "p0,,own,");
}

#[test]
fn a_realm_may_have_a_lower_limit() {
    let mut heap = Heap::default();
    let x = array_of(&mut heap, &[Value::from("0123456789".repeat(3).as_str())]);
    let pair = array_of(&mut heap, &[Value::Object(x), Value::Object(x)]);
    assert_eq!(text(&mut heap, pair).len(), 61);
    // (The RangeError's own text, 33 units, must fit too.)
    heap.set_max_string_length(40);
    let result = heap.to_js_string(&Value::Object(pair));
    assert_eq!(thrown(&mut heap, result), "RangeError: Invalid string length");
    assert_eq!(text(&mut heap, x).len(), 30);
    heap.set_max_string_length(usize::MAX);
    assert_eq!(text(&mut heap, pair).len(), 61);
}

#[test]
fn sparse_arrays_write_their_commas_as_runs() {
    let mut heap = Heap::default();
    let sparse = heap.array_create(1 << 24);
    heap.create_data_property(&sparse, "7".into(), Value::from("x"));
    let (joined, work) = count(&mut heap, |h| h.to_js_string(&Value::Object(sparse)).unwrap());
    assert_eq!(joined.len(), (1 << 24) - 1 + 1);
    assert_eq!(work, 2);
    let too_long = heap.array_create((1 << 24) + 2);
    let result = heap.to_js_string(&Value::Object(too_long));
    assert_eq!(thrown(&mut heap, result), "RangeError: Invalid string length");
}
