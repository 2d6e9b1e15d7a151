//! ECMAScript String values: sequences of UTF-16 code units.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use triomphe::ThinArc;

/// An ECMAScript String: a sequence of UTF-16 code units, which need not be
/// valid UTF-16 (a lone surrogate is a perfectly good String and survives a
/// structured clone).
///
///
/// The code units are shared, not copied, when a String is cloned: ECMAScript
/// Strings are immutable, and the algorithms copy keys and values from realm
/// to record to realm, so a clone is a reference count, not an allocation.
///
/// The handle is one pointer: the count of code units lives in the shared
/// allocation beside them (`triomphe::ThinArc`), not in the handle as an
/// `Arc<[u16]>` keeps it. A `Value`, a property key and a record's slot hold
/// a String, so each is 8 bytes smaller for it, in every object of both
/// heaps and every record of a clone.
///
/// <https://tc39.es/ecma262/#sec-ecmascript-language-types-string-type>
#[derive(Clone)]
pub struct JsString(ThinArc<(), u16>);

impl JsString {
    /// The String made of exactly these code units.
    pub fn from_code_units(units: Vec<u16>) -> Self {
        JsString(ThinArc::from_header_and_slice((), &units))
    }

    /// Whether both Strings share the same code units in memory (then they
    /// are equal; equal Strings need not share).
    pub fn shares_units_with(&self, other: &JsString) -> bool {
        std::ptr::eq(self.0.ptr(), other.0.ptr())
    }

    /// The code units of this String.
    pub fn code_units(&self) -> &[u16] {
        &self.0.slice
    }

    /// Number of code units (the String's `length`).
    pub fn len(&self) -> usize {
        self.code_units().len()
    }

    /// Whether this is the empty String.
    pub fn is_empty(&self) -> bool {
        self.code_units().is_empty()
    }

    /// The String as Rust text, if it is valid UTF-16 (no lone surrogates).
    pub fn to_rust_string(&self) -> Option<String> {
        String::from_utf16(self.code_units()).ok()
    }

    /// The String as Rust text, lone surrogates replaced by U+FFFD (for
    /// messages meant for people, never for data).
    pub fn to_string_lossy(&self) -> String {
        String::from_utf16_lossy(self.code_units())
    }

    /// If this String is an array index (a canonical numeric String for an
    /// integer in 0 .. 2^32 - 2), that index.
    ///
    /// <https://tc39.es/ecma262/#array-index>
    pub fn as_array_index(&self) -> Option<u32> {
        let units = self.code_units();
        if units.is_empty() || units.len() > 10 {
            return None;
        }
        if units.len() > 1 && units[0] == u16::from(b'0') {
            return None;
        }
        let mut n: u64 = 0;
        for &u in units.iter() {
            let digit = u.checked_sub(u16::from(b'0')).filter(|d| *d <= 9)?;
            n = n * 10 + u64::from(digit);
        }
        // 2^32 - 1 is not an array index (it is the largest length).
        u32::try_from(n).ok().filter(|n| *n != u32::MAX)
    }
}

impl From<&[u16]> for JsString {
    /// A String of a copy of these code units, made in place (no vector
    /// first, as [`JsString::from_code_units`] takes).
    fn from(units: &[u16]) -> Self {
        JsString(ThinArc::from_header_and_slice((), units))
    }
}

impl From<&str> for JsString {
    /// ASCII text (most keys, and every number written out) goes straight
    /// into the shared allocation, each byte its code unit: one allocation,
    /// not a vector of units grown as they come and then copied. Other text
    /// is encoded into a vector sized once (UTF-16 never needs more code
    /// units than UTF-8 needs bytes).
    fn from(s: &str) -> Self {
        if s.is_ascii() {
            return JsString(ThinArc::from_header_and_iter((), s.bytes().map(u16::from)));
        }
        let mut units = Vec::with_capacity(s.len());
        units.extend(s.encode_utf16());
        JsString::from_code_units(units)
    }
}

// Equality, order and hashing are the code units' (order is the
// lexicographic order of code units that IsLessThan uses for Strings), never
// the handle's or the stored length's.
impl PartialEq for JsString {
    fn eq(&self, other: &Self) -> bool {
        self.shares_units_with(other) || self.code_units() == other.code_units()
    }
}

impl Eq for JsString {}

impl PartialOrd for JsString {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for JsString {
    fn cmp(&self, other: &Self) -> Ordering {
        self.code_units().cmp(other.code_units())
    }
}

impl Hash for JsString {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.code_units().hash(state);
    }
}

impl Default for JsString {
    fn default() -> Self {
        JsString::from_code_units(Vec::new())
    }
}

impl Serialize for JsString {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.code_units().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for JsString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::<u16>::deserialize(deserializer).map(JsString::from_code_units)
    }
}

impl From<String> for JsString {
    fn from(s: String) -> Self {
        JsString::from(s.as_str())
    }
}

impl fmt::Debug for JsString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to_rust_string() {
            Some(s) => write!(f, "{s:?}"),
            None => write!(f, "utf16{:?}", self.code_units()),
        }
    }
}

impl fmt::Display for JsString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_string_lossy())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lone_surrogates_are_kept() {
        let s = JsString::from_code_units(vec![0xD800, 0x61]);
        assert_eq!(s.code_units(), &[0xD800, 0x61]);
        assert_eq!(s.to_rust_string(), None);
        assert_eq!(s.to_string_lossy(), "\u{FFFD}a");
    }

    #[test]
    fn clones_share_their_code_units() {
        let s = JsString::from("shared");
        let t = s.clone();
        assert!(s.shares_units_with(&t));
        assert!(!s.shares_units_with(&JsString::from("shared")));
        assert_eq!(s, JsString::from("shared"));
    }

    #[test]
    fn text_becomes_its_utf16_code_units() {
        for text in [
            "",
            "a",
            "x123",
            "ASCII only ~\u{7f}",
            "é",
            "日本語",
            "😀 and 🎉",
            "mixed ü 😀 x",
        ] {
            let expected: Vec<u16> = text.encode_utf16().collect();
            assert_eq!(JsString::from(text).code_units(), expected, "{text:?}");
            assert_eq!(
                JsString::from(text.to_owned()).to_rust_string().as_deref(),
                Some(text)
            );
        }
    }

    #[test]
    fn array_indices_are_canonical() {
        assert_eq!(JsString::from("0").as_array_index(), Some(0));
        assert_eq!(JsString::from("4294967294").as_array_index(), Some(4_294_967_294));
        assert_eq!(JsString::from("4294967295").as_array_index(), None);
        assert_eq!(JsString::from("01").as_array_index(), None);
        assert_eq!(JsString::from("-1").as_array_index(), None);
        assert_eq!(JsString::from("1.5").as_array_index(), None);
        assert_eq!(JsString::from("").as_array_index(), None);
        assert_eq!(JsString::from("99999999999").as_array_index(), None);
    }
}
