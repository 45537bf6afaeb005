//! The trust floor: no input, folio.lock included, makes a build write outside its output,
//! replace a directory folio did not create, leave a half-written project file, or report a
//! line that is not the line at fault.

mod common;

use std::path::Path;

use common::{fixture, folio, repo, stderr, stdout, tree};

/// The `file:line` of every diagnostic in `err`, in order.
fn locations(err: &str) -> Vec<String> {
    err.lines()
        .filter_map(|l| l.trim_start().strip_prefix("--> "))
        .map(|l| {
            let mut parts = l.split(':');
            format!("{}:{}", parts.next().unwrap(), parts.next().unwrap_or("0"))
        })
        .collect()
}

/// The line of `text` (1-based) on which `needle` first occurs.
fn line_of(text: &str, needle: &str) -> usize {
    let at = text.find(needle).expect("the needle is in the text");
    text[..at].matches('\n').count() + 1
}

/// Rewrites the lock of `dir` so that figure `id` (its entry and its spec) becomes `to`.
fn rename_locked_figure(dir: &Path, id: &str, to: &str) -> String {
    let path = dir.join("folio.lock");
    let text = std::fs::read_to_string(&path).unwrap();
    let hostile = text
        .replace(&format!("id = \"{id}\""), &format!("id = {to:?}"))
        .replace(&format!("\"id\":\"{id}\""), &format!("\"id\":{to:?}"));
    assert_ne!(text, hostile);
    std::fs::write(&path, &hostile).unwrap();
    hostile
}

#[test]
fn a_lock_entry_cannot_make_a_build_write_outside_its_output() {
    let dir = fixture("charts");
    // `mix` is withdrawn from the prose, so it is rebuilt from the lock alone.
    let md = dir.path().join("content/01-kinds.md");
    let text = std::fs::read_to_string(&md).unwrap();
    let start = text.find("```chart\nid = \"mix\"").unwrap();
    let end = start + text[start..].find("```\n\n").unwrap() + 5;
    std::fs::write(
        &md,
        format!("{}{}", &text[..start], &text[end..]).replace("a pie (@fig-mix), ", ""),
    )
    .unwrap();
    let lock = rename_locked_figure(dir.path(), "mix", "../../templates");
    std::fs::create_dir_all(dir.path().join("templates")).unwrap();
    std::fs::write(dir.path().join("templates/index.html"), "mine").unwrap();
    let project = tree(dir.path());
    let output = folio(dir.path(), &["build"], &[]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    // One diagnostic, at the entry's id in folio.lock.
    assert_eq!(
        locations(&err),
        vec![format!(
            "folio.lock:{}",
            line_of(&lock, "id = \"../../templates\"")
        )],
        "{err}"
    );
    assert!(
        err.contains("locked figure id \"../../templates\" is not a slug"),
        "{err}"
    );
    assert_eq!(tree(dir.path()), project, "the build changed the project");
}

#[test]
fn a_lock_spec_is_checked_as_a_directive_is() {
    let cases: [(&str, &str, &str); 4] = [
        // An entry whose spec names another figure.
        (
            "\"id\":\"mix\"",
            "\"id\":\"other\"",
            "its spec has id \"other\"",
        ),
        // A spec with no value column (a panic before: index out of bounds).
        ("\"y\":\"downloads\"}", "\"y\":[]}", "`y` names no column"),
        // An unknown key.
        (
            "\"x\":\"origin\"",
            "\"x\":\"origin\",\"colour\":\"red\"",
            "unknown field `colour`",
        ),
        // A version number out of order.
        (
            "number = 1\npublished = \"2025-11-27\"\ndata = \"monthly@v1\"\nsha256 = \"46a76f421e43317b54c8059c54dee0f3264987d289a1da02542cc13814a00a53\"\nspec = '{\"data\":\"monthly@v1\",\"id\":\"mix\"",
            "number = 7\npublished = \"2025-11-27\"\ndata = \"monthly@v1\"\nsha256 = \"46a76f421e43317b54c8059c54dee0f3264987d289a1da02542cc13814a00a53\"\nspec = '{\"data\":\"monthly@v1\",\"id\":\"mix\"",
            "has version 7 where version 1 belongs",
        ),
    ];
    for (from, to, expected) in cases {
        let dir = fixture("charts");
        let path = dir.path().join("folio.lock");
        let text = std::fs::read_to_string(&path).unwrap();
        // Only the `mix` entry's spec is changed.
        let at = text.find("id = \"mix\"").unwrap();
        let (head, tail) = text.split_at(at);
        assert!(tail.contains(from), "{from}");
        let hostile = format!("{head}{}", tail.replacen(from, to, 1));
        std::fs::write(&path, &hostile).unwrap();
        let output = folio(dir.path(), &["build"], &[]);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{expected}: {err}");
        assert!(err.contains(expected), "{expected}: {err}");
        let spec_line = line_of(&hostile[at..], "spec = ") + line_of(&hostile, "id = \"mix\"") - 1;
        let number_line =
            line_of(&hostile[at..], "number = ") + line_of(&hostile, "id = \"mix\"") - 1;
        let located = locations(&err);
        assert!(
            located == vec![format!("folio.lock:{spec_line}")]
                || located == vec![format!("folio.lock:{number_line}")],
            "{expected}: {located:?}\n{err}"
        );
        assert!(!dir.path().join("public").exists());
    }
}

#[test]
fn a_chart_with_no_y_column_is_a_diagnostic_not_a_panic() {
    let dir = fixture("chart-empty-column");
    let output = folio(dir.path(), &["build"], &[]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    let md = std::fs::read_to_string(dir.path().join("content/_index.md")).unwrap();
    let located = locations(&err);
    // One diagnostic per chart: the pie's blank column at `y`, the empty list at `y`;
    // and no false "unknown figure" for the references to them.
    let y_lines: Vec<usize> = md
        .lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with("y = "))
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(
        located,
        y_lines
            .iter()
            .map(|l| format!("content/_index.md:{l}"))
            .collect::<Vec<_>>(),
        "{err}"
    );
    assert!(
        err.contains("column \"share\" is empty in every row of m@v1 that `where` keeps"),
        "{err}"
    );
    assert!(err.contains("`y` names no column"), "{err}");
    assert!(!err.contains("unknown figure"), "{err}");
}

#[test]
fn csv_diagnostics_name_the_right_lines_whatever_the_line_endings() {
    let dir = fixture("data-crlf");
    let output = folio(dir.path(), &["build"], &[]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert_eq!(
        locations(&err),
        ["data/m/v1.csv:2", "data/m/v1.csv:4", "data/m/v1.csv:6"],
        "{err}"
    );
    // Each quotes its own row.
    for row in ["2 | Qwen,x1", "4 | Yi,abc", "6 | W,5,6"] {
        assert!(err.contains(row), "{row}\n{err}");
    }
    // `folio data add` reads the file the same way.
    let source = dir.path().join("export.csv");
    std::fs::copy(dir.path().join("data/m/v1.csv"), &source).unwrap();
    std::fs::remove_file(dir.path().join("data/m/v1.csv")).unwrap();
    let output = folio(
        dir.path(),
        &["data", "add", "m", "export.csv", "--version", "v1"],
        &[],
    );
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert_eq!(
        locations(&err),
        ["export.csv:2", "export.csv:4", "export.csv:6"],
        "{err}"
    );
}

#[test]
fn empty_spreadsheet_rows_are_reported_at_their_lines() {
    let dir = fixture("data-empty-rows");
    let output = folio(dir.path(), &["build"], &[]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    // The two rows of commas, and nothing else (no blank category, no duplicate x).
    assert_eq!(
        locations(&err),
        ["data/m/v1.csv:4", "data/m/v1.csv:5"],
        "{err}"
    );
    assert!(err.contains("this row is empty"), "{err}");
    assert!(!err.contains("unknown figure"), "{err}");
}

#[test]
fn two_rows_with_one_x_give_one_diagnostic_naming_the_csv_lines() {
    let dir = fixture("chart-duplicate-x");
    let output = folio(dir.path(), &["build"], &[]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert_eq!(locations(&err).len(), 1, "{err}");
    // The file has CRLF line endings: Qwen is on lines 2 and 4.
    assert!(
        err.contains("lines 2 and 4 of data/m/v1.csv both give model = \"Qwen\""),
        "{err}"
    );
}

/// A site with one valid bar chart `trend` on its front page, after `prose`.
fn one_chart_site(prose: &str) -> tempfile::TempDir {
    let dir = fixture("chart-duplicate-x");
    // A valid snapshot: one row per model.
    std::fs::write(
        dir.path().join("data/m/v1.csv"),
        "model,share\nQwen,17.1\nLlama,15.8\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("content/_index.md"),
        format!("+++\ntitle = \"Front\"\n+++\n\n{prose}\n\n```chart\nid = \"trend\"\ntitle = \"Shares\"\ndata = \"m@v1\"\ntype = \"bar\"\nx = \"model\"\ny = \"share\"\n```\n\nSee @fig-trend.\n"),
    )
    .unwrap();
    dir
}

#[test]
fn heading_ids_never_collide_with_the_ids_folio_gives() {
    let dir = one_chart_site(
        "## Main\n\n## Fig trend\n\n## Contents title\n\n## References {#references}",
    );
    let output = folio(dir.path(), &["build"], &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    for (path, bytes) in tree(&dir.path().join("public")) {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        let mut ids: Vec<&str> = html
            .split(" id=\"")
            .skip(1)
            .map(|rest| &rest[..rest.find('"').unwrap()])
            .collect();
        let count = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), count, "{path} repeats an id: {ids:?}");
    }
    let html = std::fs::read_to_string(dir.path().join("public/index.html")).unwrap();
    for id in ["main-1", "section-fig-trend", "references-1"] {
        assert!(html.contains(&format!("<h2 id=\"{id}\"")), "{id}\n{html}");
    }
    // "Figure 1" leads to the figure, which alone has its id.
    assert!(html.contains("href=\"/#fig-trend\">Figure 1</a>"), "{html}");
    assert_eq!(html.matches("id=\"fig-trend\"").count(), 1);
    let output = folio(dir.path(), &["check"], &[]);
    assert!(output.status.success(), "{}", stderr(&output));
}

#[test]
fn check_fails_on_an_id_given_twice() {
    let dir = one_chart_site("Text.");
    // A theme override that gives the main landmark's id to a second element.
    let base = std::fs::read_to_string(repo().join("templates/base.html")).unwrap();
    let twice = base.replacen(
        "<main id=\"main\"",
        "<div id=\"main\"></div><main id=\"main\"",
        1,
    );
    assert_ne!(base, twice);
    std::fs::create_dir_all(dir.path().join("templates")).unwrap();
    std::fs::write(dir.path().join("templates/base.html"), twice).unwrap();
    let output = folio(dir.path(), &["check"], &[]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(
        err.contains("id \"main\" is given to more than one element"),
        "{err}"
    );
}

#[test]
fn out_never_replaces_a_file_or_a_directory_folio_did_not_create() {
    let dir = fixture("basic");
    let project = tree(dir.path());
    for out in ["folio.toml", "content/01-first.md"] {
        let output = folio(dir.path(), &["build", "--out", out], &[]);
        assert_eq!(output.status.code(), Some(2), "--out {out}");
        assert!(
            stderr(&output).contains("refusing to write the site"),
            "{}",
            stderr(&output)
        );
    }
    // A foreign directory, such as a docs folder.
    std::fs::create_dir_all(dir.path().join("docs")).unwrap();
    std::fs::write(dir.path().join("docs/notes.txt"), "mine").unwrap();
    let output = folio(dir.path(), &["build", "--out", "docs"], &[]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(
        err.contains("it holds files that folio did not write"),
        "{err}"
    );
    assert!(err.contains("delete or move that directory first"), "{err}");
    let mut expected = project.clone();
    expected.push(("docs/notes.txt".to_string(), b"mine".to_vec()));
    expected.sort();
    assert_eq!(tree(dir.path()), expected);
    // Leftovers by the names folio stages under are not removed unless they are folio's.
    std::fs::create_dir_all(dir.path().join(".public.old")).unwrap();
    std::fs::write(dir.path().join(".public.old/keep.txt"), "mine").unwrap();
    let output = folio(dir.path(), &["build"], &[]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(dir.path().join(".public.old/keep.txt").exists());
    std::fs::remove_dir_all(dir.path().join(".public.old")).unwrap();
    // `..` is resolved before the checks, even through a directory that does not exist.
    std::fs::create_dir_all(dir.path().join("../sibling")).ok();
    let sibling = dir.path().join("../sibling");
    std::fs::write(sibling.join("precious"), "mine").unwrap();
    let project = tree(dir.path());
    for out in [
        "x/../content",
        "x/../folio.toml",
        "public/zz/../../data",
        "x/../../sibling",
        "x/y/../../.",
    ] {
        let output = folio(dir.path(), &["build", "--out", out], &[]);
        assert_eq!(
            output.status.code(),
            Some(2),
            "--out {out}: {}",
            stderr(&output)
        );
        assert_eq!(tree(dir.path()), project, "--out {out} changed the project");
        assert!(!dir.path().join("x").exists(), "--out {out} created x/");
    }
    assert_eq!(std::fs::read(sibling.join("precious")).unwrap(), b"mine");
    std::fs::remove_dir_all(&sibling).unwrap();
    // An empty directory, and folio's own output, are replaced.
    std::fs::create_dir_all(dir.path().join("site")).unwrap();
    for _ in 0..2 {
        let output = folio(dir.path(), &["build", "--out", "site"], &[]);
        assert!(output.status.success(), "{}", stderr(&output));
    }
    assert!(dir.path().join("site/.folio-build").is_file());
    // A site written by folio before it stamped its output is recognised as folio's.
    std::fs::remove_file(dir.path().join("site/.folio-build")).unwrap();
    let output = folio(dir.path(), &["build", "--out", "site"], &[]);
    assert!(output.status.success(), "{}", stderr(&output));
}

#[test]
fn a_refused_output_directory_leaves_the_lock_as_it_was() {
    let dir = fixture("charts");
    std::fs::create_dir_all(dir.path().join(".public.staging")).unwrap();
    std::fs::write(dir.path().join(".public.staging/mine"), "mine").unwrap();
    let md = dir.path().join("content/01-kinds.md");
    let text = std::fs::read_to_string(&md).unwrap();
    std::fs::write(&md, text.replacen("title = \"", "title = \"Edited ", 1)).unwrap();
    let before = tree(dir.path());
    let output = folio(dir.path(), &["build"], &[]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert_eq!(
        tree(dir.path()),
        before,
        "a refused build changed the project"
    );
}

#[test]
fn a_build_leaves_no_temporary_file_in_the_project() {
    let dir = fixture("charts");
    std::fs::remove_file(dir.path().join("folio.lock")).unwrap();
    let output = folio(dir.path(), &["build"], &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let mut names = names;
    names.sort();
    assert_eq!(
        names,
        ["content", "data", "folio.lock", "folio.toml", "public"]
    );
}

#[test]
fn data_add_is_all_or_nothing() {
    let dir = fixture("charts");
    let csv = std::fs::read(dir.path().join("data/monthly/v1.csv")).unwrap();
    std::fs::write(dir.path().join("new.csv"), &csv).unwrap();
    // The lock cannot be written (a directory stands in its place).
    let lock = std::fs::read(dir.path().join("folio.lock")).unwrap();
    std::fs::remove_file(dir.path().join("folio.lock")).unwrap();
    std::fs::create_dir(dir.path().join("folio.lock")).unwrap();
    let add = || {
        let args = ["data", "add", "monthly", "new.csv", "--version", "v2"];
        folio(
            dir.path(),
            &[&args[..], &["--retrieved", "2025-12-01"]].concat(),
            &[],
        )
    };
    let before = tree(dir.path());
    let output = add();
    assert_ne!(output.status.code(), Some(0), "{}", stdout(&output));
    // Nothing of the new version is left: no snapshot, no [versions."v2"], no temp file.
    assert_eq!(tree(dir.path()), before, "{}", stderr(&output));
    let names: Vec<String> = std::fs::read_dir(dir.path().join("data/monthly"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    // With the lock back, the same command publishes all of it.
    std::fs::remove_dir(dir.path().join("folio.lock")).unwrap();
    std::fs::write(dir.path().join("folio.lock"), &lock).unwrap();
    let output = add();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        std::fs::read(dir.path().join("data/monthly/v2.csv")).unwrap(),
        csv
    );
    let lock = std::fs::read_to_string(dir.path().join("folio.lock")).unwrap();
    assert!(lock.contains("version = \"v2\""), "{lock}");
    let meta = std::fs::read_to_string(dir.path().join("data/monthly/dataset.toml")).unwrap();
    assert!(
        meta.contains("[versions.\"v2\"]\nretrieved = 2025-12-01"),
        "{meta}"
    );
}

#[test]
fn cite_answers_from_the_lock_while_the_prose_has_unpublished_edits() {
    let dir = fixture("charts");
    let md = dir.path().join("content/01-kinds.md");
    let text = std::fs::read_to_string(&md).unwrap();
    // `trend` is edited and not yet published; a build --locked would fail.
    let edited = text.replacen(
        "id = \"trend\"\ntitle = \"",
        "id = \"trend\"\ntitle = \"Edited: ",
        1,
    );
    assert_ne!(text, edited);
    std::fs::write(&md, edited).unwrap();
    assert_eq!(
        folio(dir.path(), &["build", "--locked"], &[]).status.code(),
        Some(1)
    );
    let output = folio(dir.path(), &["cite", "stack", "--format", "bibtex"], &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let bib = stdout(&output);
    assert!(bib.contains("stack-v1"), "{bib}");
    assert!(
        bib.contains("46a76f421e43317b54c8059c54dee0f3264987d289a1da02542cc13814a00a53"),
        "{bib}"
    );
    // The edited figure is cited as published, not as edited.
    let output = folio(dir.path(), &["cite", "fig-trend"], &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(!stdout(&output).contains("Edited"), "{}", stdout(&output));
    // A citation is refused when the snapshot no longer has the locked checksum.
    let csv = dir.path().join("data/monthly/v1.csv");
    let bytes = std::fs::read(&csv).unwrap();
    std::fs::write(&csv, [&bytes[..], b"2025-04,China,1,1\n"].concat()).unwrap();
    let output = folio(dir.path(), &["cite", "stack"], &[]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    assert!(
        stderr(&output).contains("the snapshot monthly@v1 has changed"),
        "{}",
        stderr(&output)
    );
    std::fs::write(&csv, &bytes).unwrap();
    // Unknown figures and versions are usage errors.
    assert_eq!(
        folio(dir.path(), &["cite", "nope"], &[]).status.code(),
        Some(2)
    );
    assert_eq!(
        folio(dir.path(), &["cite", "stack@v9"], &[]).status.code(),
        Some(2)
    );
}

#[test]
fn no_input_file_is_skipped_without_a_word() {
    let dir = fixture("charts");
    let strays = [
        "content/notes.txt",
        "content/images/chart.png",
        "content/references.yml",
        "data/README.md",
        "data/monthly/v2.CSV",
        "data/monthly/old/v0.csv",
    ];
    for stray in strays {
        let path = dir.path().join(stray);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, "x").unwrap();
    }
    // Hidden files (editor swap files, .DS_Store) are the one exception.
    std::fs::write(dir.path().join("content/.notes.swp"), "x").unwrap();
    let named = |dir: &Path| {
        let output = folio(dir, &["build"], &[]);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{err}");
        assert!(err.contains("folio does not read this file"), "{err}");
        let mut named: Vec<String> = err
            .lines()
            .filter_map(|l| l.trim_start().strip_prefix("--> "))
            .map(str::to_string)
            .collect();
        named.sort();
        named
    };
    // Every stray of content/ and data/, in one run.
    let mut expected: Vec<String> = strays.iter().map(|s| s.to_string()).collect();
    expected.sort();
    assert_eq!(named(dir.path()), expected);
}

#[cfg(unix)]
#[test]
fn files_linked_out_of_the_project_are_never_read() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret"), "TOKEN=hunter2\n").unwrap();
    for linked in ["folio.lock", "data/monthly/dataset.toml"] {
        let dir = fixture("charts");
        let path = dir.path().join(linked);
        std::fs::remove_file(&path).unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret"), &path).unwrap();
        let output = folio(dir.path(), &["build"], &[]);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{linked}: {err}");
        assert!(
            !err.contains("hunter2"),
            "{linked}: the secret was read\n{err}"
        );
        assert!(
            err.contains("link that points outside the project"),
            "{linked}: {err}"
        );
        // `folio cite` reads the lock too.
        let output = folio(dir.path(), &["cite", "trend"], &[]);
        assert!(!stderr(&output).contains("hunter2"), "{}", stderr(&output));
    }
}

#[cfg(unix)]
#[test]
fn links_to_directories_and_stray_templates_are_reported() {
    let dir = fixture("charts");
    std::fs::create_dir_all(dir.path().join("drafts")).unwrap();
    std::fs::write(dir.path().join("drafts/ch.md"), "+++\ntitle = \"x\"\n+++\n").unwrap();
    std::os::unix::fs::symlink("../drafts", dir.path().join("content/ch")).unwrap();
    std::fs::create_dir_all(dir.path().join("templates/assets")).unwrap();
    std::fs::write(dir.path().join("templates/idnex.html"), "{{ page.title }}").unwrap();
    std::fs::write(dir.path().join("templates/notes.txt"), "x").unwrap();
    std::fs::write(dir.path().join("templates/assets/a:b.css"), "x").unwrap();
    // A partial that an override includes is a template folio uses.
    std::fs::write(dir.path().join("templates/macros.html"), "<b></b>").unwrap();
    let base = std::fs::read_to_string(repo().join("templates/figure.html")).unwrap();
    std::fs::write(
        dir.path().join("templates/figure.html"),
        format!("{base}{{% include \"macros.html\" %}}"),
    )
    .unwrap();
    let output = folio(dir.path(), &["build"], &[]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    let mut named: Vec<&str> = err
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("--> "))
        .collect();
    named.sort_unstable();
    assert_eq!(
        named,
        [
            "content/ch",
            "templates/assets/a:b.css",
            "templates/idnex.html",
            "templates/notes.txt"
        ],
        "{err}"
    );
}

#[test]
fn one_fault_in_a_lock_snapshot_entry_gives_one_diagnostic_at_that_entry() {
    let right = "46a76f421e43317b54c8059c54dee0f3264987d289a1da02542cc13814a00a53";
    let wrong = "0".repeat(64);
    let cases = [
        (
            format!("sha256 = \"{right}\"\npublished"),
            "sha256 = \"xyz\"\npublished".to_string(),
            "sha256 = \"xyz\"",
        ),
        (
            "version = \"v1\"".to_string(),
            "version = \"../v1\"".to_string(),
            "version = \"../v1\"",
        ),
        (
            format!("sha256 = \"{right}\"\npublished"),
            format!("sha256 = \"{wrong}\"\npublished"),
            "sha256 = \"000",
        ),
    ];
    for (from, to, at) in cases {
        let dir = fixture("charts");
        let path = dir.path().join("folio.lock");
        let text = std::fs::read_to_string(&path).unwrap();
        // Only the snapshot entry changes: it comes first in the file.
        assert!(text.contains(&from));
        let hostile = text.replacen(&from, &to, 1);
        std::fs::write(&path, &hostile).unwrap();
        let output = folio(dir.path(), &["build"], &[]);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{to}: {err}");
        assert_eq!(
            locations(&err),
            [format!("folio.lock:{}", line_of(&hostile, at))],
            "{to}: {err}"
        );
    }
}

#[test]
fn a_failed_directive_or_a_missing_snapshot_is_reported_once() {
    // A chart whose TOML does not parse: its own error, no "unknown figure" for its references.
    let dir = fixture("charts");
    let md = dir.path().join("content/01-kinds.md");
    let text = std::fs::read_to_string(&md).unwrap();
    let broken = text.replacen("type = \"line\"", "type = line", 1);
    assert_ne!(text, broken);
    std::fs::write(&md, &broken).unwrap();
    let output = folio(dir.path(), &["build"], &[]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert_eq!(
        locations(&err),
        [format!(
            "content/01-kinds.md:{}",
            line_of(&broken, "type = line")
        )],
        "{err}"
    );
    // A locked snapshot deleted: the lock's diagnostic, and nothing about the charts and
    // values that plot it.
    let dir = fixture("charts");
    std::fs::remove_file(dir.path().join("data/monthly/v1.csv")).unwrap();
    let output = folio(dir.path(), &["build"], &[]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert_eq!(locations(&err), ["data/monthly/v1.csv:0"], "{err}");
    assert!(
        err.contains("published snapshot monthly@v1 is missing"),
        "{err}"
    );
}

#[test]
fn line_numbers_are_right_for_every_kind_of_line_ending_and_multi_line_cells() {
    // CSV with old-Mac line endings (a lone CR), and a quoted cell over two lines.
    let dir = fixture("data-crlf");
    std::fs::write(
        dir.path().join("data/m/v1.csv"),
        "model,share\rQwen,x1\rDeepSeek,12.0\r\"Multi\nline\",zz\r",
    )
    .unwrap();
    let output = folio(dir.path(), &["build"], &[]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    let cells: Vec<&str> = err
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("--> "))
        .collect();
    // "x1" on line 2 at column 6; "zz" on line 5 (the cell's second line) at column 7.
    assert_eq!(cells, ["data/m/v1.csv:2:6", "data/m/v1.csv:5:7"], "{err}");
    assert!(err.contains("5 | line\",zz"), "{err}");
    // A chart directive in a Markdown file with CRLF line endings: the bad key's own line.
    let dir = fixture("charts");
    let md = dir.path().join("content/01-kinds.md");
    let text = std::fs::read_to_string(&md)
        .unwrap()
        .replacen("x = \"month\"", "x = \"monthz\"", 1)
        .replace('\n', "\r\n");
    std::fs::write(&md, &text).unwrap();
    let output = folio(dir.path(), &["build"], &[]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert_eq!(
        locations(&err),
        [format!(
            "content/01-kinds.md:{}",
            line_of(&text, "x = \"monthz\"")
        )],
        "{err}"
    );
}

#[test]
fn footnote_labels_never_take_an_id_the_page_gives() {
    let dir = one_chart_site(
        "A note[^main] and another[^fig-trend].\n\n[^main]: One.\n[^fig-trend]: Two.",
    );
    let output = folio(dir.path(), &["build"], &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let html = std::fs::read_to_string(dir.path().join("public/index.html")).unwrap();
    assert_eq!(html.matches("id=\"main\"").count(), 1, "{html}");
    assert_eq!(html.matches("id=\"fig-trend\"").count(), 1, "{html}");
    assert!(
        html.contains("id=\"fn-main\"") && html.contains("href=\"#fn-main\""),
        "{html}"
    );
    let output = folio(dir.path(), &["check"], &[]);
    assert!(output.status.success(), "{}", stderr(&output));
}

#[test]
fn a_chart_directive_means_the_same_whatever_the_line_endings() {
    let dir = fixture("charts");
    let md = dir.path().join("content/01-kinds.md");
    let text = std::fs::read_to_string(&md).unwrap().replacen(
        "caption = \"Missing months are gaps, not zeros.\"",
        "caption = \"\"\"\nMissing months are gaps,\nnot zeros.\"\"\"",
        1,
    );
    std::fs::write(&md, &text).unwrap();
    // Published once with LF line endings ...
    let output = folio(dir.path(), &["build"], &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let lock = std::fs::read_to_string(dir.path().join("folio.lock")).unwrap();
    // ... the same file with CRLF endings is the same figure: nothing new to publish.
    std::fs::write(&md, text.replace('\n', "\r\n")).unwrap();
    let output = folio(dir.path(), &["build", "--locked"], &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("folio.lock")).unwrap(),
        lock
    );
}

#[test]
fn the_render_cache_changes_no_byte_of_the_site_and_survives_damage() {
    // Charts and a search index; a bibliography, a figure citing its rows' sources.
    for site in ["charts", "sources"] {
        cache_changes_nothing(site);
    }
}

fn cache_changes_nothing(site: &str) {
    let dir = fixture(site);
    let cache = tempfile::tempdir().unwrap();
    let variable = folio::cache::DIR_VARIABLE;
    let build = |out: &str, extra: &[&str]| {
        let mut args = vec!["build", "--locked", "--out", out];
        args.extend_from_slice(extra);
        let env = [(variable, cache.path().to_str().unwrap())];
        let output = folio(dir.path(), &args, &env);
        assert!(output.status.success(), "{}", stderr(&output));
        tree(&dir.path().join(out))
    };
    if !dir.path().join("folio.lock").exists() {
        // Published once, so that the builds below add nothing to the lock.
        let output = folio(dir.path(), &["build", "--no-cache", "--out", "first"], &[]);
        assert!(output.status.success(), "{}", stderr(&output));
    }
    let fresh = build("fresh", &["--no-cache"]);
    assert!(tree(cache.path()).is_empty(), "--no-cache wrote the cache");
    let filled = build("filled", &[]);
    let entries = tree(cache.path());
    let versions = fresh
        .iter()
        .filter(|(path, _)| path.starts_with("figures/") && path.ends_with("/figure.svg"))
        .count();
    assert!(versions >= 1, "{site}");
    let of_kind = |kind: &str| {
        let under = format!("render/{kind}");
        entries
            .iter()
            .filter(|(p, _)| p.starts_with(&under))
            .count()
    };
    assert_eq!(of_kind("chart/"), versions, "one entry per figure version");
    assert_eq!(
        of_kind("bundle/"),
        versions,
        "one figure.zip per figure version"
    );
    assert_eq!(of_kind("search/"), 1, "one search index");
    let cited = dir.path().join("content/references.bib").exists();
    assert_eq!(
        of_kind("references/") > 0,
        cited,
        "reference lists kept when cited"
    );
    assert_eq!(
        of_kind("chart/") + of_kind("bundle/") + of_kind("search/") + of_kind("references/"),
        entries.len()
    );
    // Nothing of the cache is in the project.
    assert!(!tree(dir.path()).iter().any(|(p, _)| p.starts_with('.')));
    let from_cache = build("from-cache", &[]);
    assert_eq!(fresh, filled);
    assert_eq!(fresh, from_cache);
    // Damaged and foreign entries are detected and rebuilt: the site is the same.
    for (i, (path, bytes)) in entries.iter().enumerate() {
        let file = cache.path().join(path);
        let mut changed = bytes.clone();
        match i % 4 {
            0 => changed.truncate(bytes.len() / 2),
            1 => changed = b"not an entry".to_vec(),
            // A byte of the body: only its checksum tells.
            2 => changed[0] ^= 0xff,
            _ => *changed.last_mut().unwrap() ^= 0xff,
        }
        std::fs::write(&file, changed).unwrap();
    }
    assert_eq!(build("repaired", &[]), fresh);
    assert_eq!(tree(cache.path()), entries, "entries rebuilt");
}

#[test]
fn a_page_template_that_fails_does_not_hide_the_print_edition_s_faults() {
    // The print edition's chapters are rendered beside the pages, from the same parse of
    // each page: a page that cannot be rendered still has its chapter, so a fault of the
    // print template is reported in the same build.
    let dir = fixture("charts");
    std::fs::create_dir_all(dir.path().join("templates")).unwrap();
    std::fs::write(dir.path().join("templates/page.html"), "{{ page.nope.x }}").unwrap();
    std::fs::write(dir.path().join("templates/print.html"), "{{ nope.y }}").unwrap();
    let output = folio(dir.path(), &["build"], &[]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    let mut named: Vec<String> = locations(&err)
        .into_iter()
        .filter(|at| at.starts_with("templates/"))
        .collect();
    named.sort_unstable();
    assert_eq!(
        named,
        ["templates/page.html:0", "templates/print.html:0"],
        "{err}"
    );
    assert!(err.contains("2 problems found"), "{err}");
}
