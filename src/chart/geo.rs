//! World geometry for map charts: Natural Earth's 1:110m country outlines (public domain),
//! with ISO 3166-1 alpha-3 codes and English names, as built by `vendor/geo/build.mjs`.
//!
//! In: a cell of a map's `x` column. Out: the country it names, matched without regard to
//! case against the alpha-3 code, the display name and the other names the geometry lists
//! ("USA", "United States of America", "People's Republic of China"). The same file is served
//! with the site ([`GEO_FILE`]) and registered with ECharts for the static SVG, so the browser
//! and the image draw the same outlines.

use std::sync::OnceLock;

/// The geometry: a GeoJSON FeatureCollection whose features carry `name`, `iso_a3` and
/// `aliases`.
pub const GEO_JSON: &str = include_str!("../../vendor/geo/world-110m.json");

/// Its file name in a site: the first 8 hex digits of its SHA-256 make a changed geometry a
/// new address (a test checks them).
pub const GEO_FILE: &str = "world-110m-befea971.json";

/// The name ECharts knows the geometry by (`echarts.registerMap`).
pub const MAP_NAME: &str = "world";

/// A country, or a Natural Earth unit without an ISO code (Kosovo).
#[derive(Debug)]
pub struct Country {
    /// The English display name; ECharts matches data to outlines by it.
    pub name: String,
    /// The ISO 3166-1 alpha-3 code, when it has one.
    pub iso_a3: Option<String>,
    aliases: Vec<String>,
}

impl Country {
    /// The code when there is one, else the name: what identifies it in a figure.
    pub fn code(&self) -> &str {
        self.iso_a3.as_deref().unwrap_or(&self.name)
    }
}

/// Every country of the geometry, in its order (by code).
pub fn countries() -> &'static [Country] {
    static COUNTRIES: OnceLock<Vec<Country>> = OnceLock::new();
    COUNTRIES.get_or_init(|| {
        #[derive(serde::Deserialize)]
        struct Collection {
            features: Vec<Feature>,
        }
        #[derive(serde::Deserialize)]
        struct Feature {
            properties: Properties,
        }
        #[derive(serde::Deserialize)]
        struct Properties {
            name: String,
            iso_a3: Option<String>,
            aliases: Vec<String>,
        }
        let collection: Collection =
            serde_json::from_str(GEO_JSON).expect("the vendored geometry is GeoJSON (a test)");
        collection
            .features
            .into_iter()
            .map(|f| Country {
                name: f.properties.name,
                iso_a3: f.properties.iso_a3,
                aliases: f.properties.aliases,
            })
            .collect()
    })
}

/// The country a cell names, by code or name, ignoring case and surrounding spaces.
pub fn place(cell: &str) -> Option<&'static Country> {
    let cell = cell.trim();
    if cell.is_empty() {
        return None;
    }
    let wanted = cell.to_lowercase();
    let same = |name: &str| name.to_lowercase() == wanted;
    countries().iter().find(|c| {
        c.iso_a3.as_deref().is_some_and(same) || same(&c.name) || c.aliases.iter().any(|a| same(a))
    })
}

/// Places every cell, or gives the distinct cells it cannot place, in their order.
pub fn place_all(cells: &[&str]) -> Result<(), Vec<String>> {
    let mut unknown: Vec<String> = Vec::new();
    for cell in cells {
        if place(cell).is_none() && !unknown.iter().any(|u| u == cell) {
            unknown.push(cell.to_string());
        }
    }
    if unknown.is_empty() {
        Ok(())
    } else {
        Err(unknown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::Digest;

    #[test]
    fn the_file_name_carries_the_geometry_checksum() {
        let hex: String = sha2::Sha256::digest(GEO_JSON.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(GEO_FILE, format!("world-110m-{}.json", &hex[..8]));
    }

    #[test]
    fn places_codes_and_the_names_authors_write() {
        let code = |cell: &str| place(cell).map(|c| c.code().to_string());
        for (cell, expected) in [
            ("CHN", "CHN"),
            ("chn", "CHN"),
            ("China", "CHN"),
            ("People's Republic of China", "CHN"),
            (" United States ", "USA"),
            ("USA", "USA"),
            ("United States of America", "USA"),
            ("France", "FRA"),
            ("United Kingdom", "GBR"),
            ("South Korea", "KOR"),
            ("Taiwan", "TWN"),
            ("Kosovo", "Kosovo"),
        ] {
            assert_eq!(code(cell).as_deref(), Some(expected), "{cell}");
        }
        assert_eq!(place("China").unwrap().name, "China");
        assert_eq!(place("USA").unwrap().name, "United States");
        // Not countries, or too small for a 1:110m map.
        for cell in ["International/Online", "Hong Kong", "Singapore", "", "EU"] {
            assert!(place(cell).is_none(), "{cell}");
        }
        assert_eq!(
            place_all(&["China", "Atlantis", "EU", "Atlantis"]),
            Err(vec!["Atlantis".to_string(), "EU".to_string()])
        );
        assert!(countries().iter().all(|c| c.name != "Antarctica"));
    }
}
