//! Static SVG: an ECharts option rendered at build time by ECharts' own server-side
//! renderer, inside QuickJS (compiled from source by `rquickjs`: no Node, no V8).
//!
//! In: the option JSON. Out: the SVG text, the same bytes for the same option.
//!
//! Loading ECharts into an engine is the expensive part, so each thread keeps one engine
//! with ECharts loaded and renders every chart it is given with it, and ECharts is loaded
//! from QuickJS bytecode that `build.rs` compiled (about 7 ms, where parsing the script
//! takes about 50). zrender numbers its
//! instances and their clip paths and classes across the engine's life, and those numbers
//! make the ids inside the SVG; the script below numbers them afresh for each chart, so the
//! SVG does not depend on which charts the engine drew before.

use std::cell::RefCell;
use std::collections::HashMap;

use rquickjs::{Context, Function, Module, Runtime};

use crate::memo::Memo;

/// The ECharts script, served to readers and run here: Apache ECharts with only the charts
/// and components folio uses, built by `vendor/echarts/build.mjs`.
pub const ECHARTS_JS: &[u8] = include_bytes!("../../vendor/echarts/echarts.min.js");

/// [`ECHARTS_JS`] compiled to QuickJS bytecode by `build.rs`, as a module; empty when it
/// could not be (a cross-compiled folio), and ECharts is then evaluated from source.
const ECHARTS_BYTECODE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/echarts.qjsbc"));

/// Its file name in a site: ECharts' version and the first 8 hex digits of the script's
/// SHA-256, so that a rebuilt script gets a new address and no reader's cache serves the
/// old one under it (a test checks both against the script).
pub const ECHARTS_FILE: &str = "echarts-5.5.1-folio-494350fd.min.js";

const RENDER_JS: &str = r#"
(function (optionJson, width, height) {
  function untransformed(el) {
    return !el.x && !el.y && el.scaleX === 1 && el.scaleY === 1 && !el.rotation && !el.skewX && !el.skewY;
  }
  var chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: width, height: height });
  var option = folioNumber.prepare(JSON.parse(optionJson));
  option.animation = false;
  // Series are not clipped to the grid: their axes are fitted to their data, so nothing
  // crosses the grid's edge, and a clip path would make the rasteriser draw the series
  // once more as a mask for every preview. A dense unstacked bar or scatter series is
  // drawn as one path (ECharts' large mode) instead of one element per item: the same
  // picture at half the cost. The static SVG is not interactive, so nothing is lost that
  // the page's interactive chart does not keep.
  (option.series || []).forEach(function (s) {
    if (s.type !== 'pie') {
      s.clip = false;
    }
    if ((s.type === 'bar' || s.type === 'scatter') && !s.stack && s.data && s.data.length > DENSE) {
      s.large = true;
      s.largeThreshold = 0;
    }
  });
  chart.setOption(option);
  folioFit(chart);
  // ECharts still clips a line to a rectangle around the grid. Where that rectangle holds
  // everything the line draws (its bounds, stroke included), the clip changes nothing but
  // makes the rasteriser draw the series twice: drop it.
  chart.getZr().storage.traverse(function (el) {
    var clip = el.getClipPath && el.getClipPath();
    if (!clip || clip.type !== 'rect' || !untransformed(el) || !untransformed(clip)) return;
    var c = clip.shape;
    var r = el.getBoundingRect();
    if (r.x >= c.x && r.y >= c.y && r.x + r.width <= c.x + c.width && r.y + r.height <= c.y + c.height) {
      el.removeClipPath();
    }
  });
  var svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
})
"#;

/// ECharts lays out text (legend entries, axis labels, the grid's room for them) by its
/// measured width. Without a canvas it guesses from one fixed table of widths, narrower than
/// DejaVu Sans, in which the preview sets the text; so long legend entries overlapped. This
/// measures with DejaVu Sans' own widths (a character outside the table counts 1 em).
const MEASURE_JS: &str = r#"
(function (regular, bold, first) {
  echarts.setPlatformAPI({
    measureText: function (text, font) {
      text = String(text == null ? '' : text);
      font = font || '';
      var px = /(\d+(?:\.\d+)?)px/.exec(font);
      var size = px ? +px[1] : 12;
      var widths = /bold|[6-9]00/.test(font) ? bold : regular;
      var width = 0;
      for (var i = 0; i < text.length; i++) {
        var w = widths[text.charCodeAt(i) - first];
        width += (w === undefined ? 1 : w) * size;
      }
      return { width: width };
    }
  });
})
"#;

/// The scripts that shape a static SVG besides ECharts itself, for the render cache's key.
pub const SCRIPTS: [&str; 3] = [RENDER_JS, MEASURE_JS, super::CHART_JS];

struct Engine {
    // The context borrows the runtime's allocator; keep the runtime alive with it.
    _runtime: Runtime,
    context: Context,
    /// Whether the world geometry of map charts is registered (on the first map drawn).
    geo: std::cell::Cell<bool>,
}

impl Engine {
    fn new() -> Result<Engine, String> {
        Engine::load(true)
    }

    /// An engine with ECharts loaded from its bytecode when `precompiled` and there is
    /// some, else evaluated from source.
    fn load(precompiled: bool) -> Result<Engine, String> {
        let runtime = Runtime::new().map_err(|e| e.to_string())?;
        runtime.set_memory_limit(512 << 20);
        let context = Context::full(&runtime).map_err(|e| e.to_string())?;
        context.with(|ctx| -> Result<(), String> {
            // There is no event loop: nothing is animated, so timers never need to fire.
            ctx.eval::<(), _>(
                "globalThis.setTimeout = function () { return 0; }; globalThis.clearTimeout = function () {};",
            )
            .map_err(|e| describe(&ctx, e))?;
            if !(precompiled && load_bytecode(&ctx)) {
                ctx.eval::<(), _>(ECHARTS_JS)
                    .map_err(|e| format!("cannot load ECharts: {}", describe(&ctx, e)))?;
            }
            let measure: Function = ctx
                .eval(MEASURE_JS)
                .map_err(|e| format!("cannot load the text measure: {}", describe(&ctx, e)))?;
            measure
                .call::<_, ()>((
                    super::preview::advance_widths(false),
                    super::preview::advance_widths(true),
                    *super::preview::MEASURED.start(),
                ))
                .map_err(|e| format!("cannot set the text measure: {}", describe(&ctx, e)))?;
            ctx.eval::<(), _>(super::CHART_JS)
                .map_err(|e| format!("cannot load folio-chart.js: {}", describe(&ctx, e)))?;
            let script = RENDER_JS.replace("DENSE", &super::DENSE_POINTS.to_string());
            let render: Function = ctx
                .eval(script)
                .map_err(|e| format!("cannot load the SVG renderer: {}", describe(&ctx, e)))?;
            ctx.globals()
                .set("__folioRender", render)
                .map_err(|e| e.to_string())
        })?;
        Ok(Engine {
            _runtime: runtime,
            context,
            geo: std::cell::Cell::new(false),
        })
    }

    fn render(&self, option: &str, width: u32, height: u32) -> Result<String, String> {
        self.context.with(|ctx| {
            if !self.geo.get() && option.contains(r#""type":"map""#) {
                // GeoJSON is a JavaScript expression.
                ctx.eval::<(), _>(format!(
                    "echarts.registerMap({:?}, {});",
                    super::geo::MAP_NAME,
                    super::geo::GEO_JSON
                ))
                .map_err(|e| format!("cannot load the world geometry: {}", describe(&ctx, e)))?;
                self.geo.set(true);
            }
            let render: Function = ctx
                .globals()
                .get("__folioRender")
                .map_err(|e| e.to_string())?;
            render
                .call::<_, String>((option, width, height))
                .map(|svg| renumber_ids(&svg))
                .map_err(|e| describe(&ctx, e))
        })
    }
}

/// Loads ECharts from [`ECHARTS_BYTECODE`] into `ctx`; `false` when there is none, or it
/// does not load (then nothing of it ran that evaluating the source would not redo).
fn load_bytecode(ctx: &rquickjs::Ctx<'_>) -> bool {
    if ECHARTS_BYTECODE.is_empty() {
        return false;
    }
    // SAFETY: QuickJS trusts the bytecode it reads. These bytes are not input: build.rs made
    // them from the vendored script with the QuickJS this binary links (Cargo.lock holds one
    // rquickjs, for the build script and for folio, with the same features; a feature that
    // changes QuickJS's build must be turned on for both), only when the build's target is
    // the machine it runs on, and they are part of the binary, read from nowhere else.
    // QuickJS checks the bytecode's version when it reads it. `Module::load` reads them as
    // ROM data, which QuickJS may keep pointing into: they must live as long as the engine,
    // which a `&'static [u8]` does (never pass it a buffer that is freed).
    let module = unsafe { Module::load(ctx.clone(), ECHARTS_BYTECODE) };
    module
        .and_then(|module| module.eval())
        .and_then(|(_, promise)| promise.finish::<()>())
        .is_ok()
}

/// zrender's ids (`zr3-c12`, `zr3-cls-40`, ...) count up across every chart an engine has
/// drawn. This numbers them afresh, per kind and in order of first appearance (`f-c0`,
/// `f-cls-0`, ...), so that a chart's SVG does not depend on what the engine drew before.
/// Only ids where zrender writes them are renumbered (after `"`, `#` or `.`: attributes,
/// references and style rules), never text of the chart that looks like one.
fn renumber_ids(svg: &str) -> String {
    let mut out = String::with_capacity(svg.len());
    let mut ids: HashMap<&str, String> = HashMap::new();
    let mut next: HashMap<&str, usize> = HashMap::new();
    let mut rest = svg;
    while let Some(at) = rest.find("zr") {
        out.push_str(&rest[..at]);
        let candidate = &rest[at..];
        let placed = matches!(out.as_bytes().last(), Some(b'"' | b'#' | b'.'));
        match zrender_id(candidate).filter(|_| placed) {
            Some((len, kind)) => {
                let whole = &candidate[..len];
                let id = ids.entry(whole).or_insert_with(|| {
                    let n = next.entry(kind).or_insert(0);
                    *n += 1;
                    format!("f-{kind}{}", *n - 1)
                });
                out.push_str(id);
                rest = &candidate[len..];
            }
            None => {
                out.push_str("zr");
                rest = &candidate[2..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// If `text` starts with a zrender id (`zr` digits `-` letters, an optional `-`, digits),
/// its length and its kind (the letters and that `-`).
fn zrender_id(text: &str) -> Option<(usize, &str)> {
    let bytes = text.as_bytes();
    let digits = |from: usize| {
        bytes[from..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    };
    let mut at = 2;
    let instance = digits(at);
    if instance == 0 || bytes.get(at + instance) != Some(&b'-') {
        return None;
    }
    at += instance + 1;
    let kind_start = at;
    let letters = bytes[at..]
        .iter()
        .take_while(|b| b.is_ascii_lowercase())
        .count();
    if letters == 0 {
        return None;
    }
    at += letters;
    if bytes.get(at) == Some(&b'-') {
        at += 1;
    }
    let number = digits(at);
    if number == 0 {
        return None;
    }
    Some((at + number, &text[kind_start..at]))
}

fn describe(ctx: &rquickjs::Ctx<'_>, error: rquickjs::Error) -> String {
    if matches!(error, rquickjs::Error::Exception) {
        let exception = ctx.catch();
        if let Some(e) = exception.as_exception() {
            return format!(
                "{} {}",
                e.message().unwrap_or_default(),
                e.stack().unwrap_or_default()
            );
        }
        return format!("{exception:?}");
    }
    error.to_string()
}

thread_local! {
    static ENGINE: RefCell<Option<Result<Engine, String>>> = const { RefCell::new(None) };
}

/// SVGs already rendered in this process, by the SHA-256 of (option, width, height): the
/// dev server rebuilds often, and most charts are unchanged between two rebuilds.
static RENDERED: Memo<String> = Memo::new();

/// Renders an ECharts option (JSON) to SVG at `width` x `height` pixels, on this thread's
/// engine, or returns the SVG rendered before for the same input.
pub fn render(option: &str, width: u32, height: u32) -> Result<String, String> {
    let key = crate::memo::key(&[
        option.as_bytes(),
        &width.to_le_bytes(),
        &height.to_le_bytes(),
    ]);
    RENDERED.get_or_try(key, || render_uncached(option, width, height))
}

fn render_uncached(option: &str, width: u32, height: u32) -> Result<String, String> {
    ENGINE.with(|cell| {
        let mut slot = cell.borrow_mut();
        let engine = slot.get_or_insert_with(Engine::new);
        match engine {
            Ok(engine) => engine.render(option, width, height),
            Err(e) => Err(e.clone()),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPTION: &str = r#"{"title":{"text":"A & <b>"},"xAxis":{"type":"category","data":["a","b"]},"yAxis":{"type":"value"},"series":[{"type":"line","data":[1,2]}]}"#;

    #[test]
    fn renders_the_same_svg_for_the_same_option() {
        let started = std::time::Instant::now();
        let first = render(OPTION, 640, 400).unwrap();
        let loaded = started.elapsed();
        let other = OPTION.replace("[1,2]", "[3,1]");
        assert_ne!(render(&other, 640, 400).unwrap(), first);
        let second = render(OPTION, 640, 400).unwrap();
        eprintln!("first {loaded:?}, second {:?}", started.elapsed() - loaded);
        assert!(first.starts_with("<svg"), "{first}");
        assert!(first.contains("A &amp; &lt;b&gt;"), "{first}");
        assert_eq!(first, second);
    }

    #[test]
    fn loads_echarts_from_its_bytecode_and_draws_as_from_source() {
        assert!(!ECHARTS_BYTECODE.is_empty(), "build.rs made no bytecode");
        let runtime = Runtime::new().unwrap();
        let context = Context::full(&runtime).unwrap();
        context.with(|ctx| {
            assert!(load_bytecode(&ctx));
            let loaded: String = ctx.eval("typeof echarts.init").unwrap();
            assert_eq!(loaded, "function");
        });
        // Loaded as a module, ECharts runs in strict mode: the same charts come out.
        let from_bytecode = Engine::load(true).unwrap();
        let from_source = Engine::load(false).unwrap();
        let pie =
            r#"{"series":[{"type":"pie","data":[{"name":"a","value":1},{"name":"b","value":3}]}]}"#;
        let map =
            r#"{"series":[{"type":"map","map":"world","data":[{"name":"China","value":17}]}]}"#;
        for option in [OPTION, pie, map] {
            assert_eq!(
                from_bytecode.render(option, 640, 400).unwrap(),
                from_source.render(option, 640, 400).unwrap(),
                "{option}"
            );
        }
    }

    #[test]
    fn names_the_echarts_version_it_serves() {
        let banner = std::str::from_utf8(&ECHARTS_JS[..200]).unwrap_or_default();
        let (version, hash) = ECHARTS_FILE
            .strip_prefix("echarts-")
            .and_then(|rest| rest.strip_suffix(".min.js"))
            .and_then(|rest| rest.split_once("-folio-"))
            .unwrap();
        assert!(
            banner.starts_with(&format!("/*! Apache ECharts {version} ")),
            "{banner}"
        );
        use sha2::Digest;
        let digest: String = sha2::Sha256::digest(ECHARTS_JS)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            hash,
            &digest[..8],
            "rename ECHARTS_FILE after rebuilding the script"
        );
    }

    #[test]
    fn numbers_zrender_ids_per_kind_in_order_of_first_appearance() {
        let svg = r##"<g id="zr7-c12"><path class="zr7-cls-40"/><use href="#zr7-c12"/><path clip-path="url(#zr7-c3)" class="zr7-cls-2"/></g><text>zr zr1- zr9-x zr7-c12</text>"##;
        assert_eq!(
            renumber_ids(svg),
            r##"<g id="f-c0"><path class="f-cls-0"/><use href="#f-c0"/><path clip-path="url(#f-c1)" class="f-cls-1"/></g><text>zr zr1- zr9-x zr7-c12</text>"##
        );
    }

    #[test]
    fn draws_a_dense_bar_series_as_one_path() {
        let bars = |n: usize| {
            let values: Vec<String> = (0..n).map(|i| (i % 7 + 1).to_string()).collect();
            let names: Vec<String> = (0..n).map(|i| format!("\"{i}\"")).collect();
            format!(
                r#"{{"xAxis":{{"type":"category","data":[{}]}},"yAxis":{{"type":"value"}},"series":[{{"type":"bar","data":[{}]}}]}}"#,
                names.join(","),
                values.join(",")
            )
        };
        let paths = |svg: &str| svg.matches("<path").count();
        let sparse = render(&bars(super::super::DENSE_POINTS), 640, 400).unwrap();
        let dense = render(&bars(super::super::DENSE_POINTS + 1), 640, 400).unwrap();
        assert!(
            paths(&sparse) > super::super::DENSE_POINTS,
            "one path per bar"
        );
        assert!(
            paths(&dense) < paths(&sparse) - super::super::DENSE_POINTS + 5,
            "one path for all bars"
        );
    }
}
