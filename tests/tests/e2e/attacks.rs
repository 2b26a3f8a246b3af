//! What a shop's visitors can forge, tried through the worker in workerd as an attacker would:
//! each test makes the attack and asserts it fails. `docs/security.md` lists what is defended and
//! which test here shows it.

use serde_json::{json, Value};
use sfcc_clerk_e2e::{wait_for, Stack, StackOptions, BROWSER, US_SITE};
use std::time::Duration;

/// A consenting shopper, as SFRA's banner leaves it.
const CONSENT: &str = "dw_dnt=0";

/// The shop's client IP header, as named in Business Manager (Customer CDN Settings).
const CLIENT_IP_HEADER: &str = "x-sfcc-client-ip";

fn stack() -> Stack {
    Stack::start(&StackOptions {
        vars: vec![("CLIENT_IP_HEADER", CLIENT_IP_HEADER.into())],
        ..Default::default()
    })
    .expect("stack starts")
}

/// Clerk's sales, by order number.
fn sales(stack: &Stack) -> Vec<Value> {
    stack
        .clerk_log()
        .into_iter()
        .filter(|c| c["endpoint"] == "log/sale")
        .map(|c| c["params"].clone())
        .collect()
}

/// The order number after `n` (the storefront numbers its orders one after another).
fn next(n: &str, by: u64) -> String {
    format!(
        "{:08}",
        n.parse::<u64>().expect("a numeric order number") + by
    )
}

fn purchase(order: &str, page: Option<&str>) -> Value {
    let mut p = json!({"type": "purchase", "order_id": order,
        "products": [{"id": "25518704M", "price": 0.01, "quantity": 99}]});
    if let Some(page) = page {
        p["page_id"] = json!(page);
    }
    p
}

#[test]
fn posted_sales_and_logins_claim_nothing_and_real_orders_still_reach_clerk() {
    let stack = stack();
    let first = stack.place_order(CONSENT, "25518704M", 2, "ann@example.com");
    // The attacker claims the next five order numbers, each from a page id of its own making,
    // at a price of its choosing; and one without any page.
    let forged: Vec<Value> = (1..=5)
        .map(|i| purchase(&next(&first.order, i), Some(&format!("forged{i}"))))
        .collect();
    let reply = stack.post_events(&json!(forged).to_string(), Some(CONSENT));
    assert_eq!(reply.status, 202, "{:?}", reply.json);
    let pageless = stack.post_events(
        &purchase(&next(&first.order, 1), None).to_string(),
        Some(CONSENT),
    );
    assert_eq!(pageless.status, 400, "{:?}", pageless.json);
    assert!(
        pageless.json["error"]
            .as_str()
            .is_some_and(|e| e.contains("`page_id`")),
        "{:?}",
        pageless.json
    );
    // A posted login links no visitor to anyone.
    let login = stack.post_events(
        &json!({"type": "login", "email": "victim@example.com", "page_id": "pg1"}).to_string(),
        Some(CONSENT),
    );
    assert_eq!(login.status, 400, "{:?}", login.json);
    assert!(
        login.json["error"]
            .as_str()
            .is_some_and(|e| e.contains("sign-in the worker saw succeed")),
        "{:?}",
        login.json
    );

    // The next real order gets the number the attacker claimed.
    let second = stack.place_order(CONSENT, "25518704M", 1, "bob@example.com");
    assert_eq!(second.order, next(&first.order, 1));
    wait_for(
        "both real orders at Clerk",
        Duration::from_secs(30),
        || (sales(&stack).len() >= 2).then_some(()),
        || stack.wrangler_log(),
    );
    // The forged copies come round after a page's delay, and are refused then.
    std::thread::sleep(Duration::from_secs(15));
    let sold = sales(&stack);
    let orders: Vec<&str> = sold.iter().filter_map(|s| s["sale"].as_str()).collect();
    assert_eq!(
        orders,
        [first.order.as_str(), second.order.as_str()],
        "{sold:?}"
    );
    let lines: Value = serde_json::from_str(sold[1]["products"].as_str().unwrap()).unwrap();
    assert_eq!(
        lines,
        json!([{"id": "25518704M", "price": 39.5, "quantity": 1}]),
        "the real order's lines, not the forged ones"
    );
    assert!(
        stack
            .clerk_log()
            .iter()
            .all(|c| c["endpoint"] != "log/email" || c["params"]["email"] != "victim@example.com"),
        "no visitor linked to the victim"
    );
    // The refused copies are counted for the operator.
    let status = stack.admin_get("status").to_string();
    assert!(
        status.contains("no confirmation page of this order was served"),
        "{status}"
    );
}

#[test]
fn a_page_shown_before_consent_reports_its_own_sale_and_no_other() {
    let stack = stack();
    // Shown before the shopper answered the banner: the page holds its purchase push, and the
    // worker only records which order it served that page for.
    let shown = stack.place_order("", "25518704M", 3, "chloe@example.com");
    std::thread::sleep(Duration::from_secs(2));
    // The shopper accepts; the beacon sends what the page held, with its page id. An attacker
    // reports the next order from the same page id, and the same order from a page of its own.
    let held = json!([
        {"type": "purchase", "order_id": shown.order, "page_id": shown.page_id,
         "products": [{"id": "25518704M", "price": 39.5, "quantity": 3}]},
        purchase(&next(&shown.order, 1), Some(&shown.page_id)),
    ]);
    let reply = stack.post_events(&held.to_string(), Some(CONSENT));
    assert_eq!(reply.status, 202, "{:?}", reply.json);
    let elsewhere = purchase(&shown.order, Some("attackerpage"));
    let reply = stack.post_events(&elsewhere.to_string(), Some(CONSENT));
    assert_eq!(reply.status, 202, "{:?}", reply.json);
    let sold = wait_for(
        "the held sale at Clerk",
        Duration::from_secs(40),
        || Some(sales(&stack)).filter(|s| !s.is_empty()),
        || stack.wrangler_log(),
    );
    std::thread::sleep(Duration::from_secs(5));
    let sold_now = sales(&stack);
    assert_eq!(sold_now.len(), 1, "{sold_now:?}");
    assert_eq!(sold[0]["sale"], shown.order.as_str());
    let lines: Value = serde_json::from_str(sold[0]["products"].as_str().unwrap()).unwrap();
    assert_eq!(
        lines,
        json!([{"id": "25518704M", "price": 39.5, "quantity": 3}])
    );
}

/// The storefront's record of the requests it received whose path contains `part`.
fn received(stack: &Stack, part: &str) -> Vec<Value> {
    let seen = stack.client.get(
        &format!(
            "{}/__sandbox/storefront/requests",
            stack.storefront.base_url
        ),
        &[],
    );
    seen.json
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["path"].as_str().is_some_and(|p| p.contains(part)))
        .cloned()
        .collect()
}

#[test]
fn client_claims_about_itself_never_reach_the_origin_and_changed_pages_stay_private() {
    let stack = stack();
    let page = stack.client.get(
        &format!("{}{US_SITE}/Product-Show?pid=25518704M", stack.worker_url),
        &[
            ("user-agent", BROWSER),
            ("cookie", CONSENT),
            ("x-forwarded-for", "6.6.6.6"),
            ("x-forwarded-host", "evil.example"),
            ("forwarded", "for=6.6.6.6"),
            ("true-client-ip", "6.6.6.6"),
            ("x-real-ip", "6.6.6.6"),
            (CLIENT_IP_HEADER, "6.6.6.6"),
        ],
    );
    assert_eq!(page.status, 200);
    let seen = received(&stack, "Product-Show");
    let headers = &seen.last().expect("the page reached the storefront")["headers"];
    for claim in [
        "x-forwarded-host",
        "forwarded",
        "true-client-ip",
        "x-real-ip",
    ] {
        assert!(headers.get(claim).is_none(), "{claim} passed: {headers}");
    }
    assert!(
        headers["x-forwarded-for"]
            .as_str()
            .is_none_or(|v| !v.contains("6.6.6.6")),
        "{headers}"
    );
    let client_ip = headers[CLIENT_IP_HEADER].as_str().unwrap_or_default();
    assert!(
        !client_ip.is_empty() && !client_ip.contains("6.6.6.6"),
        "the worker's reading of the client, in the shop's header: {headers}"
    );
    // The page carries a page id of its own and a visitor cookie: no shared cache keeps it.
    assert_eq!(page.header("cache-control"), Some("private, no-cache"));
    assert!(
        page.header("vary")
            .is_some_and(|v| v.to_ascii_lowercase().contains("cookie")),
        "{:?}",
        page.headers
    );
    assert_eq!(page.header("etag"), None);

    // Einstein activities are read only under the configured proxy path, and only once
    // Einstein took them.
    let einstein = |path: &str, client_id: &str| {
        stack.client.send(
            "POST",
            &format!("{}{path}", stack.worker_url),
            &[
                ("cookie", CONSENT),
                ("user-agent", BROWSER),
                ("content-type", "application/json"),
                ("x-cq-client-id", client_id),
            ],
            r#"{"product": {"id": "25518704M"}}"#,
        )
    };
    einstein(
        &format!("{US_SITE}/v3/activities/RefArch/viewProduct"),
        "sandbox-einstein",
    );
    let refused = einstein(
        "/mobify/proxy/einstein/v3/activities/RefArch/viewProduct",
        "",
    );
    assert_eq!(
        refused.status, 400,
        "Einstein refuses a call without its client id"
    );
    let taken = einstein(
        "/mobify/proxy/einstein/v3/activities/RefArch/viewSearch",
        "sandbox-einstein",
    );
    assert_eq!(taken.status, 200);
    // Only the first page's view and nothing of the two activities that did not count.
    let log = stack.settled_clerk_log(1);
    let views = log
        .iter()
        .filter(|c| c["endpoint"] == "log/product")
        .count();
    assert_eq!(views, 1, "{log:?}");
}

#[test]
fn a_fresh_visitor_cookie_per_post_is_no_fresh_allowance() {
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
    let stack = stack();
    // Posts from one address, each with a visitor cookie of its own, from a few threads at once
    // so the address's 600 a minute is reached within the limiter's minute on a loaded machine.
    // Up to 2,000: posts slow enough to straddle the limiter's window boundary still bring one
    // window past 600.
    let (accepted, stop) = (AtomicU64::new(0), AtomicBool::new(false));
    let refused = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..4u64)
            .map(|t| {
                let (stack, accepted, stop) = (&stack, &accepted, &stop);
                scope.spawn(move || {
                    for n in 0..500u64 {
                        if stop.load(Ordering::SeqCst) {
                            return None;
                        }
                        let id = t * 1000 + n;
                        let cookie = format!(
                            "{CONSENT}; __Host-sfcc_clerk_vid=3f2504e0-4f89-41d3-9a0c-{id:012x}"
                        );
                        let body = json!({"type": "product_view", "product": format!("P{id}")});
                        let reply = stack.post_events(&body.to_string(), Some(&cookie));
                        if reply.status == 202 {
                            accepted.fetch_add(1, Ordering::SeqCst);
                        } else {
                            stop.store(true, Ordering::SeqCst);
                            return Some(reply);
                        }
                    }
                    None
                })
            })
            .collect();
        workers
            .into_iter()
            .filter_map(|w| w.join().ok().flatten())
            .next()
    });
    let refused = refused.expect("the address's limit is reached within 2,000 calls");
    assert_eq!(refused.status, 429, "{:?}", refused.json);
    assert!(
        refused.json["error"]
            .as_str()
            .is_some_and(|e| e.contains("from this address")),
        "{:?}",
        refused.json
    );
    let accepted = accepted.load(Ordering::SeqCst);
    // At most the address's 600 in one window; a run that straddles the window boundary
    // counts in two.
    assert!(
        (121..=1200).contains(&accepted),
        "more than one visitor's 120, at most the address's 600 a window: {accepted}"
    );
}

#[test]
fn sign_ins_from_one_address_are_limited_the_right_token_included() {
    let stack = stack();
    let form = [
        ("content-type", "application/x-www-form-urlencoded"),
        ("accept", "application/json"),
    ];
    let qa_on = format!("{}/__sfcc-clerk/qa/on", stack.worker_url);
    // Guesses at QA mode's token, from one address, until the limiter (ten a minute, counted
    // per clock-aligned minute) refuses one: by the 21st at the latest.
    let mut refused = None;
    for n in 0..25 {
        let reply = stack
            .client
            .send("POST", &qa_on, &form, &format!("token=guess-{n}"));
        match reply.status {
            401 => continue,
            429 => {
                refused = Some((n, reply));
                break;
            }
            other => panic!("guess {n}: {other} {}", reply.json),
        }
    }
    let (n, reply) = refused.expect("the address's guesses are limited");
    assert!((10..=20).contains(&n), "refused at guess {n}");
    assert_eq!(reply.retry_after.as_deref(), Some("60"));
    // Within the limit's minute, the right token is not even compared; nor is the admin token
    // on the status page's sign-in, the same address's bucket.
    let right = stack.client.send(
        "POST",
        &qa_on,
        &form,
        &format!("token={}", sfcc_clerk_e2e::QA_TOKEN),
    );
    assert_eq!(right.status, 429, "{}", right.json);
    assert!(right.set_cookie.is_none(), "no QA cookie");
    let origin = stack.worker_url.clone();
    let status = stack.client.send(
        "POST",
        &format!("{}/__sfcc-clerk/status/login", stack.worker_url),
        &[
            ("content-type", "application/x-www-form-urlencoded"),
            ("origin", origin.as_str()),
            ("sec-fetch-site", "same-origin"),
        ],
        &format!("token={}", sfcc_clerk_e2e::ADMIN_TOKEN),
    );
    assert_eq!(status.status, 429);
    assert!(status.set_cookie.is_none(), "no status session");
}
