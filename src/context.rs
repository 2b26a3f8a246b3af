//! The per-invocation context: checked settings and the bindings every handler uses.

use sfcc_clerk_core::config::ConnectorConfig;
use sfcc_clerk_core::settings::Settings;
use std::cell::RefCell;
use std::rc::Rc;
use worker::{D1Database, Env, KvStore, Queue, RateLimiter};

/// Binding names, as in `wrangler.toml`.
pub mod bindings {
    /// D1: delivery log, ledger, runs, dead letters.
    pub const DB: &str = "DB";
    /// KV: SFCC token cache and sync state.
    pub const SYNC_STATE: &str = "SYNC_STATE";
    /// Queue producer for behavioural events.
    pub const EVENTS: &str = "EVENTS";
    /// Queue producer for catalog page jobs.
    pub const CATALOG_JOBS: &str = "CATALOG_JOBS";
    /// Workers Rate Limiting: event posts per visitor (optional; without it, no limit).
    pub const BEACON_LIMIT: &str = "BEACON_LIMIT";
    /// Workers Rate Limiting: event posts per client address (optional; without it, no limit).
    pub const BEACON_IP_LIMIT: &str = "BEACON_IP_LIMIT";
    /// Workers Rate Limiting: sign-in attempts (status page, QA mode) per client address
    /// (optional; without it, no limit).
    pub const SIGN_IN_LIMIT: &str = "SIGN_IN_LIMIT";
}

/// `config/sfcc-clerk.toml`, checked and turned into JSON by `build.rs`: the stores and the mapping.
const CONFIG_FILE: &str = include_str!(concat!(env!("OUT_DIR"), "/sfcc-clerk.json"));

/// Everything a handler needs, built once per invocation.
pub struct Ctx {
    /// Checked settings.
    pub settings: Rc<Settings>,
    /// D1 database.
    pub db: D1Database,
    /// KV namespace.
    pub kv: KvStore,
    /// Events queue producer.
    pub events: Queue,
    /// Catalog jobs queue producer.
    pub catalog_jobs: Queue,
    /// Per-visitor limit on event posts, when the binding is configured.
    pub beacon_limit: Option<RateLimiter>,
    /// Per-address limit on event posts, when the binding is configured.
    pub beacon_ip_limit: Option<RateLimiter>,
    /// Per-address limit on sign-in attempts, when the binding is configured.
    pub sign_in_limit: Option<RateLimiter>,
}

thread_local! {
    /// This isolate's settings, checked once: vars and secrets do not change under a running
    /// isolate. Only a cache — a new isolate (or one re-initialised after a panic) reads again.
    static SETTINGS: RefCell<Option<Rc<Settings>>> = const { RefCell::new(None) };
}

fn settings(env: &Env) -> worker::Result<Rc<Settings>> {
    if let Some(cached) = SETTINGS.with(|c| c.borrow().clone()) {
        return Ok(cached);
    }
    let config = ConnectorConfig::from_json(CONFIG_FILE)
        .map_err(|e| worker::Error::RustError(e.to_string()))?;
    let settings = Rc::new(
        Settings::from_settings(config, |name| env.var(name).ok().map(|v| v.to_string()))
            .map_err(|e| worker::Error::RustError(format!("configuration: {e}")))?,
    );
    SETTINGS.with(|c| *c.borrow_mut() = Some(settings.clone()));
    Ok(settings)
}

impl Ctx {
    /// Reads settings and bindings; a missing or bad setting is an error naming it.
    pub fn new(env: &Env) -> worker::Result<Self> {
        Ok(Self {
            settings: settings(env)?,
            db: env.d1(bindings::DB)?,
            kv: env.kv(bindings::SYNC_STATE)?,
            events: env.queue(bindings::EVENTS)?,
            catalog_jobs: env.queue(bindings::CATALOG_JOBS)?,
            beacon_limit: env.rate_limiter(bindings::BEACON_LIMIT).ok(),
            beacon_ip_limit: env.rate_limiter(bindings::BEACON_IP_LIMIT).ok(),
            sign_in_limit: env.rate_limiter(bindings::SIGN_IN_LIMIT).ok(),
        })
    }
}
