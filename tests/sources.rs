//! Row sources (`source_column`), as a reader meets them: a figure's source line cites the
//! sources of exactly the rows it plots, a chapter's references include them, a figure's
//! page and a dataset version's page list them; a key the bibliography lacks, a source
//! column a snapshot lacks and a source column without a bibliography fail the build.
//!
//! Built from the `sources` fixture: an excerpt of the report's real data, whose rows name
//! the outlet that reported each share (S03, S05, S06, S08 of its references).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use common::{fixture, folio, stderr};

const SNAPSHOT: &str = "data/shares/2026-11-28.csv";

fn build(dir: &Path) -> std::process::Output {
    folio(
        dir,
        &["build", "--no-cache"],
        &[("SOURCE_DATE_EPOCH", "1764201600")],
    )
}

fn built() -> tempfile::TempDir {
    let dir = fixture("sources");
    let output = build(dir.path());
    assert!(output.status.success(), "{}", stderr(&output));
    dir
}

fn read(dir: &Path, path: &str) -> String {
    std::fs::read_to_string(dir.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The snapshot's rows as (header -> cell) maps.
fn rows(dir: &Path) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(dir.join(SNAPSHOT)).unwrap();
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, c)| (h.to_string(), c.to_string()))
                .collect()
        })
        .collect()
}

/// The keys cited in `html` (`href="…#ref-KEY"`), in order, repeats kept.
fn cited(html: &str) -> Vec<String> {
    html.split("#ref-")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().to_string())
        .collect()
}

/// The keys of the entries of the reference list with the id `id` in `html`.
fn listed(html: &str, id: &str) -> BTreeSet<String> {
    let start = html
        .find(&format!("<h2 id=\"{id}\">"))
        .unwrap_or_else(|| panic!("no list #{id}"));
    let section = &html[start..html[start..].find("</section>").unwrap() + start];
    section
        .split("<li id=\"ref-")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().to_string())
        .collect()
}

/// The source line of figure `id` in `html`.
fn source_line(html: &str, id: &str) -> String {
    let figure = &html[html
        .find(&format!("<figure id=\"fig-{id}\""))
        .unwrap_or_else(|| panic!("no figure {id}"))..];
    let line = &figure[figure.find("<p class=\"source\">").unwrap()..];
    line[..line.find("</p>").unwrap()].to_string()
}

#[test]
fn a_figure_cites_the_sources_of_exactly_the_rows_it_plots() {
    let dir = built();
    let rows = rows(dir.path());
    let html = read(dir.path(), "public/index.html");

    // `where = { source_id = "S03" }`: the Financial Times' rows alone.
    let ft = source_line(&html, "ft-shares");
    assert_eq!(cited(&ft), ["S03"], "{ft}");
    assert!(ft.starts_with("<p class=\"source\">Source: "), "{ft}");
    assert!(ft.contains(">Financial Times (2025)</a>"), "{ft}");

    // Every row: each outlet once, in the order the rows name them.
    let mut every: Vec<String> = Vec::new();
    for row in &rows {
        if !every.contains(&row["source_id"]) {
            every.push(row["source_id"].clone());
        }
    }
    let all = source_line(&html, "all-shares");
    assert_eq!(cited(&all), every, "{all}");
    assert!(all.starts_with("<p class=\"source\">Sources: "), "{all}");

    // A dataset without a source column: its `source`, linked, as before.
    let headlines = source_line(&html, "headlines");
    assert!(cited(&headlines).is_empty(), "{headlines}");
    assert!(
        headlines.contains(
            "<a href=\"https://arxiv.org/abs/2512.03073v1\">Longpre et al., Economies of Open Intelligence (arXiv:2512.03073)</a>"
        ),
        "{headlines}"
    );

    // The page's references hold the figures' sources and what the prose cites (S01),
    // each once, and nothing else.
    let references = listed(&html, "references");
    let mut expected: BTreeSet<String> = every.iter().cloned().collect();
    expected.insert("S01".to_string());
    assert_eq!(references, expected, "{references:?}");
}

#[test]
fn a_figure_page_lists_its_sources_and_its_embed_links_to_them() {
    let dir = built();
    let page = read(dir.path(), "public/figures/ft-shares/v1/index.html");
    assert_eq!(
        listed(&page, "sources"),
        BTreeSet::from(["S03".to_string()])
    );
    let entry = &page[page.find("<li id=\"ref-S03\">").unwrap()..];
    let entry = &entry[..entry.find("</li>").unwrap()];
    assert!(
        entry.contains("China leapfrogs US in global market for")
            && entry.contains("Financial Times"),
        "{entry}"
    );
    // The figure on its page cites into that list.
    assert_eq!(cited(&source_line(&page, "ft-shares")), ["S03"]);

    // An embed has no list of its own: its sources lead to the figure's page, outside the
    // frame.
    let embed = read(dir.path(), "public/figures/ft-shares/v1/embed/index.html");
    assert!(
        embed.contains(
            "<a class=\"cite\" target=\"_top\" href=\"https://example.org/sources/figures/ft-shares/v1/#ref-S03\">Financial Times (2025)</a>"
        ),
        "{embed}"
    );

    // The bundle's README names the source in full, as text.
    let zip = std::fs::read(dir.path().join("public/figures/ft-shares/v1/figure.zip")).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    let mut readme = String::new();
    std::io::Read::read_to_string(&mut archive.by_name("README.txt").unwrap(), &mut readme)
        .unwrap();
    assert!(
        readme.contains("Sources of the plotted rows:\n- Financial Times. (2025, November 26). China leapfrogs US"),
        "{readme}"
    );
    assert!(!readme.contains("<a"), "{readme}");
}

#[test]
fn a_version_page_lists_the_sources_of_its_rows_with_their_counts() {
    let dir = built();
    let rows = rows(dir.path());
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for row in &rows {
        *counts.entry(row["source_id"].clone()).or_default() += 1;
    }
    // The dataset page lists every version's sources, without counts (they are per
    // version).
    let dataset = read(dir.path(), "public/data/shares/index.html");
    assert_eq!(
        listed(&dataset, "sources"),
        counts.keys().cloned().collect()
    );
    assert!(!dataset.contains("class=\"rows\""));
    {
        let page = "public/data/shares/2026-11-28/index.html";
        let html = read(dir.path(), page);
        assert_eq!(
            listed(&html, "sources"),
            counts.keys().cloned().collect(),
            "{page}"
        );
        for (key, n) in &counts {
            let entry = &html[html.find(&format!("<li id=\"ref-{key}\">")).unwrap()..];
            let entry = &entry[..entry.find("</li>").unwrap()];
            let rows = if *n == 1 { "row" } else { "rows" };
            assert!(
                entry.ends_with(&format!("<span class=\"rows\">({n} {rows})</span>")),
                "{page}: {entry}"
            );
        }
    }
    // A dataset without a source column lists none.
    let headlines = read(dir.path(), "public/data/headlines/2026-11-28/index.html");
    assert!(!headlines.contains("id=\"sources\""));
}

/// The build fails with exit 1, writes no site, and prints each of `needles`.
fn fails_with(dir: &Path, needles: &[&str]) -> String {
    let output = build(dir);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "expected a failure:\n{err}");
    for needle in needles {
        assert!(err.contains(needle), "expected {needle:?} in:\n{err}");
    }
    assert!(!dir.join("public").exists(), "a failed build wrote public/");
    err
}

#[test]
fn a_source_the_bibliography_lacks_is_named_at_its_first_line() {
    let dir = fixture("sources");
    let path = dir.path().join(SNAPSHOT);
    let text = std::fs::read_to_string(&path).unwrap();
    // Rows 2 and 3 of data (lines 3 and 4) name S99; rows of S05 name S05; S98 too.
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines[2] = lines[2].replacen(",S03,", ",S99,", 1);
    lines[3] = lines[3].replacen(",S05,", ",S99,", 1);
    lines[4] = lines[4].replacen(",S05,", ",S05; S98,", 1);
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let err = fails_with(
        dir.path(),
        &[
            "unknown source \"S99\" in column \"source_id\"",
            &format!("--> {SNAPSHOT}:3\n"),
            "unknown source \"S98\"",
            &format!("--> {SNAPSHOT}:5\n"),
            "add an entry with the key S99 to content/references.bib",
        ],
    );
    // One diagnostic per unknown key, not per row.
    assert_eq!(err.matches("unknown source \"S99\"").count(), 1, "{err}");
}

#[test]
fn a_source_column_the_snapshot_lacks_is_an_error() {
    let dir = fixture("sources");
    let toml = dir.path().join("data/shares/dataset.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(
        &toml,
        text.replace(
            "source_column = \"source_id\"",
            "source_column = \"outlet\"",
        ),
    )
    .unwrap();
    fails_with(
        dir.path(),
        &[
            "the source column \"outlet\" (source_column in data/shares/dataset.toml) is missing from this snapshot",
            &format!("--> {SNAPSHOT}"),
            "the header has study, metric",
        ],
    );
}

#[test]
fn a_source_column_needs_a_bibliography() {
    let dir = fixture("sources");
    std::fs::remove_file(dir.path().join("content/references.bib")).unwrap();
    fails_with(
        dir.path(),
        &[
            "source_column = \"source_id\" names bibliography keys, but the report has no bibliography",
            "--> data/shares/dataset.toml",
        ],
    );
}

/// The prose's own citations and the figures' sources share the page's citations, in
/// reading order: each renders where it stands, on the chapter and in the print edition.
#[test]
fn prose_citations_and_figure_sources_keep_their_places() {
    let dir = built();
    for page in ["public/index.html", "public/print/index.html"] {
        let html = read(dir.path(), page);
        // Before the first figure: the study, cited by the prose.
        let first = html.find("<figure id=\"fig-ft-shares\"").unwrap();
        let before = &html[..first];
        assert!(
            before.contains("<a class=\"cite\" href=\"#ref-S01\">Longpre et al., 2025</a>"),
            "{page}: {before}"
        );
        // Between the figures: getaibook.com, with its prefix.
        let second = html.find("<figure id=\"fig-all-shares\"").unwrap();
        let between = &html[first..second];
        let after_figure = &between[between.find("</figure>").unwrap()..];
        assert!(
            after_figure
                .contains("(see <a class=\"cite\" href=\"#ref-S05\">getaibook.com, 2026</a>)"),
            "{page}: {after_figure}"
        );
        assert_eq!(cited(&source_line(&html, "ft-shares")), ["S03"], "{page}");
        assert_eq!(
            cited(&source_line(&html, "all-shares")),
            ["S03", "S05", "S06", "S08"],
            "{page}"
        );
        // The prose's S01 is in the references now, beside the figures' sources.
        assert!(html.contains("<li id=\"ref-S01\">"), "{page}");
    }
}

/// A cell may name several sources, separated by `;`: the figure cites each, and the
/// version page counts the row for each.
#[test]
fn a_row_may_name_several_sources() {
    let dir = fixture("sources");
    let path = dir.path().join(SNAPSHOT);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replacen(",S06,", ",S06; S01,", 1)).unwrap();
    let output = build(dir.path());
    assert!(output.status.success(), "{}", stderr(&output));
    let html = read(dir.path(), "public/index.html");
    assert_eq!(
        cited(&source_line(&html, "all-shares")),
        ["S03", "S05", "S06", "S01", "S08"]
    );
    let version = read(dir.path(), "public/data/shares/2026-11-28/index.html");
    let entry = &version[version.find("<li id=\"ref-S01\">").unwrap()..];
    let entry = &entry[..entry.find("</li>").unwrap()];
    assert!(
        entry.ends_with("<span class=\"rows\">(1 row)</span>"),
        "{entry}"
    );
}

/// A snapshot too large to hold (streamed: `FOLIO_STREAM_ABOVE` makes every snapshot of
/// this fixture one) lists its sources and their counts all the same, counted as it is
/// read, and a source the bibliography lacks is still found, at its line.
#[test]
fn a_streamed_snapshot_lists_and_checks_its_sources() {
    let dir = fixture("sources");
    // Charts cannot name a streamed snapshot: keep the prose only.
    let content = read(dir.path(), "content/_index.md");
    let first_chart = content.find("```chart").unwrap();
    std::fs::write(
        dir.path().join("content/_index.md"),
        &content[..first_chart],
    )
    .unwrap();
    let streamed = |dir: &Path| {
        folio(
            dir,
            &["build", "--no-cache"],
            &[
                ("SOURCE_DATE_EPOCH", "1764201600"),
                ("FOLIO_STREAM_ABOVE", "100"),
            ],
        )
    };
    let output = streamed(dir.path());
    assert!(output.status.success(), "{}", stderr(&output));
    let page = read(dir.path(), "public/data/shares/2026-11-28/index.html");
    assert!(
        page.contains("too large to hold, so folio streams it"),
        "{page}"
    );
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for row in rows(dir.path()) {
        *counts.entry(row["source_id"].clone()).or_default() += 1;
    }
    assert_eq!(listed(&page, "sources"), counts.keys().cloned().collect());
    for (key, n) in &counts {
        let entry = &page[page.find(&format!("<li id=\"ref-{key}\">")).unwrap()..];
        let entry = &entry[..entry.find("</li>").unwrap()];
        let rows = if *n == 1 { "row" } else { "rows" };
        assert!(entry.ends_with(&format!("({n} {rows})</span>")), "{entry}");
    }
    // The preview still shows the first rows.
    let first = &rows(dir.path())[0];
    assert!(
        page.contains(&format!("<td>{}</td>", first["origin"])),
        "{page}"
    );

    let path = dir.path().join(SNAPSHOT);
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines[4] = lines[4].replacen(",S05,", ",S97,", 1);
    std::fs::write(&path, lines.join("\r\n") + "\r\n").unwrap();
    std::fs::remove_dir_all(dir.path().join("public")).unwrap();
    std::fs::remove_file(dir.path().join("folio.lock")).unwrap();
    let output = streamed(dir.path());
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("unknown source \"S97\""), "{err}");
    assert!(err.contains(&format!("--> {SNAPSHOT}:5\n")), "{err}");
}
