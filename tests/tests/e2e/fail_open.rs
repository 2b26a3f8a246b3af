//! A configuration mistake never turns the shop's pages into errors: the worker passes every page
//! through untouched and says on `/__sfcc-clerk/health` what is wrong.

use sfcc_clerk_e2e::{Stack, StackOptions, BROWSER, US_SITE};

#[test]
fn a_broken_setting_passes_pages_through_and_health_names_it() {
    let stack = Stack::start(&StackOptions {
        vars: vec![("SWEEP_PAGES", "lots".into())],
        ..Default::default()
    })
    .expect("stack starts");
    let health = stack
        .client
        .get(&format!("{}/__sfcc-clerk/health", stack.worker_url), &[]);
    assert_eq!(health.status, 503, "{:?}", health.json);
    assert!(
        health.json["error"]
            .as_str()
            .is_some_and(|e| e.contains("SWEEP_PAGES")),
        "{:?}",
        health.json
    );
    let path = format!("{US_SITE}/Product-Show?pid=25518704M");
    let direct = stack.client.get(
        &format!("{}{path}", stack.storefront.base_url),
        &[("user-agent", BROWSER), ("cookie", "dw_dnt=0")],
    );
    let page = stack.shopper_get(&path, "dw_dnt=0");
    assert_eq!(page.status, 200, "{:?}", page.json);
    assert_eq!(page.json, direct.json, "the storefront's page, untouched");
    let added = stack.post_form("Cart-AddProduct", "dw_dnt=0", "pid=25518704M&quantity=1");
    assert_eq!(
        added.status, 200,
        "a post goes on with its body: {:?}",
        added.json
    );
    assert_eq!(added.json["error"], false, "{:?}", added.json);
    // Nothing is tracked: the worker did not read its configuration.
    std::thread::sleep(std::time::Duration::from_secs(3));
    assert!(stack.clerk_log().is_empty());
}
