//! The storefront data layer audit: what a GA4 `dataLayer` on an SFCC storefront should hold,
//! checked on a capture of its pushes, and the page compared with the product feed.
//!
//! - [`Capture`]: a captured `dataLayer` (a JSON array of pushes) and its GA4 events, each read
//!   through the computed state GTM builds ([`state`]: pushes merge; `ecommerce: null` clears),
//!   or, for a gtag.js `gtag('event', …)` call, as the GTM push it stands for, on its own.
//! - [`PageType`] and [`classify`]: the page type from its URL (SFRA defaults, [`PageRule`]s) or
//!   from hints in the data layer; [`SiteRules`]: a site's own URL rules and hints, checked.
//! - [`validate`]: the rules, as a [`Report`] of [`Finding`]s with stable [`Code`]s.
//! - [`feed`]: the product as the page shows it (data layer, JSON-LD) against the feed record.
//! - [`forwarding`]: each ecommerce push against what the worker recorded for it (received,
//!   delivered, dead-lettered, held for consent).
//!
//! Everything here is pure: the CLI reads files, the validator reads the page.

mod capture;
mod currency;
pub mod feed;
mod fields;
mod finding;
pub mod forwarding;
mod page;
mod rules;
mod site_rules;
pub mod state;

pub use capture::{Capture, CaptureError};
pub use currency::is_iso_4217;
pub use finding::{Code, Counts, Finding, Report, Severity};
pub use page::{classify, classify_capture, classify_url, PageRule, PageType};
pub use rules::{defining_event, spans_journey, validate, VALUE_TOLERANCE};
pub use site_rules::{HintRule, SiteRules, SiteRulesError, DEFAULT_HINT_FIELD};

/// Parses a captured data layer and validates it as `page`.
pub fn audit(text: &str, page: PageType) -> Result<Report, CaptureError> {
    Capture::parse(text).map(|capture| validate(&capture, page))
}
