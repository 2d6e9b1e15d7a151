//! The predicate's own checks: its conversions, written from ECMA-262,
//! against the library's; and its comparison with the library's clone,
//! which must report a wrong attribute, a wrong step or a wrong detached
//! buffer (so that passing clone properties mean something).

use model_tests::clone_checks::{
    Observed, ObservedOutcome, compare, heap_conditions, observe, proptest_config, strategies, thrown_value,
};
use model_tests::predicate::{Conversion, Predicted, Prediction, PropertyShape, predict};
use proptest::prelude::*;
use webmessaging::ecmascript::{Heap, Value};
use webmessaging::notation::{Document, Val, build, parse};

proptest! {
    #![proptest_config(proptest_config(500))]

    /// ToString of every object of any graph: the built-in heap's and the
    /// predicate's (written from ECMA-262) give the same String or throw
    /// the same value.
    #[test]
    fn to_string_agrees_with_the_predicate((doc, _) in strategies::arbitrary()) {
        let mut heap = Heap::default();
        let built = build(&doc, &mut heap).map_err(|e| TestCaseError::fail(e.to_string()))?;
        for (i, &o) in built.objects.iter().enumerate() {
            let expected = Conversion::new(&doc, Heap::MAX_STRING_LENGTH).to_string(&Val::Ref(i));
            let actual = heap.to_js_string(&Value::Object(o));
            let agree = match (&expected, &actual) {
                (Ok(e), Ok(a)) => e == a,
                (Err(e), Err(a)) => e.same(&thrown_value(&heap, &built.objects, &a.0)),
                _ => false,
            };
            prop_assert!(agree, "object {}: heap {:?}, predicate {:?}", i, actual, expected);
        }
    }
}

/// Number::toString: the predicate's exact version and the library's agree
/// on arbitrary doubles and on dyadic numbers with short exact decimal
/// forms, where two shortest candidates can be equally close (there the
/// even one wins, as ECMA-262 recommends and V8 does; Rust's own shortest
/// formatting, which the library builds on, may pick the odd one).
#[test]
fn number_to_string_agrees_with_the_predicate() {
    use model_tests::predicate::number::number_to_string as exact;
    use webmessaging::ecmascript::number_to_string as library;
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut rust_picked_odd = 0;
    for n in 0..40_000 {
        let bits = next();
        let x = if n % 2 == 0 {
            f64::from_bits(bits)
        } else {
            // A 53-bit integer scaled by a small power of two.
            ((bits >> 11) as f64) * 2f64.powi((bits % 40) as i32 - 30)
        };
        let expected = exact(x);
        assert_eq!(library(x), expected, "{x:e}");
        // The digits each chose (Rust's `{:e}` has no trailing zeros).
        let rust = format!("{:e}", x.abs());
        let rust = rust.split('e').next().unwrap_or_default().replace('.', "");
        let ours = expected.trim_start_matches('-');
        let ours = ours.split('e').next().unwrap_or_default().replace('.', "");
        let ours = ours.trim_start_matches('0').trim_end_matches('0');
        if x.is_finite() && x != 0.0 && rust != ours {
            rust_picked_odd += 1;
        }
    }
    assert!(
        rust_picked_odd > 0,
        "no tie was generated, so the even rule went untested"
    );
}

// ----- the comparison reports what is wrong -----

fn document(text: &str) -> Document {
    parse(text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// Predicts and observes `text`; they must agree.
fn agreeing(text: &str) -> (Prediction, Observed) {
    let doc = document(text);
    let conditions = heap_conditions(true);
    let prediction = predict(&doc, &conditions);
    let observed = observe(&doc, &conditions).expect("the document runs");
    compare(&prediction, &observed).unwrap_or_else(|e| panic!("{e}\n{text}"));
    (prediction, observed)
}

/// Objects whose clones have own properties of their own: an Object and an
/// Array (with a hole and a non-index key) holding a String object, a
/// RegExp with a lastIndex and an Error with a message.
const SHAPES: &str = r#"{"root": {"ref": 0}, "objects": [
    {"kind": "Object", "props": [["a", {"ref": 1}]]},
    {"kind": "Array", "length": 3, "props": [["0", {"ref": 2}], ["2", {"ref": 3}], ["x", {"ref": 4}]]},
    {"kind": "String", "value": "hi"},
    {"kind": "RegExp", "source": "a", "flags": "g", "lastIndex": 5},
    {"kind": "Error", "name": "TypeError", "message": "m", "stack": "s"}
]}"#;

fn shape(key: &str, writable: bool, enumerable: bool, configurable: bool) -> PropertyShape {
    PropertyShape::data(key, writable, enumerable, configurable)
}

/// The attributes read off the clone in the heap, written out by hand.
#[test]
fn the_clone_has_the_attributes_structured_deserialize_gives() {
    let (_, observed) = agreeing(SHAPES);
    let ObservedOutcome::Cloned { properties, .. } = &observed.outcome else {
        panic!("expected a clone, got {:?}", observed.outcome)
    };
    let expected = vec![
        vec![shape("a", true, true, true)],
        vec![
            shape("0", true, true, true),
            shape("2", true, true, true),
            shape("length", true, false, false),
            shape("x", true, true, true),
        ],
        vec![
            shape("0", false, true, false),
            shape("1", false, true, false),
            shape("length", false, false, false),
        ],
        vec![shape("lastIndex", true, false, false)],
        vec![shape("message", true, false, true)],
    ];
    assert_eq!(properties, &expected);
}

#[test]
fn a_wrong_attribute_is_reported() {
    let (prediction, observed) = agreeing(SHAPES);
    let Predicted::Cloned { properties, .. } = &prediction.outcome else {
        panic!("expected a clone")
    };
    let mut wrongs = Vec::new();
    for (i, object) in properties.iter().enumerate() {
        for j in 0..object.len() {
            for flag in 0..4 {
                let mut wrong = prediction.clone();
                let Predicted::Cloned { properties, .. } = &mut wrong.outcome else {
                    unreachable!()
                };
                let p = &mut properties[i][j];
                match flag {
                    0 => p.writable = !p.writable,
                    1 => p.enumerable = !p.enumerable,
                    2 => p.configurable = !p.configurable,
                    _ => p.accessor = !p.accessor,
                }
                wrongs.push(wrong);
            }
        }
        // One property too few, and one too many.
        let mut fewer = prediction.clone();
        let mut more = prediction.clone();
        if let (Predicted::Cloned { properties: f, .. }, Predicted::Cloned { properties: m, .. }) =
            (&mut fewer.outcome, &mut more.outcome)
        {
            f[i].pop();
            m[i].push(shape("extra", true, true, true));
        }
        wrongs.extend([fewer, more]);
    }
    assert_eq!(wrongs.len(), 5 * 2 + 10 * 4);
    for wrong in wrongs {
        let failure = compare(&wrong, &observed).expect_err("a wrong attribute went unnoticed");
        assert!(failure.contains("own properties"), "{failure}");
    }
}

#[test]
fn a_wrong_step_is_reported() {
    // A detached buffer in the value: StructuredSerializeInternal 13.2.1.
    let (prediction, observed) = agreeing(
        r#"{"root": {"ref": 0}, "objects": [{"kind": "Array", "length": 1, "props": [["0", {"ref": 1}]]}, {"kind": "ArrayBuffer", "bytes": "", "detached": true}]}"#,
    );
    assert_eq!(prediction.outcome.step(), "structuredserializeinternal/13.2.1");
    for other in [
        "structuredserializeinternal/14.1",
        "structuredserializewithtransfer/5.1",
    ] {
        let wrong = Prediction {
            outcome: Predicted::DataCloneError { step: other },
            ..prediction.clone()
        };
        let failure = compare(&wrong, &observed).expect_err("a wrong step went unnoticed");
        assert!(failure.contains("13.2.1") && failure.contains(other), "{failure}");
    }
    // A library that threw at another step is caught the same way.
    let mut elsewhere = observed.clone();
    let ObservedOutcome::DataCloneError(error) = &mut elsewhere.outcome else {
        panic!("expected a DataCloneError, got {:?}", observed.outcome)
    };
    error.step = "structuredserializeinternal/22";
    compare(&prediction, &elsewhere).expect_err("a DataCloneError at the wrong step went unnoticed");
}

#[test]
fn a_wrong_detached_buffer_after_an_error_is_reported() {
    // Step 5 detaches entry 1, then finds entry 3 detached and throws:
    // 1 stays detached (3 was already), 2 never moves.
    let (prediction, observed) = agreeing(
        r#"{"root": {"ref": 0}, "objects": [
            {"kind": "Object", "props": [["a", {"ref": 1}], ["b", {"ref": 2}]]},
            {"kind": "ArrayBuffer", "bytes": "01"}, {"kind": "ArrayBuffer", "bytes": "0203"},
            {"kind": "ArrayBuffer", "bytes": "", "detached": true}
        ], "transfer": [1, 3, 2]}"#,
    );
    assert_eq!(prediction.outcome.step(), "structuredserializewithtransfer/5.1");
    assert_eq!(prediction.detached_after, [1, 3]);
    for wrong in [vec![3], vec![1, 2, 3], vec![1]] {
        let wrong = Prediction {
            detached_after: wrong,
            ..prediction.clone()
        };
        let failure = compare(&wrong, &observed).expect_err("a wrong detached list went unnoticed");
        assert!(failure.contains("detached buffers"), "{failure}");
    }
    // A library that detached too little, or changed something else.
    let mut kept = observed.clone();
    kept.detached_after = vec![3];
    compare(&prediction, &kept).expect_err("a buffer left attached went unnoticed");
    let mut changed = observed.clone();
    changed.changed.push((2, "before".into(), "after".into()));
    let failure = compare(&prediction, &changed).expect_err("a changed input went unnoticed");
    assert!(failure.contains("input object 2 changed"), "{failure}");
}

#[test]
fn a_wrong_thrown_value_is_reported() {
    let (prediction, observed) = agreeing(
        r#"{"root": {"ref": 0}, "objects": [{"kind": "Object", "props": [["a", {"getter": {"throws": 1}}]]}]}"#,
    );
    let wrong = Prediction {
        outcome: Predicted::Thrown {
            value: model_tests::predicate::Thrown::Value(Val::Number(2.0)),
            step: "structuredserializeinternal/26.4.1.1",
        },
        ..prediction
    };
    compare(&wrong, &observed).expect_err("a wrong thrown value went unnoticed");
}

// ----- the library's step ids -----

/// Every DataCloneError the library throws names a step of the catalogue.
#[test]
fn every_data_clone_error_names_a_catalogued_step() {
    use std::collections::HashSet;
    let catalogue: HashSet<String> = webmessaging::spec::catalogue()
        .into_iter()
        .map(|s| s.id)
        .collect();
    let mut files = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../src")];
    let mut sites = 0;
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(
                std::fs::read_dir(&path)
                    .expect("a directory")
                    .map(|e| e.expect("an entry").path()),
            );
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("a source file");
        for (at, _) in text.match_indices("CloneError::new_data_clone(") {
            let rest = text[at + "CloneError::new_data_clone(".len()..].trim_start();
            let id = rest
                .strip_prefix('"')
                .and_then(|r| r.split_once('"'))
                .map(|(id, _)| id)
                .unwrap_or_else(|| {
                    panic!(
                        "{}: a new_data_clone call without a literal step id",
                        path.display()
                    )
                });
            assert!(
                catalogue.contains(id),
                "{}: {id} is not a catalogued step",
                path.display()
            );
            sites += 1;
        }
    }
    assert!(sites >= 40, "only {sites} DataCloneError sites found");
}
