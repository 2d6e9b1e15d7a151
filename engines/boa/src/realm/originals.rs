//! The built-in functions the realm calls to read internal slots that Boa's
//! public Rust API does not expose, taken from the intrinsics once per Boa
//! realm and kept, so that a script that later replaces or deletes
//! `ArrayBuffer.prototype.maxByteLength` (say) cannot change what the
//! algorithms see.
//!
//! Each of these getters reads only its receiver's internal slots and never
//! runs author code; called on an object without the slot it throws a
//! TypeError (or answers undefined), which the realm reads as "no such slot".

use boa_engine::property::{PropertyDescriptor, PropertyKey as BoaKey};
use boa_engine::{Context, Finalize, JsData, JsObject, JsResult, JsValue, Trace, js_string};

/// The original getters, captured from one realm's intrinsics.
#[derive(Clone, Debug, Trace, Finalize, JsData)]
pub struct Originals {
    /// `get ArrayBuffer.prototype.resizable`: IsFixedLengthArrayBuffer.
    pub array_buffer_resizable: JsObject,
    /// `get ArrayBuffer.prototype.maxByteLength`: [[ArrayBufferMaxByteLength]].
    pub array_buffer_max_byte_length: JsObject,
    /// `get SharedArrayBuffer.prototype.growable`.
    pub shared_growable: JsObject,
    /// `get SharedArrayBuffer.prototype.maxByteLength`.
    pub shared_max_byte_length: JsObject,
    /// `get Error.prototype.stack`: Boa's rendering of [[Stack]].
    pub error_stack: JsObject,
    /// `WeakRef.prototype.deref`: throws unless its receiver has
    /// [[WeakRefTarget]] (Boa has no public test for a WeakRef).
    pub weak_ref_deref: JsObject,
    /// `Reflect.getOwnPropertyDescriptor`: [[GetOwnProperty]] of any object.
    pub get_own_property_descriptor: JsObject,
}

impl Originals {
    /// The originals of the context's current realm: captured at the first
    /// call in that realm and kept in its host-defined data. (A script that
    /// ran before the first call could have replaced them already; the host
    /// in this crate makes the first call before any script runs.)
    pub fn of(context: &mut Context) -> JsResult<Originals> {
        if let Some(originals) = context.realm().host_defined().get::<Originals>() {
            return Ok(originals.clone());
        }
        let constructors = context.intrinsics().constructors();
        let array_buffer = constructors.array_buffer().prototype();
        let shared = constructors.shared_array_buffer().prototype();
        let error = constructors.error().prototype();
        let weak_ref = constructors.weak_ref().prototype();
        let reflect = context.intrinsics().objects().reflect();
        let originals = Originals {
            array_buffer_resizable: getter(&array_buffer, "resizable")?,
            array_buffer_max_byte_length: getter(&array_buffer, "maxByteLength")?,
            shared_growable: getter(&shared, "growable")?,
            shared_max_byte_length: getter(&shared, "maxByteLength")?,
            error_stack: getter(&error, "stack")?,
            weak_ref_deref: method(&weak_ref, "deref")?,
            get_own_property_descriptor: method(&reflect, "getOwnPropertyDescriptor")?,
        };
        context.realm().host_defined_mut().insert(originals.clone());
        Ok(originals)
    }
}

fn missing(name: &str) -> boa_engine::JsError {
    boa_engine::JsNativeError::typ()
        .with_message(format!("the intrinsic {name} is missing"))
        .into()
}

/// The getter of an accessor property of `object`, read without running code.
fn getter(object: &JsObject, name: &str) -> JsResult<JsObject> {
    own_function(object, name, |desc| desc.get().cloned())
}

/// The function held by a data property of `object`, read without running code.
fn method(object: &JsObject, name: &str) -> JsResult<JsObject> {
    own_function(object, name, |desc| desc.value().cloned())
}

/// The function `pick` finds in `object`'s own property `name`.
fn own_function(
    object: &JsObject,
    name: &str,
    pick: impl FnOnce(&PropertyDescriptor) -> Option<JsValue>,
) -> JsResult<JsObject> {
    let key = BoaKey::from(js_string!(name));
    let desc = object.borrow().properties().get(&key);
    desc.and_then(|desc| pick(&desc))
        .and_then(|f| f.as_object())
        .ok_or_else(|| missing(name))
}
