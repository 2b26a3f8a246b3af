//! The injected beacon in a real browser (headless Chromium) behind the worker: it holds what
//! happens before the shopper answers the consent banner, releases it on consent, and an action
//! the worker saw in the traffic and the page reported too reaches Clerk once.

use serde_json::Value;
use sfcc_clerk_e2e::{wait_for, Browser, Stack, StackOptions};
use std::time::Duration;

const SITE: &str = "/on/demandware.store/Sites-RefArch-Site/en_US";

/// Waits for `n` calls at Clerk, then a little longer to see that no more come.
fn exactly(stack: &Stack, n: usize) -> Vec<Value> {
    wait_for(
        &format!("{n} tracking calls at Clerk"),
        Duration::from_secs(30),
        || Some(stack.clerk_log()).filter(|l| l.len() >= n),
        || stack.wrangler_log(),
    );
    std::thread::sleep(Duration::from_secs(3));
    stack.clerk_log()
}

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
    let status = browser
        .run(&format!(
            "var x = new XMLHttpRequest(); x.open('GET', '{SITE}/ConsentTracking-SetSession?consent=true', false); x.send(); return x.status;"
        ))
        .unwrap();
    assert_eq!(status, 200);
    // Held twice (the worker's sighting in the page's request, the page's own view_item), sent once.
    let log = exactly(&stack, 1);
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
    let log = exactly(&stack, 2);
    assert_eq!(log.len(), 2, "{log:?}");
    assert_eq!(log[1]["endpoint"], "log/category");
    assert_eq!(log[1]["params"]["category"], "mens");
    assert_eq!(
        log[1]["params"]["visitor"],
        visitor.as_str(),
        "the same shopper"
    );
}
