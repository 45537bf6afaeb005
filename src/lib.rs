//! folio: a static site generator for data-driven research reports.
//!
//! The whole program is [`build`]: load the project's files, parse them into a report,
//! check it (resolving every directive), render the site and write it. Each stage takes the
//! previous stage's value and returns a new one; a stage that finds problems in the input
//! returns every diagnostic it found, and nothing is written.

pub mod chart;
pub mod cli;
pub mod config;
pub mod content;
pub mod data;
pub mod diag;
pub mod error;
pub mod figure;
pub mod html;
pub mod lock;
pub mod markdown;
pub mod output;
pub mod project;
pub mod render;
pub mod site;

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
    let started = Instant::now();
    let out = options
        .out
        .clone()
        .unwrap_or_else(|| options.root.join("public"));
    if options.write {
        output::check_out_dir(&options.root, &out)?;
    }
    let project = project::load(&options.root)?;
    let (report, theme, lock) = parse(&project, options)?;
    let site = site::render(&report, &theme)?;
    if options.write {
        output::write(&site, &out)?;
        if lock.updated != lock.committed {
            error::write(
                &options.root.join(lock::FILE),
                lock.updated.to_toml().as_bytes(),
            )?;
        }
    }
    Ok(Summary {
        pages: report.pages.len(),
        figures: report.figures.len(),
        versions: report.figures.len(),
        datasets: report.data.datasets.len(),
        elapsed: started.elapsed(),
        notes: lock.notes,
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
    let mut errors = Vec::new();
    let config = Config::parse(&project.config.path, &project.config.text)
        .map_err(|e| errors.extend(e))
        .ok();
    let pages = content::parse(project.content.clone())
        .map_err(|e| errors.extend(e))
        .ok();
    let theme = Theme::load(project.theme.clone())
        .map_err(|e| errors.extend(e))
        .ok();
    let data = match data::load(&project.root) {
        Ok(registry) => Some(registry),
        Err(Error::Content(e)) => {
            errors.extend(e);
            None
        }
        Err(other) => return Err(other),
    };
    let committed = match &project.lock {
        Some(file) => lock::Lock::parse(&file.path, &file.text)
            .map_err(|e| errors.push(e))
            .ok(),
        None => Some(lock::Lock::default()),
    };
    let (Some(mut config), Some(pages), Some(theme), Some(data), Some(committed)) =
        (config, pages, theme, data, committed)
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
    let figures = resolve_figures(&pages, &data, &mut errors);
    let pages = check(pages, &figures, &config, &theme, &mut errors);
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
            data,
            lock: lock.updated.clone(),
        },
        theme,
        lock,
    ))
}

/// Resolves every chart directive of the report, in reading order, and numbers the figures.
fn resolve_figures(
    pages: &[Page],
    data: &data::Registry,
    errors: &mut Vec<Diagnostic>,
) -> Vec<Placed> {
    let mut placed: Vec<Placed> = Vec::new();
    for (index, page) in pages.iter().enumerate() {
        for directive in markdown::directives(page.body()) {
            let Directive::Chart { body, offset } = directive else {
                continue;
            };
            let source = page.body_source().fragment(offset);
            let resolved = figure::parse(&body, &source)
                .map_err(|e| vec![e])
                .and_then(|spec| figure::resolve(spec, data, &body, &source));
            let figure = match resolved {
                Ok(figure) => figure,
                Err(e) => {
                    errors.extend(e);
                    continue;
                }
            };
            if let Some(first) = placed.iter().find(|p| p.figure.spec.id == figure.spec.id) {
                let first_page = &pages[first.page].file.path;
                errors.push(
                    source
                        .error_at(
                            figure::key_offset(&body, "id"),
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
                option: chart::option(&figure),
                number: placed.len() + 1,
                page: index,
                offset,
                version: 1,
                figure,
            });
        }
    }
    placed
}

/// Renders every page's Markdown, replacing its directives with figures and links.
fn check(
    pages: Vec<Page>,
    figures: &[Placed],
    config: &Config,
    theme: &Theme,
    errors: &mut Vec<Diagnostic>,
) -> Vec<(Page, Rendered)> {
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
    let mut rendered = Vec::with_capacity(pages.len());
    for (index, page) in pages.iter().enumerate() {
        let source = page.body_source();
        let (html, found) = markdown::render(page.body(), &mut |directive| match directive {
            Directive::Chart { offset, .. } => figures
                .iter()
                .find(|f| f.page == index && f.offset == *offset)
                // A figure that did not resolve has its error reported already.
                .map_or(Ok(String::new()), |placed| {
                    site::figure_fragment(theme, config, placed)
                }),
            Directive::FigRef { id, offset } => {
                match figures.iter().find(|f| &f.figure.spec.id == id) {
                    Some(f) => Ok(format!(
                        "<a class=\"figref\" href=\"{}#fig-{}\">Figure {}</a>",
                        urls[f.page], id, f.number
                    )),
                    None => Err(source
                        .error_at(*offset, format!("unknown figure @fig-{id}"))
                        .with_hint(figure_list())),
                }
            }
            Directive::Value { offset, .. } => {
                Err(source.error_at(*offset, "value roles are not supported yet"))
            }
            Directive::Cite { keys, offset } => {
                Err(source.error_at(*offset, format!("unknown reference @{}", keys.join(", @"))))
            }
        });
        errors.extend(found);
        rendered.push(html);
    }
    pages.into_iter().zip(rendered).collect()
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
    if !content::is_slug(dataset) {
        return Err(Error::Usage(format!(
            "dataset name {dataset:?} is not a slug (lowercase letters, digits, hyphens)"
        )));
    }
    if !data::is_version(version) {
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
    let mut errors = Vec::new();
    let Some(meta) = data::load_meta(root, &rel_dir, &mut errors)? else {
        return Err(errors.into());
    };
    let target_rel = rel_dir.join(format!("{version}.csv"));
    let target = root.join(&target_rel);
    let lock_path = root.join(lock::FILE);
    let committed = if lock_path.is_file() {
        let text = String::from_utf8_lossy(&error::read(&lock_path)?).into_owned();
        lock::Lock::parse(std::path::Path::new(lock::FILE), &text)?
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
    error::copy(file, &target)?;
    let described = describe_version(root, &toml_path, version, new);
    if let Err(e) = described {
        let _ = std::fs::remove_file(&target);
        return Err(e);
    }
    let mut updated = committed;
    updated.snapshot.push(lock::LockedSnapshot {
        dataset: dataset.clone(),
        version: version.clone(),
        sha256: sha256.clone(),
        published: lock::today().map_err(Error::Usage)?,
    });
    updated.snapshot.sort_by(|a, b| {
        (&a.dataset, data::version_order(&a.version))
            .cmp(&(&b.dataset, data::version_order(&b.version)))
    });
    error::write(&lock_path, updated.to_toml().as_bytes())?;
    Ok(format!(
        "added {dataset}@{version}: {} rows, {} columns, sha256 {sha256}",
        table.rows(),
        table.columns.len()
    ))
}

/// Appends `[versions."<v>"]` to `dataset.toml` (keeping the author's formatting), and
/// checks the result still parses.
fn describe_version(
    root: &std::path::Path,
    toml_path: &std::path::Path,
    version: &str,
    new: &NewSnapshot,
) -> Result<(), Error> {
    if new.retrieved.is_none() && new.notes.is_none() {
        return Ok(());
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
    error::write(&full, text.as_bytes())
}

/// `folio data list`: every dataset, version, row count and checksum.
pub fn list_data(root: &std::path::Path) -> Result<String, Error> {
    let registry = data::load(root)?;
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
