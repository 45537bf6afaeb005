//! `folio init`: a new report, ready to build, check and publish.
//!
//! In: a directory that is new or empty, and the report's title. Out: the scaffold of
//! `src/scaffold/` written into it (folio.toml, a front page and a chapter that show a chart,
//! a value, a cross-reference and a citation, one small real dataset, references.bib, a
//! GitHub Pages workflow, `.gitattributes`, `.gitignore` and a README), and its `folio.lock`,
//! made by checking the new project exactly as `folio build` would.
//!
//! The scaffold's files are compiled into the binary, so `folio init` needs neither this
//! repository nor a network.

use std::path::{Path, PathBuf};

use crate::error::{self, Error};

/// The scaffold, as (path in the new report, text). Tokens: `@@TITLE@@` (a TOML string),
/// `@@TITLE_TEXT@@` (plain text) and `@@FOLIO_VERSION@@` (this folio's version, which the
/// Pages workflow installs).
const SCAFFOLD: &[(&str, &str)] = &[
    (".gitattributes", include_str!("../scaffold/.gitattributes")),
    (
        ".github/workflows/pages.yml",
        include_str!("../scaffold/.github/workflows/pages.yml"),
    ),
    (".gitignore", include_str!("../scaffold/.gitignore")),
    ("README.md", include_str!("../scaffold/README.md")),
    (
        "content/01-first-chapter.md",
        include_str!("../scaffold/content/01-first-chapter.md"),
    ),
    (
        "content/_index.md",
        include_str!("../scaffold/content/_index.md"),
    ),
    (
        "content/references.bib",
        include_str!("../scaffold/content/references.bib"),
    ),
    (
        "data/co2-emissions/2020-12-09.csv",
        include_str!("../scaffold/data/co2-emissions/2020-12-09.csv"),
    ),
    (
        "data/co2-emissions/dataset.toml",
        include_str!("../scaffold/data/co2-emissions/dataset.toml"),
    ),
    ("folio.toml", include_str!("../scaffold/folio.toml")),
];

/// What `folio init` is asked to make.
#[derive(Debug, Clone)]
pub struct NewReport {
    /// The directory of the new report: new, or empty.
    pub dir: PathBuf,
    /// The report's title.
    pub title: String,
    /// The date the example's snapshot and figure are locked under (`YYYY-MM-DD`).
    pub today: String,
}

/// Writes the scaffold with its tokens replaced, and its lock: as the first build would
/// write it, with the snapshot's checksum and the example figure's first version.
fn write_scaffold(dir: &Path, tokens: &[(&str, &str)], today: &str) -> Result<(), Error> {
    for (path, text) in SCAFFOLD {
        error::write(&dir.join(path), substitute(text, tokens).as_bytes())?;
    }
    let report = crate::check_project(&crate::Options {
        root: dir.to_path_buf(),
        out: None,
        base_url: None,
        locked: false,
        progress: false,
        cache: false,
        search: false,
        today: today.to_string(),
    })?;
    if let Some(lock) = report.lock_update() {
        error::write(&dir.join(crate::lock::FILE), lock.as_bytes())?;
    }
    Ok(())
}

/// `text` with each token replaced by its value, in one pass: a value that holds a token
/// (a title written `@@TITLE@@`) is not replaced again.
fn substitute(text: &str, tokens: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("@@") {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        match tokens.iter().find(|(token, _)| rest.starts_with(token)) {
            Some((token, value)) => {
                out.push_str(value);
                rest = &rest[token.len()..];
            }
            None => {
                out.push_str("@@");
                rest = &rest[2..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// A title for a report in `dir` when none is given: its directory's name in words
/// (`my-report` -> "My report").
pub fn default_title(dir: &Path) -> String {
    let name = std::path::absolute(dir)
        .ok()
        .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_default();
    let words = name.replace(['-', '_'], " ");
    let mut chars = words.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => "My report".to_string(),
    }
}

/// Writes the scaffold into `new.dir` and locks it, all or nothing. Refuses a directory that
/// is a file or holds anything, and a title that is empty or spans lines (exit 2). Returns
/// what to print.
pub fn init(new: &NewReport) -> Result<String, Error> {
    let dir = &new.dir;
    let title = new.title.trim();
    if title.is_empty() || title.contains(['\n', '\r']) {
        return Err(Error::Usage(
            "the report's title must be one line of text".to_string(),
        ));
    }
    if dir.exists() && !dir.is_dir() {
        return Err(Error::Usage(format!(
            "refusing to create a report in {}: it is a file",
            dir.display()
        )));
    }
    let created = !dir.exists();
    if !created {
        let empty = std::fs::read_dir(dir)
            .map_err(|source| Error::Io {
                action: "list",
                path: dir.clone(),
                source,
            })?
            .next()
            .is_none();
        if !empty {
            return Err(Error::Usage(format!(
                "refusing to create a report in {}: it is not empty; name a new or empty directory",
                dir.display()
            )));
        }
    }
    let toml_title = toml::Value::String(title.to_string()).to_string();
    let tokens = [
        ("@@TITLE@@", toml_title.as_str()),
        ("@@TITLE_TEXT@@", title),
        ("@@FOLIO_VERSION@@", env!("CARGO_PKG_VERSION")),
    ];
    // All or nothing: a report that cannot be made leaves the directory as it was.
    let made = write_scaffold(dir, &tokens, &new.today);
    if made.is_err() {
        for (path, _) in SCAFFOLD {
            let _ = std::fs::remove_file(dir.join(path));
        }
        let _ = std::fs::remove_file(dir.join(crate::lock::FILE));
        for sub in [
            ".github/workflows",
            ".github",
            "content",
            "data/co2-emissions",
            "data",
        ] {
            let _ = std::fs::remove_dir(dir.join(sub));
        }
        if created {
            let _ = std::fs::remove_dir(dir);
        }
    }
    made?;
    let shown = dir.display();
    Ok(format!(
        "created the report {toml_title} in {shown}\n\n\
         next:\n  \
         cd {shown}\n  \
         folio serve        # http://127.0.0.1:1111/, rebuilt as you save\n  \
         folio build        # the site, in public/\n\n\
         The README there says how to publish it on GitHub Pages."
    ))
}
