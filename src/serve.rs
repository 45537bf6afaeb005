//! `folio serve`: the dev server, with live reload.
//!
//! In: the project root and a port. Out: the site served from memory on `127.0.0.1`, at
//! `/`, rebuilt whenever something under `content/`, `data/`, `templates/` or `folio.toml`
//! changes, and the open pages reloaded.
//!
//! Steps: build once; serve the in-memory site (HTML pages get a small script that asks
//! `/__folio/status` for the build number and reloads when it changes); watch the project
//! and rebuild on change. A build with errors keeps the last good site and its diagnostics
//! are shown in an overlay until a build succeeds. Nothing is written to disk: not the
//! site, not `folio.lock`.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use notify::Watcher;

use crate::error::Error;
use crate::output::{Content, FileMap};

/// What the server shows: the last good site, the build number, and the last errors.
struct State {
    site: Arc<FileMap>,
    /// The search bundle (`pagefind/`), made after the build it indexes is served: until
    /// then, the previous build's.
    search: Arc<FileMap>,
    build: u64,
    errors: Option<String>,
}

const LIVE_JS: &str = r#"(function () {
  "use strict";
  var seen = null;
  var overlay = null;
  function show(errors) {
    if (!errors) {
      if (overlay) { overlay.remove(); overlay = null; }
      return;
    }
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "folio-errors";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,20,24,.94);color:#ffb4a9;font:14px/1.45 ui-monospace,monospace;padding:2rem;white-space:pre-wrap";
      document.body.appendChild(overlay);
    }
    overlay.textContent = errors;
  }
  // A new build replaces the page's <main> in place and redraws its charts, which is much
  // faster than reloading the page (and ECharts with it); anything else reloads.
  function refresh() {
    return fetch(location.href, { cache: "no-store" }).then(function (r) { return r.text(); }).then(function (html) {
      var next = new DOMParser().parseFromString(html, "text/html");
      var main = document.querySelector("main");
      var fresh = next.querySelector("main");
      if (!main || !fresh || next.title !== document.title || !window.folioDrawCharts) { location.reload(); return; }
      main.innerHTML = fresh.innerHTML;
      window.folioDrawCharts();
    });
  }
  function poll() {
    fetch("/__folio/status", { cache: "no-store" }).then(function (r) { return r.json(); }).then(function (s) {
      var changed = seen !== null && s.build !== seen && !s.errors;
      seen = s.build;
      show(s.errors);
      if (changed) return refresh();
    }).catch(function () {}).then(function () { setTimeout(poll, 50); });
  }
  poll();
})();
"#;

/// Serves the project at `root` on `127.0.0.1:port` until the process is stopped; with
/// `cache`, rendered figures come from and go to the same render cache as `folio build`.
pub fn serve(root: &Path, port: u16, cache: bool) -> Result<(), Error> {
    let base_url = format!("http://127.0.0.1:{port}/");
    let mut options = crate::Options {
        root: root.to_path_buf(),
        out: None,
        base_url: Some(base_url.clone()),
        locked: false,
        progress: false,
        cache,
        // Indexing takes longer than the rest of a rebuild: each build is served first, and
        // its search bundle follows on another thread (`index_later`).
        search: false,
        // The dev server writes nothing, the lock included: the date only names what a
        // build would publish.
        today: crate::lock::today().map_err(Error::Usage)?,
    };
    let first = crate::render_site(&options);
    let state = Arc::new(RwLock::new(State {
        site: Arc::new(FileMap::default()),
        search: Arc::new(FileMap::default()),
        build: 0,
        errors: None,
    }));
    let render_cache = crate::render_cache(&options);
    apply(&state, first);
    index_later(&state, &render_cache);
    let server = tiny_http::Server::http(("127.0.0.1", port))
        .map_err(|e| Error::Usage(format!("cannot listen on 127.0.0.1:{port}: {e}")))?;
    println!("serving {} at {base_url} (Ctrl-C stops)", root.display());

    let (events, changes) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        // Reading the files during a build is an event too; only changes count.
        if let Ok(event) = event
            && (event.kind.is_create() || event.kind.is_modify() || event.kind.is_remove())
        {
            let _ = events.send(event.paths);
        }
    })
    .map_err(|e| Error::Usage(format!("cannot watch {}: {e}", root.display())))?;
    for watched in ["content", "data", "templates", "folio.toml"] {
        let path = root.join(watched);
        if path.exists() {
            watcher
                .watch(&path, notify::RecursiveMode::Recursive)
                .map_err(|e| Error::Usage(format!("cannot watch {}: {e}", path.display())))?;
        }
    }
    let rebuilding = Arc::clone(&state);
    std::thread::spawn(move || {
        // Keep the watcher alive as long as this thread.
        let _watcher = watcher;
        while let Ok(paths) = changes.recv() {
            let mut changed: Vec<PathBuf> = paths;
            // An editor's save is several events; take them all before rebuilding.
            while let Ok(more) = changes.recv_timeout(Duration::from_millis(5)) {
                changed.extend(more);
            }
            if changed.iter().all(|p| is_noise(p)) {
                continue;
            }
            let started = Instant::now();
            // A server left running past midnight names tomorrow's publications by
            // tomorrow's date.
            if let Ok(today) = crate::lock::today() {
                options.today = today;
            }
            let result = crate::render_site(&options);
            let ok = result.is_ok();
            apply(&rebuilding, result);
            println!(
                "rebuilt in {} ms{}",
                started.elapsed().as_millis(),
                if ok { "" } else { " with errors" }
            );
            index_later(&rebuilding, &render_cache);
        }
    });

    let server = Arc::new(server);
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let server = Arc::clone(&server);
            let state = Arc::clone(&state);
            std::thread::spawn(move || {
                for request in server.incoming_requests() {
                    let _ = respond(request, &state);
                }
            })
        })
        .collect();
    for worker in workers {
        let _ = worker.join();
    }
    Ok(())
}

/// Indexes the site `state` serves for search on another thread, and serves the bundle
/// once it is made, unless a newer build came first (its own indexing will follow).
/// Failing to index is reported and leaves the previous bundle served.
fn index_later(state: &Arc<RwLock<State>>, cache: &crate::cache::RenderCache) {
    let Ok(current) = state.read() else { return };
    let (site, build) = (Arc::clone(&current.site), current.build);
    drop(current);
    let state = Arc::clone(state);
    let cache = cache.clone();
    std::thread::spawn(move || {
        let search = match crate::render::search_bundle(&site, &cache) {
            Ok(bundle) => bundle,
            Err(e) => {
                eprintln!("error: cannot index the site for search: {e}");
                return;
            }
        };
        if let Ok(mut state) = state.write()
            && state.build == build
        {
            state.search = Arc::new(search);
        }
    });
}

/// Editor swap files and the like.
fn is_noise(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    name.starts_with('.') || name.ends_with('~') || name.ends_with(".swp") || name.ends_with(".tmp")
}

fn apply(state: &RwLock<State>, result: Result<crate::Built, Error>) {
    let Ok(mut state) = state.write() else { return };
    state.build += 1;
    match result {
        Ok(built) => {
            state.site = Arc::new(built.site);
            state.errors = None;
        }
        Err(Error::Content(diagnostics)) => {
            let text: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
            eprint!("{}", text.join("\n"));
            state.errors = Some(text.join("\n"));
        }
        Err(other) => {
            eprintln!("error: {other}");
            state.errors = Some(format!("error: {other}"));
        }
    }
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "csv" => "text/csv; charset=utf-8",
        "xml" => "application/xml",
        "bib" => "text/plain; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        // RIS as reference managers register it (Zotero, EndNote), and as GitHub Pages
        // serves it.
        "ris" => "application/x-research-info-systems",
        "parquet" => "application/vnd.apache.parquet",
        "sql" => "application/sql",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

fn respond(request: tiny_http::Request, state: &RwLock<State>) -> std::io::Result<()> {
    let url = request
        .url()
        .split(['?', '#'])
        .next()
        .unwrap_or("/")
        .to_string();
    let header = |value: &str| {
        tiny_http::Header::from_bytes(&b"Content-Type"[..], value.as_bytes()).expect("valid header")
    };
    if url == "/__folio/live.js" {
        return request.respond(
            tiny_http::Response::from_string(LIVE_JS).with_header(header(content_type(".js"))),
        );
    }
    let (site, search, build, errors) = match state.read() {
        Ok(s) => (
            Arc::clone(&s.site),
            Arc::clone(&s.search),
            s.build,
            s.errors.clone(),
        ),
        Err(_) => return request.respond(tiny_http::Response::empty(500)),
    };
    let site = match url.starts_with(&format!("/{}", crate::search::BUNDLE)) {
        true => search,
        false => site,
    };
    if url == "/__folio/status" {
        let body = serde_json::json!({ "build": build, "errors": errors }).to_string();
        return request.respond(
            tiny_http::Response::from_string(body).with_header(header(content_type(".json"))),
        );
    }
    let found = site
        .lookup(&url)
        .and_then(|name| site.files.get(name).map(|c| (name.to_string(), c)));
    let (status, name, content) = match found {
        Some((name, content)) => (200, name, Some(content)),
        None => (404, "404.html".to_string(), site.files.get("404.html")),
    };
    let mut bytes = match content {
        Some(Content::Bytes(bytes)) => bytes.clone(),
        Some(Content::Copy(source)) => std::fs::read(source).unwrap_or_default(),
        None => b"not found".to_vec(),
    };
    if name.ends_with(".html") {
        bytes = inject_live_reload(bytes);
    }
    request.respond(
        tiny_http::Response::from_data(bytes)
            .with_status_code(status)
            .with_header(header(content_type(&name))),
    )
}

/// Adds the live-reload script before `</body>` of a page folio rendered.
fn inject_live_reload(html: Vec<u8>) -> Vec<u8> {
    let tag = b"<script src=\"/__folio/live.js\"></script>\n";
    let at = html
        .windows(7)
        .rposition(|w| w == b"</body>")
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag);
    out.extend_from_slice(&html[at..]);
    out
}
