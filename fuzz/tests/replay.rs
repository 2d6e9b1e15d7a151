//! Replays every committed fuzz input as an ordinary test, on stable Rust:
//! `corpus/<target>/*` (the seed corpora) and `regressions/<target>/*`
//! (minimised inputs that once failed). Inputs under
//! `regressions/pending/<target>/` reproduce library bugs that are not fixed
//! yet: the normal replay skips them, loudly; they are replayed with nothing
//! excused and must still fail (a pending input that starts to pass is
//! reported, so that it moves to `regressions/<target>/` with the fix).

use std::path::PathBuf;
use webmessaging_fuzz::{TARGETS, files_in, replay_file, replay_file_strict};

/// Writes straight to the process's stderr, past the test harness's output
/// capture, so the note shows even when every test passes.
fn loud(text: &str) {
    use std::io::Write;
    let _ = std::io::stderr().write_all(text.as_bytes());
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Replays the corpus and regressions of `target`; fails listing every
/// input that broke an invariant.
fn replay(target: &str) {
    let dirs = [
        root().join("corpus").join(target),
        root().join("regressions").join(target),
    ];
    let files: Vec<PathBuf> = dirs.iter().flat_map(|d| files_in(d)).collect();
    assert!(
        !files.is_empty(),
        "no inputs for {target}: the seed corpus is missing"
    );
    let failures: Vec<String> = files
        .iter()
        .filter_map(|f| replay_file(target, f).err())
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} inputs failed:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
    for file in files_in(&root().join("regressions").join("pending").join(target)) {
        let note = match replay_file_strict(target, &file) {
            Err(e) => format!(
                "\n!!! SKIPPED PENDING REGRESSION (known library bug, see docs/fuzzing.md)\n!!! {e}\n\n"
            ),
            Ok(()) => format!(
                "\n!!! PENDING REGRESSION NOW PASSES: move {} to regressions/{target}/\n\n",
                file.display()
            ),
        };
        loud(&note);
    }
}

#[test]
fn clone_transfer_inputs_replay() {
    replay("clone_transfer");
}

#[test]
fn decode_record_inputs_replay() {
    replay("decode_record");
}

#[test]
fn notation_clone_inputs_replay() {
    replay("notation_clone");
}

#[test]
fn port_ops_inputs_replay() {
    replay("port_ops");
}

#[test]
fn broadcast_ops_inputs_replay() {
    replay("broadcast_ops");
}

/// Every committed input sits in the folder of a target that exists, so none
/// is silently never replayed.
#[test]
fn every_input_belongs_to_a_target() {
    let mut stray = Vec::new();
    for (dir, allowed) in [
        ("corpus", &TARGETS[..]),
        (
            "regressions",
            &[
                "pending", TARGETS[0], TARGETS[1], TARGETS[2], TARGETS[3], TARGETS[4],
            ][..],
        ),
    ] {
        for entry in std::fs::read_dir(root().join(dir))
            .into_iter()
            .flatten()
            .flatten()
        {
            let name = entry.file_name().to_string_lossy().into_owned();
            if entry.path().is_file() && name != "README.md"
                || entry.path().is_dir() && !allowed.contains(&name.as_str())
            {
                stray.push(entry.path());
            }
        }
    }
    for entry in std::fs::read_dir(root().join("regressions").join("pending"))
        .into_iter()
        .flatten()
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !TARGETS.contains(&name.as_str()) {
            stray.push(entry.path());
        }
    }
    assert!(stray.is_empty(), "inputs outside a target's folder: {stray:?}");
}

/// The clone_transfer seeds reach every kind of outcome the oracle knows:
/// success in each mode, each error class, and each stage of
/// StructuredSerializeWithTransfer an error can come from.
#[test]
fn clone_transfer_seeds_reach_every_outcome() {
    let labels: Vec<String> = files_in(&root().join("corpus").join("clone_transfer"))
        .iter()
        .filter_map(|f| webmessaging_fuzz::clone_transfer::classify(&std::fs::read(f).unwrap()))
        .collect();
    let wanted = [
        "SameRealm AfterTransfer Ok",
        "TwoRealms AfterTransfer Ok",
        "ThroughBytes AfterTransfer Ok",
        "TransferList DataClone",
        "Serialize DataClone",
        "Serialize ThrownValue",
        "Serialize ThrownNewError",
        "Detach DataClone",
        "Detach ThrownNewError",
        "AfterTransfer DataClone",
        "AfterTransfer ThrownNewError",
    ];
    for w in wanted {
        assert!(
            labels.iter().any(|l| l.ends_with(w)),
            "no seed reaches {w:?}; seeds reach {labels:?}"
        );
    }
}
