//! Real exports from Google Scholar, Zotero (Better BibTeX), arXiv, CSL-JSON and hayagriva
//! YAML (tests/citations/), formatted in each of the styles folio documents and compared
//! with the reference a careful editor writes (tests/citations/expected.toml, whose
//! README names the style-guide rule behind each expectation).

use std::collections::BTreeMap;
use std::path::Path;

use folio::bib::Bibliography;
use folio::markdown::{Directive, directives};
use folio::project::SourceFile;

/// The four styles the README documents, with the key of their expectation.
const STYLES: [(&str, &str); 4] = [
    ("apa", "apa"),
    ("chicago-author-date", "chicago"),
    ("ieee", "ieee"),
    ("nature", "nature"),
];

#[derive(serde::Deserialize)]
struct Expected {
    entry: BTreeMap<String, BTreeMap<String, String>>,
}

fn expected() -> Expected {
    let text = std::fs::read_to_string("tests/citations/expected.toml").unwrap();
    toml::from_str(&text).unwrap()
}

fn bibliography(file: &str, style: &str) -> Bibliography {
    let path = Path::new("tests/citations").join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let name = Path::new("content").join(format!(
        "references.{}",
        path.extension().unwrap().to_str().unwrap()
    ));
    Bibliography::parse(&SourceFile { path: name, text }, style)
        .unwrap_or_else(|e| panic!("{file} in {style}: {e:?}"))
}

/// HTML as the expectations write it: `*italic*`, `**bold**`, tags dropped, entities read,
/// a numeric style's label dropped.
fn plain(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        out.push_str(&rest[..at]);
        let end = rest[at..].find('>').map_or(rest.len(), |e| at + e + 1);
        match &rest[at..end] {
            "<i>" | "</i>" => out.push('*'),
            "<b>" | "</b>" => out.push_str("**"),
            _ => {}
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("**", "")
        .replace('*', "")
        // APA's ". . ." and the ellipsis character are the same mark (README, "Doubts").
        .replace(". . .", "…")
        .trim()
        .to_string()
}

fn cited(markdown: &str) -> Vec<folio::citation::Citation> {
    directives(markdown)
        .into_iter()
        .filter_map(|d| match d {
            Directive::Cite { citation, .. } => Some(citation),
            _ => None,
        })
        .collect()
}

/// (entry, style, what folio wrote, what an editor writes) for every difference.
fn differences() -> Vec<(String, String, String, String)> {
    let expected = expected();
    let mut found = Vec::new();
    for (key, want) in &expected.entry {
        let files: Vec<&str> = if want["file"] == "references.json" {
            vec!["references.json", "references.yaml"]
        } else {
            vec![want["file"].as_str()]
        };
        for file in files {
            for (style, field) in STYLES {
                let refs = bibliography(file, style)
                    .render_page(&cited(&format!("[@{key}] and @{key} say so.")));
                let reference = refs
                    .references
                    .iter()
                    .find(|(k, _)| k == key)
                    .map(|(_, html)| plain(html))
                    .unwrap_or_default();
                let reference = reference
                    .trim_start_matches(|c: char| {
                        c == '[' || c.is_ascii_digit() || c == ']' || c == '.'
                    })
                    .trim()
                    .to_string();
                let mut compare = |what: &str, got: String| {
                    let want = plain(&want[what]);
                    if got != want {
                        found.push((format!("{key} ({file})"), what.to_string(), got, want));
                    }
                };
                compare(field, reference);
                if style == "apa" {
                    compare("apa_cite", plain(&refs.citations[0]));
                    compare("apa_narrative", plain(&refs.citations[1]));
                }
                if style == "chicago-author-date" {
                    compare("chicago_cite", plain(&refs.citations[0]));
                }
            }
        }
    }
    found
}

/// A known difference between folio's output and the editor's, with its reason
/// (tests/citations/deviations.toml).
#[derive(serde::Deserialize)]
struct Deviation {
    entry: String,
    field: String,
    folio: String,
    reason: String,
}

#[derive(serde::Deserialize)]
struct Deviations {
    deviation: Vec<Deviation>,
}

/// Every export, in every style, reads as the editor wrote it, except for the differences
/// tests/citations/deviations.toml lists with their reasons, each exactly as folio writes
/// it now: a new difference fails, and so does a listed one that is gone (fixed, so the
/// list must say so).
#[test]
fn every_export_reads_as_an_editor_would_write_it_or_as_a_listed_deviation() {
    let text = std::fs::read_to_string("tests/citations/deviations.toml").unwrap();
    let listed: Deviations = toml::from_str(&text).unwrap();
    for d in &listed.deviation {
        assert!(
            !d.reason.trim().is_empty(),
            "{} {}: no reason",
            d.entry,
            d.field
        );
    }
    let found = differences();
    let mut unexplained = Vec::new();
    for (entry, field, got, want) in &found {
        let explained = listed
            .deviation
            .iter()
            .any(|d| &d.entry == entry && &d.field == field && &d.folio == got);
        if !explained {
            unexplained.push(format!(
                "[[deviation]]\nentry = {entry:?}\nfield = {field:?}\nfolio = {got:?}\n# editor: {want}\nreason = \"\"\n"
            ));
        }
    }
    let gone: Vec<String> = listed
        .deviation
        .iter()
        .filter(|d| {
            !found
                .iter()
                .any(|(e, f, got, _)| e == &d.entry && f == &d.field && got == &d.folio)
        })
        .map(|d| format!("{} {}", d.entry, d.field))
        .collect();
    assert!(
        unexplained.is_empty(),
        "{} differences from the editor are not listed:\n{}",
        unexplained.len(),
        unexplained.join("\n")
    );
    assert!(
        gone.is_empty(),
        "listed deviations that no longer occur: {gone:?}"
    );
}

#[test]
fn the_same_works_read_alike_from_bibtex_csl_json_and_yaml() {
    // In-text citations do not depend on the file's format.
    for key in [
        "silverMasteringGameGo2016",
        "taoriAlpacaStrongReplicable2023",
    ] {
        let cite = |file: &str| {
            bibliography(file, "apa")
                .render_page(&cited(&format!("[@{key}, p. 3]")))
                .citations[0]
                .clone()
        };
        assert_eq!(cite("references.json"), cite("references.yaml"), "{key}");
    }
}
