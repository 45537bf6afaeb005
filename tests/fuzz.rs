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
        Just("[".to_string()),
        Just("@".to_string()),
        Just("-@".to_string()),
        Just("\\@".to_string()),
        Just("; ".to_string()),
        Just(", pp. ".to_string()),
        Just("§".to_string()),
        Just("{".to_string()),
        Just("}".to_string()),
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

/// Pieces of BibTeX as exports write it, TeX commands included.
fn bibtex_pieces() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("@misc{k, ".to_string()),
        Just("@article{".to_string()),
        Just("title = {".to_string()),
        Just("author = {".to_string()),
        Just("journal = {arXiv preprint arXiv:".to_string()),
        Just("eprint = {1}, archiveprefix = {arXiv}".to_string()),
        Just("howpublished = {\\url{".to_string()),
        Just("\\href{".to_string()),
        Just("{\\'\\i}".to_string()),
        Just("\\\"".to_string()),
        Just("\\emph{".to_string()),
        Just("}".to_string()),
        Just("{".to_string()),
        Just("~".to_string()),
        Just(" and others".to_string()),
        Just(", ".to_string()),
        Just("year = {2025}".to_string()),
        "[A-Za-z0-9 .-]{0,10}",
        "\\PC{0,6}",
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

#[test]
fn bibliographies_never_panic() {
    fuzz(
        "bibtex",
        bibtex_pieces(),
        |input| {
            let file = folio::project::SourceFile {
                path: PathBuf::from("content/references.bib"),
                text: input,
            };
            if let Ok(bibliography) = folio::bib::Bibliography::parse(&file, "apa") {
                let citations: Vec<_> =
                    folio::markdown::directives("[@k, p. 1] and @k [§ 2] [-@k]")
                        .into_iter()
                        .filter_map(|d| match d {
                            folio::markdown::Directive::Cite { citation, .. } => Some(citation),
                            _ => None,
                        })
                        .filter(|c| c.items.iter().all(|i| bibliography.contains(&i.key)))
                        .collect();
                let _ = bibliography.render_page(&citations);
            }
        },
        text,
    );
}

#[test]
fn front_matter_never_panics() {
    fuzz(
        "front-matter",
        pieces(),
        |input| {
            let _ = folio::content::parse(vec![folio::project::SourceFile {
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
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/sites/data-basic");
    let mut errors = Vec::new();
    let datasets = folio::project::load_datasets(&root, &mut errors).expect("listed");
    assert!(errors.is_empty());
    folio::data::parse(&datasets).expect("the fixture's data loads")
}

/// A chart directive's body parsed, resolved and drawn as far as it goes.
fn draw_chart(body: &str, registry: &folio::data::Registry) {
    let source = folio::diag::Source::new(Path::new("content/fuzz.md"), body);
    if let Ok(spec) = folio::figure::parse(body, &source)
        && let Ok(figure) = folio::figure::resolve(spec, registry, body, &source)
    {
        let option = folio::chart::option(&figure);
        let _ = folio::chart::embeddable_json(&option);
        let _ = figure.table.to_csv();
    }
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
    fuzz("chart", body, |body| draw_chart(&body, &registry), text);
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

/// Values a key may be given by a careless or hostile author: empty, of the wrong type,
/// huge, or aimed at paths and markup; and a few that fit, so that generated inputs get
/// past the first check. TOML syntax.
fn hostile_value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("\"\"".to_string()),
        Just("[]".to_string()),
        Just("[\"\"]".to_string()),
        Just("{}".to_string()),
        Just("{ country = [] }".to_string()),
        Just("0".to_string()),
        Just("-1".to_string()),
        Just("4294967296".to_string()),
        Just("1e308".to_string()),
        Just("nan".to_string()),
        Just("true".to_string()),
        Just("2025-11-27".to_string()),
        Just("\"../../templates\"".to_string()),
        Just("\"/etc/passwd\"".to_string()),
        Just("\"a/b\"".to_string()),
        Just("\"C:\\\\x\"".to_string()),
        Just("\"</script><x>\"".to_string()),
        Just("\"\\u0000\"".to_string()),
        Just(format!("\"{}\"", "x".repeat(100_000))),
        Just("\"a\"".to_string()),
        Just("\"t\"".to_string()),
        Just("\"share\"".to_string()),
        Just("\"country\"".to_string()),
        Just("[\"share\"]".to_string()),
        Just("\"line\"".to_string()),
        Just("\"pie\"".to_string()),
        Just("\"downloads@2025-11-27\"".to_string()),
        Just("\"downloads@../x\"".to_string()),
        Just("\"2025-11-27\"".to_string()),
        Just("\"v1\"".to_string()),
        Just("\"number\"".to_string()),
        Just("1".to_string()),
    ]
}

/// `key = value` lines, each key from `keys` with a hostile value.
fn keyed(keys: &'static [&'static str], most: usize) -> impl Strategy<Value = String> {
    prop::collection::vec((prop::sample::select(keys), hostile_value()), 0..most).prop_map(
        |pairs| {
            pairs
                .into_iter()
                .map(|(k, v)| format!("{k} = {v}\n"))
                .collect()
        },
    )
}

const CHART_KEYS: &[&str] = &[
    "id",
    "title",
    "data",
    "type",
    "x",
    "y",
    "series",
    "where",
    "sort",
    "stacked",
    "horizontal",
    "label",
    "caption",
];

#[test]
fn chart_keys_with_hostile_values_never_panic() {
    let registry = registry();
    fuzz(
        "chart-keys",
        keyed(CHART_KEYS, 14),
        |body| draw_chart(&body, &registry),
        text,
    );
}

/// A value that fits (`good`, most of the time) or a hostile one.
fn fit(good: &str) -> BoxedStrategy<String> {
    prop_oneof![7 => Just(good.to_string()), 1 => hostile_value()].boxed()
}

#[test]
fn lock_entries_with_hostile_values_never_panic() {
    let registry = registry();
    let sha = registry
        .resolve("downloads@2025-11-27")
        .map(|s| s.sha256.clone())
        .expect("the fixture's snapshot");
    let sha = format!("{sha:?}");
    // Entries that have every key, each with a fitting or a hostile value, so that
    // generated locks reach every check (and, passing them, the rebuild).
    let snapshot = (
        fit("\"downloads\""),
        fit("\"2025-11-27\""),
        fit(&sha),
        fit("\"2025-11-27\""),
    )
        .prop_map(|(dataset, version, sha256, published)| {
            format!("[[snapshot]]\ndataset = {dataset}\nversion = {version}\nsha256 = {sha256}\npublished = {published}\n\n")
        });
    let spec = (
        (fit("\"a\""), fit("\"t\""), fit("\"downloads@2025-11-27\"")),
        (fit("\"line\""), fit("\"country\""), fit("\"share\"")),
        prop::collection::vec((prop::sample::select(CHART_KEYS), hostile_value()), 0..2),
    )
        .prop_map(|((id, title, data), (kind, x, y), hostile)| {
            let fitting = [
                ("id", id),
                ("title", title),
                ("data", data),
                ("type", kind),
                ("x", x),
                ("y", y),
            ];
            let mut table = toml::Table::new();
            for (k, v) in fitting
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .chain(hostile.into_iter().map(|(k, v)| (k.to_string(), v)))
            {
                if let Ok(t) = toml::from_str::<toml::Table>(&format!("v = {v}")) {
                    table.insert(k, t["v"].clone());
                }
            }
            let json = serde_json::to_string(&table).unwrap_or_default();
            format!("spec = {}\n", toml::Value::String(json))
        });
    let version = (fit("1"), fit("\"2025-11-27\""), fit("\"downloads@2025-11-27\""), fit(&sha), spec)
        .prop_map(|(number, published, data, sha256, spec)| {
            format!("[[figure.version]]\nnumber = {number}\npublished = {published}\ndata = {data}\nsha256 = {sha256}\n{spec}\n")
        });
    let figure = (fit("\"a\""), prop::collection::vec(version, 0..3))
        .prop_map(|(id, versions)| format!("[[figure]]\nid = {id}\n\n{}", versions.concat()));
    let lock = (
        prop::collection::vec(snapshot, 0..3),
        prop::collection::vec(figure, 0..3),
    )
        .prop_map(|(snapshots, figures)| format!("{}{}", snapshots.concat(), figures.concat()));
    let valid = std::sync::atomic::AtomicUsize::new(0);
    fuzz(
        "lock",
        lock,
        |text| {
            let Ok(lock) = folio::lock::Lock::parse(Path::new("folio.lock"), &text) else {
                return;
            };
            if !lock.figure.is_empty() {
                valid.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            // What passed validation is safe to rebuild: every id is a slug, every spec
            // a chart directive with its entry's id.
            for figure in &lock.figure {
                assert!(folio::names::is_slug(&figure.id), "{text}");
                for version in &figure.version {
                    let spec: folio::figure::ChartSpec =
                        serde_json::from_str(&version.spec).expect("validated");
                    assert_eq!(spec.id, figure.id);
                    let source = folio::diag::Source::new(Path::new("folio.lock"), &text);
                    if let Ok(figure) = folio::figure::resolve(spec, &registry, "", &source) {
                        let _ = folio::chart::option(&figure);
                    }
                }
            }
        },
        text,
    );
    // The generator reaches past validation, so the rebuild is fuzzed too.
    assert!(
        valid.into_inner() > 0,
        "no generated lock with a figure passed validation"
    );
}

#[test]
fn dataset_toml_with_hostile_values_never_panics() {
    const TOP: &[&str] = &[
        "title",
        "description",
        "source",
        "source_url",
        "license",
        "key",
        "extra",
    ];
    const COLUMN: &[&str] = &["type", "unit", "digits", "description", "extra"];
    const VERSION: &[&str] = &["retrieved", "notes", "extra"];
    let meta = (
        keyed(TOP, 8),
        prop::collection::vec(("[a-z_]{1,6}", keyed(COLUMN, 6)), 0..3),
        prop::collection::vec((hostile_value(), keyed(VERSION, 4)), 0..2),
    )
        .prop_map(|(top, columns, versions)| {
            let mut text = top;
            for (name, keys) in columns {
                text.push_str(&format!("[columns.{name}]\n{keys}"));
            }
            for (name, keys) in versions {
                text.push_str(&format!("[versions.{name}]\n{keys}"));
            }
            text
        });
    fuzz(
        "dataset-toml",
        meta,
        |text| {
            let _ = folio::data::parse_meta(Path::new("data/d/dataset.toml"), &text);
        },
        text,
    );
}
