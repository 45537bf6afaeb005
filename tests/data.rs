//! Versioned snapshots as an author and a reader meet them: `folio data add`, the lock,
//! and real third-party data.

mod common;

use std::path::Path;

use common::{fixture, folio, repo, stderr, stdout, tree};

const EPOCH: (&str, &str) = ("SOURCE_DATE_EPOCH", "1764201600");

fn read(path: &Path) -> String {
    String::from_utf8(std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn data_add_publishes_a_new_version_and_locks_it() {
    let dir = fixture("data-basic");
    let csv = "country,share,source_id,note\nChina,18.2,S10,\n";
    std::fs::write(dir.path().join("new.csv"), csv).unwrap();
    let output = folio(
        dir.path(),
        &[
            "data",
            "add",
            "downloads",
            "new.csv",
            "--version",
            "2026-01-15",
            "--retrieved",
            "2026-01-15",
            "--notes",
            "Quarterly \"update\"",
        ],
        &[EPOCH],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).starts_with("added downloads@2026-01-15: 1 rows, 4 columns, sha256 "));
    assert_eq!(read(&dir.path().join("data/downloads/2026-01-15.csv")), csv);
    let toml = read(&dir.path().join("data/downloads/dataset.toml"));
    assert!(
        toml.starts_with("title = \"Downloads by origin\""),
        "the author's text is kept"
    );
    assert!(
        toml.ends_with(
            "[versions.\"2026-01-15\"]\nretrieved = 2026-01-15\nnotes = 'Quarterly \"update\"'\n"
        ),
        "{toml}"
    );
    let lock = read(&dir.path().join("folio.lock"));
    assert!(
        lock.contains("version = \"2026-01-15\"\nsha256 = \""),
        "{lock}"
    );
    // The new version builds with --locked and gets its page.
    let output = folio(dir.path(), &["build", "--locked"], &[EPOCH]);
    assert!(output.status.success(), "{}", stderr(&output));
    let page = read(
        &dir.path()
            .join("public/data/downloads/2026-01-15/index.html"),
    );
    assert!(page.contains("Quarterly &quot;update&quot;"), "{page}");
    assert!(page.contains("Against version <a href=\"../2025-12-09/\">2025-12-09</a>: 0 rows added, 2 removed, 1 changed."));
}

#[test]
fn data_add_refuses_to_replace_a_version() {
    let dir = fixture("data-basic");
    std::fs::write(dir.path().join("new.csv"), "country,share\nChina,1\n").unwrap();
    let before = read(&dir.path().join("data/downloads/2025-11-27.csv"));
    let output = folio(
        dir.path(),
        &[
            "data",
            "add",
            "downloads",
            "new.csv",
            "--version",
            "2025-11-27",
        ],
        &[],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output)
            .contains("downloads@2025-11-27 already exists; published versions are never replaced")
    );
    assert_eq!(
        read(&dir.path().join("data/downloads/2025-11-27.csv")),
        before
    );
}

#[test]
fn data_add_rejects_an_invalid_file_and_changes_nothing() {
    let dir = fixture("data-basic");
    std::fs::write(dir.path().join("bad.csv"), "country,share\nChina,17%\n").unwrap();
    let lock = read(&dir.path().join("folio.lock"));
    let output = folio(
        dir.path(),
        &["data", "add", "downloads", "bad.csv", "--version", "v3"],
        &[],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output)
            .contains("error: \"17%\" in column \"share\" is not a valid number\n --> bad.csv:2:7"),
        "{}",
        stderr(&output)
    );
    assert!(!dir.path().join("data/downloads/v3.csv").exists());
    assert_eq!(read(&dir.path().join("folio.lock")), lock);
    let output = folio(
        dir.path(),
        &["data", "add", "downloads", "bad.csv", "--version", "latest"],
        &[],
    );
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn editing_one_byte_of_a_locked_snapshot_fails_the_build_and_leaves_public_untouched() {
    let dir = fixture("data-basic");
    assert!(folio(dir.path(), &["build"], &[EPOCH]).status.success());
    let before = tree(&dir.path().join("public"));
    let path = dir.path().join("data/downloads/2025-11-27.csv");
    let text = read(&path).replace("17.1", "17.2");
    std::fs::write(&path, text).unwrap();
    let output = folio(dir.path(), &["build"], &[EPOCH]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(
        err.contains("error: published snapshot downloads@2025-11-27 has changed"),
        "{err}"
    );
    assert!(err.contains("--> data/downloads/2025-11-27.csv"));
    assert!(err.contains("publish the change as a new version with `folio data add downloads"));
    assert_eq!(tree(&dir.path().join("public")), before);
}

#[test]
fn locked_build_refuses_to_add_lock_entries() {
    let dir = fixture("data-basic");
    std::fs::remove_file(dir.path().join("folio.lock")).unwrap();
    let output = folio(dir.path(), &["build", "--locked"], &[EPOCH]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("error: snapshot downloads@2025-11-27 is not in folio.lock"));
    assert!(!dir.path().join("folio.lock").exists());
    assert!(!dir.path().join("public").exists());
    // Without --locked the build publishes both snapshots, dated by SOURCE_DATE_EPOCH.
    let output = folio(dir.path(), &["build"], &[EPOCH]);
    assert!(output.status.success());
    assert!(stdout(&output).contains("published snapshot downloads@2025-12-09 (sha256 "));
    assert_eq!(
        read(&dir.path().join("folio.lock")),
        read(&repo().join("tests/sites/data-basic/folio.lock"))
    );
}

#[test]
fn data_list_prints_versions_rows_and_checksums() {
    let dir = fixture("data-basic");
    let output = folio(dir.path(), &["data", "list"], &[]);
    assert!(output.status.success());
    assert_eq!(
        stdout(&output),
        "downloads  Downloads by origin\n  2025-11-27          3 rows    3 columns  sha256 85c0e08aec3da5097d08c9739218c6cdbe0452c9125e2f8039b1fb3e7137eede\n  2025-12-09          3 rows    4 columns  sha256 573a7ba8ecddefc85dd338db84f7cbfea249c30bcabb7984fc2869b41ea8d401\n"
    );
}

#[test]
fn snapshots_are_served_byte_for_byte() {
    let dir = fixture("data-basic");
    assert!(folio(dir.path(), &["build"], &[EPOCH]).status.success());
    for version in ["2025-11-27", "2025-12-09"] {
        let source =
            std::fs::read(dir.path().join(format!("data/downloads/{version}.csv"))).unwrap();
        let served = std::fs::read(
            dir.path()
                .join(format!("public/data/downloads/{version}.csv")),
        )
        .unwrap();
        assert_eq!(source, served);
    }
}

/// Real OWID CO2 data: a slice of two releases of the same file (every row of six
/// entities), with empty cells, revised rows and "Czech Republic" renamed "Czechia".
#[test]
fn loads_the_real_owid_releases_and_reports_their_changes() {
    let dir = fixture("owid");
    let output = folio(dir.path(), &["build", "--locked"], &[EPOCH]);
    assert!(output.status.success(), "{}", stderr(&output));
    let page = read(
        &dir.path()
            .join("public/data/owid-co2/2020-12-09/index.html"),
    );
    // Counted in the two files: 1,130 rows of 38 columns each; the 60 rows of Czech Republic
    // are removed and come back as Czechia; 47 rows of the others were revised.
    assert!(page.contains("1,130 rows, 38 columns"), "{page}");
    assert!(
        page.contains(": 60 rows added, 60 removed, 47 changed."),
        "{page}"
    );
    assert!(page.contains("Rows added include: Czechia / 1959;"));
    assert!(page.contains("Rows removed include: Czech Republic / 1959;"));
    assert!(page.contains("<tr><td>EU-27 / 1970</td><td><code>co2_per_unit_energy</code></td><td>0.267</td><td>0.279</td></tr>"));
    let dataset = read(&dir.path().join("public/data/owid-co2/index.html"));
    // Undeclared columns are inferred and shown as such.
    assert!(
        dataset.contains(
            "<tr><th scope=\"row\"><code>co2_growth_prct</code></th><td>number (inferred)</td>"
        ),
        "{dataset}"
    );
    // Population is written as 7663783.0 in places, so it is a number, not an integer.
    assert!(dataset.contains("<code>population</code></th><td>number (inferred)</td>"));
}

#[test]
fn a_dataset_described_before_its_first_snapshot_builds() {
    let dir = fixture("data-basic");
    std::fs::create_dir_all(dir.path().join("data/upcoming")).unwrap();
    std::fs::write(
        dir.path().join("data/upcoming/dataset.toml"),
        "title = \"Upcoming\"\n",
    )
    .unwrap();
    let output = folio(dir.path(), &["build"], &[EPOCH]);
    assert!(output.status.success(), "{}", stderr(&output));
    let page = read(&dir.path().join("public/data/upcoming/index.html"));
    assert!(
        page.contains("<p>No version has been published yet.</p>"),
        "{page}"
    );
    assert!(
        read(&dir.path().join("public/data/index.html"))
            .contains("<p class=\"meta\">0 versions</p>")
    );
}
