//! "Safe passing of structured data": serialized records and the algorithms
//! that make and read them.
//!
//! <https://html.spec.whatwg.org/multipage/structured-data.html#safe-passing-of-structured-data>

mod encoding;
mod error;
mod record;

pub use encoding::{
    DecodeError, EncodeError, FORMAT_VERSION, MAGIC, decode, decoded_allocation_bound, encode,
};
pub use error::CloneError;
pub use record::{Primitive, Record, RecordId, Serialized};
