//! The GitHub Pages workflow is valid YAML that builds with --locked and deploys public/.

use yaml_rust2::YamlLoader;

#[test]
fn pages_workflow_builds_locked_and_deploys_public() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/.github/workflows/pages.yml"
    ))
    .unwrap();
    let docs = YamlLoader::load_from_str(&text).expect("the workflow is valid YAML");
    let workflow = &docs[0];
    assert_eq!(workflow["permissions"]["pages"].as_str(), Some("write"));
    assert_eq!(workflow["permissions"]["id-token"].as_str(), Some("write"));
    let steps = workflow["jobs"]["build"]["steps"]
        .as_vec()
        .expect("the build job has steps");
    let build = steps
        .iter()
        .find_map(|s| s["run"].as_str())
        .expect("a step runs the build");
    assert!(
        build.starts_with("cargo run --release --locked -- build --locked --base-url "),
        "{build}"
    );
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
}
