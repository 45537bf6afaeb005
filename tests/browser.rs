//! The report and a fixture site in a real browser (headless Chromium), with axe-core and
//! the Nu HTML Checker: `tests/browser/run.mjs` does the checking; this test builds what it
//! checks and runs it. `tests/run` installs what it needs (Debian's chromium, Java, and the
//! npm packages of `tests/browser/package.json`).

mod common;

use std::process::Command;

use common::{folio, repo, stderr};

#[test]
fn pages_load_draw_validate_and_pass_axe_in_chromium() {
    let browser = repo().join("tests/browser");
    let missing: Vec<&str> = [
        (
            "chromium",
            std::path::Path::new("/usr/bin/chromium").exists(),
        ),
        (
            "java",
            Command::new("java").arg("-version").output().is_ok(),
        ),
        (
            "node",
            Command::new("node").arg("--version").output().is_ok(),
        ),
        (
            "tests/browser/node_modules",
            browser.join("node_modules/playwright-core").exists(),
        ),
    ]
    .into_iter()
    .filter(|(_, present)| !present)
    .map(|(name, _)| name)
    .collect();
    assert!(
        missing.is_empty(),
        "the browser tests need {}: run tests/run, which installs them",
        missing.join(", ")
    );

    // The committed report (equal to a fresh build, as tests/cli.rs checks), served under
    // its sub-path, and a fixture with every chart type under another.
    let fixture = tempfile::tempdir().unwrap();
    let out = fixture.path().join("charts");
    let built = folio(
        &repo().join("tests/sites/charts"),
        &[
            "build",
            "--locked",
            "--no-cache",
            "--out",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert!(built.status.success(), "{}", stderr(&built));
    // Timelines, small multiples and maps.
    let forms = fixture.path().join("chart-forms");
    let built = folio(
        &repo().join("tests/sites/chart-forms"),
        &[
            "build",
            "--locked",
            "--no-cache",
            "--out",
            forms.to_str().unwrap(),
        ],
        &[],
    );
    assert!(built.status.success(), "{}", stderr(&built));
    let report_prefix = folio::config::base_path(
        &folio::config::Config::parse(
            std::path::Path::new("folio.toml"),
            &std::fs::read_to_string(repo().join("folio.toml")).unwrap(),
        )
        .unwrap()
        .base_url,
    );
    let artifacts = repo().join("target/browser-artifacts");
    let output = Command::new("node")
        .current_dir(&browser)
        .arg("run.mjs")
        .args([
            "--site",
            &format!("{report_prefix}={}", repo().join("public").display()),
        ])
        .args(["--site", &format!("/charts/={}", out.display())])
        .args(["--site", &format!("/chart-forms/={}", forms.display())])
        .args(["--artifacts", artifacts.to_str().unwrap()])
        .output()
        .expect("node runs");
    let report = String::from_utf8_lossy(&output.stdout);
    println!("{report}");
    assert!(
        output.status.success(),
        "browser checks failed:\n{report}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(report.contains(" passed, 0 failed"));
}
