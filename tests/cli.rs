//! The command line as a user runs it: the real binary, its exit codes, its output.

mod common;

use common::{fixture, folio, repo, stderr, stdout, tree};

#[test]
fn usage_errors_exit_with_status_2() {
    let dir = fixture("basic");
    let output = folio(dir.path(), &["frobnicate"], &[]);
    assert_eq!(output.status.code(), Some(2));
    let output = folio(dir.path(), &["build", "--root", "no-such-dir"], &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("no folio.toml in no-such-dir"),
        "{}",
        stderr(&output)
    );
    let output = folio(dir.path(), &["build", "--base-url", "not a url"], &[]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn summary_line_ends_every_build() {
    let dir = fixture("basic");
    let output = folio(dir.path(), &["build"], &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let out = stdout(&output);
    let last = out.lines().last().unwrap();
    assert!(
        last.starts_with("built 3 pages, 0 figures (0 versions), 0 datasets in ")
            && last.ends_with(" ms"),
        "{last}"
    );
}

#[test]
fn builds_are_byte_identical() {
    let dir = fixture("basic");
    let a = folio(dir.path(), &["build", "--out", "a"], &[]);
    let b = folio(dir.path(), &["build", "--out", "b"], &[]);
    assert!(a.status.success() && b.status.success());
    let (a, b) = (tree(&dir.path().join("a")), tree(&dir.path().join("b")));
    assert!(a.len() > 5);
    assert_eq!(a, b);
}

#[test]
fn a_failed_build_leaves_the_output_untouched() {
    let dir = fixture("basic");
    assert!(folio(dir.path(), &["build"], &[]).status.success());
    let before = tree(&dir.path().join("public"));
    std::fs::write(
        dir.path().join("content/01-first.md"),
        "+++\ntitle = \"Broken\"\nwieght = 1\n+++\nNew text.\n",
    )
    .unwrap();
    let output = folio(dir.path(), &["build"], &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("content/01-first.md:3:1"),
        "{}",
        stderr(&output)
    );
    assert_eq!(tree(&dir.path().join("public")), before);
    // No staging directory is left behind.
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("staging") || n.ends_with(".old"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_successful_build_replaces_stale_files() {
    let dir = fixture("basic");
    assert!(folio(dir.path(), &["build"], &[]).status.success());
    std::fs::create_dir_all(dir.path().join("public/stale")).unwrap();
    std::fs::write(dir.path().join("public/stale/index.html"), "old").unwrap();
    assert!(folio(dir.path(), &["build"], &[]).status.success());
    assert!(!dir.path().join("public/stale").exists());
    assert!(dir.path().join("public/first/index.html").exists());
}

#[test]
fn refuses_an_output_directory_that_would_replace_the_project() {
    let dir = fixture("basic");
    for out in [".", "content", ".."] {
        let output = folio(dir.path(), &["build", "--out", out], &[]);
        assert_eq!(output.status.code(), Some(2), "--out {out}");
        assert!(stderr(&output).contains("refusing to write the site"));
    }
    assert!(dir.path().join("content/01-first.md").exists());
}

#[test]
fn check_reports_problems_and_writes_nothing() {
    let dir = fixture("basic");
    let output = folio(dir.path(), &["check"], &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(!dir.path().join("public").exists());
    std::fs::write(dir.path().join("content/bad.md"), "no front matter\n").unwrap();
    let output = folio(dir.path(), &["check"], &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("content/bad.md:1:1"));
}

#[test]
fn committed_public_equals_a_fresh_build() {
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("public");
    let output = folio(
        &repo(),
        &["build", "--locked", "--out", out.to_str().unwrap()],
        &[],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let fresh = tree(&out);
    let committed = tree(&repo().join("public"));
    let names = |t: &[(String, Vec<u8>)]| t.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(
        names(&committed),
        names(&fresh),
        "public/ lists other files than a fresh build: run `cargo run --release -- build`"
    );
    for ((name, a), (_, b)) in committed.iter().zip(&fresh) {
        assert!(
            a == b,
            "public/{name} differs from a fresh build: run `cargo run --release -- build`"
        );
    }
}

#[test]
fn check_finds_a_planted_broken_link_and_anchor() {
    let dir = fixture("sub-path");
    assert!(folio(dir.path(), &["check"], &[]).status.success());
    let chapter = dir.path().join("content/chapter.md");
    let text = std::fs::read_to_string(&chapter).unwrap();
    std::fs::write(
        &chapter,
        format!("{text}\nSee [the intro](../#no-such-anchor), [a page](../missing/), [home](../) and [out](/elsewhere/).\n"),
    )
    .unwrap();
    let output = folio(dir.path(), &["check"], &[]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        "error: broken link \"../#no-such-anchor\": index.html has no anchor #no-such-anchor\n --> content/chapter.md\n  = help: the link is on the page chapter/index.html\n\n\
         error: broken link \"../missing/\": no such page or file\n --> content/chapter.md\n  = help: the link is on the page chapter/index.html\n\n\
         error: link \"/elsewhere/\" is outside the site's base path /repo/\n --> content/chapter.md\n  = help: the link is on the page chapter/index.html\n\n\
         error: could not build: 3 problems found; nothing was written\n"
    );
    assert!(!dir.path().join("public").exists());
}
