//! The index of a long property list's keys: array-index keys by index in
//! a vector, the others in a hash map.

use super::DENSE_SLACK;
use crate::ecmascript::{JsString, PropertyKey};
use std::collections::HashMap;

/// The positions of a long list's keys.
#[derive(Clone, Debug, Default)]
pub(super) struct KeyIndex {
    /// By array index: the property's position plus one; 0 is absent.
    pub(super) by_array_index: Vec<u32>,
    /// How many array-index keys are not in `by_array_index` (too sparse).
    pub(super) sparse_indices: usize,
    /// Positions of the other keys.
    pub(super) others: HashMap<PropertyKey, usize>,
}

impl KeyIndex {
    pub(super) fn position(&self, key: &PropertyKey, array_index: Option<usize>) -> Option<usize> {
        if let Some(i) = array_index {
            if let Some(&slot) = self.by_array_index.get(i)
                && slot != 0
            {
                return Some(slot as usize - 1);
            }
            if self.sparse_indices == 0 {
                return None;
            }
        }
        if self.others.is_empty() {
            return None;
        }
        self.others.get(key).copied()
    }

    /// Records where a key newly at `position` is: in the vector if it is a
    /// dense enough array index, else with the other keys.
    pub(super) fn note(&mut self, key: &PropertyKey, position: usize) {
        if let Some(i) = array_index(key) {
            let dense = i <= position.saturating_mul(2).saturating_add(DENSE_SLACK);
            if let (true, Ok(slot)) = (dense, u32::try_from(position + 1)) {
                if i >= self.by_array_index.len() {
                    let grown = self.by_array_index.len().saturating_mul(2).max(i + 1);
                    self.by_array_index.resize(grown, 0);
                }
                self.by_array_index[i] = slot;
                return;
            }
            self.sparse_indices += 1;
        }
        self.others.insert(key.clone(), position);
    }
}

/// The array index a key is, if it is one.
pub(super) fn array_index(key: &PropertyKey) -> Option<usize> {
    usize::try_from(key.as_string()?.as_array_index()?).ok()
}

/// The String key of an array index.
pub(in crate::ecmascript::heap) fn index_key(index: usize) -> JsString {
    let mut digits = [0u16; 20];
    let mut at = digits.len();
    let mut rest = index;
    loop {
        at -= 1;
        // The remainder is below 10: the cast keeps it whole.
        digits[at] = u16::from(b'0') + (rest % 10) as u16;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    JsString::from(&digits[at..])
}
