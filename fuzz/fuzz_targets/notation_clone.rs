//! Graph-notation documents built, serialized and sent through the byte
//! encoding (see `webmessaging_fuzz::notation_clone`).
#![cfg_attr(fuzzing, no_main)]

#[cfg(fuzzing)]
libfuzzer_sys::fuzz_target!(|data: &[u8]| webmessaging_fuzz::notation_clone(data));

/// Built without cargo-fuzz, the target replays the files or directories
/// named on its command line.
#[cfg(not(fuzzing))]
fn main() {
    webmessaging_fuzz::replay_main("notation_clone");
}
