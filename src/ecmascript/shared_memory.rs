//! Shared Data Blocks: the memory behind SharedArrayBuffers, which records
//! carry by reference (a serialized SharedArrayBuffer shares, never copies).
//!
//! <https://tc39.es/ecma262/#sec-shared-data-block>

use std::any::Any;
use std::fmt;
use std::sync::{Arc, Mutex};

/// The memory of a Shared Data Block, as an engine holds it. The built-in
/// heap's is a mutex over bytes; an engine implements this for its own
/// shared memory (and downcasts through [`SharedMemory::as_any`] when a
/// record's block comes back to it), so records never copy or own it.
pub trait SharedMemory: Send + Sync + fmt::Debug {
    /// The current length in bytes (for a growable SharedArrayBuffer, what
    /// [[ArrayBufferByteLengthData]] holds now).
    fn byte_length(&self) -> usize;
    /// A copy of the bytes now in the block.
    fn snapshot(&self) -> Vec<u8>;
    /// The engine's own type, for downcasting.
    fn as_any(&self) -> &dyn Any;
}

/// The built-in heap's shared memory: bytes behind a mutex; the vector's
/// length is the current byte length.
#[derive(Debug, Default)]
pub struct SharedBytes(pub Mutex<Vec<u8>>);

impl SharedBytes {
    /// Runs `f` on the bytes (a poisoned lock still guards intact bytes).
    pub fn with<T>(&self, f: impl FnOnce(&mut Vec<u8>) -> T) -> T {
        f(&mut self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()))
    }
}

impl SharedMemory for SharedBytes {
    fn byte_length(&self) -> usize {
        self.with(|b| b.len())
    }
    fn snapshot(&self) -> Vec<u8> {
        self.with(|b| b.clone())
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// A handle to a Shared Data Block, shared by every SharedArrayBuffer object
/// (in any realm of the agent cluster) that views it.
#[derive(Clone, Debug)]
pub struct SharedDataBlock(Arc<dyn SharedMemory>);

impl Default for SharedDataBlock {
    fn default() -> Self {
        SharedDataBlock::new(Vec::new())
    }
}

impl SharedDataBlock {
    /// A new block of the built-in kind holding these bytes.
    pub fn new(bytes: Vec<u8>) -> Self {
        SharedDataBlock(Arc::new(SharedBytes(Mutex::new(bytes))))
    }

    /// A block of an engine's own shared memory.
    pub fn from_memory(memory: Arc<dyn SharedMemory>) -> Self {
        SharedDataBlock(memory)
    }

    /// The memory itself.
    pub fn memory(&self) -> &dyn SharedMemory {
        &*self.0
    }

    /// The built-in bytes, when the block is of the built-in kind.
    pub fn bytes(&self) -> Option<&SharedBytes> {
        self.0.as_any().downcast_ref::<SharedBytes>()
    }

    /// A copy of the bytes now in the block.
    pub fn snapshot(&self) -> Vec<u8> {
        self.0.snapshot()
    }

    /// Current length in bytes.
    pub fn len(&self) -> usize {
        self.0.byte_length()
    }

    /// Whether the block holds no bytes.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether both handles are the same block.
    pub fn same_block(&self, other: &SharedDataBlock) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl PartialEq for SharedDataBlock {
    fn eq(&self, other: &Self) -> bool {
        self.same_block(other)
    }
}

/// Shared memory stays in its agent cluster: it has no byte form, so a
/// record holding one refuses to be written (and no bytes ever decode to one).
impl serde::Serialize for SharedDataBlock {
    fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
        Err(serde::ser::Error::custom(
            "a SharedArrayBuffer's Shared Data Block cannot leave its agent cluster",
        ))
    }
}

impl<'de> serde::Deserialize<'de> for SharedDataBlock {
    fn deserialize<D: serde::Deserializer<'de>>(_: D) -> Result<Self, D::Error> {
        Err(serde::de::Error::custom(
            "a SharedArrayBuffer's Shared Data Block cannot be read from bytes",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_share_one_block() {
        let block = SharedDataBlock::new(vec![1, 2]);
        let other = block.clone();
        block.bytes().unwrap().with(|b| b.push(3));
        assert_eq!(other.snapshot(), [1, 2, 3]);
        assert!(block.same_block(&other));
        assert!(!block.same_block(&SharedDataBlock::new(vec![1, 2, 3])));
    }
}
