//! `clone_transfer`: structured cloning of arbitrary heap graphs with
//! arbitrary transfer lists.
//!
//! The input ([`input::CloneInput`]) describes objects of every kind the
//! heap models, with properties (data, getters that return, getters that
//! throw; enumerable or not; String, index and Symbol keys), cycles and
//! shared references by node index, and a transfer list that may repeat
//! entries or name detached, shared, keyed or non-transferable objects. It
//! is cloned one of three ways ([`input::Mode`]).
//!
//! Checked on every input:
//!
//! - nothing panics;
//! - the result is the one [`oracle::predict`] works out from the standard:
//!   success, a DataCloneError, or the exact value thrown (a getter's own
//!   value, or a new TypeError/RangeError from the realm); where an Error
//!   message's text is one the oracle only bounds (a Date's or a typed
//!   array's inside it) and might pass the length limit, the oracle assumes
//!   it fits and goes on, and a new RangeError of serialization is accepted
//!   instead of what it predicts;
//! - on success, the clone is isomorphic to the source ([`iso::Iso`]) and
//!   made only of new objects; transferred buffers arrive with their bytes;
//! - in the source, exactly the buffers the standard had detached by then
//!   are detached (none when the error came before step 5 of
//!   StructuredSerializeWithTransfer, the ones before the failing entry when
//!   it came in step 5, the whole transfer list afterwards), and every other
//!   buffer still holds its bytes;
//! - through bytes, a serialization without shared memory encodes, decodes,
//!   and re-encodes to the same bytes; one with shared memory refuses to
//!   encode.

pub mod bytes;
pub mod input;
pub mod iso;
pub mod oracle;
pub mod to_string;

use arbitrary::{Arbitrary, Unstructured};
use input::{CloneInput, Mode};
use oracle::{Expect, Setup, Stage, Thrown};
use rustc_hash::FxHashMap as HashMap;
use webmessaging::ecmascript::{
    AgentClusterId, ArrayBufferState, ErrorPrototype, Heap, ObjectId, ObjectKind, Value,
};
use webmessaging::structured::{
    CloneError, EncodeError, NoPlatformObjects, Record, SerializeWithTransferResult, decode, encode,
    structured_clone, structured_deserialize_with_transfer, structured_serialize_with_transfer,
};

/// SameValue, written out here rather than borrowed from the library.
pub fn same_value(a: &Value<ObjectId>, b: &Value<ObjectId>) -> bool {
    match (a, b) {
        (Value::Undefined, Value::Undefined) | (Value::Null, Value::Null) => true,
        (Value::Boolean(x), Value::Boolean(y)) => x == y,
        (Value::Number(x), Value::Number(y)) => (x.is_nan() && y.is_nan()) || x.to_bits() == y.to_bits(),
        (Value::BigInt(x), Value::BigInt(y)) => x == y,
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Symbol(x), Value::Symbol(y)) => x == y,
        (Value::Object(x), Value::Object(y)) => x == y,
        _ => false,
    }
}

/// The state of every ArrayBuffer of a heap: `Some(bytes)` or detached.
fn buffer_states(heap: &Heap) -> Vec<(ObjectId, Option<Vec<u8>>)> {
    (0..heap.len())
        .map(|i| ObjectId(i as u32))
        .filter_map(|id| Some((id, buffer_state(heap, id)?.clone())))
        .collect()
}

fn buffer_state(heap: &Heap, id: ObjectId) -> Option<&Option<Vec<u8>>> {
    match heap.object(id).kind().as_array_buffer() {
        Some(ArrayBufferState::Owned { data, .. }) => Some(data),
        _ => None,
    }
}

/// What the source realm's buffers must look like after the call: the
/// transferred prefix detached, everything else as it was.
fn check_buffers(
    before: &[(ObjectId, Option<Vec<u8>>)],
    after: &Heap,
    moved: &[ObjectId],
) -> Result<(), String> {
    for (id, state) in before {
        let Some(now) = buffer_state(after, *id) else {
            return Err(format!("buffer {id:?} is no longer an ArrayBuffer"));
        };
        if moved.contains(id) {
            if now.is_some() {
                return Err(format!("transferred buffer {id:?} is not detached"));
            }
        } else if now != state {
            return Err(format!(
                "buffer {id:?} changed from {state:?} to {now:?} without being transferred"
            ));
        }
    }
    Ok(())
}

/// The transfer-list entries the standard has detached by `stage`.
fn moved_by(stage: Stage, transfer: &[ObjectId]) -> &[ObjectId] {
    match stage {
        Stage::TransferList | Stage::Serialize => &[],
        Stage::Detach(i) => &transfer[..i],
        Stage::AfterTransfer => transfer,
    }
}

fn describe(input: &CloneInput) -> String {
    let text = format!("{input:#?}");
    if text.len() > 20_000 {
        format!("{}…", &text[..20_000])
    } else {
        text
    }
}

/// The target body. Panics when an invariant breaks.
pub fn clone_transfer(data: &[u8]) {
    let Ok(input) = CloneInput::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let built = input.build();
    let mut src = built.heap;
    let budget = input.budget.map(usize::from);
    let setup = Setup {
        cross_origin_isolated: input.cross_origin_isolated,
        same_realm: input.mode == Mode::SameRealm,
        other_cluster: input.other_cluster,
        budget,
    };
    let prediction = oracle::predict(&src, &built.root, &built.transfer, &setup);
    let before = buffer_states(&src);
    let transferred: HashMap<ObjectId, (Vec<u8>, Option<usize>)> = built
        .transfer
        .iter()
        .filter_map(|t| match src.object(*t).kind().as_array_buffer() {
            Some(ArrayBufferState::Owned {
                data: Some(d),
                max_byte_length,
                ..
            }) => Some((*t, (d.clone(), *max_byte_length))),
            _ => None,
        })
        .collect();
    src.set_allocation_budget(budget);
    src.set_max_string_length(to_string::MAX_LENGTH);
    let src_len = src.len();
    let conversions_before = src.to_string_count();

    let cluster = AgentClusterId(u64::from(input.other_cluster));
    let mut dst = Heap::new(cluster);
    dst.set_allocation_budget(budget);
    dst.set_max_string_length(to_string::MAX_LENGTH);
    let dst_len = dst.len();

    // Runs the clone; the error carries which realm threw it.
    let mut transferred_values = Vec::new();
    let result: Result<Value<ObjectId>, (CloneError<ObjectId>, bool)> = match input.mode {
        Mode::SameRealm => structured_clone(
            &mut src,
            &mut NoPlatformObjects,
            built.root.clone(),
            &built.transfer,
        )
        .map_err(|e| (e, true)),
        Mode::TwoRealms | Mode::ThroughBytes => {
            match structured_serialize_with_transfer(
                &mut src,
                &mut NoPlatformObjects,
                &built.root,
                &built.transfer,
            ) {
                Err(e) => Err((e, true)),
                Ok(mut result) => {
                    if input.mode == Mode::ThroughBytes {
                        let (serialized, holders) = result.into_parts();
                        result = SerializeWithTransferResult::new(through_bytes(serialized), holders);
                    }
                    match structured_deserialize_with_transfer(&mut dst, &mut NoPlatformObjects, result) {
                        Ok(r) => {
                            let deserialized;
                            (deserialized, transferred_values) = r.into_parts();
                            Ok(deserialized)
                        }
                        Err(e) => Err((e, false)),
                    }
                }
            }
        }
    };

    let (target, target_len) = if input.mode == Mode::SameRealm {
        (&src, src_len)
    } else {
        (&dst, dst_len)
    };
    // ToString is the one part of a clone whose work is not plainly linear:
    // it must stay within a budget proportional to the graph, or a slow
    // input is a finding even before libFuzzer's -timeout sees it.
    let conversions = src.to_string_count() - conversions_before;
    let budget = conversion_budget(&src);
    assert!(
        conversions <= budget,
        "{conversions} ToString applications for a graph allowing {budget}\n{}",
        describe(&input)
    );

    // A message's text the oracle only bounds may have passed the limit
    // where it assumed not: then serialization threw a new RangeError
    // instead, and nothing was detached.
    let range_error = Thrown::NewError(ErrorPrototype::RangeError);
    let range_error_instead = prediction.or_range_error
        && matches!(&result, Err((CloneError::Thrown(v), true))
            if oracle::matches_thrown(&range_error, v, &src, src_len));
    let after = &src;
    if range_error_instead {
        // Unless the predicted outcome was that very RangeError, later.
        let predicted = moved_by(prediction.stage, &built.transfer);
        if check_buffers(&before, after, &[]).is_err() {
            check_buffers(&before, after, predicted).unwrap_or_else(|e| panic!("{e}\n{}", describe(&input)));
        }
        return;
    }
    match (&prediction.expect, &result) {
        (Expect::Ok, Ok(clone)) => {
            let mut iso = iso::Iso::new(&src, target, target_len, &transferred);
            for (t, v) in built.transfer.iter().zip(&transferred_values) {
                iso.pair(*t, *v)
                    .unwrap_or_else(|e| panic!("transfer list: {e}\n{}", describe(&input)));
            }
            iso.check(&built.root, clone)
                .unwrap_or_else(|e| panic!("the clone is not isomorphic: {e}\n{}", describe(&input)));
        }
        (Expect::DataClone(_), Err((CloneError::DataClone(_), _))) => {}
        (Expect::Thrown(thrown), Err((CloneError::Thrown(v), by_source))) => {
            let (thrower, fresh_from) = if *by_source || input.mode == Mode::SameRealm {
                (&src, src_len)
            } else {
                (&dst, dst_len)
            };
            assert!(
                oracle::matches_thrown(thrown, v, thrower, fresh_from),
                "expected {thrown:?} to be thrown, got {v:?}\n{}",
                describe(&input)
            );
        }
        (expect, got) => panic!(
            "the standard requires {expect:?} (decided at {:?}), the library gave {got:?}\n{}",
            prediction.stage,
            describe(&input)
        ),
    }
    check_buffers(&before, after, moved_by(prediction.stage, &built.transfer))
        .unwrap_or_else(|e| panic!("{e}\n{}", describe(&input)));
}

/// The most ToString applications a clone of `heap`'s graph may make: one
/// per property, element or entry read, for each Error whose message is
/// converted (cyclic texts are converted afresh each time), and the 2 × 1000
/// of a conversion that recurses to the depth limit.
pub fn conversion_budget(heap: &Heap) -> u64 {
    let mut reads: u64 = 1;
    let mut errors: u64 = 1;
    for i in 0..heap.len() {
        let object = heap.object(ObjectId(i as u32));
        reads += 1 + object.properties().len() as u64;
        match object.kind() {
            ObjectKind::Map(entries) => reads += 2 * entries.len() as u64,
            ObjectKind::Set(entries) => reads += entries.len() as u64,
            ObjectKind::Error { .. } => errors += 1,
            _ => {}
        }
    }
    2 * 1000 + 4 * reads * errors
}

/// Sends records through the byte encoding, checking it on the way: shared
/// memory refuses to encode; everything else round-trips canonically.
fn through_bytes(serialized: webmessaging::structured::Serialized) -> webmessaging::structured::Serialized {
    let shared = serialized.records().iter().any(|r| {
        matches!(
            r,
            Record::SharedArrayBuffer { .. } | Record::GrowableSharedArrayBuffer { .. }
        )
    });
    match encode(&serialized) {
        Err(EncodeError::SharedMemory { .. }) if shared => serialized,
        Err(e) => panic!("a serialization of a script-made heap does not encode: {e}"),
        Ok(_) if shared => panic!("shared memory was encoded"),
        Ok(bytes) => {
            let decoded = decode(&bytes).unwrap_or_else(|e| panic!("encoded records do not decode: {e}"));
            let again = encode(&decoded).unwrap_or_else(|e| panic!("decoded records do not encode: {e}"));
            assert!(again == bytes, "the encoding of a serialization is not canonical");
            decoded
        }
    }
}

/// What the oracle expects for an input, as a short label such as
/// `"ThroughBytes Ok"` or `"SameRealm Detach DataClone"` (`None` if the
/// bytes are too short to make an input). Used to check that the seed
/// corpus reaches every kind of outcome.
pub fn classify(data: &[u8]) -> Option<String> {
    let input = CloneInput::arbitrary_take_rest(Unstructured::new(data)).ok()?;
    let built = input.build();
    let setup = Setup {
        cross_origin_isolated: input.cross_origin_isolated,
        same_realm: input.mode == Mode::SameRealm,
        other_cluster: input.other_cluster,
        budget: input.budget.map(usize::from),
    };
    let p = oracle::predict(&built.heap, &built.root, &built.transfer, &setup);
    let stage = match p.stage {
        Stage::TransferList => "TransferList",
        Stage::Serialize => "Serialize",
        Stage::Detach(_) => "Detach",
        Stage::AfterTransfer => "AfterTransfer",
    };
    let outcome = match p.expect {
        Expect::Ok => "Ok",
        Expect::DataClone(_) => "DataClone",
        Expect::Thrown(oracle::Thrown::Value(_)) => "ThrownValue",
        Expect::Thrown(oracle::Thrown::NewError(_)) => "ThrownNewError",
    };
    Some(format!("{:?} {stage} {outcome}", input.mode))
}
