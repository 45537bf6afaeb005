//! Pages: the report's Markdown files and their front matter.
//!
//! In: the files of `content/` (read by `load`). Out: [`Page`]s in reading order, each with
//! its validated front matter, its URL slug and its Markdown body, or diagnostics.
//!
//! Steps: split the `+++` front matter from the body, parse it as TOML (unknown keys are
//! errors, reported at their line in the Markdown file), derive the slug, drop drafts, sort
//! by (weight, file name), and check that slugs are unique and do not shadow the site's own
//! sections.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::diag::{Diagnostic, Source};
use crate::names::is_slug;
use crate::project::SourceFile;

/// Front matter, between `+++` lines at the top of a Markdown file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    /// The page title. Required.
    pub title: String,
    /// Reading order; lower comes first, ties broken by file name. Default: 0.
    #[serde(default)]
    pub weight: i64,
    /// The URL segment. Default: the file stem without a leading ordering prefix.
    #[serde(default)]
    pub slug: Option<String>,
    /// A one-sentence summary for the contents, feeds and search engines. Default: empty.
    #[serde(default)]
    pub summary: String,
    /// A draft is not built. Default: false.
    #[serde(default)]
    pub draft: bool,
    /// The page's authors, when they differ from the report's. Default: the report's.
    #[serde(default)]
    pub authors: Vec<String>,
    /// Free values for templates. Default: empty.
    #[serde(default)]
    pub extra: BTreeMap<String, toml::Value>,
}

/// A page of the report: the front page or a chapter.
#[derive(Debug, Clone)]
pub struct Page {
    /// The file it comes from.
    pub file: SourceFile,
    /// Its validated front matter.
    pub meta: FrontMatter,
    /// Empty for the front page, else the chapter's URL segment.
    pub slug: String,
    /// Byte offset of the Markdown body in the file (after the front matter).
    pub body_start: usize,
}

impl Page {
    /// The Markdown body.
    pub fn body(&self) -> &str {
        &self.file.text[self.body_start..]
    }

    /// The body as a diagnostic source whose offsets start at the body.
    pub fn body_source(&self) -> Source<'_> {
        self.file.source().fragment(self.body_start)
    }

    /// True for `content/_index.md`.
    pub fn is_front(&self) -> bool {
        self.slug.is_empty()
    }

    /// The page's path below the site root: `` for the front page, `<slug>/` for a chapter.
    pub fn url_path(&self) -> String {
        if self.is_front() {
            String::new()
        } else {
            format!("{}/", self.slug)
        }
    }
}

/// URL segments the site itself uses; a chapter may not take them.
const RESERVED_SLUGS: &[&str] = &["assets", "data", "figures", "changes", "404"];

/// Parses the front matter of every file, drops drafts and puts the pages in reading order.
/// The front page (`_index.md`), when present, comes first.
pub fn parse(files: Vec<SourceFile>) -> Result<Vec<Page>, Vec<Diagnostic>> {
    use rayon::prelude::*;
    let mut pages = Vec::new();
    let mut errors = Vec::new();
    // In parallel (a large site has thousands of pages), then in the files' order.
    let parsed: Vec<Result<Page, Diagnostic>> = files.into_par_iter().map(parse_page).collect();
    for page in parsed {
        match page {
            Ok(page) if page.meta.draft => {}
            Ok(page) => pages.push(page),
            Err(e) => errors.push(e),
        }
    }
    pages.sort_by(|a, b| {
        (!a.is_front(), a.meta.weight, &a.file.path).cmp(&(
            !b.is_front(),
            b.meta.weight,
            &b.file.path,
        ))
    });
    let mut seen: BTreeMap<&str, &Page> = BTreeMap::new();
    for page in &pages {
        if let Some(first) = seen.insert(&page.slug, page) {
            errors.push(
                Diagnostic::file(
                    &page.file.path,
                    format!(
                        "two pages have the URL /{}: {} and {}",
                        page.url_path(),
                        first.file.path.display(),
                        page.file.path.display()
                    ),
                )
                .with_hint("give one of them another `slug` in its front matter"),
            );
        }
    }
    if errors.is_empty() {
        Ok(pages)
    } else {
        Err(errors)
    }
}

fn parse_page(file: SourceFile) -> Result<Page, Diagnostic> {
    let source = file.source();
    let Some((front, body_start)) = split_front_matter(&file.text) else {
        let opened = file
            .text
            .trim_start_matches('\u{feff}')
            .lines()
            .next()
            .map(str::trim_end)
            == Some("+++");
        let message = if opened {
            "the front matter is not closed"
        } else {
            "missing front matter"
        };
        return Err(source.error_at(0, message).with_hint(
            "start the file with a line `+++`, then `title = \"...\"`, then a line `+++`",
        ));
    };
    let front_source = source.fragment(front.start);
    let meta: FrontMatter = toml::from_str(&file.text[front.clone()])
        .map_err(|e| crate::diag::toml_error(&front_source, "invalid front matter", &e))?;
    if meta.title.trim().is_empty() {
        return Err(front_source.error_at(0, "the title is empty"));
    }
    let stem = file
        .path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let slug = if stem == "_index" {
        String::new()
    } else {
        match &meta.slug {
            Some(slug) => slug.clone(),
            None => default_slug(&stem),
        }
    };
    let slug_offset = crate::diag::toml_key_offset(&file.text[front.clone()], "slug");
    if stem != "_index" && !is_slug(&slug) {
        let offset = slug_offset;
        let what = if meta.slug.is_some() {
            format!("slug {slug:?} is not a URL slug")
        } else {
            format!("the file name gives the slug {slug:?}, which is not a URL slug")
        };
        return Err(front_source
            .error_at(offset, what)
            .with_hint("use lowercase letters, digits and hyphens, e.g. `slug = \"downloads\"`"));
    }
    if RESERVED_SLUGS.contains(&slug.as_str()) {
        return Err(front_source
            .error_at(
                slug_offset,
                format!("the slug {slug:?} is reserved for the site's own pages"),
            )
            .with_hint(format!("reserved: {}", RESERVED_SLUGS.join(", "))));
    }
    Ok(Page {
        file,
        meta,
        slug,
        body_start,
    })
}

/// Finds the TOML between a first line `+++` and the next line `+++`. Returns the TOML's
/// byte range and where the body starts.
fn split_front_matter(text: &str) -> Option<(std::ops::Range<usize>, usize)> {
    let start = text.strip_prefix('\u{feff}').map_or(0, |_| 3);
    let rest = &text[start..];
    let first_line_end = rest.find('\n')?;
    if rest[..first_line_end].trim_end() != "+++" {
        return None;
    }
    let toml_start = start + first_line_end + 1;
    let mut at = toml_start;
    for line in text[toml_start..].split_inclusive('\n') {
        if line.trim_end() == "+++" {
            return Some((toml_start..at, at + line.len()));
        }
        at += line.len();
    }
    None
}

/// `02-downloads` -> `downloads`; `notes` -> `notes`. Only an all-digit prefix followed by
/// `-` or `_` is dropped.
pub fn default_slug(stem: &str) -> String {
    let stripped = match stem.split_once(['-', '_']) {
        Some((prefix, rest))
            if !prefix.is_empty() && prefix.bytes().all(|b| b.is_ascii_digit()) =>
        {
            rest
        }
        _ => stem,
    };
    stripped.to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn file(path: &str, text: &str) -> SourceFile {
        SourceFile {
            path: PathBuf::from(path),
            text: text.to_string(),
        }
    }

    #[test]
    fn strips_the_ordering_prefix_from_slugs() {
        assert_eq!(default_slug("02-downloads"), "downloads");
        assert_eq!(default_slug("10_policy"), "policy");
        assert_eq!(default_slug("methods"), "methods");
        assert_eq!(default_slug("v2-notes"), "v2-notes");
    }

    #[test]
    fn orders_pages_by_weight_then_file_name() {
        let pages = parse(vec![
            file("content/b.md", "+++\ntitle = \"B\"\n+++\n"),
            file("content/a.md", "+++\ntitle = \"A\"\nweight = 2\n+++\n"),
            file("content/c.md", "+++\ntitle = \"C\"\n+++\n"),
            file(
                "content/_index.md",
                "+++\ntitle = \"Home\"\nweight = 9\n+++\n",
            ),
        ])
        .unwrap();
        let order: Vec<_> = pages.iter().map(|p| p.meta.title.as_str()).collect();
        assert_eq!(order, ["Home", "B", "C", "A"]);
    }

    #[test]
    fn front_matter_errors_point_into_the_markdown_file() {
        let errors = parse(vec![file(
            "content/a.md",
            "+++\ntitle = \"A\"\nwieght = 2\n+++\nbody\n",
        )])
        .unwrap_err();
        assert_eq!((errors[0].line, errors[0].col), (3, 1));
        assert!(
            errors[0].message.contains("unknown field `wieght`"),
            "{}",
            errors[0]
        );
    }

    #[test]
    fn drops_drafts_and_rejects_duplicate_slugs() {
        let pages = parse(vec![file(
            "content/a.md",
            "+++\ntitle = \"A\"\ndraft = true\n+++\n",
        )])
        .unwrap();
        assert!(pages.is_empty());
        let errors = parse(vec![
            file("content/01-a.md", "+++\ntitle = \"A\"\n+++\n"),
            file("content/02-a.md", "+++\ntitle = \"B\"\n+++\n"),
        ])
        .unwrap_err();
        assert!(errors[0].message.contains("two pages have the URL /a/"));
    }
}
