//! The promise to readers: a cited figure version never changes, never disappears.

mod common;

use common::{copy_tree, folio, repo, stderr, stdout, tree};

const EPOCH: (&str, &str) = ("SOURCE_DATE_EPOCH", "1764201600"); // 2025-11-27
const LATER: (&str, &str) = ("SOURCE_DATE_EPOCH", "1767225600"); // 2026-01-01

const CHAPTER: &str = "+++\ntitle = \"Shares\"\n+++\n\nAs @fig-share shows.\n\n```chart\nid = \"share\"\ntitle = \"Share of downloads\"\ndata = \"downloads@2025-11-27\"\ntype = \"bar\"\nx = \"country\"\ny = \"share\"\n```\n";

/// The data-basic fixture with a chapter that charts its first snapshot, built once.
fn published_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("tests/sites/data-basic"), dir.path());
    std::fs::remove_dir_all(dir.path().join("expected")).unwrap();
    std::fs::write(dir.path().join("content/01-shares.md"), CHAPTER).unwrap();
    let output = folio(dir.path(), &["build"], &[EPOCH]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("published figure share version 1\n"));
    dir
}

fn read(dir: &tempfile::TempDir, path: &str) -> String {
    String::from_utf8(std::fs::read(dir.path().join(path)).unwrap()).unwrap()
}

fn edit_chapter(dir: &tempfile::TempDir, from: &str, to: &str) {
    let path = dir.path().join("content/01-shares.md");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from));
    std::fs::write(path, text.replace(from, to)).unwrap();
}

fn version_files(dir: &tempfile::TempDir, version: u32) -> Vec<(String, Vec<u8>)> {
    let files = tree(&dir.path().join(format!("public/figures/share/v{version}")));
    // The page, its embed, the SVG, the PNG card and the 2x image, data.csv, option.json,
    // the bundle and three citation files.
    let names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names,
        [
            "citation.bib",
            "citation.json",
            "citation.ris",
            "data.csv",
            "embed/index.html",
            "figure.png",
            "figure.svg",
            "figure.zip",
            "index.html",
            "option.json",
            "preview.png"
        ]
    );
    files
        .into_iter()
        .filter(|(name, _)| name != "index.html")
        .collect()
}

#[test]
fn moving_a_figure_to_a_new_snapshot_publishes_v2_and_keeps_v1() {
    let dir = published_site();
    let v1 = version_files(&dir, 1);
    edit_chapter(&dir, "downloads@2025-11-27", "downloads@2025-12-09");
    let output = folio(dir.path(), &["build"], &[LATER]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains(
        "published figure share version 2: Data moved from downloads@2025-11-27 to downloads@2025-12-09\n"
    ));
    // Version 1 shows exactly what it showed, with a pointer to what is newer.
    assert_eq!(version_files(&dir, 1), v1);
    let old = read(&dir, "public/figures/share/v1/index.html");
    assert!(old.contains("The current version is <a href=\"/figures/share/v2/\">version 2</a>."));
    assert!(old.contains("<dt>Published</dt><dd>2025-11-27</dd>"));
    let new = read(&dir, "public/figures/share/v2/index.html");
    assert!(new.contains("<dt>Changes</dt><dd>Data moved from downloads@2025-11-27 to downloads@2025-12-09 (from version 1)</dd>"));
    assert!(new.contains("<dt>Published</dt><dd>2026-01-01</dd>"));
    assert_eq!(
        read(&dir, "public/figures/share/v2/data.csv"),
        "country,share\nChina,17.1\nUnited States,15.8\nFrance,\n"
    );
    // The current page is version 2, and the chapter links to it.
    assert!(read(&dir, "public/figures/share/index.html").contains(
        "<h1>Figure 1: Share of downloads <span class=\"version\">version 2</span></h1>"
    ));
    assert!(
        read(&dir, "public/shares/index.html").contains("href=\"/figures/share/v2/figure.svg\"")
    );
    // A rebuild changes nothing.
    let before = tree(&dir.path().join("public"));
    let output = folio(dir.path(), &["build", "--locked"], &[LATER]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(tree(&dir.path().join("public")), before);
}

#[test]
fn locked_refuses_an_unpublished_change_and_leaves_public_untouched() {
    let dir = published_site();
    let before = tree(&dir.path().join("public"));
    let lock = read(&dir, "folio.lock");
    edit_chapter(
        &dir,
        "title = \"Share of downloads\"",
        "title = \"Share of all downloads\"",
    );
    let output = folio(dir.path(), &["build", "--locked"], &[LATER]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        "error: figure \"share\" differs from its published version 1\n --> content/01-shares.md:8:1\n  |\n8 | id = \"share\"\n  |\n  = help: run `folio build` without --locked to publish it as version 2, and commit folio.lock\n\nerror: could not build: 1 problem found; nothing was written\n"
    );
    assert_eq!(tree(&dir.path().join("public")), before);
    assert_eq!(read(&dir, "folio.lock"), lock);
}

#[test]
fn a_withdrawn_figure_keeps_its_pages() {
    let dir = published_site();
    let v1 = version_files(&dir, 1);
    std::fs::write(
        dir.path().join("content/01-shares.md"),
        "+++\ntitle = \"Shares\"\n+++\n\nNo chart any more.\n",
    )
    .unwrap();
    let output = folio(dir.path(), &["build", "--locked"], &[LATER]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(version_files(&dir, 1), v1);
    let page = read(&dir, "public/figures/share/index.html");
    assert!(page.contains("This figure has been withdrawn from the report."));
    assert!(
        read(&dir, "public/figures/index.html")
            .contains("<a href=\"/figures/share/\">Share of downloads</a>")
    );
    assert!(stdout(&output).contains("built 2 pages, 0 figures (1 versions), 1 datasets in "));
}

#[test]
fn cite_prints_a_version_in_each_format() {
    let dir = published_site();
    edit_chapter(&dir, "downloads@2025-11-27", "downloads@2025-12-09");
    assert!(folio(dir.path(), &["build"], &[LATER]).status.success());
    let apa = folio(dir.path(), &["cite", "share@v1"], &[]);
    assert!(apa.status.success(), "{}", stderr(&apa));
    assert!(stdout(&apa).starts_with("(2025-11-27). Share of downloads (figure share, version 1). In data-basic (version 1). /figures/share/v1/ Data: downloads@2025-11-27, SHA-256 85c0e08aec3da5097d08c9739218c6cdbe0452c9125e2f8039b1fb3e7137eede."));
    let bibtex = stdout(&folio(
        dir.path(),
        &["cite", "share", "--format", "bibtex"],
        &[],
    ));
    assert!(bibtex.starts_with("@misc{share-v2,\n"), "{bibtex}");
    assert!(bibtex.contains("  date = {2026-01-01},\n"));
    let csl = stdout(&folio(
        dir.path(),
        &["cite", "fig-share@v1", "--format", "csl-json"],
        &[],
    ));
    let items: serde_json::Value = serde_json::from_str(&csl).unwrap();
    assert_eq!(items[0]["id"], "share-v1");
    assert_eq!(
        items[0]["note"],
        "Data: downloads@2025-11-27, SHA-256 85c0e08aec3da5097d08c9739218c6cdbe0452c9125e2f8039b1fb3e7137eede"
    );
    let missing = folio(dir.path(), &["cite", "share@v3"], &[]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("figure \"share\" has versions 1 to 2, not 3"));
    // The same citations are on the site.
    let bib = read(&dir, "public/citation.bib");
    assert!(bib.starts_with("@report{report,\n"));
    assert!(bib.contains("@misc{share-v1,\n") && bib.contains("@misc{share-v2,\n"));
    assert!(
        read(&dir, "public/figures/share/v1/index.html")
            .contains("<pre class=\"citation\" data-copy><code>@misc{share-v1,")
    );
}

#[test]
fn changes_lists_every_publication_newest_first() {
    let dir = published_site();
    edit_chapter(&dir, "downloads@2025-11-27", "downloads@2025-12-09");
    assert!(folio(dir.path(), &["build"], &[LATER]).status.success());
    let page = read(&dir, "public/changes/index.html");
    let newer = page.find("<time datetime=\"2026-01-01\">").unwrap();
    let older = page.find("<time datetime=\"2025-11-27\">").unwrap();
    assert!(newer < older);
    assert!(page.contains("<a href=\"/figures/share/v2/\">Share of downloads (figure share, version 2)</a><br>Data moved from downloads@2025-11-27 to downloads@2025-12-09."));
}

#[test]
fn a_changed_column_description_publishes_a_new_version_and_keeps_the_old_one() {
    let dir = published_site();
    let v1 = version_files(&dir, 1);
    let page = read(&dir, "public/figures/share/v1/index.html");
    // Shown in millions from now on: a published version must keep its numbers.
    let meta = dir.path().join("data/downloads/dataset.toml");
    let text = std::fs::read_to_string(&meta).unwrap();
    let edited = text.replacen(
        "[columns.share]\n",
        "[columns.share]\nlabel = \"Share\"\nscale = 1e6\n",
        1,
    );
    assert_ne!(edited, text);
    std::fs::write(&meta, edited).unwrap();
    let locked = folio(dir.path(), &["build", "--locked"], &[LATER]);
    assert!(
        !locked.status.success(),
        "--locked published a changed figure"
    );
    assert!(
        stderr(&locked).contains("figure \"share\" differs from its published version 1"),
        "{}",
        stderr(&locked)
    );
    let output = folio(dir.path(), &["build"], &[LATER]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains(
            "published figure share version 2: The columns' description in dataset.toml changed\n"
        ),
        "{}",
        stdout(&output)
    );
    assert_eq!(version_files(&dir, 1), v1, "version 1 changed");
    let old = read(&dir, "public/figures/share/v1/index.html");
    let table = |html: &str| {
        html.split("<table")
            .nth(1)
            .and_then(|t| t.split("</table>").next())
            .map(str::to_string)
    };
    assert!(table(&page).is_some());
    assert_eq!(table(&old), table(&page), "version 1's table changed");
    let new = read(&dir, "public/figures/share/v2/index.html");
    assert!(new.contains(">Share (%)</th>"), "{new}");
    // 17.1 (% with one digit), scaled by a million.
    assert!(new.contains(">17,100,000.0<"), "{new}");
}
