//! Careless and hostile input: every case under `tests/hostile/` (and a few made at run
//! time: links out of the project, huge lines) must exit 1 with a diagnostic that names the
//! file, must not panic, and must leave `public/` exactly as it was.

mod common;

use std::path::Path;

use common::{copy_tree, folio, repo, stderr, tree};

/// Builds the site in `dir` over an existing `public/` and checks the failure.
fn assert_rejected(name: &str, dir: &Path) -> String {
    let public = dir.join("public");
    std::fs::create_dir_all(&public).unwrap();
    std::fs::write(public.join("index.html"), "the previous build").unwrap();
    // Marked as folio's own output, as a previous build leaves it.
    std::fs::write(public.join(".folio-build"), "").unwrap();
    let before = tree(&public);
    let output = folio(dir, &["build"], &[]);
    let err = stderr(&output);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{name}: expected exit status 1\n{err}"
    );
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "{name}: folio panicked\n{err}"
    );
    let named = err
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("--> "))
        .collect::<Vec<_>>();
    assert!(
        !named.is_empty(),
        "{name}: no diagnostic names a file\n{err}"
    );
    for location in named {
        let file = location.split(':').next().unwrap();
        assert!(
            ["content", "data", "templates", "folio.toml", "folio.lock"]
                .iter()
                .any(|p| file.starts_with(p)),
            "{name}: the diagnostic names {file:?}\n{err}"
        );
    }
    assert_eq!(tree(&public), before, "{name}: public/ changed");
    assert_eq!(
        folio(dir, &["check"], &[]).status.code(),
        Some(1),
        "{name}: check did not fail"
    );
    err
}

#[test]
fn every_hostile_case_is_rejected_cleanly() {
    let corpus = repo().join("tests/hostile");
    let mut cases = 0;
    for entry in std::fs::read_dir(&corpus).unwrap() {
        let entry = entry.unwrap();
        if !entry.path().is_dir() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        let dir = tempfile::tempdir().unwrap();
        copy_tree(&entry.path(), dir.path());
        assert_rejected(&name, dir.path());
        cases += 1;
    }
    assert!(cases >= 20, "the corpus has only {cases} cases");
}

fn base_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("tests/hostile/csv-ragged"), dir.path());
    std::fs::remove_dir_all(dir.path().join("data")).unwrap();
    dir
}

#[cfg(unix)]
#[test]
fn links_out_of_the_project_are_rejected() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("secret.md"),
        "+++\ntitle = \"Secret\"\n+++\nsecret\n",
    )
    .unwrap();
    std::fs::write(outside.path().join("secret.csv"), "a\n1\n").unwrap();

    let dir = base_site();
    std::os::unix::fs::symlink(
        outside.path().join("secret.md"),
        dir.path().join("content/secret.md"),
    )
    .unwrap();
    let err = assert_rejected("content link", dir.path());
    assert!(
        err.contains("error: this link points outside the project\n --> content/secret.md"),
        "{err}"
    );

    let dir = base_site();
    std::fs::create_dir_all(dir.path().join("data/d")).unwrap();
    std::fs::write(dir.path().join("data/d/dataset.toml"), "title = \"D\"\n").unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.csv"),
        dir.path().join("data/d/v1.csv"),
    )
    .unwrap();
    let err = assert_rejected("data link", dir.path());
    assert!(err.contains("--> data/d/v1.csv"), "{err}");

    let dir = base_site();
    std::os::unix::fs::symlink(outside.path(), dir.path().join("templates")).unwrap();
    assert_rejected("templates link", dir.path());
}

#[test]
fn huge_lines_give_short_diagnostics() {
    let dir = base_site();
    let huge = "x".repeat(4 << 20);
    std::fs::write(
        dir.path().join("content/huge.md"),
        format!("+++\ntitle = \"Huge\"\ntitel = \"{huge}\"\n+++\n{huge}\n"),
    )
    .unwrap();
    let err = assert_rejected("huge line", dir.path());
    assert!(
        err.len() < 4000,
        "the diagnostic is {} bytes long",
        err.len()
    );
    assert!(err.contains("--> content/huge.md:3:1"));
}
