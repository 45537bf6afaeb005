//! Citations of the report and of figure versions: an APA-like reference, BibTeX, CSL-JSON
//! and RIS, each with the permanent URL, the version, the `dataset@version` and its
//! SHA-256.
//!
//! In: the configuration and what is cited. Out: text in each format. Nothing here reads
//! the clock: dates come from `folio.lock`.

use serde_json::json;

use crate::config::Config;

/// A figure version, as cited.
#[derive(Debug, Clone)]
pub struct FigureRef<'a> {
    /// The figure's id.
    pub id: &'a str,
    /// Its title.
    pub title: &'a str,
    /// The version cited.
    pub version: u32,
    /// When that version was first published, `YYYY-MM-DD`.
    pub published: &'a str,
    /// Its permanent URL.
    pub url: String,
    /// `dataset@version`.
    pub data: &'a str,
    /// The snapshot's SHA-256.
    pub sha256: &'a str,
}

impl<'a> FigureRef<'a> {
    /// Version `version` of figure `id`, as cited, at its permanent URL under `base_url`
    /// ([`crate::urls::figure_version`]).
    pub fn new(
        base_url: &str,
        id: &'a str,
        title: &'a str,
        version: u32,
        published: &'a str,
        data: &'a str,
        sha256: &'a str,
    ) -> Self {
        FigureRef {
            id,
            title,
            version,
            published,
            url: format!("{base_url}{}", crate::urls::figure_version(id, version)),
            data,
            sha256,
        }
    }

    /// The BibTeX key and CSL id: `<id>-v<N>`.
    pub fn key(&self) -> String {
        format!("{}-v{}", self.id, self.version)
    }
}

/// The citation formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A formatted reference, APA-like.
    Apa,
    /// A BibTeX entry.
    Bibtex,
    /// A CSL-JSON item (an array of one).
    CslJson,
    /// An RIS record, as Zotero, EndNote and Mendeley import it.
    Ris,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "apa" => Ok(Format::Apa),
            "bibtex" => Ok(Format::Bibtex),
            "csl-json" => Ok(Format::CslJson),
            "ris" => Ok(Format::Ris),
            other => Err(format!(
                "unknown citation format {other:?}: use apa, bibtex, csl-json or ris"
            )),
        }
    }
}

/// A figure version's citation in `format`.
pub fn figure(config: &Config, figure: &FigureRef<'_>, format: Format) -> String {
    match format {
        Format::Apa => apa(config, figure),
        Format::Bibtex => bibtex(config, figure),
        Format::CslJson => {
            serde_json::to_string_pretty(&json!([csl_json(config, figure)]))
                .expect("JSON serialises")
                + "\n"
        }
        Format::Ris => ris(config, figure),
    }
}

/// RIS records: `TAG  - value` lines ended by CR LF, a record from `TY` to `ER` (the RIS
/// format as Research Information Systems specified it, and as Zotero, EndNote and
/// Mendeley read it; values in UTF-8). A value is one line: line breaks become spaces.
fn ris_record(kind: &str, fields: &[(&str, String)]) -> String {
    let mut record = format!("TY  - {kind}\r\n");
    for (tag, value) in fields {
        let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
        if !value.is_empty() {
            record.push_str(&format!("{tag}  - {value}\r\n"));
        }
    }
    record.push_str("ER  - \r\n");
    record
}

/// `YYYY/MM/DD/`, RIS's date form, from `YYYY-MM-DD`.
fn ris_date(date: &str) -> String {
    format!("{}/", date.replace('-', "/"))
}

/// An RIS record (`TY  - FIGURE`) for a figure version: its authors, title, the report it
/// is in, its version as the edition, its date, permanent URL and data.
pub fn ris(config: &Config, f: &FigureRef<'_>) -> String {
    let mut fields: Vec<(&str, String)> =
        config.authors.iter().map(|a| ("AU", a.clone())).collect();
    fields.extend([
        (
            "TI",
            format!("{} (figure {}, version {})", f.title, f.id, f.version),
        ),
        ("T2", config.title.clone()),
        ("ET", f.version.to_string()),
        ("PY", year(f.published).to_string()),
        ("DA", ris_date(f.published)),
        ("UR", f.url.clone()),
        ("N1", format!("Data: {}, SHA-256 {}", f.data, f.sha256)),
        ("ID", f.key()),
    ]);
    ris_record("FIGURE", &fields)
}

/// An RIS record (`TY  - RPRT`) for the report itself. `date` is the date of its latest
/// publication.
pub fn report_ris(config: &Config, date: &str) -> String {
    let mut fields: Vec<(&str, String)> =
        config.authors.iter().map(|a| ("AU", a.clone())).collect();
    fields.extend([
        ("TI", config.title.clone()),
        ("ET", config.version.clone()),
        ("PY", year(date).to_string()),
        ("DA", ris_date(date)),
        ("UR", config.base_url.clone()),
        ("ID", "report".to_string()),
    ]);
    ris_record("RPRT", &fields)
}

fn authors_apa(authors: &[String]) -> String {
    match authors {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{}, & {last}", rest.join(", ")),
    }
}

fn year(date: &str) -> &str {
    date.get(..4).unwrap_or(date)
}

/// `Authors (2025-11-27). Title (figure, version 1). In Report (version 1). URL. Data: ...`
pub fn apa(config: &Config, f: &FigureRef<'_>) -> String {
    let authors = authors_apa(&config.authors);
    let by = if authors.is_empty() {
        String::new()
    } else {
        format!("{authors} ")
    };
    format!(
        "{by}({}). {} (figure {}, version {}). In {} (version {}). {} Data: {}, SHA-256 {}.",
        f.published,
        f.title,
        f.id,
        f.version,
        config.title,
        config.version,
        f.url,
        f.data,
        f.sha256
    )
}

/// Escapes BibTeX's special characters in a field value.
fn tex(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' | '}' | '%' | '&' | '$' | '#' | '_' => {
                out.push('\\');
                out.push(c);
            }
            '^' => out.push_str("\\^{}"),
            '~' => out.push_str("\\~{}"),
            c => out.push(c),
        }
    }
    out
}

fn bib_authors(authors: &[String]) -> String {
    // Braces keep a name such as "The folio developers" whole.
    authors
        .iter()
        .map(|a| format!("{{{}}}", tex(a)))
        .collect::<Vec<_>>()
        .join(" and ")
}

/// A `@misc` entry for a figure version.
pub fn bibtex(config: &Config, f: &FigureRef<'_>) -> String {
    let mut entry = format!("@misc{{{},\n", f.key());
    if !config.authors.is_empty() {
        entry.push_str(&format!(
            "  author = {{{}}},\n",
            bib_authors(&config.authors)
        ));
    }
    entry.push_str(&format!(
        "  title = {{{{{}}} (figure {}, version {})}},\n  howpublished = {{In: {}, version {}}},\n  year = {{{}}},\n  date = {{{}}},\n  version = {{{}}},\n  url = {{{}}},\n  note = {{Data: {}, SHA-256 {}}}\n}}\n",
        tex(f.title),
        tex(f.id),
        f.version,
        tex(&config.title),
        tex(&config.version),
        year(f.published),
        f.published,
        f.version,
        f.url,
        tex(f.data),
        f.sha256
    ));
    entry
}

fn date_parts(date: &str) -> serde_json::Value {
    let parts: Vec<i64> = date.split('-').filter_map(|p| p.parse().ok()).collect();
    json!({ "date-parts": [parts] })
}

/// A CSL-JSON item for a figure version.
pub fn csl_json(config: &Config, f: &FigureRef<'_>) -> serde_json::Value {
    json!({
        "id": f.key(),
        "type": "figure",
        "title": format!("{} (figure {}, version {})", f.title, f.id, f.version),
        "author": config.authors.iter().map(|a| json!({ "literal": a })).collect::<Vec<_>>(),
        "container-title": config.title,
        "issued": date_parts(f.published),
        "version": f.version.to_string(),
        "URL": f.url,
        "note": format!("Data: {}, SHA-256 {}", f.data, f.sha256),
    })
}

/// The report as a reference: `Authors (year). Title (version N). URL`. `date` is the date
/// of its latest publication.
pub fn report_text(config: &Config, date: &str) -> String {
    let authors = authors_apa(&config.authors);
    let by = if authors.is_empty() {
        String::new()
    } else {
        format!("{authors} ")
    };
    format!(
        "{by}({}). {} (version {}). {}",
        year(date),
        config.title,
        config.version,
        config.base_url
    )
}

/// A `@report` entry for the report itself. `date` is the date of its latest publication.
pub fn report_bibtex(config: &Config, date: &str) -> String {
    let mut entry = String::from("@report{report,\n");
    if !config.authors.is_empty() {
        entry.push_str(&format!(
            "  author = {{{}}},\n",
            bib_authors(&config.authors)
        ));
    }
    entry.push_str(&format!(
        "  title = {{{{{}}}}},\n  version = {{{}}},\n  year = {{{}}},\n  date = {{{}}},\n  url = {{{}}}\n}}\n",
        tex(&config.title),
        tex(&config.version),
        year(date),
        date,
        config.base_url
    ));
    entry
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        Config::parse(
            std::path::Path::new("folio.toml"),
            "title = \"R & D\"\nauthors = [\"Ada Lovelace\", \"Charles Babbage\"]\nbase_url = \"https://example.org/r/\"\n",
        )
        .unwrap()
    }

    fn figure() -> FigureRef<'static> {
        FigureRef {
            id: "share",
            title: "Share of 100% _downloads_",
            version: 2,
            published: "2025-11-27",
            url: "https://example.org/r/figures/share/v2/".into(),
            data: "d@2025-11-27",
            sha256: "ab12",
        }
    }

    #[test]
    fn formats_an_apa_like_reference() {
        assert_eq!(
            apa(&config(), &figure()),
            "Ada Lovelace, & Charles Babbage (2025-11-27). Share of 100% _downloads_ (figure share, version 2). In R & D (version 1). https://example.org/r/figures/share/v2/ Data: d@2025-11-27, SHA-256 ab12."
        );
    }

    #[test]
    fn escapes_bibtex_fields() {
        let entry = bibtex(&config(), &figure());
        assert!(
            entry.starts_with(
                "@misc{share-v2,\n  author = {{Ada Lovelace} and {Charles Babbage}},\n"
            ),
            "{entry}"
        );
        assert!(
            entry
                .contains("title = {{Share of 100\\% \\_downloads\\_} (figure share, version 2)},"),
            "{entry}"
        );
        assert!(entry.contains("howpublished = {In: R \\& D, version 1},"));
    }

    #[test]
    fn csl_json_carries_version_data_and_checksum() {
        let item = csl_json(&config(), &figure());
        assert_eq!(item["version"], "2");
        assert_eq!(item["issued"]["date-parts"][0], json!([2025, 11, 27]));
        assert_eq!(item["note"], "Data: d@2025-11-27, SHA-256 ab12");
    }

    #[test]
    fn ris_records_end_each_line_in_crlf_and_keep_values_on_one_line() {
        let mut f = figure();
        f.title = "Share of\ndownloads";
        assert_eq!(
            ris(&config(), &f),
            "TY  - FIGURE\r\nAU  - Ada Lovelace\r\nAU  - Charles Babbage\r\nTI  - Share of downloads (figure share, version 2)\r\nT2  - R & D\r\nET  - 2\r\nPY  - 2025\r\nDA  - 2025/11/27/\r\nUR  - https://example.org/r/figures/share/v2/\r\nN1  - Data: d@2025-11-27, SHA-256 ab12\r\nID  - share-v2\r\nER  - \r\n"
        );
        let report = report_ris(&config(), "2026-11-29");
        assert!(
            report.starts_with("TY  - RPRT\r\nAU  - Ada Lovelace\r\n"),
            "{report}"
        );
        assert!(report.contains("TI  - R & D\r\nET  - 1\r\nPY  - 2026\r\nDA  - 2026/11/29/\r\nUR  - https://example.org/r/\r\n"));
        assert_eq!("ris".parse::<Format>(), Ok(Format::Ris));
    }
}
