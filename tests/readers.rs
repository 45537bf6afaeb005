//! What readers take away from the report: downloads in every form, RIS citations, version-
//! pinned embeds and the print edition. Asserted on the committed `public/` (which
//! `tests/cli.rs` checks is what a fresh build makes), by what each file means.

mod common;

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use common::repo;

fn public() -> PathBuf {
    repo().join("public")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every published figure version's directory, `figures/<id>/v<N>/`.
fn versions() -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = walkdir::WalkDir::new(public().join("figures"))
        .min_depth(2)
        .max_depth(2)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| {
            let name = e.file_name().to_string_lossy();
            name.starts_with('v') && name[1..].parse::<u32>().is_ok()
        })
        .map(|e| e.into_path())
        .collect();
    found.sort();
    assert!(found.len() > 10, "{found:?}");
    found
}

/// A PNG's width and height, from its header.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let at = |i: usize| u32::from_be_bytes(bytes[i..i + 4].try_into().unwrap());
    (at(16), at(20))
}

/// An SVG's width and height, from its root element.
fn svg_size(svg: &str) -> (u32, u32) {
    let root = &svg[..svg.find('>').unwrap()];
    let attr = |name: &str| -> u32 {
        let start = root.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
        root[start..].split('"').next().unwrap().parse().unwrap()
    };
    (attr("width"), attr("height"))
}

#[test]
fn every_figure_version_offers_its_downloads() {
    for dir in versions() {
        let svg = read(&dir.join("figure.svg"));
        let png = std::fs::read(dir.join("figure.png")).unwrap();
        let (w, h) = svg_size(&svg);
        assert_eq!(png_size(&png), (2 * w, 2 * h), "{}", dir.display());
        // The bundle: each file as served beside it, and a README that names the source,
        // the licence, the version and the checksum.
        let bytes = std::fs::read(dir.join("figure.zip")).unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let names: Vec<String> = zip.file_names().map(|n| n.unwrap().to_string()).collect();
        let names: BTreeSet<&str> = names.iter().map(String::as_str).collect();
        assert_eq!(
            names,
            BTreeSet::from([
                "README.txt",
                "data.csv",
                "metadata.json",
                "figure.svg",
                "citation.bib",
                "citation.json",
                "citation.ris"
            ]),
            "{}",
            dir.display()
        );
        let mut entry = |name: &str| {
            let mut text = String::new();
            zip.by_name(name)
                .unwrap()
                .read_to_string(&mut text)
                .unwrap();
            text
        };
        for same in [
            "data.csv",
            "figure.svg",
            "citation.bib",
            "citation.json",
            "citation.ris",
        ] {
            assert_eq!(
                entry(same),
                read(&dir.join(same)),
                "{same} in {}",
                dir.display()
            );
        }
        let metadata: serde_json::Value = serde_json::from_str(&entry("metadata.json")).unwrap();
        let sha256 = metadata["snapshot"]["sha256"].as_str().unwrap().to_string();
        assert_eq!(sha256.len(), 64);
        let readme = entry("README.txt");
        let version = dir.file_name().unwrap().to_string_lossy()[1..].to_string();
        for needle in [
            format!("version {version}, published "),
            format!("SHA-256 {sha256}"),
            "Licence of the data: ".to_string(),
        ] {
            assert!(readme.contains(&needle), "{needle} in {readme}");
        }
        // The sources of the plotted rows, in full, when the dataset names them per row;
        // else the dataset's source.
        let dataset = metadata["dataset"]["name"].as_str().unwrap();
        let per_row = read(&repo().join("data").join(dataset).join("dataset.toml"))
            .contains("\nsource_column = ");
        assert_eq!(
            metadata["sources"].is_array(),
            per_row,
            "{dataset}: sources in metadata.json when, and only when, it names a source column"
        );
        match metadata["sources"].as_array() {
            Some(sources) => {
                assert!(
                    readme.contains("Sources of the plotted rows:\n- "),
                    "{readme}"
                );
                for source in sources {
                    let reference = source["reference"].as_str().unwrap();
                    assert!(
                        readme.contains(&format!("- {reference}\n")),
                        "{reference} in {readme}"
                    );
                }
            }
            None => assert!(readme.contains("Source: "), "{readme}"),
        }
        // The figure page links every download.
        let page = read(&dir.join("index.html"));
        for file in [
            "figure.zip",
            "data.csv",
            "figure.svg",
            "figure.png",
            "citation.bib",
            "citation.json",
            "citation.ris",
        ] {
            assert!(
                page.contains(&format!("/v{version}/{file}\" download>")),
                "{file} in {}",
                dir.display()
            );
        }
    }
}

/// RIS records of a file: each a list of (tag, value).
fn ris_records(text: &str) -> Vec<Vec<(String, String)>> {
    let mut records = Vec::new();
    let mut current = Vec::new();
    for line in text.split("\r\n").filter(|l| !l.is_empty()) {
        let (tag, value) = line
            .split_once("  - ")
            .unwrap_or_else(|| panic!("not RIS: {line:?}"));
        assert_eq!(tag.len(), 2, "{line:?}");
        if tag == "ER" {
            records.push(std::mem::take(&mut current));
        } else {
            current.push((tag.to_string(), value.to_string()));
        }
    }
    assert!(current.is_empty(), "a record without ER");
    records
}

#[test]
fn ris_cites_the_report_and_every_figure_version() {
    let all = read(&public().join("citation.ris"));
    assert!(
        !all.replace("\r\n", "").contains('\n'),
        "RIS lines end in CR LF"
    );
    let records = ris_records(&all);
    assert_eq!(records.len(), 1 + versions().len());
    assert_eq!(records[0][0], ("TY".to_string(), "RPRT".to_string()));
    for dir in versions() {
        let own = ris_records(&read(&dir.join("citation.ris")));
        assert_eq!(own.len(), 1);
        let field = |tag: &str| {
            own[0]
                .iter()
                .find(|(t, _)| t == tag)
                .map(|(_, v)| v.clone())
        };
        assert_eq!(field("TY").as_deref(), Some("FIGURE"));
        let version = &dir.file_name().unwrap().to_string_lossy()[1..];
        assert_eq!(field("ET").as_deref(), Some(version));
        let url = field("UR").unwrap();
        assert!(
            url.starts_with("https://") && url.ends_with(&format!("/v{version}/")),
            "{url}"
        );
        assert!(field("N1").unwrap().contains("SHA-256 "));
        assert!(
            records.contains(&own[0]),
            "{} is in citation.ris",
            dir.display()
        );
    }
}

#[test]
fn every_version_has_a_pinned_embed_and_every_figure_a_current_one() {
    for dir in versions() {
        let embed = read(&dir.join("embed/index.html"));
        let version = dir.file_name().unwrap().to_string_lossy().to_string();
        // The chart, live and static, with its own version's files, and a way back.
        assert!(embed.contains("class=\"folio-option\""));
        assert!(
            embed.contains(&format!("/{version}/figure.svg\"")),
            "{}",
            dir.display()
        );
        assert!(embed.contains("target=\"_top\""));
        assert!(embed.contains("<body class=\"embed\">"));
        // The figure page offers both snippets.
        let page = read(&dir.join("index.html"));
        let id = dir
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .to_string();
        assert!(
            page.contains(&format!("figures/{id}/{version}/embed/&quot; title=")),
            "{}",
            dir.display()
        );
        assert!(page.contains(&format!("figures/{id}/embed/&quot; title=")));
        assert!(page.contains("e.origin!==&quot;https://example.github.io&quot;"));
    }
    for entry in std::fs::read_dir(public().join("figures")).unwrap() {
        let dir = entry.unwrap().path();
        if dir.is_dir() {
            assert!(dir.join("embed/index.html").is_file(), "{}", dir.display());
        }
    }
}

#[test]
fn the_print_edition_holds_every_chapter_and_every_current_figure_once() {
    let print = read(&public().join("print/index.html"));
    // Every figure shown in the prose, each once, as its static image.
    let front = read(&public().join("index.html"));
    let mut shown: BTreeSet<String> = BTreeSet::new();
    for page in std::iter::once(front).chain(
        [
            "downloads",
            "who",
            "deepseek",
            "capability",
            "policy",
            "response",
            "after",
            "methods",
        ]
        .iter()
        .map(|c| read(&public().join(c).join("index.html"))),
    ) {
        for piece in page.split("<figure id=\"fig-").skip(1) {
            shown.insert(piece.split('"').next().unwrap().to_string());
        }
    }
    assert!(shown.len() >= 14, "{shown:?}");
    for id in &shown {
        assert_eq!(
            print.matches(&format!("<figure id=\"fig-{id}\"")).count(),
            1,
            "{id}"
        );
    }
    assert_eq!(print.matches("<figure id=").count(), shown.len());
    // No id twice, though every chapter has headings and references of its own.
    let ids: Vec<&str> = print
        .split(" id=\"")
        .skip(1)
        .map(|p| p.split('"').next().unwrap())
        .collect();
    let unique: BTreeSet<&&str> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "duplicate ids in /print/");
    // Figure references point at the figures on the same page.
    assert!(print.contains("class=\"figref\" href=\"#fig-"));
    assert!(!print.contains("class=\"figref\" href=\"/"));
    // One reference list, at the end; a title page that says how to cite.
    assert_eq!(print.matches("<h2 id=\"references\">").count(), 1);
    assert!(print.contains("How to cite"));
    assert!(print.contains("Permanent address: https://example.github.io/folio/figures/"));
    // Static only: no chart script on the page, so print shows the images.
    assert!(!print.contains("echarts-5.5.1"));
    // Every page links it.
    assert!(
        read(&public().join("downloads/index.html")).contains("/folio/print/\">Print edition</a>")
    );
}

/// The front page leads with its prose, then its contents, then its references: a reader
/// finds the chapters before the list of works cited.
#[test]
fn the_front_page_lists_its_contents_before_its_references() {
    let html = read(&public().join("index.html"));
    let contents = html
        .find("<h2 id=\"contents-title\">Contents</h2>")
        .unwrap();
    let references = html.find("<h2 id=\"references\">References</h2>").unwrap();
    assert!(
        contents < references,
        "contents at {contents}, references at {references}"
    );
    // Every chapter is listed.
    let chapters = html[contents..references].matches("<li><a href=").count();
    assert_eq!(chapters, 8, "{}", &html[contents..references]);
}

/// `/changes/` lists each version of the report that folio.toml names (`[[release]]`),
/// newest first, each at its own address, beside the data and figure versions; so does
/// the feed.
#[test]
fn the_changes_page_lists_the_report_s_versions() {
    let config: toml::Table = read(&repo().join("folio.toml")).parse().unwrap();
    let releases = config["release"].as_array().unwrap();
    assert!(releases.len() >= 2);
    let current = config["version"].as_str().unwrap();
    assert!(
        releases
            .iter()
            .any(|r| r["version"].as_str() == Some(current)),
        "the current version {current} has a [[release]] entry"
    );
    let page = read(&public().join("changes/index.html"));
    let feed = read(&public().join("changes/atom.xml"));
    let mut at = Vec::new();
    for release in releases {
        let version = release["version"].as_str().unwrap();
        let anchor = format!("<li id=\"report-{version}\">");
        let found = page.find(&anchor).unwrap_or_else(|| panic!("no {anchor}"));
        let entry = &page[found..found + page[found..].find("</li>").unwrap()];
        assert!(entry.contains(&format!("The Open-Model Shift, version {version}</a>")));
        assert!(
            entry.contains(release["notes"].as_str().unwrap()),
            "{entry}"
        );
        // Under its date's heading.
        let date = release["date"].to_string();
        let heading = page.find(&format!("<h2 id=\"day-{date}\">")).unwrap();
        assert!(heading < found);
        at.push(found);
        assert!(
            feed.contains(&format!("changes/#report-{version}</id>")),
            "{feed}"
        );
    }
    // Newest first: the releases are listed in folio.toml oldest first.
    assert!(at.windows(2).all(|w| w[0] > w[1]), "{at:?}");
}
