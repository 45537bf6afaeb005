//! Tera: the theme's templates and static assets, and rendering pages through them.
//!
//! In: the default theme (compiled into the binary from this repository's `templates/`)
//! overlaid with the project's own `templates/` (a file of the same name replaces the
//! default one). Out: a [`Theme`] whose templates are compiled once, and rendered pages.
//!
//! Templates see `site` (the configuration, `base_path`, the chapter list) as a global, and
//! each page's own values as `page`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use tera::{Context, Tera};

use crate::diag::Diagnostic;
use crate::project::ThemeFile;

/// The default theme: templates and assets, from this repository's `templates/`.
const DEFAULT_TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("index.html", include_str!("../templates/index.html")),
    ("page.html", include_str!("../templates/page.html")),
    ("404.html", include_str!("../templates/404.html")),
    ("data.html", include_str!("../templates/data.html")),
    ("dataset.html", include_str!("../templates/dataset.html")),
    ("snapshot.html", include_str!("../templates/snapshot.html")),
    ("figure.html", include_str!("../templates/figure.html")),
    (
        "figure_page.html",
        include_str!("../templates/figure_page.html"),
    ),
    ("figures.html", include_str!("../templates/figures.html")),
    ("changes.html", include_str!("../templates/changes.html")),
    ("embed.html", include_str!("../templates/embed.html")),
    ("print.html", include_str!("../templates/print.html")),
];

const DEFAULT_ASSETS: &[(&str, &[u8])] = &[
    (
        "assets/style.css",
        include_bytes!("../templates/assets/style.css"),
    ),
    (
        "assets/folio.js",
        include_bytes!("../templates/assets/folio.js"),
    ),
    ("assets/folio-chart.js", crate::chart::CHART_JS.as_bytes()),
];

/// Compiled templates and the static assets to copy.
pub struct Theme {
    tera: Tera,
    /// Asset files by output path (`assets/style.css`).
    pub assets: BTreeMap<String, Vec<u8>>,
}

impl Theme {
    /// Compiles the default theme overlaid with the project's files.
    pub fn load(project_files: Vec<ThemeFile>) -> Result<Theme, Vec<Diagnostic>> {
        let mut templates: BTreeMap<String, (String, Option<PathBuf>)> = DEFAULT_TEMPLATES
            .iter()
            .map(|(name, text)| (name.to_string(), (text.to_string(), None)))
            .collect();
        let mut assets: BTreeMap<String, Vec<u8>> = DEFAULT_ASSETS
            .iter()
            .map(|(name, bytes)| (name.to_string(), bytes.to_vec()))
            .collect();
        let mut errors = Vec::new();
        for file in project_files {
            let path = Path::new("templates").join(&file.name);
            if file.name.starts_with("assets/") {
                if !crate::names::is_plain_path(&file.name) {
                    errors.push(
                        Diagnostic::file(&path, "this asset's name cannot be a path of the site")
                            .with_hint("name assets with letters, digits, dots, hyphens and underscores (no colon or backslash)"),
                    );
                    continue;
                }
                assets.insert(file.name, file.bytes);
            } else if file.name.ends_with(".html") || file.name.ends_with(".xml") {
                match String::from_utf8(file.bytes) {
                    Ok(text) => {
                        templates.insert(file.name, (text, Some(path)));
                    }
                    Err(e) => errors.push(crate::diag::invalid_utf8(
                        &path,
                        e.as_bytes(),
                        e.utf8_error(),
                    )),
                }
            }
        }
        // A template of the project's own that folio does not render and no other template
        // uses (a misspelt `idnex.html`) would be skipped without a word.
        for (name, (_, path)) in &templates {
            let Some(path) = path else { continue };
            let default = DEFAULT_TEMPLATES.iter().any(|(d, _)| d == name);
            let quoted = [format!("\"{name}\""), format!("'{name}'")];
            let used = templates.iter().any(|(other, (text, _))| {
                other != name && quoted.iter().any(|q| text.contains(q.as_str()))
            });
            if !default && !used {
                errors.push(
                    Diagnostic::file(path, "folio does not render this template, and no template includes, imports or extends it")
                        .with_hint(format!(
                            "templates folio renders: {}",
                            DEFAULT_TEMPLATES.iter().map(|(d, _)| *d).collect::<Vec<_>>().join(", ")
                        )),
                );
            }
        }
        let mut tera = Tera::new();
        let sources = templates
            .iter()
            .map(|(name, (text, _))| (name.as_str(), text.as_str()));
        if let Err(e) = tera.add_raw_templates(sources) {
            let message = e.to_string();
            // Name the template the error is about, when the message says which.
            let file = templates
                .iter()
                .find(|(name, _)| message.contains(name.as_str()))
                .map_or(PathBuf::from("templates"), |(name, (_, path))| {
                    path.clone()
                        .unwrap_or_else(|| Path::new("templates").join(name))
                });
            errors.push(Diagnostic::file(file, format!("template error: {message}")));
        }
        if errors.is_empty() {
            Ok(Theme { tera, assets })
        } else {
            Err(errors)
        }
    }

    /// The theme with `site` as what every template sees as `site`: serialised once for all
    /// pages (a long report's chapter list would otherwise be converted for every page).
    /// Figures inside chapters and figure pages see the same `site`.
    pub fn with_site(&self, site: &impl Serialize) -> SiteTheme {
        let mut tera = self.tera.clone();
        tera.global_context().insert("site", site);
        SiteTheme { tera }
    }
}

/// A theme with the site's values set: what renders pages.
pub struct SiteTheme {
    tera: Tera,
}

impl SiteTheme {
    /// Renders `template` with `page` as `page`.
    pub fn render_page(&self, template: &str, page: &impl Serialize) -> Result<String, Diagnostic> {
        let mut context = Context::new();
        context.insert("page", page);
        self.render_context(template, &context)
    }

    fn render_context(&self, template: &str, context: &Context) -> Result<String, Diagnostic> {
        self.tera.render(template, context).map_err(|e| {
            let mut message = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(cause) = source {
                message.push_str(": ");
                message.push_str(&cause.to_string());
                source = cause.source();
            }
            Diagnostic::file(
                Path::new("templates").join(template),
                format!("cannot render template: {message}"),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_project_template_replaces_the_default() {
        let theme = Theme::load(vec![ThemeFile {
            name: "404.html".into(),
            bytes: b"gone: {{ page.x }}".to_vec(),
        }])
        .unwrap();
        let out = theme
            .with_site(&())
            .render_page("404.html", &serde_json::json!({"x": "<b>"}))
            .unwrap();
        assert_eq!(out, "gone: &lt;b&gt;");
    }

    #[test]
    fn a_broken_template_is_a_diagnostic_naming_its_file() {
        let errors = Theme::load(vec![ThemeFile {
            name: "page.html".into(),
            bytes: b"{% if %}".to_vec(),
        }])
        .err()
        .unwrap();
        assert_eq!(errors[0].file, Path::new("templates/page.html"));
    }
}
