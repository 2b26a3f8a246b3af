//! A shopper's whole journey in headless Chromium behind the worker — browse, search, view, add to
//! cart, log in, buy — and exactly what reaches Clerk: with consent, each action once under one
//! visitor, linked to the email at login, and the sale with both the customer number and the
//! email; with the banner declined (strict), nothing.

use serde_json::Value;
use sfcc_clerk_e2e::{Browser, Stack, StackOptions};
use std::time::Duration;

const SITE: &str = "/on/demandware.store/Sites-RefArch-Site/en_US";

/// A same-origin form post from the page, answered synchronously (as SFRA's scripts post).
fn post(browser: &Browser, action: &str, form: &str) -> Value {
    let text = browser
        .run(&format!(
            "var x = new XMLHttpRequest(); x.open('POST', '{SITE}/{action}', false); \
             x.setRequestHeader('content-type', 'application/x-www-form-urlencoded'); \
             x.send('{form}'); return x.responseText;"
        ))
        .unwrap();
    serde_json::from_str(text.as_str().unwrap_or_default()).unwrap_or(text)
}

/// Clerk's tracking log once it holds `n` calls and a little longer has brought no more, with
/// its endpoints sorted.
fn settled_log(stack: &Stack, n: usize) -> (Vec<Value>, Vec<String>) {
    let log = stack.settled_clerk_log(n);
    let mut endpoints: Vec<String> = log
        .iter()
        .filter_map(|c| c["endpoint"].as_str().map(String::from))
        .collect();
    endpoints.sort_unstable();
    (log, endpoints)
}

/// The journey; returns the order id.
fn shop(stack: &Stack, browser: &Browser, consent: &str) -> String {
    let site = format!("{}{SITE}", stack.worker_url);
    browser
        .goto(&format!(
            "{site}/ConsentTracking-SetSession?consent={consent}"
        ))
        .unwrap();
    for page in [
        "Home-Show",
        "Search-Show?cgid=mens",
        "Search-Show?q=shirt",
        "Product-Show?pid=25518704M",
    ] {
        browser.goto(&format!("{site}/{page}")).unwrap();
    }
    assert_eq!(
        post(browser, "Cart-AddProduct", "pid=25518704M&quantity=2")["error"],
        false
    );
    assert_eq!(
        post(
            browser,
            "Account-Login",
            "loginEmail=alice.shopper%40example.com&loginPassword=Sandbox-Alice-1"
        )["success"],
        true
    );
    browser.goto(&format!("{site}/Checkout-Begin")).unwrap();
    let placed = post(browser, "CheckoutServices-PlaceOrder", "");
    let (id, token) = (
        placed["orderID"].as_str().unwrap().to_string(),
        placed["orderToken"].as_str().unwrap().to_string(),
    );
    browser
        .goto(&format!("{site}/Order-Confirm?ID={id}&token={token}"))
        .unwrap();
    // Let the confirmation page's beacon flush.
    std::thread::sleep(Duration::from_secs(2));
    id
}

#[test]
fn with_consent_each_action_reaches_clerk_once_under_one_visitor_linked_at_login() {
    let stack = Stack::start(&StackOptions::default()).expect("stack starts");
    let browser = Browser::start().expect("headless Chromium starts");
    let order = shop(&stack, &browser, "true");
    let (log, endpoints) = settled_log(&stack, 7);
    assert_eq!(
        endpoints,
        [
            "log/cart/add",
            // The cart emptied by the sale.
            "log/cart/update",
            "log/category",
            "log/email",
            "log/product",
            "log/sale",
            "search/search"
        ],
        "each action once (the search as a search call with the visitor): {log:?}"
    );
    let visitor = &log[0]["params"]["visitor"];
    assert!(
        log.iter().all(|c| &c["params"]["visitor"] == visitor),
        "one visitor throughout: {log:?}"
    );
    let by = |e: &str| log.iter().find(|c| c["endpoint"] == e).unwrap()["params"].clone();
    assert_eq!(by("log/category")["category"], "mens");
    assert_eq!(by("log/product")["product"], "25518704M");
    assert_eq!(
        by("log/cart/add")["products"],
        r#"[{"id":"25518704M","qty":2}]"#
    );
    assert_eq!(by("log/email")["email"], "alice.shopper@example.com");
    assert_eq!(
        by("log/cart/update")["products"],
        "[]",
        "the cart became the order"
    );
    let sale = by("log/sale");
    assert_eq!(sale["sale"], order.as_str());
    let lines: Value = serde_json::from_str(sale["products"].as_str().unwrap()).unwrap();
    assert_eq!(lines[0]["id"], "25518704M");
    assert_eq!(lines[0]["quantity"], 2);
    assert_eq!(lines[0]["price"], 39.5);
    // Whichever copy reached Clerk, the sale carries the shop's customer number (the page's
    // data layer) and the email (the server's reading of the confirmation page).
    assert_eq!(
        (sale["customer"].as_str(), sale["email"].as_str()),
        (Some("00000001"), Some("alice.shopper@example.com")),
        "{sale}"
    );
}

#[test]
fn with_tracking_declined_the_same_journey_sends_nothing() {
    let stack = Stack::start(&StackOptions::default()).expect("stack starts");
    let browser = Browser::start().expect("headless Chromium starts");
    shop(&stack, &browser, "false");
    std::thread::sleep(Duration::from_secs(4));
    assert_eq!(stack.clerk_log(), Vec::<Value>::new());
    // The order went through all the same.
    let orders = stack.client.get(
        &format!("{}/__sandbox/storefront/orders", stack.storefront.base_url),
        &[],
    );
    assert_eq!(orders.json.as_array().map(Vec::len), Some(1));
}

#[test]
fn in_anonymous_mode_a_declining_shopper_is_counted_without_any_persistent_identifier() {
    let stack = Stack::start(&StackOptions {
        consent_mode: Some("anonymous"),
        ..Default::default()
    })
    .expect("stack starts");
    let browser = Browser::start().expect("headless Chromium starts");
    shop(&stack, &browser, "false");
    let (log, endpoints) = settled_log(&stack, 5);
    assert_eq!(
        endpoints,
        [
            "log/cart/add",
            "log/category",
            "log/product",
            "log/sale",
            "search/search"
        ],
        "no email link without consent: {log:?}"
    );
    // Each page view stands alone at Clerk: its own id for a visitor, never a kept one.
    let visitors: Vec<&str> = log
        .iter()
        .filter_map(|c| c["params"]["visitor"].as_str())
        .collect();
    assert_eq!(visitors.len(), log.len(), "{log:?}");
    assert!(
        visitors
            .iter()
            .all(|v| v.len() == 32 && v.bytes().all(|b| b.is_ascii_alphanumeric())),
        "{log:?}"
    );
    let category = log.iter().find(|c| c["endpoint"] == "log/category");
    let product = log.iter().find(|c| c["endpoint"] == "log/product");
    assert_ne!(
        category.map(|c| &c["params"]["visitor"]),
        product.map(|c| &c["params"]["visitor"]),
        "two pages, two visitors: {log:?}"
    );
    let cookies = browser.cookies().unwrap();
    assert!(
        cookies.iter().any(|(name, _)| name == "dwsid"),
        "the browser's cookies are readable here: {cookies:?}"
    );
    assert!(
        cookies
            .iter()
            .all(|(name, _)| !name.starts_with("sfcc_clerk")),
        "no visitor id or link was set: {cookies:?}"
    );
}
