//! PNG previews of figures, for social cards: the static SVG rasterised by resvg.
//!
//! In: the SVG. Out: a PNG of [`WIDTH`] x [`HEIGHT`] pixels on white. Text is set in DejaVu
//! Sans, compiled into folio (the `dejavu` crate), never in a system font, so the same SVG
//! gives the same PNG bytes on every machine.

use std::sync::{Arc, LazyLock};

use resvg::{tiny_skia, usvg};
use sha2::{Digest, Sha256};

use crate::memo::Memo;

/// The preview's width in pixels: the static chart's own size, above the 600 x 315 that
/// large social cards ask for at least (a larger raster costs more than the chart itself).
pub const WIDTH: u32 = crate::chart::WIDTH;
/// The preview's height in pixels.
pub const HEIGHT: u32 = crate::chart::HEIGHT;

static OPTIONS: LazyLock<usvg::Options<'static>> = LazyLock::new(|| {
    let mut fonts = usvg::fontdb::Database::new();
    fonts.load_font_data(dejavu::sans::regular().to_vec());
    fonts.load_font_data(dejavu::sans::bold().to_vec());
    fonts.set_sans_serif_family("DejaVu Sans");
    fonts.set_serif_family("DejaVu Sans");
    fonts.set_monospace_family("DejaVu Sans");
    usvg::Options {
        font_family: "DejaVu Sans".to_string(),
        fontdb: Arc::new(fonts),
        ..usvg::Options::default()
    }
});

/// The characters whose widths [`advance_widths`] gives: Basic Latin to Latin Extended-B.
pub const MEASURED: std::ops::RangeInclusive<u32> = 0x20..=0x24f;

/// The advance width of each character of [`MEASURED`] in DejaVu Sans (regular or bold), in
/// ems; 1 for a character the font lacks. The static SVG lays its text out with these, so
/// that its labels fit the font the preview sets them in.
pub fn advance_widths(bold: bool) -> Vec<f32> {
    use skrifa::MetadataProvider;
    let data = if bold {
        dejavu::sans::bold()
    } else {
        dejavu::sans::regular()
    };
    let Ok(font) = skrifa::FontRef::new(data) else {
        return vec![1.0; MEASURED.count()];
    };
    let charmap = font.charmap();
    let metrics = font.glyph_metrics(
        skrifa::instance::Size::new(1.0),
        skrifa::instance::LocationRef::default(),
    );
    MEASURED
        .map(|c| {
            charmap
                .map(c)
                .and_then(|glyph| metrics.advance_width(glyph))
                .unwrap_or(1.0)
        })
        .collect()
}

/// The width of `text` set at `px` pixels in DejaVu Sans regular, by [`advance_widths`].
pub fn text_width(text: &str, px: f32) -> f32 {
    static REGULAR: LazyLock<Vec<f32>> = LazyLock::new(|| advance_widths(false));
    text.chars()
        .map(|c| {
            let em = (c as u32)
                .checked_sub(*MEASURED.start())
                .and_then(|i| REGULAR.get(i as usize))
                .copied()
                .unwrap_or(1.0);
            em * px
        })
        .sum()
}

/// PNGs already made in this process, by the SHA-256 of their SVG (the dev server rebuilds
/// often).
static RENDERED: Memo<Vec<u8>> = Memo::new();

/// Rasterises an SVG to a PNG preview.
pub fn png(svg: &str) -> Result<Vec<u8>, String> {
    RENDERED.get_or_try(Sha256::digest(svg.as_bytes()).into(), || rasterise(svg))
}

fn rasterise(svg: &str) -> Result<Vec<u8>, String> {
    let tree =
        usvg::Tree::from_str(svg, &OPTIONS).map_err(|e| format!("cannot read the SVG: {e}"))?;
    let mut pixmap = tiny_skia::Pixmap::new(WIDTH, HEIGHT).ok_or("cannot allocate the preview")?;
    pixmap.fill(tiny_skia::Color::WHITE);
    let size = tree.size();
    let scale = (WIDTH as f32 / size.width()).min(HEIGHT as f32 / size.height());
    let dx = (WIDTH as f32 - size.width() * scale) / 2.0;
    let dy = (HEIGHT as f32 - size.height() * scale) / 2.0;
    let transform = tiny_skia::Transform::from_row(scale, 0.0, 0.0, scale, dx, dy);
    resvg::render(&tree, transform, &mut pixmap.as_mut());
    encode(&pixmap).map_err(|e| format!("cannot encode the preview: {e}"))
}

/// Encodes an opaque pixmap as an 8-bit RGB PNG with fast compression: a third of the time
/// of tiny-skia's own RGBA encoder at its default level, for a file about the same size.
fn encode(pixmap: &tiny_skia::Pixmap) -> Result<Vec<u8>, png::EncodingError> {
    // The pixmap was filled white before drawing, so every pixel is opaque and its
    // premultiplied colour is its colour.
    let rgb: Vec<u8> = pixmap
        .data()
        .chunks_exact(4)
        .flat_map(|pixel| [pixel[0], pixel[1], pixel[2]])
        .collect();
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, pixmap.width(), pixmap.height());
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&rgb)?;
    writer.finish()?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn measures_dejavu_sans() {
        let regular = super::advance_widths(false);
        let bold = super::advance_widths(true);
        let width = |table: &[f32], c: char| table[c as usize - 0x20];
        // DejaVu Sans: digits are 0.636 em wide, an M 0.863 em; bold is wider.
        assert!(
            (width(&regular, '0') - 0.636).abs() < 0.001,
            "{}",
            width(&regular, '0')
        );
        assert!(
            (width(&regular, 'M') - 0.863).abs() < 0.001,
            "{}",
            width(&regular, 'M')
        );
        assert!(width(&bold, 'M') > width(&regular, 'M'));
        assert!(width(&regular, 'i') < width(&regular, 'w'));
        // Text is the sum of its characters; one outside the table counts 1 em.
        let text = super::text_width("M0", 12.0);
        assert!((text - (0.863 + 0.636) * 12.0).abs() < 0.02, "{text}");
        assert_eq!(super::text_width("中", 12.0), 12.0);
    }

    #[test]
    fn rasterises_text_the_same_way_every_time() {
        let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" width="720" height="420"><text x="10" y="50" style="font-family:sans-serif;font-size:24px">Figure</text></svg>"#;
        let a = super::png(svg).unwrap();
        assert!(a.starts_with(b"\x89PNG"));
        // A fresh decode and render gives the same bytes as the cached one.
        super::RENDERED.clear();
        assert_eq!(super::png(svg).unwrap(), a);
    }
}
