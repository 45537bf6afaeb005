//! Static SVG: an ECharts option rendered at build time by ECharts' own server-side
//! renderer, inside QuickJS (compiled from source by `rquickjs`: no Node, no V8).
//!
//! In: the option JSON. Out: the SVG text, the same bytes for the same option.
//!
//! Loading ECharts into an engine is the expensive part, so each thread keeps one engine
//! with ECharts loaded and renders every chart it is given with it. zrender numbers its
//! instances and their clip paths and classes across the engine's life, and those numbers
//! make the ids inside the SVG; the script below numbers them afresh for each chart, so the
//! SVG does not depend on which charts the engine drew before.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Mutex;

use sha2::{Digest, Sha256};

use rquickjs::{Context, Function, Runtime};

/// The ECharts script that the charming crate ships (found by `build.rs`).
pub const ECHARTS_JS: &[u8] = include_bytes!(env!("FOLIO_ECHARTS_JS"));

/// Its file name, with its version.
pub const ECHARTS_FILE: &str = env!("FOLIO_ECHARTS_FILE");

const RENDER_JS: &str = r#"
(function (optionJson, width, height) {
  var chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: width, height: height });
  var option = JSON.parse(optionJson);
  option.animation = false;
  chart.setOption(option);
  var svg = chart.renderToSVGString();
  chart.dispose();
  // zrender's ids (zr3-c12, zr3-cls-40, ...) count up across every chart an engine has
  // drawn; number them afresh, in order of first appearance, per chart.
  var ids = {};
  var next = {};
  return svg.replace(/zr\d+-([a-z]+-?)(\d+)/g, function (whole, kind) {
    if (!(whole in ids)) {
      next[kind] = (next[kind] || 0) + 1;
      ids[whole] = 'f-' + kind + (next[kind] - 1);
    }
    return ids[whole];
  });
})
"#;

struct Engine {
    // The context borrows the runtime's allocator; keep the runtime alive with it.
    _runtime: Runtime,
    context: Context,
}

impl Engine {
    fn new() -> Result<Engine, String> {
        let runtime = Runtime::new().map_err(|e| e.to_string())?;
        runtime.set_memory_limit(512 << 20);
        let context = Context::full(&runtime).map_err(|e| e.to_string())?;
        context.with(|ctx| -> Result<(), String> {
            // There is no event loop: nothing is animated, so timers never need to fire.
            ctx.eval::<(), _>(
                "globalThis.setTimeout = function () { return 0; }; globalThis.clearTimeout = function () {};",
            )
            .map_err(|e| describe(&ctx, e))?;
            ctx.eval::<(), _>(ECHARTS_JS)
                .map_err(|e| format!("cannot load ECharts: {}", describe(&ctx, e)))?;
            let render: Function = ctx
                .eval(RENDER_JS)
                .map_err(|e| format!("cannot load the SVG renderer: {}", describe(&ctx, e)))?;
            ctx.globals()
                .set("__folioRender", render)
                .map_err(|e| e.to_string())
        })?;
        Ok(Engine {
            _runtime: runtime,
            context,
        })
    }

    fn render(&self, option: &str, width: u32, height: u32) -> Result<String, String> {
        self.context.with(|ctx| {
            let render: Function = ctx
                .globals()
                .get("__folioRender")
                .map_err(|e| e.to_string())?;
            render
                .call::<_, String>((option, width, height))
                .map_err(|e| describe(&ctx, e))
        })
    }
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
static RENDERED: std::sync::LazyLock<Mutex<HashMap<[u8; 32], String>>> =
    std::sync::LazyLock::new(Mutex::default);

/// Renders an ECharts option (JSON) to SVG at `width` x `height` pixels, on this thread's
/// engine, or returns the SVG rendered before for the same input.
pub fn render(option: &str, width: u32, height: u32) -> Result<String, String> {
    let key: [u8; 32] = {
        let mut hasher = Sha256::new();
        hasher.update(option.as_bytes());
        hasher.update(width.to_le_bytes());
        hasher.update(height.to_le_bytes());
        hasher.finalize().into()
    };
    if let Some(svg) = RENDERED
        .lock()
        .ok()
        .and_then(|cache| cache.get(&key).cloned())
    {
        return Ok(svg);
    }
    let svg = render_uncached(option, width, height)?;
    if let Ok(mut cache) = RENDERED.lock() {
        cache.insert(key, svg.clone());
    }
    Ok(svg)
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
}
