//! Names an author chooses that become paths of the site: slugs (datasets, figure ids,
//! chapters) and version names. Checked here, once, so that nothing built from a name can
//! leave the directory it is meant for.

/// True for a non-empty string of `[a-z0-9-]`.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// True for a version name: an ISO date `YYYY-MM-DD` or `v<N>` (N from 1, no leading zero).
pub fn is_version(name: &str) -> bool {
    if let Some(n) = name.strip_prefix('v') {
        return !n.is_empty()
            && !n.starts_with('0')
            && n.len() < 10
            && n.bytes().all(|b| b.is_ascii_digit());
    }
    name.len() == 10 && matches!(crate::data::parse_date(name), Some((_, m, d)) if m > 0 && d > 0)
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
