//! The *memory* of StructuredSerializeInternal: which objects have been
//! serialized already, and to which record.
//!
//! <https://html.spec.whatwg.org/multipage/structured-data.html#structuredserializeinternal>
//!
//! The standard's map is keyed by object identity. A realm that numbers its
//! objects densely (an arena's slot numbers: [`Realm::dense_object_index`])
//! gets a vector indexed by that number instead of a hash table; objects
//! without a number, or with one far past what this run has visited, go to
//! a hash table of handles. The vector never grows past a constant times
//! the records made so far, so a small message from a large realm costs
//! little.
//!
//! [`Realm::dense_object_index`]: crate::ecmascript::Realm::dense_object_index

use super::RecordId;
use rustc_hash::FxHashMap;
use std::hash::Hash;

/// Slots of the vector the run may hold per record made, plus a start.
/// The start is small: a message of a few objects from an agent whose heap
/// holds thousands would otherwise allocate and zero a vector that long on
/// every post (the objects it sends live at any slot of the heap).
const DENSE_PER_RECORD: usize = 4;
const DENSE_START: usize = 256;

/// Objects already serialized in this run, with their records.
pub(crate) struct Memory<O> {
    /// By dense object index: the record id plus one; 0 is absent.
    dense: Vec<u32>,
    /// The others, by handle.
    hashed: FxHashMap<O, RecordId>,
}

impl<O: Eq + Hash> Memory<O> {
    /// An empty memory.
    pub(crate) fn new() -> Self {
        Memory {
            dense: Vec::new(),
            hashed: FxHashMap::default(),
        }
    }

    /// The record `object` (whose dense index, if any, is `index`) was given.
    pub(crate) fn get(&self, object: &O, index: Option<usize>) -> Option<RecordId> {
        if let Some(&slot) = index.and_then(|i| self.dense.get(i))
            && slot != 0
        {
            return Some(RecordId(slot - 1));
        }
        if self.hashed.is_empty() {
            return None;
        }
        self.hashed.get(object).copied()
    }

    /// Remembers that `object` became record `id`; `records` is how many
    /// records the run has made (the vector's budget).
    pub(crate) fn insert(&mut self, object: O, index: Option<usize>, id: RecordId, records: usize) {
        let budget = records
            .saturating_mul(DENSE_PER_RECORD)
            .saturating_add(DENSE_START);
        if let (Some(i), Some(slot)) = (index, id.0.checked_add(1))
            && i < budget
        {
            if i >= self.dense.len() {
                // The first growth takes the whole start at once (1 KiB): a
                // small graph's objects would otherwise double the vector
                // up from one slot, a reallocation and a copy at each step.
                let grown = (self.dense.len().saturating_mul(2))
                    .max(DENSE_START)
                    .clamp(i + 1, budget);
                self.dense.resize(grown, 0);
            }
            self.dense[i] = slot;
            return;
        }
        self.hashed.insert(object, id);
    }

    /// Slots the vector holds (for tests of its budget).
    #[cfg(test)]
    pub(crate) fn dense_len(&self) -> usize {
        self.dense.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dense_and_hashed_objects_are_both_found() {
        let mut memory = Memory::new();
        memory.insert("near", Some(3), RecordId(0), 1);
        memory.insert("unnumbered", None, RecordId(1), 2);
        memory.insert("far", Some(1 << 30), RecordId(2), 3);
        assert_eq!(memory.get(&"near", Some(3)), Some(RecordId(0)));
        assert_eq!(memory.get(&"unnumbered", None), Some(RecordId(1)));
        assert_eq!(memory.get(&"far", Some(1 << 30)), Some(RecordId(2)));
        assert_eq!(memory.get(&"other", Some(4)), None);
        assert_eq!(memory.get(&"other", None), None);
    }

    #[test]
    fn the_vector_stays_within_its_budget() {
        let mut memory = Memory::new();
        // An object numbered far past the work done goes to the hash table.
        memory.insert(1usize, Some(1_000_000), RecordId(0), 1);
        assert_eq!(memory.dense_len(), 0);
        // One numbered within the budget grows the vector, never past it.
        memory.insert(2usize, Some(5000), RecordId(1), 1300);
        assert!(memory.dense_len() > 5000);
        assert!(memory.dense_len() <= 1300 * DENSE_PER_RECORD + DENSE_START);
        // The first object is still found once the vector covers its number.
        memory.insert(3usize, Some(1_200_000), RecordId(2), 400_000);
        assert!(memory.dense_len() > 1_000_000);
        assert_eq!(memory.get(&1usize, Some(1_000_000)), Some(RecordId(0)));
    }
}
