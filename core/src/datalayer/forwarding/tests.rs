use super::*;
use crate::capture::{Consent, ConsentMode};
use crate::datalayer::{Capture, Code, Severity};
use crate::event::trace::{EventTrace, PageTrace, TraceState};
use crate::event::EventKind;

const PDP: &str = r#"[
  {"event": "gtm.js"},
  {"event": "page_data", "page_type": "pdp"},
  {"ecommerce": null},
  {"event": "view_item", "ecommerce": {"currency": "USD", "items": [{"item_id": "P1", "price": 10.0}]}},
  ["config", "G-1"],
  {"event": "view_cart", "ecommerce": {"items": [{"item_id": "P1"}]}},
  {"event": "view_item_list", "ecommerce": {"item_list_id": "search_results", "items": [{"item_id": "P1"}]}},
  {"event": "purchase", "ecommerce": {"transaction_id": "O1", "items": [{"item_id": "P1", "price": 10.0, "quantity": 1}]}}
]"#;

fn granted() -> PageConsent {
    PageConsent::parse("granted", "strict").unwrap()
}

fn trace(id: &str, state: TraceState) -> EventTrace {
    EventTrace {
        event_id: id.into(),
        kind: EventKind::ProductView,
        state,
        status: None,
        attempt: 0,
        endpoint: None,
        reason: None,
        received_at_ms: 1_000,
        at_ms: 1_000,
    }
}

fn answer(events: Vec<EventTrace>) -> PageTrace {
    PageTrace {
        page: "pg1".into(),
        events,
    }
}

fn codes(check: &ForwardingCheck) -> Vec<(Code, Severity, Option<usize>)> {
    check
        .findings
        .iter()
        .map(|f| (f.code, f.severity, f.event_index))
        .collect()
}

fn pdp() -> Vec<Expected> {
    expected(&Capture::parse(PDP).unwrap(), "pg1")
}

#[test]
fn each_push_the_worker_turns_into_a_clerk_event_is_expected_under_its_event_id() {
    let found = pdp();
    let ids: Vec<(usize, &str, Result<&str, &String>)> = found
        .iter()
        .map(|e| {
            (
                e.push,
                e.event.as_str(),
                e.outcome.as_ref().map(|(id, _, _)| id.as_str()),
            )
        })
        .collect();
    assert_eq!(
        ids,
        [
            (3, "view_item", Ok("pg1-product_view-P1")),
            (7, "purchase", Ok("order-O1")),
        ],
        "cart views and search result lists have no Clerk call; commands and page_data are not forwarded"
    );
    assert_eq!(found[0].describe(), "view_item (product_view P1)");
}

#[test]
fn a_push_the_worker_refuses_is_expected_with_the_reason() {
    let capture = Capture::parse(
        r#"[{"event": "purchase", "page_id": "spoofed", "ecommerce": {"transaction_id": "O1", "items": [{"item_id": "P1", "price": "10.00", "quantity": 1}]}},
            {"event": "view_item", "page_id": "spoofed", "ecommerce": {"items": [{"item_id": "P1"}]}}]"#,
    )
    .unwrap();
    let found = expected(&capture, "pg1");
    assert_eq!(
        found[0].outcome,
        Err("products[0]: field `price` must be a number ≥ 0".into())
    );
    assert_eq!(
        found[1].outcome.as_ref().map(|(id, _, _)| id.as_str()),
        Ok("pg1-product_view-P1"),
        "the beacon's page id wins over one in the push"
    );
}

#[test]
fn an_earlier_user_id_goes_along_as_the_beacon_carries_it() {
    let capture = Capture::parse(
        r#"[{"event": "page_data", "user_id": "ann@example.com"},
            {"event": "view_item", "ecommerce": {"items": [{"item_id": "P1"}]}},
            {"event": "view_item", "user_id": "00001", "ecommerce": {"items": [{"item_id": "P2"}]}}]"#,
    )
    .unwrap();
    let found = expected(&capture, "pg1");
    assert_eq!(
        found[0].outcome,
        Err("field `customer` must be a customer number: 1 to 64 printable characters, no spaces or @".into()),
        "the email the page set as user_id goes along, and the worker refuses it"
    );
    assert_eq!(
        found[1].outcome.as_ref().map(|(id, _, _)| id.as_str()),
        Ok("pg1-product_view-P2"),
        "a push's own user_id wins"
    );
}

#[test]
fn everything_delivered_is_complete_and_clean() {
    let done = check(
        &pdp(),
        granted(),
        &answer(vec![
            trace("pg1-product_view-P1", TraceState::Delivered),
            trace("order-O1", TraceState::Delivered),
        ]),
        false,
        800,
    );
    assert!(done.complete);
    assert_eq!(codes(&done), []);
    let states: Vec<PushState> = done.pushes.iter().map(|p| p.state).collect();
    assert_eq!(states, [PushState::Delivered, PushState::Delivered]);
    let search = expected(
        &Capture::parse(r#"[{"event": "search", "search_term": "shirt"}]"#).unwrap(),
        "pg1",
    );
    let not_sent = check(
        &search,
        granted(),
        &answer(vec![trace("pg1-search-shirt", TraceState::NotSent)]),
        false,
        800,
    );
    assert!(
        not_sent.complete && not_sent.findings.is_empty(),
        "Clerk has no search call: nothing to find"
    );
}

#[test]
fn a_missing_event_waits_then_is_an_error() {
    let partial = answer(vec![trace("order-O1", TraceState::Delivered)]);
    let early = check(&pdp(), granted(), &partial, false, 500);
    assert!(!early.complete, "not there yet: ask again");
    assert_eq!(codes(&early), []);
    let late = check(&pdp(), granted(), &partial, true, 8_000);
    assert_eq!(
        codes(&late),
        [(Code::NotReceived, Severity::Error, Some(3))]
    );
    assert_eq!(
        late.findings[0].message,
        "expected the worker to receive view_item (product_view P1) (event id pg1-product_view-P1), found no record of it after 8.0 s"
    );
    assert_eq!(late.findings[0].field.as_deref(), Some("event"));
    assert_eq!(late.pushes[0].state, PushState::NotReceived);
}

#[test]
fn queued_or_retrying_at_the_end_is_a_warning_naming_the_state() {
    let mut retrying = trace("pg1-product_view-P1", TraceState::Retrying);
    retrying.attempt = 2;
    retrying.status = Some(503);
    retrying.endpoint = Some("GET /v2/log/product".into());
    retrying.reason = Some("HTTP 503 server error: injected fault".into());
    let queued = trace("order-O1", TraceState::Received);
    let pending = answer(vec![retrying, queued]);
    assert!(!check(&pdp(), granted(), &pending, false, 2_000).complete);
    let late = check(&pdp(), granted(), &pending, true, 8_000);
    assert_eq!(
        codes(&late),
        [
            (Code::NotDelivered, Severity::Warning, Some(3)),
            (Code::NotDelivered, Severity::Warning, Some(7))
        ]
    );
    assert_eq!(
        late.findings[0].message,
        "expected view_item (product_view P1) (event id pg1-product_view-P1) delivered to Clerk, found it retrying after attempt 2, HTTP 503, GET /v2/log/product: HTTP 503 server error: injected fault after 8.0 s"
    );
    assert!(late.findings[1].message.contains("found it still queued"));
    assert_eq!(late.pushes[0].status, Some(503));
}

#[test]
fn a_dead_letter_is_an_error_with_its_reason_at_once() {
    let mut dead = trace("pg1-product_view-P1", TraceState::DeadLettered);
    dead.attempt = 1;
    dead.status = Some(400);
    dead.reason = Some("HTTP 400 rejected: injected fault".into());
    let result = check(
        &pdp(),
        granted(),
        &answer(vec![dead, trace("order-O1", TraceState::Delivered)]),
        false,
        1_000,
    );
    assert!(result.complete, "nothing more will happen to it");
    assert_eq!(
        codes(&result),
        [(Code::DeadLettered, Severity::Error, Some(3))]
    );
    assert!(
        result.findings[0].message.ends_with(
            "found it dead-lettered: attempt 1, HTTP 400: HTTP 400 rejected: injected fault"
        ),
        "{}",
        result.findings[0].message
    );
}

#[test]
fn a_refused_push_is_named_and_a_missing_neighbour_is_missing_on_its_own() {
    let capture = Capture::parse(
        r#"[{"event": "view_item", "ecommerce": {"items": [{"item_id": "P1"}]}},
            {"event": "purchase", "ecommerce": {"transaction_id": "O1", "items": [{"item_id": "P1", "price": "10.00", "quantity": 1}]}}]"#,
    )
    .unwrap();
    let result = check(
        &expected(&capture, "pg1"),
        granted(),
        &answer(vec![]),
        true,
        8_000,
    );
    assert_eq!(
        codes(&result),
        [
            (Code::NotReceived, Severity::Error, Some(0)),
            (Code::NotReceived, Severity::Error, Some(1))
        ]
    );
    assert!(
        result.findings[0]
            .message
            .ends_with("found no record of it after 8.0 s"),
        "{}",
        result.findings[0].message
    );
    assert_eq!(
        result.findings[1].message,
        "expected the worker to receive purchase, found that it refuses the push: products[0]: field `price` must be a number ≥ 0"
    );
    assert_eq!(result.pushes[1].state, PushState::Refused);
    assert_eq!(result.pushes[1].event_id, None);
}

#[test]
fn without_consent_in_strict_mode_nothing_is_expected() {
    for (consent, words) in [
        ("unknown", "has not answered the consent banner"),
        (
            "denied",
            "declined tracking and strict mode forwards nothing",
        ),
    ] {
        let page = PageConsent::parse(consent, "strict").unwrap();
        assert!(!page.forwards());
        let held = answer(vec![trace("pg1-product_view-P1", TraceState::Held)]);
        let result = check(&pdp(), page, &held, false, 0);
        assert!(result.complete, "{consent}: nothing to wait for");
        assert_eq!(
            codes(&result),
            [
                (Code::ConsentWithheld, Severity::Info, Some(3)),
                (Code::ConsentWithheld, Severity::Info, Some(7))
            ],
            "{consent}"
        );
        assert!(
            result.findings[0].message.contains(words),
            "{}",
            result.findings[0].message
        );
        let states: Vec<PushState> = result.pushes.iter().map(|p| p.state).collect();
        assert_eq!(states, [PushState::Held, PushState::Withheld]);
        // Anything past consent at the worker is a breach.
        let leaked = answer(vec![trace("order-O1", TraceState::Delivered)]);
        let result = check(&pdp(), page, &leaked, false, 0);
        assert_eq!(
            codes(&result),
            [
                (Code::ConsentWithheld, Severity::Info, Some(3)),
                (Code::ForwardedWithoutConsent, Severity::Error, Some(7))
            ]
        );
    }
}

#[test]
fn anonymous_mode_forwards_a_declining_shoppers_events() {
    let page = PageConsent::parse("denied", "anonymous").unwrap();
    assert_eq!(
        page,
        PageConsent {
            consent: Consent::Denied,
            mode: ConsentMode::Anonymous
        }
    );
    assert!(page.forwards());
    let result = check(&pdp(), page, &answer(vec![]), true, 8_000);
    assert_eq!(
        codes(&result),
        [
            (Code::NotReceived, Severity::Error, Some(3)),
            (Code::NotReceived, Severity::Error, Some(7))
        ]
    );
}

#[test]
fn dropped_by_the_worker_is_consent_not_an_error_and_held_with_consent_is_not_received() {
    let mut dropped = trace("pg1-product_view-P1", TraceState::Dropped);
    dropped.reason = Some("no tracking consent".into());
    let held = trace("order-O1", TraceState::Held);
    let pending = answer(vec![dropped, held]);
    assert!(!check(&pdp(), granted(), &pending, false, 1_000).complete);
    let result = check(&pdp(), granted(), &pending, true, 8_000);
    assert_eq!(
        codes(&result),
        [
            (Code::ConsentWithheld, Severity::Info, Some(3)),
            (Code::NotReceived, Severity::Error, Some(7))
        ]
    );
    assert!(result.findings[1]
        .message
        .contains("still held in the page"));
}

#[test]
fn the_beacons_words_are_checked() {
    assert_eq!(
        PageConsent::parse("yes", "strict"),
        Err("consent: expected granted, denied or unknown, found \"yes\"".into())
    );
    assert_eq!(
        PageConsent::parse("granted", "lenient"),
        Err("mode: expected strict or anonymous, found \"lenient\"".into())
    );
}

#[test]
fn a_beacon_that_dropped_events_is_an_error_naming_how_many() {
    assert_eq!(dropped(0), None, "nothing dropped, nothing to say");
    let f = dropped(12).expect("a finding");
    assert_eq!(
        (f.code, f.severity, f.event_index),
        (Code::BeaconDropped, Severity::Error, None)
    );
    assert!(f.message.contains("dropped the oldest 12"), "{}", f.message);
    assert!(
        f.message
            .contains(&format!("more than {} events", crate::capture::MAX_PENDING)),
        "{}",
        f.message
    );
    assert_eq!(f.code.as_str(), "beacon_dropped");
}

#[test]
fn a_gtag_event_call_is_expected_as_the_beacon_sends_it_with_the_user_id_gtag_set() {
    let capture = Capture::parse(
        r#"[
          {"0": "js", "1": {}},
          {"0": "config", "1": "G-XXXX", "2": {"user_id": "0001"}},
          {"0": "event", "1": "view_item", "2": {"currency": "USD", "items": [{"item_id": "SKU_12345", "price": 10.01}]}},
          {"0": "event", "1": "add_to_cart", "2": {"items": []}}
        ]"#,
    )
    .unwrap();
    let found = expected(&capture, "pg1");
    let seen: Vec<(usize, &str, &str, Result<&str, &str>)> = found
        .iter()
        .map(|e| {
            (
                e.push,
                e.event.as_str(),
                e.field.as_str(),
                e.outcome
                    .as_ref()
                    .map(|(id, _, _)| id.as_str())
                    .map_err(String::as_str),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (2, "view_item", "[1]", Ok("pg1-product_view-SKU_12345")),
            (
                3,
                "add_to_cart",
                "[1]",
                Err("ecommerce.items must be a non-empty array")
            ),
        ]
    );
    let result = check(&found, granted(), &answer(Vec::new()), true, 10_000);
    let at: Vec<(Option<usize>, Option<&str>)> = result
        .findings
        .iter()
        .map(|f| (f.event_index, f.field.as_deref()))
        .collect();
    assert_eq!(at, [(Some(2), Some("[1]")), (Some(3), Some("[1]"))]);
    // The user id `set` names goes along: one the worker refuses shows it was sent.
    let capture = Capture::parse(
        r#"[{"0": "set", "1": {"user_id": "jane@example.com"}},
            {"0": "event", "1": "search", "2": {"search_term": "tee"}}]"#,
    )
    .unwrap();
    let found = expected(&capture, "pg1");
    assert!(
        matches!(&found[0].outcome, Err(reason) if reason.contains("customer")),
        "{found:?}"
    );
}
