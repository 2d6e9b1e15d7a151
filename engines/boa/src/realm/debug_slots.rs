//! Internal slots that Boa 0.22 keeps private and shows only in the `Debug`
//! text of its built-in data: a RegExp's [[OriginalSource]] and
//! [[OriginalFlags]], and whether a view's [[ByteLength]] / [[ArrayLength]]
//! is *auto* (a length-tracking view).
//!
//! WORKAROUND (Boa 0.22 public API): `RegExp`, `TypedArray` and `DataView`
//! derive `Debug`, and their fields print in declaration order; the crate
//! pins `boa_engine = "=0.22.0"`, so the format cannot change under us. The
//! readers below are strict: text they do not recognise gives `None`, and
//! the caller falls back to what the public getters say.
//!
//! Why not the getters alone: `RegExp.prototype.source` is
//! EscapeRegExpPattern(source), not [[OriginalSource]], and Boa's escaping
//! is not reversible (`\/` and `/` both come out with a backslash before
//! the slash); `flags` is rebuilt in canonical order, not [[OriginalFlags]];
//! and no getter tells a length-tracking view from a fixed one whose length
//! happens to match.

/// [[OriginalSource]] and [[OriginalFlags]] from the `Debug` text of Boa's
/// `RegExp` data, as UTF-16 code units. `escaped_source` is what the
/// original `source` getter answered (EscapeRegExpPattern of the source);
/// it settles the one ambiguity of the `Debug` text, which writes a lone
/// surrogate as the six characters `\uXXXX`.
pub fn regexp_source_and_flags(debug: &str, escaped_source: &[u16]) -> Option<(Vec<u16>, Vec<u16>)> {
    // The source's own text cannot contain `JsString("` unescaped, so the
    // last occurrences are the fields themselves.
    let flags_at = debug.rfind("original_flags: JsString(\"")?;
    let source_at = debug[..flags_at].rfind("original_source: JsString(\"")?;
    let source = rust_string_literal(&debug[source_at + "original_source: JsString(".len()..])?;
    let flags = rust_string_literal(&debug[flags_at + "original_flags: JsString(".len()..])?;
    let candidate: Vec<u16> = source.encode_utf16().collect();
    let source = resolve_lone_surrogates(&candidate, escaped_source).unwrap_or(candidate);
    Some((source, flags.encode_utf16().collect()))
}

/// Reads a Rust string literal as `Debug` writes it (`"..."` with `\\`,
/// `\"`, `\'`, `\n`, `\r`, `\t`, `\0` and `\u{...}` escapes), from the
/// opening quote at the start of `text`.
fn rust_string_literal(text: &str) -> Option<String> {
    let mut chars = text.strip_prefix('"')?.chars();
    let mut out = String::new();
    loop {
        match chars.next()? {
            '"' => return Some(out),
            '\\' => match chars.next()? {
                'n' => out.push('\n'),
                'r' => out.push('\r'),
                't' => out.push('\t'),
                '0' => out.push('\0'),
                '\\' => out.push('\\'),
                '"' => out.push('"'),
                '\'' => out.push('\''),
                'u' => {
                    if chars.next()? != '{' {
                        return None;
                    }
                    let hex: String = chars.by_ref().take_while(|c| *c != '}').collect();
                    out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
                }
                _ => return None,
            },
            c => out.push(c),
        }
    }
}

/// What Boa's EscapeRegExpPattern writes for one code unit.
fn escape_unit(unit: u16) -> Vec<u16> {
    let text: &str = match unit {
        0x2F => "\\/",
        0x0A => "\\n",
        0x0D => "\\r",
        0x2028 => "\\u2028",
        0x2029 => "\\u2029",
        _ => return vec![unit],
    };
    text.encode_utf16().collect()
}

/// The source `candidate` stands for, where each `\uXXXX` naming a
/// surrogate is either those six characters or the lone surrogate itself:
/// whichever the escaped source (which holds lone surrogates as they are)
/// agrees with. `None` when the two do not fit together at all.
fn resolve_lone_surrogates(candidate: &[u16], escaped: &[u16]) -> Option<Vec<u16>> {
    if candidate.is_empty() {
        return Some(Vec::new());
    }
    let mut out = Vec::with_capacity(candidate.len());
    let (mut i, mut j) = (0, 0);
    while i < candidate.len() {
        if let Some(surrogate) = surrogate_escape(&candidate[i..])
            && escaped.get(j) == Some(&surrogate)
        {
            out.push(surrogate);
            i += 6;
            j += 1;
            continue;
        }
        let expansion = escape_unit(candidate[i]);
        if !escaped[j..].starts_with(&expansion) {
            return None;
        }
        out.push(candidate[i]);
        i += 1;
        j += expansion.len();
    }
    (j == escaped.len()).then_some(out)
}

/// If `units` starts with `\uXXXX` (uppercase hex, as Boa writes a lone
/// surrogate) naming a surrogate, that surrogate.
fn surrogate_escape(units: &[u16]) -> Option<u16> {
    let head = String::from_utf16(units.get(..6)?).ok()?;
    let hex = head.strip_prefix("\\u")?;
    if !hex
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b))
    {
        return None;
    }
    u16::from_str_radix(hex, 16)
        .ok()
        .filter(|u| (0xD800..=0xDFFF).contains(u))
}

/// The `Option<u64>` field `name` (`name: Some(8)` or `name: None`) of a
/// `Debug` text, read from its last occurrence.
pub fn optional_length(debug: &str, name: &str) -> Option<Option<u64>> {
    let needle = format!("{name}: ");
    let rest = &debug[debug.rfind(&needle)? + needle.len()..];
    if rest.starts_with("None") {
        return Some(None);
    }
    let digits = rest.strip_prefix("Some(")?;
    let end = digits.find(')')?;
    digits[..end].parse().ok().map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(s: &str) -> Vec<u16> {
        s.encode_utf16().collect()
    }

    #[test]
    fn reads_string_literals_with_escapes() {
        assert_eq!(
            rust_string_literal(r#""a\"b\\c\n\u{7f}") }"#).as_deref(),
            Some("a\"b\\c\n\u{7f}")
        );
        assert_eq!(rust_string_literal(r#""unterminated"#), None);
        assert_eq!(rust_string_literal(r#"no quote""#), None);
    }

    #[test]
    fn finds_the_fields_after_the_matcher() {
        let debug = r#"RegExp { matcher: Regex { original_source: JsString("decoy") }, flags: G, original_source: JsString("a\\/b"), original_flags: JsString("ig") }"#;
        let (source, flags) = regexp_source_and_flags(debug, &utf16("a\\\\/b")).unwrap();
        assert_eq!(source, utf16("a\\/b"));
        assert_eq!(flags, utf16("ig"));
    }

    #[test]
    fn a_lone_surrogate_and_its_spelling_are_told_apart() {
        // The source holds a lone surrogate: the getter shows it as a unit.
        let lone = vec![0x61, 0xD800];
        assert_eq!(resolve_lone_surrogates(&utf16("a\\uD800"), &lone), Some(lone));
        // The source holds the six characters: the getter shows them too.
        let spelled = utf16("a\\uD800");
        assert_eq!(resolve_lone_surrogates(&spelled, &spelled), Some(spelled.clone()));
        // Slashes and line breaks are escaped by the getter only.
        assert_eq!(
            resolve_lone_surrogates(&utf16("/\n"), &utf16("\\/\\n")),
            Some(utf16("/\n"))
        );
        assert_eq!(resolve_lone_surrogates(&utf16("x"), &utf16("y")), None);
        assert_eq!(resolve_lone_surrogates(&[], &utf16("(?:)")), Some(Vec::new()));
    }

    #[test]
    fn reads_optional_lengths() {
        let debug = "TypedArray { viewed_array_buffer: Buffer((ArrayBuffer) 0x1), kind: Uint8, byte_offset: 2, byte_length: None, array_length: Some(12) }";
        assert_eq!(optional_length(debug, "byte_length"), Some(None));
        assert_eq!(optional_length(debug, "array_length"), Some(Some(12)));
        assert_eq!(optional_length(debug, "nothing"), None);
    }
}
