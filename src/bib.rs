//! The bibliography: `content/references.bib` (BibTeX or BibLaTeX, as reference managers
//! export it), `references.json` (CSL-JSON) or `references.yaml` (hayagriva's YAML), read
//! and formatted by hayagriva's CSL engine in the style `folio.toml` names.
//!
//! In: the file, the style's name, and for each page its citations in order. Out: each
//! citation's HTML (every cited work linked to its entry in the reference list) and the
//! page's reference list. Unknown keys are found by the caller with
//! [`Bibliography::contains`] so that each is reported at its own line.

use std::collections::{BTreeMap, HashMap};
use std::sync::{LazyLock, Mutex};

use hayagriva::citationberg::json::Item as CslItem;
use hayagriva::citationberg::taxonomy::Locator;
use hayagriva::citationberg::{
    FontStyle, FontWeight, IndependentStyle, Locale, Style, StyleCategory, VerticalAlign,
};
use hayagriva::types::{ChunkKind, StringChunk};
use hayagriva::{
    BibliographyDriver, BibliographyRequest, CitationItem, CitationRequest, CitePurpose, ElemChild,
    ElemChildren, ElemMeta, Entry, Formatted, Library, LocatorPayload, SpecificLocator,
};

use sha2::{Digest, Sha256};

use crate::cache::RenderCache;
use crate::citation::{Citation, Item};
use crate::diag::{Diagnostic, Source};
use crate::html::escape;
use crate::memo::Memo;
use crate::project::SourceFile;

/// The style used when `folio.toml` names none.
pub const DEFAULT_STYLE: &str = "apa";

/// The CSL locales, decoded once per process.
static LOCALES: LazyLock<Vec<Locale>> = LazyLock::new(hayagriva::archive::locales);

/// Styles decoded so far, by name: decoding one takes longer than formatting a report's
/// references, and the dev server rebuilds often. At most one per bundled style is kept.
static STYLES: LazyLock<Mutex<HashMap<String, &'static IndependentStyle>>> =
    LazyLock::new(Default::default);

/// The bundled CSL style called `name` (hayagriva's archive: `apa`, `chicago-author-date`,
/// `ieee`, `nature`, `mla`, `vancouver`...), or an error that lists some.
pub fn style(name: &str) -> Result<&'static IndependentStyle, String> {
    if let Some(style) = STYLES.lock().ok().and_then(|m| m.get(name).copied()) {
        return Ok(style);
    }
    let unknown = || {
        format!(
            "unknown citation style {name:?}: folio has hayagriva's bundled styles, such as \
             apa, chicago-author-date, ieee, nature, mla, vancouver, harvard-cite-them-right \
             and springer-basic-author-date"
        )
    };
    let archived = hayagriva::archive::ArchivedStyle::by_name(name).ok_or_else(unknown)?;
    let Style::Independent(style) = archived.get() else {
        return Err(unknown());
    };
    let style: &'static IndependentStyle = Box::leak(Box::new(style));
    if let Ok(mut styles) = STYLES.lock() {
        styles.insert(name.to_string(), style);
    }
    Ok(style)
}

/// Pages' references already formatted in this process, by the SHA-256 of the bibliography's
/// text, the style and the page's citations: formatting is most of a dev-server rebuild, and
/// an edit rarely changes what a page cites.
static RENDERED: Memo<PageReferences> = Memo::new();

/// The works of a bibliography, as the file gave them.
enum Works {
    /// From BibTeX or hayagriva's YAML.
    Entries(Library),
    /// From CSL-JSON, with each item's index by id.
    Csl(Vec<CslItem>, BTreeMap<String, usize>),
}

/// Runs hayagriva's driver over the page's citations. A macro, because the engine's entry
/// trait is not public: the same code is written for BibTeX/YAML entries and CSL-JSON items.
macro_rules! drive_with {
    ($self:ident, $citations:ident, $lookup:expr) => {{
        let lookup = $lookup;
        let locales: &[Locale] = &LOCALES;
        let mut driver = BibliographyDriver::new();
        for citation in $citations {
            let items = citation
                .items
                .iter()
                .filter_map(|item| {
                    let entry = lookup(&item.key)?;
                    Some(CitationItem::new(
                        entry,
                        locator(item),
                        None,
                        false,
                        purpose(citation),
                    ))
                })
                .collect();
            driver.citation(CitationRequest::from_items(items, $self.style, locales));
        }
        driver.finish(BibliographyRequest::new($self.style, None, locales))
    }};
}

/// A parsed bibliography with the style it is formatted in.
pub struct Bibliography {
    works: Works,
    /// The file's path, for hints.
    path: String,
    /// The SHA-256 of the file's text and the style's name.
    text_hash: [u8; 32],
    style: &'static IndependentStyle,
    /// Whether the style numbers its references (`[1]`), rather than naming author and year.
    numeric: bool,
    /// Where formatted references are kept between builds; off unless the build asks.
    cache: RenderCache,
}

/// A page's rendered citations, in order, and its reference list.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct PageReferences {
    /// One HTML fragment per citation, in the order they were given.
    pub citations: Vec<String>,
    /// (key, HTML) per cited entry, in the style's order; a numeric style's label (`[1]`)
    /// starts the HTML.
    pub references: Vec<(String, String)>,
    /// Whether the style numbers its references.
    pub numeric: bool,
    /// Each citation as plain text, for where HTML cannot go (an image, a text file).
    pub citation_texts: Vec<String>,
    /// Each entry of `references` as plain text.
    pub reference_texts: Vec<String>,
}

impl Bibliography {
    /// Parses the bibliography file, by its extension: `.bib` (BibTeX/BibLaTeX, normalised as
    /// TeX reads it: see [`crate::bibtex`]), `.json` (CSL-JSON) or `.yaml` (hayagriva). The
    /// style must be one [`style`] knows; the caller has checked it.
    pub fn parse(file: &SourceFile, style_name: &str) -> Result<Bibliography, Vec<Diagnostic>> {
        let source = Source::new(&file.path, &file.text);
        let extension = file.path.extension().and_then(|e| e.to_str()).unwrap_or("");
        let works = match extension {
            "json" => {
                let items: Vec<CslItem> = serde_json::from_str(&file.text).map_err(|e| {
                    vec![source.error_at(
                        source.offset_of(e.line(), e.column()),
                        format!("invalid CSL-JSON: {e}"),
                    )
                    .with_hint("export the library as CSL JSON: an array of items, each with an \"id\"")]
                })?;
                let mut index = BTreeMap::new();
                let mut errors = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    match item.id() {
                        Some(id) if index.insert(id.to_string(), i).is_none() => {}
                        Some(id) => errors.push(source.error_at(
                            file.text.find(&format!("\"{id}\"")).unwrap_or(0),
                            format!("the id {id:?} is used by two items"),
                        )),
                        None => errors.push(
                            source
                                .error_at(0, format!("item {} has no \"id\"", i + 1))
                                .with_hint("every CSL-JSON item needs an id, the key cited as @id"),
                        ),
                    }
                }
                if !errors.is_empty() {
                    return Err(errors);
                }
                Works::Csl(items, index)
            }
            "yaml" => Works::Entries(titles_open_foldable(
                hayagriva::io::from_yaml_str(&file.text).map_err(|e| {
                    let offset = e
                        .location()
                        .map_or(0, |l| source.offset_of(l.line(), l.column()));
                    vec![source.error_at(offset, format!("invalid hayagriva YAML: {e}"))]
                })?,
            )),
            _ => Works::Entries(titles_open_foldable(
                crate::bibtex::read(&file.text).map_err(|errors| {
                    errors
                        .into_iter()
                        .map(|(offset, message)| {
                            source.error_at(offset, format!("invalid BibTeX: {message}"))
                        })
                        .collect::<Vec<_>>()
                })?,
            )),
        };
        let style = style(style_name).map_err(|message| {
            vec![
                Diagnostic::file(&file.path, message).with_hint("set citation_style in folio.toml"),
            ]
        })?;
        let numeric = style.info.category.iter().any(|c| {
            matches!(
                c,
                StyleCategory::CitationFormat {
                    format: hayagriva::citationberg::CitationFormat::Numeric
                        | hayagriva::citationberg::CitationFormat::Label
                }
            )
        });
        let mut hasher = Sha256::new();
        hasher.update(file.text.as_bytes());
        hasher.update([0]);
        hasher.update(style_name.as_bytes());
        Ok(Bibliography {
            works,
            path: file.path.display().to_string().replace('\\', "/"),
            text_hash: hasher.finalize().into(),
            style,
            numeric,
            cache: RenderCache::off(),
        })
    }

    /// The file's path, as the project names it.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// True when `key` is an entry of the bibliography.
    pub fn contains(&self, key: &str) -> bool {
        match &self.works {
            Works::Entries(library) => library.get(key).is_some(),
            Works::Csl(_, index) => index.contains_key(key),
        }
    }

    /// Up to `n` keys, for hints.
    pub fn some_keys(&self, n: usize) -> String {
        let mut keys: Vec<String> = match &self.works {
            Works::Entries(library) => library.keys().map(str::to_string).collect(),
            Works::Csl(_, index) => index.keys().cloned().collect(),
        };
        keys.sort_unstable();
        let more = keys.len().saturating_sub(n);
        keys.truncate(n);
        let mut list = keys.join(", ");
        if more > 0 {
            list.push_str(&format!(" and {more} more"));
        }
        list
    }

    /// Formats a page's citations (every key known) and its references, or returns what the
    /// same bibliography, style and citations gave before.
    pub fn render_page(&self, citations: &[Citation]) -> PageReferences {
        let key: [u8; 32] = {
            let mut hasher = Sha256::new();
            hasher.update(self.text_hash);
            hasher.update(citations_key(citations));
            hasher.finalize().into()
        };
        RENDERED
            .get_or_try(key, || {
                let kept = self.cache.kept("references", &[&key], || {
                    Ok::<_, std::convert::Infallible>(
                        serde_json::to_vec(&self.render_uncached(citations)).unwrap_or_default(),
                    )
                });
                let kept = kept.unwrap_or_else(|never| match never {});
                Ok::<_, std::convert::Infallible>(
                    serde_json::from_slice(&kept)
                        .unwrap_or_else(|_| self.render_uncached(citations)),
                )
            })
            .unwrap_or_else(|never| match never {})
    }

    /// The same bibliography, keeping what it formats in `cache` between builds (see
    /// [`crate::cache`]): a page whose citations did not change runs no style.
    pub fn with_cache(mut self, cache: RenderCache) -> Bibliography {
        self.cache = cache;
        self
    }

    fn render_uncached(&self, citations: &[Citation]) -> PageReferences {
        let rendered = match &self.works {
            Works::Entries(library) => drive_with!(self, citations, |key: &str| library.get(key)),
            Works::Csl(items, index) => drive_with!(self, citations, |key: &str| index
                .get(key)
                .map(|&i| &items[i])),
        };
        let html = |children: &ElemChildren| {
            let mut out = String::new();
            write_html(children, None, &mut out);
            out
        };
        // Each entry as HTML (a numeric style's label first) and as plain text, with the
        // punctuation its pieces put side by side merged (see `merge_punctuation`).
        let (references, reference_texts): (Vec<(String, String)>, Vec<String>) = rendered
            .bibliography
            .as_ref()
            .map(|b| {
                b.items
                    .iter()
                    .map(|item| {
                        let label = item
                            .first_field
                            .as_ref()
                            .map(|f| ElemChildren(vec![f.clone()]));
                        let html_label = label.as_ref().map_or(String::new(), |l| {
                            format!("<span class=\"ref-label\">{}</span> ", html(l))
                        });
                        let text_label =
                            label.as_ref().map_or(String::new(), |l| format!("{l:#} "));
                        (
                            (
                                item.key.clone(),
                                format!(
                                    "{html_label}{}",
                                    merge_punctuation(&et_al(html(&item.content)), true)
                                ),
                            ),
                            format!(
                                "{text_label}{}",
                                merge_punctuation(&et_al(format!("{:#}", item.content)), false)
                            ),
                        )
                    })
                    .unzip()
            })
            .unwrap_or_default();
        PageReferences {
            citations: rendered
                .citations
                .iter()
                .zip(citations)
                .map(|(c, citation)| {
                    let mut out = String::new();
                    write_html(&c.citation, Some(citation), &mut out);
                    et_al(out)
                })
                .collect(),
            references,
            numeric: self.numeric,
            citation_texts: rendered
                .citations
                .iter()
                .map(|c| et_al(format!("{:#}", c.citation)))
                .collect(),
            reference_texts,
        }
    }
}

/// `text` with BibTeX's `and others` ([`crate::bibtex::OTHERS`]) written "et al." in place
/// of the style's last name, without the conjunction or ellipsis the style put before it
/// (a cut list has no last author): "Smith, J., & others" is "Smith, J., et al.", "(Smith
/// and others 2020)" is "(Smith et al. 2020)". The conjunction is what stands between the
/// last delimiter and the name: "&", or a short lowercase word ("and", "und", "et", "y"),
/// whatever the style's language. The style's punctuation after the name follows, merged
/// with the abbreviation's period where they meet (see [`merge_punctuation`]).
fn et_al(text: String) -> String {
    use crate::bibtex::OTHERS;
    if !text.contains(OTHERS) {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut pieces = text.split(OTHERS).peekable();
    while let Some(piece) = pieces.next() {
        if pieces.peek().is_none() {
            out.push_str(piece);
            break;
        }
        let before = piece.strip_suffix(' ').unwrap_or(piece);
        let word_start = before.rfind(' ').map_or(0, |at| at + 1);
        let word = &before[word_start..];
        let conjunction = matches!(word, "&" | "&amp;" | "…" | "...")
            || (!word.is_empty()
                && word.chars().count() <= 4
                && word.chars().all(|c| c.is_alphabetic() && c.is_lowercase()));
        let kept = match conjunction {
            true => &before[..word_start],
            false => &format!("{before} "),
        };
        // ". . ." is APA's ellipsis written out.
        out.push_str(kept.strip_suffix(". . . ").unwrap_or(kept));
        out.push_str("et al.");
    }
    out.replace("et al..", "et al.")
}

/// The library with every title (and its parents' titles) that opens with a protected
/// piece (`{GPT-4} technical report`, or a word [`crate::bibtex`] protects) given an empty
/// foldable piece before it. hayagriva 0.10 sets the style's case only when it meets a
/// foldable piece, and in doing so drops the space that follows a protected piece it met
/// first ("GPT-4Technical Report" in title case); an empty piece sets the case first and
/// prints nothing.
fn titles_open_foldable(library: Library) -> Library {
    fn open(entry: &Entry) -> Entry {
        let mut entry = entry.clone();
        if let Some(title) = entry.title()
            && title
                .value
                .0
                .first()
                .is_some_and(|first| first.kind != ChunkKind::Normal)
        {
            let mut title = title.clone();
            title
                .value
                .0
                .insert(0, StringChunk::new(String::new(), ChunkKind::Normal));
            entry.set_title(title);
        }
        if !entry.parents().is_empty() {
            let parents = entry.parents().iter().map(open).collect();
            entry.set_parents(parents);
        }
        entry
    }
    let mut out = Library::new();
    for entry in library.iter() {
        out.push(&open(entry));
    }
    out
}

/// A reference with the punctuation that its pieces put side by side merged, as citeproc-js
/// merges it (CSL 1.0.2, "Punctuation": an affix or delimiter next to the same or stronger
/// mark) and as an editor would: a comma or colon before a period or a closing parenthesis
/// gives way to it ("arXiv,." when the style's next piece is empty, "(2025,)" for a page
/// dated by its year alone); a period after a period, or after a question or exclamation
/// mark, inside a quotation or not, is dropped (`“Title.”.`), but not after an ellipsis;
/// two spaces are one. `html` marks text with tags and entities, which are kept as they
/// are and not counted as text.
fn merge_punctuation(text: &str, html: bool) -> String {
    // A period is dropped only where it would end a piece: before a space, a closing mark,
    // a tag or the end ("Inc.." but not "1..n" or "/../").
    let ends_piece = |next: Option<char>| {
        next.is_none_or(|n| n.is_whitespace() || matches!(n, '<' | ')' | ']' | '”' | '’' | '"'))
    };
    let mut out = String::with_capacity(text.len());
    // The last two visible characters, the last with its byte offset in `out`.
    let mut last: Option<(usize, char)> = None;
    let mut before_last: Option<char> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if html && (c == '<' || c == '&') {
            let close = if c == '<' { '>' } else { ';' };
            let end = text[at..].find(close).map_or(text.len(), |e| at + e + 1);
            out.push_str(&text[at..end]);
            while chars.peek().is_some_and(|&(i, _)| i < end) {
                chars.next();
            }
            if c == '&' {
                // An entity is the character it stands for: a quotation mark, or a letter.
                let stands_for = match &text[at..end] {
                    "&quot;" => '"',
                    "&#39;" | "&apos;" => '\'',
                    _ => 'x',
                };
                before_last = last.map(|(_, l)| l);
                last = Some((out.len() - (end - at), stands_for));
            }
            continue;
        }
        // What follows, with a tag read as "<".
        let next = chars.peek().map(|&(_, n)| n);
        let previous = last.map(|(_, l)| l);
        let gives_way = matches!((previous, c), (Some(',' | ';' | ':'), '.' | ')'));
        // After a comma gives way, the period meets what came before the comma.
        let (previous, earlier) = match gives_way {
            true => (before_last, None),
            false => (previous, before_last),
        };
        let drop_this = match (previous, c) {
            (Some(' '), ' ') | (Some(','), ',') => true,
            (Some('?' | '!'), '.') => ends_piece(next),
            (Some('.'), '.') => earlier != Some('.') && next != Some('.') && ends_piece(next),
            (Some('”' | '’' | '"'), '.') => {
                matches!(earlier, Some('.' | '?' | '!')) && ends_piece(next)
            }
            _ => false,
        };
        if gives_way && let Some((p, _)) = last {
            out.remove(p);
            last = None;
        }
        if drop_this {
            if gives_way {
                // The comma is gone and the period with it: what came before stays last.
                last = previous.and_then(|p| out.rfind(p).map(|at| (at, p)));
            }
            continue;
        }
        if !gives_way {
            before_last = previous;
        }
        last = Some((out.len(), c));
        out.push(c);
    }
    out
}

/// What decides how `citations` are formatted, as bytes: everything a citation holds except
/// where it stands in its page, so that an edit of the prose around it keeps its key.
fn citations_key(citations: &[Citation]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut add = |text: &str| {
        out.extend_from_slice(&(text.len() as u64).to_le_bytes());
        out.extend_from_slice(text.as_bytes());
    };
    for citation in citations {
        add(if citation.narrative {
            "narrative"
        } else {
            "bracketed"
        });
        for item in &citation.items {
            add(&item.key);
            add(&item.prefix);
            add(item.locator.as_ref().map_or("", |l| l.term));
            add(item.locator.as_ref().map_or("", |l| l.value.as_str()));
            add(&item.suffix);
            add(if item.suppress_author { "-" } else { "" });
        }
    }
    out
}

/// How hayagriva writes a citation: narrative ones as prose ("Doe (1999)").
fn purpose(citation: &Citation) -> Option<CitePurpose> {
    citation.narrative.then_some(CitePurpose::Prose)
}

/// The locator of a cited item, as hayagriva takes it (an unknown term reads as a page).
fn locator(item: &Item) -> Option<SpecificLocator<'_>> {
    item.locator.as_ref().map(|l| {
        SpecificLocator(
            l.term.parse().unwrap_or(Locator::Page),
            LocatorPayload::Str(&l.value),
        )
    })
}

/// Writes hayagriva's formatted elements as HTML. hayagriva's own HTML writer copies text
/// as it is, so a `<` or `&` in a title would become markup; this one escapes all text.
/// Within a citation, each cited work becomes a link to its reference, with the prefix and
/// suffix the author wrote around it; a work cited without its author (`-@key`) loses the
/// names the style put first, and the punctuation after them.
fn write_html(children: &ElemChildren, citation: Option<&Citation>, out: &mut String) {
    for child in &children.0 {
        match child {
            ElemChild::Text(text) => write_formatted(text, out),
            ElemChild::Elem(elem) => match (&elem.meta, citation) {
                (Some(ElemMeta::Entry(i)), Some(citation)) if *i < citation.items.len() => {
                    let item = &citation.items[*i];
                    if !item.prefix.is_empty() {
                        out.push_str(&crate::markdown::inline(&item.prefix));
                        out.push(' ');
                    }
                    out.push_str(&format!(
                        "<a class=\"cite\" href=\"#ref-{}\">",
                        escape(&item.key)
                    ));
                    if item.suppress_author && !citation.narrative {
                        write_html(&without_author(&elem.children), None, out);
                    } else if citation.narrative {
                        write_html(&narrative_and(&elem.children), None, out);
                    } else {
                        write_html(&elem.children, None, out);
                    }
                    out.push_str("</a>");
                    out.push_str(&crate::markdown::inline(&item.suffix));
                }
                _ => write_html(&elem.children, citation, out),
            },
            ElemChild::Markup(markup) => out.push_str(&escape(markup)),
            ElemChild::Link { text, url }
                if url.starts_with("https://") || url.starts_with("http://") =>
            {
                out.push_str(&format!("<a href=\"{}\">", escape(url)));
                write_formatted(text, out);
                out.push_str("</a>");
            }
            ElemChild::Link { text, .. } => write_formatted(text, out),
            ElemChild::Transparent { .. } => {}
        }
    }
}

/// A cited work's elements without the names that lead them and the punctuation that
/// follows the names: `Vaswani et al., 2017, p. 3` becomes `2017, p. 3`.
fn without_author(children: &ElemChildren) -> ElemChildren {
    let mut rest = children.0.iter().peekable();
    if !matches!(rest.peek(), Some(ElemChild::Elem(e)) if matches!(e.meta, Some(ElemMeta::Names(_))))
    {
        return children.clone();
    }
    rest.next();
    while let Some(ElemChild::Text(t)) = rest.peek() {
        if t.text
            .chars()
            .all(|c| c.is_whitespace() || matches!(c, ',' | ';' | ':'))
        {
            rest.next();
        } else {
            break;
        }
    }
    ElemChildren(rest.cloned().collect())
}

/// A narrative citation's elements with "&" between names written "and": the ampersand is
/// for parentheses, and running text spells the word (APA 7, section 8.17: "Hochreiter and
/// Schmidhuber (1997)").
fn narrative_and(children: &ElemChildren) -> ElemChildren {
    ElemChildren(
        children
            .0
            .iter()
            .map(|child| match child {
                ElemChild::Text(t) if t.text.contains(" & ") => {
                    let mut t = t.clone();
                    t.text = t.text.replace(" & ", " and ");
                    ElemChild::Text(t)
                }
                ElemChild::Elem(e) => {
                    let mut e = e.clone();
                    e.children = narrative_and(&e.children);
                    ElemChild::Elem(e)
                }
                other => other.clone(),
            })
            .collect(),
    )
}

fn write_formatted(text: &Formatted, out: &mut String) {
    let italic = text.formatting.font_style == FontStyle::Italic;
    let bold = text.formatting.font_weight == FontWeight::Bold;
    let (open, close) = match text.formatting.vertical_align {
        VerticalAlign::Sup => ("<sup>", "</sup>"),
        VerticalAlign::Sub => ("<sub>", "</sub>"),
        _ => ("", ""),
    };
    out.push_str(open);
    if italic {
        out.push_str("<i>");
    }
    if bold {
        out.push_str("<b>");
    }
    out.push_str(&escape(&text.text));
    if bold {
        out.push_str("</b>");
    }
    if italic {
        out.push_str("</i>");
    }
    out.push_str(close);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_others_as_et_al_in_place_of_the_last_name() {
        let o = crate::bibtex::OTHERS;
        let cases = [
            (
                format!("Smith, J., & {o}. (2020)"),
                "Smith, J., et al. (2020)",
            ),
            (
                format!("Smith, J., &amp; {o}. (2020)"),
                "Smith, J., et al. (2020)",
            ),
            (format!("(Smith and {o} 2020)"), "(Smith et al. 2020)"),
            (
                format!("Smith, John, and {o}. 2020."),
                "Smith, John, et al. 2020.",
            ),
            (format!("Schmidt, J. und {o}."), "Schmidt, J. et al."),
            (
                format!("A, A., S, S., … {o}. (2022)"),
                "A, A., S, S., et al. (2022)",
            ),
            (
                format!("A, A., S, S., . . . {o}. (2022)"),
                "A, A., S, S., et al. (2022)",
            ),
            (format!("J. Smith, {o}, “T,”"), "J. Smith, et al., “T,”"),
            (format!("<i>Smith &amp; {o}</i>."), "<i>Smith et al.</i>."),
            ("no mark here".to_string(), "no mark here"),
        ];
        for (raw, written) in cases {
            assert_eq!(et_al(raw.clone()), written, "{raw}");
        }
    }

    #[test]
    fn merges_punctuation_the_styles_put_side_by_side() {
        let cases = [
            (
                "“Report.” arXiv,. https://a.org/.",
                "“Report.” arXiv. https://a.org/.",
            ),
            ("Web page (2025,).", "Web page (2025)."),
            ("“Qwen3 Technical Report.”.", "“Qwen3 Technical Report.”"),
            ("Is it?. Yes", "Is it? Yes"),
            ("Acme Inc.. Boston", "Acme Inc. Boston"),
            ("Wait... then", "Wait... then"),
            ("in Proc.,  2016", "in Proc., 2016"),
            ("[Online].  Available: x", "[Online]. Available: x"),
            ("one, two; three: four", "one, two; three: four"),
            ("Acme Inc.,. Boston", "Acme Inc. Boston"),
            ("Why?,. Then", "Why? Then"),
            ("Ranges 1..n and /a/../b.", "Ranges 1..n and /a/../b."),
        ];
        for (raw, merged) in cases {
            assert_eq!(merge_punctuation(raw, false), merged, "{raw}");
        }
        // Tags and entities are not text: the comma gives way across a closing tag, and an
        // entity counts as a letter.
        assert_eq!(
            merge_punctuation("<i>arXiv,</i>. <a href=\"x.\">x</a>", true),
            "<i>arXiv</i>. <a href=\"x.\">x</a>"
        );
        assert_eq!(merge_punctuation("A &amp;. B", true), "A &amp;. B");
        // A quotation mark written as an entity is one: HTML and text read alike.
        assert_eq!(
            merge_punctuation("&quot;Title.&quot;. Next", true),
            "&quot;Title.&quot; Next"
        );
        assert_eq!(
            merge_punctuation("\"Title.\". Next", false),
            "\"Title.\" Next"
        );
    }
    use crate::markdown::{Directive, directives};

    const BIB: &str = "@article{ft2025, author = {Criddle, Cristina}, title = {TITLE}, journal = {Financial Times}, year = {2025}}\n\
         @misc{hf2025, author = {Longpre, Shayne and Akiki, Christopher and Lund, Campbell}, title = {Economies of Open Intelligence}, year = {2025}}\n";

    fn bibliography_in(title: &str, style: &str) -> Bibliography {
        Bibliography::parse(
            &SourceFile {
                path: "content/references.bib".into(),
                text: BIB.replace("TITLE", title),
            },
            style,
        )
        .unwrap()
    }

    fn bibliography(title: &str) -> Bibliography {
        bibliography_in(title, "apa")
    }

    /// The citations of a piece of Markdown, read as a page's are.
    fn cite(markdown: &str) -> Vec<Citation> {
        directives(markdown)
            .into_iter()
            .filter_map(|d| match d {
                Directive::Cite { citation, .. } => Some(citation),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn formats_citations_and_escapes_titles() {
        let refs = bibliography("China <leads> & the US").render_page(&cite("[@ft2025]"));
        assert_eq!(
            refs.citations,
            ["(<a class=\"cite\" href=\"#ref-ft2025\">Criddle, 2025</a>)"]
        );
        assert_eq!(refs.references.len(), 1);
        assert!(
            refs.references[0]
                .1
                .contains("China &lt;leads&gt; &amp; the US"),
            "{:?}",
            refs.references
        );
    }

    #[test]
    fn formats_again_when_the_file_the_style_or_the_citations_change() {
        let first = bibliography("Open models").render_page(&cite("[@ft2025]"));
        let edited = bibliography("Open-weight models").render_page(&cite("[@ft2025]"));
        assert!(edited.references[0].1.contains("Open-weight models"));
        assert!(first.references[0].1.contains("Open models"));
        let both = bibliography("Open models").render_page(&cite("[@ft2025; @hf2025]"));
        assert_eq!(both.references.len(), 2);
        let apart = bibliography("Open models").render_page(&cite("[@ft2025] [@hf2025]"));
        assert_eq!(apart.citations.len(), 2);
        assert_eq!(both.citations.len(), 1);
        let ieee = bibliography_in("Open models", "ieee").render_page(&cite("[@ft2025]"));
        assert!(ieee.numeric);
        assert!(ieee.citations[0].contains("[1]"), "{:?}", ieee.citations);
    }

    #[test]
    fn links_each_work_of_a_group_to_its_own_entry() {
        let refs = bibliography("Open").render_page(&cite("[see @hf2025, p. 12; also @ft2025]"));
        assert_eq!(
            refs.citations,
            ["(see <a class=\"cite\" href=\"#ref-ft2025\">Criddle, 2025</a>; also <a class=\"cite\" href=\"#ref-hf2025\">Longpre et al., 2025, p. 12</a>)"
                .replace("(see <a class=\"cite\" href=\"#ref-ft2025\">Criddle, 2025</a>; also", "(also <a class=\"cite\" href=\"#ref-ft2025\">Criddle, 2025</a>; see")]
        );
    }

    #[test]
    fn writes_narrative_and_author_suppressed_citations() {
        let refs = bibliography("Open").render_page(&cite(
            "@hf2025 [p. 4] found it, as did @ft2025 [-@ft2025, chap. 2, and elsewhere].",
        ));
        let plain: Vec<String> = refs
            .citations
            .iter()
            .map(|c| {
                let mut text = String::new();
                let mut in_tag = false;
                for ch in c.chars() {
                    match ch {
                        '<' => in_tag = true,
                        '>' => in_tag = false,
                        ch if !in_tag => text.push(ch),
                        _ => {}
                    }
                }
                text
            })
            .collect();
        assert_eq!(
            plain,
            [
                "Longpre et al. (2025, p. 4)",
                "Criddle (2025)",
                "(2025, Chapter 2, and elsewhere)"
            ]
        );
    }

    #[test]
    fn numeric_styles_label_their_references() {
        let refs = bibliography_in("Open", "nature").render_page(&cite("[@hf2025; @ft2025]"));
        assert!(refs.numeric);
        assert!(
            refs.citations[0].contains("<sup>1</sup>"),
            "{:?}",
            refs.citations
        );
        assert!(
            refs.references[0]
                .1
                .starts_with("<span class=\"ref-label\">1.</span> "),
            "{:?}",
            refs.references
        );
    }

    #[test]
    fn refuses_an_unknown_style() {
        assert!(
            style("no-such-style")
                .unwrap_err()
                .contains("chicago-author-date")
        );
        assert!(style("chicago-author-date").is_ok());
    }
}
