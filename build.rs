//! Reads and checks `config/sfcc-clerk.toml` when the worker is built, and embeds it as JSON, so a
//! bad configuration fails the build (with the reason) and no TOML parser ships in the worker.

use sfcc_clerk_core::config::ConnectorConfig;
use std::path::PathBuf;

fn main() {
    let path = "config/sfcc-clerk.toml";
    println!("cargo:rerun-if-changed={path}");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    let config = ConnectorConfig::from_toml(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    let json = serde_json::to_string(&config).unwrap_or_else(|e| panic!("{path}: {e}"));
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_else(|e| panic!("OUT_DIR: {e}")));
    std::fs::write(out.join("sfcc-clerk.json"), json)
        .unwrap_or_else(|e| panic!("writing the embedded configuration: {e}"));
}
