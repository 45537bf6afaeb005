//! The commands besides `build`, each thin over the library: `folio check` (everything
//! build checks, plus every link), `folio data add` and `folio data list`, `folio cite`,
//! and `folio init` (in [`init`]).

pub mod init;

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::error::{self, Error};
use crate::{Options, Summary, cite as citation, data, figure, links, lock, names, project};

/// What `folio data add` is asked to publish.
#[derive(Debug, Clone)]
pub struct NewSnapshot {
    /// The project root.
    pub root: PathBuf,
    /// The dataset (a directory under `data/` with its `dataset.toml`).
    pub dataset: String,
    /// The CSV file to publish.
    pub file: PathBuf,
    /// The new version's name.
    pub version: String,
    /// When the data was retrieved, `YYYY-MM-DD`.
    pub retrieved: Option<String>,
    /// Notes on the version.
    pub notes: Option<String>,
    /// The date it is locked under (`YYYY-MM-DD`).
    pub today: String,
}

/// `folio data add`: validates a CSV against its dataset, copies it in as a new version,
/// describes the version in `dataset.toml` and locks it. Refuses to replace a version.
/// Returns the line to print.
pub fn add_snapshot(new: &NewSnapshot) -> Result<String, Error> {
    let NewSnapshot {
        root,
        dataset,
        file,
        version,
        ..
    } = new;
    if !names::is_slug(dataset) {
        return Err(Error::Usage(format!(
            "dataset name {dataset:?} is not a slug (lowercase letters, digits, hyphens)"
        )));
    }
    if !names::is_version(version) {
        return Err(Error::Usage(format!(
            "version {version:?} is not an ISO date (2025-11-27) or v<N> (v1)"
        )));
    }
    if let Some(date) = &new.retrieved
        && !names::is_day(date)
    {
        return Err(Error::Usage(format!(
            "--retrieved {date:?} is not a date of the form YYYY-MM-DD"
        )));
    }
    let rel_dir = PathBuf::from("data").join(dataset);
    let toml_path = rel_dir.join("dataset.toml");
    if !root.join(&toml_path).is_file() {
        return Err(Diagnostic::file(&rel_dir, "this dataset has no dataset.toml")
            .with_hint("describe it in dataset.toml before adding a snapshot: title, source, [columns]")
            .into());
    }
    let mut errors = Vec::new();
    let Some(meta_file) = project::read_inside(root, &toml_path, &mut errors)? else {
        return Err(errors.into());
    };
    let meta = data::parse_meta(&toml_path, &meta_file.text)?;
    let target_rel = project::snapshot_path(dataset, version);
    let target = root.join(&target_rel);
    let lock_path = root.join(lock::FILE);
    let committed = if lock_path.exists() {
        let Some(file) = project::read_inside(root, Path::new(lock::FILE), &mut errors)? else {
            return Err(errors.into());
        };
        lock::Lock::parse(&file.path, &file.text)?
    } else {
        lock::Lock::default()
    };
    if target.exists() || committed.snapshot(dataset, version).is_some() {
        return Err(Diagnostic::file(
            &target_rel,
            format!("{dataset}@{version} already exists; published versions are never replaced"),
        )
        .with_hint("publish the file under a new version name")
        .into());
    }
    if (new.retrieved.is_some() || new.notes.is_some()) && meta.versions.contains_key(version) {
        return Err(Diagnostic::file(
            &toml_path,
            format!("dataset.toml already describes version {version:?}"),
        )
        .with_hint("leave out --retrieved and --notes, or edit dataset.toml")
        .into());
    }
    let (table, sha256, _) = match data::read_snapshot(file, file, &meta) {
        Ok(read) => read,
        Err(data::SnapshotError::Content(e)) => return Err(e.into()),
        Err(data::SnapshotError::Io(e)) => return Err(e),
    };
    // Everything is prepared and checked before the first write; the writes are atomic,
    // and a failed one undoes those before it, so the project ends as it was or with the
    // whole new version.
    let described = describe_version(root, &toml_path, version, new)?;
    let mut updated = committed;
    updated.add_snapshot(lock::LockedSnapshot {
        dataset: dataset.clone(),
        version: version.clone(),
        sha256: sha256.clone(),
        published: new.today.clone(),
        query: None,
        inputs: Vec::new(),
    });
    error::copy_new(file, &target)?;
    if let Some((path, _, text)) = &described
        && let Err(e) = error::write(path, text.as_bytes())
    {
        let _ = std::fs::remove_file(&target);
        return Err(e);
    }
    if let Err(e) = error::write(&lock_path, updated.to_toml().as_bytes()) {
        let _ = std::fs::remove_file(&target);
        if let Some((path, original, _)) = &described {
            let _ = error::write(path, original.as_bytes());
        }
        return Err(e);
    }
    Ok(format!(
        "added {dataset}@{version}: {} rows, {} columns, sha256 {sha256}",
        table.row_count(),
        table.columns.len()
    ))
}

/// `[versions."<v>"]` appended to `dataset.toml` (keeping the author's formatting) when the
/// new version has a retrieval date or notes: the file's path, its text before and after.
/// Checks the result still parses; writes nothing.
fn describe_version(
    root: &Path,
    toml_path: &Path,
    version: &str,
    new: &NewSnapshot,
) -> Result<Option<(PathBuf, String, String)>, Error> {
    if new.retrieved.is_none() && new.notes.is_none() {
        return Ok(None);
    }
    let full = root.join(toml_path);
    let original = String::from_utf8_lossy(&error::read(&full)?).into_owned();
    let mut text = original.clone();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(&format!("\n[versions.\"{version}\"]\n"));
    if let Some(date) = &new.retrieved {
        text.push_str(&format!("retrieved = {date}\n"));
    }
    if let Some(notes) = &new.notes {
        text.push_str(&format!("notes = {}\n", toml::Value::String(notes.clone())));
    }
    data::parse_meta(toml_path, &text)?;
    Ok(Some((full, original, text)))
}

/// `folio data list`: every dataset, version, row count and checksum.
pub fn list_data(root: &Path) -> Result<String, Error> {
    let mut errors = Vec::new();
    let datasets = project::load_datasets(root, &mut errors)?;
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let registry = data::parse_with(&datasets, false)?;
    let mut out = String::new();
    for dataset in registry.datasets.values() {
        out.push_str(&format!("{}  {}\n", dataset.name, dataset.meta.title));
        for s in &dataset.snapshots {
            out.push_str(&format!(
                "  {:<12} {:>8} rows  {:>3} columns  sha256 {}\n",
                s.version,
                s.table.row_count(),
                s.table.columns.len(),
                s.sha256
            ));
        }
    }
    if out.is_empty() {
        out.push_str("no datasets in data/\n");
    }
    Ok(out)
}

/// `folio cite <id>[@vN]`: a figure version's citation, from the published lock. Without a
/// version, the figure's latest.
pub fn cite(root: &Path, target: &str, format: citation::Format) -> Result<String, Error> {
    let (id, version) = match target.split_once('@') {
        Some((id, v)) => {
            let number = v
                .strip_prefix('v')
                .and_then(|n| n.parse::<u32>().ok())
                .ok_or_else(|| {
                    Error::Usage(format!("{v:?} is not a figure version: write v1, v2, ..."))
                })?;
            (id, Some(number))
        }
        None => (target, None),
    };
    let id = id.strip_prefix("fig-").unwrap_or(id);
    // A published version is cited from what was published (folio.toml for the report,
    // folio.lock for the version), so an unpublished edit elsewhere in the prose cannot
    // stand in the way.
    let mut errors = Vec::new();
    let (config, lock_file) = project::load_published(root, &mut errors)?;
    let (Some(config), true) = (config, errors.is_empty()) else {
        return Err(errors.into());
    };
    let config = Config::parse(&config.path, &config.text)?;
    let locked = match &lock_file {
        Some(file) => lock::Lock::parse(&file.path, &file.text)?,
        None => lock::Lock::default(),
    };
    let not_published = || {
        Error::Usage(format!(
            "no figure {id:?} has been published in this report (folio.lock has no versions of it)"
        ))
    };
    let figure = locked.figure(id).ok_or_else(not_published)?;
    let latest = figure.version.last().ok_or_else(not_published)?.number;
    let wanted = version.unwrap_or(latest);
    let published = figure
        .version
        .iter()
        .find(|v| v.number == wanted)
        .ok_or_else(|| {
            Error::Usage(format!(
                "figure {id:?} has versions 1 to {latest}, not {wanted}"
            ))
        })?;
    // A citation names the snapshot's SHA-256: it must be the file's.
    let (dataset, version) = published.data.split_once('@').unwrap_or_default();
    let snapshot = project::snapshot_path(dataset, version);
    let full = root.join(&snapshot);
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    if !project::is_inside(&canonical_root, &full) {
        return Err(Diagnostic::file(
            &snapshot,
            format!(
                "the snapshot {} that figure {id:?} version {wanted} plots is missing",
                published.data
            ),
        )
        .with_hint("published snapshots are permanent: restore the file from version control")
        .into());
    }
    let sha256 = data::sha256_file(&full)?;
    if sha256 != published.sha256 {
        return Err(Diagnostic::file(
            &snapshot,
            format!(
                "the snapshot {} has changed: its SHA-256 is {sha256} but folio.lock records {}",
                published.data, published.sha256
            ),
        )
        .with_hint("published snapshots are immutable: restore this file from version control")
        .into());
    }
    // The lock was validated: its spec is a chart directive.
    let spec: figure::ChartSpec = serde_json::from_str(&published.spec)
        .map_err(|e| Error::Usage(format!("figure {id:?} version {wanted}: {e}")))?;
    let reference = citation::FigureRef::new(
        &config.base_url,
        id,
        &spec.title,
        wanted,
        &published.published,
        &published.data,
        &published.sha256,
    );
    Ok(citation::figure(&config, &reference, format))
}

/// `folio check`: everything `build` checks, plus every path of the site and every
/// internal link, anchor and asset. Writes nothing. Returns the summary and the external
/// links, which are listed and not fetched.
pub fn check(options: &Options) -> Result<(Summary, Vec<String>), Error> {
    let built = crate::render_site(options)?;
    built.site.check_paths()?;
    let findings = links::check(&built.site, &built.base_url, &built.sources);
    if !findings.broken.is_empty() {
        return Err(Error::Content(findings.broken));
    }
    Ok((built.summary, findings.external.into_iter().collect()))
}
