//! Local stand-ins for SFCC B2C Commerce and Clerk.io.
//!
//! They speak the documented wire contracts (Account Manager client-credentials tokens, OCAPI Data
//! API product search; Clerk API v2 product upserts and tracking calls) with their auth and strict
//! payload checks, keep what they receive, and let tests read it back under `/__sandbox/`.
//! They bind to 127.0.0.1 only. Deliberately independent of `sfcc-clerk-core`: they check what
//! the connector sends against the documented contract, not against the connector's own types.

pub mod clerk;
mod http;
pub mod sfcc;
pub mod storefront;
#[cfg(test)]
mod test_support;

use axum::Router;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use tokio::net::TcpListener;

/// Credentials and keys the sandbox accepts.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// SFCC API client id.
    pub sfcc_client_id: String,
    /// SFCC API client secret.
    pub sfcc_client_secret: String,
    /// Clerk stores as (public key, private key).
    pub clerk_stores: Vec<(String, String)>,
    /// The catalog SFCC serves.
    pub catalog: sfcc::CatalogSpec,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            sfcc_client_id: "sandbox-client".into(),
            sfcc_client_secret: "sandbox-secret".into(),
            clerk_stores: vec![("sandbox-public-us".into(), "sandbox-private-us".into())],
            catalog: sfcc::CatalogSpec::Sample,
        }
    }
}

/// The sandbox's state: one SFCC instance, one Clerk account, and the SFRA storefront on top of
/// the SFCC catalog and customers.
#[derive(Clone)]
pub struct Sandbox {
    /// The SFCC stand-in.
    pub sfcc: Arc<Mutex<sfcc::SfccState>>,
    /// The Clerk stand-in.
    pub clerk: Arc<Mutex<clerk::ClerkState>>,
    /// The storefront's carts, logins, orders, received requests and break switch.
    pub storefront: Arc<Mutex<storefront::StorefrontState>>,
}

impl Sandbox {
    /// A sandbox with the built-in catalog.
    pub fn new(config: &SandboxConfig) -> Self {
        Self {
            sfcc: Arc::new(Mutex::new(sfcc::SfccState::new(
                &config.sfcc_client_id,
                &config.sfcc_client_secret,
                &config.catalog,
            ))),
            clerk: Arc::new(Mutex::new(clerk::ClerkState::new(&config.clerk_stores))),
            storefront: Arc::default(),
        }
    }

    /// Both stand-ins on one router: SFCC under `/dwsso` and `/s/`, Clerk under `/v2`.
    pub fn router(&self) -> Router {
        Router::new()
            .merge(sfcc::routes(self.sfcc.clone()))
            .merge(clerk::routes(self.clerk.clone()))
    }

    /// The SFRA storefront (see [`storefront`]) on a router of its own, meant for its own port:
    /// pages under `/on/demandware.store/`, assets under `/on/demandware.static/`, controls under
    /// `/__sandbox/storefront/`.
    pub fn storefront_router(&self) -> Router {
        storefront::routes(storefront::Shop {
            sfcc: self.sfcc.clone(),
            store: self.storefront.clone(),
        })
    }
}

/// Binds 127.0.0.1 on `port` (0 picks a free one).
pub async fn bind_loopback(port: u16) -> std::io::Result<TcpListener> {
    TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port))).await
}

/// Serves the sandbox on a bound listener until the future is dropped.
pub async fn serve(listener: TcpListener, sandbox: Sandbox) -> std::io::Result<()> {
    axum::serve(listener, sandbox.router()).await
}

/// A router served on its own thread and runtime until dropped.
struct Background {
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Background {
    /// Serves `router` on 127.0.0.1:`port` (0 picks a free one); answers the base URL.
    fn serve(router: Router, port: u16, what: &'static str) -> std::io::Result<(Self, String)> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        let listener = runtime.block_on(bind_loopback(port))?;
        let base_url = format!("http://{}", listener.local_addr()?);
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            runtime.block_on(async move {
                let server = axum::serve(listener, router)
                    .with_graceful_shutdown(async { rx.await.unwrap_or(()) });
                if let Err(e) = server.await {
                    eprintln!("{what} stopped: {e}");
                }
            });
        });
        let running = Self {
            shutdown: Some(tx),
            thread: Some(thread),
        };
        Ok((running, base_url))
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A sandbox running on its own thread, for tests and the demo. Stops when dropped.
pub struct RunningSandbox {
    /// The sandbox's state, readable directly.
    pub sandbox: Sandbox,
    /// Base URL, `http://127.0.0.1:PORT`.
    pub base_url: String,
    _server: Background,
}

impl RunningSandbox {
    /// Starts the sandbox on 127.0.0.1:`port` (0 picks a free one) on a background thread.
    pub fn start(config: &SandboxConfig, port: u16) -> std::io::Result<Self> {
        let sandbox = Sandbox::new(config);
        let (server, base_url) = Background::serve(sandbox.router(), port, "sandbox")?;
        Ok(Self {
            sandbox,
            base_url,
            _server: server,
        })
    }
}

/// The storefront of a sandbox on its own loopback port (its own origin), sharing the sandbox's
/// state. Stops when dropped.
pub struct RunningStorefront {
    /// Base URL, `http://127.0.0.1:PORT`.
    pub base_url: String,
    _server: Background,
}

impl RunningStorefront {
    /// Starts `sandbox`'s storefront on 127.0.0.1:`port` (0 picks a free one).
    pub fn start(sandbox: &Sandbox, port: u16) -> std::io::Result<Self> {
        let (server, base_url) =
            Background::serve(sandbox.storefront_router(), port, "storefront")?;
        Ok(Self {
            base_url,
            _server: server,
        })
    }
}
