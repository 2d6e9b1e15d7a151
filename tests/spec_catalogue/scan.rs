//! Lexing and scanning: the `step!` markers of Rust sources, found by a
//! small lexer that skips comments and keeps literals whole.

use std::fs;
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Token {
    /// An identifier, keyword or number.
    Word(String),
    /// A string literal's text between its quotes, escapes left as written.
    Str(String),
    /// A char literal.
    Char,
    /// Any other single character.
    Punct(char),
}

pub(crate) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Splits Rust source into tokens with their 1-based line, dropping whitespace
/// and comments.
pub(crate) fn tokenize(source: &str) -> Vec<(Token, usize)> {
    let chars: Vec<char> = source.chars().collect();
    let at = |i: usize| chars.get(i).copied();
    let mut tokens = Vec::new();
    let mut line = 1;
    let mut i = 0;
    while let Some(c) = at(i) {
        let start_line = line;
        match c {
            '\n' => {
                line += 1;
                i += 1;
            }
            '/' if at(i + 1) == Some('/') => {
                while at(i).is_some_and(|c| c != '\n') {
                    i += 1;
                }
            }
            '/' if at(i + 1) == Some('*') => {
                let mut depth = 0;
                while let Some(c) = at(i) {
                    if c == '/' && at(i + 1) == Some('*') {
                        depth += 1;
                        i += 2;
                    } else if c == '*' && at(i + 1) == Some('/') {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        line += usize::from(c == '\n');
                        i += 1;
                    }
                }
            }
            '"' => {
                let mut text = String::new();
                i += 1;
                while let Some(c) = at(i) {
                    i += 1;
                    match c {
                        '"' => break,
                        '\\' => {
                            text.push(c);
                            if let Some(escaped) = at(i) {
                                line += usize::from(escaped == '\n');
                                text.push(escaped);
                                i += 1;
                            }
                        }
                        _ => {
                            line += usize::from(c == '\n');
                            text.push(c);
                        }
                    }
                }
                tokens.push((Token::Str(text), start_line));
            }
            '\'' if at(i + 1) == Some('\\') => {
                // An escaped char literal: '\n', '\'', '\u{1F600}'.
                i += 3;
                while at(i).is_some_and(|c| c != '\'') {
                    i += 1;
                }
                i += 1;
                tokens.push((Token::Char, start_line));
            }
            '\'' if at(i + 2) == Some('\'') => {
                line += usize::from(at(i + 1) == Some('\n'));
                i += 3;
                tokens.push((Token::Char, start_line));
            }
            c if is_word_char(c) => {
                let start = i;
                while at(i).is_some_and(is_word_char) {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                let hashes = chars[i..].iter().take_while(|&&c| c == '#').count();
                if matches!(word.as_str(), "r" | "br" | "cr") && at(i + hashes) == Some('"') {
                    // A raw string: r"…", r#"…"#, …
                    i += hashes + 1;
                    let mut text = String::new();
                    while let Some(c) = at(i) {
                        let closes = c == '"' && (1..=hashes).all(|k| at(i + k) == Some('#'));
                        if closes {
                            i += hashes + 1;
                            break;
                        }
                        line += usize::from(c == '\n');
                        text.push(c);
                        i += 1;
                    }
                    tokens.push((Token::Str(text), start_line));
                } else {
                    tokens.push((Token::Word(word), start_line));
                }
            }
            c if c.is_whitespace() => i += 1,
            // A lone quote starts a lifetime or label; its name follows as a word.
            c => {
                tokens.push((Token::Punct(c), start_line));
                i += 1;
            }
        }
    }
    tokens
}

/// One `step!` marker found in the sources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Marker {
    pub(crate) id: String,
    pub(crate) file: String,
    pub(crate) line: usize,
    /// Which function of the file (counted from 0 at each `fn name`) it is in.
    pub(crate) function: usize,
}

impl Marker {
    pub(crate) fn location(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }
}

/// The markers of a set of source files, and the `step!` uses that are not
/// markers with a literal id (as `file:line`).
#[derive(Debug, Default)]
pub(crate) struct Scan {
    pub(crate) markers: Vec<Marker>,
    pub(crate) malformed: Vec<String>,
}

/// Scans one source file into `scan`.
pub(crate) fn scan_file(file: &str, source: &str, scan: &mut Scan) {
    let tokens = tokenize(source);
    let word = |k: usize, w: &str| matches!(tokens.get(k), Some((Token::Word(x), _)) if x == w);
    let punct = |k: usize, p: char| matches!(tokens.get(k), Some((Token::Punct(x), _)) if *x == p);
    let mut function = 0;
    for (k, (token, line)) in tokens.iter().enumerate() {
        if word(k, "fn") && matches!(tokens.get(k + 1), Some((Token::Word(_), _))) {
            function += 1;
        }
        if !(matches!(token, Token::Word(w) if w == "step") && punct(k + 1, '!')) {
            continue;
        }
        let delimited = [('(', ')'), ('[', ']'), ('{', '}')]
            .iter()
            .any(|&(open, close)| punct(k + 2, open) && punct(k + 4, close));
        match tokens.get(k + 3) {
            Some((Token::Str(id), _)) if delimited => scan.markers.push(Marker {
                id: id.clone(),
                file: file.to_owned(),
                line: *line,
                function,
            }),
            _ => scan.malformed.push(format!("{file}:{line}")),
        }
    }
}

/// Scans `(path, text)` source files, in the order given.
pub(crate) fn scan_sources<'a>(sources: impl IntoIterator<Item = (&'a str, &'a str)>) -> Scan {
    let mut scan = Scan::default();
    for (file, text) in sources {
        scan_file(file, text, &mut scan);
    }
    scan
}

/// Every `.rs` file under `dir`, as (path relative to `root` with `/`, text), sorted.
pub(crate) fn rust_files(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(root, &path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            let text =
                fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            let relative = path.strip_prefix(root).unwrap_or(&path);
            let name: Vec<_> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect();
            out.push((name.join("/"), text));
        }
    }
}

/// The markers of the crate's `src/`.
pub(crate) fn scan_crate() -> Scan {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(root, &root.join("src"), &mut files);
    assert!(
        files.iter().any(|(name, _)| name == "src/spec.rs"),
        "src/ was not found"
    );
    scan_sources(files.iter().map(|(name, text)| (name.as_str(), text.as_str())))
}
