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
//! | `structuredClone()` | `clone.rs` |
//! | the records themselves | `record.rs` |

mod clone;
mod deserialize;
mod error;
mod platform;
mod record;
mod serialize;
mod transfer;

pub use clone::structured_clone;
pub use deserialize::{Deserializer, structured_deserialize};
pub use error::CloneError;
pub use platform::{NoPlatformObjects, PlatformObjects, TransferData, TransferDataHolder};
pub use record::{Primitive, Record, RecordId, Serialized};
pub use serialize::{Serializer, structured_serialize, structured_serialize_for_storage};
pub use transfer::{
    DeserializeWithTransferResult, SerializeWithTransferResult, structured_deserialize_with_transfer,
    structured_serialize_with_transfer,
};
