//! PNG previews of figures, for social cards: the static SVG, framed as a [`Card`] with the
//! figure's version and title above it and its source line and the report's name below, as
//! Our World in Data's and Datawrapper's image exports are, rasterised by resvg.
//!
//! In: the chart's SVG and the card's words. Out: a PNG of [`WIDTH`] x [`CARD_HEIGHT`] pixels
//! on white, and beside it the chart alone at twice its size (`figure.png`). Text is set in
//! DejaVu Sans, and Chinese, Japanese kana and full-width forms in a subset of Noto Sans CJK
//! SC (`vendor/fonts/`, 783 KB, SIL OFL 1.1), both compiled into folio, never a system font,
//! so the same SVG gives the same PNG bytes on every machine.

use std::sync::{Arc, LazyLock};

use resvg::{tiny_skia, usvg};

use crate::memo::Memo;

/// The preview's width in pixels: the static chart's own size, above the 600 x 315 that
/// large social cards ask for at least (a larger raster costs more than the chart itself).
pub const WIDTH: u32 = crate::chart::WIDTH;
/// The preview's height in pixels.
pub const HEIGHT: u32 = crate::chart::HEIGHT;

/// Room above the chart for the figure's number and a title of up to two lines, in pixels.
const HEADER: u32 = 92;
/// Room below the chart for the source line, in pixels.
const FOOTER: u32 = 36;
/// The card's height in pixels: the chart with its header and footer.
pub const CARD_HEIGHT: u32 = HEIGHT + HEADER + FOOTER;
/// The card's margin, left and right, in pixels.
const MARGIN: f32 = 24.0;

/// Noto Sans CJK SC, subset to the 3,500 characters of level 1 of the Table of General
/// Standard Chinese Characters, kana, CJK punctuation and full-width forms
/// (`vendor/fonts/README.md` says how it is made). Every glyph is one em wide, as
/// [`text_width`] counts a character outside DejaVu Sans.
pub const CJK_FONT: &[u8] = include_bytes!("../../vendor/fonts/NotoSansCJKsc-Regular-subset.otf");

static OPTIONS: LazyLock<usvg::Options<'static>> = LazyLock::new(|| {
    let mut fonts = usvg::fontdb::Database::new();
    fonts.load_font_data(dejavu::sans::regular().to_vec());
    fonts.load_font_data(dejavu::sans::bold().to_vec());
    // A character DejaVu Sans lacks falls back to the first font that has it.
    fonts.load_font_data(CJK_FONT.to_vec());
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
    measure(text, px, false)
}

fn measure(text: &str, px: f32, bold: bool) -> f32 {
    static REGULAR: LazyLock<Vec<f32>> = LazyLock::new(|| advance_widths(false));
    static BOLD: LazyLock<Vec<f32>> = LazyLock::new(|| advance_widths(true));
    let widths = if bold { &BOLD } else { &REGULAR };
    text.chars()
        .map(|c| {
            let em = (c as u32)
                .checked_sub(*MEASURED.start())
                .and_then(|i| widths.get(i as usize))
                .copied()
                .unwrap_or(1.0);
            em * px
        })
        .sum()
}

/// True when the preview can draw `c`: DejaVu Sans or the CJK font has a glyph for it.
pub fn has_glyph(c: char) -> bool {
    use skrifa::MetadataProvider;
    static FONTS: LazyLock<Vec<&'static [u8]>> =
        LazyLock::new(|| vec![dejavu::sans::regular(), CJK_FONT]);
    FONTS
        .iter()
        .any(|data| skrifa::FontRef::new(data).is_ok_and(|font| font.charmap().map(c).is_some()))
}

/// What a card says besides its chart.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Card {
    /// The line above the title: which version of the figure, and when it was published.
    pub label: String,
    /// The figure's title.
    pub title: String,
    /// The figure's source line as it starts (`Source: …` or `Sources: a; b`), or empty.
    pub source: String,
    /// The report's title.
    pub report: String,
}

/// Splits `text` at spaces into at most `lines` lines of at most `width` pixels at `px`; the
/// last line ends in an ellipsis when words are left over, and a word wider than a line is
/// cut.
fn wrap(text: &str, px: f32, bold: bool, width: f32, lines: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match out.last_mut() {
            Some(line) if measure(&format!("{line} {word}"), px, bold) <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => out.push(word.to_string()),
        }
    }
    if out.len() > lines {
        // What does not fit on the last line is wider than it: cut with an ellipsis.
        let rest = out.split_off(lines.saturating_sub(1)).join(" ");
        out.push(rest);
    }
    out.into_iter()
        .map(|line| ellipsis(&line, px, bold, width))
        .collect()
}

/// `text` as it is when it fits `width`, else cut to fit with an ellipsis.
fn ellipsis(text: &str, px: f32, bold: bool, width: f32) -> String {
    if measure(text, px, bold) <= width {
        return text.to_string();
    }
    let mut cut = text.to_string();
    while !cut.is_empty() && measure(&format!("{cut}…"), px, bold) > width {
        cut.pop();
    }
    format!("{}…", cut.trim_end())
}

/// The card as SVG: the chart's SVG, drawn `chart_height` pixels tall at [`WIDTH`], scaled
/// into the room between the card's header and footer. [`pngs`] draws the same card without
/// reading the chart a second time; this is its layout's reference (the render cache's key
/// hashes a sample, and a test compares the two).
pub fn card_svg(chart: &str, chart_height: u32, card: &Card) -> String {
    let chart = chart
        .trim_start()
        .strip_prefix("<?xml")
        .and_then(|rest| rest.split_once("?>"))
        .map_or(chart, |(_, rest)| rest);
    let (header, footer) = frame(card);
    // The chart's own `<svg>` (`width` by `chart_height`) clips it to its box; a second clip
    // of the same box here, resvg's default for a nested `<svg>`, drew the chart through a
    // mask for nothing.
    format!(
        r#"{header}<svg x="0" y="{HEADER}" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {chart_height}" overflow="visible">{chart}</svg>{footer}"#
    )
}

/// The card's SVG around its chart: from the `<svg>` tag to the title, and from the
/// source line to the end.
fn frame(card: &Card) -> (String, String) {
    let escape = crate::html::escape;
    let inner = WIDTH as f32 - 2.0 * MARGIN;
    let mut header = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{CARD_HEIGHT}" viewBox="0 0 {WIDTH} {CARD_HEIGHT}"><rect width="100%" height="100%" fill="#ffffff"/><text x="{MARGIN}" y="28" style="font-family:sans-serif;font-size:13px;fill:#555555">{}</text>"##,
        escape(&ellipsis(&card.label, 13.0, false, inner))
    );
    for (i, line) in wrap(&card.title, 20.0, true, inner, 2).iter().enumerate() {
        header.push_str(&format!(
            r##"<text x="{MARGIN}" y="{}" style="font-family:sans-serif;font-size:20px;font-weight:bold;fill:#111111">{}</text>"##,
            54 + 26 * i,
            escape(line)
        ));
    }
    let words = match (card.source.is_empty(), card.report.is_empty()) {
        (false, false) => format!("{} · {}", card.source, card.report),
        (false, true) => card.source.clone(),
        (true, _) => card.report.clone(),
    };
    let footer = format!(
        r##"<text x="{MARGIN}" y="{}" style="font-family:sans-serif;font-size:12px;fill:#555555">{}</text></svg>"##,
        HEADER + HEIGHT + 22,
        escape(&ellipsis(&words, 12.0, false, inner))
    );
    (header, footer)
}

/// A chart's two PNGs, from one reading of its SVG (`chart_height` pixels tall at
/// [`WIDTH`]): its card (`preview.png`, [`WIDTH`] x [`CARD_HEIGHT`], laid out as
/// [`card_svg`] lays it out: the chart scaled to fit the room between header and footer,
/// centred, cut to its own box; the same pixels where the chart fills the room's width) and
/// its image at twice its size (`figure.png`: sharp on high-density screens and in
/// slides). Reading the SVG once, and copying the chart into the card where resvg drew the
/// card's nested `<svg>` through a clipping mask, takes about a fifth off the two. Errors:
/// an SVG that cannot be read, an image too large.
pub fn pngs(chart: &str, chart_height: u32, card: &Card) -> Result<(Vec<u8>, Vec<u8>), String> {
    let key = crate::memo::key(&[
        chart.as_bytes(),
        &chart_height.to_le_bytes(),
        card.label.as_bytes(),
        card.title.as_bytes(),
        card.source.as_bytes(),
        card.report.as_bytes(),
    ]);
    RENDERED.get_or_try(key, || draw_pngs(chart, chart_height, card))
}

/// The PNGs already made in this process, by the SHA-256 of what they are made from (the
/// dev server rebuilds often, also without the render cache).
static RENDERED: Memo<(Vec<u8>, Vec<u8>)> = Memo::new();

/// [`pngs`], made afresh.
fn draw_pngs(chart: &str, chart_height: u32, card: &Card) -> Result<(Vec<u8>, Vec<u8>), String> {
    let tree =
        usvg::Tree::from_str(chart, &OPTIONS).map_err(|e| format!("cannot read the SVG: {e}"))?;
    let image = encode(&draw(&tree, 2.0)?).map_err(|e| format!("cannot encode the image: {e}"))?;
    let (header, footer) = frame(card);
    let words = usvg::Tree::from_str(&format!("{header}{footer}"), &OPTIONS)
        .map_err(|e| format!("cannot read the card: {e}"))?;
    let mut pixmap = draw(&words, 1.0)?;
    // The chart's box (`WIDTH` by `chart_height`) fitted into the room as a nested `<svg>`
    // with that `viewBox` fits it (`preserveAspectRatio`'s default: one scale, centred).
    // It is drawn into a pixmap of its own, which cuts it to its box, at the fraction of a
    // pixel where the box starts, and copied in at the whole pixel.
    let scale = (HEIGHT as f32 / chart_height.max(1) as f32).min(1.0);
    let (width, height) = (WIDTH as f32 * scale, chart_height as f32 * scale);
    let (x, y) = ((WIDTH as f32 - width) / 2.0, (HEIGHT as f32 - height) / 2.0);
    let (fx, fy) = (x.fract(), y.fract());
    let mut room = tiny_skia::Pixmap::new(
        ((fx + width).ceil() as u32).max(1),
        ((fy + height).ceil() as u32).max(1),
    )
    .ok_or("cannot allocate the image")?;
    room.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::from_row(scale, 0.0, 0.0, scale, fx, fy),
        &mut room.as_mut(),
    );
    pixmap.draw_pixmap(
        x.trunc() as i32,
        (HEADER as f32 + y.trunc()) as i32,
        room.as_ref(),
        &tiny_skia::PixmapPaint::default(),
        tiny_skia::Transform::identity(),
        None,
    );
    let card = encode(&pixmap).map_err(|e| format!("cannot encode the image: {e}"))?;
    Ok((card, image))
}

/// `tree` drawn at `scale` times its own size (rounded up to whole pixels) on white.
fn draw(tree: &usvg::Tree, scale: f32) -> Result<tiny_skia::Pixmap, String> {
    let size = tree
        .size()
        .to_int_size()
        .scale_by(scale)
        .ok_or("cannot scale the image")?;
    let mut pixmap =
        tiny_skia::Pixmap::new(size.width(), size.height()).ok_or("cannot allocate the image")?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    Ok(pixmap)
}

/// Encodes an opaque pixmap as an 8-bit RGB PNG with fast compression: a third of the time
/// of tiny-skia's own RGBA encoder at its default level, for a file about the same size.
fn encode(pixmap: &tiny_skia::Pixmap) -> Result<Vec<u8>, png::EncodingError> {
    // The pixmap was filled white before drawing, so every pixel is opaque and its
    // premultiplied colour is its colour.
    // Copied into a buffer of its final size: `flat_map(..).collect()` grew its vector
    // byte by byte, a sixth of the encoding's time.
    let mut rgb = vec![0; pixmap.data().len() / 4 * 3];
    for (out, pixel) in rgb.chunks_exact_mut(3).zip(pixmap.data().chunks_exact(4)) {
        out.copy_from_slice(&pixel[..3]);
    }
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
    /// An SVG drawn at `scale` times its own size, with the fonts of the previews, on
    /// white: the reference the tests compare with.
    fn scaled(svg: &str, scale: f32) -> Result<Vec<u8>, String> {
        let tree = super::usvg::Tree::from_str(svg, &super::OPTIONS).map_err(|e| e.to_string())?;
        super::encode(&super::draw(&tree, scale)?).map_err(|e| e.to_string())
    }

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

    fn card() -> super::Card {
        super::Card {
            label: "Version 2, published 2026-11-29".into(),
            title: "Share of downloads of new open models, by developer country".into(),
            source: "Source: Longpre et al. & Hugging Face".into(),
            report: "The Open-Model Shift".into(),
        }
    }

    /// A PNG's size and its pixels, as RGB.
    fn decode(png: &[u8]) -> (u32, u32, Vec<u8>) {
        let mut reader = png::Decoder::new(std::io::Cursor::new(png))
            .read_info()
            .unwrap();
        let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut pixels).unwrap();
        assert_eq!(info.color_type, png::ColorType::Rgb);
        (info.width, info.height, pixels)
    }

    #[test]
    fn rasterises_text_the_same_way_every_time() {
        let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" width="720" height="420"><text x="10" y="50" style="font-family:sans-serif;font-size:24px">Figure</text></svg>"#;
        let a = super::pngs(svg, 420, &card()).unwrap();
        assert!(a.0.starts_with(b"\x89PNG") && a.1.starts_with(b"\x89PNG"));
        // A fresh decode and render gives the same bytes as the kept one.
        super::RENDERED.clear();
        assert_eq!(super::pngs(svg, 420, &card()).unwrap(), a);
        assert_eq!(scaled(svg, 2.0).unwrap(), a.1);
    }

    #[test]
    fn a_card_is_the_card_svg_drawn() {
        // A chart with text, a line and a filled shape, as tall as the room and shorter.
        for height in [420, 380] {
            let chart = format!(
                r##"<svg xmlns="http://www.w3.org/2000/svg" width="720" height="{height}" viewBox="0 0 720 {height}"><rect width="720" height="{height}" fill="#ffffff"/><path d="M40 300L200 120L680 60" stroke="#0072B2" stroke-width="2" fill="none"/><rect x="300" y="200" width="90" height="80" fill="#D55E00"/><text x="40" y="{}" style="font-family:sans-serif;font-size:12px">2025</text></svg>"##,
                height - 10
            );
            let (png, _) = super::pngs(&chart, height, &card()).unwrap();
            let reference = scaled(&super::card_svg(&chart, height, &card()), 1.0).unwrap();
            assert!(png == reference, "the card of a chart {height} px tall");
        }
    }

    #[test]
    fn a_card_holds_its_chart_scaled_into_its_room_and_cut_to_its_box() {
        // A chart all red, with a green band that it draws above its own box.
        let chart = |height: u32| {
            format!(
                r##"<svg xmlns="http://www.w3.org/2000/svg" width="720" height="{height}"><rect width="720" height="{height}" fill="#ff0000"/><rect y="-60" width="720" height="50" fill="#00ff00"/></svg>"##
            )
        };
        let pixel = |(width, _, pixels): &(u32, u32, Vec<u8>), x: u32, y: u32| {
            let at = ((y * width + x) * 3) as usize;
            [pixels[at], pixels[at + 1], pixels[at + 2]]
        };
        const RED: [u8; 3] = [255, 0, 0];
        const WHITE: [u8; 3] = [255, 255, 255];
        let (header, room) = (super::HEADER, super::HEIGHT);
        // As tall as the room: it fills it, edge to edge.
        let (png, image) = super::pngs(&chart(420), 420, &card()).unwrap();
        let card_pixels = decode(&png);
        assert_eq!(
            (card_pixels.0, card_pixels.1),
            (super::WIDTH, super::CARD_HEIGHT)
        );
        for (x, y) in [
            (0, header),
            (719, header),
            (360, header + room / 2),
            (0, header + room - 1),
        ] {
            assert_eq!(pixel(&card_pixels, x, y), RED, "({x}, {y})");
        }
        // Nothing it draws outside its box reaches the header; the footer's margin is white.
        for y in header - 60..header {
            assert_eq!(pixel(&card_pixels, 700, y), WHITE, "y = {y}");
        }
        assert_eq!(pixel(&card_pixels, 700, header + room + 2), WHITE);
        // figure.png is the chart at twice its size, alone.
        let image = decode(&image);
        assert_eq!((image.0, image.1), (1440, 840));
        assert_eq!(pixel(&image, 0, 0), RED);
        // Twice as tall as the room: drawn at half its size, centred across the card.
        let (png, _) = super::pngs(&chart(840), 840, &card()).unwrap();
        let tall = decode(&png);
        assert_eq!(pixel(&tall, 360, header + room / 2), RED);
        // 360 px wide: from x = 180 to 540.
        assert_eq!(pixel(&tall, 177, header + room / 2), WHITE);
        assert_eq!(pixel(&tall, 542, header + room / 2), WHITE);
        assert_eq!(pixel(&tall, 182, header + room / 2), RED);
        assert_eq!(pixel(&tall, 537, header + room / 2), RED);
        // Half as tall: at its own size, centred in the room's height.
        let (png, _) = super::pngs(&chart(210), 210, &card()).unwrap();
        let short = decode(&png);
        assert_eq!(pixel(&short, 360, header + 105 - 2), WHITE);
        assert_eq!(pixel(&short, 360, header + 105 + 2), RED);
        assert_eq!(pixel(&short, 360, header + 315 - 2), RED);
        assert_eq!(pixel(&short, 360, header + 315 + 2), WHITE);
    }

    #[test]
    fn draws_chinese_text() {
        let svg = |text: &str| {
            format!(
                r#"<svg xmlns="http://www.w3.org/2000/svg" width="200" height="60"><text x="10" y="40" style="font-family:sans-serif;font-size:24px">{text}</text></svg>"#
            )
        };
        // Drawn as empty boxes, two names of as many characters would give the same picture.
        let deepseek = scaled(&svg("深度求索"), 1.0).unwrap();
        let moonshot = scaled(&svg("月之暗面"), 1.0).unwrap();
        assert_ne!(deepseek, moonshot);
        let blank = scaled(&svg(""), 1.0).unwrap();
        assert_ne!(deepseek, blank);
        for c in "深度求索月之暗面通义千问智谱，。「」ＡＢ".chars() {
            assert!(super::has_glyph(c), "{c}");
        }
        assert!(super::has_glyph('é') && !super::has_glyph('\u{E000}'));
    }

    #[test]
    fn a_card_names_its_figure_source_and_report() {
        let card = card();
        let chart = r#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="720" height="420"></svg>"#;
        let svg = super::card_svg(chart, 420, &card);
        for text in [
            ">Version 2, published 2026-11-29<",
            // 20 px bold over 672 px: two lines.
            ">Share of downloads of new open models, by developer<",
            ">country<",
            ">Source: Longpre et al. &amp; Hugging Face · The Open-Model Shift<",
        ] {
            assert!(svg.contains(text), "{text} in {svg}");
        }
        assert!(!svg.contains("<?xml"));
        let (png, _) = super::pngs(chart, 420, &card).unwrap();
        // The PNG's size, from its header: what the pages' og:image tags say.
        let size = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
        assert_eq!((size(16), size(20)), (super::WIDTH, super::CARD_HEIGHT));
        // A long title takes two lines, the second cut with an ellipsis.
        let long = "word ".repeat(80);
        let lines = super::wrap(&long, 20.0, true, 672.0, 2);
        assert_eq!(lines.len(), 2);
        assert!(lines[1].ends_with('…'));
        assert!(lines.iter().all(|l| super::measure(l, 20.0, true) <= 672.0));
        assert_eq!(
            super::wrap("Short title", 20.0, true, 672.0, 2),
            ["Short title"]
        );
    }
}
