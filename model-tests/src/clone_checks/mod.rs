//! The clone properties: `structured_clone` on generated graphs agrees with
//! the [`predicate`](crate::predicate) (the clone and its properties'
//! attributes, the exception and the step that threw it, detached buffers,
//! untouched source), checked one document at a time by the functions
//! here, by `tests/clone_properties.rs` under proptest, and by
//! [`run_clone_properties`] for the tool's `check` command. Running the
//! library and comparing is [`observe`]'s.

mod observe;

pub use observe::{
    Observed, ObservedOutcome, check_clone, compare, describe, heap_conditions, observe, thrown_value,
};

use crate::graphs::{self, GraphConfig};
use crate::predicate::{Predicted, predict};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};
use std::cell::RefCell;
use webmessaging::ecmascript::{Heap, ObjectId, Realm, Value};
use webmessaging::notation::{Document, build, print};
use webmessaging::structured::{
    CloneError, NoPlatformObjects, PersonHost, decode, encode, structured_deserialize,
    structured_deserialize_with_transfer, structured_serialize, structured_serialize_for_storage,
    structured_serialize_with_transfer,
};

/// How big the generated graphs of the properties are.
pub const MAX_OBJECTS: usize = 10;

/// A property's failure: why, as text.
pub type Failure = String;

// ----- the properties -----

/// Round trip: a serializable graph clones, and the clone is the model's
/// image of the input (an isomorphism up to what the standard drops or
/// changes).
pub fn round_trip(document: &Document) -> Result<(), Failure> {
    let prediction = check_clone(document, heap_conditions(true))?;
    match prediction.outcome {
        Predicted::Cloned { .. } => Ok(()),
        other => Err(format!(
            "the generator promised a serializable graph, the predicate says {}",
            describe(&other)
        )),
    }
}

/// Storage: a serializable graph goes through StructuredSerializeForStorage
/// (StructuredSerialize when it holds shared memory, which storage refuses),
/// the byte encoding when it has no shared memory, and StructuredDeserialize
/// into a fresh realm of the same agent cluster; the result prints as the
/// model's clone. A web of the standard's `Person` example objects goes the
/// same way, keeping names and the best-friend relation.
pub fn storage(document: &Document, people: &[(String, Option<usize>)]) -> Result<(), Failure> {
    let prediction = predict(document, &heap_conditions(true));
    let Predicted::Cloned {
        document: expected, ..
    } = prediction.outcome
    else {
        return Err(format!(
            "the generator promised a serializable graph, the predicate says {}",
            describe(&prediction.outcome)
        ));
    };
    let mut heap = Heap::default();
    let built = build(document, &mut heap).map_err(|e| format!("the document does not build: {e}"))?;
    let host = &mut NoPlatformObjects;
    let has_shared = document
        .objects
        .iter()
        .any(|o| matches!(&o.kind, webmessaging::notation::Kind::ArrayBuffer(b) if b.shared));
    let records = match structured_serialize_for_storage(&mut heap, host, &built.root) {
        Ok(records) => {
            let bytes = encode(&records).map_err(|e| format!("encoding: {e}"))?;
            decode(&bytes).map_err(|e| format!("decoding what was just encoded: {e}"))?
        }
        // Storage refuses shared memory (step 13.1.2); nothing else here.
        Err(CloneError::DataClone(_)) if has_shared => {
            structured_serialize(&mut heap, host, &built.root).map_err(|e| format!("serializing: {e}"))?
        }
        Err(e) => return Err(format!("serializing for storage: {e}")),
    };
    let mut other = Heap::default();
    let value =
        structured_deserialize(&mut other, host, &records).map_err(|e| format!("deserializing: {e}"))?;
    let printed = print(&other, &value).to_json_string();
    if printed != expected.to_json_string() {
        return Err(format!(
            "the stored value differs from the model\nexpected: {}\nactual:   {printed}",
            expected.to_json_string()
        ));
    }
    // The standard's Person example: serialization steps with sub-serializations.
    let mut host = PersonHost::default();
    let mut heap = Heap::default();
    let objects: Vec<_> = people
        .iter()
        .map(|(name, _)| host.create(&mut heap, name, None))
        .collect();
    for (person, (_, friend)) in objects.iter().zip(people) {
        host.set_best_friend(&heap, *person, friend.map(|f| objects[f % objects.len()]));
    }
    let Some(&first) = objects.first() else {
        return Ok(());
    };
    let records = structured_serialize_for_storage(&mut heap, &mut host, &Value::Object(first))
        .map_err(|e| format!("serializing people: {e}"))?;
    let records = decode(&encode(&records).map_err(|e| format!("encoding people: {e}"))?)
        .map_err(|e| format!("decoding people: {e}"))?;
    let mut other = Heap::default();
    let Value::Object(copy) = structured_deserialize(&mut other, &mut host, &records)
        .map_err(|e| format!("deserializing people: {e}"))?
    else {
        return Err("people deserialized to a primitive".to_owned());
    };
    // Walk both friend chains in step until the original one repeats.
    let (mut a, mut b) = (Some(first), Some(copy));
    let mut pairs: Vec<(ObjectId, ObjectId)> = Vec::new();
    while let (Some(x), Some(y)) = (a, b) {
        if let Some((_, seen)) = pairs.iter().find(|(p, _)| *p == x) {
            return if *seen == y {
                Ok(())
            } else {
                Err("the copy's friendships form another shape".to_owned())
            };
        }
        pairs.push((x, y));
        let (dx, dy) = (host.data(&heap, x).cloned(), host.data(&other, y).cloned());
        let (Some(dx), Some(dy)) = (dx, dy) else {
            return Err("a copied Person lost its data".to_owned());
        };
        if dx.name != dy.name {
            return Err(format!("name {:?} became {:?}", dx.name, dy.name));
        }
        (a, b) = (dx.best_friend, dy.best_friend);
    }
    if a.is_some() != b.is_some() {
        return Err("a best friend was lost or invented".to_owned());
    }
    Ok(())
}

/// Transfer: a serializable graph with a valid transfer list clones,
/// detaches exactly the listed buffers, and the receiving side holds their
/// bytes (reached from the root or not).
pub fn transfer(document: &Document) -> Result<(), Failure> {
    let prediction = check_clone(document, heap_conditions(true))?;
    if !matches!(prediction.outcome, Predicted::Cloned { .. }) {
        return Err(format!(
            "the generator promised a valid transfer, the predicate says {}",
            describe(&prediction.outcome)
        ));
    }
    let mut listed = document.transfer.clone();
    listed.sort_unstable();
    if prediction.detached_after != listed {
        return Err(format!(
            "the predicate detaches {:?}, the transfer list is {:?}",
            prediction.detached_after, document.transfer
        ));
    }
    // The two halves of structuredClone, to see the transferred values.
    let mut heap = Heap::default();
    let built = build(document, &mut heap).map_err(|e| e.to_string())?;
    let host = &mut NoPlatformObjects;
    let serialized = structured_serialize_with_transfer(&mut heap, host, &built.root, &built.transfer)
        .map_err(|e| format!("serializing: {e}"))?;
    let received = structured_deserialize_with_transfer(&mut heap, host, serialized)
        .map_err(|e| format!("receiving: {e}"))?;
    for (n, (&entry, value)) in document
        .transfer
        .iter()
        .zip(received.transferred_values())
        .enumerate()
    {
        let webmessaging::notation::Kind::ArrayBuffer(sent) = &document.objects[entry].kind else {
            return Err(format!("transfer entry {n} is not a buffer"));
        };
        let slots = heap
            .array_buffer(value)
            .ok_or(format!("transferred value {n} is not a buffer"))?;
        let mut bytes = vec![0; slots.byte_length];
        heap.copy_data_block_bytes(&mut bytes, 0, value, 0, slots.byte_length);
        if bytes != sent.bytes || slots.max_byte_length != sent.max_byte_length {
            return Err(format!(
                "transferred value {n} holds {bytes:?} (max {:?}), sent {:?} (max {:?})",
                slots.max_byte_length, sent.bytes, sent.max_byte_length
            ));
        }
    }
    if received.transferred_values().len() != document.transfer.len() {
        return Err("not one transferred value per transfer list entry".to_owned());
    }
    Ok(())
}

/// Errors: on any graph, the clone throws exactly when the predicate says,
/// the same exception, with the same buffers detached.
pub fn errors(document: &Document, cross_origin_isolated: bool) -> Result<(), Failure> {
    check_clone(document, heap_conditions(cross_origin_isolated)).map(|_| ())
}

/// Poison: a non-serializable value that serialization must meet makes the
/// clone throw a DataCloneError.
pub fn poisoned(document: &Document) -> Result<(), Failure> {
    let prediction = check_clone(document, heap_conditions(true))?;
    match prediction.outcome {
        Predicted::DataCloneError { .. } => Ok(()),
        other => Err(format!(
            "a poisoned graph must throw a DataCloneError, the predicate says {}",
            describe(&other)
        )),
    }
}

/// A proptest configuration of `cases` cases, unless the `PROPTEST_CASES`
/// environment variable says how many.
pub fn proptest_config(cases: u32) -> Config {
    let from_env = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok());
    Config {
        cases: from_env.unwrap_or(cases),
        ..Config::default()
    }
}

/// The strategies of the properties, for tests and [`run_clone_properties`].
pub mod strategies {
    use super::*;

    /// Serializable graphs without a transfer list.
    pub fn serializable() -> impl Strategy<Value = Document> {
        graphs::document(GraphConfig::serializable(MAX_OBJECTS))
    }

    /// Serializable graphs, and a web of `Person` objects (name, index of
    /// the best friend).
    pub fn stored() -> impl Strategy<Value = (Document, Vec<(String, Option<usize>)>)> {
        (
            serializable(),
            proptest::collection::vec(("[a-z]{0,6}", proptest::option::of(0usize..8)), 0..6),
        )
    }

    /// Serializable graphs with a valid transfer list.
    pub fn with_transfer() -> impl Strategy<Value = Document> {
        graphs::document(GraphConfig {
            with_transfer: true,
            ..GraphConfig::serializable(MAX_OBJECTS)
        })
    }

    /// Arbitrary graphs, in a realm that is cross-origin isolated or not.
    pub fn arbitrary() -> impl Strategy<Value = (Document, bool)> {
        (
            graphs::document(GraphConfig::arbitrary(MAX_OBJECTS)),
            prop::bool::weighted(0.8),
        )
    }

    /// Serializable graphs with a poison in them.
    pub fn poisoned() -> impl Strategy<Value = Document> {
        graphs::poisoned_document(GraphConfig {
            with_transfer: true,
            ..GraphConfig::serializable(MAX_OBJECTS)
        })
    }
}

// ----- the check command's entry point -----

/// What [`run_clone_properties`] found.
#[derive(Clone, Debug, Default)]
pub struct CloneCheckReport {
    /// Generated cases run, over all properties (shrinking steps not counted).
    pub cases_run: usize,
    /// The properties checked, by name, each on `cases` cases.
    pub properties_checked: Vec<&'static str>,
    /// The properties that failed, each with its minimal counterexample.
    pub failures: Vec<CloneCheckFailure>,
}

/// A property's minimal counterexample.
#[derive(Clone, Debug)]
pub struct CloneCheckFailure {
    /// Which property.
    pub property: &'static str,
    /// What went wrong on the counterexample.
    pub reason: String,
    /// The counterexample in the graph notation (JSON text).
    pub document: String,
    /// Whether the realm was cross-origin isolated.
    pub cross_origin_isolated: bool,
}

/// The property names, in the order [`run_clone_properties`] runs them.
pub const PROPERTIES: [&str; 5] = ["round trip", "transfer", "errors", "poisoned", "storage"];

/// Runs the clone properties on `cases` generated graphs each, from `seed`
/// (the same seed gives the same graphs), shrinking each failure to a
/// minimal document. `progress(done, total)` is called after every case.
pub fn run_clone_properties(
    cases: u32,
    seed: u64,
    progress: &mut dyn FnMut(usize, usize),
) -> CloneCheckReport {
    let total = cases as usize * PROPERTIES.len();
    let done = RefCell::new(0usize);
    let progress = RefCell::new(progress);
    let tick = || {
        let mut done = done.borrow_mut();
        if *done < total {
            *done += 1;
            (progress.borrow_mut())(*done, total);
        }
    };
    let mut report = CloneCheckReport::default();
    let mut record = |property: &'static str, failure: Option<(String, Document, bool)>| {
        report.properties_checked.push(property);
        if let Some((reason, document, cross_origin_isolated)) = failure {
            report.failures.push(CloneCheckFailure {
                property,
                reason,
                document: document.to_json_string(),
                cross_origin_isolated,
            });
        }
    };
    // Each property counts its own generated cases, so shrinking runs
    // (which call the test again) do not advance the progress past them.
    let per_property = |n: usize| {
        let seen = RefCell::new(0usize);
        move || {
            let mut seen = seen.borrow_mut();
            *seen += 1;
            *seen <= n
        }
    };

    let new_case = per_property(cases as usize);
    let failure = run(cases, seed, 0, &strategies::serializable(), |doc| {
        if new_case() {
            tick();
        }
        round_trip(&doc)
    })
    .map(|(reason, doc)| (reason, doc, true));
    record(PROPERTIES[0], failure);

    let new_case = per_property(cases as usize);
    let failure = run(cases, seed, 1, &strategies::with_transfer(), |doc| {
        if new_case() {
            tick();
        }
        transfer(&doc)
    })
    .map(|(reason, doc)| (reason, doc, true));
    record(PROPERTIES[1], failure);

    let new_case = per_property(cases as usize);
    let failure = run(cases, seed, 2, &strategies::arbitrary(), |(doc, coi)| {
        if new_case() {
            tick();
        }
        errors(&doc, coi)
    })
    .map(|(reason, (doc, coi))| (reason, doc, coi));
    record(PROPERTIES[2], failure);

    let new_case = per_property(cases as usize);
    let failure = run(cases, seed, 3, &strategies::poisoned(), |doc| {
        if new_case() {
            tick();
        }
        poisoned(&doc)
    })
    .map(|(reason, doc)| (reason, doc, true));
    record(PROPERTIES[3], failure);

    let new_case = per_property(cases as usize);
    let failure = run(cases, seed, 4, &strategies::stored(), |(doc, people)| {
        if new_case() {
            tick();
        }
        storage(&doc, &people)
    })
    .map(|(reason, (doc, people))| (format!("{reason} (people: {people:?})"), doc, true));
    record(PROPERTIES[4], failure);

    report.cases_run = *done.borrow();
    report
}

/// Runs one property with a runner seeded from `seed` and the property's
/// number; the minimal failing input, if any.
fn run<S: Strategy>(
    cases: u32,
    seed: u64,
    property: u64,
    strategy: &S,
    test: impl Fn(S::Value) -> Result<(), Failure>,
) -> Option<(String, S::Value)> {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    bytes[8..16].copy_from_slice(&property.to_le_bytes());
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner = TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &bytes));
    match runner.run(strategy, |value| test(value).map_err(TestCaseError::fail)) {
        Ok(()) => None,
        Err(TestError::Fail(reason, value)) => Some((reason.to_string(), value)),
        Err(TestError::Abort(reason)) => panic!("the clone properties gave up: {reason}"),
    }
}

/// [`run_clone_properties`] as an entry of [`crate::checks`]: `cases` in all,
/// shared out among the properties; each failure becomes a counterexample
/// with the command that replays it.
pub fn run_clone_check(
    cases: usize,
    seed: u64,
    progress: &mut dyn FnMut(usize, usize),
) -> crate::CheckReport {
    let per_property = u32::try_from(cases.div_ceil(PROPERTIES.len()).max(1)).unwrap_or(u32::MAX);
    let report = run_clone_properties(per_property, seed, progress);
    crate::CheckReport {
        name: "clone properties".to_owned(),
        cases: report.cases_run,
        operations: report.cases_run,
        counterexamples: report
            .failures
            .iter()
            .map(|f| {
                let isolation = if f.cross_origin_isolated { "" } else { " (realm not cross-origin isolated)" };
                format!(
                    "property {:?} failed{isolation}: {}\nreplay: cargo run -- clone FILE, with FILE holding:\n{}",
                    f.property, f.reason, f.document
                )
            })
            .collect(),
        extra_lines: vec![format!("properties: {}", report.properties_checked.join(", "))],
        skipped: None,
    }
}
