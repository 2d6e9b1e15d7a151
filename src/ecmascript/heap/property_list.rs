//! An object's own properties in creation order, found by key in constant
//! time: the list keeps the order [[OwnPropertyKeys]] is computed from, the
//! index keeps lookups and redefinitions from turning quadratic on objects
//! and arrays with many properties.

use crate::ecmascript::PropertyKey;
use std::collections::HashMap;
use std::ops::Deref;

use super::OwnProperty;

/// Own properties in creation order, indexed by key.
#[derive(Clone, Debug, Default)]
pub struct PropertyList {
    entries: Vec<(PropertyKey, OwnProperty)>,
    index: HashMap<PropertyKey, usize>,
}

impl PropertyList {
    /// No properties.
    pub fn new() -> Self {
        PropertyList::default()
    }

    /// The property with this key.
    pub fn get(&self, key: &PropertyKey) -> Option<&OwnProperty> {
        self.index.get(key).map(|&i| &self.entries[i].1)
    }

    /// The property with this key, mutably.
    pub fn get_mut(&mut self, key: &PropertyKey) -> Option<&mut OwnProperty> {
        self.index.get(key).map(|&i| &mut self.entries[i].1)
    }

    /// Defines `key`: replaced in place (keeping its position) if present,
    /// appended otherwise.
    pub fn insert(&mut self, key: PropertyKey, property: OwnProperty) {
        match self.index.get(&key) {
            Some(&i) => self.entries[i].1 = property,
            None => {
                self.index.insert(key.clone(), self.entries.len());
                self.entries.push((key, property));
            }
        }
    }

    /// [`PropertyList::insert`] of a (key, property) pair.
    pub fn push(&mut self, (key, property): (PropertyKey, OwnProperty)) {
        self.insert(key, property);
    }

    /// Keeps only the properties `keep` accepts, in order.
    pub fn retain(&mut self, keep: impl FnMut(&(PropertyKey, OwnProperty)) -> bool) {
        self.entries.retain(keep);
        self.index = self
            .entries
            .iter()
            .enumerate()
            .map(|(i, (k, _))| (k.clone(), i))
            .collect();
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
}
