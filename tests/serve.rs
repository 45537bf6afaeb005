//! `folio serve` as an author uses it: a real HTTP client on a free port, a real edit.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{copy_tree, repo};

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A GET request; returns (status, body).
fn get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).ok()?;
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text.split_whitespace().nth(1)?.parse().ok()?;
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Some((status, body))
}

fn status(port: u16) -> serde_json::Value {
    let (_, body) = get(port, "/__folio/status").expect("the server answers");
    serde_json::from_str(&body).expect("status is JSON")
}

fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn serve_answers_reflects_an_edit_and_shows_errors_in_place() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("tests/sites/basic"), dir.path());
    let port = free_port();
    let _server = Server(
        Command::new(env!("CARGO_BIN_EXE_folio"))
            .args(["serve", "--port", &port.to_string(), "--root"])
            .arg(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_for("the server", || get(port, "/__folio/status").is_some());

    let (code, page) = get(port, "/first/").unwrap();
    assert_eq!(code, 200);
    assert!(page.contains("<h1>First chapter</h1>"));
    assert!(page.contains("<script src=\"/__folio/live.js\"></script>\n</body>"));
    assert!(
        page.contains("href=\"/custom-slug/\""),
        "links are served from /"
    );
    assert_eq!(get(port, "/no-such-page/").unwrap().0, 404);
    // The search bundle follows the build it indexes.
    let entry = || get(port, "/pagefind/pagefind-entry.json").filter(|(code, _)| *code == 200);
    wait_for("the search bundle", || entry().is_some());
    assert_eq!(get(port, "/pagefind/pagefind.js").unwrap().0, 200);
    let indexed = entry().unwrap().1;

    // An edit is rebuilt and served.
    let chapter = dir.path().join("content/01-first.md");
    let original = std::fs::read_to_string(&chapter).unwrap();
    let build = status(port)["build"].as_u64().unwrap();
    std::fs::write(
        &chapter,
        original.replace("Intro paragraph", "Edited paragraph"),
    )
    .unwrap();
    wait_for("the rebuild", || {
        status(port)["build"].as_u64().unwrap() > build
    });
    wait_for("the edit", || {
        get(port, "/first/").unwrap().1.contains("Edited paragraph")
    });
    wait_for("the edit's search index", || {
        entry().is_some_and(|(_, now)| now != indexed)
    });

    // A mistake is shown, and the last good site keeps being served.
    std::fs::write(&chapter, original.replace("weight = 1", "wieght = 1")).unwrap();
    wait_for("the error", || !status(port)["errors"].is_null());
    let errors = status(port)["errors"].as_str().unwrap().to_string();
    assert!(
        errors.contains("unknown field `wieght`") && errors.contains("content/01-first.md:4:1"),
        "{errors}"
    );
    assert!(get(port, "/first/").unwrap().1.contains("Edited paragraph"));

    // Fixing it clears the error.
    std::fs::write(&chapter, &original).unwrap();
    wait_for("the fix", || status(port)["errors"].is_null());
    assert!(get(port, "/first/").unwrap().1.contains("Intro paragraph"));
}
