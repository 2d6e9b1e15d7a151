//! "Safe passing of structured data": serialized records and the algorithms
//! that make and read them.
//!
//! <https://html.spec.whatwg.org/multipage/structured-data.html#safe-passing-of-structured-data>
//!
//! | standard | here |
//! |---|---|
//! | StructuredSerializeInternal, StructuredSerialize, StructuredSerializeForStorage | `serialize.rs` (steps 7 – 24 in `serialize/slots.rs`, step 26 in `serialize/contents.rs`) |
//! | StructuredDeserialize | `deserialize.rs` (steps 5 – 22 in `deserialize/values.rs`, step 24 in `deserialize/contents.rs`, the records in `deserialize/records.rs`) |
//! | StructuredSerializeWithTransfer, StructuredDeserializeWithTransfer | `transfer.rs` |
//! | serializable / transferable platform objects | `platform.rs` |
//! | the standard's `Person` example of a serializable interface | `person.rs` |
//! | `structuredClone()` | `clone.rs` |
//! | the records themselves | `record.rs` |
//! | the *memory* map of serialization | `memory.rs` |
//! | their versioned byte form, validated on the way in | `encoding/` |
//!
//! Every algorithm takes the realm (`&mut R` with `R:`
//! [`Realm`](crate::ecmascript::Realm)) and a host, the
//! [`PlatformObjects`] that answers for the platform objects of the realm's
//! global (MessagePort is the messaging layer's; [`NoPlatformObjects`] has
//! none). A failure is a [`CloneError`]: a DataCloneError with the id of the
//! step that threw it, or the value the realm threw.
//!
//! # Example
//!
//! StructuredSerialize in one realm and StructuredDeserialize in another of
//! the same agent cluster, the way `postMessage` crosses realms; the
//! records in between are plain Rust data. A cycle and a shared reference
//! come out as they went in.
//!
//! ```
//! use webmessaging::ecmascript::{
//!     AgentClusterId, Heap, ObjectKind, OwnProperty, PropertyKey, Realm, Value,
//! };
//! use webmessaging::structured::{
//!     NoPlatformObjects, Record, structured_deserialize, structured_serialize,
//! };
//!
//! let mut sender = Heap::new(AgentClusterId(0));
//! // const value = [inner, inner]; value.self = value;
//! let inner = sender.alloc(ObjectKind::Ordinary);
//! let value = sender.alloc(ObjectKind::Array { length: 2 });
//! for (key, v) in [("0", inner), ("1", inner), ("self", value)] {
//!     sender.define_property(value, PropertyKey::from(key), OwnProperty::new_data(Value::Object(v)));
//! }
//! let serialized = structured_serialize(&mut sender, &mut NoPlatformObjects, &Value::Object(value))?;
//! assert!(matches!(serialized.records()[serialized.root().index()], Record::Array { .. }));
//!
//! let mut receiver = Heap::new(AgentClusterId(0));
//! let Value::Object(copy) = structured_deserialize(&mut receiver, &mut NoPlatformObjects, &serialized)?
//! else {
//!     unreachable!()
//! };
//! let get = |heap: &mut Heap, key: &str| heap.get(&copy, &PropertyKey::from(key)).unwrap();
//! let (first, second) = (get(&mut receiver, "0"), get(&mut receiver, "1"));
//! assert!(first.same_value(&second), "one object, twice");
//! assert!(get(&mut receiver, "self").same_value(&Value::Object(copy)), "the cycle");
//! # Ok::<(), webmessaging::structured::CloneError<webmessaging::ecmascript::ObjectId>>(())
//! ```

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
