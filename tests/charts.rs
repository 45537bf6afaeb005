//! Charts as a reader's browser meets them: nothing from the data can become markup.

mod common;

use common::{copy_tree, folio, repo, stderr, tree};

/// Strings from `tests/sites/injection`, as written in its CSV.
const SCRIPT_BREAKER: &str = "</script><img src=x onerror=alert(1)>";
const QUOTES: &str = "Tom & \"Jerry\" 'q'";
const SEPARATORS: &str = "line\u{2028}sep\u{2029}end";

fn build_injection_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("tests/sites/injection"), dir.path());
    // Rendered afresh: the render cache would make a second build a copy of the first.
    let output = folio(
        dir.path(),
        &["build", "--no-cache"],
        &[("SOURCE_DATE_EPOCH", "1764201600")],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    dir
}

#[test]
fn labels_titles_and_series_names_appear_as_text_everywhere() {
    let dir = build_injection_site();
    let files = tree(&dir.path().join("public"));
    assert!(
        files
            .iter()
            .any(|(name, _)| name == "figures/evil/v1/figure.svg")
    );
    for (name, bytes) in &files {
        let text = String::from_utf8_lossy(bytes);
        if name.ends_with(".html") || name.ends_with(".svg") || name.ends_with(".xml") {
            for needle in [
                "<img src=x",
                "<script>alert",
                "</script><img",
                "<b>data",
                "<u>",
                "<i>",
            ] {
                assert!(
                    !text.contains(needle),
                    "{name} contains raw markup {needle:?}"
                );
            }
        }
    }
}

#[test]
fn the_embedded_option_reads_back_the_exact_data() {
    let dir = build_injection_site();
    let page =
        String::from_utf8(std::fs::read(dir.path().join("public/index.html")).unwrap()).unwrap();
    let start = page
        .find("<script type=\"application/json\" class=\"folio-option\">")
        .unwrap();
    let json_start = page[start..].find('>').unwrap() + start + 1;
    let json_end = page[json_start..].find("</script>").unwrap() + json_start;
    let json = &page[json_start..json_end];
    for raw in ['<', '>', '&', '\u{2028}', '\u{2029}'] {
        assert!(
            !json.contains(raw),
            "the embedded JSON contains a raw {raw:?}"
        );
    }
    let option: serde_json::Value = serde_json::from_str(json).unwrap();
    let categories: Vec<&str> = option["xAxis"][0]["data"]
        .as_array()
        .or_else(|| option["xAxis"]["data"].as_array())
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(categories, [SCRIPT_BREAKER, QUOTES, SEPARATORS]);
}

#[test]
fn data_csv_holds_exactly_the_plotted_cells() {
    let dir = build_injection_site();
    let csv = std::fs::read(dir.path().join("public/figures/evil/v1/data.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_slice());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        ["name", "value"]
    );
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    assert_eq!(
        rows,
        [[SCRIPT_BREAKER, "1"], [QUOTES, "2"], [SEPARATORS, "3"]]
            .map(|r| r.map(String::from).to_vec())
    );
}

#[test]
fn svg_escapes_labels() {
    let dir = build_injection_site();
    let svg = String::from_utf8(
        std::fs::read(dir.path().join("public/figures/evil/v1/figure.svg")).unwrap(),
    )
    .unwrap();
    assert!(svg.starts_with("<svg"));
    // A long category label is wrapped over several <text> elements; read them in order.
    let text: String = svg
        .split("<text")
        .skip(1)
        .filter_map(|t| {
            t.split_once('>')
                .and_then(|(_, rest)| rest.split_once("</text>"))
        })
        .map(|(content, _)| content)
        .collect();
    assert!(
        text.contains("&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"),
        "{svg}"
    );
}

#[test]
fn a_javascript_source_url_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("tests/sites/injection"), dir.path());
    let toml = dir.path().join("data/evil/dataset.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(
        &toml,
        text.replace(
            "https://example.org/?a=1&b=\\\"2\\\"",
            "javascript:alert(1)",
        ),
    )
    .unwrap();
    let output = folio(dir.path(), &["build"], &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("error: source_url \"javascript:alert(1)\" is not an http(s) address\n --> data/evil/dataset.toml:4:1"), "{}", stderr(&output));
}

#[test]
fn static_svgs_are_identical_across_builds_and_render_orders() {
    let a = build_injection_site();
    let b = build_injection_site();
    let svgs = |dir: &tempfile::TempDir| -> Vec<(String, Vec<u8>)> {
        tree(&dir.path().join("public"))
            .into_iter()
            .filter(|(name, _)| name.ends_with(".svg"))
            .collect()
    };
    assert_eq!(svgs(&a).len(), 2);
    assert_eq!(svgs(&a), svgs(&b));
}
