//! Writes a CSV file as Parquet through the query engine, streaming (never the whole file
//! in memory), for the benchmark of derived queries over large snapshots in `benches/run`.
//! Column types are the benchmark's: `country,year,value,note,date` as text, integer,
//! float, text, text. Needs `--features engine`.

use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::dataframe::DataFrameWriteOptions;
use datafusion::prelude::{CsvReadOptions, SessionConfig, SessionContext};

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(csv), Some(parquet)) = (args.next(), args.next()) else {
        eprintln!("usage: to_parquet IN.csv OUT.parquet");
        std::process::exit(2);
    };
    let schema = Schema::new(vec![
        Field::new("country", DataType::Utf8, true),
        Field::new("year", DataType::Int64, true),
        Field::new("value", DataType::Float64, true),
        Field::new("note", DataType::Utf8, true),
        Field::new("date", DataType::Utf8, true),
    ]);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime starts");
    runtime.block_on(async {
        let context =
            SessionContext::new_with_config(SessionConfig::new().with_target_partitions(1));
        let frame = context
            .read_csv(&csv, CsvReadOptions::new().schema(&schema).has_header(true))
            .await
            .expect("the CSV opens");
        frame
            .write_parquet(
                &parquet,
                DataFrameWriteOptions::new().with_single_file_output(true),
                None,
            )
            .await
            .expect("the Parquet file is written");
    });
}
