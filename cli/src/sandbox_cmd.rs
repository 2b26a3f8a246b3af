//! `sfcc-clerk sandbox`: serve the SFCC and Clerk.io stand-ins on loopback.

use sfcc_clerk_sandbox::sfcc::CatalogSpec;
use sfcc_clerk_sandbox::{bind_loopback, serve, Sandbox, SandboxConfig};
use std::process::ExitCode;

/// Serves the sandbox on 127.0.0.1:`port` until Ctrl-C, with the sample catalog or a generated one.
pub fn run(port: u16, products: Option<u64>, seed: u64) -> ExitCode {
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
        let catalog = match products {
            Some(products) => CatalogSpec::Generated { products, seed },
            None => CatalogSpec::Sample,
        };
        println!("catalog: {catalog:?}");
        let config = SandboxConfig {
            catalog,
            ..SandboxConfig::default()
        };
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
