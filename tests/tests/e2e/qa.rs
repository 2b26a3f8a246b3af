//! QA mode through the worker in headless Chromium: with the QA cookie, proxied pages load the
//! validator, whose report names exactly the data-layer defects the storefront's break switch
//! introduces; a clean page has no errors; without the cookie nothing is loaded and nothing is
//! traced. With the banner unanswered, the worker's QA trace holds the page's view as held.

use serde_json::{json, Value};
use sfcc_clerk_cli::qa::turn_qa_on;
use sfcc_clerk_e2e::{Browser, Stack, StackOptions, ADMIN_TOKEN, QA_TOKEN};
use std::time::{Duration, Instant};

const PDP: &str = "/on/demandware.store/Sites-RefArch-Site/en_US/Product-Show?pid=25518704M";

/// The validator's report once it is there (`None` when the page has not loaded it in `wait`).
fn report_within(browser: &Browser, wait: Duration) -> Option<Value> {
    let deadline = Instant::now() + wait;
    while Instant::now() < deadline {
        let r = browser
            .run("var q = window.sfccClerkQa; return q && q.settled() ? JSON.stringify(q.report()) : null")
            .unwrap();
        if let Some(text) = r.as_str() {
            return serde_json::from_str(text).ok();
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    None
}

fn report(browser: &Browser) -> Option<Value> {
    report_within(browser, Duration::from_secs(10))
}

/// No validator: the module would have run well within this after the page loaded.
fn no_report(browser: &Browser) -> bool {
    report_within(browser, Duration::from_secs(2)).is_none()
}

fn errors(report: &Value) -> Vec<(String, String)> {
    report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["severity"] == "error")
        .map(|f| {
            (
                f["code"].as_str().unwrap_or_default().to_string(),
                f["field"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// The page id the worker's beacon carries on the current page.
fn page_id(browser: &Browser) -> String {
    browser
        .run("return window.sfccClerkBeacon.page")
        .unwrap()
        .as_str()
        .unwrap()
        .to_string()
}

/// What the worker's QA trace holds for a page (asked with the admin token).
fn trace(stack: &Stack, page: &str) -> Value {
    let reply = stack.client.get(
        &format!("{}/__sfcc-clerk/qa/events?page={page}", stack.worker_url),
        &[("authorization", &format!("Bearer {ADMIN_TOKEN}"))],
    );
    assert_eq!(reply.status, 200, "{:?}", reply.json);
    assert_eq!(reply.json["page"], page);
    reply.json
}

fn faults(stack: &Stack, method: &str, body: &Value) {
    let reply = stack.client.send(
        method,
        &format!("{}/__sandbox/storefront/faults", stack.storefront.base_url),
        &[("content-type", "application/json")],
        &body.to_string(),
    );
    assert_eq!(reply.status, 200, "{:?}", reply.json);
}

#[test]
fn the_qa_cookie_loads_the_validator_which_names_the_broken_data_layer() {
    let stack = Stack::start(&StackOptions::default()).expect("stack starts");
    let browser = Browser::start().expect("headless Chromium starts");
    let pdp = format!("{}{PDP}", stack.worker_url);

    // Without QA mode nothing is loaded, and nothing of the page is traced.
    browser.goto(&pdp).unwrap();
    assert!(no_report(&browser));
    assert_eq!(trace(&stack, &page_id(&browser))["events"], json!([]));
    let anyone = stack.client.get(
        &format!("{}/__sfcc-clerk/qa/events?page=abc", stack.worker_url),
        &[],
    );
    assert_eq!(
        anyone.status, 401,
        "QA answers need QA mode: {:?}",
        anyone.json
    );
    // A wrong token does not turn it on; nor does the right one in a URL, where browser
    // history and proxy logs would keep it.
    let wrong = turn_qa_on(&browser, &stack.worker_url, "wrong").unwrap_err();
    assert!(wrong.contains("missing or wrong token"), "{wrong}");
    browser
        .goto(&format!(
            "{}/__sfcc-clerk/qa/on?token={ADMIN_TOKEN}",
            stack.worker_url
        ))
        .unwrap();
    let refused = browser
        .run("var n = document.getElementById('qa-notice'); return n && n.textContent;")
        .unwrap();
    assert!(
        refused
            .as_str()
            .is_some_and(|t| t.contains("never goes in a URL")),
        "{refused}"
    );
    browser.goto(&pdp).unwrap();
    assert!(no_report(&browser));

    // The form, with the QA engineers' own token.
    turn_qa_on(&browser, &stack.worker_url, QA_TOKEN).unwrap();
    browser.goto(&pdp).unwrap();
    let clean = report(&browser).expect("the validator runs in QA mode");
    assert_eq!(clean["page"], "pdp");
    assert_eq!(errors(&clean), Vec::<(String, String)>::new(), "{clean}");
    // The banner is unanswered: the worker handed its sighting of the view to the page to hold,
    // and the validator expects nothing at Clerk.
    let page = page_id(&browser);
    let held = stack.wait_for_value("the held record", Duration::from_secs(10), || {
        let t = trace(&stack, &page);
        (t["events"][0]["state"] == "held").then_some(t)
    });
    assert_eq!(
        held["events"][0]["event_id"],
        format!("{page}-product_view-25518704M")
    );
    // The validator looked at once (nothing is on its way): the record may not be there yet.
    let state = clean["forwarding"][0]["state"].as_str().unwrap_or_default();
    assert!(["held", "withheld"].contains(&state), "{clean}");
    let withheld = clean["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "consent_withheld")
        .expect("an info on the withheld push");
    assert_eq!(withheld["severity"], "info");
    let overlay = browser
        .run("var h = document.getElementById('sfcc-clerk-qa'); return !!(h && h.shadowRoot);")
        .unwrap();
    assert_eq!(
        overlay,
        Value::Bool(true),
        "the overlay lives in a shadow root"
    );

    // The break switch: the currency goes missing, and the price becomes a string.
    faults(&stack, "POST", &json!({"missing_currency": true}));
    browser.goto(&pdp).unwrap();
    let broken = report(&browser).unwrap();
    let found = errors(&broken);
    assert!(
        !found.is_empty() && found.iter().all(|(_, field)| field.contains("currency")),
        "only the currency is named: {found:?}"
    );
    faults(&stack, "DELETE", &json!({}));
    faults(&stack, "POST", &json!({"price_as_string": true}));
    browser.goto(&pdp).unwrap();
    let found = errors(&report(&browser).unwrap());
    assert!(
        found
            .iter()
            .any(|(code, field)| code == "wrong_type" && field.contains("price")),
        "{found:?}"
    );

    let bad = stack.client.get(
        &format!("{}/__sfcc-clerk/qa/events?page=%3Cx%3E", stack.worker_url),
        &[("authorization", &format!("Bearer {ADMIN_TOKEN}"))],
    );
    assert_eq!(bad.status, 400, "{:?}", bad.json);

    // QA off: back to the plain page.
    browser
        .goto(&format!("{}/__sfcc-clerk/qa/off", stack.worker_url))
        .unwrap();
    browser.goto(&pdp).unwrap();
    assert!(no_report(&browser));
    // The bookmarklet loads the same validator into the page at hand.
    browser
        .run("import('/__sfcc-clerk/qa/sfcc_clerk_validator.js').then(m => m.default().then(() => m.start())); return null;")
        .unwrap();
    let via_bookmarklet = report(&browser).expect("the bookmarklet starts the validator");
    assert_eq!(via_bookmarklet["page"], "pdp");
}
