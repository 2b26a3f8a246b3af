//! `sfcc-clerk`: the operators' command line.

mod sandbox_cmd;

use clap::{Parser, Subcommand};
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
    /// Serve local stand-ins for SFCC and Clerk.io on 127.0.0.1 (until Ctrl-C).
    Sandbox {
        /// Port to listen on (0 picks a free one).
        #[arg(long, default_value_t = 8788)]
        port: u16,
    },
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Sandbox { port } => sandbox_cmd::run(port),
    }
}
