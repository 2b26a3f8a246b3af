//! What the storefront holds: carts by session, logins, placed orders, the requests it received
//! and the data-layer break switch.

use super::site::{round2, Site};
use crate::sfcc::generator::mix;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::time::{SystemTime, UNIX_EPOCH};

/// The break switch: each flag puts exactly one defect into rendered pages (`slow_tail_ms`: into
/// how they arrive).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StorefrontFaults {
    /// Ecommerce objects lose `currency`.
    pub missing_currency: bool,
    /// Item prices are strings (`"39.50"`) instead of numbers.
    pub price_as_string: bool,
    /// Ecommerce `value` is 10.00 more than Σ price × quantity.
    pub wrong_total: bool,
    /// The confirmation page pushes its `purchase` event twice.
    pub duplicate_purchase: bool,
    /// `page_data` carries the shopper's email as `user_email` whenever it is known.
    pub email_in_clear: bool,
    /// Data-layer and JSON-LD prices are 10% above the catalog's (what the feed sends).
    pub price_differs_from_feed: bool,
    /// HTML pages are sent in two parts: up to `</head>` at once, the rest this many
    /// milliseconds later (0: whole at once), as from a storefront still rendering the body.
    pub slow_tail_ms: u64,
    /// Pages carry no page container naming their controller route (`data-action`,
    /// `data-querystring`), as from a customized layout template.
    pub no_page_container: bool,
}

/// How the shop's templates differ from stock SFRA's.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StorefrontTemplate {
    /// The confirmation page's lines carry `data-pid`, `data-quantity` and `data-price` (a
    /// template change). Stock SFRA's `checkout/productCard/productCard.isml` carries only the
    /// line's UUID (`data-product-line-item`), which is the default.
    pub order_line_ids: bool,
    /// The Content Security Policy the shop's pages carry. Stock SFRA sends none (the default);
    /// a shop may add its own.
    pub csp: PagePolicy,
    /// The pages make their GA4 events with gtag.js (`gtag('event', …)`) rather than GTM's
    /// `dataLayer.push({event, ecommerce})` (the default).
    pub gtag: bool,
}

/// A Content Security Policy the sandbox storefront's pages can carry.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PagePolicy {
    /// None (stock SFRA).
    #[default]
    None,
    /// PWA Kit's: `script-src 'self' 'unsafe-eval' …`, no inline scripts (the policy a deployed
    /// Retail React App sends; `core/src/capture/fixtures/pwa-kit-csp.txt`). The page's own
    /// inline data-layer script is blocked by it, as an inline script on such a page is.
    PwaKit,
    /// A nonce made for each page and `'strict-dynamic'`, as Storefront Next's: the page's own
    /// scripts carry the nonce.
    Nonce,
    /// `default-src 'self'; connect-src 'none'`: no page script may call anything.
    Closed,
}

/// The PWA Kit Retail React App's page policy (see [`PagePolicy::PwaKit`]).
pub const PWA_KIT_POLICY: &str = include_str!("../../../core/src/capture/fixtures/pwa-kit-csp.txt");

impl PagePolicy {
    /// The header value for a page, given its nonce (used by [`PagePolicy::Nonce`] only).
    pub fn header(self, nonce: &str) -> Option<String> {
        match self {
            Self::None => None,
            Self::PwaKit => Some(PWA_KIT_POLICY.to_string()),
            Self::Nonce => Some(format!(
                "script-src 'nonce-{nonce}' 'strict-dynamic' https:; object-src 'none'; base-uri 'none'"
            )),
            Self::Closed => Some("default-src 'self'; connect-src 'none'".to_string()),
        }
    }
}

/// One cart line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CartLine {
    /// Product id.
    pub pid: String,
    /// Units.
    pub quantity: u32,
    /// The line's UUID, as SFRA's cart actions name a line (`uuid`); empty for a SCAPI basket's.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub uuid: String,
}

/// One order line as placed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrderLine {
    /// Product id.
    pub pid: String,
    /// Units.
    pub quantity: u32,
    /// Unit price when ordered.
    pub price: f64,
}

/// A placed order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Order {
    /// SFCC order number, e.g. `00000101`.
    pub id: String,
    /// The token `Order-Confirm` requires.
    pub token: String,
    /// Site it was placed on.
    pub site: Site,
    /// The logged-in customer's number; `None` for a guest.
    pub customer_no: Option<String>,
    /// The customer's email, or the guest's `email` form field.
    pub email: Option<String>,
    /// Lines.
    pub lines: Vec<OrderLine>,
    /// Σ price × quantity.
    pub merchandise_total: f64,
    /// Tax (US: added; DE: VAT included in prices).
    pub tax: f64,
    /// Shipping.
    pub shipping: f64,
    /// What the shopper pays.
    pub grand_total: f64,
    /// ISO 4217.
    pub currency: String,
    /// Unix seconds.
    pub time: u64,
    /// SFCC's order status: `new` once placed (also `created`, `completed`, `cancelled`,
    /// `failed`: the Admin Orders API's `OrderStatus`).
    pub status: String,
}

/// One request the storefront received.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordedRequest {
    /// HTTP method.
    pub method: String,
    /// Path and query.
    pub path: String,
    /// The recorded headers (see [`RECORDED_HEADERS`]), lowercase names.
    pub headers: HashMap<String, String>,
    /// Body length in bytes.
    pub body_length: usize,
}

/// Request headers kept in [`RecordedRequest`], for proving what a proxy passed through.
pub const RECORDED_HEADERS: [&str; 17] = [
    "host",
    "user-agent",
    "cookie",
    "referer",
    "accept",
    "accept-language",
    "content-type",
    "x-forwarded-for",
    "x-forwarded-host",
    "x-forwarded-proto",
    "cf-connecting-ip",
    "cf-ipcountry",
    "forwarded",
    "true-client-ip",
    "x-real-ip",
    "connection",
    // The client IP header the tests name as the shop's (Business Manager's Client IP Header
    // Name).
    "x-sfcc-client-ip",
];

/// The storefront's state.
#[derive(Debug, Default)]
pub struct StorefrontState {
    /// Carts by `dwsid`.
    pub carts: HashMap<String, Vec<CartLine>>,
    /// Logged-in customers by `dwcustomer_{site}` token: (site, customer_no).
    pub logins: HashMap<String, (Site, String)>,
    /// Placed orders, oldest first.
    pub orders: Vec<Order>,
    /// Orders placed before the sandbox started (see [`super::history`]), oldest first.
    pub history: Vec<Order>,
    /// Requests received (pages, actions, assets), oldest first.
    pub requests: Vec<RecordedRequest>,
    /// The data-layer break switch.
    pub faults: StorefrontFaults,
    /// Template changes from stock SFRA.
    pub template: StorefrontTemplate,
    /// Each session's TrackingAllowed as the shopper set it on the banner, by `dwsid` (absent:
    /// the site's default).
    pub tracking: HashMap<String, bool>,
    /// SCAPI baskets (PWA Kit's checkout) by basket id.
    pub(crate) scapi_baskets: HashMap<String, super::scapi::Basket>,
    issued: u64,
}

impl StorefrontState {
    /// A fresh opaque token (32 hex digits) for sessions, logins and orders.
    pub fn token(&mut self) -> String {
        self.issued += 1;
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        format!(
            "{:016x}{:016x}",
            mix(nanos ^ self.issued),
            mix(self.issued.rotate_left(32) ^ !nanos)
        )
    }

    /// The next order number: `00000101`, `00000102`, …
    pub fn next_order_no(&self) -> String {
        format!("{:08}", 101 + self.orders.len())
    }

    /// Places an order of `lines` on `site` (numbered, totalled in the site's currency, now)
    /// and keeps it; answers a copy.
    pub fn place(
        &mut self,
        site: Site,
        customer_no: Option<String>,
        email: Option<String>,
        lines: Vec<OrderLine>,
    ) -> Order {
        let merchandise = round2(lines.iter().map(|l| l.price * f64::from(l.quantity)).sum());
        let order = Order {
            id: self.next_order_no(),
            token: self.token(),
            site,
            customer_no,
            email,
            lines,
            merchandise_total: merchandise,
            tax: site.tax(merchandise),
            shipping: site.shipping(),
            grand_total: site.grand_total(merchandise),
            currency: site.currency().into(),
            time: unix_now(),
            status: "new".into(),
        };
        self.orders.push(order.clone());
        order
    }
}

/// Now, unix seconds.
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_differ_and_order_numbers_count_up() {
        let mut s = StorefrontState::default();
        let (a, b) = (s.token(), s.token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 32);
        assert_eq!(s.next_order_no(), "00000101");
        let faults: Result<StorefrontFaults, _> =
            serde_json::from_str(r#"{"wrong_total": true, "bogus": true}"#);
        assert!(faults.is_err());
    }
}
