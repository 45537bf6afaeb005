//! A figure's text description, generated from the rows it plots: the chart's accessible
//! description and its static image's alt text (a directive's `alt` replaces it).
//!
//! In: a figure. Out: a few sentences that say what kind of chart it is, what it measures by
//! what, and what the data shows, with numbers written by the columns' formats, e.g. "Bar
//! chart of share of downloads by developer country. Highest: International/Online, 23.8%;
//! China, 17.0%; United States, 15.8%." Following the W3C's guidance on complex images
//! (WAI Images Tutorial, "Complex Images"): a short description that gives the essential
//! information, the full data being in the table beside the chart.

use crate::data::parse_number;
use crate::figure::{ChartType, Figure};

/// Beyond this many items (categories, series), a description names the first ones and
/// counts the rest.
const NAMED: usize = 6;

/// The description of `figure`.
pub fn describe(figure: &Figure) -> String {
    match figure.spec.kind {
        ChartType::Timeline => return timeline(figure),
        ChartType::Map => return map(figure),
        _ => {}
    }
    if figure.spec.facet.is_none() {
        return one_panel(figure);
    }
    // Small multiples: what every panel shows, then each panel's data.
    let panels = figure.panels();
    let mut first = panels[0].1.clone();
    first.spec.marks.clear();
    let head = one_panel(&first);
    let head = head
        .split_once(". ")
        .map_or(head.as_str(), |(h, _)| h)
        .to_string()
        + ".";
    let facet = figure
        .table
        .columns
        .last()
        .map(|c| c.label())
        .unwrap_or_default();
    let names: Vec<String> = panels.iter().map(|(name, _)| name.clone()).collect();
    let mut text = format!(
        "{head} {} panels, one per {}: {}.",
        panels.len(),
        lower_first(facet),
        named(&names)
    );
    for (name, panel) in &panels {
        let mut panel = panel.clone();
        panel.spec.marks.clear();
        let own = one_panel(&panel);
        if let Some(data) = own.strip_prefix(&head) {
            text.push_str(&format!(" {name}:{data}"));
        }
    }
    let marks = marks(figure);
    text.push_str(&marks);
    text
}

/// A timeline's description: how many events over which dates, and the first and last of
/// each lane.
fn timeline(figure: &Figure) -> String {
    let table = &figure.table;
    let lanes = super::timeline::lanes(figure);
    let dates: Vec<&str> = table.rows.iter().map(|row| row[0].as_str()).collect();
    let (first, last) = (
        dates.iter().min().copied().unwrap_or_default(),
        dates.iter().max().copied().unwrap_or_default(),
    );
    let event = |r: usize| {
        format!(
            "{} ({})",
            figure.label(r).unwrap_or_default(),
            table.rows[r][0]
        )
    };
    let mut text = format!(
        "Timeline of {} events from {first} to {last}",
        table.rows.len()
    );
    if figure.spec.series.is_some() {
        text.push_str(&format!(
            ", in lanes by {}",
            lower_first(table.columns[1].label())
        ));
    }
    text.push('.');
    let items: Vec<String> = lanes
        .iter()
        .map(|(lane, rows)| {
            let events: Vec<String> = rows.iter().map(|&r| event(r)).collect();
            if lane.is_empty() {
                named(&events)
            } else {
                let n = rows.len();
                match n {
                    1 => format!("{lane}: {}", events[0]),
                    _ => format!(
                        "{lane}: {n} events, from {} to {}",
                        events[0],
                        events[n - 1]
                    ),
                }
            }
        })
        .collect();
    if !items.is_empty() {
        text.push_str(&format!(" {}.", items.join("; ")));
    }
    text.push_str(&marks(figure));
    text
}

/// A map's description: the countries with a value, highest first, and how many have none.
fn map(figure: &Figure) -> String {
    let table = &figure.table;
    let col = figure.first_y();
    let y = &table.columns[col];
    let mut shaded: Vec<(&str, f64, &str)> = super::map::places(figure)
        .into_iter()
        .filter_map(|(name, r)| {
            let cell = table.rows[r][col].as_str();
            Some((name, parse_number(cell)?, cell))
        })
        .collect();
    shaded.sort_by(|a, b| b.1.total_cmp(&a.1));
    let items: Vec<String> = shaded
        .iter()
        .map(|(name, _, cell)| format!("{name}, {}", y.format(cell)))
        .collect();
    let mut text = format!("World map of {} by country.", lower_first(y.label()));
    if !items.is_empty() {
        text.push_str(&format!(" Highest: {}.", named(&items)));
    }
    let others = super::geo::countries().len().saturating_sub(shaded.len());
    if others > 0 {
        text.push_str(&format!(
            " No data for the other {others} countries and territories."
        ));
    }
    text
}

/// The description of a chart of one panel.
fn one_panel(figure: &Figure) -> String {
    let spec = &figure.spec;
    let table = &figure.table;
    let x = &table.columns[0];
    let y = &table.columns[figure.first_y()];
    let kind = match spec.kind {
        ChartType::Line => "Line chart",
        ChartType::Bar if spec.stacked.is_percent() => "100% stacked bar chart",
        ChartType::Bar if spec.stacked.is_on() => "Stacked bar chart",
        ChartType::Bar => "Bar chart",
        ChartType::Area if spec.stacked.is_percent() => "100% stacked area chart",
        ChartType::Area if spec.stacked.is_on() => "Stacked area chart",
        ChartType::Area => "Area chart",
        ChartType::Pie => "Pie chart",
        ChartType::Scatter => "Scatter plot",
        ChartType::Dot => "Dot plot",
        ChartType::Timeline | ChartType::Map => unreachable!("described by their own functions"),
    };
    let measure = if figure.end_y() - figure.first_y() > 1 {
        spec.y_title.clone().unwrap_or_else(|| {
            let names: Vec<&str> = (figure.first_y()..figure.end_y())
                .map(|c| table.columns[c].label())
                .collect();
            names.join(" and ")
        })
    } else {
        y.label().to_string()
    };
    let mut text = format!(
        "{kind} of {} by {}",
        lower_first(&measure),
        lower_first(x.label())
    );
    if spec.series.is_some() {
        text.push_str(&format!(
            ", one series per {}",
            lower_first(table.columns[1].label())
        ));
    }
    text.push('.');
    let value = |row: &[String], col: usize| table.columns[col].format(&row[col]);
    match (
        spec.kind,
        spec.series.is_some(),
        figure.end_y() - figure.first_y(),
    ) {
        // One value per category: the largest first.
        (ChartType::Bar | ChartType::Pie | ChartType::Dot, false, 1) => {
            let col = figure.first_y();
            let mut rows: Vec<&Vec<String>> = table
                .rows
                .iter()
                .filter(|row| parse_number(&row[col]).is_some())
                .collect();
            rows.sort_by(|a, b| {
                let v = |row: &Vec<String>| parse_number(&row[col]).unwrap_or(f64::NEG_INFINITY);
                v(b).total_cmp(&v(a))
            });
            let items: Vec<String> = rows
                .iter()
                .map(|row| format!("{}, {}", row[0], value(row, col)))
                .collect();
            if !items.is_empty() {
                text.push_str(&format!(" Highest: {}.", named(&items)));
            }
        }
        // Series along an axis: where each starts and ends.
        _ if spec.kind != ChartType::Scatter => {
            let series = super::series_rows(figure);
            // Along a time axis a series goes from its first value to its last; across
            // categories, each category is named with its value.
            let along = x.kind == crate::data::ColumnType::Date;
            let items: Vec<String> = series
                .iter()
                .filter_map(|(name, col, rows)| {
                    let shown: Vec<&Vec<String>> = rows
                        .iter()
                        .map(|&r| &table.rows[r])
                        .filter(|row| parse_number(&row[*col]).is_some())
                        .collect();
                    let (first, last) = (shown.first()?, shown.last()?);
                    Some(match (along, shown.len()) {
                        (_, 1) => format!("{name}: {}, {}", first[0], value(first, *col)),
                        (true, _) => format!(
                            "{name}: from {} in {} to {} in {}",
                            value(first, *col),
                            first[0],
                            value(last, *col),
                            last[0]
                        ),
                        (false, _) => {
                            let values: Vec<String> = shown
                                .iter()
                                .map(|row| format!("{}, {}", row[0], value(row, *col)))
                                .collect();
                            format!("{name}: {}", values.join(", "))
                        }
                    })
                })
                .collect();
            if !items.is_empty() {
                text.push_str(&format!(" {}.", named(&items)));
            }
        }
        // Points: how many, and the range of each axis.
        _ => {
            let col = figure.first_y();
            let values: Vec<(f64, &Vec<String>)> = table
                .rows
                .iter()
                .filter_map(|row| Some((parse_number(&row[col])?, row)))
                .collect();
            let low = values.iter().min_by(|a, b| a.0.total_cmp(&b.0));
            let high = values.iter().max_by(|a, b| a.0.total_cmp(&b.0));
            if let (Some(low), Some(high)) = (low, high) {
                text.push_str(&format!(
                    " {} points; {} from {} ({}) to {} ({}).",
                    values.len(),
                    lower_first(&measure),
                    value(low.1, col),
                    low.1[0],
                    value(high.1, col),
                    high.1[0]
                ));
            }
        }
    }
    text.push_str(&marks(figure));
    text
}

/// The sentence naming a figure's marks, with a leading space; empty without marks.
fn marks(figure: &Figure) -> String {
    let spec = &figure.spec;
    let y = &figure.table.columns[figure.first_y().min(figure.table.columns.len() - 1)];
    let mut text = String::new();
    if !spec.marks.is_empty() {
        let marks: Vec<String> = spec
            .marks
            .iter()
            .map(|m| {
                let xs: Vec<String> =
                    m.x.iter()
                        .flat_map(|x| x.to_vec())
                        .map(|v| v.text())
                        .collect();
                let ys: Vec<String> =
                    m.y.iter()
                        .flat_map(|y| y.to_vec())
                        .map(|v| y.format(&format!("{v}")))
                        .collect();
                let at = match (xs.is_empty(), ys.is_empty()) {
                    (false, false) => format!("{}, {}", xs.join(" to "), ys.join(" to ")),
                    (false, true) => xs.join(" to "),
                    _ => ys.join(" to "),
                };
                format!("{} at {at}", m.label)
            })
            .collect();
        text.push_str(&format!(" Marked: {}.", marks.join("; ")));
    }
    text
}

/// The first [`NAMED`] items joined by semicolons, and how many more there are.
fn named(items: &[String]) -> String {
    let mut text = items
        .iter()
        .take(NAMED)
        .cloned()
        .collect::<Vec<_>>()
        .join("; ");
    if items.len() > NAMED {
        text.push_str(&format!("; and {} more", items.len() - NAMED));
    }
    text
}

/// `text` with its first letter in lower case when it starts a common phrase (`Share of
/// downloads` becomes `share of downloads`), as it is when it starts with a name
/// (`Artificial Analysis Intelligence Index`), an acronym or a code (`H800 GPU hours`).
fn lower_first(text: &str) -> String {
    let mut words = text.split_whitespace();
    let first = words.next().unwrap_or("");
    let mut letters = first.chars();
    let capitalised_word = letters.next().is_some_and(char::is_uppercase)
        && letters.all(|c| c.is_lowercase() || !c.is_alphanumeric());
    let name = words
        .next()
        .and_then(|w| w.chars().next())
        .is_some_and(char::is_uppercase);
    let mut chars = text.chars();
    match chars.next() {
        Some(c) if capitalised_word && !name => c.to_lowercase().chain(chars).collect(),
        _ => text.to_string(),
    }
}
