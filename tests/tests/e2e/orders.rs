//! Orders the worker sees confirmed, with no script running in the shopper's browser: a stock
//! SFRA confirmation page names the order, and the worker reads its lines from SFCC (SCAPI's
//! Admin Orders API); without SCAPI, a template that marks its lines is read instead. One Clerk
//! sale per order, the email only with consent to identify, none twice however often the page is
//! shown, and a failing read retried or kept with its reason.

use serde_json::{json, Value};
use sfcc_clerk_e2e::{session_of, wait_for, Reply, Stack, StackOptions, DECLINED};
use sfcc_clerk_sandbox::storefront::shopper_token;
use std::time::Duration;

const SITE: &str = "/on/demandware.store/Sites-RefArch-Site/en_US";
const BROWSER: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36";
const VISITOR: &str = "7d444840-9dc0-41d3-9a0c-0305e82c3301";
const PRODUCT: &str = "25518704M";

fn post(stack: &Stack, action: &str, cookie: &str, form: &str) -> Reply {
    stack.client.send(
        "POST",
        &format!("{}{SITE}/{action}", stack.worker_url),
        &[
            ("cookie", cookie),
            ("user-agent", BROWSER),
            ("content-type", "application/x-www-form-urlencoded"),
        ],
        form,
    )
}

fn session(reply: &Reply) -> String {
    session_of(reply).expect("the storefront starts a session")
}

/// Adds two of [`PRODUCT`] to a fresh cart, places the order as `email` and shows the
/// confirmation page twice (a reload); answers the order as the storefront recorded it.
fn buy(stack: &Stack, consent: &str, email: &str) -> Value {
    let added = post(
        stack,
        "Cart-AddProduct",
        consent,
        &format!("pid={PRODUCT}&quantity=2"),
    );
    assert_eq!(added.status, 200, "{:?}", added.json);
    let cookie = format!("{consent}; dwsid={}", session(&added));
    let placed = post(
        stack,
        "CheckoutServices-PlaceOrder",
        &cookie,
        &format!("email={email}"),
    );
    assert_eq!(placed.json["error"], false, "{:?}", placed.json);
    let (id, token) = (
        placed.json["orderID"].as_str().expect("an order id"),
        placed.json["orderToken"].as_str().expect("an order token"),
    );
    for _ in 0..2 {
        let page = stack.client.get(
            &format!(
                "{}{SITE}/Order-Confirm?ID={id}&token={token}",
                stack.worker_url
            ),
            &[("cookie", &cookie), ("user-agent", BROWSER)],
        );
        assert_eq!(page.status, 200);
        let html = page.json.as_str().unwrap_or_default();
        assert!(html.contains(id), "the shopper gets the confirmation page");
    }
    let orders = stack
        .client
        .get(
            &format!("{}/__sandbox/storefront/orders", stack.storefront.base_url),
            &[],
        )
        .json;
    orders
        .as_array()
        .and_then(|all| all.iter().find(|o| o["id"] == id))
        .cloned()
        .expect("the storefront recorded the order")
}

/// Clerk's calls of `endpoint`, once at least `n` arrived and a little longer (a second copy
/// would show).
fn calls(stack: &Stack, endpoint: &str, n: usize) -> Vec<Value> {
    let calls = || -> Vec<Value> {
        stack
            .clerk_log()
            .into_iter()
            .filter(|c| c["endpoint"] == endpoint)
            .collect()
    };
    wait_for(
        &format!("{n} {endpoint} calls at Clerk"),
        Duration::from_secs(30),
        || Some(calls()).filter(|s| s.len() >= n),
        || stack.wrangler_log(),
    );
    std::thread::sleep(Duration::from_secs(3));
    calls()
}

/// Clerk's sales, once at least `n` arrived and a little longer.
fn sales(stack: &Stack, n: usize) -> Vec<Value> {
    calls(stack, "log/sale", n)
}

fn products(order: &Value) -> String {
    let lines: Vec<Value> = order["lines"]
        .as_array()
        .expect("order lines")
        .iter()
        .map(|l| json!({"id": l["pid"], "price": l["price"], "quantity": l["quantity"]}))
        .collect();
    json!(lines).to_string()
}

/// The Admin Orders reads sandbox SFCC answered: (call, status).
fn order_reads(stack: &Stack) -> Vec<(String, u64)> {
    let requests = stack.client.get(
        &format!("{}/__sandbox/sfcc/requests", stack.sandbox.base_url),
        &[],
    );
    requests
        .json
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| Some((r["request"].as_str()?.to_string(), r["status"].as_u64()?)))
        .filter(|(what, _)| what.contains("/checkout/orders/v1/"))
        .collect()
}

#[test]
fn a_stock_sfra_confirmation_page_becomes_one_clerk_sale_read_from_sfcc_with_the_email_only_with_consent(
) {
    let stack = Stack::start(&StackOptions::default()).expect("stack starts");
    let order = buy(
        &stack,
        &format!("dw_dnt=0; __Host-sfcc_clerk_vid={VISITOR}"),
        "ann.shopper%40example.com",
    );
    assert_eq!(order["lines"][0]["quantity"], 2);
    let sold = sales(&stack, 1);
    assert_eq!(
        sold,
        [json!({"endpoint": "log/sale", "params": {
            "sale": order["id"],
            "products": products(&order),
            "email": "ann.shopper@example.com",
            "visitor": VISITOR.replace('-', ""),
        }})],
        "one sale for a page shown twice, its lines as ordered, the email with consent"
    );
    let reads = order_reads(&stack);
    let id = order["id"].as_str().unwrap_or_default();
    assert!(
        !reads.is_empty()
            && reads.iter().all(|(what, status)| {
                *status == 200
                    && what.ends_with(&format!("organizations/f_ecom_zzrf_001/orders/{id}"))
            }),
        "the lines came from SFCC's order: {reads:?}"
    );
    // The sale went as a JSON body: its email never in a URL.
    let clerk_calls = stack.clerk_requests().to_string();
    assert!(
        clerk_calls.contains("POST /v2/log/sale") && !clerk_calls.contains("GET /v2/log/sale"),
        "{clerk_calls}"
    );

    // No answer to the consent banner yet: in strict mode the server sends nothing (the page
    // holds its own purchase push until the shopper answers).
    let unanswered = buy(&stack, "x=1", "bruno%40example.de");
    // Declined: nothing at all.
    let declined = buy(&stack, DECLINED, "chloe%40example.com");
    let after = sales(&stack, 1);
    assert_eq!(after.len(), 1, "{after:?}");
    assert!(after
        .iter()
        .all(|s| s["params"]["sale"] != unanswered["id"] && s["params"]["sale"] != declined["id"]));
}

#[test]
fn without_scapi_the_lines_a_template_marks_are_the_sale_and_a_stock_page_gives_none() {
    let stack = Stack::start(&StackOptions {
        scapi: None,
        ..Default::default()
    })
    .expect("stack starts");
    let consented = format!("dw_dnt=0; __Host-sfcc_clerk_vid={VISITOR}");
    let stock = buy(&stack, &consented, "erin%40example.com");
    let template = stack.set_storefront_template(&json!({"order_line_ids": true}));
    assert_eq!(template.status, 200);
    let marked = buy(&stack, &consented, "fay%40example.com");
    let sold = sales(&stack, 1);
    assert_eq!(
        sold,
        [json!({"endpoint": "log/sale", "params": {
            "sale": marked["id"],
            "products": products(&marked),
            "email": "fay@example.com",
            "visitor": VISITOR.replace('-', ""),
        }})],
        "the marked page's lines; the stock page {} named no products and SFCC could not be asked",
        stock["id"]
    );
    assert_eq!(order_reads(&stack), []);
}

#[test]
fn a_failing_order_read_is_retried_and_a_refused_one_is_kept_with_its_reason() {
    let retries = vec![
        ("RETRY_MAX_ATTEMPTS", "4".to_string()),
        ("RETRY_BASE_S", "1".to_string()),
        ("RETRY_MAX_S", "2".to_string()),
    ];
    let stack = Stack::start(&StackOptions {
        vars: retries.clone(),
        ..Default::default()
    })
    .expect("stack starts");
    let faults = stack.set_sfcc_faults(&json!({"fail_orders": 2, "status": 503}));
    assert_eq!(faults.status, 200);
    let consented = format!("dw_dnt=0; __Host-sfcc_clerk_vid={VISITOR}");
    let order = buy(&stack, &consented, "gus%40example.com");
    let sold = sales(&stack, 1);
    assert_eq!(sold.len(), 1, "{sold:?}");
    assert_eq!(sold[0]["params"]["sale"], order["id"]);
    let statuses: Vec<u64> = order_reads(&stack).into_iter().map(|(_, s)| s).collect();
    assert_eq!(
        &statuses[..3],
        [503, 503, 200],
        "two failed reads, then the order: {statuses:?}"
    );
    assert_eq!(stack.admin_get("dead-letters"), json!([]));
    drop(stack);

    // An organization the API client has no Commerce API role for: Account Manager refuses the
    // token, nothing goes to Clerk, and the sale waits as a dead letter saying why.
    let stack = Stack::start(&StackOptions {
        scapi: Some("f_ecom_zzxy_prd"),
        vars: retries,
        ..Default::default()
    })
    .expect("stack starts");
    let order = buy(&stack, &consented, "hal%40example.com");
    let waiting = stack.wait_for_value(
        "the sale kept as a dead letter",
        Duration::from_secs(30),
        || {
            let letters = stack.admin_get("dead-letters");
            letters.as_array().and_then(|l| l.first()).cloned()
        },
    );
    let reason = waiting["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains(&format!(
            "order {} could not be read from SFCC",
            order["id"].as_str().unwrap_or_default()
        )) && reason.contains("HTTP 400")
            && reason.contains("invalid_scope"),
        "{waiting}"
    );
    let sold: Vec<Value> = stack
        .clerk_log()
        .into_iter()
        .filter(|c| c["endpoint"] == "log/sale")
        .collect();
    assert_eq!(sold, Vec::<Value>::new(), "no sale reached Clerk");
    assert_eq!(order_reads(&stack), [], "no token, no read");
}

#[test]
fn in_anonymous_mode_a_declining_shoppers_order_reaches_clerk_without_email_or_id() {
    let stack = Stack::start(&StackOptions {
        consent_mode: Some("anonymous"),
        ..Default::default()
    })
    .expect("stack starts");
    let order = buy(&stack, DECLINED, "dora%40example.com");
    let sale = sales(&stack, 1);
    let visitor = sale[0]["params"]["visitor"].as_str().unwrap_or_default();
    assert!(
        visitor.len() == 32 && visitor.bytes().all(|b| b.is_ascii_alphanumeric()),
        "the confirmation page's own id: {sale:?}"
    );
    assert_eq!(
        sale,
        [json!({"endpoint": "log/sale", "params": {
            "sale": order["id"],
            "products": products(&order),
            "visitor": visitor,
        }})]
    );
}

/// A SCAPI call of the app through the worker, as `login`'s (`Guest` for a guest); answers the
/// document SCAPI answered, which must be a 200.
fn scapi(stack: &Stack, cookie: &str, login: &str, method: &str, url: &str, body: &Value) -> Value {
    let token = format!("Bearer {}", shopper_token(login));
    let reply = stack.client.send(
        method,
        url,
        &[
            ("cookie", cookie),
            ("user-agent", BROWSER),
            ("content-type", "application/json"),
            ("authorization", &token),
        ],
        &body.to_string(),
    );
    assert_eq!(reply.status, 200, "{method} {url}: {:?}", reply.json);
    reply.json
}

/// A PWA Kit checkout through the worker: a SCAPI basket with two of [`PRODUCT`], the email for
/// a guest, and the order; answers SCAPI's order document as the shopper's app got it.
fn buy_headless(stack: &Stack, cookie: &str, login: &str, guest_email: Option<&str>) -> Value {
    buy_headless_on(stack, "siteId=RefArch", cookie, login, guest_email)
}

/// The same on the site and locale `site` names (SCAPI's `siteId=…&locale=…`).
fn buy_headless_on(
    stack: &Stack,
    site: &str,
    cookie: &str,
    login: &str,
    guest_email: Option<&str>,
) -> Value {
    let api = format!("{}/mobify/proxy/api/checkout", stack.worker_url);
    let org = "organizations/f_ecom_zzrf_001";
    let send =
        |method: &str, url: String, body: Value| scapi(stack, cookie, login, method, &url, &body);
    let basket = send(
        "POST",
        format!("{api}/shopper-baskets/v1/{org}/baskets?{site}"),
        json!({}),
    );
    let id = basket["basketId"]
        .as_str()
        .expect("a basket id")
        .to_string();
    let at = |rest: &str| format!("{api}/shopper-baskets/v1/{org}/baskets/{id}/{rest}?{site}");
    send(
        "POST",
        at("items"),
        json!([{"productId": PRODUCT, "quantity": 2}]),
    );
    if let Some(email) = guest_email {
        send("PUT", at("customer"), json!({"email": email}));
    }
    send(
        "POST",
        format!("{api}/shopper-orders/v1/{org}/orders?{site}"),
        json!({"basketId": id}),
    )
}

#[test]
fn a_pwa_kit_order_placed_through_scapi_becomes_one_clerk_sale_with_the_customer_number() {
    let stack = Stack::start(&StackOptions::default()).expect("stack starts");
    let consented = format!("dw_dnt=0; __Host-sfcc_clerk_vid={VISITOR}");
    let order = buy_headless(&stack, &consented, "alice.shopper@example.com", None);
    assert_eq!(
        order["customerInfo"]["customerNo"], "00000001",
        "SCAPI's answer reaches the app unchanged: {order}"
    );
    let line = &order["productItems"][0];
    let products = json!([{"id": PRODUCT, "price": line["basePrice"], "quantity": 2}]).to_string();
    assert_eq!(
        sales(&stack, 1),
        [json!({"endpoint": "log/sale", "params": {
            "sale": order["orderNo"],
            "products": products,
            "customer": "00000001",
            "email": "alice.shopper@example.com",
            "visitor": VISITOR.replace('-', ""),
        }})],
        "one sale, the registered shopper's number and email with consent"
    );
    // No answer to the consent banner: nothing; declined: nothing.
    let unanswered = buy_headless(&stack, "x=1", "Guest", Some("bruno@example.de"));
    let declined = buy_headless(&stack, DECLINED, "Guest", Some("chloe@example.com"));
    let after = sales(&stack, 1);
    assert_eq!(after.len(), 1, "{after:?}");
    assert!(unanswered["orderNo"].is_string() && declined["orderNo"].is_string());
}

/// The baskets of Clerk's `log/cart/update` calls, sorted, once at least `n` arrived.
fn cart_updates(stack: &Stack, n: usize) -> Vec<String> {
    let mut all: Vec<String> = calls(stack, "log/cart/update", n)
        .iter()
        .map(|c| {
            c["params"]["products"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    all.sort();
    all
}

/// A PWA Kit shopper's basket as SCAPI answered each change: an add, a quantity changed, a line
/// removed — each the whole basket (`log/cart/update`); Einstein's `addToCart` for the same add is
/// left to the basket; once the basket is an order, the cart at Clerk is emptied.
#[test]
fn a_pwa_kit_basket_reaches_clerk_as_scapi_answered_each_change() {
    let stack = Stack::start(&StackOptions::default()).expect("stack starts");
    let cookie = format!("dw_dnt=0; __Host-sfcc_clerk_vid={VISITOR}");
    let api = format!(
        "{}/mobify/proxy/api/checkout/shopper-baskets/v1/organizations/f_ecom_zzrf_001/baskets",
        stack.worker_url
    );
    let token = format!("Bearer {}", shopper_token("Guest"));
    let send = |method: &str, url: String, body: Value| {
        scapi(&stack, &cookie, "Guest", method, &url, &body)
    };
    let basket = send("POST", format!("{api}?siteId=RefArch"), json!({}));
    let id = basket["basketId"]
        .as_str()
        .expect("a basket id")
        .to_string();
    let items = format!("{api}/{id}/items");
    let added = send(
        "POST",
        format!("{items}?siteId=RefArch"),
        json!([{"productId": PRODUCT, "quantity": 2}, {"productId": "25565189M", "quantity": 1}]),
    );
    let item_of = |pid: &str| {
        added["productItems"]
            .as_array()
            .and_then(|l| l.iter().find(|i| i["productId"] == pid))
            .and_then(|i| i["itemId"].as_str())
            .expect("the line's itemId")
            .to_string()
    };
    let (shirt, dress) = (item_of(PRODUCT), item_of("25565189M"));
    send(
        "PATCH",
        format!("{items}/{shirt}?siteId=RefArch"),
        json!({"quantity": 3}),
    );
    let removed = stack.client.send(
        "DELETE",
        &format!("{items}/{dress}?siteId=RefArch"),
        &[
            ("cookie", &cookie),
            ("user-agent", BROWSER),
            ("authorization", &token),
        ],
        "",
    );
    assert_eq!(removed.status, 200, "{:?}", removed.json);
    // The app's Einstein activity for the same add: passed on, not read.
    let einstein = stack.client.send(
        "POST",
        &format!(
            "{}/mobify/proxy/einstein/v3/activities/zzrf-RefArch/addToCart",
            stack.worker_url
        ),
        &[
            ("cookie", &cookie),
            ("user-agent", BROWSER),
            ("content-type", "application/json"),
            ("x-cq-client-id", "sandbox-einstein"),
        ],
        &json!({"products": [{"id": PRODUCT, "price": 36, "quantity": 2}]}).to_string(),
    );
    assert_eq!(einstein.status, 200);
    // The basket becomes an order: Clerk's cart of the shopper is emptied after the sale.
    send(
        "PUT",
        format!("{api}/{id}/customer?siteId=RefArch"),
        json!({"email": "dana@example.com"}),
    );
    let order = send(
        "POST",
        format!(
            "{}/mobify/proxy/api/checkout/shopper-orders/v1/organizations/f_ecom_zzrf_001/orders?siteId=RefArch",
            stack.worker_url
        ),
        json!({"basketId": id}),
    );
    let mut expected = vec![
        json!([{"id": PRODUCT, "qty": 2}, {"id": "25565189M", "qty": 1}]).to_string(),
        json!([{"id": PRODUCT, "qty": 3}, {"id": "25565189M", "qty": 1}]).to_string(),
        json!([{"id": PRODUCT, "qty": 3}]).to_string(),
        "[]".to_string(),
    ];
    expected.sort();
    sales(&stack, 1);
    assert_eq!(cart_updates(&stack, 4), expected);
    let others: Vec<Value> = stack
        .clerk_log()
        .into_iter()
        .filter(|c| c["endpoint"] != "log/cart/update")
        .map(|c| c["endpoint"].clone())
        .collect();
    assert_eq!(
        others,
        [json!("log/sale")],
        "the sale of {}, and no log/cart/add besides",
        order["orderNo"]
    );
}

/// SLAS's calls under PWA Kit's API proxy path, through the worker.
const SLAS: &str = "/mobify/proxy/api/shopper/auth/v1/organizations/f_ecom_zzrf_001/oauth2";

/// The browser's cookies after a reply: each `Set-Cookie` replaces (or, `Max-Age=0`, removes)
/// its name.
fn after(cookie: &str, reply: &Reply) -> String {
    let mut jar: Vec<(String, String)> = cookie
        .split("; ")
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    for set in &reply.set_cookies {
        let Some((name, value)) = set.split(';').next().and_then(|p| p.split_once('=')) else {
            continue;
        };
        jar.retain(|(k, _)| k != name);
        if !set.contains("Max-Age=0") {
            jar.push((name.to_string(), value.to_string()));
        }
    }
    jar.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ")
}

fn cookie_value(cookie: &str, name: &str) -> Option<String> {
    cookie
        .split("; ")
        .find_map(|p| p.strip_prefix(&format!("{name}=")))
        .map(str::to_string)
}

/// A PWA Kit login as commerce-sdk-isomorphic's `loginRegisteredUserB2C` makes it: SLAS's login
/// with Basic credentials (its 303 read, not followed), then the token call with the code.
/// Answers the token call's reply.
fn slas_login(stack: &Stack, cookie: &str, email: &str, password: &str) -> Reply {
    use base64::Engine;
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{email}:{password}"));
    let login = sfcc_clerk_e2e::Client::without_redirects().send(
        "POST",
        &format!("{}{SLAS}/login", stack.worker_url),
        &[
            ("cookie", cookie),
            ("user-agent", BROWSER),
            ("content-type", "application/x-www-form-urlencoded"),
            ("authorization", &format!("Basic {basic}")),
        ],
        "redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fcallback&channel_id=RefArch&client_id=c",
    );
    assert_eq!(login.status, 303, "{:?}", login.json);
    let location = login.header("location").unwrap_or_default().to_string();
    let code = location
        .split(['?', '&'])
        .find_map(|p| p.strip_prefix("code="))
        .expect("a code");
    slas_token(
        stack,
        cookie,
        &format!("grant_type=authorization_code_pkce&code={code}&channel_id=RefArch&client_id=c"),
    )
}

/// SLAS's token call with `form`, through the worker.
fn slas_token(stack: &Stack, cookie: &str, form: &str) -> Reply {
    stack.client.send(
        "POST",
        &format!("{}{SLAS}/token", stack.worker_url),
        &[
            ("cookie", cookie),
            ("user-agent", BROWSER),
            ("content-type", "application/x-www-form-urlencoded"),
        ],
        form,
    )
}

/// A shared browser: Alice logs in to a PWA Kit shop and leaves, Bruno checks out there as a
/// guest with his own email — his sale is not given Alice's visitor. Alice's own order is;
/// a refresh of her token links nothing again; her logout starts a fresh visitor, and the next
/// guest's order joins that one.
#[test]
fn on_a_shared_browser_a_guest_order_never_joins_the_logged_in_shoppers_visitor() {
    let stack = Stack::start(&StackOptions::default()).expect("stack starts");
    let start = format!("dw_dnt=0; __Host-sfcc_clerk_vid={VISITOR}");
    let alice = "alice.shopper@example.com";
    let token = slas_login(&stack, &start, alice, "Sandbox-Alice-1");
    assert_eq!(token.status, 200, "{:?}", token.json);
    let cookie = after(&start, &token);
    assert!(
        cookie_value(&cookie, "__Host-sfcc_clerk_link").is_some(),
        "SLAS's answer named Alice: the browser is linked to her ({:?})",
        token.set_cookies
    );
    assert_eq!(
        cookie_value(&cookie, "__Host-sfcc_clerk_vid").as_deref(),
        Some(VISITOR)
    );
    let v0 = VISITOR.replace('-', "");
    let links = stack.wait_for_value("Alice's login at Clerk", Duration::from_secs(30), || {
        let links: Vec<Value> = stack
            .clerk_log()
            .into_iter()
            .filter(|c| c["endpoint"] == "log/email")
            .collect();
        (!links.is_empty()).then_some(links)
    });
    assert_eq!(
        links,
        [json!({"endpoint": "log/email", "params": {"email": alice, "visitor": v0}})]
    );
    // Her token refreshed half an hour later: nothing new.
    let refresh = token.json["refresh_token"].as_str().unwrap_or_default();
    let refreshed = slas_token(
        &stack,
        &cookie,
        &format!("grant_type=refresh_token&refresh_token={refresh}&channel_id=RefArch"),
    );
    assert_eq!((refreshed.status, refreshed.set_cookies.len()), (200, 0));
    // Bruno, as a guest on Alice's browser, then Alice herself.
    let bruno = buy_headless(&stack, &cookie, "Guest", Some("bruno@example.de"));
    let theirs = sales(&stack, 1);
    let own = buy_headless(&stack, &cookie, alice, None);
    let all = sales(&stack, 2);
    let visitor_of = |order: &Value| {
        all.iter()
            .find(|s| s["params"]["sale"] == order["orderNo"])
            .map(|s| (s["params"]["email"].clone(), s["params"]["visitor"].clone()))
    };
    let bruno_no = bruno["orderNo"]
        .as_str()
        .unwrap_or_default()
        .replace('-', "");
    assert_eq!(
        visitor_of(&bruno),
        Some((json!("bruno@example.de"), json!(format!("sale{bruno_no}")))),
        "Bruno's sale stands alone: {theirs:?}"
    );
    assert_eq!(visitor_of(&own), Some((json!(alice), json!(v0))));
    // Alice logs out: both cookies cleared, a fresh visitor.
    let out = stack.client.get(
        &format!(
            "{}{SLAS}/logout?client_id=c&refresh_token={refresh}&channel_id=RefArch",
            stack.worker_url
        ),
        &[
            ("cookie", &cookie),
            ("user-agent", BROWSER),
            (
                "authorization",
                &format!(
                    "Bearer {}",
                    token.json["access_token"].as_str().unwrap_or_default()
                ),
            ),
        ],
    );
    assert_eq!(out.status, 200, "{:?}", out.json);
    let cookie = after(&cookie, &out);
    let v1 = cookie_value(&cookie, "__Host-sfcc_clerk_vid").expect("a fresh visitor");
    assert_ne!(v1, VISITOR);
    assert_eq!(cookie_value(&cookie, "__Host-sfcc_clerk_link"), None);
    let chloe = buy_headless(&stack, &cookie, "Guest", Some("chloe@example.com"));
    let all = sales(&stack, 3);
    let chloes = all.iter().find(|s| s["params"]["sale"] == chloe["orderNo"]);
    assert_eq!(
        chloes.map(|s| s["params"]["visitor"].clone()),
        Some(json!(v1.replace('-', ""))),
        "the next guest joins the fresh visitor"
    );
}

#[test]
fn a_pwa_kit_order_in_french_reaches_the_french_store_of_its_site() {
    let stack = Stack::start(&StackOptions::default()).expect("stack starts");
    let consented = format!("dw_dnt=0; __Host-sfcc_clerk_vid={VISITOR}");
    let order = buy_headless_on(
        &stack,
        "siteId=RefArchGlobal&locale=fr-FR",
        &consented,
        "Guest",
        Some("claire@example.fr"),
    );
    assert_eq!(order["currency"], "EUR", "{order}");
    let line = &order["productItems"][0];
    let products = json!([{"id": PRODUCT, "price": line["basePrice"], "quantity": 2}]).to_string();
    // The basket's add, the sale, and the cart it emptied.
    let mut fr = stack.wait_for_value(
        "the sale in refarchglobal-fr",
        Duration::from_secs(30),
        || {
            let log = stack.clerk_store_with_key("sandbox-public-fr")["log"].clone();
            log.as_array().filter(|l| l.len() >= 3).cloned()
        },
    );
    fr.sort_by_key(|c| c.to_string());
    let visitor = VISITOR.replace('-', "");
    let mut expected = vec![
        json!({"endpoint": "log/sale", "params": {
            "sale": order["orderNo"],
            "products": products,
            "email": "claire@example.fr",
            "visitor": visitor,
        }}),
        json!({"endpoint": "log/cart/update", "params": {
            "products": json!([{"id": PRODUCT, "qty": 2}]).to_string(), "visitor": visitor}}),
        json!({"endpoint": "log/cart/update", "params": {"products": "[]", "visitor": visitor}}),
    ];
    expected.sort_by_key(|c| c.to_string());
    assert_eq!(fr, expected, "SCAPI's locale picks the site's French store");
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(
        (
            stack.clerk_store_with_key("sandbox-public-de")["log"].clone(),
            stack.clerk_log().len()
        ),
        (json!([]), 0),
        "not the site's first store, nor another site's"
    );
}

/// The orders a Clerk store holds, by id, once it holds `n`.
fn clerk_orders(stack: &Stack, key: &str, n: usize) -> serde_json::Map<String, Value> {
    wait_for(
        &format!("{n} orders at Clerk store {key}"),
        Duration::from_secs(90),
        || {
            let orders = stack.clerk_store_with_key(key)["orders"]
                .as_object()?
                .clone();
            (orders.len() >= n).then_some(orders)
        },
        || stack.wrangler_log(),
    )
}

fn order_writes(stack: &Stack) -> usize {
    stack.clerk_requests().as_array().map_or(0, |r| {
        r.iter()
            .filter(|r| r["request"] == "POST /v2/orders")
            .count()
    })
}

/// The first cron syncs the catalog; the history waits for it (the lines name variants, and
/// Clerk holds their masters), so it starts on the next.
fn sync_catalog_then_history(stack: &Stack) {
    assert_eq!(stack.trigger_cron().status, 200);
    for store in ["refarch-us", "refarchglobal-de", "refarchglobal-fr"] {
        stack.finished_run(store, 0, Duration::from_secs(120));
    }
    assert_eq!(order_writes(stack), 0, "no history before the catalog");
    assert_eq!(stack.trigger_cron().status, 200);
}

/// The shop's past orders (the sandbox's, `sandbox/src/storefront/history.rs`) reach Clerk
/// once: a year of placed orders, each in the store of its currency, variants named by their
/// masters, the customer number without the email, and none placed in the last hour (left to
/// live tracking); the next cron sends nothing again.
#[test]
fn the_shops_past_year_of_orders_reaches_clerk_once_in_the_store_of_its_currency() {
    let stack = Stack::start(&StackOptions::default()).expect("stack starts");
    sync_catalog_then_history(&stack);
    let us = clerk_orders(&stack, "sandbox-public-us", 5);
    let mut ids: Vec<&str> = us.keys().map(String::as_str).collect();
    ids.sort();
    assert_eq!(
        ids,
        ["00000002", "00000003", "00000006", "00000007", "00000011"],
        "placed in the last year and standing: not 1 (400 days ago), 4 (cancelled), 8 \
         (failed), 10 (never placed) nor 12 (ten minutes ago); 6 and 7 share a second"
    );
    let two = &us["00000002"];
    assert_eq!(
        two["products"],
        json!([{"id": "25518704M", "quantity": 2, "price": 39.5},
               {"id": "25720424M", "quantity": 1, "price": 45.0}]),
        "the variant 701643421084M named by its master"
    );
    assert_eq!(two["customer"], "00000001");
    assert!(
        two.get("email").is_none(),
        "no email unless ORDER_HISTORY_EMAILS"
    );
    assert!(us["00000003"].get("customer").is_none(), "a guest");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let age_days = (now - two["time"].as_u64().unwrap_or_default()) / 86_400;
    assert_eq!(age_days, 200, "unix seconds of the order's creation");
    let de = clerk_orders(&stack, "sandbox-public-de", 2);
    let mut de_ids: Vec<&str> = de.keys().map(String::as_str).collect();
    de_ids.sort();
    assert_eq!(
        de_ids,
        ["00000005", "00000009"],
        "RefArchGlobal's, in EUR, in German"
    );
    let fr = clerk_orders(&stack, "sandbox-public-fr", 1);
    assert_eq!(
        fr.keys().collect::<Vec<_>>(),
        ["00000013"],
        "the same site and currency, its shopper's locale French"
    );

    // The status page says where the history stands.
    let history = wait_for(
        "the history window to end",
        Duration::from_secs(30),
        || {
            let status = stack.admin_get("status");
            let us = status["stores"]
                .as_array()?
                .iter()
                .find(|s| s["store"] == "refarch-us")?
                .clone();
            Some(us["order_history"].clone()).filter(|h| h["read_up_to_ms"].is_u64())
        },
        || stack.wrangler_log(),
    );
    assert_eq!(history["sent"], 5);
    assert_eq!(history["in_progress_from"], Value::Null);

    // Nothing was created since: the next cron sends no orders.
    let writes = order_writes(&stack);
    assert_eq!(stack.trigger_cron().status, 200);
    stack.finished_run("refarch-us", 1, Duration::from_secs(60));
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(order_writes(&stack), writes);
    assert_eq!(
        stack.clerk_store_with_key("sandbox-public-us")["orders"]
            .as_object()
            .map(|o| o.len()),
        Some(5)
    );
}

/// An order live tracking already sent as a sale is not sent again as history, and with
/// `ORDER_HISTORY_EMAILS` the orders go with their emails.
#[test]
fn an_order_tracked_live_is_not_sent_again_and_emails_go_only_when_configured() {
    let stack = Stack::start(&StackOptions {
        vars: vec![
            ("ORDER_HISTORY_LAG_MINUTES", "0".into()),
            ("ORDER_HISTORY_EMAILS", "true".into()),
        ],
        ..Default::default()
    })
    .expect("stack starts");
    let live = buy(
        &stack,
        &format!("dw_dnt=0; __Host-sfcc_clerk_vid={VISITOR}"),
        "ann.shopper%40example.com",
    );
    assert_eq!(sales(&stack, 1).len(), 1);
    sync_catalog_then_history(&stack);
    // With no lag, the order of ten minutes ago is history too.
    let us = clerk_orders(&stack, "sandbox-public-us", 6);
    assert!(us.contains_key("00000012"), "{:?}", us.keys());
    let live_id = live["id"].as_str().unwrap_or_default();
    assert!(!us.contains_key(live_id), "sent once, as the live sale");
    assert_eq!(us["00000002"]["email"], "alice.shopper@example.com");
    assert_eq!(us["00000003"]["email"], "guest3@example.com");
    let history = wait_for(
        "the history window to end",
        Duration::from_secs(30),
        || {
            let status = stack.admin_get("status");
            let us = &status["stores"][0];
            assert_eq!(us["store"], "refarch-us");
            Some(us["order_history"].clone()).filter(|h| h["read_up_to_ms"].is_u64())
        },
        || stack.wrangler_log(),
    );
    assert_eq!(history["sent"], 6, "{history}");
    assert_eq!(history["skipped"], 1, "the live order: {history}");
}
