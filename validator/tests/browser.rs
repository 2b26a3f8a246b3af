//! Runs in headless Chromium (`cargo xtask test`): the validator audits payloads inside a real page.

#![cfg(target_arch = "wasm32")]

use sfcc_clerk_validator::audit_event_payload;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn audits_a_payload_in_the_page() {
    let report: serde_json::Value = serde_json::from_str(&audit_event_payload(
        r#"{"type":"click","product":"25518704M"}"#,
        "USD",
    ))
    .unwrap();
    assert_eq!(report["ok"], true);
    assert_eq!(report["events"][0]["clerk_endpoint"], "/v2/log/click");
    let page = report["page"].as_str().unwrap();
    assert!(
        page.starts_with("http://127.0.0.1:") || page.starts_with("http://localhost:"),
        "{page}"
    );
}

#[wasm_bindgen_test]
fn refuses_a_broken_payload_in_the_page() {
    let report: serde_json::Value = serde_json::from_str(&audit_event_payload(
        r#"{"type":"purchase","order_id":"O1"}"#,
        "USD",
    ))
    .unwrap();
    assert_eq!(report["ok"], false);
    assert_eq!(
        report["error"],
        "event 0: field `products` must be a non-empty array for purchase"
    );
}
