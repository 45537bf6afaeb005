//! The csv crate reading a file record by record and doing nothing else: the floor that
//! `folio data list` is compared with in `benches/run`.

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: csv_baseline FILE.csv");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(&path)
        .expect("the file opens");
    let mut record = csv::ByteRecord::new();
    let mut rows = 0u64;
    while reader
        .read_byte_record(&mut record)
        .expect("the file parses")
    {
        rows += 1;
    }
    println!("{rows} records");
}
