//! The data-layer rules: [`validate`] runs them all on a capture for a page type.
//!
//! | code | severity | rule |
//! | --- | --- | --- |
//! | `not_audited` | info | a push that is not an object (GTM command array, function) |
//! | `missing_event` | error (cart: warning) | the page's defining event is absent |
//! | `missing_field` | error (purchase tax/shipping: warning) | a required field is absent |
//! | `wrong_type` | error | e.g. a price as a string |
//! | `bad_value` | error | quantity not a whole number ≥ 1, empty search term, negative amount |
//! | `bad_currency` | error | not a known ISO 4217 code |
//! | `value_mismatch` | error | `value` ≠ Σ price × quantity (± 0.01) |
//! | `duplicate_event` | warning (purchase of one transaction twice: error) | the same event twice |
//! | `bad_order` | warning | a purchase with no checkout before it, in a journey |
//! | `pii_in_clear` | error | an email or phone number anywhere in the data layer |
//! | `stale_ecommerce` | warning | ecommerce data left over from an earlier push |

mod duplicates;
mod events;
mod expected;
mod order;
pub(crate) mod pii;

use super::capture::Capture;
use super::finding::Report;
use super::page::PageType;

pub use events::VALUE_TOLERANCE;
pub use expected::defining_event;
pub use order::spans_journey;

/// Runs every rule on a capture audited as `page`.
pub fn validate(capture: &Capture, page: PageType) -> Report {
    let events = capture.events();
    let mut findings = capture.commands();
    findings.extend(expected::check(page, &events));
    findings.extend(events.iter().flat_map(events::check));
    findings.extend(duplicates::check(&events));
    findings.extend(order::check(&events));
    findings.extend(pii::check(&capture.pushes));
    Report::new(page, findings)
}

#[cfg(test)]
mod tests;
