//! The persistent render cache: each figure version's static SVG and PNG preview, kept
//! between builds, so that a build whose figures did not change starts no JavaScript engine
//! and rasterises nothing.
//!
//! In: the ECharts option a static rendering is made from. Out: the SVG and PNG, from the
//! cache or made afresh (and then kept). Entries are content-addressed: the key is the
//! SHA-256 of everything that decides the bytes (the option and the chart's size, the
//! ECharts build, the fonts, this folio's version and the entry format), so an entry can
//! never stand for another input, and figure versions, which are immutable, hit for good.
//! Each entry carries the SHA-256 of its own contents; a corrupt, truncated or foreign file
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

/// The first bytes of an entry: its format. A new format gives every entry a new key too.
const MAGIC: &[u8; 16] = b"folio-render-v2\n";

/// What every key starts from: the entry format, folio's version, the ECharts build, the
/// scripts around it, the card's layout and the fonts the SVG is measured and rasterised with.
static SALT: LazyLock<[u8; 32]> = LazyLock::new(|| {
    let mut hasher = Sha256::new();
    hasher.update(MAGIC);
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
    hasher.update(crate::chart::svg::ECHARTS_JS);
    for script in crate::chart::svg::SCRIPTS {
        hasher.update(script.as_bytes());
    }
    hasher.update(crate::chart::DENSE_POINTS.to_le_bytes());
    // The card's layout, by what it makes of a sample: a moved title or a new size gives
    // every entry a new key.
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
        let Some(dir) = &self.dir else {
            return make();
        };
        let key: String = {
            let mut hasher = Sha256::new();
            hasher.update(*SALT);
            hasher.update(option.as_bytes());
            hasher
                .finalize()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect()
        };
        let path = dir.join(&key[..2]).join(&key[2..]);
        if let Some(kept) = std::fs::read(&path).ok().and_then(|bytes| decode(&bytes)) {
            return Ok(kept);
        }
        let made = make()?;
        let _ = crate::error::write(&path, &encode(&made));
        Ok(made)
    }
}

/// An entry: the magic, the SHA-256 of the rest, the SVG's length (8 bytes, little-endian),
/// the SVG, the card's length, the card, the image.
fn encode((svg, card, image): &Static) -> Vec<u8> {
    let mut body = Vec::with_capacity(16 + svg.len() + card.len() + image.len());
    body.extend_from_slice(&(svg.len() as u64).to_le_bytes());
    body.extend_from_slice(svg.as_bytes());
    body.extend_from_slice(&(card.len() as u64).to_le_bytes());
    body.extend_from_slice(card);
    body.extend_from_slice(image);
    let mut entry = MAGIC.to_vec();
    entry.extend_from_slice(&Sha256::digest(&body));
    entry.extend_from_slice(&body);
    entry
}

/// The renderings an entry holds, or `None` when it is not an intact entry.
fn decode(entry: &[u8]) -> Option<Static> {
    let rest = entry.strip_prefix(MAGIC.as_slice())?;
    let (digest, body) = rest.split_at_checked(32)?;
    if Sha256::digest(body).as_slice() != digest {
        return None;
    }
    let part = |rest: &[u8]| -> Option<(Vec<u8>, Vec<u8>)> {
        let (length, rest) = rest.split_at_checked(8)?;
        let length = usize::try_from(u64::from_le_bytes(length.try_into().ok()?)).ok()?;
        let (part, rest) = rest.split_at_checked(length)?;
        Some((part.to_vec(), rest.to_vec()))
    };
    let (svg, rest) = part(body)?;
    let (card, image) = part(&rest)?;
    Some((String::from_utf8(svg).ok()?, card, image))
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
        // A damaged entry (one byte changed) is detected and made afresh.
        let entry = walkdir::WalkDir::new(dir.path())
            .into_iter()
            .filter_map(Result::ok)
            .find(|e| e.file_type().is_file())
            .unwrap()
            .into_path();
        let mut bytes = std::fs::read(&entry).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        std::fs::write(&entry, &bytes).unwrap();
        let remade = cache.static_chart("{}", || Ok(("<svg/>".to_string(), vec![9], vec![])));
        assert_eq!(remade.unwrap().1, vec![9]);
        // Another option is another entry.
        let other = cache.static_chart("{\"a\":1}", || Ok((String::new(), vec![], vec![])));
        assert_eq!(other.unwrap().1, Vec::<u8>::new());
    }

    #[test]
    fn reads_only_intact_entries() {
        let entry = encode(&("<svg>é</svg>".to_string(), vec![0, 255], vec![7, 8]));
        assert_eq!(
            decode(&entry),
            Some(("<svg>é</svg>".to_string(), vec![0, 255], vec![7, 8]))
        );
        assert_eq!(decode(&entry[..entry.len() - 1]), None);
        assert_eq!(decode(b"folio-render-v2\n"), None);
        assert_eq!(decode(b""), None);
    }
}
