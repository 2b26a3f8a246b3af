//! The sandbox over real HTTP on loopback: auth, paging, strict checks, read-back, faults.

use serde_json::{json, Value};
use sfcc_clerk_sandbox::{RunningSandbox, SandboxConfig};

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

fn body(mut r: ureq::http::Response<ureq::Body>) -> (u16, Value) {
    let status = r.status().as_u16();
    (status, r.body_mut().read_json().unwrap_or(Value::Null))
}

/// What sandbox Clerk holds for the store with this public key.
fn clerk_store(a: &ureq::Agent, base: &str, key: &str) -> Value {
    body(
        a.get(format!("{base}/__sandbox/clerk/stores/{key}"))
            .call()
            .unwrap(),
    )
    .1
}

fn token(a: &ureq::Agent, base: &str, basic: &str) -> (u16, Value) {
    body(
        a.post(format!("{base}/dwsso/oauth2/access_token"))
            .header("Authorization", format!("Basic {basic}"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .send("grant_type=client_credentials")
            .unwrap(),
    )
}

#[test]
fn sfcc_issues_tokens_and_pages_products() {
    let sb = RunningSandbox::start(&SandboxConfig::default(), 0).unwrap();
    let a = agent();
    // "sandbox-client:sandbox-secret" and a wrong secret, base64.
    assert_eq!(
        token(&a, &sb.base_url, "c2FuZGJveC1jbGllbnQ6d3Jvbmc=").0,
        401
    );
    let (status, t) = token(&a, &sb.base_url, "c2FuZGJveC1jbGllbnQ6c2FuZGJveC1zZWNyZXQ=");
    assert_eq!(status, 200);
    let bearer = format!("Bearer {}", t["access_token"].as_str().unwrap());
    let search = |auth: &str, req: Value| {
        body(
            a.post(format!("{}/s/-/dw/data/v24_5/product_search", sb.base_url))
                .header("Authorization", auth)
                .send_json(req)
                .unwrap(),
        )
    };
    let all = json!({"match_all_query": {}});
    assert_eq!(search("Bearer nope", json!({"query": all})).0, 401);
    let (status, page) = search(&bearer, json!({"query": all, "start": 2, "count": 3}));
    assert_eq!(status, 200);
    assert_eq!(
        (
            page["start"].as_u64(),
            page["count"].as_u64(),
            page["total"].as_u64()
        ),
        (Some(2), Some(3), Some(6))
    );
    assert_eq!(page["hits"][0]["id"], "25565189M");
    let (status, fault) = search(&bearer, json!({"query": all, "count": 201}));
    assert_eq!(
        (status, fault["fault"]["type"].as_str()),
        (400, Some("PropertyValueConstraintViolationException"))
    );
    assert_eq!(search(&bearer, json!({"query": all, "bogus": 1})).0, 400);
}

#[test]
fn clerk_checks_keys_and_payloads_and_reads_back() {
    let sb = RunningSandbox::start(&SandboxConfig::default(), 0).unwrap();
    let a = agent();
    let post = |req: Value| {
        body(
            a.post(format!("{}/v2/products", sb.base_url))
                .send_json(req)
                .unwrap(),
        )
    };
    let product =
        json!({"id": "P1", "name": "Shirt", "price": 10.0, "url": "https://shop.example/p1"});
    let (status, err) =
        post(json!({"key": "sandbox-public-us", "private_key": "wrong", "products": [product]}));
    assert_eq!(
        (status, err["type"].as_str()),
        (403, Some("AuthenticationError"))
    );
    let (status, err) = post(
        json!({"key": "sandbox-public-us", "private_key": "sandbox-private-us", "products": [{"id": "P2"}]}),
    );
    assert_eq!(
        (status, err["message"].as_str()),
        (400, Some("product P2: `name` is required"))
    );
    let (status, ok) = post(
        json!({"key": "sandbox-public-us", "private_key": "sandbox-private-us", "products": [product]}),
    );
    assert_eq!((status, ok), (200, json!({"status": "ok"})));

    let track = |q: &str| {
        body(
            a.get(format!("{}/v2/log/product?{q}", sb.base_url))
                .call()
                .unwrap(),
        )
    };
    assert_eq!(
        track("key=sandbox-public-us&product=P1&visitor=has-hyphens").0,
        400
    );
    assert_eq!(track("key=nope&product=P1&visitor=abc").0, 403);
    assert_eq!(
        track("key=sandbox-public-us&product=P1&visitor=abc123").0,
        200
    );

    let store = clerk_store(&a, &sb.base_url, "sandbox-public-us");
    assert_eq!(store["products"]["P1"]["name"], "Shirt");
    assert_eq!(
        store["log"],
        json!([{"endpoint": "log/product", "params": {"product": "P1", "visitor": "abc123"}}])
    );
    let (status, counts) = body(
        a.get(format!(
            "{}/__sandbox/clerk/stores/sandbox-public-us/counts",
            sb.base_url
        ))
        .call()
        .unwrap(),
    );
    assert_eq!(
        (status, counts),
        (
            200,
            json!({"products": 1, "categories": 0, "orders": 0, "customers": 0, "log": 1,
                "unknown_products": 0})
        )
    );
}

#[test]
fn clerk_deletes_products_named_in_the_query_string_only() {
    let sb = RunningSandbox::start(&SandboxConfig::default(), 0).unwrap();
    let a = agent();
    let products = format!("{}/v2/products", sb.base_url);
    let keys = json!({"key": "sandbox-public-us", "private_key": "sandbox-private-us"});
    let mut upsert = keys.clone();
    upsert["products"] = json!([
        {"id": "P1", "name": "Shirt", "price": 10.0, "url": "https://shop.example/p1"},
        {"id": "P2", "name": "Belt", "price": 5.0, "url": "https://shop.example/p2"}
    ]);
    assert_eq!(body(a.post(&products).send_json(upsert).unwrap()).0, 200);
    // A body, as some clients send it: refused, nothing deleted.
    let mut in_body = keys.clone();
    in_body["products"] = json!(["P1"]);
    let (status, err) = body(
        a.delete(&products)
            .force_send_body()
            .send_json(in_body)
            .unwrap(),
    );
    assert_eq!((status, err["type"].as_str()), (400, Some("ParsingError")));
    let query = |private: &str| {
        format!("{products}?key=sandbox-public-us&private_key={private}&products=%5B%22P1%22%5D")
    };
    assert_eq!(body(a.delete(query("wrong")).call().unwrap()).0, 403);
    assert_eq!(
        body(a.delete(query("sandbox-private-us")).call().unwrap()),
        (200, json!({"status": "ok"}))
    );
    let store = clerk_store(&a, &sb.base_url, "sandbox-public-us");
    let ids: Vec<&String> = store["products"]
        .as_object()
        .map(|m| m.keys().collect())
        .unwrap_or_default();
    assert_eq!(ids, ["P2"]);
}

#[test]
fn clerk_injects_faults_with_retry_after() {
    let sb = RunningSandbox::start(&SandboxConfig::default(), 0).unwrap();
    let a = agent();
    a.post(format!("{}/__sandbox/clerk/faults", sb.base_url))
        .send_json(json!({"fail_next": 1, "status": 429, "retry_after": 3}))
        .unwrap();
    let url = format!(
        "{}/v2/log/product?key=sandbox-public-us&product=P1&visitor=abc",
        sb.base_url
    );
    let r = a.get(&url).call().unwrap();
    assert_eq!(r.status().as_u16(), 429);
    assert_eq!(r.headers().get("retry-after").unwrap(), "3");
    assert_eq!(a.get(&url).call().unwrap().status().as_u16(), 200);
}

#[test]
fn sfcc_selects_by_modification_window_and_by_ids() {
    let sb = RunningSandbox::start(&SandboxConfig::default(), 0).unwrap();
    let a = agent();
    let (_, t) = token(&a, &sb.base_url, "c2FuZGJveC1jbGllbnQ6c2FuZGJveC1zZWNyZXQ=");
    let bearer = format!("Bearer {}", t["access_token"].as_str().unwrap());
    let search = |query: Value| {
        body(
            a.post(format!("{}/s/-/dw/data/v24_5/product_search", sb.base_url))
                .header("Authorization", &bearer)
                .send_json(json!({"query": query, "count": 200}))
                .unwrap(),
        )
    };
    let ids = |page: &Value| -> Vec<String> {
        page["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["id"].as_str().unwrap().to_string())
            .collect()
    };
    let changed = a
        .patch(format!("{}/__sandbox/sfcc/products/25565189M", sb.base_url))
        .send_json(json!({"brand": "Maison Nouvelle"}))
        .unwrap();
    assert_eq!(changed.status().as_u16(), 200);
    // A price book entry or an inventory record is not the product: its stamp does not move.
    let repriced = a
        .patch(format!("{}/__sandbox/sfcc/products/25518704M", sb.base_url))
        .send_json(json!({"price": 1.0, "inventory": {"ats": 1.0, "orderable": true}}))
        .unwrap();
    assert_eq!(repriced.status().as_u16(), 200);
    let window = |from: &str, to: &str| {
        json!({"filtered_query": {"query": {"match_all_query": {}},
            "filter": {"range_filter": {"field": "last_modified", "from": from, "to": to}}}})
    };
    let (status, page) = search(window(
        "2026-11-20T00:00:00.000Z",
        "2999-01-01T00:00:00.000Z",
    ));
    assert_eq!(
        (status, ids(&page), page["total"].as_u64()),
        (200, vec!["25565189M".to_string()], Some(1))
    );
    let (_, page) = search(window(
        "2026-11-02T00:00:00.000Z",
        "2026-11-03T12:00:00.000Z",
    ));
    // Only the chinos were modified on 2026-11-02 (the dress's stamp moved to now).
    assert!(
        page["hits"][0].get("price").is_none(),
        "the Data API does not price products"
    );
    assert_eq!(ids(&page), ["25519318M"]);
    let (_, page) = search(
        json!({"term_query": {"fields": ["id"], "operator": "one_of", "values": ["25752986M", "25518704M", "nope"]}}),
    );
    assert_eq!(ids(&page), ["25518704M", "25752986M"]);
    assert_eq!(
        search(json!({"term_query": {"fields": ["name"], "operator": "is", "values": ["x"]}})).0,
        400
    );
}

#[test]
fn clerk_fails_a_seeded_share_of_calls() {
    let sb = RunningSandbox::start(&SandboxConfig::default(), 0).unwrap();
    let a = agent();
    a.post(format!("{}/__sandbox/clerk/faults", sb.base_url))
        .send_json(json!({"fail_rate": 0.3, "seed": 7, "status": 503}))
        .unwrap();
    let url = format!(
        "{}/v2/log/product?key=sandbox-public-us&product=P1&visitor=abc",
        sb.base_url
    );
    let failed = (0..300)
        .filter(|_| a.get(&url).call().unwrap().status().as_u16() == 503)
        .count();
    assert!(
        (60..=120).contains(&failed),
        "about 30% of 300 calls should fail, {failed} did"
    );
    a.post(format!("{}/__sandbox/clerk/faults", sb.base_url))
        .send_json(json!({}))
        .unwrap();
    assert!(
        (0..20).all(|_| a.get(&url).call().unwrap().status().as_u16() == 200),
        "faults cleared"
    );
}

#[test]
fn the_shop_api_shows_one_sites_prices_stock_and_texts_to_a_known_client() {
    let sb = RunningSandbox::start(&SandboxConfig::default(), 0).unwrap();
    let a = agent();
    let get = |path: &str, client: Option<&str>| {
        let mut req = a.get(format!("{}/s/{path}", sb.base_url));
        if let Some(c) = client {
            req = req.header("x-dw-client-id", c);
        }
        body(req.call().unwrap())
    };
    let ok = Some("sandbox-client");
    let (status, page) = get(
        "RefArchGlobal/dw/shop/v24_5/products/(25518704M,25604455M,nope)?expand=availability,images,prices,variations&currency=EUR&locale=de-DE&inventory_ids=inventory_m_eu",
        ok,
    );
    assert_eq!(status, 200, "{page}");
    let data = page["data"].as_array().unwrap();
    // The quilted jacket is offline everywhere; "nope" does not exist: both left out.
    assert_eq!(data.len(), 1, "{page}");
    assert_eq!(
        (&data[0]["name"], &data[0]["price"], &data[0]["currency"]),
        (&json!("Oxford-Hemd"), &json!(36.0), &json!("EUR"))
    );
    assert_eq!(data[0]["prices"]["eur-m-list-prices"], 45.0);
    assert_eq!(data[0]["inventory"]["ats"], 42.0);
    let (status, _) = get(
        "RefArch/dw/shop/v24_5/products/(25518704M)?currency=USD",
        Some("someone-else"),
    );
    assert_eq!(status, 403);
    let (status, _) = get("RefArch/dw/shop/v24_5/products/25604455M?currency=USD", ok);
    assert_eq!(status, 404, "one unknown id: not found");
    let many: Vec<String> = (0..25).map(|i| format!("P{i}")).collect();
    let (status, page) = get(
        &format!(
            "RefArch/dw/shop/v24_5/products/({})?currency=USD",
            many.join(",")
        ),
        ok,
    );
    assert_eq!(status, 400, "{page}");
    let (status, _) = get(
        "RefArch/dw/shop/v24_5/products/(25518704M)?currency=usd",
        ok,
    );
    assert_eq!(status, 400, "currency must be an ISO 4217 code");
}
