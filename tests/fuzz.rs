//! Fuzzing with proptest (cargo-fuzz needs a nightly toolchain, which this project's
//! machines do not have): front matter, Markdown directives, chart directives, value roles
//! and CSV loading must never panic, whatever the input.
//!
//! Each target first replays its committed corpus (`tests/fuzz-corpus/<target>/`), then
//! generates inputs for `FOLIO_FUZZ_SECONDS` seconds (default 2: a short run for CI; the
//! long runs are recorded in `benches/README.md`). Inputs are generated from a fixed seed
//! per round, so a failure names a reproducible case.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

fn budget() -> Duration {
    let seconds = std::env::var("FOLIO_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2);
    Duration::from_secs(seconds)
}

fn corpus(target: &str) -> Vec<Vec<u8>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz-corpus")
        .join(target);
    let mut inputs: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            (path, bytes)
        })
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "no corpus in {}", dir.display());
    inputs.into_iter().map(|(_, b)| b).collect()
}

/// Runs `check` on the corpus, then on generated inputs until the time budget is spent.
fn fuzz<S: Strategy>(
    target: &str,
    strategy: S,
    check: impl Fn(S::Value) + Sync,
    from_bytes: impl Fn(Vec<u8>) -> S::Value,
) where
    S::Value: std::fmt::Debug,
{
    for input in corpus(target) {
        check(from_bytes(input));
    }
    let started = Instant::now();
    let mut round = 0u64;
    let mut cases = 0u64;
    while started.elapsed() < budget() {
        let mut seed = [0u8; 32];
        seed[..8].copy_from_slice(&round.to_le_bytes());
        seed[8..8 + target.len().min(24)]
            .copy_from_slice(&target.as_bytes()[..target.len().min(24)]);
        let mut runner = TestRunner::new_with_rng(
            Config {
                cases: 200,
                failure_persistence: None,
                ..Config::default()
            },
            TestRng::from_seed(RngAlgorithm::ChaCha, &seed),
        );
        let result = runner.run(&strategy, |input| {
            check(input);
            Ok(())
        });
        if let Err(e) = result {
            panic!("{target}: round {round} found a failing input: {e}");
        }
        round += 1;
        cases += 200;
    }
    eprintln!(
        "{target}: {cases} generated cases in {:?}, no failure",
        started.elapsed()
    );
}

fn text(bytes: Vec<u8>) -> String {
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Pieces that make generated text look like folio's input.
fn pieces() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("+++\n".to_string()),
        Just("title = \"t\"\n".to_string()),
        Just("```chart\n".to_string()),
        Just("```\n".to_string()),
        Just("{value}`".to_string()),
        Just("`".to_string()),
        Just("@fig-".to_string()),
        Just("[@".to_string()),
        Just("]".to_string()),
        Just("\"".to_string()),
        Just("=".to_string()),
        Just("\n".to_string()),
        Just("## ".to_string()),
        Just("{#".to_string()),
        Just("d@v1".to_string()),
        Just("\u{2028}".to_string()),
        Just("</script>".to_string()),
        "[a-z0-9 -]{0,12}",
        "\\PC{0,8}",
    ];
    prop::collection::vec(piece, 0..60).prop_map(|v| v.concat())
}

#[test]
fn front_matter_never_panics() {
    fuzz(
        "front-matter",
        pieces(),
        |input| {
            let _ = folio::content::parse(vec![folio::content::SourceFile {
                path: PathBuf::from("content/fuzz.md"),
                text: input,
            }]);
        },
        text,
    );
}

#[test]
fn markdown_directives_never_panic() {
    fuzz(
        "markdown",
        pieces(),
        |input| {
            let _ = folio::markdown::directives(&input);
            let source = folio::diag::Source::new(Path::new("content/fuzz.md"), &input);
            let _ = folio::markdown::render(&input, &mut |d| match d {
                folio::markdown::Directive::FigRef { offset, .. } => {
                    Err(source.error_at(*offset, "x"))
                }
                _ => Ok("<x>".to_string()),
            });
        },
        text,
    );
}

fn registry() -> folio::data::Registry {
    folio::data::load(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/sites/data-basic"))
        .expect("the fixture's data loads")
}

#[test]
fn chart_directives_never_panic() {
    let registry = registry();
    let keys = prop_oneof![
        Just("id = \"a\"\n"),
        Just("title = \"t\"\n"),
        Just("data = \"downloads@2025-11-27\"\n"),
        Just("data = \"downloads@2025-12-09\"\n"),
        Just("type = \"line\"\n"),
        Just("type = \"pie\"\n"),
        Just("type = \"scatter\"\n"),
        Just("type = \"bar\"\n"),
        Just("x = \"country\"\n"),
        Just("x = \"share\"\n"),
        Just("y = \"share\"\n"),
        Just("y = [\"share\", \"share\"]\n"),
        Just("series = \"source_id\"\n"),
        Just("where = { country = [\"China\", 17] }\n"),
        Just("sort = \"-share\"\n"),
        Just("stacked = true\n"),
        Just("horizontal = true\n"),
        Just("label = \"country\"\n"),
    ];
    let body = (prop::collection::vec(keys, 0..12), "\\PC{0,20}")
        .prop_map(|(keys, tail)| format!("{}{tail}", keys.concat()));
    fuzz(
        "chart",
        body,
        |body| {
            let source = folio::diag::Source::new(Path::new("content/fuzz.md"), &body);
            if let Ok(spec) = folio::figure::parse(&body, &source)
                && let Ok(figure) = folio::figure::resolve(spec, &registry, &body, &source)
            {
                let option = folio::chart::option(&figure);
                let _ = folio::chart::embeddable_json(&option);
                let _ = figure.table.to_csv();
            }
        },
        text,
    );
}

#[test]
fn value_roles_never_panic() {
    let registry = registry();
    let role = prop::collection::vec(
        prop_oneof![
            Just("downloads@2025-11-27 ".to_string()),
            Just("share ".to_string()),
            Just("country=".to_string()),
            Just("\"United States\" ".to_string()),
            Just("China ".to_string()),
            Just("\"".to_string()),
            Just("@".to_string()),
            "\\PC{0,6}",
        ],
        0..10,
    )
    .prop_map(|v| v.concat());
    fuzz(
        "value",
        role,
        |text| {
            let _ = folio::value::resolve(&text, &registry);
        },
        text,
    );
}

#[test]
fn csv_loading_never_panics() {
    let dir = tempfile::tempdir().unwrap();
    let meta = folio::data::parse_meta(
        Path::new("data/d/dataset.toml"),
        "title = \"D\"\n[columns.n]\ntype = \"number\"\n[columns.d]\ntype = \"date\"\n",
    )
    .unwrap();
    let cells = prop::collection::vec(
        prop_oneof![
            Just(b",".to_vec()),
            Just(b"\n".to_vec()),
            Just(b"\r\n".to_vec()),
            Just(b"\"".to_vec()),
            Just(b"n,d\n".to_vec()),
            Just(b"2024-02-29".to_vec()),
            Just(b"1e308".to_vec()),
            Just(b"\xef\xbb\xbf".to_vec()),
            Just(b"\xff".to_vec()),
            prop::collection::vec(any::<u8>(), 0..8),
        ],
        0..80,
    )
    .prop_map(|v| v.concat());
    let path = dir.path().join("v1.csv");
    fuzz(
        "csv",
        cells,
        |bytes| {
            // Each thread of the runner would share the file: write, then read, in turn.
            std::fs::write(&path, &bytes).unwrap();
            let _ = folio::data::read_snapshot(&path, Path::new("data/d/v1.csv"), &meta);
        },
        |bytes| bytes,
    );
}
