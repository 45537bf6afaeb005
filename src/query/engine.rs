//! The query engine: Apache DataFusion, run on one partition over the pinned snapshots a
//! query names and nothing else.
//!
//! In: a SQL text and its inputs (a name and a parsed snapshot each). Out: the result as
//! rows of canonical text ([`Answer`]), or why not ([`Failure`]). Compiled only with the
//! `engine` cargo feature; without it [`run`] returns [`Failure::Unavailable`].
//!
//! What makes a result the same on every run and machine:
//! - one partition, a fixed batch size and no repartitioning, so a plan never depends on
//!   the number of cores and floats are always added in the same order;
//! - the query's last step is an `ORDER BY` (refused otherwise);
//! - functions whose result is not fixed by their arguments (`random()`, `now()`,
//!   `uuid()`; DataFusion's volatility other than immutable) are refused;
//! - numbers are written by one rule: whole numbers as digits, floats rounded to 15
//!   significant digits (the precision an IEEE 754 double always keeps; DataFusion's
//!   `sum()` over floats may differ below it) then written in their shortest form.
//!
//! Only the named inputs are visible: statements other than a query (`CREATE EXTERNAL
//! TABLE`, `COPY`, `SET`) are refused, and DataFusion reads files named in `FROM` only when
//! asked to (`enable_url_table`), which folio never does.

use crate::data::Table;

/// The kind of a result column, from the engine's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `true` / `false`.
    Boolean,
    /// Whole numbers.
    Integer,
    /// Decimal numbers.
    Number,
    /// Dates (`YYYY-MM-DD`).
    Date,
    /// Text.
    Text,
}

/// A query's result: column names and kinds, and each row's cells as text (`None` for
/// SQL's `NULL`).
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// (name, kind) in the query's order.
    pub columns: Vec<(String, Kind)>,
    /// The rows, in the query's order.
    pub rows: Vec<Vec<Option<String>>>,
}

/// Why a query gave no answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// The engine refused or failed the query: its message, and where in the SQL text (a
    /// byte offset) when that can be told.
    Sql {
        /// The engine's message.
        message: String,
        /// Byte offset in the query text.
        at: Option<usize>,
    },
    /// folio refuses the query: what is wrong and what to do.
    Refused {
        /// What is wrong.
        message: String,
        /// What to do.
        hint: String,
        /// Byte offset in the query text.
        at: Option<usize>,
    },
    /// This folio was built without the engine.
    Unavailable,
}

/// One input: the name the query gives it, and the snapshot's table.
pub struct Input<'a> {
    /// A SQL name ([`crate::names::is_identifier`]).
    pub name: &'a str,
    /// The snapshot's cells, typed by its columns; for a streamed snapshot, its columns.
    pub table: &'a Table,
    /// The file the engine reads instead of the table's cells, as a stream with the
    /// table's column types: a streamed CSV snapshot, and every Parquet snapshot (so a
    /// query sees a Parquet file's values as the file holds them, held or streamed).
    /// `None`: the table's cells are the input.
    pub file: Option<&'a std::path::Path>,
}

/// True when this folio was built with the query engine.
pub const AVAILABLE: bool = cfg!(feature = "engine");

/// Runs `sql` over `inputs`. See the module's documentation for the rules; `ordered`
/// says whether the query must end with `ORDER BY` (a result of one row needs none).
#[cfg(not(feature = "engine"))]
pub fn run(_sql: &str, _inputs: &[Input<'_>], _ordered: bool) -> Result<Answer, Failure> {
    Err(Failure::Unavailable)
}

/// Runs `sql` over `inputs`. See the module's documentation for the rules; `ordered`
/// says whether the query must end with `ORDER BY` (a result of one row needs none).
#[cfg(feature = "engine")]
pub fn run(sql: &str, inputs: &[Input<'_>], ordered: bool) -> Result<Answer, Failure> {
    let failed = |message: String| Failure::Sql { message, at: None };
    // On a thread of its own with a large stack: planning a deeply nested query recurses,
    // and a query is untrusted input. A panic in the engine becomes a diagnostic.
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("folio-query".into())
            .stack_size(ENGINE_STACK)
            .spawn_scoped(scope, || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .build()
                    .map_err(|e| failed(format!("cannot start the query engine: {e}")))?;
                runtime.block_on(datafusion_run(sql, inputs, ordered))
            })
            .map_err(|e| failed(format!("cannot start the query engine: {e}")))?
            .join()
            .unwrap_or_else(|_| Err(failed("the query engine stopped on this query".to_string())))
    })
}

/// The stack of the engine's thread: 256 MiB of address space, of which only what a query
/// uses is ever touched.
#[cfg(feature = "engine")]
const ENGINE_STACK: usize = 256 << 20;

#[cfg(feature = "engine")]
async fn datafusion_run(sql: &str, inputs: &[Input<'_>], ordered: bool) -> Result<Answer, Failure> {
    use datafusion::prelude::{SQLOptions, SessionConfig, SessionContext};

    let config = SessionConfig::new()
        .with_target_partitions(1)
        .with_batch_size(8192)
        .with_repartition_file_scans(false)
        .with_repartition_joins(false)
        .with_repartition_aggregations(false)
        .with_repartition_sorts(false)
        .with_repartition_windows(false)
        .with_information_schema(false);
    let context = SessionContext::new_with_config(config);
    for input in inputs {
        match input.file {
            Some(path) => register_file(&context, input, path)
                .await
                .map_err(|e| sql_failure(sql, &e))?,
            None => {
                let batch = arrow_table(input.table)
                    .map_err(|message| Failure::Sql { message, at: None })?;
                context
                    .register_batch(input.name, batch)
                    .map_err(|e| sql_failure(sql, &e))?;
            }
        }
    }
    let state = context.state();
    let plan = state
        .create_logical_plan(sql)
        .await
        .map_err(|e| sql_failure(sql, &e))?;
    SQLOptions::new()
        .with_allow_ddl(false)
        .with_allow_dml(false)
        .with_allow_statements(false)
        .verify_plan(&plan)
        .map_err(|e| Failure::Refused {
            message: format!("only a query can run here: {}", first_line(&e.to_string())),
            hint:
                "write one SELECT; a derived version or claim reads its inputs and writes nothing"
                    .to_string(),
            at: None,
        })?;
    check_deterministic(sql, &plan, ordered)?;
    let frame = context
        .execute_logical_plan(plan)
        .await
        .map_err(|e| sql_failure(sql, &e))?;
    let batches = frame.collect().await.map_err(|e| sql_failure(sql, &e))?;
    let schema = match batches.first() {
        Some(b) => b.schema(),
        None => std::sync::Arc::new(datafusion::arrow::datatypes::Schema::empty()),
    };
    answer(&schema, &batches)
}

/// A streamed snapshot's file as the input `input`, read as it is scanned, never whole:
/// a CSV with the table's column types ([`arrow_type`]; an empty cell is NULL, quoted
/// cells may hold line breaks), a Parquet file with its columns cast to those types, so a
/// query sees the same types whether its input was held or streamed.
#[cfg(feature = "engine")]
async fn register_file(
    context: &datafusion::prelude::SessionContext,
    input: &Input<'_>,
    path: &std::path::Path,
) -> datafusion::error::Result<()> {
    use datafusion::arrow::datatypes::{Field, Schema};
    use datafusion::prelude::{CsvReadOptions, ParquetReadOptions, cast, ident};

    let schema = Schema::new(
        input
            .table
            .columns
            .iter()
            .map(|c| Field::new(&c.name, arrow_type(c.kind), true))
            .collect::<Vec<_>>(),
    );
    // As a `file://` URL: a plain path would be read as a glob pattern (`[draft]`, `?`, `*`
    // in a directory's name), which could match no file and give an empty input.
    let location = std::fs::canonicalize(path)
        .ok()
        .and_then(|full| url::Url::from_file_path(full).ok())
        .ok_or_else(|| {
            datafusion::error::DataFusionError::Plan(format!(
                "cannot read the snapshot file {}",
                path.display()
            ))
        })?
        .to_string();
    let frame = match path.extension().and_then(|e| e.to_str()) {
        Some("parquet") => {
            let raw = context
                .read_parquet(location.as_str(), ParquetReadOptions::default())
                .await?;
            raw.select(
                schema
                    .fields()
                    .iter()
                    .map(|f| cast(ident(f.name()), f.data_type().clone()).alias(f.name()))
                    .collect::<Vec<_>>(),
            )?
        }
        _ => {
            context
                .read_csv(
                    location.as_str(),
                    CsvReadOptions::new()
                        .has_header(true)
                        .schema(&schema)
                        .newlines_in_values(true),
                )
                .await?
        }
    };
    context.register_table(input.name, frame.into_view())?;
    Ok(())
}

/// The Arrow type a column of this type has in a query: integers as Int64, numbers as
/// Float64, text and dates as UTF-8 (a date keeps the precision it is written with:
/// `2025`, `2025-08`).
#[cfg(feature = "engine")]
fn arrow_type(kind: crate::data::ColumnType) -> datafusion::arrow::datatypes::DataType {
    use crate::data::ColumnType;
    use datafusion::arrow::datatypes::DataType;
    match kind {
        ColumnType::Integer => DataType::Int64,
        ColumnType::Number => DataType::Float64,
        ColumnType::String | ColumnType::Date => DataType::Utf8,
    }
}

/// An input table as one Arrow record batch, typed by [`arrow_type`]; an empty cell is
/// NULL.
#[cfg(feature = "engine")]
fn arrow_table(table: &Table) -> Result<datafusion::arrow::record_batch::RecordBatch, String> {
    use crate::data::ColumnType;
    use datafusion::arrow::array::{ArrayRef, Float64Array, Int64Array, StringArray};
    use datafusion::arrow::datatypes::{Field, Schema};
    use std::sync::Arc;

    let rows = table.rows();
    let mut fields = Vec::with_capacity(table.columns.len());
    let mut arrays: Vec<ArrayRef> = Vec::with_capacity(table.columns.len());
    for (c, column) in table.columns.iter().enumerate() {
        let cells = (0..rows).map(|r| Some(table.cell(r, c)).filter(|s| !s.is_empty()));
        let array: ArrayRef = match column.kind {
            ColumnType::Integer => Arc::new(
                cells
                    .map(|s| s.and_then(|s| s.parse::<i64>().ok()))
                    .collect::<Int64Array>(),
            ),
            ColumnType::Number => Arc::new(
                cells
                    .map(|s| s.and_then(crate::data::parse_number))
                    .collect::<Float64Array>(),
            ),
            ColumnType::String | ColumnType::Date => Arc::new(cells.collect::<StringArray>()),
        };
        fields.push(Field::new(&column.name, arrow_type(column.kind), true));
        arrays.push(array);
    }
    datafusion::arrow::record_batch::RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)
        .map_err(|e| e.to_string())
}

/// Refuses a plan whose result could differ between runs: one whose last step is not an
/// `ORDER BY`, or one that calls a function whose result is not fixed by its arguments.
#[cfg(feature = "engine")]
fn check_deterministic(
    sql: &str,
    plan: &datafusion::logical_expr::LogicalPlan,
    ordered: bool,
) -> Result<(), Failure> {
    use datafusion::common::tree_node::{TreeNode, TreeNodeRecursion};
    use datafusion::logical_expr::{Expr, LogicalPlan, Volatility};

    let mut volatile: Option<String> = None;
    let _ = plan.apply_with_subqueries(|node| {
        node.apply_expressions(|expr| {
            expr.apply(|e| {
                if let Expr::ScalarFunction(f) = e
                    && f.func.signature().volatility != Volatility::Immutable
                {
                    volatile = Some(f.func.name().to_string());
                    return Ok(TreeNodeRecursion::Stop);
                }
                Ok(TreeNodeRecursion::Continue)
            })
        })
    });
    if let Some(name) = volatile {
        return Err(Failure::Refused {
            message: format!("{name}() gives another result on another run, so the result could not be pinned"),
            hint: "a derived version or claim is computed once and pinned: write the value itself, or compute it from the inputs".to_string(),
            at: find_word(sql, &name),
        });
    }
    if !ordered {
        return Ok(());
    }
    // The steps a plan may take after its sort without changing the order of the rows.
    let mut node = plan;
    loop {
        match node {
            LogicalPlan::Sort(_) => return Ok(()),
            LogicalPlan::Projection(p) => node = &p.input,
            LogicalPlan::Limit(l) => node = &l.input,
            LogicalPlan::SubqueryAlias(a) => node = &a.input,
            _ => break,
        }
    }
    Err(Failure::Refused {
        message: "the query has no ORDER BY, so the order of its rows is not fixed".to_string(),
        hint: "end the query with ORDER BY over columns that tell every row apart".to_string(),
        at: None,
    })
}

/// The engine's error as a [`Failure::Sql`], located in `sql` when the message says where
/// (the parser's `Line: L, Column: C`) or names something written in it.
#[cfg(feature = "engine")]
fn sql_failure(sql: &str, error: &datafusion::error::DataFusionError) -> Failure {
    let message = first_line(&error.to_string()).to_string();
    let at = parser_position(sql, &message).or_else(|| {
        ["No field named ", "table '", "Invalid function '"]
            .iter()
            .find_map(|lead| {
                let rest = &message[message.find(lead)? + lead.len()..];
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.')
                    .collect();
                // `datafusion.public.t` is found as written: `public.t` or `t`.
                let name = name.trim_end_matches('.');
                let mut parts = name.split('.').collect::<Vec<_>>();
                while !parts.is_empty() {
                    if let Some(at) = find_word(sql, &parts.join(".")) {
                        return Some(at);
                    }
                    parts.remove(0);
                }
                None
            })
    });
    Failure::Sql { message, at }
}

/// The byte offset of `Line: L, Column: C` (1-based, characters) of a parser message.
#[cfg(any(feature = "engine", test))]
fn parser_position(sql: &str, message: &str) -> Option<usize> {
    let number = |lead: &str| -> Option<usize> {
        let rest = &message[message.find(lead)? + lead.len()..];
        rest.chars()
            .take_while(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .ok()
    };
    let (line, column) = (number("Line: ")?, number("Column: ")?);
    let start: usize = sql
        .split_inclusive('\n')
        .take(line.checked_sub(1)?)
        .map(str::len)
        .sum();
    let text = sql.get(start..)?;
    Some(
        start
            + text
                .char_indices()
                .nth(column.saturating_sub(1))
                .map_or(0, |(i, _)| i),
    )
}

/// Where `word` is first written in `sql` as a whole word, case ignored.
#[cfg(any(feature = "engine", test))]
fn find_word(sql: &str, word: &str) -> Option<usize> {
    if word.is_empty() {
        return None;
    }
    let lower = sql.to_ascii_lowercase();
    let word = word.to_ascii_lowercase();
    let is_part = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    lower.match_indices(&word).map(|(i, _)| i).find(|&i| {
        !is_part(lower[..i].chars().next_back()) && !is_part(lower[i + word.len()..].chars().next())
    })
}

#[cfg(feature = "engine")]
fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or(text)
}

/// The batches as rows of canonical text.
/// The kind of each column of `schema`, or why a snapshot cannot hold one.
#[cfg(feature = "engine")]
fn kinds(schema: &datafusion::arrow::datatypes::Schema) -> Result<Vec<(String, Kind)>, Failure> {
    use datafusion::arrow::datatypes::DataType;

    let mut columns = Vec::new();
    for field in schema.fields() {
        let kind = match field.data_type() {
            DataType::Boolean => Kind::Boolean,
            DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::UInt8
            | DataType::UInt16
            | DataType::UInt32
            | DataType::UInt64 => Kind::Integer,
            DataType::Float32 | DataType::Float64 | DataType::Decimal128(..) => Kind::Number,
            DataType::Date32 | DataType::Date64 => Kind::Date,
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => Kind::Text,
            other => {
                return Err(Failure::Refused {
                    message: format!(
                        "column {:?} is of type {other}, which a snapshot cannot hold",
                        field.name()
                    ),
                    hint: format!(
                        "cast it in the query, e.g. CAST(... AS VARCHAR) AS {}",
                        field.name()
                    ),
                    at: None,
                });
            }
        };
        columns.push((field.name().clone(), kind));
    }
    Ok(columns)
}

#[cfg(feature = "engine")]
fn answer(
    schema: &datafusion::arrow::datatypes::Schema,
    batches: &[datafusion::arrow::record_batch::RecordBatch],
) -> Result<Answer, Failure> {
    use datafusion::arrow::array::{Array, AsArray};
    use datafusion::arrow::datatypes::{DataType, Float32Type, Float64Type};
    use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};

    let columns = kinds(schema)?;
    let options = FormatOptions::default();
    let mut rows = Vec::new();
    for batch in batches {
        let mut cells: Vec<Vec<Option<String>>> = vec![Vec::new(); batch.num_rows()];
        for array in batch.columns() {
            let formatter =
                ArrayFormatter::try_new(array.as_ref(), &options).map_err(|e| Failure::Sql {
                    message: e.to_string(),
                    at: None,
                })?;
            for (r, row) in cells.iter_mut().enumerate() {
                let cell = if array.is_null(r) {
                    None
                } else {
                    Some(match array.data_type() {
                        DataType::Float64 => float(array.as_primitive::<Float64Type>().value(r)),
                        DataType::Float32 => {
                            float(f64::from(array.as_primitive::<Float32Type>().value(r)))
                        }
                        _ => formatter.value(r).to_string(),
                    })
                };
                // NaN and infinities are no numbers a snapshot can hold.
                row.push(cell.filter(|c| !matches!(c.as_str(), "NaN" | "inf" | "-inf")));
            }
        }
        rows.extend(cells);
    }
    Ok(Answer { columns, rows })
}

/// Reads a Parquet snapshot: its columns, typed from its schema, and its rows as canonical
/// text (the same rules as a query's result). Batches are read one at a time.
#[cfg(feature = "engine")]
pub fn read_parquet(path: &std::path::Path) -> Result<Answer, Failure> {
    use datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

    let fail = |message: String| Failure::Sql { message, at: None };
    let file = std::fs::File::open(path).map_err(|e| fail(e.to_string()))?;
    let builder =
        ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| fail(e.to_string()))?;
    let schema = builder.schema().clone();
    let reader = builder.build().map_err(|e| fail(e.to_string()))?;
    let mut batches = Vec::new();
    for batch in reader {
        batches.push(batch.map_err(|e| fail(e.to_string()))?);
    }
    answer(&schema, &batches)
}

/// Without the engine, Parquet cannot be read.
#[cfg(not(feature = "engine"))]
pub fn read_parquet(_path: &std::path::Path) -> Result<Answer, Failure> {
    Err(Failure::Unavailable)
}

/// What a Parquet file's footer says of it: its columns, typed from its schema, its row
/// count, and the size of its data uncompressed (bytes), which tells whether it can be
/// held ([`crate::data::stream_above`]).
pub struct ParquetFooter {
    /// (name, kind) in the file's order.
    pub columns: Vec<(String, Kind)>,
    /// Rows.
    pub rows: usize,
    /// Bytes of its row groups, uncompressed.
    pub uncompressed: u64,
}

/// Reads a Parquet file's footer ([`ParquetFooter`]), not its data.
#[cfg(feature = "engine")]
pub fn parquet_footer(path: &std::path::Path) -> Result<ParquetFooter, Failure> {
    use datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

    let fail = |message: String| Failure::Sql { message, at: None };
    let file = std::fs::File::open(path).map_err(|e| fail(e.to_string()))?;
    let builder =
        ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| fail(e.to_string()))?;
    let metadata = builder.metadata();
    let rows = metadata.file_metadata().num_rows();
    let uncompressed = metadata
        .row_groups()
        .iter()
        .map(|g| u64::try_from(g.total_byte_size()).unwrap_or(u64::MAX))
        .fold(0u64, u64::saturating_add);
    Ok(ParquetFooter {
        columns: kinds(builder.schema())?,
        rows: usize::try_from(rows).unwrap_or(0),
        uncompressed,
    })
}

/// Without the engine, Parquet cannot be read.
#[cfg(not(feature = "engine"))]
pub fn parquet_footer(_path: &std::path::Path) -> Result<ParquetFooter, Failure> {
    Err(Failure::Unavailable)
}

/// A float as a snapshot writes it: rounded to 15 significant digits, then in its shortest
/// round-trip form (`17181597.599999964` and `17181597.6` both give `17181597.6`); `-0` is
/// `0`; NaN and infinities are `NaN`, `inf`, `-inf`, which callers treat as missing.
pub fn float(value: f64) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    let rounded: f64 = format!("{value:.14e}").parse().unwrap_or(value);
    if rounded == 0.0 {
        return "0".to_string();
    }
    rounded.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_are_written_to_fifteen_significant_digits() {
        assert_eq!(float(17181597.599999964), "17181597.6");
        assert_eq!(float(17181597.6), "17181597.6");
        assert_eq!(float(0.1 + 0.2), "0.3");
        assert_eq!(float(-0.0), "0");
        assert_eq!(float(1.0), "1");
        assert_eq!(float(15.86), "15.86");
        assert_eq!(float(1e-7), "0.0000001");
        assert_eq!(float(123456789012345678.0), "123456789012346000");
    }

    #[test]
    fn parser_positions_are_byte_offsets() {
        let sql = "SELECT a\nFROM t\nWHERE é = 1 AND";
        let at = parser_position(
            sql,
            "Expected: an expression, found: EOF at Line: 3, Column: 9",
        );
        assert_eq!(&sql[at.unwrap()..], "= 1 AND");
        assert_eq!(find_word("select origin, orig from t", "orig"), Some(15));
    }
}
