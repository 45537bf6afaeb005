//! Finds the ECharts script that the `charming` crate ships (`src/asset/echarts-*.min.js`),
//! so that `cargo build` alone produces a `folio` that serves ECharts from the site itself
//! and renders static SVGs with it. The script is not committed to this repository.

use std::path::PathBuf;
use std::process::Command;

const ECHARTS: &str = "echarts-5.5.1.min.js";

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=Cargo.lock");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("Cargo.toml");
    // Only the target's dependencies: those are the ones `cargo build` has downloaded, and
    // `--offline` must not ask for crates of other platforms.
    let target = std::env::var("TARGET").expect("cargo sets TARGET for build scripts");
    let output = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--offline"])
        .args(["--filter-platform", &target, "--manifest-path"])
        .arg(&manifest)
        .output()
        .expect("build.rs runs `cargo metadata` to find the charming crate");
    assert!(
        output.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("cargo metadata prints JSON");
    let charming = metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["name"] == "charming")
        .and_then(|p| p["manifest_path"].as_str())
        .map(PathBuf::from)
        .expect("charming is a dependency of folio");
    let script = charming.parent().unwrap().join("src/asset").join(ECHARTS);
    assert!(
        script.is_file(),
        "{} is missing from the charming crate",
        script.display()
    );
    println!("cargo::rustc-env=FOLIO_ECHARTS_JS={}", script.display());
    println!("cargo::rustc-env=FOLIO_ECHARTS_FILE={ECHARTS}");
}
