//! Clerk.io API v2 stand-in: product, category, order and customer upserts and tracking calls, with key and strict payload checks,
//! fault injection, and read-back under `/__sandbox/clerk/`.

mod checks;
mod history;
mod history_checks;
mod privacy;
mod routes;

pub use checks::{check_product, check_visitor};
pub use history_checks::{check_customer, check_order};
pub use routes::routes;

use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

/// One tracking call Clerk received.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TrackedCall {
    /// Endpoint below `/v2/`, e.g. `log/product`.
    pub endpoint: String,
    /// Query parameters other than `key`.
    pub params: BTreeMap<String, String>,
}

/// One Clerk store's data.
#[derive(Debug, Default, Clone, Serialize)]
pub struct ClerkStore {
    /// Products by id, as last upserted: compact JSON text, a fraction of a parsed value's size.
    pub products: BTreeMap<String, Box<RawValue>>,
    /// Categories by id, as last upserted.
    pub categories: BTreeMap<String, Value>,
    /// Orders by id, as last upserted.
    pub orders: BTreeMap<String, Value>,
    /// Customers by id (else by email), as last upserted.
    pub customers: BTreeMap<String, Value>,
    /// Tracking calls in arrival order.
    pub log: Vec<TrackedCall>,
    /// Product ids tracking calls named that the store does not hold, with how many calls named
    /// each. Clerk takes such calls; the sandbox reports them, so tests can assert there are none.
    pub unknown_products: BTreeMap<String, u64>,
}

impl ClerkStore {
    /// How many records of each kind the store holds.
    pub fn counts(&self) -> Value {
        serde_json::json!({
            "products": self.products.len(),
            "categories": self.categories.len(),
            "orders": self.orders.len(),
            "customers": self.customers.len(),
            "log": self.log.len(),
            "unknown_products": self.unknown_products.len(),
        })
    }
}

/// Injected failures for calls to `/v2/*`.
#[derive(Debug, Default, Clone)]
pub struct Faults {
    /// How many calls still fail.
    pub fail_next: u32,
    /// Share of all further calls that fail (0 to 1), drawn from a seeded sequence.
    pub fail_rate: f64,
    /// State of the seeded sequence.
    pub draws: u64,
    /// How many calls are still answered late.
    pub delay_next: u32,
    /// How late, milliseconds (the call is still applied).
    pub delay_ms: u64,
    /// How many calls are still applied at once but answered `delay_ms` late: Clerk has taken
    /// the call, and a client that stops waiting cannot know it.
    pub late_next: u32,
    /// When set, the faults apply only to calls for this public key (one Clerk store failing
    /// while the others work); other stores' calls are answered as usual.
    pub only_key: Option<String>,
    /// Status they fail with; Clerk answers some errors with `200` too.
    pub status: u16,
    /// The error's `type` in the body (`InternalError` unless given).
    pub kind: Option<String>,
    /// `Retry-After` seconds sent with them.
    pub retry_after: Option<u32>,
    /// Every call fails until then: Clerk is down.
    pub down_until: Option<std::time::Instant>,
}

/// What the Clerk stand-in holds.
pub struct ClerkState {
    pub(crate) private_keys: HashMap<String, String>,
    /// Stores by public key.
    pub stores: BTreeMap<String, ClerkStore>,
    /// Every `/v2/*` request: (method and path, status).
    pub requests: Vec<(String, u16)>,
    pub(crate) faults: Faults,
}

impl ClerkState {
    /// A stand-in with the given (public key, private key) stores, all empty.
    pub fn new(stores: &[(String, String)]) -> Self {
        Self {
            private_keys: stores.iter().cloned().collect(),
            stores: stores
                .iter()
                .map(|(k, _)| (k.clone(), ClerkStore::default()))
                .collect(),
            requests: Vec::new(),
            faults: Faults::default(),
        }
    }
}
