//! `decode_record`: arbitrary bytes through the validating decoder, then
//! through StructuredDeserialize into a fresh heap.
//!
//! Checked on every input:
//!
//! 1. `decode` returns (no panic, no hang) and allocates, in total over the
//!    call, at most `decoded_allocation_bound(len)` bytes, as its
//!    documentation promises; measured by the counting allocator. Its
//!    duplicate checks read at most `decode_work_bound(len)` units (what
//!    `decode_with_work` reports): quadratic comparisons are a finding.
//! 2. Bytes that decode are canonical: encoding the result gives back
//!    exactly the input.
//! 3. Deserializing the decoded graph never panics and never throws an
//!    exception; it fails with a DataCloneError exactly when a record it
//!    must visit stands for something this host cannot make (a transferred
//!    object without its data holder, or a platform object).
//! 4. What deserializes serializes again, and that serialization is a fixed
//!    point: encode, decode, deserialize, serialize and encode once more
//!    give the very same bytes.
//! 5. Deserialization stays within a linear allocation budget
//!    ([`DESERIALIZE_BYTES_PER_INPUT_BYTE`]); this is a tripwire against
//!    blow-ups, not a documented promise of the library.

use crate::alloc_count::measure;
use webmessaging::ecmascript::Heap;
use webmessaging::structured::{
    CloneError, NoPlatformObjects, Record, RecordId, Serialized, decode, decode_with_work, decode_work_bound,
    decoded_allocation_bound, encode, structured_deserialize, structured_serialize,
};

/// How many bytes deserialization may allocate per input byte (plus the
/// decoder's fixed allowance) before the target calls it a blow-up. A heap
/// object, its property list and the deserializer's memory slot cost a few
/// hundred bytes for a record that can be as small as two input bytes.
pub const DESERIALIZE_BYTES_PER_INPUT_BYTE: usize = 1024;

/// The target body. Panics when an invariant breaks.
pub fn decode_record(data: &[u8]) {
    let bound = decoded_allocation_bound(data.len());
    let ((decoded, work), usage) = measure(|| decode_with_work(data));
    assert!(
        work <= decode_work_bound(data.len()),
        "decode's duplicate checks read {work} units for a {}-byte input; the bound is {}",
        data.len(),
        decode_work_bound(data.len())
    );
    assert!(
        usage.total <= bound,
        "decode allocated {} bytes in total (peak {}) for a {}-byte input; the documented bound is {bound}",
        usage.total,
        usage.peak,
        data.len()
    );
    if let Err(e) = &decoded {
        assert!(
            e.offset() <= data.len(),
            "error offset {} past the input: {e}",
            e.offset()
        );
    }
    let Ok(serialized) = decoded else { return };

    let again = encode(&serialized).unwrap_or_else(|e| panic!("a decoded graph does not encode: {e}"));
    assert!(
        again == data,
        "decoding is not canonical: re-encoding gives other bytes"
    );

    let mut heap = Heap::default();
    let (result, usage) = measure(|| structured_deserialize(&mut heap, &mut NoPlatformObjects, &serialized));
    let budget = data
        .len()
        .saturating_mul(DESERIALIZE_BYTES_PER_INPUT_BYTE)
        .saturating_add(bound);
    assert!(
        usage.total <= budget,
        "deserializing a {}-byte input allocated {} bytes (tripwire {budget})",
        data.len(),
        usage.total
    );

    let unmakeable = reaches_unmakeable(&serialized);
    let value = match result {
        Ok(value) => {
            assert!(
                !unmakeable,
                "deserialization succeeded although it reaches a Transferred or platform record"
            );
            value
        }
        Err(CloneError::DataClone(message)) => {
            assert!(unmakeable, "unexpected DataCloneError: {message}");
            return;
        }
        Err(CloneError::Thrown(v)) => panic!("deserialization threw {v:?}"),
    };

    // One normalising round: serialize what came out, then check that the
    // cycle encode → decode → deserialize → serialize → encode is stable.
    let first = serialize_and_encode(&mut heap, &value);
    let decoded = decode(&first).unwrap_or_else(|e| panic!("an encoded serialization does not decode: {e}"));
    let mut heap2 = Heap::default();
    let value2 = structured_deserialize(&mut heap2, &mut NoPlatformObjects, &decoded)
        .unwrap_or_else(|e| panic!("a re-serialized value does not deserialize: {e}"));
    let second = serialize_and_encode(&mut heap2, &value2);
    assert!(
        first == second,
        "serialize/deserialize is not a fixed point after one round"
    );
}

fn serialize_and_encode(
    heap: &mut Heap,
    value: &webmessaging::ecmascript::Value<webmessaging::ecmascript::ObjectId>,
) -> Vec<u8> {
    let serialized = structured_serialize(heap, &mut NoPlatformObjects, value)
        .unwrap_or_else(|e| panic!("a deserialized value does not serialize again: {e}"));
    encode(&serialized).unwrap_or_else(|e| panic!("a fresh serialization does not encode: {e}"))
}

/// Whether a Transferred or platform record is reachable from the root:
/// with no data holders and no platform objects, those are exactly the
/// records StructuredDeserialize cannot make.
fn reaches_unmakeable(serialized: &Serialized) -> bool {
    let mut seen = vec![false; serialized.records().len()];
    let mut stack: Vec<RecordId> = vec![serialized.root()];
    while let Some(id) = stack.pop() {
        let Some(record) = serialized.get(id) else {
            return true;
        };
        if std::mem::replace(&mut seen[id.index()], true) {
            continue;
        }
        if matches!(record, Record::Transferred { .. } | Record::Platform { .. }) {
            return true;
        }
        stack.extend(Serialized::children(record));
    }
    false
}
