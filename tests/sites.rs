//! Fixture sites: one directory per behaviour under `tests/sites/<case>/`, built by the real
//! binary and compared with golden files under `<case>/expected/`.
//!
//! - A case whose `expected/stderr` exists must fail with exit status 1, print exactly that,
//!   and write nothing.
//! - Otherwise the build must succeed, and every file under `expected/public/` must equal the
//!   file of the same path in the output. An expected file the build did not produce fails.
//!
//! Sites that build are built with `--locked`, against each fixture's committed
//! `folio.lock`.
//!
//! `UPDATE_EXPECT=1 cargo test --test sites` rewrites the golden files that exist (and lets
//! builds update fixture locks). To pin a new output file, create it empty under
//! `expected/public/` and run with `UPDATE_EXPECT=1`.

mod common;

use std::path::Path;

use common::{expect_file, folio, repo, stderr, tree, updating};

/// A fixed publication date, so that dates recorded in `folio.lock` are reproducible.
const EPOCH: &str = "1764201600"; // 2025-11-27

fn run_case(name: &str, args: &[&str]) {
    let case = repo().join("tests/sites").join(name);
    let expected = case.join("expected");
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("public");
    let stderr_file = expected.join("stderr");
    // A site that builds is built against its committed lock, so a test never writes into
    // the fixture (refreshing expectations may refresh the lock). A failing build writes
    // nothing, lock included, and its diagnostics are only those of the fixture's mistakes.
    // Built where they are: the render cache stays off, so no test writes into a fixture.
    let mut all_args = vec!["build", "--no-cache", "--out", out.to_str().unwrap()];
    if !updating() && !stderr_file.exists() {
        all_args.push("--locked");
    }
    all_args.extend_from_slice(args);
    let output = folio(&case, &all_args, &[("SOURCE_DATE_EPOCH", EPOCH)]);
    let mut failures = Vec::new();
    if stderr_file.exists() {
        assert_eq!(
            output.status.code(),
            Some(1),
            "{name}: expected the build to fail\n{}",
            stderr(&output)
        );
        failures.extend(expect_file(&stderr_file, stderr(&output).as_bytes()).err());
        assert!(
            !out.exists(),
            "{name}: a failed build wrote {}",
            out.display()
        );
    } else {
        assert!(
            output.status.success(),
            "{name}: build failed\n{}",
            stderr(&output)
        );
        // Every link of a site that builds resolves.
        let check = folio(
            &case,
            &["check", "--no-cache"],
            &[("SOURCE_DATE_EPOCH", EPOCH)],
        );
        assert!(
            check.status.success(),
            "{name}: folio check failed\n{}",
            stderr(&check)
        );
        let produced: std::collections::BTreeMap<String, Vec<u8>> =
            tree(&out).into_iter().collect();
        let pinned = tree(&expected.join("public"));
        // An empty golden directory would compare nothing and always pass.
        assert!(
            !pinned.is_empty(),
            "{name}: expected/public/ pins no file; create the files to pin (empty) and run with UPDATE_EXPECT=1"
        );
        for (rel, _) in pinned {
            let golden = expected.join("public").join(&rel);
            match produced.get(&rel) {
                Some(bytes) => failures.extend(expect_file(&golden, bytes).err()),
                None => failures.push(format!(
                    "{name}: expected {rel}, which the build did not produce"
                )),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Fixture sites used by other test files, which add what they need before building.
const USED_ELSEWHERE: &[&str] = &["owid", "injection", "chart-reading", "parquet", "sources"];

macro_rules! cases {
    ($($test:ident: $dir:literal $(, $arg:literal)*;)*) => {
        $(
            #[test]
            fn $test() {
                run_case($dir, &[$($arg),*]);
            }
        )*

        #[test]
        fn every_fixture_site_has_a_test() {
            let listed: std::collections::BTreeSet<&str> = [$($dir),*].into_iter().collect();
            for entry in std::fs::read_dir(repo().join("tests/sites")).unwrap() {
                let name = entry.unwrap().file_name().to_string_lossy().into_owned();
                if USED_ELSEWHERE.contains(&name.as_str()) {
                    continue;
                }
                assert!(listed.contains(name.as_str()), "tests/sites/{name} has no test in tests/sites.rs");
                assert!(
                    Path::new(&repo().join("tests/sites").join(&name).join("expected")).is_dir() || updating(),
                    "tests/sites/{name} has no expected/ directory"
                );
            }
        }
    };
}

cases! {
    renders_chapters_in_reading_order: "basic";
    draws_timelines_small_multiples_and_maps: "chart-forms";
    publishes_derived_versions_and_claims: "derived";
    links_work_under_a_sub_path: "sub-path";
    base_url_flag_overrides_the_configuration: "base-url-flag", "--base-url", "https://example.org/report";
    project_templates_replace_the_default_theme: "template-override";
    reports_front_matter_errors_at_their_lines: "front-matter-errors";
    reports_configuration_errors: "config-errors";
    reports_markdown_that_is_not_utf8: "not-utf8";
    rejects_pages_with_the_same_url: "duplicate-slug";
    rejects_unknown_figure_references: "unknown-figure-ref";
    publishes_datasets_with_their_versions: "data-basic";
    rejects_ragged_rows: "data-ragged-row";
    rejects_cells_that_do_not_parse_as_their_type: "data-bad-cell";
    rejects_a_snapshot_missing_a_declared_column: "data-missing-column";
    rejects_unknown_keys_in_dataset_toml: "data-unknown-key";
    rejects_dataset_and_version_names_that_are_not_slugs: "data-bad-names";
    rejects_a_described_version_without_its_file: "data-version-without-file";
    rejects_snapshots_that_are_not_utf8: "data-not-utf8";
    rejects_an_empty_snapshot: "data-empty-csv";
    rejects_a_changed_or_removed_published_snapshot: "data-changed-snapshot";
    draws_every_chart_type_with_a_page_per_figure: "charts";
    reports_chart_directive_errors_at_their_lines: "chart-errors";
    renders_values_and_citations_from_their_sources: "values";
    reports_value_and_citation_errors_at_their_lines: "value-errors";
    reports_a_malformed_bibliography: "bib-errors";
    counts_csv_lines_from_byte_offsets_with_crlf_endings: "data-crlf";
    rejects_rows_of_empty_cells: "data-empty-rows";
    rejects_a_chart_with_nothing_to_plot: "chart-empty-column";
    reports_a_duplicate_x_once_at_its_csv_lines: "chart-duplicate-x";
    reads_every_pandoc_citation_form_from_csl_json: "citations";
    reports_citation_errors_at_their_lines: "citation-errors";
}
