//! Building the worker, with a size report.

use crate::shell::{root, step};
use flate2::write::GzEncoder;
use flate2::Compression;
use std::io::Write;
use std::process::Command;

/// Builds the worker with worker-build (release) into `build/` and prints the wasm size.
pub fn worker() -> Result<(), String> {
    let mut cmd = Command::new("worker-build");
    cmd.arg("--release")
        .current_dir(root())
        .envs(sfcc_clerk_e2e::tool_env());
    step("building the worker (worker-build --release)", cmd)?;
    let (raw, gz) = sizes(&root().join("build/index_bg.wasm"))?;
    println!(
        "[size] worker wasm: {:.1} KiB raw, {:.1} KiB gzip",
        raw as f64 / 1024.0,
        gz as f64 / 1024.0
    );
    Ok(())
}

/// Raw and gzip (level 9) size of a file.
pub fn sizes(path: &std::path::Path) -> Result<(usize, usize), String> {
    let bytes = std::fs::read(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    let mut gz = GzEncoder::new(Vec::new(), Compression::best());
    gz.write_all(&bytes).map_err(|e| e.to_string())?;
    let compressed = gz.finish().map_err(|e| e.to_string())?;
    Ok((bytes.len(), compressed.len()))
}
