//! StructuredSerializeWithTransfer and StructuredDeserializeWithTransfer:
//! serialization that moves, rather than copies, the objects of a transfer
//! list.
//!
//! <https://html.spec.whatwg.org/multipage/structured-data.html#structuredserializewithtransfer>

use super::deserialize::deserialize_with_supplied_memory;
use super::{CloneError, PlatformObjects, Record, Serialized, Serializer, TransferDataHolder};
use crate::ecmascript::{Realm, Value};
use crate::spec::step;
use std::fmt;

/// What StructuredSerializeWithTransfer returns: { [[Serialized]],
/// [[TransferDataHolders]] }. Nothing in it belongs to any realm, so it can
/// travel to another event loop.
///
/// The fields are private (the representation may change); use the
/// accessors, [`new`](Self::new) and [`into_parts`](Self::into_parts).
pub struct SerializeWithTransferResult {
    /// [[Serialized]]
    pub(crate) serialized: Serialized,
    /// [[TransferDataHolders]], in transfer-list order.
    pub(crate) transfer_data_holders: Vec<TransferDataHolder>,
}

impl SerializeWithTransferResult {
    /// { [[Serialized]]: `serialized`, [[TransferDataHolders]]: `transfer_data_holders` }.
    pub fn new(serialized: Serialized, transfer_data_holders: Vec<TransferDataHolder>) -> Self {
        SerializeWithTransferResult {
            serialized,
            transfer_data_holders,
        }
    }

    /// [[Serialized]]
    pub fn serialized(&self) -> &Serialized {
        &self.serialized
    }

    /// [[TransferDataHolders]], in transfer-list order.
    pub fn transfer_data_holders(&self) -> &[TransferDataHolder] {
        &self.transfer_data_holders
    }

    /// [[Serialized]] and [[TransferDataHolders]], by value.
    pub fn into_parts(self) -> (Serialized, Vec<TransferDataHolder>) {
        (self.serialized, self.transfer_data_holders)
    }
}

impl fmt::Debug for SerializeWithTransferResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SerializeWithTransferResult")
            .field("serialized", &self.serialized)
            .field("transfer_data_holders", &self.transfer_data_holders)
            .finish()
    }
}

/// What StructuredDeserializeWithTransfer returns: { [[Deserialized]],
/// [[TransferredValues]] }.
///
/// The fields are private (the representation may change); use the
/// accessors and [`into_parts`](Self::into_parts).
#[derive(Debug, Clone)]
pub struct DeserializeWithTransferResult<O> {
    /// [[Deserialized]]
    deserialized: Value<O>,
    /// [[TransferredValues]], in transfer-list order.
    transferred_values: Vec<O>,
}

impl<O> DeserializeWithTransferResult<O> {
    /// [[Deserialized]]
    pub fn deserialized(&self) -> &Value<O> {
        &self.deserialized
    }

    /// [[TransferredValues]], in transfer-list order.
    pub fn transferred_values(&self) -> &[O] {
        &self.transferred_values
    }

    /// [[Deserialized]] and [[TransferredValues]], by value.
    pub fn into_parts(self) -> (Value<O>, Vec<O>) {
        (self.deserialized, self.transferred_values)
    }
}

/// StructuredSerializeWithTransfer(*value*, *transferList*).
///
/// On error nothing has been detached, except where the standard itself
/// detaches buffers before it throws (step 5 runs in list order: an entry
/// found detached there throws after earlier entries moved).
///
/// <https://html.spec.whatwg.org/multipage/structured-data.html#structuredserializewithtransfer>
///
/// # Example
///
/// What `postMessage(buffer, [buffer])` does between two realms: serialize
/// with the transfer list in the sender's, hand the result (it belongs to
/// no realm) to the receiver, deserialize there.
///
/// ```
/// use webmessaging::ecmascript::{AgentClusterId, ArrayBufferState, Heap, ObjectKind, Realm, Value};
/// use webmessaging::structured::{
///     NoPlatformObjects, structured_deserialize_with_transfer, structured_serialize_with_transfer,
/// };
///
/// let mut sender = Heap::new(AgentClusterId(0));
/// let buffer = sender.alloc(ObjectKind::array_buffer_of(ArrayBufferState::Owned {
///     data: Some(vec![7; 1024]),
///     max_byte_length: None,
///     detach_key: false,
/// }));
/// let message = Value::Object(buffer);
/// let in_flight =
///     structured_serialize_with_transfer(&mut sender, &mut NoPlatformObjects, &message, &[buffer])?;
/// assert!(sender.is_detached_buffer(&buffer), "the sender's buffer is detached at once");
///
/// let mut receiver = Heap::new(AgentClusterId(0));
/// let received =
///     structured_deserialize_with_transfer(&mut receiver, &mut NoPlatformObjects, in_flight)?;
/// // The message is the transferred buffer itself, now the receiver's.
/// let &Value::Object(arrived) = received.deserialized() else { unreachable!() };
/// assert_eq!(received.transferred_values(), [arrived]);
/// assert_eq!(receiver.array_buffer_byte_length(arrived), Some(1024));
/// # Ok::<(), webmessaging::structured::CloneError<webmessaging::ecmascript::ObjectId>>(())
/// ```
///
/// # Errors
///
/// A [`CloneError`]: a DataCloneError for a transfer list entry that is
/// not transferable, listed twice, a SharedArrayBuffer or already detached,
/// or for anything [`structured_serialize`](crate::structured::structured_serialize)
/// refuses; or what the realm threw (a getter, DetachArrayBuffer's TypeError).
pub fn structured_serialize_with_transfer<R: Realm>(
    realm: &mut R,
    host: &mut dyn PlatformObjects<R>,
    value: &Value<R::Object>,
    transfer_list: &[R::Object],
) -> Result<SerializeWithTransferResult, CloneError<R::Object>> {
    step!("structuredserializewithtransfer/1"); // memory also marks the transfer list
    // No transfer list, and a lone primitive or an object of primitives
    // (issue 11): steps 2, 4 and 5 have nothing to do, and step 3's run makes
    // the one record the small path makes without its setup (see
    // `serialize/small.rs`; under `trace` every step runs).
    #[cfg(not(feature = "trace"))]
    if transfer_list.is_empty()
        && let Some(serialized) = super::serialize::lone_record(realm, value)
    {
        return Ok(SerializeWithTransferResult {
            serialized,
            transfer_data_holders: Vec::new(),
        });
    }
    let mut serializer = Serializer::with_supplied_memory(realm, false);

    step!("structuredserializewithtransfer/2"); // check each entry, reserve its record
    for (index, transferable) in transfer_list.iter().enumerate() {
        let realm = serializer.realm();
        let is_buffer = realm.array_buffer(transferable).is_some();
        let platform = realm.platform_object(transferable);
        let transferable_platform = platform
            .as_ref()
            .filter(|p| p.detached.is_some() && host.is_transferable(&p.interface));
        step!("structuredserializewithtransfer/2.1"); // only buffers and [Transferable] objects
        if !is_buffer && transferable_platform.is_none() {
            let what = platform.map_or_else(|| "this object".to_owned(), |p| format!("a {}", p.interface));
            return Err(CloneError::new_data_clone(
                "structuredserializewithtransfer/2.1",
                format!("transfer list entry {index}: {what} is not transferable"),
            ));
        }
        step!("structuredserializewithtransfer/2.2"); // shared memory cannot be transferred
        if is_buffer && realm.is_shared_array_buffer(transferable) {
            return Err(CloneError::new_data_clone(
                "structuredserializewithtransfer/2.2",
                format!("transfer list entry {index}: a SharedArrayBuffer cannot be transferred"),
            ));
        }
        step!("structuredserializewithtransfer/2.3"); // no entry twice
        if serializer.remembers(transferable) {
            return Err(CloneError::new_data_clone(
                "structuredserializewithtransfer/2.3",
                format!("transfer list entry {index}: the same object appears twice in the transfer list"),
            ));
        }
        step!("structuredserializewithtransfer/2.4"); // a placeholder, filled in by step 5
        serializer.remember(transferable.clone(), Record::Transferred { holder: index });
    }

    step!("structuredserializewithtransfer/3"); // serialize; may throw before anything moves
    let root = serializer.serialize_internal(host, value)?;
    let serialized = serializer.finish(root);

    step!("structuredserializewithtransfer/4");
    let mut transfer_data_holders = Vec::with_capacity(transfer_list.len());

    step!("structuredserializewithtransfer/5"); // now move each entry into its holder
    for (index, transferable) in transfer_list.iter().enumerate() {
        let buffer = realm.array_buffer(transferable);
        step!("structuredserializewithtransfer/5.1"); // a detached buffer cannot move
        if buffer.is_some() && realm.is_detached_buffer(transferable) {
            return Err(CloneError::new_data_clone(
                "structuredserializewithtransfer/5.1",
                format!("transfer list entry {index}: the ArrayBuffer is already detached"),
            ));
        }
        let platform = realm.platform_object(transferable);
        step!("structuredserializewithtransfer/5.2"); // nor a detached platform object
        if let Some(p) = &platform
            && p.detached == Some(true)
        {
            return Err(CloneError::new_data_clone(
                "structuredserializewithtransfer/5.2",
                format!(
                    "transfer list entry {index}: the {} is detached (already transferred or closed)",
                    p.interface
                ),
            ));
        }
        step!("structuredserializewithtransfer/5.3"); // the holder is the placeholder record
        let holder = if let Some(slots) = buffer {
            step!("structuredserializewithtransfer/5.4"); // a buffer hands over its data block
            step!("structuredserializewithtransfer/5.4.1"); // resizable: keeps its maximum
            if slots.max_byte_length.is_some() {
                step!("structuredserializewithtransfer/5.4.1.1");
                step!("structuredserializewithtransfer/5.4.1.2");
                step!("structuredserializewithtransfer/5.4.1.3");
                step!("structuredserializewithtransfer/5.4.1.4");
            } else {
                step!("structuredserializewithtransfer/5.4.2"); // fixed length
                step!("structuredserializewithtransfer/5.4.2.1");
                step!("structuredserializewithtransfer/5.4.2.2");
                step!("structuredserializewithtransfer/5.4.2.3");
            }
            // The holder's [[ArrayBufferData]] (5.4.1.2 / 5.4.2.2) is the block
            // that detaching takes: in Rust a block can only move once.
            step!("structuredserializewithtransfer/5.4.3"); // may throw (a detach key)
            let data = realm.detach_array_buffer(transferable)?;
            match slots.max_byte_length {
                Some(max_byte_length) => TransferDataHolder::ResizableArrayBuffer {
                    data,
                    max_byte_length,
                },
                None => TransferDataHolder::ArrayBuffer { data },
            }
        } else {
            step!("structuredserializewithtransfer/5.5"); // a platform object's transfer steps
            step!("structuredserializewithtransfer/5.5.1");
            let Some(platform) = platform else {
                return Err(CloneError::new_data_clone(
                    "structuredserializewithtransfer/5.5.1",
                    format!("transfer list entry {index}: not a transferable object"),
                ));
            };
            step!("structuredserializewithtransfer/5.5.2");
            let interface = platform.interface;
            step!("structuredserializewithtransfer/5.5.3");
            step!("structuredserializewithtransfer/5.5.4");
            let data = host.transfer_steps(realm, transferable)?;
            step!("structuredserializewithtransfer/5.5.5"); // it can never be used again
            realm.set_detached(transferable, true);
            TransferDataHolder::Platform { interface, data }
        };
        step!("structuredserializewithtransfer/5.6");
        transfer_data_holders.push(holder);
    }

    step!("structuredserializewithtransfer/6");
    Ok(SerializeWithTransferResult {
        serialized,
        transfer_data_holders,
    })
}

/// StructuredDeserializeWithTransfer(*serializeWithTransferResult*,
/// *targetRealm*).
///
/// <https://html.spec.whatwg.org/multipage/structured-data.html#structureddeserializewithtransfer>
///
/// # Errors
///
/// As [`structured_deserialize`](crate::structured::structured_deserialize),
/// and a DataCloneError when a transferred platform object's interface is not
/// exposed in this realm or its transfer-receiving steps fail.
pub fn structured_deserialize_with_transfer<R: Realm>(
    realm: &mut R,
    host: &mut dyn PlatformObjects<R>,
    result: SerializeWithTransferResult,
) -> Result<DeserializeWithTransferResult<R::Object>, CloneError<R::Object>> {
    let SerializeWithTransferResult {
        serialized,
        transfer_data_holders,
    } = result;
    step!("structureddeserializewithtransfer/1"); // memory also maps the holders
    step!("structureddeserializewithtransfer/2");
    step!("structureddeserializewithtransfer/3"); // a new object for each holder
    // Most messages transfer nothing: their delivery skips the holders'
    // bookkeeping (a vector of values, a second one for *memory*).
    let transferred_values = if transfer_data_holders.is_empty() {
        Vec::new()
    } else {
        transferred_values(realm, host, transfer_data_holders)?
    };

    step!("structureddeserializewithtransfer/4"); // then the value, through that memory
    let transferred: Vec<_> = if transferred_values.is_empty() {
        Vec::new()
    } else {
        transferred_values.iter().cloned().map(Value::Object).collect()
    };
    // The records are ours to consume: their buffers' bytes move into the
    // new ArrayBuffers rather than being copied a second time, and each
    // record is freed once its object is complete.
    let deserialized = deserialize_with_supplied_memory(realm, host, serialized, transferred)?;

    step!("structureddeserializewithtransfer/5");
    Ok(DeserializeWithTransferResult {
        deserialized,
        transferred_values,
    })
}

/// StructuredDeserializeWithTransfer's step 3 for a non-empty list of
/// holders: the new object of each, in order (its *transferredValues*).
fn transferred_values<R: Realm>(
    realm: &mut R,
    host: &mut dyn PlatformObjects<R>,
    transfer_data_holders: Vec<TransferDataHolder>,
) -> Result<Vec<R::Object>, CloneError<R::Object>> {
    let mut transferred_values = Vec::with_capacity(transfer_data_holders.len());
    for holder in transfer_data_holders {
        step!("structureddeserializewithtransfer/3.1");
        let value = match holder {
            TransferDataHolder::ArrayBuffer { data } => {
                step!("structureddeserializewithtransfer/3.2"); // the same block, a new ArrayBuffer
                realm.create_array_buffer(data, None)?
            }
            TransferDataHolder::ResizableArrayBuffer {
                data,
                max_byte_length,
            } => {
                step!("structureddeserializewithtransfer/3.3");
                realm.create_array_buffer(data, Some(max_byte_length))?
            }
            TransferDataHolder::Platform { interface, data } => {
                step!("structureddeserializewithtransfer/3.4"); // a platform object of that interface
                step!("structureddeserializewithtransfer/3.4.1");
                step!("structureddeserializewithtransfer/3.4.2"); // exposed in the target realm
                if !host.is_exposed(&interface, realm) {
                    return Err(CloneError::new_data_clone(
                        "structureddeserializewithtransfer/3.4.2",
                        format!(
                            "{interface} is not exposed in the target realm, so it could not be transferred"
                        ),
                    ));
                }
                step!("structureddeserializewithtransfer/3.4.3");
                let value = host.new_instance(realm, &interface)?;
                step!("structureddeserializewithtransfer/3.4.4"); // its transfer-receiving steps
                host.transfer_receiving_steps(realm, data, &value)?;
                value
            }
        };
        step!("structureddeserializewithtransfer/3.5"); // memory: the holder's record is this value
        step!("structureddeserializewithtransfer/3.6");
        transferred_values.push(value);
    }

    Ok(transferred_values)
}
