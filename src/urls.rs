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

/// `figures/<id>/embed/`: the figure's current version, alone, for an iframe.
pub fn embed(id: &str) -> String {
    format!("figures/{id}/embed/")
}

/// `figures/<id>/v<N>/embed/`: one version of a figure, alone, for an iframe; for good.
pub fn embed_version(id: &str, version: u32) -> String {
    format!("figures/{id}/v{version}/embed/")
}

/// The files of a figure version besides its page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FigureFile {
    /// `figure.svg`: the static rendering.
    Svg,
    /// `preview.png`: the 2x PNG preview (social cards).
    Png,
    /// `data.csv`: exactly the rows and columns the figure plots.
    Csv,
    /// `option.json`: the ECharts option.
    Option,
    /// `figure.png`: the chart at twice the static SVG's size.
    Image,
    /// `figure.zip`: data, metadata, SVG, citations and a README in one file.
    Bundle,
    /// `citation.bib`: the version's BibTeX entry.
    Bibtex,
    /// `citation.json`: the version's CSL-JSON item.
    CslJson,
    /// `citation.ris`: the version's RIS record.
    Ris,
}

impl FigureFile {
    /// The file's name.
    pub fn name(self) -> &'static str {
        match self {
            FigureFile::Svg => "figure.svg",
            FigureFile::Png => "preview.png",
            FigureFile::Csv => "data.csv",
            FigureFile::Option => "option.json",
            FigureFile::Image => "figure.png",
            FigureFile::Bundle => "figure.zip",
            FigureFile::Bibtex => "citation.bib",
            FigureFile::CslJson => "citation.json",
            FigureFile::Ris => "citation.ris",
        }
    }
}

/// A file of a figure version: `figures/<id>/v<N>/<file>`.
pub fn figure_file(id: &str, version: u32, file: FigureFile) -> String {
    format!("figures/{id}/v{version}/{}", file.name())
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

/// `data/<dataset>/<version>.<extension>`: the snapshot itself, byte for byte
/// (`extension` is `csv` or `parquet`, see [`crate::data::Snapshot::extension`]).
pub fn snapshot_file(dataset: &str, version: &str, extension: &str) -> String {
    format!("data/{dataset}/{version}.{extension}")
}

/// `data/<dataset>/<version>.sql`: the query that made a derived version, byte for byte.
pub fn query_file(dataset: &str, version: &str) -> String {
    format!("data/{dataset}/{version}.sql")
}

/// `changes/`: what was published, by date.
pub fn changes() -> &'static str {
    "changes/"
}

/// `changes/atom.xml`: the changelog as an Atom feed.
pub fn feed() -> &'static str {
    "changes/atom.xml"
}

/// `citation.bib`: the report and every figure version as BibTeX.
pub fn citations() -> &'static str {
    "citation.bib"
}

/// `citation.ris`: the report and every figure version as RIS.
pub fn citations_ris() -> &'static str {
    "citation.ris"
}

/// `print/`: the whole report on one page, for print and PDF.
pub fn print() -> &'static str {
    "print/"
}

/// `sitemap.xml`.
pub fn sitemap() -> &'static str {
    "sitemap.xml"
}

/// `assets/echarts/<file>`: the ECharts build, served from the site itself.
pub fn echarts() -> String {
    format!("assets/echarts/{}", crate::chart::svg::ECHARTS_FILE)
}

/// `assets/geo/<file>`: the world geometry that map charts draw, served from the site itself.
pub fn geo() -> String {
    format!("assets/geo/{}", crate::chart::geo::GEO_FILE)
}

/// The file a page's address is served from: `<path>index.html`.
pub fn index(path: &str) -> String {
    format!("{path}index.html")
}
