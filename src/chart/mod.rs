//! Charts: a resolved [`Figure`] to an ECharts option, built with `charming`'s option
//! model, and that option to a static SVG ([`svg`]).
//!
//! In: a figure (its spec and the exact rows it plots). Out: the option as JSON, the same
//! JSON drawn in the browser and rendered to `figure.svg`, so both renderings agree.
//!
//! Missing values become `null`, which ECharts draws as a gap, never as zero. A date x
//! column gives a time axis (bars keep a category axis, one bar per date); a numeric x
//! column gives a value axis for scatter charts and a category axis otherwise (so years do
//! not get thousands separators).

pub mod describe;
pub mod facet;
pub mod geo;
pub mod map;
pub mod preview;
pub mod svg;
pub mod timeline;

use charming::Chart;
use charming::component::{Aria, Axis, Grid, Legend};
use charming::datatype::{CompositeValue, DataPoint, DataPointItem, NumericValue};
use charming::element::{AreaStyle, AxisType, NameLocation, TextStyle, Tooltip, Trigger};
use charming::series::{Bar, Line, Pie, Scatter};

use crate::data::{Column, ColumnType};
use crate::figure::{ChartType, Figure};

/// The diameter of a dot in a dot chart, in pixels.
const DOT_SIZE: f64 = 11.0;

/// Beyond this many points a line is drawn without a marker per point.
pub const DENSE_POINTS: usize = 60;

/// The rendering size of the static SVG, in pixels; it scales with the page.
pub const WIDTH: u32 = 720;
/// See [`WIDTH`].
pub const HEIGHT: u32 = 420;

/// A palette distinguishable with the common colour-vision deficiencies: Okabe and Ito's
/// eight (Okabe & Ito 2008, "Color Universal Design"), then four of Paul Tol's "muted"
/// scheme (Tol 2021, "Colour Schemes", SRON/EPS/TN/09-002) that differ from them in
/// lightness. Series nine to twelve are also drawn dashed, so that no two lines rely on hue
/// alone. The browser's dark mode uses lighter twins (templates/assets/folio.js).
const PALETTE: &[&str] = &[
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#E69F00", "#000000", "#999999",
    "#882255", "#117733", "#332288", "#999933",
];

/// How many series (or slices) a chart may draw: one colour each.
pub const COLOURS: usize = PALETTE.len();

/// Series from this one on are told apart by more than their colour (see [`PALETTE`]).
const MARKED_FROM: usize = 8;

/// Series (or pie slices) from [`MARKED_FROM`] on share a hue family with one of the first
/// eight: lines and areas are drawn dashed, dots take another shape, bars and slices a
/// pattern. (charming has no setters for decals, so this is set on the JSON.)
fn mark_beyond_eight(option: &mut serde_json::Value) {
    const SHAPES: [&str; 4] = ["diamond", "triangle", "rect", "pin"];
    let Some(series) = option.get_mut("series").and_then(|s| s.as_array_mut()) else {
        return;
    };
    let stripes = serde_json::json!({"decal": {"symbol": "rect", "dashArrayX": [1, 0], "dashArrayY": [3, 5], "rotation": 0.785, "color": "rgba(255, 255, 255, 0.6)"}});
    for (index, series) in series.iter_mut().enumerate() {
        let Some(series) = series.as_object_mut() else {
            continue;
        };
        match series.get("type").and_then(|t| t.as_str()) {
            Some("pie") => {
                if let Some(slices) = series.get_mut("data").and_then(|d| d.as_array_mut()) {
                    for slice in slices.iter_mut().skip(MARKED_FROM) {
                        if let Some(slice) = slice.as_object_mut() {
                            slice.insert("itemStyle".into(), stripes.clone());
                        }
                    }
                }
            }
            _ if index < MARKED_FROM => {}
            Some("line") => {
                series.insert("lineStyle".into(), serde_json::json!({"type": "dashed"}));
            }
            Some("scatter") => {
                series.insert(
                    "symbol".into(),
                    SHAPES[(index - MARKED_FROM) % SHAPES.len()].into(),
                );
            }
            Some("bar") => {
                series.insert("itemStyle".into(), stripes.clone());
            }
            _ => {}
        }
    }
}

/// The script that the browser and the static renderer both run on a chart's option:
/// `folioNumber` (tick and tooltip formats, [`crate::number`]) and `folioFit`.
pub const CHART_JS: &str = include_str!("../../templates/assets/folio-chart.js");

/// The ECharts option for a figure, as JSON with its keys in a stable order.
pub fn option(figure: &Figure) -> serde_json::Value {
    let mut option = match figure.spec.kind {
        ChartType::Timeline => {
            let mut option = timeline::option(figure);
            label_time_ends(&mut option);
            draw_marks(&mut option, figure);
            option["folio"] =
                serde_json::json!({"timeline": {"lanes": figure.spec.series.is_some()}});
            option
        }
        ChartType::Map => {
            let mut option = map::option(figure);
            option["folio"] = number_formats(figure);
            option
        }
        _ if figure.spec.facet.is_some() => facet::option(figure),
        _ => panel_option(figure),
    };
    if let Some(object) = option.as_object_mut() {
        // The description screen readers announce (ECharts' aria label).
        object.insert(
            "aria".into(),
            serde_json::json!({"enabled": true, "label": {"description": figure.description()}}),
        );
    }
    option
}

/// The option of a chart of one panel (every figure without `facet`, and each panel of one
/// with it), with its `folio` number formats.
fn panel_option(figure: &Figure) -> serde_json::Value {
    let chart = build(figure);
    let mut option = serde_json::to_value(&chart).expect("a charming option serialises");
    label_every_category(&mut option);
    label_time_ends(&mut option);
    mark_beyond_eight(&mut option);
    join_dumbbells(&mut option, figure);
    draw_marks(&mut option, figure);
    option["folio"] = number_formats(figure);
    option
}

/// A figure's size in pixels: the static image's height at [`WIDTH`], and the least height
/// of its interactive chart on a phone, where that is more than its width keeps (a
/// timeline's rows, stacked panels).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    /// The static SVG's height at [`WIDTH`] pixels wide.
    pub height: u32,
    /// The interactive chart's least height on a phone, if it has one.
    pub phone_height: Option<u32>,
}

/// The size a figure is drawn at.
pub fn size(figure: &Figure) -> Size {
    match figure.spec.kind {
        ChartType::Timeline => Size {
            height: timeline::height(figure, timeline::LABEL_WIDTH).max(260),
            phone_height: Some(timeline::height(figure, timeline::PHONE_LABEL_WIDTH)),
        },
        ChartType::Map => Size {
            height: 380,
            phone_height: None,
        },
        _ if figure.spec.facet.is_some() => Size {
            height: facet::height(figure).max(HEIGHT),
            phone_height: Some(facet::phone_height(figure)),
        },
        _ => Size {
            height: HEIGHT,
            phone_height: None,
        },
    }
}

/// Up to this many categories, every one is labelled.
const LABEL_ALL: usize = 4;

/// The width, in pixels, that a chart's labels share on a phone (a 360 px screen).
const PHONE_LABELS_WIDTH: usize = 290;

/// The line height of wrapped labels, in pixels (12 px text).
const LABEL_LINE: usize = 14;

/// ECharts leaves out category labels that it expects to overlap, so a bar chart of three
/// origins showed only two names. A horizontal category axis with a few categories labels
/// every one, wrapping long names at spaces to the width each has on a phone, and moves the
/// axis name down by the extra lines. (charming has no setters for these keys, so they are
/// set on the JSON.)
fn label_every_category(option: &mut serde_json::Value) {
    let Some(axis) = option.get_mut("xAxis").and_then(|a| a.as_object_mut()) else {
        return;
    };
    if axis.get("type").and_then(|t| t.as_str()) != Some("category") {
        return;
    }
    let names: Vec<String> = match axis.get("data") {
        Some(serde_json::Value::Array(data)) => data
            .iter()
            .map(|d| d.as_str().unwrap_or_default().to_string())
            .collect(),
        _ => return,
    };
    if names.is_empty() || names.len() > LABEL_ALL {
        return;
    }
    let width = (PHONE_LABELS_WIDTH / names.len()).min(160);
    let lines = names
        .iter()
        .map(|name| wrapped_lines(name, width as f32))
        .max()
        .unwrap_or(1);
    if let Some(gap) = axis.get("nameGap").and_then(|g| g.as_f64()) {
        let gap = gap + (LABEL_LINE * (lines - 1)) as f64;
        axis.insert("nameGap".into(), gap.into());
    }
    let label = axis
        .entry("axisLabel")
        .or_insert_with(|| serde_json::json!({}));
    if let Some(label) = label.as_object_mut() {
        label.insert("interval".into(), 0.into());
        label.insert("width".into(), width.into());
        label.insert("overflow".into(), "break".into());
        label.insert("lineHeight".into(), LABEL_LINE.into());
    }
}

/// A dot chart of two series is a dumbbell: a grey bar joins each category's two dots, so
/// the gap between them reads at a glance. Drawn as line marks of the second series (the
/// first carries the directive's `marks`).
fn join_dumbbells(option: &mut serde_json::Value, figure: &Figure) {
    use serde_json::json;
    if figure.spec.kind != ChartType::Dot {
        return;
    }
    let series = series_rows(figure);
    let [(_, y, a), (_, _, b)] = series.as_slice() else {
        return;
    };
    let table = &figure.table;
    let swapped = figure.spec.horizontal;
    let value = |rows: &[usize], category: &str| {
        rows.iter()
            .find(|&&r| table.rows[r][0] == category)
            .and_then(|&r| crate::data::parse_number(&table.rows[r][*y]))
    };
    let pairs: Vec<serde_json::Value> = categories(figure)
        .iter()
        .filter_map(|category| {
            let (from, to) = (value(a, category)?, value(b, category)?);
            let at = |v: f64| {
                if swapped {
                    json!([v, category])
                } else {
                    json!([category, v])
                }
            };
            Some(json!([{"coord": at(from)}, {"coord": at(to)}]))
        })
        .collect();
    let Some(second) = option
        .get_mut("series")
        .and_then(|s| s.get_mut(1))
        .and_then(|s| s.as_object_mut())
    else {
        return;
    };
    if !pairs.is_empty() {
        second.insert(
            "markLine".into(),
            json!({
                "silent": true, "symbol": "none",
                "label": {"show": false},
                "lineStyle": {"color": "#bbbbbb", "type": "solid", "width": 3},
                "data": pairs,
            }),
        );
    }
}

/// The colour of reference marks: dark grey, apart from the series' colours.
const MARK_COLOUR: &str = "#555555";

/// Draws the directive's `marks` on the first series (ECharts' markLine, markArea and
/// markPoint): a line at an x or a y, a band between two, a note at a point. The value
/// (`y`) is on the horizontal axis of horizontal charts. (charming's builders for these are
/// not used: the JSON is built here, next to the rules that place it.)
fn draw_marks(option: &mut serde_json::Value, figure: &Figure) {
    use serde_json::{Value, json};
    let spec = &figure.spec;
    if spec.marks.is_empty() {
        return;
    }
    let swapped = spec.horizontal && x_axis_kind(figure) == XAxis::Category;
    let (x_key, y_key) = if swapped {
        ("yAxis", "xAxis")
    } else {
        ("xAxis", "yAxis")
    };
    let x_value = |v: &crate::figure::MarkValue| match v {
        crate::figure::MarkValue::Number(n) if x_axis_kind(figure) == XAxis::Value => json!(n),
        other => json!(other.text()),
    };
    let label = |text: &str, position: &str| json!({"show": true, "formatter": text.replace('{', "(").replace('}', ")"), "position": position, "color": MARK_COLOUR});
    let (mut lines, mut areas, mut points) = (Vec::new(), Vec::new(), Vec::new());
    for mark in &spec.marks {
        let xs: Vec<Value> = mark
            .x
            .as_ref()
            .map(|x| x.to_vec().iter().map(x_value).collect())
            .unwrap_or_default();
        let ys: Vec<Value> = mark
            .y
            .as_ref()
            .map(|y| y.to_vec().into_iter().map(|v| json!(v)).collect())
            .unwrap_or_default();
        match (xs.as_slice(), ys.as_slice()) {
            ([x], [y]) => points.push(json!({
                "coord": if swapped { json!([y, x]) } else { json!([x, y]) },
                "value": mark.label,
                "label": label(&mark.label, "top"),
            })),
            ([x], []) => lines.push(json!({x_key: x, "label": label(&mark.label, "insideEndTop")})),
            ([], [y]) => lines.push(json!({y_key: y, "label": label(&mark.label, "insideEndTop")})),
            ([a, b], []) => areas.push(json!([{x_key: a, "name": mark.label, "label": label(&mark.label, "insideTop")}, {x_key: b}])),
            ([], [a, b]) => areas.push(json!([{y_key: a, "name": mark.label, "label": label(&mark.label, "insideTop")}, {y_key: b}])),
            _ => {}
        }
    }
    let Some(first) = option
        .get_mut("series")
        .and_then(|s| s.get_mut(0))
        .and_then(|s| s.as_object_mut())
    else {
        return;
    };
    if !lines.is_empty() {
        first.insert(
            "markLine".into(),
            json!({
                "silent": true, "symbol": "none",
                "lineStyle": {"color": MARK_COLOUR, "type": "dashed", "width": 1},
                "data": lines,
            }),
        );
    }
    if !areas.is_empty() {
        first.insert(
            "markArea".into(),
            json!({
                "silent": true,
                "itemStyle": {"color": "rgba(120, 120, 120, 0.12)"},
                "data": areas,
            }),
        );
    }
    if !points.is_empty() {
        first.insert(
            "markPoint".into(),
            json!({
                "silent": true, "symbol": "circle", "symbolSize": 6,
                "itemStyle": {"color": MARK_COLOUR},
                "data": points,
            }),
        );
    }
}

/// A time axis labels its first and last dates: without this, a line over 2022, 2023 and
/// 2024 ended unlabelled at 2024, ECharts leaving out a label at the axis's end. (charming
/// has no setters for these keys.)
fn label_time_ends(option: &mut serde_json::Value) {
    let Some(axis) = option.get_mut("xAxis").and_then(|a| a.as_object_mut()) else {
        return;
    };
    if axis.get("type").and_then(|t| t.as_str()) != Some("time") {
        return;
    }
    let label = axis
        .entry("axisLabel")
        .or_insert_with(|| serde_json::json!({}));
    if let Some(label) = label.as_object_mut() {
        label.insert("showMinLabel".into(), true.into());
        label.insert("showMaxLabel".into(), true.into());
    }
}

/// How many lines `text` takes at 12 px in DejaVu Sans (wider than most sans-serif fonts),
/// wrapped at spaces to `width` pixels; a word wider than a line is broken.
fn wrapped_lines(text: &str, width: f32) -> usize {
    let measure = |word: &str| preview::text_width(word, 12.0);
    let space = measure(" ");
    let mut lines = 1;
    let mut used = 0.0;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let w = measure(word);
        if used > 0.0 && used + space + w <= width {
            used += space + w;
            continue;
        }
        if used > 0.0 {
            lines += 1;
        }
        // A word wider than a line takes as many lines as it needs.
        let extra = (w / width).ceil().max(1.0) as usize - 1;
        lines += extra;
        used = w - extra as f32 * width;
    }
    lines
}

/// The option as JSON text to embed in `<script type="application/json">`: `<`, `>`, `&`,
/// U+2028 and U+2029 are written as `\u` escapes, so no data value can end the element or
/// be read as markup, and `JSON.parse` reads back the same values.
pub fn embeddable_json(option: &serde_json::Value) -> String {
    let json = serde_json::to_string(option).expect("JSON serialises");
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

fn number(column: &Column, cell: &str) -> Option<NumericValue> {
    let value = crate::data::parse_number(cell)?;
    Some(match (column.kind, cell.parse::<i64>()) {
        (ColumnType::Integer, Ok(n)) => NumericValue::Integer(n),
        _ => NumericValue::Float(value),
    })
}

/// For dates given to the day, the months that hold them: the first day of the first one's
/// month and of the month after the last one, as `YYYY-MM-DD`. A time axis over days ends
/// there, on labelled month boundaries: ending on the dates themselves, its end labels read
/// "18" and "6" (days of months it did not name). `None` for dates by month or year, whose
/// ends are labelled as they are.
fn month_bounds(dates: &[String]) -> Option<(String, String)> {
    let parsed: Vec<(i32, u32, u32)> = dates
        .iter()
        .filter_map(|d| crate::names::parse_date(d))
        .collect();
    if !parsed.iter().any(|&(_, _, day)| day != 0) {
        return None;
    }
    let (y0, m0, _) = *parsed.iter().min()?;
    let (y1, m1, _) = *parsed.iter().max()?;
    let month = |m: u32| m.max(1);
    let (y2, m2) = if month(m1) == 12 {
        (y1 + 1, 1)
    } else {
        (y1, month(m1) + 1)
    };
    Some((
        format!("{y0:04}-{:02}-01", month(m0)),
        format!("{y2:04}-{m2:02}-01"),
    ))
}

/// The distinct x values of a figure, in the order of its rows.
fn categories(figure: &Figure) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for row in &figure.table.rows {
        if !seen.contains(&row[0]) {
            seen.push(row[0].clone());
        }
    }
    seen
}

/// How the x column is laid out.
#[derive(Clone, Copy, PartialEq)]
enum XAxis {
    Category,
    Time,
    Value,
}

fn x_axis_kind(figure: &Figure) -> XAxis {
    let x = &figure.table.columns[0];
    match (figure.spec.kind, x.kind) {
        (ChartType::Scatter, ColumnType::Date) => XAxis::Time,
        (ChartType::Scatter, _) => XAxis::Value,
        (ChartType::Line | ChartType::Area, ColumnType::Date) => XAxis::Time,
        (ChartType::Timeline, _) => XAxis::Time,
        _ => XAxis::Category,
    }
}

/// The series of a figure: (name, y column index in the table, rows of the table).
fn series_rows(figure: &Figure) -> Vec<(String, usize, Vec<usize>)> {
    let table = &figure.table;
    let first_y = figure.first_y();
    // A series without a single value would only be a name in the legend (its rows are
    // still in the data table).
    let drawn = |(_, y, rows): &(String, usize, Vec<usize>)| {
        rows.iter()
            .any(|&r| crate::data::parse_number(&table.rows[r][*y]).is_some())
    };
    let all: Vec<(String, usize, Vec<usize>)> = match figure.spec.series {
        Some(_) => {
            let mut names: Vec<String> = Vec::new();
            for row in &table.rows {
                if !names.contains(&row[1]) {
                    names.push(row[1].clone());
                }
            }
            names
                .into_iter()
                .map(|name| {
                    let rows = (0..table.rows.len())
                        .filter(|&r| table.rows[r][1] == name)
                        .collect();
                    (name, first_y, rows)
                })
                .collect()
        }
        None => (first_y..figure.end_y())
            .map(|col| {
                (
                    table.columns[col].label().to_string(),
                    col,
                    (0..table.rows.len()).collect(),
                )
            })
            .collect(),
    };
    all.into_iter().filter(drawn).collect()
}

/// The smallest tick step that suits dates given by year (`YYYY`), month or day, in
/// milliseconds, so monthly data is not labelled by day.
fn date_step(dates: &[String]) -> f64 {
    const DAY: f64 = 86_400_000.0;
    let coarsest = dates
        .iter()
        .filter_map(|d| crate::names::parse_date(d))
        .map(|(_, month, day)| match (month, day) {
            (0, _) => 365.0,
            (_, 0) => 28.0,
            _ => 1.0,
        })
        .fold(1.0, f64::max);
    coarsest * DAY
}

/// An axis title: the column's label (or description, or name), with the unit once. A
/// percentage or a currency is on every tick label instead ([`crate::number`]).
fn axis_name(column: &Column) -> String {
    let unit = column.unit();
    if unit == "%" || unit == "×" || unit.ends_with(['$', '€', '£', '¥']) {
        return column.label().to_string();
    }
    column.heading()
}

fn value_axis(column: &Column) -> Axis {
    Axis::new().type_(AxisType::Value).name(axis_name(column))
}

/// The value axis's title: the directive's `y_title` (with the unit) when it names an axis
/// of several y columns, else the first y column's.
fn value_axis_name(figure: &Figure) -> String {
    let column = &figure.table.columns[figure.first_y()];
    match &figure.spec.y_title {
        Some(title) if figure.end_y() - figure.first_y() > 1 => {
            let mut titled = column.clone();
            titled
                .meta
                .get_or_insert_with(|| crate::data::ColumnMeta::of(column.kind))
                .label = title.clone();
            axis_name(&titled)
        }
        _ => axis_name(column),
    }
}

/// The number formats of a chart's value axes and tooltip, under the option's `folio` key,
/// for `folioNumber.prepare` (templates/assets/folio-chart.js) to turn into formatters.
fn number_formats(figure: &Figure) -> serde_json::Value {
    let table = &figure.table;
    let y = table.columns[figure.first_y()].number_format();
    let x = (x_axis_kind(figure) == XAxis::Value).then(|| table.columns[0].number_format());
    let (x_axis, y_axis) = match figure.spec.kind {
        ChartType::Pie => (None, None),
        _ if figure.spec.horizontal && x_axis_kind(figure) == XAxis::Category => {
            (Some(y.clone()), None)
        }
        _ => (x.clone(), Some(y.clone())),
    };
    // The axis of a percent stack shows shares; its tooltip gives each value and its share.
    let share = crate::number::NumberFormat {
        unit: "%".to_string(),
        digits: Some(1),
        ..Default::default()
    };
    let (x_axis, y_axis) = match figure.spec.stacked.is_percent() {
        true if x_axis.is_some() && y_axis.is_none() => (Some(share.clone()), None),
        true => (x_axis, Some(share.clone())),
        false => (x_axis, y_axis),
    };
    let raw: Option<Vec<Vec<Option<String>>>> = figure.spec.stacked.is_percent().then(|| {
        let categories = categories(figure);
        series_rows(figure)
            .iter()
            .map(|(_, col, rows)| match x_axis_kind(figure) {
                XAxis::Category => categories
                    .iter()
                    .map(|c| {
                        rows.iter()
                            .find(|&&r| &table.rows[r][0] == c)
                            .map(|&r| table.rows[r][*col].clone())
                    })
                    .collect(),
                _ => rows
                    .iter()
                    .map(|&r| Some(table.rows[r][*col].clone()))
                    .collect(),
            })
            .collect()
    });
    // A scatter point's tooltip shows both coordinates.
    serde_json::json!({
        "xAxis": x_axis,
        "yAxis": y_axis,
        "tooltip": y,
        "tooltipX": x,
        "share": raw.as_ref().map(|_| share),
        "raw": raw
    })
}

fn build(figure: &Figure) -> Chart {
    let spec = &figure.spec;
    let table = &figure.table;
    let x_column = &table.columns[0];
    let y_column = &table.columns[figure.first_y()];
    let series = series_rows(figure);
    let mut chart = Chart::new()
        .color(
            PALETTE
                .iter()
                .map(|c| charming::element::Color::from(*c))
                .collect(),
        )
        .aria(Aria::new().enabled(true))
        .animation(false);
    if series.len() > 1 || spec.kind == ChartType::Pie {
        // A plain legend wraps onto as many rows as it needs, so every series is named in
        // the static image too (a scrolling legend's pager cannot work in a picture);
        // `folioFit` moves the plot below it.
        chart = chart.legend(Legend::new().top("top"));
    }
    chart = chart.tooltip(Tooltip::new().trigger(match spec.kind {
        ChartType::Pie | ChartType::Scatter | ChartType::Dot => Trigger::Item,
        _ => Trigger::Axis,
    }));

    if spec.kind == ChartType::Pie {
        let data: Vec<DataPoint> = table
            .rows
            .iter()
            .filter_map(|row| {
                let value = number(y_column, &row[1])?;
                Some(DataPoint::Item(
                    DataPointItem::new(CompositeValue::Number(value)).name(row[0].clone()),
                ))
            })
            .collect();
        // The legend names the slices: labels around the pie, longer than the room beside
        // it, overlapped and were cut on a phone. The tooltip gives each slice's value.
        return chart.series(
            Pie::new()
                .label(charming::element::Label::new().show(false))
                .name(y_column.label().to_string())
                .radius(vec!["35%", "65%"])
                .center(vec!["50%", "55%"])
                .data(data),
        );
    }

    let x_kind = x_axis_kind(figure);
    let categories = categories(figure);
    let grid = Grid::new()
        .left(12)
        .right(24)
        .bottom(32)
        .top(if series.len() > 1 { 48 } else { 36 })
        .contain_label(true);
    chart = chart.grid(grid);
    let x_axis = match x_kind {
        XAxis::Category => Axis::new()
            .type_(AxisType::Category)
            .name(axis_name(x_column))
            .data(categories.clone()),
        XAxis::Time => {
            let axis = Axis::new()
                .type_(AxisType::Time)
                .name(axis_name(x_column))
                .min_interval(date_step(&categories));
            match month_bounds(&categories) {
                Some((first, last)) => axis.min(first).max(last),
                None => axis,
            }
        }
        XAxis::Value => value_axis(x_column).scale(true),
    };
    // Bars and areas start at zero (their length is the value); a dot's position is its
    // value, so its axis is fitted to the data and small differences stay visible.
    let y_axis = value_axis(y_column).name(value_axis_name(figure));
    let y_axis = match spec.kind {
        ChartType::Dot => y_axis.scale(true),
        _ => y_axis,
    };
    let y_axis = match spec.scale {
        Some(crate::figure::Scale::Log) => y_axis.type_(AxisType::Log),
        _ => y_axis,
    };
    // Shares stack to 100%; the axis says what they are shares of.
    let y_axis = if spec.stacked.is_percent() {
        y_axis
            .max(100)
            .name(format!("{}, share of each total", value_axis_name(figure)))
    } else {
        y_axis
    };
    // The horizontal axis is named in the middle, under its labels.
    let below = |axis: Axis| axis.name_location(NameLocation::Middle).name_gap(28);
    chart = if spec.horizontal && x_kind == XAxis::Category {
        // Bar labels name the categories; an axis name would collide with the value axis.
        let categories = Axis::new()
            .type_(AxisType::Category)
            .data(categories.clone())
            .inverse(true);
        chart.x_axis(below(y_axis)).y_axis(categories)
    } else {
        // A vertical axis's name sits above it; starting it at the axis keeps it in view.
        let y_axis = y_axis.name_text_style(TextStyle::new().align("left"));
        chart.x_axis(below(x_axis)).y_axis(y_axis)
    };

    // `stacked = "percent"`: each value as a share of its x's total, in percent.
    // An x where a series has no value has no known total: its shares are gaps, not a
    // share of what happens to be there.
    let totals: std::collections::HashMap<&str, f64> = if spec.stacked.is_percent() {
        let mut sums: std::collections::HashMap<&str, (f64, usize)> =
            std::collections::HashMap::new();
        for (_, y, rows) in &series {
            for &r in rows {
                if let Some(v) = crate::data::parse_number(&table.rows[r][*y]) {
                    let sum = sums.entry(table.rows[r][0].as_str()).or_insert((0.0, 0));
                    sum.0 += v;
                    sum.1 += 1;
                }
            }
        }
        sums.into_iter()
            .filter(|(_, (_, n))| *n == series.len())
            .map(|(x, (total, _))| (x, total))
            .collect()
    } else {
        std::collections::HashMap::new()
    };
    let shown = |x: &str, value: Option<NumericValue>| -> Option<NumericValue> {
        if !spec.stacked.is_percent() {
            return value;
        }
        let v = match value? {
            NumericValue::Integer(n) => n as f64,
            NumericValue::Float(f) => f,
        };
        let total = totals.get(x).copied()?;
        (total != 0.0).then(|| NumericValue::Float(v / total * 100.0))
    };
    for (name, y, rows) in series {
        let y_col = &table.columns[y];
        let data: Vec<DataPoint> = match x_kind {
            XAxis::Category => categories
                .iter()
                .map(|category| {
                    let value = rows
                        .iter()
                        .find(|&&r| &table.rows[r][0] == category)
                        .and_then(|&r| number(y_col, &table.rows[r][y]));
                    DataPoint::Value(CompositeValue::OptionalNumber(shown(category, value)))
                })
                .collect(),
            XAxis::Time | XAxis::Value => rows
                .iter()
                .map(|&r| {
                    let x: CompositeValue = match x_kind {
                        XAxis::Value => {
                            CompositeValue::OptionalNumber(number(x_column, &table.rows[r][0]))
                        }
                        _ => CompositeValue::String(table.rows[r][0].clone()),
                    };
                    let value = CompositeValue::OptionalNumber(shown(
                        &table.rows[r][0],
                        number(y_col, &table.rows[r][y]),
                    ));
                    let point = CompositeValue::Array(vec![x, value]);
                    // A `label` column names each point in its tooltip.
                    match figure.label(r) {
                        Some(label) => DataPoint::Item(DataPointItem::new(point).name(label)),
                        None => DataPoint::Value(point),
                    }
                })
                .collect(),
        };
        // On a dense line a marker per point hides the line; the tooltip still finds them.
        let symbols = data.len() <= DENSE_POINTS;
        chart = match spec.kind {
            ChartType::Line => chart.series(Line::new().name(name).show_symbol(symbols).data(data)),
            ChartType::Area => {
                let line = Line::new()
                    .name(name)
                    .show_symbol(symbols)
                    .area_style(AreaStyle::new())
                    .data(data);
                chart.series(if spec.stacked.is_on() {
                    line.stack("total")
                } else {
                    line
                })
            }
            ChartType::Bar => {
                let bar = Bar::new().name(name).data(data);
                chart.series(if spec.stacked.is_on() {
                    bar.stack("total")
                } else {
                    bar
                })
            }
            ChartType::Scatter => chart.series(Scatter::new().name(name).data(data)),
            ChartType::Dot => {
                chart.series(Scatter::new().name(name).symbol_size(DOT_SIZE).data(data))
            }
            ChartType::Pie | ChartType::Timeline | ChartType::Map => {
                unreachable!("pies return above; timelines and maps are drawn by their modules")
            }
        };
    }
    chart
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_could_end_a_script_element() {
        let value = serde_json::json!({"name": "</script><img src=x onerror=alert(1)> & \u{2028}"});
        let json = embeddable_json(&value);
        assert_eq!(
            json,
            r#"{"name":"\u003c/script\u003e\u003cimg src=x onerror=alert(1)\u003e \u0026 \u2028"}"#
        );
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&json).unwrap(),
            value
        );
    }

    #[test]
    fn labels_every_one_of_a_few_categories() {
        let axis = |names: &[&str]| {
            let mut option =
                serde_json::json!({"xAxis": {"type": "category", "data": names, "nameGap": 28}});
            label_every_category(&mut option);
            option["xAxis"].clone()
        };
        let short = axis(&["China", "United States", "EU"]);
        assert_eq!(
            short["axisLabel"],
            serde_json::json!({"interval": 0, "width": 96, "overflow": "break", "lineHeight": 14})
        );
        assert_eq!(short["nameGap"], 28.0);
        // Two lines at 96 px: the axis name moves down one line.
        let long = axis(&["China", "United States", "International (unaffiliated)"]);
        assert_eq!(long["nameGap"], 42.0);
        assert_eq!(axis(&["a"; LABEL_ALL])["axisLabel"]["width"], 72);
        assert_eq!(
            axis(&["a"; LABEL_ALL + 1])["axisLabel"],
            serde_json::Value::Null
        );
        let mut values = serde_json::json!({"xAxis": {"type": "value"}});
        label_every_category(&mut values);
        assert_eq!(values, serde_json::json!({"xAxis": {"type": "value"}}));
    }

    #[test]
    fn counts_wrapped_lines() {
        assert_eq!(wrapped_lines("China", 96.0), 1);
        assert_eq!(wrapped_lines("United States", 96.0), 1);
        assert_eq!(wrapped_lines("International (unaffiliated)", 96.0), 2);
        // A word wider than the line is broken.
        assert_eq!(wrapped_lines("Internationalisation", 60.0), 2);
        assert_eq!(wrapped_lines("Internationalisation", 50.0), 3);
        assert_eq!(wrapped_lines("", 60.0), 1);
    }
}
