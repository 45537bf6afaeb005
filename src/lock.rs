//! `folio.lock`: what has been published, so it can never silently change.
//!
//! In: the lock as committed, and the snapshots found in `data/`. Out: the lock as it must
//! be after this build (new snapshots appended, with their SHA-256 and the date they were
//! first published), notes saying what was added, or diagnostics: a published snapshot
//! whose bytes changed, a published snapshot that was removed, or (with `--locked`) a
//! snapshot that is not yet in the lock.
//!
//! The file is TOML, sorted, and written only when it changes, like `Cargo.lock`.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::data::Registry;
use crate::diag::{Diagnostic, Source};

/// The lock file's name, at the project root.
pub const FILE: &str = crate::project::LOCK_FILE;

/// Everything published.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lock {
    /// Published snapshots, sorted by dataset and version.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub snapshot: Vec<LockedSnapshot>,
    /// Published figures, sorted by id.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub figure: Vec<LockedFigure>,
    /// The prose's checked claims, each with the result it was found to have, by key.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub claim: Vec<LockedClaim>,
}

/// A pinned input of a derived version or a claim.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LockedInput {
    /// The name the query gives it.
    pub name: String,
    /// `dataset@version`.
    pub data: String,
    /// That snapshot's SHA-256.
    pub sha256: String,
}

/// A claim of the prose that was checked and held: while its query and inputs are these,
/// its result cannot change, so builds read it here and run no query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LockedClaim {
    /// SHA-256 of the claim's query and its inputs' names, snapshots and checksums (see
    /// [`crate::query::claim_key`]).
    pub key: String,
    /// The Markdown file it stands in.
    pub page: String,
    /// The values the query returned besides `holds`, as `name = value; ...`.
    pub values: String,
    /// What it read.
    pub inputs: Vec<LockedInput>,
}

/// Every published version of one figure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LockedFigure {
    /// The figure's id.
    pub id: String,
    /// Its versions, oldest first.
    pub version: Vec<LockedVersion>,
}

/// One published version of a figure: enough to rebuild it for good.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LockedVersion {
    /// 1, 2, ...
    pub number: u32,
    /// The date it was first published (`YYYY-MM-DD`).
    pub published: String,
    /// `dataset@version` it plots.
    pub data: String,
    /// The SHA-256 of that snapshot.
    pub sha256: String,
    /// The directive, as canonical JSON (keys sorted).
    pub spec: String,
    /// The plotted columns as this version shows them (`dataset.toml`'s type, unit, digits,
    /// label, format and scale, after the directive's own titles), as canonical JSON: a
    /// version is rebuilt with them, so editing `dataset.toml` never changes what a
    /// published version shows. Absent in entries written before folio pinned them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub columns: Option<String>,
}

impl LockedVersion {
    /// What changed from `previous` to this version, in words.
    pub fn change_from(&self, previous: &LockedVersion) -> String {
        let mut parts = Vec::new();
        if self.data != previous.data {
            parts.push(format!(
                "data moved from {} to {}",
                previous.data, self.data
            ));
        }
        let parse = |s: &str| {
            serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(s)
                .unwrap_or_default()
        };
        let (old, new) = (parse(&previous.spec), parse(&self.spec));
        let mut keys: Vec<&String> = old
            .keys()
            .chain(new.keys())
            .filter(|k| *k != "data" && old.get(*k) != new.get(*k))
            .collect();
        keys.sort();
        keys.dedup();
        if !keys.is_empty() {
            let names: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
            parts.push(format!("the directive's {} changed", names.join(", ")));
        }
        if let (Some(old), Some(new)) = (&previous.columns, &self.columns)
            && !crate::data::same_display(old, new)
        {
            parts.push("the columns' description in dataset.toml changed".to_string());
        }
        if parts.is_empty() {
            "republished unchanged".to_string()
        } else {
            let mut text = parts.join("; ");
            text[..1].make_ascii_uppercase();
            text
        }
    }
}

/// Where a figure of the prose stands against the lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FigureStatus {
    /// It equals its latest published version.
    Published(u32),
    /// It is new, or differs from its latest version: it would be published as this number.
    Unpublished(u32),
}

/// One published snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LockedSnapshot {
    /// The dataset.
    pub dataset: String,
    /// The version.
    pub version: String,
    /// SHA-256 of the file, lowercase hex.
    pub sha256: String,
    /// The date it was first published (`YYYY-MM-DD`).
    pub published: String,
    /// For a derived version: the SHA-256 of its query (`<version>.sql`). Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// For a derived version: the snapshots its query read. Default: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<LockedInput>,
}

impl Lock {
    /// Parses and validates the lock file, which is untrusted input like any other: a
    /// hand-edited or hostile lock must never make a build write outside its output or
    /// rebuild a figure from a spec no directive could have produced.
    ///
    /// Checks, each a diagnostic at the offending key's `folio.lock:line:col`: unknown keys;
    /// snapshot entries name a slug dataset, a valid version, a 64-digit lowercase hex
    /// SHA-256 and a `YYYY-MM-DD` date, once each; figure ids are slugs, once each; versions
    /// are numbered 1, 2, ... in order; each version's `data` is a locked snapshot whose
    /// SHA-256 it repeats; its `spec` is a chart directive (as JSON) that passes the checks a
    /// directive in Markdown gets, with the entry's own id and data. One fault gives one
    /// diagnostic: what rests on a faulty snapshot entry is not reported again.
    pub fn parse(path: &Path, text: &str) -> Result<Lock, Vec<Diagnostic>> {
        Lock::parse_located(path, text).map(|(lock, _)| lock)
    }

    /// [`Lock::parse`], also returning where each figure version's `spec` starts in `text`
    /// (for diagnostics about versions rebuilt from the lock).
    pub fn parse_located(path: &Path, text: &str) -> Result<(Lock, SpecOffsets), Vec<Diagnostic>> {
        let source = Source::new(path, text);
        let lock: Lock = toml::from_str(text).map_err(|e| {
            vec![crate::diag::toml_error(&source, "invalid folio.lock", &e).with_hint(RESTORE)]
        })?;
        // The same text again, for where each key stands; it parsed above, so it parses here.
        let located: Located = toml::from_str(text).unwrap_or_default();
        let sink = Sink {
            source,
            located: &located,
            errors: Vec::new(),
        };
        let errors = lock.validate(sink);
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut offsets = SpecOffsets::new();
        for (figure, at) in lock.figure.iter().zip(&located.figure) {
            for (version, keys) in figure.version.iter().zip(&at.version) {
                let start = keys.get("spec").map_or(0, |v| v.span().start);
                offsets.insert((figure.id.clone(), version.number), start);
            }
        }
        Ok((lock, offsets))
    }

    fn validate(&self, mut sink: Sink<'_>) -> Vec<Diagnostic> {
        let sound = self.validate_snapshots(&mut sink);
        // While a snapshot entry is faulty, which snapshot a figure version means cannot be
        // told: only its entry is reported.
        let all_sound = sound.len() == self.snapshot.len();
        self.validate_figures(&sound, all_sound, &mut sink);
        if all_sound {
            self.validate_inputs(&mut sink);
        }
        sink.errors
    }

    /// Checks that every input of a derived version or a claim is a locked snapshot with
    /// the SHA-256 it repeats, and that claim keys and query checksums are SHA-256s.
    fn validate_inputs(&self, sink: &mut Sink<'_>) {
        let check = |inputs: &[LockedInput], what: &str| -> Option<String> {
            inputs.iter().find_map(|input| {
                let locked = input
                    .data
                    .split_once('@')
                    .and_then(|(d, v)| self.snapshot(d, v));
                match locked {
                    None => Some(format!(
                        "{what} reads {:?}, which is not a locked snapshot",
                        input.data
                    )),
                    Some(s) if s.sha256 != input.sha256 => Some(format!(
                        "{what} records another SHA-256 for {} than its entry",
                        input.data
                    )),
                    Some(_) if !crate::names::is_identifier(&input.name) => Some(format!(
                        "{what} names an input {:?}, which is not a SQL name",
                        input.name
                    )),
                    Some(_) => None,
                }
            })
        };
        for (i, entry) in self.snapshot.iter().enumerate() {
            let what = format!("derived snapshot {}@{}", entry.dataset, entry.version);
            if entry.query.as_deref().is_some_and(|q| !is_sha256(q)) {
                sink.report(
                    Entry::Snapshot(i),
                    "query",
                    format!("the query SHA-256 of {what} is not 64 lowercase hex digits"),
                );
            }
            if entry.query.is_none() != entry.inputs.is_empty() {
                sink.report(
                    Entry::Snapshot(i),
                    "version",
                    format!("{what} must record both its query and its inputs"),
                );
            }
            if let Some(message) = check(&entry.inputs, &what) {
                sink.report(Entry::Snapshot(i), "inputs", message);
            }
        }
        let mut keys = std::collections::BTreeSet::new();
        for (i, claim) in self.claim.iter().enumerate() {
            let what = format!("claim {}", claim.key);
            if !is_sha256(&claim.key) {
                sink.report(
                    Entry::Claim(i),
                    "key",
                    "a claim's key is not 64 lowercase hex digits".to_string(),
                );
            } else if !keys.insert(&claim.key) {
                sink.report(Entry::Claim(i), "key", format!("{what} is locked twice"));
            }
            if claim.inputs.is_empty() {
                sink.report(Entry::Claim(i), "key", format!("{what} records no inputs"));
            }
            if let Some(message) = check(&claim.inputs, &what) {
                sink.report(Entry::Claim(i), "inputs", message);
            }
        }
    }

    /// Checks the snapshot entries; returns the index of each sound one by `dataset@version`.
    fn validate_snapshots(&self, sink: &mut Sink<'_>) -> BTreeMap<String, usize> {
        let mut sound = BTreeMap::new();
        for (i, entry) in self.snapshot.iter().enumerate() {
            let at = Entry::Snapshot(i);
            let id = format!("{}@{}", entry.dataset, entry.version);
            let before = sink.errors.len();
            if !crate::names::is_slug(&entry.dataset) {
                sink.report(
                    at,
                    "dataset",
                    format!(
                        "locked snapshot names dataset {:?}, which is not a slug",
                        entry.dataset
                    ),
                );
            } else if !crate::names::is_version(&entry.version) {
                sink.report(
                    at,
                    "version",
                    format!(
                        "locked snapshot {}@{:?} has no valid version name",
                        entry.dataset, entry.version
                    ),
                );
            } else if sound.contains_key(&id) {
                sink.report(at, "version", format!("snapshot {id} is locked twice"));
            }
            if !is_sha256(&entry.sha256) {
                sink.report(
                    at,
                    "sha256",
                    format!("the SHA-256 of {id} is not 64 lowercase hex digits"),
                );
            }
            if !crate::names::is_day(&entry.published) {
                sink.report(
                    at,
                    "published",
                    format!("{:?} is not a date of the form YYYY-MM-DD", entry.published),
                );
            }
            if sink.errors.len() == before {
                sound.insert(id, i);
            }
        }
        sound
    }

    /// Checks the figure entries against the sound snapshot entries.
    fn validate_figures(
        &self,
        sound: &BTreeMap<String, usize>,
        all_sound: bool,
        sink: &mut Sink<'_>,
    ) {
        let mut ids = std::collections::BTreeSet::new();
        // Figure versions that record another SHA-256 for a snapshot than its entry does:
        // one diagnostic per snapshot entry, however many versions rest on it.
        let mut disagreeing: BTreeMap<usize, Vec<String>> = BTreeMap::new();
        for (i, figure) in self.figure.iter().enumerate() {
            if !crate::names::is_slug(&figure.id) {
                // Nothing else of an entry with an unusable id is worth reading.
                sink.report(
                    Entry::Figure(i),
                    "id",
                    format!("locked figure id {:?} is not a slug", figure.id),
                );
                continue;
            }
            if !ids.insert(&figure.id) {
                sink.report(
                    Entry::Figure(i),
                    "id",
                    format!("figure {:?} is locked twice", figure.id),
                );
            }
            if figure.version.is_empty() {
                sink.report(
                    Entry::Figure(i),
                    "id",
                    format!("locked figure {:?} has no versions", figure.id),
                );
            }
            for (j, version) in figure.version.iter().enumerate() {
                let at = Entry::Version(i, j);
                let what = format!("figure {:?} version {}", figure.id, version.number);
                if version.number as usize != j + 1 {
                    sink.report(at, "number", format!("figure {:?} has version {} where version {} belongs: versions are numbered 1, 2, ... in order", figure.id, version.number, j + 1));
                }
                if !crate::names::is_day(&version.published) {
                    sink.report(
                        at,
                        "published",
                        format!(
                            "{what}: {:?} is not a date of the form YYYY-MM-DD",
                            version.published
                        ),
                    );
                }
                let snapshot = version
                    .data
                    .split_once('@')
                    .and_then(|(d, v)| self.snapshot(d, v));
                match (snapshot, sound.get(&version.data)) {
                    (Some(locked), Some(&entry)) if locked.sha256 != version.sha256 => {
                        disagreeing.entry(entry).or_default().push(what.clone());
                    }
                    (Some(_), _) => {} // Sound and agreeing, or reported at its own entry.
                    (None, _) if !all_sound => {}
                    (None, _) => sink.report(
                        at,
                        "data",
                        format!(
                            "{what} plots {:?}, which is not a locked snapshot",
                            version.data
                        ),
                    ),
                }
                self.validate_spec(figure, version, at, &what, sink);
            }
        }
        for (entry, versions) in disagreeing {
            let snapshot = &self.snapshot[entry];
            sink.report(
                Entry::Snapshot(entry),
                "sha256",
                format!(
                    "{} figure version{} ({}) record{} another SHA-256 for {}@{} than this entry",
                    versions.len(),
                    if versions.len() == 1 { "" } else { "s" },
                    versions.join(", "),
                    if versions.len() == 1 { "s" } else { "" },
                    snapshot.dataset,
                    snapshot.version
                ),
            );
        }
    }

    /// Checks a version's spec as a chart directive is checked.
    fn validate_spec(
        &self,
        figure: &LockedFigure,
        version: &LockedVersion,
        at: Entry,
        what: &str,
        sink: &mut Sink<'_>,
    ) {
        let spec = match serde_json::from_str::<crate::figure::ChartSpec>(&version.spec) {
            Ok(spec) => spec,
            Err(e) => {
                sink.report(
                    at,
                    "spec",
                    format!("{what}: the spec is not a chart directive: {e}"),
                );
                return;
            }
        };
        let spec_source = sink.source.fragment(sink.offset(at, "spec"));
        if let Err(d) = crate::figure::check_spec(&spec, "", &spec_source) {
            let message = format!("{what}: {}", d.message);
            sink.errors.push(Diagnostic { message, ..d });
        }
        if spec.id != figure.id {
            sink.report(
                at,
                "spec",
                format!(
                    "{what}: its spec has id {:?}; an entry's spec must have the entry's id",
                    spec.id
                ),
            );
        }
        if spec.data != version.data {
            sink.report(
                at,
                "spec",
                format!(
                    "{what}: its spec plots {:?} but the entry records {:?}",
                    spec.data, version.data
                ),
            );
        }
    }

    /// The lock as TOML.
    pub fn to_toml(&self) -> String {
        let body = toml::to_string(self).expect("the lock serialises");
        format!(
            "# folio.lock: what this report has published. Written by folio; commit it, do not edit it.\n# A snapshot listed here is immutable: publish a change as a new version.\n\n{body}"
        )
    }

    /// The published versions of figure `id`.
    pub fn figure(&self, id: &str) -> Option<&LockedFigure> {
        self.figure.iter().find(|f| f.id == id)
    }

    /// Compares a figure of the prose with its latest published version.
    /// `columns` is the figure's pinned column description ([`LockedVersion::columns`]); an
    /// entry without one matches any.
    pub fn figure_status(&self, id: &str, spec: &str, data: &str, columns: &str) -> FigureStatus {
        match self.figure(id).and_then(|f| f.version.last()) {
            Some(v)
                if v.spec == spec
                    && v.data == data
                    && v.columns
                        .as_deref()
                        .is_none_or(|c| crate::data::same_display(c, columns)) =>
            {
                FigureStatus::Published(v.number)
            }
            Some(v) => FigureStatus::Unpublished(v.number + 1),
            None => FigureStatus::Unpublished(1),
        }
    }

    /// Records the column description of figure `id`'s latest version when its entry has
    /// none (written before folio pinned them). True when the lock changed.
    pub fn pin_columns(&mut self, id: &str, columns: &str) -> bool {
        match self
            .figure
            .iter_mut()
            .find(|f| f.id == id)
            .and_then(|f| f.version.last_mut())
        {
            Some(v) if v.columns.is_none() => {
                v.columns = Some(columns.to_string());
                true
            }
            _ => false,
        }
    }

    /// Appends a version of figure `id`; returns its number.
    pub fn publish_figure(&mut self, id: &str, version: LockedVersion) -> u32 {
        let number = version.number;
        match self.figure.iter_mut().find(|f| f.id == id) {
            Some(figure) => figure.version.push(version),
            None => {
                self.figure.push(LockedFigure {
                    id: id.to_string(),
                    version: vec![version],
                });
                self.figure.sort_by(|a, b| a.id.cmp(&b.id));
            }
        }
        number
    }

    /// Records what derived version `pin` was computed from, on its entry when that entry
    /// records nothing yet (it was added by this build). True when the lock changed.
    pub fn pin_derived(&mut self, pin: &crate::query::Pin) -> bool {
        match self
            .snapshot
            .iter_mut()
            .find(|s| s.dataset == pin.dataset && s.version == pin.version)
        {
            Some(entry) if entry.query.is_none() => {
                entry.query = Some(pin.query.clone());
                entry.inputs = pin.inputs.clone();
                true
            }
            _ => false,
        }
    }

    /// Adds a snapshot entry, keeping entries sorted by dataset and version.
    pub fn add_snapshot(&mut self, entry: LockedSnapshot) {
        self.snapshot.push(entry);
        self.snapshot.sort_by(|a, b| {
            (&a.dataset, crate::names::version_order(&a.version))
                .cmp(&(&b.dataset, crate::names::version_order(&b.version)))
        });
    }

    /// The entry for `dataset@version`.
    pub fn snapshot(&self, dataset: &str, version: &str) -> Option<&LockedSnapshot> {
        self.snapshot
            .iter()
            .find(|s| s.dataset == dataset && s.version == version)
    }
}

/// Checks every snapshot against the lock. Returns the updated lock and a note for each
/// snapshot it adds.
pub fn check_snapshots(
    lock: &Lock,
    registry: &Registry,
    locked: bool,
    today: &str,
) -> Result<(Lock, Vec<String>), Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut notes = Vec::new();
    let mut next = lock.clone();
    for snapshot in registry.snapshots() {
        match lock.snapshot(&snapshot.dataset, &snapshot.version) {
            Some(entry) if entry.sha256 == snapshot.sha256 => {}
            Some(entry) => errors.push(
                Diagnostic::file(
                    &snapshot.path,
                    format!(
                        "published snapshot {} has changed: its SHA-256 is {} but folio.lock records {}",
                        snapshot.id(),
                        snapshot.sha256,
                        entry.sha256
                    ),
                )
                .with_hint(format!(
                    "published snapshots are immutable: restore this file, and publish the change as a new version with `folio data add {} <file.csv> --version <new version>`",
                    snapshot.dataset
                )),
            ),
            None if locked => errors.push(
                Diagnostic::file(
                    &snapshot.path,
                    format!("snapshot {} is not in folio.lock", snapshot.id()),
                )
                .with_hint("run `folio build` without --locked to publish it, and commit folio.lock"),
            ),
            None => {
                notes.push(format!(
                    "published snapshot {} (sha256 {})",
                    snapshot.id(),
                    snapshot.sha256
                ));
                next.add_snapshot(LockedSnapshot {
                    dataset: snapshot.dataset.clone(),
                    version: snapshot.version.clone(),
                    sha256: snapshot.sha256.clone(),
                    published: today.to_string(),
                    query: None,
                    inputs: Vec::new(),
                });
            }
        }
    }
    for entry in &lock.snapshot {
        let present = registry
            .datasets
            .get(&entry.dataset)
            .is_some_and(|d| d.snapshot(&entry.version).is_some());
        if !present {
            errors.push(
                Diagnostic::file(
                    crate::project::snapshot_path(&entry.dataset, &entry.version),
                    format!(
                        "published snapshot {}@{} is missing",
                        entry.dataset, entry.version
                    ),
                )
                .with_hint(
                    "published snapshots are permanent: restore the file from version control",
                ),
            );
        }
    }
    if errors.is_empty() {
        Ok((next, notes))
    } else {
        Err(errors)
    }
}

/// Where each figure version's `spec` starts in `folio.lock`, by figure id and version.
pub type SpecOffsets = BTreeMap<(String, u32), usize>;

/// The hint of every diagnostic about the lock's own contents.
const RESTORE: &str = "folio.lock is written by folio; restore it from version control";

/// The lock's keys with where their values stand, for diagnostics.
type Keys = BTreeMap<String, toml::Spanned<toml::Value>>;

/// The lock's shape with the spans of its keys, parsed beside the typed [`Lock`] (which
/// refuses unknown keys) to point diagnostics at their lines.
#[derive(Debug, Default, Deserialize)]
struct Located {
    /// The keys of each `[[snapshot]]`, in order.
    #[serde(default)]
    snapshot: Vec<Keys>,
    /// Each `[[figure]]`, in order.
    #[serde(default)]
    figure: Vec<LocatedFigure>,
    /// The keys of each `[[claim]]`, in order.
    #[serde(default)]
    claim: Vec<Keys>,
}

/// A `[[figure]]` entry's id and the keys of each of its `[[figure.version]]`s.
#[derive(Debug, Default, Deserialize)]
struct LocatedFigure {
    /// Its `id`.
    id: Option<toml::Spanned<toml::Value>>,
    /// The keys of each version, in order.
    #[serde(default)]
    version: Vec<Keys>,
}

/// Which entry of the lock a diagnostic is about.
#[derive(Debug, Clone, Copy)]
enum Entry {
    /// The n-th `[[snapshot]]`.
    Snapshot(usize),
    /// The n-th `[[figure]]`.
    Figure(usize),
    /// The j-th version of the i-th figure.
    Version(usize, usize),
    /// The n-th `[[claim]]`.
    Claim(usize),
}

/// Where the lock's diagnostics go, with what locates them.
struct Sink<'a> {
    source: Source<'a>,
    located: &'a Located,
    errors: Vec<Diagnostic>,
}

impl Sink<'_> {
    /// Where `key` of `entry` starts in the file (0 when it cannot be found).
    fn offset(&self, entry: Entry, key: &str) -> usize {
        let keys = match entry {
            Entry::Snapshot(i) => self.located.snapshot.get(i),
            Entry::Figure(i) => {
                let id = self.located.figure.get(i).and_then(|f| f.id.as_ref());
                return id.map_or(0, |v| v.span().start);
            }
            Entry::Version(i, j) => self.located.figure.get(i).and_then(|f| f.version.get(j)),
            Entry::Claim(i) => self.located.claim.get(i),
        };
        keys.and_then(|k| k.get(key)).map_or(0, |v| v.span().start)
    }

    fn report(&mut self, entry: Entry, key: &str, message: String) {
        let offset = self.offset(entry, key);
        self.errors
            .push(self.source.error_at(offset, message).with_hint(RESTORE));
    }
}

fn is_sha256(text: &str) -> bool {
    text.len() == 64
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Today's date as `YYYY-MM-DD`, from `SOURCE_DATE_EPOCH` when it is set (for reproducible
/// builds), else from the clock. It is only ever recorded in the lock, never in the output
/// directly, so the output stays a function of the committed sources.
pub fn today() -> Result<String, String> {
    let seconds = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(value) => value
            .trim()
            .parse::<i64>()
            .map_err(|_| format!("SOURCE_DATE_EPOCH={value:?} is not a number of seconds"))?,
        Err(_) => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64),
    };
    Ok(civil_date(seconds.div_euclid(86_400)))
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_days_to_dates() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(20_419), "2025-11-27");
        assert_eq!(civil_date(11_016), "2000-02-29");
        assert_eq!(civil_date(-1), "1969-12-31");
    }

    #[test]
    fn round_trips_through_toml() {
        let lock = Lock {
            figure: vec![LockedFigure {
                id: "f".into(),
                version: vec![LockedVersion {
                    number: 1,
                    published: "2025-11-27".into(),
                    data: "a@v1".into(),
                    sha256: "0".repeat(64),
                    spec: r#"{"data":"a@v1","id":"f","title":"T","type":"line","x":"x","y":"y"}"#
                        .into(),
                    columns: Some(r#"{"x":{"type":"date"}}"#.into()),
                }],
            }],
            snapshot: vec![
                LockedSnapshot {
                    dataset: "a".into(),
                    version: "v1".into(),
                    sha256: "0".repeat(64),
                    published: "2025-11-27".into(),
                    query: None,
                    inputs: Vec::new(),
                },
                LockedSnapshot {
                    dataset: "b".into(),
                    version: "v1".into(),
                    sha256: "1".repeat(64),
                    published: "2025-11-27".into(),
                    query: Some("2".repeat(64)),
                    inputs: vec![input()],
                },
            ],
            claim: vec![LockedClaim {
                key: "3".repeat(64),
                page: "content/a.md".into(),
                values: "a = 1; b = 2".into(),
                inputs: vec![input()],
            }],
        };
        assert_eq!(Lock::parse(Path::new(FILE), &lock.to_toml()).unwrap(), lock);
    }

    fn input() -> LockedInput {
        LockedInput {
            name: "a".into(),
            data: "a@v1".into(),
            sha256: "0".repeat(64),
        }
    }

    #[test]
    fn inputs_must_be_locked_snapshots_with_their_checksums() {
        let text = |sha: &str| {
            format!(
                "[[snapshot]]\ndataset = \"a\"\nversion = \"v1\"\nsha256 = \"{}\"\npublished = \"2025-11-27\"\n\n[[claim]]\nkey = \"{}\"\npage = \"content/a.md\"\nvalues = \"\"\n\n[[claim.inputs]]\nname = \"a\"\ndata = \"a@v1\"\nsha256 = \"{sha}\"\n",
                "0".repeat(64),
                "3".repeat(64)
            )
        };
        assert!(Lock::parse(Path::new(FILE), &text(&"0".repeat(64))).is_ok());
        let errors = Lock::parse(Path::new(FILE), &text(&"1".repeat(64))).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0]
                .message
                .contains("records another SHA-256 for a@v1"),
            "{}",
            errors[0].message
        );
        assert_eq!(errors[0].line, 12, "at the claim's inputs");
    }

    #[test]
    fn describes_what_changed_between_versions() {
        let v = |data: &str, spec: &str| LockedVersion {
            number: 1,
            published: String::new(),
            data: data.into(),
            sha256: String::new(),
            spec: spec.into(),
            columns: Some("{}".into()),
        };
        let old = v("a@v1", r#"{"data":"a@v1","id":"f","title":"A"}"#);
        let new = v("a@v2", r#"{"data":"a@v2","id":"f","title":"B"}"#);
        assert_eq!(
            new.change_from(&old),
            "Data moved from a@v1 to a@v2; the directive's `title` changed"
        );
        let relabelled = LockedVersion {
            columns: Some(r#"{"y":{"type":"number","label":"Share"}}"#.into()),
            ..old.clone()
        };
        assert_eq!(
            relabelled.change_from(&LockedVersion {
                columns: Some(r#"{"y":{"type":"number","label":"Part"}}"#.into()),
                ..old.clone()
            }),
            "The columns' description in dataset.toml changed"
        );
        // An entry written before columns were pinned matches whatever it is compared with.
        let mut lock = Lock::default();
        lock.publish_figure(
            "f",
            LockedVersion {
                columns: None,
                ..old.clone()
            },
        );
        let spec = &old.spec;
        assert_eq!(
            lock.figure_status("f", spec, "a@v1", "{}"),
            FigureStatus::Published(1)
        );
        assert!(lock.pin_columns("f", "{}"));
        assert!(!lock.pin_columns("f", "{}"));
        assert_eq!(
            lock.figure_status("f", spec, "a@v1", "{}"),
            FigureStatus::Published(1)
        );
        assert_eq!(
            lock.figure_status("f", spec, "a@v1", "{\"y\":{}}"),
            FigureStatus::Unpublished(2)
        );
    }
}
