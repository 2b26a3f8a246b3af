//! Cron → SFCC (OCAPI) → core mapping → Clerk, per store, through the worker on workerd with
//! local D1/KV/Queues.

use serde_json::{json, Value};
use sfcc_clerk_cli::admin_client::AdminError;
use sfcc_clerk_e2e::{Stack, StackOptions};
use std::time::Duration;

const US: &str = "refarch-us";
const DE: &str = "refarchglobal-de";
const FR: &str = "refarchglobal-fr";
/// Every store of the shipped configuration.
const STORES: [&str; 3] = [US, DE, FR];

fn product_ids(store: &Value) -> Vec<String> {
    store["products"]
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

fn finished_run(stack: &Stack, store: &str, index: usize) -> Value {
    stack.finished_run(store, index, Duration::from_secs(60))
}

fn counts(run: &Value) -> [u64; 5] {
    ["pages", "upserted", "unchanged", "removed", "rejected"]
        .map(|k| run[k].as_u64().unwrap_or(u64::MAX))
}

#[test]
fn cron_sync_sends_valid_products_per_store_reports_invalid_ones_and_then_only_changes() {
    let stack = Stack::start(&StackOptions {
        page_size: 2,
        ..Default::default()
    })
    .expect("stack starts");
    assert_eq!(stack.trigger_cron().status, 200);

    // refarch-us: 6 USD products in pages of 2: 4 sellable sent, 1 offline never sent, 1 without
    // price rejected. A store without a high-water mark gets a full run first.
    let us = finished_run(&stack, US, 0);
    assert_eq!(us["mode"], "full");
    assert_eq!(counts(&us), [3, 4, 0, 0, 1], "{us}");
    let store = stack.clerk_store();
    assert_eq!(
        product_ids(&store),
        ["25518704M", "25519318M", "25565189M", "25752986M"]
    );
    assert_eq!(
        store["products"]["25518704M"],
        json!({
            "id": "25518704M", "sku": "25518704M", "name": "Oxford Shirt",
            "description": "Crisp cotton oxford & button-down collar.",
            "price": 39.5, "list_price": 49.0, "stock": 42, "in_stock": true,
            "image": "https://images.sandbox.example/large/oxford-shirt.jpg",
            "url": "https://www.example.com/on/demandware.store/Sites-RefArch-Site/en_US/Product-Show?pid=25518704M",
            "categories": ["mens-clothing-shirts", "new-arrivals"],
            "created_at": 1_768_469_400, "brand": "Sandbox Apparel", "color": "blue", "fit": "slim",
            // SFCC's "34", as the configured rule types it.
            "sleeveLength": 34,
            // A localizable attribute, in the store's locale, lowercased by the configured rule.
            "material": "cotton",
            // A site-specific attribute: RefArch has no value of its own, so the organization's.
            "badge": "Classic",
            // A master: its variants, their sizes by display name, their price range; its stock
            // the variants' (20 + 22).
            "variants": ["701643421084M", "701643421091M"],
            "sizes": ["15 Long", "16 Long"],
            "min_price": 39.5, "max_price": 39.5
        })
    );

    // refarchglobal-de: the same products in German and EUR from the eur-m-* price books, routed
    // to its own Clerk store; the priceless scarf is reported for each store.
    let de = finished_run(&stack, DE, 0);
    assert_eq!(counts(&de), [3, 4, 0, 0, 1], "{de}");
    let de_store = stack.clerk_store_with_key("sandbox-public-de");
    assert_eq!(product_ids(&de_store), product_ids(&store));
    let hemd = &de_store["products"]["25518704M"];
    assert_eq!(
        (
            hemd["name"].as_str(),
            hemd["price"].as_f64(),
            hemd["list_price"].as_f64(),
            hemd["material"].as_str(),
            hemd["badge"].as_str()
        ),
        (
            Some("Oxford-Hemd"),
            Some(36.0),
            Some(45.0),
            Some("baumwolle"),
            // RefArchGlobal's own value of the site-specific attribute.
            Some("Bestseller")
        )
    );
    assert_eq!(
        hemd["url"],
        "https://www.example.com/on/demandware.store/Sites-RefArchGlobal-Site/de_DE/Product-Show?pid=25518704M"
    );
    // refarchglobal-fr: the same site in French, a store of its own.
    let fr = finished_run(&stack, FR, 0);
    assert_eq!(counts(&fr), [3, 4, 0, 0, 1], "{fr}");
    let fr_store = stack.clerk_store_with_key("sandbox-public-fr");
    let chemise = &fr_store["products"]["25518704M"];
    assert_eq!(
        (
            chemise["name"].as_str(),
            chemise["price"].as_f64(),
            chemise["url"].as_str(),
            chemise["material"].as_str(),
            chemise["badge"].as_str()
        ),
        (
            Some("Chemise Oxford"),
            Some(36.0),
            Some("https://www.example.com/on/demandware.store/Sites-RefArchGlobal-Site/fr_FR/Product-Show?pid=25518704M"),
            Some("coton"),
            Some("Bestseller")
        )
    );
    let failures = stack.admin_get("validation-failures?limit=50");
    let mut failures: Vec<(&str, &str, &str)> = failures
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["store"].as_str().unwrap(),
                f["product_id"].as_str().unwrap(),
                f["problems"].as_str().unwrap(),
            )
        })
        .collect();
    failures.sort();
    let missing = r#"[{"field":"price","reason":"missing"}]"#;
    assert_eq!(failures, STORES.map(|store| (store, "25720424M", missing)));

    // The category tree reached each store, in its language, with subcategories and URLs.
    let categories = |key: &str| {
        stack.wait_for_value(
            &format!("categories in {key}"),
            Duration::from_secs(30),
            || {
                let c = stack.clerk_store_with_key(key)["categories"].clone();
                (c.as_object().is_some_and(|m| m.len() == 15)).then_some(c)
            },
        )
    };
    let us_categories = categories("sandbox-public-us");
    assert_eq!(
        us_categories["mens"],
        json!({"id": "mens", "name": "Men", "url": "https://www.example.com/on/demandware.store/Sites-RefArch-Site/en_US/Search-Show?cgid=mens",
               "subcategories": ["mens-clothing-shirts", "mens-clothing-pants", "mens-clothing-jackets", "mens-accessories-belts", "cat-shirt", "cat-trousers"]})
    );
    assert!(
        us_categories.get("root").is_none(),
        "the root category is not a Clerk category"
    );
    let de_categories = categories("sandbox-public-de");
    assert_eq!(de_categories["mens-clothing-shirts"]["name"], "Hemden");
    assert_eq!(
        de_categories["mens-clothing-shirts"]["url"],
        "https://www.example.com/on/demandware.store/Sites-RefArchGlobal-Site/de_DE/Search-Show?cgid=mens-clothing-shirts"
    );
    let fr_categories = categories("sandbox-public-fr");
    assert_eq!(fr_categories["mens-clothing-shirts"]["name"], "Chemises");

    // A click in a Clerk recommendation lands on a page: every product and category URL the
    // stores hold, with the shipped template (SFCC's pipeline URLs), is answered by the
    // storefront through the worker; a product it does not have is a 404, so the check can fail.
    let answered = |url: &str| {
        let local = url.replace("https://www.example.com", &stack.worker_url);
        stack.client.get(&local, &[]).status
    };
    for key in [
        "sandbox-public-us",
        "sandbox-public-de",
        "sandbox-public-fr",
    ] {
        let store = stack.clerk_store_with_key(key);
        for kind in ["products", "categories"] {
            for (id, item) in store[kind].as_object().unwrap() {
                let url = item["url"].as_str().unwrap();
                assert_eq!(answered(url), 200, "{key} {kind} {id}: {url}");
            }
        }
    }
    let unknown = "https://www.example.com/on/demandware.store/Sites-RefArch-Site/en_US/Product-Show?pid=NOPE";
    assert_eq!(answered(unknown), 404);

    // Every call is in the delivery log, with no key or secret in it.
    let deliveries = stack.admin_get("deliveries?limit=100");
    let calls = |store: &str, endpoint: &str| {
        deliveries
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["store"] == store && d["endpoint"] == endpoint)
            .count()
    };
    let search = "POST /s/-/dw/data/v24_5/product_search";
    for store in STORES {
        assert_eq!(
            (calls(store, "POST /v2/products"), calls(store, search)),
            (3, 3),
            "{store}"
        );
    }
    let tokens: usize = STORES
        .map(|store| calls(store, "POST /dwsso/oauth2/access_token"))
        .iter()
        .sum();
    assert!(
        (1..=STORES.len()).contains(&tokens),
        "the token is cached, not fetched per page: {tokens}"
    );
    let log_text = deliveries.to_string();
    assert!(!log_text.contains("sandbox-private") && !log_text.contains("sandbox-secret"));

    // A price change and a product going offline: the next run sends exactly those two changes.
    assert_eq!(
        stack
            .change_sfcc_product("25519318M", &json!({"price": 49.0}))
            .status,
        200
    );
    assert_eq!(
        stack
            .change_sfcc_product("25752986M", &json!({"online_flag": {"default": false}}))
            .status,
        200
    );
    let writes_before = stack.clerk_requests().as_array().unwrap().len();
    // As an operator would: `sfcc-clerk reindex --store refarch-us`.
    let admin = stack.admin_client();
    let first = admin
        .start_run(Some(US), true)
        .expect("the re-index starts");
    assert_eq!(first["mode"], "full", "{first}");
    // A second re-index while the first holds the store is refused, naming the running one.
    match admin.start_run(Some(US), true) {
        Err(AdminError::Refused {
            status: 409, body, ..
        }) => assert_eq!(body["run_id"], first["run_id"]),
        other => panic!("expected 409, got {other:?}"),
    }
    assert!(matches!(
        admin.start_run(Some("nowhere"), true),
        Err(AdminError::Refused { status: 404, .. })
    ));
    let run = finished_run(&stack, US, 1);
    assert_eq!(run["run_id"], first["run_id"]);
    assert_eq!(counts(&run)[1..4], [1, 2, 1], "{run}");
    // Product writes: exactly the two changes. A full run also re-sends the (small) category tree.
    let categories_sent = |requests: &[Value]| {
        requests
            .iter()
            .filter(|r| r["request"] == "POST /v2/categories")
            .count()
    };
    let requests = stack.wait_for_value(
        "the re-index's category upsert",
        Duration::from_secs(30),
        || {
            let all = stack.clerk_requests().as_array()?[writes_before..].to_vec();
            (categories_sent(&all) == 1).then_some(all)
        },
    );
    let product_writes: Vec<&Value> = requests
        .iter()
        .filter(|r| r["request"] != "POST /v2/categories" && r["request"] != "POST /v2/orders")
        .collect();
    assert_eq!(
        product_writes,
        [
            &json!({"request": "POST /v2/products", "status": 200}),
            &json!({"request": "DELETE /v2/products", "status": 200})
        ]
    );
    let store = stack.clerk_store();
    assert_eq!(product_ids(&store), ["25518704M", "25519318M", "25565189M"]);
    assert_eq!(store["products"]["25519318M"]["price"], 49.0);
}

#[test]
fn after_a_full_run_cron_runs_deltas_that_send_only_what_changed() {
    let stack = Stack::start(&StackOptions {
        page_size: 2,
        ..Default::default()
    })
    .expect("stack starts");
    assert_eq!(stack.trigger_cron().status, 200);
    for store in STORES {
        assert_eq!(finished_run(&stack, store, 0)["mode"], "full");
    }
    stack.wait_for_category_upserts(stack.stores.len());
    // A USD price change is a price book entry, a stock change an inventory record: neither
    // touches the product's last_modified, so the window misses them and the sweep finds them.
    // A new brand is the product's own: the window finds it.
    for (id, change) in [
        ("25519318M", json!({"price": 52.0})),
        (
            "25752986M",
            json!({"inventory": {"ats": 3.0, "orderable": true}}),
        ),
        ("25565189M", json!({"brand": "Maison Nouvelle"})),
    ] {
        assert_eq!(stack.change_sfcc_product(id, &change).status, 200);
    }
    let writes_before = stack.clerk_requests().as_array().unwrap().len();
    assert_eq!(stack.trigger_cron().status, 200);
    let us = finished_run(&stack, US, 1);
    let de = finished_run(&stack, DE, 1);
    let fr = finished_run(&stack, FR, 1);
    assert_eq!(
        (
            us["mode"].as_str(),
            de["mode"].as_str(),
            fr["mode"].as_str()
        ),
        (Some("delta"), Some("delta"), Some("delta"))
    );
    // US: the three changes sent once each. DE: the EUR price book is unchanged; the sample
    // products have one inventory record serving both lists, so the stock change and the brand.
    let [_, upserted, _, removed, _] = counts(&us);
    assert_eq!((upserted, removed), (3, 0), "{us}");
    let [_, upserted, _, removed, _] = counts(&de);
    assert_eq!((upserted, removed), (2, 0), "{de}");
    let [_, upserted, _, removed, _] = counts(&fr);
    assert_eq!((upserted, removed), (2, 0), "{fr}");
    let from = us["window_from"].as_str().unwrap();
    assert!(from.ends_with('Z') && from.starts_with("20"), "{from}");
    // The catalog's writes (this cron also starts the order history, whose orders go to
    // `/v2/orders`).
    let requests = stack.clerk_requests();
    let new_requests: Vec<&Value> = requests.as_array().unwrap()[writes_before..]
        .iter()
        .filter(|r| r["request"] != "POST /v2/orders")
        .collect();
    assert!(
        new_requests
            .iter()
            .all(|r| **r == json!({"request": "POST /v2/products", "status": 200})),
        "{new_requests:?}"
    );
    let us_store = stack.clerk_store();
    assert_eq!(us_store["products"]["25519318M"]["price"], 52.0);
    assert_eq!(us_store["products"]["25752986M"]["stock"], 3);
    assert_eq!(
        us_store["products"]["25565189M"]["brand"],
        "Maison Nouvelle"
    );
    let sent_ids = |key: &str| -> usize {
        stack.clerk_store_with_key(key)["products"]
            .as_object()
            .map_or(0, |m| m.len())
    };
    // Catalog writes only: the crons also run the order history, whose pages may still land.
    let catalog_writes = || {
        stack.clerk_requests().as_array().map_or(0, |r| {
            r.iter()
                .filter(|r| r["request"] != "POST /v2/orders")
                .count()
        })
    };
    let writes_after_first_delta = catalog_writes();

    // Nothing changed since: the next delta's window and sweep see those products again, and
    // the ledger keeps them from being sent twice.
    assert_eq!(stack.trigger_cron().status, 200);
    let [_, upserted, unchanged, removed, _] = counts(&finished_run(&stack, US, 2));
    assert_eq!((upserted, removed), (0, 0));
    assert!(unchanged as usize >= sent_ids("sandbox-public-us"));
    finished_run(&stack, DE, 2);
    finished_run(&stack, FR, 2);
    assert_eq!(catalog_writes(), writes_after_first_delta);
}

#[test]
fn with_30_percent_of_clerk_calls_failing_full_runs_still_land_exactly_and_delete_what_sfcc_dropped(
) {
    let stack = Stack::start(&StackOptions {
        page_size: 1,
        ..Default::default()
    })
    .expect("stack starts");
    // About 30% of Clerk calls fail with a 503 from the start (seeded: the 2nd, 3rd, 5th, … fail).
    assert_eq!(stack.clerk_fail_rate(0.3, 42).status, 200);
    assert_eq!(stack.trigger_cron().status, 200);
    for store in STORES {
        let run = finished_run(&stack, store, 0);
        assert_eq!(counts(&run), [6, 4, 0, 0, 1], "{run}");
    }
    let prices = |key: &str| -> Vec<(String, f64)> {
        let store = stack.clerk_store_with_key(key);
        let products = store["products"].as_object().cloned().unwrap_or_default();
        products
            .iter()
            .map(|(id, p)| (id.clone(), p["price"].as_f64().unwrap_or(f64::NAN)))
            .collect()
    };
    let us_expected = [
        ("25518704M", 39.5),
        ("25519318M", 59.0),
        ("25565189M", 129.0),
        ("25752986M", 45.0),
    ];
    let de_expected = [
        ("25518704M", 36.0),
        ("25519318M", 55.0),
        ("25565189M", 119.0),
        ("25752986M", 42.0),
    ];
    let owned = |e: &[(&str, f64)]| {
        e.iter()
            .map(|(i, p)| (i.to_string(), *p))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        prices("sandbox-public-us"),
        owned(&us_expected),
        "after retries Clerk holds exactly the catalog"
    );
    assert_eq!(prices("sandbox-public-de"), owned(&de_expected));
    assert_eq!(prices("sandbox-public-fr"), owned(&de_expected));
    let deliveries = stack.admin_get("deliveries?limit=500");
    let retried = deliveries
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["outcome"] == "retry" && d["status"] == 503)
        .count();
    assert!(
        retried >= 2,
        "the injected failures were retried: {retried}"
    );
    assert_eq!(
        stack.admin_get("dead-letters"),
        json!([]),
        "nothing was given up on"
    );

    // The belt disappears from SFCC: the next full run deletes it from Clerk as stale.
    assert_eq!(stack.remove_sfcc_product("25752986M").status, 200);
    let started = stack
        .admin_client()
        .start_run(Some(US), true)
        .expect("the re-index starts");
    let run = finished_run(&stack, US, 1);
    assert_eq!(run["run_id"], started["run_id"]);
    assert_eq!(
        counts(&run),
        [5, 0, 3, 1, 1],
        "5 pages of 1; the belt deleted as stale: {run}"
    );
    assert_eq!(prices("sandbox-public-us"), owned(&us_expected[..3]));
    assert_eq!(stack.admin_get("dead-letters"), json!([]));
}

#[test]
fn an_expired_sfcc_token_is_refreshed_once_and_sfcc_5xx_is_retried() {
    let stack = Stack::start(&StackOptions {
        page_size: 3,
        ..Default::default()
    })
    .expect("stack starts");
    assert_eq!(stack.trigger_cron().status, 200);
    for store in STORES {
        finished_run(&stack, store, 0);
    }

    // Every token expires (the worker's KV cache still holds one) and SFCC fails twice.
    assert_eq!(stack.sfcc_faults(2, 503, true).status, 200);
    let started = stack
        .admin_client()
        .start_run(Some(US), true)
        .expect("the re-index starts");
    let run = finished_run(&stack, US, 1);
    assert_eq!(run["run_id"], started["run_id"]);
    assert_eq!(counts(&run), [2, 0, 4, 0, 1], "{run}");

    let deliveries = stack.admin_get("deliveries?limit=30");
    let sfcc: Vec<(u64, String, String)> = deliveries
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .filter(|d| d["kind"] == "sfcc" && d["store"] == US)
        .map(|d| {
            (
                d["status"].as_u64().unwrap_or(0),
                d["outcome"].as_str().unwrap().to_string(),
                d["error"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    // From the first fault on: two injected 503s retried, the expired token refreshed once, then
    // only successes (token, both pages, the category tree).
    let first_fault = sfcc
        .iter()
        .position(|(s, _, _)| *s == 503)
        .expect("the injected 503s are logged");
    let after: Vec<(u64, &str)> = sfcc[first_fault..]
        .iter()
        .map(|(s, o, _)| (*s, o.as_str()))
        .collect();
    assert_eq!(
        after[..3],
        [(503, "retry"), (503, "retry"), (401, "retry")],
        "{sfcc:?}"
    );
    assert!(
        after.len() >= 6 && after[3..].iter().all(|c| *c == (200, "delivered")),
        "{sfcc:?}"
    );
    assert!(sfcc
        .iter()
        .any(|(_, _, e)| e == "access token rejected; refreshing it once"));
    assert_eq!(stack.admin_get("dead-letters"), json!([]));
}

#[test]
fn slow_sfcc_and_clerk_answers_time_out_and_are_retried_until_the_run_lands() {
    let opts = StackOptions {
        page_size: 3,
        http_timeout_ms: Some(1000),
        ..Default::default()
    };
    let stack = Stack::start(&opts).expect("stack starts");
    // The first SFCC search and the first two Clerk calls answer 1.5 s late: past the deadline.
    stack.delay_next(2, 1500);
    assert_eq!(stack.trigger_cron().status, 200);
    for store in STORES {
        let run = finished_run(&stack, store, 0);
        assert_eq!(counts(&run), [2, 4, 0, 0, 1], "{run}");
    }
    let deliveries = stack.admin_get("deliveries?limit=200");
    let timed_out: Vec<&str> = deliveries
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["error"] == "timed out")
        .map(|d| d["kind"].as_str().unwrap())
        .collect();
    assert!(
        timed_out.contains(&"sfcc") && timed_out.contains(&"catalog"),
        "{timed_out:?}"
    );
    assert!(deliveries
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["error"] == "timed out")
        .all(|d| d["outcome"] == "retry" && d["status"].is_null()));
    let ids = |key: &str| -> Vec<String> {
        stack.clerk_store_with_key(key)["products"]
            .as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    };
    assert_eq!(
        ids("sandbox-public-us"),
        ["25518704M", "25519318M", "25565189M", "25752986M"]
    );
    assert_eq!(ids("sandbox-public-de"), ids("sandbox-public-us"));
    assert_eq!(ids("sandbox-public-fr"), ids("sandbox-public-us"));
    assert_eq!(stack.admin_get("dead-letters"), json!([]));
}

/// Cloudflare fires every cron that matches the minute: at 03:00 the delta's (`*/15`) and the
/// full re-index's (`0 3`), in no set order. A full re-index that finds the store busy with the
/// delta is owed and runs on the next cron, instead of waiting a day.
#[test]
fn a_full_reindex_that_finds_the_store_busy_runs_on_the_next_cron() {
    let stack = Stack::start(&StackOptions::default()).expect("stack starts");
    assert_eq!(stack.trigger_cron().status, 200);
    assert_eq!(finished_run(&stack, US, 0)["mode"], "full", "a first run");
    // 03:00: the delta's cron first, then the full re-index's while the delta holds the store.
    assert_eq!(stack.trigger_cron().status, 200);
    assert_eq!(stack.trigger_cron_named("0 3 * * *").status, 200);
    assert_eq!(finished_run(&stack, US, 1)["mode"], "delta");
    let us_runs = || {
        stack
            .admin_get("sync-runs")
            .as_array()
            .map_or(0, |r| r.iter().filter(|r| r["store"] == US).count())
    };
    assert_eq!(us_runs(), 2, "the full re-index's cron started none");
    // 03:15: the owed full re-index; 03:30: deltas again.
    assert_eq!(stack.trigger_cron().status, 200);
    let owed = finished_run(&stack, US, 2);
    assert_eq!(
        (owed["mode"].as_str(), owed["trigger"].as_str()),
        (Some("full"), Some("cron"))
    );
    assert_eq!(stack.trigger_cron().status, 200);
    assert_eq!(finished_run(&stack, US, 3)["mode"], "delta");

    // Owed again; an operator's re-index runs first and pays it: the next cron is a delta.
    assert_eq!(stack.trigger_cron().status, 200);
    assert_eq!(stack.trigger_cron_named("0 3 * * *").status, 200);
    assert_eq!(finished_run(&stack, US, 4)["mode"], "delta");
    assert_eq!(us_runs(), 5, "owed, not started");
    let admin = stack.admin_client();
    let reindex = admin
        .start_run(Some(US), true)
        .expect("the re-index starts");
    assert_eq!(finished_run(&stack, US, 5)["run_id"], reindex["run_id"]);
    assert_eq!(stack.trigger_cron().status, 200);
    let next = finished_run(&stack, US, 6);
    assert_eq!(
        (next["mode"].as_str(), next["trigger"].as_str()),
        (Some("delta"), Some("cron")),
        "the re-index paid what the cron owed"
    );
}
