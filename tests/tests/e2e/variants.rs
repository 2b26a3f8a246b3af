//! Storefronts name the variant a shopper picked (SFRA's `Cart-AddProduct` posts it; PWA Kit's
//! `addToCart` activity and SCAPI's order lines name it); the catalog sync sends Clerk masters.
//! Every Clerk call names the master, so Clerk learns from the products it holds; an id Clerk
//! does not hold goes as it is and is counted on the status page.

use serde_json::{json, Value};
use sfcc_clerk_e2e::{wait_for, Stack, StackOptions};
use sfcc_clerk_sandbox::sfcc::CatalogSpec;
use std::time::Duration;

const CONSENT: &str = "dw_dnt=0; __Host-sfcc_clerk_vid=3f2504e0-4f89-41d3-9a0c-0305e82c3301";

#[test]
fn a_variant_reaches_clerk_as_its_master_and_an_unknown_id_as_it_is() {
    let stack = Stack::start(&StackOptions {
        page_size: 10,
        catalog: CatalogSpec::Generated {
            products: 40,
            seed: 1,
        },
        ..Default::default()
    })
    .expect("stack starts");
    stack.trigger_cron();
    let store = stack.finished_run("refarch-us", 0, Duration::from_secs(90));
    assert_eq!(store["status"], "finished", "{store}");
    // A master Clerk holds, and one of its variants.
    let held = stack.clerk_store();
    let (master, variant) = held["products"]
        .as_object()
        .into_iter()
        .flatten()
        .find_map(|(id, p)| {
            let variant = p["variants"].as_array()?.first()?.as_str()?;
            Some((id.clone(), variant.to_string()))
        })
        .expect("the generated catalog has masters with variants");
    assert!(
        held["products"].get(&variant).is_none(),
        "Clerk holds no variant"
    );

    let body = json!([
        {"type": "add_to_cart", "product": variant, "quantity": 2},
        {"type": "product_view", "product": "NOT-IN-THE-CATALOG"}
    ]);
    let reply = stack.post_events(&body.to_string(), Some(CONSENT));
    assert_eq!(reply.status, 202, "{:?}", reply.json);
    let log: Vec<Value> = wait_for(
        "the cart addition and the view at Clerk",
        Duration::from_secs(30),
        || Some(stack.clerk_log()).filter(|l| l.len() >= 2),
        || stack.wrangler_log(),
    );
    let call = |endpoint: &str| {
        log.iter()
            .find(|c| c["endpoint"] == endpoint)
            .map(|c| c["params"].clone())
            .unwrap_or_default()
    };
    assert_eq!(
        call("log/cart/add")["products"],
        json!([{"id": master, "qty": 2}]).to_string(),
        "named by its master"
    );
    assert_eq!(call("log/product")["product"], "NOT-IN-THE-CATALOG");
    // Sandbox Clerk took the view of a product it does not hold, and says so; the worker counts
    // it for the status page, and nothing else.
    assert_eq!(
        stack.clerk_store()["unknown_products"],
        json!({"NOT-IN-THE-CATALOG": 1})
    );
    let status = stack.admin_get("status");
    let us = status["stores"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|s| s["store"] == "refarch-us")
        .cloned()
        .unwrap_or_default();
    assert_eq!(us["unknown_products"]["total"], 1, "{us}");
    assert_eq!(us["unknown_products"]["ids"][0]["id"], "NOT-IN-THE-CATALOG");
}

#[test]
fn an_sfra_add_to_cart_of_a_variant_reaches_clerk_as_its_master() {
    let stack = Stack::start(&StackOptions::default()).expect("stack starts");
    stack.trigger_cron();
    let run = stack.finished_run("refarch-us", 0, Duration::from_secs(90));
    assert_eq!(run["status"], "finished", "{run}");
    // The sample shirt is a master; SFRA's product page posts the size the shopper picked.
    let added = stack.post_form("Cart-AddProduct", CONSENT, "pid=701643421084M&quantity=1");
    assert_eq!(added.status, 200, "{:?}", added.json);
    let log: Vec<Value> = wait_for(
        "the cart addition at Clerk",
        Duration::from_secs(30),
        || Some(stack.clerk_log()).filter(|l| !l.is_empty()),
        || stack.wrangler_log(),
    );
    assert_eq!(log[0]["endpoint"], "log/cart/add", "{log:?}");
    assert_eq!(
        log[0]["params"]["products"],
        json!([{"id": "25518704M", "qty": 1}]).to_string(),
        "{log:?}"
    );
    assert_eq!(
        stack.clerk_store()["unknown_products"],
        json!({}),
        "every call named a product Clerk holds"
    );
}
