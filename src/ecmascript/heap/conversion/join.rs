//! The `join` ToString reaches for an Array or typed array: the built-in
//! `Array.prototype.join` and `%TypedArray%.prototype.join` with ",", and
//! how a cycle back into an object being joined is cut (it joins to the
//! empty String, as engines do).
//!
//! <https://tc39.es/ecma262/#sec-array.prototype.join>

use super::{Completion, Conversion};
use crate::ecmascript::heap::text::Builder;
use crate::ecmascript::heap::{Accessor, ArrayBufferState, Heap, ObjectId, ObjectKind, OwnProperty};
use crate::ecmascript::{ErrorPrototype, Exception, Value};
use std::sync::Arc;

impl Heap {
    /// Array.prototype.join or %TypedArray%.prototype.join, with ","; the
    /// Array is marked as being joined meanwhile (see `object_text`).
    pub(super) fn builtin_join(&mut self, o: ObjectId, cx: &mut Conversion) -> Completion<Builder> {
        cx.begin_join(o);
        let joined = match self.get_object(o).map(|h| &h.kind) {
            Some(ObjectKind::Array { length }) => {
                let length = *length;
                self.array_join(o, length, cx)
            }
            _ => self.typed_array_join(o, cx),
        };
        cx.end_join();
        joined
    }

    /// %TypedArray%.prototype.join(","): ValidateTypedArray first (a view out
    /// of bounds, or over a detached buffer, throws a TypeError), then each
    /// element's Number::toString or BigInt::toString.
    ///
    /// <https://tc39.es/ecma262/#sec-%typedarray%.prototype.join>
    fn typed_array_join(&mut self, o: ObjectId, cx: &mut Conversion) -> Completion<Builder> {
        let Some(elements) = self.typed_array_elements(o) else {
            return self.throw(
                ErrorPrototype::TypeError,
                "Cannot perform %TypedArray%.prototype.join on an out of bounds TypedArray",
            );
        };
        if self.views_shared_memory(o) {
            // Another agent may write the block before the next conversion.
            cx.not_kept();
        }
        let mut out = Builder::default();
        for (i, element) in elements.iter().enumerate() {
            if i > 0 {
                out.push_units(&[u16::from(b',')]);
            }
            let text = self.convert(element, cx)?;
            out.push(text);
            if out.len() > self.max_string_length {
                return self.throw(ErrorPrototype::RangeError, "Invalid string length");
            }
        }
        Ok(out)
    }

    fn views_shared_memory(&self, view: ObjectId) -> bool {
        let Some(ObjectKind::View { buffer, .. }) = self.get_object(view).map(|h| &h.kind) else {
            return false;
        };
        matches!(self.buffer_state(*buffer), Some(ArrayBufferState::Shared { .. }))
    }

    /// Array.prototype.join(",") as toString calls it. Holes, undefined and
    /// null give empty Strings.
    fn array_join(&mut self, o: ObjectId, length: u32, cx: &mut Conversion) -> Completion<Builder> {
        let length = length as usize;
        // Only stored indices can hold anything: the array's own, and, for a
        // hole, %Object.prototype%'s (the heap's %Array.prototype% has no
        // index properties). The properties are read from one snapshot, which
        // is what [[Get]] would see: nothing a conversion runs can change an
        // existing object.
        let own = self.index_properties(o, length);
        let inherited = self.inherited_indices(cx);
        let inherited = &inherited[..inherited.partition_point(|(index, _)| *index < length)];

        let mut out = Builder::default();
        let mut written = 0; // separators in `out`: the next element's index
        for (index, property) in merge_own_first(&own, inherited) {
            // The separators before an index are appended before it is read:
            // a String grown too long by them throws before a later
            // element's getter or conversion runs. (Those after the last
            // element are checked with the whole text, by the caller.)
            if out.len().saturating_add(index - written) > self.max_string_length {
                return self.throw(ErrorPrototype::RangeError, "Invalid string length");
            }
            out.push_run(u16::from(b','), index - written);
            written = index;
            let element = match property {
                OwnProperty::Data { value, .. } => value,
                OwnProperty::Accessor { getter, .. } => match &**getter {
                    Accessor::Returns(value) => value,
                    Accessor::Throws(value) => return Err(Exception(value.clone())),
                },
            };
            let text = match element {
                Value::Undefined | Value::Null => continue,
                other => self.convert(other, cx)?,
            };
            out.push(text);
            if out.len() > self.max_string_length {
                return self.throw(ErrorPrototype::RangeError, "Invalid string length");
            }
        }
        out.push_run(u16::from(b','), length.saturating_sub(1) - written);
        Ok(out)
    }

    /// %Object.prototype%'s index properties, sorted by index: read once
    /// while the heap does not change, however many Arrays are joined.
    fn inherited_indices(&self, cx: &mut Conversion) -> Arc<Vec<(usize, OwnProperty)>> {
        let proto = self.object_prototype();
        cx.texts
            .inherited
            .get_or_insert_with(|| Arc::new(self.index_properties(proto, usize::MAX)))
            .clone()
    }

    /// The stored properties of `o` whose keys are array indices below
    /// `below`, sorted by index.
    fn index_properties(&self, o: ObjectId, below: usize) -> Vec<(usize, OwnProperty)> {
        let mut indices: Vec<(usize, OwnProperty)> = self
            .get_object(o)
            .map(|h| h.properties.indexed())
            .into_iter()
            .flatten()
            .map(|(index, p)| (index as usize, p.to_property().into_owned()))
            .filter(|(index, _)| *index < below)
            .collect();
        indices.sort_unstable_by_key(|(index, _)| *index);
        indices
    }
}

/// Two lists sorted by index, merged; where both have an index, the first
/// list's entry (the Array's own property) shadows the second's.
fn merge_own_first<'a>(
    own: &'a [(usize, OwnProperty)],
    inherited: &'a [(usize, OwnProperty)],
) -> impl Iterator<Item = (usize, &'a OwnProperty)> {
    let mut own = own.iter().peekable();
    let mut inherited = inherited.iter().peekable();
    std::iter::from_fn(move || {
        let take_own = match (own.peek(), inherited.peek()) {
            (None, None) => return None,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (Some((a, _)), Some((b, _))) => {
                if a == b {
                    inherited.next();
                }
                a <= b
            }
        };
        let (index, property) = if take_own { own.next() } else { inherited.next() }?;
        Some((*index, property))
    })
}
