//! The GitHub workflows: valid YAML that builds with --locked and deploys public/; content-only
//! pushes skip compiling folio; releases carry every platform's binary with checksums.

use yaml_rust2::{Yaml, YamlLoader};

fn load(path: &str) -> Yaml {
    let text = std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    YamlLoader::load_from_str(&text)
        .unwrap_or_else(|e| panic!("{path} is not valid YAML: {e}"))
        .remove(0)
}

fn runs(steps: &[Yaml]) -> Vec<&str> {
    steps.iter().filter_map(|s| s["run"].as_str()).collect()
}

/// Checks what every Pages workflow must do, and returns the build job's steps.
fn deploys_public(workflow: &Yaml) -> &[Yaml] {
    assert_eq!(workflow["permissions"]["pages"].as_str(), Some("write"));
    assert_eq!(workflow["permissions"]["id-token"].as_str(), Some("write"));
    let steps = workflow["jobs"]["build"]["steps"]
        .as_vec()
        .expect("the build job has steps");
    let upload = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/upload-pages-artifact@"))
        })
        .expect("a step uploads the Pages artifact");
    assert_eq!(upload["with"]["path"].as_str(), Some("public"));
    let deploy = workflow["jobs"]["deploy"]["steps"][0]["uses"]
        .as_str()
        .unwrap();
    assert!(deploy.starts_with("actions/deploy-pages@"));
    steps
}

#[test]
fn pages_workflow_builds_locked_and_skips_compiling_for_content_only_pushes() {
    let workflow = load(".github/workflows/pages.yml");
    let steps = deploys_public(&workflow);
    let build = runs(steps)
        .into_iter()
        .find(|r| r.contains("folio build"))
        .expect("a step builds the report");
    assert!(
        build.starts_with("target/release/folio build --locked --base-url "),
        "{build}"
    );
    // The binary is cached by everything compiled into it ...
    let cache = steps
        .iter()
        .find(|s| s["id"].as_str() == Some("folio-binary"))
        .expect("a step restores the cached binary");
    let key = cache["with"]["key"].as_str().unwrap();
    for input in [
        "Cargo.lock",
        "src/**",
        "templates/**",
        // Compiled in: the ECharts build, the fonts, the world geometry.
        "vendor/**",
    ] {
        assert!(
            key.contains(input),
            "the cache key leaves out {input}: {key}"
        );
    }
    // ... and compiling happens only when it missed.
    let compile = steps
        .iter()
        .find(|s| s["run"].as_str() == Some("cargo build --release --locked"))
        .expect("a step compiles folio");
    assert_eq!(
        compile["if"].as_str(),
        Some("steps.folio-binary.outputs.cache-hit != 'true'")
    );
}

#[test]
fn scaffold_pages_workflow_installs_a_checked_release() {
    let workflow = load("src/scaffold/.github/workflows/pages.yml");
    let steps = deploys_public(&workflow);
    let scripts = runs(steps).join("\n");
    assert!(scripts.contains("sha256sum --check"), "{scripts}");
    assert!(
        scripts.contains("releases/download/${FOLIO_VERSION}"),
        "{scripts}"
    );
    assert!(
        scripts.contains("folio build --locked --base-url"),
        "{scripts}"
    );
    assert!(
        !scripts.contains("cargo build"),
        "a content push must not compile folio"
    );
}

#[test]
fn release_workflow_builds_every_platform_with_checksums() {
    let workflow = load(".github/workflows/release.yml");
    let tags = workflow["on"]["push"]["tags"].as_vec().unwrap();
    assert_eq!(tags[0].as_str(), Some("v*"));
    let targets: Vec<&str> = workflow["jobs"]["build"]["strategy"]["matrix"]["include"]
        .as_vec()
        .unwrap()
        .iter()
        .map(|t| t["target"].as_str().unwrap())
        .collect();
    for target in [
        "x86_64-unknown-linux-gnu",
        "x86_64-apple-darwin",
        "aarch64-apple-darwin",
        "x86_64-pc-windows-msvc",
    ] {
        assert!(targets.contains(&target), "no {target} in {targets:?}");
    }
    let all: String = workflow["jobs"]
        .as_hash()
        .unwrap()
        .values()
        .flat_map(|job| job["steps"].as_vec().cloned().unwrap_or_default())
        .filter_map(|s| s["run"].as_str().map(str::to_string))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(all.contains("--locked"), "{all}");
    assert!(all.contains("SHA256SUMS"), "{all}");
}
