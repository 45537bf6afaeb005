//! `folio.toml`: the site's configuration.
//!
//! In: the file's text. Out: a validated [`Config`], or diagnostics at the offending line.
//! Unknown keys are errors, so a typo never passes silently.

use std::path::Path;

use serde::Deserialize;

use crate::diag::{Diagnostic, Source};

/// The site configuration, as written in `folio.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The report's title. Required.
    pub title: String,
    /// A one-paragraph description for search engines and feeds. Default: empty.
    #[serde(default)]
    pub description: String,
    /// The report's authors, in citation order. Default: none.
    #[serde(default)]
    pub authors: Vec<String>,
    /// Where the site is published, with its sub-path, e.g. `https://user.github.io/repo/`.
    /// Default: `/` (links work from the root of any host).
    #[serde(default = "default_base_url")]
    pub base_url: String,
    /// The licence of the report's text, e.g. `CC-BY-4.0`. Default: empty.
    #[serde(default)]
    pub license: String,
    /// The report's version, shown on the front page and in citations. Default: `1`.
    #[serde(default = "default_version")]
    pub version: String,
    /// The language of the content, as a BCP 47 tag. Default: `en`.
    #[serde(default = "default_language")]
    pub language: String,
    /// A custom domain for GitHub Pages; when set, the build writes a `CNAME` file.
    /// Default: none.
    #[serde(default)]
    pub cname: Option<String>,
    /// The citation style of in-text citations and reference lists: the name of one of
    /// hayagriva's bundled CSL styles (`apa`, `chicago-author-date`, `ieee`, `nature`,
    /// `mla`, `vancouver`...). Default: `apa`.
    #[serde(default = "default_citation_style")]
    pub citation_style: String,
    /// The report's versions and what changed in each (`[[release]]`), listed on
    /// `/changes/` and in its feed beside the data and figure versions. Default: none.
    #[serde(default)]
    pub release: Vec<Release>,
}

/// A version of the report as a whole: `[[release]]` in `folio.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Release {
    /// The report's version, as `version` names it (`"2"`).
    pub version: String,
    /// When it was published (`YYYY-MM-DD`).
    pub date: crate::data::TomlDate,
    /// What changed, in a few sentences of plain text.
    pub notes: String,
}

fn default_citation_style() -> String {
    crate::bib::DEFAULT_STYLE.to_string()
}

fn default_base_url() -> String {
    "/".to_string()
}

fn default_version() -> String {
    "1".to_string()
}

fn default_language() -> String {
    "en".to_string()
}

impl Config {
    /// Parses `folio.toml`.
    pub fn parse(file: &Path, text: &str) -> Result<Config, Vec<Diagnostic>> {
        let source = Source::new(file, text);
        let mut config: Config = toml::from_str(text)
            .map_err(|e| vec![crate::diag::toml_error(&source, "invalid folio.toml", &e)])?;
        config.base_url = normalise_base_url(&config.base_url).map_err(|message| {
            let offset = text.find("base_url").unwrap_or(0);
            vec![
                source
                    .error_at(offset, message)
                    .with_hint("write an absolute URL such as https://user.github.io/repo/"),
            ]
        })?;
        let mut seen = std::collections::BTreeSet::new();
        for release in &config.release {
            let plain = |c: char| c.is_ascii_alphanumeric() || c == '.' || c == '-';
            if release.version.is_empty() || !release.version.chars().all(plain) {
                let offset = text.find(&format!("{:?}", release.version)).unwrap_or(0);
                return Err(vec![
                    source
                        .error_at(offset, format!("release version {:?} is not a version name", release.version))
                        .with_hint("write it as `version` does: letters, digits, `.` and `-`, e.g. \"2\" or \"2.1\""),
                ]);
            }
            if !seen.insert(release.version.as_str()) {
                let offset = text
                    .match_indices("[[release]]")
                    .nth(seen.len())
                    .map_or(0, |(at, _)| at);
                return Err(vec![
                    source
                        .error_at(
                            offset,
                            format!("release {:?} is listed twice", release.version),
                        )
                        .with_hint("give each version of the report one [[release]] entry"),
                ]);
            }
        }
        if let Err(message) = crate::bib::style(&config.citation_style) {
            let offset = crate::diag::toml_key_offset(text, "citation_style");
            return Err(vec![source.error_at(offset, message).with_hint(
                "name a style of hayagriva's archive (https://github.com/typst/hayagriva), or remove the key for APA",
            )]);
        }
        Ok(config)
    }

    /// The path part of `base_url`, always starting and ending with `/`: what every
    /// internal link starts with.
    pub fn base_path(&self) -> String {
        base_path(&self.base_url)
    }
}

/// Checks a base URL and gives it a trailing slash.
pub fn normalise_base_url(url: &str) -> Result<String, String> {
    let url = url.trim();
    let valid = url.starts_with('/')
        || ((url.starts_with("https://") || url.starts_with("http://"))
            && url.split("://").nth(1).is_some_and(|rest| !rest.is_empty()));
    if !valid || url.contains(['"', '<', '>', ' ', '\\', '?', '#']) {
        return Err(format!("base_url {url:?} is not an absolute URL or path"));
    }
    Ok(if url.ends_with('/') {
        url.to_string()
    } else {
        format!("{url}/")
    })
}

/// The path part of a base URL, starting and ending with `/`.
pub fn base_path(url: &str) -> String {
    let path = match url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
        None => url,
    };
    if path.ends_with('/') {
        path.to_string()
    } else {
        format!("{path}/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn releases_are_read_and_checked() {
        let config = Config::parse(
            Path::new("folio.toml"),
            "title = \"t\"\nversion = \"2\"\n[[release]]\nversion = \"1\"\ndate = 2026-11-28\nnotes = \"First.\"\n[[release]]\nversion = \"2\"\ndate = \"2026-11-29\"\nnotes = \"Corrected.\"\n",
        )
        .unwrap();
        let read: Vec<(&str, &str, &str)> = config
            .release
            .iter()
            .map(|r| (r.version.as_str(), r.date.0.as_str(), r.notes.as_str()))
            .collect();
        assert_eq!(
            read,
            [
                ("1", "2026-11-28", "First."),
                ("2", "2026-11-29", "Corrected.")
            ]
        );
        let twice = "title = \"t\"\n[[release]]\nversion = \"2\"\ndate = 2026-11-28\nnotes = \"a\"\n[[release]]\nversion = \"2\"\ndate = 2026-11-29\nnotes = \"b\"\n";
        let errors = Config::parse(Path::new("folio.toml"), twice).unwrap_err();
        assert_eq!(errors[0].message, "release \"2\" is listed twice");
        assert_eq!(errors[0].line, 6, "at the second [[release]]");
        let bad =
            "title = \"t\"\n[[release]]\nversion = \"2 <b>\"\ndate = 2026-11-28\nnotes = \"a\"\n";
        let errors = Config::parse(Path::new("folio.toml"), bad).unwrap_err();
        assert_eq!(
            errors[0].message,
            "release version \"2 <b>\" is not a version name"
        );
        assert_eq!(errors[0].line, 3);
        let undated =
            "title = \"t\"\n[[release]]\nversion = \"2\"\ndate = \"soon\"\nnotes = \"a\"\n";
        let errors = Config::parse(Path::new("folio.toml"), undated).unwrap_err();
        assert!(
            errors[0]
                .message
                .contains("is not a date of the form YYYY-MM-DD"),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn base_path_keeps_the_sub_path() {
        let config = Config::parse(
            Path::new("folio.toml"),
            "title = \"t\"\nbase_url = \"https://user.github.io/repo\"\n",
        )
        .unwrap();
        assert_eq!(config.base_url, "https://user.github.io/repo/");
        assert_eq!(config.base_path(), "/repo/");
        assert_eq!(base_path("https://example.org/"), "/");
        assert_eq!(base_path("https://example.org"), "/");
    }

    #[test]
    fn rejects_unknown_keys_at_their_line() {
        let errors =
            Config::parse(Path::new("folio.toml"), "title = \"t\"\ntitel = \"x\"\n").unwrap_err();
        assert_eq!(errors[0].line, 2);
        assert!(errors[0].message.contains("unknown field `titel`"));
    }

    #[test]
    fn rejects_an_unknown_citation_style_at_its_line() {
        let errors = Config::parse(
            Path::new("folio.toml"),
            "title = \"T\"\ncitation_style = \"harvard-ish\"\n",
        )
        .unwrap_err();
        assert_eq!(errors[0].line, 2, "{errors:?}");
        assert!(
            errors[0]
                .message
                .contains("unknown citation style \"harvard-ish\"")
        );
        let ieee = Config::parse(
            Path::new("folio.toml"),
            "title = \"T\"\ncitation_style = \"ieee\"\n",
        );
        assert_eq!(ieee.unwrap().citation_style, "ieee");
    }

    #[test]
    fn rejects_a_base_url_that_is_not_a_url() {
        assert!(normalise_base_url("user.github.io").is_err());
        assert!(normalise_base_url("https://").is_err());
        assert_eq!(normalise_base_url("/docs").unwrap(), "/docs/");
    }
}
