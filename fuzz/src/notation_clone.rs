//! `notation_clone`: graph-notation documents (JSON text), as the `clone`
//! command reads them, built and cloned through the byte encoding.
//!
//! Checked on every input:
//!
//! 1. parsing and building never panic, and a refusal's message quotes at
//!    most a short excerpt of the input ([`MAX_MESSAGE`] bytes in all);
//! 2. a document that builds describes a state a program can reach: if it
//!    serializes, its records encode (unless they hold shared memory, which
//!    has no byte form), the bytes decode, and they deserialize in a fresh
//!    realm;
//! 3. serialization's ToString work stays within
//!    [`conversion_budget`](crate::clone_transfer::conversion_budget) of the
//!    built graph (an Error whose message is a DAG of Errors or Arrays once
//!    took exponential time).

use webmessaging::ecmascript::Heap;
use webmessaging::notation::{build, parse};
use webmessaging::structured::{
    EncodeError, NoPlatformObjects, decode, encode, structured_deserialize, structured_serialize,
};

/// The longest refusal message accepted, in bytes: a path and a sentence
/// with a 60-character excerpt fit easily.
pub const MAX_MESSAGE: usize = 600;

/// The target body. Panics when an invariant breaks.
pub fn notation_clone(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let refused = |message: String| {
        assert!(
            message.len() <= MAX_MESSAGE,
            "a {}-byte refusal message for a {}-byte document: {}…",
            message.len(),
            data.len(),
            &message[..message.floor_char_boundary(MAX_MESSAGE)]
        );
    };
    let document = match parse(text) {
        Ok(document) => document,
        Err(e) => return refused(e.to_string()),
    };
    let mut heap = Heap::default();
    heap.set_max_string_length(crate::clone_transfer::to_string::MAX_LENGTH);
    let built = match build(&document, &mut heap) {
        Ok(built) => built,
        Err(e) => return refused(e.to_string()),
    };
    let before = heap.to_string_count();
    let serialized = structured_serialize(&mut heap, &mut NoPlatformObjects, &built.root);
    let conversions = heap.to_string_count() - before;
    let budget = crate::clone_transfer::conversion_budget(&heap);
    assert!(
        conversions <= budget,
        "{conversions} ToString applications for a graph allowing {budget}"
    );
    let Ok(serialized) = serialized else { return };
    let bytes = match encode(&serialized) {
        Ok(bytes) => bytes,
        Err(EncodeError::SharedMemory { .. }) => return,
        Err(e) => panic!("a document that builds and serializes does not encode: {e}"),
    };
    let decoded = decode(&bytes).unwrap_or_else(|e| panic!("encoded records do not decode: {e}"));
    if let Err(e) = structured_deserialize(&mut Heap::default(), &mut NoPlatformObjects, &decoded) {
        panic!("a serialization of a built document does not deserialize: {e:?}");
    }
}
