//! The render stage: every file of the site, from the checked report.
//!
//! In: a [`Report`] (configuration, pages with their rendered Markdown) and the [`Theme`].
//! Out: an [`output::Site`]: HTML pages through the theme's templates, the theme's assets,
//! and the files GitHub Pages and crawlers look for (`.nojekyll`, `404.html`,
//! `sitemap.xml`, `robots.txt`, `CNAME`).

use serde::Serialize;

use crate::config::Config;
use crate::content::Page;
use crate::diag::Diagnostic;
use crate::markdown::{Rendered, TocEntry};
use crate::output::Site;
use crate::render::Theme;

/// The report, parsed and checked: everything the site is rendered from.
pub struct Report {
    /// The configuration (with any `--base-url` override applied).
    pub config: Config,
    /// Pages in reading order, each with its rendered body.
    pub pages: Vec<(Page, Rendered)>,
}

/// What every template sees as `site`.
#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    description: &'a str,
    authors: &'a [String],
    base_url: &'a str,
    base_path: String,
    version: &'a str,
    language: &'a str,
    license: &'a str,
    chapters: Vec<Link>,
}

/// A link to a page, for navigation.
#[derive(Serialize, Clone)]
struct Link {
    title: String,
    url: String,
    summary: String,
}

/// What a page template sees as `page`.
#[derive(Serialize)]
struct PageView<'a> {
    title: &'a str,
    summary: &'a str,
    /// The page's path below the site root (`downloads/`), for marking the current chapter.
    path: String,
    url: String,
    canonical: String,
    content: &'a str,
    toc: &'a [TocEntry],
    authors: &'a [String],
    prev: Option<Link>,
    next: Option<Link>,
    extra: &'a std::collections::BTreeMap<String, toml::Value>,
}

/// Renders every file of the site.
pub fn render(report: &Report, theme: &Theme) -> Result<Site, Vec<Diagnostic>> {
    let config = &report.config;
    let base_path = config.base_path();
    let link = |page: &Page| Link {
        title: page.meta.title.clone(),
        url: format!("{base_path}{}", page.url_path()),
        summary: page.meta.summary.clone(),
    };
    let site_view = SiteView {
        title: &config.title,
        description: &config.description,
        authors: &config.authors,
        base_url: &config.base_url,
        base_path: base_path.clone(),
        version: &config.version,
        language: &config.language,
        license: &config.license,
        chapters: report
            .pages
            .iter()
            .filter(|(p, _)| !p.is_front())
            .map(|(p, _)| link(p))
            .collect(),
    };

    let mut site = Site::default();
    let mut errors = Vec::new();
    for (i, (page, rendered)) in report.pages.iter().enumerate() {
        let neighbour =
            |j: Option<usize>| j.and_then(|j| report.pages.get(j)).map(|(p, _)| link(p));
        let view = PageView {
            title: &page.meta.title,
            summary: &page.meta.summary,
            path: page.url_path(),
            url: format!("{base_path}{}", page.url_path()),
            canonical: format!("{}{}", config.base_url, page.url_path()),
            content: &rendered.html,
            toc: &rendered.toc,
            authors: if page.meta.authors.is_empty() {
                &config.authors
            } else {
                &page.meta.authors
            },
            prev: neighbour(i.checked_sub(1)),
            next: neighbour(Some(i + 1)),
            extra: &page.meta.extra,
        };
        let template = if page.is_front() {
            "index.html"
        } else {
            "page.html"
        };
        match theme.render(template, &site_view, &view) {
            Ok(html) => site.add(format!("{}index.html", page.url_path()), html),
            Err(e) => errors.push(e),
        }
    }
    match theme.render("404.html", &site_view, &()) {
        Ok(html) => site.add("404.html", html),
        Err(e) => errors.push(e),
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    for (path, bytes) in &theme.assets {
        site.add(path.clone(), bytes.clone());
    }
    site.add(".nojekyll", "");
    site.add(
        "robots.txt",
        format!(
            "User-agent: *\nAllow: /\nSitemap: {}sitemap.xml\n",
            config.base_url
        ),
    );
    if let Some(cname) = &config.cname {
        site.add("CNAME", format!("{cname}\n"));
    }
    site.add("sitemap.xml", sitemap(config, &site));
    Ok(site)
}

/// Lists every HTML page but the 404 page.
fn sitemap(config: &Config, site: &Site) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for path in site.files.keys() {
        if let Some(dir) = path.strip_suffix("index.html") {
            let url = format!("{}{dir}", config.base_url);
            xml.push_str(&format!(
                "  <url><loc>{}</loc></url>\n",
                crate::html::escape(&url)
            ));
        }
    }
    xml.push_str("</urlset>\n");
    xml
}
