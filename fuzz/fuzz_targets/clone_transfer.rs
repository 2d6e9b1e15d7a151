//! Structured cloning of arbitrary heap graphs with arbitrary transfer lists
//! (see `webmessaging_fuzz::clone_transfer`).
#![cfg_attr(fuzzing, no_main)]

#[cfg(fuzzing)]
libfuzzer_sys::fuzz_target!(|data: &[u8]| webmessaging_fuzz::clone_transfer(data));

/// Built without cargo-fuzz, the target replays the files or directories
/// named on its command line.
#[cfg(not(fuzzing))]
fn main() {
    webmessaging_fuzz::replay_main("clone_transfer");
}
