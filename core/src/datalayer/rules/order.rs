//! `bad_order`: a `purchase` with no `begin_checkout` before it.
//!
//! A capture of the confirmation page alone cannot hold the checkout: the rule applies only when
//! the capture spans a journey, which is when it holds more than one `gtm.js` push (GTM pushes
//! one per page load, so a capture recorded across pages has several). It is a warning: some
//! checkouts (express payment buttons) skip `begin_checkout` on purpose.

use crate::datalayer::finding::{Code, Finding, Severity};
use crate::datalayer::state::GaEvent;

/// True when the events come from more than one page load.
pub fn spans_journey(events: &[GaEvent<'_>]) -> bool {
    events.iter().filter(|e| e.name == "gtm.js").count() > 1
}

/// The findings for purchases that no checkout preceded, in a journey.
pub fn check(events: &[GaEvent<'_>]) -> Vec<Finding> {
    if !spans_journey(events) {
        return Vec::new();
    }
    let mut checkout_seen = false;
    let mut out = Vec::new();
    for event in events {
        match event.name {
            "begin_checkout" => checkout_seen = true,
            "purchase" if !checkout_seen => out.push(
                Finding::new(
                    Code::BadOrder,
                    Severity::Warning,
                    "expected `begin_checkout` before `purchase` in this journey, found none before it",
                )
                .at(event.index)
                .field("event"),
            ),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::datalayer::capture::Capture;

    fn bad_order(json: &str) -> Vec<Option<usize>> {
        let capture = Capture::parse(json).unwrap();
        check(&capture.events())
            .iter()
            .map(|f| f.event_index)
            .collect()
    }

    #[test]
    fn a_journey_needs_a_checkout_before_the_purchase() {
        assert_eq!(
            bad_order(
                r#"[{"event":"gtm.js"},{"event":"view_item"},{"event":"gtm.js"},{"event":"purchase"}]"#
            ),
            [Some(3)]
        );
        assert_eq!(
            bad_order(
                r#"[{"event":"gtm.js"},{"event":"purchase"},{"event":"gtm.js"},{"event":"begin_checkout"}]"#
            ),
            [Some(1)],
            "a checkout after the purchase does not count"
        );
        assert_eq!(
            bad_order(
                r#"[{"event":"gtm.js"},{"event":"begin_checkout"},{"event":"gtm.js"},{"event":"purchase"}]"#
            ),
            Vec::<Option<usize>>::new()
        );
    }

    #[test]
    fn a_single_page_capture_is_not_judged() {
        assert_eq!(
            bad_order(r#"[{"event":"gtm.js"},{"event":"purchase"}]"#),
            Vec::<Option<usize>>::new()
        );
    }
}
