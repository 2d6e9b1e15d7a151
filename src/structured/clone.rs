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
///
/// # Errors
///
/// A [`CloneError`]: a DataCloneError when `value` holds something that
/// cannot be cloned or a transfer list entry cannot be transferred (its
/// [`step`](crate::structured::DataCloneError::step) says which step of the
/// standard threw), or the value the realm threw (a getter, a failed
/// allocation), unchanged. A serialization error leaves the transfer list
/// as it was, except where the standard detaches before it throws (see
/// [`structured_serialize_with_transfer`](crate::structured::structured_serialize_with_transfer));
/// once serialization succeeded the buffers are detached, even if
/// deserialization then fails.
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
    Ok(deserialize_record.into_parts().0)
}
