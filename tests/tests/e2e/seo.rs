//! Live SFRA shops' SEO URLs through the worker in workerd: the page's own container
//! (`data-action`, `data-querystring`, as SFRA's `common/layout/page.isml` renders it) names the
//! page as it streams; `/s/{site}/` and `?lang=` name the store; a page without the container is
//! read from its URL's form.

use serde_json::{json, Value};
use sfcc_clerk_e2e::{wait_for, Stack, StackOptions};
use std::time::Duration;

const CONSENTED: &str = "dw_dnt=0; __Host-sfcc_clerk_vid=3f2504e0-4f89-41d3-9a0c-0305e82c3301";

fn tracking_calls(stack: &Stack, store: &str, n: usize) -> Vec<Value> {
    let key = stack.clerk_key_of(store).expect("a store").to_string();
    wait_for(
        &format!("{n} tracking calls at {store}"),
        Duration::from_secs(30),
        || {
            let log = stack.clerk_store_with_key(&key)["log"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            (log.len() >= n).then_some(log)
        },
        || stack.wrangler_log(),
    )
}

fn page(stack: &Stack, path: &str, cookie: &str) -> String {
    let reply = stack.shopper_get(path, cookie);
    assert_eq!(reply.status, 200, "{path}: {:?}", reply.json);
    reply.json.as_str().unwrap_or_default().to_string()
}

#[test]
fn seo_pages_reach_the_store_of_their_site_and_locale_named_by_the_page_itself() {
    let stack = Stack::start(&StackOptions::default()).expect("stack starts");
    // SFRA's acceptance-test URL form of a product page on a host without an alias.
    page(
        &stack,
        "/s/RefArch/slim-shirt/25518704M.html?lang=en_US",
        CONSENTED,
    );
    page(&stack, "/s/RefArch/mens/", CONSENTED);
    let us = tracking_calls(&stack, "refarch-us", 2);
    let calls: Vec<(&str, &str)> = us
        .iter()
        .map(|c| {
            (
                c["endpoint"].as_str().unwrap_or_default(),
                c["params"]["product"]
                    .as_str()
                    .or(c["params"]["category"].as_str())
                    .unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        calls,
        [("log/product", "25518704M"), ("log/category", "mens")],
        "{us:?}"
    );
    // The French locale of RefArchGlobal, by ?lang=.
    page(
        &stack,
        "/s/RefArchGlobal/chemise/25518704M.html?lang=fr_FR",
        CONSENTED,
    );
    let fr = tracking_calls(&stack, "refarchglobal-fr", 1);
    assert_eq!(fr[0]["params"]["product"], "25518704M", "{fr:?}");
    // Seen once: the page's own view_item, reported by its beacon under the same page id, is
    // the same event.
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(stack.clerk_log().len(), 2);
}

#[test]
fn an_unanswered_shoppers_seo_page_holds_its_view_and_a_page_without_its_container_is_read_from_its_url(
) {
    let stack = Stack::start(&StackOptions::default()).expect("stack starts");
    let html = page(&stack, "/s/RefArch/slim-shirt/25518704M.html", "dw_dnt=1");
    let held = html
        .split("<script type=\"application/json\" data-sfcc-clerk-held>")
        .nth(1)
        .and_then(|r| r.split("</script>").next())
        .expect("the view handed to the beacon inside the page container");
    assert!(
        held.contains(r#""type":"product_view""#) && held.contains(r#""product":"25518704M""#),
        "{held}"
    );
    assert!(
        html.contains("</main><script type=\"application/json\" data-sfcc-clerk-held>"),
        "at the end of the container"
    );

    // A customized layout without the container: the URL's form names the product.
    let url = format!("{}/__sandbox/storefront/faults", stack.storefront.base_url);
    let set = stack.client.send(
        "POST",
        &url,
        &[("content-type", "application/json")],
        &json!({"no_page_container": true}).to_string(),
    );
    assert_eq!(set.status, 200);
    let html = page(&stack, "/s/RefArch/slim-shirt/25519318M.html", CONSENTED);
    assert!(!html.contains("data-action"));
    let us = tracking_calls(&stack, "refarch-us", 1);
    assert_eq!(us[0]["endpoint"], "log/product");
    assert_eq!(us[0]["params"]["product"], "25519318M");
}
