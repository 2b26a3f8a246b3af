//! Runs in headless Chromium (`cargo xtask test`): the validator audits payloads and data layers
//! inside a real page, and watches a live `dataLayer`.

#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Function, Reflect, JSON};
use serde_json::{json, Value};
use sfcc_clerk_validator::{
    audit_event_payload, classify_page, start, validate_data_layer, validate_feed,
};
use wasm_bindgen::{JsCast, JsValue};
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

// The data-layer audit through the wasm API: each rule on a clean and a broken capture.

fn fixture(name: &str) -> Value {
    let text = match name {
        "pdp" => include_str!("../../core/src/datalayer/fixtures/pdp.json"),
        "plp" => include_str!("../../core/src/datalayer/fixtures/plp.json"),
        "search" => include_str!("../../core/src/datalayer/fixtures/search.json"),
        "cart" => include_str!("../../core/src/datalayer/fixtures/cart.json"),
        "checkout" => include_str!("../../core/src/datalayer/fixtures/checkout.json"),
        "confirmation" => include_str!("../../core/src/datalayer/fixtures/confirmation.json"),
        "journey" => include_str!("../../core/src/datalayer/fixtures/journey.json"),
        other => panic!("no fixture {other}"),
    };
    serde_json::from_str(text).unwrap()
}

/// The fixture with the value at a JSON pointer set.
fn with(name: &str, pointer: &str, new: Value) -> Value {
    let mut capture = fixture(name);
    *capture.pointer_mut(pointer).unwrap() = new;
    capture
}

/// The report's findings as (code, severity, push, field), `not_audited` left out.
fn audit(page: &str, capture: &Value) -> Vec<(String, String, Value, Value)> {
    let report = match validate_data_layer(page, &capture.to_string()) {
        Ok(json) => serde_json::from_str::<Value>(&json).unwrap(),
        Err(_) => panic!("validateDataLayer threw"),
    };
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] != "not_audited")
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
                f["event_index"].clone(),
                f["field"].clone(),
            )
        })
        .collect()
}

fn one(
    code: &str,
    severity: &str,
    push: Value,
    field: &str,
) -> Vec<(String, String, Value, Value)> {
    vec![(code.into(), severity.into(), push, json!(field))]
}

#[wasm_bindgen_test]
fn clean_captures_pass_for_their_page() {
    for (name, page) in [
        ("pdp", "pdp"),
        ("plp", "plp"),
        ("search", "search"),
        ("cart", "cart"),
        ("checkout", "checkout"),
        ("confirmation", "confirmation"),
        ("journey", "confirmation"),
    ] {
        assert_eq!(audit(page, &fixture(name)), [], "{name}");
    }
}

#[wasm_bindgen_test]
fn missing_event_and_missing_field() {
    assert_eq!(
        audit("pdp", &fixture("plp")),
        one("missing_event", "error", Value::Null, "event")
    );
    let no_id = with("pdp", "/4/ecommerce/items/0/item_id", Value::Null);
    assert_eq!(
        audit("pdp", &no_id),
        one(
            "missing_field",
            "error",
            json!(4),
            "ecommerce.items[0].item_id"
        )
    );
}

#[wasm_bindgen_test]
fn wrong_type_bad_value_and_bad_currency() {
    let string_price = with("pdp", "/4/ecommerce/items/0/price", json!("29.99"));
    assert_eq!(
        audit("pdp", &string_price),
        one("wrong_type", "error", json!(4), "ecommerce.items[0].price")
    );
    let zero = with("pdp", "/6/ecommerce/items/0/quantity", json!(0));
    assert_eq!(
        audit("pdp", &zero),
        one(
            "bad_value",
            "error",
            json!(6),
            "ecommerce.items[0].quantity"
        )
    );
    let empty_term = with("search", "/1/search_term", json!(""));
    assert_eq!(
        audit("search", &empty_term),
        one("bad_value", "error", json!(1), "search_term")
    );
    let lower = with("confirmation", "/2/ecommerce/currency", json!("usd"));
    assert_eq!(
        audit("confirmation", &lower),
        one("bad_currency", "error", json!(2), "ecommerce.currency")
    );
}

#[wasm_bindgen_test]
fn value_mismatch_and_list_name() {
    let off = with("confirmation", "/2/ecommerce/value", json!(100));
    assert_eq!(
        audit("confirmation", &off),
        one("value_mismatch", "error", json!(2), "ecommerce.value")
    );
    let mut unnamed = fixture("plp");
    if let Some(e) = unnamed
        .pointer_mut("/2/ecommerce")
        .and_then(Value::as_object_mut)
    {
        e.remove("item_list_id");
        e.remove("item_list_name");
    }
    assert_eq!(
        audit("plp", &unnamed),
        one("missing_field", "error", json!(2), "ecommerce.item_list_id")
    );
    let no_checkout = with("checkout", "/2/event", json!("checkout_progress"));
    assert_eq!(
        audit("checkout", &no_checkout),
        one("missing_event", "error", Value::Null, "event")
    );
}

#[wasm_bindgen_test]
fn duplicate_event_bad_order_and_stale_ecommerce() {
    let mut twice = fixture("confirmation");
    let purchase = twice[2].clone();
    twice.as_array_mut().unwrap().push(purchase);
    let found = audit("confirmation", &twice);
    assert!(
        found.contains(&one("duplicate_event", "error", json!(3), "event")[0]),
        "{found:?}"
    );
    let skipped = with("journey", "/7/event", json!("view_cart"));
    assert_eq!(
        audit("confirmation", &skipped),
        one("bad_order", "warning", json!(10), "event")
    );
    let not_cleared = with("pdp", "/5", json!({"event": "scroll"}));
    assert_eq!(
        audit("pdp", &not_cleared),
        one("stale_ecommerce", "warning", json!(6), "ecommerce")
    );
}

#[wasm_bindgen_test]
fn pii_in_clear_is_masked() {
    let leaky = with("pdp", "/1/user/email_sha256", json!("jane.doe@example.com"));
    assert_eq!(
        audit("pdp", &leaky),
        one("pii_in_clear", "error", json!(1), "user.email_sha256")
    );
    let report = validate_data_layer("pdp", &leaky.to_string()).unwrap_or_default();
    assert!(!report.contains("jane.doe"), "{report}");
}

#[wasm_bindgen_test]
fn commands_are_noted_and_bad_input_throws() {
    let report: Value = serde_json::from_str(
        &validate_data_layer("home", r#"[["config","G-1"]]"#).unwrap_or_default(),
    )
    .unwrap();
    assert_eq!(report["findings"][0]["code"], "not_audited");
    assert_eq!(report["findings"][0]["severity"], "info");
    assert!(validate_data_layer("pdp", "{}").is_err());
    assert!(validate_data_layer("basket", "[]").is_err());
}

#[wasm_bindgen_test]
fn classifies_sfra_urls() {
    let base = "https://shop.example.com/on/demandware.store/Sites-RefArch-Site/en_US";
    let page = |suffix: &str| classify_page(&format!("{base}{suffix}"), None).unwrap_or_default();
    assert_eq!(page("/Product-Show?pid=1"), "pdp");
    assert_eq!(page("/Search-Show?cgid=mens"), "plp");
    assert_eq!(page("/Search-Show?q=polo"), "search");
    assert_eq!(page("/Order-Confirm"), "confirmation");
    let rules = Some(r#"[{"page":"pdp","path":"/p/*"}]"#.to_string());
    assert_eq!(
        classify_page("https://shop.example.com/p/1.html", rules).unwrap_or_default(),
        "pdp"
    );
}

#[wasm_bindgen_test]
fn feed_mismatch_names_both_values() {
    let facts = json!({"json_ld": [r#"{"@type":"Product","sku":"25592770M","name":"Classic Polo",
        "offers":{"price":"29.99","priceCurrency":"USD","availability":"http://schema.org/InStock"}}"#]});
    let feed = |price: f64, in_stock: bool| json!({"id": "25592770M", "name": "Classic Polo", "price": price, "currency": "USD", "in_stock": in_stock});
    let report = |feed: Value| -> Value {
        serde_json::from_str(
            &validate_feed(&facts.to_string(), &feed.to_string()).unwrap_or_default(),
        )
        .unwrap()
    };
    assert_eq!(report(feed(29.99, true))["findings"], json!([]));
    let off = report(feed(24.99, false));
    let messages: Vec<&str> = off["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        [
            "expected the feed's price 24.99 for product 25592770M, found 29.99 on the page",
            "expected the feed's availability out of stock for product 25592770M, found in stock on the page",
        ]
    );
    assert!(validate_feed("{}", "{}").is_err());
}

// The live observer: one test, since it installs itself once per page.

/// Resolves after `ms` milliseconds.
async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

/// The message of what `start` threw.
fn thrown(result: Result<(), JsValue>) -> String {
    let error = result.expect_err("start throws");
    Reflect::get(&error, &JsValue::from_str("message"))
        .unwrap()
        .as_string()
        .unwrap_or_default()
}

/// What the worker answers for page `pgtest`: the first view delivered, the add to cart
/// dead-lettered; the purchase (a string price) is one the worker refuses.
const WORKER_ANSWER: &str = r#"{"page":"pgtest","events":[
  {"event_id":"pgtest-product_view-P1","kind":"product_view","state":"delivered","status":200,"attempt":1,"endpoint":"GET /v2/log/product","received_at_ms":1,"at_ms":2},
  {"event_id":"pgtest-add_to_cart-P2","kind":"add_to_cart","state":"dead_lettered","status":400,"attempt":1,"endpoint":"GET /v2/log/cart/add","reason":"HTTP 400 rejected: injected fault","received_at_ms":1,"at_ms":2}]}"#;

/// A worker's beacon on the page (page `pgtest`, consent granted, 3 events dropped earlier), a
/// `fetch` that answers the forwarding check with `answer` (404 for anything else), and a URL
/// the SFRA defaults do not know. Returns what undoes it.
fn behind_a_fake_worker(answer: &str) -> Function {
    let install = Function::new_with_args(
        "answer",
        "var real = window.fetch, href = location.href; window.qaAsked = [];
         window.sfccClerkBeacon = Object.freeze({page: 'pgtest', mode: 'strict',
           consent: function () { return 'granted'; }, pending: function () { return 0; },
           dropped: function () { return 3; }});
         window.fetch = function (url) { url = String(url); window.qaAsked.push(url);
           if (url === '/__sfcc-clerk/qa/events?page=pgtest') return Promise.resolve(new Response(answer, {status: 200}));
           return Promise.resolve(new Response('', {status: 404})); };
         history.replaceState(null, '', '/qa-test/listing');
         return function () { window.fetch = real; history.replaceState(null, '', href); delete window.sfccClerkBeacon; };",
    );
    install
        .call1(&JsValue::NULL, &JsValue::from_str(answer))
        .unwrap()
        .dyn_into()
        .unwrap()
}

#[wasm_bindgen_test]
async fn start_takes_site_rules_audits_pushes_checks_forwarding_and_answers_the_api() {
    let window = web_sys::window().unwrap();
    let document = window.document().unwrap();
    let qa = || Reflect::get(&window, &JsValue::from_str("sfccClerkQa")).unwrap();

    // Malformed site rules: a clear error, and nothing starts.
    assert!(thrown(start(JsValue::from_str("{"))).starts_with("site rules are not valid JSON"));
    let unknown_page = JSON::parse(r#"{"pages":[{"page":"product","path":"/p/*"}]}"#).unwrap();
    let message = thrown(start(unknown_page));
    assert!(
        message
            .starts_with("site rules: pages[0]: unknown variant `product`, expected one of `pdp`"),
        "{message}"
    );
    assert_eq!(
        thrown(start(JsValue::from_str(r#"{"hints":[{"page":"plp","value":""}]}"#))),
        "site rules: hints[0].value: expected the value the field holds on such pages, found an empty string"
    );
    assert!(qa().is_undefined(), "nothing started");

    let history = JSON::parse(
        r#"[{"event":"gtm.js"},{"page":{"kind":"listing"}},
            {"event":"view_item","ecommerce":{"currency":"USD","items":[{"item_id":"P1","price":29.99}]}},
            {"event":"add_to_cart","ecommerce":{"currency":"USD","value":10,"items":[{"item_id":"P2","price":10,"quantity":1}]}},
            {"event":"purchase","ecommerce":{"transaction_id":"O1","currency":"USD","value":10,"tax":0,"shipping":0,"items":[{"item_id":"P2","price":"10.00","quantity":1}]}}]"#,
    )
    .unwrap();
    Reflect::set(&window, &JsValue::from_str("dataLayer"), &history).unwrap();
    let undo = behind_a_fake_worker(WORKER_ANSWER);
    // The site's rules as an object: its data layer names listing pages.
    let rules =
        JSON::parse(r#"{"hints":[{"page":"plp","field":"page.kind","value":"Listing"}]}"#).unwrap();
    start(rules).unwrap();

    let data_layer: Array = Reflect::get(&window, &JsValue::from_str("dataLayer"))
        .unwrap()
        .dyn_into()
        .unwrap();
    let push: Function = Reflect::get(&data_layer, &JsValue::from_str("push"))
        .unwrap()
        .dyn_into()
        .unwrap();
    let event = JSON::parse(
        r#"{"event":"view_item","ecommerce":{"currency":"USD","items":[{"item_id":"P1","price":"29.99"}]}}"#,
    )
    .unwrap();
    let returned = push.call1(&data_layer, &event).unwrap();
    assert_eq!(returned.as_f64(), Some(6.0), "the original push still runs");
    assert_eq!(data_layer.length(), 6);

    let host = document.get_element_by_id("sfcc-clerk-qa").unwrap();
    let root = host.shadow_root().unwrap();
    let items = root
        .query_selector_all("li[data-code=wrong_type][data-severity=error]")
        .unwrap();
    let texts: Vec<String> = (0..items.length())
        .filter_map(|i| items.item(i))
        .map(|n| n.text_content().unwrap_or_default())
        .collect();
    assert!(
        texts.iter().any(|t| t.contains(
            "push 5 ecommerce.items[0].price: expected a number, found string \"29.99\""
        )),
        "the panel lists the finding: {texts:?}"
    );
    let link = root.query_selector("a[download]").unwrap().unwrap();
    assert!(link
        .get_attribute("href")
        .unwrap_or_default()
        .starts_with("data:application/json;charset=utf-8,"));
    assert!(
        document.query_selector("li[data-code]").unwrap().is_none(),
        "the panel lives in the shadow root only"
    );

    let api = qa();
    let call = |name: &str| -> Value {
        let f: Function = Reflect::get(&api, &JsValue::from_str(name))
            .unwrap()
            .dyn_into()
            .unwrap();
        let result = f.call0(&api).unwrap();
        serde_json::from_str(&JSON::stringify(&result).unwrap().as_string().unwrap()).unwrap()
    };
    // Every push is in a final state at the first look: settled well before the wait is over.
    let mut waited = 0;
    while call("settled") != Value::Bool(true) {
        assert!(waited < 5_000, "settled within 5 s");
        sleep(100).await;
        waited += 100;
    }
    let report = call("report");
    assert_eq!(report["page"], "plp", "classified by the site's hint");
    let wrong_type = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "wrong_type" && f["event_index"] == 5)
        .cloned()
        .expect("report() has the finding");
    assert_eq!(wrong_type["field"], "ecommerce.items[0].price");
    assert_eq!(call("findings"), report["findings"]);

    // The forwarding check, folded into the report.
    let asked: Vec<String> = serde_json::from_str(
        &JSON::stringify(&Reflect::get(&window, &JsValue::from_str("qaAsked")).unwrap())
            .unwrap()
            .as_string()
            .unwrap(),
    )
    .unwrap();
    assert!(
        asked.contains(&"/__sfcc-clerk/qa/events?page=pgtest".to_string()),
        "{asked:?}"
    );
    let states: Vec<(u64, &str)> = report["forwarding"]
        .as_array()
        .expect("the report lists the forwarded pushes")
        .iter()
        .map(|p| (p["push"].as_u64().unwrap(), p["state"].as_str().unwrap()))
        .collect();
    assert_eq!(
        states,
        [
            (2, "delivered"),
            (3, "dead_lettered"),
            (4, "refused"),
            (5, "delivered")
        ]
    );
    let forwarding: Vec<(&str, &str, u64)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            ["not_received", "not_delivered", "dead_lettered"]
                .contains(&f["code"].as_str().unwrap())
        })
        .map(|f| {
            (
                f["code"].as_str().unwrap(),
                f["severity"].as_str().unwrap(),
                f["event_index"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        forwarding,
        [("dead_lettered", "error", 3), ("not_received", "error", 4)]
    );
    let dropped = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "beacon_dropped")
        .expect("the beacon's dropped events are a finding");
    assert_eq!(dropped["severity"], "error");
    assert!(
        dropped["message"]
            .as_str()
            .unwrap_or_default()
            .contains("dropped the oldest 3"),
        "{dropped}"
    );
    assert!(root
        .query_selector("li[data-code=beacon_dropped][data-severity=error]")
        .unwrap()
        .is_some());
    let dead = root
        .query_selector("li[data-code=dead_lettered][data-severity=error]")
        .unwrap()
        .expect("the panel lists the dead letter");
    assert!(dead.text_content().unwrap_or_default().ends_with(
        "found it dead-lettered: attempt 1, HTTP 400, GET /v2/log/cart/add: HTTP 400 rejected: injected fault"
    ));

    // Calling start again with other rules re-classifies; without rules it keeps them.
    start(JsValue::from_str(
        r#"{"pages":[{"page":"cart","path":"/qa-test/*"}]}"#,
    ))
    .unwrap();
    assert_eq!(call("report")["page"], "cart");
    start(JsValue::UNDEFINED).unwrap();
    assert_eq!(call("report")["page"], "cart");
    undo.call0(&JsValue::NULL).unwrap();
}
