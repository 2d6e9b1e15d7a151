//! Short excerpts of offending input, for error messages.
//!
//! A message names what is wrong and quotes at most [`MOST`] characters of
//! the value it is about: a 4 MB array where a number belongs gives a
//! one-line error, not 4 MB on stderr. The JSON is printed through a writer
//! that stops at the limit, so quoting costs no more than the excerpt.

use serde_json::Value as Json;
use std::fmt::{self, Write};

/// The most characters of a value an error message quotes.
pub(crate) const MOST: usize = 60;

/// A JSON value as it would print, cut at [`MOST`] characters; a cut value
/// ends in "…" and says how big it is.
pub(crate) struct Excerpt<'a>(pub(crate) &'a Json);

impl fmt::Display for Excerpt<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut limited = Limited::default();
        // The writer refuses to go past the limit, which stops the printing.
        let complete = write!(limited, "{}", self.0).is_ok();
        f.write_str(&limited.text)?;
        if !complete {
            let size = match self.0 {
                Json::Array(items) => format!(" (an array of {} items)", items.len()),
                Json::Object(fields) => format!(" (an object of {} fields)", fields.len()),
                Json::String(s) => format!(" (a string of {} characters)", s.chars().count()),
                _ => String::new(),
            };
            write!(f, "…{size}")?;
        }
        Ok(())
    }
}

/// A string quoted (as Rust's `{:?}` quotes it), cut at [`MOST`] characters.
pub(crate) fn excerpt_str(s: &str) -> String {
    let mut limited = Limited::default();
    match write!(limited, "{s:?}") {
        Ok(()) => limited.text,
        Err(_) => format!(
            "{}…\" (a string of {} characters)",
            limited.text,
            s.chars().count()
        ),
    }
}

/// A `fmt::Write` that keeps the first [`MOST`] characters and then fails.
#[derive(Default)]
struct Limited {
    text: String,
    chars: usize,
}

impl Write for Limited {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for c in s.chars() {
            if self.chars == MOST {
                return Err(fmt::Error);
            }
            self.text.push(c);
            self.chars += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_values_are_quoted_whole_and_long_ones_cut() {
        assert_eq!(Excerpt(&serde_json::json!([1, "a"])).to_string(), r#"[1,"a"]"#);
        let long = Json::Array(vec![Json::from(12345); 1_000_000]);
        let text = Excerpt(&long).to_string();
        assert!(text.len() < 2 * MOST, "{text}");
        assert!(text.starts_with("[12345,12345,") && text.ends_with("… (an array of 1000000 items)"));
        assert_eq!(excerpt_str("ab\"c"), r#""ab\"c""#);
        let name = "x".repeat(5000);
        let quoted = excerpt_str(&name);
        assert!(quoted.len() < 2 * MOST && quoted.ends_with("…\" (a string of 5000 characters)"));
    }
}
