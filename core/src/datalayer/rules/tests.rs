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
        "guide-gtag" => include_str!("../fixtures/guide-gtag.json"),
        "guide-gtm" => include_str!("../fixtures/guide-gtm.json"),
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
        ("guide-gtag", PageType::Confirmation),
        ("guide-gtm", PageType::Confirmation),
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

/// The parameters of the guide twin's event `name`: the gtag call's third argument, or the GTM
/// push's `ecommerce` (its top level for `search`).
pub(crate) fn guide_params<'c>(
    capture: &'c mut Value,
    name: &str,
) -> &'c mut serde_json::Map<String, Value> {
    let push = capture
        .as_array_mut()
        .and_then(|pushes| {
            pushes
                .iter_mut()
                .find(|p| p["1"] == json!(name) || p["event"] == json!(name))
        })
        .expect("the guide twins have every event");
    let params = if push.get("0").is_some() {
        &mut push["2"]
    } else if name == "search" {
        push
    } else {
        &mut push["ecommerce"]
    };
    params.as_object_mut().expect("parameters are an object")
}

/// (code, severity, event name, field as the gtag form has it, message).
type Seen = (Code, Severity, Option<String>, Option<String>, String);

/// The findings but `not_audited`, each with the name of the event it is about, its field as
/// the gtag form has it, and its message: what a gtag capture and its GTM twin share.
fn as_gtag_sees_it(capture: &Value) -> Vec<Seen> {
    let pushes = capture.as_array().cloned().unwrap_or_default();
    let report = validate(
        &Capture {
            pushes: pushes.clone(),
        },
        PageType::Confirmation,
    );
    report
        .findings
        .into_iter()
        .filter(|f| f.code != Code::NotAudited)
        .map(|f| {
            let push = f.event_index.map(|i| &pushes[i]);
            let gtag = push.is_some_and(|p| p.get("0").is_some());
            let name = push
                .and_then(|p| p.get("event").or_else(|| p.get("1")))
                .and_then(Value::as_str)
                .map(str::to_string);
            let field = match (gtag, f.field) {
                (false, Some(field)) if push.is_some() => {
                    Some(crate::event::gtag::field_path(&field))
                }
                (_, field) => field,
            };
            (f.code, f.severity, name, field, f.message)
        })
        .collect()
}

#[test]
fn a_gtag_capture_audits_as_its_gtm_twin_with_fields_in_the_calls_arguments() {
    let (mut gtag, mut gtm) = (fixture("guide-gtag"), fixture("guide-gtm"));
    for capture in [&mut gtag, &mut gtm] {
        guide_params(capture, "search").insert("search_term".into(), json!(" "));
        let view = guide_params(capture, "view_item");
        view.remove("value");
        view.remove("currency");
        guide_params(capture, "add_to_cart").insert("currency".into(), json!("usd"));
        let purchase = guide_params(capture, "purchase");
        purchase.insert("value".into(), json!(40.03));
        purchase.remove("transaction_id");
        purchase["items"][0]["item_id"] = json!(null);
    }
    let seen = as_gtag_sees_it(&gtag);
    assert_eq!(seen, as_gtag_sees_it(&gtm));
    let places: Vec<(Severity, Option<&str>, Option<&str>)> = seen
        .iter()
        .map(|(_, severity, name, field, _)| (*severity, name.as_deref(), field.as_deref()))
        .collect();
    assert_eq!(
        places,
        [
            (Severity::Error, Some("search"), Some("[2].search_term")),
            (Severity::Error, Some("add_to_cart"), Some("[2].currency")),
            (
                Severity::Error,
                Some("purchase"),
                Some("[2].items[0].item_id")
            ),
            (Severity::Error, Some("purchase"), Some("[2].value")),
            (
                Severity::Error,
                Some("purchase"),
                Some("[2].transaction_id")
            ),
            (Severity::Warning, Some("view_item"), Some("[2].currency")),
        ]
    );
}

#[test]
fn a_gtag_page_is_audited_for_its_events_and_notes_its_commands() {
    let report = crate::datalayer::audit(&fixture("guide-gtag").to_string(), PageType::Pdp)
        .expect("a capture");
    assert!(!report.has_errors(), "{:?}", report.findings);
    let notes: Vec<Option<usize>> = report
        .findings
        .iter()
        .filter(|f| f.code == Code::NotAudited)
        .map(|f| f.event_index)
        .collect();
    assert_eq!(notes, [Some(0), Some(1), Some(2)], "consent, js and config");
    let gtag_only = Capture::parse(
        r#"[{"0":"js","1":"2026-01-15T10:00:00.000Z"},{"0":"config","1":"G-XXXXXXXXXX"}]"#,
    )
    .expect("a capture");
    let missing = validate(&gtag_only, PageType::Pdp)
        .findings
        .into_iter()
        .find(|f| f.code == Code::MissingEvent)
        .expect("no view_item");
    assert_eq!(
        missing.message,
        "expected a `view_item` event on a pdp page, found no GA4 events"
    );
}
