//! Arbitrary sequences of BroadcastChannel operations on the deterministic stepper
//! (see `webmessaging_fuzz::broadcast_ops`).
#![cfg_attr(fuzzing, no_main)]

#[cfg(fuzzing)]
libfuzzer_sys::fuzz_target!(|data: &[u8]| webmessaging_fuzz::broadcast_ops(data));

/// Built without cargo-fuzz, the target replays the files or directories
/// named on its command line.
#[cfg(not(fuzzing))]
fn main() {
    webmessaging_fuzz::replay_main("broadcast_ops");
}
