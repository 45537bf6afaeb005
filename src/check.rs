//! The check stage: every directive of the prose resolved against the data, every figure
//! given its version from the lock, every published version rebuilt, every citation key
//! checked. Data in, data out: nothing here writes markup.
//!
//! In: [`Parsed`] and the build's [`Options`]. Out: a [`Report`] (or every diagnostic found,
//! by this stage and the ones before it, sorted). Steps: check the snapshots against the
//! lock; resolve the chart directives (in parallel) and number them in reading order; give
//! each its version, publishing a new one when its spec or data changed (or failing, with
//! `--locked`); rebuild every other locked version from the lock; resolve each page's
//! figure references, values and citations.
//!
//! One fault gives one diagnostic: a reference to a chart whose directive failed, or to a
//! snapshot the lock says is missing, is not reported again.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::Options;
use crate::bib::Bibliography;
use crate::config::Config;
use crate::content::Page;
use crate::data::Registry;
use crate::diag::{self, Diagnostic, Source};
use crate::error::Error;
use crate::figure::{self, FigureVersion, Place};
use crate::lock::{self, Lock};
use crate::markdown::Directive;
use crate::parse::Parsed;
use crate::query;
use crate::value;

/// The report, checked: everything the site is rendered from, and nothing rendered yet.
pub struct Report {
    /// The configuration (with any `--base-url` override applied).
    pub config: Config,
    /// Pages in reading order, each with its directives resolved.
    pub pages: Vec<CheckedPage>,
    /// Every figure version the site publishes: first those the prose shows, in reading
    /// order (each with its [`Place`]), then every other locked version, by id and number.
    pub figures: Vec<FigureVersion>,
    /// Datasets and their snapshots.
    pub data: Registry,
    /// The lock as this build leaves it (publication dates, every version's history).
    pub lock: Lock,
    /// Whether this build adds to the lock (so `folio.lock` is written).
    pub lock_changed: bool,
    /// What this build published for the first time, in words.
    pub notes: Vec<String>,
    /// For each figure the prose shows, the index in `figures` of the version it shows.
    shown: BTreeMap<String, usize>,
    /// The bibliography, for formatting the pages' citations.
    pub bibliography: Option<Bibliography>,
    /// The prose's claims (all hold), in reading order.
    pub claims: Vec<PlacedClaim>,
}

/// A page with what each of its directives resolved to.
pub struct CheckedPage {
    /// The page.
    pub page: Page,
    /// What each directive resolved to, by its offset in the page's body.
    pub resolved: BTreeMap<usize, Resolved>,
    /// Its citations, in order (every key is in the bibliography).
    pub citations: Vec<crate::citation::Citation>,
}

/// What a directive of the prose resolved to.
#[derive(Debug, Clone)]
pub enum Resolved {
    /// A chart: the index of its figure version in [`Report::figures`]. Its sources'
    /// citations ([`crate::figure::Figure::source_citations`]) are the page's next ones.
    Figure(usize),
    /// A cross-reference to the figure at this index of [`Report::figures`].
    FigRef(usize),
    /// A value role's cell.
    Value(value::Value),
    /// A citation; its text comes from the bibliography, in the page's order.
    Cite,
    /// A claim that holds: its index in [`Report::claims`].
    Claim(usize),
    /// Nothing: the directive failed and its diagnostic is reported (or rests on a fault
    /// reported elsewhere).
    Omitted,
}

impl Report {
    /// `folio.lock` as this build leaves it, when the build adds to it (else `None`: the
    /// committed lock stands).
    pub fn lock_update(&self) -> Option<String> {
        self.lock_changed.then(|| self.lock.to_toml())
    }

    /// The source files this build writes when it succeeds, as (path on disk, bytes):
    /// `folio.lock` when it changes, and the file of each derived version it computed.
    pub fn source_updates(&self, root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
        let mut files: Vec<(PathBuf, Vec<u8>)> = self
            .data
            .snapshots()
            .filter_map(|s| Some((root.join(&s.path), s.computed.as_ref()?.to_vec())))
            .collect();
        if let Some(toml) = self.lock_update() {
            files.push((root.join(lock::FILE), toml.into_bytes()));
        }
        files
    }

    /// The figure versions the prose shows, in reading order.
    pub fn current(&self) -> impl Iterator<Item = &FigureVersion> {
        self.figures.iter().filter(|f| f.place.is_some())
    }

    /// The latest published version of figure `id`.
    pub fn latest(&self, id: &str) -> u32 {
        self.lock
            .figure(id)
            .and_then(|f| f.version.last())
            .map_or(0, |v| v.number)
    }

    /// True when figure `id` is no longer in the prose (its pages stay, marked withdrawn).
    pub fn is_withdrawn(&self, id: &str) -> bool {
        !self.shown.contains_key(id)
    }

    /// What changed from the previous version of figure `id` to `version`, in words.
    pub fn change(&self, id: &str, version: u32) -> Option<String> {
        let versions = &self.lock.figure(id)?.version;
        let i = versions.iter().position(|v| v.number == version)?;
        Some(versions[i].change_from(&versions[i.checked_sub(1)?]))
    }

    /// The page that shows figure `figure`'s id now (for any of its versions), if the prose
    /// still shows it.
    pub fn page_of(&self, figure: &FigureVersion) -> Option<&Page> {
        let place = self.figures[*self.shown.get(&figure.figure.spec.id)?].place?;
        Some(&self.pages[place.page].page)
    }
}

/// Checks the parsed project, collecting every diagnostic.
pub fn check(parsed: Parsed, options: &Options) -> Result<Report, Error> {
    let Parsed {
        config,
        pages,
        directives,
        mut data,
        bibliography,
        lock: committed,
        spec_offsets,
        lock_file,
        diagnostics: mut errors,
    } = parsed;
    let (pins, failed, derive_errors) = query::derive(&mut data, &committed, options.locked);
    errors.extend(derive_errors);
    let (mut lock, mut notes) =
        lock::check_snapshots(&committed, &data, options.locked, &options.today)
            .map_err(|e| errors.extend(e))
            .unwrap_or_else(|()| (committed.clone(), Vec::new()));
    for pin in pins {
        if lock.pin_derived(&pin) {
            notes.push(format!(
                "computed derived version {}@{} from {}",
                pin.dataset,
                pin.version,
                pin.inputs
                    .iter()
                    .map(|i| i.data.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    // Snapshots the lock records but the project lacks, and derived versions that failed:
    // their diagnostics are the lock's and the query's.
    let mut missing: BTreeSet<String> = committed
        .snapshot
        .iter()
        .map(|s| format!("{}@{}", s.dataset, s.version))
        .filter(|id| data.resolve(id).is_err())
        .collect();
    missing.extend(failed);
    errors.extend(check_sources(&data, bibliography.as_ref()));
    let charts = resolve_charts(&pages, &directives, &data, &missing, &mut errors);
    let (claims, claimed) = check_claims(
        &pages,
        &directives,
        &data,
        (&committed, options.locked),
        &missing,
        &mut errors,
    );
    if !options.locked {
        lock.claim = claims_to_pin(&claims);
        notes.extend(
            lock.claim
                .iter()
                .filter(|c| !committed.claim.iter().any(|old| old.key == c.key))
                .map(|c| format!("checked a claim in {} ({})", c.page, c.values)),
        );
    }
    let mut figures = Vec::with_capacity(charts.placed.len());
    for chart in charts.placed {
        let version = publish(&chart, &pages, &mut lock, options, &mut errors, &mut notes);
        let published = lock
            .figure(&chart.figure.spec.id)
            .and_then(|f| f.version.iter().find(|v| v.number == version))
            .map_or_else(|| options.today.clone(), |v| v.published.clone());
        figures.push(FigureVersion {
            figure: chart.figure,
            version,
            published,
            place: Some(chart.place),
        });
    }
    let lock_source = lock_file
        .as_ref()
        .map_or(Source::new(Path::new(lock::FILE), ""), |file| {
            Source::new(&file.path, &file.text)
        });
    figures.extend(rebuild_archive(
        &lock,
        &figures,
        &data,
        &lock_source,
        &spec_offsets,
        &missing,
        &mut errors,
    ));
    let shown: BTreeMap<String, usize> = figures
        .iter()
        .enumerate()
        .filter(|(_, f)| f.place.is_some())
        .map(|(i, f)| (f.figure.spec.id.clone(), i))
        .collect();
    let placed: BTreeMap<(usize, usize), usize> = figures
        .iter()
        .enumerate()
        .filter_map(|(i, f)| f.place.map(|p| ((p.page, p.offset), i)))
        .collect();
    let context = Context {
        figures: &figures,
        shown: &shown,
        placed: &placed,
        unresolved: &charts.unresolved,
        unnamed_failure: charts.unnamed_failure,
        missing: &missing,
        data: &data,
        bibliography: bibliography.as_ref(),
        claimed: &claimed,
    };
    let checked: Vec<(CheckedPage, Vec<Diagnostic>)> = pages
        .into_par_iter()
        .zip(directives)
        .enumerate()
        .map(|(index, (page, found))| check_page(index, page, &found, &context))
        .collect();
    let mut pages = Vec::with_capacity(checked.len());
    for (page, found) in checked {
        errors.extend(found);
        pages.push(page);
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    Ok(Report {
        shown,
        config,
        pages,
        figures,
        data,
        lock_changed: lock != committed,
        lock,
        notes,
        bibliography,
        claims: claims.into_iter().map(|(claim, _)| claim).collect(),
    })
}

/// Checks the `source_column` of every dataset that names one: each snapshot has the
/// column, and each key in it is an entry of the bibliography. One diagnostic per snapshot
/// without the column, and per unknown key at the first line that gives it.
fn check_sources(data: &Registry, bibliography: Option<&Bibliography>) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    for dataset in data.datasets.values() {
        let Some(name) = &dataset.meta.source_column else {
            continue;
        };
        let toml = Path::new("data").join(&dataset.name).join("dataset.toml");
        let Some(bibliography) = bibliography else {
            errors.push(
                Diagnostic::file(
                    &toml,
                    format!("source_column = {name:?} names bibliography keys, but the report has no bibliography"),
                )
                .with_hint("add content/references.bib (or references.json or references.yaml) with an entry for each source, or remove source_column"),
            );
            continue;
        };
        for snapshot in &dataset.snapshots {
            let table = &snapshot.table;
            if table.column(name).is_none() {
                errors.push(
                    Diagnostic::file(
                        &snapshot.path,
                        format!("the source column {name:?} (source_column in {}) is missing from this snapshot", toml.display()),
                    )
                    .with_hint(format!("the header has {}", table.column_names())),
                );
                continue;
            }
            for source in table.source_counts() {
                if bibliography.contains(&source.key) {
                    continue;
                }
                let key = &source.key;
                errors.push(Diagnostic {
                    // A Parquet file has no lines; its rows were read as CSV text.
                    line: match snapshot.extension() {
                        "parquet" => 0,
                        _ => crate::data::line_at(&snapshot.full_path, source.first),
                    },
                    ..Diagnostic::file(
                        &snapshot.path,
                        format!("unknown source {key:?} in column {name:?}: it is not a key of {}", bibliography.path()),
                    )
                    .with_hint(format!(
                        "add an entry with the key {key} to {path}, or correct the key in a new version of the snapshot; {path} has {}",
                        bibliography.some_keys(8),
                        path = bibliography.path(),
                    ))
                });
            }
        }
    }
    errors
}

/// Checks every claim of the prose, in reading order. Returns each claim that holds as
/// (the claim as shown, its lock entry), and the index of each in that list by page and
/// offset.
fn check_claims(
    pages: &[Page],
    directives: &[Vec<Directive>],
    data: &Registry,
    (lock, locked): (&Lock, bool),
    missing: &BTreeSet<String>,
    errors: &mut Vec<Diagnostic>,
) -> (Vec<Checked>, BTreeMap<(usize, usize), usize>) {
    let mut claims = Vec::new();
    let mut index = BTreeMap::new();
    for (page, found) in directives.iter().enumerate() {
        for directive in found {
            let Directive::Claim { body, offset } = directive else {
                continue;
            };
            let site = query::ClaimSite {
                page: pages[page].file.path.to_string_lossy().replace('\\', "/"),
                source: pages[page].body_source().fragment_lf(*offset),
                body,
            };
            match query::check_claim(&site, data, lock, locked, missing) {
                Ok((claim, entry)) => {
                    index.insert((page, *offset), claims.len());
                    let placed = PlacedClaim {
                        page,
                        number: claims.len() + 1,
                        claim,
                    };
                    claims.push((placed, entry));
                }
                Err(e) => errors.extend(e),
            }
        }
    }
    (claims, index)
}

/// A claim that holds, as shown and as the lock pins it.
type Checked = (PlacedClaim, lock::LockedClaim);

/// The lock's claim entries: one per distinct claim, in reading order.
fn claims_to_pin(claims: &[Checked]) -> Vec<lock::LockedClaim> {
    let mut seen = BTreeSet::new();
    claims
        .iter()
        .filter(|(_, entry)| seen.insert(entry.key.clone()))
        .map(|(_, entry)| entry.clone())
        .collect()
}

/// A claim that holds, where the prose makes it.
#[derive(Debug, Clone)]
pub struct PlacedClaim {
    /// The index of its page in [`Report::pages`].
    pub page: usize,
    /// 1, 2, ... in reading order across the report (its anchor is `claim-<number>`).
    pub number: usize,
    /// The claim.
    pub claim: query::Claim,
}

/// A chart directive resolved and placed in the report, before it has a version.
struct Chart {
    figure: figure::Figure,
    place: Place,
}

/// The charts of the prose, and what is known of those that failed.
struct Charts {
    placed: Vec<Chart>,
    /// Ids of chart directives that failed, with their errors reported.
    unresolved: BTreeSet<String>,
    /// True when a chart directive failed before its id could be read.
    unnamed_failure: bool,
}

/// Resolves every chart directive (in parallel) and numbers the figures in reading order.
fn resolve_charts(
    pages: &[Page],
    directives: &[Vec<Directive>],
    data: &Registry,
    missing: &BTreeSet<String>,
    errors: &mut Vec<Diagnostic>,
) -> Charts {
    let found: Vec<(usize, &str, usize)> = directives
        .iter()
        .enumerate()
        .flat_map(|(page, found)| {
            found.iter().filter_map(move |d| match d {
                Directive::Chart { body, offset } => Some((page, body.as_str(), *offset)),
                _ => None,
            })
        })
        .collect();
    let resolved: Vec<Result<figure::Figure, Vec<Diagnostic>>> = found
        .par_iter()
        .map(|&(page, body, offset)| {
            let source = pages[page].body_source().fragment_lf(offset);
            let spec = figure::parse(body, &source).map_err(|e| vec![e])?;
            if missing.contains(&spec.data) {
                // The lock reports the missing snapshot.
                return Err(Vec::new());
            }
            let figure = figure::resolve(spec, data, body, &source)?;
            match figure::check_legibility(&figure, body, &source) {
                errors if errors.is_empty() => Ok(figure),
                errors => Err(errors),
            }
        })
        .collect();
    let mut charts = Charts {
        placed: Vec::new(),
        unresolved: BTreeSet::new(),
        unnamed_failure: false,
    };
    for ((page, body, offset), resolved) in found.into_iter().zip(resolved) {
        let figure = match resolved {
            Ok(figure) => figure,
            Err(e) => {
                errors.extend(e);
                match figure::id_of(body) {
                    Some(id) => charts.unresolved.insert(id),
                    None => std::mem::replace(&mut charts.unnamed_failure, true),
                };
                continue;
            }
        };
        let id = &figure.spec.id;
        if let Some(first) = charts.placed.iter().find(|p| &p.figure.spec.id == id) {
            let source = pages[page].body_source().fragment_lf(offset);
            errors.push(
                source
                    .error_at(
                        diag::toml_key_offset(body, "id"),
                        format!("figure id {id:?} is used twice"),
                    )
                    .with_hint(format!(
                        "it is first used in {}; each figure needs its own permanent id",
                        pages[first.place.page].file.path.display()
                    )),
            );
            continue;
        }
        let number = charts.placed.len() + 1;
        charts.placed.push(Chart {
            figure,
            place: Place {
                number,
                page,
                offset,
            },
        });
    }
    charts
}

/// The version of a chart of the prose: its latest locked version when the spec and data
/// are the same, else a new version, added to `lock` (or, with `--locked`, a diagnostic).
fn publish(
    chart: &Chart,
    pages: &[Page],
    lock: &mut Lock,
    options: &Options,
    errors: &mut Vec<Diagnostic>,
    notes: &mut Vec<String>,
) -> u32 {
    let figure = &chart.figure;
    let id = &figure.spec.id;
    let spec = figure::canonical(&figure.spec);
    let columns = figure::columns(figure);
    match lock.figure_status(id, &spec, &figure.snapshot, &columns) {
        lock::FigureStatus::Published(n) => {
            // An entry from before folio pinned columns gets them (not with --locked, which
            // never writes the lock).
            if !options.locked {
                lock.pin_columns(id, &columns);
            }
            n
        }
        lock::FigureStatus::Unpublished(n) if options.locked => {
            let source = pages[chart.place.page]
                .body_source()
                .fragment_lf(chart.place.offset);
            let what = if n == 1 {
                format!("figure {id:?} is not in folio.lock")
            } else {
                format!("figure {id:?} differs from its published version {}", n - 1)
            };
            errors.push(source.error_at(0, what).with_hint(format!(
                "run `folio build` without --locked to publish it as version {n}, and commit folio.lock"
            )));
            n
        }
        lock::FigureStatus::Unpublished(n) => {
            let version = lock::LockedVersion {
                number: n,
                published: options.today.clone(),
                data: figure.snapshot.clone(),
                sha256: figure.sha256.clone(),
                spec,
                columns: Some(columns),
            };
            let change = lock
                .figure(id)
                .and_then(|f| f.version.last())
                .map(|previous| version.change_from(previous));
            notes.push(match change {
                Some(change) => format!("published figure {id} version {n}: {change}"),
                None => format!("published figure {id} version {n}"),
            });
            lock.publish_figure(id, version)
        }
    }
}

/// Every locked figure version the prose does not show (earlier and withdrawn ones),
/// rebuilt from its spec in the lock against its immutable snapshot.
fn rebuild_archive(
    lock: &Lock,
    current: &[FigureVersion],
    data: &Registry,
    lock_source: &Source<'_>,
    spec_offsets: &lock::SpecOffsets,
    missing: &BTreeSet<String>,
    errors: &mut Vec<Diagnostic>,
) -> Vec<FigureVersion> {
    let mut archive = Vec::new();
    for locked in &lock.figure {
        for version in &locked.version {
            let shown = current
                .iter()
                .any(|f| f.figure.spec.id == locked.id && f.version == version.number);
            // A version that plots a missing snapshot rests on the lock's diagnostic.
            if shown || missing.contains(&version.data) {
                continue;
            }
            let at = spec_offsets
                .get(&(locked.id.clone(), version.number))
                .copied()
                .unwrap_or(0);
            let source = lock_source.fragment(at);
            // The lock was validated: its spec is a chart directive.
            let rebuilt = serde_json::from_str::<figure::ChartSpec>(&version.spec)
                .map_err(|e| {
                    vec![source.error_at(
                        0,
                        format!(
                            "figure {:?} version {} in folio.lock cannot be read: {e}",
                            locked.id, version.number
                        ),
                    )]
                })
                .and_then(|spec| figure::resolve(spec, data, "", &source))
                .and_then(|mut figure| {
                    // Shown with the columns as published, whatever dataset.toml says now.
                    if let Some(pinned) = &version.columns {
                        figure::pin_columns(&mut figure, pinned).map_err(|e| {
                            vec![source.error_at(
                                0,
                                format!(
                                    "figure {:?} version {} in folio.lock: {e}",
                                    locked.id, version.number
                                ),
                            )]
                        })?;
                    }
                    Ok(figure)
                });
            match rebuilt {
                Ok(figure) => archive.push(FigureVersion {
                    figure,
                    version: version.number,
                    published: version.published.clone(),
                    place: None,
                }),
                Err(e) => errors.extend(e),
            }
        }
    }
    archive
}

/// What a page's directives resolve against.
struct Context<'a> {
    figures: &'a [FigureVersion],
    /// Figure id -> index in `figures` of the version the prose shows.
    shown: &'a BTreeMap<String, usize>,
    /// (page, offset of its directive) -> index in `figures`.
    placed: &'a BTreeMap<(usize, usize), usize>,
    unresolved: &'a BTreeSet<String>,
    unnamed_failure: bool,
    missing: &'a BTreeSet<String>,
    data: &'a Registry,
    bibliography: Option<&'a Bibliography>,
    /// (page, offset of its directive) -> index of the claim in [`Report::claims`].
    claimed: &'a BTreeMap<(usize, usize), usize>,
}

/// Resolves a page's directives; returns the checked page and its diagnostics.
fn check_page(
    index: usize,
    page: Page,
    directives: &[Directive],
    context: &Context<'_>,
) -> (CheckedPage, Vec<Diagnostic>) {
    let mut errors = Vec::new();
    let mut resolved = BTreeMap::new();
    let mut citations = Vec::new();
    let source = page.body_source();
    for directive in directives {
        let (offset, outcome) = match directive {
            Directive::Chart { offset, .. } => {
                let shown = context.placed.get(&(index, *offset)).copied();
                // The figure cites the sources of its rows where it stands.
                if let Some(i) = shown {
                    citations.extend(
                        context.figures[i]
                            .figure
                            .source_citations(context.bibliography, *offset),
                    );
                }
                (*offset, shown.map_or(Resolved::Omitted, Resolved::Figure))
            }
            Directive::Claim { offset, .. } => {
                let claim = context.claimed.get(&(index, *offset)).copied();
                (*offset, claim.map_or(Resolved::Omitted, Resolved::Claim))
            }
            Directive::FigRef { id, offset } => {
                let outcome = match context.shown.get(id).copied() {
                    Some(target) => Resolved::FigRef(target),
                    // Its directive's own diagnostic says what is wrong.
                    None if context.unresolved.contains(id) || context.unnamed_failure => {
                        Resolved::Omitted
                    }
                    None => {
                        errors.push(
                            source
                                .error_at(*offset, format!("unknown figure @fig-{id}"))
                                .with_hint(figure_list(context.figures)),
                        );
                        Resolved::Omitted
                    }
                };
                (*offset, outcome)
            }
            Directive::Value { spec, offset } => {
                let outcome = match value::resolve(spec, context.data) {
                    Ok(value) => Resolved::Value(value),
                    Err(_) if rests_on_missing(spec, context.missing) => Resolved::Omitted,
                    Err(problem) => {
                        let mut d = source.error_at(offset + problem.offset, problem.message);
                        d.hint = problem.hint;
                        errors.push(d);
                        Resolved::Omitted
                    }
                };
                (*offset, outcome)
            }
            Directive::Cite {
                citation, offset, ..
            } => {
                for item in &citation.items {
                    let known = context.bibliography.map(|b| b.contains(&item.key));
                    if known == Some(true) {
                        continue;
                    }
                    let hint = match context.bibliography {
                        Some(bibliography) => {
                            format!("{} has {}", bibliography.path(), bibliography.some_keys(12))
                        }
                        None => "add content/references.bib (or references.json, CSL-JSON, \
                                 or references.yaml, hayagriva's YAML) with this entry; a \
                                 literal @ is written \\@"
                            .to_string(),
                    };
                    errors.push(
                        source
                            .error_at(item.offset, format!("unknown reference @{}", item.key))
                            .with_hint(hint),
                    );
                }
                citations.push(citation.clone());
                (*offset, Resolved::Cite)
            }
            Directive::BadCite {
                message,
                hint,
                offset,
                ..
            } => {
                errors.push(
                    source
                        .error_at(*offset, format!("cannot read this citation: {message}"))
                        .with_hint(hint.clone()),
                );
                (*offset, Resolved::Omitted)
            }
        };
        resolved.insert(offset, outcome);
    }
    let page = CheckedPage {
        page,
        resolved,
        citations,
    };
    (page, errors)
}

/// True when a value role names a snapshot that the lock records and the project lacks.
fn rests_on_missing(role: &str, missing: &BTreeSet<String>) -> bool {
    role.split_whitespace()
        .next()
        .is_some_and(|snapshot| missing.contains(snapshot))
}

/// The figures a reference may name, for a hint.
fn figure_list(figures: &[FigureVersion]) -> String {
    let ids: Vec<String> = figures
        .iter()
        .filter(|f| f.place.is_some())
        .map(|f| format!("@fig-{}", f.figure.spec.id))
        .collect();
    if ids.is_empty() {
        "the report has no figures yet".to_string()
    } else {
        format!("figures are {}", ids.join(", "))
    }
}
