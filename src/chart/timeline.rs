//! Timelines: events on a date axis, one row each, named by the `label` column and grouped
//! in lanes by `series`.
//!
//! In: a figure of `type = "timeline"` (a date `x`, a `label`, an optional `series`). Out:
//! its ECharts option. Each event has a row of its own, its label beside the axis wrapped
//! onto as many lines as it needs and its dot at its date, so labels cannot overlap however
//! close the dates are (labels set beside their dots collide as soon as two events fall in
//! one month). The chart is as tall as its rows ([`height`]). Lanes keep their events
//! together, in date order, each lane in its own colour, named in the legend.

use serde_json::{Value, json};

use crate::figure::Figure;

/// The width of an event's label at the static image's 720 px, in pixels.
pub const LABEL_WIDTH: f32 = 260.0;

/// The most lines an event's label takes; a longer one ends in an ellipsis (the tooltip and
/// the data table give it whole).
const MAX_LINES: usize = 3;

/// The width of an event's label on a phone: the share `folioNarrow` gives a timeline's
/// labels (45% of a 330 px chart).
pub const PHONE_LABEL_WIDTH: f32 = 149.0;

/// The height of a row's text line, and what a row adds around its lines, in pixels.
const LINE: usize = 14;
const ROW_PADDING: usize = 8;

/// Above and below the rows: the legend, the date axis and its title, in pixels.
const CHROME: usize = 96;

/// The events in the order drawn: (lane, rows of the table), lanes in the order they first
/// appear, each lane's events by date (stable: events of one date keep the file's order).
pub fn lanes(figure: &Figure) -> Vec<(String, Vec<usize>)> {
    let table = &figure.table;
    let mut lanes: Vec<(String, Vec<usize>)> = Vec::new();
    for r in 0..table.rows.len() {
        let lane = match figure.spec.series {
            Some(_) => table.rows[r][1].clone(),
            None => String::new(),
        };
        match lanes.iter_mut().find(|(name, _)| *name == lane) {
            Some((_, rows)) => rows.push(r),
            None => lanes.push((lane, vec![r])),
        }
    }
    for (_, rows) in &mut lanes {
        rows.sort_by_key(|&r| crate::names::parse_date(&table.rows[r][0]));
    }
    lanes
}

/// The height, in pixels, that shows every event's label at `label_width` without overlap:
/// a category axis gives every row the same height, that of the longest label.
pub fn height(figure: &Figure, label_width: f32) -> u32 {
    let lines = (0..figure.table.rows.len())
        .map(|r| lines(figure.label(r).unwrap_or_default(), label_width))
        .max()
        .unwrap_or(1)
        .min(MAX_LINES);
    (figure.table.rows.len() * (lines * LINE + ROW_PADDING) + CHROME) as u32
}

/// How many lines `folioLines` (templates/assets/folio-chart.js) breaks `text` into at
/// `width` pixels, before it stops at [`MAX_LINES`]: lines of at most width / 7 characters,
/// broken at spaces, a longer word cut.
pub fn lines(text: &str, width: f32) -> usize {
    let per = ((width / 7.0).floor() as usize).max(8);
    let mut lines = 0;
    let mut line = 0;
    for word in text.split_whitespace() {
        let mut word = word.chars().count();
        while word > per {
            if line > 0 {
                lines += 1;
                line = 0;
            }
            lines += 1;
            word -= per;
        }
        if word == 0 {
            continue;
        }
        if line == 0 {
            line = word;
        } else if line + 1 + word <= per {
            line += 1 + word;
        } else {
            lines += 1;
            line = word;
        }
    }
    lines + usize::from(line > 0)
}

/// The timeline's ECharts option (before folio's number formats and description).
pub fn option(figure: &Figure) -> Value {
    let table = &figure.table;
    let lanes = lanes(figure);
    let labels: Vec<&str> = lanes
        .iter()
        .flat_map(|(_, rows)| rows)
        .map(|&r| figure.label(r).unwrap_or_default())
        .collect();
    let dates: Vec<String> = table.rows.iter().map(|row| row[0].clone()).collect();
    let mut index = 0;
    let series: Vec<Value> = lanes
        .iter()
        .map(|(lane, rows)| {
            let data: Vec<Value> = rows
                .iter()
                .map(|&r| {
                    let point =
                        json!({"name": figure.label(r), "value": [table.rows[r][0], index]});
                    index += 1;
                    point
                })
                .collect();
            json!({"type": "scatter", "name": lane, "symbolSize": super::DOT_SIZE, "data": data})
        })
        .collect();
    let mut x_axis = json!({
        "type": "time",
        "name": super::axis_name(&table.columns[0]),
        "nameLocation": "middle",
        "nameGap": 28,
        "minInterval": super::date_step(&dates),
        "splitLine": {"show": true, "lineStyle": {"color": "#eeeeee"}},
    });
    if let Some((first, last)) = super::month_bounds(&dates) {
        x_axis["min"] = json!(first);
        x_axis["max"] = json!(last);
    }
    let legend = lanes.len() > 1;
    let mut option = json!({
        "animation": false,
        "aria": {"enabled": true},
        "color": super::PALETTE,
        "tooltip": {"trigger": "item"},
        "grid": {"left": 12, "right": 24, "bottom": 32, "top": if legend { 48 } else { 24 }, "containLabel": true},
        "xAxis": x_axis,
        "yAxis": {
            "type": "category",
            "data": labels,
            "inverse": true,
            "axisTick": {"show": false},
            "axisLine": {"show": false},
            "splitLine": {"show": true, "lineStyle": {"color": "#f2f2f2"}},
            "axisLabel": {
                "interval": 0,
                "width": LABEL_WIDTH,
                "lineHeight": LINE,
            },
        },
        "series": series,
    });
    if legend {
        option["legend"] = json!({"top": "top"});
    }
    option
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_the_lines_the_script_breaks_labels_into() {
        let runtime = rquickjs::Runtime::new().unwrap();
        let context = rquickjs::Context::full(&runtime).unwrap();
        let labels = [
            "DeepSeek-R1 released under MIT license",
            "White House releases 'Winning the AI Race: America's AI Action Plan' (encourages open-source and open-weight AI)",
            "US-Nvidia/AMD arrangement: 15% of China H20/MI308 revenue to US government (reported)",
            "Supercalifragilisticexpialidocious-and-then-some word",
            "short",
            "",
            "  spaced   out  words  ",
            "深度求索 发布 模型",
            "Launch 🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀 day",
        ];
        context.with(|ctx| {
            ctx.eval::<(), _>(crate::chart::CHART_JS).unwrap();
            let split: rquickjs::Function = ctx
                .eval("(function (t, w) { return folioLines(t, w, 1000); })")
                .unwrap();
            for width in [99.0f32, 149.0, 260.0] {
                for label in labels {
                    let text: String = split.call((label, width as f64)).unwrap();
                    let count = if text.is_empty() {
                        0
                    } else {
                        text.split('\n').count()
                    };
                    assert_eq!(lines(label, width), count, "{label:?} at {width}: {text:?}");
                    let per = (width / 7.0).floor() as usize;
                    assert!(
                        text.split('\n').all(|l| l.chars().count() <= per),
                        "{text:?}"
                    );
                }
            }
            let clipped: String = ctx
                .eval(r#"folioLines("one two three four five six seven eight nine ten", 56, 2)"#)
                .unwrap();
            assert_eq!(clipped, "one two\nthree…");
        });
    }
}
