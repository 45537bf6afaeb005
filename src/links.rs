//! Link checking for `folio check`: every internal link, anchor and asset of the built site
//! must resolve; external links are listed, never fetched.
//!
//! In: the site as built in memory, its base URL, and which source file each page comes
//! from. Out: a diagnostic per broken link, and the sorted list of external links.
//!
//! Pages are read with html5gum's HTML tokenizer: links are `href` and `src` attributes,
//! anchors are `id` attributes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use html5gum::{Token, Tokenizer};

use crate::diag::Diagnostic;
use crate::output::{Content, FileMap};

/// What the check found.
#[derive(Debug, Default)]
pub struct Findings {
    /// One per broken internal link or anchor.
    pub broken: Vec<Diagnostic>,
    /// Every external link (absolute `http(s)` URL outside the site), sorted.
    pub external: BTreeSet<String>,
}

struct Page {
    links: Vec<String>,
    ids: BTreeSet<String>,
    /// Ids given to more than one element (a link to one cannot tell which).
    duplicate_ids: BTreeSet<String>,
}

fn read_page(html: &str) -> Page {
    let mut page = Page {
        links: Vec::new(),
        ids: BTreeSet::new(),
        duplicate_ids: BTreeSet::new(),
    };
    for token in Tokenizer::new(html).flatten() {
        if let Token::StartTag(tag) = token {
            for (name, value) in &tag.attributes {
                let value = String::from_utf8_lossy(&value.value).into_owned();
                match &name[..] {
                    b"href" | b"src" => page.links.push(value),
                    b"id" if !page.ids.insert(value.clone()) => {
                        page.duplicate_ids.insert(value);
                    }
                    _ => {}
                }
            }
        }
    }
    page
}

/// Checks every link of every HTML page of `site`. `sources` maps a page's output path
/// to the file it is rendered from, for the diagnostic.
pub fn check(site: &FileMap, base_url: &str, sources: &BTreeMap<String, PathBuf>) -> Findings {
    let base_path = crate::config::base_path(base_url);
    let pages: BTreeMap<&str, Page> = site
        .files
        .iter()
        .filter(|(path, _)| path.ends_with(".html"))
        .filter_map(|(path, content)| match content {
            Content::Bytes(bytes) => {
                Some((path.as_str(), read_page(&String::from_utf8_lossy(bytes))))
            }
            Content::Copy(_) => None,
        })
        .collect();
    let mut report = Findings::default();
    let source_of = |path: &str| {
        sources
            .get(path)
            .cloned()
            .unwrap_or_else(|| PathBuf::from("public").join(path))
    };
    for (path, page) in &pages {
        for id in &page.duplicate_ids {
            report.broken.push(
                Diagnostic::file(
                    source_of(path),
                    format!("id {id:?} is given to more than one element of the page {path}"),
                )
                .with_hint("links to it cannot tell which is meant: give one of them another id"),
            );
        }
        // The print edition's links are the chapters' own, made absolute: they are checked
        // on the chapter pages, where a broken one is reported at its Markdown file.
        if *path == crate::urls::index(crate::urls::print()) {
            continue;
        }
        let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
        for link in &page.links {
            let problem = match classify(link, base_url, &base_path) {
                Target::External(url) => {
                    report.external.insert(url);
                    None
                }
                Target::Ignored => None,
                Target::Outside => Some(format!(
                    "link {link:?} is outside the site's base path {base_path}"
                )),
                Target::Internal {
                    path: target,
                    anchor,
                } => {
                    let resolved = match target {
                        None => Some(path.to_string()),
                        Some(t) if t.starts_with('/') => Some(t[base_path.len()..].to_string()),
                        Some(t) => normalise(&format!("{dir}/{t}")),
                    };
                    match resolved.map(|r| site.lookup(&r).map(str::to_string)) {
                        None | Some(None) => {
                            Some(format!("broken link {link:?}: no such page or file"))
                        }
                        Some(Some(file)) => anchor.and_then(|anchor| {
                            let known = pages
                                .get(file.as_str())
                                .is_some_and(|p| p.ids.contains(&anchor));
                            (!known).then(|| {
                                format!("broken link {link:?}: {file} has no anchor #{anchor}")
                            })
                        }),
                    }
                }
            };
            if let Some(message) = problem {
                report.broken.push(
                    Diagnostic::file(source_of(path), message)
                        .with_hint(format!("the link is on the page {path}")),
                );
            }
        }
    }
    report.broken = crate::diag::sorted(report.broken);
    report
}

enum Target {
    External(String),
    Ignored,
    Outside,
    Internal {
        path: Option<String>,
        anchor: Option<String>,
    },
}

fn classify(link: &str, base_url: &str, base_path: &str) -> Target {
    let link = link.trim();
    if link.is_empty()
        || link.starts_with("mailto:")
        || link.starts_with("data:")
        || link.starts_with("tel:")
    {
        return Target::Ignored;
    }
    let local = if base_url.contains("://") {
        link.strip_prefix(base_url.trim_end_matches('/'))
            .map(|rest| format!("{}{rest}", base_path.trim_end_matches('/')))
    } else {
        None
    };
    let link = match local {
        Some(local) => local,
        None if link.starts_with("http://")
            || link.starts_with("https://")
            || link.starts_with("//") =>
        {
            return Target::External(link.to_string());
        }
        None if link.contains(':')
            && !link.starts_with('/')
            && !link.starts_with('#')
            && link.split(':').next().is_some_and(|s| !s.contains('/')) =>
        {
            return Target::External(link.to_string());
        }
        None => link.to_string(),
    };
    let (path, anchor) = match link.split_once('#') {
        Some((p, a)) => (p, Some(a.to_string()).filter(|a| !a.is_empty())),
        None => (link.as_str(), None),
    };
    let path = path.split('?').next().unwrap_or("");
    if path.starts_with('/') && !path.starts_with(base_path) && format!("{path}/") != base_path {
        return Target::Outside;
    }
    Target::Internal {
        path: (!path.is_empty()).then(|| {
            if format!("{path}/") == base_path {
                base_path.to_string()
            } else {
                path.to_string()
            }
        }),
        anchor,
    }
}

/// Resolves `.` and `..` in a relative path; `None` when it climbs above the site root.
fn normalise(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    let mut joined = parts.join("/");
    if path.ends_with('/') && !joined.is_empty() {
        joined.push('/');
    }
    Some(joined)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(pages: &[(&str, &str)]) -> FileMap {
        let mut site = FileMap::default();
        for (path, html) in pages {
            site.add(*path, *html);
        }
        site
    }

    #[test]
    fn finds_broken_links_and_anchors_under_a_sub_path() {
        let s = site(&[
            (
                "index.html",
                "<a href=\"/repo/a/#x\">a</a><a href=\"a/#missing\">b</a><a href=\"/repo/nope/\">c</a><img src=\"/elsewhere.png\"><a href=\"https://example.org/\">e</a><a href=\"https://user.github.io/repo/a/\">self</a>",
            ),
            (
                "a/index.html",
                "<h2 id=\"x\">X</h2><a href=\"../#top\">up</a><a href=\"#x\">here</a>",
            ),
        ]);
        let report = check(&s, "https://user.github.io/repo/", &BTreeMap::new());
        let messages: Vec<&str> = report.broken.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "broken link \"../#top\": index.html has no anchor #top",
                "broken link \"/repo/nope/\": no such page or file",
                "broken link \"a/#missing\": a/index.html has no anchor #missing",
                "link \"/elsewhere.png\" is outside the site's base path /repo/",
            ]
        );
        assert_eq!(
            report.external.iter().collect::<Vec<_>>(),
            ["https://example.org/"]
        );
    }

    #[test]
    fn normalises_relative_paths() {
        assert_eq!(normalise("a/b/../c/").as_deref(), Some("a/c/"));
        assert_eq!(normalise("../x"), None);
    }
}
