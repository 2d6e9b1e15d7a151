//! Records that serialization never makes, given to StructuredDeserialize
//! directly (`Serialized::new` checks nothing): a clear DataCloneError,
//! never a stack overflow, on the borrowed and the consuming path alike.

use webmessaging::ecmascript::{Heap, ViewKind};
use webmessaging::structured::{
    CloneError, NoPlatformObjects, Record, RecordId, SerializeWithTransferResult, Serialized,
    structured_deserialize, structured_deserialize_with_transfer,
};

/// The machine stack the deserializations below run on: small, so that a
/// recursion per record would overflow it.
const SMALL_STACK: usize = 256 * 1024;

fn data_view(buffer: u32) -> Record {
    Record::ArrayBufferView {
        constructor: ViewKind::DataView,
        buffer: RecordId(buffer),
        byte_length: None,
        byte_offset: 0,
        array_length: None,
    }
}

/// The step named by the DataCloneError each path gives for `records`
/// (root: record 0), run on a small stack.
fn failing_steps(records: Vec<Record>) -> [String; 2] {
    std::thread::Builder::new()
        .stack_size(SMALL_STACK)
        .spawn(move || {
            let step = |error: CloneError<_>| match error {
                CloneError::DataClone(e) => e.step.to_string(),
                other => panic!("a DataCloneError: {other:?}"),
            };
            let serialized = Serialized::new(records, RecordId(0));
            let mut heap = Heap::default();
            let borrowed = structured_deserialize(&mut heap, &mut NoPlatformObjects, &serialized)
                .expect_err("malformed records");
            let result = SerializeWithTransferResult::new(serialized, Vec::new());
            let consumed = structured_deserialize_with_transfer(&mut heap, &mut NoPlatformObjects, result)
                .expect_err("malformed records");
            [step(borrowed), step(consumed)]
        })
        .expect("a thread")
        .join()
        .expect("no panic")
}

#[test]
fn a_cycle_of_views_is_refused() {
    let refused = [
        "structureddeserialize/16.1".to_owned(),
        "structureddeserialize/16.1".to_owned(),
    ];
    assert_eq!(failing_steps(vec![data_view(0)]), refused, "a view over itself");
    assert_eq!(
        failing_steps(vec![data_view(1), data_view(0)]),
        refused,
        "two views over each other"
    );
}

#[test]
fn a_long_chain_of_views_is_refused_without_recursing() {
    let n = 100_000;
    let mut records: Vec<Record> = (1..n).map(data_view).collect();
    records.push(Record::ArrayBuffer { data: vec![0; 4] });
    assert_eq!(
        failing_steps(records),
        [
            "structureddeserialize/16.1".to_owned(),
            "structureddeserialize/16.1".to_owned()
        ]
    );
}
