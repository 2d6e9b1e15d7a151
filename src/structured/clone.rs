//! The structured cloning API: `structuredClone(value, { transfer })`.
//!
//! <https://html.spec.whatwg.org/multipage/structured-data.html#structured-cloning>

use super::{
    CloneError, PlatformObjects, structured_deserialize_with_transfer, structured_serialize_with_transfer,
};
use crate::ecmascript::{Realm, Value};
use crate::spec::step;

/// The `structuredClone(value, options)` method steps, with this's relevant
/// realm as both the source and the target realm.
///
/// <https://html.spec.whatwg.org/multipage/structured-data.html#dom-structuredclone>
pub fn structured_clone<R: Realm>(
    realm: &mut R,
    host: &mut dyn PlatformObjects<R>,
    value: Value<R::Object>,
    transfer: &[R::Object],
) -> Result<Value<R::Object>, CloneError<R::Object>> {
    step!("dom-structuredclone/1"); // serialize with the transfer list
    let serialized = structured_serialize_with_transfer(realm, host, &value, transfer)?;
    step!("dom-structuredclone/2"); // deserialize into the same realm
    let deserialize_record = structured_deserialize_with_transfer(realm, host, serialized)?;
    step!("dom-structuredclone/3");
    Ok(deserialize_record.deserialized)
}
