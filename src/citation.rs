//! Pandoc's citation syntax, read from the text of a bracketed citation or of a narrative one.
//!
//! In: the text of `[see @doe99, pp. 33-35; also -@smith04, chap. 1]` (without its brackets),
//! or the text that follows a narrative `@key`. Out: the cited items, each with its key, the
//! byte offset of the key, its prefix, locator and suffix, and whether the author is
//! suppressed; or a [`SyntaxError`] saying what is wrong and where.
//!
//! The rules are Pandoc's (<https://pandoc.org/MANUAL.html#citation-syntax>):
//! - a key is `@` followed by a letter, digit or `_`, then letters, digits, `_` and
//!   *internal* punctuation `:.#$%&-+?<>~/` (a trailing `.` ends a sentence, not a key), or
//!   any text in braces: `@{Doe 1999}`;
//! - `-@key` suppresses the author;
//! - after the key, a comma may introduce a locator: one of Pandoc's terms for the en-US
//!   locale, singular or plural, full or abbreviated (`p.`, `pp.`, `chap.`, `§`...), then its
//!   value; a value without a term is a page; `{...}` forces anything to be the value;
//! - what follows is the suffix, and what precedes the key is the prefix;
//! - several items are separated by `;`.

/// A citation: one or more works, in brackets or narrative (`@doe99 says`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Citation {
    /// The works cited, in order.
    pub items: Vec<Item>,
    /// `@key` in running text: "Doe (1999)" rather than "(Doe, 1999)".
    pub narrative: bool,
}

impl Citation {
    /// A citation of `key` alone, without prefix, locator or suffix, narrative ("Doe
    /// (1999)") or not ("(Doe, 1999)"), placed at byte `offset`: how a figure cites the
    /// sources of its rows, and a dataset page lists them.
    pub fn of(key: &str, offset: usize, narrative: bool) -> Citation {
        Citation {
            items: vec![Item {
                key: key.to_string(),
                offset,
                prefix: String::new(),
                locator: None,
                suffix: String::new(),
                suppress_author: false,
            }],
            narrative,
        }
    }
}

/// One cited work.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Item {
    /// The key, without `@` or braces.
    pub key: String,
    /// The byte offset of the `@` in the text the citation was read from.
    pub offset: usize,
    /// Text before the key (`see`), trimmed; Markdown.
    pub prefix: String,
    /// The locator, when one is given.
    pub locator: Option<Locator>,
    /// Text after the key and locator, with its leading comma or space; Markdown.
    pub suffix: String,
    /// `-@key`: cite without the author.
    pub suppress_author: bool,
}

/// Where in the cited work: a CSL locator type and its value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Locator {
    /// The CSL locator type (`page`, `chapter`, `sub-verbo`...).
    pub term: &'static str,
    /// As written: `33-35, 38-39`.
    pub value: String,
}

/// A citation that cannot be read: what is wrong, at a byte offset of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// Byte offset in the text given.
    pub offset: usize,
    /// What is wrong.
    pub message: String,
    /// How to write it instead.
    pub hint: String,
}

/// Pandoc's locator terms for en-US (the CSL locale's terms, singular and plural, long and
/// short), each with the CSL locator type it stands for.
const TERMS: &[(&str, &[&str])] = &[
    ("book", &["books", "book", "bks.", "bk."]),
    ("chapter", &["chapters", "chapter", "chaps.", "chap."]),
    ("column", &["columns", "column", "cols.", "col."]),
    ("figure", &["figures", "figure", "figs.", "fig."]),
    ("folio", &["folios", "folio", "fols.", "fol."]),
    ("issue", &["numbers", "number", "nos.", "no."]),
    ("line", &["lines", "line", "ll.", "l."]),
    ("note", &["notes", "note", "nn.", "n."]),
    ("opus", &["opera", "opus", "opp.", "op."]),
    ("page", &["pages", "page", "pp.", "p."]),
    (
        "paragraph",
        &["paragraphs", "paragraph", "paras.", "para.", "¶¶", "¶"],
    ),
    ("part", &["parts", "part", "pts.", "pt."]),
    (
        "section",
        &["sections", "section", "secs.", "sec.", "§§", "§"],
    ),
    ("sub-verbo", &["sub verbis", "sub verbo", "s.vv.", "s.v."]),
    ("verse", &["verses", "verse", "vv.", "v."]),
    ("volume", &["volumes", "volume", "vols.", "vol."]),
];

/// True for a character that may start a key.
fn key_start(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// True for punctuation a key may hold between its letters.
fn key_inner(c: char) -> bool {
    ":.#$%&-+?<>~/".contains(c)
}

/// The length in bytes of the key that starts `text` (just after the `@`), and the key;
/// `None` when no key starts there.
pub fn key_at(text: &str) -> Option<(usize, String)> {
    if let Some(rest) = text.strip_prefix('{') {
        let end = rest.find('}')?;
        let key = rest[..end].trim();
        return (!key.is_empty()).then(|| (end + 2, key.to_string()));
    }
    let mut chars = text.char_indices().peekable();
    let (_, first) = chars.next()?;
    if !key_start(first) {
        return None;
    }
    let mut end = first.len_utf8();
    while let Some((at, c)) = chars.next() {
        if key_start(c) {
            end = at + c.len_utf8();
        } else if key_inner(c) && chars.peek().is_some_and(|&(_, next)| key_start(next)) {
            continue;
        } else {
            break;
        }
    }
    Some((end, text[..end].to_string()))
}

/// True when `text[at]` is an `@` that starts a citation: not escaped, not inside a word
/// (so e-mail addresses are left alone), and followed by a key.
pub fn starts_citation(text: &str, at: usize) -> bool {
    let before = text[..at].chars().next_back();
    let in_word = before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '\\');
    !in_word && text[at..].starts_with('@') && key_at(&text[at + 1..]).is_some()
}

/// True when the bracketed `text` holds a citation: some `@` in it starts a key.
pub fn is_bracketed_citation(text: &str) -> bool {
    text.match_indices('@')
        .any(|(at, _)| starts_citation(text, at))
}

/// Reads a bracketed citation's inside (`text` without `[` and `]`). Offsets are bytes of
/// `text`.
pub fn parse_bracketed(text: &str) -> Result<Vec<Item>, SyntaxError> {
    let mut items = Vec::new();
    let mut start = 0;
    for part in split_items(text) {
        let item = parse_item(&text[start..start + part], start)?;
        items.push(item);
        start += part + 1;
    }
    Ok(items)
}

/// The byte lengths of the `;`-separated parts of `text`; a `;` inside braces does not
/// separate.
fn split_items(text: &str) -> Vec<usize> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut from = 0;
    for (at, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            ';' if depth == 0 => {
                parts.push(at - from);
                from = at + 1;
            }
            _ => {}
        }
    }
    parts.push(text.len() - from);
    parts
}

fn parse_item(part: &str, base: usize) -> Result<Item, SyntaxError> {
    let at = part
        .match_indices('@')
        .map(|(at, _)| at)
        .find(|&at| starts_citation(part, at))
        .ok_or_else(|| SyntaxError {
            offset: base + (part.len() - part.trim_start().len()),
            message: format!(
                "{:?} cites no work: each part of a citation needs an @key",
                part.trim()
            ),
            hint: "write [see @key, p. 12; @other]; a literal @ is written \\@".to_string(),
        })?;
    let suppress_author = part[..at].ends_with('-');
    let prefix_end = if suppress_author { at - 1 } else { at };
    let prefix = part[..prefix_end].trim();
    let (len, key) = key_at(&part[at + 1..]).expect("starts_citation found a key");
    let rest = &part[at + 1 + len..];
    let (locator, suffix) = locator_and_suffix(rest).map_err(|message| SyntaxError {
        offset: base + at,
        message,
        hint: "write the locator after a comma, as in [@key, p. 12] or [@key, chap. 3]".to_string(),
    })?;
    if suffix
        .match_indices('@')
        .any(|(i, _)| starts_citation(&suffix, i))
    {
        return Err(SyntaxError {
            offset: base + at,
            message: "two keys in one part of a citation".to_string(),
            hint: "separate the works with a semicolon: [@a; @b]".to_string(),
        });
    }
    Ok(Item {
        key,
        offset: base + at,
        prefix: prefix.to_string(),
        locator,
        suffix,
        suppress_author,
    })
}

/// Reads what follows a key: `, p. 12 and passim` gives the locator `page 12` and the suffix
/// ` and passim`; `, with a note` gives no locator and the suffix `, with a note`.
pub fn locator_and_suffix(rest: &str) -> Result<(Option<Locator>, String), String> {
    let suffix = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let keep_space = |s: &str| {
        let joined = suffix(s);
        if !joined.is_empty() && s.starts_with(char::is_whitespace) {
            format!(" {joined}")
        } else {
            joined
        }
    };
    let Some(after_comma) = rest.trim_start().strip_prefix(',') else {
        return Ok((None, keep_space(rest)));
    };
    let body = after_comma.trim_start();
    // `{...}`: the whole braced text is a page locator.
    if let Some(braced) = body.strip_prefix('{') {
        let end = braced
            .find('}')
            .ok_or_else(|| "a locator in braces has no closing brace".to_string())?;
        let locator = Locator {
            term: "page",
            value: braced[..end].trim().to_string(),
        };
        return Ok((Some(locator), keep_space(&braced[end + 1..])));
    }
    let (term, after_term) = match find_term(body) {
        Some((term, len)) => (Some(term), &body[len..]),
        None => (None, body),
    };
    // A sub verbo locator is a word: `s.v. open`.
    let value_len = if term == Some("sub-verbo") {
        let value = after_term.trim_start();
        value.find(',').unwrap_or(value.len())
    } else {
        value_length(after_term.trim_start())
    };
    let lead = after_term.len() - after_term.trim_start().len();
    match (term, value_len) {
        (Some(_), 0) => Err(format!(
            "the locator {:?} has no value",
            body[..body.len() - after_term.len()].trim()
        )),
        (Some(term), n) => Ok((
            Some(Locator {
                term,
                value: after_term[lead..lead + n].to_string(),
            }),
            keep_space(&after_term[lead + n..]),
        )),
        (None, 0) => Ok((None, suffix(&format!(",{after_comma}")))),
        (None, n) => Ok((
            Some(Locator {
                term: "page",
                value: body[..n].to_string(),
            }),
            keep_space(&body[n..]),
        )),
    }
}

/// The locator term `text` starts with, and its length: the term must be followed by a
/// space, a digit or the end (`p.12`, `chap. 3`), or be `§`/`¶`.
fn find_term(text: &str) -> Option<(&'static str, usize)> {
    for (term, forms) in TERMS {
        for form in *forms {
            // The forms are ASCII or caseless symbols, so comparing bytes is safe.
            if !text
                .as_bytes()
                .get(..form.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(form.as_bytes()))
            {
                continue;
            }
            let next = text[form.len()..].chars().next();
            let symbol = form.starts_with(['§', '¶']);
            if symbol || next.is_none_or(|c| c.is_whitespace() || c.is_ascii_digit()) {
                return Some((term, form.len()));
            }
        }
    }
    None
}

/// The length of the locator value at the start of `text`: numbers (with letters, as in
/// `12a`) or roman numerals, ranges joined by `-`, `–` or `—`, and lists joined by `,` or
/// `&`, as long as each piece is such a number.
fn value_length(text: &str) -> usize {
    let mut end = 0;
    let mut at = 0;
    loop {
        let len = piece_length(&text[at..]);
        if len == 0 {
            return end;
        }
        at += len;
        end = at;
        let rest = &text[at..];
        let sep = rest
            .char_indices()
            .find(|&(_, c)| !(c.is_whitespace() || matches!(c, ',' | '&' | '-' | '–' | '—')))
            .map_or(rest.len(), |(i, _)| i);
        if sep == 0
            || !rest[..sep]
                .trim()
                .chars()
                .all(|c| matches!(c, ',' | '&' | '-' | '–' | '—'))
        {
            return end;
        }
        at += sep;
    }
}

/// One number of a locator: digits with letters (`12`, `12a`, `A4`), or a roman numeral.
fn piece_length(text: &str) -> usize {
    let len = text
        .char_indices()
        .find(|&(_, c)| !c.is_alphanumeric())
        .map_or(text.len(), |(i, _)| i);
    let word = &text[..len];
    let numeric = word.chars().any(|c| c.is_ascii_digit());
    let roman = !word.is_empty() && word.chars().all(|c| "ivxlcdmIVXLCDM".contains(c));
    if numeric || roman { len } else { 0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Item {
        let items = parse_bracketed(text).unwrap();
        assert_eq!(items.len(), 1, "{items:?}");
        items.into_iter().next().unwrap()
    }

    #[test]
    fn reads_keys_as_pandoc_does() {
        assert_eq!(key_at("doe99."), Some((5, "doe99".into())));
        assert_eq!(key_at("a:b/c-d, p."), Some((7, "a:b/c-d".into())));
        assert_eq!(key_at("{Doe 1999} says"), Some((10, "Doe 1999".into())));
        assert_eq!(key_at(" doe"), None);
        assert!(!starts_citation("mail me@example.org", 7));
        assert!(!starts_citation("write \\@doe", 7));
        assert!(starts_citation("see @doe", 4));
    }

    #[test]
    fn reads_prefix_locator_and_suffix() {
        let item = one("see @doe99, pp. 33-35, 38-39 and *passim*");
        assert_eq!(item.key, "doe99");
        assert_eq!(item.offset, 4);
        assert_eq!(item.prefix, "see");
        assert_eq!(
            item.locator,
            Some(Locator {
                term: "page",
                value: "33-35, 38-39".into()
            })
        );
        assert_eq!(item.suffix, " and *passim*");
        assert_eq!(one("@muller2024, p. 12").locator.unwrap().value, "12");
        assert_eq!(one("@a, chap. 3").locator.unwrap().term, "chapter");
        assert_eq!(one("@a, §§ 4–5").locator.unwrap().term, "section");
        assert_eq!(one("@a, s.v. open").locator.unwrap().value, "open");
        assert!(
            parse_bracketed("@a, pp. passim").is_err(),
            "a page term needs a number"
        );
        assert_eq!(one("@a, 12").locator.unwrap().term, "page");
        assert_eq!(one("@a, xiv").locator.unwrap().value, "xiv");
        let braced = one("@a, {ii, A, D-Z}, with a suffix");
        assert_eq!(braced.locator.unwrap().value, "ii, A, D-Z");
        assert_eq!(braced.suffix, ", with a suffix");
        assert_eq!(one("@a, and others").suffix, ", and others");
        assert_eq!(one("@a and others").suffix, " and others");
    }

    #[test]
    fn reads_several_items_and_suppressed_authors() {
        let items = parse_bracketed("@a; also -@b, chap. 1").unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[1].key, "b");
        assert_eq!(items[1].prefix, "also");
        assert_eq!(items[1].offset, 10);
        assert!(items[1].suppress_author);
        assert!(!items[0].suppress_author);
    }

    #[test]
    fn refuses_what_it_cannot_read() {
        let e = parse_bracketed("@a; see above").unwrap_err();
        assert_eq!(e.offset, 4);
        assert!(e.message.contains("cites no work"), "{e:?}");
        assert!(
            parse_bracketed("@a, p.")
                .unwrap_err()
                .message
                .contains("no value")
        );
        assert!(
            parse_bracketed("@a @b")
                .unwrap_err()
                .message
                .contains("two keys")
        );
    }
}
