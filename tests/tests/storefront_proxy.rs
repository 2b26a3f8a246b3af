//! The worker in front of the sandbox storefront: pages pass through, shopper actions recognized
//! from the traffic reach Clerk's tracking endpoints as consent allows, bots are not tracked.

use serde_json::{json, Value};
use sfcc_clerk_e2e::{wait_for, Stack, StackOptions};
use std::time::Duration;

const SITE: &str = "/on/demandware.store/Sites-RefArch-Site/en_US";
const BROWSER: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36";
const VISITOR: &str = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";

fn clerk_log(stack: &Stack) -> Vec<Value> {
    stack.clerk_store()["log"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn get(stack: &Stack, path: &str, cookie: &str, ua: &str) -> sfcc_clerk_e2e::Reply {
    stack.client.get(
        &format!("{}{SITE}/{path}", stack.worker_url),
        &[("cookie", cookie), ("user-agent", ua)],
    )
}

/// Waits until Clerk's log holds `n` calls and returns them sorted.
fn logged(stack: &Stack, n: usize) -> Vec<Value> {
    let mut log = wait_for(
        &format!("{n} tracking calls at Clerk"),
        Duration::from_secs(30),
        || Some(clerk_log(stack)).filter(|l| l.len() >= n),
        || stack.wrangler_log(),
    );
    log.sort_by_key(|v| v.to_string());
    log
}

#[test]
fn with_consent_the_proxy_passes_pages_through_and_tracks_views_searches_and_carts() {
    let stack = Stack::start(&StackOptions::default()).expect("stack starts");
    let granted = format!("dw_dnt=0; sfcc_clerk_vid={VISITOR}");
    let clerk_visitor = VISITOR.replace('-', "");

    // The page is the storefront's, unchanged.
    let direct = stack.client.get(
        &format!(
            "{}{SITE}/Product-Show?pid=25518704M",
            stack.storefront.base_url
        ),
        &[("user-agent", BROWSER), ("cookie", &granted)],
    );
    let proxied = get(&stack, "Product-Show?pid=25518704M", &granted, BROWSER);
    assert_eq!(proxied.status, 200);
    // The page is the origin's, with the beacon as the first element of <head>.
    let page = proxied.json.as_str().unwrap_or_default();
    let start = page
        .find("<head><script data-sfcc-clerk-beacon>")
        .map(|i| i + "<head>".len())
        .expect("the beacon opens <head>");
    let end = start + page[start..].find("</script>").unwrap() + "</script>".len();
    let without_beacon = format!("{}{}", &page[..start], &page[end..]);
    assert_eq!(
        Value::String(without_beacon),
        direct.json,
        "otherwise the page passes through unchanged"
    );
    assert!(
        proxied.set_cookies.iter().any(|c| c.starts_with("dwsid=")),
        "the origin's cookies pass through: {:?}",
        proxied.set_cookies
    );
    assert!(
        !proxied
            .set_cookies
            .iter()
            .any(|c| c.starts_with("sfcc_clerk_vid=")),
        "a known visitor keeps its id"
    );
    assert_eq!(
        get(
            &stack,
            "Search-Show?cgid=mens-clothing-shirts",
            &granted,
            BROWSER
        )
        .status,
        200
    );
    assert_eq!(
        get(&stack, "Search-Show?q=shirt", &granted, BROWSER).status,
        200
    );
    let added = stack.client.send(
        "POST",
        &format!("{}{SITE}/Cart-AddProduct", stack.worker_url),
        &[
            ("cookie", &granted),
            ("user-agent", BROWSER),
            ("content-type", "application/x-www-form-urlencoded"),
        ],
        "pid=25518704M&quantity=2",
    );
    assert_eq!(added.status, 200, "{:?}", added.json);
    assert_eq!(
        added.json["error"], false,
        "the form reached the origin: {:?}",
        added.json
    );
    // Static files and bots pass through, untracked.
    let css = stack.client.get(
        &format!(
            "{}/on/demandware.static/Sites-RefArch-Site/-/default/v1/css/global.css",
            stack.worker_url
        ),
        &[("user-agent", BROWSER)],
    );
    assert_eq!(css.status, 200);
    assert_eq!(
        get(
            &stack,
            "Product-Show?pid=25519318M",
            &granted,
            "Mozilla/5.0 (compatible; Googlebot/2.1)"
        )
        .status,
        200
    );
    // Without an answer to the banner (strict mode), nothing is forwarded and no id is set.
    let unanswered = get(&stack, "Product-Show?pid=25565189M", "", BROWSER);
    assert_eq!(unanswered.status, 200);
    assert!(!unanswered
        .set_cookies
        .iter()
        .any(|c| c.starts_with("sfcc_clerk_vid=")));
    // Declined: nothing either.
    assert_eq!(
        get(&stack, "Product-Show?pid=25565189M", "dw_dnt=1", BROWSER).status,
        200
    );
    // A new shopper who consented gets a visitor id.
    let new = get(&stack, "Home-Show", "dw_dnt=0", BROWSER);
    let cookie = new
        .set_cookies
        .iter()
        .find(|c| c.starts_with("sfcc_clerk_vid="))
        .expect("a visitor cookie for a consenting new shopper");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("Secure") && cookie.contains("SameSite=Lax")
    );

    let log = logged(&stack, 3);
    let mut expected = vec![
        json!({"endpoint": "log/product", "params": {"product": "25518704M", "visitor": clerk_visitor}}),
        json!({"endpoint": "log/category", "params": {"category": "mens-clothing-shirts", "visitor": clerk_visitor}}),
        json!({"endpoint": "log/cart/add", "params": {"products": r#"[{"id":"25518704M","qty":2}]"#, "visitor": clerk_visitor}}),
    ];
    expected.sort_by_key(|v| v.to_string());
    assert_eq!(log, expected, "exactly the consented shopper's actions");
    // The origin saw every request, the static file and the bot's included.
    let seen = stack.client.get(
        &format!(
            "{}/__sandbox/storefront/requests",
            stack.storefront.base_url
        ),
        &[],
    );
    let paths: Vec<&str> = seen
        .json
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["path"].as_str())
        .collect();
    assert!(paths.iter().any(|p| p.ends_with("global.css")), "{paths:?}");
    assert!(
        paths.iter().any(|p| p.contains("pid=25519318M")),
        "{paths:?}"
    );
}

#[test]
fn in_anonymous_mode_a_declining_shopper_is_tracked_without_a_persistent_id() {
    let stack = Stack::start(&StackOptions {
        consent_mode: Some("anonymous"),
        ..Default::default()
    })
    .expect("stack starts");
    let declined = get(
        &stack,
        "Product-Show?pid=25518704M",
        &format!("dw_dnt=1; sfcc_clerk_vid={VISITOR}"),
        BROWSER,
    );
    assert_eq!(declined.status, 200);
    assert!(!declined
        .set_cookies
        .iter()
        .any(|c| c.starts_with("sfcc_clerk_vid=")));
    let log = logged(&stack, 1);
    assert_eq!(
        log,
        [json!({"endpoint": "log/product", "params": {"product": "25518704M", "visitor": "auto"}})],
        "forwarded, but with Clerk's cookieless visitor instead of the shopper's id"
    );
}
