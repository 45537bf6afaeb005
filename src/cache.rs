//! The persistent render cache: each figure version's static SVG, PNG preview and
//! `figure.zip`, each page's formatted citations and reference list, and the search index,
//! kept between builds, so that a build whose figures, citations and pages did not change
//! starts no JavaScript engine, rasterises and compresses nothing, runs no citation style
//! and indexes nothing.
//!
//! In: the ECharts option a static rendering is made from, or the bibliography, style and
//! citations a page's references are made from. Out: what they make, from the cache or made
//! afresh (and then kept). Entries are content-addressed: the key is the SHA-256 of
//! everything that decides the bytes (the option and the chart's size, the ECharts build,
//! the fonts, this build of folio and the entry format), so an entry can never stand for
//! another input, and figure versions, which are immutable, hit for good.
//! Each entry carries a checksum of its own contents (XXH3-128: a check against damage, not
//! a key, so it need not be cryptographic; it runs at memory speed, where SHA-256 was a
//! seventh of the figures' work in a cached rebuild); a corrupt, truncated or foreign file
//! is detected, ignored and replaced. Output is byte-identical with and without the cache
//! (a test builds both ways).
//!
//! The cache lives in the user's cache directory (`$XDG_CACHE_HOME/folio` or
//! `~/.cache/folio` on Linux, `~/Library/Caches/folio` on macOS, `%LOCALAPPDATA%\folio` on
//! Windows; `FOLIO_CACHE_DIR` overrides it), never in the project: an entry committed to a
//! report's repository by a hostile pull request would otherwise be served as a figure.
//! Entries are shared by every project on the machine, which is safe because they are
//! content-addressed. `--no-cache` turns it off.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use sha2::{Digest, Sha256};

/// The environment variable that names the cache's directory instead of the default.
pub const DIR_VARIABLE: &str = "FOLIO_CACHE_DIR";

/// The last bytes of an entry: its format. A new format gives every entry a new key too.
const MAGIC: &[u8; 16] = b"folio-render-v4\n";

/// The length of an entry's checksum (XXH3-128, little-endian), before [`MAGIC`].
const CHECKSUM: usize = 16;

/// What every key starts from: the entry format, this build of folio (its version, and the
/// SHA-256 of its source, which `build.rs` computes: what a build of other source made is
/// never read back, and every build of the same source shares what it made), the ECharts
/// build, the scripts around it, the card's layout and the fonts the SVG is measured and
/// rasterised with.
static SALT: LazyLock<[u8; 32]> = LazyLock::new(|| {
    let mut hasher = Sha256::new();
    hasher.update(MAGIC);
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
    hasher.update(env!("FOLIO_BUILD_ID").as_bytes());
    hasher.update(crate::chart::svg::ECHARTS_JS);
    for script in crate::chart::svg::SCRIPTS {
        hasher.update(script.as_bytes());
    }
    hasher.update(crate::chart::DENSE_POINTS.to_le_bytes());
    // The card's layout, by the SVG it makes of a sample (`pngs` draws that layout, a test
    // checks): a moved title or a new size gives every entry a new key.
    let sample = crate::chart::preview::Card {
        label: "Version 1, published 2025-11-27".into(),
        title: "A title long enough to wrap onto a second line of the card, as titles do".into(),
        source: "A source".into(),
        report: "A report".into(),
    };
    hasher.update(
        crate::chart::preview::card_svg("<svg/>", crate::chart::HEIGHT, &sample).as_bytes(),
    );
    hasher.update(dejavu::sans::regular());
    hasher.update(dejavu::sans::bold());
    hasher.update(crate::chart::preview::CJK_FONT);
    hasher.update(crate::chart::geo::GEO_JSON);
    hasher.finalize().into()
});

/// Where rendered figures are kept, or nowhere.
#[derive(Debug, Clone, Default)]
pub struct RenderCache {
    dir: Option<PathBuf>,
}

/// A figure version's static renderings: the SVG, the PNG card (`preview.png`) and the PNG
/// image at twice the SVG's size (`figure.png`).
pub type Static = (String, Vec<u8>, Vec<u8>);

impl RenderCache {
    /// The cache in `FOLIO_CACHE_DIR`, else in the user's cache directory; off when the
    /// system has none.
    pub fn user() -> Self {
        let dir = std::env::var_os(DIR_VARIABLE)
            .filter(|d| !d.is_empty())
            .map(PathBuf::from)
            .or_else(|| dirs::cache_dir().map(|d| d.join("folio")));
        RenderCache {
            dir: dir.map(|d| d.join("render")),
        }
    }

    /// A cache in `dir` (tests).
    pub fn at(dir: &Path) -> Self {
        RenderCache {
            dir: Some(dir.to_path_buf()),
        }
    }

    /// No cache: everything is made afresh, nothing is kept (`--no-cache`).
    pub fn off() -> Self {
        RenderCache { dir: None }
    }

    /// The static SVG and PNG of the chart whose (static) option is `option`, from the
    /// cache, or else what `make` gives, which is then kept. A cache that cannot be read or
    /// written is only a slower build: its failures are not errors.
    pub fn static_chart(
        &self,
        option: &str,
        make: impl FnOnce() -> Result<Static, String>,
    ) -> Result<Static, String> {
        let mut make = Some(make);
        let mut made = None;
        let bytes = self.kept("chart", &[option.as_bytes()], || {
            let static_chart = make.take().map_or_else(|| Err(String::new()), |m| m())?;
            let bytes = encode_static(&static_chart);
            made = Some(static_chart);
            Ok::<_, String>(bytes)
        })?;
        if let Some(made) = made {
            return Ok(made);
        }
        match (decode_static(&bytes), make) {
            (Some(kept), _) => Ok(kept),
            // Intact, but not a chart: made afresh (and not kept, so as not to loop).
            (None, Some(make)) => make(),
            (None, None) => Err("a damaged cache entry".to_string()),
        }
    }

    /// The bytes kept under the key made of `parts`, when an intact entry has them; else
    /// what `make` makes, kept for the next build (a failure to keep it is not an error:
    /// the cache only saves time). Entries of each `kind` (`chart`, `bundle`,
    /// `references`, `search`) sit in a directory of that name, whose name is part of their keys.
    pub fn kept<E>(
        &self,
        kind: &str,
        parts: &[&[u8]],
        make: impl FnOnce() -> Result<Vec<u8>, E>,
    ) -> Result<Vec<u8>, E> {
        let Some(dir) = &self.dir else {
            return make();
        };
        let key = key(kind, parts);
        let path = dir.join(kind).join(&key[..2]).join(&key[2..]);
        if let Some(kept) = std::fs::read(&path).ok().and_then(unframe) {
            return Ok(kept);
        }
        let made = make()?;
        let _ = crate::error::write(&path, &frame(&made));
        Ok(made)
    }
}

/// An entry: the body, its XXH3-128 checksum, the format. Both follow the body, so that
/// reading an entry back only shortens the buffer it was read into.
fn frame(body: &[u8]) -> Vec<u8> {
    let mut entry = Vec::with_capacity(body.len() + CHECKSUM + MAGIC.len());
    entry.extend_from_slice(body);
    entry.extend_from_slice(&checksum(body));
    entry.extend_from_slice(MAGIC);
    entry
}

/// The body of an intact entry: `entry` without its checksum and format, or `None` when
/// it is not an entry of this format or its checksum does not match.
fn unframe(mut entry: Vec<u8>) -> Option<Vec<u8>> {
    let rest = entry.strip_suffix(MAGIC.as_slice())?;
    let at = rest.len().checked_sub(CHECKSUM)?;
    let (body, sum) = rest.split_at(at);
    if checksum(body) != sum {
        return None;
    }
    entry.truncate(at);
    Some(entry)
}

fn checksum(body: &[u8]) -> [u8; CHECKSUM] {
    twox_hash::XxHash3_128::oneshot(body).to_le_bytes()
}

fn encode_static((svg, card, image): &Static) -> Vec<u8> {
    pack(&[svg.as_bytes(), card, image])
}

fn decode_static(body: &[u8]) -> Option<Static> {
    let [svg, card, image]: [Vec<u8>; 3] = unpack(body)?.try_into().ok()?;
    Some((String::from_utf8(svg).ok()?, card, image))
}

/// Parts as one body: each part's length (8 bytes, little-endian), then the part.
pub fn pack(parts: &[&[u8]]) -> Vec<u8> {
    let mut body = Vec::with_capacity(parts.iter().map(|p| 8 + p.len()).sum());
    for part in parts {
        body.extend_from_slice(&(part.len() as u64).to_le_bytes());
        body.extend_from_slice(part);
    }
    body
}

/// Parts hashed together for a key; the groups of a key over many parts (the search
/// index's pages: hundreds of megabytes on a large site) are hashed in parallel.
const KEY_GROUP: usize = 256;

/// The key of the entry of `kind` made of `parts`, as 64 hexadecimal digits: the SHA-256 of
/// [`SALT`], the kind, the number of parts and the SHA-256 of each group of [`KEY_GROUP`]
/// parts in order, each part with its length before it. Every part and boundary is in
/// it, so two lists of parts share a key only if SHA-256 collides.
fn key(kind: &str, parts: &[&[u8]]) -> String {
    use rayon::prelude::*;
    let digests: Vec<[u8; 32]> = parts.par_chunks(KEY_GROUP).map(crate::memo::key).collect();
    let mut hasher = Sha256::new();
    hasher.update(*SALT);
    hasher.update((kind.len() as u64).to_le_bytes());
    hasher.update(kind.as_bytes());
    hasher.update((parts.len() as u64).to_le_bytes());
    for digest in digests {
        hasher.update(digest);
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The parts of a [`pack`]ed body, or `None` when it is not one.
pub fn unpack(mut body: &[u8]) -> Option<Vec<Vec<u8>>> {
    let mut parts = Vec::new();
    while !body.is_empty() {
        let (length, rest) = body.split_at_checked(8)?;
        let length = usize::try_from(u64::from_le_bytes(length.try_into().ok()?)).ok()?;
        let (part, rest) = rest.split_at_checked(length)?;
        parts.push(part.to_vec());
        body = rest;
    }
    Some(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_what_it_made_and_rebuilds_a_damaged_entry() {
        let dir = tempfile::tempdir().unwrap();
        let cache = RenderCache::at(dir.path());
        let made = || Ok(("<svg/>".to_string(), vec![1, 2, 3], vec![4]));
        assert_eq!(cache.static_chart("{}", made).unwrap().1, vec![1, 2, 3]);
        // Kept: `make` is not called again.
        let kept = cache.static_chart("{}", || Err("made again".to_string()));
        assert_eq!(kept.unwrap().0, "<svg/>");
        // A damaged entry (one byte of its body changed) is detected and made afresh.
        let entry = walkdir::WalkDir::new(dir.path())
            .into_iter()
            .filter_map(Result::ok)
            .find(|e| e.file_type().is_file())
            .unwrap()
            .into_path();
        let mut bytes = std::fs::read(&entry).unwrap();
        bytes[0] ^= 1;
        std::fs::write(&entry, &bytes).unwrap();
        let remade = cache.static_chart("{}", || Ok(("<svg/>".to_string(), vec![9], vec![])));
        assert_eq!(remade.unwrap().1, vec![9]);
        // Another option is another entry.
        let other = cache.static_chart("{\"a\":1}", || Ok((String::new(), vec![], vec![])));
        assert_eq!(other.unwrap().1, Vec::<u8>::new());
    }

    #[test]
    fn reads_only_intact_entries() {
        let made = ("<svg>é</svg>".to_string(), vec![0, 255], vec![7, 8]);
        let entry = frame(&encode_static(&made));
        assert_eq!(
            unframe(entry.clone()).and_then(|b| decode_static(&b)),
            Some(made)
        );
        assert_eq!(unframe(entry[..entry.len() - 1].to_vec()), None);
        assert_eq!(unframe(entry[1..].to_vec()), None);
        let mut flipped = entry.clone();
        flipped[0] ^= 1;
        assert_eq!(unframe(flipped), None);
        assert_eq!(unframe(MAGIC.to_vec()), None);
        assert_eq!(unframe(Vec::new()), None);
        assert_eq!(unframe(frame(b"")), Some(Vec::new()));
        assert_eq!(decode_static(&[1, 2]), None);
        assert_eq!(decode_static(&pack(&[b"a", b"b"])), None);
        assert_eq!(
            unpack(&pack(&[b"", b"xyz"])),
            Some(vec![vec![], b"xyz".to_vec()])
        );
        assert_eq!(unpack(&[9, 0, 0, 0, 0, 0, 0, 0, 1]), None);
    }
}
