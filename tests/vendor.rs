//! The ECharts script folio serves and renders with (`vendor/echarts/echarts.min.js`) and the
//! world geometry of its maps (`vendor/geo/world-110m.json`) are committed, so that `cargo
//! build` needs no network; this checks that each is exactly what its `build.mjs` builds from
//! the locked npm packages. `tests/run` installs those packages.

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

#[test]
fn committed_world_geometry_is_what_its_sources_build() {
    let vendor = repo().join("vendor/geo");
    assert!(
        vendor.join("node_modules/world-atlas").exists(),
        "vendor/geo/node_modules is missing: run tests/run, which installs it (npm ci)"
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
