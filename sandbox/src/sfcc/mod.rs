//! SFCC B2C Commerce stand-in: Account Manager tokens and the OCAPI Data API product search.

mod catalog;
mod routes;
mod time;

pub use catalog::sample_catalog;
pub use routes::routes;

use serde_json::Value;
use std::collections::HashSet;

/// OCAPI version path segment served.
pub const OCAPI_VERSION: &str = "v24_5";

/// What the SFCC stand-in holds.
pub struct SfccState {
    pub(crate) client_id: String,
    pub(crate) client_secret: String,
    pub(crate) tokens: HashSet<String>,
    pub(crate) issued: u64,
    /// The catalog as OCAPI product documents, sorted by id.
    pub products: Vec<Value>,
    /// Requests served, for tests: (method and path, status).
    pub requests: Vec<(String, u16)>,
}

impl SfccState {
    /// A stand-in with the sample catalog and one API client.
    pub fn new(client_id: &str, client_secret: &str) -> Self {
        Self {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            tokens: HashSet::new(),
            issued: 0,
            products: sample_catalog(),
            requests: Vec::new(),
        }
    }
}
