//! What a reader reads on a chart: axis titles in words, one number format in prose, ticks,
//! tooltips and tables, the last date labelled, no label cut by the chart's edge, every
//! series in a static legend. Asserted on the `chart-reading` fixture and on the report's
//! committed `public/`.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use common::{fixture, folio, repo, stderr};

/// The `chart-reading` fixture, built.
fn built() -> tempfile::TempDir {
    let dir = fixture("chart-reading");
    let output = folio(
        dir.path(),
        &["build", "--no-cache"],
        &[("SOURCE_DATE_EPOCH", "1764201600")],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    dir
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every `figures/<id>/v<N>/<name>` file of a built site.
fn figure_files(public: &Path, name: &str) -> Vec<std::path::PathBuf> {
    let mut found: Vec<_> = walkdir::WalkDir::new(public.join("figures"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == name)
        .map(|e| e.into_path())
        .collect();
    found.sort();
    assert!(!found.is_empty(), "no {name} under {}", public.display());
    found
}

/// A text of a static SVG: where ECharts put it, how it is anchored, its size and its text.
struct Text {
    x: f32,
    y: f32,
    /// The direction the text runs in: (1, 0) unless rotated.
    direction: (f32, f32),
    anchor: String,
    px: f32,
    text: String,
}

/// The `<text>` elements of an SVG that ECharts wrote (each placed by a `translate`).
fn texts(svg: &str) -> Vec<Text> {
    let attr = |tag: &str, name: &str| -> Option<String> {
        let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        Some(tag[start..].split('"').next()?.to_string())
    };
    let mut found = Vec::new();
    for piece in svg.split("<text").skip(1) {
        let (tag, rest) = piece.split_once('>').unwrap();
        let text = rest.split("</text>").next().unwrap();
        let Some(transform) = attr(tag, "transform") else {
            continue;
        };
        // `translate(x y)`, or `matrix(a b c d e f)` for a rotated label, placed at (e, f).
        let numbers: Vec<f32> = transform
            .split_once('(')
            .map_or("", |(_, args)| args.trim_end_matches(')'))
            .split([' ', ','])
            .filter_map(|n| n.parse().ok())
            .collect();
        let (numbers, direction) = match (transform.starts_with("matrix("), numbers.len()) {
            (true, 6) => (numbers[4..].to_vec(), (numbers[0], numbers[1])),
            (false, 1 | 2) if transform.starts_with("translate(") => (numbers, (1.0, 0.0)),
            _ => panic!("a text placed by {transform:?}"),
        };
        let px = attr(tag, "style")
            .and_then(|s| {
                let at = s.find("font-size:")? + 10;
                s[at..].split("px").next()?.parse().ok()
            })
            .unwrap_or(12.0);
        found.push(Text {
            x: numbers[0],
            y: numbers.get(1).copied().unwrap_or(0.0)
                + attr(tag, "y").and_then(|y| y.parse().ok()).unwrap_or(0.0),
            direction,
            anchor: attr(tag, "text-anchor").unwrap_or_else(|| "start".into()),
            px,
            text: text
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&amp;", "&"),
        });
    }
    found
}

/// Column names that `dataset.toml` gives a label or a description, over every dataset of a
/// project.
fn described_columns(project: &Path) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for entry in std::fs::read_dir(project.join("data")).unwrap() {
        let meta = entry.unwrap().path().join("dataset.toml");
        let meta: toml::Table = toml::from_str(&read(&meta)).unwrap();
        if let Some(columns) = meta.get("columns").and_then(|c| c.as_table()) {
            for (name, column) in columns {
                let has = |key: &str| {
                    column
                        .get(key)
                        .and_then(|v| v.as_str())
                        .is_some_and(|s| !s.is_empty())
                };
                if has("label") || has("description") {
                    names.insert(name.clone());
                }
            }
        }
    }
    names
}

/// Axis titles are words: where a column has a label or a description, no axis shows its
/// raw name.
fn assert_axis_titles_are_words(project: &Path, public: &Path) {
    let raw = described_columns(project);
    for path in figure_files(public, "option.json") {
        let option: Value = serde_json::from_str(&read(&path)).unwrap();
        for axis in ["xAxis", "yAxis"] {
            if let Some(name) = option[axis]["name"].as_str() {
                assert!(
                    !raw.contains(name),
                    "{}: the {axis} title is the raw column name {name:?}",
                    path.display()
                );
            }
        }
    }
}

#[test]
fn axis_titles_are_column_labels_never_raw_names() {
    let dir = built();
    assert_axis_titles_are_words(dir.path(), &dir.path().join("public"));
    let option: Value = serde_json::from_str(&read(
        &dir.path().join("public/figures/sizes/v1/option.json"),
    ))
    .unwrap();
    assert_eq!(option["xAxis"]["name"], "Total parameters");
    // The report as committed.
    assert_axis_titles_are_words(&repo(), &repo().join("public"));
}

#[test]
fn numbers_have_one_format_in_prose_ticks_and_tables() {
    let dir = built();
    let public = dir.path().join("public");
    let page = read(&public.join("index.html"));
    for shown in [
        r#"<data value="93245324234">93.2 billion</data>"#,
        r#"<data value="93245324234">93,245,324,234</data>"#,
        r#"<data value="0.294">US$ 294,000</data>"#,
        r#"<data value="12">US$ 12 million</data>"#,
    ] {
        assert!(page.contains(shown), "the prose lacks {shown}");
    }
    // Ticks of large values are compact; none is written out in full.
    let sizes = read(&public.join("figures/sizes/v1/figure.svg"));
    let ticks: Vec<String> = texts(&sizes).into_iter().map(|t| t.text).collect();
    for tick in ["0", "30B", "150B"] {
        assert!(
            ticks.contains(&tick.to_string()),
            "no tick {tick} in {ticks:?}"
        );
    }
    assert!(
        !sizes.contains("150,000,000,000"),
        "a tick is written out in full"
    );
    // Four digits are grouped on ticks as in tables.
    let ten = read(&public.join("figures/ten/v1/figure.svg"));
    assert!(
        ten.contains(">2,000<") && ten.contains(">12,000<"),
        "ungrouped ticks"
    );
    let table = read(&public.join("figures/sizes/v1/index.html"));
    assert!(
        table.contains(">Total parameters</th>"),
        "the table's header is not the label"
    );
    for cell in ["93.2 billion", "150 billion", "7 billion"] {
        assert!(
            table.contains(&format!(">{cell}<")),
            "the table lacks {cell}"
        );
    }
    // The browser formats ticks and tooltips from the same formats.
    let option: Value =
        serde_json::from_str(&read(&public.join("figures/sizes/v1/option.json"))).unwrap();
    assert_eq!(option["folio"]["xAxis"]["style"], "compact");
    assert_eq!(option["folio"]["tooltip"]["style"], "compact");
}

#[test]
fn time_axes_label_their_first_and_last_dates() {
    let dir = built();
    let svg = read(&dir.path().join("public/figures/years/v1/figure.svg"));
    let labels: Vec<String> = texts(&svg).into_iter().map(|t| t.text).collect();
    for year in ["2022", "2023", "2024"] {
        assert!(
            labels.contains(&year.to_string()),
            "{year} is not labelled: {labels:?}"
        );
    }
}

/// Every text of every static chart lies inside the chart, measured with the widths of the
/// font the preview sets it in.
fn assert_no_text_is_cut(public: &Path) {
    for path in figure_files(public, "figure.svg") {
        let svg = read(&path);
        // Each chart's own size: a timeline or small multiples are taller than most.
        let size = |name: &str| -> f32 {
            let root = &svg[..svg.find('>').unwrap_or(svg.len())];
            let start = root.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
            root[start..].split('"').next().unwrap().parse().unwrap()
        };
        let (width, height) = (size("width"), size("height"));
        assert_eq!(width, folio::chart::WIDTH as f32, "{}", path.display());
        for text in texts(&svg) {
            let w = folio::chart::preview::text_width(&text.text, text.px);
            // Where the text starts and ends along its direction (rotated labels run up).
            let start = match text.anchor.as_str() {
                "middle" => -w / 2.0,
                "end" => -w,
                _ => 0.0,
            };
            let (dx, dy) = text.direction;
            let ends = [start, start + w].map(|t| (text.x + dx * t, text.y + dy * t));
            // Half the line's height across the direction.
            let (nx, ny) = (-dy * text.px / 2.0, dx * text.px / 2.0);
            let corners: Vec<(f32, f32)> = ends
                .iter()
                .flat_map(|&(x, y)| [(x + nx, y + ny), (x - nx, y - ny)])
                .collect();
            let inside = corners
                .iter()
                .all(|&(x, y)| x >= -0.5 && x <= width + 0.5 && y >= -0.5 && y <= height + 0.5);
            assert!(
                inside,
                "{}: {:?} has corners {corners:?}, outside {width} x {height}",
                path.display(),
                text.text,
            );
        }
    }
}

#[test]
fn no_label_is_cut_by_the_edge_of_a_chart() {
    let dir = built();
    assert_no_text_is_cut(&dir.path().join("public"));
    assert_no_text_is_cut(&repo().join("public"));
}

#[test]
fn static_legends_name_every_series() {
    let dir = built();
    let public = dir.path().join("public");
    let svg = read(&public.join("figures/ten/v1/figure.svg"));
    let labels: BTreeSet<String> = texts(&svg).into_iter().map(|t| t.text).collect();
    let csv = read(&dir.path().join("data/models/v1.csv"));
    let models: BTreeSet<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap())
        .collect();
    assert_eq!(models.len(), 10);
    for model in models {
        assert!(
            labels.contains(model),
            "the legend lacks {model}: {labels:?}"
        );
    }
    assert!(
        !labels
            .iter()
            .any(|l| l.contains('/') && l.chars().all(|c| c.is_ascii_digit() || c == '/')),
        "a legend pager in a picture: {labels:?}"
    );
    // Ten series, ten different colours; from the ninth on, more than a colour tells them
    // apart: a dashed line, a striped bar, a striped slice.
    for (id, series_or_slices) in [
        ("ten", "series"),
        ("ten-bars", "series"),
        ("ten-slices", "slices"),
    ] {
        let option: Value =
            serde_json::from_str(&read(&public.join(format!("figures/{id}/v1/option.json"))))
                .unwrap();
        let colours: Vec<String> = option["color"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_lowercase())
            .collect();
        let drawn = match series_or_slices {
            "slices" => option["series"][0]["data"].as_array().unwrap().clone(),
            _ => option["series"].as_array().unwrap().clone(),
        };
        assert_eq!(drawn.len(), 10, "{id}");
        let distinct: BTreeSet<&String> = colours.iter().take(drawn.len()).collect();
        assert_eq!(distinct.len(), 10, "{id}: {colours:?}");
        for (index, item) in drawn.iter().enumerate() {
            let marked =
                item["lineStyle"]["type"] == "dashed" || item["itemStyle"]["decal"].is_object();
            assert_eq!(marked, index >= 8, "{id}: item {index}: {item}");
        }
    }
}

#[test]
fn a_directive_can_title_its_axes_and_give_the_unit() {
    let dir = built();
    let public = dir.path().join("public");
    let option: Value =
        serde_json::from_str(&read(&public.join("figures/titled/v1/option.json"))).unwrap();
    assert_eq!(option["xAxis"]["name"], "Model name");
    assert_eq!(option["yAxis"]["name"], "Size (parameters)");
    assert_eq!(option["series"][0]["name"], "Size");
    assert_eq!(option["folio"]["tooltip"]["unit"], "parameters");
    let page = read(&public.join("figures/titled/v1/index.html"));
    assert!(page.contains(">Model name</th>") && page.contains(">Size (parameters)</th>"));
    // The data file keeps the dataset's own column names.
    let csv = read(&public.join("figures/titled/v1/data.csv"));
    assert!(csv.starts_with("model,params\n"), "{csv}");
}

/// Every character of the report's data and prose can be drawn in a preview (DejaVu Sans, or
/// the CJK font for Chinese), and the pages announce the previews' real size.
#[test]
fn previews_can_draw_every_character_of_the_report() {
    let mut missing = BTreeSet::new();
    for dir in ["data", "content"] {
        for entry in walkdir::WalkDir::new(repo().join(dir)).sort_by_file_name() {
            let entry = entry.unwrap();
            if !entry.file_type().is_file() {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(entry.path()) else {
                continue;
            };
            missing.extend(
                text.chars()
                    .filter(|c| !c.is_control() && !folio::chart::preview::has_glyph(*c))
                    .map(|c| format!("{c} (U+{:04X}) in {}", c as u32, entry.path().display())),
            );
        }
    }
    assert!(missing.is_empty(), "no glyph for {missing:#?}");
    let page = read(&repo().join("public/figures/download-share-by-origin/index.html"));
    assert!(page.contains(&format!(
        r#"<meta property="og:image:width" content="{}">"#,
        folio::chart::preview::WIDTH
    )));
    assert!(page.contains(&format!(
        r#"<meta property="og:image:height" content="{}">"#,
        folio::chart::preview::CARD_HEIGHT
    )));
}

/// Every figure has a text description generated from its data, used as its image's alt
/// text and its accessible description; `alt` replaces it.
#[test]
fn figures_describe_their_data_in_words() {
    let dir = built();
    let public = dir.path().join("public");
    let described = |id: &str| {
        let option: Value =
            serde_json::from_str(&read(&public.join(format!("figures/{id}/v1/option.json"))))
                .unwrap();
        let text = option["aria"]["label"]["description"]
            .as_str()
            .unwrap()
            .to_string();
        let page = read(&public.join(format!("figures/{id}/v1/index.html")));
        assert!(
            page.contains(&format!(
                "alt=\"{} The data is in the table below.\"",
                text.replace('&', "&amp;")
            )),
            "{id}: {text}"
        );
        text
    };
    assert_eq!(
        described("sizes"),
        "Bar chart of total parameters by the model. Highest: Beta model, 150 billion; Alpha model, 93.2 billion; Gamma model, 7 billion."
    );
    assert_eq!(
        described("years"),
        "Line chart of total parameters by year. Total parameters: from 93.2 billion in 2022 to 7 billion in 2024."
    );
    let ten = described("ten");
    assert!(ten.starts_with("Line chart of downloads by month, one series per model. Qwen2.5-72B-Instruct: from 1,250 in 2025-01 to 1,750 in 2025-03;"), "{ten}");
    assert!(ten.ends_with("; and 4 more."), "{ten}");
    assert_eq!(described("titled"), "Three models; Beta is the largest.");
}

/// Two charts that differ only in their Chinese labels give different previews: the labels
/// are drawn, not replaced by empty boxes.
#[test]
fn previews_draw_chinese_labels() {
    let dir = built();
    let public = dir.path().join("public");
    let file = |id: &str, name: &str| {
        std::fs::read(public.join(format!("figures/{id}/v1/{name}"))).unwrap()
    };
    let (one, two) = (
        read(&public.join("figures/labs-one/v1/figure.svg")),
        read(&public.join("figures/labs-two/v1/figure.svg")),
    );
    // The same chart but for the labs' names.
    let unnamed = |svg: &str, names: [&str; 2]| {
        names
            .iter()
            .fold(svg.to_string(), |s, n| s.replace(n, "LAB"))
    };
    assert_eq!(
        unnamed(&one, ["深度求索", "月之暗面"]),
        unnamed(&two, ["通义千问", "智谱华章"])
    );
    assert_ne!(one, two);
    assert_ne!(
        file("labs-one", "preview.png"),
        file("labs-two", "preview.png")
    );
}
