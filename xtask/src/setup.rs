//! Installs what the build and the tests need, skipping whatever is already there at the right
//! version, and says what it does.

use crate::shell::{output, root, step};
use std::path::PathBuf;
use std::process::Command;

/// The version of a package in Cargo.lock.
fn locked_version(package: &str) -> Result<String, String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| format!("reading Cargo.lock: {e}"))?;
    let needle = format!("name = \"{package}\"\nversion = \"");
    let start = lock
        .find(&needle)
        .ok_or_else(|| format!("{package} is not in Cargo.lock"))?
        + needle.len();
    Ok(lock[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_string())
}

fn cargo_bin(name: &str) -> PathBuf {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_default();
    home.join("bin").join(name)
}

fn cargo_install(krate: &str, binary: &str, version: &str) -> Result<(), String> {
    let bin = cargo_bin(binary);
    let current = output(&bin.display().to_string(), &["--version"]).unwrap_or_default();
    if current.split_whitespace().last() == Some(version) {
        println!("[setup] {krate} {version}: present");
        return Ok(());
    }
    println!("[setup] {krate} {version}: installing (a few minutes, once)");
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.args(["install", krate, "--version", version]);
    step(&format!("cargo install {krate} {version}"), cmd)
}

/// The wasm tools, worker-build at the version Cargo.lock needs, and the npm packages
/// (wrangler, wasm-opt, esbuild) from package-lock.json.
pub fn worker_tools() -> Result<(), String> {
    wasm_tools()?;
    cargo_install("worker-build", "worker-build", &locked_version("worker")?)?;
    npm_packages()
}

/// cargo-fuzz, for the fuzz smoke in `cargo xtask test` (stable toolchain, no sanitizer).
pub const CARGO_FUZZ_VERSION: &str = "0.13.2";

/// cargo-fuzz at [`CARGO_FUZZ_VERSION`] (it builds libFuzzer with the system's C++ compiler).
pub fn fuzz_tools() -> Result<(), String> {
    cargo_install("cargo-fuzz", "cargo-fuzz", CARGO_FUZZ_VERSION)
}

/// The wasm target, rustfmt and clippy, and wasm-bindgen-cli at the version Cargo.lock needs.
pub fn wasm_tools() -> Result<(), String> {
    let targets = output("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if targets.lines().any(|t| t == "wasm32-unknown-unknown") {
        println!("[setup] rust target wasm32-unknown-unknown: present");
    } else {
        println!("[setup] rust target wasm32-unknown-unknown: installing");
        let mut cmd = Command::new("rustup");
        cmd.args(["target", "add", "wasm32-unknown-unknown"]);
        step("rustup target add wasm32-unknown-unknown", cmd)?;
    }
    for component in ["rustfmt", "clippy"] {
        let installed = output("rustup", &["component", "list", "--installed"]).unwrap_or_default();
        if !installed.lines().any(|c| c.starts_with(component)) {
            println!("[setup] rust component {component}: installing");
            let mut cmd = Command::new("rustup");
            cmd.args(["component", "add", component]);
            step(&format!("rustup component add {component}"), cmd)?;
        }
    }
    cargo_install(
        "wasm-bindgen-cli",
        "wasm-bindgen",
        &locked_version("wasm-bindgen")?,
    )
}

fn npm_packages() -> Result<(), String> {
    let node = output("node", &["--version"])
        .ok_or("Node.js is required (20 or newer): install it, e.g. apt-get install nodejs npm")?;
    let root = root();
    let marker = root.join("node_modules/.package-lock.json");
    let modified = |p: &PathBuf| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let fresh = root.join("node_modules/.bin/wrangler").exists()
        && matches!((modified(&marker), modified(&root.join("package-lock.json"))), (Some(a), Some(b)) if a >= b);
    if fresh {
        println!("[setup] npm packages (wrangler, binaryen, esbuild; node {node}): present");
        return Ok(());
    }
    println!("[setup] npm packages (wrangler, binaryen, esbuild; node {node}): installing from package-lock.json");
    let mut cmd = Command::new("npm");
    cmd.args(["ci", "--no-audit", "--no-fund"])
        .current_dir(&root);
    step("npm ci", cmd)
}

/// Chromium and its driver, for the validator's browser tests (Debian packages).
pub fn browser() -> Result<(), String> {
    if output("chromium", &["--version"]).is_some()
        && output("chromedriver", &["--version"]).is_some()
    {
        println!("[setup] chromium + chromedriver: present");
        return Ok(());
    }
    println!("[setup] chromium + chromedriver: installing Debian's packages");
    let as_root = output("id", &["-u"]).as_deref() == Some("0");
    let apt = |args: &[&str]| {
        let mut cmd = if as_root {
            Command::new("apt-get")
        } else {
            Command::new("sudo")
        };
        if !as_root {
            cmd.arg("apt-get");
        }
        cmd.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        cmd
    };
    step("apt-get update", apt(&["update", "-q"]))?;
    step(
        "apt-get install chromium chromium-driver",
        apt(&["install", "-y", "-q", "chromium", "chromium-driver"]),
    )
}

/// Path of chromedriver.
pub fn chromedriver() -> Result<String, String> {
    output("sh", &["-c", "command -v chromedriver"])
        .ok_or_else(|| "chromedriver is not installed".to_string())
}
