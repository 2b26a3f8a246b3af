//! The QA validator, compiled to wasm and run in the shop's pages.
//!
//! Its rules are the core's: an event payload the validator accepts is one the worker accepts,
//! and a data layer it passes is one the core's data-layer rules pass.
//!
//! - `auditEventPayload(body, currency)`: an event payload as posted to the worker's `/events`.
//! - `classifyPage(url, rulesJson?)`, `validateDataLayer(page, pushesJson)`,
//!   `validateFeed(pageFactsJson, feedJson)`: the data-layer audit on demand ([`api`]).
//! - `start(rules?)`: the live audit of this page's `dataLayer` (with the site's page rules and
//!   data-layer hints, when given), the page-vs-feed and forwarding checks against the worker,
//!   an overlay and `window.sfccClerkQa` ([`observer`]).

use serde::Serialize;
use sfcc_clerk_core::event::{normalize, tracking_call, IngestContext, Source};
use wasm_bindgen::prelude::*;

pub mod api;
pub mod observer;

pub use api::{classify_page, validate_data_layer, validate_feed};
pub use observer::start;

/// The outcome of auditing one payload.
#[derive(Debug, Serialize, PartialEq)]
pub struct PayloadAudit {
    /// True when the worker would accept the payload.
    pub ok: bool,
    /// Why it would be refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Per accepted event: its type and the Clerk endpoint it reaches (or why none).
    pub events: Vec<EventAudit>,
    /// The page the audit ran on, when run in a browser.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
}

/// One accepted event in an audit.
#[derive(Debug, Serialize, PartialEq)]
pub struct EventAudit {
    /// Event type name.
    pub kind: &'static str,
    /// The Clerk endpoint it is forwarded to, e.g. `/v2/log/product`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clerk_endpoint: Option<String>,
    /// Why it is not forwarded, if it is not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_forwarded: Option<String>,
}

/// Audits an event payload with the worker's own rules (no browser needed).
pub fn audit(body: &str, currency: &str) -> PayloadAudit {
    let ctx = IngestContext {
        store: "qa",
        currency,
        visitor: None,
        customer: None,
        now_ms: u64::MAX,
        request_id: "qa",
        source: Source::Client,
    };
    match normalize(body, &ctx) {
        Ok(events) => PayloadAudit {
            ok: true,
            error: None,
            events: events
                .iter()
                .map(|e| match tracking_call(e) {
                    Ok(call) => EventAudit {
                        kind: e.kind.as_str(),
                        clerk_endpoint: Some(call.endpoint()),
                        not_forwarded: None,
                    },
                    Err(why) => EventAudit {
                        kind: e.kind.as_str(),
                        clerk_endpoint: None,
                        not_forwarded: Some(why.to_string()),
                    },
                })
                .collect(),
            page: None,
        },
        Err(e) => PayloadAudit {
            ok: false,
            error: Some(e.to_string()),
            events: Vec::new(),
            page: None,
        },
    }
}

/// JS API: `auditEventPayload(body, currency)` returns the audit as a JSON string, noting the page
/// it ran on.
#[wasm_bindgen(js_name = auditEventPayload)]
pub fn audit_event_payload(body: &str, currency: &str) -> String {
    let mut report = audit(body, currency);
    report.page = web_sys::window().and_then(|w| w.location().href().ok());
    serde_json::to_string(&report).unwrap_or_else(|e| format!("{{\"ok\":false,\"error\":\"{e}\"}}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_endpoints_and_errors() {
        let good = audit(
            r#"[{"type":"product_view","product":"P"},{"type":"search","query":"q"}]"#,
            "USD",
        );
        assert!(good.ok);
        assert_eq!(
            good.events[0].clerk_endpoint.as_deref(),
            Some("/v2/log/product")
        );
        assert_eq!(
            good.events[1].clerk_endpoint.as_deref(),
            Some("/v2/search/search")
        );
        // A query that may be personal data is not forwarded, and the audit says why.
        let email = audit(r#"{"type":"search","query":"ann@example.com"}"#, "USD");
        assert!(email.events[0].not_forwarded.is_some());
        let bad = audit(
            r#"{"type":"add_to_cart","product":"P","quantity":0}"#,
            "USD",
        );
        assert_eq!(
            bad.error.as_deref(),
            Some("event 0: field `quantity` must be a whole number ≥ 1")
        );
    }
}
