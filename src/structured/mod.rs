//! "Safe passing of structured data": serialized records and the algorithms
//! that make and read them.
//!
//! <https://html.spec.whatwg.org/multipage/structured-data.html#safe-passing-of-structured-data>
//!
//! | standard | here |
//! |---|---|
//! | StructuredSerializeInternal, StructuredSerialize, StructuredSerializeForStorage | `serialize.rs` |
//! | StructuredDeserialize | `deserialize.rs` |
//! | StructuredSerializeWithTransfer, StructuredDeserializeWithTransfer | `transfer.rs` |
//! | serializable / transferable platform objects | `platform.rs` |
//! | the standard's `Person` example of a serializable interface | `person.rs` |
//! | `structuredClone()` | `clone.rs` |
//! | the records themselves | `record.rs` |
//! | the *memory* map of serialization | `memory.rs` |
//! | their versioned byte form, validated on the way in | `encoding/` |

mod clone;
mod deserialize;
mod encoding;
mod error;
mod memory;
mod person;
mod platform;
mod record;
mod serialize;
mod transfer;

pub use clone::structured_clone;
pub use deserialize::{Deserializer, structured_deserialize};
#[cfg(feature = "notation")]
pub(crate) use encoding::is_webidl_identifier;
pub use encoding::{
    DecodeError, EncodeError, FORMAT_VERSION, MAGIC, decode, decode_with_work, decode_work_bound,
    decoded_allocation_bound, encode,
};
pub use error::{CloneError, DataCloneError};
pub use person::{PERSON, PersonData, PersonHost};
pub use platform::{NoPlatformObjects, PlatformObjects, TransferData, TransferDataHolder};
pub use record::{Primitive, Record, RecordId, Serialized, Slot};
pub use serialize::{Serializer, structured_serialize, structured_serialize_for_storage};
pub use transfer::{
    DeserializeWithTransferResult, SerializeWithTransferResult, structured_deserialize_with_transfer,
    structured_serialize_with_transfer,
};
