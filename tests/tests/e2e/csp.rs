//! Storefront pages with a Content Security Policy, in a real browser (headless Chromium, which
//! enforces the policy) behind the worker: PWA Kit's policy (no inline scripts) gets the beacon
//! from the shop's own origin, a nonce policy gets the page's nonce on the inline beacon, and a
//! policy that lets no page script call anything gets no beacon at all, the page otherwise
//! served as the storefront made it and its server-side captures still sent.

use serde_json::{json, Value};
use sfcc_clerk_e2e::{accept_tracking, Browser, Stack, StackOptions};

const SITE: &str = "/on/demandware.store/Sites-RefArch-Site/en_US";

/// The sandbox storefront's pages carry `policy` (`pwa_kit`, `nonce`, `closed`) from now on.
fn page_policy(stack: &Stack, policy: &str) {
    let answer = stack.set_storefront_template(&json!({ "csp": policy }));
    assert_eq!(answer.status, 200, "{}", answer.json);
}

const BEACON_STATE: &str = "var b = document.querySelector('script[data-sfcc-clerk-beacon]'); \
    return {injected: !!b, src: b ? b.getAttribute('src') : null, nonce: b ? b.nonce.length > 0 : false, \
            running: !!window.sfccClerkBeacon, \
            pending: window.sfccClerkBeacon ? window.sfccClerkBeacon.pending() : null};";

#[test]
fn the_beacon_runs_under_the_pages_content_security_policy_or_stays_out() {
    let stack = Stack::start(&StackOptions::default()).expect("stack starts");

    // PWA Kit's policy: scripts from the shop's own origin, none inline.
    page_policy(&stack, "pwa_kit");
    let browser = Browser::start().expect("headless Chromium starts");
    browser
        .goto(&format!(
            "{}{SITE}/Product-Show?pid=25518704M",
            stack.worker_url
        ))
        .expect("the page loads");
    let state = browser.run(BEACON_STATE).expect("the page answers");
    let src = state["src"].as_str().unwrap_or_default().to_string();
    assert!(
        src.starts_with("/__sfcc-clerk/beacon-") && src.ends_with(".js"),
        "{state}"
    );
    assert_eq!(
        (&state["running"], &state["pending"]),
        (&Value::Bool(true), &Value::from(1)),
        "the beacon ran from the shop's origin and holds the worker's sighting (the page's own \
         inline data-layer script is blocked by the policy, as on a PWA Kit page): {state}"
    );
    let script = stack.client.get(&format!("{}{src}", stack.worker_url), &[]);
    assert_eq!(script.status, 200);
    assert!(
        script
            .header("content-type")
            .is_some_and(|t| t.contains("javascript")),
        "{:?}",
        script.headers
    );
    assert_eq!(
        script.header("cache-control"),
        Some("public, max-age=31536000, immutable"),
        "named by its hash: kept for good"
    );
    accept_tracking(&browser);
    let log = stack.settled_clerk_log(1);
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(
        (&log[0]["endpoint"], &log[0]["params"]["product"]),
        (&json!("log/product"), &json!("25518704M")),
        "the beacon's call reached the worker under connect-src 'self'"
    );

    // A policy that lets no page script call anything: no beacon, the page as it was.
    page_policy(&stack, "closed");
    browser
        .goto(&format!("{}{SITE}/Search-Show?cgid=mens", stack.worker_url))
        .expect("the page loads");
    let state = browser.run(BEACON_STATE).expect("the page answers");
    assert_eq!(
        (&state["injected"], &state["running"]),
        (&Value::Bool(false), &Value::Bool(false)),
        "{state}"
    );
    let title = browser
        .run("return document.title")
        .expect("the page answers");
    assert!(!title.as_str().unwrap_or_default().is_empty(), "served");

    // A nonce per page and 'strict-dynamic' (Storefront Next's way), for a new shopper on an SEO
    // URL: the beacon carries the page's nonce, and picks up the sighting the worker could make
    // only from the page's container.
    page_policy(&stack, "nonce");
    let shopper = Browser::start().expect("headless Chromium starts");
    shopper
        .goto(&format!(
            "{}/s/RefArch/slim-shirt/25518704M.html?lang=en_US",
            stack.worker_url
        ))
        .expect("the page loads");
    let state = shopper.run(BEACON_STATE).expect("the page answers");
    assert_eq!(
        state,
        json!({"injected": true, "src": null, "nonce": true, "running": true, "pending": 2}),
        "inline with the nonce; the worker's sighting and the page's own view_item held"
    );
    accept_tracking(&shopper);
    let log = stack.settled_clerk_log(3);
    assert_eq!(log.len(), 3, "sent once: {log:?}");
    assert_eq!(log[2]["params"]["product"], "25518704M");
    assert_ne!(
        log[2]["params"]["visitor"], log[0]["params"]["visitor"],
        "the second shopper's"
    );
}
