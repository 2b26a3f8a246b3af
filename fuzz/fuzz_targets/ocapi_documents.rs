//! OCAPI documents through the catalog path: a Data API `product_search` page (`hits`) and a Shop
//! API `products/(ids)` answer (`data`) read from one JSON text, the Shop API details laid over
//! the page for each configured store's site, then mapped and validated for that store, as the
//! worker's page job does. The operators' reader (`parse_documents`, behind `sfcc-clerk map`) runs
//! on the same text.
//!
//! Beyond "does not panic":
//! - no document is lost: every hit is parsed or reported malformed, every product the site wants
//!   is given details, reported gone or malformed, and every product ends up sent, removed,
//!   rejected (with at least one named problem) or refreshed through its master;
//! - mapping never sends what validation rejects, nor a product id twice;
//! - what is sent round-trips through the Clerk request body unchanged.

#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use sfcc_clerk_core::clerk::{ClerkProduct, ProductsUpsert};
use sfcc_clerk_core::config::ConnectorConfig;
use sfcc_clerk_core::mapping::{map_page, parse_documents, parse_search_page, validate};
use sfcc_clerk_core::sfcc::{apply_details, parse_shop_products, wants_details, SiteView};
use std::collections::HashSet;
use std::sync::OnceLock;

fn config() -> &'static ConnectorConfig {
    static CONFIG: OnceLock<ConnectorConfig> = OnceLock::new();
    CONFIG.get_or_init(|| {
        ConnectorConfig::from_toml(include_str!("../../config/sfcc-clerk.toml"))
            .expect("the project's configuration")
    })
}

fn list_len(body: &str, key: &str) -> Option<usize> {
    match serde_json::from_str::<Value>(body).ok()?.get(key)? {
        Value::Array(items) => Some(items.len()),
        _ => None,
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(body) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok((products, malformed)) = parse_documents(body) {
        assert!(malformed.iter().all(|m| !m.problems.is_empty()));
        if let Some(n) = list_len(body, "hits").or_else(|| list_len(body, "data")) {
            assert_eq!(products.len() + malformed.len(), n, "a document was lost");
        }
    }
    let Ok(parsed) = parse_search_page(body) else {
        return;
    };
    if let Some(n) = list_len(body, "hits") {
        assert_eq!(
            parsed.page.hits.len() + parsed.malformed.len(),
            n,
            "a hit was lost"
        );
    }
    let (details, bad_details) = parse_shop_products(body).unwrap_or_default();
    let config = config();
    for store in &config.stores {
        let site = SiteView {
            site_id: &store.site_id,
            locale: &store.locale,
            currency: &store.currency,
            inventory_list: store.inventory_list.as_deref(),
        };
        let mut products = parsed.page.hits.clone();
        let wanted = products
            .iter()
            .filter(|p| wants_details(p, &store.site_id))
            .count();
        let before = products.len();
        let applied = apply_details(&mut products, details.clone(), bad_details.clone(), &site);
        assert_eq!(
            before,
            products.len() + applied.gone.len() + applied.malformed.len(),
            "a product vanished when details were applied"
        );
        assert!(applied.gone.len() + applied.malformed.len() <= wanted);

        let m = map_page(&products, store, &config.mapping);
        let mut seen = HashSet::new();
        let variants = products
            .iter()
            .filter(|p| seen.insert(p.id.as_str()) && p.master.is_some())
            .count();
        assert_eq!(
            m.upserts.len() + m.removals.len() + m.rejected.len() + variants,
            products.len(),
            "a product is in no outcome or in two"
        );
        assert!(m.masters_to_refresh.len() <= variants);
        assert!(m.rejected.iter().all(|r| !r.problems.is_empty()));

        let mut ids = HashSet::new();
        for product in &m.upserts {
            assert!(ids.insert(product.id.as_str()), "{} sent twice", product.id);
            let problems = validate(product);
            assert!(
                problems.is_empty(),
                "sent although {problems:?}: {product:?}"
            );
        }
        let body = serde_json::to_string(&ProductsUpsert {
            key: &store.clerk_public_key,
            private_key: "secret",
            products: &m.upserts,
        })
        .expect("an upsert serializes");
        let sent: Value = serde_json::from_str(&body).expect("the upsert body is JSON");
        let sent: Vec<ClerkProduct> = serde_json::from_value(sent["products"].clone())
            .unwrap_or_else(|e| panic!("the upsert body does not read back ({e}): {body}"));
        assert_eq!(sent, m.upserts, "the upsert body changed a product: {body}");
    }
});
