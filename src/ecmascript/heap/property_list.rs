//! An object's own properties, found by key in constant time.
//!
//! Array-index properties that are plain data properties (writable,
//! enumerable, configurable: what CreateDataProperty makes, so every element
//! of an Array a script or a deserialization fills) are kept as a dense
//! vector of values indexed by the index, holes included: no key String, no
//! attributes and no index entry per element. Any other property is an entry
//! of a list in creation order; its keys are found through a hash index once
//! there are many, and array-index keys among them through a vector indexed
//! by the index (they are never hashed).
//!
//! An element that stops being plain (redefined with other attributes or as
//! an accessor), or an index so far past the others that the vector would be
//! mostly holes, moves every element into the general list for good (the
//! list is "sparse" from then on): [[OwnPropertyKeys]] order needs the
//! indices ascending before the other keys, which is simplest to keep when
//! they all live in one place or the other.
//!
//! | what | here |
//! |---|---|
//! | the list's forms, lookup, the entries, iteration | this file |
//! | the dense elements and the turn to sparse | `property_list/elements.rs` |
//! | the index of a long list's keys | `property_list/key_index.rs` |

use crate::ecmascript::{PropertyKey, Value};
use std::borrow::Cow;
use std::fmt;

use super::{ObjectId, OwnProperty};

mod elements;
mod key_index;
#[cfg(test)]
mod tests;

pub(super) use key_index::index_key;
use key_index::{KeyIndex, array_index};

/// Lists up to this long are searched; longer ones get an index (most
/// objects have a handful of properties, and a map each would cost more
/// than the search).
const INDEX_FROM: usize = 8;

/// The most entries a list cleared for reuse keeps room for (more is not
/// worth holding on to in a free slot).
const REUSED_ROOM: usize = INDEX_FROM;

/// An array index goes into a vector (the dense elements, or the sparse
/// list's index vector) while it is at most this far past twice the number
/// of indices already there, so the vector stays proportional to what it
/// holds; a far sparser index is treated like any other key.
const DENSE_SLACK: usize = 64;

/// Own properties: dense elements, then the others in creation order.
#[derive(Clone)]
pub struct PropertyList(Repr);

/// A property that is not a dense element, with its key.
type Entry = (PropertyKey, OwnProperty);

/// How a [`PropertyList`] is stored.
#[derive(Clone)]
enum Repr {
    /// Element 0 (`None`: a hole) and nothing else: a one-element Array's
    /// list (every level of a nested Array), held in the object itself
    /// with no allocation. It is the general form's `entries` empty,
    /// `elements` this one slot, not sparse, no index; any change that
    /// needs more turns it into that form first.
    One(Option<Value<ObjectId>>),
    /// Any list.
    General {
        /// The properties that are not dense elements, in creation order.
        entries: Vec<(PropertyKey, OwnProperty)>,
        /// The dense elements and the entries' index, for the lists that
        /// have either. Boxed, so that the many small objects without
        /// elements pay a pointer for them.
        extra: Option<Box<Extra>>,
    },
}

impl Default for PropertyList {
    fn default() -> Self {
        PropertyList(Repr::default_general())
    }
}

/// The parts of a [`PropertyList`] most objects do not need.
#[derive(Clone, Default)]
struct Extra {
    /// The plain data properties at array indices `0..elements.len()`
    /// (`None`: a hole). Empty once the list is sparse.
    elements: Vec<Option<Value<ObjectId>>>,
    /// How many of `elements` are not holes.
    /// (At most 2^32 - 1: elements are at array indices.)
    element_count: u32,
    /// Whether array-index keys live in the entries (see the module comment).
    sparse: bool,
    /// Where each key of the entries is, once they are many (boxed too:
    /// an Array rarely needs it).
    index: Option<Box<KeyIndex>>,
}

/// What a list without [`Extra`] has: nothing.
static NO_EXTRA: Extra = Extra {
    elements: Vec::new(),
    element_count: 0,
    sparse: false,
    index: None,
};

/// A property as stored: a dense element's value, or an entry's property.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Stored<'a> {
    /// A plain data property (writable, enumerable, configurable) holding this.
    Element(&'a Value<ObjectId>),
    /// Any property.
    Entry(&'a OwnProperty),
}

impl<'a> Stored<'a> {
    /// The property, as [[GetOwnProperty]] describes it.
    pub(crate) fn to_property(self) -> Cow<'a, OwnProperty> {
        match self {
            Stored::Element(value) => Cow::Owned(OwnProperty::new_data(value.clone())),
            Stored::Entry(property) => Cow::Borrowed(property),
        }
    }

    /// [[Value]], when it is a data property.
    pub(crate) fn data_value(self) -> Option<&'a Value<ObjectId>> {
        match self {
            Stored::Element(value) | Stored::Entry(OwnProperty::Data { value, .. }) => Some(value),
            Stored::Entry(OwnProperty::Accessor { .. }) => None,
        }
    }
}

impl PropertyList {
    /// No properties.
    pub fn new() -> Self {
        PropertyList::default()
    }

    /// The entries, the dense element slots, and the rest of the general
    /// form's parts (what [`Repr::One`] stands for, without allocating).
    fn parts(&self) -> (&[Entry], &[Option<Value<ObjectId>>], &Extra) {
        match &self.0 {
            Repr::One(slot) => (&[], std::slice::from_ref(slot), &NO_EXTRA),
            Repr::General { entries, extra } => {
                let extra = extra.as_deref().unwrap_or(&NO_EXTRA);
                (entries, &extra.elements, extra)
            }
        }
    }

    /// The general form's parts, mutably ([`Repr::One`] turned into it).
    fn general_mut(&mut self) -> (&mut Vec<Entry>, &mut Option<Box<Extra>>) {
        if let Repr::One(slot) = &mut self.0 {
            let slot = slot.take();
            let extra = Extra {
                element_count: u32::from(slot.is_some()),
                elements: vec![slot],
                sparse: false,
                index: None,
            };
            self.0 = Repr::General {
                entries: Vec::new(),
                extra: Some(Box::new(extra)),
            };
        }
        match &mut self.0 {
            Repr::General { entries, extra } => (entries, extra),
            Repr::One(_) => unreachable!("turned into the general form above"),
        }
    }

    fn extra_mut(&mut self) -> &mut Extra {
        self.general_mut().1.get_or_insert_with(Box::default)
    }

    /// Whether the list is the general form with nothing in it.
    fn is_empty_general(&self) -> bool {
        matches!(&self.0, Repr::General { entries, extra: None } if entries.is_empty())
    }

    fn entries_slice(&self) -> &[(PropertyKey, OwnProperty)] {
        self.parts().0
    }

    fn element_vec(&self) -> &[Option<Value<ObjectId>>] {
        self.parts().1
    }

    fn index(&self) -> Option<&KeyIndex> {
        self.parts().2.index.as_deref()
    }

    fn element_count(&self) -> usize {
        match &self.0 {
            Repr::One(slot) => usize::from(slot.is_some()),
            Repr::General { .. } => self.parts().2.element_count as usize,
        }
    }

    /// The dense element slot `key` names, when the list is not sparse and
    /// `key` is an array index (whether or not an element is there).
    fn element_slot(&self, key: &PropertyKey) -> Option<usize> {
        if self.is_sparse() {
            return None;
        }
        array_index(key)
    }

    fn position(&self, key: &PropertyKey) -> Option<usize> {
        match self.index() {
            Some(index) => index.position(key, array_index(key)),
            None => self.entries_slice().iter().position(|(k, _)| k == key),
        }
    }

    /// The property with this key, as stored.
    pub(crate) fn find(&self, key: &PropertyKey) -> Option<Stored<'_>> {
        if let Some(i) = self.element_slot(key) {
            // Not sparse: no array-index key is among the entries.
            return self.element_vec().get(i)?.as_ref().map(Stored::Element);
        }
        self.position(key)
            .map(|i| Stored::Entry(&self.entries_slice()[i].1))
    }

    /// The property with this key.
    pub fn get(&self, key: &PropertyKey) -> Option<Cow<'_, OwnProperty>> {
        self.find(key).map(Stored::to_property)
    }

    /// The value of the data property with this key.
    pub fn data_value(&self, key: &PropertyKey) -> Option<&Value<ObjectId>> {
        self.find(key)?.data_value()
    }

    /// Every property as an owned (key, property) pair, in
    /// [`PropertyList::iter`]'s order.
    pub fn to_vec(&self) -> Vec<(PropertyKey, OwnProperty)> {
        self.iter()
            .map(|(k, p)| (k.into_owned(), p.into_owned()))
            .collect()
    }

    /// Defines `key`: replaced in place if present, added otherwise (an
    /// entry goes after the other entries).
    pub fn insert(&mut self, key: PropertyKey, property: OwnProperty) {
        if let Some(i) = self.element_slot(&key) {
            match property {
                OwnProperty::Data {
                    value,
                    writable: true,
                    enumerable: true,
                    configurable: true,
                } => match self.try_insert_element(i, value) {
                    None => return,
                    Some(value) => return self.insert(key, OwnProperty::new_data(value)),
                },
                property => {
                    self.make_sparse();
                    return self.insert(key, property);
                }
            }
        }
        match self.position(&key) {
            Some(i) => self.general_mut().0[i].1 = property,
            None => self.push_entry(key, property),
        }
    }

    /// Adds an entry for `key`, which is neither a dense element's index
    /// nor among the entries, after the other entries.
    fn push_entry(&mut self, key: PropertyKey, property: OwnProperty) {
        let (entries, extra) = self.general_mut();
        let position = entries.len();
        if let Some(index) = extra.as_mut().and_then(|extra| extra.index.as_mut()) {
            index.note(&key, position);
        }
        // Grow by doubling from two: most objects have one or two
        // properties (a second one would otherwise move the first in a
        // realloc), and `Vec` would start at four.
        if position == entries.capacity() {
            entries.reserve_exact(position.max(2));
        }
        entries.push((key, property));
        if self.index().is_none() && self.entries_slice().len() > INDEX_FROM {
            self.reindex();
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
        // A dense element is configurable: replacing it is always allowed.
        if self.element_slot(&key).is_some() {
            self.insert(key, property);
            return Ok(());
        }
        let Some(i) = self.position(&key) else {
            // A new key: looked up once, not again by `insert`.
            self.push_entry(key, property);
            return Ok(());
        };
        let stored = &mut self.general_mut().0[i].1;
        match stored {
            OwnProperty::Data {
                configurable: true, ..
            }
            | OwnProperty::Accessor {
                configurable: true, ..
            } => {
                *stored = property;
                Ok(())
            }
            _ => Err((key, property)),
        }
    }

    fn reindex(&mut self) {
        let Repr::General { entries, extra } = &mut self.0 else {
            // No entries: nothing to index.
            return;
        };
        if extra.is_none() && entries.len() <= INDEX_FROM {
            return;
        }
        let index = (entries.len() > INDEX_FROM).then(|| {
            let mut index = Box::<KeyIndex>::default();
            for (position, (key, _)) in entries.iter().enumerate() {
                index.note(key, position);
            }
            index
        });
        self.extra_mut().index = index;
    }

    /// Makes room for `additional` more properties that are not array
    /// indices.
    pub fn reserve(&mut self, additional: usize) {
        if additional > 0 {
            self.general_mut().0.reserve_exact(additional);
        }
    }

    /// How many properties there are.
    pub fn len(&self) -> usize {
        self.element_count() + self.entries_slice().len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The properties that are not dense elements, in creation order.
    pub(super) fn entries(&self) -> &[(PropertyKey, OwnProperty)] {
        self.entries_slice()
    }

    /// [`PropertyList::insert`] of a (key, property) pair.
    pub fn push(&mut self, (key, property): (PropertyKey, OwnProperty)) {
        self.insert(key, property);
    }

    /// Keeps only the properties `keep` accepts.
    pub fn retain(&mut self, mut keep: impl FnMut(&PropertyKey, &OwnProperty) -> bool) {
        let mut count: u32 = 0;
        let (entries, extra) = self.general_mut();
        let elements = extra.as_deref_mut().map(|extra| &mut extra.elements);
        for (i, slot) in elements
            .into_iter()
            .flat_map(|elements| elements.iter_mut().enumerate())
        {
            if let Some(value) = slot.take() {
                let property = OwnProperty::new_data(value);
                if keep(&PropertyKey::String(index_key(i)), &property)
                    && let OwnProperty::Data { value, .. } = property
                {
                    *slot = Some(value);
                    count += 1;
                }
            }
        }
        if let Some(extra) = extra {
            while let Some(None) = extra.elements.last() {
                extra.elements.pop();
            }
            extra.element_count = count;
        }
        entries.retain(|(key, property)| keep(key, property));
        self.reindex();
    }

    /// [`PropertyList::retain`] for the properties that are not dense
    /// elements only.
    pub(super) fn retain_entries(&mut self, mut keep: impl FnMut(&PropertyKey, &OwnProperty) -> bool) {
        if let Repr::General { entries, .. } = &mut self.0 {
            entries.retain(|(key, property)| keep(key, property));
            self.reindex();
        }
    }

    /// Removes every property but keeps the room of a short list of
    /// entries (at most [`REUSED_ROOM`]), for the next object made in the
    /// same heap slot (see `Heap::collect_garbage`): small objects made and
    /// collected in a stream (one per message) then reuse one allocation
    /// instead of freeing it and asking for another.
    pub(super) fn clear_for_reuse(&mut self) {
        match &mut self.0 {
            Repr::General { entries, extra } if entries.capacity() <= REUSED_ROOM => {
                entries.clear();
                *extra = None;
            }
            _ => *self = PropertyList::new(),
        }
    }

    /// How many entries the list has room for without allocating.
    #[cfg(test)]
    pub(super) fn entry_room(&self) -> usize {
        match &self.0 {
            Repr::One(_) => 0,
            Repr::General { entries, .. } => entries.capacity(),
        }
    }

    /// Every property as (key, property): the dense elements ascending
    /// (their keys and descriptors made on the way), then the other
    /// properties in creation order.
    pub fn iter(&self) -> impl Iterator<Item = (Cow<'_, PropertyKey>, Cow<'_, OwnProperty>)> {
        let elements = self.elements().map(|(i, value)| {
            (
                Cow::Owned(PropertyKey::String(index_key(i))),
                Cow::Owned(OwnProperty::new_data(value.clone())),
            )
        });
        elements.chain(
            self.entries_slice()
                .iter()
                .map(|(key, property)| (Cow::Borrowed(key), Cow::Borrowed(property))),
        )
    }

    /// Every value the properties hold: data properties' values and the
    /// values getters return or throw.
    pub fn values(&self) -> impl Iterator<Item = &Value<ObjectId>> {
        let entries = self.entries_slice().iter().map(|(_, property)| match property {
            OwnProperty::Data { value, .. } => value,
            OwnProperty::Accessor { getter, .. } => getter.value(),
        });
        self.element_vec().iter().flatten().chain(entries)
    }

    /// The data properties' values, mutably.
    pub fn data_values_mut(&mut self) -> impl Iterator<Item = &mut Value<ObjectId>> {
        let (one, entries, elements) = match &mut self.0 {
            Repr::One(slot) => (slot.as_mut(), None, None),
            Repr::General { entries, extra } => (
                None,
                Some(entries),
                extra.as_deref_mut().map(|extra| &mut extra.elements),
            ),
        };
        let entries = entries
            .into_iter()
            .flat_map(|entries| entries.iter_mut())
            .filter_map(|(_, property)| match property {
                OwnProperty::Data { value, .. } => Some(value),
                OwnProperty::Accessor { .. } => None,
            });
        one.into_iter()
            .chain(elements.into_iter().flat_map(|e| e.iter_mut().flatten()))
            .chain(entries)
    }
}

impl Repr {
    /// The general form with nothing in it.
    fn default_general() -> Self {
        Repr::General {
            entries: Vec::new(),
            extra: None,
        }
    }
}

impl fmt::Debug for PropertyList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
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
