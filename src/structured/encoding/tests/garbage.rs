//! Deterministic garbage: random and mutated inputs must never panic, every
//! refusal must point inside the input, and every acceptance must re-encode
//! to the very same bytes. Plus the allocation bound on hostile headers.

use super::roundtrip::random_graph;
use super::*;
use crate::structured::decoded_allocation_bound;
use crate::structured::encoding::read;

/// Runs one input through the decoder and checks what it says.
fn probe(input: &[u8]) -> bool {
    match decode(input) {
        Ok(g) => {
            let again =
                encode(&g).unwrap_or_else(|e| panic!("accepted {input:02X?} but cannot encode it: {e}"));
            assert_eq!(again, input, "accepted bytes are not canonical");
            assert!(same(&decode(&again).expect("re-decode"), &g));
            true
        }
        Err(e) => {
            assert!(
                e.offset() <= input.len(),
                "offset {} past {} bytes: {e}",
                e.offset(),
                input.len()
            );
            assert!(e.to_string().contains(&format!("at byte {}", e.offset())), "{e}");
            false
        }
    }
}

fn mutate(rng: &mut XorShift, seed: &[u8], seeds: &[Vec<u8>]) -> Vec<u8> {
    let mut bytes = seed.to_vec();
    for _ in 0..1 + rng.below(4) {
        let len = bytes.len();
        match rng.below(8) {
            // Flip one bit.
            0 if len > 0 => bytes[rng.below(len)] ^= 1 << rng.below(8),
            // Overwrite one byte with something interesting.
            1 if len > 0 => {
                bytes[rng.below(len)] = [0x00, 0x01, 0x02, 0x7F, 0x80, 0xFF, rng.next() as u8][rng.below(7)]
            }
            // Insert a byte.
            2 => bytes.insert(rng.below(len + 1), rng.next() as u8),
            // Delete a run.
            3 if len > 0 => {
                let at = rng.below(len);
                let n = 1 + rng.below((len - at).min(8));
                bytes.drain(at..at + n);
            }
            // Truncate.
            4 => bytes.truncate(rng.below(len + 1)),
            // Duplicate a run in place.
            5 if len > 0 => {
                let at = rng.below(len);
                let run: Vec<u8> = bytes[at..(at + 1 + rng.below(16)).min(len)].to_vec();
                let to = rng.below(len + 1);
                bytes.splice(to..to, run);
            }
            // Splice in a piece of another seed.
            6 => {
                let other = &seeds[rng.below(seeds.len())];
                if !other.is_empty() {
                    let at = rng.below(other.len());
                    let piece = &other[at..(at + 1 + rng.below(32)).min(other.len())];
                    let to = rng.below(len + 1);
                    bytes.splice(to..to, piece.iter().copied());
                }
            }
            // Bump the record count (the fifth byte onwards is the count).
            _ if len > 5 => bytes[5] = bytes[5].wrapping_add(1 + rng.below(3) as u8),
            _ => {}
        }
    }
    bytes
}

#[test]
fn random_and_mutated_inputs_never_panic() {
    let mut rng = XorShift::new(0xDEC0_DE00_0BAD_F00D);
    let mut seeds: Vec<Vec<u8>> = vec![encode(&every_kind()).unwrap()];
    for _ in 0..64 {
        seeds.push(encode(&random_graph(&mut rng)).unwrap());
    }
    let (mut accepted, mut refused) = (0, 0);
    for round in 0..100_000 {
        let input = match round % 3 {
            // Pure noise, sometimes behind a valid header.
            0 => {
                let mut bytes = if rng.chance(70) {
                    b"WMSR\x03".to_vec()
                } else {
                    Vec::new()
                };
                bytes.extend((0..rng.below(48)).map(|_| rng.next() as u8));
                bytes
            }
            // A mutated valid encoding.
            _ => {
                let seed = seeds[rng.below(seeds.len())].clone();
                mutate(&mut rng, &seed, &seeds)
            }
        };
        if probe(&input) {
            accepted += 1;
        } else {
            refused += 1;
        }
    }
    // The loop must reach both outcomes to be testing anything.
    assert!(accepted > 1_000, "only {accepted} accepted");
    assert!(refused > 50_000, "only {refused} refused");
}

#[test]
fn every_single_byte_change_of_a_valid_encoding_is_handled() {
    let bytes = encode(&every_kind()).unwrap();
    for at in 0..bytes.len() {
        for value in [0x00, 0x01, 0x7F, 0x80, 0xFF, bytes[at] ^ 0x01] {
            let mut changed = bytes.clone();
            changed[at] = value;
            probe(&changed);
        }
        probe(&bytes[..at]);
    }
}

/// What a parsed graph keeps on the heap (capacities, not lengths), to
/// compare with the promised bound. Scratch space of the checks is not in
/// here; the bound's accounting covers it.
fn retained(g: &Serialized, offsets: &[usize]) -> usize {
    let string = |s: &JsString| s.len() * 2;
    let mut total = g.records.capacity() * size_of::<Record>() + size_of_val(offsets);
    for record in &g.records {
        total += match record {
            Record::Primitive(Primitive::BigInt(b)) | Record::BigInt(b) => b.as_decimal().len(),
            Record::Primitive(Primitive::String(s)) | Record::String(s) => string(s),
            Record::RegExp { source, flags } => string(source) + string(flags),
            Record::ArrayBuffer { data } | Record::ResizableArrayBuffer { data, .. } => data.capacity(),
            Record::Map { entries } => entries.capacity() * size_of::<(RecordId, RecordId)>(),
            Record::Set { entries } => entries.capacity() * size_of::<RecordId>(),
            Record::Error { message, stack, .. } => {
                message.as_ref().map_or(0, string) + stack.as_ref().map_or(0, string)
            }
            Record::Array {
                elements, properties, ..
            } => {
                elements.capacity() * size_of::<Slot>()
                    + properties.capacity() * size_of::<(JsString, Slot)>()
                    + properties.iter().map(|(k, _)| string(k)).sum::<usize>()
            }
            Record::Object { properties } => {
                properties.capacity() * size_of::<(JsString, Slot)>()
                    + properties.iter().map(|(k, _)| string(k)).sum::<usize>()
            }
            Record::Platform { interface, fields } => {
                interface.capacity()
                    + fields.capacity() * size_of::<(String, RecordId)>()
                    + fields.iter().map(|(k, _)| k.capacity()).sum::<usize>()
            }
            _ => 0,
        };
    }
    total
}

fn header(count: usize) -> Vec<u8> {
    let mut bytes = b"WMSR\x03".to_vec();
    let mut v = count as u64;
    while v >= 0x80 {
        bytes.push(v as u8 | 0x80);
        v >>= 7;
    }
    bytes.push(v as u8);
    bytes.push(0); // root
    bytes
}

#[test]
fn hostile_shapes_stay_within_the_allocation_bound() {
    let n = 10_000;
    let mut shapes: Vec<Vec<u8>> = Vec::new();
    // As many records as the bytes allow.
    shapes.push([header(n), [0x00, 0x00].repeat(n)].concat());
    // One Set with one-byte entries (all the same: parsed, then refused).
    shapes.push([header(1), vec![0x0D, 0xD0, 0x86, 0x03], vec![0x00; 50_000]].concat());
    // One Object with empty keys.
    shapes.push([header(1), vec![0x10, 0x90, 0x4E], [0x00, 0x01, 0x00].repeat(n)].concat());
    // One Array with two-byte elements (undefined in place).
    shapes.push(
        [
            header(1),
            vec![0x0F, 0x90, 0x4E, 0x90, 0x4E],
            [0x01, 0x00].repeat(n),
            vec![0x00],
        ]
        .concat(),
    );
    // A platform record with empty field names.
    shapes.push(
        [
            header(1),
            vec![0x11, 0x01, b'A', 0x90, 0x4E],
            [0x00, 0x00].repeat(n),
        ]
        .concat(),
    );
    // Many Map records of one entry.
    shapes.push([header(n), [0x0C, 0x01, 0x00, 0x00].repeat(n)].concat());
    for bytes in &shapes {
        let parsed = read::parse(bytes).unwrap_or_else(|e| panic!("{e}"));
        let kept = retained(&parsed.serialized, &parsed.offsets);
        let bound = decoded_allocation_bound(bytes.len());
        assert!(
            kept <= bound,
            "{kept} bytes kept for a {}-byte input; bound {bound}",
            bytes.len()
        );
        // Decoding runs to the end (accepting or refusing) without trouble.
        let _ = probe(bytes);
    }
}

#[test]
fn the_bound_is_linear_and_modest() {
    let per_byte = decoded_allocation_bound(1_000_000) - decoded_allocation_bound(0);
    assert_eq!(per_byte % 1_000_000, 0);
    assert!(
        per_byte / 1_000_000 <= 128,
        "{} bytes per input byte",
        per_byte / 1_000_000
    );
    assert_eq!(decoded_allocation_bound(usize::MAX), usize::MAX);
}

#[test]
fn claimed_sizes_never_outrun_the_input() {
    // Every count or length field set to its largest value, in a short input:
    // each must be refused at once rather than trusted.
    let claims: [&[u8]; 9] = [
        &[0x04, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F],       // String of 2^32 - 1 units
        &[0x09, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F], // ArrayBuffer of 2^35 bytes
        &[0x0C, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F],       // Map entries
        &[0x0D, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F],       // Set entries
        &[0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F],       // Object properties
        &[0x0F, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F], // Array elements
        &[0x0F, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F], // Array properties
        &[0x11, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F], // Platform fields
        &[0x03, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F],       // BigInt text
    ];
    for claim in claims {
        let bytes = [header(1), claim.to_vec(), vec![0; 8]].concat();
        let e = decode(&bytes).unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains("but only") || text.contains("but the input ends"),
            "{text}"
        );
    }
}

#[test]
#[cfg(target_pointer_width = "64")]
fn the_documented_bound_is_the_computed_one() {
    assert_eq!(decoded_allocation_bound(0), 4096);
    assert_eq!(decoded_allocation_bound(1000), 75 * 1000 + 4096);
}
