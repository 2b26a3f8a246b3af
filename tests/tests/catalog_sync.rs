//! Cron → SFCC (OCAPI) → core mapping → Clerk, through the worker on workerd with local D1/KV/Queues.

use serde_json::{json, Value};
use sfcc_clerk_e2e::{wait_for, Stack, StackOptions};
use std::time::Duration;

fn product_ids(store: &Value) -> Vec<String> {
    store["products"]
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

fn finished_run(stack: &Stack, run_index: usize) -> Value {
    wait_for(
        "the sync run to finish",
        Duration::from_secs(60),
        || {
            let runs = stack.admin_get("sync-runs");
            let runs = runs.as_array()?;
            // Newest first; `run_index` counts from the oldest.
            let run = runs
                .len()
                .checked_sub(run_index + 1)
                .and_then(|i| runs.get(i))?;
            (run["status"] == "finished").then(|| run.clone())
        },
        || {
            format!(
                "runs {}; wrangler log:\n{}",
                stack.admin_get("sync-runs"),
                stack.wrangler_log()
            )
        },
    )
}

#[test]
fn cron_sync_sends_valid_products_reports_invalid_ones_and_then_only_changes() {
    let stack = Stack::start(&StackOptions {
        page_size: 2,
        ..Default::default()
    })
    .expect("stack starts");
    assert_eq!(stack.trigger_cron().status, 200);

    let run = finished_run(&stack, 0);
    assert_eq!(
        run["mode"], "full",
        "a store without a high-water mark gets a full run first"
    );
    // 6 products in pages of 2: 4 sellable sent, 1 offline never sent, 1 without price rejected.
    assert_eq!(
        (
            run["pages"].as_u64(),
            run["upserted"].as_u64(),
            run["unchanged"].as_u64(),
            run["removed"].as_u64(),
            run["rejected"].as_u64()
        ),
        (Some(3), Some(4), Some(0), Some(0), Some(1)),
        "{run}"
    );
    let store = stack.clerk_store();
    assert_eq!(
        product_ids(&store),
        ["25518704M", "25519318M", "25565189M", "25752986M"]
    );
    let shirt = &store["products"]["25518704M"];
    assert_eq!(
        *shirt,
        json!({
            "id": "25518704M", "sku": "25518704M", "name": "Oxford Shirt",
            "description": "Crisp cotton oxford & button-down collar.",
            "price": 39.5, "list_price": 49.0, "stock": 42, "in_stock": true,
            "image": "https://images.sandbox.example/large/oxford-shirt.jpg",
            "url": "https://www.example.com/en-US/product/25518704M.html",
            "categories": ["mens-clothing-shirts", "new-arrivals"],
            "created_at": 1_768_469_400, "brand": "Sandbox Apparel", "color": "blue", "fit": "slim"
        })
    );
    let failures = stack.admin_get("validation-failures");
    assert_eq!(failures[0]["product_id"], "25720424M");
    assert_eq!(
        failures[0]["problems"],
        r#"[{"field":"price","reason":"missing"}]"#
    );

    // Every call is in the delivery log, with no key or secret in it.
    let deliveries = stack.admin_get("deliveries?limit=50");
    let endpoints: Vec<&str> = deliveries
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["endpoint"].as_str())
        .collect();
    assert_eq!(
        endpoints
            .iter()
            .filter(|e| **e == "POST /v2/products")
            .count(),
        3,
        "{endpoints:?}"
    );
    assert_eq!(
        endpoints
            .iter()
            .filter(|e| **e == "POST /s/-/dw/data/v24_5/product_search")
            .count(),
        3
    );
    assert_eq!(
        endpoints
            .iter()
            .filter(|e| **e == "POST /dwsso/oauth2/access_token")
            .count(),
        1,
        "token is cached"
    );
    let log_text = deliveries.to_string();
    assert!(!log_text.contains("sandbox-private-us") && !log_text.contains("sandbox-secret"));

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
    let first = stack.admin_post("reindex");
    assert_eq!(
        (first.status, first.json["mode"].as_str()),
        (202, Some("full")),
        "{:?}",
        first.json
    );
    // A second re-index while the first holds the store is refused, naming the running one.
    let second = stack.admin_post("reindex");
    assert_eq!(
        (second.status, &second.json["run_id"]),
        (409, &first.json["run_id"]),
        "{:?}",
        second.json
    );
    let run = finished_run(&stack, 1);
    assert_eq!(run["run_id"], first.json["run_id"]);
    assert_eq!(
        (
            run["upserted"].as_u64(),
            run["unchanged"].as_u64(),
            run["removed"].as_u64()
        ),
        (Some(1), Some(2), Some(1)),
        "{run}"
    );
    let requests = stack.clerk_requests();
    let new_requests: Vec<&Value> = requests.as_array().unwrap()[writes_before..]
        .iter()
        .collect();
    assert_eq!(
        new_requests,
        [
            &json!({"request": "POST /v2/products", "status": 200}),
            &json!({"request": "DELETE /v2/products", "status": 200})
        ]
    );
    let store = stack.clerk_store();
    assert_eq!(product_ids(&store), ["25518704M", "25519318M", "25565189M"]);
    assert_eq!(store["products"]["25519318M"]["price"], 49.0);
}
