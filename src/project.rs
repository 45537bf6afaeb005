//! The load stage: read a project's files from disk, in sorted order.
//!
//! In: the project root. Out: a [`Project`] holding the text of `folio.toml`, every
//! Markdown file of `content/` and its `references.bib`, every file of `templates/`,
//! `folio.lock`, and each dataset's `dataset.toml` with the paths of its snapshots (which
//! parse streams: they may be larger than memory). Nothing is parsed here except what is
//! needed to find files; a file that is not UTF-8, a link that leads out of the project, or a
//! file folio does not read is a diagnostic.

use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Source};
use crate::error::{self, Error};

/// A project's files, read but not yet parsed.
#[derive(Debug)]
pub struct Project {
    /// The project root.
    pub root: PathBuf,
    /// `folio.toml`; `None` when it could not be read as text (a problem says why).
    pub config: Option<SourceFile>,
    /// `content/*.md`, sorted by file name.
    pub content: Vec<SourceFile>,
    /// `content/references.bib`, `.json` or `.yaml`, when present.
    pub bibliography: Option<SourceFile>,
    /// Files below `templates/`, sorted by path.
    pub theme: Vec<ThemeFile>,
    /// `folio.lock`, when present.
    pub lock: Option<SourceFile>,
    /// The datasets of `data/`.
    pub datasets: Vec<DatasetFiles>,
    /// What was wrong with the files found (not UTF-8, links out of the project, files
    /// folio does not read): the first diagnostics of the build, which goes on to find the
    /// others before it reports them all.
    pub problems: Vec<Diagnostic>,
}

/// A text file as read from the project (Markdown, TOML, BibTeX).
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the project root, e.g. `content/02-downloads.md`.
    pub path: PathBuf,
    /// The whole file.
    pub text: String,
}

impl SourceFile {
    /// The file as a diagnostic source.
    pub fn source(&self) -> Source<'_> {
        Source::new(&self.path, &self.text)
    }
}

/// A template or asset file of the project's own `templates/` directory.
#[derive(Debug, Clone)]
pub struct ThemeFile {
    /// Its name below `templates/`, `/`-separated (`page.html`, `assets/style.css`).
    pub name: String,
    /// Its contents.
    pub bytes: Vec<u8>,
}

/// Where the snapshot `dataset@version` is, relative to the project root:
/// `data/<dataset>/<version>.csv`.
pub fn snapshot_path(dataset: &str, version: &str) -> PathBuf {
    Path::new("data")
        .join(dataset)
        .join(format!("{version}.csv"))
}

/// The lock file's name, at the project root.
pub const LOCK_FILE: &str = "folio.lock";

/// Reads `folio.toml` and, when there is one, `folio.lock`: what a published version is
/// cited from. A missing `folio.toml` is a usage error (the root is not a project).
pub fn load_published(
    root: &Path,
    errors: &mut Vec<Diagnostic>,
) -> Result<(Option<SourceFile>, Option<SourceFile>), Error> {
    if !root.join("folio.toml").is_file() {
        return Err(Error::Usage(format!(
            "no folio.toml in {}: run folio in a project directory or pass --root",
            root.display()
        )));
    }
    let config = read_inside(root, Path::new("folio.toml"), errors)?;
    let lock = match root.join(LOCK_FILE).exists() {
        true => read_inside(root, Path::new(LOCK_FILE), errors)?,
        false => None,
    };
    Ok((config, lock))
}

/// The names a bibliography may have in `content/`: BibTeX or BibLaTeX, CSL-JSON,
/// hayagriva's YAML.
pub const BIBLIOGRAPHIES: [&str; 3] = ["references.bib", "references.json", "references.yaml"];

/// Reads the project at `root`.
pub fn load(root: &Path) -> Result<Project, Error> {
    let mut errors = Vec::new();
    let (config, lock) = load_published(root, &mut errors)?;
    let mut content = Vec::new();
    let mut bibliography = None;
    let files = walk(root, "content", usize::MAX, &mut errors)?;
    let is_page = |rel: &Path| {
        rel.parent() == Some(Path::new("content")) && rel.extension().is_some_and(|e| e == "md")
    };
    // The pages are read in parallel (a large site has thousands), then taken in order.
    let pages: Vec<Option<_>> = {
        use rayon::prelude::*;
        files
            .par_iter()
            .map(|(rel, _)| {
                is_page(rel).then(|| {
                    let mut errors = Vec::new();
                    (read_text(root, rel, &mut errors), errors)
                })
            })
            .collect()
    };
    for ((rel, _), page) in files.iter().zip(pages) {
        let name = rel
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let top_level = rel.parent() == Some(Path::new("content"));
        if let Some((page, page_errors)) = page {
            errors.extend(page_errors);
            content.extend(page?);
        } else if top_level && BIBLIOGRAPHIES.contains(&name.as_str()) {
            let file = read_text(root, rel, &mut errors)?;
            match (&bibliography, file) {
                (Some(SourceFile { path: first, .. }), Some(_)) => errors.push(
                    crate::diag::Diagnostic::file(
                        rel,
                        format!("a second bibliography, beside {}", first.display()),
                    )
                    .with_hint("keep one of content/references.bib, .json and .yaml"),
                ),
                (None, file) => bibliography = file,
                (Some(_), None) => {}
            }
        } else {
            errors.push(not_read(
                rel,
                "content/ holds the pages (content/*.md) and one bibliography: \
                 content/references.bib (BibTeX), .json (CSL-JSON) or .yaml (hayagriva)",
            ));
        }
    }
    let mut theme = Vec::new();
    for (rel, path) in walk(root, "templates", usize::MAX, &mut errors)? {
        let name = rel
            .strip_prefix("templates")
            .unwrap_or(&rel)
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        let is_template = name.ends_with(".html") || name.ends_with(".xml");
        if !is_template && !name.starts_with("assets/") {
            errors.push(not_read(
                &rel,
                "templates/ holds templates (*.html, *.xml) and, below templates/assets/, files served as they are",
            ));
            continue;
        }
        theme.push(ThemeFile {
            name,
            bytes: error::read(&path)?,
        });
    }
    let datasets = load_datasets(root, &mut errors)?;
    Ok(Project {
        lock,
        root: root.to_path_buf(),
        config,
        content,
        bibliography,
        theme,
        datasets,
        problems: errors,
    })
}

/// One directory of `data/`: its `dataset.toml`, read, and its snapshot files, found.
#[derive(Debug, Clone)]
pub struct DatasetFiles {
    /// The dataset's name (a slug: the directory's name).
    pub name: String,
    /// Its `dataset.toml`.
    pub meta: SourceFile,
    /// Its snapshots, by file name.
    pub snapshots: Vec<SnapshotFile>,
    /// Its queries (`<version>.sql`, one per derived version), read.
    pub queries: Vec<QueryFile>,
}

/// A derived version's query: `data/<dataset>/<version>.sql`.
#[derive(Debug, Clone)]
pub struct QueryFile {
    /// The version its name gives.
    pub version: String,
    /// The file, read.
    pub file: SourceFile,
}

/// A snapshot file: `data/<dataset>/<version>.csv` or `.parquet`.
#[derive(Debug, Clone)]
pub struct SnapshotFile {
    /// The version its name gives.
    pub version: String,
    /// Relative to the project root.
    pub path: PathBuf,
    /// On disk.
    pub full_path: PathBuf,
}

/// Lists the datasets below `root/data` and reads their `dataset.toml`. Reports dataset
/// directories that are not slugs or have no `dataset.toml`, snapshot files whose names are
/// not versions, and every other file (nothing is skipped without a word).
pub fn load_datasets(
    root: &Path,
    errors: &mut Vec<Diagnostic>,
) -> Result<Vec<DatasetFiles>, Error> {
    let mut datasets = Vec::new();
    let data_dir = root.join("data");
    if !data_dir.is_dir() {
        return Ok(datasets);
    }
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    if !is_inside(&canonical_root, &data_dir) {
        errors.push(
            Diagnostic::file(
                "data",
                "this directory is a link that points outside the project",
            )
            .with_hint("copy the files into the project instead of linking to them"),
        );
        return Ok(datasets);
    }
    for entry in error::sorted_entries(&data_dir)? {
        let name = entry.file_name().to_string_lossy().into_owned();
        let rel_dir = Path::new("data").join(&name);
        if name.starts_with('.') {
            continue;
        }
        if !entry.path().is_dir() {
            errors.push(not_read(&rel_dir, DATA_LAYOUT));
            continue;
        }
        if !crate::names::is_slug(&name) {
            errors.push(
                Diagnostic::file(&rel_dir, format!("dataset name {name:?} is not a slug"))
                    .with_hint("rename the directory with lowercase letters, digits and hyphens"),
            );
            continue;
        }
        let toml_path = rel_dir.join("dataset.toml");
        if !root.join(&toml_path).is_file() {
            errors.push(
                Diagnostic::file(&rel_dir, "this dataset has no dataset.toml")
                    .with_hint("describe it in dataset.toml: title, description, source, source_url, license, [columns]"),
            );
            continue;
        }
        let meta = read_inside(root, &toml_path, errors)?;
        let mut snapshots = Vec::new();
        let mut queries = Vec::new();
        for (rel, full) in walk(root, &rel_dir.to_string_lossy(), usize::MAX, errors)? {
            let file_name = rel
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            let top_level = rel.parent() == Some(rel_dir.as_path());
            if top_level && file_name == "dataset.toml" {
                continue;
            }
            if let Some(version) = file_name.strip_suffix(".sql").filter(|_| top_level) {
                if !crate::names::is_version(version) {
                    errors.push(
                        Diagnostic::file(&rel, format!("{version:?} is not a version name"))
                            .with_hint("name a derived version's query <version>.sql, e.g. v1.sql or 2025-11-27.sql"),
                    );
                } else if let Some(file) = read_inside(root, &rel, errors)? {
                    queries.push(QueryFile {
                        version: version.to_string(),
                        file,
                    });
                }
                continue;
            }
            let version = file_name
                .strip_suffix(".csv")
                .or_else(|| file_name.strip_suffix(".parquet"))
                .filter(|_| top_level);
            let Some(version) = version else {
                errors.push(not_read(&rel, DATA_LAYOUT));
                continue;
            };
            if !crate::names::is_version(version) {
                errors.push(
                    Diagnostic::file(&rel, format!("{version:?} is not a version name"))
                        .with_hint("name snapshots <YYYY-MM-DD>.csv or v<N>.csv, e.g. 2025-11-27.csv or v1.csv"),
                );
                continue;
            }
            if snapshots
                .iter()
                .any(|s: &SnapshotFile| s.version == version)
            {
                errors.push(
                    Diagnostic::file(
                        &rel,
                        format!("version {version:?} has two files, a CSV and a Parquet file"),
                    )
                    .with_hint("a version is one file: keep one of them"),
                );
                continue;
            }
            snapshots.push(SnapshotFile {
                version: version.to_string(),
                path: rel,
                full_path: full,
            });
        }
        if let Some(meta) = meta {
            datasets.push(DatasetFiles {
                name,
                meta,
                snapshots,
                queries,
            });
        }
    }
    Ok(datasets)
}

/// What `data/` holds, for the hint of a file folio does not read there.
const DATA_LAYOUT: &str = "data/ holds one directory per dataset, each with its dataset.toml, one <version>.csv (or <version>.parquet) per snapshot and one <version>.sql per derived version";

/// A file folio does not read, in a directory whose files it does: reported, since nothing
/// in the input is skipped without a word. `layout` says what the directory holds.
fn not_read(rel: &Path, layout: &str) -> Diagnostic {
    Diagnostic::file(
        rel,
        "folio does not read this file, so it would not be published",
    )
    .with_hint(format!(
        "{layout}; move other files out of it (files whose names start with a dot are ignored)"
    ))
}

/// Lists the files below `root/dir` up to `depth` levels, sorted, as (path relative to
/// root, full path). Hidden files are skipped; a link that leads outside the project is a
/// diagnostic.
pub fn walk(
    root: &Path,
    dir: &str,
    depth: usize,
    errors: &mut Vec<Diagnostic>,
) -> Result<Vec<(PathBuf, PathBuf)>, Error> {
    let base = root.join(dir);
    if !base.is_dir() {
        return Ok(Vec::new());
    }
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    if !is_inside(&canonical_root, &base) {
        errors.push(
            Diagnostic::file(
                dir,
                "this directory is a link that points outside the project",
            )
            .with_hint("copy the files into the project instead of linking to them"),
        );
        return Ok(Vec::new());
    }
    let mut files = Vec::new();
    let walker = walkdir::WalkDir::new(&base)
        .min_depth(1)
        .max_depth(depth)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = entry.map_err(|e| Error::Io {
            action: "list",
            path: base.clone(),
            source: e.into(),
        })?;
        let path = entry.path().to_path_buf();
        let rel = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
        if entry.path_is_symlink() {
            if !is_inside(&canonical_root, &path) {
                errors.push(
                    Diagnostic::file(&rel, "this link points outside the project")
                        .with_hint("copy the file into the project instead of linking to it"),
                );
                continue;
            }
            if !path.is_file() {
                errors.push(
                    Diagnostic::file(
                        &rel,
                        "this link leads to a directory, which folio does not follow",
                    )
                    .with_hint(
                        "move the files into the project instead of linking to their directory",
                    ),
                );
                continue;
            }
        } else if !entry.file_type().is_file() {
            continue;
        }
        files.push((rel, path));
    }
    Ok(files)
}

/// True when `path`, with every link resolved, lies inside `canonical_root`.
pub fn is_inside(canonical_root: &Path, path: &Path) -> bool {
    path.canonicalize()
        .is_ok_and(|target| target.starts_with(canonical_root))
}

/// Reads a UTF-8 text file that load did not find by [`walk`] (which checks links), once it
/// is sure the file, links resolved, lies inside the project: a `folio.lock` linked to
/// `/proc/self/environ` must not be read, let alone quoted in a diagnostic.
pub fn read_inside(
    root: &Path,
    rel: &Path,
    errors: &mut Vec<Diagnostic>,
) -> Result<Option<SourceFile>, Error> {
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    if !is_inside(&canonical_root, &root.join(rel)) {
        errors.push(
            Diagnostic::file(
                rel,
                "this file is a link that points outside the project (or nowhere)",
            )
            .with_hint("copy the file into the project instead of linking to it"),
        );
        return Ok(None);
    }
    read_text(root, rel, errors)
}

/// Reads a UTF-8 text file; a file that is not UTF-8 becomes a diagnostic.
pub fn read_text(
    root: &Path,
    rel: &Path,
    errors: &mut Vec<Diagnostic>,
) -> Result<Option<SourceFile>, Error> {
    let bytes = error::read(&root.join(rel))?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Some(SourceFile {
            path: rel.to_path_buf(),
            text,
        })),
        Err(e) => {
            errors.push(crate::diag::invalid_utf8(rel, e.as_bytes(), e.utf8_error()));
            Ok(None)
        }
    }
}
