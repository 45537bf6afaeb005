//! The bibliography: `content/references.bib` read and formatted by hayagriva.
//!
//! In: the BibTeX file, and for each page the keys its `[@key]` citations name, in order.
//! Out: each citation's text (author-date, APA style) and the page's reference list, as
//! HTML. Unknown keys are found by the caller with [`Bibliography::contains`] so that each
//! is reported at its own line.

use hayagriva::citationberg::{FontStyle, FontWeight};
use hayagriva::citationberg::{IndependentStyle, Locale, Style};
use hayagriva::{
    BibliographyDriver, BibliographyRequest, CitationItem, CitationRequest, ElemChild,
    ElemChildren, Formatted, Library,
};

use sha2::{Digest, Sha256};

use crate::html::escape;
use crate::memo::Memo;

use crate::diag::{Diagnostic, Source};
use crate::project::SourceFile;

/// The APA style and the CSL locales, decoded once per process: decoding them takes longer
/// than formatting a report's references, and the dev server rebuilds often.
static APA: std::sync::LazyLock<(IndependentStyle, Vec<Locale>)> = std::sync::LazyLock::new(|| {
    let style = match hayagriva::archive::ArchivedStyle::AmericanPsychologicalAssociation.get() {
        Style::Independent(style) => style,
        Style::Dependent(_) => unreachable!("APA is an independent style"),
    };
    (style, hayagriva::archive::locales())
});

/// Pages' references already formatted in this process, by the SHA-256 of the bibliography's
/// text and the page's citations: formatting is most of a dev-server rebuild, and an edit
/// rarely changes what a page cites.
static RENDERED: Memo<PageReferences> = Memo::new();

/// A parsed bibliography with the style it is formatted in.
pub struct Bibliography {
    library: Library,
    /// The SHA-256 of the file's text.
    text_hash: [u8; 32],
    style: &'static IndependentStyle,
    locales: &'static [Locale],
}

/// A page's rendered citations, in order, and its reference list.
#[derive(Debug, Clone, Default)]
pub struct PageReferences {
    /// One HTML fragment per citation, in the order they were given.
    pub citations: Vec<String>,
    /// (key, HTML) per cited entry, in the style's order.
    pub references: Vec<(String, String)>,
}

impl Bibliography {
    /// Parses `references.bib`.
    pub fn parse(file: &SourceFile) -> Result<Bibliography, Vec<Diagnostic>> {
        let source = Source::new(&file.path, &file.text);
        let library = hayagriva::io::from_biblatex_str(&file.text).map_err(|errors| {
            errors
                .into_iter()
                .map(|e| {
                    let (offset, message) = match &e {
                        hayagriva::io::BibLaTeXError::Parse(p) => {
                            (p.span.start, p.kind.to_string())
                        }
                        hayagriva::io::BibLaTeXError::Type(t) => (t.span.start, t.kind.to_string()),
                    };
                    source.error_at(offset, format!("invalid BibTeX: {message}"))
                })
                .collect::<Vec<_>>()
        })?;
        let (style, locales) = &*APA;
        Ok(Bibliography {
            library,
            text_hash: Sha256::digest(file.text.as_bytes()).into(),
            style,
            locales,
        })
    }

    /// True when `key` is an entry of the bibliography.
    pub fn contains(&self, key: &str) -> bool {
        self.library.get(key).is_some()
    }

    /// Up to `n` keys, for hints.
    pub fn some_keys(&self, n: usize) -> String {
        let mut keys: Vec<&str> = self.library.keys().collect();
        keys.sort_unstable();
        let more = keys.len().saturating_sub(n);
        keys.truncate(n);
        let mut list = keys.join(", ");
        if more > 0 {
            list.push_str(&format!(" and {more} more"));
        }
        list
    }

    /// Formats a page's citations (each a list of keys, all known) and its references, or
    /// returns what the same bibliography and citations gave before.
    pub fn render_page(&self, citations: &[Vec<String>]) -> PageReferences {
        let key: [u8; 32] = {
            let mut hasher = Sha256::new();
            hasher.update(self.text_hash);
            // Lengths first, so that no two lists of citations hash the same bytes.
            for keys in citations {
                hasher.update((keys.len() as u64).to_le_bytes());
                for k in keys {
                    hasher.update((k.len() as u64).to_le_bytes());
                    hasher.update(k.as_bytes());
                }
            }
            hasher.finalize().into()
        };
        RENDERED
            .get_or_try(key, || {
                Ok::<_, std::convert::Infallible>(self.render_uncached(citations))
            })
            .unwrap_or_else(|never| match never {})
    }

    fn render_uncached(&self, citations: &[Vec<String>]) -> PageReferences {
        let mut driver = BibliographyDriver::new();
        for keys in citations {
            let items = keys
                .iter()
                .filter_map(|k| self.library.get(k))
                .map(CitationItem::with_entry)
                .collect();
            driver.citation(CitationRequest::from_items(items, self.style, self.locales));
        }
        let rendered = driver.finish(BibliographyRequest::new(self.style, None, self.locales));
        let html = |children: &hayagriva::ElemChildren| {
            let mut out = String::new();
            write_html(children, &mut out);
            out
        };
        PageReferences {
            citations: rendered
                .citations
                .iter()
                .map(|c| html(&c.citation))
                .collect(),
            references: rendered
                .bibliography
                .map(|b| {
                    b.items
                        .iter()
                        .map(|item| (item.key.clone(), html(&item.content)))
                        .collect()
                })
                .unwrap_or_default(),
        }
    }
}

/// Writes hayagriva's formatted elements as HTML. hayagriva's own HTML writer copies text
/// as it is, so a `<` or `&` in a title would become markup; this one escapes all text.
fn write_html(children: &ElemChildren, out: &mut String) {
    for child in &children.0 {
        match child {
            ElemChild::Text(text) => write_formatted(text, out),
            ElemChild::Elem(elem) => write_html(&elem.children, out),
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

fn write_formatted(text: &Formatted, out: &mut String) {
    let italic = text.formatting.font_style == FontStyle::Italic;
    let bold = text.formatting.font_weight == FontWeight::Bold;
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
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bibliography(title: &str) -> Bibliography {
        let text = format!(
            "@article{{ft2025, author = {{Criddle, Cristina}}, title = {{{title}}}, journal = {{Financial Times}}, year = {{2025}}}}\n\
             @misc{{hf2025, author = {{Longpre, Shayne}}, title = {{Economies of Open Intelligence}}, year = {{2025}}}}\n"
        );
        Bibliography::parse(&SourceFile {
            path: "content/references.bib".into(),
            text,
        })
        .unwrap()
    }

    fn cite(keys: &[&[&str]]) -> Vec<Vec<String>> {
        keys.iter()
            .map(|k| k.iter().map(|k| k.to_string()).collect())
            .collect()
    }

    #[test]
    fn formats_citations_and_escapes_titles() {
        let refs = bibliography("China <leads> & the US").render_page(&cite(&[&["ft2025"]]));
        assert_eq!(refs.citations, ["(Criddle, 2025)"]);
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
    fn formats_again_when_the_file_or_the_citations_change() {
        let first = bibliography("Open models").render_page(&cite(&[&["ft2025"]]));
        let edited = bibliography("Open-weight models").render_page(&cite(&[&["ft2025"]]));
        assert!(edited.references[0].1.contains("Open-weight models"));
        assert!(first.references[0].1.contains("Open models"));
        let both = bibliography("Open models").render_page(&cite(&[&["ft2025", "hf2025"]]));
        assert_eq!(both.references.len(), 2);
        let apart = bibliography("Open models").render_page(&cite(&[&["ft2025"], &["hf2025"]]));
        assert_eq!(apart.citations.len(), 2);
        assert_eq!(both.citations.len(), 1);
    }
}
