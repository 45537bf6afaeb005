//! What the built site means, asserted as a reader or a crawler would read it, where golden
//! files alone would let a regenerated expectation hide a regression: the chart option rules
//! (a gap is null, a date axis is a time axis, stacks, sorting, horizontal bars), the Atom
//! feed, the JSON-LD and the sitemap.

mod common;

use std::path::Path;

use serde_json::Value;

use common::{fixture, folio, stderr, tree};

/// The `charts` fixture, built against its lock.
fn built() -> tempfile::TempDir {
    let dir = fixture("charts");
    let output = folio(dir.path(), &["build", "--locked"], &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    dir
}

fn option(dir: &Path, id: &str) -> Value {
    let path = dir.join(format!("public/figures/{id}/v1/option.json"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The series called `name`.
fn series<'a>(option: &'a Value, name: &str) -> &'a Value {
    option["series"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no series {name}"))
}

#[test]
fn chart_options_follow_the_rules_a_reader_relies_on() {
    let dir = built();
    let dir = dir.path();
    // A date column gives a time axis; an empty cell is a gap (null), never a zero.
    let trend = option(dir, "trend");
    assert_eq!(trend["xAxis"]["type"], "time");
    assert_eq!(
        series(&trend, "China")["data"],
        serde_json::json!([["2025-01", 10.5], ["2025-02", null], ["2025-03", 14.2]])
    );
    assert_eq!(series(&trend, "United States")["data"][1][1], 13.1);
    // Stacked bars and areas: every series on one stack; the gap stays a gap.
    for id in ["stack", "area"] {
        let stacked = option(dir, id);
        let stacks: Vec<&Value> = stacked["series"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| &s["stack"])
            .collect();
        assert!(
            stacks.iter().all(|s| s.is_string() && *s == stacks[0]),
            "{id}: {stacks:?}"
        );
        let us = &series(&stacked, "United States")["data"];
        let february = if id == "area" { &us[1][1] } else { &us[1] };
        assert!(february.is_null(), "{id}: {us}");
    }
    assert!(series(&option(dir, "area"), "China")["areaStyle"].is_object());
    // Horizontal bars: categories on the vertical axis, in the order `sort` gives.
    let ranked = option(dir, "ranked");
    assert_eq!(ranked["yAxis"]["type"], "category");
    assert_eq!(ranked["xAxis"]["type"], "value");
    assert_eq!(
        ranked["yAxis"]["data"],
        serde_json::json!(["2025-03", "2025-01"])
    );
    assert_eq!(ranked["series"][0]["data"], serde_json::json!([200, 100]));
    // A scatter has two value axes; a point missing a coordinate keeps its null.
    let scatter = option(dir, "scatter");
    assert_eq!(scatter["xAxis"]["type"], "value");
    assert_eq!(scatter["yAxis"]["type"], "value");
    assert_eq!(
        scatter["series"][0]["data"][3],
        serde_json::json!([null, 13.1])
    );
    // A pie: one slice per row that `where` keeps, named by x.
    let mix = option(dir, "mix");
    assert_eq!(
        mix["series"][0]["data"],
        serde_json::json!([{ "name": "China", "value": 200 }, { "name": "United States", "value": 130 }])
    );
    // Dots: points on a category axis, their value axis fitted to the data (a bar's starts
    // at zero).
    let dots = option(dir, "dots");
    assert_eq!(dots["yAxis"]["type"], "category");
    assert_eq!(dots["xAxis"]["type"], "value");
    assert_eq!(dots["xAxis"]["scale"], true);
    assert_eq!(dots["series"][0]["type"], "scatter");
    assert_eq!(dots["series"][0]["data"], serde_json::json!([10.5, 12.0]));
    assert_ne!(ranked["xAxis"]["scale"], true);
    // A percent stack: each month's values as shares that add up to 100; the raw values
    // stay for the tooltip.
    let shares = option(dir, "shares");
    assert_eq!(shares["yAxis"]["max"], 100);
    let column = |i: usize| -> Vec<f64> {
        shares["series"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|s| s["data"][i].as_f64())
            .collect()
    };
    for month in [0, 2] {
        let total: f64 = column(month).iter().sum();
        assert!((total - 100.0).abs() < 1e-9, "month {month}: {total}");
    }
    // February lacks the United States: its total is unknown, so both shares are gaps
    // (China is not 100%).
    assert!(column(1).is_empty(), "{:?}", column(1));
    assert_eq!(
        shares["folio"]["raw"][0],
        serde_json::json!(["100", "150", "200"])
    );
    assert_eq!(shares["folio"]["yAxis"]["unit"], "%");
    // A log scale.
    assert_eq!(option(dir, "logline")["yAxis"]["type"], "log");
    // Dots of two series: a dumbbell joins each month's pair, and only where both are known.
    let dumbbell = option(dir, "dumbbell");
    assert_eq!(
        dumbbell["series"][1]["markLine"]["data"],
        serde_json::json!([
            [{"coord": [10.5, "2025-01"]}, {"coord": [12.0, "2025-01"]}],
            [{"coord": [14.2, "2025-03"]}, {"coord": [12.9, "2025-03"]}]
        ])
    );
    // Marks: lines at a value and at a date, a band between two dates, a note at a point,
    // each labelled, and named in the text description.
    let marked = option(dir, "marked");
    let first = &marked["series"][0];
    assert_eq!(first["markLine"]["data"][0]["yAxis"], 12.0);
    assert_eq!(
        first["markLine"]["data"][0]["label"]["formatter"],
        "twelve percent"
    );
    assert_eq!(first["markLine"]["data"][1]["xAxis"], "2025-02");
    assert_eq!(first["markArea"]["data"][0][0]["xAxis"], "2025-01");
    assert_eq!(first["markArea"]["data"][0][1]["xAxis"], "2025-02");
    assert_eq!(
        first["markPoint"]["data"][0]["coord"],
        serde_json::json!(["2025-03", 14.2])
    );
    let description = marked["aria"]["label"]["description"].as_str().unwrap();
    assert!(
        description.ends_with("Marked: twelve percent at 12.0%; a change of method at 2025-02; first release at 2025-01 to 2025-02; a peak at 2025-03, 14.2%."),
        "{description}"
    );
}

#[test]
fn the_feed_has_one_dated_entry_per_publication_with_absolute_addresses() {
    let dir = built();
    let lock_text = std::fs::read_to_string(dir.path().join("folio.lock")).unwrap();
    let lock = folio::lock::Lock::parse(Path::new("folio.lock"), &lock_text).unwrap();
    let publications =
        lock.snapshot.len() + lock.figure.iter().map(|f| f.version.len()).sum::<usize>();
    let feed = std::fs::read_to_string(dir.path().join("public/changes/atom.xml")).unwrap();
    assert!(feed.starts_with(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">"
    ));
    let entries: Vec<&str> = feed.split("<entry>").skip(1).collect();
    assert_eq!(entries.len(), publications);
    let between = |text: &str, open: &str, close: &str| -> String {
        let start = text.find(open).unwrap() + open.len();
        text[start..start + text[start..].find(close).unwrap()].to_string()
    };
    let mut ids = std::collections::BTreeSet::new();
    for entry in &entries {
        let id = between(entry, "<id>", "</id>");
        assert!(id.starts_with("https://example.org/charts/"), "{id}");
        assert!(ids.insert(id.clone()), "{id} twice");
        assert_eq!(
            between(entry, "<updated>", "</updated>"),
            "2025-11-27T00:00:00Z"
        );
    }
    // Every figure version and snapshot is there, at its permanent address.
    for figure in &lock.figure {
        for v in &figure.version {
            let url = format!(
                "https://example.org/charts/figures/{}/v{}/",
                figure.id, v.number
            );
            assert!(ids.contains(&url), "{url}");
        }
    }
    for s in &lock.snapshot {
        let url = format!(
            "https://example.org/charts/data/{}/{}/",
            s.dataset, s.version
        );
        assert!(ids.contains(&url), "{url}");
    }
}

/// The JSON-LD of a page.
fn jsonld(html: &str) -> Value {
    let open = "<script type=\"application/ld+json\">";
    let start = html.find(open).expect("the page has JSON-LD") + open.len();
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).unwrap()
}

#[test]
fn json_ld_describes_the_report_its_figures_and_each_dataset_version() {
    let dir = built();
    let front = std::fs::read_to_string(dir.path().join("public/index.html")).unwrap();
    let report = jsonld(&front);
    assert_eq!(report["@type"], "ScholarlyArticle");
    assert_eq!(report["name"], "Charts");
    assert_eq!(report["url"], "https://example.org/charts/");
    let parts = report["hasPart"].as_array().unwrap();
    let ids = [
        "trend", "stack", "area", "mix", "scatter", "ranked", "dots", "shares", "logline",
        "marked", "dumbbell",
    ];
    assert_eq!(parts.len(), ids.len());
    for (part, id) in parts.iter().zip(ids) {
        assert_eq!(
            part["url"],
            format!("https://example.org/charts/figures/{id}/v1/")
        );
        assert_eq!(
            part["contentUrl"],
            format!("https://example.org/charts/figures/{id}/v1/figure.svg")
        );
        assert!(
            dir.path()
                .join(format!("public/figures/{id}/v1/figure.svg"))
                .is_file(),
            "{id}"
        );
    }
    let page =
        std::fs::read_to_string(dir.path().join("public/data/monthly/v1/index.html")).unwrap();
    let dataset = jsonld(&page);
    assert_eq!(dataset["@type"], "Dataset");
    let sha = folio::data::sha256_file(&dir.path().join("data/monthly/v1.csv")).unwrap();
    assert_eq!(dataset["identifier"], format!("sha256:{sha}"));
    assert_eq!(
        dataset["distribution"]["contentUrl"],
        "https://example.org/charts/data/monthly/v1.csv"
    );
}

#[test]
fn the_sitemap_lists_every_page_once_at_its_absolute_address() {
    let dir = built();
    let public = dir.path().join("public");
    let sitemap = std::fs::read_to_string(public.join("sitemap.xml")).unwrap();
    let locs: Vec<&str> = sitemap
        .split("<loc>")
        .skip(1)
        .map(|rest| &rest[..rest.find("</loc>").unwrap()])
        .collect();
    let pages: Vec<String> = tree(&public)
        .into_iter()
        .map(|(path, _)| path)
        .filter(|path| path.ends_with("index.html"))
        .map(|path| {
            format!(
                "https://example.org/charts/{}",
                path.trim_end_matches("index.html")
            )
        })
        .collect();
    assert_eq!(locs, pages);
    assert!(!sitemap.contains("404"));
    let robots = std::fs::read_to_string(public.join("robots.txt")).unwrap();
    assert!(robots.contains("Sitemap: https://example.org/charts/sitemap.xml"));
}
