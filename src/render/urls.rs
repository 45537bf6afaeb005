//! Every address of the site, in one place: each function gives a path below the site's
//! root, ending in `/` for a page (served as its `index.html`). Callers put the base path
//! (`/repo/`) or the base URL (`https://user.github.io/repo/`) in front.
//!
//! These paths are permanent: a cited figure version or dataset version keeps its address
//! for good (DESIGN.md, "Figures: versions and citations").

/// `figures/`: every figure of the report.
pub fn figures() -> &'static str {
    "figures/"
}

/// `figures/<id>/`: a figure's latest version.
pub fn figure(id: &str) -> String {
    format!("figures/{id}/")
}

/// `figures/<id>/v<N>/`: one version of a figure, for good.
pub fn figure_version(id: &str, version: u32) -> String {
    format!("figures/{id}/v{version}/")
}

/// A file of a figure version: `figures/<id>/v<N>/<file>` (`data.csv`, `figure.svg`,
/// `preview.png`, `option.json`).
pub fn figure_file(id: &str, version: u32, file: &str) -> String {
    format!("figures/{id}/v{version}/{file}")
}

/// `data/`: every dataset.
pub fn datasets() -> &'static str {
    "data/"
}

/// `data/<dataset>/`: a dataset's metadata, columns and versions.
pub fn dataset(name: &str) -> String {
    format!("data/{name}/")
}

/// `data/<dataset>/<version>/`: one version of a dataset.
pub fn snapshot(dataset: &str, version: &str) -> String {
    format!("data/{dataset}/{version}/")
}

/// `data/<dataset>/<version>.csv`: the snapshot itself, byte for byte.
pub fn snapshot_file(dataset: &str, version: &str) -> String {
    format!("data/{dataset}/{version}.csv")
}

/// `changes/`: what was published, by date.
pub fn changes() -> &'static str {
    "changes/"
}

/// The file a page's address is served from: `<path>index.html`.
pub fn index(path: &str) -> String {
    format!("{path}index.html")
}
