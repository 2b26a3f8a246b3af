//! A generated catalog over HTTP: paging, depth, changes.

use serde_json::{json, Value};
use sfcc_clerk_sandbox::sfcc::{generator, CatalogSpec};
use sfcc_clerk_sandbox::{RunningSandbox, SandboxConfig};

fn start(products: u64) -> (RunningSandbox, ureq::Agent, String) {
    let sb = RunningSandbox::start(
        &SandboxConfig {
            catalog: CatalogSpec::Generated { products, seed: 1 },
            ..SandboxConfig::default()
        },
        0,
    )
    .unwrap();
    let a: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut r = a
        .post(format!("{}/dwsso/oauth2/access_token", sb.base_url))
        .header(
            "Authorization",
            "Basic c2FuZGJveC1jbGllbnQ6c2FuZGJveC1zZWNyZXQ=",
        )
        .header("Content-Type", "application/x-www-form-urlencoded")
        .send("grant_type=client_credentials")
        .unwrap();
    let token: Value = r.body_mut().read_json().unwrap();
    let bearer = format!("Bearer {}", token["access_token"].as_str().unwrap());
    (sb, a, bearer)
}

fn search(a: &ureq::Agent, base: &str, bearer: &str, req: Value) -> Value {
    a.post(format!("{base}/s/-/dw/data/v24_5/product_search"))
        .header("Authorization", bearer)
        .send_json(req)
        .unwrap()
        .body_mut()
        .read_json()
        .unwrap()
}

#[test]
fn pages_through_a_generated_catalog_in_order() {
    let (sb, a, bearer) = start(1000);
    let mut ids = Vec::new();
    for start in (0..1000).step_by(200) {
        let page = search(
            &a,
            &sb.base_url,
            &bearer,
            json!({"query": {"match_all_query": {}}, "start": start, "count": 200}),
        );
        assert_eq!(page["total"], 1000);
        ids.extend(
            page["hits"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| h["id"].as_str().unwrap().to_string()),
        );
    }
    let expected: Vec<String> = (0..1000).map(generator::id).collect();
    assert_eq!(ids, expected);
    assert_eq!(
        search(
            &a,
            &sb.base_url,
            &bearer,
            json!({"query": {"match_all_query": {}}, "start": 5, "count": 1})
        )["hits"][0],
        sfcc_clerk_sandbox::sfcc::data_view(generator::product(5, 1))
    );
}

fn ids(page: &Value) -> Vec<&str> {
    page["hits"]
        .as_array()
        .map(|h| h.iter().filter_map(|h| h["id"].as_str()).collect())
        .unwrap_or_default()
}

/// The ids after `after`, as the connector asks for them.
fn after(id: &str) -> Value {
    json!({"range_filter": {"field": "id", "from": id, "from_inclusive": false}})
}

#[test]
fn a_deep_offset_is_refused_and_the_ids_after_one_are_computed_on_demand() {
    let (sb, a, bearer) = start(1_000_000);
    let deep = a
        .post(format!("{}/s/-/dw/data/v24_5/product_search", sb.base_url))
        .header("Authorization", &bearer)
        .send_json(json!({"query": {"match_all_query": {}}, "start": 1000, "count": 200}))
        .unwrap();
    assert_eq!(deep.status().as_u16(), 400, "OCAPI takes start 0 to 999");
    let page = search(
        &a,
        &sb.base_url,
        &bearer,
        json!({"query": {"filtered_query": {"query": {"match_all_query": {}}, "filter": after("P0999599")}},
               "sorts": [{"field": "id", "sort_order": "asc"}], "start": 200, "count": 200}),
    );
    let hits = ids(&page);
    assert_eq!(
        (page["total"].as_u64(), hits.len(), hits[0], hits[199]),
        (Some(400), 200, "P0999800", "P0999999")
    );
}

#[test]
fn the_ids_after_one_skip_removed_products_and_combine_with_a_window() {
    let (sb, a, bearer) = start(500);
    for gone in ["P0000010", "P0000101"] {
        a.delete(format!("{}/__sandbox/sfcc/products/{gone}", sb.base_url))
            .call()
            .unwrap();
    }
    let page = search(
        &a,
        &sb.base_url,
        &bearer,
        json!({"query": {"filtered_query": {"query": {"match_all_query": {}}, "filter": after("P0000099")}}, "count": 3}),
    );
    assert_eq!(
        (page["total"].as_u64(), ids(&page)),
        (Some(399), vec!["P0000100", "P0000102", "P0000103"])
    );
    a.patch(format!("{}/__sandbox/sfcc/products/P0000300", sb.base_url))
        .send_json(json!({"brand": "Kestrel"}))
        .unwrap();
    a.patch(format!("{}/__sandbox/sfcc/products/P0000020", sb.base_url))
        .send_json(json!({"brand": "Kestrel"}))
        .unwrap();
    let modified = json!({"range_filter": {"field": "last_modified", "from": "2026-11-20T00:00:00.000Z", "to": "2999-01-01T00:00:00.000Z"}});
    let page = search(
        &a,
        &sb.base_url,
        &bearer,
        json!({"query": {"filtered_query": {"query": {"match_all_query": {}}, "filter":
            {"bool_filter": {"operator": "and", "filters": [modified, after("P0000020")]}}}}}),
    );
    assert_eq!(
        (page["total"].as_u64(), ids(&page)),
        (Some(1), vec!["P0000300"])
    );
}

#[test]
fn changes_and_removals_show_in_searches() {
    let (sb, a, bearer) = start(500);
    let changed = a
        .patch(format!("{}/__sandbox/sfcc/products/P0000042", sb.base_url))
        .send_json(json!({"brand": "Kestrel", "price": 1.0}))
        .unwrap();
    assert_eq!(changed.status().as_u16(), 200);
    let window = json!({"filtered_query": {"query": {"match_all_query": {}}, "filter": {"range_filter": {"field": "last_modified", "from": "2026-11-20T00:00:00.000Z", "to": "2999-01-01T00:00:00.000Z"}}}});
    let page = search(&a, &sb.base_url, &bearer, json!({"query": window}));
    assert_eq!(
        (page["total"].as_u64(), page["hits"][0]["brand"].as_str()),
        (Some(1), Some("Kestrel"))
    );
    let shop = a
        .get(format!(
            "{}/s/RefArch/dw/shop/v24_5/products/(P0000042)?currency=USD",
            sb.base_url
        ))
        .header("x-dw-client-id", "sandbox-client")
        .call()
        .unwrap()
        .body_mut()
        .read_json::<serde_json::Value>()
        .unwrap();
    assert_eq!(shop["data"][0]["price"], 1.0, "{shop}");
    assert_eq!(
        a.delete(format!("{}/__sandbox/sfcc/products/P0000043", sb.base_url))
            .call()
            .unwrap()
            .status()
            .as_u16(),
        200
    );
    let page = search(
        &a,
        &sb.base_url,
        &bearer,
        json!({"query": {"match_all_query": {}}, "count": 200}),
    );
    assert_eq!(page["total"], 499);
    let by_id = search(
        &a,
        &sb.base_url,
        &bearer,
        json!({"query": {"term_query": {"fields": ["id"], "operator": "one_of", "values": ["P0000043", "P0000044", "P0000600"]}}}),
    );
    assert_eq!(
        by_id["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["id"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["P0000044"]
    );
}
