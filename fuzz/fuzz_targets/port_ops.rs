//! Arbitrary sequences of channel operations on the deterministic stepper
//! (see `webmessaging_fuzz::port_ops`).
#![cfg_attr(fuzzing, no_main)]

#[cfg(fuzzing)]
libfuzzer_sys::fuzz_target!(|data: &[u8]| webmessaging_fuzz::port_ops(data));

/// Built without cargo-fuzz, the target replays the files or directories
/// named on its command line.
#[cfg(not(fuzzing))]
fn main() {
    webmessaging_fuzz::replay_main("port_ops");
}
