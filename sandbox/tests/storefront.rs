//! The storefront on its own loopback port, sharing state with the SFCC stand-in.

use sfcc_clerk_sandbox::{RunningSandbox, RunningStorefront, SandboxConfig};

#[test]
fn storefront_serves_on_its_own_port_and_follows_catalog_changes() {
    let sb = RunningSandbox::start(&SandboxConfig::default(), 0).unwrap();
    let shop = RunningStorefront::start(&sb.sandbox, 0).unwrap();
    assert_ne!(shop.base_url, sb.base_url);
    let a: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let pdp = format!(
        "{}/on/demandware.store/Sites-RefArch-Site/en_US/Product-Show?pid=25752986M",
        shop.base_url
    );
    let page = a
        .get(&pdp)
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    assert!(page.contains(r#""price":"45.00""#), "{page}");
    let changed = a
        .patch(format!("{}/__sandbox/sfcc/products/25752986M", sb.base_url))
        .send_json(serde_json::json!({"price": 47.5}))
        .unwrap();
    assert_eq!(changed.status(), 200);
    let page = a
        .get(&pdp)
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    assert!(page.contains(r#""price":"47.50""#), "{page}");
    assert!(page.contains(r#""event":"view_item""#));
    let ocapi_path = a
        .get(format!("{}/dwsso/oauth2/access_token", shop.base_url))
        .call()
        .unwrap();
    assert_eq!(
        ocapi_path.status(),
        404,
        "the storefront origin serves no OCAPI"
    );
}
