//! Figures: a ` ```chart ` directive resolved against its snapshot.
//!
//! In: the directive's TOML body (with where it sits in its Markdown file) and the
//! [`Registry`] of snapshots. Out: a [`Figure`]: the validated spec and the exact rows and
//! columns it plots, or diagnostics at the directive's own lines.
//!
//! Steps: parse the TOML (unknown keys are errors), find `dataset@version`, check every
//! named column exists and fits the chart type, filter rows with `where`, sort them, and
//! keep only the plotted columns: x, then series, then the y columns.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::data::{Column, ColumnType, Registry, Snapshot};
use crate::diag::{Diagnostic, Source};

/// The chart types folio draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChartType {
    /// Lines over a category or time axis.
    Line,
    /// Bars, vertical or horizontal, grouped or stacked.
    Bar,
    /// Filled lines, optionally stacked.
    Area,
    /// Shares of a whole, one slice per row.
    Pie,
    /// Points on two value (or time) axes.
    Scatter,
    /// One dot per category and series on a value axis that need not start at zero, for
    /// values whose differences are small beside their size (ratings, prices). Vertical or
    /// horizontal.
    Dot,
    /// Events on a date axis, one row each, named by the `label` column and grouped in lanes
    /// by `series`: its labels never overlap, however close the dates.
    Timeline,
    /// A world choropleth: `x` names countries (ISO 3166-1 alpha-3 codes or names), `y` is
    /// the value that shades each ([`crate::chart::geo`]).
    Map,
}

impl ChartType {
    /// The name used in directives.
    pub fn name(self) -> &'static str {
        match self {
            ChartType::Line => "line",
            ChartType::Bar => "bar",
            ChartType::Area => "area",
            ChartType::Pie => "pie",
            ChartType::Scatter => "scatter",
            ChartType::Dot => "dot",
            ChartType::Timeline => "timeline",
            ChartType::Map => "map",
        }
    }
}

/// How series are stacked: `stacked = true | false | "percent"`. Written in canonical specs
/// as the directive wrote it, so `true` keeps the canonical form it had before percentages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum Stacked {
    /// `true` or `false`.
    Flag(bool),
    /// `"percent"`: each x's values as shares of their sum, stacked to 100%.
    Mode(StackMode),
}

/// The stacking modes named by a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StackMode {
    /// Shares of each x's sum, in percent.
    Percent,
}

impl Default for Stacked {
    fn default() -> Self {
        Stacked::Flag(false)
    }
}

impl Stacked {
    /// True when series are stacked, as values or as percentages.
    pub fn is_on(self) -> bool {
        self != Stacked::Flag(false)
    }

    fn is_off(&self) -> bool {
        !self.is_on()
    }

    /// True for `stacked = "percent"`.
    pub fn is_percent(self) -> bool {
        self == Stacked::Mode(StackMode::Percent)
    }
}

/// A reference mark of a chart: a line where only `x` or `y` is given, a band where it is a
/// pair, a note at a point where both are given.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Mark {
    /// A category, a date (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`) or a number on the x axis, or two
    /// for a band. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x: Option<OneOrMany<MarkValue>>,
    /// A value on the value axis, or two for a band. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y: Option<OneOrMany<f64>>,
    /// What the mark means, written beside it. Required.
    pub label: String,
}

/// A mark's place on an x axis: a category or date as text, or a number.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum MarkValue {
    /// A number on a value axis (or a category written as a number, such as a year).
    Number(f64),
    /// A category or a date.
    Text(String),
}

impl MarkValue {
    /// The value as the x column's cells write it.
    pub fn text(&self) -> String {
        match self {
            MarkValue::Number(n) => crate::number::NumberFormat {
                style: crate::number::Style::Ungrouped,
                ..Default::default()
            }
            .bare(&format!("{n}"))
            .unwrap_or_default(),
            MarkValue::Text(t) => t.clone(),
        }
    }
}

/// A value axis's scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scale {
    /// Equal steps for equal differences (the default).
    Linear,
    /// Equal steps for equal ratios; every plotted value must be above zero.
    Log,
}

/// How the panels of a faceted chart share their scales.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FacetScales {
    /// Every panel has the same axes, so panels compare at a glance (the default).
    Shared,
    /// Each panel's axes fit its own data.
    Free,
}

/// One value or a list of them.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum OneOrMany<T> {
    /// A single value.
    One(T),
    /// A list.
    Many(Vec<T>),
}

fn no_columns() -> OneOrMany<String> {
    OneOrMany::Many(Vec::new())
}

impl<T: Clone> OneOrMany<T> {
    fn is_empty(&self) -> bool {
        matches!(self, OneOrMany::Many(v) if v.is_empty())
    }

    /// As a list.
    pub fn to_vec(&self) -> Vec<T> {
        match self {
            OneOrMany::One(v) => vec![v.clone()],
            OneOrMany::Many(v) => v.clone(),
        }
    }
}

/// A value in a `where` filter: text, a number or a boolean, compared with the cell.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum FilterValue {
    /// Matches the cell exactly.
    Text(String),
    /// Matches a cell holding the same number.
    Integer(i64),
    /// Matches a cell holding the same number.
    Float(f64),
    /// Matches `true` or `false`.
    Bool(bool),
}

impl FilterValue {
    fn matches(&self, cell: &str) -> bool {
        match self {
            FilterValue::Text(text) => cell == text,
            FilterValue::Integer(n) => crate::data::parse_number(cell) == Some(*n as f64),
            FilterValue::Float(x) => crate::data::parse_number(cell) == Some(*x),
            FilterValue::Bool(b) => cell == b.to_string(),
        }
    }
}

/// A chart directive, as written.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ChartSpec {
    /// The figure's permanent id: `[a-z0-9-]`. Required.
    pub id: String,
    /// The figure's title. Required.
    pub title: String,
    /// `dataset@version`; there is no implicit latest. Required.
    pub data: String,
    /// The chart type. Required.
    #[serde(rename = "type")]
    pub kind: ChartType,
    /// The category, time or value column along the x axis (the slice names of a pie).
    /// Required.
    pub x: String,
    /// The value column, or a list of them (one series each). Required, except by a
    /// timeline, which places its events by date alone.
    #[serde(default = "no_columns", skip_serializing_if = "OneOrMany::is_empty")]
    pub y: OneOrMany<String>,
    /// A column whose distinct values make one series each. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub series: Option<String>,
    /// A column whose distinct values make one panel each (small multiples). Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facet: Option<String>,
    /// Whether the panels of a faceted chart share their scales: `"shared"` or `"free"`.
    /// Default: shared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facet_scales: Option<FacetScales>,
    /// Keeps rows whose cells equal the value (or one of the values) given per column.
    /// Default: all rows.
    #[serde(default, rename = "where", skip_serializing_if = "BTreeMap::is_empty")]
    pub filter: BTreeMap<String, OneOrMany<FilterValue>>,
    /// A column to order rows by; `-column` orders descending. Default: the file's order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort: Option<String>,
    /// Stacks the series (bar and area): `true`, or `"percent"` to show each x's values as
    /// shares of their sum. Default: false.
    #[serde(default, skip_serializing_if = "Stacked::is_off")]
    pub stacked: Stacked,
    /// The value axis's scale: `"linear"` or `"log"`. Default: linear.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<Scale>,
    /// Draws bars or dots horizontally, categories down the vertical axis (bar, dot).
    /// Default: false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub horizontal: bool,
    /// A column naming each point (scatter) or row, shown in tooltips and the data table.
    /// Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The x column's title: the horizontal axis's title, and the data table's header (a
    /// horizontal chart's categories name themselves: its category axis has no title).
    /// Default: the x column's label, description or name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x_title: Option<String>,
    /// The value axis's title, also naming the value in tooltips and the data table.
    /// Default: the (first) y column's label, description or name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y_title: Option<String>,
    /// The unit of the plotted values, for a column that holds several (a `value` column
    /// beside a `unit` column). Default: the y column's unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Reference marks: lines at a value or a date, bands between two, notes at a point,
    /// e.g. `[{ y = 50, label = "parity" }, { x = "2023-10", label = "H800 barred" }]`.
    /// Each is checked against its axis. Default: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub marks: Vec<Mark>,
    /// A map's class boundaries, ascending, for a classed legend: `[5, 10, 15]` makes the
    /// classes below 5, 5 to 10, 10 to 15 and 15 and above. At most 8. Default: a continuous
    /// legend.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub breaks: Vec<f64>,
    /// The chart's text description, for readers who do not see it (its accessible
    /// description and its image's alt text). Default: one generated from the data
    /// ([`crate::chart::describe`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alt: Option<String>,
    /// Markdown shown under the chart. Default: none.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub caption: String,
}

impl Figure {
    /// The figure's text description: the directive's `alt`, else one generated from the
    /// rows it plots.
    pub fn description(&self) -> String {
        self.spec
            .alt
            .clone()
            .unwrap_or_else(|| crate::chart::describe::describe(self))
    }
}

/// The rows and columns a figure plots, with the cells exactly as written in the snapshot.
#[derive(Debug, Clone)]
pub struct FigureTable {
    /// The plotted columns: x, then the series column, then the y columns, then the label.
    pub columns: Vec<Column>,
    /// The rows, filtered and sorted.
    pub rows: Vec<Vec<String>>,
}

impl FigureTable {
    /// The table as CSV (RFC 4180, `\n` line ends).
    pub fn to_csv(&self) -> Vec<u8> {
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        let header: Vec<&str> = self.columns.iter().map(|c| c.name.as_str()).collect();
        writer.write_record(&header).expect("writing to memory");
        for row in &self.rows {
            writer.write_record(row).expect("writing to memory");
        }
        writer.into_inner().expect("writing to memory")
    }
}

/// A chart directive resolved against its snapshot.
#[derive(Debug, Clone)]
pub struct Figure {
    /// The directive.
    pub spec: ChartSpec,
    /// What it plots.
    pub table: FigureTable,
    /// `dataset@version`.
    pub snapshot: String,
    /// The snapshot's SHA-256.
    pub sha256: String,
    /// The dataset's title.
    pub dataset_title: String,
    /// Who published the data (`source` of `dataset.toml`).
    pub source: String,
    /// Where (`source_url` of `dataset.toml`).
    pub source_url: String,
    /// The bibliography keys of the plotted rows, distinct, in the order they first appear,
    /// when the dataset names its `source_column`; empty otherwise.
    pub sources: Vec<String>,
}

impl Figure {
    /// The citations a page makes of this figure's sources: one narrative citation per key
    /// the bibliography holds, in [`Figure::sources`] order, each item at `offset` (the
    /// figure's directive). Empty without a bibliography. The check stage adds them to the
    /// page's citations where the figure stands, and rendering takes them back there.
    pub fn source_citations(
        &self,
        bibliography: Option<&crate::bib::Bibliography>,
        offset: usize,
    ) -> Vec<crate::citation::Citation> {
        let Some(bibliography) = bibliography else {
            return Vec::new();
        };
        self.sources
            .iter()
            .filter(|key| bibliography.contains(key))
            .map(|key| crate::citation::Citation::of(key, offset, true))
            .collect()
    }

    /// Where the y columns start in [`FigureTable::columns`].
    pub fn first_y(&self) -> usize {
        1 + usize::from(self.spec.series.is_some())
    }

    /// Where the y columns end (exclusive) in [`FigureTable::columns`].
    pub fn end_y(&self) -> usize {
        self.table.columns.len()
            - usize::from(self.spec.label.is_some())
            - usize::from(self.spec.facet.is_some())
    }

    /// The label of row `row`, when the spec names a label column.
    pub fn label(&self, row: usize) -> Option<&str> {
        self.spec.label.as_ref()?;
        Some(self.table.rows[row][self.end_y()].as_str())
    }

    /// The panel of row `row`, when the spec names a facet column.
    pub fn facet(&self, row: usize) -> Option<&str> {
        self.spec.facet.as_ref()?;
        self.table.rows[row].last().map(String::as_str)
    }

    /// The figure's panels, in the order of its rows: (facet value, the figure of its rows
    /// alone, without the facet column). A figure without `facet` is its only panel.
    pub fn panels(&self) -> Vec<(String, Figure)> {
        if self.spec.facet.is_none() {
            return vec![(String::new(), self.clone())];
        }
        let mut names: Vec<&str> = Vec::new();
        for row in 0..self.table.rows.len() {
            let name = self.facet(row).unwrap_or_default();
            if !names.contains(&name) {
                names.push(name);
            }
        }
        names
            .into_iter()
            .map(|name| {
                let mut panel = self.clone();
                panel.spec.facet = None;
                panel.spec.facet_scales = None;
                panel.table.columns.pop();
                panel.table.rows = self
                    .table
                    .rows
                    .iter()
                    .filter(|row| row.last().map(String::as_str) == Some(name))
                    .map(|row| row[..row.len() - 1].to_vec())
                    .collect();
                (name.to_string(), panel)
            })
            .collect()
    }
}

/// Parses a directive's TOML. `source` starts at the TOML body.
pub fn parse(body: &str, source: &Source<'_>) -> Result<ChartSpec, Diagnostic> {
    let spec: ChartSpec = toml::from_str(body)
        .map_err(|e| crate::diag::toml_error(source, "invalid chart directive", &e))?;
    check_spec(&spec, body, source)?;
    Ok(spec)
}

/// The checks every chart spec gets before it is resolved, whether it comes from a
/// directive's TOML `body` or from a version recorded in `folio.lock` (then `body` is empty
/// and `source` starts at the recorded spec): the id is a slug (it becomes a path of the
/// site), the title is not empty, and `y` names at least one column.
pub fn check_spec(spec: &ChartSpec, body: &str, source: &Source<'_>) -> Result<(), Diagnostic> {
    let at = |key: &str| crate::diag::toml_key_offset(body, key);
    if !crate::names::is_slug(&spec.id) {
        return Err(source
            .error_at(at("id"), format!("figure id {:?} is not a slug", spec.id))
            .with_hint(
                "use lowercase letters, digits and hyphens: the id is the figure's permanent URL",
            ));
    }
    if spec.title.trim().is_empty() {
        return Err(source.error_at(at("title"), "the figure's title is empty"));
    }
    if spec.kind == ChartType::Timeline {
        if !spec.y.to_vec().is_empty() {
            return Err(source
                .error_at(
                    at("y"),
                    "a timeline has no `y`: it places each event by its date",
                )
                .with_hint(
                    "remove `y`; name the events with `label` and their lanes with `series`",
                ));
        }
        if spec.label.is_none() {
            return Err(source
                .error_at(
                    at("type"),
                    "a timeline needs `label`, the column that names each event",
                )
                .with_hint("add e.g. label = \"event\""));
        }
    } else if spec.y.to_vec().is_empty() {
        return Err(source
            .error_at(at("y"), "`y` names no column")
            .with_hint("name the value column, e.g. y = \"share\", or a list of them"));
    }
    Ok(())
}

/// The `id` a directive's TOML body gives, read leniently: for a directive that failed, so
/// that what refers to it is not reported again.
pub fn id_of(body: &str) -> Option<String> {
    let id = |table: toml::Table| table.get("id")?.as_str().map(str::to_string);
    if let Ok(table) = toml::from_str(body) {
        return id(table);
    }
    // The body is not TOML: read its `id = ...` line alone, when it has one.
    let start = crate::diag::toml_key_offset(body, "id");
    let line = body[start..].lines().next()?;
    toml::from_str(line).ok().and_then(id)
}

/// Resolves a spec against the registry. `body` and `source` locate errors.
pub fn resolve(
    spec: ChartSpec,
    registry: &Registry,
    body: &str,
    source: &Source<'_>,
) -> Result<Figure, Vec<Diagnostic>> {
    let at = |key: &str| source.error_at(crate::diag::toml_key_offset(body, key), "");
    let error = |key: &str, message: String, hint: Option<String>| Diagnostic {
        message,
        hint,
        ..at(key)
    };
    let snapshot = registry
        .resolve(&spec.data)
        .and_then(Snapshot::held)
        .map_err(|(message, hint)| vec![error("data", message, hint)])?;
    let table = &snapshot.table;
    let mut errors = Vec::new();
    let mut column = |key: &str, name: &str| -> Option<usize> {
        let found = table.column(name);
        if found.is_none() {
            errors.push(error(
                key,
                format!("unknown column {name:?} in {}", snapshot.id()),
                Some(format!("columns are {}", table.column_names())),
            ));
        }
        found
    };
    let x = column("x", &spec.x);
    let ys: Vec<Option<usize>> = spec.y.to_vec().iter().map(|y| column("y", y)).collect();
    let series = spec.series.as_ref().map(|s| column("series", s));
    let label = spec.label.as_ref().map(|l| column("label", l));
    let facet = spec.facet.as_ref().map(|f| column("facet", f));
    let filters: Vec<(Option<usize>, Vec<FilterValue>)> = spec
        .filter
        .iter()
        .map(|(name, values)| (column("where", name), values.to_vec()))
        .collect();
    let sort = spec.sort.as_ref().map(|s| {
        let descending = s.starts_with('-');
        (column("sort", s.trim_start_matches('-')), descending)
    });
    if !errors.is_empty() {
        return Err(errors);
    }
    let (x, ys) = (
        x.expect("checked"),
        ys.into_iter().flatten().collect::<Vec<_>>(),
    );
    let series = series.flatten();
    let label = label.flatten();
    let facet = facet.flatten();
    errors.extend(check_types(&spec, snapshot, x, &ys, series, &error));
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut rows: Vec<usize> = (0..table.rows())
        .filter(|&row| {
            filters.iter().all(|(col, values)| {
                let cell = table.cell(row, col.expect("checked"));
                values.iter().any(|v| v.matches(cell))
            })
        })
        .collect();
    if rows.is_empty() {
        return Err(vec![error(
            if spec.filter.is_empty() {
                "data"
            } else {
                "where"
            },
            format!("no rows of {} are left to plot", snapshot.id()),
            (!spec.filter.is_empty()).then(|| {
                "check the values in `where` against the dataset's version page".to_string()
            }),
        )]);
    }
    // A plotted column with no value in any row left would publish an empty chart.
    for (key, col) in std::iter::once(("x", x)).chain(ys.iter().map(|&y| ("y", y))) {
        if rows.iter().all(|&row| table.cell(row, col).is_empty()) {
            let name = &table.columns[col].name;
            return Err(vec![error(
                key,
                format!(
                    "column {name:?} is empty in every row of {} {}",
                    snapshot.id(),
                    if spec.filter.is_empty() {
                        ""
                    } else {
                        "that `where` keeps"
                    }
                )
                .trim_end()
                .to_string(),
                Some(
                    "there is nothing to plot: choose another column, or other rows with `where`"
                        .to_string(),
                ),
            )]);
        }
    }
    errors.extend(check_marks(&spec, table, x, &rows, &error));
    if !errors.is_empty() {
        return Err(errors);
    }
    // A log scale shows only values above zero: a zero or a negative value is named by its
    // line.
    if spec.scale == Some(Scale::Log) {
        for &row in &rows {
            for &y in &ys {
                let cell = table.cell(row, y);
                if crate::data::parse_number(cell).is_some_and(|v| v <= 0.0) {
                    return Err(vec![error(
                        "scale",
                        format!(
                            "a log scale cannot show {} = {cell} (line {} of {})",
                            table.columns[y].name,
                            snapshot.line_of(row),
                            snapshot.path.display()
                        ),
                        Some("leave the row out with `where`, or use a linear scale".to_string()),
                    )]);
                }
            }
        }
    }
    // A map shades countries: every x names one, and one row gives each its value.
    if spec.kind == ChartType::Map {
        let cells: Vec<&str> = rows.iter().map(|&row| table.cell(row, x)).collect();
        if let Err(unknown) = crate::chart::geo::place_all(&cells) {
            return Err(vec![error(
                "x",
                format!(
                    "a map cannot place {} of column {:?}: {}",
                    if unknown.len() == 1 {
                        "this value"
                    } else {
                        "these values"
                    },
                    spec.x,
                    unknown
                        .iter()
                        .map(|u| format!("{u:?}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                Some(
                    "write ISO 3166-1 alpha-3 codes (CHN, USA) or country names as Natural Earth \
                     spells them (China, United States); leave out rows that are not countries \
                     with `where`"
                        .to_string(),
                ),
            )]);
        }
    }
    // On a category or time axis, and in a pie and a map, each series has one value per x
    // (in each panel); a timeline's events may share a date.
    if !matches!(spec.kind, ChartType::Scatter | ChartType::Timeline) {
        let mut seen = std::collections::HashMap::new();
        for &row in &rows {
            let place = |cell: &str| match spec.kind {
                ChartType::Map => crate::chart::geo::place(cell)
                    .map_or(cell.to_string(), |c| c.code().to_string()),
                _ => cell.to_string(),
            };
            let key = (
                place(table.cell(row, x)),
                series.map(|s| table.cell(row, s)),
                facet.map(|f| table.cell(row, f)),
            );
            if let Some(first) = seen.insert(key.clone(), row) {
                return Err(vec![error(
                    "x",
                    format!(
                        "lines {} and {} of {} both give {} = {:?}{}",
                        snapshot.line_of(first),
                        snapshot.line_of(row),
                        snapshot.path.display(),
                        spec.x,
                        table.cell(row, x),
                        key.1.map(|s| format!(" in series {s:?}")).unwrap_or_default()
                            + &key.2.map(|f| format!(" in panel {f:?}")).unwrap_or_default()
                    ),
                    Some("a chart has one value per x in each series: narrow the rows with `where`, or split them with `series`".to_string()),
                )]);
            }
        }
    }
    if let Some((Some(col), descending)) = sort {
        let numeric = table.columns[col].kind.is_numeric();
        rows.sort_by(|&a, &b| {
            let (ca, cb) = (table.cell(a, col), table.cell(b, col));
            let order = if numeric {
                let parse = |c: &str| crate::data::parse_number(c).unwrap_or(f64::NEG_INFINITY);
                parse(ca).total_cmp(&parse(cb))
            } else {
                ca.cmp(cb)
            };
            // Stable: equal cells keep the file's order.
            if descending { order.reverse() } else { order }
        });
    }
    let mut columns = vec![x];
    columns.extend(series);
    columns.extend(ys.iter().copied());
    columns.extend(label);
    columns.extend(facet);
    let figure_table = FigureTable {
        columns: columns.iter().map(|&c| table.columns[c].clone()).collect(),
        rows: rows
            .iter()
            .map(|&row| {
                columns
                    .iter()
                    .map(|&c| table.cell(row, c).to_string())
                    .collect()
            })
            .collect(),
    };
    // The chart's own titles and unit stand in for the columns' metadata in this figure.
    let mut figure_table = figure_table;
    let retitle =
        |column: &mut crate::data::Column, label: Option<&String>, unit: Option<&String>| {
            if label.is_none() && unit.is_none() {
                return;
            }
            let meta = column
                .meta
                .get_or_insert_with(|| crate::data::ColumnMeta::of(column.kind));
            if let Some(label) = label {
                meta.label = label.clone();
            }
            if let Some(unit) = unit {
                meta.unit = unit.clone();
            }
        };
    retitle(&mut figure_table.columns[0], spec.x_title.as_ref(), None);
    let first_y = 1 + usize::from(series.is_some());
    for y in first_y..first_y + ys.len() {
        // Several y columns keep their own names (the series'); `y_title` names their axis.
        let label = spec.y_title.as_ref().filter(|_| ys.len() == 1);
        retitle(&mut figure_table.columns[y], label, spec.unit.as_ref());
    }
    let meta = &registry.datasets[&snapshot.dataset].meta;
    let sources = meta
        .source_column
        .as_deref()
        .and_then(|name| table.column(name))
        .map(|col| table.sources(col, rows.iter().copied()))
        .unwrap_or_default();
    Ok(Figure {
        sources,
        snapshot: snapshot.id(),
        sha256: snapshot.sha256.clone(),
        dataset_title: meta.title.clone(),
        source: meta.source.clone(),
        source_url: meta.source_url.clone(),
        table: figure_table,
        spec,
    })
}

/// The plotted columns as `figure` shows them (each column's declaration, with its label
/// resolved and the directive's titles and unit applied), as canonical JSON: what
/// `folio.lock` pins with each version ([`crate::lock::LockedVersion::columns`]).
pub fn columns(figure: &Figure) -> String {
    let pinned: BTreeMap<&str, crate::data::ColumnMeta> = figure
        .table
        .columns
        .iter()
        .map(|column| {
            let mut meta = column
                .meta
                .clone()
                .unwrap_or_else(|| crate::data::ColumnMeta::of(column.kind));
            meta.label = column.label().to_string();
            // Documentation, shown through the label only ([`crate::data::same_display`]).
            meta.description.clear();
            (column.name.as_str(), meta)
        })
        .collect();
    serde_json::to_string(&pinned).expect("column declarations serialise")
}

/// Shows `figure` with the columns a version pinned ([`columns`]), so that a published
/// version looks as it did whatever `dataset.toml` says now. An error says what in the
/// pinned text cannot be read or does not fit the snapshot.
pub fn pin_columns(figure: &mut Figure, pinned: &str) -> Result<(), String> {
    let pinned: BTreeMap<String, crate::data::ColumnMeta> =
        serde_json::from_str(pinned).map_err(|e| format!("its columns cannot be read: {e}"))?;
    for column in &mut figure.table.columns {
        let Some(meta) = pinned.get(&column.name) else {
            return Err(format!("its columns do not describe {:?}", column.name));
        };
        if meta.kind != column.kind {
            return Err(format!(
                "its columns describe {:?} as {}, but the snapshot's column is {}",
                column.name,
                meta.kind.name(),
                column.kind.name()
            ));
        }
        column.meta = Some(meta.clone());
    }
    Ok(())
}

/// Checks that a chart in the prose shows what it is about, beyond [`resolve`]'s checks of
/// its keys against the data: at most [`crate::chart::COLOURS`] series or slices, so no two
/// share a colour, a glyph for every character of its title and labels, one unit on its
/// value axis, and no zero-based bars of values so close that the bars hide their
/// differences. Published versions are rebuilt from the lock without these checks: they
/// were published as they are.
pub fn check_legibility(figure: &Figure, body: &str, source: &Source<'_>) -> Vec<Diagnostic> {
    let spec = &figure.spec;
    let table = &figure.table;
    let error = |key: &str, message: String, hint: &str| Diagnostic {
        message,
        hint: Some(hint.to_string()),
        ..source.error_at(crate::diag::toml_key_offset(body, key), "")
    };
    let mut errors = Vec::new();
    let distinct = |col: usize| {
        table
            .rows
            .iter()
            .map(|row| row[col].as_str())
            .collect::<std::collections::BTreeSet<_>>()
            .len()
    };
    let (key, coloured) = match (spec.kind, spec.series.is_some()) {
        (ChartType::Pie, _) => ("x", distinct(0)),
        (_, true) => ("series", distinct(1)),
        (_, false) => ("y", figure.end_y() - figure.first_y()),
    };
    if coloured > crate::chart::COLOURS {
        errors.push(error(
            key,
            format!(
                "this chart would draw {coloured} {}, more than the {} colours that readers, colour-blind ones included, can tell apart",
                if spec.kind == ChartType::Pie { "slices" } else { "series" },
                crate::chart::COLOURS
            ),
            "keep the ones the text is about with `where`, or group the rest in the data",
        ));
    }
    // The static image and the card draw the title and every label with the fonts folio
    // embeds; a character none has would be an empty box.
    let missing = |text: &str| {
        text.chars()
            .filter(|c| !c.is_whitespace() && !c.is_control())
            .filter(|&c| !crate::chart::preview::has_glyph(c))
            .collect::<std::collections::BTreeSet<char>>()
    };
    let mut labelled = vec![("title", missing(&spec.title))];
    // A timeline draws its labels; a faceted chart titles its panels.
    let text_columns = [
        ("x", Some(0)),
        ("series", spec.series.as_ref().map(|_| 1)),
        (
            "label",
            (spec.kind == ChartType::Timeline && spec.label.is_some()).then(|| figure.end_y()),
        ),
        (
            "facet",
            spec.facet.as_ref().map(|_| table.columns.len() - 1),
        ),
    ];
    for (key, col) in text_columns {
        if let Some(col) = col.filter(|&c| !table.columns[c].kind.is_numeric()) {
            let chars = table
                .rows
                .iter()
                .flat_map(|row| missing(&row[col]))
                .collect();
            labelled.push((key, chars));
        }
    }
    for (key, chars) in labelled {
        if !chars.is_empty() {
            let listed: Vec<String> = chars
                .iter()
                .map(|c| format!("{c} (U+{:04X})", *c as u32))
                .collect();
            errors.push(error(
                key,
                format!(
                    "the chart's image cannot draw {}: no font folio embeds has {}",
                    listed.join(", "),
                    if chars.len() == 1 { "it" } else { "them" }
                ),
                "folio draws Latin, Greek and Cyrillic (DejaVu Sans) and common Chinese (Noto Sans CJK SC): write the label without these characters",
            ));
        }
    }
    // One value axis shows one unit: y columns of different units would share its ticks.
    let units: std::collections::BTreeSet<&str> = (figure.first_y()..figure.end_y())
        .map(|y| table.columns[y].unit())
        .collect();
    if units.len() > 1 {
        errors.push(error(
            "y",
            format!(
                "these columns have different units ({}), but a chart has one value axis",
                units
                    .iter()
                    .map(|u| format!("{u:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            "plot columns of one unit together, in one chart each, or give the chart its `unit`",
        ));
    }
    if spec.kind == ChartType::Bar && !spec.stacked.is_on() {
        let values: Vec<f64> = table
            .rows
            .iter()
            .flat_map(|row| row[figure.first_y()..figure.end_y()].iter())
            .filter_map(|cell| crate::data::parse_number(cell))
            .collect();
        let (low, high) = values
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &v| {
                (l.min(v), h.max(v))
            });
        let same_sign = low > 0.0 || high < 0.0;
        let size = low.abs().max(high.abs());
        if values.len() > 1 && same_sign && high > low && (high - low) < HIDDEN * size {
            let spread = (high - low) / size * 100.0;
            errors.push(error(
                "type",
                format!(
                    "these bars start at zero, and their values differ by at most {spread:.1}% of their length: readers cannot see the differences"
                ),
                "draw them as dots (type = \"dot\"), whose axis need not start at zero, and say so in the caption",
            ));
        }
    }
    errors
}

/// Bars whose values all lie within this fraction of the longest hide their differences.
const HIDDEN: f64 = 0.05;

/// Checks each mark against its axis: a pair is in order, a `y` is a number (above zero on
/// a log scale), an `x` is one of the categories, a date of a time axis within its data, or a
/// number of a value axis; a pie has no axes.
fn check_marks(
    spec: &ChartSpec,
    table: &crate::data::Table,
    x: usize,
    rows: &[usize],
    error: &dyn Fn(&str, String, Option<String>) -> Diagnostic,
) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    if spec.marks.is_empty() {
        return errors;
    }
    if matches!(spec.kind, ChartType::Pie | ChartType::Map) {
        errors.push(error(
            "marks",
            format!("a {} chart has no axes to mark", spec.kind.name()),
            None,
        ));
        return errors;
    }
    let x_kind = table.columns[x].kind;
    let time = x_kind == ColumnType::Date
        && matches!(
            spec.kind,
            ChartType::Line | ChartType::Area | ChartType::Scatter | ChartType::Timeline
        );
    let value_x = spec.kind == ChartType::Scatter && x_kind.is_numeric();
    let cells: Vec<&str> = rows.iter().map(|&r| table.cell(r, x)).collect();
    let dates: Vec<(i32, u32, u32)> = cells
        .iter()
        .filter_map(|c| crate::names::parse_date(c))
        .collect();
    let (first, last) = (dates.iter().min(), dates.iter().max());
    for (i, mark) in spec.marks.iter().enumerate() {
        let at = format!("mark {} ({:?})", i + 1, mark.label);
        let mut fault = |message: String, hint: Option<String>| {
            errors.push(error("marks", format!("{at}: {message}"), hint))
        };
        if mark.label.trim().is_empty() {
            fault(
                "its label is empty".to_string(),
                Some("say what the mark means".to_string()),
            );
        }
        if mark.x.is_none() && mark.y.is_none() {
            fault(
                "it has neither x nor y".to_string(),
                Some("give `x`, `y`, or both for a note at a point".to_string()),
            );
        }
        let pair = |n: usize| n == 1 || n == 2;
        if let Some(y) = &mark.y {
            let ys = y.to_vec();
            if spec.kind == ChartType::Timeline {
                fault(
                    "a timeline has no value axis to mark with `y`".to_string(),
                    Some("mark a date with `x`".to_string()),
                );
            } else if !pair(ys.len()) || ys.iter().any(|v| !v.is_finite()) {
                fault("`y` is a value or a pair of values".to_string(), None);
            } else if spec.scale == Some(Scale::Log) && ys.iter().any(|&v| v <= 0.0) {
                fault(
                    "a log scale cannot show a value at or below zero".to_string(),
                    None,
                );
            } else if ys.len() == 2 && ys[0] >= ys[1] {
                fault("a band's values go from low to high".to_string(), None);
            }
        }
        if let Some(xv) = &mark.x {
            let xs = xv.to_vec();
            if !pair(xs.len()) {
                fault("`x` is a value or a pair of values".to_string(), None);
                continue;
            }
            for value in &xs {
                let text = value.text();
                if value_x {
                    if !matches!(value, MarkValue::Number(_)) {
                        fault(format!("{text:?} is not a number of the x axis"), None);
                    }
                } else if time {
                    match crate::names::parse_date(&text) {
                        None => fault(
                            format!("{text:?} is not a date"),
                            Some("write YYYY, YYYY-MM or YYYY-MM-DD".to_string()),
                        ),
                        Some(d)
                            if first.is_some_and(|f| d < *f) || last.is_some_and(|l| d > *l) =>
                        {
                            fault(
                                format!(
                                    "{text:?} is outside the dates the chart shows ({} to {})",
                                    cells.iter().min().unwrap_or(&""),
                                    cells.iter().max().unwrap_or(&"")
                                ),
                                None,
                            )
                        }
                        Some(_) => {}
                    }
                } else if !cells.contains(&text.as_str()) {
                    let mut shown: Vec<&str> = cells.clone();
                    shown.dedup();
                    fault(
                        format!("{text:?} is not one of the chart's {}", spec.x),
                        Some(format!("categories are {}", shown.join(", "))),
                    );
                }
            }
            if xs.len() == 2 && time {
                let (a, b) = (
                    crate::names::parse_date(&xs[0].text()),
                    crate::names::parse_date(&xs[1].text()),
                );
                if let (Some(a), Some(b)) = (a, b)
                    && a >= b
                {
                    fault("a band's dates go from early to late".to_string(), None);
                }
            }
        }
    }
    errors
}

fn check_types(
    spec: &ChartSpec,
    snapshot: &Snapshot,
    x: usize,
    ys: &[usize],
    series: Option<usize>,
    error: &dyn Fn(&str, String, Option<String>) -> Diagnostic,
) -> Vec<Diagnostic> {
    let table = &snapshot.table;
    let mut errors = Vec::new();
    for &y in ys {
        let column = &table.columns[y];
        if !column.kind.is_numeric() {
            errors.push(error(
                "y",
                format!(
                    "column {:?} is {}, but a {} chart plots numbers on its value axis",
                    column.name,
                    column.kind.name(),
                    spec.kind.name()
                ),
                Some(numeric_columns(snapshot)),
            ));
        }
    }
    if series.is_some() && ys.len() > 1 {
        errors.push(error(
            "series",
            "a chart with `series` takes one y column".to_string(),
            Some(
                "either split rows into series by a column, or list several y columns".to_string(),
            ),
        ));
    }
    let x_kind = table.columns[x].kind;
    match spec.kind {
        ChartType::Pie if ys.len() > 1 || series.is_some() => errors.push(error(
            "y",
            "a pie chart takes one y column and no series".to_string(),
            None,
        )),
        ChartType::Timeline if x_kind != ColumnType::Date => errors.push(error(
            "x",
            format!(
                "column {:?} is {}, but a timeline places events on a date axis",
                spec.x,
                x_kind.name()
            ),
            Some("name a date column (YYYY, YYYY-MM or YYYY-MM-DD)".to_string()),
        )),
        ChartType::Map if ys.len() > 1 || series.is_some() => errors.push(error(
            "y",
            "a map shades each country by one y column and takes no series".to_string(),
            Some("filter the rows to one value per country with `where`".to_string()),
        )),
        ChartType::Map if x_kind != ColumnType::String => errors.push(error(
            "x",
            format!(
                "column {:?} is {}, but a map's x names countries",
                spec.x,
                x_kind.name()
            ),
            Some("name a column of ISO 3166-1 alpha-3 codes or country names".to_string()),
        )),
        ChartType::Scatter if !(x_kind.is_numeric() || x_kind == ColumnType::Date) => {
            errors.push(error(
                "x",
                format!(
                    "column {:?} is {}, but a scatter chart needs numbers or dates on its x axis",
                    spec.x,
                    x_kind.name()
                ),
                Some(numeric_columns(snapshot)),
            ))
        }
        _ => {}
    }
    if spec.stacked.is_on() && !matches!(spec.kind, ChartType::Bar | ChartType::Area) {
        errors.push(error(
            "stacked",
            format!("a {} chart cannot be stacked", spec.kind.name()),
            Some("`stacked` applies to bar and area charts".to_string()),
        ));
    }
    if spec.scale == Some(Scale::Log) {
        let why = match spec.kind {
            ChartType::Bar | ChartType::Area => Some(
                "a bar or an area shows a value by its length, which a log scale does not keep",
            ),
            ChartType::Pie | ChartType::Timeline => Some("it has no value axis"),
            ChartType::Map => Some("a map shades values; it has no axis"),
            _ if spec.stacked.is_on() => Some("stacked values add up, which a log scale hides"),
            _ => None,
        };
        if let Some(why) = why {
            errors.push(error(
                "scale",
                format!(
                    "a {} chart cannot have a log scale: {why}",
                    spec.kind.name()
                ),
                Some("a log scale suits line, dot and scatter charts".to_string()),
            ));
        }
    }
    if spec.facet.is_some()
        && matches!(
            spec.kind,
            ChartType::Pie | ChartType::Map | ChartType::Timeline
        )
    {
        errors.push(error(
            "facet",
            format!("a {} chart cannot be split into panels", spec.kind.name()),
            Some(
                "`facet` applies to line, bar, area, scatter and dot charts; a timeline's \
                 `series` makes lanes"
                    .to_string(),
            ),
        ));
    }
    if !spec.breaks.is_empty() {
        let ascending = spec.breaks.windows(2).all(|w| w[0] < w[1]);
        let fault = if spec.kind != ChartType::Map {
            Some(format!(
                "a {} chart has no classed legend: `breaks` is for maps",
                spec.kind.name()
            ))
        } else if spec.breaks.iter().any(|b| !b.is_finite()) || !ascending {
            Some("`breaks` go from low to high, each once".to_string())
        } else if spec.breaks.len() > crate::chart::map::MAX_BREAKS {
            Some(format!(
                "{} breaks make {} classes; readers tell at most {} shades of one colour apart",
                spec.breaks.len(),
                spec.breaks.len() + 1,
                crate::chart::map::MAX_BREAKS + 1
            ))
        } else {
            None
        };
        if let Some(message) = fault {
            errors.push(error(
                "breaks",
                message,
                Some("e.g. breaks = [5, 10, 15] for four classes".to_string()),
            ));
        }
    }
    if spec.facet_scales.is_some() && spec.facet.is_none() {
        errors.push(error(
            "facet_scales",
            "`facet_scales` without `facet`: there are no panels to scale".to_string(),
            Some("add facet = \"<column>\", or remove `facet_scales`".to_string()),
        ));
    }
    if spec.horizontal && !matches!(spec.kind, ChartType::Bar | ChartType::Dot) {
        errors.push(error(
            "horizontal",
            format!("a {} chart cannot be horizontal", spec.kind.name()),
            Some("`horizontal` applies to bar and dot charts".to_string()),
        ));
    }
    errors
}

fn numeric_columns(snapshot: &Snapshot) -> String {
    let names: Vec<&str> = snapshot
        .table
        .columns
        .iter()
        .filter(|c| c.kind.is_numeric())
        .map(|c| c.name.as_str())
        .collect();
    if names.is_empty() {
        format!("{} has no numeric columns", snapshot.id())
    } else {
        format!("numeric columns are {}", names.join(", "))
    }
}

/// One published version of a figure, resolved against its snapshot: the figure, which
/// version it is, when that version was first published (from `folio.lock`) and where the
/// prose shows it (for the version the prose shows).
#[derive(Debug, Clone)]
pub struct FigureVersion {
    /// The resolved figure.
    pub figure: Figure,
    /// This version's number.
    pub version: u32,
    /// The date this version was first published (`YYYY-MM-DD`).
    pub published: String,
    /// Where the prose shows it; `None` for earlier and withdrawn versions.
    pub place: Option<Place>,
}

/// Where a figure stands in the prose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    /// "Figure N": 1-based, in reading order across the report.
    pub number: usize,
    /// The index of the page that shows it.
    pub page: usize,
    /// Where its directive's body starts in that page's Markdown body.
    pub offset: usize,
}

/// The directive as canonical JSON (keys sorted), as recorded in `folio.lock`.
pub fn canonical(spec: &ChartSpec) -> String {
    let value = serde_json::to_value(spec).expect("a spec serialises");
    serde_json::to_string(&value).expect("JSON serialises")
}
