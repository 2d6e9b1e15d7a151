//! The ECMAScript surface the HTML algorithms stand on: values, the `Realm`
//! trait of abstract operations, and the built-in `Heap` realm.
//!
//! Nothing above this layer looks inside a realm except through [`Realm`], so
//! a real engine can implement the trait and reuse every algorithm.
//! (what each method must do: [`implementing_realm`](crate::implementing_realm)).
//!
//! - [`Value`] is an ECMAScript value whose objects are the realm's handles
//!   (`Value<O>`); Numbers keep `-0` and NaN, Strings are UTF-16 code units
//!   ([`JsString`]), so a lone surrogate survives a clone.
//! - [`Heap`] is the built-in realm: an arena of objects with every kind of
//!   internal slot the algorithms inspect, made with [`Heap::alloc`] and
//!   read like any realm through the [`Realm`] trait.
//!
//! # Example
//!
//! `{ "0": "\u{D800}", length: -0 }` built in the heap and read back through
//! the trait, as the structured-data algorithms read it:
//!
//! ```
//! use webmessaging::ecmascript::{
//!     AgentClusterId, Heap, JsString, ObjectKind, OwnProperty, PropertyKey, Realm, Value,
//! };
//!
//! let mut heap = Heap::new(AgentClusterId(0));
//! let object = heap.alloc(ObjectKind::Ordinary);
//! let lone = JsString::from_code_units(vec![0xD800]); // not valid UTF-8, still a String
//! heap.define_property(object, PropertyKey::from("length"), OwnProperty::new_data(Value::Number(-0.0)));
//! heap.define_property(object, PropertyKey::from("0"), OwnProperty::new_data(Value::String(lone.clone())));
//!
//! // [[OwnPropertyKeys]] order: integer indices first, then creation order.
//! let keys = heap.enumerable_own_property_keys(&object);
//! assert_eq!(keys, [JsString::from("0"), JsString::from("length")]);
//! let Value::String(s) = heap.get(&object, &PropertyKey::from("0")).unwrap() else { panic!() };
//! assert_eq!(s.code_units(), &[0xD800]);
//! let length = heap.get(&object, &PropertyKey::from("length")).unwrap();
//! assert!(length.same_value(&Value::Number(-0.0)) && !length.same_value(&Value::Number(0.0)));
//! assert!(!heap.is_callable(&object));
//! assert_eq!(heap.date_value(&object), None, "slot readers answer None for a missing slot");
//! ```

mod bigint;
mod heap;
mod number;
mod realm;
mod shared_memory;
mod slot_kind;
mod string;
mod value;

pub use bigint::{BigInt, BigIntParseError};
pub use heap::{
    Accessor, ArrayBufferState, Heap, HeapObject, ObjectId, ObjectKind, OwnProperty, PropertyList,
    RegExpSlots,
};
pub use number::{is_time_value, number_to_string, time_clip};
pub use realm::{
    AgentClusterId, ArrayBufferSlots, ErrorPrototype, Exception, MapEntry, PlatformObjectSlots,
    PropertyDescriptor, Realm, ViewKind, ViewSlots,
};
pub use shared_memory::{SharedBytes, SharedDataBlock, SharedMemory};
pub use slot_kind::SlotKind;
pub use string::JsString;
pub use value::{PropertyKey, Symbol, Value};
