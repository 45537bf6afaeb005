//! Derived datasets and checked claims: SQL over pinned snapshots, with pinned results.
//!
//! A **derived version** is `[derived."<version>"]` in a `dataset.toml` (its inputs, each a
//! pinned `dataset@version` under the name the query reads it by) and
//! `data/<dataset>/<version>.sql`. The first build that finds it runs the query
//! ([`engine`]) and keeps the result as `data/<dataset>/<version>.csv`, locked with the
//! SHA-256 of the file, of the query and of every input. From then on it is a snapshot like
//! any other, and builds read the file: they run no query. A changed query or input under a
//! published version is an error that says to publish a new version.
//!
//! A **claim** is a fenced `claim` block in the prose, in TOML: its `inputs` (as above) and
//! its `sql`, a query returning one row with a boolean column `holds` and, beside it, the
//! values it compared. A claim that does not hold fails the build at its line, printing
//! those values. One that holds is pinned in `folio.lock` under a key made of its query and
//! its inputs' checksums: its truth cannot change until one of them does, so a build that
//! finds the key there runs no query.

pub mod engine;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde::Deserialize;

use crate::data::{Derivation, Registry, Snapshot};
use crate::diag::{Diagnostic, Source};
use crate::lock::{Lock, LockedClaim, LockedInput};
use engine::{Answer, Failure, Input};

/// What running a derived version's query left to pin: its query's checksum and inputs.
#[derive(Debug, Clone)]
pub struct Pin {
    /// The dataset.
    pub dataset: String,
    /// The version.
    pub version: String,
    /// SHA-256 of the query's text.
    pub query: String,
    /// The snapshots it read.
    pub inputs: Vec<LockedInput>,
}

/// The longest query text folio runs, in bytes. Real queries are a few hundred bytes;
/// DataFusion plans a 20,000-term sum (80 KB) in minutes, so a hostile query could hang a
/// build.
pub const MAX_QUERY: usize = 16 << 10;

/// How to get a folio that can run queries, for the diagnostic of one that cannot.
pub const ENGINE_HINT: &str = "this folio was built without the query engine; build with it: `cargo run --release --features engine -- build` (the first build of the engine takes several minutes; see the README)";

/// Makes every derived version ready: a pinned one is checked against its pin (its file is
/// read like any snapshot's), a new one is computed and added to `registry` with its bytes
/// held in memory ([`Snapshot::computed`]). Returns the pins of the derived versions (new
/// and old), the ids (`dataset@version`) of those that failed (what rests on them is not
/// reported again), and the diagnostics. With `locked`, computing is an error.
pub fn derive(
    registry: &mut Registry,
    lock: &Lock,
    locked: bool,
) -> (Vec<Pin>, BTreeSet<String>, Vec<Diagnostic>) {
    let mut errors = Vec::new();
    let mut pins = Vec::new();
    let mut waiting: Vec<Derivation> = registry.derivations.clone();
    let mut failed: BTreeSet<String> = BTreeSet::new();
    // Derived inputs first: each pass takes the versions whose derived inputs are done.
    while !waiting.is_empty() {
        let derived: BTreeSet<String> = waiting.iter().map(Derivation::id).collect();
        let (ready, rest): (Vec<_>, Vec<_>) = waiting
            .into_iter()
            .partition(|d| d.inputs.values().all(|i| !derived.contains(i)));
        if ready.is_empty() {
            for d in &rest {
                failed.insert(d.id());
                errors.push(at_input(d, d.inputs.values().next().map_or("", String::as_str), format!(
                    "the inputs of derived version {} depend on it, through other derived versions",
                    d.id()
                ), "a derived version reads versions made before it: break the cycle"));
            }
            break;
        }
        for d in ready {
            if d.inputs.values().any(|i| failed.contains(i)) {
                failed.insert(d.id()); // Its input's fault is reported there.
                continue;
            }
            match derive_one(registry, lock, locked, &d) {
                Ok(pin) => pins.extend(pin),
                Err(e) => {
                    failed.insert(d.id());
                    errors.extend(e);
                }
            }
        }
        waiting = rest;
    }
    (pins, failed, errors)
}

/// A diagnostic at the line of `dataset.toml` that names `input`.
fn at_input(d: &Derivation, input: &str, message: String, hint: &str) -> Diagnostic {
    let source = Source::new(&d.toml.path, &d.toml.text);
    let at = d.toml.text.find(&format!("\"{input}\"")).unwrap_or(0);
    source.error_at(at, message).with_hint(hint)
}

/// One derived version; see [`derive`]. `Ok(None)` when its pinned file is missing (the
/// lock's diagnostic says so).
fn derive_one(
    registry: &mut Registry,
    lock: &Lock,
    locked: bool,
    d: &Derivation,
) -> Result<Option<Pin>, Vec<Diagnostic>> {
    let query_source = Source::new(&d.query.path, &d.query.text);
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    for (name, reference) in &d.inputs {
        match registry.resolve(reference) {
            Ok(snapshot) => inputs.push(LockedInput {
                name: name.clone(),
                data: reference.clone(),
                sha256: snapshot.sha256.clone(),
            }),
            Err((message, hint)) => {
                let mut e = at_input(d, reference, format!("input {name}: {message}"), "");
                e.hint = hint;
                errors.push(e);
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let pin = Pin {
        dataset: d.dataset.clone(),
        version: d.version.clone(),
        query: crate::data::sha256_bytes(d.query.text.as_bytes()),
        inputs,
    };
    let on_disk = registry.resolve(&d.id()).ok().map(|s| s.sha256.clone());
    match lock.snapshot(&d.dataset, &d.version) {
        Some(entry) => {
            let changed = match &entry.query {
                None => Some(("it was published as a snapshot of its own, not made by a query".to_string(), &d.query.path)),
                Some(q) if *q != pin.query => Some((format!("its query has changed since it was published (SHA-256 {} then, {} now)", q, pin.query), &d.query.path)),
                Some(_) if entry.inputs != pin.inputs => Some((format!("its inputs have changed since it was published ({} then, {} now)", inputs_text(&entry.inputs), inputs_text(&pin.inputs)), &d.toml.path)),
                Some(_) => None,
            };
            if let Some((why, file)) = changed {
                return Err(vec![Diagnostic::file(file, format!("derived version {}: {why}", d.id())).with_hint(
                    "a published version never changes: give the new query or inputs a new version ([derived.\"<new version>\"] and <new version>.sql), and restore these",
                )]);
            }
            Ok(on_disk.map(|_| pin))
        }
        None if locked => Err(vec![query_source.error_at(0, format!(
            "derived version {} is not computed and pinned in folio.lock yet",
            d.id()
        )).with_hint("run `folio build` without --locked to compute it, and commit its .csv and folio.lock")]),
        None => {
            // Its answer, if the query ran while its inputs were checked and the checks
            // found the columns it read them with.
            let early = registry
                .early
                .iter()
                .find(|e| {
                    e.id == d.id()
                        && e.columns.iter().all(|(reference, columns)| {
                            registry.resolve(reference).is_ok_and(|s| {
                                s.table.streamed().is_some()
                                    && s.table.columns.len() == columns.len()
                                    && s.table
                                        .columns
                                        .iter()
                                        .zip(columns)
                                        .all(|(c, (name, kind))| c.name == *name && c.kind == *kind)
                            })
                        })
                })
                .map(|e| e.answer.clone());
            let answer = run_query(registry, &query_source, &d.query.text, &d.inputs, true, early)?;
            let bytes = csv_bytes(&answer);
            let rel = crate::project::snapshot_path(&d.dataset, &d.version);
            let dataset = registry
                .datasets
                .get_mut(&d.dataset)
                .expect("a derivation's dataset is loaded");
            if let Some(sha) = on_disk {
                if sha != crate::data::sha256_bytes(&bytes) {
                    return Err(vec![Diagnostic::file(&rel, format!(
                        "this file does not hold what the query of derived version {} returns",
                        d.id()
                    )).with_hint("folio writes a derived version's file itself: delete this one and build again")]);
                }
                return Ok(Some(pin));
            }
            let (table, sha256, size) =
                crate::data::read_snapshot_bytes(&bytes, &rel, &dataset.meta).map_err(|e| {
                    let mut e: Vec<Diagnostic> = e;
                    for d in &mut e {
                        d.message = format!("the query's result does not fit dataset.toml: {}", d.message);
                    }
                    e
                })?;
            dataset.snapshots.push(Snapshot {
                dataset: d.dataset.clone(),
                version: d.version.clone(),
                full_path: rel.clone(),
                path: rel,
                sha256,
                size,
                table,
                computed: Some(Arc::new(bytes)),
            });
            dataset
                .snapshots
                .sort_by_key(|s| crate::names::version_order(&s.version));
            Ok(Some(pin))
        }
    }
}

fn inputs_text(inputs: &[LockedInput]) -> String {
    inputs
        .iter()
        .map(|i| {
            format!(
                "{} = {} ({})",
                i.name,
                i.data,
                &i.sha256[..i.sha256.len().min(12)]
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Runs `sql` (the text `source` locates) over the named inputs, each resolved in
/// `registry`, or takes its `early` answer (computed while the inputs were checked); a
/// failure becomes a diagnostic in `source`.
fn run_query(
    registry: &Registry,
    source: &Source<'_>,
    sql: &str,
    inputs: &BTreeMap<String, String>,
    ordered: bool,
    early: Option<Result<Answer, Failure>>,
) -> Result<Answer, Vec<Diagnostic>> {
    let tables: Vec<Input<'_>> = inputs
        .iter()
        .filter_map(|(name, reference)| {
            registry.resolve(reference).ok().map(|s| Input {
                name,
                table: &s.table,
                file: (s.table.streamed().is_some() || s.extension() == "parquet")
                    .then_some(s.full_path.as_path()),
            })
        })
        .collect();
    // The first character of the query, for diagnostics that cannot be placed better.
    let start = sql.len() - sql.trim_start().len();
    if sql.len() > MAX_QUERY {
        return Err(vec![source
            .error_at(start, format!("this query is {} bytes long; folio runs queries of at most {} KiB", sql.len(), MAX_QUERY >> 10))
            .with_hint("planning time grows faster than a query's length: compute in steps, each a derived version read by the next")]);
    }
    early
        .unwrap_or_else(|| engine::run(sql, &tables, ordered))
        .map_err(|failure| {
            vec![match failure {
            Failure::Sql { message, at } => source
                .error_at(at.unwrap_or(start), format!("the query failed: {message}"))
                .with_hint(format!(
                    "the query can read {}",
                    inputs.keys().cloned().collect::<Vec<_>>().join(", ")
                )),
            Failure::Refused { message, hint, at } => source
                .error_at(at.unwrap_or(start), message)
                .with_hint(hint),
            Failure::Unavailable => source
                .error_at(
                    start,
                    "this query has not been run and pinned yet, and this folio cannot run queries",
                )
                .with_hint(ENGINE_HINT),
        }]
        })
}

/// A result as a snapshot file: a header, then one line per row, CSV-quoted where needed,
/// `NULL` as an empty cell, LF line ends.
pub fn csv_bytes(answer: &Answer) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let header: Vec<&str> = answer.columns.iter().map(|(n, _)| n.as_str()).collect();
    // Writing to memory cannot fail.
    let _ = writer.write_record(&header);
    for row in &answer.rows {
        let _ = writer.write_record(row.iter().map(|c| c.as_deref().unwrap_or("")));
    }
    writer.into_inner().unwrap_or_default()
}

/// A `claim` block's TOML.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClaimSpec {
    /// Name in the query -> `dataset@version`.
    inputs: BTreeMap<String, String>,
    /// A query returning one row with a boolean column `holds`.
    sql: toml::Spanned<String>,
}

/// A claim of the prose, found by the Markdown pass.
pub struct ClaimSite<'a> {
    /// The page's Markdown file (relative to the project root), for the lock.
    pub page: String,
    /// Locates offsets of `body`.
    pub source: Source<'a>,
    /// The block's TOML.
    pub body: &'a str,
}

/// A claim that holds, as the page shows it.
#[derive(Debug, Clone)]
pub struct Claim {
    /// The query.
    pub sql: String,
    /// (name, `dataset@version`) in name order.
    pub inputs: Vec<(String, String)>,
    /// The values the query returned besides `holds`, as `name = value; ...`.
    pub values: String,
}

/// The key a claim is pinned under: the SHA-256 of its query and of each input's name,
/// `dataset@version` and SHA-256.
pub fn claim_key(sql: &str, inputs: &[LockedInput]) -> String {
    let mut text = format!("folio claim 1\n{sql}\n");
    for i in inputs {
        text.push_str(&format!("{}={}:{}\n", i.name, i.data, i.sha256));
    }
    crate::data::sha256_bytes(text.as_bytes())
}

/// Checks one claim: read from `lock` when pinned there, else run (an error with
/// `locked`). Returns the claim and its lock entry, or its diagnostics.
/// A claim that reads a snapshot in `missing` (one whose fault is reported elsewhere) fails
/// with no diagnostic of its own.
pub fn check_claim(
    site: &ClaimSite<'_>,
    registry: &Registry,
    lock: &Lock,
    locked: bool,
    missing: &BTreeSet<String>,
) -> Result<(Claim, LockedClaim), Vec<Diagnostic>> {
    let source = &site.source;
    let spec: ClaimSpec = toml::from_str(site.body).map_err(|e| {
        let mut d = crate::diag::toml_error(source, "invalid claim", &e);
        d.hint = Some("a claim holds inputs = { name = \"dataset@version\" } and sql = \"SELECT ... AS holds\"".to_string());
        vec![d]
    })?;
    if spec.inputs.values().any(|i| missing.contains(i)) {
        return Err(Vec::new());
    }
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    for (name, reference) in &spec.inputs {
        let at = site.body.find(&format!("\"{reference}\"")).unwrap_or(0);
        if !crate::names::is_identifier(name) {
            errors.push(source.error_at(at, format!("input name {name:?} is not a SQL name")).with_hint(
                "name inputs with lowercase letters, digits and underscores, starting with a letter",
            ));
            continue;
        }
        match registry.resolve(reference) {
            Ok(snapshot) => inputs.push(LockedInput {
                name: name.clone(),
                data: reference.clone(),
                sha256: snapshot.sha256.clone(),
            }),
            Err((message, hint)) => {
                let mut e = source.error_at(at, format!("input {name}: {message}"));
                e.hint = hint;
                errors.push(e);
            }
        }
    }
    if spec.inputs.is_empty() {
        errors.push(source.error_at(0, "a claim names no inputs").with_hint(
            "name the pinned snapshots its query reads: inputs = { releases = \"model-releases@2026-11-29\" }",
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let sql = spec.sql.get_ref().clone();
    let key = claim_key(&sql, &inputs);
    let claim = |values: String| Claim {
        sql: sql.clone(),
        inputs: inputs
            .iter()
            .map(|i| (i.name.clone(), i.data.clone()))
            .collect(),
        values,
    };
    if let Some(pinned) = lock.claim.iter().find(|c| c.key == key) {
        let entry = LockedClaim {
            page: site.page.clone(),
            ..pinned.clone()
        };
        return Ok((claim(pinned.values.clone()), entry));
    }
    // Where the query's text starts in the block, for the engine's diagnostics.
    let span = spec.sql.span();
    let raw = &site.body[span.clone()];
    let first = sql.trim_start().lines().next().unwrap_or("");
    let start = span.start + raw.find(first).unwrap_or(0);
    let lead = sql.len() - sql.trim_start().len();
    let sql_source = source.fragment(start.saturating_sub(lead));
    if locked {
        return Err(vec![
            source
                .error_at(0, "this claim is not checked and pinned in folio.lock yet")
                .with_hint("run `folio build` without --locked to check it, and commit folio.lock"),
        ]);
    }
    let answer = run_query(registry, &sql_source, &sql, &spec.inputs, false, None)?;
    let values = answer_values(&answer);
    let holds = answer.columns.iter().position(|(n, _)| n == "holds");
    let Some(holds) = holds.filter(|&i| answer.columns[i].1 == engine::Kind::Boolean) else {
        return Err(vec![source.error_at(span.start, "a claim's query must return a boolean column named holds").with_hint(
            "end the select list with the comparison, e.g. SELECT max(a) AS a, max(b) AS b, max(a) > max(b) AS holds FROM ...",
        )]);
    };
    if answer.rows.len() != 1 {
        return Err(vec![
            source
                .error_at(
                    span.start,
                    format!(
                        "a claim's query must return one row; this one returned {}",
                        answer.rows.len()
                    ),
                )
                .with_hint(
                    "aggregate the rows the claim is about (max, min, sum, count, bool_and)",
                ),
        ]);
    }
    match answer.rows[0][holds].as_deref() {
        Some("true") => {}
        other => {
            let seen = if values.is_empty() {
                String::new()
            } else {
                format!(" ({values})")
            };
            return Err(vec![source.error_at(0, format!(
                "this claim does not hold on its data: holds = {}{seen}",
                other.unwrap_or("NULL")
            )).with_hint("correct the sentence it backs (and this claim), or check the inputs it names")]);
        }
    }
    let shown = claim(values.clone());
    let entry = LockedClaim {
        key,
        page: site.page.clone(),
        values,
        inputs,
    };
    Ok((shown, entry))
}

/// The values of a one-row answer besides `holds`, as `name = value; ...`.
fn answer_values(answer: &Answer) -> String {
    let Some(row) = answer.rows.first() else {
        return String::new();
    };
    answer
        .columns
        .iter()
        .zip(row)
        .filter(|((name, _), _)| name != "holds")
        .map(|((name, _), cell)| format!("{name} = {}", cell.as_deref().unwrap_or("NULL")))
        .collect::<Vec<_>>()
        .join("; ")
}
