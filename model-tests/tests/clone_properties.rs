//! Structured clone on generated object graphs agrees with the predicate
//! written from the standard; one test per error case of the standard; deep
//! graphs.
//!
//! The properties run a modest number of cases (`PROPTEST_CASES` overrides).

use model_tests::clone_checks::{self, check_clone, heap_conditions, proptest_config, strategies};
use model_tests::predicate::predict;
use proptest::prelude::*;
use webmessaging::ecmascript::{
    ArrayBufferState, ErrorPrototype, Heap, ObjectId, ObjectKind, PropertyKey, Realm, Value,
};
use webmessaging::notation::{Built, build, parse, print_with_transfer};
use webmessaging::structured::{CloneError, NoPlatformObjects, structured_clone};

proptest! {
    #![proptest_config(proptest_config(200))]

    /// A serializable graph's clone is the model's image of it.
    #[test]
    fn round_trip_is_an_isomorphism(doc in strategies::serializable()) {
        clone_checks::round_trip(&doc).map_err(TestCaseError::fail)?;
    }

    /// Stored as bytes and read back in a fresh realm, a serializable graph
    /// (and a web of Person objects) is the model's image of it.
    #[test]
    fn storage_as_bytes_is_an_isomorphism((doc, people) in strategies::stored()) {
        clone_checks::storage(&doc, &people).map_err(TestCaseError::fail)?;
    }

    /// Transfer detaches exactly the listed buffers and moves their bytes.
    #[test]
    fn transfer_detaches_exactly_the_transferred_buffers(doc in strategies::with_transfer()) {
        clone_checks::transfer(&doc).map_err(TestCaseError::fail)?;
    }

    /// Any graph throws exactly when, and what, the predicate says.
    #[test]
    fn errors_exactly_when_the_predicate_says((doc, coi) in strategies::arbitrary()) {
        clone_checks::errors(&doc, coi).map_err(TestCaseError::fail)?;
    }

    /// A non-serializable value serialization meets throws a DataCloneError.
    #[test]
    fn non_serializable_values_throw(doc in strategies::poisoned()) {
        clone_checks::poisoned(&doc).map_err(TestCaseError::fail)?;
    }
}

#[test]
fn the_check_command_entry_point_reports_cases_and_properties() {
    let mut calls = 0;
    let report = clone_checks::run_clone_properties(5, 7, &mut |done, total| {
        calls += 1;
        assert!(done <= total && total == 5 * clone_checks::PROPERTIES.len());
    });
    assert_eq!(report.cases_run, 5 * clone_checks::PROPERTIES.len());
    assert_eq!(calls, 5 * clone_checks::PROPERTIES.len());
    assert_eq!(report.properties_checked, clone_checks::PROPERTIES);
    assert!(report.failures.is_empty(), "{:#?}", report.failures);
}

// ----- every error case of the standard, one at a time -----

/// A document cloned in a fresh heap, with the input printed before and after.
struct Case {
    heap: Heap,
    built: Built,
    before: String,
    result: Result<Value<ObjectId>, CloneError<ObjectId>>,
}

impl Case {
    /// Builds `text` into a fresh heap, lets `setup` adjust the realm, and
    /// clones the root with the document's transfer list.
    fn run(text: &str, setup: impl FnOnce(&mut Heap)) -> Case {
        let document = parse(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        let mut heap = Heap::default();
        setup(&mut heap);
        let built = build(&document, &mut heap).unwrap_or_else(|e| panic!("{e}\n{text}"));
        let before = print_with_transfer(&heap, &built.root, &built.transfer).to_json_string();
        let result = structured_clone(
            &mut heap,
            &mut NoPlatformObjects,
            built.root.clone(),
            &built.transfer,
        );
        Case {
            heap,
            built,
            before,
            result,
        }
    }

    /// The input as it prints now.
    fn after(&self) -> String {
        print_with_transfer(&self.heap, &self.built.root, &self.built.transfer).to_json_string()
    }

    /// Asserts a DataCloneError and an input left exactly as it was.
    #[track_caller]
    fn data_clone_error_and_nothing_changed(&self) {
        self.data_clone_error();
        assert_eq!(self.after(), self.before, "the input changed");
    }

    #[track_caller]
    fn data_clone_error(&self) {
        match &self.result {
            Err(CloneError::DataClone(_)) => {}
            other => panic!("expected a DataCloneError, got {other:?}"),
        }
    }

    /// The thrown value (panics on anything else).
    #[track_caller]
    fn thrown(&self) -> &Value<ObjectId> {
        match &self.result {
            Err(CloneError::Thrown(value)) => value,
            other => panic!("expected a thrown value, got {other:?}"),
        }
    }

    /// The kind of the new Error object thrown.
    #[track_caller]
    fn thrown_error(&self) -> ErrorPrototype {
        match self.thrown() {
            Value::Object(o) if !self.built.objects.contains(o) => match self.heap.object(*o).kind() {
                ObjectKind::Error { prototype, .. } => *prototype,
                other => panic!("threw a {other:?}"),
            },
            other => panic!("expected a new Error object, got {other:?}"),
        }
    }

    /// Whether input object `i` is a detached ArrayBuffer now.
    fn detached(&self, i: usize) -> bool {
        matches!(
            self.heap.object(self.built.objects[i]).kind().as_array_buffer(),
            Some(ArrayBufferState::Owned { data: None, .. })
        )
    }
}

/// `text` also agrees with the predicate (in a cross-origin isolated realm
/// unless `isolated` is false), and the predicate says `step`.
#[track_caller]
fn predicted(text: &str, isolated: bool, step: &str) {
    let document = parse(text).expect("a document");
    let conditions = heap_conditions(isolated);
    if let Err(e) = check_clone(&document, conditions) {
        panic!("{e}\n{text}");
    }
    assert_eq!(predict(&document, &conditions).outcome.step(), step, "{text}");
}

/// A document whose root is object 0 of `objects`.
fn graph(objects: &str) -> String {
    format!(r#"{{"root": {{"ref": 0}}, "objects": [{objects}]}}"#)
}

/// A document whose root is object 0 of `objects`, with a transfer list.
fn graph_with_transfer(objects: &str, transfer: &str) -> String {
    format!(r#"{{"root": {{"ref": 0}}, "objects": [{objects}], "transfer": {transfer}}}"#)
}

#[test]
fn a_symbol_value_throws() {
    let root = r#"{"root": {"symbol": "s"}, "objects": []}"#;
    Case::run(root, |_| {}).data_clone_error_and_nothing_changed();
    predicted(root, true, "structuredserializeinternal/5");
    let nested = graph(r#"{"kind": "Object", "props": [["a", 1], ["b", {"symbol": null}]]}"#);
    Case::run(&nested, |_| {}).data_clone_error_and_nothing_changed();
    predicted(&nested, true, "structuredserializeinternal/5");
}

/// An Object whose enumerable property holds an object of `kind`.
fn holding(kind: &str) -> String {
    graph(&format!(
        r#"{{"kind": "Object", "props": [["x", {{"ref": 1}}]]}}, {{"kind": "{kind}"}}"#
    ))
}

macro_rules! non_serializable {
    ($($name:ident: $kind:literal at $step:literal,)*) => {$(
        #[test]
        fn $name() {
            let text = holding($kind);
            Case::run(&text, |_| {}).data_clone_error_and_nothing_changed();
            predicted(&text, true, concat!("structuredserializeinternal/", $step));
        }
    )*};
}

non_serializable! {
    a_function_throws: "Function" at "21",
    a_symbol_object_throws: "SymbolObject" at "22",
    a_weak_map_throws: "WeakMap" at "22",
    a_weak_set_throws: "WeakSet" at "22",
    a_weak_ref_throws: "WeakRef" at "22",
    a_promise_throws: "Promise" at "22",
    a_proxy_throws: "Proxy" at "23",
    a_platform_object_that_is_not_serializable_throws: "MessagePort" at "20",
}

#[test]
fn a_detached_buffer_in_the_value_throws() {
    let text = graph(
        r#"{"kind": "Array", "length": 1, "props": [["0", {"ref": 1}]]}, {"kind": "ArrayBuffer", "bytes": "", "detached": true}"#,
    );
    Case::run(&text, |_| {}).data_clone_error_and_nothing_changed();
    predicted(&text, true, "structuredserializeinternal/13.2.1");
}

#[test]
fn an_out_of_bounds_view_throws() {
    let cases = [
        // Past the end of a fixed-length buffer.
        r#"{"kind": "Uint32Array", "buffer": 1, "byteOffset": 4, "length": 2}, {"kind": "ArrayBuffer", "bytes": "0001020304050607"}"#,
        // A length-tracking view whose offset is past a shrunk resizable buffer.
        r#"{"kind": "DataView", "buffer": 1, "byteOffset": 6, "byteLength": null}, {"kind": "ArrayBuffer", "bytes": "0001", "maxByteLength": 8}"#,
        // Any view of a detached buffer.
        r#"{"kind": "Int8Array", "buffer": 1, "byteOffset": 0, "length": 0}, {"kind": "ArrayBuffer", "bytes": "", "detached": true}"#,
    ];
    for objects in cases {
        let text = graph(objects);
        Case::run(&text, |_| {}).data_clone_error_and_nothing_changed();
        predicted(&text, true, "structuredserializeinternal/14.1");
    }
    // At the very end is still in bounds.
    let text = graph(
        r#"{"kind": "DataView", "buffer": 1, "byteOffset": 2, "byteLength": null}, {"kind": "ArrayBuffer", "bytes": "0001", "maxByteLength": 8}"#,
    );
    assert!(Case::run(&text, |_| {}).result.is_ok());
    predicted(&text, true, "cloned");
}

#[test]
fn a_shared_array_buffer_throws_unless_cross_origin_isolated() {
    let text = graph(r#"{"kind": "ArrayBuffer", "bytes": "0102", "shared": true}"#);
    Case::run(&text, |heap| heap.set_cross_origin_isolated(false)).data_clone_error_and_nothing_changed();
    predicted(&text, false, "structuredserializeinternal/13.1.1");
    // Isolated, the clone is a new SharedArrayBuffer over the same block.
    let case = Case::run(&text, |_| {});
    let Ok(Value::Object(clone)) = case.result else {
        panic!("expected a clone")
    };
    let (original, copy) = (case.built.objects[0], clone);
    assert_ne!(original, copy);
    let block = |o| {
        case.heap
            .array_buffer(&o)
            .and_then(|slots| slots.shared)
            .expect("shared")
    };
    assert!(block(original).same_block(&block(copy)));
    predicted(&text, true, "cloned");
}

/// A root Object holding buffers 1 and 2; `more` adds objects from 3 on.
fn two_buffers(more: &str, transfer: &str) -> String {
    graph_with_transfer(
        &format!(
            r#"{{"kind": "Object", "props": [["a", {{"ref": 1}}], ["b", {{"ref": 2}}]]}}, {{"kind": "ArrayBuffer", "bytes": "01"}}, {{"kind": "ArrayBuffer", "bytes": "0203"}}{more}"#
        ),
        transfer,
    )
}

#[test]
fn a_shared_array_buffer_in_the_transfer_list_throws() {
    let text = two_buffers(
        r#", {"kind": "ArrayBuffer", "bytes": "04", "shared": true}"#,
        "[1, 3]",
    );
    let case = Case::run(&text, |_| {});
    case.data_clone_error_and_nothing_changed();
    assert!(!case.detached(1), "step 2 throws before anything moves");
    predicted(&text, true, "structuredserializewithtransfer/2.2");
}

#[test]
fn a_transfer_list_entry_twice_throws() {
    let text = two_buffers("", "[1, 2, 1]");
    Case::run(&text, |_| {}).data_clone_error_and_nothing_changed();
    predicted(&text, true, "structuredserializewithtransfer/2.3");
}

#[test]
fn a_transfer_list_entry_that_cannot_be_transferred_throws() {
    for (more, transfer) in [
        ("", "[1, 0]"),
        (r#", {"kind": "MessagePort"}"#, "[1, 3]"),
        (
            r#", {"kind": "Uint8Array", "buffer": 1, "byteOffset": 0, "length": 1}"#,
            "[3]",
        ),
    ] {
        let text = two_buffers(more, transfer);
        Case::run(&text, |_| {}).data_clone_error_and_nothing_changed();
        predicted(&text, true, "structuredserializewithtransfer/2.1");
    }
}

#[test]
fn a_detached_buffer_in_the_transfer_list_throws_after_earlier_entries_moved() {
    let detached = r#", {"kind": "ArrayBuffer", "bytes": "", "detached": true}"#;
    // Step 5 runs in list order: entry 1 is detached, then entry 3 throws.
    let text = two_buffers(detached, "[1, 3, 2]");
    let case = Case::run(&text, |_| {});
    case.data_clone_error();
    assert!(
        case.detached(1),
        "the standard moved the entry before the detached one"
    );
    assert!(!case.detached(2), "nor the entry after it");
    predicted(&text, true, "structuredserializewithtransfer/5.1");
    // First in the list, it throws before anything moves.
    let text = two_buffers(detached, "[3, 1]");
    Case::run(&text, |_| {}).data_clone_error_and_nothing_changed();
    predicted(&text, true, "structuredserializewithtransfer/5.1");
    // Reachable from the root too: memory holds it, so serialization does not
    // look at it, and step 5 is still where it throws.
    let text = graph_with_transfer(
        r#"{"kind": "Array", "length": 1, "props": [["0", {"ref": 1}]]}, {"kind": "ArrayBuffer", "bytes": "", "detached": true}"#,
        "[1]",
    );
    Case::run(&text, |_| {}).data_clone_error_and_nothing_changed();
    predicted(&text, true, "structuredserializewithtransfer/5.1");
}

#[test]
fn a_buffer_with_a_detach_key_in_the_transfer_list_throws_a_type_error() {
    let keyed = r#", {"kind": "ArrayBuffer", "bytes": "05", "detachKey": true}"#;
    let text = two_buffers(keyed, "[1, 3]");
    let case = Case::run(&text, |_| {});
    assert_eq!(case.thrown_error(), ErrorPrototype::TypeError);
    assert!(
        case.detached(1),
        "DetachArrayBuffer of the entry before already happened"
    );
    predicted(&text, true, "structuredserializewithtransfer/5.4.3");
}

#[test]
fn a_throwing_getter_propagates_its_value_unchanged() {
    // An object as the thrown value: the very same object comes out.
    let text = graph(
        r#"{"kind": "Object", "props": [["a", 1], ["b", {"getter": {"throws": {"ref": 1}}}], ["c", {"symbol": "s"}]]}, {"kind": "Object"}"#,
    );
    let case = Case::run(&text, |_| {});
    assert!(matches!(case.thrown(), Value::Object(o) if *o == case.built.objects[1]));
    assert_eq!(case.after(), case.before);
    predicted(&text, true, "structuredserializeinternal/26.4.1.1");
    // A primitive: the same primitive.
    let text = graph(r#"{"kind": "Array", "length": 2, "props": [["1", {"getter": {"throws": "boom"}}]]}"#);
    let case = Case::run(&text, |_| {});
    assert!(matches!(case.thrown(), Value::String(s) if s.to_rust_string().as_deref() == Some("boom")));
    predicted(&text, true, "structuredserializeinternal/26.4.1.1");
    // A getter that is not enumerable, or Symbol-keyed, is never called.
    let text = graph(
        r#"{"kind": "Object", "props": [["a", {"getter": {"throws": 1}}, {"enumerable": false}], [{"symbol": "s"}, {"getter": {"throws": 2}}]]}"#,
    );
    assert!(Case::run(&text, |_| {}).result.is_ok());
    predicted(&text, true, "cloned");
}

#[test]
fn an_error_name_getter_that_throws_propagates() {
    let text = graph(
        r#"{"kind": "Error", "name": "TypeError", "message": "m", "props": [["name", {"getter": {"throws": 7}}, {"enumerable": false}]]}"#,
    );
    let case = Case::run(&text, |_| {});
    assert!(matches!(case.thrown(), Value::Number(n) if *n == 7.0));
    assert_eq!(case.after(), case.before);
    predicted(&text, true, "structuredserializeinternal/17.1");
}

#[test]
fn an_error_message_whose_to_string_throws_propagates() {
    // ToString of a Symbol throws a TypeError.
    let text = graph(r#"{"kind": "Error", "name": "RangeError", "message": {"symbol": "m"}}"#);
    let case = Case::run(&text, |_| {});
    assert_eq!(case.thrown_error(), ErrorPrototype::TypeError);
    predicted(&text, true, "structuredserializeinternal/17.4");
    // ToString of an Array reads its elements: a throwing getter there.
    let text = graph(
        r#"{"kind": "Error", "name": "Error", "message": {"ref": 1}}, {"kind": "Array", "length": 1, "props": [["0", {"getter": {"throws": "from join"}}, {"enumerable": false}]]}"#,
    );
    let case = Case::run(&text, |_| {});
    assert!(matches!(case.thrown(), Value::String(s) if s.to_rust_string().as_deref() == Some("from join")));
    assert_eq!(case.after(), case.before);
    predicted(&text, true, "structuredserializeinternal/17.4");
}

#[test]
fn create_byte_data_block_throws_a_range_error_when_memory_runs_out() {
    let text = graph(
        r#"{"kind": "Object", "props": [["a", {"ref": 1}]]}, {"kind": "ArrayBuffer", "bytes": "0102030405"}"#,
    );
    let case = Case::run(&text, |heap| heap.set_allocation_budget(Some(4)));
    assert_eq!(case.thrown_error(), ErrorPrototype::RangeError);
    assert_eq!(case.after(), case.before);
}

#[test]
fn a_new_array_buffer_that_cannot_be_allocated_is_a_data_clone_error() {
    // Enough for the copy StructuredSerializeInternal makes, not for the
    // ArrayBuffer StructuredDeserialize makes of it (its step 14 turns that
    // failure into a DataCloneError).
    let text = graph(r#"{"kind": "ArrayBuffer", "bytes": "0102030405"}"#);
    let case = Case::run(&text, |heap| heap.set_allocation_budget(Some(5)));
    case.data_clone_error_and_nothing_changed();
}

// ----- deep graphs -----

/// How deep the deep graphs go: a million in release builds; a debug build
/// runs a fifth of that (the million runs there with `--ignored`).
const DEEP: usize = if cfg!(debug_assertions) {
    200_000
} else {
    1_000_000
};

/// `[[[...[]...]]]`, `depth` Arrays deep: clones, and the clone is as deep.
fn nested_arrays(depth: usize) {
    let mut heap = Heap::default();
    let mut inner = heap.array_create(0);
    for _ in 1..depth {
        let outer = heap.array_create(1);
        heap.create_data_property(&outer, PropertyKey::from("0"), Value::Object(inner));
        inner = outer;
    }
    let clone =
        structured_clone(&mut heap, &mut NoPlatformObjects, Value::Object(inner), &[]).expect("a clone");
    // Walk both chains through the stored properties (no [[Get]] copies).
    let element = |heap: &Heap, x: ObjectId| {
        let value = heap.object(x).properties().data_value(&PropertyKey::from("0"));
        value.and_then(|v| v.as_object().copied())
    };
    let (mut original, mut copy) = (Some(inner), clone.as_object().copied());
    let mut levels = 0;
    while let (Some(o), Some(c)) = (original, copy) {
        assert_ne!(o, c);
        assert!(matches!(
            heap.object(c).kind(),
            ObjectKind::Array { length: 0 | 1 }
        ));
        levels += 1;
        (original, copy) = (element(&heap, o), element(&heap, c));
        assert_eq!(original.is_some(), copy.is_some(), "at depth {levels}");
    }
    assert_eq!(levels, depth);
}

/// `{next: {next: ... {value: n}}}` of `length` objects, the last one
/// pointing back at the first: clones with the cycle closed.
fn linked_list(length: usize) {
    let mut heap = Heap::default();
    let first = heap.ordinary_object_create();
    let mut last = first;
    for n in 1..length {
        let node = heap.ordinary_object_create();
        heap.create_data_property(&node, PropertyKey::from("value"), Value::Number(n as f64));
        heap.create_data_property(&last, PropertyKey::from("next"), Value::Object(node));
        last = node;
    }
    heap.create_data_property(&last, PropertyKey::from("next"), Value::Object(first));
    let clone =
        structured_clone(&mut heap, &mut NoPlatformObjects, Value::Object(first), &[]).expect("a clone");
    let start = *clone.as_object().expect("an object");
    let next = PropertyKey::from("next");
    let mut node = start;
    for n in 1..length {
        node = *heap
            .get(&node, &next)
            .expect("next")
            .as_object()
            .expect("an object");
        assert!(
            matches!(heap.get(&node, &PropertyKey::from("value")), Ok(Value::Number(v)) if v == n as f64)
        );
    }
    let back = heap.get(&node, &next).expect("next");
    assert_eq!(
        back.as_object(),
        Some(&start),
        "the cycle closes on the clone's first node"
    );
}

#[test]
fn deeply_nested_arrays_clone() {
    nested_arrays(DEEP);
}

#[test]
fn long_linked_lists_clone() {
    linked_list(DEEP);
}

#[test]
#[cfg_attr(debug_assertions, ignore = "a million levels take long in a debug build")]
fn a_million_nested_arrays_clone() {
    nested_arrays(1_000_000);
}

#[test]
#[cfg_attr(debug_assertions, ignore = "a million objects take long in a debug build")]
fn a_linked_list_of_a_million_objects_clones() {
    linked_list(1_000_000);
}

// ----- the generator's reach -----

/// The arbitrary graphs reach every outcome the predicate knows, so the
/// error property checks each of them.
#[test]
fn arbitrary_graphs_reach_every_outcome() {
    use proptest::strategy::ValueTree;
    use std::collections::BTreeSet;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let mut reached = BTreeSet::new();
    let mut errors_after_a_move = 0;
    for _ in 0..2500 {
        let (doc, isolated) = strategies::arbitrary()
            .new_tree(&mut runner)
            .expect("a tree")
            .current();
        let prediction = predict(&doc, &heap_conditions(isolated));
        reached.insert(prediction.outcome.step());
        // An error with a buffer detached that was not detached before.
        let moved = prediction.detached_after.iter().any(
            |&i| !matches!(&doc.objects[i].kind, webmessaging::notation::Kind::ArrayBuffer(b) if b.detached),
        );
        if moved
            && !matches!(
                prediction.outcome,
                model_tests::predicate::Predicted::Cloned { .. }
            )
        {
            errors_after_a_move += 1;
        }
    }
    assert!(
        errors_after_a_move >= 3,
        "only {errors_after_a_move} errors thrown after the transfer moved a buffer"
    );
    let sswt = |step| format!("structuredserializewithtransfer/{step}");
    let ssi = |step| format!("structuredserializeinternal/{step}");
    let mut expected: BTreeSet<String> = ["2.1", "2.2", "2.3", "5.1", "5.4.3"]
        .into_iter()
        .map(sswt)
        .collect();
    expected.extend(
        [
            "5", "13.1.1", "13.2.1", "14.1", "17.1", "17.4", "20", "21", "22", "23", "26.4.1.1",
        ]
        .into_iter()
        .map(ssi),
    );
    expected.insert("cloned".to_owned());
    let reached: BTreeSet<String> = reached.into_iter().map(str::to_owned).collect();
    let missing: Vec<_> = expected.difference(&reached).collect();
    assert!(missing.is_empty(), "never reached: {missing:?}");
}
