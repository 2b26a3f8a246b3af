//! Building the worker, with a size report.

use crate::shell::{root, step};
use flate2::write::GzEncoder;
use flate2::Compression;
use std::io::Write;
use std::process::Command;

/// Where the QA validator is served from: the worker's static assets (`[assets]` in
/// wrangler.toml), at `/__sfcc-clerk/qa/`.
pub const VALIDATOR_ASSETS: &str = "build/assets/__sfcc-clerk/qa";

/// Builds the worker with worker-build (release) into `build/`, and the QA validator it serves
/// into its assets, and prints the sizes.
pub fn worker() -> Result<(), String> {
    let mut cmd = Command::new("worker-build");
    cmd.arg("--release")
        .current_dir(root())
        .envs(sfcc_clerk_e2e::tool_env());
    step("building the worker (worker-build --release)", cmd)?;
    validator()?;
    scripts()?;
    let (raw, gz) = sizes(&root().join("build/index_bg.wasm"))?;
    println!(
        "[size] worker wasm: {:.1} KiB raw, {:.1} KiB gzip",
        raw as f64 / 1024.0,
        gz as f64 / 1024.0
    );
    Ok(())
}

/// The worker's static assets' root (`[assets] directory` in wrangler.toml).
const ASSETS: &str = "build/assets";

/// Writes the scripts the worker serves from the shop's origin (the beacon for pages whose
/// Content Security Policy refuses inline scripts, QA mode's start) into its static assets, with
/// the `_headers` file for their caching; an earlier build's beacon, named by another hash, is
/// removed.
pub fn scripts() -> Result<(), String> {
    let assets = root().join(ASSETS);
    let own = assets.join(sfcc_clerk_core::paths::PREFIX.trim_start_matches('/'));
    std::fs::create_dir_all(&own).map_err(|e| format!("creating {}: {e}", own.display()))?;
    for entry in std::fs::read_dir(&own)
        .map_err(|e| e.to_string())?
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().to_string();
        if name.starts_with("beacon-") && name.ends_with(".js") {
            std::fs::remove_file(entry.path()).map_err(|e| format!("removing {name}: {e}"))?;
        }
    }
    for script in sfcc_clerk_core::capture::script_assets() {
        let path = assets.join(script.path.trim_start_matches('/'));
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
        }
        std::fs::write(&path, script.body)
            .map_err(|e| format!("writing {}: {e}", path.display()))?;
    }
    let headers = assets.join("_headers");
    std::fs::write(&headers, sfcc_clerk_core::capture::assets_headers_file())
        .map_err(|e| format!("writing {}: {e}", headers.display()))?;
    let beacon = assets.join(sfcc_clerk_core::capture::beacon_asset_path().trim_start_matches('/'));
    let (raw, gz) = sizes(&beacon)?;
    println!(
        "[size] beacon script: {:.1} KiB raw, {:.1} KiB gzip",
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

/// Builds the QA validator (release wasm, then wasm-bindgen `--target web`) into
/// [`VALIDATOR_ASSETS`] and prints the size of its wasm (raw and gzip) and of its JS glue.
pub fn validator() -> Result<(), String> {
    step(
        "building the validator (cargo build --release, wasm32)",
        crate::shell::cargo(&[
            "build",
            "-p",
            "sfcc-clerk-validator",
            "--target",
            "wasm32-unknown-unknown",
            "--release",
        ]),
    )?;
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root().join("target"));
    let out = root().join(VALIDATOR_ASSETS);
    let env = sfcc_clerk_e2e::tool_env();
    let bindgen = env
        .iter()
        .find(|(k, _)| k == "WASM_BINDGEN_BIN")
        .map_or("wasm-bindgen".to_string(), |(_, v)| v.clone());
    let mut cmd = Command::new(bindgen);
    cmd.args(["--target", "web", "--out-dir"])
        .arg(&out)
        .arg(target.join("wasm32-unknown-unknown/release/sfcc_clerk_validator.wasm"));
    step(
        &format!("wasm-bindgen --target web ({VALIDATOR_ASSETS})"),
        cmd,
    )?;
    let (raw, gz) = sizes(&out.join("sfcc_clerk_validator_bg.wasm"))?;
    let (js, js_gz) = sizes(&out.join("sfcc_clerk_validator.js"))?;
    println!(
        "[size] validator wasm: {:.1} KiB raw, {:.1} KiB gzip; JS glue: {:.1} KiB raw, {:.1} KiB gzip",
        raw as f64 / 1024.0,
        gz as f64 / 1024.0,
        js as f64 / 1024.0,
        js_gz as f64 / 1024.0
    );
    Ok(())
}
