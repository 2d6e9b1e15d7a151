//! A versioned binary encoding of [`Serialized`] records, with a decoder that
//! treats its input as untrusted.
//!
//! Records leave their realm as bytes when a message crosses a process
//! boundary or goes to storage. [`encode`] writes a record graph; [`decode`]
//! reads one back and accepts only bytes that describe a well-formed graph,
//! so the algorithms that deserialize it never meet a dangling id, a view
//! outside its buffer or a tag they do not know. Decoding never panics, never
//! recurses, runs in O(n log n) time and allocates at most
//! [`decoded_allocation_bound`]`(input.len())` bytes in total (75 bytes per
//! input byte and 4 KiB more, on 64-bit targets).
//!
//! The encoding is canonical: every graph has exactly one encoding, so for
//! every input `b` that [`decode`] accepts, `encode(&decode(b)?)? == b`.
//!
//! # Byte-level grammar (format version 3)
//!
//! ```text
//! serialized = magic version count root record{count} ; and then the input ends
//! magic      = 57 4D 53 52                            ; "WMSR"
//! version    = 03                                     ; one byte (version 1 had
//!                                                     ; an id where `slot` is;
//!                                                     ; version 2 no elements)
//! count      = varint                                 ; number of records, at most 2^32
//! root       = id                                     ; the serialized value's record
//! id         = varint                                 ; a record index, below count
//! size       = varint                                 ; a length, offset or index; fits usize
//! varint     = unsigned LEB128: 7 bits a byte, least significant group first,
//!              high bit set on every byte but the last; at most 10 bytes, value
//!              below 2^64, and no redundant groups (a varint of two or more
//!              bytes never ends in 00)
//! bool       = 00 (false) | 01 (true)
//! option(T)  = 00 (absent) | 01 T
//! f64        = 8 bytes: the IEEE 754 bits, little-endian (so -0 and every NaN
//!              payload are kept as they are)
//! jsstring   = size:n  u16{n}          ; n UTF-16 code units, each little-endian,
//!                                      ; lone surrogates allowed
//! bytes      = size:n  u8{n}
//! utf8       = size:n  u8{n}           ; valid UTF-8
//! bigint     = size:n  u8{n}           ; canonical ASCII decimal: "0", or an
//!                                      ; optional "-" and digits without a leading 0
//!
//! record     = 00 primitive                          ; "primitive"
//!            | 01 bool                               ; "Boolean"
//!            | 02 f64                                ; "Number"
//!            | 03 bigint                             ; "BigInt"
//!            | 04 jsstring                           ; "String"
//!            | 05 f64                                ; "Date"
//!            | 06 jsstring:source jsstring:flags     ; "RegExp"
//!              (07 and 08 are SharedArrayBuffer and GrowableSharedArrayBuffer:
//!               reserved, never written, always rejected)
//!            | 09 bytes                              ; "ArrayBuffer"
//!            | 0A bytes size:max_byte_length         ; "ResizableArrayBuffer"
//!            | 0B view                               ; "ArrayBufferView"
//!            | 0C size:n (id:key id:value){n}        ; "Map"
//!            | 0D size:n id{n}                       ; "Set"
//!            | 0E error_kind option(jsstring):message option(jsstring):stack ; "Error"
//!            | 0F size:length size:e slot{e} size:n (jsstring:key slot:value){n} ; "Array":
//!              ; e elements (the properties "0" to e-1, keys left out), then n more
//!            | 10 size:n (jsstring:key slot:value){n}                        ; "Object"
//!            | 11 utf8:interface size:n (utf8:name id:value){n}              ; platform object
//!            | 12 size:holder                        ; "Transferred" placeholder
//! slot       = 00 id                                  ; a property's value record
//!            | 01 primitive                           ; or its primitive record in place
//! primitive  = 00 | 01 | 02 bool | 03 f64 | 04 bigint | 05 jsstring
//!              ; undefined, null, Boolean, Number, BigInt, String
//! view       = view_kind id:buffer size:byte_offset option(size):byte_length
//!              option(size):array_length                ; absent length = auto
//! view_kind  = 00 DataView | 01 Int8Array | 02 Uint8Array | 03 Uint8ClampedArray
//!            | 04 Int16Array | 05 Uint16Array | 06 Int32Array | 07 Uint32Array
//!            | 08 Float16Array | 09 Float32Array | 0A Float64Array
//!            | 0B BigInt64Array | 0C BigUint64Array
//! error_kind = 00 Error | 01 EvalError | 02 RangeError | 03 ReferenceError
//!            | 04 SyntaxError | 05 TypeError | 06 URIError
//! ```
//!
//! # What "well formed" means
//!
//! Beyond the grammar, [`decode`] (and, before writing, [`encode`]) checks:
//!
//! - the root and every id inside a record name a record of the arena;
//! - a view's buffer is an ArrayBuffer, ResizableArrayBuffer or Transferred
//!   record (a view of a transferred buffer points at the placeholder, whose
//!   data travels outside the records, so its bounds are checked when the
//!   transfer is received, not here);
//! - a DataView has no array length; a typed array's byte length and array
//!   length are both auto or both given, with byte length = array length ×
//!   element size; its byte offset is a multiple of the element size;
//! - the view is in bounds of its buffer's bytes as IsArrayBufferViewOutOfBounds
//!   judges it (offset ≤ buffer length, and offset + byte length ≤ buffer
//!   length when the length is not auto);
//! - a ResizableArrayBuffer holds at most `max_byte_length` bytes, and that
//!   maximum is at most 2^53 - 1;
//! - a Date holds a time value: NaN, or an integral Number within ±8.64e15
//!   that is not -0 (what TimeClip can produce);
//! - an Array's length fits in 32 bits, it has at most that many elements,
//!   and its keys include no `length`, no array index at or above its
//!   length and none below its number of elements (those are the
//!   elements' keys, left out);
//! - keys are unique: property keys of an Array or Object, field names of a
//!   platform record, Map keys and Set entries (by SameValueZero for
//!   primitive records, by identity for all others);
//! - a property's value is its record's id, or, as serialization writes
//!   it, a primitive in place (`slot` 01): that is the primitive record
//!   itself, kept where it is named instead of in the arena, so a
//!   1M-number Array is one record;
//! - no primitive record is named twice (by the root or an id field):
//!   serialization gives each occurrence of a primitive a record of its own,
//!   and deserialization copies a primitive wherever it is named, so sharing
//!   would let a few bytes stand for a large heap;
//! - a platform record's interface name is a Web IDL identifier.
//!
//! RegExp sources and flags are not judged here: deserialization builds the
//! RegExp through the realm, which throws on ones it cannot compile.
//! Records not reachable from the root are allowed (a transfer list may hold
//! a value the message does not mention).

mod check;
mod distinct;
mod read;
mod tag;
mod write;

#[cfg(test)]
mod tests;

use super::record::Serialized;
#[cfg(feature = "notation")]
pub(crate) use check::is_webidl_identifier;

/// The format version [`encode`] writes and the only one [`decode`] reads.
pub const FORMAT_VERSION: u8 = 3;

/// The four bytes every encoding starts with.
pub const MAGIC: [u8; 4] = *b"WMSR";

/// Why a record graph could not be encoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EncodeError {
    /// A SharedArrayBuffer or GrowableSharedArrayBuffer record: its Shared
    /// Data Block belongs to one agent cluster and has no byte form.
    #[error(
        "record {record} is a {kind}: shared memory cannot leave its agent cluster, so it has no byte form"
    )]
    SharedMemory {
        /// Index of the offending record.
        record: usize,
        /// Its `[[Type]]`: "SharedArrayBuffer" or "GrowableSharedArrayBuffer".
        kind: &'static str,
    },
    /// The graph is not well formed (see the module documentation), so its
    /// bytes would not decode. The text says which record and why.
    #[error("the records are not well formed: {0}")]
    IllFormed(String),
}

/// Why bytes were not accepted as an encoded record graph.
///
/// The message names the record (when inside one), the byte offset and what
/// is wrong, e.g. `record 3 (ArrayBufferView) at byte 13:
/// [[ArrayBufferSerialized]] refers to record 9, but there are only 5
/// records`. Errors found while reading a
/// field point at that field; errors about how records relate to each other
/// point at the start of the record that is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct DecodeError {
    offset: usize,
    message: String,
}

impl DecodeError {
    /// The byte offset the error points at (at most the input's length).
    pub fn offset(&self) -> usize {
        self.offset
    }
}

/// Encodes a record graph in the current [`FORMAT_VERSION`].
///
/// Fails on shared memory and on graphs that are not well formed, so that
/// whatever it returns, [`decode`] accepts and gives back an equal graph.
///
/// # Errors
///
/// [`EncodeError::SharedMemory`] for a SharedArrayBuffer record (shared
/// memory has no byte form), [`EncodeError::IllFormed`] for a graph whose
/// bytes would not decode (a dangling id, a view past its buffer).
pub fn encode(serialized: &Serialized) -> Result<Vec<u8>, EncodeError> {
    for (index, record) in serialized.records.iter().enumerate() {
        if let Some(kind) = tag::shared_kind(record) {
            return Err(EncodeError::SharedMemory { record: index, kind });
        }
    }
    check::well_formed(serialized, &mut distinct::Work::default()).map_err(|flaw| {
        EncodeError::IllFormed(match flaw.record {
            Some(index) => format!(
                "record {index} ({}): {}",
                tag::kind_name(&serialized.records[index]),
                flaw.message
            ),
            None => flaw.message,
        })
    })?;
    Ok(write::write(serialized))
}

/// Decodes and validates bytes from an untrusted source.
///
/// Accepts exactly the encodings [`encode`] produces: the result is a
/// well-formed graph, and encoding it again gives back the same bytes.
///
/// # Errors
///
/// A [`DecodeError`] naming the byte offset and what is wrong, for any
/// input that is not the encoding of a well-formed graph in
/// [`FORMAT_VERSION`].
pub fn decode(bytes: &[u8]) -> Result<Serialized, DecodeError> {
    decode_with_work(bytes).0
}

/// [`decode`], also telling how much work its duplicate checks did: every
/// code unit, byte or Map/Set entry they read, hashed or compared.
///
/// Those checks are where bytes could buy time: n long Strings that differ
/// only at their end, named by many Sets, once cost a full comparison per
/// pair per Set. They now hash each value once, so the work stays below
/// [`decode_work_bound`]`(bytes.len())`; the whole of [`decode`] is linear
/// in the input apart from sorting 64-bit hashes (O(n log n)). Tests and the
/// `decode_record` fuzz target check the bound.
///
/// # Example
///
/// A server that decodes messages from clients can hold each to its bound:
///
/// ```
/// use webmessaging::ecmascript::{AgentClusterId, Heap, Value};
/// use webmessaging::structured::{
///     NoPlatformObjects, decode_with_work, decode_work_bound, encode, structured_serialize_for_storage,
/// };
///
/// let mut heap = Heap::new(AgentClusterId(0));
/// let serialized =
///     structured_serialize_for_storage(&mut heap, &mut NoPlatformObjects, &Value::from("hello"))?;
/// let bytes = encode(&serialized)?;
/// let (decoded, work) = decode_with_work(&bytes);
/// assert!(decoded.is_ok());
/// assert!(work <= decode_work_bound(bytes.len()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn decode_with_work(bytes: &[u8]) -> (Result<Serialized, DecodeError>, u64) {
    let mut work = distinct::Work::default();
    let decoded = read::parse(bytes).and_then(|parsed| checked(parsed, &mut work));
    (decoded, work.0)
}

/// The most work [`decode_with_work`] reports for an input of `input_len`
/// bytes: four units per input byte. Each value is hashed once (at most its
/// encoded size), compared in full at most once with the first value equal
/// to it, and each Map or Set entry (at least one byte) is looked up once.
/// The keys of a record that has at most four are not hashed but compared
/// pairwise: at most three times a key's length, which its bytes hold.
/// The bound holds unless two distinct values share a 64-bit hash made with
/// random keys, which the input cannot arrange.
pub const fn decode_work_bound(input_len: usize) -> u64 {
    (input_len as u64).saturating_mul(4).saturating_add(16)
}

fn checked(parsed: read::Parsed, work: &mut distinct::Work) -> Result<Serialized, DecodeError> {
    if let Err(flaw) = check::well_formed(&parsed.serialized, work) {
        return Err(match flaw.record {
            Some(index) => {
                let offset = parsed.offsets[index];
                let kind = tag::kind_name(&parsed.serialized.records[index]);
                DecodeError {
                    offset,
                    message: format!("record {index} ({kind}) at byte {offset}: {}", flaw.message),
                }
            }
            None => DecodeError {
                offset: parsed.root_offset,
                message: format!("at byte {}: {}", parsed.root_offset, flaw.message),
            },
        });
    }
    Ok(parsed.serialized)
}

/// The most bytes [`decode`] allocates, in total over the whole call (freed
/// scratch space included), for an input of `input_len` bytes.
///
/// The bound is linear: a fixed allowance for the error message plus, per
/// input byte, the most any byte can cost. A record takes at least two
/// bytes, so the arena, the record offsets, the duplicate checks' value
/// classes and the naming check cost at most half a record, half a `usize`,
/// half a class slot and one flag per byte; on top of that a byte of content costs at most what its densest
/// kind costs (a two-byte property: its key and id in the record, and its
/// hash in the key check). String, buffer and text contents cost at most six
/// bytes per byte. On 64-bit targets this comes to `75 × input_len + 4096`.
pub const fn decoded_allocation_bound(input_len: usize) -> usize {
    input_len
        .saturating_mul(bytes_per_input_byte())
        .saturating_add(FIXED_ALLOWANCE)
}

/// Room for the error message and its formatting.
const FIXED_ALLOWANCE: usize = 4096;

const fn bytes_per_input_byte() -> usize {
    let arena = size_of::<super::record::Record>().div_ceil(read::MIN_RECORD_LEN)
        + size_of::<usize>().div_ceil(read::MIN_RECORD_LEN)
        + distinct::CLASS_SCRATCH.div_ceil(read::MIN_RECORD_LEN)
        // Whether each record has been named (primitives are named once).
        + size_of::<bool>().div_ceil(read::MIN_RECORD_LEN);
    let contents = [
        // Map entry: two ids in the record (the check works on classes).
        size_of::<(super::RecordId, super::RecordId)>().div_ceil(read::MIN_MAP_ENTRY_LEN),
        // Set entry.
        size_of::<super::RecordId>().div_ceil(read::MIN_SET_ENTRY_LEN),
        // Array element: its slot.
        size_of::<super::record::Slot>().div_ceil(read::MIN_ELEMENT_LEN),
        // Array or Object property: key and id, and a hash in the check.
        (size_of::<(crate::ecmascript::JsString, super::record::Slot)>() + distinct::KEY_SCRATCH)
            .div_ceil(read::MIN_PROPERTY_LEN),
        // Platform field.
        (size_of::<(String, super::RecordId)>() + distinct::KEY_SCRATCH).div_ceil(read::MIN_FIELD_LEN),
        // Code units, buffer bytes and UTF-8 text cost one byte a byte;
        // BigInt::parse may build its text by doubling from a small start,
        // which costs at most a few bytes more per encoded byte.
        6,
    ];
    let mut most = 0;
    let mut i = 0;
    while i < contents.len() {
        if contents[i] > most {
            most = contents[i];
        }
        i += 1;
    }
    arena + most
}
