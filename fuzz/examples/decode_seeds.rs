//! Writes seed inputs for `decode_record`: the encoded serializations of the
//! `clone_transfer` seeds, so the decoder's corpus starts from well-formed
//! graphs of every record kind rather than from noise.
//!
//! `cargo run --manifest-path fuzz/Cargo.toml --example decode_seeds -- fuzz/corpus/clone_transfer OUT_DIR`

use arbitrary::{Arbitrary, Unstructured};
use std::path::PathBuf;
use webmessaging::ecmascript::BigInt;
use webmessaging::structured::{
    NoPlatformObjects, Primitive, Record, RecordId, Serialized, encode, structured_serialize_with_transfer,
};
use webmessaging_fuzz::clone_transfer::input::CloneInput;

fn main() {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [from, to] = &args[..] else {
        eprintln!("usage: decode_seeds CLONE_TRANSFER_CORPUS OUT_DIR");
        std::process::exit(2);
    };
    std::fs::create_dir_all(to).expect("output directory");
    let mut written = 0;
    for file in webmessaging_fuzz::files_in(from) {
        let data = std::fs::read(&file).expect("readable seed");
        let Ok(input) = CloneInput::arbitrary_take_rest(Unstructured::new(&data)) else {
            continue;
        };
        let mut built = input.build();
        let Ok(result) = structured_serialize_with_transfer(
            &mut built.heap,
            &mut NoPlatformObjects,
            &built.root,
            &built.transfer,
        ) else {
            continue;
        };
        // Graphs with shared memory have no byte form.
        let Ok(bytes) = encode(result.serialized()) else {
            continue;
        };
        let name = format!("encoded-{}", file.file_name().unwrap().to_string_lossy());
        std::fs::write(to.join(name), bytes).expect("writable output");
        written += 1;
    }
    // Records no clone of the built-in heap makes: a platform object's, and
    // BigInt records, by hand.
    let hand = Serialized::new(
        vec![
            Record::Map {
                entries: vec![(RecordId(1), RecordId(2)), (RecordId(3), RecordId(4))],
            },
            Record::Primitive(Primitive::BigInt(BigInt::from(-12345678901234))),
            Record::Platform {
                interface: "MessagePort".to_owned(),
                fields: vec![("port".to_owned(), RecordId(3))],
            },
            Record::BigInt(BigInt::from(7)),
            // A primitive gets a record per occurrence.
            Record::Primitive(Primitive::BigInt(BigInt::from(-12345678901234))),
        ],
        RecordId(0),
    );
    std::fs::write(
        to.join("by-hand-bigint-and-platform"),
        encode(&hand).expect("well formed"),
    )
    .expect("writable output");
    written += 1;
    println!("{written} seeds written to {}", to.display());
}
