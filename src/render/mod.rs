//! The render stage: every file of the site, from the checked report. All markup is made
//! here (pages through the theme's templates, figure references, value links, citations
//! and reference lists), and every address comes from [`crate::urls`].
//!
//! In: a checked [`Report`]. Out: a [`FileMap`]: HTML pages, each figure version's files
//! (`figure.svg`, `preview.png`, `data.csv`, `option.json`), the snapshots (byte-identical
//! copies), the theme's assets, the changelog and its feed, `citation.bib`, and the files
//! GitHub Pages and crawlers look for (`.nojekyll`, `404.html`, `sitemap.xml`,
//! `robots.txt`, `CNAME`).

use serde::Serialize;

use crate::cache::RenderCache;
use crate::chart;
use crate::check::{CheckedPage, Report, Resolved};
use crate::config::Config;
use crate::content::Page;
use crate::data::{Dataset, Snapshot};
use crate::diag::Diagnostic;
use crate::error::Error;
use crate::figure::FigureVersion;
use crate::html;
use crate::lock::Lock;
use crate::markdown::{self, Directive, Rendered, TocEntry};
use crate::output::FileMap;
use crate::theme::{SiteTheme, Theme};
use crate::urls::{self, FigureFile};

/// A figure version with its ECharts option and its view (its markup's, its pages' and the
/// print edition's), made once per build.
struct Drawn<'a> {
    shown: &'a FigureVersion,
    option: serde_json::Value,
    view: FigureView,
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
    /// The date of the report's latest publication (from `folio.lock`), or empty.
    published: String,
    /// Whether `/figures/` and `/data/` exist.
    has_figures: bool,
    has_data: bool,
    /// Whether every page lists the chapters in its header; beyond [`INLINE_NAV_LIMIT`]
    /// pages the header links to the front page's contents instead, so the site does not
    /// grow with the square of its chapters (mdBook moved its sidebar out of its pages for
    /// the same reason).
    inline_nav: bool,
    /// The site's own addresses.
    urls: SiteUrls,
}

/// The site's own addresses, with the base path, for templates ([`crate::urls`]).
#[derive(Serialize)]
struct SiteUrls {
    figures: String,
    data: String,
    changes: String,
    feed: String,
    citations: String,
    citations_ris: String,
    print: String,
    /// The search bundle (Pagefind's index and UI).
    search: String,
    echarts: String,
}

/// The most pages for which every page lists every chapter.
const INLINE_NAV_LIMIT: usize = 40;

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
    /// The page's prose followed by its reference list.
    content: &'a str,
    /// The prose alone, and the reference list alone (empty when it cites nothing): for a
    /// template that puts something between them, as the front page puts its contents.
    body: &'a str,
    references: &'a str,
    toc: &'a [TocEntry],
    authors: &'a [String],
    prev: Option<Link>,
    next: Option<Link>,
    extra: &'a std::collections::BTreeMap<String, toml::Value>,
    /// True when the page draws charts (and so loads ECharts).
    charts: bool,
    /// The preview image for social cards: the page's first figure.
    image: Option<String>,
    /// JSON-LD describing the page, escaped for a script element.
    jsonld: Option<String>,
}

/// Renders every file of the site.
pub fn render(
    report: &Report,
    theme: &Theme,
    cache: &RenderCache,
    search: bool,
) -> Result<FileMap, Error> {
    use rayon::prelude::*;
    let config = &report.config;
    // Each figure version's ECharts option, once, in parallel, in the report's order.
    let drawn: Vec<Drawn<'_>> = report
        .figures
        .par_iter()
        .map(|shown| {
            let option = chart::option(&shown.figure);
            let view = figure_view(report, shown, &option);
            Drawn {
                shown,
                option,
                view,
            }
        })
        .collect();
    let drawn = &drawn;
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
            .filter(|p| !p.page.is_front())
            .map(|p| link(&p.page))
            .collect(),
        published: latest_publication(&report.lock),
        has_figures: !report.figures.is_empty(),
        has_data: !report.data.datasets.is_empty(),
        inline_nav: report.pages.len() <= INLINE_NAV_LIMIT,
        urls: SiteUrls {
            figures: format!("{base_path}{}", urls::figures()),
            data: format!("{base_path}{}", urls::datasets()),
            changes: format!("{base_path}{}", urls::changes()),
            feed: format!("{base_path}{}", urls::feed()),
            citations: format!("{base_path}{}", urls::citations()),
            citations_ris: format!("{base_path}{}", urls::citations_ris()),
            print: format!("{base_path}{}", urls::print()),
            search: format!("{base_path}{}", crate::search::BUNDLE),
            echarts: format!("{base_path}{}", urls::echarts()),
        },
    };
    let assets = &theme.assets;
    let theme = theme.with_site(&site_view);
    let theme = &theme;

    let mut site = FileMap::default();
    let mut errors = Vec::new();
    let print = &print_references(report);
    let page_html = |i: usize,
                     checked: &CheckedPage,
                     parsed: &markdown::Parsed<'_>|
     -> Result<(String, String), Vec<Diagnostic>> {
        let page = &checked.page;
        let (rendered, body_end) = prose(report, drawn, theme, checked, parsed)?;
        let neighbour =
            |j: Option<usize>| j.and_then(|j| report.pages.get(j)).map(|p| link(&p.page));
        let view = PageView {
            title: &page.meta.title,
            summary: &page.meta.summary,
            path: page.url_path(),
            url: format!("{base_path}{}", page.url_path()),
            canonical: format!("{}{}", config.base_url, page.url_path()),
            content: &rendered.html,
            body: &rendered.html[..body_end],
            references: &rendered.html[body_end..],
            toc: &rendered.toc,
            authors: if page.meta.authors.is_empty() {
                &config.authors
            } else {
                &page.meta.authors
            },
            prev: neighbour(i.checked_sub(1)),
            next: neighbour(Some(i + 1)),
            extra: &page.meta.extra,
            charts: report
                .current()
                .any(|f| f.place.is_some_and(|p| p.page == i)),
            image: report
                .current()
                .find(|f| page.is_front() || f.place.is_some_and(|p| p.page == i))
                .map(|f| preview_url(config, f)),
            jsonld: page.is_front().then(|| report_jsonld(report)),
        };
        let template = if page.is_front() {
            "index.html"
        } else {
            "page.html"
        };
        let html = theme.render_page(template, &view).map_err(|e| vec![e])?;
        Ok((urls::index(&page.url_path()), html))
    };
    // Each page's Markdown is parsed once, for its page and its chapter of the print
    // edition; each is rendered whether or not the other could be, so that every fault of
    // either is reported.
    type PageAndChapter<'a> = (
        Result<(String, String), Vec<Diagnostic>>,
        Result<PrintChapter<'a>, Vec<Diagnostic>>,
    );
    let pages: Vec<PageAndChapter<'_>> = report
        .pages
        .par_iter()
        .enumerate()
        .map(|(i, checked)| {
            let parsed = markdown::parse(checked.page.body());
            let chapter = print_chapter(report, drawn, theme, (i, checked), &parsed, print);
            (page_html(i, checked, &parsed), chapter)
        })
        .collect();
    let data: Vec<Result<(String, String), Vec<Diagnostic>>> = data_pages(report, &base_path)
        .into_par_iter()
        .map(|(path, template, view)| {
            theme
                .render_page(template, &view)
                .map(|html| (path, html))
                .map_err(|e| vec![e])
        })
        .collect();
    let mut chapters = Vec::with_capacity(pages.len());
    for (page, chapter) in pages {
        match page {
            Ok((path, html)) => site.add(path, html),
            Err(e) => errors.extend(e),
        }
        match chapter {
            Ok(chapter) => chapters.push(chapter),
            Err(e) => errors.extend(e),
        }
    }
    for page in data {
        match page {
            Ok((path, html)) => site.add(path, html),
            Err(e) => errors.extend(e),
        }
    }
    let (figure_errors, statics) = figure_pages(report, drawn, theme, &mut site);
    errors.extend(figure_errors);
    site.add(urls::citations(), citation_bib(report));
    site.add(urls::citations_ris(), citation_ris(report));
    // A chapter that failed is reported above, and the build fails.
    if chapters.len() == report.pages.len() {
        match print_edition(report, theme, chapters, print) {
            Ok(html) => site.add(urls::index(urls::print()), html),
            Err(e) => errors.push(e),
        }
    }
    let changes = changes(report, &base_path);
    match theme.render_page("changes.html", &changes) {
        Ok(html) => site.add(urls::index(urls::changes()), html),
        Err(e) => errors.push(e),
    }
    site.add(urls::feed(), atom(report, &changes));
    for snapshot in report.data.snapshots() {
        let path = urls::snapshot_file(&snapshot.dataset, &snapshot.version, snapshot.extension());
        match &snapshot.computed {
            Some(bytes) => site.add(path, bytes.as_slice()),
            None => site.copy(path, snapshot.full_path.clone()),
        }
    }
    for derivation in &report.data.derivations {
        site.add(
            urls::query_file(&derivation.dataset, &derivation.version),
            derivation.query.text.as_bytes(),
        );
    }
    let not_found = serde_json::json!({ "title": "Page not found" });
    match theme.render_page("404.html", &not_found) {
        Ok(html) => site.add("404.html", html),
        Err(e) => errors.push(e),
    }
    // The search index is made by Pagefind, which reads one page at a time, on a thread of
    // its own, outside rayon's pool (Pagefind blocks on a runtime of its own, and uses
    // rayon inside it); the figures' static files are drawn meanwhile on the pool. Neither
    // needs the other: the indexed pages link to the static files but do not hold them. A
    // figure that cannot be drawn fails the build only once both are done, and the index
    // made meanwhile is dropped (it is kept in the render cache for the next build).
    let (bundle, statics) = std::thread::scope(|scope| {
        let site = &site;
        let bundle =
            (search && errors.is_empty()).then(|| scope.spawn(move || search_bundle(site, cache)));
        let statics: Vec<_> = statics
            .into_par_iter()
            .map(|work| static_files(report, cache, work))
            .collect();
        let bundle = bundle.map(|indexer| {
            indexer.join().unwrap_or_else(|_| {
                Err(Error::from(vec![Diagnostic::file(
                    "public/pagefind",
                    "the search indexer stopped unexpectedly",
                )]))
            })
        });
        (bundle, statics)
    });
    for (files, faults) in statics {
        for (path, bytes) in files {
            site.add(path, bytes);
        }
        errors.extend(faults);
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    if let Some(bundle) = bundle {
        site.files.extend(bundle?.files);
    }
    for (path, bytes) in assets {
        site.add(path.clone(), bytes.clone());
    }
    if !report.figures.is_empty() {
        site.add(urls::echarts(), chart::svg::ECHARTS_JS);
    }
    if report
        .figures
        .iter()
        .any(|f| f.figure.spec.kind == crate::figure::ChartType::Map)
    {
        site.add(urls::geo(), chart::geo::GEO_JSON);
    }
    site.add(".nojekyll", "");
    site.add(
        "robots.txt",
        format!(
            "User-agent: *\nAllow: /\nSitemap: {}{}\n",
            config.base_url,
            urls::sitemap()
        ),
    );
    if let Some(cname) = &config.cname {
        site.add("CNAME", format!("{cname}\n"));
    }
    site.add(urls::sitemap(), sitemap(config, &site));
    Ok(site)
}

/// A page's Markdown as HTML: each directive replaced by its markup, and the reference
/// list of its citations at the end, which starts at the byte offset returned beside it.
fn prose(
    report: &Report,
    drawn: &[Drawn<'_>],
    theme: &SiteTheme,
    checked: &CheckedPage,
    parsed: &markdown::Parsed<'_>,
) -> Result<(Rendered, usize), Vec<Diagnostic>> {
    let references = match &report.bibliography {
        Some(bibliography) if !checked.citations.is_empty() => {
            bibliography.render_page(&checked.citations)
        }
        _ => crate::bib::PageReferences::default(),
    };
    let mut citations = references.citations.iter();
    let mut rendered = body(report, drawn, theme, checked, parsed, &mut citations, None)?;
    let body_end = rendered.html.len();
    if !references.references.is_empty() {
        rendered
            .html
            .push_str(&reference_list(&references, "references", "References"));
        rendered.toc.push(TocEntry {
            level: 2,
            id: "references".to_string(),
            title: "References".to_string(),
        });
    }
    Ok((rendered, body_end))
}

/// A reference list as HTML, headed `title` with the id `id`.
fn reference_list(references: &crate::bib::PageReferences, id: &str, title: &str) -> String {
    let mut html = format!(
        "<section class=\"references\" aria-labelledby=\"{id}\">\n<h2 id=\"{id}\">{title}</h2>\n<ol{}>\n",
        if references.numeric {
            " class=\"numbered\""
        } else {
            ""
        }
    );
    for (key, entry) in &references.references {
        html.push_str(&format!(
            "<li id=\"ref-{}\">{entry}</li>\n",
            html::escape(key)
        ));
    }
    html.push_str("</ol>\n</section>\n");
    html
}

/// A checked claim as the page shows it, below the sentence it backs: a line saying it was
/// checked against which snapshots, which opens on its query and the values it saw.
fn claim_fragment(placed: &crate::check::PlacedClaim, base: &str, print: Option<&str>) -> String {
    let claim = &placed.claim;
    let names = claim
        .inputs
        .iter()
        .map(|(_, data)| format!("<code>{}</code>", html::escape(data)))
        .collect::<Vec<_>>()
        .join(", ");
    // The summary holds no link (a link inside a summary cannot be reached as itself);
    // the inputs' pages are linked inside.
    let links = claim
        .inputs
        .iter()
        .map(|(name, data)| {
            let (dataset, version) = data.split_once('@').unwrap_or((data, ""));
            format!(
                "<a href=\"{base}{}\"><code>{}</code></a> (as <code>{}</code>)",
                html::escape(&urls::snapshot(dataset, version)),
                html::escape(data),
                html::escape(name)
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    let values = match claim.values.is_empty() {
        true => String::new(),
        false => format!(
            "<p>Values: {}</p>",
            html::escape(&readable_values(&claim.values))
        ),
    };
    format!(
        "<details class=\"claim\" id=\"{}claim-{}\" data-pagefind-ignore><summary>Checked against {names}</summary><p>This sentence is checked against the data each time the report is built: the query below, over {links}, must return <code>holds = true</code>.</p><pre tabindex=\"0\"><code class=\"language-sql\">{}</code></pre>{values}</details>\n",
        print.unwrap_or(""),
        placed.number,
        html::escape(claim.sql.trim()),
    )
}

/// A claim's values (`name = value; ...`, as the query returned them and `folio.lock` pins
/// them) as readers read numbers: a whole number of five digits or more is grouped by
/// thousands (`153600000` reads `153,600,000`); everything else is left as written, so a
/// year (`2025`), a code (`00123`), a decimal (`65.3846153846154`) or text is unchanged.
/// (The pinned values carry no types: a four-digit number may be a year.)
fn readable_values(values: &str) -> String {
    values
        .split("; ")
        .map(|part| match part.split_once(" = ") {
            Some((name, value)) => {
                let digits = value.strip_prefix('-').unwrap_or(value);
                let whole = digits.len() >= 5
                    && !digits.starts_with('0')
                    && digits.bytes().all(|b| b.is_ascii_digit());
                match whole {
                    true => format!(
                        "{name} = {}{}",
                        if digits.len() < value.len() { "-" } else { "" },
                        crate::number::NumberFormat::default()
                            .bare(digits)
                            .unwrap_or_else(|| digits.to_string())
                    ),
                    false => part.to_string(),
                }
            }
            None => part.to_string(),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// A page's body (`parsed`) as HTML, each directive replaced by its markup, the page's
/// in-text citations taken in order from `citations`. `print` is the id prefix of a page in the
/// print edition, where figure references point at figures on the same page.
fn body<'a>(
    report: &Report,
    drawn: &[Drawn<'_>],
    theme: &SiteTheme,
    checked: &CheckedPage,
    parsed: &markdown::Parsed<'_>,
    citations: &mut impl Iterator<Item = &'a String>,
    print: Option<&str>,
) -> Result<Rendered, Vec<Diagnostic>> {
    let base = report.config.base_path();
    let mut resolve = |directive: &Directive| {
        Ok(match checked.resolved.get(&directive.offset()) {
            Some(Resolved::Figure(i)) => {
                // The figure's sources are the page's next citations (see `Resolved::Figure`).
                let figure = &report.figures[*i].figure;
                let cited = figure
                    .source_citations(report.bibliography.as_ref(), 0)
                    .len();
                let sources: Vec<String> = citations.by_ref().take(cited).cloned().collect();
                figure_fragment(theme, &drawn[*i], &sources)?
            }
            Some(Resolved::FigRef(i)) => {
                let target = &report.figures[*i];
                let place = target.place.expect("a reference's target is in the prose");
                let page = match print {
                    Some(_) => String::new(),
                    None => format!("{base}{}", report.pages[place.page].page.url_path()),
                };
                format!(
                    "<a class=\"figref\" href=\"{page}#fig-{}\">Figure {}</a>",
                    target.figure.spec.id, place.number
                )
            }
            Some(Resolved::Value(v)) => format!(
                "<a class=\"value\" href=\"{base}{}\" title=\"{}\"><data value=\"{}\">{}</data></a>",
                html::escape(&urls::snapshot(&v.dataset, &v.version)),
                html::escape(
                    format!("{}, column {} {}", v.snapshot, v.column, v.filters).trim_end()
                ),
                html::escape(&v.raw),
                html::escape(&v.formatted),
            ),
            Some(Resolved::Cite) => citations.next().cloned().unwrap_or_default(),
            Some(Resolved::Claim(i)) => claim_fragment(&report.claims[*i], &base, print),
            Some(Resolved::Omitted) | None => String::new(),
        })
    };
    let (rendered, errors) = parsed.render(&mut resolve, print.unwrap_or(""));
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(rendered)
}

/// A page's body as it reads in the print edition: links and image sources relative to the
/// page (at `page_url`, an absolute path) made absolute, so that they lead where they did;
/// links to a heading or footnote of the page itself given the page's id `prefix`. Figure
/// (`#fig-`), reference (`#ref-`) and footnote (`#fn-`, already prefixed) anchors are on the
/// print page as they are.
fn print_links(html: &str, page_url: &str, prefix: &str) -> String {
    let Ok(base) = url::Url::parse(&format!("https://print.invalid{page_url}")) else {
        return html.to_string();
    };
    const ATTRIBUTES: [&str; 2] = [" href=\"", " src=\""];
    let finders = ATTRIBUTES.map(memchr::memmem::Finder::new);
    let find = |i: usize, from: usize| finders[i].find(&html.as_bytes()[from..]).map(|n| from + n);
    // Where each attribute next occurs at or after `at`: searched again only once `at` has
    // passed it, so that the page is read once however many links it has.
    let mut next = [find(0, 0), find(1, 0)];
    let mut out = String::with_capacity(html.len());
    let mut at = 0;
    loop {
        for (i, found) in next.iter_mut().enumerate() {
            if found.is_some_and(|n| n < at) {
                *found = find(i, at);
            }
        }
        let Some((start, len)) = next
            .iter()
            .zip(ATTRIBUTES)
            .filter_map(|(found, attribute)| found.map(|n| (n, attribute.len())))
            .min()
        else {
            out.push_str(&html[at..]);
            return out;
        };
        let value_start = start + len;
        out.push_str(&html[at..value_start]);
        let end = html[value_start..]
            .find('"')
            .map_or(html.len(), |i| value_start + i);
        let value = &html[value_start..end];
        let kept = ["#fig-", "#ref-", "#fn-"];
        let rewritten = if let Some(anchor) = value.strip_prefix('#') {
            if kept.iter().any(|k| value.starts_with(k)) {
                value.to_string()
            } else {
                format!("#{prefix}{anchor}")
            }
        } else if value.starts_with('/') || value.contains(':') || value.is_empty() {
            value.to_string()
        } else {
            match base.join(value) {
                Ok(joined) => {
                    let mut path = joined.path().to_string();
                    if let Some(query) = joined.query() {
                        path.push('?');
                        path.push_str(query);
                    }
                    if let Some(fragment) = joined.fragment() {
                        path.push('#');
                        path.push_str(fragment);
                    }
                    path
                }
                Err(_) => value.to_string(),
            }
        };
        out.push_str(&rewritten);
        at = end;
    }
}

/// The print edition's one reference list for the whole report (numbered across it where
/// the style numbers), and where each page's citations start in it.
struct PrintReferences {
    references: crate::bib::PageReferences,
    starts: Vec<usize>,
}

fn print_references(report: &Report) -> PrintReferences {
    let all: Vec<_> = report
        .pages
        .iter()
        .flat_map(|p| p.citations.iter().cloned())
        .collect();
    let references = match &report.bibliography {
        Some(bibliography) if !all.is_empty() => bibliography.render_page(&all),
        _ => crate::bib::PageReferences::default(),
    };
    let mut starts = Vec::with_capacity(report.pages.len());
    let mut at = 0;
    for checked in &report.pages {
        starts.push(at);
        at += checked.citations.len();
    }
    PrintReferences { references, starts }
}

/// Page `i` (`checked`, its body `parsed`) as a chapter of the print edition: headings and
/// footnotes given ids of their own (`p<i>-`), figures as on the page, figure references
/// pointing within the print page, links leading where they did, and its in-text citations
/// its slice of the whole report's.
fn print_chapter<'a>(
    report: &Report,
    drawn: &[Drawn<'_>],
    theme: &SiteTheme,
    (i, checked): (usize, &'a CheckedPage),
    parsed: &markdown::Parsed<'_>,
    print: &PrintReferences,
) -> Result<PrintChapter<'a>, Vec<Diagnostic>> {
    let config = &report.config;
    let prefix = format!("p{i}-");
    let page_url = format!("{}{}", config.base_path(), checked.page.url_path());
    let start = print.starts[i];
    let own = print
        .references
        .citations
        .get(start..start + checked.citations.len())
        .unwrap_or_default();
    let mut citations = own.iter();
    let rendered = body(
        report,
        drawn,
        theme,
        checked,
        parsed,
        &mut citations,
        Some(&prefix),
    )?;
    Ok(PrintChapter {
        title: &checked.page.meta.title,
        id: format!("p{i}"),
        url: format!("{}{}", config.base_url, checked.page.url_path()),
        front: checked.page.is_front(),
        content: print_links(&rendered.html, &page_url, &prefix),
    })
}

/// A page as a chapter of the print edition, as `print.html` sees it.
#[derive(Serialize)]
struct PrintChapter<'a> {
    title: &'a str,
    id: String,
    url: String,
    front: bool,
    /// The chapter's body as HTML.
    content: String,
}

/// The print edition as `print.html` sees it. A struct, not a `json!` value: the chapters
/// (the whole report's HTML) are copied once, into the template's context, not twice.
#[derive(Serialize)]
struct PrintView<'a> {
    title: String,
    canonical: String,
    url: String,
    charts: bool,
    published: String,
    citation: String,
    chapters: Vec<PrintChapter<'a>>,
    references: Option<String>,
}

/// `/print/`: the whole report on one page in reading order, for print and PDF: a title
/// page (title, version, date, authors, how to cite), every page's body (its `chapters`,
/// from [`print_chapter`]), and one reference list for the whole report.
fn print_edition(
    report: &Report,
    theme: &SiteTheme,
    chapters: Vec<PrintChapter<'_>>,
    print: &PrintReferences,
) -> Result<String, Diagnostic> {
    let config = &report.config;
    let published = latest_publication(&report.lock);
    let view = PrintView {
        title: format!("{} (print edition)", config.title),
        canonical: format!("{}{}", config.base_url, urls::print()),
        url: format!("{}{}", config.base_path(), urls::print()),
        charts: false,
        citation: crate::cite::report_text(config, &published),
        published,
        chapters,
        references: (!print.references.references.is_empty())
            .then(|| reference_list(&print.references, "references", "References")),
    };
    theme.render_page("print.html", &view)
}

/// The pages of `site` that mark what to index (`data-pagefind-body`: chapters, the current
/// version of each figure, datasets), each at its address below the site root (Pagefind's
/// script adds the base path, from where its bundle is served), with its HTML.
fn search_pages(site: &FileMap) -> Vec<(String, &str)> {
    site.files
        .iter()
        .filter_map(|(path, content)| match content {
            crate::output::Content::Bytes(bytes) if path.ends_with(".html") => {
                let html = std::str::from_utf8(bytes).ok()?;
                html.contains(" data-pagefind-body")
                    .then(|| (format!("/{}", path.trim_end_matches("index.html")), html))
            }
            _ => None,
        })
        .collect()
}

/// The search bundle for `site`'s pages, as a site of its own (see [`crate::search`]).
pub fn search_bundle(site: &FileMap, cache: &RenderCache) -> Result<FileMap, Error> {
    let files = crate::search::index(&search_pages(site), cache)
        .map_err(|e| Error::from(vec![Diagnostic::file("public/pagefind", e)]))?;
    let mut bundle = FileMap::default();
    for (path, bytes) in files {
        bundle.add(path, bytes);
    }
    Ok(bundle)
}

/// Lists every HTML page but the 404 page.
fn sitemap(config: &Config, site: &FileMap) -> String {
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

/// How many rows a snapshot's page previews.
const PREVIEW_ROWS: usize = 10;

/// A dataset as its pages show it.
#[derive(Serialize)]
struct DatasetView<'a> {
    name: &'a str,
    title: &'a str,
    description: &'a str,
    source: &'a str,
    source_url: &'a str,
    license: &'a str,
    key: &'a [String],
    url: String,
    canonical: String,
    columns: Vec<ColumnView<'a>>,
    versions: Vec<VersionView<'a>>,
    /// The reference list of the sources of every version's rows (`source_column`).
    sources: Option<String>,
}

#[derive(Serialize)]
struct ColumnView<'a> {
    name: &'a str,
    kind: &'static str,
    unit: &'a str,
    label: &'a str,
    description: &'a str,
    inferred: bool,
}

#[derive(Serialize)]
struct VersionView<'a> {
    version: &'a str,
    url: String,
    csv_url: String,
    /// The snapshot's file name (`<version>.csv` or `.parquet`).
    file: String,
    /// `CSV` or `Parquet`.
    format: &'static str,
    sha256: &'a str,
    /// Bytes, written for readers (`1,234`).
    size: String,
    /// Rows, written for readers.
    rows: String,
    columns: usize,
    retrieved: Option<&'a str>,
    published: Option<&'a str>,
    notes: &'a str,
}

/// A snapshot's own page.
#[derive(Serialize)]
struct SnapshotView<'a> {
    dataset: &'a DatasetView<'a>,
    version: &'a VersionView<'a>,
    title: String,
    summary: String,
    url: String,
    canonical: String,
    latest: &'a VersionView<'a>,
    preview: Preview,
    /// [`crate::data::Changes`], with its counts also written for readers (`added_text`).
    changes: Option<serde_json::Value>,
    jsonld: String,
    /// For a derived version: its query and inputs.
    derived: Option<DerivedView>,
    /// The claims of the prose that read this version.
    claims: Vec<ClaimLink>,
    /// The reference list of the sources of this version's rows (`source_column`), each
    /// with how many rows it gives.
    sources: Option<String>,
    /// Whether the snapshot is streamed (too large to hold).
    streamed: bool,
    /// Whether a version comes before this one but the two were not compared, because one
    /// of them is streamed.
    not_compared: bool,
}

/// How a derived version was made, for its page.
#[derive(Serialize)]
struct DerivedView {
    query: String,
    query_url: String,
    query_sha256: String,
    inputs: Vec<InputView>,
}

/// An input of a derived version.
#[derive(Serialize)]
struct InputView {
    name: String,
    data: String,
    sha256: String,
    url: String,
}

/// A claim that rests on a snapshot, linked from its page.
#[derive(Serialize)]
struct ClaimLink {
    url: String,
    page_title: String,
    values: String,
}

#[derive(Serialize)]
struct Preview {
    columns: Vec<(String, bool)>,
    rows: Vec<Vec<String>>,
    more: usize,
}

fn version_view<'a>(
    dataset: &'a Dataset,
    snapshot: &'a Snapshot,
    lock: &'a Lock,
    base_path: &str,
) -> VersionView<'a> {
    let meta = dataset.meta.versions.get(&snapshot.version);
    VersionView {
        version: &snapshot.version,
        url: format!(
            "{base_path}{}",
            urls::snapshot(&dataset.name, &snapshot.version)
        ),
        csv_url: format!(
            "{base_path}{}",
            urls::snapshot_file(&dataset.name, &snapshot.version, snapshot.extension())
        ),
        file: snapshot.file_name(),
        format: match snapshot.extension() {
            "parquet" => "Parquet",
            _ => "CSV",
        },
        sha256: &snapshot.sha256,
        size: crate::number::count(snapshot.size),
        rows: crate::number::count(snapshot.table.row_count() as u64),
        columns: snapshot.table.columns.len(),
        retrieved: meta
            .and_then(|m| m.retrieved.as_ref())
            .map(|d| d.0.as_str()),
        published: lock
            .snapshot(&dataset.name, &snapshot.version)
            .map(|s| s.published.as_str()),
        notes: meta.map_or("", |m| m.notes.as_str()),
    }
}

fn dataset_view<'a>(dataset: &'a Dataset, report: &'a Report, base_path: &str) -> DatasetView<'a> {
    // Columns as the latest snapshot has them, declared ones first in header order.
    let columns = dataset
        .snapshots
        .last()
        .map(|s| {
            s.table
                .columns
                .iter()
                .map(|c| ColumnView {
                    name: &c.name,
                    kind: c.kind.name(),
                    unit: c.unit(),
                    label: c.meta.as_ref().map_or("", |m| m.label.as_str()),
                    description: c.meta.as_ref().map_or("", |m| m.description.as_str()),
                    inferred: c.meta.is_none(),
                })
                .collect()
        })
        .unwrap_or_default();
    let path = urls::dataset(&dataset.name);
    DatasetView {
        name: &dataset.name,
        title: &dataset.meta.title,
        description: &dataset.meta.description,
        source: &dataset.meta.source,
        source_url: &dataset.meta.source_url,
        license: &dataset.meta.license,
        key: &dataset.meta.key,
        url: format!("{base_path}{path}"),
        canonical: format!("{}{path}", report.config.base_url),
        columns,
        versions: dataset
            .snapshots
            .iter()
            .map(|s| version_view(dataset, s, &report.lock, base_path))
            .collect(),
        // Every version's sources; their rows are counted on each version's page.
        sources: source_list(report, dataset, &dataset.snapshots, false),
    }
}

/// The reference list of the sources that `snapshots` of `dataset` give their rows (its
/// `source_column`), with `counts` each entry followed by how many rows cite it; `None`
/// when the dataset names no source column, the report has no bibliography, or no row
/// names a source.
fn source_list(
    report: &Report,
    dataset: &Dataset,
    snapshots: &[Snapshot],
    counts: bool,
) -> Option<String> {
    let bibliography = report.bibliography.as_ref()?;
    dataset.meta.source_column.as_ref()?;
    let mut rows: Vec<(String, usize)> = Vec::new();
    for source in snapshots.iter().flat_map(|s| s.table.source_counts()) {
        match rows.iter_mut().find(|(k, _)| *k == source.key) {
            Some((_, n)) => *n += source.rows,
            None => rows.push((source.key.clone(), source.rows)),
        }
    }
    let citations: Vec<crate::citation::Citation> = rows
        .iter()
        .filter(|(key, _)| bibliography.contains(key))
        .map(|(key, _)| crate::citation::Citation::of(key, 0, false))
        .collect();
    if citations.is_empty() {
        return None;
    }
    let mut references = bibliography.render_page(&citations);
    if counts {
        for (key, entry) in &mut references.references {
            let n = rows.iter().find(|(k, _)| k == key).map_or(0, |(_, n)| *n);
            entry.push_str(&format!(
                " <span class=\"rows\">({} {})</span>",
                crate::number::count(n as u64),
                if n == 1 { "row" } else { "rows" }
            ));
        }
    }
    Some(reference_list(&references, "sources", "Sources"))
}

/// `/data/`, `/data/<dataset>/` and `/data/<dataset>/<version>/`, as (path, template, view).
fn data_pages(report: &Report, base_path: &str) -> Vec<(String, &'static str, serde_json::Value)> {
    let views: Vec<DatasetView<'_>> = report
        .data
        .datasets
        .values()
        .map(|d| dataset_view(d, report, base_path))
        .collect();
    let mut pages = Vec::new();
    if views.is_empty() {
        return pages;
    }
    pages.push((
        urls::index(urls::datasets()),
        "data.html",
        serde_json::json!({
            "title": "Data",
            "summary": "Every dataset behind this report, with every published version.",
            "url": format!("{base_path}{}", urls::datasets()),
            "canonical": format!("{}{}", report.config.base_url, urls::datasets()),
            "datasets": &views,
        }),
    ));
    for (dataset, view) in report.data.datasets.values().zip(&views) {
        pages.push((
            urls::index(&urls::dataset(&dataset.name)),
            "dataset.html",
            serde_json::json!({
                "title": view.title,
                "summary": view.description,
                "url": view.url,
                "canonical": view.canonical,
                "dataset": view,
            }),
        ));
        // A dataset described before its first snapshot is added has no version pages yet.
        let Some(latest) = view.versions.last() else {
            continue;
        };
        for (i, (snapshot, version)) in dataset.snapshots.iter().zip(&view.versions).enumerate() {
            // A streamed snapshot's rows are not held, so versions with one are not compared.
            let held = |s: &Snapshot| s.table.streamed().is_none();
            let changes = i
                .checked_sub(1)
                .filter(|&p| held(&dataset.snapshots[p]) && held(snapshot))
                .map(|p| {
                    let changes =
                        crate::data::diff(&dataset.snapshots[p], snapshot, &dataset.meta.key);
                    // The counts as readers read them (`1,130`), beside the numbers.
                    let mut value = serde_json::to_value(&changes).expect("changes serialise");
                    for (key, n) in [
                        ("added_text", changes.added),
                        ("removed_text", changes.removed),
                        ("changed_text", changes.changed),
                    ] {
                        value[key] = crate::number::count(n as u64).into();
                    }
                    value
                });
            let page = SnapshotView {
                dataset: view,
                version,
                title: format!("{} @ {}", dataset.meta.title, snapshot.version),
                summary: format!(
                    "Version {} of {}: {} rows, SHA-256 {}.",
                    snapshot.version,
                    dataset.meta.title,
                    crate::number::count(snapshot.table.row_count() as u64),
                    snapshot.sha256
                ),
                url: version.url.clone(),
                canonical: format!(
                    "{}{}",
                    report.config.base_url,
                    urls::snapshot(&dataset.name, &snapshot.version)
                ),
                latest,
                preview: preview(snapshot),
                changes,
                jsonld: dataset_jsonld(report, dataset, snapshot),
                derived: derived_view(report, &snapshot.id(), base_path),
                sources: source_list(report, dataset, std::slice::from_ref(snapshot), true),
                streamed: !held(snapshot),
                not_compared: i > 0 && !(held(&dataset.snapshots[i - 1]) && held(snapshot)),
                claims: report
                    .claims
                    .iter()
                    .filter(|c| {
                        c.claim
                            .inputs
                            .iter()
                            .any(|(_, data)| *data == snapshot.id())
                    })
                    .map(|c| {
                        let page = &report.pages[c.page].page;
                        ClaimLink {
                            url: format!("{base_path}{}#claim-{}", page.url_path(), c.number),
                            page_title: page.meta.title.clone(),
                            values: readable_values(&c.claim.values),
                        }
                    })
                    .collect(),
            };
            pages.push((
                urls::index(&urls::snapshot(&dataset.name, &snapshot.version)),
                "snapshot.html",
                serde_json::to_value(&page).expect("views serialise"),
            ));
        }
    }
    pages
}

/// The query and inputs of derived version `id`, when it is one.
fn derived_view(report: &Report, id: &str, base_path: &str) -> Option<DerivedView> {
    let derivation = crate::data::Derivation::find(&report.data.derivations, id)?;
    let inputs = derivation
        .inputs
        .iter()
        .map(|(name, data)| {
            let (dataset, version) = data.split_once('@').unwrap_or((data, ""));
            InputView {
                name: name.clone(),
                data: data.clone(),
                sha256: report
                    .data
                    .resolve(data)
                    .map(|s| s.sha256.clone())
                    .unwrap_or_default(),
                url: format!("{base_path}{}", urls::snapshot(dataset, version)),
            }
        })
        .collect();
    Some(DerivedView {
        query: derivation.query.text.clone(),
        query_url: format!(
            "{base_path}{}",
            urls::query_file(&derivation.dataset, &derivation.version)
        ),
        query_sha256: crate::data::sha256_bytes(derivation.query.text.as_bytes()),
        inputs,
    })
}

fn preview(snapshot: &Snapshot) -> Preview {
    let table = &snapshot.table;
    let rows = table.head(PREVIEW_ROWS);
    Preview {
        columns: table
            .columns
            .iter()
            .map(|c| (c.name.clone(), c.kind.is_numeric()))
            .collect(),
        more: table.row_count().saturating_sub(rows.len()),
        rows,
    }
}

/// A figure as its markup and its pages show it.
#[derive(Serialize, Clone)]
struct FigureView {
    id: String,
    number: Option<usize>,
    version: u32,
    latest: u32,
    latest_url: String,
    published: String,
    withdrawn: bool,
    change: Option<String>,
    citation: Citations,
    title: String,
    kind: &'static str,
    caption: String,
    snapshot: String,
    sha256: String,
    dataset_title: String,
    source: String,
    source_url: String,
    /// The citations of the plotted rows' sources (`source_column`), as HTML joined by
    /// "; ", each linked to its entry in the page's references; empty when the dataset
    /// names no source column (the source line then names `source`).
    sources: String,
    sources_count: usize,
    snapshot_url: String,
    permalink: String,
    canonical: String,
    current_url: String,
    svg_url: String,
    csv_url: String,
    option_url: String,
    png_url: String,
    zip_url: String,
    bib_url: String,
    csl_url: String,
    ris_url: String,
    /// The iframe snippets that embed this version, and the figure's current version.
    embed_pinned: String,
    embed_latest: String,
    option_json: String,
    /// The text description: alt text of the static image, label of the live chart.
    description: String,
    width: u32,
    height: u32,
    /// The interactive chart's least height on a phone, in pixels, if it has one.
    phone_height: Option<u32>,
    /// Where the world geometry of a map is served.
    geo_url: Option<String>,
    table: TableView,
    chapter_title: String,
    chapter_url: String,
}

/// A figure version's citation in every format, for copying.
#[derive(Serialize, Clone)]
struct Citations {
    apa: String,
    bibtex: String,
    csl_json: String,
    ris: String,
}

/// The HTML a site pastes to embed a figure: an iframe of the embed page at `path` under
/// `base_url`, and a script that sets the iframe's height to what the embedded page reports
/// (its `folio.js` posts `{folioEmbed: true, height}`), accepting messages from the report's
/// origin alone. `chart_height` is the static chart's height at 720 px, for the first height.
fn embed_snippet(base_url: &str, path: &str, title: &str, chart_height: u32) -> String {
    let origin = base_url
        .split_once("://")
        .map(|(scheme, rest)| format!("{scheme}://{}", rest.split('/').next().unwrap_or(rest)))
        .unwrap_or_default();
    format!(
        "<iframe src=\"{base_url}{path}\" title=\"{}\" width=\"100%\" height=\"{}\" style=\"border:0\" loading=\"lazy\" data-folio-embed></iframe>\n\
         <script>addEventListener(\"message\",function(e){{if(e.origin!==\"{origin}\"||!e.data||!e.data.folioEmbed)return;document.querySelectorAll(\"iframe[data-folio-embed]\").forEach(function(f){{if(f.contentWindow===e.source)f.height=e.data.height}})}})</script>",
        crate::html::escape(title),
        chart_height + 110,
    )
}

#[derive(Serialize, Clone)]
struct TableView {
    columns: Vec<(String, bool)>,
    rows: Vec<Vec<String>>,
}

fn figure_view(report: &Report, shown: &FigureVersion, option: &serde_json::Value) -> FigureView {
    let config = &report.config;
    let chapter = report.page_of(shown);
    let base = config.base_path();
    let figure = &shown.figure;
    let spec = &figure.spec;
    let (dataset, version) = figure
        .snapshot
        .split_once('@')
        .unwrap_or((&figure.snapshot, ""));
    let size = chart::size(figure);
    let version_path = urls::figure_version(&spec.id, shown.version);
    let file = |name| format!("{base}{}", urls::figure_file(&spec.id, shown.version, name));
    let caption = markdown::render(&spec.caption, &mut |d| {
        // Captions are plain Markdown: a directive in one is shown as written.
        Ok(html::escape(&match d {
            Directive::FigRef { id, .. } => format!("@fig-{id}"),
            Directive::Value { spec, .. } => format!("{{value}}`{spec}`"),
            Directive::Cite { text, .. } | Directive::BadCite { text, .. } => text.clone(),
            Directive::Chart { .. } | Directive::Claim { .. } => String::new(),
        }))
    })
    .0
    .html;
    let cited = figure_ref(config, shown);
    let latest = report.latest(&spec.id);
    FigureView {
        id: spec.id.clone(),
        number: shown.place.map(|p| p.number),
        version: shown.version,
        latest,
        latest_url: format!("{base}{}", urls::figure_version(&spec.id, latest)),
        published: shown.published.clone(),
        withdrawn: report.is_withdrawn(&spec.id),
        change: report.change(&spec.id, shown.version),
        citation: Citations {
            apa: crate::cite::figure(config, &cited, crate::cite::Format::Apa),
            bibtex: crate::cite::figure(config, &cited, crate::cite::Format::Bibtex),
            csl_json: crate::cite::figure(config, &cited, crate::cite::Format::CslJson),
            ris: crate::cite::figure(config, &cited, crate::cite::Format::Ris),
        },
        title: spec.title.clone(),
        kind: spec.kind.name(),
        caption,
        snapshot: figure.snapshot.clone(),
        sha256: figure.sha256.clone(),
        dataset_title: figure.dataset_title.clone(),
        source: figure.source.clone(),
        source_url: figure.source_url.clone(),
        sources: String::new(),
        sources_count: 0,
        snapshot_url: format!("{base}{}", urls::snapshot(dataset, version)),
        permalink: format!("{base}{version_path}"),
        canonical: format!("{}{version_path}", config.base_url),
        current_url: format!("{base}{}", urls::figure(&spec.id)),
        svg_url: file(FigureFile::Svg),
        csv_url: file(FigureFile::Csv),
        option_url: file(FigureFile::Option),
        png_url: file(FigureFile::Image),
        zip_url: file(FigureFile::Bundle),
        bib_url: file(FigureFile::Bibtex),
        csl_url: file(FigureFile::CslJson),
        ris_url: file(FigureFile::Ris),
        embed_pinned: embed_snippet(
            &config.base_url,
            &urls::embed_version(&spec.id, shown.version),
            &spec.title,
            size.height,
        ),
        embed_latest: embed_snippet(
            &config.base_url,
            &urls::embed(&spec.id),
            &spec.title,
            size.height,
        ),
        option_json: chart::embeddable_json(option),
        description: figure.description(),
        width: chart::WIDTH,
        height: size.height,
        phone_height: size.phone_height,
        geo_url: (spec.kind == crate::figure::ChartType::Map)
            .then(|| format!("{base}{}", urls::geo())),
        table: TableView {
            columns: figure
                .table
                .columns
                .iter()
                .map(|c| (c.heading(), c.kind.is_numeric()))
                .collect(),
            rows: figure
                .table
                .rows
                .iter()
                .map(|row| {
                    row.iter()
                        .zip(&figure.table.columns)
                        // The unit is in the header; the cells are plain numbers.
                        .map(|(cell, column)| column.format_plain(cell))
                        .collect()
                })
                .collect(),
        },
        chapter_title: chapter.map(|p| p.meta.title.clone()).unwrap_or_default(),
        chapter_url: chapter
            .map(|p| format!("{base}{}", p.url_path()))
            .unwrap_or_default(),
    }
}

/// A figure version as cited: its permanent URL, version, data and checksum.
fn figure_ref<'a>(config: &Config, shown: &'a FigureVersion) -> crate::cite::FigureRef<'a> {
    let figure = &shown.figure;
    crate::cite::FigureRef::new(
        &config.base_url,
        &figure.spec.id,
        &figure.spec.title,
        shown.version,
        &shown.published,
        &figure.snapshot,
        &figure.sha256,
    )
}

/// The markup of a figure inside a chapter, through the same theme (and `site`) as every
/// page.
fn figure_fragment(
    theme: &SiteTheme,
    drawn: &Drawn<'_>,
    sources: &[String],
) -> Result<String, Diagnostic> {
    let mut view = drawn.view.clone();
    view.sources = sources.join("; ");
    view.sources_count = sources.len();
    theme.render_page("figure.html", &serde_json::json!({ "figure": view }))
}

/// Adds `/figures/` to `site`, and for each figure version its page (and the figure's
/// current page), its embed pages and its `option.json`; returns the faults, and what each
/// version's other files are made from ([`static_files`]), in the report's order.
/// Versions are rendered in parallel and added in order.
fn figure_pages<'a>(
    report: &'a Report,
    drawn: &'a [Drawn<'a>],
    theme: &SiteTheme,
    site: &mut FileMap,
) -> (Vec<Diagnostic>, Vec<StaticWork<'a>>) {
    use rayon::prelude::*;
    let mut errors = Vec::new();
    if report.figures.is_empty() {
        return (errors, Vec::new());
    }
    let outputs: Vec<VersionOutput<'a>> = drawn
        .par_iter()
        .map(|drawn| version_output(report, theme, drawn))
        .collect();
    let mut list = Vec::new();
    let mut withdrawn = Vec::new();
    let mut work = Vec::with_capacity(outputs.len());
    for (shown, output) in report.figures.iter().zip(outputs) {
        for (path, bytes) in output.files {
            site.add(path, bytes);
        }
        errors.extend(output.errors);
        work.push(output.work);
        let id = &shown.figure.spec.id;
        let latest_withdrawn = report.is_withdrawn(id) && shown.version == report.latest(id);
        match (shown.place.is_some(), latest_withdrawn) {
            (true, _) => list.push(output.view),
            (_, true) => withdrawn.push(output.view),
            _ => {}
        }
    }
    let page = serde_json::json!({
        "title": "Figures",
        "summary": "Every figure in this report, with its permanent address.",
        "url": format!("{}{}", report.config.base_path(), urls::figures()),
        "canonical": format!("{}{}", report.config.base_url, urls::figures()),
        "figures": list,
        "withdrawn": withdrawn,
    });
    match theme.render_page("figures.html", &page) {
        Ok(html) => site.add(urls::index(urls::figures()), html),
        Err(e) => errors.push(e),
    }
    (errors, work)
}

/// One figure version's pages and `option.json`, and what its other files are made from.
struct VersionOutput<'a> {
    files: Vec<(String, Vec<u8>)>,
    errors: Vec<Diagnostic>,
    view: FigureView,
    work: StaticWork<'a>,
}

/// What one figure version's files but its pages are made from: its chart drawn without a
/// browser (the SVG, the preview card and the 2× PNG), its data and citations, and the
/// bundle that holds them with its README and metadata.
struct StaticWork<'a> {
    drawn: &'a Drawn<'a>,
    card: chart::preview::Card,
    readme: String,
    csv: Vec<u8>,
    metadata: String,
    citations: [(FigureFile, Vec<u8>); 3],
}

fn version_output<'a>(
    report: &Report,
    theme: &SiteTheme,
    drawn: &'a Drawn<'a>,
) -> VersionOutput<'a> {
    let Drawn { shown, option, .. } = drawn;
    let sources = figure_sources(report, &shown.figure);
    let mut view = drawn.view.clone();
    view.sources = sources.citations.join("; ");
    view.sources_count = sources.citations.len();
    let id = &shown.figure.spec.id;
    let file = |name| urls::figure_file(id, shown.version, name);
    let mut files = Vec::new();
    let mut errors = Vec::new();
    // A version's card is pinned like the version: it names the version and the date it was
    // first published, never the figure's number, which changes when the prose reorders.
    let card = chart::preview::Card {
        label: format!("Version {}, published {}", shown.version, shown.published),
        title: shown.figure.spec.title.clone(),
        source: match sources.citation_texts.len() {
            0 if shown.figure.source.is_empty() => String::new(),
            0 => format!("Source: {}", shown.figure.source),
            1 => format!("Source: {}", sources.citation_texts[0]),
            _ => format!("Sources: {}", sources.citation_texts.join("; ")),
        },
        report: report.config.title.clone(),
    };
    let cited = figure_ref(&report.config, shown);
    let citations = [
        (FigureFile::Bibtex, crate::cite::Format::Bibtex),
        (FigureFile::CslJson, crate::cite::Format::CslJson),
        (FigureFile::Ris, crate::cite::Format::Ris),
    ]
    .map(|(name, format)| {
        (
            name,
            crate::cite::figure(&report.config, &cited, format).into_bytes(),
        )
    });
    let work = StaticWork {
        drawn,
        card,
        readme: bundle_readme(report, shown, &view, &sources),
        csv: shown.figure.table.to_csv(),
        metadata: bundle_metadata(report, shown, &sources),
        citations,
    };
    files.push((
        file(FigureFile::Option),
        (serde_json::to_string_pretty(option).expect("JSON serialises") + "\n").into(),
    ));
    let title = match shown.place {
        Some(place) => format!("Figure {}: {}", place.number, shown.figure.spec.title),
        None => format!("Figure: {}", shown.figure.spec.title),
    };
    let mut pages = vec![(
        urls::index(&urls::figure_version(id, shown.version)),
        &view.permalink,
    )];
    let mut embeds = vec![urls::index(&urls::embed_version(id, shown.version))];
    if shown.version == report.latest(id) {
        pages.push((urls::index(&urls::figure(id)), &view.current_url));
        embeds.push(urls::index(&urls::embed(id)));
    }
    // In an embed, the sources link to their entries on the figure's page.
    let mut embedded = serde_json::to_value(&view).expect("views serialise");
    embedded["sources"] = view
        .sources
        .replace(
            "href=\"#ref-",
            &format!("target=\"_top\" href=\"{}#ref-", view.canonical),
        )
        .into();
    // The version's embed and, for the latest version, the figure's are the same page.
    let page = serde_json::json!({
        "title": shown.figure.spec.title,
        "canonical": view.canonical,
        "figure": &embedded,
    });
    match theme.render_page("embed.html", &page) {
        Ok(html) => files.extend(
            embeds
                .into_iter()
                .map(|path| (path, html.clone().into_bytes())),
        ),
        Err(e) => errors.push(e),
    }
    for (path, url) in pages {
        let page = serde_json::json!({
            "title": title,
            "summary": format!("{} (version {}), from {}.", shown.figure.spec.title, shown.version, shown.figure.snapshot),
            "url": url,
            "canonical": view.canonical,
            "charts": true,
            "image": preview_url(&report.config, shown),
            "figure": &view,
            "sources": (!sources.references.is_empty())
                .then(|| reference_list(&sources, "sources", "Sources")),
        });
        match theme.render_page("figure_page.html", &page) {
            Ok(html) => files.push((path, html.into_bytes())),
            Err(e) => errors.push(e),
        }
    }
    VersionOutput {
        files,
        errors,
        view,
        work,
    }
}

/// A figure version's files but its pages: its static SVG, preview card and 2× PNG (from
/// the render cache or drawn afresh), `data.csv`, its citation files, and its bundle
/// (`figure.zip`: everything to reuse and cite the version offline); with the faults, each
/// naming the chapter that shows the figure, or folio.lock.
fn static_files(
    report: &Report,
    cache: &RenderCache,
    work: StaticWork<'_>,
) -> (Vec<(String, Vec<u8>)>, Vec<Diagnostic>) {
    let Drawn { shown, option, .. } = work.drawn;
    let id = &shown.figure.spec.id;
    let file = |name| urls::figure_file(id, shown.version, name);
    let mut files = Vec::new();
    let mut errors = Vec::new();
    match static_chart(cache, option, chart::size(&shown.figure).height, &work.card) {
        Ok((svg, png, image)) => {
            let mut bundled: Vec<(&str, &[u8])> = vec![
                ("README.txt", work.readme.as_bytes()),
                ("data.csv", &work.csv),
                ("metadata.json", work.metadata.as_bytes()),
                ("figure.svg", svg.as_bytes()),
            ];
            for (name, bytes) in &work.citations {
                bundled.push((name.name(), bytes));
            }
            // Kept in the render cache: compressing it is most of what a figure costs
            // once its drawing is kept.
            let mut key: Vec<&[u8]> = vec![shown.published.as_bytes()];
            for (name, bytes) in &bundled {
                key.extend([name.as_bytes(), *bytes]);
            }
            match cache.kept("bundle", &key, || {
                crate::bundle::zip(&bundled, &shown.published)
            }) {
                Ok(zip) => files.push((file(FigureFile::Bundle), zip)),
                Err(e) => errors.push(Diagnostic::file("folio.lock", e)),
            }
            files.push((file(FigureFile::Svg), svg.into_bytes()));
            files.push((file(FigureFile::Png), png));
            files.push((file(FigureFile::Image), image));
        }
        Err(e) => {
            let where_ = report
                .page_of(shown)
                .map_or_else(|| "folio.lock".into(), |c| c.file.path.clone());
            errors.push(Diagnostic::file(
                where_,
                format!("cannot render figure {id:?} version {}: {e}", shown.version),
            ));
        }
    }
    files.push((file(FigureFile::Csv), work.csv));
    for (name, bytes) in work.citations {
        files.push((file(name), bytes));
    }
    (files, errors)
}

/// A figure's sources (`source_column`) as a page of their own cites them: one narrative
/// citation per key, and their reference list. Empty without a bibliography or sources.
fn figure_sources(report: &Report, figure: &crate::figure::Figure) -> crate::bib::PageReferences {
    match &report.bibliography {
        Some(bibliography) => {
            let citations = figure.source_citations(Some(bibliography), 0);
            if citations.is_empty() {
                crate::bib::PageReferences::default()
            } else {
                bibliography.render_page(&citations)
            }
        }
        None => crate::bib::PageReferences::default(),
    }
}

/// A figure's static SVG and its PNG preview (the chart on a card that names it), from the
/// render cache or made afresh.
fn static_chart(
    cache: &RenderCache,
    option: &serde_json::Value,
    height: u32,
    card: &chart::preview::Card,
) -> Result<crate::cache::Static, String> {
    let mut option = option.clone();
    // The static twin is shown on a light background, also in dark mode and print.
    option["backgroundColor"] = serde_json::json!("#ffffff");
    // Tooltips and the aria description draw nothing in an SVG file; leaving them out
    // saves ECharts' work on them.
    if let Some(option) = option.as_object_mut() {
        option.remove("tooltip");
        option.remove("aria");
    }
    let option = option.to_string();
    let key = serde_json::json!([
        chart::WIDTH,
        height,
        card.label,
        card.title,
        card.source,
        card.report,
        option
    ])
    .to_string();
    cache.static_chart(&key, || {
        let svg = chart::svg::render(&option, chart::WIDTH, height)?;
        let (png, image) = chart::preview::pngs(&svg, height, card)?;
        Ok((svg, png, image))
    })
}

fn latest_publication(lock: &Lock) -> String {
    let snapshots = lock.snapshot.iter().map(|s| s.published.as_str());
    let figures = lock
        .figure
        .iter()
        .flat_map(|f| f.version.iter().map(|v| v.published.as_str()));
    snapshots.chain(figures).max().unwrap_or("").to_string()
}

/// One entry of `/changes/`.
#[derive(Serialize)]
struct Change {
    kind: &'static str,
    title: String,
    url: String,
    detail: String,
    /// The entry's id on the changes page, for a report version (which has no page of its
    /// own): its address there is the entry's address.
    #[serde(skip_serializing_if = "Option::is_none")]
    anchor: Option<String>,
}

/// `/changes/`: every snapshot and figure version published, by date, newest first.
fn changes(report: &Report, base: &str) -> serde_json::Value {
    let mut by_date: std::collections::BTreeMap<&str, Vec<Change>> =
        std::collections::BTreeMap::new();
    // The report's own versions come first on their day, newest first.
    for release in report.config.release.iter().rev() {
        // The version is letters, digits, `.` and `-` (checked with folio.toml).
        let anchor = format!("report-{}", release.version);
        by_date.entry(&release.date.0).or_default().push(Change {
            kind: "report",
            title: format!("{}, version {}", report.config.title, release.version),
            url: format!("{base}{}#{anchor}", urls::changes()),
            detail: release.notes.clone(),
            anchor: Some(anchor),
        });
    }
    for s in &report.lock.snapshot {
        let meta = report.data.datasets.get(&s.dataset);
        let notes = meta
            .and_then(|d| d.meta.versions.get(&s.version))
            .map(|v| v.notes.clone())
            .unwrap_or_default();
        by_date.entry(&s.published).or_default().push(Change {
            kind: "data",
            title: format!(
                "{} ({}@{})",
                meta.map_or(s.dataset.as_str(), |d| d.meta.title.as_str()),
                s.dataset,
                s.version
            ),
            url: format!("{base}{}", urls::snapshot(&s.dataset, &s.version)),
            detail: if notes.is_empty() {
                format!("Snapshot published, SHA-256 {}.", s.sha256)
            } else {
                format!("Snapshot published, SHA-256 {}. {notes}", s.sha256)
            },
            anchor: None,
        });
    }
    for figure in &report.lock.figure {
        for (i, v) in figure.version.iter().enumerate() {
            let title = report
                .figures
                .iter()
                .find(|p| p.figure.spec.id == figure.id && p.version == v.number)
                .map_or(figure.id.clone(), |p| p.figure.spec.title.clone());
            let detail = match i.checked_sub(1) {
                Some(p) => format!("{}.", v.change_from(&figure.version[p])),
                None => format!("First published, from {}.", v.data),
            };
            by_date.entry(&v.published).or_default().push(Change {
                kind: "figure",
                title: format!("{title} (figure {}, version {})", figure.id, v.number),
                url: format!("{base}{}", urls::figure_version(&figure.id, v.number)),
                detail,
                anchor: None,
            });
        }
    }
    let days: Vec<serde_json::Value> = by_date
        .into_iter()
        .rev()
        .map(|(date, changes)| serde_json::json!({ "date": date, "changes": changes }))
        .collect();
    serde_json::json!({
        "title": "Changes",
        "summary": "Every version of the report, and every dataset version and figure version it has published, newest first.",
        "url": format!("{base}{}", urls::changes()),
        "canonical": format!("{}{}", report.config.base_url, urls::changes()),
        "days": days,
    })
}

/// `metadata.json` of a figure version's bundle: the dataset's metadata, the snapshot it
/// plots (version, SHA-256, retrieval date and notes) and the plotted columns as the figure
/// shows them.
fn bundle_metadata(
    report: &Report,
    shown: &FigureVersion,
    sources: &crate::bib::PageReferences,
) -> String {
    let figure = &shown.figure;
    let (dataset, version) = figure
        .snapshot
        .split_once('@')
        .unwrap_or((&figure.snapshot, ""));
    let meta = report.data.datasets.get(dataset).map(|d| &d.meta);
    let notes = meta.and_then(|m| m.versions.get(version));
    let extension = report
        .data
        .resolve(&figure.snapshot)
        .map_or("csv", |s| s.extension());
    let columns: serde_json::Value =
        serde_json::from_str(&crate::figure::columns(figure)).unwrap_or_default();
    let value = serde_json::json!({
        "figure": {
            "id": figure.spec.id,
            "title": figure.spec.title,
            "version": shown.version,
            "published": shown.published,
            "url": format!("{}{}", report.config.base_url, urls::figure_version(&figure.spec.id, shown.version)),
        },
        "dataset": {
            "name": dataset,
            "title": meta.map(|m| m.title.as_str()),
            "description": meta.map(|m| m.description.as_str()),
            "source": meta.map(|m| m.source.as_str()),
            "source_url": meta.map(|m| m.source_url.as_str()),
            "license": meta.map(|m| m.license.as_str()),
            "url": format!("{}{}", report.config.base_url, urls::dataset(dataset)),
        },
        "snapshot": {
            "version": version,
            "sha256": figure.sha256,
            "retrieved": notes.and_then(|n| n.retrieved.as_ref()).map(|d| d.0.as_str()),
            "notes": notes.map(|n| n.notes.as_str()),
            "url": format!("{}{}", report.config.base_url, urls::snapshot_file(dataset, version, extension)),
        },
        "columns": columns,
    });
    let mut value = value;
    if !sources.references.is_empty() {
        value["sources"] = sources
            .references
            .iter()
            .zip(&sources.reference_texts)
            .map(|((key, _), text)| serde_json::json!({ "key": key, "reference": text }))
            .collect();
    }
    serde_json::to_string_pretty(&value).expect("JSON serialises") + "\n"
}

/// `README.txt` of a figure version's bundle: what the files are, where the data comes
/// from, its licence, the version and the snapshot's checksum.
fn bundle_readme(
    report: &Report,
    shown: &FigureVersion,
    view: &FigureView,
    sources: &crate::bib::PageReferences,
) -> String {
    let figure = &shown.figure;
    let license = figure
        .snapshot
        .split_once('@')
        .and_then(|(dataset, _)| report.data.datasets.get(dataset))
        .map(|d| d.meta.license.clone())
        .filter(|l| !l.is_empty())
        .unwrap_or_else(|| "not stated by the dataset".to_string());
    let source = if !sources.reference_texts.is_empty() {
        let mut list = String::from("Sources of the plotted rows:");
        for text in &sources.reference_texts {
            list.push_str(&format!("\n- {text}"));
        }
        list
    } else if figure.source_url.is_empty() {
        format!("Source: {}", figure.source)
    } else {
        format!("Source: {} <{}>", figure.source, figure.source_url)
    };
    format!(
        "{title}\n\
         Figure {id}, version {version}, published {published}, in {report} (version {report_version}).\n\
         Permanent address: {url}\n\
         \n\
         {source}\n\
         Data: {snapshot}, SHA-256 {sha256}\n\
         Licence of the data: {license}\n\
         \n\
         Files:\n\
         - data.csv: exactly the rows and columns the figure plots\n\
         - metadata.json: the dataset, the snapshot and the plotted columns\n\
         - figure.svg: the chart as a static image\n\
         - citation.bib, citation.json, citation.ris: this version's citation as BibTeX, CSL-JSON and RIS\n\
         \n\
         Cite it as:\n{apa}\n",
        title = figure.spec.title,
        id = figure.spec.id,
        version = shown.version,
        published = shown.published,
        report = report.config.title,
        report_version = report.config.version,
        url = view.canonical,
        snapshot = figure.snapshot,
        sha256 = figure.sha256,
        apa = view.citation.apa,
    )
}

/// `/citation.ris`: the report, then every figure version by id and version, as RIS.
fn citation_ris(report: &Report) -> String {
    let mut ris = crate::cite::report_ris(&report.config, &latest_publication(&report.lock));
    let mut cited: Vec<&FigureVersion> = report.figures.iter().collect();
    cited.sort_by(|a, b| (&a.figure.spec.id, a.version).cmp(&(&b.figure.spec.id, b.version)));
    for shown in cited {
        ris.push_str(&crate::cite::ris(
            &report.config,
            &figure_ref(&report.config, shown),
        ));
    }
    ris
}

/// `/citation.bib`: the report, then every figure version by id and version.
fn citation_bib(report: &Report) -> String {
    let mut bib = crate::cite::report_bibtex(&report.config, &latest_publication(&report.lock));
    let mut cited: Vec<&FigureVersion> = report.figures.iter().collect();
    cited.sort_by(|a, b| (&a.figure.spec.id, a.version).cmp(&(&b.figure.spec.id, b.version)));
    for shown in cited {
        bib.push('\n');
        bib.push_str(&crate::cite::bibtex(
            &report.config,
            &figure_ref(&report.config, shown),
        ));
    }
    bib
}

/// The absolute address of a figure version's PNG preview.
fn preview_url(config: &Config, shown: &FigureVersion) -> String {
    format!(
        "{}{}",
        config.base_url,
        urls::figure_file(&shown.figure.spec.id, shown.version, FigureFile::Png)
    )
}

/// schema.org `ScholarlyArticle` for the report, with its figures as parts.
fn report_jsonld(report: &Report) -> String {
    let config = &report.config;
    let published = latest_publication(&report.lock);
    let value = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "headline": config.title,
        "name": config.title,
        "description": config.description,
        "url": config.base_url,
        "version": config.version,
        "inLanguage": config.language,
        "license": config.license,
        "datePublished": published,
        "author": config.authors.iter().map(|a| serde_json::json!({ "@type": "Person", "name": a })).collect::<Vec<_>>(),
        "hasPart": report.current().map(|f| serde_json::json!({
            "@type": "ImageObject",
            "name": f.figure.spec.title,
            "url": format!("{}{}", config.base_url, urls::figure_version(&f.figure.spec.id, f.version)),
            "contentUrl": format!("{}{}", config.base_url, urls::figure_file(&f.figure.spec.id, f.version, FigureFile::Svg)),
        })).collect::<Vec<_>>(),
    });
    chart::embeddable_json(&value)
}

/// schema.org `Dataset` for one version of a dataset.
fn dataset_jsonld(report: &Report, dataset: &Dataset, snapshot: &Snapshot) -> String {
    let base = &report.config.base_url;
    let meta = &dataset.meta;
    let value = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": format!("{} ({})", meta.title, snapshot.version),
        "description": if meta.description.is_empty() { meta.title.clone() } else { meta.description.clone() },
        "url": format!("{base}{}", urls::snapshot(&dataset.name, &snapshot.version)),
        "version": snapshot.version,
        "license": meta.license,
        "isBasedOn": meta.source_url,
        "creditText": meta.source,
        "identifier": format!("sha256:{}", snapshot.sha256),
        "variableMeasured": snapshot.table.columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>(),
        "distribution": {
            "@type": "DataDownload",
            "encodingFormat": match snapshot.extension() {
                "parquet" => "application/vnd.apache.parquet",
                _ => "text/csv",
            },
            "contentUrl": format!("{base}{}", urls::snapshot_file(&dataset.name, &snapshot.version, snapshot.extension())),
            "contentSize": format!("{} B", snapshot.size),
        },
    });
    chart::embeddable_json(&value)
}

/// `/changes/atom.xml`: the changelog as an Atom feed, newest first. Entries are dated by
/// the day they were published (from `folio.lock`), so the feed only changes when
/// something new is published.
fn atom(report: &Report, changes: &serde_json::Value) -> String {
    use crate::html::escape;
    let config = &report.config;
    let absolute = |url: &str| {
        // Changes carry base-path URLs; make them absolute with the base URL's origin.
        let origin = config
            .base_url
            .strip_suffix(&config.base_path())
            .unwrap_or("");
        format!("{origin}{url}")
    };
    let changes_url = escape(&format!("{}{}", config.base_url, urls::changes()));
    let updated = latest_publication(&report.lock).max(
        report
            .config
            .release
            .iter()
            .map(|r| r.date.0.clone())
            .max()
            .unwrap_or_default(),
    );
    let updated = if updated.is_empty() {
        "1970-01-01".to_string()
    } else {
        updated
    };
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n  <title>{}: changes</title>\n  <id>{changes_url}</id>\n  <link rel=\"self\" href=\"{}\"/>\n  <link href=\"{changes_url}\"/>\n  <updated>{updated}T00:00:00Z</updated>\n",
        escape(&config.title),
        escape(&format!("{}{}", config.base_url, urls::feed())),
    );
    for author in &config.authors {
        xml.push_str(&format!(
            "  <author><name>{}</name></author>\n",
            escape(author)
        ));
    }
    if config.authors.is_empty() {
        xml.push_str(&format!(
            "  <author><name>{}</name></author>\n",
            escape(&config.title)
        ));
    }
    for day in changes["days"].as_array().into_iter().flatten() {
        let date = day["date"].as_str().unwrap_or("1970-01-01");
        for change in day["changes"].as_array().into_iter().flatten() {
            let url = absolute(change["url"].as_str().unwrap_or(""));
            xml.push_str(&format!(
                "  <entry>\n    <title>{}</title>\n    <id>{}</id>\n    <link href=\"{}\"/>\n    <updated>{date}T00:00:00Z</updated>\n    <summary>{}</summary>\n  </entry>\n",
                escape(change["title"].as_str().unwrap_or("")),
                escape(&url),
                escape(&url),
                escape(change["detail"].as_str().unwrap_or("")),
            ));
        }
    }
    xml.push_str("</feed>\n");
    xml
}

#[cfg(test)]
mod tests {
    #[test]
    fn claim_values_read_as_numbers_do_with_every_digit_kept() {
        assert_eq!(
            super::readable_values(
                "releases = 153600000; share = 65.3846153846154; first_year = 2023; period = 2025; \
                 days = -1; loss = -589000; leader = Qwen3; date = 2025-11-06; nothing = NULL; \
                 code = 00123; big = 1e9; params = 1000"
            ),
            "releases = 153,600,000; share = 65.3846153846154; first_year = 2023; period = 2025; \
             days = -1; loss = -589,000; leader = Qwen3; date = 2025-11-06; nothing = NULL; \
             code = 00123; big = 1e9; params = 1000"
        );
        assert_eq!(super::readable_values(""), "");
    }

    #[test]
    fn print_links_lead_where_the_page_s_links_did() {
        let page = concat!(
            r##"<p><a href="#intro">a</a> <img src="chart.svg"> <a href="#fig-x">b</a> "##,
            r##"<a href="../data/?q=1#top">c</a> <img src="/assets/i.png"> <a href="#ref-k">d</a> "##,
            r##"<a href="https://example.org/x">e</a> <a href="#fn-p2-1">f</a> <a href="">g</a> "##,
            r##"<img src="sub/p.png"><a href="#end">h</a></p><a href="open"##,
        );
        assert_eq!(
            super::print_links(page, "/book/ch/", "p2-"),
            concat!(
                r##"<p><a href="#p2-intro">a</a> <img src="/book/ch/chart.svg"> <a href="#fig-x">b</a> "##,
                r##"<a href="/book/data/?q=1#top">c</a> <img src="/assets/i.png"> <a href="#ref-k">d</a> "##,
                r##"<a href="https://example.org/x">e</a> <a href="#fn-p2-1">f</a> <a href="">g</a> "##,
                r##"<img src="/book/ch/sub/p.png"><a href="#p2-end">h</a></p><a href="/book/ch/open"##,
            )
        );
        // Many links, one kind of attribute only: each is rewritten, in order.
        let many: String = (0..2000)
            .map(|i| format!("<a href=\"#h{i}\">{i}</a>"))
            .collect();
        let expected: String = (0..2000)
            .map(|i| format!("<a href=\"#p0-h{i}\">{i}</a>"))
            .collect();
        assert_eq!(super::print_links(&many, "/", "p0-"), expected);
    }
}
