//! Datasets and their versioned CSV snapshots.
//!
//! In: `data/<dataset>/dataset.toml` and `data/<dataset>/<version>.csv`. Out: a
//! [`Registry`] of datasets, each with its metadata and its snapshots parsed once into a
//! [`Table`] of typed columns, with the SHA-256 of each file; or diagnostics naming file,
//! line and column.
//!
//! Steps, per snapshot (snapshots are read in parallel): stream the file through SHA-256
//! and the csv reader (never holding the raw file in memory), check UTF-8, check every row
//! has as many cells as the header, check declared columns exist and each of their cells
//! parses as the declared type, and infer a type for undeclared columns.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::diag::{Diagnostic, Source};
use crate::error::Error;
use crate::names::{is_version, parse_date, version_order};

/// The type of a column's cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnType {
    /// Any text.
    String,
    /// A whole number (`i64`).
    Integer,
    /// A decimal number (finite `f64`).
    Number,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    Date,
}

impl ColumnType {
    /// The name used in `dataset.toml`.
    pub fn name(self) -> &'static str {
        match self {
            ColumnType::String => "string",
            ColumnType::Integer => "integer",
            ColumnType::Number => "number",
            ColumnType::Date => "date",
        }
    }

    /// True for integer and number columns.
    pub fn is_numeric(self) -> bool {
        matches!(self, ColumnType::Integer | ColumnType::Number)
    }

    /// True when `cell` (not empty) is a valid value of this type.
    pub fn accepts(self, cell: &str) -> bool {
        match self {
            ColumnType::String => true,
            ColumnType::Integer => cell.parse::<i64>().is_ok(),
            ColumnType::Number => parse_number(cell).is_some(),
            ColumnType::Date => parse_date(cell).is_some(),
        }
    }
}

/// The source keys a cell of a dataset's `source_column` holds: one bibliography key, or
/// several separated by `;`, each trimmed. An empty cell holds none.
pub fn source_keys(cell: &str) -> impl Iterator<Item = &str> {
    cell.split(';').map(str::trim).filter(|key| !key.is_empty())
}

/// A finite number; `NaN` and `inf` are not numbers in a dataset.
pub fn parse_number(cell: &str) -> Option<f64> {
    let first = cell.bytes().next()?;
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return None;
    }
    cell.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// A column as described in `dataset.toml`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnMeta {
    /// The cells' type. Required.
    #[serde(rename = "type")]
    pub kind: ColumnType,
    /// The unit, e.g. `%`, `USD`, `downloads`. Default: none.
    #[serde(default)]
    pub unit: String,
    /// Decimal places shown. Default: the cell as written.
    #[serde(default)]
    pub digits: Option<u8>,
    /// What the column holds. Default: empty.
    #[serde(default)]
    pub description: String,
    /// A human name for axis titles, tooltips and table headers, without the unit.
    /// Default: the description, or else the column's name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub label: String,
    /// How numbers are written: `grouped` (`6,000`), `compact` (`2.2 billion`) or
    /// `ungrouped` (`2024`). Default: `grouped`.
    #[serde(default, skip_serializing_if = "is_default")]
    pub format: crate::number::Style,
    /// A power of ten the cells are multiplied by when shown (`1e6` for a column held in
    /// millions), as a power of ten's exponent. Default: 1 (exponent 0).
    #[serde(
        default,
        deserialize_with = "deserialize_scale",
        serialize_with = "serialize_scale",
        skip_serializing_if = "is_default"
    )]
    pub scale: i32,
}

impl ColumnMeta {
    /// A declaration of a column of type `kind` and nothing else.
    pub fn of(kind: ColumnType) -> ColumnMeta {
        ColumnMeta {
            kind,
            unit: String::new(),
            digits: None,
            description: String::new(),
            label: String::new(),
            format: crate::number::Style::Grouped,
            scale: 0,
        }
    }
}

/// True when two column descriptions pinned for figure versions (JSON maps of column name to
/// [`ColumnMeta`]) show the same: `description` is documentation, which a figure shows only
/// through its label, so it is left out. False when either cannot be read.
pub fn same_display(a: &str, b: &str) -> bool {
    let read = |text: &str| {
        serde_json::from_str::<BTreeMap<String, ColumnMeta>>(text)
            .ok()
            .map(|mut columns| {
                for meta in columns.values_mut() {
                    meta.description.clear();
                }
                columns
            })
    };
    matches!((read(a), read(b)), (Some(a), Some(b)) if a == b)
}

/// True when `text` holds `words` between non-alphanumeric characters: the label
/// "Cumulative downloads" holds the unit "downloads", "Total emissions" does not hold "t".
fn contains_words(text: &str, words: &str) -> bool {
    text.match_indices(words).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + words.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

/// Reads `scale` as written in TOML (`1000000`, `1e6`, `0.001`) into its exponent.
fn deserialize_scale<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<i32, D::Error> {
    let value = toml::Value::deserialize(deserializer)?;
    let text = match &value {
        toml::Value::Integer(n) => n.to_string(),
        toml::Value::Float(x) => format!("{x:e}"),
        other => other.to_string(),
    };
    crate::number::scale_exponent(&text).ok_or_else(|| {
        serde::de::Error::custom(format!(
            "scale must be a power of ten such as 1000 or 1e6 (at most 1e{max} or 1e-{max}), not {text}",
            max = crate::number::MAX_SCALE
        ))
    })
}

fn serialize_scale<S: serde::Serializer>(exponent: &i32, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_f64(10f64.powi(*exponent))
}

/// Notes on one version of a dataset, in `dataset.toml` under `[versions."<v>"]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct VersionMeta {
    /// When the data was retrieved from its source (`YYYY-MM-DD`). Default: none.
    #[serde(default)]
    pub retrieved: Option<TomlDate>,
    /// What is new or special in this version. Default: empty.
    #[serde(default)]
    pub notes: String,
}

/// A date written in TOML either as a date (`2025-11-27`) or as a string.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct TomlDate(pub String);

impl<'de> Deserialize<'de> for TomlDate {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = toml::Value::deserialize(deserializer)?;
        let text = match value {
            toml::Value::String(s) => s,
            toml::Value::Datetime(d) => d.to_string(),
            other => {
                return Err(serde::de::Error::custom(format!(
                    "expected a date, found {}",
                    other.type_str()
                )));
            }
        };
        match parse_date(&text) {
            Some((_, m, d)) if m > 0 && d > 0 => Ok(TomlDate(text)),
            _ => Err(serde::de::Error::custom(format!(
                "{text:?} is not a date of the form YYYY-MM-DD"
            ))),
        }
    }
}

/// `dataset.toml`: what a dataset is, once for all its versions.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DatasetMeta {
    /// The dataset's title. Required.
    pub title: String,
    /// What it holds and how it was made. Default: empty.
    #[serde(default)]
    pub description: String,
    /// Who published the data. Default: empty.
    #[serde(default)]
    pub source: String,
    /// Where the source publishes it. Default: empty.
    #[serde(default)]
    pub source_url: String,
    /// The data's licence or terms of use. Default: empty.
    #[serde(default)]
    pub license: String,
    /// Columns that identify a row, for telling changed rows from added and removed ones
    /// between versions. Default: none (rows are compared whole).
    #[serde(default)]
    pub key: Vec<String>,
    /// The column that holds each row's source: a key of the bibliography
    /// (`content/references.bib`), or several separated by `;`. Figure, dataset and chapter
    /// pages then cite exactly the sources of the rows they show. Default: none (pages name
    /// `source`).
    #[serde(default)]
    pub source_column: Option<String>,
    /// Declared columns. Default: none (all inferred).
    #[serde(default)]
    pub columns: BTreeMap<String, ColumnMeta>,
    /// Notes per version. Default: none.
    #[serde(default)]
    pub versions: BTreeMap<String, VersionMeta>,
    /// Versions computed by a query (`[derived."<version>"]`), each with its inputs; the
    /// query is `data/<dataset>/<version>.sql`. Default: none.
    #[serde(default)]
    pub derived: BTreeMap<String, DerivedMeta>,
}

/// A derived version in `dataset.toml`: `[derived."<version>"]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DerivedMeta {
    /// The query's inputs: the name a table has in the query -> the pinned snapshot it
    /// reads (`dataset@version`), e.g. `{ releases = "model-releases@2026-11-29" }`.
    pub inputs: BTreeMap<String, String>,
}

/// A column of a snapshot: its name, its type, and whether the type was declared.
#[derive(Debug, Clone)]
pub struct Column {
    /// The header cell.
    pub name: String,
    /// Declared, or inferred from the cells.
    pub kind: ColumnType,
    /// The declaration in `dataset.toml`, when there is one.
    pub meta: Option<ColumnMeta>,
}

impl Column {
    /// The unit, when declared.
    pub fn unit(&self) -> &str {
        self.meta.as_ref().map_or("", |m| m.unit.as_str())
    }

    /// The column's name for readers: its label, else its description, else its name.
    pub fn label(&self) -> &str {
        match &self.meta {
            Some(m) if !m.label.is_empty() => &m.label,
            Some(m) if !m.description.is_empty() => &m.description,
            _ => &self.name,
        }
    }

    /// How this column's numbers are written ([`crate::number`]). An undeclared integer
    /// column named `year` (or `…_year`, `year_…`) holds years, which are never grouped
    /// (`2024`, not `2,024`); a declared one says so with `format = "ungrouped"`.
    pub fn number_format(&self) -> crate::number::NumberFormat {
        let meta = self.meta.as_ref();
        let name = self.name.to_ascii_lowercase();
        let years = meta.is_none()
            && self.kind == ColumnType::Integer
            && (name == "year" || name.ends_with("_year") || name.starts_with("year_"));
        crate::number::NumberFormat {
            style: match meta {
                Some(m) => m.format,
                None if years => crate::number::Style::Ungrouped,
                None => crate::number::Style::Grouped,
            },
            scale: meta.map_or(0, |m| m.scale),
            digits: meta.and_then(|m| m.digits),
            unit: self.unit().to_string(),
        }
    }

    /// Formats a cell for a reader by the column's number format, with the unit
    /// (`17.0%`, `2.2 billion`). An empty cell is a missing value and shows as `–`; text
    /// is shown as written.
    pub fn format(&self, cell: &str) -> String {
        self.format_with(cell, &self.number_format())
    }

    /// Like [`Column::format`], with another number format (a value role's options).
    pub fn format_with(&self, cell: &str, format: &crate::number::NumberFormat) -> String {
        if cell.is_empty() {
            return "–".to_string();
        }
        match self.kind.is_numeric() {
            true => format.text(cell),
            false => None,
        }
        .unwrap_or_else(|| cell.to_string())
    }

    /// Formats a cell like [`Column::format`] but without the unit, for tables whose
    /// header names the unit.
    pub fn format_plain(&self, cell: &str) -> String {
        if cell.is_empty() {
            return "–".to_string();
        }
        match self.kind.is_numeric() {
            true => self.number_format().bare(cell),
            false => None,
        }
        .unwrap_or_else(|| cell.to_string())
    }

    /// The header of this column in a table: its label, and the unit when the cells do not
    /// carry it (`Share of downloads (%)`).
    pub fn heading(&self) -> String {
        match self.unit() {
            "" => self.label().to_string(),
            unit if contains_words(self.label(), unit) => self.label().to_string(),
            unit => format!("{} ({unit})", self.label()),
        }
    }
}

/// A snapshot's cells, row by row, in one string: cell `(row, col)` ends at
/// `ends[row * width + col]`. One allocation for the text and one for the offsets keeps a
/// large snapshot close to its file size in memory.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// The columns, in header order.
    pub columns: Vec<Column>,
    text: String,
    ends: Vec<u32>,
    /// For a snapshot too large to hold ([`stream_above`]): how many data rows its file
    /// has. Such a table holds its columns and no cells; queries read the file itself.
    streamed: Option<usize>,
    /// A streamed snapshot's first [`HEAD_ROWS`] rows, for its page's preview.
    head: Vec<Vec<String>>,
    /// The keys of the dataset's `source_column`, counted as the file was read.
    source_counts: Vec<SourceCount>,
}

/// How many of a streamed snapshot's first rows are kept for its preview.
pub const HEAD_ROWS: usize = 10;

/// A source key of a snapshot's `source_column`: how many rows give it, and where the
/// first of them starts (a byte offset of the file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceCount {
    /// The bibliography key.
    pub key: String,
    /// Rows that give it.
    pub rows: usize,
    /// The byte offset of the first row that gives it.
    pub first: u64,
}

impl Table {
    /// The rows of a streamed snapshot's file, or `None` for a table that holds its cells.
    pub fn streamed(&self) -> Option<usize> {
        self.streamed
    }

    /// The number of data rows of the snapshot, held or streamed.
    pub fn row_count(&self) -> usize {
        self.streamed.unwrap_or_else(|| self.rows())
    }

    /// The first rows of the snapshot (at most `n`), as text, held or streamed.
    pub fn head(&self, n: usize) -> Vec<Vec<String>> {
        match self.streamed {
            Some(_) => self.head.iter().take(n).cloned().collect(),
            None => (0..self.rows().min(n))
                .map(|r| {
                    (0..self.columns.len())
                        .map(|c| self.cell(r, c).to_string())
                        .collect()
                })
                .collect(),
        }
    }

    /// The keys of the dataset's `source_column` in the order they first appear, each with
    /// its row count and first row (see [`source_keys`]); empty when the dataset names no
    /// source column or the snapshot lacks it.
    pub fn source_counts(&self) -> &[SourceCount] {
        &self.source_counts
    }

    /// The number of data rows.
    pub fn rows(&self) -> usize {
        if self.columns.is_empty() {
            0
        } else {
            self.ends.len() / self.columns.len()
        }
    }

    /// The cell at `row`, `col` exactly as written in the CSV (unquoted).
    pub fn cell(&self, row: usize, col: usize) -> &str {
        let i = row * self.columns.len() + col;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
    }

    /// The distinct source keys that column `col` gives `rows` (see [`source_keys`]), in the
    /// order they first appear.
    pub fn sources(&self, col: usize, rows: impl IntoIterator<Item = usize>) -> Vec<String> {
        let mut keys: Vec<String> = Vec::new();
        for row in rows {
            for key in source_keys(self.cell(row, col)) {
                if !keys.iter().any(|k| k == key) {
                    keys.push(key.to_string());
                }
            }
        }
        keys
    }

    /// The index of the column called `name`.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    /// The column names, for hints.
    pub fn column_names(&self) -> String {
        self.columns
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// One published version of a dataset.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// The dataset's name.
    pub dataset: String,
    /// The version: an ISO date or `v<N>`.
    pub version: String,
    /// The file, relative to the project root.
    pub path: PathBuf,
    /// The file on disk.
    pub full_path: PathBuf,
    /// SHA-256 of the file's bytes, lowercase hex.
    pub sha256: String,
    /// The file's size in bytes.
    pub size: u64,
    /// The parsed cells.
    pub table: Table,
    /// The file's bytes, when this build computed them (a new derived version) and has not
    /// written them yet: they are served from here and written beside `folio.lock` when
    /// the build succeeds. `None` for a file on disk.
    pub computed: Option<std::sync::Arc<Vec<u8>>>,
}

impl Snapshot {
    /// This snapshot when it holds its cells, as a chart or a value needs; a streamed one
    /// ([`stream_above`]) is refused with what to do instead.
    pub fn held(&self) -> Result<&Snapshot, (String, Option<String>)> {
        match self.table.streamed() {
            None => Ok(self),
            Some(rows) => Err((
                format!(
                    "{} is too large to load ({} bytes, {} rows; snapshots over {} bytes are streamed)",
                    self.id(),
                    crate::number::count(self.size),
                    crate::number::count(rows as u64),
                    crate::number::count(stream_above()),
                ),
                Some("derive a smaller dataset from it with a query ([derived] in dataset.toml, e.g. one row per group) and name that".to_string()),
            )),
        }
    }

    /// `dataset@version`.
    pub fn id(&self) -> String {
        format!("{}@{}", self.dataset, self.version)
    }

    /// The file's extension: `csv` or `parquet`.
    pub fn extension(&self) -> &str {
        self.path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("csv")
    }

    /// The file's name: `<version>.csv` or `<version>.parquet`.
    pub fn file_name(&self) -> String {
        format!("{}.{}", self.version, self.extension())
    }

    /// The 1-based line of the snapshot file where data row `row` (0-based) starts, counted
    /// from its byte offset, so right whatever the line endings. Reads the file again, as
    /// it was read when loaded (a loaded snapshot's rows are its records after the header,
    /// blank lines aside): for diagnostics only, so that no offset per row is kept in
    /// memory. 0 when the file cannot be read.
    pub fn line_of(&self, row: usize) -> usize {
        let Ok(text) = std::fs::read_to_string(&self.full_path) else {
            return 0;
        };
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let start = reader
            .byte_records()
            .skip(1)
            .filter_map(Result::ok)
            .filter(|r| !(r.len() == 1 && r.get(0).is_some_and(<[u8]>::is_empty)))
            .nth(row)
            .and_then(|r| r.position().map(csv::Position::byte));
        match start {
            Some(byte) => {
                let at = record_start(&text, byte);
                crate::diag::Source::new(&self.path, &text).locate(at).0
            }
            None => 0,
        }
    }
}

/// A dataset: its metadata and its snapshots, oldest version first.
#[derive(Debug, Clone)]
pub struct Dataset {
    /// The directory name: a slug.
    pub name: String,
    /// `dataset.toml`.
    pub meta: DatasetMeta,
    /// Snapshots in version order.
    pub snapshots: Vec<Snapshot>,
}

impl Dataset {
    /// The snapshot of `version`.
    pub fn snapshot(&self, version: &str) -> Option<&Snapshot> {
        self.snapshots.iter().find(|s| s.version == version)
    }

    /// The versions, for hints.
    pub fn version_list(&self) -> String {
        self.snapshots
            .iter()
            .map(|s| s.version.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Every dataset of the project, by name.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    /// Datasets by name (sorted).
    pub datasets: BTreeMap<String, Dataset>,
    /// Every derived version, by dataset and version (see [`crate::query`]).
    pub derivations: Vec<Derivation>,
    /// Results of derived queries that ran while their inputs were checked.
    pub early: Vec<EarlyAnswer>,
}

/// A version of a dataset made by a query over pinned snapshots: `[derived."<version>"]`
/// in its `dataset.toml` and `data/<dataset>/<version>.sql`.
#[derive(Debug, Clone)]
pub struct Derivation {
    /// The dataset.
    pub dataset: String,
    /// The version it makes.
    pub version: String,
    /// `data/<dataset>/<version>.sql`.
    pub query: crate::project::SourceFile,
    /// Table name in the query -> `dataset@version` it reads.
    pub inputs: BTreeMap<String, String>,
    /// The dataset's `dataset.toml`, for diagnostics about the inputs.
    pub toml: crate::project::SourceFile,
}

impl Derivation {
    /// `dataset@version`.
    pub fn id(&self) -> String {
        format!("{}@{}", self.dataset, self.version)
    }

    /// The derivation of `dataset@version` in `derivations`, if it is derived.
    pub fn find<'a>(derivations: &'a [Derivation], id: &str) -> Option<&'a Derivation> {
        derivations.iter().find(|d| d.id() == id)
    }
}

impl Registry {
    /// Every snapshot, in (dataset, version) order.
    pub fn snapshots(&self) -> impl Iterator<Item = &Snapshot> {
        self.datasets.values().flat_map(|d| d.snapshots.iter())
    }

    /// Finds `dataset@version`, or says why not with a hint.
    pub fn resolve(&self, reference: &str) -> Result<&Snapshot, (String, Option<String>)> {
        let Some((name, version)) = reference.split_once('@') else {
            return Err((
                format!("{reference:?} does not name a version"),
                Some(format!(
                    "write dataset@version; there is no implicit latest{}",
                    self.datasets
                        .get(reference)
                        .map(|d| format!(" (versions: {})", d.version_list()))
                        .unwrap_or_default()
                )),
            ));
        };
        let Some(dataset) = self.datasets.get(name) else {
            let names: Vec<&str> = self.datasets.keys().map(String::as_str).collect();
            return Err((
                format!("unknown dataset {name:?}"),
                Some(if names.is_empty() {
                    "there are no datasets in data/".to_string()
                } else {
                    format!("datasets are {}", names.join(", "))
                }),
            ));
        };
        dataset.snapshot(version).ok_or_else(|| {
            (
                format!("unknown version {version:?} of dataset {name:?}"),
                Some(match dataset.snapshots.is_empty() {
                    true => format!("dataset {name:?} has no published version yet"),
                    false => format!("versions are {}", dataset.version_list()),
                }),
            )
        })
    }
}

/// The parse stage for data: every dataset's `dataset.toml` parsed and checked against
/// its snapshots, and every snapshot read, type-checked and checksummed (in parallel).
///
/// Snapshots are the one input the load stage does not read into memory: they may be far
/// larger than the rest of the project together, so each is streamed from the path load
/// found, parsed and hashed in one pass (see [`read_snapshot`]).
pub fn parse(datasets: &[crate::project::DatasetFiles]) -> Result<Registry, Error> {
    parse_with(datasets, true)
}

/// [`parse`], with `early` false for a command that computes nothing (`folio data list`):
/// no derived query runs while the snapshots are checked.
pub fn parse_with(
    datasets: &[crate::project::DatasetFiles],
    early: bool,
) -> Result<Registry, Error> {
    let mut errors = Vec::new();
    let mut jobs = Vec::new();
    let mut metas = BTreeMap::new();
    let mut derivations = Vec::new();
    for files in datasets {
        let meta = match parse_meta(&files.meta.path, &files.meta.text) {
            Ok(meta) => meta,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let name = &files.name;
        let toml_path = &files.meta.path;
        for (version, derived) in &meta.derived {
            match files.queries.iter().find(|q| &q.version == version) {
                Some(query) => derivations.push(Derivation {
                    dataset: name.clone(),
                    version: version.clone(),
                    query: query.file.clone(),
                    inputs: derived.inputs.clone(),
                    toml: files.meta.clone(),
                }),
                None => errors.push(
                    Diagnostic::file(
                        toml_path,
                        format!("derived version {version:?} has no query: data/{name}/{version}.sql does not exist"),
                    )
                    .with_hint("write the query that makes it in that file, or remove its [derived] entry"),
                ),
            }
        }
        for query in &files.queries {
            if !meta.derived.contains_key(&query.version) {
                errors.push(
                    Diagnostic::file(
                        &query.file.path,
                        format!("this query makes no version: dataset.toml has no [derived.\"{}\"] entry", query.version),
                    )
                    .with_hint(format!("name its inputs in data/{name}/dataset.toml: [derived.\"{}\"] inputs = {{ table = \"dataset@version\" }}", query.version)),
                );
            }
        }
        for version in meta.versions.keys() {
            if meta.derived.contains_key(version) {
                continue; // Computed by its query when its file is not there yet.
            }
            if !files.snapshots.iter().any(|s| &s.version == version) {
                errors.push(
                    Diagnostic::file(
                        toml_path,
                        format!("version {version:?} is described but data/{name}/{version}.csv does not exist"),
                    )
                    .with_hint("add the snapshot with `folio data add`, or remove its [versions] entry"),
                );
            }
        }
        for key in &meta.key {
            if !meta.columns.contains_key(key) {
                errors.push(
                    Diagnostic::file(toml_path, format!("key column {key:?} is not declared"))
                        .with_hint("declare it under [columns]"),
                );
            }
        }
        jobs.extend(files.snapshots.iter().map(|s| (name.clone(), s)));
        metas.insert(name.clone(), meta);
    }
    // A new derived version over large snapshots needs not wait for their checks: its
    // query runs beside them, and the check stage takes its answer if the checks find the
    // columns it was given (see `early_answers`).
    let plans = match early {
        true => early_plans(&derivations, &jobs, &metas),
        false => Vec::new(),
    };
    let (results, early): (Vec<_>, Vec<EarlyAnswer>) = std::thread::scope(|scope| {
        let early = scope.spawn(|| early_answers(plans));
        let results = read_all(jobs, &metas);
        (results, early.join().unwrap_or_default())
    });
    let mut datasets: BTreeMap<String, Dataset> = metas
        .into_iter()
        .map(|(name, meta)| {
            let dataset = Dataset {
                name: name.clone(),
                meta,
                snapshots: Vec::new(),
            };
            (name, dataset)
        })
        .collect();
    for result in results {
        match result {
            Ok(snapshot) => datasets
                .get_mut(&snapshot.dataset)
                .expect("a snapshot's dataset was loaded")
                .snapshots
                .push(snapshot),
            Err(SnapshotError::Content(e)) => errors.extend(e),
            Err(SnapshotError::Io(e)) => return Err(e),
        }
    }
    for dataset in datasets.values_mut() {
        dataset.snapshots.sort_by_key(|s| version_order(&s.version));
    }
    if errors.is_empty() {
        Ok(Registry {
            datasets,
            derivations,
            early,
        })
    } else {
        Err(errors.into())
    }
}

/// Reads every snapshot of `jobs` (dataset name, file), in parallel, in order.
fn read_all(
    jobs: Vec<(String, &crate::project::SnapshotFile)>,
    metas: &BTreeMap<String, DatasetMeta>,
) -> Vec<Result<Snapshot, SnapshotError>> {
    jobs.into_par_iter()
        .map(|(name, file)| {
            let meta = &metas[&name];
            let read = match file.path.extension().is_some_and(|e| e == "parquet") {
                true => read_parquet(&file.full_path, &file.path, meta),
                false => read_snapshot(&file.full_path, &file.path, meta),
            };
            read.map(|(table, sha256, size)| Snapshot {
                dataset: name,
                version: file.version.clone(),
                path: file.path.clone(),
                full_path: file.full_path.clone(),
                sha256,
                size,
                table,
                computed: None,
            })
        })
        .collect()
}

/// A derived version's result computed while its inputs were still being checked, and
/// what it was computed from.
#[derive(Debug, Clone)]
pub struct EarlyAnswer {
    /// `dataset@version`.
    pub id: String,
    /// Each input (`dataset@version`) with the columns and types the query read it with.
    pub columns: Vec<(String, Vec<(String, ColumnType)>)>,
    /// The engine's answer.
    pub answer: Result<crate::query::engine::Answer, crate::query::engine::Failure>,
}

/// A query to run early: the derivation, and each input's name, file and declared table.
struct EarlyPlan<'a> {
    derivation: &'a Derivation,
    inputs: Vec<(String, String, PathBuf, Table)>,
}

/// The derived versions whose query can run while their inputs are checked: new ones (no
/// file yet) whose every input is a snapshot file that will be streamed (a CSV over
/// [`stream_above`]) and whose every column is declared in `dataset.toml`, so that the
/// types the query reads it with are known from its header alone. With the engine only.
fn early_plans<'a>(
    derivations: &'a [Derivation],
    jobs: &[(String, &crate::project::SnapshotFile)],
    metas: &BTreeMap<String, DatasetMeta>,
) -> Vec<EarlyPlan<'a>> {
    if !crate::query::engine::AVAILABLE {
        return Vec::new();
    }
    let file_of = |id: &str| {
        let (name, version) = id.split_once('@')?;
        jobs.iter()
            .find(|(n, f)| n == name && f.version == version)
            .map(|(_, f)| *f)
    };
    derivations
        .iter()
        .filter(|d| file_of(&d.id()).is_none())
        .filter_map(|derivation| {
            let mut inputs = Vec::new();
            for (table_name, reference) in &derivation.inputs {
                let file = file_of(reference)?;
                let large =
                    std::fs::metadata(&file.full_path).is_ok_and(|m| m.len() > stream_above());
                if !large || file.path.extension().is_none_or(|e| e != "csv") {
                    return None;
                }
                let meta = metas.get(reference.split_once('@')?.0)?;
                let mut reader = csv::ReaderBuilder::new()
                    .has_headers(false)
                    .from_path(&file.full_path)
                    .ok()?;
                let mut header = csv::StringRecord::new();
                reader.read_record(&mut header).ok()?;
                let columns = header
                    .iter()
                    .map(|name| {
                        let name = name.trim_start_matches('\u{feff}').trim();
                        meta.columns.get(name).map(|m| Column {
                            name: name.to_string(),
                            kind: m.kind,
                            meta: Some(m.clone()),
                        })
                    })
                    .collect::<Option<Vec<_>>>()?;
                let table = Table {
                    columns,
                    streamed: Some(0),
                    ..Table::default()
                };
                inputs.push((
                    table_name.clone(),
                    reference.clone(),
                    file.full_path.clone(),
                    table,
                ));
            }
            Some(EarlyPlan { derivation, inputs })
        })
        .collect()
}

/// Runs each early plan's query, one after another (see [`early_plans`]).
fn early_answers(plans: Vec<EarlyPlan<'_>>) -> Vec<EarlyAnswer> {
    plans
        .into_iter()
        .map(|plan| {
            let inputs: Vec<crate::query::engine::Input<'_>> = plan
                .inputs
                .iter()
                .map(|(name, _, path, table)| crate::query::engine::Input {
                    name,
                    table,
                    file: Some(path),
                })
                .collect();
            let sql = &plan.derivation.query.text;
            let answer = match sql.len() > crate::query::MAX_QUERY {
                // Refused where it is checked, with its diagnostic.
                true => Err(crate::query::engine::Failure::Unavailable),
                false => crate::query::engine::run(sql, &inputs, true),
            };
            EarlyAnswer {
                id: plan.derivation.id(),
                columns: plan
                    .inputs
                    .iter()
                    .map(|(_, reference, _, table)| {
                        (
                            reference.clone(),
                            table
                                .columns
                                .iter()
                                .map(|c| (c.name.clone(), c.kind))
                                .collect(),
                        )
                    })
                    .collect(),
                answer,
            }
        })
        .collect()
}

/// Parses the text of a `dataset.toml`.
pub fn parse_meta(path: &Path, text: &str) -> Result<DatasetMeta, Diagnostic> {
    let source = Source::new(path, text);
    let meta: DatasetMeta = toml::from_str(text)
        .map_err(|e| crate::diag::toml_error(&source, "invalid dataset.toml", &e))?;
    let url = meta.source_url.trim();
    if !(url.is_empty() || url.starts_with("https://") || url.starts_with("http://")) {
        return Err(source
            .error_at(
                text.find("source_url").unwrap_or(0),
                format!("source_url {url:?} is not an http(s) address"),
            )
            .with_hint("write the full address, starting with https://"));
    }
    for (version, derived) in &meta.derived {
        let at = |needle: &str| text.find(needle).unwrap_or(0);
        if !is_version(version) {
            return Err(source
                .error_at(at(version), format!("{version:?} is not a version name"))
                .with_hint("versions are ISO dates (2025-11-27) or v<N> (v1)"));
        }
        if derived.inputs.is_empty() {
            return Err(source
                .error_at(at(version), format!("derived version {version:?} has no inputs"))
                .with_hint("name what its query reads: inputs = { releases = \"model-releases@2026-11-29\" }"));
        }
        for (table, reference) in &derived.inputs {
            if !crate::names::is_identifier(table) {
                return Err(source
                    .error_at(at(table), format!("input name {table:?} is not a SQL name"))
                    .with_hint("name inputs with lowercase letters, digits and underscores, starting with a letter, e.g. releases"));
            }
            if !reference.contains('@') {
                return Err(source
                    .error_at(
                        at(reference),
                        format!("input {table} = {reference:?} does not name a version"),
                    )
                    .with_hint("write dataset@version: a query reads pinned snapshots only"));
            }
        }
    }
    if let Some(bad) = meta.versions.keys().find(|v| !is_version(v)) {
        let offset = text.find(bad.as_str()).unwrap_or(0);
        return Err(source
            .error_at(offset, format!("{bad:?} is not a version name"))
            .with_hint("versions are ISO dates (2025-11-27) or v<N> (v1)"));
    }
    Ok(meta)
}

/// Why a snapshot could not be read.
pub enum SnapshotError {
    /// Problems in the file.
    Content(Vec<Diagnostic>),
    /// The file could not be read.
    Io(Error),
}

/// A problem found while reading a snapshot: where its record starts (a byte offset, `None`
/// for the whole file), the cell's field index when it is about one cell, what is wrong and
/// a hint. Lines are counted from the byte offset when the problem is reported, so they are
/// right whatever the file's line endings (the csv crate's own line count is not, for CRLF).
struct Problem {
    at: Option<u64>,
    field: Option<usize>,
    message: String,
    hint: Option<String>,
}

impl Problem {
    fn new(at: Option<u64>, message: impl Into<String>, hint: Option<String>) -> Self {
        Problem {
            at,
            field: None,
            message: message.into(),
            hint,
        }
    }
}

/// At most this many bad cells are reported per column; the rest are counted.
const CELL_ERRORS_PER_COLUMN: usize = 3;

/// Snapshots larger than this many bytes are streamed, not loaded: their cells are
/// type-checked and their checksum computed as they are read, and nothing of them is kept
/// but their columns and row count, so memory stays bounded whatever their size. A query
/// reads such a snapshot's file directly; a chart or a value cannot name it (a query can
/// derive a smaller dataset from it). 256 MiB, or `FOLIO_STREAM_ABOVE` (bytes), for
/// machines with less memory and for tests.
pub fn stream_above() -> u64 {
    static LIMIT: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *LIMIT.get_or_init(|| {
        const DEFAULT: u64 = 256 << 20;
        match std::env::var("FOLIO_STREAM_ABOVE") {
            Ok(value) => value.trim().parse().unwrap_or_else(|_| {
                eprintln!(
                    "warning: FOLIO_STREAM_ABOVE={value:?} is not a number of bytes; snapshots over {DEFAULT} bytes are streamed"
                );
                DEFAULT
            }),
            Err(_) => DEFAULT,
        }
    })
}

/// Reads a snapshot file, validates it against `meta`, and returns its table, SHA-256 and
/// size. `rel` is the path diagnostics name.
pub fn read_snapshot(
    full: &Path,
    rel: &Path,
    meta: &DatasetMeta,
) -> Result<(Table, String, u64), SnapshotError> {
    let io = |source| {
        SnapshotError::Io(Error::Io {
            action: "read",
            path: full.to_path_buf(),
            source,
        })
    };
    let open = || std::fs::File::open(full).map_err(io);
    // Every reader's handle is opened here, together, so that all read the same file.
    let (for_csv, for_hash, for_split) = (open()?, open()?, open()?);
    let size_hint = for_csv.metadata().map(|m| m.len()).unwrap_or(0);
    // The checksum is computed from a second reader on another thread while this one
    // parses: together they take about as long as parsing alone. A held snapshot of 1 MiB
    // or more is parsed by two readers, one from the first newline past its middle
    // (`parse_split`).
    let (hashed, (table, problems)) = std::thread::scope(|scope| {
        let hashing = scope.spawn(move || hash(for_hash));
        let mut problems: Vec<Problem> = Vec::new();
        let keep = size_hint <= stream_above();
        let table = if keep && (SPLIT_ABOVE..1 << 31).contains(&size_hint) {
            parse_split(
                for_csv,
                for_split,
                meta,
                size_hint,
                |file, after| split_point(file, size_hint, after),
                &mut problems,
            )
        } else {
            let mut reader = csv_reader().from_reader(for_csv);
            Ok(parse_table(
                &mut reader,
                meta,
                size_hint,
                keep,
                &mut problems,
            ))
        };
        let hashed = hashing
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("the checksum thread stopped")));
        (hashed, (table, problems))
    });
    let (sha256, size) = hashed.map_err(io)?;
    let table = table.map_err(io)?;
    if !problems.is_empty() {
        return Err(SnapshotError::Content(located(full, rel, problems)));
    }
    Ok((table, sha256, size))
}

/// [`read_snapshot`] for a Parquet file: typed from its schema (a declared column must have
/// a type that fits: integer columns hold integers, number columns numbers, date columns
/// dates or text that parses as dates), its rows read as a query's result is
/// ([`crate::query::engine::read_parquet`]). Needs the query engine.
pub fn read_parquet(
    full: &Path,
    rel: &Path,
    meta: &DatasetMeta,
) -> Result<(Table, String, u64), SnapshotError> {
    use crate::query::engine::{Answer, Failure, Kind};
    let size = std::fs::metadata(full).map_or(0, |m| m.len());
    // A large file: its schema and row count from its footer, its rows left to queries.
    // Large by what holding it would cost: its data uncompressed, or its cells as text,
    // which take far more than their encoding in the file: a held file's cells pass through
    // rows of strings, then CSV text, then a table, about 128 bytes a cell at the peak (an
    // 86 MB file of 48 million cells took 5.5 GB when this counted bytes alone).
    let read = crate::query::engine::parquet_footer(full).and_then(|footer| {
        let cells = (footer.rows as u64).saturating_mul(footer.columns.len() as u64);
        let cost = footer.uncompressed.max(size).max(cells.saturating_mul(128));
        match cost > stream_above() {
            true => Ok((
                Answer {
                    columns: footer.columns,
                    rows: Vec::new(),
                },
                Some(footer.rows),
            )),
            false => crate::query::engine::read_parquet(full).map(|answer| (answer, None)),
        }
    });
    let (answer, streamed) = read.map_err(|failure| {
        SnapshotError::Content(vec![match failure {
            Failure::Unavailable => Diagnostic::file(rel, "this folio cannot read Parquet snapshots")
                .with_hint(crate::query::ENGINE_HINT),
            Failure::Sql { message, .. } | Failure::Refused { message, .. } => {
                Diagnostic::file(rel, format!("cannot read this Parquet file: {message}"))
                    .with_hint("write it with a Parquet library (Arrow, pandas, DuckDB, polars) in columns of integers, floats, decimals, text, booleans or dates")
            }
        }])
    })?;
    let mut typed = meta.clone();
    let mut errors = Vec::new();
    for (name, kind) in &answer.columns {
        let schema_type = match kind {
            Kind::Integer => ColumnType::Integer,
            Kind::Number => ColumnType::Number,
            Kind::Date => ColumnType::Date,
            Kind::Boolean | Kind::Text => ColumnType::String,
        };
        match typed.columns.get(name).map(|c| c.kind) {
            None => {
                typed
                    .columns
                    .insert(name.clone(), ColumnMeta::of(schema_type));
            }
            Some(declared) => {
                let fits = declared == schema_type
                    || declared == ColumnType::String
                    || (declared == ColumnType::Number && schema_type == ColumnType::Integer)
                    || (declared == ColumnType::Date && schema_type == ColumnType::String);
                if !fits {
                    errors.push(
                        Diagnostic::file(rel, format!(
                            "column {name:?} is declared {} but the Parquet schema makes it {}",
                            declared.name(),
                            schema_type.name()
                        ))
                        .with_hint("change the declared type in dataset.toml, or write the column with that type"),
                    );
                }
            }
        }
    }
    if !errors.is_empty() {
        return Err(SnapshotError::Content(errors));
    }
    let csv = crate::query::csv_bytes(&answer);
    let (mut table, _, _) =
        read_snapshot_bytes(&csv, rel, &typed).map_err(SnapshotError::Content)?;
    table.streamed = streamed;
    let sha256 = sha256_file(full).map_err(SnapshotError::Io)?;
    Ok((table, sha256, size))
}

/// [`read_snapshot`] for a snapshot held in memory (a derived version computed by this
/// build): its table, SHA-256 and size, or its problems located at `rel`.
pub fn read_snapshot_bytes(
    bytes: &[u8],
    rel: &Path,
    meta: &DatasetMeta,
) -> Result<(Table, String, u64), Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let mut reader = csv_reader().from_reader(bytes);
    let table = parse_table(&mut reader, meta, bytes.len() as u64, true, &mut problems);
    if !problems.is_empty() {
        return Err(located_in(bytes, rel, problems));
    }
    Ok((table, sha256_bytes(bytes), bytes.len() as u64))
}

/// The SHA-256 (lowercase hex) of `bytes`.
pub fn sha256_bytes(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The SHA-256 (lowercase hex) of the file at `path`, read as a stream.
pub fn sha256_file(path: &Path) -> Result<String, Error> {
    let io = |source| Error::Io {
        action: "read",
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    hash(file).map(|(sha256, _)| sha256).map_err(io)
}

/// SHA-256 (lowercase hex) and size of everything `file` holds.
fn hash(mut file: std::fs::File) -> std::io::Result<(String, u64)> {
    let mut hasher = Sha256::new();
    let mut buffer = vec![0; 1 << 20];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        size += n as u64;
    }
    let digest = hasher.finalize();
    Ok((digest.iter().map(|b| format!("{b:02x}")).collect(), size))
}

/// Turns (line, message, hint) problems into diagnostics with the offending line, read
/// again from the file only now that something is wrong.
fn located(full: &Path, rel: &Path, problems: Vec<Problem>) -> Vec<Diagnostic> {
    let bytes = std::fs::read(full).unwrap_or_default();
    located_in(&bytes, rel, problems)
}

/// [`located`] for a snapshot's bytes in memory.
fn located_in(bytes: &[u8], rel: &Path, problems: Vec<Problem>) -> Vec<Diagnostic> {
    let text = text_keeping_offsets(bytes);
    let source = crate::diag::Source::new(rel, &text);
    problems
        .into_iter()
        .map(|p| match p.at {
            None => Diagnostic {
                hint: p.hint,
                ..Diagnostic::file(rel, p.message)
            },
            Some(at) => {
                let start = record_start(&text, at);
                let at = p.field.map_or(start, |f| field_start(&text, start, f));
                Diagnostic {
                    hint: p.hint,
                    ..source.error_at(at, p.message)
                }
            }
        })
        .collect()
}

/// The 1-based line of the file at `path` on which the record that the csv crate places at
/// byte `offset` starts, counted as the file is read, never holding it (a snapshot may be
/// larger than memory); 0 when the file cannot be read. As with [`record_start`], line
/// breaks at the offset belong to the previous record.
pub fn line_at(path: &Path, offset: u64) -> usize {
    let Ok(file) = std::fs::File::open(path) else {
        return 0;
    };
    let mut reader = std::io::BufReader::with_capacity(1 << 16, file);
    let mut line = 1usize;
    let mut read = 0u64;
    let mut at_offset = false;
    loop {
        let buffer = match std::io::BufRead::fill_buf(&mut reader) {
            Ok([]) | Err(_) => return line,
            Ok(buffer) => buffer,
        };
        let mut used = 0;
        for &byte in buffer {
            if read >= offset {
                at_offset = true;
            }
            if at_offset && byte != b'\r' && byte != b'\n' {
                return line;
            }
            if byte == b'\n' {
                line += 1;
            }
            read += 1;
            used += 1;
        }
        std::io::BufRead::consume(&mut reader, used);
    }
}

/// Where a record really starts in `text`, given the byte offset the csv crate reports for
/// it: with CRLF line endings, that offset can point at the end of the previous line.
fn record_start(text: &str, byte: u64) -> usize {
    let at = (byte as usize).min(text.len());
    let terminators = text.as_bytes()[at..]
        .iter()
        .take_while(|&&b| b == b'\r' || b == b'\n')
        .count();
    at + terminators
}

/// The file's bytes as text with every byte where it was, for locating problems by byte
/// offset: each byte of an invalid UTF-8 sequence becomes one `?`.
fn text_keeping_offsets(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        text.extend(std::iter::repeat_n('?', chunk.invalid().len()));
    }
    text
}

/// Where field `index` of the record that starts at `start` begins in `text`, reading the
/// record as the CSV parser does (a quoted cell may hold commas and line breaks), so that a
/// diagnostic about a cell points at the cell, on whichever line it is.
fn field_start(text: &str, start: usize, index: usize) -> usize {
    let Some(record) = text.get(start..) else {
        return start;
    };
    let mut field = 0;
    let mut quoted = false;
    for (i, c) in record.char_indices() {
        if field == index {
            return start + i;
        }
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => field += 1,
            '\n' | '\r' if !quoted => break,
            _ => {}
        }
    }
    start
}

/// A snapshot's header row, as its rows are read against it.
struct Header {
    names: Vec<String>,
    /// Each column's declared type, `None` where `dataset.toml` does not declare it.
    declared: Vec<Option<ColumnType>>,
    /// The index of the dataset's `source_column`, when the header has it.
    source_col: Option<usize>,
}

/// Reads and checks the header row. `None` when there is no usable header (the problem is
/// in `problems`).
fn read_header<R: Read>(
    reader: &mut csv::Reader<R>,
    meta: &DatasetMeta,
    problems: &mut Vec<Problem>,
) -> Option<Header> {
    let mut record = csv::ByteRecord::new();
    match reader.read_byte_record(&mut record) {
        Ok(true) => {}
        Ok(false) => {
            problems.push(Problem::new(
                None,
                "the snapshot is empty: it has no header row",
                Some("the first line names the columns".into()),
            ));
            return None;
        }
        Err(e) => {
            problems.push(csv_problem(&e));
            return None;
        }
    }
    let header_line = Some(record.position().map_or(0, |p| p.byte()));
    if std::str::from_utf8(record.as_slice()).is_err() {
        problems.push(Problem::new(
            header_line,
            "the header row is not valid UTF-8",
            Some("save the file as UTF-8".into()),
        ));
        return None;
    }
    let names: Vec<String> = record
        .iter()
        .map(|f| String::from_utf8_lossy(f).trim().to_string())
        .collect();
    for (i, name) in names.iter().enumerate() {
        if name.is_empty() {
            problems.push(Problem::new(
                header_line,
                format!("column {} has no name in the header row", i + 1),
                None,
            ));
        } else if names[..i].contains(name) {
            problems.push(Problem::new(
                header_line,
                format!("column {name:?} appears twice in the header row"),
                None,
            ));
        }
    }
    for declared in meta.columns.keys() {
        if !names.contains(declared) {
            problems.push(Problem::new(
                header_line,
                format!("declared column {declared:?} is missing from this snapshot"),
                Some(format!("the header has {}", names.join(", "))),
            ));
        }
    }
    let declared = names
        .iter()
        .map(|n| meta.columns.get(n).map(|c| c.kind))
        .collect();
    let source_col = meta
        .source_column
        .as_ref()
        .and_then(|name| names.iter().position(|n| n == name));
    Some(Header {
        names,
        declared,
        source_col,
    })
}

/// What the data rows of a stretch of a snapshot hold, and what is wrong with them.
struct Rows {
    /// The rows' cells without delimiters or quotes, one after another: the full chunks
    /// (see [`Rows::chunked`]), then `text`.
    chunks: Vec<String>,
    text: String,
    /// Whether `text` is kept in chunks, and the length of the full ones.
    chunked: bool,
    held: usize,
    /// Where each cell ends in the text (chunks and all).
    ends: Vec<u32>,
    /// For undeclared columns: can every non-empty cell be an integer, a number?
    could_be: Vec<(bool, bool)>,
    /// Bad cells per column; the first [`CELL_ERRORS_PER_COLUMN`] are in `problems`.
    bad_cells: Vec<usize>,
    problems: Vec<Problem>,
    source_counts: Vec<SourceCount>,
    source_index: std::collections::HashMap<String, usize>,
    /// Data rows of a streamed snapshot, and its first [`HEAD_ROWS`].
    streamed: usize,
    head: Vec<Vec<String>>,
    /// The file could not be read on: an error ended the rows.
    broken: bool,
}

/// The size of a chunk of [`Rows::chunked`] text (bytes): glibc's largest threshold for
/// serving an allocation from a mapping of its own (32 MiB on 64-bit systems), which a
/// chunk and its allocator header exceed, so that a chunk's memory goes back to the system
/// as soon as it is appended and dropped. Small in unit tests, so that they cross chunks.
const CHUNK: usize = if cfg!(test) { 64 << 10 } else { 32 << 20 };

impl Rows {
    fn new(width: usize) -> Rows {
        Rows {
            chunks: Vec::new(),
            text: String::new(),
            chunked: false,
            held: 0,
            ends: Vec::new(),
            could_be: vec![(true, true); width],
            bad_cells: vec![0; width],
            problems: Vec::new(),
            source_counts: Vec::new(),
            source_index: Default::default(),
            streamed: 0,
            head: Vec::new(),
            broken: false,
        }
    }

    /// Rows whose text is kept in chunks of [`CHUNK`] bytes, to be [`append`](Rows::append)ed
    /// to others: while they are, the memory of both is about that of the text once.
    fn chunked(width: usize) -> Rows {
        Rows {
            text: String::with_capacity(CHUNK),
            chunked: true,
            ..Rows::new(width)
        }
    }

    /// Appends `later`, the rows that follow these in the file, as if one reader had read
    /// both: cell errors beyond the first few of a column are counted, not reported, and a
    /// source key keeps the first row that gives it. The two texts together must be under
    /// 4 GiB (see [`parse_split`]). `later` was read from `split` on, and these rows end at
    /// `end` (`split`, or the newline before it): one reader would have started the record
    /// at `split` at `end`.
    fn append(&mut self, mut later: Rows, split: u64, end: u64) {
        for problem in &mut later.problems {
            if problem.at == Some(split) {
                problem.at = Some(end);
            }
        }
        for count in &mut later.source_counts {
            if count.first == split {
                count.first = end;
            }
        }
        debug_assert!(!self.chunked);
        let base = self.text.len() as u32;
        for chunk in later.chunks.into_iter().chain([later.text]) {
            self.text.push_str(&chunk);
        }
        self.ends
            .extend(later.ends.iter().map(|cell_end| base + cell_end));
        for (mine, theirs) in self.could_be.iter_mut().zip(later.could_be) {
            mine.0 &= theirs.0;
            mine.1 &= theirs.1;
        }
        let mut reported: Vec<usize> = self
            .bad_cells
            .iter()
            .map(|&n| n.min(CELL_ERRORS_PER_COLUMN))
            .collect();
        for problem in later.problems {
            // A problem about one cell is a bad cell (see `read_rows`).
            if let Some(col) = problem.field {
                if reported[col] >= CELL_ERRORS_PER_COLUMN {
                    continue;
                }
                reported[col] += 1;
            }
            self.problems.push(problem);
        }
        for (mine, theirs) in self.bad_cells.iter_mut().zip(later.bad_cells) {
            *mine += theirs;
        }
        for count in later.source_counts {
            self.count_source(&count.key, count.rows, count.first);
        }
        self.broken = later.broken;
    }

    /// Counts `rows` more rows that give the source `key`; a new key's first row is at
    /// `first` (a byte offset of the file).
    fn count_source(&mut self, key: &str, rows: usize, first: u64) {
        match self.source_index.get(key) {
            Some(&i) => self.source_counts[i].rows += rows,
            None => {
                self.source_index
                    .insert(key.to_string(), self.source_counts.len());
                self.source_counts.push(SourceCount {
                    key: key.to_string(),
                    rows,
                    first,
                });
            }
        }
    }

    /// The length of the text, chunks and all.
    fn text_len(&self) -> usize {
        self.held + self.text.len()
    }
}

/// A problem of a snapshot whose cells, the one starting at `at` and those before it, do
/// not fit the table's 32-bit offsets.
fn too_large(at: Option<u64>) -> Problem {
    Problem::new(at, "the snapshot is too large (over 4 GiB of cells)", None)
}

/// Reads data rows into `rows`, checking each cell against `header`: to the end of the file,
/// or, with `stop` (the end of a newline: byte `stop - 1` is `\n`), until the reader's next
/// record would start at `stop - 1` or later. `base` is the file offset the reader started
/// at; offsets in `rows` are the file's. Returns where reading stopped if that is `stop`, or
/// `stop - 1` (what remains of the newline there ends the last record or is a blank line, and
/// gives no record); `None` when it read to the end, failed, or read a record that spans
/// `stop`.
fn read_rows<R: Read>(
    reader: &mut csv::Reader<R>,
    header: &Header,
    base: u64,
    stop: Option<u64>,
    keep: bool,
    rows: &mut Rows,
) -> Option<u64> {
    let width = header.names.len();
    let mut record = csv::ByteRecord::new();
    loop {
        if let Some(stop) = stop {
            let at = base + reader.position().byte();
            if at + 1 >= stop {
                return (at <= stop).then_some(at);
            }
        }
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => return None,
            Err(e) => {
                let mut problem = csv_problem(&e);
                problem.at = problem.at.map(|at| base + at);
                rows.problems.push(problem);
                rows.broken = true;
                return None;
            }
        }
        let record_start = base + record.position().map_or(0, |p| p.byte());
        let line = Some(record_start);
        if record.len() != width {
            if record.len() == 1 && record.get(0).is_some_and(|f| f.is_empty()) {
                continue; // A blank line.
            }
            rows.problems.push(ragged(line, record.len(), width));
            continue;
        }
        if record.iter().all(<[u8]>::is_empty) {
            // A row of empty cells (`,,,`): what spreadsheets export after the last row.
            // Kept, it would be a blank category or a duplicate x far from its cause.
            rows.problems.push(Problem::new(
                line,
                "this row is empty: every cell is blank",
                Some("delete the row; spreadsheets often export one after the data".into()),
            ));
            continue;
        }
        // The row's cells without their delimiters: valid UTF-8 only if every cell is,
        // which also needs every cell boundary to fall between characters (two broken
        // cells can join into a valid character once the comma between them is gone).
        let row = match std::str::from_utf8(record.as_slice()) {
            Ok(row)
                if (0..width)
                    .all(|c| record.range(c).is_some_and(|r| row.is_char_boundary(r.end))) =>
            {
                row
            }
            result => {
                let byte = match result {
                    Err(e) => record.as_slice()[e.valid_up_to()],
                    Ok(_) => record
                        .iter()
                        .find_map(|f| std::str::from_utf8(f).err().map(|e| f[e.valid_up_to()]))
                        .unwrap_or(0),
                };
                rows.problems.push(Problem::new(
                    line,
                    format!("this row is not valid UTF-8 (byte 0x{byte:02X})"),
                    Some("save the file as UTF-8".into()),
                ));
                continue;
            }
        };
        let mut start = 0;
        for col in 0..width {
            let end = record.range(col).map_or(start, |r| r.end);
            let cell = &row[start..end];
            start = end;
            if cell.is_empty() {
                continue;
            }
            match header.declared[col] {
                Some(kind) if !kind.accepts(cell) => {
                    rows.bad_cells[col] += 1;
                    if rows.bad_cells[col] <= CELL_ERRORS_PER_COLUMN {
                        rows.problems.push(Problem {
                            field: Some(col),
                            ..Problem::new(
                                line,
                                format!(
                                    "{cell:?} in column {:?} is not a valid {}",
                                    header.names[col],
                                    kind.name()
                                ),
                                Some(type_hint(kind)),
                            )
                        });
                    }
                }
                Some(_) => {}
                None => {
                    let (int, num) = &mut rows.could_be[col];
                    if *int && cell.parse::<i64>().is_err() {
                        *int = false;
                    }
                    if *num && !*int && parse_number(cell).is_none() {
                        *num = false;
                    }
                }
            }
        }
        if let Some(col) = header.source_col {
            let range = record.range(col).unwrap_or(0..0);
            for key in source_keys(&row[range]) {
                rows.count_source(key, 1, record_start);
            }
        }
        if !keep {
            if rows.streamed < HEAD_ROWS {
                let mut start = 0;
                rows.head.push(
                    (0..width)
                        .map(|col| {
                            let end = record.range(col).map_or(start, |r| r.end);
                            let cell = row[start..end].to_string();
                            start = end;
                            cell
                        })
                        .collect(),
                );
            }
            rows.streamed += 1;
            continue;
        }
        if rows.chunked && rows.text.len() + row.len() > CHUNK {
            let full = std::mem::replace(&mut rows.text, String::with_capacity(CHUNK));
            rows.held += full.len();
            rows.chunks.push(full);
        }
        let before = rows.text_len();
        if before + row.len() > u32::MAX as usize {
            rows.problems.push(too_large(line));
            rows.broken = true;
            return None;
        }
        rows.text.push_str(row);
        for col in 0..width {
            let end = record.range(col).map_or(0, |r| r.end);
            rows.ends.push((before + end) as u32);
        }
    }
}

/// The table of a snapshot whose header and rows have been read.
fn finish(
    header: Header,
    rows: Rows,
    meta: &DatasetMeta,
    keep: bool,
    problems: &mut Vec<Problem>,
) -> Table {
    problems.extend(rows.problems);
    for (col, &n) in rows.bad_cells.iter().enumerate() {
        if n > CELL_ERRORS_PER_COLUMN {
            problems.push(Problem::new(
                None,
                format!(
                    "{} more cells in column {:?} are not valid",
                    n - CELL_ERRORS_PER_COLUMN,
                    header.names[col]
                ),
                None,
            ));
        }
    }
    let columns = header
        .names
        .into_iter()
        .enumerate()
        .map(|(i, name)| {
            let meta = meta.columns.get(&name).cloned();
            let kind = match (&meta, rows.could_be[i]) {
                (Some(m), _) => m.kind,
                (None, (true, _)) => ColumnType::Integer,
                (None, (_, true)) => ColumnType::Number,
                _ => ColumnType::String,
            };
            Column { name, kind, meta }
        })
        .collect();
    let mut text = rows.text;
    text.shrink_to_fit();
    Table {
        columns,
        text,
        ends: rows.ends,
        streamed: (!keep).then_some(rows.streamed),
        head: rows.head,
        source_counts: rows.source_counts,
    }
}

/// Reads, validates and types a snapshot's records with one reader: its header, then its
/// rows. With `keep`, the table holds every cell; without, only the columns and the row
/// count ([`Table::streamed`]).
fn parse_table<R: Read>(
    reader: &mut csv::Reader<R>,
    meta: &DatasetMeta,
    size_hint: u64,
    keep: bool,
    problems: &mut Vec<Problem>,
) -> Table {
    match read_header(reader, meta, problems) {
        Some(header) => read_rest(reader, header, meta, size_hint, keep, problems),
        None => Table::default(),
    }
}

/// The table of a snapshot whose header `reader` has read: its rows, read to the end.
fn read_rest<R: Read>(
    reader: &mut csv::Reader<R>,
    header: Header,
    meta: &DatasetMeta,
    size_hint: u64,
    keep: bool,
    problems: &mut Vec<Problem>,
) -> Table {
    let mut rows = Rows::new(header.names.len());
    if keep {
        rows.text.reserve(size_hint as usize);
    }
    read_rows(reader, &header, 0, None, keep, &mut rows);
    finish(header, rows, meta, keep, problems)
}

/// How every snapshot is read: no header row of the csv crate's (folio reads its own), rows
/// of any length (a ragged row is reported, not fatal), and a 64 KiB buffer.
fn csv_reader() -> csv::ReaderBuilder {
    let mut builder = csv::ReaderBuilder::new();
    builder
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(1 << 16);
    builder
}

/// Held snapshots at least this large (bytes) are read by two readers at once, each half
/// of the file ([`parse_split`]).
const SPLIT_ABOVE: u64 = 1 << 20;

/// Where a second reader may start reading the rows of a held snapshot: just after the
/// first newline at or after the middle of `file` (`size` bytes), past `after` (the header's
/// end). `None` when there is none, or when what follows it starts with a byte order mark,
/// which a reader would take away at the start of a file but not in its middle.
fn split_point(file: &mut std::fs::File, size: u64, after: u64) -> Option<u64> {
    use std::io::{Seek, SeekFrom};
    let middle = (size / 2).max(after);
    file.seek(SeekFrom::Start(middle)).ok()?;
    let mut buffer = vec![0u8; 1 << 16];
    let mut at = middle;
    loop {
        let n = file.read(&mut buffer).ok()?;
        if n == 0 {
            return None;
        }
        if let Some(i) = buffer[..n].iter().position(|&b| b == b'\n') {
            let split = at + i as u64 + 1;
            if split >= size {
                return None;
            }
            let mut next = [0u8; 3];
            file.seek(SeekFrom::Start(split)).ok()?;
            file.read_exact(&mut next).ok();
            return (next != [0xEF, 0xBB, 0xBF]).then_some(split);
        }
        at += n as u64;
    }
}

/// [`parse_table`] for a held snapshot file of `size` bytes, on two threads: this one reads
/// the header and the rows up to `split` (a newline's end, from the header's end), another
/// the rows from `split` on. `first` and `second` are the file, opened twice at once, each
/// at its start. Where the first reader's last record does not end at `split` (a quoted
/// cell spans it, a blank line or the header ends there), the second reader's work is set
/// aside and the first reads on to the end: the table is always what one reader makes of
/// the file. The second reader's rows are kept in chunks, so that while they are appended
/// memory holds their text about once.
fn parse_split(
    first: std::fs::File,
    mut second: std::fs::File,
    meta: &DatasetMeta,
    size: u64,
    split: impl FnOnce(&mut std::fs::File, u64) -> Option<u64>,
    problems: &mut Vec<Problem>,
) -> std::io::Result<Table> {
    let mut reader = csv_reader().from_reader(first);
    let Some(header) = read_header(&mut reader, meta, problems) else {
        return Ok(Table::default());
    };
    let width = header.names.len();
    let Some(split) = split(&mut second, reader.position().byte()) else {
        return Ok(read_rest(&mut reader, header, meta, size, true, problems));
    };
    let second = {
        use std::io::{Seek, SeekFrom};
        second.seek(SeekFrom::Start(split))?;
        csv_reader().from_reader(second)
    };
    let (mut rows, later) = std::thread::scope(|scope| {
        let header = &header;
        let later = scope.spawn(move || {
            let mut reader = second;
            let mut rows = Rows::chunked(width);
            read_rows(&mut reader, header, split, None, true, &mut rows);
            rows
        });
        let mut rows = Rows::new(width);
        rows.text.reserve(size as usize);
        let end = read_rows(&mut reader, header, 0, Some(split), true, &mut rows);
        let later = later.join().ok().zip(end).filter(|_| !rows.broken);
        (rows, later)
    });
    match later {
        // Offsets are u32: the size gate keeps the text under 2 GiB, unless the file grew
        // while it was read.
        Some((later, _)) if rows.text_len() + later.text_len() > u32::MAX as usize => {
            rows.problems.push(too_large(Some(split)));
        }
        Some((later, end)) => rows.append(later, split, end),
        // Not where a record starts: read on with the first reader.
        None if !rows.broken => {
            read_rows(&mut reader, &header, 0, None, true, &mut rows);
        }
        None => {}
    }
    Ok(finish(header, rows, meta, true, problems))
}

fn ragged(line: Option<u64>, len: usize, width: usize) -> Problem {
    let cells = |n: usize| format!("{n} cell{}", if n == 1 { "" } else { "s" });
    Problem::new(
        line,
        format!(
            "this row has {} but the header has {}",
            cells(len),
            cells(width)
        ),
        Some("every row needs one cell per column; quote cells that contain commas".into()),
    )
}

fn type_hint(kind: ColumnType) -> String {
    match kind {
        ColumnType::String => String::new(),
        ColumnType::Integer => "an integer is digits with an optional sign, e.g. 1150000000; leave the cell empty for a missing value".into(),
        ColumnType::Number => "a number is written like 17.1 or -0.5 or 1e9, without units or thousands separators; leave the cell empty for a missing value".into(),
        ColumnType::Date => "a date is YYYY, YYYY-MM or YYYY-MM-DD; leave the cell empty for a missing value".into(),
    }
}

fn csv_problem(error: &csv::Error) -> Problem {
    let line = error.position().map(|p| p.byte());
    match error.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => ragged(line, *len as usize, *expected_len as usize),
        _ => Problem::new(line, format!("cannot read CSV: {error}"), None),
    }
}

/// How a version differs from the one before it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Changes {
    /// The version compared against.
    pub previous: String,
    /// Rows only in this version.
    pub added: usize,
    /// Rows only in the previous version.
    pub removed: usize,
    /// Rows with the same key and other values (only with a declared `key`).
    pub changed: usize,
    /// Columns only in this version.
    pub columns_added: Vec<String>,
    /// Columns only in the previous version.
    pub columns_removed: Vec<String>,
    /// Up to ten examples of changed cells: key, column, old value, new value.
    pub examples: Vec<CellChange>,
    /// Keys of up to five added rows (only with a declared `key`).
    pub added_keys: Vec<String>,
    /// Keys of up to five removed rows (only with a declared `key`).
    pub removed_keys: Vec<String>,
}

/// One changed cell, for the version page.
#[derive(Debug, Clone, Serialize)]
pub struct CellChange {
    /// The row's key values, joined by ` / `.
    pub key: String,
    /// The column.
    pub column: String,
    /// The value before.
    pub old: String,
    /// The value after.
    pub new: String,
}

/// Compares two snapshots of a dataset. With `key` columns, rows are matched by key;
/// without, rows are compared whole (so a changed row counts as removed and added).
pub fn diff(old: &Snapshot, new: &Snapshot, key: &[String]) -> Changes {
    let (a, b) = (&old.table, &new.table);
    let names = |t: &Table| t.columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
    let (old_names, new_names) = (names(a), names(b));
    let mut changes = Changes {
        previous: old.version.clone(),
        columns_added: new_names
            .iter()
            .filter(|n| !old_names.contains(n))
            .cloned()
            .collect(),
        columns_removed: old_names
            .iter()
            .filter(|n| !new_names.contains(n))
            .cloned()
            .collect(),
        ..Changes::default()
    };
    let shared: Vec<(usize, usize)> = new_names
        .iter()
        .enumerate()
        .filter_map(|(j, n)| a.column(n).map(|i| (i, j)))
        .collect();
    let key_cols: Option<Vec<(usize, usize)>> = if key.is_empty() {
        None
    } else {
        key.iter()
            .map(|k| Some((a.column(k)?, b.column(k)?)))
            .collect()
    };
    match key_cols {
        Some(key_cols) => {
            let key_of =
                |t: &Table, row: usize, side: fn(&(usize, usize)) -> usize| -> Vec<String> {
                    key_cols
                        .iter()
                        .map(|k| t.cell(row, side(k)).to_string())
                        .collect()
                };
            let old_rows: HashMap<Vec<String>, usize> =
                (0..a.rows()).map(|r| (key_of(a, r, |k| k.0), r)).collect();
            let mut seen = vec![false; a.rows()];
            for row in 0..b.rows() {
                let k = key_of(b, row, |k| k.1);
                let Some(&old_row) = old_rows.get(&k) else {
                    changes.added += 1;
                    if changes.added_keys.len() < 5 {
                        changes.added_keys.push(k.join(" / "));
                    }
                    continue;
                };
                seen[old_row] = true;
                let mut row_changed = false;
                for &(i, j) in &shared {
                    let (before, after) = (a.cell(old_row, i), b.cell(row, j));
                    if before != after {
                        row_changed = true;
                        if changes.examples.len() < 10 {
                            changes.examples.push(CellChange {
                                key: k.join(" / "),
                                column: new_names[j].clone(),
                                old: before.to_string(),
                                new: after.to_string(),
                            });
                        }
                    }
                }
                changes.changed += usize::from(row_changed);
            }
            for (row, _) in seen.iter().enumerate().filter(|(_, seen)| !**seen) {
                changes.removed += 1;
                if changes.removed_keys.len() < 5 {
                    changes
                        .removed_keys
                        .push(key_of(a, row, |k| k.0).join(" / "));
                }
            }
        }
        None => {
            let whole =
                |t: &Table, row: usize, pick: &dyn Fn(&(usize, usize)) -> usize| -> Vec<String> {
                    shared
                        .iter()
                        .map(|p| t.cell(row, pick(p)).to_string())
                        .collect()
                };
            let mut counts: HashMap<Vec<String>, isize> = HashMap::new();
            for row in 0..a.rows() {
                *counts.entry(whole(a, row, &|p| p.0)).or_default() += 1;
            }
            for row in 0..b.rows() {
                *counts.entry(whole(b, row, &|p| p.1)).or_default() -= 1;
            }
            for n in counts.values() {
                if *n > 0 {
                    changes.removed += *n as usize;
                } else {
                    changes.added += (-n) as usize;
                }
            }
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a reading of a snapshot gives: its table and its problems, to compare readings.
    fn reading(table: &Table, problems: &[Problem]) -> String {
        let problems: Vec<_> = problems
            .iter()
            .map(|p| (p.at, p.field, &p.message, &p.hint))
            .collect();
        format!(
            "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{problems:?}",
            table.columns, table.text, table.ends, table.source_counts, table.streamed
        )
    }

    #[test]
    fn two_readers_read_what_one_does() {
        let meta = parse_meta(
            Path::new("dataset.toml"),
            "title = \"T\"\nsource_column = \"src\"\n[columns.n]\ntype = \"number\"\n",
        )
        .unwrap();
        let mixed = "name,n,src,x\na,1,k1,1\n\"b\nc\",2,k2;k1,2\n\nd,x,k3,1.5\r\ne,y,k1,z\n\
                     f,z,,3\ng,w,k4,4\n,,,\nh\n\"j,\"\"q\"\"\",6,k6,6\n\"k\n\n\nl\",7,k1,7\rm,8,k7,8";
        let many_bad: String = std::iter::once("n,src\n".to_string())
            .chain(
                (0..12).map(|i| format!("{},k{}\n", if i % 2 == 0 { "bad" } else { "1" }, i % 3)),
            )
            .collect();
        let cases = [
            mixed.to_string(),
            mixed.replace('\n', "\r\n"),
            many_bad.clone(),
            many_bad.replace('\n', "\r\n") + "\n\n",
            "n\n".to_string(),
            "n\n\n\n1\n".to_string(),
            "a,b\n\"1\n2\",3\n\"unterminated\n4,5\n".to_string(),
        ];
        for csv in &cases {
            let mut problems = Vec::new();
            let mut reader = csv_reader().from_reader(csv.as_bytes());
            let one = parse_table(&mut reader, &meta, 0, true, &mut problems);
            let expected = reading(&one, &problems);
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("v1.csv");
            std::fs::write(&path, csv).unwrap();
            // Every newline's end, also inside a quoted cell or the header.
            for split in (1..csv.len()).filter(|&i| csv.as_bytes()[i - 1] == b'\n') {
                let mut problems = Vec::new();
                let size = csv.len() as u64;
                let open = || std::fs::File::open(&path).unwrap();
                let at = |_: &mut std::fs::File, _| Some(split as u64);
                let two = parse_split(open(), open(), &meta, size, at, &mut problems).unwrap();
                assert_eq!(
                    reading(&two, &problems),
                    expected,
                    "split at byte {split} of {csv:?}"
                );
            }
        }
    }

    #[test]
    fn a_large_snapshot_reads_as_its_bytes_do() {
        // Over the size at which two readers share a file, with rows that span chunks of the
        // second reader's text, quoted newlines around the middle and bad cells on both sides.
        let meta = parse_meta(
            Path::new("dataset.toml"),
            "title = \"T\"\nsource_column = \"src\"\n[columns.n]\ntype = \"integer\"\n",
        )
        .unwrap();
        let row = |i: usize| match i % 997 {
            0 => format!("\"cell {i}\nover two lines\",{i},k{},x\r\n", i % 7),
            1 if i.is_multiple_of(3) => format!("bad {i},{i}.5,k1,y\n"),
            _ => format!("name {i},{i},k{},{}\n", i % 11, i % 5),
        };
        let good: String = std::iter::once("name,n,src,x\n".to_string())
            .chain((0..60_000).map(row))
            .collect();
        assert!(good.len() as u64 > SPLIT_ABOVE);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v1.csv");
        for text in [good.replace(".5", ""), good] {
            std::fs::write(&path, &text).unwrap();
            let read = read_snapshot(&path, Path::new("v1.csv"), &meta);
            let of_bytes = read_snapshot_bytes(text.as_bytes(), Path::new("v1.csv"), &meta);
            match (read, of_bytes) {
                (Ok((table, sha, size)), Ok((expected, expected_sha, expected_size))) => {
                    assert_eq!(reading(&table, &[]), reading(&expected, &[]));
                    assert_eq!((sha, size), (expected_sha, expected_size));
                    assert_eq!(table.rows(), 60_000);
                }
                (Err(SnapshotError::Content(found)), Err(expected)) => {
                    assert_eq!(format!("{found:?}"), format!("{expected:?}"));
                    assert!(found.len() > 3, "bad cells on both sides of the middle");
                }
                (read, _) => panic!("the two readings differ: {:?}", read.is_ok()),
            }
        }
    }

    #[test]
    fn splits_after_a_newline_and_not_before_a_byte_order_mark() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v1.csv");
        let split = |text: &str, after: u64| {
            std::fs::write(&path, text).unwrap();
            let mut file = std::fs::File::open(&path).unwrap();
            split_point(&mut file, text.len() as u64, after)
        };
        assert_eq!(split("h\naaaa\nbbbb\n", 2), Some(7));
        assert_eq!(split("h\naaaa\nbbbb\n", 8), None);
        assert_eq!(split("h\naaaa\nxyzb\n", 2), Some(7));
        assert_eq!(split("h\naaaa\n\u{feff}b\n", 2), None);
        assert_eq!(split("h\naaaabbbb", 2), None);
    }

    #[test]
    fn validates_cells_by_type() {
        assert!(ColumnType::Number.accepts("17.1"));
        assert!(ColumnType::Number.accepts("-1e9"));
        assert!(!ColumnType::Number.accepts("NaN"));
        assert!(!ColumnType::Number.accepts("inf"));
        assert!(!ColumnType::Number.accepts("17%"));
        assert!(ColumnType::Integer.accepts("-3"));
        assert!(!ColumnType::Integer.accepts("3.0"));
        assert!(ColumnType::Date.accepts("2025-11"));
        assert!(ColumnType::Date.accepts("2024-02-29"));
        assert!(!ColumnType::Date.accepts("2025-02-29"));
        assert!(!ColumnType::Date.accepts("2025-13"));
        assert!(!ColumnType::Date.accepts("25-11-27"));
    }

    #[test]
    fn names_versions() {
        assert!(is_version("2025-11-27"));
        assert!(is_version("v12"));
        assert!(!is_version("v0"));
        assert!(!is_version("latest"));
        assert!(!is_version("2025-11"));
        assert!(!is_version("../x"));
        let mut versions = vec!["v10", "v2", "2025-01-01", "2024-12-31"];
        versions.sort_by_key(|v| version_order(v));
        assert_eq!(versions, ["2024-12-31", "2025-01-01", "v2", "v10"]);
    }

    #[test]
    fn formats_cells_by_column() {
        let column = |kind, unit: &str, digits| Column {
            name: "x".into(),
            kind,
            meta: Some(ColumnMeta {
                kind,
                unit: unit.into(),
                digits,
                description: "Share of downloads".into(),
                label: String::new(),
                format: crate::number::Style::Grouped,
                scale: 0,
            }),
        };
        assert_eq!(
            column(ColumnType::Number, "%", Some(1)).format("17"),
            "17.0%"
        );
        assert_eq!(
            column(ColumnType::Number, "%", None).format("15.86"),
            "15.86%"
        );
        assert_eq!(
            column(ColumnType::Integer, "downloads", None).format("1150000000"),
            "1,150,000,000 downloads"
        );
        assert_eq!(
            column(ColumnType::Number, "", Some(0)).format("-12345.6"),
            "-12,346"
        );
        assert_eq!(column(ColumnType::Number, "", None).format(""), "–");
        assert_eq!(column(ColumnType::String, "", None).format("2024"), "2024");
        // Headers use the description when there is no label, with the unit once.
        assert_eq!(
            column(ColumnType::Number, "%", None).heading(),
            "Share of downloads (%)"
        );
        let mut labelled = column(ColumnType::Number, "US$", None);
        labelled.meta.as_mut().unwrap().label = "Cost in US$".into();
        assert_eq!(labelled.heading(), "Cost in US$");
        let mut tonnes = column(ColumnType::Number, "t", None);
        tonnes.meta.as_mut().unwrap().label = "Total emissions".into();
        assert_eq!(tonnes.heading(), "Total emissions (t)");
        assert_eq!(
            Column {
                meta: None,
                ..labelled
            }
            .heading(),
            "x"
        );
        // Undeclared years are not grouped; other undeclared integers are.
        let undeclared = |name: &str| Column {
            name: name.into(),
            kind: ColumnType::Integer,
            meta: None,
        };
        assert_eq!(undeclared("year").format("2024"), "2024");
        assert_eq!(undeclared("Release_Year").format("2024"), "2024");
        assert_eq!(undeclared("downloads").format("2024"), "2,024");
    }

    #[test]
    fn reads_a_scale_as_a_power_of_ten() {
        let read = |text: &str| toml::from_str::<ColumnMeta>(&format!("type = \"number\"\n{text}"));
        assert_eq!(read("scale = 1000000").unwrap().scale, 6);
        assert_eq!(read("scale = 1e6").unwrap().scale, 6);
        assert_eq!(read("scale = 0.001").unwrap().scale, -3);
        let error = read("scale = 2000").unwrap_err().to_string();
        assert!(error.contains("scale must be a power of ten"), "{error}");
        assert_eq!(
            read("format = \"compact\"").unwrap().format,
            crate::number::Style::Compact
        );
        assert!(read("format = \"short\"").is_err());
    }
}
