//! The dense elements of a property list: the plain data properties at
//! array indices, kept by index without keys (see the parent module), and
//! the turn to "sparse" that moves them among the entries for good.

use super::{DENSE_SLACK, PropertyKey, PropertyList, Repr, Stored, index_key};
use crate::ecmascript::Value;
use crate::ecmascript::heap::{ObjectId, OwnProperty};

impl PropertyList {
    /// Defines the plain data property at array index `i` as a dense
    /// element, when the list is not sparse and the index is near enough
    /// the others; otherwise the list turns sparse and the value comes back
    /// (for [`PropertyList::insert`] to add as an entry).
    pub(in crate::ecmascript::heap) fn try_insert_element(
        &mut self,
        i: usize,
        value: Value<ObjectId>,
    ) -> Option<Value<ObjectId>> {
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
    pub(in crate::ecmascript::heap) fn is_sparse(&self) -> bool {
        self.parts().2.sparse
    }

    /// The dense element at index `i`: `Some(None)` for none there, `None`
    /// when the list is sparse (ask by key).
    pub(in crate::ecmascript::heap) fn element(&self, i: usize) -> Option<Option<&Value<ObjectId>>> {
        (!self.is_sparse()).then(|| self.element_vec().get(i).and_then(Option::as_ref))
    }

    /// The dense element slots at indices `first..end` (`None`: a hole), as
    /// far as there are any; none once the list is sparse.
    pub(in crate::ecmascript::heap) fn element_slots(
        &self,
        first: usize,
        end: usize,
    ) -> &[Option<Value<ObjectId>>] {
        let elements = self.element_vec();
        elements.get(first..end.min(elements.len())).unwrap_or(&[])
    }

    /// Appends `values` as dense elements at indices `first`, `first + 1`,
    /// … and returns how many, when the list is not sparse and `first` is
    /// just past its last element slot; otherwise takes nothing and
    /// returns `None`.
    pub(in crate::ecmascript::heap) fn append_elements(
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
    pub(in crate::ecmascript::heap) fn leading_elements(&self) -> usize {
        self.element_vec().iter().take_while(|e| e.is_some()).count()
    }

    /// Moves the dense elements into the entries (ascending, before the
    /// others) and keeps every array index there from now on.
    pub(super) fn make_sparse(&mut self) {
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

    /// Makes room for dense elements up to index `length - 1`.
    pub fn reserve_elements(&mut self, length: usize) {
        // One element fits inline: nothing to reserve.
        let inline = length <= 1 && (self.is_empty_general() || matches!(self.0, Repr::One(_)));
        if !self.is_sparse() && length > 0 && !inline {
            let elements = &mut self.extra_mut().elements;
            elements.reserve_exact(length.saturating_sub(elements.len()));
        }
    }

    /// The dense elements as (index, value), ascending; none once the list
    /// is sparse.
    pub(in crate::ecmascript::heap) fn elements(&self) -> impl Iterator<Item = (usize, &Value<ObjectId>)> {
        self.elements_from(0)
    }

    /// [`PropertyList::elements`] from index `first` on.
    pub(in crate::ecmascript::heap) fn elements_from(
        &self,
        first: usize,
    ) -> impl Iterator<Item = (usize, &Value<ObjectId>)> {
        let rest = self.element_vec().get(first..).unwrap_or(&[]);
        rest.iter()
            .enumerate()
            .filter_map(move |(i, value)| Some((first + i, value.as_ref()?)))
    }

    /// Every array-index property as (index, property): the dense elements
    /// ascending, or the entries with index keys in creation order.
    pub(in crate::ecmascript::heap) fn indexed(&self) -> impl Iterator<Item = (u32, Stored<'_>)> {
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
    pub(in crate::ecmascript::heap) fn array_indices_in_order(
        &self,
    ) -> Option<impl Iterator<Item = (usize, usize)> + '_> {
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

    /// Removes the dense elements at `length` and above (cheaper than
    /// [`PropertyList::retain`] for an Array's new `length`).
    pub(in crate::ecmascript::heap) fn truncate_elements(&mut self, length: usize) {
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
}
