//! The load stage: read a project's files from disk, in sorted order.
//!
//! In: the project root. Out: a [`Project`] holding the text of `folio.toml`, every
//! Markdown file of `content/`, every file of `templates/` and the paths of `data/`. Nothing
//! is parsed here except what is needed to find files; a file that is not UTF-8, or a link
//! that leads out of the project, is a diagnostic.

use std::path::{Path, PathBuf};

use crate::content::SourceFile;
use crate::diag::Diagnostic;
use crate::error::{self, Error};
use crate::render::ThemeFile;

/// A project's files, read but not yet parsed.
#[derive(Debug)]
pub struct Project {
    /// The project root.
    pub root: PathBuf,
    /// `folio.toml`.
    pub config: SourceFile,
    /// `content/*.md`, sorted by file name.
    pub content: Vec<SourceFile>,
    /// `content/references.bib`, when present.
    pub bibliography: Option<SourceFile>,
    /// Files below `templates/`, sorted by path.
    pub theme: Vec<ThemeFile>,
    /// `folio.lock`, when present.
    pub lock: Option<SourceFile>,
}

/// Reads the project at `root`.
pub fn load(root: &Path) -> Result<Project, Error> {
    let config_path = root.join("folio.toml");
    if !config_path.is_file() {
        return Err(Error::Usage(format!(
            "no folio.toml in {}: run folio in a project directory or pass --root",
            root.display()
        )));
    }
    let mut errors = Vec::new();
    let config = read_text(root, Path::new("folio.toml"), &mut errors)?;
    let mut content = Vec::new();
    let mut bibliography = None;
    for (rel, _) in walk(root, "content", usize::MAX, &mut errors)? {
        let name = rel
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let top_level = rel.parent() == Some(Path::new("content"));
        if top_level && name.ends_with(".md") {
            content.extend(read_text(root, &rel, &mut errors)?);
        } else if top_level && name == "references.bib" {
            bibliography = read_text(root, &rel, &mut errors)?;
        } else {
            // Nothing in the input is skipped without a word.
            errors.push(
                Diagnostic::file(&rel, "folio does not read this file, so it would not be published")
                    .with_hint("content/ holds the pages (content/*.md) and content/references.bib; move other files out of it (files whose names start with a dot are ignored)"),
            );
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
        theme.push(ThemeFile {
            name,
            bytes: error::read(&path)?,
        });
    }
    let lock = if root.join(crate::lock::FILE).is_file() {
        read_text(root, Path::new(crate::lock::FILE), &mut errors)?
    } else {
        None
    };
    if !errors.is_empty() {
        return Err(errors.into());
    }
    Ok(Project {
        lock,
        root: root.to_path_buf(),
        config: config.expect("folio.toml was read or reported"),
        content,
        bibliography,
        theme,
    })
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
