//! folio: a static site generator for data-driven research reports.
//!
//! The whole program is [`build`]: load the project's files, parse them into a report,
//! check it (resolving every directive), render the site and write it. Each stage takes the
//! previous stage's value and returns a new one; a stage that finds problems in the input
//! returns every diagnostic it found, and nothing is written.

pub mod cli;
pub mod config;
pub mod content;
pub mod diag;
pub mod error;
pub mod html;
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
    let (report, theme) = parse(&project, options)?;
    let site = site::render(&report, &theme)?;
    if options.write {
        output::write(&site, &out)?;
    }
    Ok(Summary {
        pages: report.pages.len(),
        figures: 0,
        versions: 0,
        datasets: 0,
        elapsed: started.elapsed(),
    })
}

/// The parse and check stages: every input file into validated values, every directive
/// resolved. All problems are collected before returning.
fn parse(project: &Project, options: &Options) -> Result<(Report, Theme), Error> {
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
    let (Some(mut config), Some(pages), Some(theme)) = (config, pages, theme) else {
        return Err(errors.into());
    };
    if let Some(url) = &options.base_url {
        config.base_url = config::normalise_base_url(url).map_err(Error::Usage)?;
    }
    let pages = check(pages, &mut errors);
    if !errors.is_empty() {
        return Err(errors.into());
    }
    Ok((Report { config, pages }, theme))
}

/// Renders every page's Markdown, resolving its directives.
fn check(pages: Vec<Page>, errors: &mut Vec<Diagnostic>) -> Vec<(Page, Rendered)> {
    pages
        .into_iter()
        .map(|page| {
            let source = page.body_source();
            let (rendered, found) = markdown::render(page.body(), &mut |directive| {
                Err(match directive {
                    Directive::FigRef { id, offset } => {
                        source.error_at(*offset, format!("unknown figure @fig-{id}"))
                    }
                    Directive::Chart { offset, .. } => {
                        source.error_at(*offset, "chart directives are not supported yet")
                    }
                    Directive::Value { offset, .. } => {
                        source.error_at(*offset, "value roles are not supported yet")
                    }
                    Directive::Cite { keys, offset } => {
                        source.error_at(*offset, format!("unknown reference @{}", keys.join(", @")))
                    }
                })
            });
            errors.extend(found);
            (page, rendered)
        })
        .collect()
}
