//! Search: a Pagefind index of the report's chapters, current figure pages and dataset
//! pages, built at build time with Pagefind's Rust crate as a library (no network, no
//! Node), and served with Pagefind's own search UI from `pagefind/` in the site.
//!
//! In: the pages to index, each its address below the site root (`/downloads/`; Pagefind's
//! script puts the base path in front, from where the bundle is served) and its HTML; a page's `data-pagefind-body` element is what gets indexed, and
//! `data-pagefind-ignore` leaves parts out (a figure page's citations and snippets). Out:
//! the bundle's files, by path below the site root (`pagefind/pagefind.js`, the UI, the
//! WebAssembly and the index chunks). Pages are added in the order given (the site's path
//! order), and Pagefind names its files by their contents' hashes and writes gzip headers
//! without a time, so the same pages give the same bytes.

use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;

use crate::cache::{RenderCache, pack, unpack};

/// Where the bundle sits in the site.
pub const BUNDLE: &str = "pagefind/";

/// The bundle for `pages` (address, HTML), or what Pagefind reported; kept in `cache`, so
/// that a build whose indexed pages did not change indexes nothing.
pub fn index(
    pages: &[(String, &str)],
    cache: &RenderCache,
) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut key: Vec<&[u8]> = Vec::new();
    for (url, html) in pages {
        key.push(url.as_bytes());
        key.push(html.as_bytes());
    }
    let kept = cache.kept("search", &key, || {
        let files = make(pages)?;
        let parts: Vec<&[u8]> = files
            .iter()
            .flat_map(|(path, bytes)| [path.as_bytes(), bytes.as_slice()])
            .collect();
        Ok::<_, String>(pack(&parts))
    })?;
    let parts = unpack(&kept).filter(|p| p.len() % 2 == 0);
    // A kept bundle names its files: only files of the bundle are taken from it.
    let files: Option<Vec<(String, Vec<u8>)>> = parts.and_then(|parts| {
        let mut parts = parts.into_iter();
        let mut files = Vec::with_capacity(parts.len() / 2);
        while let (Some(path), Some(bytes)) = (parts.next(), parts.next()) {
            let path = String::from_utf8(path).ok()?;
            let inside = path.starts_with(BUNDLE)
                && !path.split('/').any(|part| part.is_empty() || part == "..");
            files.push(inside.then_some((path, bytes))?);
        }
        Some(files)
    });
    match files {
        Some(files) => Ok(files),
        None => make(pages),
    }
}

/// The bundle for `pages`, made by Pagefind.
fn make(pages: &[(String, &str)]) -> Result<Vec<(String, Vec<u8>)>, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the search indexer: {e}"))?;
    runtime.block_on(async {
        let config = PagefindServiceConfig::builder()
            .force_language("en".to_string())
            .keep_index_url(false)
            .write_playground(false)
            .build();
        let mut index = PagefindIndex::new(Some(config))
            .map_err(|e| format!("cannot start the search indexer: {e}"))?;
        for (url, html) in pages {
            index
                .add_html_file(None, Some(url.clone()), html.to_string())
                .await
                .map_err(|e| format!("cannot index {url} for search: {e}"))?;
        }
        let files = index
            .get_files()
            .await
            .map_err(|e| format!("cannot build the search index: {e}"))?;
        // The default UI is what the site uses; the component and modular UIs and the
        // highlighter are left out.
        let unused = [
            "pagefind-component-ui.",
            "pagefind-modular-ui.",
            "pagefind-highlight.js",
        ];
        let mut out: Vec<(String, Vec<u8>)> = files
            .into_iter()
            .filter(|f| {
                let name = f.filename.to_string_lossy();
                !unused.iter().any(|u| name.starts_with(u))
            })
            .map(|f| {
                let name: Vec<String> = f
                    .filename
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                (format!("{BUNDLE}{}", name.join("/")), f.contents)
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out)
    })
}
