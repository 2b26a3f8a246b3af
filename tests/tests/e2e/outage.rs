//! Clerk down for a minute in the middle of a shopper's journey: every event arrives after
//! recovery, none twice, and the failed attempts are in the delivery log.

use serde_json::{json, Value};
use sfcc_clerk_e2e::{wait_for, Stack, StackOptions};
use std::time::{Duration, Instant};

const SITE: &str = "/on/demandware.store/Sites-RefArch-Site/en_US";
const BROWSER: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36";
const VISITOR: &str = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";

#[test]
fn after_a_minute_of_clerk_down_every_event_arrives_once() {
    let stack = Stack::start(&StackOptions::default()).expect("stack starts");
    let cookie = format!("dw_dnt=0; __Host-sfcc_clerk_vid={VISITOR}");
    let visit = |path: &str| {
        let reply = stack.client.get(
            &format!("{}{SITE}/{path}", stack.worker_url),
            &[("cookie", &cookie), ("user-agent", BROWSER)],
        );
        assert_eq!(
            reply.status, 200,
            "{path}: pages are served while Clerk is down"
        );
    };
    visit("Product-Show?pid=25518704M");
    // Clerk goes down for a minute.
    let down = stack.client.send(
        "POST",
        &format!("{}/__sandbox/clerk/faults", stack.sandbox.base_url),
        &[],
        &json!({"down_ms": 60_000, "status": 503}).to_string(),
    );
    assert_eq!(down.status, 200);
    let down_since = Instant::now();
    visit("Search-Show?cgid=mens");
    visit("Product-Show?pid=25565189M");
    let added = stack.client.send(
        "POST",
        &format!("{}{SITE}/Cart-AddProduct", stack.worker_url),
        &[
            ("cookie", &cookie),
            ("user-agent", BROWSER),
            ("content-type", "application/x-www-form-urlencoded"),
        ],
        "pid=25565189M&quantity=1",
    );
    assert_eq!(added.status, 200);

    let log = wait_for(
        "all four tracking calls at Clerk",
        Duration::from_secs(240),
        || {
            let log = stack.clerk_store()["log"].as_array().cloned()?;
            (log.len() >= 4).then_some(log)
        },
        || stack.wrangler_log(),
    );
    assert!(
        down_since.elapsed() >= Duration::from_secs(60),
        "the three made while Clerk was down arrived after it came back"
    );
    std::thread::sleep(Duration::from_secs(3));
    let log = stack.clerk_store()["log"]
        .as_array()
        .cloned()
        .unwrap_or(log);
    let visitor = VISITOR.replace('-', "");
    let mut got: Vec<Value> = log;
    got.sort_by_key(|v| v.to_string());
    let mut expected = vec![
        json!({"endpoint": "log/product", "params": {"product": "25518704M", "visitor": visitor}}),
        json!({"endpoint": "log/category", "params": {"category": "mens", "visitor": visitor}}),
        json!({"endpoint": "log/product", "params": {"product": "25565189M", "visitor": visitor}}),
        json!({"endpoint": "log/cart/add", "params": {"products": r#"[{"id":"25565189M","qty":1}]"#, "visitor": visitor}}),
    ];
    expected.sort_by_key(|v| v.to_string());
    assert_eq!(got, expected, "every event once");
    let deliveries = stack.admin_get("deliveries?limit=200");
    let failed = deliveries
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["kind"] == "event" && d["status"] == 503)
        .count();
    assert!(failed >= 3, "the failed attempts are logged: {failed}");
    assert_eq!(
        stack.admin_get("dead-letters").as_array().map(Vec::len),
        Some(0)
    );
}
