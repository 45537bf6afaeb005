//! Compiles the vendored ECharts build to QuickJS bytecode, so that starting the chart
//! engine loads it (about 7 ms) instead of parsing 650 KB of JavaScript (about 50 ms).
//!
//! In: `vendor/echarts/echarts.min.js`. Out: `$OUT_DIR/echarts.qjsbc`, the bytecode of that
//! script compiled as a module by the same QuickJS that folio links (one rquickjs version in
//! Cargo.lock). Empty when folio is cross-compiled (bytecode is read by the QuickJS that
//! wrote it, on the same kind of machine) or when compiling fails: folio then evaluates the
//! script itself, as before, and draws the same charts.

use std::path::PathBuf;

use rquickjs::module::WriteOptions;
use rquickjs::{Context, Module, Runtime};

const ECHARTS: &str = "vendor/echarts/echarts.min.js";

fn main() {
    println!("cargo::rerun-if-changed={ECHARTS}");
    println!("cargo::rerun-if-changed=build.rs");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default()).join("echarts.qjsbc");
    let native = std::env::var("TARGET").ok() == std::env::var("HOST").ok();
    let bytecode = match native {
        true => compile().unwrap_or_else(|e| {
            println!(
                "cargo::warning=ECharts is not precompiled ({e}); folio will parse it at run time"
            );
            Vec::new()
        }),
        false => Vec::new(),
    };
    if let Err(e) = std::fs::write(&out, bytecode) {
        println!("cargo::error=cannot write {}: {e}", out.display());
    }
}

fn compile() -> Result<Vec<u8>, String> {
    let source = std::fs::read_to_string(ECHARTS).map_err(|e| format!("{ECHARTS}: {e}"))?;
    let runtime = Runtime::new().map_err(|e| e.to_string())?;
    let context = Context::full(&runtime).map_err(|e| e.to_string())?;
    context.with(|ctx| {
        let module = Module::declare(ctx, "echarts", source).map_err(|e| e.to_string())?;
        module
            .write(WriteOptions::default())
            .map_err(|e| e.to_string())
    })
}
