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
    /// Generated customers in the customer list after the three samples (none by default).
    pub generated_customers: u64,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            sfcc_client_id: "sandbox-client".into(),
            sfcc_client_secret: "sandbox-secret".into(),
            clerk_stores: vec![("sandbox-public-us".into(), "sandbox-private-us".into())],
            catalog: sfcc::CatalogSpec::Sample,
            generated_customers: 0,
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
        let mut state = sfcc::SfccState::new(
            &config.sfcc_client_id,
            &config.sfcc_client_secret,
            &config.catalog,
        );
        state
            .customers
            .extend(sfcc::generated_customers(config.generated_customers));
        let mut storefront = storefront::StorefrontState::default();
        storefront.history = storefront::past_orders(storefront::unix_now());
        Self {
            sfcc: Arc::new(Mutex::new(state)),
            clerk: Arc::new(Mutex::new(clerk::ClerkState::new(&config.clerk_stores))),
            storefront: Arc::new(Mutex::new(storefront)),
        }
    }

    /// Both stand-ins on one router: SFCC under `/dwsso` and `/s/` (and SCAPI's Admin Orders
    /// read of the storefront's orders under `/checkout/orders/v1/`), Clerk under `/v2`.
    pub fn router(&self) -> Router {
        Router::new()
            .merge(sfcc::routes(self.sfcc.clone()))
            .merge(storefront::admin_orders::routes(storefront::Shop {
                sfcc: self.sfcc.clone(),
                store: self.storefront.clone(),
            }))
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
    /// Clerk's own address, `http://127.0.0.1:PORT` (its API only; the same state as under
    /// `base_url`), which [`RunningSandbox::close_clerk`] can take off the network.
    pub clerk_url: String,
    clerk_port: u16,
    clerk: Mutex<Option<Background>>,
    _server: Background,
}

impl RunningSandbox {
    /// Starts the sandbox on 127.0.0.1:`port` (0 picks a free one) on a background thread, and
    /// Clerk on a free port of its own besides.
    pub fn start(config: &SandboxConfig, port: u16) -> std::io::Result<Self> {
        let sandbox = Sandbox::new(config);
        let (server, base_url) = Background::serve(sandbox.router(), port, "sandbox")?;
        let (clerk, clerk_url) =
            Background::serve(clerk::routes(sandbox.clerk.clone()), 0, "sandbox clerk")?;
        let clerk_port = clerk_url
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or(0);
        Ok(Self {
            sandbox,
            base_url,
            clerk_url,
            clerk_port,
            clerk: Mutex::new(Some(clerk)),
            _server: server,
        })
    }

    /// Takes Clerk's own address off the network: its listener and open connections close, and
    /// new connections to `clerk_url` are refused, as from a host that is down.
    pub fn close_clerk(&self) {
        let server = self.clerk.lock().ok().and_then(|mut c| c.take());
        drop(server);
    }

    /// Serves Clerk at `clerk_url` again after [`RunningSandbox::close_clerk`].
    pub fn open_clerk(&self) -> std::io::Result<()> {
        let mut slot = self
            .clerk
            .lock()
            .map_err(|_| std::io::Error::other("the sandbox clerk lock is poisoned"))?;
        if slot.is_none() {
            let router = clerk::routes(self.sandbox.clerk.clone());
            *slot = Some(Background::serve(router, self.clerk_port, "sandbox clerk")?.0);
        }
        Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpStream;

    fn address(url: &str) -> String {
        url.trim_start_matches("http://").to_string()
    }

    #[test]
    fn clerk_can_be_taken_off_the_network_and_back_on_the_same_address() {
        let running = RunningSandbox::start(&SandboxConfig::default(), 0).expect("sandbox starts");
        assert_ne!(running.clerk_url, running.base_url);
        let clerk = address(&running.clerk_url);
        assert!(TcpStream::connect(&clerk).is_ok());
        running.close_clerk();
        let refused = TcpStream::connect(&clerk).map_err(|e| e.kind());
        assert_eq!(refused.err(), Some(std::io::ErrorKind::ConnectionRefused));
        assert!(
            TcpStream::connect(address(&running.base_url)).is_ok(),
            "SFCC stays up"
        );
        running.open_clerk().expect("Clerk comes back");
        assert!(TcpStream::connect(&clerk).is_ok());
    }
}
