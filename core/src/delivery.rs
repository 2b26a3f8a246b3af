//! The delivery log: one record per outbound call, readable by operators.

use serde::{Deserialize, Serialize};

/// What a delivery carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryKind {
    /// Catalog data (products) to Clerk.
    Catalog,
    /// A behavioural event to Clerk's tracking endpoints.
    Event,
    /// A call to SFCC.
    Sfcc,
}

impl DeliveryKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryKind::Catalog => "catalog",
            DeliveryKind::Event => "event",
            DeliveryKind::Sfcc => "sfcc",
        }
    }
}

/// One outbound call as the delivery log keeps it. It never holds keys, tokens or shopper data:
/// `endpoint` is a path without a query string.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeliveryRecord {
    /// When the attempt ended, Unix milliseconds.
    pub at_ms: u64,
    /// What was delivered.
    pub kind: DeliveryKind,
    /// The store it was for.
    pub store: String,
    /// HTTP method and path, e.g. `POST /v2/products`.
    pub endpoint: String,
    /// HTTP status, when the peer answered.
    pub status: Option<u16>,
    /// Attempt number, from 1.
    pub attempt: u32,
    /// Items carried (products, events).
    pub items: u32,
    /// How long the call took, milliseconds.
    pub duration_ms: u64,
    /// `delivered`, `retry` or `dead_letter`.
    pub outcome: String,
    /// Why it was not delivered.
    pub error: Option<String>,
    /// The message the call was for, when it has an id of its own (an event's id): tells the
    /// attempts of one message apart from another's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

/// Drops any query string from a URL or path, so keys passed as parameters cannot be logged.
pub fn loggable_path(url: &str) -> &str {
    let without_query = url.split(['?', '#']).next().unwrap_or_default();
    match without_query.find("://") {
        Some(i) => {
            let rest = &without_query[i + 3..];
            rest.find('/').map_or("/", |p| &rest[p..])
        }
        None => without_query,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_in_query_strings_never_reach_the_log() {
        assert_eq!(
            loggable_path("https://api.clerk.io/v2/log/product?key=pub&visitor=x"),
            "/v2/log/product"
        );
        assert_eq!(loggable_path("/v2/products?private_key=s"), "/v2/products");
        assert_eq!(loggable_path("http://127.0.0.1:9"), "/");
    }
}
