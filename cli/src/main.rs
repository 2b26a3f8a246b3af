//! `sfcc-clerk`: the operators' command line.

mod map_cmd;
mod sandbox_cmd;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "sfcc-clerk",
    version,
    about = "Operate the SFCC → Clerk.io edge connector"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Dry-run the mapping: SFCC product documents on stdin (one document, a JSON array, a
    /// product_search result or a Shop API products result) → the Clerk products it would send, as
    /// JSON lines; the validation report on stderr; exit code 1 if any record is invalid.
    Map {
        /// Configuration file (TOML); default: the built-in SFRA defaults.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Store to map for; default: the first in the configuration.
        #[arg(long)]
        store: Option<String>,
    },
    /// Serve local stand-ins for SFCC and Clerk.io on 127.0.0.1 (until Ctrl-C).
    Sandbox {
        /// Port to listen on (0 picks a free one).
        #[arg(long, default_value_t = 8788)]
        port: u16,
    },
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Map { config, store } => map_cmd::run(config.as_deref(), store.as_deref()),
        Command::Sandbox { port } => sandbox_cmd::run(port),
    }
}
