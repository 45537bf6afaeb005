//! `folio init`: a new report that builds, checks and is locked, from the binary alone.

mod common;

use common::{folio, stderr, stdout, tree};

#[test]
fn init_makes_a_report_that_builds_checks_and_is_locked() {
    let temp = tempfile::tempdir().unwrap();
    let output = folio(
        temp.path(),
        &["init", "my-report", "--title", "A \"quoted\" report: CO2"],
        &[],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("cd my-report"),
        "{}",
        stdout(&output)
    );
    let dir = temp.path().join("my-report");
    let files: Vec<String> = tree(&dir).into_iter().map(|(path, _)| path).collect();
    assert_eq!(
        files,
        [
            ".gitattributes",
            ".github/workflows/pages.yml",
            ".gitignore",
            "README.md",
            "content/01-first-chapter.md",
            "content/_index.md",
            "content/references.bib",
            "data/co2-emissions/2020-12-09.csv",
            "data/co2-emissions/dataset.toml",
            "folio.lock",
            "folio.toml",
        ]
    );
    let read = |path: &str| std::fs::read_to_string(dir.join(path)).unwrap();
    // Snapshots stay byte-exact on every platform.
    assert!(
        read(".gitattributes")
            .lines()
            .any(|l| l.trim() == "*.csv -text")
    );
    // The title, escaped for TOML, in folio.toml and on the front page; plain in the README.
    assert!(read("folio.toml").contains("title = 'A \"quoted\" report: CO2'"));
    assert!(read("README.md").starts_with("# A \"quoted\" report: CO2\n"));
    // The Pages workflow installs this folio's release and builds with --locked.
    let workflow = read(".github/workflows/pages.yml");
    assert!(workflow.contains(&format!("FOLIO_VERSION: v{}", env!("CARGO_PKG_VERSION"))));
    assert!(workflow.contains("folio build --locked"));
    assert!(!workflow.contains("@@") && !read("folio.toml").contains("@@"));
    // Locked: the snapshot and the example figure's first version.
    let lock = read("folio.lock");
    assert!(lock.contains("dataset = \"co2-emissions\""), "{lock}");
    assert!(lock.contains("id = \"co2-by-country\""), "{lock}");
    // It checks, and builds with --locked (as the Pages workflow does) under a sub-path.
    let output = folio(
        &dir,
        &["check", "--base-url", "https://user.github.io/my-report/"],
        &[],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let output = folio(&dir, &["build", "--locked"], &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let chapter = std::fs::read_to_string(dir.join("public/first-chapter/index.html")).unwrap();
    // A chart, a value, a cross-reference and a citation, each rendered.
    assert!(chapter.contains("id=\"fig-co2-by-country\""), "chart");
    assert!(chapter.contains("<data value="), "value");
    assert!(chapter.contains("class=\"figref\""), "cross-reference");
    assert!(chapter.contains("class=\"cite\""), "citation");
    assert_eq!(
        read("folio.lock"),
        lock,
        "the build found the lock complete"
    );
    // New files get ordinary permissions, not a temporary file's owner-only ones.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join("folio.toml"))
            .unwrap()
            .permissions()
            .mode();
        assert_ne!(mode & 0o044, 0, "folio.toml has mode {mode:o}");
    }
}

#[test]
fn init_refuses_a_directory_that_is_not_empty() {
    let temp = tempfile::tempdir().unwrap();
    std::fs::write(temp.path().join("notes.txt"), "mine").unwrap();
    let before = tree(temp.path());
    let output = folio(temp.path(), &["init", "--title", "T"], &[]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("it is not empty"),
        "{}",
        stderr(&output)
    );
    assert_eq!(tree(temp.path()), before);
    // An empty directory is fine, and without --title (no terminal) the title comes from
    // the directory's name.
    let dir = temp.path().join("open-models");
    std::fs::create_dir(&dir).unwrap();
    let output = folio(&dir, &["init"], &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let config = std::fs::read_to_string(dir.join("folio.toml")).unwrap();
    assert!(config.contains("title = \"Open models\""), "{config}");
    // A title that holds the scaffold's own tokens or TOML quotes is written as given.
    for title in [r#"''' """ @@TITLE_TEXT@@ @@TITLE@@"#, r#"''' """ \u0000 \"#] {
        let dir = temp.path().join("tokens");
        let output = folio(temp.path(), &["init", "tokens", "--title", title], &[]);
        assert!(output.status.success(), "{title}: {}", stderr(&output));
        let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
        assert!(readme.starts_with(&format!("# {title}\n")), "{readme}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
    // A file is not a directory to make a report in.
    std::fs::write(temp.path().join("file"), "x").unwrap();
    assert_eq!(
        folio(temp.path(), &["init", "file"], &[]).status.code(),
        Some(2)
    );
    // A title over two lines is refused.
    let output = folio(temp.path(), &["init", "other", "--title", "a\nb"], &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(!temp.path().join("other").exists());
}
