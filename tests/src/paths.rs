use std::path::PathBuf;

/// The repository root (where `wrangler.toml` is).
pub fn project_root() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.parent().map(PathBuf::from).unwrap_or(here)
}

/// Environment for wrangler and worker-build: the locally installed wasm-bindgen, wasm-opt and
/// esbuild (worker-build would otherwise download its own), and no telemetry.
pub fn tool_env() -> Vec<(String, String)> {
    let root = project_root();
    let bin = root.join("node_modules/.bin");
    let cargo_bin = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_default()
        .join("bin");
    let mut env = vec![("WRANGLER_SEND_METRICS".to_string(), "false".to_string())];
    for (var, path) in [
        ("WASM_BINDGEN_BIN", cargo_bin.join("wasm-bindgen")),
        ("WASM_OPT_BIN", bin.join("wasm-opt")),
        ("ESBUILD_BIN", bin.join("esbuild")),
    ] {
        if std::env::var_os(var).is_none() && path.exists() {
            env.push((var.to_string(), path.display().to_string()));
        }
    }
    env
}
