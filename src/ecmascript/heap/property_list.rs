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

use crate::ecmascript::{JsString, PropertyKey, Value};
use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use super::{ObjectId, OwnProperty};

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
    fn position(&self, key: &PropertyKey, array_index: Option<usize>) -> Option<usize> {
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

/// The String key of an array index.
pub(super) fn index_key(index: usize) -> JsString {
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

    /// Defines the plain data property at array index `i` as a dense
    /// element, when the list is not sparse and the index is near enough
    /// the others; otherwise the list turns sparse and the value comes back
    /// (for [`PropertyList::insert`] to add as an entry).
    pub(super) fn try_insert_element(&mut self, i: usize, value: Value<ObjectId>) -> Option<Value<ObjectId>> {
        // Element 0 of an empty list, or over the one element there: no
        // allocation.
        if i == 0 && (self.is_empty_general() || matches!(self.0, Repr::One(_))) {
            self.0 = Repr::One(Some(value));
            return None;
        }
        let room = i < self.element_vec().len()
            || i <= self.element_count().saturating_mul(2).saturating_add(DENSE_SLACK);
        let sparse = self.is_sparse();
        if sparse || !room {
            if !sparse {
                self.make_sparse();
            }
            return Some(value);
        }
        let extra = self.extra_mut();
        let elements = &mut extra.elements;
        if i >= elements.len() {
            // Grow by doubling from one: most Arrays are short, and `Vec`
            // would start at four.
            if i >= elements.capacity() {
                elements.reserve_exact((i + 1 - elements.len()).max(elements.len()));
            }
            // The next index (the common case) is one push.
            if i == elements.len() {
                elements.push(Some(value));
                extra.element_count += 1;
                return None;
            }
            elements.resize(i + 1, None);
        }
        let slot = &mut extra.elements[i];
        if slot.is_none() {
            extra.element_count += 1;
        }
        *slot = Some(value);
        None
    }

    /// Whether array-index keys live among the entries (then there are no
    /// dense elements).
    pub(super) fn is_sparse(&self) -> bool {
        self.parts().2.sparse
    }

    /// The dense element at index `i`: `Some(None)` for none there, `None`
    /// when the list is sparse (ask by key).
    pub(super) fn element(&self, i: usize) -> Option<Option<&Value<ObjectId>>> {
        (!self.is_sparse()).then(|| self.element_vec().get(i).and_then(Option::as_ref))
    }

    /// The dense element slots at indices `first..end` (`None`: a hole), as
    /// far as there are any; none once the list is sparse.
    pub(super) fn element_slots(&self, first: usize, end: usize) -> &[Option<Value<ObjectId>>] {
        let elements = self.element_vec();
        elements.get(first..end.min(elements.len())).unwrap_or(&[])
    }

    /// Appends `values` as dense elements at indices `first`, `first + 1`,
    /// … and returns how many, when the list is not sparse and `first` is
    /// just past its last element slot; otherwise takes nothing and
    /// returns `None`.
    pub(super) fn append_elements(
        &mut self,
        first: usize,
        values: &mut dyn Iterator<Item = Value<ObjectId>>,
    ) -> Option<usize> {
        if self.is_sparse() || self.element_vec().len() != first {
            return None;
        }
        // One value into an empty list: kept inline.
        if first == 0 && self.is_empty_general() && values.size_hint() == (1, Some(1)) {
            let Some(value) = values.next() else {
                return Some(0);
            };
            self.0 = Repr::One(Some(value));
            return Some(1);
        }
        let extra = self.extra_mut();
        let before = extra.elements.len();
        extra.elements.reserve_exact(values.size_hint().0);
        extra.elements.extend(values.map(Some));
        let added = extra.elements.len() - before;
        // Elements are at array indices, so there are fewer than 2^32.
        extra.element_count = extra
            .element_count
            .saturating_add(u32::try_from(added).unwrap_or(u32::MAX));
        Some(added)
    }

    /// How many elements from index 0 on are there without a hole.
    pub(super) fn leading_elements(&self) -> usize {
        self.element_vec().iter().take_while(|e| e.is_some()).count()
    }

    /// Moves the dense elements into the entries (ascending, before the
    /// others) and keeps every array index there from now on.
    fn make_sparse(&mut self) {
        let extra = self.extra_mut();
        let elements = std::mem::take(&mut extra.elements);
        let count = std::mem::take(&mut extra.element_count) as usize;
        extra.sparse = true;
        let (old, _) = self.general_mut();
        let mut entries = Vec::with_capacity(count + old.len());
        for (i, value) in elements.into_iter().enumerate() {
            if let Some(value) = value {
                entries.push((PropertyKey::String(index_key(i)), OwnProperty::new_data(value)));
            }
        }
        entries.append(old);
        *old = entries;
        self.reindex();
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

    /// Makes room for dense elements up to index `length - 1`.
    pub fn reserve_elements(&mut self, length: usize) {
        // One element fits inline: nothing to reserve.
        let inline = length <= 1 && (self.is_empty_general() || matches!(self.0, Repr::One(_)));
        if !self.is_sparse() && length > 0 && !inline {
            let elements = &mut self.extra_mut().elements;
            elements.reserve_exact(length.saturating_sub(elements.len()));
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

    /// The dense elements as (index, value), ascending; none once the list
    /// is sparse.
    pub(super) fn elements(&self) -> impl Iterator<Item = (usize, &Value<ObjectId>)> {
        self.elements_from(0)
    }

    /// [`PropertyList::elements`] from index `first` on.
    pub(super) fn elements_from(&self, first: usize) -> impl Iterator<Item = (usize, &Value<ObjectId>)> {
        let rest = self.element_vec().get(first..).unwrap_or(&[]);
        rest.iter()
            .enumerate()
            .filter_map(move |(i, value)| Some((first + i, value.as_ref()?)))
    }

    /// The properties that are not dense elements, in creation order.
    pub(super) fn entries(&self) -> &[(PropertyKey, OwnProperty)] {
        self.entries_slice()
    }

    /// Every array-index property as (index, property): the dense elements
    /// ascending, or the entries with index keys in creation order.
    pub(super) fn indexed(&self) -> impl Iterator<Item = (u32, Stored<'_>)> {
        let elements = self
            .elements()
            .filter_map(|(i, value)| Some((u32::try_from(i).ok()?, Stored::Element(value))));
        let entries = self.entries_slice().iter().filter_map(|(key, property)| {
            Some((key.as_string()?.as_array_index()?, Stored::Entry(property)))
        });
        elements.chain(entries)
    }

    /// The entries' array-index keys as (index, position), ascending by
    /// index, when every one of them is in the index vector (`None` when
    /// some are too sparse or the list is too short to be indexed).
    pub(super) fn array_indices_in_order(&self) -> Option<impl Iterator<Item = (usize, usize)> + '_> {
        let index = self.index().filter(|index| index.sparse_indices == 0)?;
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

    /// Removes the dense elements at `length` and above (cheaper than
    /// [`PropertyList::retain`] for an Array's new `length`).
    pub(super) fn truncate_elements(&mut self, length: usize) {
        match &mut self.0 {
            Repr::One(_) if length == 0 => self.0 = Repr::default_general(),
            Repr::One(_) => {}
            Repr::General { extra, .. } => {
                if let Some(extra) = extra
                    && length < extra.elements.len()
                {
                    extra.element_count -= extra.elements[length..].iter().flatten().count() as u32;
                    extra.elements.truncate(length);
                }
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn key(k: &str) -> PropertyKey {
        PropertyKey::from(k)
    }

    fn keys(list: &PropertyList) -> Vec<String> {
        list.iter()
            .map(|(k, _)| k.as_string().map(JsString::to_string_lossy).unwrap_or_default())
            .collect()
    }

    #[test]
    fn keeps_creation_order_and_redefines_in_place() {
        let mut list = PropertyList::new();
        for k in ["b", "a", "c"] {
            list.insert(key(k), OwnProperty::new_data(Value::Null));
        }
        list.insert(key("a"), OwnProperty::new_data(Value::Boolean(true)));
        assert_eq!(keys(&list), ["b", "a", "c"]);
        assert!(matches!(
            list.get(&key("a")).as_deref(),
            Some(OwnProperty::Data {
                value: Value::Boolean(true),
                ..
            })
        ));
        list.retain(|k, _| *k != key("b"));
        assert!(list.get(&key("b")).is_none());
        assert!(list.get(&key("c")).is_some());
        assert_eq!(list.len(), 2);
    }

    #[test]
    fn long_lists_are_indexed_and_stay_consistent() {
        let mut list = PropertyList::new();
        for i in 0..100 {
            list.insert(
                key(&format!("k{i}")),
                OwnProperty::new_data(Value::Number(f64::from(i))),
            );
        }
        assert!(list.index().is_some());
        list.retain(|k, _| k.as_string().is_some_and(|s| s.len() == 2));
        assert_eq!(list.len(), 10);
        assert!(matches!(
            list.get(&key("k9")).as_deref(),
            Some(OwnProperty::Data { value: Value::Number(n), .. }) if *n == 9.0
        ));
        assert!(list.get(&key("k10")).is_none());
        list.retain(|k, _| *k == key("k2"));
        assert!(list.index().is_none(), "short again: searched");
        assert!(list.get(&key("k2")).is_some());
    }

    #[test]
    fn plain_elements_are_dense_with_holes() {
        let mut list = PropertyList::new();
        list.insert(key("x"), OwnProperty::new_data(Value::Null));
        for i in [3, 0, 1] {
            list.insert(
                PropertyKey::String(index_key(i)),
                OwnProperty::new_data(Value::from(i as f64)),
            );
        }
        assert!(!list.is_sparse());
        assert!(list.entries().len() == 1 && list.element_count() == 3);
        // Elements ascending first, whatever order they came in.
        assert_eq!(keys(&list), ["0", "1", "3", "x"]);
        assert!(list.get(&key("2")).is_none());
        assert!(matches!(list.find(&key("3")), Some(Stored::Element(Value::Number(n))) if *n == 3.0));
        // Not array indices: ordinary entries.
        list.insert(key("01"), OwnProperty::new_data(Value::Null));
        list.insert(key("4294967295"), OwnProperty::new_data(Value::Null));
        assert_eq!(keys(&list), ["0", "1", "3", "x", "01", "4294967295"]);
        list.truncate_elements(2);
        assert_eq!(keys(&list), ["0", "1", "x", "01", "4294967295"]);
        assert_eq!(list.len(), 5);
        assert_eq!(index_key(0), JsString::from("0"));
        assert_eq!(index_key(4294967294), JsString::from("4294967294"));
    }

    #[test]
    fn an_element_that_stops_being_plain_makes_the_list_sparse() {
        let mut list = PropertyList::new();
        for i in 0..20 {
            list.insert(
                PropertyKey::String(index_key(i)),
                OwnProperty::new_data(Value::Null),
            );
        }
        list.insert(key("x"), OwnProperty::new_data(Value::Null));
        let fixed = OwnProperty::Data {
            value: Value::Boolean(true),
            writable: false,
            enumerable: true,
            configurable: false,
        };
        assert!(list.insert_over_configurable(key("5"), fixed.clone()).is_ok());
        assert!(list.is_sparse() && list.element_vec().is_empty());
        assert_eq!(list.len(), 21);
        assert!(matches!(
            list.get(&key("5")).as_deref(),
            Some(OwnProperty::Data { writable: false, .. })
        ));
        // Still a list in ascending order, the redefinition in place.
        let expected: Vec<String> = (0..20).map(|i| i.to_string()).chain(["x".to_string()]).collect();
        assert_eq!(keys(&list), expected);
        assert!(
            list.insert_over_configurable(key("5"), OwnProperty::new_data(Value::Null))
                .is_err()
        );
        assert_eq!(
            list.array_indices_in_order()
                .expect("indexed, all dense")
                .map(|(i, _)| i)
                .collect::<Vec<_>>(),
            (0..20).collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_far_index_makes_the_list_sparse_and_sparse_indices_are_found() {
        let mut list = PropertyList::new();
        for k in ["0", "x", "1", "4000000000", "4294967295", "2", "90"] {
            list.insert(key(k), OwnProperty::new_data(Value::from(k)));
        }
        assert!(list.is_sparse(), "4000000000 is too far for the vector");
        for n in 3..40 {
            list.insert(key(&n.to_string()), OwnProperty::new_data(Value::Null));
        }
        for k in ["4000000000", "0", "x", "1", "90", "4294967295", "2", "39"] {
            assert!(list.get(&key(k)).is_some(), "{k}");
        }
        for k in ["40", "4000000001", "y", "89"] {
            assert!(list.get(&key(k)).is_none(), "{k}");
        }
        assert!(list.array_indices_in_order().is_none());
        list.retain(|k, _| *k != key("4000000000") && *k != key("90"));
        let order: Vec<usize> = list
            .array_indices_in_order()
            .expect("all dense now")
            .map(|(i, _)| i)
            .collect();
        assert_eq!(order, (0..40).collect::<Vec<_>>());
    }

    #[test]
    fn values_cover_elements_entries_and_getters() {
        let mut list = PropertyList::new();
        list.insert(key("0"), OwnProperty::new_data(Value::Number(1.0)));
        list.insert(
            key("g"),
            OwnProperty::Accessor {
                getter: Box::new(super::super::Accessor::Throws(Value::Number(2.0))),
                enumerable: true,
                configurable: true,
            },
        );
        list.insert(key("d"), OwnProperty::new_data(Value::Number(3.0)));
        let seen: Vec<_> = list
            .values()
            .filter_map(|v| match v {
                Value::Number(n) => Some(*n),
                _ => None,
            })
            .collect();
        assert_eq!(seen, [1.0, 2.0, 3.0]);
        for value in list.data_values_mut() {
            *value = Value::Null;
        }
        assert_eq!(list.values().filter(|v| matches!(v, Value::Null)).count(), 2);
    }

    #[test]
    fn a_lone_element_zero_is_inline_until_the_list_needs_more() {
        let zero = || PropertyKey::String(index_key(0));
        let mut list = PropertyList::new();
        list.reserve_elements(1);
        list.insert(zero(), OwnProperty::new_data(Value::Number(1.0)));
        assert!(matches!(list.0, Repr::One(Some(_))), "no allocation for [x]");
        list.insert(zero(), OwnProperty::new_data(Value::Number(2.0)));
        assert!(matches!(list.0, Repr::One(Some(Value::Number(n))) if n == 2.0));
        assert_eq!((list.len(), keys(&list)), (1, vec!["0".to_string()]));
        // A second element, then a named key: the general form, in order.
        let mut two = list.clone();
        two.insert(key("x"), OwnProperty::new_data(Value::Null));
        two.insert(key("1"), OwnProperty::new_data(Value::Null));
        assert_eq!(keys(&two), ["0", "1", "x"]);
        assert!(
            matches!(two.get(&key("0")).as_deref(), Some(OwnProperty::Data { value: Value::Number(n), .. }) if *n == 2.0)
        );
        // An element that stops being plain: sparse, still first.
        let mut fixed = list.clone();
        let frozen = OwnProperty::Data {
            value: Value::Null,
            writable: false,
            enumerable: true,
            configurable: false,
        };
        assert!(fixed.insert_over_configurable(zero(), frozen).is_ok());
        fixed.insert(key("y"), OwnProperty::new_data(Value::Null));
        assert!(fixed.is_sparse());
        assert_eq!(keys(&fixed), ["0", "y"]);
        // Values, mutation, truncation.
        for value in list.data_values_mut() {
            *value = Value::Null;
        }
        assert!(matches!(list.values().collect::<Vec<_>>()[..], [Value::Null]));
        list.truncate_elements(1);
        assert_eq!(list.len(), 1);
        list.truncate_elements(0);
        assert!(list.is_empty() && matches!(list.element(0), Some(None)));
        // Appending one value to an empty list keeps it inline too.
        let mut appended = PropertyList::new();
        let added = appended.append_elements(0, &mut std::iter::once(Value::Boolean(true)));
        assert_eq!(added, Some(1));
        assert!(matches!(appended.0, Repr::One(Some(Value::Boolean(true)))));
        assert_eq!(
            appended.append_elements(1, &mut std::iter::once(Value::Null)),
            Some(1)
        );
        assert_eq!(keys(&appended), ["0", "1"]);
    }
}
