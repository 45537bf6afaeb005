//! Values in prose: the role `` {value}`dataset@version column key=value ...` ``.
//!
//! In: the role's text and the [`Registry`]. Out: the one matching cell, with its raw CSV
//! text and its formatted form, or an error (with the byte offset, within the text, of the
//! part that is wrong) when the dataset, version or column is unknown, or when zero or
//! several rows match.
//!
//! Values that hold spaces are double-quoted: `period="2024-08/2025-08"`, `country="United
//! States"`. Display options follow a `|`: `| format=compact`, `| scale=1e6`, `| digits=1`
//! (see [`crate::number`]); without them the cell is written by its column's format.

use crate::data::{Registry, Snapshot};
use crate::number::{NumberFormat, Style};

/// One cell of a snapshot, found by a value role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Value {
    /// `dataset@version`.
    pub snapshot: String,
    /// The dataset.
    pub dataset: String,
    /// The version.
    pub version: String,
    /// The column.
    pub column: String,
    /// The cell exactly as written in the CSV.
    pub raw: String,
    /// The cell formatted by its column (type, unit, digits, format, scale) and the role's
    /// display options.
    pub formatted: String,
    /// The filters, as written, for the link's title.
    pub filters: String,
}

/// Why a role did not resolve: what, where in the role's text, and a hint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// What is wrong.
    pub message: String,
    /// Byte offset in the role's text.
    pub offset: usize,
    /// How to fix it.
    pub hint: Option<String>,
}

fn problem(offset: usize, message: impl Into<String>, hint: Option<String>) -> Problem {
    Problem {
        message: message.into(),
        offset,
        hint,
    }
}

/// Splits the role's text into words (offset, text), honouring double quotes.
fn words(text: &str) -> Result<Vec<(usize, String)>, Problem> {
    let mut words = Vec::new();
    let mut current: Option<(usize, String)> = None;
    let mut quote_start = None;
    for (i, c) in text.char_indices() {
        match c {
            '"' => {
                quote_start = match quote_start {
                    Some(_) => None,
                    None => Some(i),
                };
                current.get_or_insert((i, String::new()));
            }
            c if c.is_whitespace() && quote_start.is_none() => {
                words.extend(current.take());
            }
            c => current.get_or_insert((i, String::new())).1.push(c),
        }
    }
    if let Some(at) = quote_start {
        return Err(problem(at, "this quote is not closed", None));
    }
    words.extend(current);
    Ok(words)
}

/// Applies one display option of a value role (`format=compact`, `scale=1e6`, `digits=1`)
/// to `format`.
fn option_hint() -> Option<String> {
    Some(
        "options are format=grouped|compact|ungrouped, scale=<a power of ten such as 1e6> and digits=<0 to 15>"
            .to_string(),
    )
}

fn option(format: &mut NumberFormat, at: usize, word: &str) -> Result<(), Problem> {
    let hint = option_hint;
    let Some((key, value)) = word.split_once('=') else {
        return Err(problem(
            at,
            format!("{word:?} is not a key=value option"),
            hint(),
        ));
    };
    let bad = |what: &str| {
        problem(
            at + key.len() + 1,
            format!("{value:?} is not {what}"),
            hint(),
        )
    };
    match key {
        "format" => {
            format.style = match value {
                "grouped" => Style::Grouped,
                "compact" => Style::Compact,
                "ungrouped" => Style::Ungrouped,
                _ => return Err(bad("a number format")),
            }
        }
        "scale" => {
            format.scale =
                crate::number::scale_exponent(value).ok_or_else(|| bad("a power of ten"))?
        }
        "digits" => {
            format.digits = Some(
                value
                    .parse::<u8>()
                    .ok()
                    .filter(|&d| d <= 15)
                    .ok_or_else(|| bad("a number of digits from 0 to 15"))?,
            )
        }
        _ => return Err(problem(at, format!("unknown option {key:?}"), hint())),
    }
    Ok(())
}

/// Resolves a value role.
pub fn resolve(text: &str, registry: &Registry) -> Result<Value, Problem> {
    let words = words(text)?;
    let usage = || {
        Some(
            "write {value}`dataset@version column key=value ...`, quoting values that hold spaces"
                .to_string(),
        )
    };
    let Some((_, reference)) = words.first() else {
        return Err(problem(0, "the value role is empty", usage()));
    };
    let snapshot: &Snapshot = registry
        .resolve(reference)
        .and_then(Snapshot::held)
        .map_err(|(message, hint)| problem(0, message, hint))?;
    let table = &snapshot.table;
    let Some((column_at, column_name)) = words.get(1) else {
        return Err(problem(0, "the value role names no column", usage()));
    };
    let column = table.column(column_name).ok_or_else(|| {
        problem(
            *column_at,
            format!("unknown column {column_name:?} in {}", snapshot.id()),
            Some(format!("columns are {}", table.column_names())),
        )
    })?;
    // Options follow a `|` after the column: `| format=compact scale=1e6 digits=1`.
    let bar = words
        .iter()
        .skip(2)
        .position(|(_, w)| w == "|")
        .map_or(words.len(), |i| i + 2);
    let mut format = table.columns[column].number_format();
    if let Some((at, _)) = words.get(bar) {
        let options = &words[bar + 1..];
        if options.is_empty() {
            return Err(problem(
                *at,
                "no display option follows this `|`",
                option_hint(),
            ));
        }
        if !table.columns[column].kind.is_numeric() {
            return Err(problem(
                *at,
                format!("column {column_name:?} holds text, which display options do not change"),
                Some("display options apply to integer and number columns".to_string()),
            ));
        }
        for (at, word) in options {
            option(&mut format, *at, word)?;
        }
    }
    let mut filters = Vec::new();
    for (at, word) in &words[2..bar] {
        let Some((key, value)) = word.split_once('=') else {
            return Err(problem(
                *at,
                format!("{word:?} is not a key=value filter"),
                usage(),
            ));
        };
        let key_column = table.column(key).ok_or_else(|| {
            problem(
                *at,
                format!("unknown column {key:?} in {}", snapshot.id()),
                Some(format!("columns are {}", table.column_names())),
            )
        })?;
        filters.push((key_column, key.to_string(), value.to_string()));
    }
    let matches = |row: usize| {
        filters.iter().all(|(col, _, value)| {
            let cell = table.cell(row, *col);
            cell == value
                || matches!(
                    (crate::data::parse_number(cell), crate::data::parse_number(value)),
                    (Some(a), Some(b)) if a == b
                )
        })
    };
    let rows: Vec<usize> = (0..table.rows()).filter(|&r| matches(r)).collect();
    let described = filters
        .iter()
        .map(|(_, k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(" ");
    match rows.as_slice() {
        [row] => {
            let raw = table.cell(*row, column).to_string();
            Ok(Value {
                snapshot: snapshot.id(),
                dataset: snapshot.dataset.clone(),
                version: snapshot.version.clone(),
                column: column_name.clone(),
                formatted: table.columns[column].format_with(&raw, &format),
                raw,
                filters: described,
            })
        }
        [] => Err(problem(
            0,
            format!(
                "no row of {} matches {}",
                snapshot.id(),
                if described.is_empty() {
                    "(no filters)".to_string()
                } else {
                    described
                }
            ),
            Some("check the filters against the dataset's version page".to_string()),
        )),
        several => Err(problem(
            0,
            format!(
                "{} rows of {} match{}; a value role needs exactly one",
                several.len(),
                snapshot.id(),
                if described.is_empty() {
                    String::new()
                } else {
                    format!(" {described}")
                }
            ),
            Some(format!(
                "add key=value filters on other columns ({}) until one row is left",
                table.column_names()
            )),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_words_honouring_quotes() {
        let w = words(r#"ds@v1 share country="United States" period=2024"#).unwrap();
        let texts: Vec<&str> = w.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(
            texts,
            ["ds@v1", "share", "country=United States", "period=2024"]
        );
        assert_eq!(w[2].0, 12);
        assert_eq!(words(r#"a b="c"#).unwrap_err().offset, 4);
    }
}
