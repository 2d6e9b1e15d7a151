//! What StructuredSerializeInternal steps 7 – 24 learn about an object from
//! its internal slots, as one answer: [`SlotKind`], which
//! [`Realm::slot_kind`] gives.
//!
//! <https://html.spec.whatwg.org/multipage/structured-data.html#structuredserializeinternal>

use super::{BigInt, JsString, PlatformObjectSlots, Realm};

/// Which of the cases of StructuredSerializeInternal steps 7 – 24 an object
/// falls under, with the slot values the early steps copy.
///
/// The cases are tested in the standard's order and the first that applies
/// wins: an object with a [[BooleanData]] slot is `Boolean` whatever else it
/// has, and `Ordinary` means that no earlier case applied.
///
/// Non-exhaustive: should the standard add a case, a variant joins.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum SlotKind {
    /// Step 7: [[BooleanData]].
    Boolean(bool),
    /// Step 8: [[NumberData]].
    Number(f64),
    /// Step 9: [[BigIntData]].
    BigInt(BigInt),
    /// Step 10: [[StringData]].
    String(JsString),
    /// Step 11: [[DateValue]].
    Date(f64),
    /// Step 12: [[RegExpMatcher]], with [[OriginalSource]] and
    /// [[OriginalFlags]].
    RegExp {
        /// [[OriginalSource]]
        source: JsString,
        /// [[OriginalFlags]]
        flags: JsString,
    },
    /// Step 13: [[ArrayBufferData]] (an ArrayBuffer or SharedArrayBuffer).
    ArrayBuffer,
    /// Step 14: [[ViewedArrayBuffer]] (a TypedArray or DataView).
    ArrayBufferView,
    /// Step 15: [[MapData]].
    Map,
    /// Step 16: [[SetData]].
    Set,
    /// Step 17: [[ErrorData]] on an object that is not a platform object.
    Error,
    /// Step 18: an Array exotic object.
    Array,
    /// Steps 19 and 20: a platform object.
    Platform(PlatformObjectSlots),
    /// Step 21: a callable object.
    Callable,
    /// Step 22: some other internal slot, named for the error message.
    OtherInternalSlot(&'static str),
    /// Step 23: an exotic object other than %Object.prototype%, its kind
    /// named for the error message.
    Exotic(&'static str),
    /// Step 24: none of the above, an ordinary object.
    Ordinary,
}

/// [`Realm::slot_kind`]'s default: the realm's slot questions, asked in the
/// order of steps 7 – 23 until one says yes.
pub(crate) fn slot_kind_by_questions<R: Realm + ?Sized>(realm: &R, o: &R::Object) -> SlotKind {
    if let Some(b) = realm.boolean_data(o) {
        return SlotKind::Boolean(b);
    }
    if let Some(n) = realm.number_data(o) {
        return SlotKind::Number(n);
    }
    if let Some(b) = realm.bigint_data(o) {
        return SlotKind::BigInt(b);
    }
    if let Some(s) = realm.string_data(o) {
        return SlotKind::String(s);
    }
    if let Some(t) = realm.date_value(o) {
        return SlotKind::Date(t);
    }
    if let Some((source, flags)) = realm.regexp_source_and_flags(o) {
        return SlotKind::RegExp { source, flags };
    }
    if realm.array_buffer(o).is_some() {
        return SlotKind::ArrayBuffer;
    }
    if realm.array_buffer_view(o).is_some() {
        return SlotKind::ArrayBufferView;
    }
    if realm.has_map_data(o) {
        return SlotKind::Map;
    }
    if realm.has_set_data(o) {
        return SlotKind::Set;
    }
    let platform = realm.platform_object(o);
    if platform.is_none() && realm.has_error_data(o) {
        return SlotKind::Error;
    }
    if realm.is_array_exotic(o) {
        return SlotKind::Array;
    }
    if let Some(slots) = platform {
        return SlotKind::Platform(slots);
    }
    if realm.is_callable(o) {
        return SlotKind::Callable;
    }
    if let Some(slot) = realm.other_internal_slot(o) {
        return SlotKind::OtherInternalSlot(slot);
    }
    if let Some(kind) = realm.exotic_kind(o)
        && !realm.is_object_prototype_intrinsic(o)
    {
        return SlotKind::Exotic(kind);
    }
    SlotKind::Ordinary
}
