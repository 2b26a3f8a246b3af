//! `sfcc-clerk`: the operators' command line.

use clap::{Parser, Subcommand};
use sfcc_clerk_sandbox::{bind_loopback, serve, Sandbox, SandboxConfig};
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
        Command::Sandbox { port } => run_sandbox(port),
    }
}

fn run_sandbox(port: u16) -> ExitCode {
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        let listener = match bind_loopback(port).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("error: cannot listen on 127.0.0.1:{port}: {e}");
                return ExitCode::FAILURE;
            }
        };
        let config = SandboxConfig::default();
        let base = listener
            .local_addr()
            .map(|a| format!("http://{a}"))
            .unwrap_or_default();
        println!("sandbox SFCC + Clerk.io listening on {base}");
        println!(
            "  SFCC client id {:?}; Clerk stores (public keys):",
            config.sfcc_client_id
        );
        for (public, _) in &config.clerk_stores {
            println!("    {public}: {base}/__sandbox/clerk/stores/{public}");
        }
        tokio::select! {
            served = serve(listener, Sandbox::new(&config)) => match served {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => { eprintln!("error: sandbox stopped: {e}"); ExitCode::FAILURE }
            },
            _ = tokio::signal::ctrl_c() => ExitCode::SUCCESS,
        }
    })
}
