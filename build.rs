//! Two things folio needs from its own build:
//!
//! - The vendored ECharts build compiled to QuickJS bytecode, so that starting the chart
//!   engine loads it (about 7 ms) instead of parsing 650 KB of JavaScript (about 50 ms). In:
//!   `vendor/echarts/echarts.min.js`. Out: `$OUT_DIR/echarts.qjsbc`, the bytecode of that
//!   script compiled as a module by the same QuickJS that folio links (one rquickjs version
//!   in Cargo.lock). Empty when folio is cross-compiled (bytecode is read by the QuickJS
//!   that wrote it, on the same kind of machine) or when compiling fails: folio then
//!   evaluates the script itself, as before, and draws the same charts.
//! - `FOLIO_BUILD_ID`: the SHA-256 of folio's source (`src/`, this file, `Cargo.lock`), for
//!   the render cache's keys, so that what one build of folio kept is never read back by a
//!   build that would make it differently, and every build of the same source shares it.

use std::path::PathBuf;

use rquickjs::module::WriteOptions;
use rquickjs::{Context, Module, Runtime};
use sha2::{Digest, Sha256};

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
    println!("cargo::rerun-if-changed=src");
    println!("cargo::rerun-if-changed=Cargo.lock");
    println!("cargo::rustc-env=FOLIO_BUILD_ID={}", build_id());
}

/// The SHA-256 (hex) of every file under `src/`, by path in order, then of this file and
/// `Cargo.lock`.
fn build_id() -> String {
    let mut files = Vec::new();
    let mut dirs = vec![PathBuf::from("src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            match path.is_dir() {
                true => dirs.push(path),
                false => files.push(path),
            }
        }
    }
    files.sort();
    files.extend([PathBuf::from("build.rs"), PathBuf::from("Cargo.lock")]);
    let mut hasher = Sha256::new();
    for file in files {
        hasher.update(file.to_string_lossy().as_bytes());
        hasher.update([0]);
        hasher.update(std::fs::read(&file).unwrap_or_default());
        hasher.update([0]);
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
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
