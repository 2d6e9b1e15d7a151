//! An object's own properties in creation order, found by key in constant
//! time: the list keeps the order [[OwnPropertyKeys]] is computed from;
//! array-index keys are found through a vector indexed by the index (an
//! Array's elements, the commonest keys of all, are never hashed), and the
//! other keys through a hash index once there are many.

use crate::ecmascript::PropertyKey;
use std::collections::HashMap;
use std::ops::Deref;

use super::OwnProperty;

/// Lists up to this long are searched; longer ones get an index (most
/// objects have a handful of properties, and a map each would cost more
/// than the search).
const INDEX_FROM: usize = 8;

/// An array index goes into the vector while it is at most this far past
/// twice the number of properties (so the vector stays proportional to the
/// list; far sparser indices are hashed like other keys).
const DENSE_SLACK: usize = 64;

/// Own properties in creation order, indexed by key once there are many.
#[derive(Clone, Debug, Default)]
pub struct PropertyList {
    entries: Vec<(PropertyKey, OwnProperty)>,
    /// Where each key is, once the list is long. Boxed, so that the many
    /// short lists pay a pointer for it, not three collections.
    index: Option<Box<KeyIndex>>,
}

/// The positions of a long list's keys.
#[derive(Clone, Debug, Default)]
struct KeyIndex {
    /// By array index: the property's position plus one; 0 is absent.
    by_array_index: Vec<u32>,
    /// How many array-index keys are not in `by_array_index` (too sparse).
    sparse_indices: usize,
    /// Positions of the other keys.
    others: HashMap<PropertyKey, usize>,
}

impl KeyIndex {
    fn position(&self, key: &PropertyKey) -> Option<usize> {
        if let Some(i) = array_index(key) {
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
    fn note(&mut self, key: &PropertyKey, position: usize) {
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
fn array_index(key: &PropertyKey) -> Option<usize> {
    usize::try_from(key.as_string()?.as_array_index()?).ok()
}

impl PropertyList {
    /// No properties.
    pub fn new() -> Self {
        PropertyList::default()
    }

    fn position(&self, key: &PropertyKey) -> Option<usize> {
        match &self.index {
            Some(index) => index.position(key),
            None => self.entries.iter().position(|(k, _)| k == key),
        }
    }

    /// The property with this key.
    pub fn get(&self, key: &PropertyKey) -> Option<&OwnProperty> {
        self.position(key).map(|i| &self.entries[i].1)
    }

    /// The property with this key, mutably.
    pub fn get_mut(&mut self, key: &PropertyKey) -> Option<&mut OwnProperty> {
        self.position(key).map(|i| &mut self.entries[i].1)
    }

    /// Defines `key`: replaced in place (keeping its position) if present,
    /// appended otherwise.
    pub fn insert(&mut self, key: PropertyKey, property: OwnProperty) {
        match self.position(&key) {
            Some(i) => self.entries[i].1 = property,
            None => {
                let position = self.entries.len();
                if let Some(index) = &mut self.index {
                    index.note(&key, position);
                }
                // Grow by doubling from one: most objects have one or two
                // properties, and `Vec` would start at four.
                if position == self.entries.capacity() {
                    self.entries.reserve_exact(position.max(1));
                }
                self.entries.push((key, property));
                if self.index.is_none() && self.entries.len() > INDEX_FROM {
                    self.reindex();
                }
            }
        }
    }

    /// [`PropertyList::insert`] unless `key` names a property that is not
    /// configurable (which only [[DefineOwnProperty]]'s checks may judge):
    /// then nothing changes and both come back.
    pub(super) fn insert_over_configurable(
        &mut self,
        key: PropertyKey,
        property: OwnProperty,
    ) -> Result<(), (PropertyKey, OwnProperty)> {
        match self.position(&key) {
            Some(i) => match &self.entries[i].1 {
                OwnProperty::Data {
                    configurable: true, ..
                }
                | OwnProperty::Accessor {
                    configurable: true, ..
                } => {
                    self.entries[i].1 = property;
                    Ok(())
                }
                _ => Err((key, property)),
            },
            None => {
                self.insert(key, property);
                Ok(())
            }
        }
    }

    fn reindex(&mut self) {
        self.index = (self.entries.len() > INDEX_FROM).then(|| {
            let mut index = Box::<KeyIndex>::default();
            for (position, (key, _)) in self.entries.iter().enumerate() {
                index.note(key, position);
            }
            index
        });
    }

    /// Makes room for `additional` more properties.
    pub fn reserve(&mut self, additional: usize) {
        self.entries.reserve_exact(additional);
    }

    /// The array-index keys as (index, position), ascending by index, when
    /// every one of them is in the vector (`None` when some are too sparse).
    pub(super) fn array_indices_in_order(&self) -> Option<impl Iterator<Item = (usize, usize)> + '_> {
        let index = self.index.as_deref().filter(|index| index.sparse_indices == 0)?;
        Some(
            index
                .by_array_index
                .iter()
                .enumerate()
                .filter(|(_, slot)| **slot != 0)
                .map(|(i, slot)| (i, *slot as usize - 1)),
        )
    }

    /// [`PropertyList::insert`] of a (key, property) pair.
    pub fn push(&mut self, (key, property): (PropertyKey, OwnProperty)) {
        self.insert(key, property);
    }

    /// Keeps only the properties `keep` accepts, in order.
    pub fn retain(&mut self, keep: impl FnMut(&(PropertyKey, OwnProperty)) -> bool) {
        self.entries.retain(keep);
        self.reindex();
    }

    /// The properties in creation order, with mutable values.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&PropertyKey, &mut OwnProperty)> {
        self.entries.iter_mut().map(|(k, v)| (&*k, v))
    }
}

impl Deref for PropertyList {
    type Target = [(PropertyKey, OwnProperty)];
    fn deref(&self) -> &Self::Target {
        &self.entries
    }
}

impl<'a> IntoIterator for &'a PropertyList {
    type Item = &'a (PropertyKey, OwnProperty);
    type IntoIter = std::slice::Iter<'a, (PropertyKey, OwnProperty)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter()
    }
}

impl<'a> IntoIterator for &'a mut PropertyList {
    type Item = (&'a PropertyKey, &'a mut OwnProperty);
    type IntoIter = std::iter::Map<
        std::slice::IterMut<'a, (PropertyKey, OwnProperty)>,
        fn(&'a mut (PropertyKey, OwnProperty)) -> (&'a PropertyKey, &'a mut OwnProperty),
    >;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter_mut().map(|(k, v)| (&*k, v))
    }
}

impl FromIterator<(PropertyKey, OwnProperty)> for PropertyList {
    fn from_iter<I: IntoIterator<Item = (PropertyKey, OwnProperty)>>(iter: I) -> Self {
        let mut list = PropertyList::new();
        for (key, property) in iter {
            list.insert(key, property);
        }
        list
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ecmascript::Value;

    #[test]
    fn keeps_creation_order_and_redefines_in_place() {
        let mut list = PropertyList::new();
        for key in ["b", "a", "c"] {
            list.insert(PropertyKey::from(key), OwnProperty::data(Value::Null));
        }
        list.insert(PropertyKey::from("a"), OwnProperty::data(Value::Boolean(true)));
        let keys: Vec<_> = list.iter().map(|(k, _)| k.clone()).collect();
        assert_eq!(keys, ["b", "a", "c"].map(PropertyKey::from));
        assert!(matches!(
            list.get(&"a".into()),
            Some(OwnProperty::Data {
                value: Value::Boolean(true),
                ..
            })
        ));
        list.retain(|(k, _)| *k != PropertyKey::from("b"));
        assert!(list.get(&"b".into()).is_none());
        assert!(list.get(&"c".into()).is_some());
        assert_eq!(list.len(), 2);
    }

    #[test]
    fn long_lists_are_indexed_and_stay_consistent() {
        let mut list = PropertyList::new();
        for i in 0..100 {
            list.insert(
                PropertyKey::from(i.to_string().as_str()),
                OwnProperty::data(Value::Number(f64::from(i))),
            );
        }
        assert!(list.index.is_some());
        list.retain(|(k, _)| {
            k.as_string()
                .and_then(|s| s.as_array_index())
                .is_some_and(|i| i % 2 == 0)
        });
        assert_eq!(list.len(), 50);
        assert!(
            matches!(list.get(&"98".into()), Some(OwnProperty::Data { value: Value::Number(n), .. }) if *n == 98.0)
        );
        assert!(list.get(&"97".into()).is_none());
        list.retain(|(k, _)| *k == PropertyKey::from("2"));
        assert!(list.index.is_none(), "short again: searched");
        assert!(list.get(&"2".into()).is_some());
    }

    #[test]
    fn dense_and_sparse_array_indices_are_both_found() {
        let mut list = PropertyList::new();
        let key = |k: &str| PropertyKey::from(k);
        for k in ["4000000000", "0", "x", "1", "90", "4294967295", "2"] {
            list.insert(key(k), OwnProperty::data(Value::from(k)));
        }
        for n in 3..40 {
            list.insert(key(&n.to_string()), OwnProperty::data(Value::Null));
        }
        // "4000000000" is far too sparse for the vector; "4294967295" is no
        // array index at all; "90" was too far ahead when it came.
        assert_eq!(list.index.as_ref().map(|i| i.sparse_indices), Some(2));
        for k in ["4000000000", "0", "x", "1", "90", "4294967295", "2", "39"] {
            assert!(list.get(&key(k)).is_some(), "{k}");
        }
        for k in ["40", "4000000001", "y", "89"] {
            assert!(list.get(&key(k)).is_none(), "{k}");
        }
        assert!(list.array_indices_in_order().is_none());
        list.retain(|(k, _)| *k != key("4000000000") && *k != key("90"));
        let order: Vec<usize> = list
            .array_indices_in_order()
            .expect("all dense now")
            .map(|(i, _)| i)
            .collect();
        assert_eq!(order, (0..40).collect::<Vec<_>>());
        // Redefinition keeps the position.
        list.insert(key("0"), OwnProperty::data(Value::Boolean(true)));
        assert_eq!(list[0].0, key("0"));
    }
}
