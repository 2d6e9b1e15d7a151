//! An object's own properties in creation order, found by key in constant
//! time: the list keeps the order [[OwnPropertyKeys]] is computed from, the
//! index keeps lookups and redefinitions from turning quadratic on objects
//! and arrays with many properties.

use crate::ecmascript::PropertyKey;
use std::collections::HashMap;
use std::ops::Deref;

use super::OwnProperty;

/// Lists up to this long are searched; longer ones get an index (most
/// objects have a handful of properties, and a map each would cost more
/// than the search).
const INDEX_FROM: usize = 8;

/// Own properties in creation order, indexed by key once there are many.
#[derive(Clone, Debug, Default)]
pub struct PropertyList {
    entries: Vec<(PropertyKey, OwnProperty)>,
    index: Option<HashMap<PropertyKey, usize>>,
}

impl PropertyList {
    /// No properties.
    pub fn new() -> Self {
        PropertyList::default()
    }

    fn position(&self, key: &PropertyKey) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(key).copied(),
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
                if let Some(index) = &mut self.index {
                    index.insert(key.clone(), self.entries.len());
                }
                self.entries.push((key, property));
                if self.index.is_none() && self.entries.len() > INDEX_FROM {
                    self.reindex();
                }
            }
        }
    }

    fn reindex(&mut self) {
        self.index = (self.entries.len() > INDEX_FROM).then(|| {
            self.entries
                .iter()
                .enumerate()
                .map(|(i, (k, _))| (k.clone(), i))
                .collect()
        });
    }

    /// Makes room for `additional` more properties.
    pub fn reserve(&mut self, additional: usize) {
        self.entries.reserve_exact(additional);
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
}
