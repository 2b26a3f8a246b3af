//! The data-layer rules: [`validate`] runs them all on a capture for a page type.
//!
//! | code | severity | rule |
//! | --- | --- | --- |
//! | `not_audited` | info | a push that is not an object (GTM command array, function), a gtag command other than `event` |
//! | `missing_event` | error (cart: warning) | the page's defining event is absent |
//! | `missing_field` | error (what GA4 only recommends or makes conditional: warning) | a required field is absent |
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
use super::finding::{Finding, Report};
use super::page::PageType;
use super::state::GaEvent;

pub use events::VALUE_TOLERANCE;
pub use expected::defining_event;
pub use order::spans_journey;

/// Runs every rule on a capture audited as `page`.
pub fn validate(capture: &Capture, page: PageType) -> Report {
    let events = capture.events();
    let mut findings = capture.commands();
    findings.extend(expected::check(page, &events));
    let mut about_events: Vec<Finding> = events.iter().flat_map(events::check).collect();
    about_events.extend(duplicates::check(&events));
    about_events.extend(order::check(&events));
    findings.extend(about_events.into_iter().map(|f| in_the_push(f, &events)));
    findings.extend(pii::check(&capture.pushes));
    Report::new(page, findings)
}

/// A finding about an event's state, with its field named where the push has it (a gtag call's
/// fields are in its arguments).
fn in_the_push(mut finding: Finding, events: &[GaEvent<'_>]) -> Finding {
    let event = finding
        .event_index
        .and_then(|i| events.iter().find(|e| e.index == i));
    if let (Some(event), Some(field)) = (event, finding.field.as_deref()) {
        finding.field = Some(event.field_path(field));
    }
    finding
}

#[cfg(test)]
mod tests;
