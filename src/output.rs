//! Writing the site: staging directory, then an atomic swap.
//!
//! In: a [`FileMap`], the map of every output path to its bytes (or to the source file it is a
//! byte-identical copy of). Out: the directory `out`, replaced whole.
//!
//! Steps: refuse an output directory that would swallow the project, that is a file, or that
//! holds files folio did not write (folio marks its output with a [`STAMP`] file); refuse
//! any path of the file map that is not a plain relative path; write everything into
//! `.<out>.staging` next to `out`; move the old `out` aside, move the staging directory into
//! its place, delete the old one. A build that fails before the swap leaves `out` as it was.
//! This module is where every output path is checked: whatever made a path (a directive, a
//! lock entry, a dataset name), nothing of the site is written outside `out`. The one other
//! file the stage writes is `folio.lock`, before the swap.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::{self, Error};

/// The file that marks a directory as folio's output, so that a build replaces only a
/// directory folio wrote itself.
pub const STAMP: &str = ".folio-build";

const STAMP_TEXT: &str =
    "This directory is written by `folio build`, which replaces it whole on every build.\n";

/// One output file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// Bytes produced by the build.
    Bytes(Vec<u8>),
    /// A byte-identical copy of a source file (snapshots are served as they are).
    Copy(PathBuf),
}

/// Every file of the built site, keyed by its path below the site root (`/`-separated,
/// e.g. `downloads/index.html`). A `BTreeMap`, so the order of writing is stable.
#[derive(Debug, Default)]
pub struct FileMap {
    /// The files.
    pub files: BTreeMap<String, Content>,
}

impl FileMap {
    /// Checks that every path of the site is a plain relative path below the site root:
    /// `/`-separated names, none empty, `.` or `..`, and no absolute path, backslash, colon
    /// or NUL. Paths are built from validated identifiers; this is the second line of
    /// defence, so that no input can make a build write outside its output.
    pub fn check_paths(&self) -> Result<(), Error> {
        for path in self.files.keys() {
            if !crate::names::is_plain_path(path) {
                return Err(Error::Output(format!(
                    "refusing to write {path:?}: it is not a plain relative path inside the output"
                )));
            }
        }
        Ok(())
    }

    /// Adds a file produced by the build.
    pub fn add(&mut self, path: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        self.files.insert(path.into(), Content::Bytes(bytes.into()));
    }

    /// Adds a byte-identical copy of `source`.
    pub fn copy(&mut self, path: impl Into<String>, source: PathBuf) {
        self.files.insert(path.into(), Content::Copy(source));
    }

    /// The file a URL path below the site root is served from, as a web server would find
    /// it: percent-decoded, the file itself or its directory's `index.html`.
    pub fn lookup(&self, url_path: &str) -> Option<&str> {
        let path = percent_decode(url_path.trim_start_matches('/'));
        let candidates = if path.is_empty() || path.ends_with('/') {
            vec![format!("{path}index.html")]
        } else {
            vec![path.clone(), format!("{path}/index.html")]
        };
        candidates
            .into_iter()
            .find_map(|c| self.files.get_key_value(&c).map(|(k, _)| k.as_str()))
    }
}

fn percent_decode(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
            if let Ok(byte) = u8::from_str_radix(hex, 16) {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Where a build may write its site: a directory that it can replace whole. Made only by
/// [`out_dir`], which checks it; [`write`] takes nothing else.
#[derive(Debug, Clone)]
pub struct OutDir {
    /// The directory, absolute, with every `..` and link resolved.
    path: PathBuf,
    /// The staging directory beside it, written before the swap.
    staging: PathBuf,
    /// Where the previous site is moved during the swap.
    old: PathBuf,
}

/// Checks that `out` can be replaced without touching anything folio did not write, and
/// returns it resolved: it must not be the project root, contain it, or lie inside a source
/// directory (`content`, `data`, `templates`, `src`, `.git`); it must not be a file; an
/// existing, non-empty `out` must carry folio's [`STAMP`]; and the staging names beside it
/// (`.<name>.staging`, `.<name>.old`) must be free or folio's own. `..` is resolved before any
/// of these checks, so `x/../content` is `content` even when `x` does not exist.
pub fn out_dir(root: &Path, out: &Path) -> Result<OutDir, Error> {
    let given = out.display();
    let root = resolved(root);
    let path = resolved(out);
    let refuse = |why: String| {
        Err(Error::Usage(format!(
            "refusing to write the site to {given}: {why}"
        )))
    };
    let inside_sources = ["content", "data", "templates", "src", ".git"]
        .iter()
        .any(|dir| path.starts_with(root.join(dir)));
    if root.starts_with(&path) || inside_sources {
        return refuse("it would replace the project's own files".to_string());
    }
    if path.exists() && !path.is_dir() {
        return refuse("it is a file, not a directory".to_string());
    }
    if !replaceable(&path) {
        return refuse(format!(
            "it holds files that folio did not write, and a build replaces its output whole (folio marks the directories it writes with a {STAMP} file); delete or move that directory first, or choose another with --out"
        ));
    }
    let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
        return refuse("it has no parent directory to stage the site in".to_string());
    };
    let name = name.to_string_lossy();
    let staging = parent.join(format!(".{name}.staging"));
    let old = parent.join(format!(".{name}.old"));
    for leftover in [&staging, &old] {
        if !replaceable(leftover) {
            return refuse(format!(
                "folio stages the site in {} while it writes, but a directory that is not folio's is there; move it away",
                leftover.display()
            ));
        }
    }
    Ok(OutDir { path, staging, old })
}

/// `path` made absolute, with `..` taken away the way the system would once every missing
/// directory on the way exists (a missing `x` in `x/..` is an empty directory), and links
/// resolved where the path exists.
fn resolved(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for component in absolute.components() {
        match component {
            std::path::Component::ParentDir => {
                // `link/..` is the link target's parent, as the system reads it.
                out = out.canonicalize().unwrap_or(out);
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out.canonicalize().unwrap_or(out)
}

/// The write stage: checks every path of `site`, writes it into a staging directory, then
/// writes `sources` (path and bytes: `folio.lock` when the build published something, and
/// the files of derived versions it computed; the only files this stage writes outside
/// `out`, each atomically), and only then swaps the staging directory in as `out`. So a lock never lacks a version whose pages are published; if the
/// swap fails after the lock was written, the next build publishes the same versions under
/// the same numbers.
pub fn write(site: &FileMap, sources: &[(PathBuf, Vec<u8>)], out: &OutDir) -> Result<(), Error> {
    let OutDir { path, staging, old } = out;
    if let Some(parent) = path.parent() {
        error::create_dir_all(parent)?;
    }
    // Left over from an interrupted build: folio's own, as `out_dir` checked.
    error::remove_dir_all(staging)?;
    error::remove_dir_all(old)?;
    if let Err(e) = write_tree(site, staging) {
        let _ = error::remove_dir_all(staging);
        return Err(e);
    }
    for (file, bytes) in sources {
        if let Err(e) = error::write(file, bytes) {
            let _ = error::remove_dir_all(staging);
            return Err(e);
        }
    }
    if path.exists() {
        error::rename(path, old)?;
    }
    if let Err(e) = error::rename(staging, path) {
        // Put the previous site back before reporting.
        let _ = error::rename(old, path);
        return Err(e);
    }
    remove_tree(old)
}

/// Removes a directory tree, its top-level entries in parallel (a large site's previous
/// build is thousands of directories).
fn remove_tree(dir: &Path) -> Result<(), Error> {
    use rayon::prelude::*;
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    let paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.par_iter().try_for_each(|path| {
        if path.is_dir() && !path.is_symlink() {
            error::remove_dir_all(path)
        } else {
            std::fs::remove_file(path).map_err(|source| Error::Io {
                action: "remove",
                path: path.clone(),
                source,
            })
        }
    })?;
    error::remove_dir_all(dir)
}

/// True when `dir` may be replaced by a build: it does not exist, is an empty directory, or
/// is a directory folio wrote: it holds the stamp file or, written before folio stamped its
/// output, the files every folio site has and no other generator writes together
/// (`.nojekyll`, `sitemap.xml` and `changes/atom.xml`).
fn replaceable(dir: &Path) -> bool {
    if dir.is_symlink() {
        return false;
    }
    let unstamped_folio_site = || {
        [".nojekyll", "sitemap.xml", "changes/atom.xml"]
            .iter()
            .all(|file| dir.join(file).is_file())
    };
    match std::fs::read_dir(dir) {
        Err(e) => e.kind() == std::io::ErrorKind::NotFound,
        Ok(mut entries) => {
            entries.next().is_none() || dir.join(STAMP).is_file() || unstamped_folio_site()
        }
    }
}

fn write_tree(site: &FileMap, dir: &Path) -> Result<(), Error> {
    use rayon::prelude::*;
    site.check_paths()?;
    error::create_dir_all(dir)?;
    let stamp = dir.join(STAMP);
    std::fs::write(&stamp, STAMP_TEXT).map_err(|source| Error::Io {
        action: "write",
        path: stamp,
        source,
    })?;
    // Directories first, once each; then the files, in parallel.
    let dirs: std::collections::BTreeSet<&str> = site
        .files
        .keys()
        .filter_map(|path| path.rsplit_once('/').map(|(d, _)| d))
        .collect();
    dirs.par_iter()
        .try_for_each(|d| error::create_dir_all(&dir.join(d)))?;
    site.files.par_iter().try_for_each(|(path, content)| {
        let target = dir.join(path);
        match content {
            Content::Bytes(bytes) => std::fs::write(&target, bytes).map_err(|source| Error::Io {
                action: "write",
                path: target,
                source,
            }),
            Content::Copy(source) => copy_large(source, &target),
        }
    })
}

/// Copies larger than this (bytes) are hard links when the file system allows.
const LINK_ABOVE: u64 = 16 << 20;

/// Puts a byte-identical copy of `source` (a snapshot, served as it is) at `target`: for a
/// large file, a hard link to it when both are on one file system, which costs nothing
/// whatever its size (a snapshot may be gigabytes); else a copy. A snapshot is immutable
/// and checksummed, so a change to it through the link would fail the next build.
fn copy_large(source: &Path, target: &Path) -> Result<(), Error> {
    let large = std::fs::metadata(source).is_ok_and(|m| m.len() > LINK_ABOVE);
    if large && std::fs::hard_link(source, target).is_ok() {
        return Ok(());
    }
    error::copy(source, target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_to_replace_the_project() {
        let root = std::env::temp_dir();
        assert!(out_dir(&root, &root).is_err());
        assert!(out_dir(&root.join("x"), &root).is_err());
        assert!(out_dir(&root, &root.join("content/out")).is_err());
        assert!(out_dir(&root, &root.join("no-such-dir/../content")).is_err());
    }
}
