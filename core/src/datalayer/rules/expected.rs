//! `missing_event`: each page type's defining GA4 event.

use super::pii;
use crate::datalayer::finding::{Code, Finding, Severity};
use crate::datalayer::page::PageType;
use crate::datalayer::state::GaEvent;

/// The event a page type must fire, and how bad it is when it does not. A cart page's
/// `view_cart` is a warning: many shops track the cart by its `add_to_cart` events only.
pub fn defining_event(page: PageType) -> Option<(&'static str, Severity)> {
    match page {
        PageType::Pdp => Some(("view_item", Severity::Error)),
        PageType::Plp => Some(("view_item_list", Severity::Error)),
        PageType::Search => Some(("search", Severity::Error)),
        PageType::Cart => Some(("view_cart", Severity::Warning)),
        PageType::Checkout => Some(("begin_checkout", Severity::Error)),
        PageType::Confirmation => Some(("purchase", Severity::Error)),
        PageType::Home | PageType::Other => None,
    }
}

/// A finding when the page's defining event is absent.
pub fn check(page: PageType, events: &[GaEvent<'_>]) -> Option<Finding> {
    let (name, severity) = defining_event(page)?;
    if events.iter().any(|e| e.name == name) {
        return None;
    }
    let seen: Vec<String> = events
        .iter()
        .map(|e| e.name)
        .filter(|n| !n.starts_with("gtm."))
        .map(pii::shown)
        .collect();
    let found = if seen.is_empty() {
        "no GA4 events".to_string()
    } else {
        seen.join(", ")
    };
    Some(
        Finding::new(
            Code::MissingEvent,
            severity,
            format!(
                "expected a `{name}` event on a {} page, found {found}",
                page.as_str()
            ),
        )
        .field("event"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::datalayer::capture::Capture;

    #[test]
    fn each_page_needs_its_event() {
        let capture = Capture::parse(
            r#"[{"event":"gtm.js"},{"event":"view_item_list"},{"event":"add_to_cart"}]"#,
        )
        .unwrap();
        let events = capture.events();
        assert_eq!(check(PageType::Plp, &events), None);
        let missing = check(PageType::Pdp, &events).unwrap();
        assert_eq!(
            (missing.code, missing.severity),
            (Code::MissingEvent, Severity::Error)
        );
        assert_eq!(
            missing.message,
            "expected a `view_item` event on a pdp page, found view_item_list, add_to_cart"
        );
        assert_eq!(
            check(PageType::Cart, &events).map(|f| f.severity),
            Some(Severity::Warning)
        );
        assert_eq!(check(PageType::Home, &events), None);
        assert_eq!(check(PageType::Other, &[]), None);
        let empty = check(PageType::Confirmation, &[]).unwrap();
        assert!(
            empty.message.ends_with("found no GA4 events"),
            "{}",
            empty.message
        );
    }
}
