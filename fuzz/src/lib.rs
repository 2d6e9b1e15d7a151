//! The bodies of the fuzz targets, as ordinary functions.
//!
//! Each target in `fuzz_targets/` is a one-line call into this crate, so the
//! same code runs under libFuzzer (nightly, `cargo fuzz run`) and as a plain
//! test on stable (`tests/replay.rs` feeds it every file of `corpus/` and
//! `regressions/`). A target function panics when an invariant breaks; that
//! panic is the finding.
//!
//! | target | input | checks |
//! |---|---|---|
//! | [`clone_transfer`] | a heap graph and a transfer list | isomorphic clone, or exactly the error the standard asks for, with exactly the right buffers detached |
//! | [`decode_record`] | raw bytes | canonical re-encoding, the allocation and work bounds, deserialization without panics |
//! | [`notation_clone`] | a graph-notation document | short refusal messages; what builds and serializes survives the byte encoding; ToString work within budget |
//! | [`port_ops`] | a sequence of channel operations | at-most-once, per-direction order, nothing after close that was not queued before it, nothing left behind |
//! | [`broadcast_ops`] | a sequence of BroadcastChannel operations | InvalidStateError exactly when closed, exactly the due destinations, per-destination order, cluster rule for shared buffers, collector rule, nothing left behind |

pub mod alloc_count;
pub mod broadcast_ops;
pub mod clone_transfer;
pub mod decode_record;
pub mod notation_clone;
pub mod port_ops;

pub use broadcast_ops::broadcast_ops;
pub use clone_transfer::clone_transfer;
pub use decode_record::decode_record;
pub use notation_clone::notation_clone;
pub use port_ops::port_ops;

/// Every allocation in a binary linking this crate goes through the counter
/// (fuzz targets and the replay tests alike), so `decode_record` can check
/// its allocation bound wherever it runs.
#[global_allocator]
static ALLOCATOR: alloc_count::Counting = alloc_count::Counting;

/// Target names, for tools that replay inputs by directory.
pub const TARGETS: [&str; 5] = [
    "clone_transfer",
    "decode_record",
    "notation_clone",
    "port_ops",
    "broadcast_ops",
];

/// Runs the named target on `data`. Panics on an unknown name.
pub fn run_target(name: &str, data: &[u8]) {
    match name {
        "clone_transfer" => clone_transfer(data),
        "decode_record" => decode_record(data),
        "notation_clone" => notation_clone(data),
        "port_ops" => port_ops(data),
        "broadcast_ops" => broadcast_ops(data),
        other => panic!("no fuzz target named {other}"),
    }
}

/// Every file directly inside `dir`, sorted by name (none if it is missing).
pub fn files_in(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// Runs the named target with nothing excused: known, reported library
/// issues that the fuzz target tolerates count as failures here. This is
/// what the inputs in `regressions/pending/` are replayed with.
pub fn run_target_strict(name: &str, data: &[u8]) {
    match name {
        "port_ops" => port_ops::port_ops_strict(data),
        other => run_target(other, data),
    }
}

/// Runs `target` on one file, turning a panic into an error naming the file.
pub fn replay_file(target: &str, path: &std::path::Path) -> Result<(), String> {
    replay_with(run_target, target, path)
}

/// Like [`replay_file`], with [`run_target_strict`].
pub fn replay_file_strict(target: &str, path: &std::path::Path) -> Result<(), String> {
    replay_with(run_target_strict, target, path)
}

fn replay_with(run: fn(&str, &[u8]), target: &str, path: &std::path::Path) -> Result<(), String> {
    let data = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    std::panic::catch_unwind(|| run(target, &data)).map_err(|panic| {
        let message = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "a panic without a message".to_owned());
        format!("{}: {message}", path.display())
    })
}

/// The `main` of a target built without cargo-fuzz: replays each file, or
/// each file of each directory, named on the command line, and exits with
/// status 1 if any of them fails.
pub fn replay_main(target: &str) {
    let mut failed = 0;
    let mut ran = 0;
    for arg in std::env::args_os().skip(1) {
        let path = std::path::PathBuf::from(arg);
        let files = if path.is_dir() {
            files_in(&path)
        } else {
            vec![path]
        };
        for file in files {
            ran += 1;
            if let Err(e) = replay_file(target, &file) {
                eprintln!("FAILED {e}");
                failed += 1;
            }
        }
    }
    println!("{target}: {} passed, {failed} failed", ran - failed);
    if failed > 0 {
        std::process::exit(1);
    }
}
