//! The injected beacon in a real browser (headless Chromium) behind the worker: it holds what
//! happens before the shopper answers the consent banner, releases it on consent, and an action
//! the worker saw in the traffic and the page reported too reaches Clerk once.

use serde_json::Value;
use sfcc_clerk_e2e::{accept_tracking, Browser, Stack, StackOptions};
use std::time::Duration;

const SITE: &str = "/on/demandware.store/Sites-RefArch-Site/en_US";

#[test]
fn held_until_consent_then_each_action_reaches_clerk_once() {
    let stack = Stack::start(&StackOptions::default()).expect("stack starts");
    let browser = Browser::start().expect("headless Chromium starts");
    let site = format!("{}{SITE}", stack.worker_url);

    browser
        .goto(&format!("{site}/Product-Show?pid=25518704M"))
        .unwrap();
    let injected = browser
        .run("return document.head.firstElementChild.hasAttribute('data-sfcc-clerk-beacon')")
        .unwrap();
    assert_eq!(injected, Value::Bool(true), "the beacon opens <head>");
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(
        stack.clerk_log(),
        Vec::<Value>::new(),
        "nothing before consent"
    );

    // The shopper accepts tracking on the banner (SFRA's consent route, through the worker).
    accept_tracking(&browser);
    // Held twice (the worker's sighting in the page's request, the page's own view_item), sent once.
    let log = stack.settled_clerk_log(1);
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0]["endpoint"], "log/product");
    assert_eq!(log[0]["params"]["product"], "25518704M");
    let visitor = log[0]["params"]["visitor"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        visitor.len() == 32 && visitor.chars().all(|c| c.is_ascii_alphanumeric()),
        "{visitor}"
    );

    // With consent given, a category page: seen by the worker and by the page, sent once.
    browser
        .goto(&format!("{site}/Search-Show?cgid=mens"))
        .unwrap();
    let log = stack.settled_clerk_log(2);
    assert_eq!(log.len(), 2, "{log:?}");
    assert_eq!(log[1]["endpoint"], "log/category");
    assert_eq!(log[1]["params"]["category"], "mens");
    assert_eq!(
        log[1]["params"]["visitor"],
        visitor.as_str(),
        "the same shopper"
    );
}

#[test]
fn a_query_string_cannot_turn_the_injected_beacon_into_markup_or_code() {
    let stack = Stack::start(&StackOptions::default()).expect("stack starts");
    let browser = Browser::start().expect("headless Chromium starts");
    // Before the shopper answers the banner, the worker holds its sighting of this search — the
    // query included — in the beacon it injects into the page.
    let payload = "</script><img src=x onerror=\"window.__xss=1\"><script>window.__xss=2</script>";
    let query: String = payload.bytes().map(|b| format!("%{b:02X}")).collect();
    browser
        .goto(&format!("{}{SITE}/Search-Show?q={query}", stack.worker_url))
        .unwrap();
    let found = browser
        .run(
            "var b = document.querySelectorAll('script[data-sfcc-clerk-beacon]'); \
             return {xss: window.__xss === undefined ? null : window.__xss, beacons: b.length, \
                     first: document.head.firstElementChild === b[0], \
                     held: b.length ? b[0].textContent.indexOf('\\\\u003c/script\\\\u003e') >= 0 : false, \
                     images: document.querySelectorAll('img[src=x]').length};",
        )
        .unwrap();
    assert_eq!(
        found,
        serde_json::json!({"xss": null, "beacons": 1, "first": true, "held": true, "images": 0}),
        "the query travels in the beacon only as escaped JSON text"
    );
}

#[test]
fn an_seo_pages_view_handed_to_the_beacon_mid_page_is_held_and_sent_once_on_consent() {
    let stack = Stack::start(&StackOptions::default()).expect("stack starts");
    let browser = Browser::start().expect("headless Chromium starts");
    // An SEO URL: the worker learns what the page is only from its container, after <head>.
    browser
        .goto(&format!(
            "{}/s/RefArch/slim-shirt/25518704M.html?lang=en_US",
            stack.worker_url
        ))
        .unwrap();
    let pending = browser
        .run("return window.sfccClerkBeacon.pending()")
        .unwrap();
    assert_eq!(
        pending,
        Value::from(2),
        "the worker's sighting and the page's own view_item, held"
    );
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(
        stack.clerk_log(),
        Vec::<Value>::new(),
        "nothing before consent"
    );
    accept_tracking(&browser);
    let log = stack.settled_clerk_log(1);
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0]["endpoint"], "log/product");
    assert_eq!(log[0]["params"]["product"], "25518704M");
}

#[test]
fn a_gtag_pages_events_are_taken_as_a_gtm_pages_are() {
    let stack = Stack::start(&StackOptions::default()).expect("stack starts");
    // Pages that make their GA4 events with gtag.js: `gtag('event', 'view_item', {…})` pushes an
    // arguments object into dataLayer, not an object with `event`.
    let template = stack.client.send(
        "POST",
        &format!(
            "{}/__sandbox/storefront/template",
            stack.storefront.base_url
        ),
        &[("content-type", "application/json")],
        r#"{"gtag": true}"#,
    );
    assert_eq!(template.status, 200);
    let browser = Browser::start().expect("headless Chromium starts");
    browser
        .goto(&format!(
            "{}/s/RefArch/slim-shirt/25518704M.html?lang=en_US",
            stack.worker_url
        ))
        .unwrap();
    let found = browser
        .run(
            "return [window.sfccClerkBeacon.pending(), \
             Array.prototype.some.call(window.dataLayer, function(p){return p[0]==='event'&&p[1]==='view_item'})]",
        )
        .unwrap();
    assert_eq!(
        found,
        serde_json::json!([2, true]),
        "the worker's sighting and the page's gtag view_item, held"
    );
    accept_tracking(&browser);
    let log = stack.settled_clerk_log(1);
    assert_eq!(
        (log.len(), &log[0]["params"]["product"]),
        (1, &Value::from("25518704M")),
        "one view: the gtag call carried the page's id: {log:?}"
    );
    let refused = &stack.admin_get("status")["stores"][0]["refused_events"]["total"];
    assert_eq!(refused, 0, "the gtag call was read, not refused");
}
