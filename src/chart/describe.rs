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
