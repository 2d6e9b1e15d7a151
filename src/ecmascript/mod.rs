//! The ECMAScript surface the HTML algorithms stand on: values, the `Realm`
//! trait of abstract operations, and the built-in `Heap` realm.
//!
//! Nothing above this layer looks inside a realm except through [`Realm`], so
//! a real engine can implement the trait and reuse every algorithm.

mod bigint;
mod heap;
mod number;
mod realm;
mod shared_memory;
mod string;
mod value;

pub use bigint::{BigInt, BigIntParseError};
pub use heap::{
    Accessor, ArrayBufferState, Heap, HeapObject, ObjectId, ObjectKind, OwnProperty, PropertyList,
};
pub use number::{is_time_value, number_to_string, time_clip};
pub use realm::{
    AgentClusterId, ArrayBufferSlots, ErrorPrototype, Exception, MapEntry, PlatformObjectSlots,
    PropertyDescriptor, Realm, ViewKind, ViewSlots,
};
pub use shared_memory::{SharedBytes, SharedDataBlock, SharedMemory};
pub use string::JsString;
pub use value::{PropertyKey, Symbol, Value};
