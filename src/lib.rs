//! folio: a static site generator for data-driven research reports.
//!
//! The whole program is [`build`]: five stages, each taking the previous stage's value and
//! returning a new one.
//!
//! ```text
//! load    project::load    the files on disk               -> Project
//! parse   parse::parse     typed, validated values         -> Parsed
//! check   check::check     directives, lock, citations     -> Report (data only)
//! render  render::render   every page and file, all markup -> FileMap
//! write   output::write    paths checked, staged, swapped  -> public/
//! ```
//!
//! A stage that finds problems in the input returns every diagnostic found so far, and
//! nothing is written. The commands besides `build` are in [`commands`].

pub mod bib;
pub mod bibtex;
pub mod bundle;
pub mod cache;
pub mod chart;
pub mod check;
pub mod citation;
pub mod cite;
pub mod cli;
pub mod commands;
pub mod config;
pub mod content;
pub mod data;
pub mod diag;
pub mod error;
pub mod figure;
pub mod html;
pub mod links;
pub mod lock;
pub mod markdown;
pub mod memo;
pub mod names;
pub mod number;
pub mod output;
pub mod parse;
pub mod project;
pub mod query;
pub mod render;
pub mod search;
pub mod serve;
pub mod theme;
pub mod timing;
pub mod urls;
pub mod value;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use crate::error::Error;
use crate::output::FileMap;
use crate::timing::{Stages, Timing};

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
    /// Report each stage on standard error as it ends (`--verbose`).
    pub progress: bool,
    /// Keep rendered figures between builds in the user's cache directory (see [`cache`]);
    /// `false` with `--no-cache`.
    pub cache: bool,
    /// Build the search index with the site; `false` leaves it out (`folio serve` indexes
    /// each build after serving it, see [`render::search_bundle`]).
    pub search: bool,
    /// The date anything this build publishes is recorded under in `folio.lock`
    /// (`YYYY-MM-DD`; see [`lock::today`]). No stage reads the clock.
    pub today: String,
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

/// Builds the project at `options.root` into its output directory.
pub fn build(options: &Options) -> Result<Summary, Error> {
    let out = options
        .out
        .clone()
        .unwrap_or_else(|| options.root.join("public"));
    let out = output::out_dir(&options.root, &out)?;
    let mut stages = Stages::new(options.progress);
    let project = stages.time("load", || project::load(&options.root))?;
    let (parsed, theme) = stages.time("parse", || parse::parse(project, options))?;
    let report = stages.time("check", || check::check(parsed, options))?;
    let site = stages.time("render", || {
        render::render(&report, &theme, &render_cache(options), options.search)
    })?;
    let sources = report.source_updates(&options.root);
    stages.time("write", || output::write(&site, &sources, &out))?;
    Ok(summary(&report, stages))
}

/// Loads, parses and checks the project: the report, with every diagnostic of the input
/// found. Renders and writes nothing (`folio init` uses it to make its lock).
pub fn check_project(options: &Options) -> Result<check::Report, Error> {
    let project = project::load(&options.root)?;
    let (parsed, _) = parse::parse(project, options)?;
    check::check(parsed, options)
}

/// A site rendered in memory (for `folio check` and `folio serve`), with what it would
/// publish.
pub struct Built {
    /// Every file of the site.
    pub site: FileMap,
    /// What it holds.
    pub summary: Summary,
    /// The configured (or overridden) base URL.
    pub base_url: String,
    /// For each chapter page, the Markdown file it is rendered from.
    pub sources: BTreeMap<String, PathBuf>,
}

/// Loads, parses, checks and renders the project into memory; writes nothing.
pub fn render_site(options: &Options) -> Result<Built, Error> {
    let mut stages = Stages::new(options.progress);
    let project = stages.time("load", || project::load(&options.root))?;
    let (parsed, theme) = stages.time("parse", || parse::parse(project, options))?;
    let report = stages.time("check", || check::check(parsed, options))?;
    let site = stages.time("render", || {
        render::render(&report, &theme, &render_cache(options), options.search)
    })?;
    let sources = report
        .pages
        .iter()
        .map(|p| (urls::index(&p.page.url_path()), p.page.file.path.clone()))
        .collect();
    Ok(Built {
        site,
        base_url: report.config.base_url.clone(),
        sources,
        summary: summary(&report, stages),
    })
}

/// The render cache `options` ask for.
pub(crate) fn render_cache(options: &Options) -> cache::RenderCache {
    match options.cache {
        true => cache::RenderCache::user(),
        false => cache::RenderCache::off(),
    }
}

fn summary(report: &check::Report, stages: Stages) -> Summary {
    let timings = stages.into_timings();
    Summary {
        pages: report.pages.len(),
        figures: report.current().count(),
        versions: report.figures.len(),
        datasets: report.data.datasets.len(),
        elapsed: timings.iter().map(|t| t.time).sum(),
        notes: report.notes.clone(),
        timings,
    }
}
