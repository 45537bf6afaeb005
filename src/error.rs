//! The two ways a folio command fails, and the file-system calls that name their path.
//!
//! Problems in the author's input are [`Error::Content`]: a sorted list of diagnostics, exit
//! status 1. Anything else (a file that cannot be read, a directory that cannot be written) is
//! an [`Error::Io`] that carries the path and the operating system's cause.

use std::io;
use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Problems in the project's input; each is printed as a diagnostic.
    #[error("{} error(s) in the project", .0.len())]
    Content(Vec<Diagnostic>),
    /// A file-system operation failed.
    #[error("cannot {action} {}", path.display())]
    Io {
        /// What we tried to do ("read", "write", "create directory", ...).
        action: &'static str,
        /// The path it was tried on.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// The command was used wrongly (exit status 2).
    #[error("{0}")]
    Usage(String),
}

impl Error {
    /// The process exit status for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Content(_) | Error::Io { .. } => 1,
            Error::Usage(_) => 2,
        }
    }

    fn io(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> Error {
        let path = path.to_path_buf();
        move |source| Error::Io {
            action,
            path,
            source,
        }
    }
}

impl From<Vec<Diagnostic>> for Error {
    fn from(diagnostics: Vec<Diagnostic>) -> Self {
        Error::Content(crate::diag::sorted(diagnostics))
    }
}

impl From<Diagnostic> for Error {
    fn from(diagnostic: Diagnostic) -> Self {
        Error::Content(vec![diagnostic])
    }
}

/// Reads a whole file.
pub fn read(path: &Path) -> Result<Vec<u8>, Error> {
    std::fs::read(path).map_err(Error::io("read", path))
}

/// Writes a whole file, creating its parent directories.
pub fn write(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    if let Some(parent) = path.parent() {
        create_dir_all(parent)?;
    }
    std::fs::write(path, bytes).map_err(Error::io("write", path))
}

/// Creates a directory and its parents.
pub fn create_dir_all(path: &Path) -> Result<(), Error> {
    std::fs::create_dir_all(path).map_err(Error::io("create directory", path))
}

/// Copies a file, creating the destination's parent directories.
pub fn copy(from: &Path, to: &Path) -> Result<(), Error> {
    if let Some(parent) = to.parent() {
        create_dir_all(parent)?;
    }
    std::fs::copy(from, to)
        .map(drop)
        .map_err(Error::io("copy", from))
}

/// Renames a file or directory.
pub fn rename(from: &Path, to: &Path) -> Result<(), Error> {
    std::fs::rename(from, to).map_err(Error::io("rename", from))
}

/// Removes a directory tree if it exists.
pub fn remove_dir_all(path: &Path) -> Result<(), Error> {
    match std::fs::remove_dir_all(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(Error::io("remove", path)(e)),
        _ => Ok(()),
    }
}

/// Lists a directory's entries, sorted by file name.
pub fn sorted_entries(dir: &Path) -> Result<Vec<walkdir::DirEntry>, Error> {
    walkdir::WalkDir::new(dir)
        .min_depth(1)
        .max_depth(1)
        .sort_by_file_name()
        .into_iter()
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Error::Io {
            action: "list",
            path: dir.to_path_buf(),
            source: e.into(),
        })
}
