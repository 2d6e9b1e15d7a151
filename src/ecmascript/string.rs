//! ECMAScript String values: sequences of UTF-16 code units.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An ECMAScript String: a sequence of UTF-16 code units, which need not be
/// valid UTF-16 (a lone surrogate is a perfectly good String and survives a
/// structured clone).
///
/// <https://tc39.es/ecma262/#sec-ecmascript-language-types-string-type>
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct JsString(Vec<u16>);

impl JsString {
    /// The String made of exactly these code units.
    pub fn from_code_units(units: Vec<u16>) -> Self {
        JsString(units)
    }

    /// The code units of this String.
    pub fn code_units(&self) -> &[u16] {
        &self.0
    }

    /// Number of code units (the String's `length`).
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether this is the empty String.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The String as Rust text, if it is valid UTF-16 (no lone surrogates).
    pub fn to_rust_string(&self) -> Option<String> {
        String::from_utf16(&self.0).ok()
    }

    /// The String as Rust text, lone surrogates replaced by U+FFFD (for
    /// messages meant for people, never for data).
    pub fn to_string_lossy(&self) -> String {
        String::from_utf16_lossy(&self.0)
    }

    /// If this String is an array index (a canonical numeric String for an
    /// integer in 0 .. 2^32 - 2), that index.
    ///
    /// <https://tc39.es/ecma262/#array-index>
    pub fn as_array_index(&self) -> Option<u32> {
        let units = &self.0;
        if units.is_empty() || units.len() > 10 {
            return None;
        }
        if units.len() > 1 && units[0] == u16::from(b'0') {
            return None;
        }
        let mut n: u64 = 0;
        for &u in units {
            let digit = u.checked_sub(u16::from(b'0')).filter(|d| *d <= 9)?;
            n = n * 10 + u64::from(digit);
        }
        // 2^32 - 1 is not an array index (it is the largest length).
        u32::try_from(n).ok().filter(|n| *n != u32::MAX)
    }
}

impl From<&str> for JsString {
    fn from(s: &str) -> Self {
        JsString(s.encode_utf16().collect())
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
            None => write!(f, "utf16{:?}", self.0),
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
