//! Writing the site: staging directory, then an atomic swap.
//!
//! In: a [`Site`], the map of every output path to its bytes (or to the source file it is a
//! byte-identical copy of). Out: the directory `out`, replaced whole.
//!
//! Steps: refuse an output directory that would swallow the project, that is a file, or that
//! holds files folio did not write (folio marks its output with a [`STAMP`] file); refuse
//! any path of the file map that is not a plain relative path; write everything into
//! `.<out>.staging` next to `out`; move the old `out` aside, move the staging directory into
//! its place, delete the old one. A build that fails before the swap leaves `out` as it was.
//! This module is where every output path is checked: whatever made a path (a directive, a
//! lock entry, a dataset name), nothing is written outside `out`.

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
pub struct Site {
    /// The files.
    pub files: BTreeMap<String, Content>,
}

impl Site {
    /// Checks that every path of the site is a plain relative path below the site root:
    /// `/`-separated names, none empty, `.` or `..`, and no absolute path, backslash, colon
    /// or NUL. Paths are built from validated identifiers; this is the second line of
    /// defence, so that no input can make a build write outside its output.
    pub fn check_paths(&self) -> Result<(), Error> {
        for path in self.files.keys() {
            let plain = !path.is_empty()
                && !path.contains(['\\', ':', '\0'])
                && path
                    .split('/')
                    .all(|part| !part.is_empty() && part != "." && part != "..");
            if !plain {
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

/// Checks that `out` can be replaced without touching anything folio did not write: it must
/// not be the project root, contain it, or lie inside a source directory; it must not be a
/// file; and an existing, non-empty `out` must carry folio's [`STAMP`].
pub fn check_out_dir(root: &Path, out: &Path) -> Result<(), Error> {
    let given = out;
    let root = absolute(root);
    let out = absolute(out);
    if out.exists() && !out.is_dir() {
        return Err(Error::Usage(format!(
            "refusing to write the site to {}: it is a file, not a directory",
            given.display()
        )));
    }
    if !replaceable(&out) {
        return Err(Error::Usage(format!(
            "refusing to write the site to {}: it is a directory that folio did not create, and a build replaces its output whole; name an empty or new directory with --out, or delete this one first (folio marks its own output with a {STAMP} file)",
            given.display()
        )));
    }
    let inside_sources = ["content", "data", "templates", "src", ".git"]
        .iter()
        .any(|dir| out.starts_with(root.join(dir)));
    if root.starts_with(&out) || inside_sources {
        return Err(Error::Usage(format!(
            "refusing to write the site to {}: it would replace the project's own files",
            out.display()
        )));
    }
    Ok(())
}

fn absolute(path: &Path) -> PathBuf {
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    // Resolve `..` and symlinks where the path exists, so `a/../b` compares as `b`.
    path.canonicalize().unwrap_or(path)
}

/// Writes `site` into a staging directory and swaps it in as `out`.
pub fn write(site: &Site, out: &Path) -> Result<(), Error> {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".to_string());
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    error::create_dir_all(parent)?;
    let staging = parent.join(format!(".{name}.staging"));
    let old = parent.join(format!(".{name}.old"));
    // Left over from an interrupted build, they are folio's own; anything else by those
    // names is not removed.
    for leftover in [&staging, &old] {
        if !replaceable(leftover) {
            return Err(Error::Usage(format!(
                "refusing to remove {}: folio uses that name while it writes the site, but this directory is not folio's; move it away",
                leftover.display()
            )));
        }
        error::remove_dir_all(leftover)?;
    }
    if let Err(e) = write_tree(site, &staging) {
        let _ = error::remove_dir_all(&staging);
        return Err(e);
    }
    if out.exists() {
        error::rename(out, &old)?;
    }
    if let Err(e) = error::rename(&staging, out) {
        // Put the previous site back before reporting.
        let _ = error::rename(&old, out);
        return Err(e);
    }
    remove_tree(&old)
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
/// is a directory folio wrote (it holds the stamp file).
fn replaceable(dir: &Path) -> bool {
    if dir.is_symlink() {
        return false;
    }
    match std::fs::read_dir(dir) {
        Err(e) => e.kind() == std::io::ErrorKind::NotFound,
        Ok(mut entries) => entries.next().is_none() || dir.join(STAMP).is_file(),
    }
}

fn write_tree(site: &Site, dir: &Path) -> Result<(), Error> {
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
            Content::Copy(source) => error::copy(source, &target),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_to_replace_the_project() {
        let root = std::env::temp_dir();
        assert!(check_out_dir(&root, &root).is_err());
        assert!(check_out_dir(&root.join("x"), &root).is_err());
        assert!(check_out_dir(&root, &root.join("content/out")).is_err());
        assert!(check_out_dir(&root, &root.join("public")).is_ok());
    }
}
