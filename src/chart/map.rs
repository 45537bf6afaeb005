//! World choropleths: each country shaded by its value, on Natural Earth's outlines
//! ([`super::geo`]).
//!
//! In: a figure of `type = "map"` whose `x` cells name countries (checked when the figure
//! was resolved) and whose `y` is a number. Out: its ECharts option: one `map` series on the
//! registered world geometry, and a continuous legend from zero (or the lowest value, when
//! one is negative) to the highest (ECharts' `visualMap`), its ends labelled with folio's
//! number formats. Countries without
//! a value keep the neutral land colour and read "no data" in the legend's note and the
//! description.

use serde_json::{Value, json};

use crate::figure::Figure;

/// The shades from the lowest value to the highest: a single-hue blue ramp (ColorBrewer
/// "Blues", 3-class ends, Cynthia Brewer, Apache-2.0), readable in greyscale and by
/// colour-blind readers.
const RAMP: [&str; 3] = ["#c6dbef", "#6baed6", "#08519c"];

/// ColorBrewer's 9-class "Blues" (Cynthia Brewer, Apache-2.0); a classed legend takes its
/// shades from the third on, evenly spaced, so that no class is as light as land without
/// data.
const BLUES: [&str; 9] = [
    "#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c",
    "#08306b",
];

/// The most class boundaries a classed legend takes: 9 classes of one hue.
pub const MAX_BREAKS: usize = 8;

/// The shades of `n` classes (2 to 9), light to dark.
fn classes(n: usize) -> Vec<&'static str> {
    let n = n.clamp(2, 9);
    (0..n)
        .map(|k| BLUES[2 + (k * 6 + (n - 1) / 2) / (n - 1)])
        .collect()
}

/// Land without data: lighter than the lightest shade, outlined in grey.
pub const NO_DATA: &str = "#f4f4f4";

/// The countries a map shades: (display name, row), in the table's order.
pub fn places(figure: &Figure) -> Vec<(&'static str, usize)> {
    figure
        .table
        .rows
        .iter()
        .enumerate()
        .filter_map(|(r, row)| super::geo::place(&row[0]).map(|c| (c.name.as_str(), r)))
        .collect()
}

/// The map's ECharts option (before folio's number formats and description).
pub fn option(figure: &Figure) -> Value {
    let table = &figure.table;
    let y = figure.first_y();
    let column = &table.columns[y];
    let data: Vec<Value> = places(figure)
        .into_iter()
        .map(|(name, r)| json!({"name": name, "value": super::number(column, &table.rows[r][y])}))
        .collect();
    let format = column.number_format();
    let label = |cell: &str| format.text(cell).unwrap_or_else(|| cell.to_string());
    // The legend spans the lowest value to the highest, its ends labelled as the data's
    // cells are formatted everywhere else.
    let mut values: Vec<(f64, &str)> = table
        .rows
        .iter()
        .filter_map(|row| crate::data::parse_number(&row[y]).map(|v| (v, row[y].as_str())))
        .collect();
    values.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Shades start at zero, as bars do, so that a shade's depth is in proportion to its
    // value: spanning only the data's range, 15.8 beside 17 read as pale against dark.
    if values.first().is_some_and(|v| v.0 > 0.0) {
        values.insert(0, (0.0, "0"));
    }
    let ((low, low_cell), (high, high_cell)) = match (values.first(), values.last()) {
        (Some(&l), Some(&h)) if l.0 < h.0 => (l, h),
        // One value, or all equal: the range runs from zero, so the shade is defined.
        (Some(&v), _) if v.0 > 0.0 => ((0.0, "0"), v),
        (Some(&v), _) => (v, (v.0 + 1.0, "")),
        _ => ((0.0, "0"), (1.0, "1")),
    };
    let high_text = if high_cell.is_empty() {
        String::new()
    } else {
        label(high_cell)
    };
    let breaks = &figure.spec.breaks;
    let visual_map = if breaks.is_empty() {
        json!({
            "type": "continuous",
            "min": low,
            "max": high,
            "text": [high_text, label(low_cell)],
            "calculable": false,
            "orient": "horizontal",
            "left": "center",
            "bottom": 8,
            "itemWidth": 12,
            "itemHeight": 160,
            "inRange": {"color": RAMP},
            "textStyle": {"color": "#333333"},
        })
    } else {
        // Classes: below the first break, between breaks (from one, up to the next), and
        // from the last up; labelled with the breaks as the data's cells are formatted.
        let text = |b: f64| label(&format!("{b}"));
        let shades = classes(breaks.len() + 1);
        let mut pieces = vec![
            json!({"lt": breaks[0], "label": format!("under {}", text(breaks[0])), "color": shades[0]}),
        ];
        for (i, pair) in breaks.windows(2).enumerate() {
            pieces.push(json!({
                "gte": pair[0], "lt": pair[1],
                "label": format!("{} to {}", text(pair[0]), text(pair[1])),
                "color": shades[i + 1],
            }));
        }
        let last = breaks[breaks.len() - 1];
        pieces.push(json!({"gte": last, "label": format!("{} and over", text(last)), "color": shades[breaks.len()]}));
        json!({
            "type": "piecewise",
            "pieces": pieces,
            "orient": "horizontal",
            "left": "center",
            "bottom": 8,
            "itemWidth": 14,
            "itemHeight": 10,
            "itemGap": 12,
            "textStyle": {"color": "#333333"},
        })
    };
    json!({
        "animation": false,
        "aria": {"enabled": true},
        "tooltip": {"trigger": "item"},
        "visualMap": visual_map,
        "series": [{
            "type": "map",
            "map": super::geo::MAP_NAME,
            "name": super::axis_name(column),
            "roam": false,
            "top": 16,
            "bottom": 56,
            "left": 8,
            "right": 8,
            "nameProperty": "name",
            "itemStyle": {"areaColor": NO_DATA, "borderColor": "#bbbbbb", "borderWidth": 0.5},
            "emphasis": {"label": {"show": false}, "itemStyle": {"areaColor": "#f0c94a"}},
            "select": {"disabled": true},
            "label": {"show": false},
            "data": data,
        }],
    })
}
