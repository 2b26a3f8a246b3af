//! The worker's injected beacon, run in headless Chromium with the page's `fetch` answered here:
//! a call the worker refuses with 429 (too many) or 503 (could not queue it) is kept and sent
//! again after its `Retry-After`, with the events' original age, and the shop's customer number
//! from an earlier push goes along; a call that gets no answer at all is kept and sent again
//! after a back-off; a large call is split to fit the limit; a page keeps at most
//! `MAX_PENDING` events; consent is the worker's reading (the page's, then each answer's): while
//! it is unknown the page keeps its events and offers them again only when a cookie or its
//! Consent Mode state changed.

#![cfg(target_arch = "wasm32")]

use js_sys::{Function, Promise};
use serde_json::Value;
use sfcc_clerk_core::capture::{
    beacon_asset, beacon_markup, beacon_script, held_script, Beacon, Consent, ConsentMode,
    ScriptDelivery, MAX_CALL_BYTES, MAX_PENDING,
};
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

/// A page of its own: a fresh data layer (`data_layer`, JS), a fresh record of calls
/// (`window.__calls`: bodies; `window.__sent`: byte size and `keepalive` of each;
/// `window.__urls`), `fetch` answered by `answer` (a JS function body, `u` and `i` its arguments,
/// run after the call is recorded), the worker's reading of consent for the page (given or not
/// answered), and the beacon running.
fn start_beacon(granted: bool, answer: &str, data_layer: &str) {
    js(&format!(
        "window.__calls=[];window.__sent=[];window.__urls=[];\
        window.fetch=function(u,i){{window.__calls.push(JSON.parse(i.body));window.__urls.push(u);\
        window.__sent.push([new TextEncoder().encode(i.body).length,i.keepalive]);{answer}}};\
        window.dataLayer={data_layer};"
    ));
    let script = beacon_script(&Beacon {
        endpoint: "/__sfcc-clerk/events",
        store: "refarch-us",
        page_id: "pg1",
        mode: ConsentMode::Strict,
        consent: if granted {
            Consent::Granted
        } else {
            Consent::Unknown
        },
        consent_mode_type: "personalization_storage",
        held: Vec::new(),
    });
    let body = script
        .trim_start_matches("<script data-sfcc-clerk-beacon>")
        .trim_end_matches("</script>");
    Function::new_no_args(body)
        .call0(&JsValue::NULL)
        .expect("the beacon runs");
}

/// The first item id of every event sent so far, in the order sent.
fn item_ids() -> Vec<String> {
    calls()
        .iter()
        .flat_map(|call| call.as_array().cloned().unwrap_or_default())
        .map(|e| {
            e["ecommerce"]["items"][0]["item_id"]
                .as_str()
                .unwrap_or("")
                .to_string()
        })
        .collect()
}

/// What `window.sfccClerkBeacon.name()` answers.
fn beacon_count(name: &str) -> u64 {
    js(&format!("return window.sfccClerkBeacon.{name}()"))
        .as_f64()
        .map_or(u64::MAX, |n| n as u64)
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
    start_beacon(
        true,
        &format!(
            "var s=window.__calls.length===1?{status}:202;\
            return Promise.resolve(new Response('{{}}',{{status:s,headers:{{'retry-after':'1'}}}}))"
        ),
        "[{event:'page_data',page_type:'pdp',user_id:'00000001'}]",
    );
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

#[wasm_bindgen_test]
async fn a_call_that_gets_no_answer_is_kept_and_sent_again_after_a_back_off() {
    // Offline for the first call: `fetch` rejects, as it does when the network is gone.
    start_beacon(
        true,
        "return window.__calls.length===1?Promise.reject(new TypeError('Failed to fetch')):\
        Promise.resolve(new Response('{}',{status:202}))",
        "[]",
    );
    js("window.dataLayer.push({event:'add_to_cart',ecommerce:{currency:'USD',items:[{item_id:'25518704M',quantity:1}]}})");
    sleep(400).await;
    assert_eq!(calls().len(), 1, "sent at once: {:?}", calls());
    assert_eq!(beacon_count("pending"), 1, "kept in the page");
    sleep(400).await;
    assert_eq!(calls().len(), 1, "not again at once: {:?}", calls());

    sleep(2000).await;
    let all = calls();
    assert_eq!(all.len(), 2, "sent again once after the back-off: {all:?}");
    assert_eq!(all[1][0]["ecommerce"], all[0][0]["ecommerce"]);
    assert_eq!(all[1][0]["event"], "add_to_cart");
    assert_eq!(beacon_count("pending"), 0, "nothing left once taken");
}

#[wasm_bindgen_test]
async fn a_page_keeps_at_most_its_limit_of_events_dropping_the_oldest() {
    // The banner unanswered: the page holds what it sees.
    start_beacon(
        false,
        "return Promise.resolve(new Response('{}',{status:202,headers:{'x-sfcc-clerk-consent':'granted'}}))",
        "[]",
    );
    let extra = 100;
    js(&format!(
        "for(var i=0;i<{};i++)window.dataLayer.push({{event:'view_item',\
        ecommerce:{{currency:'USD',items:[{{item_id:'P'+i}}]}}}})",
        MAX_PENDING + extra
    ));
    sleep(300).await;
    assert!(calls().is_empty(), "nothing leaves before consent");
    assert_eq!(
        (beacon_count("pending"), beacon_count("dropped")),
        (MAX_PENDING as u64, extra as u64)
    );

    // The shopper answers (a consent tool's cookie changes); the worker reads a yes.
    js("document.cookie='sfcc_clerk_test_cmp='+Date.now()+'; path=/'");
    sleep(1500).await;
    let ids = item_ids();
    let expected: Vec<String> = (extra..MAX_PENDING + extra)
        .map(|i| format!("P{i}"))
        .collect();
    assert_eq!(
        ids, expected,
        "the newest {MAX_PENDING}, in order, each once"
    );
    assert_eq!(beacon_count("pending"), 0);
}

#[wasm_bindgen_test]
async fn a_call_over_the_size_limit_is_split_into_calls_that_fit() {
    start_beacon(
        true,
        "return Promise.resolve(new Response('{}',{status:202}))",
        "[]",
    );
    // 40 events of about 3 KB each: twice the limit in one flush.
    js(
        "var n='x'.repeat(3000);for(var i=0;i<40;i++)window.dataLayer.push({event:'view_item',\
        ecommerce:{currency:'USD',items:[{item_id:'P'+i,item_name:n}]}})",
    );
    sleep(400).await;
    let text = js("return JSON.stringify(window.__sent)")
        .as_string()
        .unwrap_or_default();
    let sent: Vec<(usize, bool)> = serde_json::from_str(&text).expect("sizes as JSON");
    assert!(sent.len() >= 3, "split: {sent:?}");
    assert!(
        sent.iter()
            .all(|(bytes, keepalive)| *bytes <= MAX_CALL_BYTES && *keepalive),
        "each call fits and may outlive the page: {sent:?}"
    );
    let mut ids = item_ids();
    ids.sort();
    let mut expected: Vec<String> = (0..40).map(|i| format!("P{i}")).collect();
    expected.sort();
    assert_eq!(ids, expected, "every event once");
}

#[wasm_bindgen_test]
async fn while_the_worker_reads_no_answer_the_page_keeps_its_events_and_offers_them_on_a_change() {
    // The worker's reading: no answer, until the page's Consent Mode update says granted.
    start_beacon(
        false,
        "var v=u.indexOf('gcm=granted')>=0?'granted':'unknown';\
         return Promise.resolve(new Response('{}',{status:202,headers:{'x-sfcc-clerk-consent':v}}))",
        "[]",
    );
    js("window.dataLayer.push({event:'view_item',ecommerce:{currency:'USD',items:[{item_id:'P1'}]}})");
    sleep(2500).await;
    assert!(
        calls().is_empty(),
        "nothing changed since the page's reading: no call"
    );
    js("document.cookie='sfcc_clerk_test_other='+Date.now()+'; path=/'");
    sleep(1500).await;
    assert_eq!(calls().len(), 1, "a cookie changed: offered once");
    sleep(2500).await;
    assert_eq!(
        (calls().len(), beacon_count("pending")),
        (1, 1),
        "read as no answer: kept, and not offered again without a change"
    );
    // A Consent Mode default is no answer; it goes along, but the page waits for an update.
    js("(function(){function gtag(){dataLayer.push(arguments)}\
        gtag('consent','default',{personalization_storage:'denied'});\
        gtag('consent','update',{personalization_storage:'granted'})})()");
    sleep(1500).await;
    let urls = js("return JSON.stringify(window.__urls)")
        .as_string()
        .unwrap_or_default();
    assert_eq!(calls().len(), 2, "{urls}");
    assert!(urls.ends_with("gcm=granted\"]"), "{urls}");
    assert_eq!(beacon_count("pending"), 0, "taken");
    assert_eq!(
        js("return window.sfccClerkBeacon.consent()")
            .as_string()
            .as_deref(),
        Some("granted")
    );
}

#[wasm_bindgen_test]
async fn a_refusal_the_worker_reads_lets_the_pages_events_go_in_strict_mode() {
    start_beacon(
        false,
        "return Promise.resolve(new Response('{}',{status:202,headers:{'x-sfcc-clerk-consent':'denied'}}))",
        "[]",
    );
    js("window.dataLayer.push({event:'view_item',ecommerce:{currency:'USD',items:[{item_id:'P1'}]}})");
    js("document.cookie='sfcc_clerk_test_no='+Date.now()+'; path=/'");
    sleep(1500).await;
    assert_eq!(calls().len(), 1);
    js("window.dataLayer.push({event:'view_item',ecommerce:{currency:'USD',items:[{item_id:'P2'}]}})");
    sleep(1500).await;
    assert_eq!(
        (calls().len(), beacon_count("pending")),
        (1, 0),
        "declined: the page keeps nothing and sends nothing more"
    );
    assert_eq!(
        js("return window.sfccClerkBeacon.consent()")
            .as_string()
            .as_deref(),
        Some("denied")
    );
}

#[wasm_bindgen_test]
fn served_from_the_shops_origin_it_reads_its_configuration_and_held_events_from_the_page() {
    // A page whose policy refuses inline scripts: the configuration is a JSON data element, the
    // script the worker's static asset; the worker's later sighting is another data element.
    let markup = beacon_markup(
        &Beacon {
            endpoint: "/__sfcc-clerk/events",
            store: "refarch-us",
            page_id: "pg-external",
            // A refusal: once it looks again, this beacon lets its events go and sends nothing,
            // so it cannot answer another test's fetch.
            mode: ConsentMode::Strict,
            consent: Consent::Denied,
            consent_mode_type: "",
            held: vec![serde_json::json!({"type": "search", "query": "shirt"})],
        },
        &ScriptDelivery::External { nonce: None },
    )
    .expect("an external beacon");
    let config = format!(
        "{}</script>",
        markup.split("</script>").next().unwrap_or_default()
    );
    let held = held_script(&[serde_json::json!({"type": "product_view", "product": "P1"})]);
    let text = |s: &str| serde_json::to_string(s).unwrap_or_default();
    // One task: no earlier test's beacon gets to look at the page in between.
    let found = js(&format!(
        "window.fetch=function(){{return new Promise(function(){{}})}};window.dataLayer=[];\
         var box=document.createElement('div');box.innerHTML={}+{};document.body.appendChild(box);\
         (new Function({}))();\
         var found=[window.sfccClerkBeacon.page,window.sfccClerkBeacon.pending(),window.sfccClerkBeacon.pending()];\
         box.remove();return JSON.stringify(found);",
        text(&config),
        text(&held),
        text(beacon_asset())
    ));
    assert_eq!(
        found.as_string().unwrap_or_default(),
        r#"["pg-external",2,2]"#,
        "its own page id, the configuration's held search and the page's held view, each once"
    );
}
