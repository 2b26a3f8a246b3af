//! Shopper events → worker → `events` queue → Clerk tracking, on workerd with local D1/Queues.

use serde_json::{json, Value};
use sfcc_clerk_core::event::refusals::OTHER_KINDS;
use sfcc_clerk_e2e::{wait_for, Stack, StackOptions};
use std::time::Duration;

/// The beacon endpoint on the storefront's domain.
const BEACON: &str = "/__sfcc-clerk/events";

#[test]
fn a_product_view_reaches_clerk_with_the_visitor_from_the_first_party_cookie() {
    let stack = Stack::start(&StackOptions::default()).expect("stack starts");
    // Without an answer to the consent banner (strict mode): checked, nothing kept (the page
    // keeps them), no id set.
    let reply = stack.post_events(r#"{"type":"product_view","product":"25518704M"}"#, None);
    assert_eq!(
        (reply.status, &reply.json["accepted"], &reply.json["held"]),
        (202, &json!(0), &json!(1)),
        "{:?}",
        reply.json
    );
    assert_eq!(reply.set_cookie, None);
    let reply = stack.post_events(
        r#"{"type":"product_view","product":"25518704M"}"#,
        Some("dw_dnt=0"),
    );
    assert_eq!(reply.status, 202, "{:?}", reply.json);
    assert_eq!(reply.json["accepted"], 1);
    let cookie = reply
        .set_cookie
        .expect("a new shopper gets a visitor cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("Secure") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let visitor_uuid = cookie
        .split(';')
        .next()
        .and_then(|kv| kv.split_once('='))
        .map(|(_, v)| v.to_string())
        .unwrap();

    let log = wait_for(
        "the product view at Clerk",
        Duration::from_secs(30),
        || Some(stack.clerk_log()).filter(|l| !l.is_empty()),
        || stack.wrangler_log(),
    );
    let clerk_visitor = visitor_uuid.replace('-', "");
    assert_eq!(clerk_visitor.len(), 32);
    assert_eq!(
        log,
        [
            json!({"endpoint": "log/product", "params": {"product": "25518704M", "visitor": clerk_visitor}})
        ]
    );

    // The same shopper (cookie sent back) keeps the same visitor; Clerk failing twice only delays it.
    assert_eq!(stack.clerk_fail_next(2, 503).status, 200);
    let cookie_header = format!("dw_dnt=0; __Host-sfcc_clerk_vid={visitor_uuid}");
    let reply = stack.post_events(
        r#"[{"type":"category_view","category":"mens"},{"type":"click","product":"25565189M"}]"#,
        Some(&cookie_header),
    );
    assert_eq!(reply.status, 202);
    assert_eq!(reply.set_cookie, None, "a known visitor keeps its cookie");
    let log = wait_for(
        "both events at Clerk after the injected failures",
        Duration::from_secs(60),
        || Some(stack.clerk_log()).filter(|l| l.len() >= 3),
        || format!("{:?}\n{}", stack.clerk_log(), stack.admin_get("deliveries")),
    );
    let mut later: Vec<Value> = log[1..].to_vec();
    later.sort_by_key(|c| c["endpoint"].to_string());
    assert_eq!(
        later,
        [
            json!({"endpoint": "log/category", "params": {"category": "mens", "visitor": clerk_visitor}}),
            json!({"endpoint": "log/click", "params": {"product": "25565189M", "visitor": clerk_visitor}}),
        ]
    );
    let deliveries = stack.admin_get("deliveries");
    let retried: Vec<&Value> = deliveries
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["outcome"] == "retry")
        .collect();
    assert_eq!(retried.len(), 2, "{deliveries}");
    assert!(retried
        .iter()
        .all(|d| d["status"] == 503 && d["error"].as_str().unwrap().starts_with("HTTP 503")));
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(stack.clerk_log().len(), 3, "nothing is delivered twice");

    // Events for another store go to that store's Clerk store only.
    let reply = stack.post_events_to(
        "/__sfcc-clerk/events?store=refarchglobal-de",
        r#"{"type":"product_view","product":"25565189M"}"#,
        Some(&cookie_header),
    );
    assert_eq!(reply.status, 202, "{:?}", reply.json);
    let de_log = wait_for(
        "the product view at the DE Clerk store",
        Duration::from_secs(30),
        || {
            stack.clerk_store_with_key("sandbox-public-de")["log"]
                .as_array()
                .filter(|l| !l.is_empty())
                .cloned()
        },
        || stack.wrangler_log(),
    );
    assert_eq!(
        de_log,
        [
            json!({"endpoint": "log/product", "params": {"product": "25565189M", "visitor": clerk_visitor}})
        ]
    );
    assert_eq!(stack.clerk_log().len(), 3);
}

#[test]
fn bad_payloads_get_a_400_naming_the_problem_and_nothing_is_queued() {
    let stack = Stack::start(&StackOptions::default()).expect("stack starts");
    let cases = [
        ("{", "body is not valid JSON"),
        (
            r#"{"type":"wishlist"}"#,
            "event 0: unknown type \"wishlist\"",
        ),
        (
            r#"[{"type":"product_view","product":7},"no event"]"#,
            "event 0: field `product` must be a string",
        ),
    ];
    for (body, expected) in cases {
        let reply = stack.post_events(body, None);
        assert_eq!(reply.status, 400, "{body}");
        let error = reply.json["error"].as_str().unwrap_or_default();
        assert!(error.starts_with(expected), "{body}: {error}");
    }
    // Every event refused: each is named.
    let all_refused =
        stack.post_events(r#"[{"type":"product_view","product":7},"no event"]"#, None);
    assert_eq!(
        all_refused.json["refused"],
        json!([
            {"index": 0, "error": "field `product` must be a string"},
            {"index": 1, "error": "must be a JSON object"}
        ])
    );
    let unknown = stack.post_events_to(
        "/__sfcc-clerk/events?store=nowhere",
        r#"{"type":"search","query":"q"}"#,
        None,
    );
    assert_eq!(
        (unknown.status, unknown.json["error"].as_str()),
        (400, Some("no store \"nowhere\" is configured"))
    );
    let big = format!(r#"{{"type":"search","query":"{}"}}"#, "x".repeat(70 * 1024));
    assert_eq!(stack.post_events(&big, None).status, 413);
    let post = |headers: &[(&str, &str)]| {
        stack
            .client
            .send(
                "POST",
                &format!("{}/__sfcc-clerk/events", stack.worker_url),
                headers,
                r#"{"type":"search","query":"q"}"#,
            )
            .status
    };
    assert_eq!(
        post(&[
            ("content-type", "application/json"),
            ("sec-fetch-site", "cross-site")
        ]),
        403,
        "a cross-site post"
    );
    assert_eq!(post(&[("content-type", "text/plain")]), 415, "not JSON");
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(stack.clerk_store()["log"], json!([]));
    assert_eq!(
        stack
            .client
            .get(&format!("{}/__sfcc-clerk/health", stack.worker_url), &[])
            .status,
        200
    );
}

#[test]
fn a_malformed_or_oversized_event_is_refused_on_its_own_and_its_neighbours_reach_clerk() {
    let stack = Stack::start(&StackOptions::default()).expect("stack starts");
    let consent = Some("dw_dnt=0; __Host-sfcc_clerk_vid=3f2504e0-4f89-41d3-9a0c-0305e82c3301");
    // The last names a product by an id longer than SFCC's ids (100 characters): a forged field
    // that would make what the worker keeps of the event large.
    let body = json!([{"type":"product_view","product":"25518704M"},
                   {"type":"product_view","product":7},
                   {"type":"product_view","product":"701644031206M"},
                   {"type":"product_view","product":"P".repeat(20_000)}])
    .to_string();
    let reply = stack.post_events_to(BEACON, &body, consent);
    assert_eq!(reply.status, 202, "{:?}", reply.json);
    assert_eq!(reply.json["accepted"], 2);
    assert_eq!(
        reply.json["refused"],
        json!([{"index": 1, "error": "field `product` must be a string"},
               {"index": 3, "error": "field `product` is longer than 100 characters"}])
    );
    let log = stack.settled_clerk_log(2);
    let mut products: Vec<&str> = log
        .iter()
        .filter(|c| c["endpoint"] == "log/product")
        .filter_map(|c| c["params"]["product"].as_str())
        .collect();
    products.sort_unstable();
    assert_eq!(products, ["25518704M", "701644031206M"], "{log:?}");
    assert_eq!(log.len(), 2, "{log:?}");

    // The operator sees refusals counted by kind; a page spraying 100 made-up event types
    // leaves at most 50 kinds an hour, the rest counted under one row.
    for call in 0..2 {
        let spray: Vec<Value> = (0..50)
            .map(|i| json!({"type": format!("made-up-{call}-{i}")}))
            .collect();
        let reply = stack.post_events_to(BEACON, &json!(spray).to_string(), consent);
        assert_eq!(reply.status, 400, "{:?}", reply.json);
    }
    let status = stack.admin_get("status");
    let refused = &status["stores"][0]["refused_events"];
    assert_eq!(refused["total"], 102, "{refused}");
    assert_eq!(
        refused["kinds"][0],
        json!({
            "name": "",
            "reason": OTHER_KINDS,
            "count": 52,
            "last_at_ms": refused["kinds"][0]["last_at_ms"],
        }),
        "the first two refusals' kinds and 48 sprayed ones are kept: {refused}"
    );

    // A call becomes at most 50 events (50 Clerk calls), a cart change one per product: three
    // changes of 20 products and a view make 41, the third change refused on its own.
    let cart: Vec<Value> = (0..20).map(|i| json!({"id": format!("P{i}")})).collect();
    let change = json!({"type": "add_to_cart", "products": cart});
    let body = json!([change, change, change, {"type": "product_view", "product": "25518704M"}]);
    let reply = stack.post_events_to(BEACON, &body.to_string(), consent);
    assert_eq!(reply.status, 202, "{:?}", reply.json);
    assert_eq!(reply.json["accepted"], 41, "{:?}", reply.json);
    assert_eq!(reply.json["refused"][0]["index"], 2, "{:?}", reply.json);
}

#[test]
fn a_refused_event_is_dead_lettered_with_its_reason_and_replay_delivers_it() {
    let stack = Stack::start(&StackOptions::default()).expect("stack starts");
    // Clerk refuses the next call for good (a 4xx is not retried).
    assert_eq!(stack.clerk_fail_next(1, 400).status, 200);
    post_consented_click(&stack, "25565189M");
    let dead = dead_letters_when(&stack, 1);
    assert_eq!(dead[0]["queue"], "sfcc-clerk-events");
    assert_eq!(
        dead[0]["reason"],
        "HTTP 400 rejected: InternalError: injected fault"
    );
    assert_eq!(stack.clerk_log(), Vec::<Value>::new());

    let id = dead[0]["id"].as_u64().unwrap();
    // As an operator would: `sfcc-clerk replay ID`.
    let replay = stack
        .admin_client()
        .replay(id, false)
        .expect("the replay is accepted");
    assert_eq!(replay["queue"], "sfcc-clerk-events");
    let log = wait_for(
        "the replayed click at Clerk",
        Duration::from_secs(30),
        || Some(stack.clerk_log()).filter(|l| !l.is_empty()),
        || stack.admin_get("deliveries").to_string(),
    );
    assert_eq!(log[0]["endpoint"], "log/click");
    assert_eq!(log[0]["params"]["product"], "25565189M");
    assert_eq!(
        stack
            .admin_post(&format!("dead-letters/{id}/replay"))
            .status,
        409,
        "a dead letter is replayed once"
    );

    // Clerk also answers errors with HTTP 200 and an error document: no delivery either.
    assert_eq!(
        stack
            .clerk_faults(&json!({"fail_next": 1, "status": 200, "type": "AuthenticationError"}))
            .status,
        200
    );
    post_consented_click(&stack, "25752986M");
    let dead = dead_letters_when(&stack, 2);
    let refused = dead
        .iter()
        .find(|d| d["id"].as_u64() != Some(id))
        .expect("the new dead letter");
    assert_eq!(
        refused["reason"],
        "HTTP 200 with an error: AuthenticationError: injected fault"
    );
    assert_eq!(stack.clerk_log().len(), 1, "only the replayed click");
}

#[test]
fn a_visitor_posting_too_often_gets_429_with_retry_after_and_others_are_not_held_up() {
    let stack = Stack::start(&StackOptions::default()).expect("stack starts");
    let cookie = |vid: &str| format!("dw_dnt=0; __Host-sfcc_clerk_vid={vid}");
    let flooder = cookie("0b6f1e9e-2a7c-4d4b-9c1e-5f3a2b1c0d9e");
    let body = |i: usize| format!(r#"{{"type":"product_view","product":"P{i}"}}"#);
    // The limiter counts in windows aligned to the clock (`floor(now / period)`: workerd's
    // emulation of the binding; Cloudflare documents a limit per period per location), so a
    // flood that straddles a minute boundary gets up to twice the limit before its first
    // refusal. What holds in every case: no window lets more than the limit through. Each
    // accepted post is put in the window it was sent in; the worker counts it then or later.
    let window = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() / 60)
            .unwrap_or_default()
    };
    let mut accepted = 0;
    let mut sent_in = std::collections::BTreeMap::<u64, usize>::new();
    let refused = (0..=2 * 120).find_map(|i| {
        let sent = window();
        let reply = stack.post_events_to(BEACON, &body(i), Some(&flooder));
        match reply.status {
            202 => {
                accepted += 1;
                *sent_in.entry(sent).or_default() += 1;
                None
            }
            _ => Some(reply),
        }
    });
    let refused = refused.expect("the limit is reached within two windows' worth of calls");
    assert_eq!(refused.status, 429, "{:?}", refused.json);
    assert_eq!(refused.retry_after.as_deref(), Some("60"));
    assert!(
        refused.json["error"]
            .as_str()
            .is_some_and(|e| e.contains("retry in 60 s")),
        "{:?}",
        refused.json
    );
    assert!(
        accepted >= 120 && sent_in.values().all(|n| *n <= 120),
        "the configured 120 calls a minute, and no more in any minute: {sent_in:?}"
    );
    let other = stack.post_events_to(
        BEACON,
        &body(999),
        Some(&cookie("1c7f1e9e-2a7c-4d4b-9c1e-5f3a2b1c0d9e")),
    );
    assert_eq!(other.status, 202, "another visitor is not limited");
    // What was accepted arrives; nothing of a refused call was queued.
    let views = || {
        stack
            .clerk_log()
            .iter()
            .filter(|c| c["endpoint"] == "log/product")
            .count()
    };
    wait_for(
        "the accepted views at Clerk",
        Duration::from_secs(60),
        || Some(views()).filter(|n| *n > accepted),
        || stack.wrangler_log(),
    );
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(views(), accepted + 1);
}

#[test]
fn a_queue_that_refuses_gets_the_beacon_a_503_and_keeps_a_captured_view_as_a_dead_letter() {
    // Clerk is down and the retry policy waits 5 to 10 minutes, so every event the consumer
    // takes goes back on the queue delayed. The local queue keeps a timer per delayed message
    // and refuses sends past 10,000 of them (a limit of the local runtime): a queue that cannot
    // take a call, as a real one may not.
    let stack = Stack::start(&StackOptions {
        vars: vec![
            ("RETRY_BASE_S", "600".into()),
            ("RETRY_MAX_S", "600".into()),
        ],
        ..Default::default()
    })
    .expect("stack starts");
    let down = stack.clerk_faults(&json!({"down_ms": 600_000, "status": 503}));
    assert_eq!(down.status, 200);
    let body: Vec<Value> = (0..50)
        .map(|i| json!({"type": "product_view", "product": format!("P{i}")}))
        .collect();
    let body = json!(body).to_string();
    let mut accepted = 0;
    let started = std::time::Instant::now();
    // 220 calls (11,000 events) at once, then one a second until the consumer has put enough
    // of them back delayed.
    let refused = (0..400u64).find_map(|n| {
        if n >= 220 {
            std::thread::sleep(Duration::from_millis(500));
        }
        // A shopper per call, as on a storefront (posts are limited per visitor).
        let cookie = format!("dw_dnt=0; __Host-sfcc_clerk_vid=3f2504e0-4f89-41d3-9a0c-{n:012x}");
        let reply = stack.post_events_to(BEACON, &body, Some(&cookie));
        match reply.status {
            202 => {
                accepted += reply.json["accepted"].as_u64().unwrap_or(0);
                None
            }
            _ => Some(reply),
        }
    });
    let refused = refused.unwrap_or_else(|| {
        panic!(
            "the local queue took every call for {:?}:\n{}",
            started.elapsed(),
            stack.wrangler_log()
        )
    });
    assert_eq!(refused.status, 503, "{:?}", refused.json);
    assert_eq!(
        refused.retry_after.as_deref(),
        Some("10"),
        "the beacon is told when to send again"
    );
    let error = refused.json["error"].as_str().unwrap_or_default();
    assert!(
        error.contains("could not be queued") && error.contains("send it again"),
        "{error}"
    );
    assert!(
        accepted >= 10_000,
        "every call before was queued whole: {accepted}"
    );
    // The operator's log says why.
    wait_for(
        "the refusal in the worker's log",
        Duration::from_secs(10),
        || {
            Some(()).filter(|()| {
                stack
                    .wrangler_log()
                    .contains("events queue refused a call of 50 events")
            })
        },
        || stack.wrangler_log(),
    );

    // A view the worker saw on the server has no page to send it again: it is kept as a dead
    // letter, whole, for the operator to replay once the queue takes messages again.
    let page = stack.client.get(
        &format!(
            "{}/on/demandware.store/Sites-RefArch-Site/en_US/Product-Show?pid=25518704M",
            stack.worker_url
        ),
        &[
            (
                "cookie",
                "dw_dnt=0; __Host-sfcc_clerk_vid=3f2504e0-4f89-41d3-9a0c-0305e82c3301",
            ),
            (
                "user-agent",
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
            ),
        ],
    );
    assert_eq!(
        page.status, 200,
        "the page is the shopper's whatever the queue does"
    );
    let kept = wait_for(
        "the captured view among the dead letters",
        Duration::from_secs(30),
        || {
            dead_letters_of(&stack).into_iter().find(|d| {
                d["reason"].as_str().is_some_and(|r| {
                    r.starts_with("the events queue refused this captured event: ")
                })
            })
        },
        || stack.wrangler_log(),
    );
    assert_eq!(kept["queue"], "sfcc-clerk-events");
    let message: Value =
        serde_json::from_str(kept["payload"].as_str().unwrap_or_default()).expect("JSON payload");
    assert_eq!(
        (
            &message["attempt"],
            &message["payload"]["kind"],
            &message["payload"]["source"],
            &message["payload"]["products"][0]["id"],
            &message["payload"]["visitor"],
        ),
        (
            &json!(1),
            &json!("product_view"),
            &json!("server"),
            &json!("25518704M"),
            &json!("3f2504e04f8941d39a0c0305e82c3301"),
        ),
        "{message}"
    );
}

#[test]
fn a_hanging_clerk_store_does_not_hold_up_another_stores_events_and_loses_none() {
    let timeout_ms = 6_000;
    let stack = Stack::start(&StackOptions {
        http_timeout_ms: Some(timeout_ms),
        vars: vec![("RETRY_BASE_S", "1".into()), ("RETRY_MAX_S", "2".into())],
        ..Default::default()
    })
    .expect("stack starts");
    // The US store's Clerk hangs on its next two calls, well past the worker's deadline (the US
    // store's events come first in a batch, so a consumer taking stores in turn would make the
    // German store's wait behind them).
    let us_key = "sandbox-public-us";
    let faults =
        stack.clerk_faults(&json!({"delay_next": 2, "delay_ms": 15_000, "only_key": us_key}));
    assert_eq!(faults.status, 200);
    let consent = Some("dw_dnt=0; __Host-sfcc_clerk_vid=3f2504e0-4f89-41d3-9a0c-0305e82c3301");
    let views = |prefix: &str| -> String {
        let events: Vec<Value> = (0..5)
            .map(|i| json!({"type": "product_view", "product": format!("{prefix}{i}")}))
            .collect();
        json!(events).to_string()
    };
    let posted = std::time::Instant::now();
    let us = stack.post_events_to(
        "/__sfcc-clerk/events?store=refarch-us",
        &views("US"),
        consent,
    );
    let de = stack.post_events_to(
        "/__sfcc-clerk/events?store=refarchglobal-de",
        &views("DE"),
        consent,
    );
    assert_eq!((de.status, us.status), (202, 202));
    let products = |key: &str| -> Vec<String> {
        let mut p: Vec<String> = stack.clerk_store_with_key(key)["log"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c["params"]["product"].as_str().map(String::from))
            .collect();
        p.sort();
        p.dedup();
        p
    };
    wait_for(
        "the German store's views",
        Duration::from_secs(30),
        || (products("sandbox-public-de").len() == 5).then_some(()),
        || stack.wrangler_log(),
    );
    let de_after = posted.elapsed();
    assert!(
        de_after < Duration::from_millis(timeout_ms),
        "the German views arrived after {de_after:?}, not behind the US store's {timeout_ms} ms timeout"
    );
    assert!(
        products(us_key).is_empty(),
        "the US store is still hanging meanwhile"
    );
    // Nothing lost: once its Clerk answers again, every US view arrives (at least once — a call
    // abandoned at the deadline may still have been recorded).
    wait_for(
        "the US store's views after it recovers",
        Duration::from_secs(60),
        || (products(us_key).len() == 5).then_some(()),
        || stack.wrangler_log(),
    );
    assert!(dead_letters_of(&stack).is_empty());
}

/// Waits until the dead-letter table holds `n` letters, and returns them.
/// Posts a consented shopper's click on `product` and checks it is taken (202).
fn post_consented_click(stack: &Stack, product: &str) {
    let click = json!({"type": "click", "product": product}).to_string();
    assert_eq!(stack.post_events(&click, Some("dw_dnt=0")).status, 202);
}

fn dead_letters_when(stack: &Stack, n: usize) -> Vec<Value> {
    wait_for(
        &format!("{n} dead letters"),
        Duration::from_secs(30),
        || Some(dead_letters_of(stack)).filter(|d| d.len() == n),
        || stack.admin_get("deliveries").to_string(),
    )
}

fn dead_letters_of(stack: &Stack) -> Vec<Value> {
    stack
        .admin_get("dead-letters")
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// GA4's cart pushes as a storefront's data layer makes them (Google's GA4 ecommerce guide: an
/// `add_to_cart` may carry several items, a `remove_from_cart` names what left the cart): each
/// product reaches Clerk in a call of its own, and a removal as `log/cart/remove`.
#[test]
fn ga4_cart_pushes_reach_clerk_one_call_per_product_and_removals_as_removals() {
    let stack = Stack::start(&StackOptions::default()).expect("stack starts");
    let consent = "dw_dnt=0; __Host-sfcc_clerk_vid=3f2504e0-4f89-41d3-9a0c-0305e82c3301";
    let body = json!([
        {"event": "add_to_cart", "ecommerce": {"currency": "USD", "value": 75.0,
         "items": [{"item_id": "25518704M", "price": 39.5, "quantity": 1},
                   {"item_id": "25752986M", "price": 35.5, "quantity": 2}]}},
        {"event": "remove_from_cart", "ecommerce": {"currency": "USD", "value": 39.5,
         "items": [{"item_id": "25518704M", "price": 39.5, "quantity": 1}]}}
    ]);
    let reply = stack.post_events(&body.to_string(), Some(consent));
    assert_eq!(reply.status, 202, "{:?}", reply.json);
    assert_eq!(reply.json["accepted"], 3, "{:?}", reply.json);
    let log = wait_for(
        "three cart calls at Clerk",
        Duration::from_secs(30),
        || Some(stack.clerk_log()).filter(|l| l.len() >= 3),
        || stack.wrangler_log(),
    );
    let mut calls: Vec<(String, String)> = log
        .iter()
        .map(|c| {
            (
                c["endpoint"].as_str().unwrap_or_default().to_string(),
                c["params"]["products"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            )
        })
        .collect();
    calls.sort();
    assert_eq!(
        calls,
        [
            (
                "log/cart/add".to_string(),
                r#"[{"id":"25518704M","qty":1}]"#.to_string()
            ),
            (
                "log/cart/add".to_string(),
                r#"[{"id":"25752986M","qty":2}]"#.to_string()
            ),
            (
                "log/cart/remove".to_string(),
                r#"[{"id":"25518704M","qty":1}]"#.to_string()
            ),
        ]
    );
}
