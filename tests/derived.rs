//! Derived datasets and checked claims, as an author meets them: a query over pinned
//! snapshots computed once and pinned, then read like any snapshot; a sentence's claim that
//! fails the build when the data disagrees; every bad query refused at its line.
//!
//! Built from the `derived` fixture (the report's model-releases snapshot, real data). The
//! fixture commits what a first build computed (the derived files and `folio.lock`), so the
//! tests that need the engine first remove them.

mod common;

use std::path::Path;

use common::{fixture, folio, repo, stderr, tree};

/// The fixture as an author has it before the first build: queries, no results, no lock.
fn unbuilt() -> tempfile::TempDir {
    let dir = fixture("derived");
    for file in [
        "folio.lock",
        "data/largest-by-origin/v1.csv",
        "data/origin-shares/v1.csv",
    ] {
        std::fs::remove_file(dir.path().join(file)).ok();
    }
    dir
}

fn build(dir: &Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["build", "--no-cache"];
    all.extend_from_slice(args);
    folio(dir, &all, &[("SOURCE_DATE_EPOCH", "1764201600")])
}

fn read(dir: &Path, path: &str) -> String {
    std::fs::read_to_string(dir.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[cfg(feature = "engine")]
fn write(dir: &Path, path: &str, text: &str) {
    std::fs::write(dir.join(path), text).unwrap();
}

/// The build fails, writes no site, and its diagnostics include each of `needles` (a
/// message, or a place as `--> file:line:col` prints it); returns them.
fn fails_with(dir: &Path, args: &[&str], needles: &[&str]) -> String {
    let output = build(dir, args);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "expected a failure:\n{err}");
    for needle in needles {
        assert!(err.contains(needle), "expected {needle:?} in:\n{err}");
    }
    assert!(!dir.join("public").exists(), "a failed build wrote public/");
    err
}

/// The committed fixture builds with `--locked`: its derived versions and claims are
/// pinned, so no query runs, and this passes with or without the engine.
#[test]
fn a_pinned_project_builds_locked_and_serves_its_derived_versions() {
    let dir = fixture("derived");
    let output = build(dir.path(), &["--locked"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let dir = dir.path();
    // Served byte for byte, the query beside it.
    assert_eq!(
        read(dir, "public/data/largest-by-origin/v1.csv"),
        read(dir, "data/largest-by-origin/v1.csv")
    );
    assert_eq!(
        read(dir, "public/data/largest-by-origin/v1.sql"),
        read(dir, "data/largest-by-origin/v1.sql")
    );
    // The version page shows the query and links its input with its checksum.
    let page = read(dir, "public/data/largest-by-origin/v1/index.html");
    assert!(page.contains("How it was made"), "{page}");
    assert!(page.contains("GROUP BY origin_country"));
    let input_sha = folio_sha256(&dir.join("data/releases/2026-11-29.csv"));
    assert!(page.contains(&input_sha), "the input's SHA-256 is shown");
    assert!(page.contains("href=\"/derived/data/releases/2026-11-29/\""));
    // A value role reads a derived version like any snapshot.
    let index = read(dir, "public/index.html");
    assert!(
        index.contains("<data value=\"65.3846153846154\">65.4%</data>"),
        "{index}"
    );
    // Each claim is shown checked, with its query, and listed on the pages of its inputs.
    assert_eq!(index.matches("<details class=\"claim\"").count(), 2);
    assert!(index.contains("id=\"claim-2\""));
    let releases = read(dir, "public/data/releases/2026-11-29/index.html");
    assert!(releases.contains("Claims that rest on it"));
    assert!(releases.contains("href=\"/derived/#claim-2\""));
    assert!(
        releases.contains("china_b = 1000; us_b = 400"),
        "{releases}"
    );
}

/// The report, built by this folio (with or without the engine: `tests/run` runs this file
/// both ways), is the committed `public/`, byte for byte. The two builds once differed:
/// the engine's Parquet reader switched the deflate backend of the zip and search files.
#[test]
fn the_report_built_with_or_without_the_engine_is_the_committed_site() {
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("public");
    let output = folio(
        &repo(),
        &[
            "build",
            "--locked",
            "--no-cache",
            "--out",
            site.to_str().unwrap(),
        ],
        &[],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let built = tree(&site);
    let committed: Vec<_> = tree(&repo().join("public"))
        .into_iter()
        .filter(|(path, _)| path != ".folio-build")
        .collect();
    let built: Vec<_> = built
        .into_iter()
        .filter(|(path, _)| path != ".folio-build")
        .collect();
    let differ: Vec<&String> = built
        .iter()
        .zip(&committed)
        .filter(|(a, b)| a != b)
        .map(|(a, _)| &a.0)
        .take(5)
        .collect();
    assert_eq!(built.len(), committed.len(), "file counts differ");
    assert!(differ.is_empty(), "files differ from public/: {differ:?}");
}

fn folio_sha256(path: &Path) -> String {
    folio::data::sha256_bytes(&std::fs::read(path).unwrap())
}

/// Without the engine, a version that is not pinned yet is a diagnostic that says how to
/// get the engine, at the query's file.
#[cfg(not(feature = "engine"))]
#[test]
fn without_the_engine_an_unpinned_query_says_how_to_get_it() {
    let dir = unbuilt();
    let err = fails_with(dir.path(), &[], &["--> data/largest-by-origin/v1.sql:1:1"]);
    assert!(err.contains("--features engine"), "{err}");
}

/// Without the engine, a Parquet snapshot cannot be read, and the diagnostic says so.
#[cfg(not(feature = "engine"))]
#[test]
fn without_the_engine_a_parquet_snapshot_says_how_to_get_it() {
    let dir = fixture("parquet");
    let err = fails_with(
        dir.path(),
        &[],
        &[
            "--> data/releases-typed/2026-11-29.parquet",
            "this folio cannot read Parquet snapshots",
        ],
    );
    assert!(err.contains("--features engine"), "{err}");
}

#[cfg(feature = "engine")]
mod engine {
    use super::*;

    /// A Parquet snapshot is a snapshot like a CSV one: checksummed, locked, served byte
    /// for byte, typed from its schema; charts, claims and queries read it.
    #[test]
    fn a_parquet_snapshot_is_typed_from_its_schema_and_served_byte_for_byte() {
        let dir = fixture("parquet");
        let dir = dir.path();
        let output = build(dir, &[]);
        assert!(output.status.success(), "{}", stderr(&output));
        let file = "data/releases-typed/2026-11-29.parquet";
        assert_eq!(
            std::fs::read(dir.join("public").join(file)).unwrap(),
            std::fs::read(dir.join(file)).unwrap()
        );
        let lock = read(dir, "folio.lock");
        assert!(
            lock.contains(&folio_sha256(&dir.join(file))),
            "locked with its SHA-256"
        );
        let page = read(dir, "public/data/releases-typed/2026-11-29/index.html");
        assert!(
            page.contains("Download releases-typed@2026-11-29.parquet"),
            "{page}"
        );
        assert!(page.contains("sha256sum 2026-11-29.parquet"));
        // Typed from the schema: the dates are dates, the years integers, not inferred.
        let dataset = read(dir, "public/data/releases-typed/index.html");
        for (column, kind) in [
            ("release_date", "date"),
            ("year", "integer"),
            ("origin_country", "string"),
        ] {
            let at = dataset
                .find(&format!("<code>{column}</code>"))
                .unwrap_or_else(|| panic!("{column}: {dataset}"));
            let row = &dataset[at..at + dataset[at..].find("</tr>").unwrap()];
            assert!(
                row.contains(kind) && !row.contains("inferred"),
                "{column}: {row}"
            );
        }
        // A derived version reads it: one row per year, dates as written.
        assert_eq!(
            read(dir, "data/by-year/v1.csv"),
            "year,releases,largest_b,first_release\n2023,2,70,2023-07-18\n2024,10,671,2024-02-05\n2025,14,1000,2025-01-20\n"
        );
        // The claim comparing the CSV and the Parquet copies holds, with its values.
        assert!(read(dir, "public/index.html").contains("<details class=\"claim\""));
        assert!(lock.contains("csv_rows = 26; parquet_rows = 26"), "{lock}");
        // The chart plots the Parquet rows.
        let data = read(dir, "public/figures/sizes/v1/data.csv");
        assert!(
            data.contains("2025-07-11,1000,CN") || data.contains("CN"),
            "{data}"
        );
    }

    /// A build in which every snapshot over `above` bytes is streamed (read as a stream,
    /// never held: what a snapshot larger than memory gets).
    fn build_streaming(dir: &Path, above: &str) -> std::process::Output {
        folio(
            dir,
            &["build", "--no-cache"],
            &[
                ("SOURCE_DATE_EPOCH", "1764201600"),
                ("FOLIO_STREAM_ABOVE", above),
            ],
        )
    }

    /// A query over a streamed CSV snapshot (the engine reads the file itself) gives
    /// byte for byte what it gives over the same snapshot held in memory: the committed
    /// results were computed from the held input.
    #[test]
    fn a_query_over_a_streamed_csv_gives_what_it_gives_over_a_held_one() {
        let committed = fixture("derived");
        let dir = unbuilt();
        let dir = dir.path();
        // The input (4,863 bytes) is streamed; the results (under 200) are not.
        let output = build_streaming(dir, "1000");
        assert!(output.status.success(), "{}", stderr(&output));
        for file in ["data/largest-by-origin/v1.csv", "data/origin-shares/v1.csv"] {
            assert_eq!(read(dir, file), read(committed.path(), file), "{file}");
        }
        // The claims over the streamed input hold, with the same values.
        let lock = read(dir, "folio.lock");
        assert!(lock.contains("china_b = 1000; us_b = 400"), "{lock}");
        // It was streamed, as its page says, which still gives its row count and preview.
        let page = read(dir, "public/data/releases/2026-11-29/index.html");
        assert!(
            page.contains("too large to hold, so folio streams it"),
            "{page}"
        );
        assert!(page.contains("The first 10 of 26 rows"), "{page}");
        assert!(page.contains("<td>Llama 2</td>"), "{page}");
        // A held snapshot's page does not say so.
        let held = read(dir, "public/data/largest-by-origin/v1/index.html");
        assert!(!held.contains("folio streams it"));
    }

    /// A project whose path holds what a glob pattern would read (`[`, `]`, `?`, `*`)
    /// streams its snapshot all the same: the engine reads the file, not a pattern that
    /// could match no file (an empty input, a wrong result pinned for good).
    #[test]
    fn a_streamed_snapshot_under_a_path_with_glob_characters_is_read_whole() {
        let committed = fixture("derived");
        let outer = unbuilt();
        let dir = outer.path().join("report [draft] v?*");
        common::copy_tree(outer.path(), &dir);
        // Named by --root, so that the snapshot's path is absolute, brackets and all.
        let output = folio(
            outer.path(),
            &["build", "--no-cache", "--root", dir.to_str().unwrap()],
            &[
                ("SOURCE_DATE_EPOCH", "1764201600"),
                ("FOLIO_STREAM_ABOVE", "1000"),
            ],
        );
        assert!(output.status.success(), "{}", stderr(&output));
        assert_eq!(
            read(&dir, "data/largest-by-origin/v1.csv"),
            read(committed.path(), "data/largest-by-origin/v1.csv")
        );
    }

    /// A value cannot name a streamed CSV snapshot either: it says why, at its line.
    #[test]
    fn a_value_cannot_name_a_streamed_csv_snapshot() {
        let dir = fixture("derived");
        let dir = dir.path();
        let content = read(dir, "content/_index.md");
        write(
            dir,
            "content/_index.md",
            &format!(
                "{content}\nLlama 2 had {{value}}`releases@2026-11-29 largest_total_params_b model=\"Llama 2\"` billion parameters.\n"
            ),
        );
        let output = build_streaming(dir, "1000");
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{err}");
        let line = content.lines().count() + 2;
        for needle in [
            "releases@2026-11-29 is too large to load (4,863 bytes, 26 rows; snapshots over 1,000 bytes are streamed)".to_string(),
            format!("--> content/_index.md:{line}:"),
        ] {
            assert!(err.contains(&needle), "expected {needle:?} in:\n{err}");
        }
    }

    /// The same for a streamed Parquet snapshot: the query sees the types it sees when the
    /// file is held (dates as written, integers, numbers).
    #[test]
    fn a_query_over_a_streamed_parquet_file_gives_what_it_gives_over_a_held_one() {
        let dir = fixture("parquet");
        let dir = dir.path();
        // A chart cannot name a streamed snapshot; the query and the claim can.
        let content = read(dir, "content/_index.md");
        let chart = content.find("```chart").unwrap();
        write(dir, "content/_index.md", &content[..chart]);
        let output = build_streaming(dir, "1000");
        assert!(output.status.success(), "{}", stderr(&output));
        assert_eq!(
            read(dir, "data/by-year/v1.csv"),
            "year,releases,largest_b,first_release\n2023,2,70,2023-07-18\n2024,10,671,2024-02-05\n2025,14,1000,2025-01-20\n"
        );
        assert!(
            read(dir, "folio.lock").contains("csv_rows = 26; parquet_rows = 26"),
            "the claim compares the two streamed files"
        );
    }

    /// A chart (or a value) cannot name a streamed snapshot: the diagnostic says why and
    /// what to do, at the directive's `data` line.
    #[test]
    fn a_chart_cannot_name_a_streamed_snapshot() {
        let dir = fixture("parquet");
        let output = build_streaming(dir.path(), "1000");
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{err}");
        for needle in [
            "releases-typed@2026-11-29 is too large to load (2,192 bytes, 26 rows; snapshots over 1,000 bytes are streamed)",
            "--> content/_index.md:21:",
            "derive a smaller dataset from it with a query",
        ] {
            assert!(err.contains(needle), "expected {needle:?} in:\n{err}");
        }
        assert!(!dir.path().join("public").exists());
    }

    /// A declared column whose type the Parquet schema contradicts is refused.
    #[test]
    fn a_declared_column_must_fit_the_parquet_schema() {
        let dir = fixture("parquet");
        let dir = dir.path();
        let toml = read(dir, "data/releases-typed/dataset.toml").replace(
            "[columns.largest_total_params_b]\ntype = \"number\"",
            "[columns.largest_total_params_b]\ntype = \"integer\"",
        );
        write(dir, "data/releases-typed/dataset.toml", &toml);
        fails_with(
            dir,
            &[],
            &[
                "--> data/releases-typed/2026-11-29.parquet",
                "column \"largest_total_params_b\" is declared integer but the Parquet schema makes it number",
            ],
        );
    }

    /// A first build computes each derived version (the second from the first), writes its
    /// file and pins it with its query's and inputs' checksums; the result is what the
    /// committed fixture holds, byte for byte, so it is the same on every machine.
    #[test]
    fn a_new_derived_version_is_computed_pinned_and_the_same_every_time() {
        let dir = unbuilt();
        let dir = dir.path();
        let output = build(dir, &[]);
        assert!(output.status.success(), "{}", stderr(&output));
        let committed = fixture("derived");
        for file in [
            "data/largest-by-origin/v1.csv",
            "data/origin-shares/v1.csv",
            "folio.lock",
        ] {
            assert_eq!(read(dir, file), read(committed.path(), file), "{file}");
        }
        let yearly = read(dir, "data/largest-by-origin/v1.csv");
        // Meaning, not only bytes: one row per country and year, in the query's order;
        // a year whose releases give no size has an empty cell.
        assert!(
            yearly.starts_with(
                "origin,year,releases,largest_params_b\nCN,2024,5,671\nCN,2025,12,1000\n"
            ),
            "{yearly}"
        );
        assert!(yearly.contains("\nFR,2023,1,\n"), "{yearly}");
        assert!(yearly.contains("\nUS,2025,2,400\n"), "{yearly}");
        let lock = read(dir, "folio.lock");
        let query_sha = folio_sha256(&dir.join("data/largest-by-origin/v1.sql"));
        assert!(lock.contains(&format!("query = \"{query_sha}\"")), "{lock}");
        assert!(
            lock.contains("data = \"largest-by-origin@v1\""),
            "the chained input is pinned"
        );
        assert_eq!(lock.matches("[[claim]]").count(), 2);
        // Built again, nothing changes.
        let output = build(dir, &["--locked"]);
        assert!(output.status.success(), "{}", stderr(&output));
    }

    /// A published derived version never changes: a new query under it is refused.
    #[test]
    fn a_changed_query_or_input_under_a_published_version_is_refused() {
        let dir = fixture("derived");
        let dir = dir.path();
        let sql = read(dir, "data/largest-by-origin/v1.sql").replace("max(", "min(");
        write(dir, "data/largest-by-origin/v1.sql", &sql);
        let err = fails_with(
            dir,
            &[],
            &[
                "--> data/largest-by-origin/v1.sql",
                "derived version largest-by-origin@v1: its query has changed",
            ],
        );
        assert!(err.contains("new version"), "{err}");
        let dir = fixture("derived");
        let dir = dir.path();
        std::fs::copy(
            dir.join("data/releases/2026-11-29.csv"),
            dir.join("data/releases/2026-12-01.csv"),
        )
        .unwrap();
        let toml = read(dir, "data/largest-by-origin/dataset.toml")
            .replace("releases@2026-11-29", "releases@2026-12-01");
        write(dir, "data/largest-by-origin/dataset.toml", &toml);
        fails_with(
            dir,
            &[],
            &[
                "--> data/largest-by-origin/dataset.toml",
                "its inputs have changed since it was published",
            ],
        );
    }

    /// Each way a query can be wrong, refused at its file and line with what to do.
    #[test]
    fn bad_queries_are_refused_at_their_line() {
        let cases: &[(&str, &str, &str)] = &[
            // The engine's own message, at the line the parser names.
            (
                "SELECT origin_country\nFROM releases\nWHERE model = 'x' )\nORDER BY 1",
                "v1.sql:3:19",
                "the query failed: SQL error",
            ),
            // An unknown column, at the place it is written.
            (
                "SELECT model, nope\nFROM releases ORDER BY 1",
                "v1.sql:1:15",
                "the query failed: Schema error: No field named nope",
            ),
            (
                "SELECT model FROM releases",
                "v1.sql:1:1",
                "the query has no ORDER BY",
            ),
            (
                "SELECT model, random() AS r FROM releases ORDER BY model",
                "v1.sql:1:15",
                "random() gives another result",
            ),
            (
                "SELECT model, now() AS t FROM releases ORDER BY model",
                "v1.sql:1:15",
                "now() gives another result",
            ),
            // Only the named inputs are visible: no file, no other table.
            (
                "SELECT * FROM '/etc/passwd' ORDER BY 1",
                "v1.sql:1:1",
                "the query failed",
            ),
            (
                "SELECT * FROM information_schema.tables ORDER BY 1",
                "v1.sql:1:15",
                "the query failed",
            ),
            (
                "COPY (SELECT 1) TO '/tmp/folio-copy.csv'",
                "v1.sql:1:1",
                "only a query can run here",
            ),
            (
                "CREATE EXTERNAL TABLE t STORED AS CSV LOCATION '/etc/passwd'",
                "v1.sql:1:1",
                "only a query can run here",
            ),
            (
                "SELECT 1 AS a; SELECT 2 AS b",
                "v1.sql:1:1",
                "the query failed",
            ),
        ];
        for (sql, place, message) in cases {
            let dir = unbuilt();
            let dir = dir.path();
            write(dir, "data/largest-by-origin/v1.sql", sql);
            let err = fails_with(
                dir,
                &[],
                &[&format!("--> data/largest-by-origin/{place}"), message],
            );
            assert!(!Path::new("/tmp/folio-copy.csv").exists());
            // One fault, one diagnostic: what rests on the failed version is not reported.
            assert_eq!(err.matches(" --> ").count(), 1, "{sql}:\n{err}");
            assert!(!dir.join("data/largest-by-origin/v1.csv").exists());
            // The same when the input is streamed, and the query runs while it is checked.
            let output = build_streaming(dir, "1000");
            let streamed = stderr(&output);
            assert_eq!(streamed, err, "{sql}: streamed");
            assert!(!dir.join("public").exists());
        }
    }

    /// A query is untrusted input: however deeply it nests or however long it is, folio
    /// answers at once with a diagnostic, and never crashes or hangs.
    #[test]
    fn deeply_nested_or_huge_queries_are_refused() {
        let nested = format!(
            "SELECT {}1{} AS x ORDER BY x",
            "(".repeat(5000),
            ")".repeat(5000)
        );
        let long = format!("SELECT {} AS x ORDER BY x", vec!["1"; 20000].join(" + "));
        for (sql, needle) in [
            (nested, "RecursionLimitExceeded"),
            (long, "folio runs queries of at most 16 KiB"),
        ] {
            let dir = unbuilt();
            let dir = dir.path();
            write(dir, "data/largest-by-origin/v1.sql", &sql);
            fails_with(dir, &[], &["--> data/largest-by-origin/v1.sql:1:1", needle]);
        }
    }

    /// An input that is not a pinned snapshot, or a cycle, is refused at dataset.toml.
    #[test]
    fn inputs_must_be_pinned_snapshots() {
        for (inputs, needle) in [
            ("{ releases = \"releases\" }", "does not name a version"),
            (
                "{ releases = \"nope@v1\" }",
                "input releases: unknown dataset \"nope\"",
            ),
            (
                "{ releases = \"releases@2020-01-01\" }",
                "unknown version \"2020-01-01\"",
            ),
            ("{ releases = \"origin-shares@v1\" }", "depend on it"),
        ] {
            let dir = unbuilt();
            let dir = dir.path();
            let toml = read(dir, "data/largest-by-origin/dataset.toml")
                .replace("{ releases = \"releases@2026-11-29\" }", inputs);
            write(dir, "data/largest-by-origin/dataset.toml", &toml);
            fails_with(
                dir,
                &[],
                &[needle, "--> data/largest-by-origin/dataset.toml:"],
            );
        }
    }

    /// A claim the data contradicts fails the build at its line and prints what it saw.
    #[test]
    fn a_false_claim_fails_at_its_line_with_the_values_it_saw() {
        let dir = fixture("derived");
        let dir = dir.path();
        let page = read(dir, "content/_index.md").replace(
            "WHERE release_date >= '2025'",
            "WHERE release_date < '2024-12'",
        );
        write(dir, "content/_index.md", &page);
        let err = fails_with(
            dir,
            &[],
            &[
                "--> content/_index.md:20:1",
                "this claim does not hold on its data: holds = false (china_b = 236; us_b = 405)",
            ],
        );
        assert_eq!(err.matches(" --> ").count(), 1, "{err}");
        // With --locked, a claim that is not pinned is an error too, and runs nothing.
        fails_with(
            dir,
            &["--locked"],
            &["this claim is not checked and pinned in folio.lock yet"],
        );
    }

    /// A claim must say whether it holds, in one row.
    #[test]
    fn a_claim_returns_one_row_with_holds() {
        for (sql, needle) in [
            (
                "SELECT max(share) AS m FROM shares",
                "must return a boolean column named holds",
            ),
            (
                "SELECT share > 1 AS holds FROM shares ORDER BY origin",
                "must return one row; this one returned 3",
            ),
        ] {
            let dir = fixture("derived");
            let dir = dir.path();
            let page = read(dir, "content/_index.md");
            let start = page.find("SELECT max(share)").unwrap();
            let end = page[start..].find("FROM shares").unwrap() + start + "FROM shares".len();
            let page = format!("{}{sql}{}", &page[..start], &page[end..]);
            write(dir, "content/_index.md", &page);
            fails_with(dir, &[], &[needle]);
        }
    }
}
