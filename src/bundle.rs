//! A figure version's download bundle, `figure.zip`: everything needed to reuse and cite the
//! figure offline, in one file that is the same bytes on every build.
//!
//! In: the files (name and bytes) and the version's publication date. Out: a ZIP archive
//! (deflate-compressed, via the `zip` crate) whose entries are in the order given, each
//! dated to the publication date at midnight (ZIP's DOS time has no time zone and no
//! seconds finer than two), with Unix permissions 0644: nothing of the machine or the clock
//! of the build gets in.

use std::io::Write;

/// `figure.zip` of `files`, dated `date` (`YYYY-MM-DD`). Errors only if the archive cannot
/// be written to memory.
pub fn zip(files: &[(&str, &[u8])], date: &str) -> Result<Vec<u8>, String> {
    let part = |i: usize| -> u16 {
        date.split('-')
            .nth(i)
            .and_then(|p| p.parse().ok())
            .unwrap_or(1)
    };
    // DOS dates start in 1980; a date the format cannot hold falls back to that epoch.
    let modified =
        zip::DateTime::from_date_and_time(part(0), part(1) as u8, part(2) as u8, 0, 0, 0)
            .unwrap_or_default();
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(modified)
        .unix_permissions(0o644);
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in files {
        writer
            .start_file(*name, options)
            .map_err(|e| format!("cannot add {name} to figure.zip: {e}"))?;
        writer
            .write_all(bytes)
            .map_err(|e| format!("cannot add {name} to figure.zip: {e}"))?;
    }
    writer
        .finish()
        .map(std::io::Cursor::into_inner)
        .map_err(|e| format!("cannot write figure.zip: {e}"))
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    #[test]
    fn the_same_files_make_the_same_bytes_and_read_back() {
        let files: [(&str, &[u8]); 2] = [("data.csv", b"a,b\n1,2\n"), ("README.txt", b"read me")];
        let first = super::zip(&files, "2025-11-27").unwrap();
        std::thread::sleep(std::time::Duration::from_millis(1100));
        assert_eq!(first, super::zip(&files, "2025-11-27").unwrap());
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(first)).unwrap();
        assert_eq!(archive.len(), 2);
        let mut entry = archive.by_name("data.csv").unwrap();
        let mut text = String::new();
        entry.read_to_string(&mut text).unwrap();
        assert_eq!(text, "a,b\n1,2\n");
        let modified = entry.last_modified().unwrap();
        assert_eq!(
            (modified.year(), modified.month(), modified.day()),
            (2025, 11, 27)
        );
    }
}
