//! How a folio command fails, and the file-system calls that name their path.
//!
//! Problems in the author's input are [`Error::Content`]: a sorted list of diagnostics, exit
//! status 1. A file that cannot be read or a directory that cannot be written is an
//! [`Error::Io`] that carries the path and the operating system's cause (exit 1). A site
//! path that is not plain is [`Error::Output`] (exit 1); a command used wrongly, or an
//! output directory folio will not replace, is [`Error::Usage`] (exit 2). Stages return
//! `Error`; the parsers they call return their diagnostics, which the stage collects.

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
    /// The build would write somewhere it must not (exit status 1).
    #[error("{0}")]
    Output(String),
    /// The command was used wrongly (exit status 2).
    #[error("{0}")]
    Usage(String),
}

impl Error {
    /// The process exit status for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Content(_) | Error::Io { .. } | Error::Output(_) => 1,
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

/// Writes a whole file atomically, creating its parent directories: the bytes go to a
/// temporary file in the same directory, which is flushed to disk (`fsync`) and then renamed
/// over `path`. A crash or a full disk leaves either the old file or the new one, never a
/// truncated mix. Used for every file folio writes inside the project (`folio.lock`,
/// `dataset.toml`, snapshot copies).
pub fn write(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    use std::io::Write;
    persist(path, true, |file| file.write_all(bytes))
}

/// Copies `from` to `to` atomically (through a flushed temporary file in `to`'s directory),
/// failing rather than replace an existing `to`: publishing a snapshot never overwrites
/// another, and never leaves half a file behind.
pub fn copy_new(from: &Path, to: &Path) -> Result<(), Error> {
    let mut source = std::fs::File::open(from).map_err(Error::io("read", from))?;
    persist(to, false, |file| std::io::copy(&mut source, file).map(drop))
}

fn persist(
    path: &Path,
    replace: bool,
    fill: impl FnOnce(&mut std::fs::File) -> io::Result<()>,
) -> Result<(), Error> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    create_dir_all(parent)?;
    let mut builder = tempfile::Builder::new();
    // A new file gets the permissions any new file gets (0o666 less the umask), not the
    // owner-only ones of a temporary file; a replaced file keeps its own.
    #[cfg(unix)]
    let new_file = std::os::unix::fs::PermissionsExt::from_mode(0o666);
    #[cfg(unix)]
    builder.permissions(new_file);
    let mut file = builder
        .tempfile_in(parent)
        .map_err(Error::io("write", path))?;
    if let Ok(existing) = std::fs::metadata(path) {
        file.as_file()
            .set_permissions(existing.permissions())
            .map_err(Error::io("write", path))?;
    }
    fill(file.as_file_mut())
        .and_then(|()| file.as_file().sync_all())
        .map_err(Error::io("write", path))?;
    let persisted = if replace {
        file.persist(path).map(drop)
    } else {
        file.persist_noclobber(path).map(drop)
    };
    persisted.map_err(|e| Error::io("write", path)(e.error))?;
    // The rename is durable once the directory itself is flushed (POSIX); where a
    // directory cannot be opened for that (Windows), the rename stands as it is.
    if let Ok(dir) = std::fs::File::open(parent) {
        let _ = dir.sync_all();
    }
    Ok(())
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
