//! The parse stage: every file the load stage read, turned into typed, validated values.
//!
//! In: a [`Project`] and the build's [`Options`]. Out: [`Parsed`]: the configuration (with
//! any `--base-url` applied), the pages with their front matter and the directives found in
//! their Markdown (with offsets), the datasets with their snapshots,
//! the bibliography and the committed lock; plus every problem found so far, which the check
//! stage adds to; and beside it the compiled theme, for the render stage. When a part the
//! check stage needs could not be parsed, the stage returns every diagnostic found instead.

use rayon::prelude::*;

use crate::Options;
use crate::bib::Bibliography;
use crate::config::{self, Config};
use crate::content::{self, Page};
use crate::data::{self, Registry};
use crate::diag::Diagnostic;
use crate::error::Error;
use crate::lock::{Lock, SpecOffsets};
use crate::markdown::{self, Directive};
use crate::project::{Project, SourceFile};
use crate::theme::Theme;

/// The project, parsed.
pub struct Parsed {
    /// `folio.toml`, with `--base-url` applied.
    pub config: Config,
    /// Pages in reading order.
    pub pages: Vec<Page>,
    /// For each page, its directives in order, with their offsets in its body.
    pub directives: Vec<Vec<Directive>>,
    /// Datasets and their snapshots.
    pub data: Registry,
    /// `content/references.bib`, when there is one.
    pub bibliography: Option<Bibliography>,
    /// `folio.lock` as committed (empty when there is none).
    pub lock: Lock,
    /// Where each locked figure version's spec starts in `folio.lock`.
    pub spec_offsets: SpecOffsets,
    /// `folio.lock`'s text, for diagnostics about versions rebuilt from it.
    pub lock_file: Option<SourceFile>,
    /// Problems found so far (by load and parse); the check stage adds its own.
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses every part of `project`, collecting every problem. The theme (the default one
/// overlaid with the project's templates, compiled) is returned beside the rest: only the
/// render stage uses it.
pub fn parse(project: Project, options: &Options) -> Result<(Parsed, Theme), Error> {
    let mut errors = project.problems;
    let data = match data::parse(&project.datasets) {
        Ok(registry) => Some(registry),
        Err(Error::Content(e)) => {
            errors.extend(e);
            None
        }
        Err(other) => return Err(other),
    };
    let config = project
        .config
        .as_ref()
        .and_then(|file| kept(Config::parse(&file.path, &file.text), &mut errors));
    let pages = kept(content::parse(project.content), &mut errors);
    let theme = kept(Theme::load(project.theme), &mut errors);
    let style = config
        .as_ref()
        .map_or(crate::bib::DEFAULT_STYLE, |c| c.citation_style.as_str());
    let bibliography = match &project.bibliography {
        Some(file) => kept(
            Bibliography::parse(file, style)
                .map(|b| Some(b.with_cache(crate::render_cache(options)))),
            &mut errors,
        ),
        None => Some(None),
    };
    let lock = match &project.lock {
        Some(file) => kept(Lock::parse_located(&file.path, &file.text), &mut errors),
        None => Some(Default::default()),
    };
    let (
        Some(mut config),
        Some(pages),
        Some(theme),
        Some(data),
        Some((lock, spec_offsets)),
        Some(bibliography),
    ) = (config, pages, theme, data, lock, bibliography)
    else {
        return Err(errors.into());
    };
    if let Some(url) = &options.base_url {
        config.base_url = config::normalise_base_url(url).map_err(Error::Usage)?;
    }
    let directives = pages
        .par_iter()
        .map(|p| markdown::directives(p.body()))
        .collect();
    let parsed = Parsed {
        config,
        pages,
        directives,
        data,
        bibliography,
        lock,
        spec_offsets,
        lock_file: project.lock,
        diagnostics: errors,
    };
    Ok((parsed, theme))
}

/// The value, or `None` with its diagnostics added to `errors`.
fn kept<T>(result: Result<T, Vec<Diagnostic>>, errors: &mut Vec<Diagnostic>) -> Option<T> {
    result.map_err(|e| errors.extend(e)).ok()
}
