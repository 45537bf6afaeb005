//! Small multiples: `facet = "<column>"` draws one panel per distinct value of the column,
//! each the chart the directive would draw from that value's rows alone.
//!
//! In: a figure with `facet` (and `facet_scales`). Out: one ECharts option holding every
//! panel: a grid, axes and a title per panel, the panels' series pointing at their axes.
//! Panels share their scales unless `facet_scales = "free"`: every value axis gets the same
//! range (rounded out to ECharts' own tick steps), every time axis the same dates and every
//! category axis the same categories, so a bar at the same height means the same value in
//! every panel. Series of the same name take the same colour in every panel (ECharts
//! colours series by name) and share one legend entry. The static image lays the panels out
//! in a grid of up to three columns; on a phone `folioNarrow` stacks them in one.

use serde_json::{Value, json};

use crate::figure::{FacetScales, Figure};

/// Panels per row of the static image, for `n` panels.
pub fn columns(n: usize) -> usize {
    match n {
        0..=3 => n.max(1),
        4 => 2,
        _ => 3,
    }
}

/// A panel's height, in pixels: its title, plot, axis labels and title.
pub const PANEL_HEIGHT: usize = 230;

/// A panel's height on a phone, where panels are stacked in one column.
pub const PHONE_PANEL_HEIGHT: usize = 240;

/// Above the panels: room for the legend, in pixels.
fn top(legend: bool) -> usize {
    if legend { 44 } else { 8 }
}

/// The figure's height at 720 px: its rows of panels under the legend.
pub fn height(figure: &Figure) -> u32 {
    let n = figure.panels().len();
    let rows = n.div_ceil(columns(n));
    (top(true) + rows * PANEL_HEIGHT) as u32
}

/// The figure's least height on a phone: every panel in one column.
pub fn phone_height(figure: &Figure) -> u32 {
    (top(true) + figure.panels().len() * PHONE_PANEL_HEIGHT) as u32
}

/// As a list: an option's component that is one object or a list of them.
fn list(value: Option<&Value>) -> Vec<Value> {
    match value {
        Some(Value::Array(items)) => items.clone(),
        Some(Value::Null) | None => Vec::new(),
        Some(item) => vec![item.clone()],
    }
}

/// The faceted figure's option, with its `folio` number formats.
pub fn option(figure: &Figure) -> Value {
    let panels = figure.panels();
    let n = panels.len();
    let cols = columns(n);
    let height = height(figure) as f64;
    let shared = figure.spec.facet_scales != Some(FacetScales::Free);
    let options: Vec<Value> = panels
        .iter()
        .map(|(_, panel)| super::panel_option(panel))
        .collect();
    let mut merged = options[0].clone();
    let legend = options.iter().any(|o| o.get("legend").is_some());
    let (mut grids, mut titles, mut x_axes, mut y_axes, mut series, mut raw) = (
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
    );
    let pct = |px: f64| format!("{:.2}%", px / height * 100.0);
    let width_pct = 100.0 / cols as f64;
    for (i, ((name, _), option)) in panels.iter().zip(&options).enumerate() {
        let (row, col) = (i / cols, i % cols);
        let y0 = (top(legend) + row * PANEL_HEIGHT) as f64;
        titles.push(json!({
            "text": name,
            "left": format!("{:.2}%", width_pct * (col as f64 + 0.5)),
            "top": pct(y0),
            "textAlign": "center",
            "textStyle": {"fontSize": 13, "fontWeight": "bold", "color": "#333333"},
        }));
        grids.push(json!({
            "left": format!("{:.2}%", width_pct * col as f64 + 1.0),
            "width": format!("{:.2}%", width_pct - 3.0),
            "top": pct(y0 + 30.0),
            "height": pct(PANEL_HEIGHT as f64 - 30.0 - 44.0),
            "containLabel": true,
        }));
        let axes = |key: &str, into: &mut Vec<Value>, titled: bool| {
            for mut axis in list(option.get(key)) {
                axis["gridIndex"] = json!(i);
                // One title per row and column of panels: on the left and under the last
                // row.
                if !titled {
                    axis["name"] = json!("");
                }
                into.push(axis);
            }
        };
        axes("xAxis", &mut x_axes, i + cols >= n);
        axes("yAxis", &mut y_axes, col == 0);
        for mut s in list(option.get("series")) {
            s["xAxisIndex"] = json!(i);
            s["yAxisIndex"] = json!(i);
            series.push(s);
        }
        if let Some(r) = option["folio"]["raw"].as_array() {
            raw.extend(r.iter().cloned());
        }
    }
    if shared {
        share_scales(figure, &mut x_axes, &mut y_axes, &mut series, &mut raw);
    }
    merged["grid"] = json!(grids);
    merged["title"] = json!(titles);
    merged["xAxis"] = json!(x_axes);
    merged["yAxis"] = json!(y_axes);
    merged["series"] = json!(series);
    if legend {
        merged["legend"] = json!({"top": "top"});
    }
    if !raw.is_empty() {
        merged["folio"]["raw"] = json!(raw);
    }
    merged["folio"]["panels"] = json!({"columns": cols, "top": top(legend)});
    merged
}

/// Gives every panel the same scales: category axes the union of the categories (each
/// series' values moved to match), time axes the same first and last dates, value axes the
/// same range.
/// A percent stack's `raw` cells (one list per series, in its categories' order) move with
/// their values.
fn share_scales(
    figure: &Figure,
    x_axes: &mut [Value],
    y_axes: &mut [Value],
    series: &mut [Value],
    raw: &mut [Value],
) {
    for (axes, key) in [(&mut *x_axes, "xAxisIndex"), (&mut *y_axes, "yAxisIndex")] {
        let kind = axes
            .first()
            .and_then(|a| a["type"].as_str())
            .unwrap_or("value")
            .to_string();
        match kind.as_str() {
            "category" => {
                let mut union: Vec<Value> = Vec::new();
                for axis in axes.iter() {
                    for c in list(axis.get("data")) {
                        if !union.contains(&c) {
                            union.push(c);
                        }
                    }
                }
                for (i, axis) in axes.iter_mut().enumerate() {
                    let own = list(axis.get("data"));
                    axis["data"] = json!(union);
                    let moved = |data: &[Value]| -> Value {
                        json!(
                            union
                                .iter()
                                .map(|c| own
                                    .iter()
                                    .position(|o| o == c)
                                    .map_or(Value::Null, |p| data[p].clone()))
                                .collect::<Vec<_>>()
                        )
                    };
                    for (j, s) in series.iter_mut().enumerate() {
                        if s[key] != json!(i) {
                            continue;
                        }
                        let data = list(s.get("data"));
                        // Category-indexed values move to their category's new place.
                        if data.len() == own.len() && !data.iter().any(|d| d.is_array()) {
                            s["data"] = moved(&data);
                            if let Some(cells) = raw.get_mut(j) {
                                let old = list(Some(cells));
                                if old.len() == own.len() {
                                    *cells = moved(&old);
                                }
                            }
                        }
                    }
                }
            }
            "time" => {
                let dates: Vec<String> = figure.table.rows.iter().map(|r| r[0].clone()).collect();
                let (min, max) = super::month_bounds(&dates).unwrap_or_else(|| {
                    (
                        dates.iter().min().cloned().unwrap_or_default(),
                        dates.iter().max().cloned().unwrap_or_default(),
                    )
                });
                for axis in axes.iter_mut() {
                    axis["min"] = json!(min);
                    axis["max"] = json!(max);
                }
            }
            _ => {
                let Some((low, high)) = value_extent(series, key, axes.len()) else {
                    continue;
                };
                let log = kind == "log";
                let fitted = axes.iter().any(|a| a["scale"] == json!(true));
                let (min, max) = nice_range(low, high, log, fitted);
                for axis in axes.iter_mut() {
                    if axis["max"].is_null() {
                        axis["max"] = json!(max);
                    }
                    axis["min"] = json!(min);
                }
            }
        }
    }
}

/// The lowest and highest value the series draw along their value axis (`key` names it):
/// stacked series count as their sums.
fn value_extent(series: &[Value], key: &str, panels: usize) -> Option<(f64, f64)> {
    let mut low = f64::INFINITY;
    let mut high = f64::NEG_INFINITY;
    for panel in 0..panels {
        let mut stacks: std::collections::BTreeMap<usize, (f64, f64)> = Default::default();
        for s in series.iter().filter(|s| s[key] == json!(panel)) {
            let stacked = s.get("stack").is_some();
            for (i, point) in list(s.get("data")).iter().enumerate() {
                let value = match point {
                    Value::Array(pair) if key == "yAxisIndex" => {
                        pair.last().and_then(Value::as_f64)
                    }
                    Value::Array(pair) => pair.first().and_then(Value::as_f64),
                    Value::Object(item) => match item.get("value") {
                        Some(Value::Array(pair)) if key == "yAxisIndex" => {
                            pair.last().and_then(Value::as_f64)
                        }
                        Some(Value::Array(pair)) => pair.first().and_then(Value::as_f64),
                        Some(v) => v.as_f64(),
                        None => None,
                    },
                    v => v.as_f64(),
                };
                let Some(v) = value else { continue };
                if stacked {
                    let sum = stacks.entry(i).or_default();
                    if v >= 0.0 {
                        sum.1 += v
                    } else {
                        sum.0 += v
                    }
                    low = low.min(sum.0);
                    high = high.max(sum.1);
                } else {
                    low = low.min(v);
                    high = high.max(v);
                }
            }
        }
    }
    (low <= high).then_some((low, high))
}

/// A value axis's range over `low..high`, with ends on round steps as ECharts would choose
/// them (about five steps of 1, 2, 3 or 5 times a power of ten); from zero unless the axis
/// is fitted to its data (dots) or logarithmic (powers of ten).
pub fn nice_range(low: f64, high: f64, log: bool, fitted: bool) -> (f64, f64) {
    if log {
        let floor = low.max(f64::MIN_POSITIVE).log10().floor();
        return (
            10f64.powf(floor),
            10f64.powf(high.log10().ceil().max(floor + 1.0)),
        );
    }
    let (low, high) = if fitted {
        (low, high)
    } else {
        (low.min(0.0), high.max(0.0))
    };
    let span = if high > low {
        high - low
    } else {
        high.abs().max(1.0)
    };
    let rough = span / 5.0;
    let power = 10f64.powf(rough.log10().floor());
    let step = [1.0, 2.0, 3.0, 5.0, 10.0]
        .iter()
        .map(|m| m * power)
        .find(|s| *s >= rough * (1.0 - 1e-9))
        .unwrap_or(10.0 * power);
    let round = |v: f64| (v / step).round() * step;
    let min = round((low / step).floor() * step);
    let max = round((high / step).ceil() * step);
    // Whole steps, written without float noise (0.30000000000000004).
    let clean = |v: f64| format!("{v:.10}").parse::<f64>().unwrap_or(v);
    (clean(min), clean(max.max(min + step)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_end_on_round_steps() {
        assert_eq!(nice_range(0.0, 17.1, false, false), (0.0, 20.0));
        assert_eq!(nice_range(3.0, 94.0, false, false), (0.0, 100.0));
        assert_eq!(nice_range(1280.0, 1410.0, false, true), (1260.0, 1410.0));
        assert_eq!(nice_range(-4.0, 9.0, false, false), (-6.0, 9.0));
        assert_eq!(nice_range(2.0, 3000.0, true, false), (1.0, 10000.0));
        assert_eq!(nice_range(0.1, 0.27, false, false), (0.0, 0.3));
    }

    #[test]
    fn lays_out_up_to_three_panels_a_row() {
        assert_eq!(
            (1..=7).map(columns).collect::<Vec<_>>(),
            vec![1, 2, 3, 2, 3, 3, 3]
        );
    }
}
