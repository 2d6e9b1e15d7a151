//! How platform objects take part in structured cloning: the \[Serializable]
//! and \[Transferable] interfaces' steps, supplied by the host.
//!
//! <https://html.spec.whatwg.org/multipage/structured-data.html#serializable-objects>
//! <https://html.spec.whatwg.org/multipage/structured-data.html#transferable-objects>

use super::{CloneError, Deserializer, RecordId, Serializer};
use crate::ecmascript::Realm;
use std::any::Any;
use std::fmt;

/// What a transferable interface's transfer steps put into a data holder,
/// beyond [[Type]]: realm-independent and free to move to another thread.
pub type TransferData = Box<dyn Any + Send>;

/// The host's platform objects: which interfaces are \[Serializable] or
/// \[Transferable], and their steps. One value serves one realm type.
pub trait PlatformObjects<R: Realm> {
    /// Whether the interface is decorated with \[Serializable].
    fn is_serializable(&self, interface: &str) -> bool;

    /// The interface's serialization steps: returns the fields to set on the
    /// serialized record, each made by a sub-serialization through
    /// `serializer` (pass `self` back as its host).
    ///
    /// # Errors
    ///
    /// A [`CloneError`]: a DataCloneError for what the interface's steps refuse,
    /// or what the realm threw during them.
    fn serialization_steps(
        &mut self,
        serializer: &mut Serializer<'_, R>,
        value: &R::Object,
    ) -> Result<Vec<(String, RecordId)>, CloneError<R::Object>>;

    /// Whether the interface is exposed in `realm`.
    fn is_exposed(&self, interface: &str, realm: &R) -> bool;

    /// A new instance of the interface, created in the deserializer's realm,
    /// with none of its internal data set up.
    ///
    /// # Errors
    ///
    /// A [`CloneError`]: a DataCloneError for what the interface's steps refuse,
    /// or what the realm threw during them.
    fn new_instance(&mut self, realm: &mut R, interface: &str) -> Result<R::Object, CloneError<R::Object>>;

    /// The interface's deserialization steps, given the serialized fields;
    /// sub-deserializations go through `deserializer`.
    ///
    /// # Errors
    ///
    /// A [`CloneError`]: a DataCloneError for what the interface's steps refuse,
    /// or what the realm threw during them.
    fn deserialization_steps(
        &mut self,
        deserializer: &mut Deserializer<'_, R>,
        value: &R::Object,
        fields: &[(String, RecordId)],
    ) -> Result<(), CloneError<R::Object>>;

    /// Whether the interface is decorated with \[Transferable].
    fn is_transferable(&self, interface: &str) -> bool;

    /// The interface's transfer steps for `value`, filling a data holder.
    ///
    /// # Errors
    ///
    /// A [`CloneError`]: a DataCloneError for what the interface's steps refuse,
    /// or what the realm threw during them.
    fn transfer_steps(
        &mut self,
        realm: &mut R,
        value: &R::Object,
    ) -> Result<TransferData, CloneError<R::Object>>;

    /// The interface's transfer-receiving steps: given the data holder, set
    /// up `value`, a new instance made by [`PlatformObjects::new_instance`].
    ///
    /// # Errors
    ///
    /// A [`CloneError`]: a DataCloneError for what the interface's steps refuse,
    /// or what the realm threw during them.
    fn transfer_receiving_steps(
        &mut self,
        realm: &mut R,
        data: TransferData,
        value: &R::Object,
    ) -> Result<(), CloneError<R::Object>>;
}

/// A host without platform objects: nothing is serializable, transferable or
/// exposed beyond what ECMAScript itself defines.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoPlatformObjects;

impl<R: Realm> PlatformObjects<R> for NoPlatformObjects {
    fn is_serializable(&self, _: &str) -> bool {
        false
    }
    fn serialization_steps(
        &mut self,
        _: &mut Serializer<'_, R>,
        _: &R::Object,
    ) -> Result<Vec<(String, RecordId)>, CloneError<R::Object>> {
        Err(CloneError::new_data_clone(
            "structuredserializeinternal/26.3",
            "this host has no serializable platform objects",
        ))
    }
    fn is_exposed(&self, _: &str, _: &R) -> bool {
        false
    }
    fn new_instance(&mut self, _: &mut R, interface: &str) -> Result<R::Object, CloneError<R::Object>> {
        Err(CloneError::new_data_clone(
            "structureddeserialize/22.3",
            format!("{interface} is not exposed in the target realm"),
        ))
    }
    fn deserialization_steps(
        &mut self,
        _: &mut Deserializer<'_, R>,
        _: &R::Object,
        _: &[(String, RecordId)],
    ) -> Result<(), CloneError<R::Object>> {
        Err(CloneError::new_data_clone(
            "structureddeserialize/24.4.1",
            "this host has no serializable platform objects",
        ))
    }
    fn is_transferable(&self, _: &str) -> bool {
        false
    }
    fn transfer_steps(&mut self, _: &mut R, _: &R::Object) -> Result<TransferData, CloneError<R::Object>> {
        Err(CloneError::new_data_clone(
            "structuredserializewithtransfer/5.5.4",
            "this host has no transferable platform objects",
        ))
    }
    fn transfer_receiving_steps(
        &mut self,
        _: &mut R,
        _: TransferData,
        _: &R::Object,
    ) -> Result<(), CloneError<R::Object>> {
        Err(CloneError::new_data_clone(
            "structureddeserializewithtransfer/3.4.4",
            "this host has no transferable platform objects",
        ))
    }
}

/// A transfer data holder (StructuredSerializeWithTransfer step 5): what a
/// transferred object leaves behind for the receiving realm.
pub enum TransferDataHolder {
    /// [[Type]] "ArrayBuffer": the detached buffer's data block.
    ArrayBuffer {
        /// [[ArrayBufferData]]; [[ArrayBufferByteLength]] is its length.
        data: Vec<u8>,
    },
    /// [[Type]] "ResizableArrayBuffer".
    ResizableArrayBuffer {
        /// [[ArrayBufferData]]; [[ArrayBufferByteLength]] is its length.
        data: Vec<u8>,
        /// [[ArrayBufferMaxByteLength]]
        max_byte_length: usize,
    },
    /// [[Type]] a transferable interface's identifier, with what its transfer
    /// steps stored.
    Platform {
        /// The interface identifier.
        interface: String,
        /// The fields the transfer steps set.
        data: TransferData,
    },
}

impl TransferDataHolder {
    /// [[Type]] of the holder.
    pub fn type_name(&self) -> &str {
        match self {
            TransferDataHolder::ArrayBuffer { .. } => "ArrayBuffer",
            TransferDataHolder::ResizableArrayBuffer { .. } => "ResizableArrayBuffer",
            TransferDataHolder::Platform { interface, .. } => interface,
        }
    }
}

impl fmt::Debug for TransferDataHolder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransferDataHolder::ArrayBuffer { data } => f
                .debug_struct("ArrayBuffer")
                .field("byte_length", &data.len())
                .finish(),
            TransferDataHolder::ResizableArrayBuffer {
                data,
                max_byte_length,
            } => f
                .debug_struct("ResizableArrayBuffer")
                .field("byte_length", &data.len())
                .field("max_byte_length", max_byte_length)
                .finish(),
            TransferDataHolder::Platform { interface, .. } => f
                .debug_struct("Platform")
                .field("interface", interface)
                .finish_non_exhaustive(),
        }
    }
}
