//! Names an author chooses that become paths of the site: slugs (datasets, figure ids,
//! chapters) and version names, which are ISO dates or `v<N>`; and the dates themselves
//! (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`), as versions, lock entries and date cells have them.
//! Checked here, once, so that nothing built from a name can leave the directory it is meant
//! for.

/// True for a non-empty string of `[a-z0-9-]`.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// True for a name a SQL query can use unquoted: a lowercase ASCII letter, then lowercase
/// letters, digits and underscores (SQL folds unquoted names to lowercase, so only these
/// mean the same quoted and unquoted).
pub fn is_identifier(s: &str) -> bool {
    s.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// True for a version name: an ISO date `YYYY-MM-DD` or `v<N>` (N from 1, no leading zero).
pub fn is_version(name: &str) -> bool {
    if let Some(n) = name.strip_prefix('v') {
        return !n.is_empty()
            && !n.starts_with('0')
            && n.len() < 10
            && n.bytes().all(|b| b.is_ascii_digit());
    }
    is_day(name)
}

/// Orders versions: dates by date, then `v<N>` by N.
pub fn version_order(version: &str) -> (u8, u64, String) {
    match version
        .strip_prefix('v')
        .and_then(|n| n.parse::<u64>().ok())
    {
        Some(n) => (1, n, String::new()),
        None => (0, 0, version.to_string()),
    }
}

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD` as (year, month, day), month and day 0 when absent.
/// Read byte by byte: it runs for every cell of every date column.
pub fn parse_date(cell: &str) -> Option<(i32, u32, u32)> {
    let b = cell.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        b.get(range)?.iter().try_fold(0u32, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let year = digits(0..4)? as i32;
    match b.len() {
        4 => Some((year, 0, 0)),
        7 if b[4] == b'-' => {
            let month = digits(5..7).filter(|m| (1..=12).contains(m))?;
            Some((year, month, 0))
        }
        10 if b[4] == b'-' && b[7] == b'-' => {
            let month = digits(5..7).filter(|m| (1..=12).contains(m))?;
            let day = digits(8..10).filter(|d| *d >= 1 && *d <= days_in_month(year, month))?;
            Some((year, month, day))
        }
        _ => None,
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// True for a whole day, `YYYY-MM-DD` (a real calendar date).
pub fn is_day(text: &str) -> bool {
    text.len() == 10 && matches!(parse_date(text), Some((_, m, d)) if m > 0 && d > 0)
}

/// True for a plain relative path: `/`-separated names, none empty, `.` or `..`, and no
/// backslash, colon or NUL (which some systems read as separators or drive names).
pub fn is_plain_path(path: &str) -> bool {
    !path.is_empty()
        && !path.contains(['\\', ':', '\0'])
        && path
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
}
