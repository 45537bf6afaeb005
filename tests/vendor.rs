//! The ECharts script folio serves and renders with (`vendor/echarts/echarts.min.js`) is
//! committed, so that `cargo build` needs no network; this checks that it is exactly what
//! `vendor/echarts/build.mjs` builds from `entry.js` and the locked npm packages.
//! `tests/run` installs those packages.

mod common;

use std::process::Command;

use common::repo;

#[test]
fn committed_echarts_is_what_its_sources_build() {
    let vendor = repo().join("vendor/echarts");
    assert!(
        vendor.join("node_modules/echarts").exists()
            && vendor.join("node_modules/esbuild").exists(),
        "vendor/echarts/node_modules is missing: run tests/run, which installs it (npm ci)"
    );
    let output = Command::new("node")
        .arg("build.mjs")
        .arg("--check")
        .current_dir(&vendor)
        .output()
        .expect("node runs (tests/run installs it)");
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
