//! Timelines, small multiples and maps, asserted by what a reader sees in them: every event
//! on its own row at its date, lanes kept together; one panel per value on the same scales
//! unless they are free; each country shaded by its value, found by code or by name.
//! Built from the `chart-forms` fixture (real data: the report's policy timeline and an
//! excerpt of Our World in Data's CO2 dataset).

mod common;

use std::path::Path;

use serde_json::Value;

use common::{fixture, folio, stderr};

fn built() -> tempfile::TempDir {
    let dir = fixture("chart-forms");
    let output = folio(dir.path(), &["build", "--locked", "--no-cache"], &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    dir
}

fn read(dir: &Path, path: &str) -> String {
    std::fs::read_to_string(dir.join("public").join(path)).unwrap()
}

fn option(dir: &Path, id: &str) -> Value {
    serde_json::from_str(&read(dir, &format!("figures/{id}/v1/option.json"))).unwrap()
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_timeline_gives_every_event_a_row_at_its_date_in_its_lane() {
    let dir = built();
    let dir = dir.path();
    let timeline = option(dir, "policy");
    let csv = read(dir, "figures/policy/v1/data.csv");
    let rows: Vec<Vec<String>> = csv::Reader::from_reader(csv.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    // data.csv holds exactly the plotted rows: date, lane, label.
    assert_eq!(rows.len(), 23);
    assert_eq!(timeline["xAxis"]["type"], "time");
    let labels = strings(&timeline["yAxis"]["data"]);
    assert_eq!(labels.len(), rows.len(), "one row per event");
    // Lanes are the series, in the order they first appear, each in date order.
    let lanes: Vec<&str> = timeline["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        lanes,
        [
            "export_controls",
            "model_release",
            "market",
            "industry",
            "policy",
            "advocacy",
            "adoption"
        ]
    );
    let mut seen = 0;
    for series in timeline["series"].as_array().unwrap() {
        let mut last = String::new();
        for point in series["data"].as_array().unwrap() {
            let (date, row) = (
                point["value"][0].as_str().unwrap(),
                point["value"][1].as_u64().unwrap() as usize,
            );
            // Each point sits on its own label's row, at the date of that event.
            assert_eq!(row, seen, "rows run in lane order");
            assert_eq!(point["name"], labels[row]);
            let source = rows
                .iter()
                .find(|r| r[2] == labels[row] && r[0] == date)
                .unwrap_or_else(|| panic!("{date} {} not in data.csv", labels[row]));
            assert_eq!(source[1], series["name"].as_str().unwrap());
            assert!(date >= last.as_str(), "{date} after {last}");
            last = date.to_string();
            seen += 1;
        }
    }
    assert_eq!(seen, rows.len());
    // The mark is a dashed line at its date.
    assert_eq!(
        timeline["series"][0]["markLine"]["data"][0]["xAxis"],
        "2025-01-27"
    );
    // The page: the static image is as tall as its rows, and says what it shows.
    let page = read(dir, "figures/policy/v1/index.html");
    assert!(
        page.contains(
            "alt=\"Timeline of 23 events from 2022-10 to 2025-11-27, in lanes by category."
        ),
        "{page}"
    );
    assert!(page.contains("data-phone-height=\""));
    let svg = read(dir, "figures/policy/v1/figure.svg");
    let height: u32 = svg
        .split("height=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(height > 1000, "23 rows of up to three lines: {height}");
    assert!(page.contains(&format!("height=\"{height}\"")));
    // Every label is drawn, none over another: each row's text stays inside its band.
    for label in ["US export controls bar", "Economies of Open Intelligence"] {
        assert!(svg.contains(label), "{label}");
    }
}

#[test]
fn small_multiples_share_their_scales_unless_free() {
    let dir = built();
    let dir = dir.path();
    let shared = option(dir, "per-person");
    let titles: Vec<&str> = shared["title"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["text"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["China", "Germany", "India", "United States"]);
    assert_eq!(shared["grid"].as_array().unwrap().len(), 4);
    let y_axes = shared["yAxis"].as_array().unwrap();
    assert_eq!(y_axes.len(), 4);
    for (i, axis) in y_axes.iter().enumerate() {
        assert_eq!(axis["gridIndex"], i);
        // The US's 21.3 tonnes in 2000 sets every panel's top.
        assert_eq!(axis["max"], 25.0);
        assert_eq!(axis["min"], 0.0);
    }
    // Each panel's series points at its own axes and holds only its country's rows.
    let series = shared["series"].as_array().unwrap();
    assert_eq!(series.len(), 4);
    for (i, s) in series.iter().enumerate() {
        assert_eq!(
            (s["xAxisIndex"].clone(), s["yAxisIndex"].clone()),
            (i.into(), i.into())
        );
        assert_eq!(s["data"].as_array().unwrap().len(), 19, "2000 to 2018");
    }
    // One axis title per column and row of panels.
    let named: Vec<bool> = y_axes.iter().map(|a| a["name"] != "").collect();
    assert_eq!(named, [true, false, true, false]);

    let free = option(dir, "totals");
    let maxima: Vec<&Value> = free["yAxis"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["max"])
        .collect();
    assert!(
        maxima.iter().all(|m| m.is_null()),
        "free scales fit each panel: {maxima:?}"
    );
    let description = read(dir, "figures/totals/v1/index.html");
    assert!(
        description.contains("4 panels, one per country: China; Germany; India; United States.")
    );
}

#[test]
fn a_map_shades_each_country_found_by_code_or_name() {
    let dir = built();
    let dir = dir.path();
    let g20 = option(dir, "g20");
    let map = &g20["series"][0];
    assert_eq!(map["type"], "map");
    assert_eq!(map["map"], "world");
    let data = map["data"].as_array().unwrap();
    assert_eq!(data.len(), 19);
    let value = |name: &str| {
        data.iter().find(|d| d["name"] == name).unwrap()["value"]
            .as_f64()
            .unwrap()
    };
    // Codes are drawn under the country's name, with the value of its row.
    assert_eq!(value("China"), 7.05);
    assert_eq!(value("United States"), 16.559);
    assert_eq!(value("Saudi Arabia"), 18.435);
    // The legend runs from the lowest value to the highest, labelled as the data is.
    let legend = &g20["visualMap"];
    assert_eq!(legend["max"], 18.435);
    // From zero, as a bar starts, so that shades are in proportion to values.
    assert_eq!(legend["min"], 0.0);
    assert_eq!(
        legend["text"],
        serde_json::json!(["18.435 tonnes", "0 tonnes"])
    );
    let by_name = option(dir, "by-name");
    let names: Vec<&str> = by_name["series"][0]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 5);
    for name in ["China", "United States", "India", "Russia", "Japan"] {
        assert!(names.contains(&name), "{name} in {names:?}");
    }
    // The static map draws the outlines, shaded; the page loads the geometry from the site.
    let svg = read(dir, "figures/g20/v1/figure.svg");
    assert!(svg.matches("<path").count() > 150, "every country outlined");
    let page = read(dir, "figures/g20/v1/index.html");
    let geo = page
        .split("data-geo=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let geo = geo.trim_start_matches("/chart-forms/");
    assert!(dir.join("public").join(geo).is_file(), "{geo}");
    assert!(page.contains("World map of CO2 emissions per person by country. Highest: Saudi Arabia, 18.435 tonnes;"), "{page}");
    assert!(page.contains("No data for the other 157 countries and territories."));

    // A classed legend: four classes from the three breaks, light to dark, labelled with the
    // column's unit; each country takes the class of its value.
    let classed = option(dir, "g20-classes");
    let pieces = classed["visualMap"]["pieces"].as_array().unwrap();
    let labels: Vec<&str> = pieces
        .iter()
        .map(|p| p["label"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        [
            "under 5 tonnes",
            "5 tonnes to 10 tonnes",
            "10 tonnes to 15 tonnes",
            "15 tonnes and over"
        ]
    );
    assert_eq!(classed["visualMap"]["type"], "piecewise");
    assert_eq!(
        (pieces[1]["gte"].clone(), pieces[1]["lt"].clone()),
        (5.0.into(), 10.0.into())
    );
    let shades: Vec<&str> = pieces
        .iter()
        .map(|p| p["color"].as_str().unwrap())
        .collect();
    let lightness = |hex: &str| {
        u32::from_str_radix(&hex[1..], 16).unwrap().to_be_bytes()[1..]
            .iter()
            .map(|&c| u32::from(c))
            .sum::<u32>()
    };
    assert!(
        shades.windows(2).all(|w| lightness(w[0]) > lightness(w[1])),
        "{shades:?}"
    );
    // The lightest class is darker than land without data.
    assert!(lightness(shades[0]) < lightness("#f4f4f4"));
}
