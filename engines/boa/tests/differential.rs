//! The differential check between realms: the same graph-notation
//! documents, cloned through the built-in heap and through Boa, come to the
//! same outcome (the same printed clone and detached buffers, or a
//! DataCloneError at the same step, or the same thrown value).
//!
//! Documents describing states Boa's public API cannot make (a buffer with
//! a detach key, ...; see `engines/boa/README.md`) are counted and skipped;
//! a run where most documents were skipped fails, so the check cannot pass
//! by checking nothing.

use model_tests::graphs::{self, GraphConfig};
use proptest::strategy::Strategy;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use std::cell::Cell;
use webmessaging::ecmascript::JsString;
use webmessaging::notation::{Document, Key, Kind, PropValue, Val};
use webmessaging_boa::notation::{BuildError, Outcome};

/// Runs `cases` documents of `strategy` through both realms.
fn differential(name: &str, cases: u32, strategy: impl Strategy<Value = Document>) {
    let compared = Cell::new(0u32);
    let skipped = Cell::new(0u32);
    let diverged = Cell::new(0u32);
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner = TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha));
    let result = runner.run(&strategy, |document| {
        let heap = Outcome::of_heap(&document)
            .map_err(|e| TestCaseError::fail(format!("the generated document does not build: {e}")))?;
        match Outcome::of_boa(&document) {
            Ok(boa) => {
                compared.set(compared.get() + 1);
                if heap != boa
                    && let Some(why) = known_divergence(&document, &heap)
                {
                    diverged.set(diverged.get() + 1);
                    if std::env::var_os("DIFFERENTIAL_VERBOSE").is_some() {
                        eprintln!("known divergence: {why}");
                    }
                    return Ok(());
                }
                if heap != boa {
                    return Err(TestCaseError::fail(format!(
                        "the realms differ\ndocument: {}\nheap: {heap:?}\nboa:  {boa:?}",
                        document.to_json_string()
                    )));
                }
                Ok(())
            }
            Err(BuildError::Unsupported(why)) => {
                if std::env::var_os("DIFFERENTIAL_VERBOSE").is_some() {
                    eprintln!("skipped: {why}");
                }
                skipped.set(skipped.get() + 1);
                Ok(())
            }
            Err(other) => Err(TestCaseError::fail(format!(
                "Boa could not build {}: {other}",
                document.to_json_string()
            ))),
        }
    });
    if let Err(failure) = result {
        panic!("{name}: {failure}");
    }
    let (compared, skipped, diverged) = (compared.get(), skipped.get(), diverged.get());
    eprintln!("{name}: {compared} documents compared ({diverged} by a known divergence), {skipped} skipped");
    assert!(
        compared >= skipped && diverged * 10 <= compared,
        "{name}: only {compared} of {} documents could be compared",
        compared + skipped
    );
}

/// A difference the crate's README explains, if this is one.
///
/// Converting an Error to a String whose `message` (or `name`) leads back
/// to the Error recurses for ever in the standard's algorithm; the built-in
/// heap stops with the RangeError engines throw when their stack runs out,
/// while Boa's Error.prototype.toString cuts the cycle and returns a String.
fn known_divergence(document: &Document, heap: &Outcome) -> Option<&'static str> {
    let object_message = document.objects.iter().any(|o| {
        matches!(
            &o.kind,
            Kind::Error {
                message: Some(Val::Ref(_)),
                ..
            }
        ) || o.props.iter().any(|p| {
            matches!(&p.key, Key::String(k) if *k == JsString::from("name"))
                && matches!(
                    p.value,
                    PropValue::Data(Val::Ref(_)) | PropValue::GetterReturns(Val::Ref(_))
                )
        })
    });
    let heap_ran_out = matches!(heap, Outcome::ThrewError { name } if name == "RangeError");
    (object_message && heap_ran_out).then_some("Boa's Error.prototype.toString cuts cycles")
}

#[test]
fn serializable_graphs_clone_alike() {
    differential(
        "serializable",
        256,
        graphs::document(GraphConfig::serializable(8)),
    );
}

#[test]
fn poisoned_graphs_throw_alike() {
    differential(
        "poisoned",
        256,
        graphs::poisoned_document(GraphConfig::serializable(6)),
    );
}

#[test]
fn arbitrary_graphs_and_transfer_lists_agree() {
    differential("arbitrary", 256, graphs::document(GraphConfig::arbitrary(6)));
}
