//! folio: a static site generator for data-driven research reports.
//!
//! The whole program is [`build`]: load the project's files, parse them into a report,
//! check it (resolving every directive), render the site and write it. Each stage takes the
//! previous stage's value and returns a new one; a stage that finds problems in the input
//! returns every diagnostic it found, and nothing is written.

pub mod bib;
pub mod chart;
pub mod cite;
pub mod cli;
pub mod config;
pub mod content;
pub mod data;
pub mod diag;
pub mod error;
pub mod figure;
pub mod html;
pub mod init;
pub mod links;
pub mod lock;
pub mod markdown;
pub mod memo;
pub mod names;
pub mod output;
pub mod project;
pub mod render;
pub mod serve;
pub mod site;
pub mod value;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::content::Page;
use crate::diag::Diagnostic;
use crate::error::Error;
use crate::figure::Placed;
use crate::markdown::{Directive, Rendered};
use crate::project::Project;
use crate::render::Theme;
use crate::site::Report;

/// How to build.
#[derive(Debug, Clone)]
pub struct Options {
    /// The project root.
    pub root: PathBuf,
    /// Where to write the site. Default: `<root>/public`.
    pub out: Option<PathBuf>,
    /// Overrides `base_url` of `folio.toml`.
    pub base_url: Option<String>,
    /// Fail rather than add entries to `folio.lock`.
    pub locked: bool,
    /// Write the site (`build`) or only check the project (`check`).
    pub write: bool,
    /// Report each stage on standard error as it ends (`--verbose`).
    pub progress: bool,
}

/// What a successful build made.
#[derive(Debug, Clone)]
pub struct Summary {
    /// HTML pages of the report (front page and chapters).
    pub pages: usize,
    /// Figures in the report.
    pub figures: usize,
    /// Figure versions published, over all figures.
    pub versions: usize,
    /// Datasets.
    pub datasets: usize,
    /// Wall-clock time of the whole build.
    pub elapsed: Duration,
    /// What the build published for the first time (new lock entries).
    pub notes: Vec<String>,
    /// Time and memory per stage.
    pub timings: Vec<Timing>,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "built {} pages, {} figures ({} versions), {} datasets in {} ms",
            self.pages,
            self.figures,
            self.versions,
            self.datasets,
            self.elapsed.as_millis()
        )
    }
}

/// Builds (or, with `write: false`, only checks) the project at `options.root`.
pub fn build(options: &Options) -> Result<Summary, Error> {
    let out = options
        .out
        .clone()
        .unwrap_or_else(|| options.root.join("public"));
    let out = match options.write {
        true => Some(output::out_dir(&options.root, &out)?),
        false => None,
    };
    let Built {
        site,
        mut summary,
        lock,
        ..
    } = render(options)?;
    if options.write {
        let started = Instant::now();
        // The lock first: if the swap then fails, the next build publishes the same
        // versions under the same numbers; the other way round, pages could be published
        // for versions no lock records.
        if lock.updated != lock.committed {
            error::write(
                &options.root.join(lock::FILE),
                lock.updated.to_toml().as_bytes(),
            )?;
        }
        if let Some(out) = &out {
            output::write(&site, out)?;
        }
        summary
            .timings
            .push(Timing::since("write", started).report(options));
    }
    summary.elapsed = summary.timings.iter().map(|t| t.time).sum();
    Ok(summary)
}

/// A site rendered in memory, with what it would publish.
pub struct Built {
    /// Every file of the site.
    pub site: output::Site,
    /// What it holds.
    pub summary: Summary,
    /// The configured (or overridden) base URL.
    pub base_url: String,
    /// For each chapter page, the Markdown file it is rendered from.
    pub sources: std::collections::BTreeMap<String, PathBuf>,
    lock: LockUpdate,
}

impl Built {
    /// `folio.lock` as this build would write it, when it differs from the committed one.
    pub fn lock_to_write(&self) -> Option<String> {
        (self.lock.updated != self.lock.committed).then(|| self.lock.updated.to_toml())
    }
}

/// Time and peak memory after one stage.
#[derive(Debug, Clone)]
pub struct Timing {
    /// The stage: load, parse, render, write.
    pub stage: &'static str,
    /// How long it took.
    pub time: Duration,
    /// The process's peak resident memory after it, in KiB, where the system says.
    pub peak_kib: Option<u64>,
}

impl Timing {
    fn since(stage: &'static str, started: Instant) -> Timing {
        Timing {
            stage,
            time: started.elapsed(),
            peak_kib: peak_memory_kib(),
        }
    }

    /// Prints the stage when `options` asks for progress; returns it for the summary.
    fn report(self, options: &Options) -> Timing {
        if options.progress {
            eprintln!("{} done in {} ms", self.stage, self.time.as_millis());
        }
        self
    }
}

/// Peak resident set size (Linux `VmHWM`), for `--timings`.
fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Loads, parses, checks and renders the project into memory; writes nothing.
pub fn render(options: &Options) -> Result<Built, Error> {
    let mut timings = Vec::new();
    let started = Instant::now();
    let project = project::load(&options.root)?;
    timings.push(Timing::since("load", started).report(options));
    let started = Instant::now();
    let (report, mut theme, lock) = parse(&project, options)?;
    timings.push(Timing::since("parse and check", started).report(options));
    let started = Instant::now();
    let site = site::render(&report, &mut theme)?;
    site.check_paths()?;
    timings.push(Timing::since("render", started).report(options));
    let sources = report
        .pages
        .iter()
        .map(|(page, _)| {
            (
                format!("{}index.html", page.url_path()),
                page.file.path.clone(),
            )
        })
        .collect();
    Ok(Built {
        site,
        base_url: report.config.base_url.clone(),
        sources,
        summary: Summary {
            pages: report.pages.len(),
            figures: report.figures.len(),
            versions: report.figures.len() + report.archive.len(),
            datasets: report.data.datasets.len(),
            elapsed: timings.iter().map(|t| t.time).sum(),
            notes: lock.notes.clone(),
            timings,
        },
        lock,
    })
}

/// The lock as committed and as this build leaves it.
struct LockUpdate {
    committed: lock::Lock,
    updated: lock::Lock,
    notes: Vec<String>,
}

/// The parse and check stages: every input file into validated values, every directive
/// resolved. All problems are collected before returning.
fn parse(project: &Project, options: &Options) -> Result<(Report, Theme, LockUpdate), Error> {
    let mut errors = project.problems.clone();
    let config = project.config.as_ref().and_then(|file| {
        Config::parse(&file.path, &file.text)
            .map_err(|e| errors.extend(e))
            .ok()
    });
    let pages = content::parse(project.content.clone())
        .map_err(|e| errors.extend(e))
        .ok();
    let theme = Theme::load(project.theme.clone())
        .map_err(|e| errors.extend(e))
        .ok();
    let data = match data::parse(&project.datasets) {
        Ok(registry) => Some(registry),
        Err(Error::Content(e)) => {
            errors.extend(e);
            None
        }
        Err(other) => return Err(other),
    };
    let bibliography = match &project.bibliography {
        Some(file) => bib::Bibliography::parse(file)
            .map(Some)
            .map_err(|e| errors.extend(e))
            .ok(),
        None => Some(None),
    };
    let committed = match &project.lock {
        Some(file) => lock::Lock::parse_located(&file.path, &file.text)
            .map_err(|e| errors.extend(e))
            .ok(),
        None => Some(Default::default()),
    };
    let (
        Some(mut config),
        Some(pages),
        Some(theme),
        Some(data),
        Some((committed, spec_offsets)),
        Some(bibliography),
    ) = (config, pages, theme, data, committed, bibliography)
    else {
        return Err(errors.into());
    };
    if let Some(url) = &options.base_url {
        config.base_url = config::normalise_base_url(url).map_err(Error::Usage)?;
    }
    let today = lock::today().map_err(Error::Usage)?;
    let (updated, notes) = lock::check_snapshots(&committed, &data, options.locked, &today)
        .map_err(|e| errors.extend(e))
        .unwrap_or_default();
    let directives: Vec<Vec<Directive>> = {
        use rayon::prelude::*;
        pages
            .par_iter()
            .map(|p| markdown::directives(p.body()))
            .collect()
    };
    let (mut figures, unresolved) = resolve_figures(&pages, &directives, &data, &mut errors);
    let mut updated = updated;
    let mut notes = notes;
    let archive = publish_figures(
        &mut figures,
        &mut updated,
        project.lock.as_ref().map_or("", |file| file.text.as_str()),
        &spec_offsets,
        &data,
        &pages,
        options.locked,
        &today,
        &mut errors,
        &mut notes,
    );
    let inputs = Inputs {
        figures: &figures,
        unresolved: &unresolved,
        data: &data,
        bibliography: bibliography.as_ref(),
        config: &config,
        theme: &theme,
    };
    let pages = check(pages, &directives, &inputs, &mut errors);
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let lock = LockUpdate {
        committed,
        updated,
        notes,
    };
    Ok((
        Report {
            config,
            pages,
            figures,
            archive,
            data,
            lock: lock.updated.clone(),
        },
        theme,
        lock,
    ))
}

/// Resolves every chart directive of the report (in parallel), and numbers the figures in
/// reading order. Also returns the ids of the directives that failed (their errors are
/// reported), so that references to them do not add false "unknown figure" errors.
fn resolve_figures(
    pages: &[Page],
    directives: &[Vec<Directive>],
    data: &data::Registry,
    errors: &mut Vec<Diagnostic>,
) -> (Vec<Placed>, std::collections::BTreeSet<String>) {
    use rayon::prelude::*;
    let charts: Vec<(usize, &str, usize)> = directives
        .iter()
        .enumerate()
        .flat_map(|(index, found)| {
            found.iter().filter_map(move |d| match d {
                Directive::Chart { body, offset } => Some((index, body.as_str(), *offset)),
                _ => None,
            })
        })
        .collect();
    let resolved: Vec<_> = charts
        .par_iter()
        .map(|&(index, body, offset)| {
            let source = pages[index].body_source().fragment(offset);
            figure::parse(body, &source)
                .map_err(|e| vec![e])
                .and_then(|spec| figure::resolve(spec, data, body, &source))
                .map(|figure| (chart::option(&figure), figure))
        })
        .collect();
    let mut placed: Vec<Placed> = Vec::new();
    let mut unresolved = std::collections::BTreeSet::new();
    for ((index, body, offset), resolved) in charts.into_iter().zip(resolved) {
        let page = &pages[index];
        let source = page.body_source().fragment(offset);
        let (option, figure) = match resolved {
            Ok(resolved) => resolved,
            Err(e) => {
                errors.extend(e);
                unresolved.extend(figure::id_of(body));
                continue;
            }
        };
        if let Some(first) = placed.iter().find(|p| p.figure.spec.id == figure.spec.id) {
            let first_page = &pages[first.page.unwrap_or(index)].file.path;
            errors.push(
                source
                    .error_at(
                        diag::toml_key_offset(body, "id"),
                        format!("figure id {:?} is used twice", figure.spec.id),
                    )
                    .with_hint(format!(
                        "it is first used in {}; each figure needs its own permanent id",
                        first_page.display()
                    )),
            );
            continue;
        }
        placed.push(Placed {
            option,
            number: Some(placed.len() + 1),
            page: Some(index),
            offset,
            version: 0,
            latest: 0,
            published: String::new(),
            withdrawn: false,
            change: None,
            figure,
        });
    }
    (placed, unresolved)
}

/// Gives each figure of the prose its version from `folio.lock`, publishing a new version
/// when its directive or data changed (or failing, with `--locked`), and rebuilds every
/// other published version (earlier and withdrawn ones) from the lock.
#[allow(clippy::too_many_arguments)] // One stage, one call site: the pipeline's values.
fn publish_figures(
    figures: &mut [Placed],
    lock: &mut lock::Lock,
    lock_text: &str,
    spec_offsets: &lock::SpecOffsets,
    data: &data::Registry,
    pages: &[Page],
    locked: bool,
    today: &str,
    errors: &mut Vec<Diagnostic>,
    notes: &mut Vec<String>,
) -> Vec<Placed> {
    for placed in figures.iter_mut() {
        let spec = figure::canonical(&placed.figure.spec);
        let id = placed.figure.spec.id.clone();
        let snapshot = placed.figure.snapshot.clone();
        placed.version = match lock.figure_status(&id, &spec, &snapshot) {
            lock::FigureStatus::Published(n) => n,
            lock::FigureStatus::Unpublished(n) if locked => {
                let page = &pages[placed.page.unwrap_or(0)];
                let source = page.body_source().fragment(placed.offset);
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
                    published: today.to_string(),
                    data: snapshot.clone(),
                    sha256: placed.figure.sha256.clone(),
                    spec,
                };
                let change = lock
                    .figure(&id)
                    .and_then(|f| f.version.last())
                    .map(|previous| version.change_from(previous));
                notes.push(match change {
                    Some(change) => format!("published figure {id} version {n}: {change}"),
                    None => format!("published figure {id} version {n}"),
                });
                lock.publish_figure(&id, version)
            }
        };
    }
    let mut archive = Vec::new();
    for locked_figure in &lock.figure {
        let current = figures
            .iter_mut()
            .find(|p| p.figure.spec.id == locked_figure.id);
        let latest = locked_figure.version.last().map_or(0, |v| v.number);
        let page = current.as_ref().and_then(|p| p.page);
        let withdrawn = current.is_none();
        let mut current = current;
        for (i, version) in locked_figure.version.iter().enumerate() {
            let change = i
                .checked_sub(1)
                .map(|p| version.change_from(&locked_figure.version[p]));
            if let Some(placed) = current
                .as_deref_mut()
                .filter(|p| p.version == version.number)
            {
                placed.latest = latest;
                placed.published = version.published.clone();
                placed.change = change;
                continue;
            }
            let at = spec_offsets
                .get(&(locked_figure.id.clone(), version.number))
                .copied()
                .unwrap_or(0);
            let source =
                diag::Source::new(std::path::Path::new(lock::FILE), lock_text).fragment(at);
            let rebuilt = serde_json::from_str::<figure::ChartSpec>(&version.spec)
                .map_err(|e| {
                    vec![source.error_at(
                        0,
                        format!(
                            "figure {:?} version {} in folio.lock cannot be read: {e}",
                            locked_figure.id, version.number
                        ),
                    )]
                })
                .and_then(|spec| figure::resolve(spec, data, "", &source));
            match rebuilt {
                Ok(figure) => archive.push(Placed {
                    option: chart::option(&figure),
                    figure,
                    number: None,
                    page,
                    offset: 0,
                    version: version.number,
                    latest,
                    published: version.published.clone(),
                    withdrawn,
                    change,
                }),
                Err(e) => errors.extend(e),
            }
        }
    }
    archive
}

/// Checks a page's `[@key]` citations against the bibliography and formats them.
fn cite_references(
    page: &Page,
    directives: &[Directive],
    bibliography: Option<&bib::Bibliography>,
    errors: &mut Vec<Diagnostic>,
) -> bib::PageReferences {
    let source = page.body_source();
    let mut cited = Vec::new();
    for directive in directives {
        let Directive::Cite { keys, offset } = directive else {
            continue;
        };
        let (keys, offset) = (keys.clone(), *offset);
        let Some(bibliography) = bibliography else {
            errors.push(
                source
                    .error_at(
                        offset,
                        format!(
                            "[@{}] cites a reference, but there is no bibliography",
                            keys.join("; @")
                        ),
                    )
                    .with_hint("add the entry to content/references.bib"),
            );
            continue;
        };
        for key in keys.iter().filter(|k| !bibliography.contains(k)) {
            errors.push(
                source
                    .error_at(offset, format!("unknown reference @{key}"))
                    .with_hint(format!(
                        "content/references.bib has {}",
                        bibliography.some_keys(12)
                    )),
            );
        }
        cited.push(keys);
    }
    match bibliography {
        Some(b) if !cited.is_empty() => b.render_page(&cited),
        _ => bib::PageReferences::default(),
    }
}

/// Renders every page's Markdown, replacing its directives with figures and links.
/// What the directives of the prose resolve against.
struct Inputs<'a> {
    figures: &'a [Placed],
    /// Ids of chart directives that failed, with their errors reported.
    unresolved: &'a std::collections::BTreeSet<String>,
    data: &'a data::Registry,
    bibliography: Option<&'a bib::Bibliography>,
    config: &'a Config,
    theme: &'a Theme,
}

fn check(
    pages: Vec<Page>,
    directives: &[Vec<Directive>],
    inputs: &Inputs<'_>,
    errors: &mut Vec<Diagnostic>,
) -> Vec<(Page, Rendered)> {
    let Inputs {
        figures,
        unresolved,
        data,
        bibliography,
        config,
        theme,
    } = *inputs;
    let base = config.base_path();
    let figure_list = || {
        let ids: Vec<String> = figures
            .iter()
            .map(|f| format!("@fig-{}", f.figure.spec.id))
            .collect();
        if ids.is_empty() {
            "the report has no figures yet".to_string()
        } else {
            format!("figures are {}", ids.join(", "))
        }
    };
    let urls: Vec<String> = pages
        .iter()
        .map(|p| format!("{base}{}", p.url_path()))
        .collect();
    use rayon::prelude::*;
    let render_page = |(index, page): (usize, &Page)| -> (Rendered, Vec<Diagnostic>) {
        let mut errors = Vec::new();
        let source = page.body_source();
        let references = cite_references(page, &directives[index], bibliography, &mut errors);
        let mut citations = references.citations.iter();
        let (mut html, found) = markdown::render(page.body(), &mut |directive| match directive {
            Directive::Chart { offset, .. } => figures
                .iter()
                .find(|f| f.page == Some(index) && f.offset == *offset)
                // A figure that did not resolve has its error reported already.
                .map_or(Ok(String::new()), |placed| {
                    site::figure_fragment(theme, config, placed)
                }),
            Directive::FigRef { id, offset } => {
                match figures.iter().find(|f| &f.figure.spec.id == id) {
                    Some(f) => Ok(format!(
                        "<a class=\"figref\" href=\"{}#fig-{}\">Figure {}</a>",
                        urls[f.page.unwrap_or(0)],
                        id,
                        f.number.unwrap_or(0)
                    )),
                    // Its directive's own error says what is wrong.
                    None if unresolved.contains(id) => Ok(String::new()),
                    None => Err(source
                        .error_at(*offset, format!("unknown figure @fig-{id}"))
                        .with_hint(figure_list())),
                }
            }
            Directive::Value { spec, offset } => match value::resolve(spec, data) {
                Ok(v) => Ok(format!(
                    "<a class=\"value\" href=\"{base}data/{}/{}/\" title=\"{}\"><data value=\"{}\">{}</data></a>",
                    html::escape(&v.dataset),
                    html::escape(&v.version),
                    html::escape(
                        format!("{}, column {} {}", v.snapshot, v.column, v.filters).trim_end()
                    ),
                    html::escape(&v.raw),
                    html::escape(&v.formatted),
                )),
                Err(problem) => {
                    let mut d = source.error_at(offset + problem.offset, problem.message);
                    d.hint = problem.hint;
                    Err(d)
                }
            },
            Directive::Cite { keys, .. } => Ok(format!(
                "<a class=\"cite\" href=\"#ref-{}\">{}</a>",
                html::escape(&keys[0]),
                citations.next().map_or("", String::as_str)
            )),
        });
        errors.extend(found);
        if !references.references.is_empty() {
            html.html.push_str("<section class=\"references\" aria-labelledby=\"references\">\n<h2 id=\"references\">References</h2>\n<ol>\n");
            for (key, entry) in &references.references {
                html.html.push_str(&format!(
                    "<li id=\"ref-{}\">{entry}</li>\n",
                    html::escape(key)
                ));
            }
            html.html.push_str("</ol>\n</section>\n");
            html.toc.push(markdown::TocEntry {
                level: 2,
                id: "references".to_string(),
                title: "References".to_string(),
            });
        }
        (html, errors)
    };
    // Pages render in parallel and are collected in reading order.
    let rendered: Vec<(Rendered, Vec<Diagnostic>)> =
        pages.par_iter().enumerate().map(render_page).collect();
    pages
        .into_iter()
        .zip(rendered)
        .map(|(page, (html, found))| {
            errors.extend(found);
            (page, html)
        })
        .collect()
}

/// What `folio data add` is asked to publish.
#[derive(Debug, Clone)]
pub struct NewSnapshot {
    /// The project root.
    pub root: PathBuf,
    /// The dataset (a directory under `data/` with its `dataset.toml`).
    pub dataset: String,
    /// The CSV file to publish.
    pub file: PathBuf,
    /// The new version's name.
    pub version: String,
    /// When the data was retrieved, `YYYY-MM-DD`.
    pub retrieved: Option<String>,
    /// Notes on the version.
    pub notes: Option<String>,
}

/// `folio data add`: validates a CSV against its dataset, copies it in as a new version,
/// describes the version in `dataset.toml` and locks it. Refuses to replace a version.
/// Returns the line to print.
pub fn add_snapshot(new: &NewSnapshot) -> Result<String, Error> {
    let NewSnapshot {
        root,
        dataset,
        file,
        version,
        ..
    } = new;
    if !names::is_slug(dataset) {
        return Err(Error::Usage(format!(
            "dataset name {dataset:?} is not a slug (lowercase letters, digits, hyphens)"
        )));
    }
    if !names::is_version(version) {
        return Err(Error::Usage(format!(
            "version {version:?} is not an ISO date (2025-11-27) or v<N> (v1)"
        )));
    }
    if let Some(date) = &new.retrieved
        && !matches!(data::parse_date(date), Some((_, m, d)) if m > 0 && d > 0)
    {
        return Err(Error::Usage(format!(
            "--retrieved {date:?} is not a date of the form YYYY-MM-DD"
        )));
    }
    let rel_dir = PathBuf::from("data").join(dataset);
    let toml_path = rel_dir.join("dataset.toml");
    if !root.join(&toml_path).is_file() {
        return Err(Diagnostic::file(&rel_dir, "this dataset has no dataset.toml")
            .with_hint("describe it in dataset.toml before adding a snapshot: title, source, [columns]")
            .into());
    }
    let mut errors = Vec::new();
    let Some(meta_file) = project::read_inside(root, &toml_path, &mut errors)? else {
        return Err(errors.into());
    };
    let meta = data::parse_meta(&toml_path, &meta_file.text)?;
    let target_rel = rel_dir.join(format!("{version}.csv"));
    let target = root.join(&target_rel);
    let lock_path = root.join(lock::FILE);
    let committed = if lock_path.exists() {
        let Some(file) = project::read_inside(root, std::path::Path::new(lock::FILE), &mut errors)?
        else {
            return Err(errors.into());
        };
        lock::Lock::parse(&file.path, &file.text)?
    } else {
        lock::Lock::default()
    };
    if target.exists() || committed.snapshot(dataset, version).is_some() {
        return Err(Diagnostic::file(
            &target_rel,
            format!("{dataset}@{version} already exists; published versions are never replaced"),
        )
        .with_hint("publish the file under a new version name")
        .into());
    }
    if (new.retrieved.is_some() || new.notes.is_some()) && meta.versions.contains_key(version) {
        return Err(Diagnostic::file(
            &toml_path,
            format!("dataset.toml already describes version {version:?}"),
        )
        .with_hint("leave out --retrieved and --notes, or edit dataset.toml")
        .into());
    }
    let (table, sha256, _) = match data::read_snapshot(file, file, &meta) {
        Ok(read) => read,
        Err(data::SnapshotError::Content(e)) => return Err(e.into()),
        Err(data::SnapshotError::Io(e)) => return Err(e),
    };
    // Everything is prepared and checked before the first write; the writes are atomic,
    // and a failed one undoes those before it, so the project ends as it was or with the
    // whole new version.
    let described = describe_version(root, &toml_path, version, new)?;
    let mut updated = committed;
    updated.snapshot.push(lock::LockedSnapshot {
        dataset: dataset.clone(),
        version: version.clone(),
        sha256: sha256.clone(),
        published: lock::today().map_err(Error::Usage)?,
    });
    updated.snapshot.sort_by(|a, b| {
        (&a.dataset, names::version_order(&a.version))
            .cmp(&(&b.dataset, names::version_order(&b.version)))
    });
    error::copy_new(file, &target)?;
    if let Some((path, _, text)) = &described
        && let Err(e) = error::write(path, text.as_bytes())
    {
        let _ = std::fs::remove_file(&target);
        return Err(e);
    }
    if let Err(e) = error::write(&lock_path, updated.to_toml().as_bytes()) {
        let _ = std::fs::remove_file(&target);
        if let Some((path, original, _)) = &described {
            let _ = error::write(path, original.as_bytes());
        }
        return Err(e);
    }
    Ok(format!(
        "added {dataset}@{version}: {} rows, {} columns, sha256 {sha256}",
        table.rows(),
        table.columns.len()
    ))
}

/// `[versions."<v>"]` appended to `dataset.toml` (keeping the author's formatting) when the
/// new version has a retrieval date or notes: the file's path, its text before and after.
/// Checks the result still parses; writes nothing.
fn describe_version(
    root: &std::path::Path,
    toml_path: &std::path::Path,
    version: &str,
    new: &NewSnapshot,
) -> Result<Option<(PathBuf, String, String)>, Error> {
    if new.retrieved.is_none() && new.notes.is_none() {
        return Ok(None);
    }
    let full = root.join(toml_path);
    let original = String::from_utf8_lossy(&error::read(&full)?).into_owned();
    let mut text = original.clone();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(&format!("\n[versions.\"{version}\"]\n"));
    if let Some(date) = &new.retrieved {
        text.push_str(&format!("retrieved = {date}\n"));
    }
    if let Some(notes) = &new.notes {
        text.push_str(&format!("notes = {}\n", toml::Value::String(notes.clone())));
    }
    data::parse_meta(toml_path, &text)?;
    Ok(Some((full, original, text)))
}

/// `folio data list`: every dataset, version, row count and checksum.
pub fn list_data(root: &std::path::Path) -> Result<String, Error> {
    let mut errors = Vec::new();
    let datasets = project::load_datasets(root, &mut errors)?;
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let registry = data::parse(&datasets)?;
    let mut out = String::new();
    for dataset in registry.datasets.values() {
        out.push_str(&format!("{}  {}\n", dataset.name, dataset.meta.title));
        for s in &dataset.snapshots {
            out.push_str(&format!(
                "  {:<12} {:>8} rows  {:>3} columns  sha256 {}\n",
                s.version,
                s.table.rows(),
                s.table.columns.len(),
                s.sha256
            ));
        }
    }
    if out.is_empty() {
        out.push_str("no datasets in data/\n");
    }
    Ok(out)
}

/// `folio cite <id>[@vN]`: a figure version's citation, from the published lock. Without a
/// version, the figure's latest.
pub fn cite(root: &std::path::Path, target: &str, format: cite::Format) -> Result<String, Error> {
    let (id, version) = match target.split_once('@') {
        Some((id, v)) => {
            let number = v
                .strip_prefix('v')
                .and_then(|n| n.parse::<u32>().ok())
                .ok_or_else(|| {
                    Error::Usage(format!("{v:?} is not a figure version: write v1, v2, ..."))
                })?;
            (id, Some(number))
        }
        None => (target, None),
    };
    let id = id.strip_prefix("fig-").unwrap_or(id);
    // A published version is cited from what was published (folio.toml for the report,
    // folio.lock for the version), so an unpublished edit elsewhere in the prose cannot
    // stand in the way.
    let config_path = root.join("folio.toml");
    if !config_path.is_file() {
        return Err(Error::Usage(format!(
            "no folio.toml in {}: run folio in a project directory or pass --root",
            root.display()
        )));
    }
    let mut errors = Vec::new();
    let config = project::read_inside(root, std::path::Path::new("folio.toml"), &mut errors)?;
    let lock_file = if root.join(lock::FILE).exists() {
        project::read_inside(root, std::path::Path::new(lock::FILE), &mut errors)?
    } else {
        None
    };
    let (Some(config), true) = (config, errors.is_empty()) else {
        return Err(errors.into());
    };
    let config = Config::parse(&config.path, &config.text)?;
    let locked = match &lock_file {
        Some(file) => lock::Lock::parse(&file.path, &file.text)?,
        None => lock::Lock::default(),
    };
    let not_published = || {
        Error::Usage(format!(
            "no figure {id:?} has been published in this report (folio.lock has no versions of it)"
        ))
    };
    let figure = locked.figure(id).ok_or_else(not_published)?;
    let latest = figure.version.last().ok_or_else(not_published)?.number;
    let wanted = version.unwrap_or(latest);
    let published = figure
        .version
        .iter()
        .find(|v| v.number == wanted)
        .ok_or_else(|| {
            Error::Usage(format!(
                "figure {id:?} has versions 1 to {latest}, not {wanted}"
            ))
        })?;
    // The lock was validated: its spec is a chart directive.
    let spec: figure::ChartSpec = serde_json::from_str(&published.spec)
        .map_err(|e| Error::Usage(format!("figure {id:?} version {wanted}: {e}")))?;
    let reference = cite::FigureRef {
        id,
        title: &spec.title,
        version: wanted,
        published: &published.published,
        url: site::figure_version_url(&config.base_url, id, wanted),
        data: &published.data,
        sha256: &published.sha256,
    };
    Ok(cite::figure(&config, &reference, format))
}

/// `folio check`: everything `build` checks, plus every internal link, anchor and asset of
/// the site. Writes nothing. Returns the summary and the external links, which are listed
/// and not fetched.
pub fn check_site(options: &Options) -> Result<(Summary, Vec<String>), Error> {
    let built = render(options)?;
    let report = links::check(&built.site, &built.base_url, &built.sources);
    if !report.broken.is_empty() {
        return Err(Error::Content(report.broken));
    }
    Ok((built.summary, report.external.into_iter().collect()))
}
