//! The configuration file (stores and field mapping), read as TOML the way `build.rs` and
//! `sfcc-clerk map` read it, and as the JSON the worker embeds.
//!
//! Beyond "does not panic", an accepted configuration must hold:
//! - the JSON the worker is built with reads back as the same configuration (what `sfcc-clerk map`
//!   checks is what the worker runs);
//! - every store's product and category URLs are absolute http(s) URLs, so a configuration
//!   accepted at build time cannot make every product fail validation at run time;
//! - store names are unique and each has an ISO-4217-shaped currency;
//! - attribute rules are named as Clerk attributes, none like a Clerk product field, and their
//!   transforms apply to any value without panicking.

#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::json;
use sfcc_clerk_core::clerk::{is_attribute_name, PRODUCT_FIELDS};
use sfcc_clerk_core::config::ConnectorConfig;
use sfcc_clerk_core::store::is_absolute_http_url;
use std::collections::HashSet;

fn check(config: &ConnectorConfig, text: &str) {
    let embedded = serde_json::to_string(config).expect("a configuration serializes");
    let back = ConnectorConfig::from_json(&embedded)
        .unwrap_or_else(|e| panic!("the embedded form is refused ({e}): {embedded}\nfrom {text}"));
    assert_eq!(&back, config, "the embedded form differs: {embedded}");

    let mut names = HashSet::new();
    for store in &config.stores {
        assert!(names.insert(&store.name), "two stores {:?}", store.name);
        assert!(
            store.currency.len() == 3 && store.currency.bytes().all(|b| b.is_ascii_uppercase())
        );
        for id in ["P1", "25592770M"] {
            let url = store.product_url(id);
            assert!(
                is_absolute_http_url(&url),
                "product URL {url:?} of {store:?}"
            );
            if let Some(url) = store.category_url(id) {
                assert!(
                    is_absolute_http_url(&url),
                    "category URL {url:?} of {store:?}"
                );
            }
        }
    }
    for (name, rule) in &config.mapping.attributes {
        assert!(
            is_attribute_name(name) && !PRODUCT_FIELDS.contains(&name.as_str()),
            "attribute rule {name:?} accepted"
        );
        for value in [
            json!(" <b>Blue</b>, Red ,"),
            json!(["A, b", 3, null]),
            json!(4.5),
        ] {
            let _ = rule.transform.iter().fold(value, |v, t| t.apply(v));
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(config) = ConnectorConfig::from_toml(text) {
        check(&config, text);
    }
    if let Ok(config) = ConnectorConfig::from_json(text) {
        check(&config, text);
    }
});
