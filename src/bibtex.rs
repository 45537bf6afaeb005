//! BibTeX and BibLaTeX as reference managers export them, read as TeX would read them.
//!
//! In: the text of a `.bib` file. Out: hayagriva's [`Library`], or (byte offset, message)
//! per error. The `biblatex` crate parses the file and resolves most TeX (accents on
//! letters, `\ss`, `--`); this module adds what exports commonly hold and it leaves as
//! text:
//!
//! - an accent on a dotless letter written as a command, `{\'\i}` (í), as Better BibTeX and
//!   JabRef write it;
//! - `\url{...}` and `\href{url}{text}` (the address becomes the entry's `url` when it has
//!   none), and text commands (`\emph`, `\textit`, `\textbf`, `\textsc`, `\mkbibquote`...),
//!   of which the text is kept;
//! - `~`, a non-breaking space;
//! - case protection: TeX styles keep the case of braced text only, which authors forget;
//!   words that could not be meant in another case (`arXiv`, `DeepSeek-V3`, `GPT-4o`, `MIT`:
//!   a capital after the first letter, or a capital beside a digit) keep theirs, as Zotero
//!   keeps them;
//! - Google Scholar's `journal = {arXiv preprint arXiv:2412.19437}`, which is a preprint's
//!   arXiv identifier, not a journal: it becomes `eprint` and `eprinttype = {arxiv}`, as
//!   arXiv's own export gives it;
//! - `and others` closing a list of names, BibTeX's mark of a list cut short, which TeX
//!   prints "et al.": it becomes the name [`OTHERS`], which [`crate::bib`] writes "et al."
//!   in place of the style's last delimiter (hayagriva would print a person called
//!   "others": "Devin, M., & others").
//!
//! Everything is normalised to Unicode NFC.

use biblatex::{Chunk, Chunks, Spanned};
use hayagriva::Library;
use unicode_normalization::UnicodeNormalization;

/// The name that stands for `and others` at the end of a list of names: a character of
/// Unicode's private use area, which no real name holds.
pub const OTHERS: &str = "\u{e000}";

/// Fields that hold lists of names.
const NAME_FIELDS: [&str; 11] = [
    "author",
    "editor",
    "editora",
    "editorb",
    "editorc",
    "translator",
    "bookauthor",
    "commentator",
    "annotator",
    "introduction",
    "foreword",
];

/// Fields whose value is an address or an identifier, never TeX text.
const VERBATIM_FIELDS: [&str; 7] = ["url", "doi", "eprint", "file", "urlraw", "pdf", "isbn"];

/// Fields a style may change the case of (titles): only these have their names and
/// acronyms protected. Names are never case-changed, and protecting them would hide their
/// parts from the name parser.
const TITLE_FIELDS: [&str; 14] = [
    "title",
    "subtitle",
    "titleaddon",
    "booktitle",
    "booksubtitle",
    "maintitle",
    "mainsubtitle",
    "journal",
    "journaltitle",
    "journalsubtitle",
    "series",
    "eventtitle",
    "issuetitle",
    "shorttitle",
];

/// Commands whose argument is kept as the text.
const TEXT_COMMANDS: [&str; 15] = [
    "emph",
    "textit",
    "textbf",
    "textsc",
    "textrm",
    "textsf",
    "texttt",
    "textup",
    "textsl",
    "textnormal",
    "mbox",
    "text",
    "mkbibemph",
    "mkbibbold",
    "textmd",
];

/// Commands whose argument is a quotation.
const QUOTE_COMMANDS: [&str; 2] = ["mkbibquote", "enquote"];

/// Reads a `.bib` file.
pub fn read(text: &str) -> Result<Library, Vec<(usize, String)>> {
    let (text, inserted) = brace_dotless_accents(text);
    let original = |offset: usize| offset - inserted.iter().filter(|&&at| at < offset).count() * 2;
    let mut bibliography = biblatex::Bibliography::parse(&text)
        .map_err(|e| vec![(original(e.span.start), e.kind.to_string())])?;
    for entry in bibliography.iter_mut() {
        normalise(entry);
    }
    let library = hayagriva::io::from_biblatex(&bibliography).map_err(|errors| {
        errors
            .into_iter()
            .map(|e| (original(e.span.start), e.kind.to_string()))
            .collect::<Vec<_>>()
    })?;
    let mut out = Library::new();
    for entry in library.iter() {
        out.push(&preprint_as_article(entry).unwrap_or_else(|| entry.clone()));
    }
    Ok(out)
}

/// An arXiv preprint exported as `@misc` (arXiv's own export, and Google Scholar's once
/// read), as the preprint it is: hayagriva's `article` without a parent, which is CSL's
/// `article` ("a preprint, working paper, or other article not published in a periodical",
/// CSL 1.0.2, appendix III), so styles write it as one ("Preprint, arXiv." in Chicago,
/// "Preprint at" in Nature) rather than as an unknown kind of document. `None` when the
/// entry is not one. hayagriva has no setter for an entry's type: the entry goes through
/// its own YAML form (of which JSON is a part) with the type changed.
fn preprint_as_article(entry: &hayagriva::Entry) -> Option<hayagriva::Entry> {
    let preprint = *entry.entry_type() == hayagriva::types::EntryType::Misc
        && entry.keyed_serial_number("arxiv").is_some()
        && entry.parents().is_empty();
    if !preprint {
        return None;
    }
    let mut fields = serde_json::to_value(entry).ok()?;
    fields
        .as_object_mut()?
        .insert("type".into(), serde_json::Value::String("article".into()));
    let keyed = serde_json::json!({ entry.key(): fields });
    let library = hayagriva::io::from_yaml_str(&keyed.to_string()).ok()?;
    library.get(entry.key()).cloned()
}

/// Writes `\'\i` as `\'{\i}`, which `biblatex` resolves; returns the text and where each
/// pair of braces was inserted (offsets in the new text, for mapping errors back).
fn brace_dotless_accents(text: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(text.len());
    let mut inserted = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find('\\') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let accent = rest[1..].chars().next();
        let is_accent = accent.is_some_and(|c| "'`^\"~=.".contains(c));
        let dotless = rest.get(2..4).filter(|s| *s == "\\i" || *s == "\\j");
        let ends = rest.get(4..).is_none_or(|after| {
            after
                .chars()
                .next()
                .is_none_or(|c| !c.is_ascii_alphabetic())
        });
        if let (true, Some(letter), true) = (is_accent, dotless, ends) {
            out.push_str(&rest[..2]);
            inserted.push(out.len());
            out.push('{');
            out.push_str(letter);
            out.push('}');
            rest = &rest[4..];
        } else {
            out.push('\\');
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
    (out, inserted)
}

/// Normalises one entry's fields (see the module's documentation).
fn normalise(entry: &mut biblatex::Entry) {
    let mut found_url = None;
    for (name, chunks) in entry.fields.iter_mut() {
        if VERBATIM_FIELDS.contains(&name.as_str()) {
            continue;
        }
        let protect = TITLE_FIELDS.contains(&name.as_str());
        *chunks = normalise_chunks(std::mem::take(chunks), protect, &mut found_url);
        if NAME_FIELDS.contains(&name.as_str()) {
            mark_others(chunks);
        }
    }
    if let Some(url) = found_url.filter(|_| !entry.fields.contains_key("url")) {
        entry.set("url", vec![Spanned::detached(Chunk::Verbatim(url))]);
    }
    institution_publishes(entry);
    arxiv_journal(entry);
    arxiv_preprint(entry);
}

/// A list of names that ends `and others` ends with the name [`OTHERS`] instead.
fn mark_others(chunks: &mut Chunks) {
    let alone = chunks.len() == 1;
    let Some(Spanned {
        v: Chunk::Normal(text),
        span,
    }) = chunks.last_mut()
    else {
        return;
    };
    let Some(rest) = text
        .trim_end()
        .strip_suffix("others")
        .filter(|rest| rest.ends_with(char::is_whitespace))
    else {
        return;
    };
    // "and" is a word of its own, after a name: in this piece, or braced before it.
    let Some(before) = rest.trim_end().strip_suffix("and") else {
        return;
    };
    let after_a_name = before.ends_with(char::is_whitespace) || (before.is_empty() && !alone);
    if !after_a_name || (alone && before.trim().is_empty()) {
        return;
    }
    *text = format!("{before}and ");
    let span = span.clone();
    chunks.push(Spanned::new(Chunk::Verbatim(OTHERS.to_string()), span));
}

/// A report's `institution` or a thesis's `school` is the body that publishes it, where
/// BibLaTeX's own styles print it; hayagriva files it as an organisation (CSL's
/// `authority`, which the styles print for legal documents, not reports), so the reference
/// would name no publisher. It moves to `publisher` when the entry has none, as one name: BibLaTeX reads the field as a list and prints
/// its items joined by "and", so "National Institute of Standards and Technology" reads
/// as written, where a list would come out "Standards, Technology".
fn institution_publishes(entry: &mut biblatex::Entry) {
    use biblatex::EntryType::{MastersThesis, PhdThesis, Report, TechReport, Thesis};
    if !matches!(
        entry.entry_type,
        Report | TechReport | Thesis | PhdThesis | MastersThesis
    ) || entry.fields.contains_key("publisher")
    {
        return;
    }
    if let Some((field, body)) = ["institution", "school"]
        .iter()
        .find_map(|f| entry.fields.get(*f).map(|body| (*f, body)))
    {
        let name = chunks_text(body);
        entry.fields.remove(field);
        entry.set("publisher", vec![Spanned::detached(Chunk::Verbatim(name))]);
    }
}

fn normalise_chunks(chunks: Chunks, protect: bool, found_url: &mut Option<String>) -> Chunks {
    let mut out: Chunks = Vec::with_capacity(chunks.len());
    for Spanned { v, span } in chunks {
        let (text, verbatim) = match v {
            Chunk::Normal(t) => (t, false),
            Chunk::Verbatim(t) => (t, true),
            Chunk::Math(t) => {
                out.push(Spanned::new(Chunk::Math(t), span));
                continue;
            }
        };
        // `\href{url}{text}`: the parser leaves `\href{url}` at the end of one chunk and the
        // text in the next.
        let mut text = text;
        if let Some(at) = text
            .rfind("\\href{")
            .filter(|&at| text[at..].ends_with('}'))
        {
            let url = text[at + "\\href{".len()..text.len() - 1].to_string();
            found_url.get_or_insert(url);
            text.truncate(at);
        }
        let text = commands(&text, found_url);
        // The mark of `and others` is folio's own: a file's text never holds it.
        let text: String = text.nfc().filter(|&c| !OTHERS.contains(c)).collect();
        if verbatim || !protect {
            let chunk = if verbatim {
                Chunk::Verbatim(text)
            } else {
                Chunk::Normal(text)
            };
            out.push(Spanned::new(chunk, span));
        } else {
            for (piece, protect) in protected_words(&text) {
                let chunk = if protect {
                    Chunk::Verbatim(piece)
                } else {
                    Chunk::Normal(piece)
                };
                out.push(Spanned::new(chunk, span.clone()));
            }
        }
    }
    out
}

/// Resolves `\url{x}` (noting the address), the text commands and the quotation commands
/// in `text`, and makes each `~` outside an address a non-breaking space; any other command
/// is left as it is.
fn commands(text: &str, found_url: &mut Option<String>) -> String {
    let tie = |s: &str| s.replace('~', "\u{a0}");
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('\\') {
        out.push_str(&tie(&rest[..at]));
        rest = &rest[at + 1..];
        let name_len = rest
            .char_indices()
            .find(|&(_, c)| !c.is_ascii_alphabetic())
            .map_or(rest.len(), |(i, _)| i);
        let name = &rest[..name_len];
        let argument = rest[name_len..]
            .strip_prefix('{')
            .and_then(|arg| closing_brace(arg).map(|end| &arg[..end]));
        match argument {
            Some(arg) if name == "url" => {
                found_url.get_or_insert_with(|| arg.to_string());
                out.push_str(arg);
            }
            Some(arg) if TEXT_COMMANDS.contains(&name) => out.push_str(&commands(arg, found_url)),
            Some(arg) if QUOTE_COMMANDS.contains(&name) => {
                out.push('“');
                out.push_str(&commands(arg, found_url));
                out.push('”');
            }
            _ => {
                out.push('\\');
                continue;
            }
        }
        rest = &rest[name_len + 1 + argument.map_or(0, str::len) + 1..];
    }
    out.push_str(&tie(rest));
    out
}

/// The index of the `}` that closes a group whose `{` came just before `text`.
fn closing_brace(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (at, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return Some(at),
            '}' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// Splits `text` into pieces, each marked `true` when it is a word whose case must be kept:
/// a capital after the first letter of any of its hyphenated parts (`arXiv`, `DeepSeek`,
/// `MIT`), or a capital beside a digit (`V3`, `R1`).
///
/// A kept piece holds the words alone, with the spaces between kept words (`PLOS ONE`), but
/// never the punctuation or space around them: hayagriva's case folder counts the letter
/// that follows a kept piece as inside its word, so "DeepSeek-R1: Incentivizing" would
/// become "DeepSeek-R1: incentivizing" in title case if the colon and space were kept.
fn protected_words(text: &str) -> Vec<(String, bool)> {
    let mut pieces: Vec<(String, bool)> = Vec::new();
    let mut add = |piece: &str, protect: bool| match pieces.last_mut() {
        _ if piece.is_empty() => {}
        Some((last, kept)) if *kept == protect => last.push_str(piece),
        _ => pieces.push((piece.to_string(), protect)),
    };
    for piece in text.split_inclusive(char::is_whitespace) {
        let word = piece.trim_end_matches(char::is_whitespace);
        let space = &piece[word.len()..];
        let core_start = word.find(char::is_alphanumeric).unwrap_or(word.len());
        let core_end = word.rfind(char::is_alphanumeric).map_or(core_start, |at| {
            at + word[at..].chars().next().map_or(0, char::len_utf8)
        });
        let core = &word[core_start..core_end.max(core_start)];
        if keeps_case(core) {
            add(&word[..core_start], false);
            add(core, true);
            add(&word[core_end..], false);
        } else {
            add(word, false);
        }
        add(space, false);
    }
    // The spaces between two kept words belong to them: a piece that is only a space,
    // between two kept ones, is dropped by the engines ("PLOSONE").
    let mut merged: Vec<(String, bool)> = Vec::with_capacity(pieces.len());
    let mut rest = pieces.into_iter().peekable();
    while let Some((piece, kept)) = rest.next() {
        let between_kept = !kept
            && piece.chars().all(char::is_whitespace)
            && matches!(merged.last(), Some((_, true)))
            && matches!(rest.peek(), Some((_, true)));
        if between_kept {
            let (next, _) = rest.next().unwrap_or_default();
            if let Some((last, _)) = merged.last_mut() {
                last.push_str(&piece);
                last.push_str(&next);
            }
        } else {
            merged.push((piece, kept));
        }
    }
    merged
}

fn keeps_case(word: &str) -> bool {
    word.split(['-', '/', '–']).any(|part| {
        let letters: Vec<char> = part.chars().filter(|c| c.is_alphanumeric()).collect();
        let inner_capital = letters.iter().skip(1).any(|c| c.is_uppercase());
        let digit = letters.iter().any(|c| c.is_ascii_digit());
        let capital = letters.iter().any(|c| c.is_uppercase());
        inner_capital || (digit && capital)
    })
}

/// Google Scholar's `journal = {arXiv preprint arXiv:2412.19437}` as the preprint's
/// identifier.
fn arxiv_journal(entry: &mut biblatex::Entry) {
    for field in ["journal", "journaltitle"] {
        let Some(chunks) = entry.fields.get(field) else {
            continue;
        };
        let text: String = chunks_text(chunks);
        let text = text.trim();
        // Compared without changing the case of the rest: lowercasing may change the
        // length of other letters (ẞ, İ), and with it where the identifier starts.
        const PREFIX: &str = "arxiv preprint arxiv:";
        let Some(id) = text
            .get(..PREFIX.len())
            .filter(|p| p.eq_ignore_ascii_case(PREFIX))
            .and_then(|_| text.get(PREFIX.len()..))
        else {
            continue;
        };
        let id = id.trim().to_string();
        if id.is_empty() || id.contains(char::is_whitespace) || entry.fields.contains_key("eprint")
        {
            continue;
        }
        entry.fields.remove(field);
        entry.entry_type = biblatex::EntryType::Misc;
        entry.set("eprint", vec![Spanned::detached(Chunk::Verbatim(id))]);
        entry.set(
            "eprinttype",
            vec![Spanned::detached(Chunk::Normal("arxiv".to_string()))],
        );
    }
}

/// The text of a field's chunks, as one string.
fn chunks_text(chunks: &Chunks) -> String {
    chunks.iter().map(|c| c.v.get()).collect()
}

/// The text of `entry`'s field `name`, when it has one.
fn field_text(entry: &biblatex::Entry, name: &str) -> Option<String> {
    entry.fields.get(name).map(chunks_text)
}

/// An arXiv preprint (`eprint` with `eprinttype` or `archiveprefix` arXiv) names its
/// repository as its publisher and has the identifier's address as its `url`, as APA,
/// Chicago and Nature write preprints ("arXiv. https://arxiv.org/abs/2505.09388").
fn arxiv_preprint(entry: &mut biblatex::Entry) {
    let kind = field_text(entry, "eprinttype").or_else(|| field_text(entry, "archiveprefix"));
    let (Some(kind), Some(id)) = (kind, field_text(entry, "eprint")) else {
        return;
    };
    if !kind.trim().eq_ignore_ascii_case("arxiv") {
        return;
    }
    entry.set(
        "eprinttype",
        vec![Spanned::detached(Chunk::Normal("arxiv".to_string()))],
    );
    let has_container = [
        "publisher",
        "organization",
        "journal",
        "journaltitle",
        "booktitle",
    ]
    .iter()
    .any(|f| entry.fields.contains_key(*f));
    if !has_container {
        entry.set(
            "publisher",
            vec![Spanned::detached(Chunk::Verbatim("arXiv".to_string()))],
        );
    }
    if !entry.fields.contains_key("url") {
        let url = format!("https://arxiv.org/abs/{}", id.trim());
        entry.set("url", vec![Spanned::detached(Chunk::Verbatim(url))]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(text: &str) -> biblatex::Entry {
        let (text, _) = brace_dotless_accents(text);
        let mut bibliography = biblatex::Bibliography::parse(&text).unwrap();
        let entry = bibliography.iter_mut().next().unwrap();
        normalise(entry);
        entry.clone()
    }

    fn field(entry: &biblatex::Entry, name: &str) -> String {
        field_text(entry, name).unwrap_or_default()
    }

    #[test]
    fn reads_accents_as_tex_does() {
        let e = entry(
            r#"@misc{a, author = {Garc{\'\i}a, Mar{\'\i}a and M{\"u}ller, Stefan and {\v S}koda, Jan and Fran{\c c}ois, Luc and \"Ozil, M. and {\o}ster, Bo and Stra{\ss}e, X}, title = {x}}"#,
        );
        assert_eq!(
            field(&e, "author"),
            "García, María and Müller, Stefan and Škoda, Jan and François, Luc and Özil, M. and øster, Bo and Straße, X"
        );
        // Precomposed letters, as TeX's output would be searched and sorted.
        assert!(field(&e, "author").contains('\u{ed}'));
    }

    #[test]
    fn resolves_url_href_and_text_commands() {
        let e = entry(
            r#"@misc{a, title = {The \emph{Open} \textbf{Shift} \mkbibquote{now}}, howpublished = {\url{https://example.org/a_b~c}}, note = {See \href{https://example.org/x}{the page}. 5~km}}"#,
        );
        assert_eq!(field(&e, "title"), "The Open Shift “now”");
        assert_eq!(field(&e, "howpublished"), "https://example.org/a_b~c");
        assert_eq!(field(&e, "note"), "See the page. 5\u{a0}km");
        assert_eq!(field(&e, "url"), "https://example.org/a_b~c");
    }

    #[test]
    fn keeps_the_case_of_names_and_acronyms() {
        let e = entry("@misc{a, title = {DeepSeek-V3 and arXiv at MIT: open-weight models}}");
        let kinds: Vec<(String, bool)> = e
            .get("title")
            .unwrap()
            .iter()
            .map(|c| (c.v.get().to_string(), matches!(c.v, Chunk::Verbatim(_))))
            .collect();
        assert!(
            kinds.contains(&("DeepSeek-V3".to_string(), true)),
            "{kinds:?}"
        );
        assert!(kinds.contains(&("arXiv".to_string(), true)), "{kinds:?}");
        assert!(kinds.contains(&("MIT".to_string(), true)), "{kinds:?}");
        assert!(
            kinds.contains(&(": open-weight models".to_string(), false)),
            "{kinds:?}"
        );
        // Kept words side by side are one piece, with the space between them; brackets
        // around a kept word are not kept.
        let e = entry("@article{a, journal = {PLOS ONE}, title = {At (OSDI) in 2016}}");
        assert!(
            matches!(e.get("journal").unwrap(), [c] if c.v == Chunk::Verbatim("PLOS ONE".into()))
        );
        let title: Vec<(String, bool)> = e
            .get("title")
            .unwrap()
            .iter()
            .map(|c| (c.v.get().to_string(), matches!(c.v, Chunk::Verbatim(_))))
            .collect();
        assert_eq!(
            title,
            [
                ("At (".to_string(), false),
                ("OSDI".to_string(), true),
                (") in 2016".to_string(), false)
            ]
        );
        // Names are parsed, never case-changed: they stay as written.
        let names = entry("@misc{a, author = {LeCun, Yann and Bengio, Yoshua}}");
        assert_eq!(names.get("author").unwrap().len(), 1);
        assert!(matches!(
            names.get("author").unwrap()[0].v,
            Chunk::Normal(_)
        ));
        assert!(
            kinds
                .iter()
                .any(|(t, kept)| t.contains("open-weight") && !kept)
        );
    }

    #[test]
    fn reads_google_scholars_arxiv_journal_as_the_preprint_it_is() {
        let e = entry(
            "@article{liu2024deepseek, title={Deepseek-v3 technical report}, journal={arXiv preprint arXiv:2412.19437}, year={2024}}",
        );
        assert_eq!(field(&e, "eprint"), "2412.19437");
        assert_eq!(field(&e, "eprinttype"), "arxiv");
        assert_eq!(field(&e, "publisher"), "arXiv");
        assert_eq!(field(&e, "url"), "https://arxiv.org/abs/2412.19437");
        assert!(e.get("journal").is_none());
    }

    #[test]
    fn reads_and_others_as_a_list_cut_short() {
        let e =
            entry("@article{a, author = {Abadi, Mart{\\'\\i}n and Devin, Matthieu and others}}");
        let names = e.author().unwrap();
        assert_eq!(names.len(), 3, "{names:?}");
        assert_eq!(names[1].name, "Devin");
        assert_eq!(names[2].name, OTHERS);
        let e = entry("@article{a, author = {{Qwen Team} and others}}");
        let names = e.author().unwrap();
        assert_eq!(
            (names[0].name.as_str(), names[1].name.as_str()),
            ("Qwen Team", OTHERS)
        );
        // A person whose name ends in "others" is not the mark.
        let e = entry("@article{a, author = {Brothers, Ann and Mothers, Bo}}");
        assert!(e.author().unwrap().iter().all(|n| n.name != OTHERS));
        let e = entry("@article{a, editor = {Lee, Ann and others}}");
        assert_eq!(e.editors().unwrap()[0].0[1].name, OTHERS);
    }

    #[test]
    fn reads_an_arxiv_misc_as_a_preprint_keeping_every_field() {
        let library = read(
            "@misc{q, title={DeepSeek-R1: Incentivizing Reasoning}, author={DeepSeek-AI and Daya Guo and others}, year={2025}, eprint={2501.12948}, archivePrefix={arXiv}, primaryClass={cs.CL}}\n@misc{w, title={A page}, year={2025}}",
        )
        .unwrap();
        let q = library.get("q").unwrap();
        assert_eq!(*q.entry_type(), hayagriva::types::EntryType::Article);
        assert!(q.parents().is_empty());
        assert_eq!(q.keyed_serial_number("arxiv"), Some("2501.12948"));
        assert_eq!(
            q.url().map(|u| u.value.as_str()),
            Some("https://arxiv.org/abs/2501.12948")
        );
        assert_eq!(q.authors().map(<[_]>::len), Some(3));
        let title = &q.title().unwrap().value.0;
        assert!(
            title.iter().any(
                |c| c.value == "DeepSeek-R1" && c.kind == hayagriva::types::ChunkKind::Verbatim
            ),
            "{title:?}"
        );
        // A misc without an arXiv identifier stays a misc.
        let w = library.get("w").unwrap();
        assert_eq!(*w.entry_type(), hayagriva::types::EntryType::Misc);
    }

    #[test]
    fn a_reports_institution_is_its_publisher() {
        let e = entry(
            "@report{a, title = {T}, institution = {National Institute of Standards and Technology}}",
        );
        assert_eq!(
            field(&e, "publisher"),
            "National Institute of Standards and Technology"
        );
        let e = entry("@phdthesis{a, title = {T}, school = {MIT}}");
        assert_eq!(field(&e, "publisher"), "MIT");
        let e = entry("@report{a, title = {T}, institution = {I}, publisher = {P}}");
        assert_eq!(field(&e, "publisher"), "P");
        // Moved, not copied: no style prints it twice.
        let e = entry("@techreport{a, institution = {NIST}, eprint = {1}, eprinttype = {arxiv}}");
        assert_eq!(field(&e, "publisher"), "NIST");
        assert!(e.get("institution").is_none());
    }

    #[test]
    fn reads_any_journal_without_panicking() {
        // Lowercasing changes these letters' lengths; the arXiv prefix is still found.
        for journal in [
            "arXiv preprint arXiv:ẞx",
            "İİİİİİİİİİİİİİİİİİİİİİİİİ",
            "ARXIV PREPRINT ARXIV:2412.19437",
            "arXiv prep",
            "ẞẞẞẞẞẞẞẞẞẞẞẞ arXiv:1",
        ] {
            let e = entry(&format!("@article{{a, journal = {{{journal}}}}}"));
            if journal.starts_with("ARXIV") {
                assert_eq!(field(&e, "eprint"), "2412.19437");
            }
            if journal.contains('ẞ') && journal.starts_with("arXiv") {
                assert_eq!(field(&e, "eprint"), "ẞx");
            }
        }
        // folio's mark of `and others` cannot come from the file.
        let e = entry("@article{a, author = {Lee, Ann and \u{e000}}, title = {\u{e000}x}}");
        assert!(!field(&e, "title").contains('\u{e000}'));
        // `andothers` is not `and others`.
        let e = entry("@article{a, author = {{X} andothers}}");
        assert!(e.author().unwrap().iter().all(|n| n.name != OTHERS));
    }

    #[test]
    fn maps_error_offsets_back_to_the_file() {
        let text = "@misc{a, author = {Garc{\\'\\i}a}}\n@misc{b, title = {x}\n";
        let errors = read(text).unwrap_err();
        let (offset, _) = &errors[0];
        assert!(*offset <= text.len(), "{errors:?}");
    }
}
