//! The worker's injected beacon, run in headless Chromium with the page's `fetch` answered here:
//! a call the worker refuses with 429 (too many) or 503 (could not queue it) is kept and sent
//! again after its `Retry-After`, with the events' original age, and the shop's customer number
//! from an earlier push goes along.

#![cfg(target_arch = "wasm32")]

use js_sys::{Function, Promise};
use serde_json::Value;
use sfcc_clerk_core::capture::{beacon_script, Beacon, ConsentMode};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn js(body: &str) -> JsValue {
    Function::new_no_args(body)
        .call0(&JsValue::NULL)
        .expect("the snippet runs")
}

async fn sleep(ms: u32) {
    let promise: Promise =
        Function::new_with_args("ms", "return new Promise(function(r){setTimeout(r,ms)})")
            .call1(&JsValue::NULL, &ms.into())
            .expect("a timer")
            .into();
    JsFuture::from(promise).await.expect("the timer fires");
}

/// The calls the page made so far, as JSON bodies.
fn calls() -> Vec<Value> {
    let text = js("return JSON.stringify(window.__calls)")
        .as_string()
        .unwrap_or_default();
    serde_json::from_str(&text).expect("calls as JSON")
}

#[wasm_bindgen_test]
async fn a_refused_call_is_kept_and_sent_again_after_retry_after_with_the_customer_number() {
    refused_then_sent_again(429).await;
}

#[wasm_bindgen_test]
async fn a_call_the_worker_could_not_queue_is_kept_and_sent_again_after_retry_after() {
    refused_then_sent_again(503).await;
}

/// The worker answers the page's first call with `status` and `Retry-After: 1`, later ones 202.
async fn refused_then_sent_again(status: u16) {
    // Consent given. A page of its own: a fresh data layer and a fresh record of calls.
    js(&format!(
        "document.cookie='dw_dnt=0; path=/';window.__calls=[];\
        window.fetch=function(u,i){{window.__calls.push(JSON.parse(i.body));\
        var s=window.__calls.length===1?{status}:202;\
        return Promise.resolve(new Response('{{}}',{{status:s,headers:{{'retry-after':'1'}}}}))}};\
        window.dataLayer=[{{event:'page_data',page_type:'pdp',user_id:'00000001'}}];"
    ));
    let script = beacon_script(&Beacon {
        endpoint: "/__sfcc-clerk/events",
        store: "refarch-us",
        page_id: "pg1",
        mode: ConsentMode::Strict,
        consent_cookie: None,
        held: Vec::new(),
    });
    let body = script
        .trim_start_matches("<script data-sfcc-clerk-beacon>")
        .trim_end_matches("</script>");
    Function::new_no_args(body)
        .call0(&JsValue::NULL)
        .expect("the beacon runs");
    js("window.dataLayer.push({event:'view_item',ecommerce:{currency:'USD',items:[{item_id:'25518704M',price:39.5}]}})");

    sleep(400).await;
    let first = calls();
    assert_eq!(first.len(), 1, "sent at once: {first:?}");
    let event = &first[0][0];
    assert_eq!(event["event"], "view_item");
    assert_eq!(event["page_id"], "pg1");
    assert_eq!(
        event["user_id"], "00000001",
        "the customer number of an earlier push"
    );
    assert!(
        event.get("seen").is_none(),
        "the page's bookkeeping stays home"
    );

    sleep(400).await;
    assert_eq!(
        calls().len(),
        1,
        "not again before Retry-After: {:?}",
        calls()
    );

    sleep(2000).await;
    let all = calls();
    assert_eq!(all.len(), 2, "sent again once after Retry-After: {all:?}");
    let again = &all[1][0];
    assert_eq!(again["ecommerce"], event["ecommerce"]);
    assert_eq!(again["page_id"], "pg1");
    let (age0, age1) = (
        event["age_ms"].as_u64().unwrap_or(0),
        again["age_ms"].as_u64().unwrap_or(0),
    );
    assert!(
        age1 >= age0 + 1000,
        "the original time is kept: ages {age0} then {age1} ms"
    );
}
