//! Markdown to HTML, with folio's directives found in pulldown-cmark's event stream.
//!
//! In: a page's Markdown body. Out: its HTML, its table of contents and the directives it
//! holds. This module knows nothing of charts, data or citations: it finds
//!
//! - fenced code blocks whose info string is `chart` ([`Directive::Chart`]) or `claim`
//!   ([`Directive::Claim`]),
//! - the role `` {value}`...` ``: the text `{value}` right before an inline code span
//!   ([`Directive::Value`]),
//! - `@fig-<id>` in prose ([`Directive::FigRef`]),
//! - citations in Pandoc's syntax ([`Directive::Cite`], read by [`crate::citation`]):
//!   bracketed ones (`[see @key, p. 12; @other]`, through the broken-link callback) and
//!   narrative ones (`@key says`, `@key [p. 12] says`) in prose; a bracket or an `@` that
//!   looks like a citation and cannot be read is a [`Directive::BadCite`], never text,
//!
//! each with its byte offset in the body, and hands them to a resolver that returns the HTML
//! fragment to put in their place. Nothing here matches regular expressions over Markdown or
//! HTML, so a directive inside a code example stays a code example.

use std::collections::BTreeSet;

use pulldown_cmark::{
    BrokenLink, CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd,
};

use crate::citation::{self, Citation};
use crate::diag::Diagnostic;
use crate::html;

/// A folio directive found in Markdown, with the byte offset of its text in the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Directive {
    /// A ` ```chart ` block; `body` is its TOML, starting at `offset`.
    Chart { body: String, offset: usize },
    /// A ` ```claim ` block; `body` is its TOML, starting at `offset`.
    Claim { body: String, offset: usize },
    /// `` {value}`spec` ``; `offset` is where the spec starts.
    Value { spec: String, offset: usize },
    /// `@fig-<id>` in prose.
    FigRef { id: String, offset: usize },
    /// A citation, `text` as written; its items' offsets are in the body.
    Cite {
        citation: Citation,
        text: String,
        offset: usize,
    },
    /// Something written as a citation, `text`, that cannot be read.
    BadCite {
        message: String,
        hint: String,
        text: String,
        offset: usize,
    },
}

impl Directive {
    /// The byte offset of the directive's text in the body.
    pub fn offset(&self) -> usize {
        match self {
            Directive::Chart { offset, .. }
            | Directive::Claim { offset, .. }
            | Directive::Value { offset, .. }
            | Directive::FigRef { offset, .. }
            | Directive::Cite { offset, .. }
            | Directive::BadCite { offset, .. } => *offset,
        }
    }
}

/// A heading listed in a page's table of contents.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TocEntry {
    /// 2 or 3.
    pub level: u8,
    /// The heading's id (its anchor).
    pub id: String,
    /// The heading's text, as plain text.
    pub title: String,
}

/// A page's Markdown, rendered.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// The body as HTML.
    pub html: String,
    /// Headings of level 2 and 3, in order.
    pub toc: Vec<TocEntry>,
}

/// The one place the parser's options are chosen: CommonMark with GitHub's tables,
/// footnotes, strikethrough and task lists, smart punctuation and `{#id}` heading attributes.
fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Marks a `[@key]` link so the event loop can tell it from an author's link.
const CITE_SCHEME: &str = "folio-cite:";

/// Turns a bracketed citation (`[see @key, p. 12]`), which CommonMark sees as a link
/// without a definition, into a link to [`CITE_SCHEME`]; its text is read from the source.
fn cite_link<'a>(link: BrokenLink<'a>) -> Option<(CowStr<'a>, CowStr<'a>)> {
    (link.link_type == LinkType::Shortcut && citation::is_bracketed_citation(&link.reference))
        .then(|| (CITE_SCHEME.into(), "".into()))
}

type CiteCallback<'a> = fn(BrokenLink<'a>) -> Option<(CowStr<'a>, CowStr<'a>)>;

fn parser(markdown: &str) -> pulldown_cmark::OffsetIter<'_, CiteCallback<'_>> {
    Parser::new_with_broken_link_callback(markdown, options(), Some(cite_link as CiteCallback<'_>))
        .into_offset_iter()
}

/// A body parsed once: pulldown-cmark's events with each directive where it stands, to be
/// rendered as often as the site needs it (a chapter's page and its part of the print
/// edition), each time with a resolver of its own.
pub struct Parsed<'a> {
    parts: Vec<Part<'a>>,
    /// The body's length in bytes, to size the HTML.
    len: usize,
}

enum Part<'a> {
    Event(Event<'a>),
    /// A directive; `block` when it stands for a block of its own (a chart or claim fence).
    Directive {
        directive: Directive,
        block: bool,
    },
}

/// Parses a body, finding its directives; render it with [`Parsed::render`].
pub fn parse(markdown: &str) -> Parsed<'_> {
    Parsed {
        parts: walk(markdown),
        len: markdown.len(),
    }
}

/// Lists the directives of a body in order, without rendering it.
pub fn directives(markdown: &str) -> Vec<Directive> {
    // Pushed one by one: collecting the filtered parts would keep their whole allocation.
    let mut found = Vec::new();
    for part in walk(markdown) {
        if let Part::Directive { directive, .. } = part {
            found.push(directive);
        }
    }
    found
}

/// Renders a body, replacing each directive by what `resolve` returns for it. Every error
/// the resolver reports is collected; the HTML is only meaningful when there are none.
pub fn render(
    markdown: &str,
    resolve: &mut dyn FnMut(&Directive) -> Result<String, Diagnostic>,
) -> (Rendered, Vec<Diagnostic>) {
    parse(markdown).render(resolve, "")
}

impl Parsed<'_> {
    /// The body as HTML, each directive replaced by what `resolve` returns for it, called in
    /// the body's order. Every heading and footnote id starts with `prefix` (empty for a
    /// page of its own; the print edition holds several bodies, whose ids must stay unique
    /// across them). Every error the resolver reports is collected; the HTML is only
    /// meaningful when there are none.
    pub fn render(
        &self,
        resolve: &mut dyn FnMut(&Directive) -> Result<String, Diagnostic>,
        prefix: &str,
    ) -> (Rendered, Vec<Diagnostic>) {
        let mut errors = Vec::new();
        let mut events = Vec::with_capacity(self.parts.len());
        for part in &self.parts {
            match part {
                Part::Directive { directive, block } => match resolve(directive) {
                    Ok(fragment) if *block => events.push(Event::Html(fragment.into())),
                    Ok(fragment) => events.push(Event::InlineHtml(fragment.into())),
                    Err(e) => errors.push(e),
                },
                // Footnotes take ids of their own kind (`fn-<label>`), so that no label can
                // take an id the page gives another element (`[^main]`).
                Part::Event(Event::FootnoteReference(label)) => events.push(
                    Event::FootnoteReference(format!("fn-{prefix}{label}").into()),
                ),
                Part::Event(Event::Start(Tag::FootnoteDefinition(label))) => {
                    events.push(Event::Start(Tag::FootnoteDefinition(
                        format!("fn-{prefix}{label}").into(),
                    )))
                }
                Part::Event(event) => events.push(event.clone()),
            }
        }
        let (events, toc) = anchor_headings(events, prefix);
        let mut out = String::with_capacity(self.len * 3 / 2);
        pulldown_cmark::html::push_html(&mut out, events.into_iter());
        (Rendered { html: out, toc }, errors)
    }
}

/// A short piece of inline Markdown (a citation's prefix or suffix) as HTML, without the
/// paragraph around it. Raw HTML in it is shown as text: an affix is not the place for markup.
pub fn inline(markdown: &str) -> String {
    let mut out = String::new();
    let events = Parser::new_ext(markdown, options()).filter_map(|event| match event {
        Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph) => None,
        Event::Html(h) | Event::InlineHtml(h) => Some(Event::Text(h)),
        other => Some(other),
    });
    pulldown_cmark::html::push_html(&mut out, events);
    if markdown.starts_with(char::is_whitespace) && !out.is_empty() {
        out.insert(0, ' ');
    }
    out
}

/// The event loop behind [`parse`]: the body's events, with its directives in their place.
fn walk(markdown: &str) -> Vec<Part<'_>> {
    let mut events: Vec<Part<'_>> = Vec::new();
    let mut text = TextRun::default();
    let mut iter = parser(markdown);
    let mut in_code_block = false;
    // Inside a link's text, an `@` is part of the link (a handle, an address), not a citation.
    let mut link_depth = 0usize;
    while let Some((event, range)) = iter.next() {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code_block = true,
            Event::End(TagEnd::CodeBlock) => in_code_block = false,
            _ => {}
        }
        match event {
            Event::Text(t) if !in_code_block => {
                text.push(&t, range.start, range.len() == t.len(), link_depth == 0);
                continue;
            }
            Event::Code(code) if text.text.ends_with("{value}") => {
                text.text.truncate(text.text.len() - "{value}".len());
                text.flush(markdown, &mut events);
                // The span's content starts after its opening backticks.
                let ticks = markdown[range.clone()]
                    .bytes()
                    .take_while(|&b| b == b'`')
                    .count();
                let spec = code.trim().to_string();
                let lead = markdown[range.start + ticks..].len()
                    - markdown[range.start + ticks..].trim_start().len();
                events.push(Part::Directive {
                    directive: Directive::Value {
                        spec,
                        offset: range.start + ticks + lead,
                    },
                    block: false,
                });
                continue;
            }
            _ => text.flush(markdown, &mut events),
        }
        match &event {
            Event::Start(Tag::Link { .. } | Tag::Image { .. }) => link_depth += 1,
            Event::End(TagEnd::Link | TagEnd::Image) => link_depth = link_depth.saturating_sub(1),
            _ => {}
        }
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))
                if matches!(info.split_whitespace().next(), Some("chart" | "claim")) =>
            {
                let claim = info.split_whitespace().next() == Some("claim");
                let mut body = String::new();
                let mut offset = None;
                for (inner, inner_range) in iter.by_ref() {
                    match inner {
                        Event::Text(t) => {
                            offset.get_or_insert(inner_range.start);
                            body.push_str(&t);
                        }
                        Event::End(TagEnd::CodeBlock) => {
                            in_code_block = false;
                            // An empty block: point at its fence line.
                            let offset = offset.unwrap_or(range.start);
                            let directive = match claim {
                                true => Directive::Claim { body, offset },
                                false => Directive::Chart { body, offset },
                            };
                            events.push(Part::Directive {
                                directive,
                                block: true,
                            });
                            break;
                        }
                        _ => {}
                    }
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) if dest_url.as_ref() == CITE_SCHEME => {
                link_depth = link_depth.saturating_sub(1);
                // Skip the link text: it is the citation itself, read from the source.
                for (inner, _) in iter.by_ref() {
                    if matches!(inner, Event::End(TagEnd::Link)) {
                        break;
                    }
                }
                events.push(Part::Directive {
                    directive: bracketed(markdown, range),
                    block: false,
                });
            }
            other => events.push(Part::Event(other)),
        }
    }
    text.flush(markdown, &mut events);
    events
}

/// The citation in the brackets at `range` of the source.
fn bracketed(markdown: &str, range: std::ops::Range<usize>) -> Directive {
    let source = &markdown[range.clone()];
    let inner = source
        .strip_prefix('[')
        .and_then(|s| s.strip_suffix(']'))
        .unwrap_or(source);
    let base = range.start + (source.len() - inner.len()).min(1);
    match citation::parse_bracketed(inner) {
        Ok(mut items) => {
            for item in &mut items {
                item.offset += base;
            }
            Directive::Cite {
                citation: Citation {
                    items,
                    narrative: false,
                },
                text: source.to_string(),
                offset: range.start,
            }
        }
        Err(e) => Directive::BadCite {
            message: e.message,
            hint: e.hint,
            text: source.to_string(),
            offset: base + e.offset,
        },
    }
}

/// Consecutive text events (pulldown-cmark splits text at characters that might start
/// inline markup), with where each piece came from, so that `@fig-` references are found
/// whole and still located in the source.
#[derive(Default)]
struct TextRun {
    text: String,
    /// (start in `text`, start in the source, whether the piece is verbatim source).
    pieces: Vec<(usize, usize, bool)>,
    /// Whether the text may hold narrative citations (it is not a link's text).
    citations: bool,
}

impl TextRun {
    fn push(&mut self, piece: &str, source_start: usize, verbatim: bool, citations: bool) {
        if self.pieces.is_empty() {
            self.citations = citations;
        }
        self.pieces.push((self.text.len(), source_start, verbatim));
        self.text.push_str(piece);
    }

    fn source_offset(&self, at: usize) -> usize {
        let (start, source, verbatim) = self
            .pieces
            .iter()
            .rev()
            .find(|(start, ..)| *start <= at)
            .copied()
            .unwrap_or((0, 0, false));
        if verbatim {
            source + (at - start)
        } else {
            source
        }
    }

    fn flush(&mut self, markdown: &str, events: &mut Vec<Part<'_>>) {
        if self.pieces.is_empty() {
            return;
        }
        let text = std::mem::take(&mut self.text);
        let mut plain_from = 0;
        for (at, _) in text.match_indices('@') {
            if at < plain_from {
                continue;
            }
            let offset = self.source_offset(at);
            // `\@` in the source is a literal `@`.
            if escaped(markdown, offset) {
                continue;
            }
            let (directive, len) = if let Some(id) = fig_ref(&text, at) {
                let directive = Directive::FigRef {
                    id: id.to_string(),
                    offset,
                };
                (directive, "@fig-".len() + id.len())
            } else if self.citations && citation::starts_citation(&text, at) {
                narrative(&text, at, offset)
            } else {
                continue;
            };
            if at > plain_from {
                events.push(Part::Event(Event::Text(
                    text[plain_from..at].to_string().into(),
                )));
            }
            events.push(Part::Directive {
                directive,
                block: false,
            });
            plain_from = at + len;
        }
        if plain_from < text.len() {
            events.push(Part::Event(Event::Text(
                text[plain_from..].to_string().into(),
            )));
        }
        self.pieces.clear();
    }
}

/// True when the `@` at or just after `offset` of the source is escaped: `\\@`, with an odd
/// number of backslashes.
fn escaped(markdown: &str, offset: usize) -> bool {
    let at = offset + usize::from(markdown.get(offset..).is_some_and(|s| s.starts_with('\\')));
    let backslashes = markdown.get(..at).map_or(0, |before| {
        before.bytes().rev().take_while(|&b| b == b'\\').count()
    });
    backslashes % 2 == 1
}

/// The id of the `@fig-<id>` at `text[at]`, when the `@` does not follow a letter or digit
/// (so e-mail addresses are left alone). The id is `[a-z0-9-]`, without a trailing hyphen.
fn fig_ref(text: &str, at: usize) -> Option<&str> {
    let after_word = text[..at]
        .chars()
        .next_back()
        .is_some_and(|c| c.is_alphanumeric() || c == '_');
    let rest = text[at..].strip_prefix("@fig-")?;
    let len = rest
        .bytes()
        .take_while(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        .count();
    let id = rest[..len].trim_end_matches('-');
    (!after_word && !id.is_empty()).then_some(id)
}

/// The narrative citation at `text[at]` (`@key`, or `@key [p. 12]`), and its length in
/// `text`; `offset` is where its `@` is in the source.
fn narrative(text: &str, at: usize, offset: usize) -> (Directive, usize) {
    let (key_len, key) = citation::key_at(&text[at + 1..]).expect("a citation starts here");
    let mut len = 1 + key_len;
    let mut locator = None;
    let mut suffix = String::new();
    let after = &text[at + len..];
    let bracket = after.strip_prefix(' ').unwrap_or(after);
    if let Some((inner, end)) = bracket
        .strip_prefix('[')
        .and_then(|inner| Some((inner, inner.find(']')?)))
    {
        match citation::locator_and_suffix(&format!(",{}", &inner[..end])) {
            Ok((l, s)) => {
                locator = l;
                suffix = s;
                len += (after.len() - bracket.len()) + end + 2;
            }
            Err(message) => {
                let directive = Directive::BadCite {
                    message,
                    hint: "write @key [p. 12]".to_string(),
                    text: text[at..at + len].to_string(),
                    offset,
                };
                return (directive, len);
            }
        }
    }
    let item = citation::Item {
        key,
        offset,
        prefix: String::new(),
        locator,
        suffix,
        suppress_author: false,
    };
    let citation = Citation {
        items: vec![item],
        narrative: true,
    };
    let text = text[at..at + len].to_string();
    (
        Directive::Cite {
            citation,
            text,
            offset,
        },
        len,
    )
}

/// Ids the page around the prose gives its own elements: the main landmark, the front
/// page's contents, the reference list. Figures take `fig-<id>` and references `ref-<key>`,
/// so a heading id with either prefix is given `section-` in front.
const RESERVED_IDS: [&str; 3] = ["main", "contents-title", "references"];

/// Prefixes of ids the page gives its own elements: figures (`fig-<id>`), references
/// (`ref-<key>`) and footnotes (`fn-<label>`). A heading id with one of them gets
/// `section-` in front.
const RESERVED_PREFIXES: [&str; 3] = ["fig-", "ref-", "fn-"];

/// Gives every heading an id (its own `{#id}`, else one made from its text) and an anchor
/// link, and lists levels 2 and 3 for the table of contents. Ids are unique in the page by
/// construction: a heading never takes an id used before it, one a footnote takes, or one
/// the page reserves for its own elements (`## Main` becomes `main-1`, `## Fig trend`
/// `section-fig-trend`).
fn anchor_headings<'a>(events: Vec<Event<'a>>, prefix: &str) -> (Vec<Event<'a>>, Vec<TocEntry>) {
    let mut out = Vec::with_capacity(events.len());
    let mut toc = Vec::new();
    let mut used: BTreeSet<String> = events
        .iter()
        .filter_map(|e| match e {
            Event::Start(Tag::FootnoteDefinition(label)) => Some(label.to_string()),
            _ => None,
        })
        .collect();
    let mut iter = events.into_iter();
    while let Some(event) = iter.next() {
        let Event::Start(Tag::Heading {
            level, id, classes, ..
        }) = event
        else {
            out.push(event);
            continue;
        };
        let inner: Vec<Event<'_>> = iter
            .by_ref()
            .take_while(|e| !matches!(e, Event::End(TagEnd::Heading(_))))
            .collect();
        let title = plain_text(&inner);
        let base = id.map_or_else(|| slugify(&title), |id| id.to_string());
        let id = format!("{prefix}{}", unique(base, &mut used));
        let mut inner_html = String::new();
        pulldown_cmark::html::push_html(&mut inner_html, inner.into_iter());
        let n = heading_number(level);
        let class = if classes.is_empty() {
            String::new()
        } else {
            let names: Vec<&str> = classes.iter().map(|c| c.as_ref()).collect();
            format!(" class=\"{}\"", html::escape(&names.join(" ")))
        };
        let id_attr = html::escape(&id);
        out.push(Event::Html(
            format!(
                "<h{n} id=\"{id_attr}\"{class}>{inner_html} <a class=\"anchor\" href=\"#{id_attr}\" aria-hidden=\"true\" tabindex=\"-1\" data-pagefind-ignore>#</a></h{n}>\n"
            )
            .into(),
        ));
        if n == 2 || n == 3 {
            toc.push(TocEntry {
                level: n,
                id,
                title,
            });
        }
    }
    (out, toc)
}

fn heading_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn plain_text(events: &[Event<'_>]) -> String {
    let mut text = String::new();
    for event in events {
        if let Event::Text(t) | Event::Code(t) = event {
            text.push_str(t);
        }
    }
    text.trim().to_string()
}

/// `Who is behind it?` -> `who-is-behind-it`.
pub fn slugify(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            slug.push(c);
        } else if (c.is_whitespace() || c == '-' || c == '_') && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_matches('-');
    if slug.is_empty() {
        "section".to_string()
    } else {
        slug.to_string()
    }
}

fn unique(base: String, used: &mut BTreeSet<String>) -> String {
    let base = if RESERVED_PREFIXES.iter().any(|p| base.starts_with(p)) {
        format!("section-{base}")
    } else {
        base
    };
    let mut id = base.clone();
    let mut n = 1;
    while RESERVED_IDS.contains(&id.as_str()) || !used.insert(id.clone()) {
        id = format!("{base}-{n}");
        n += 1;
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(markdown: &str) -> String {
        render(markdown, &mut |d| Ok(format!("[{d:?}]"))).0.html
    }

    #[test]
    fn finds_directives_with_their_offsets() {
        let md = "Intro {value}`ds@v1 share country=China` and @fig-a-b.\n\n```chart\nid = \"a\"\n```\n\nSee [@key; @other].\n\n```toml\n@fig-no\n```\n\nThen @fig-c.\n";
        let found = directives(md);
        assert_eq!(
            found,
            vec![
                Directive::Value {
                    spec: "ds@v1 share country=China".into(),
                    offset: 14
                },
                Directive::FigRef {
                    id: "a-b".into(),
                    offset: 45
                },
                Directive::Chart {
                    body: "id = \"a\"\n".into(),
                    offset: 65
                },
                Directive::Cite {
                    citation: Citation {
                        items: ["key", "other"]
                            .iter()
                            .zip([84, 90])
                            .map(|(key, offset)| citation::Item {
                                key: key.to_string(),
                                offset,
                                prefix: String::new(),
                                locator: None,
                                suffix: String::new(),
                                suppress_author: false,
                            })
                            .collect(),
                        narrative: false,
                    },
                    text: "[@key; @other]".into(),
                    offset: 83
                },
                Directive::FigRef {
                    id: "c".into(),
                    offset: 126
                },
            ]
        );
        assert_eq!(&md[45..52], "@fig-a-");
        assert_eq!(&md[65..67], "id");
        assert_eq!(&md[83..85], "[@");
        assert_eq!(&md[126..132], "@fig-c");
    }

    #[test]
    fn leaves_email_addresses_and_code_alone() {
        assert!(directives("mail me@fig-x.org or `@fig-y`, me@doe.org, \\@doe").is_empty());
        assert!(directives("[the @doe account](https://example.org/@doe)").is_empty());
    }

    fn cites(markdown: &str) -> Vec<(Citation, String, usize)> {
        directives(markdown)
            .into_iter()
            .filter_map(|d| match d {
                Directive::Cite {
                    citation,
                    text,
                    offset,
                } => Some((citation, text, offset)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn reads_every_citation_form_pandoc_documents() {
        let md = "As @vaswani2017 [p. 3] and @doe99 show [see @qwen, p. 12; also -@b, chap. 2, \nwith *this*], and [-@b].\n";
        let found = cites(md);
        assert_eq!(found.len(), 4, "{found:?}");
        let (narrative, text, offset) = &found[0];
        assert!(narrative.narrative);
        assert_eq!(text, "@vaswani2017 [p. 3]");
        assert_eq!(&md[*offset..offset + 13], "@vaswani2017 ");
        assert_eq!(narrative.items[0].locator.as_ref().unwrap().value, "3");
        assert_eq!(found[1].0.items[0].key, "doe99");
        assert!(found[1].0.items[0].locator.is_none());
        let group = &found[2].0;
        assert!(!group.narrative);
        assert_eq!(group.items.len(), 2);
        assert_eq!(&md[group.items[1].offset..group.items[1].offset + 2], "@b");
        assert_eq!(group.items[0].prefix, "see");
        assert!(group.items[1].suppress_author);
        assert_eq!(group.items[1].suffix, ", with *this*");
        assert!(found[3].0.items[0].suppress_author);
    }

    #[test]
    fn a_citation_that_cannot_be_read_is_a_directive_not_text() {
        let found = directives("Read [@a; and more] here.");
        assert!(
            matches!(&found[..], [Directive::BadCite { offset: 10, .. }]),
            "{found:?}"
        );
        // Brackets without a key stay text.
        assert!(directives("An [aside] and [x@y.org].").is_empty());
    }

    #[test]
    fn gives_headings_unique_ids_and_anchors() {
        let out = render(
            "## Who is behind it?\n\n## Who is behind it?\n\n### Custom {#own}\n",
            &mut |_| Ok(String::new()),
        )
        .0;
        assert!(out.html.contains("<h2 id=\"who-is-behind-it\">Who is behind it? <a class=\"anchor\" href=\"#who-is-behind-it\""));
        assert!(out.html.contains("<h2 id=\"who-is-behind-it-1\">"));
        assert!(out.html.contains("<h3 id=\"own\">Custom "));
        assert_eq!(out.toc.len(), 3);
        assert_eq!(out.toc[2].level, 3);
    }

    #[test]
    fn renders_github_extensions_and_smart_punctuation() {
        let out = html(
            "| a |\n|---|\n| 1 |\n\n~~x~~ - [x] \"quoted\"\n\nNote[^1].\n\n[^1]: A footnote.\n",
        );
        assert!(out.contains("<table>"));
        assert!(out.contains("<del>x</del>"));
        assert!(out.contains("\u{201c}quoted\u{201d}"));
        assert!(out.contains("footnote-definition"));
    }

    #[test]
    fn heading_ids_drop_markup_and_punctuation() {
        let out = html("## a <b> & c\n");
        assert!(out.contains("<h2 id=\"a-c\">a <b> &amp; c "), "{out}");
    }
}
