//! Every fixture is clean for its page; each broken variant trips exactly the rule it breaks.

use super::*;
use crate::datalayer::finding::{Code, Severity};
use serde_json::{json, Value};

/// A fixture capture by name.
pub(crate) fn fixture(name: &str) -> Value {
    let text = match name {
        "pdp" => include_str!("../fixtures/pdp.json"),
        "plp" => include_str!("../fixtures/plp.json"),
        "search" => include_str!("../fixtures/search.json"),
        "cart" => include_str!("../fixtures/cart.json"),
        "checkout" => include_str!("../fixtures/checkout.json"),
        "confirmation" => include_str!("../fixtures/confirmation.json"),
        "journey" => include_str!("../fixtures/journey.json"),
        other => panic!("no fixture {other}"),
    };
    serde_json::from_str(text).expect("fixtures are JSON")
}

/// The fixture with the value at a JSON pointer replaced (`None` removes it).
pub(crate) fn with(name: &str, pointer: &str, new: Option<Value>) -> Value {
    let mut capture = fixture(name);
    let (parent, key) = pointer.rsplit_once('/').expect("a pointer");
    let target = capture.pointer_mut(parent).expect("the pointer exists");
    match (target, new) {
        (Value::Object(o), Some(v)) => {
            o.insert(key.to_string(), v);
        }
        (Value::Object(o), None) => {
            o.remove(key);
        }
        (Value::Array(a), Some(v)) => a[key.parse::<usize>().expect("an index")] = v,
        (Value::Array(a), None) => {
            a.remove(key.parse::<usize>().expect("an index"));
        }
        _ => panic!("{pointer} is not in a container"),
    }
    capture
}

/// (code, severity, push, field) of every finding but `not_audited`.
pub(crate) fn found(
    capture: &Value,
    page: PageType,
) -> Vec<(Code, Severity, Option<usize>, Option<String>)> {
    let capture = Capture {
        pushes: capture.as_array().cloned().unwrap_or_default(),
    };
    validate(&capture, page)
        .findings
        .into_iter()
        .filter(|f| f.code != Code::NotAudited)
        .map(|f| (f.code, f.severity, f.event_index, f.field))
        .collect()
}

#[test]
fn every_fixture_is_clean_for_its_page() {
    for (name, page) in [
        ("pdp", PageType::Pdp),
        ("plp", PageType::Plp),
        ("search", PageType::Search),
        ("cart", PageType::Cart),
        ("checkout", PageType::Checkout),
        ("confirmation", PageType::Confirmation),
        ("journey", PageType::Confirmation),
    ] {
        assert_eq!(found(&fixture(name), page), [], "{name}");
    }
}

#[test]
fn a_gtm_command_is_noted_as_info() {
    let capture = Capture {
        pushes: fixture("pdp").as_array().cloned().unwrap_or_default(),
    };
    let report = validate(&capture, PageType::Pdp);
    assert_eq!(report.counts.info, 1);
    assert_eq!(report.findings[0].code, Code::NotAudited);
    assert_eq!(report.findings[0].event_index, Some(2));
    assert!(!report.has_errors());
}

#[test]
fn a_page_without_its_event_is_an_error() {
    assert_eq!(
        found(&fixture("plp"), PageType::Pdp),
        [(
            Code::MissingEvent,
            Severity::Error,
            None,
            Some("event".into())
        )]
    );
    assert_eq!(
        found(&fixture("pdp"), PageType::Confirmation),
        [(
            Code::MissingEvent,
            Severity::Error,
            None,
            Some("event".into())
        )]
    );
}

#[test]
fn a_journey_purchase_without_checkout_is_a_bad_order() {
    let journey = with(
        "journey",
        "/7",
        Some(json!({"event": "add_payment_info_skipped"})),
    );
    assert_eq!(
        found(&journey, PageType::Confirmation),
        [(
            Code::BadOrder,
            Severity::Warning,
            Some(10),
            Some("event".into())
        )]
    );
    let single_page = fixture("confirmation");
    assert_eq!(found(&single_page, PageType::Confirmation), []);
}

#[test]
fn a_repeated_purchase_is_a_duplicate() {
    let mut capture = fixture("confirmation");
    let purchase = capture[2].clone();
    if let Some(pushes) = capture.as_array_mut() {
        pushes.push(json!({"ecommerce": null}));
        pushes.push(purchase);
    }
    assert_eq!(
        found(&capture, PageType::Confirmation),
        [(
            Code::DuplicateEvent,
            Severity::Error,
            Some(4),
            Some("event".into())
        )]
    );
}

#[test]
fn pii_anywhere_is_an_error_with_its_path() {
    let capture = with(
        "confirmation",
        "/2/ecommerce/customer_email",
        Some(json!("jane@example.com")),
    );
    let all = found(&capture, PageType::Confirmation);
    assert_eq!(
        all,
        [(
            Code::PiiInClear,
            Severity::Error,
            Some(2),
            Some("ecommerce.customer_email".into())
        )]
    );
}

#[test]
fn messages_never_show_pii_from_event_names_or_order_ids() {
    let email = "jane.doe@example.com";
    let pushes = vec![
        json!({"event": email}),
        json!({"event": email}),
        json!({"event": "purchase", "ecommerce": {"transaction_id": "+45 12 34 56 78"}}),
        json!({"event": "purchase", "ecommerce": {"transaction_id": "+45 12 34 56 78"}}),
    ];
    let report = validate(&Capture { pushes }, PageType::Pdp);
    let codes: Vec<Code> = report.findings.iter().map(|f| f.code).collect();
    for code in [Code::MissingEvent, Code::DuplicateEvent, Code::PiiInClear] {
        assert!(codes.contains(&code), "{code:?} in {codes:?}");
    }
    for f in &report.findings {
        assert!(
            !f.message.contains("jane") && !f.message.contains("12 34"),
            "{:?}: {}",
            f.code,
            f.message
        );
    }
    let duplicate = report
        .findings
        .iter()
        .find(|f| f.code == Code::DuplicateEvent && f.event_index == Some(1))
        .unwrap();
    assert!(
        duplicate.message.contains("j***@e***.com"),
        "{}",
        duplicate.message
    );
}

#[test]
fn audit_parses_then_validates() {
    let report = crate::datalayer::audit(&fixture("search").to_string(), PageType::Search).unwrap();
    assert!(!report.has_errors());
    assert!(crate::datalayer::audit("{}", PageType::Search).is_err());
}
