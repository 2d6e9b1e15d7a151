//! Arbitrary bytes through the validating decoder and StructuredDeserialize
//! (see `webmessaging_fuzz::decode_record`).
#![cfg_attr(fuzzing, no_main)]

#[cfg(fuzzing)]
libfuzzer_sys::fuzz_target!(|data: &[u8]| webmessaging_fuzz::decode_record(data));

/// Built without cargo-fuzz, the target replays the files or directories
/// named on its command line.
#[cfg(not(fuzzing))]
fn main() {
    webmessaging_fuzz::replay_main("decode_record");
}
