//! The worker in front of the sandbox storefront: pages pass through, shopper actions recognized
//! from the traffic reach Clerk's tracking endpoints as consent allows, bots are not tracked.

use serde_json::{json, Value};
use sfcc_clerk_e2e::{wait_for, Stack, StackOptions, ADMIN_TOKEN, DECLINED};
use std::io::Read;
use std::time::Duration;

const SITE: &str = "/on/demandware.store/Sites-RefArch-Site/en_US";
const BROWSER: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36";
const VISITOR: &str = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";

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
        || Some(stack.clerk_log()).filter(|l| l.len() >= n),
        || stack.wrangler_log(),
    );
    log.sort_by_key(|v| v.to_string());
    log
}

#[test]
fn with_consent_the_proxy_passes_pages_through_and_tracks_views_searches_and_carts() {
    let stack = Stack::start(&StackOptions::default()).expect("stack starts");
    let granted = format!("dw_dnt=0; __Host-sfcc_clerk_vid={VISITOR}");
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
            .any(|c| c.starts_with("__Host-sfcc_clerk_vid=")),
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
        .any(|c| c.starts_with("__Host-sfcc_clerk_vid=")));
    // Declined: nothing either.
    assert_eq!(
        get(&stack, "Product-Show?pid=25565189M", DECLINED, BROWSER).status,
        200
    );
    // A new shopper who consented gets a visitor id.
    let new = get(&stack, "Home-Show", "dw_dnt=0", BROWSER);
    let cookie = new
        .set_cookies
        .iter()
        .find(|c| c.starts_with("__Host-sfcc_clerk_vid="))
        .expect("a visitor cookie for a consenting new shopper");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("Secure") && cookie.contains("SameSite=Lax")
    );

    let log = logged(&stack, 4);
    let mut expected = vec![
        json!({"endpoint": "log/product", "params": {"product": "25518704M", "visitor": clerk_visitor}}),
        json!({"endpoint": "log/category", "params": {"category": "mens-clothing-shirts", "visitor": clerk_visitor}}),
        // Clerk records a search from a search call with the visitor and a label.
        json!({"endpoint": "search/search", "params": {"query": "shirt", "limit": "1", "labels": r#"["SFCC search"]"#, "visitor": clerk_visitor}}),
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
        &format!("{DECLINED}; __Host-sfcc_clerk_vid={VISITOR}"),
        BROWSER,
    );
    assert_eq!(declined.status, 200);
    assert!(!declined
        .set_cookies
        .iter()
        .any(|c| c.starts_with("__Host-sfcc_clerk_vid=")));
    // The page's own id (its beacon's), never kept past the page, stands for the visitor.
    let page = declined.json.as_str().unwrap_or_default();
    let page_id = page
        .split(r#""page":""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the beacon's page id");
    let log = logged(&stack, 1);
    assert_eq!(
        log,
        [
            json!({"endpoint": "log/product", "params": {"product": "25518704M", "visitor": page_id}})
        ],
        "forwarded, with the page view's id instead of the shopper's"
    );
    // The next page is another visitor: nothing links the two.
    get(
        &stack,
        "Product-Show?pid=25519318M",
        &format!("{DECLINED}; __Host-sfcc_clerk_vid={VISITOR}"),
        BROWSER,
    );
    let log = logged(&stack, 2);
    let visitors: Vec<&str> = log
        .iter()
        .filter_map(|c| c["params"]["visitor"].as_str())
        .collect();
    assert!(
        visitors.len() == 2 && visitors[0] != visitors[1] && !visitors.contains(&"auto"),
        "{log:?}"
    );
    assert!(visitors
        .iter()
        .all(|v| v.len() == 32 && v.bytes().all(|b| b.is_ascii_hexdigit())));
}

/// The visitor id a response sets, if it sets one.
fn visitor_set(reply: &sfcc_clerk_e2e::Reply) -> Option<String> {
    reply.set_cookies.iter().find_map(|c| {
        let value = c
            .strip_prefix("__Host-sfcc_clerk_vid=")?
            .split(';')
            .next()?;
        (!value.is_empty()).then(|| value.to_string())
    })
}

fn cookie_value(reply: &sfcc_clerk_e2e::Reply, name: &str) -> Option<String> {
    reply.set_cookies.iter().find_map(|c| {
        c.strip_prefix(&format!("{name}="))?
            .split(';')
            .next()
            .map(String::from)
    })
}

#[test]
fn a_login_links_the_visitor_once_another_customer_gets_a_fresh_one_and_logout_ends_it() {
    let stack = Stack::start(&StackOptions::default()).expect("stack starts");
    let login = |cookie: &str, email: &str, password: &str| {
        stack.client.send(
            "POST",
            &format!("{}{SITE}/Account-Login", stack.worker_url),
            &[
                ("cookie", cookie),
                ("user-agent", BROWSER),
                ("content-type", "application/x-www-form-urlencoded"),
            ],
            &format!("loginEmail={email}&loginPassword={password}"),
        )
    };
    let ann_visitor = VISITOR.replace('-', "");
    let alice = login(
        &format!("dw_dnt=0; __Host-sfcc_clerk_vid={VISITOR}"),
        "alice.shopper%40example.com",
        "Sandbox-Alice-1",
    );
    assert_eq!(alice.json["success"], true, "{:?}", alice.json);
    assert_eq!(visitor_set(&alice), None, "the same shopper keeps the id");
    let link = cookie_value(&alice, "__Host-sfcc_clerk_link").expect("the link is remembered");
    assert!(!link.contains('@'), "the cookie never holds the email");
    // A wrong password is no login.
    assert_ne!(
        login(
            &format!("dw_dnt=0; __Host-sfcc_clerk_vid={VISITOR}"),
            "alice.shopper%40example.com",
            "wrong"
        )
        .json["success"],
        true
    );
    // Another customer on the same browser: a fresh visitor, so their profiles stay apart.
    let chloe = login(
        &format!("dw_dnt=0; __Host-sfcc_clerk_vid={VISITOR}; __Host-sfcc_clerk_link={link}"),
        "chloe.client%40example.com",
        "Sandbox-Chloe-3",
    );
    let chloe_visitor = visitor_set(&chloe).expect("a fresh visitor for another customer");
    assert_ne!(chloe_visitor, VISITOR);
    // Without consent a login sends nothing and sets nothing.
    let silent = login("", "bruno.kunde%40example.de", "Sandbox-Bruno-2");
    assert_eq!(silent.json["success"], true);
    assert!(silent
        .set_cookies
        .iter()
        .all(|c| !c.starts_with("sfcc_clerk")));
    // Logout ends the visitor: both cookies cleared, a consenting shopper gets a fresh id.
    let cookie = format!("dw_dnt=0; __Host-sfcc_clerk_vid={chloe_visitor}");
    let logout = sfcc_clerk_e2e::Client::without_redirects().get(
        &format!("{}{SITE}/Login-Logout", stack.worker_url),
        &[("cookie", &cookie), ("user-agent", BROWSER)],
    );
    assert_eq!(logout.status, 302, "the redirect passes through");
    assert!(logout
        .set_cookies
        .iter()
        .any(|c| c.starts_with("__Host-sfcc_clerk_link=;")));
    let after = visitor_set(&logout).expect("a fresh id after logout");
    assert_ne!(after, chloe_visitor);

    let log = logged(&stack, 2);
    let mut expected = vec![
        json!({"endpoint": "log/email", "params": {"email": "alice.shopper@example.com", "visitor": ann_visitor}}),
        json!({"endpoint": "log/email", "params": {"email": "chloe.client@example.com", "visitor": chloe_visitor.replace('-', "")}}),
    ];
    expected.sort_by_key(|v| v.to_string());
    assert_eq!(log, expected);
}

/// What the worker's QA trace holds for page `page` (asked with the admin token).
fn trace(stack: &Stack, page: &str) -> Value {
    let reply = stack.client.get(
        &format!("{}/__sfcc-clerk/qa/events?page={page}", stack.worker_url),
        &[("authorization", &format!("Bearer {ADMIN_TOKEN}"))],
    );
    assert_eq!(reply.status, 200, "{:?}", reply.json);
    reply.json
}

/// Loads a product page through the worker and reads it only up to its `</head>`: the reader
/// of the rest, and the page id the worker gave the page.
fn open_page(stack: &Stack, cookie: &str) -> (Box<dyn Read>, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let response = agent
        .get(format!(
            "{}{SITE}/Product-Show?pid=25518704M",
            stack.worker_url
        ))
        .header("cookie", cookie)
        .header("user-agent", BROWSER)
        .call()
        .expect("the page answers");
    assert_eq!(response.status(), 200);
    let mut reader: Box<dyn Read> = Box::new(response.into_body().into_reader());
    let mut head = Vec::new();
    let mut chunk = [0u8; 4096];
    while !String::from_utf8_lossy(&head).contains("</head>") {
        let n = reader.read(&mut chunk).expect("the head arrives");
        assert!(n > 0, "the page ended before its </head>");
        head.extend_from_slice(&chunk[..n]);
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let at = head.find(r#""page":""#).expect("the beacon names the page") + r#""page":""#.len();
    let page = head[at..].split('"').next().unwrap_or_default().to_string();
    (reader, page)
}

#[test]
fn a_view_is_queued_once_its_page_has_reached_the_shopper_or_a_few_seconds_on() {
    let stack = Stack::start(&StackOptions::default()).expect("stack starts");
    let bearer = format!("Bearer {ADMIN_TOKEN}");
    let on = sfcc_clerk_e2e::Client::without_redirects().send(
        "POST",
        &format!("{}/__sfcc-clerk/qa/on", stack.worker_url),
        &[("authorization", bearer.as_str())],
        "",
    );
    let qa = on
        .set_cookie
        .as_deref()
        .and_then(|c| c.split(';').next())
        .expect("QA mode gives a cookie")
        .to_string();
    let cookie = format!("dw_dnt=0; __Host-sfcc_clerk_vid={VISITOR}; {qa}");
    let slow_tail = |ms: u64| {
        let reply = stack.client.send(
            "POST",
            &format!("{}/__sandbox/storefront/faults", stack.storefront.base_url),
            &[("content-type", "application/json")],
            &json!({ "slow_tail_ms": ms }).to_string(),
        );
        assert_eq!(reply.status, 200, "{:?}", reply.json);
    };

    // The storefront sends the body 1.5 s after the head: the worker has passed the head on with
    // the beacon in it, and queues the view only once the rest has gone out too.
    slow_tail(1500);
    let (mut rest, page) = open_page(&stack, &cookie);
    assert_eq!(
        trace(&stack, &page)["events"],
        json!([]),
        "nothing is queued while the page is still on its way"
    );
    let mut body = String::new();
    rest.read_to_string(&mut body)
        .expect("the rest of the page");
    assert!(body.contains("</html>"));
    let queued = stack.wait_for_value("the view's receipt", Duration::from_secs(10), || {
        Some(trace(&stack, &page)).filter(|t| t["events"].as_array().is_some_and(|e| !e.is_empty()))
    });
    assert_eq!(
        queued["events"][0]["event_id"],
        format!("{page}-product_view-25518704M"),
        "{queued}"
    );

    // A shopper who leaves mid-page: the rewriter never sees the end, and the view is queued
    // anyway, a few seconds on — long before the storefront would have finished the page.
    slow_tail(20_000);
    let started = std::time::Instant::now();
    let (rest, left) = open_page(&stack, &cookie);
    drop(rest);
    let queued = stack.wait_for_value("the left page's receipt", Duration::from_secs(15), || {
        Some(trace(&stack, &left)).filter(|t| t["events"].as_array().is_some_and(|e| !e.is_empty()))
    });
    assert_eq!(
        queued["events"][0]["event_id"],
        format!("{left}-product_view-25518704M")
    );
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "queued before the page's end: {:?}",
        started.elapsed()
    );
    slow_tail(0);
    // Both views reach Clerk.
    let views: Vec<Value> = stack
        .settled_clerk_log(2)
        .into_iter()
        .filter(|c| c["endpoint"] == "log/product")
        .collect();
    assert_eq!(views.len(), 2, "{views:?}");
}

/// Posts a PWA Kit Einstein activity for `site` (Einstein's `{realm}-{siteId}`) through the
/// worker, as the storefront app does.
fn activity(
    stack: &Stack,
    site: &str,
    name: &str,
    cookie: &str,
    body: &Value,
) -> sfcc_clerk_e2e::Reply {
    stack.client.send(
        "POST",
        &format!(
            "{}/mobify/proxy/einstein/v3/activities/{site}/{name}",
            stack.worker_url
        ),
        &[
            ("cookie", cookie),
            ("user-agent", BROWSER),
            ("content-type", "application/json"),
            ("x-cq-client-id", "sandbox-einstein"),
        ],
        &body.to_string(),
    )
}

#[test]
fn a_pwa_kit_storefronts_einstein_activities_become_clerk_events() {
    let stack = Stack::start(&StackOptions::default()).expect("stack starts");
    let granted = format!("dw_dnt=0; __Host-sfcc_clerk_vid={VISITOR}");
    let clerk_visitor = VISITOR.replace('-', "");
    // As PWA Kit's retail app sends them (realm and instance type added to each).
    let sent = [
        (
            "viewProduct",
            json!({"product": {"id": "25518704M", "price": 36}, "realm": "RefArch", "instanceType": "sbx"}),
        ),
        (
            "viewCategory",
            json!({"category": {"id": "mens-clothing-shirts"}, "products": [{"id": "25518704M", "sku": "25518704M", "altId": "", "altIdType": ""}], "showProducts": true}),
        ),
        (
            "viewSearch",
            json!({"searchText": "oxford", "products": [], "showProducts": false}),
        ),
        (
            "addToCart",
            json!({"products": [{"id": "25518704M", "sku": "701644329402M", "price": 36, "quantity": 2}, {"id": "25519318M", "price": 20}]}),
        ),
        (
            "clickSearch",
            json!({"searchText": "oxford", "product": {"id": "25518704M"}}),
        ),
    ];
    for (name, body) in &sent {
        let reply = activity(&stack, "zzrf-RefArch", name, &granted, body);
        assert_eq!(
            (reply.status, &reply.json),
            (200, &json!({})),
            "{name}: Einstein's answer, passed on"
        );
    }
    // A shopper who declined: passed on to Einstein (PWA Kit decides what it sends), not to Clerk.
    let declined = activity(
        &stack,
        "zzrf-RefArch",
        "viewProduct",
        DECLINED,
        &json!({"product": {"id": "25565189M"}}),
    );
    assert_eq!(declined.status, 200);
    // Posts another site could make, or a form could: passed on, never read.
    let url = format!(
        "{}/mobify/proxy/einstein/v3/activities/zzrf-RefArch/viewProduct",
        stack.worker_url
    );
    let forged = json!({"product": {"id": "25565189M"}}).to_string();
    for (kind, site) in [
        ("application/json", "cross-site"),
        ("text/plain", "same-origin"),
    ] {
        let reply = stack.client.send(
            "POST",
            &url,
            &[
                ("cookie", &granted),
                ("user-agent", BROWSER),
                ("content-type", kind),
                ("sec-fetch-site", site),
                ("x-cq-client-id", "sandbox-einstein"),
            ],
            &forged,
        );
        assert!(
            matches!(reply.status, 200 | 400),
            "{kind}, {site}: {:?}",
            reply.json
        );
    }
    // The German site's activity goes to the German store.
    let german = json!({"product": {"id": "25518704M"}});
    let de = activity(
        &stack,
        "zzrf-RefArchGlobal",
        "viewProduct",
        &granted,
        &german,
    );
    assert_eq!(de.status, 200);
    // A body the worker cannot read still reaches Einstein, which refuses it.
    let broken = stack.client.send(
        "POST",
        &format!(
            "{}/mobify/proxy/einstein/v3/activities/zzrf-RefArch/viewProduct",
            stack.worker_url
        ),
        &[
            ("cookie", &granted),
            ("user-agent", BROWSER),
            ("content-type", "application/json"),
            ("x-cq-client-id", "sandbox-einstein"),
        ],
        "{\"product\": ",
    );
    assert_eq!(broken.status, 400, "{:?}", broken.json);

    // The add is left to SCAPI's basket answer (`orders.rs`): Einstein's would count it twice.
    let log = logged(&stack, 3);
    let mut expected = vec![
        json!({"endpoint": "log/product", "params": {"product": "25518704M", "visitor": clerk_visitor}}),
        json!({"endpoint": "log/category", "params": {"category": "mens-clothing-shirts", "visitor": clerk_visitor}}),
        json!({"endpoint": "search/search", "params": {"query": "oxford", "limit": "1", "labels": r#"["SFCC search"]"#, "visitor": clerk_visitor}}),
    ];
    expected.sort_by_key(|v| v.to_string());
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(
        stack.clerk_log().len(),
        3,
        "nothing more: the add, the click, the declined view and the forged ones are left"
    );
    assert_eq!(log, expected);
    assert_eq!(
        stack.clerk_store_with_key("sandbox-public-de")["log"],
        json!([{"endpoint": "log/product", "params": {"product": "25518704M", "visitor": clerk_visitor}}])
    );
    // The origin got every activity with its body whole.
    let seen = stack.client.get(
        &format!(
            "{}/__sandbox/storefront/requests",
            stack.storefront.base_url
        ),
        &[],
    );
    let lengths: Vec<u64> = seen
        .json
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|r| {
                    r["path"]
                        .as_str()
                        .is_some_and(|p| p.contains("/activities/"))
                })
                .filter_map(|r| r["body_length"].as_u64())
                .collect()
        })
        .unwrap_or_default();
    let mut expected_lengths: Vec<u64> = sent
        .iter()
        .map(|(_, b)| b.to_string().len() as u64)
        .collect();
    expected_lengths.push(json!({"product": {"id": "25565189M"}}).to_string().len() as u64);
    expected_lengths.extend([forged.len() as u64; 2]);
    expected_lengths.push(german.to_string().len() as u64);
    expected_lengths.push(12);
    assert_eq!(lengths, expected_lengths);
}

#[test]
fn a_sites_pages_in_each_locale_reach_the_clerk_store_of_that_locale() {
    let stack = Stack::start(&StackOptions::default()).expect("stack starts");
    let granted = format!("dw_dnt=0; __Host-sfcc_clerk_vid={VISITOR}");
    let clerk_visitor = VISITOR.replace('-', "");
    let page = |locale: &str, action: &str| {
        let reply = stack.client.get(
            &format!(
                "{}/on/demandware.store/Sites-RefArchGlobal-Site/{locale}/{action}",
                stack.worker_url
            ),
            &[("cookie", &granted), ("user-agent", BROWSER)],
        );
        assert_eq!(reply.status, 200, "{locale} {action}");
        reply.json.as_str().unwrap_or_default().to_string()
    };
    // RefArchGlobal has a store per locale (refarchglobal-de, refarchglobal-fr): each page's
    // beacon posts to its locale's store, and the views seen in the traffic go there too.
    let french = page("fr_FR", "Product-Show?pid=25518704M");
    assert!(french.contains("<html lang=\"fr\""), "the French page");
    assert!(
        french.contains(r#""store":"refarchglobal-fr""#),
        "the French page's beacon posts to the French store"
    );
    page("fr_FR", "Search-Show?cgid=mens-clothing-shirts");
    let german = page("de_DE", "Product-Show?pid=25519318M");
    assert!(german.contains(r#""store":"refarchglobal-de""#));

    let log_of = |key: &str, n: usize| {
        stack.wait_for_value(
            &format!("{n} tracking calls in {key}"),
            Duration::from_secs(30),
            || {
                let log = stack.clerk_store_with_key(key)["log"].clone();
                let mut calls = log.as_array().filter(|l| l.len() >= n)?.clone();
                calls.sort_by_key(|v| v.to_string());
                Some(calls)
            },
        )
    };
    assert_eq!(
        log_of("sandbox-public-fr", 2),
        [
            json!({"endpoint": "log/category", "params": {"category": "mens-clothing-shirts", "visitor": clerk_visitor}}),
            json!({"endpoint": "log/product", "params": {"product": "25518704M", "visitor": clerk_visitor}}),
        ]
    );
    assert_eq!(
        log_of("sandbox-public-de", 1),
        [
            json!({"endpoint": "log/product", "params": {"product": "25519318M", "visitor": clerk_visitor}})
        ]
    );
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(
        (
            stack.clerk_store_with_key("sandbox-public-fr")["log"]
                .as_array()
                .map(Vec::len),
            stack.clerk_store_with_key("sandbox-public-de")["log"]
                .as_array()
                .map(Vec::len),
            stack.clerk_log().len()
        ),
        (Some(2), Some(1), 0),
        "each action once, in its own locale's store only"
    );
}

#[test]
fn the_shops_own_root_paths_reach_the_storefront_and_the_workers_live_under_its_prefix() {
    let stack = Stack::start(&StackOptions::default()).expect("stack starts");
    let requests = || {
        stack
            .client
            .get(
                &format!(
                    "{}/__sandbox/storefront/requests",
                    stack.storefront.base_url
                ),
                &[],
            )
            .json
    };
    // A shop's own /events page, /health and /admin: the storefront answers them (the sandbox
    // storefront has none: its 404), never the worker.
    for path in ["/events", "/health", "/admin/status"] {
        let reply = stack.client.get(
            &format!("{}{path}", stack.worker_url),
            &[("authorization", &format!("Bearer {ADMIN_TOKEN}"))],
        );
        assert_eq!(reply.status, 404, "{path}: {:?}", reply.json);
        assert!(
            requests().to_string().contains(&format!("\"{path}\"")),
            "{path} went to the storefront: {}",
            requests()
        );
    }
    // The worker's own, under its prefix; a mistyped one is the worker's 404 and goes nowhere.
    let health = stack
        .client
        .get(&format!("{}/__sfcc-clerk/health", stack.worker_url), &[]);
    assert_eq!((health.status, &health.json["status"]), (200, &json!("ok")));
    let before = requests().as_array().map_or(0, Vec::len);
    let typo = stack.client.get(
        &format!(
            "{}/__sfcc-clerk/qa/onn?token={ADMIN_TOKEN}",
            stack.worker_url
        ),
        &[],
    );
    assert_eq!(typo.status, 404);
    assert_eq!(
        requests().as_array().map_or(0, Vec::len),
        before,
        "the token never reaches the origin"
    );
}

#[test]
fn with_legacy_paths_on_the_old_root_paths_answer_as_before() {
    let stack = Stack::start(&StackOptions {
        vars: vec![("LEGACY_PATHS", "true".into())],
        ..Default::default()
    })
    .expect("stack starts");
    let health = stack
        .client
        .get(&format!("{}/health", stack.worker_url), &[]);
    assert_eq!(health.json["status"], "ok", "{:?}", health.json);
    let reply = stack.post_events_to(
        "/events",
        r#"{"type":"product_view","product":"25518704M"}"#,
        Some("dw_dnt=0"),
    );
    assert_eq!((reply.status, &reply.json["accepted"]), (202, &json!(1)));
    let status = stack.client.get(
        &format!("{}/admin/status", stack.worker_url),
        &[("authorization", &format!("Bearer {ADMIN_TOKEN}"))],
    );
    assert_eq!(status.status, 200, "{:?}", status.json);
}
