//! ECMAScript BigInt values, held in canonical decimal form.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An ECMAScript BigInt. The algorithms only copy BigInts, never compute with
/// them, so the value is kept as its canonical decimal text: an optional `-`
/// and digits without leading zeros (zero is `0`, never `-0`). The text is
/// boxed without spare capacity, and the box boxed again so the handle is
/// one pointer, as a String's is: a [`Value`](super::Value) is then 16 bytes
/// (BigInts are rare in messages; Strings, Numbers and objects are not).
///
/// <https://tc39.es/ecma262/#sec-ecmascript-language-types-bigint-type>
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct BigInt(Box<Box<str>>);

/// The text given was not a decimal integer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a decimal BigInt (expected an optional '-' and digits)")]
pub struct BigIntParseError(pub String);

impl BigInt {
    /// Parses decimal text (`-123`, `0`, `007`), canonicalising it.
    ///
    /// # Errors
    ///
    /// A [`BigIntParseError`] holding `text` when it is not an optional `-`
    /// and one or more ASCII digits.
    pub fn parse(text: &str) -> Result<BigInt, BigIntParseError> {
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(BigIntParseError(text.to_owned()));
        }
        let digits = digits.trim_start_matches('0');
        Ok(match (digits.is_empty(), negative) {
            (true, _) => BigInt(Box::new("0".into())),
            (false, true) => BigInt(Box::new(format!("-{digits}").into_boxed_str())),
            (false, false) => BigInt(Box::new(digits.into())),
        })
    }

    /// The canonical decimal text.
    pub fn as_decimal(&self) -> &str {
        &self.0
    }
}

impl From<i64> for BigInt {
    fn from(n: i64) -> Self {
        BigInt(Box::new(n.to_string().into_boxed_str()))
    }
}

/// `"-123".parse::<BigInt>()`, the same as [`BigInt::parse`].
impl std::str::FromStr for BigInt {
    type Err = BigIntParseError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        BigInt::parse(text)
    }
}

impl TryFrom<String> for BigInt {
    type Error = BigIntParseError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        BigInt::parse(&s)
    }
}

impl From<BigInt> for String {
    fn from(b: BigInt) -> String {
        b.0.into_string()
    }
}

impl fmt::Debug for BigInt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}n", self.0)
    }
}

impl fmt::Display for BigInt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_forms() {
        assert_eq!(BigInt::parse("-0").unwrap().as_decimal(), "0");
        assert_eq!(BigInt::parse("007").unwrap().as_decimal(), "7");
        assert_eq!(BigInt::parse("-0012").unwrap().as_decimal(), "-12");
        assert_eq!(
            BigInt::parse("123456789012345678901234567890")
                .unwrap()
                .as_decimal(),
            "123456789012345678901234567890"
        );
    }

    #[test]
    fn rejects_non_integers() {
        for bad in ["", "-", "1.5", "1e3", "+1", " 1", "0x10", "--1"] {
            assert!(BigInt::parse(bad).is_err(), "{bad:?}");
        }
    }
}
