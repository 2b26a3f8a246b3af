//! The wasm exports for the data-layer audit: thin wrappers over the core, each with a pure
//! twin (`*_json`) that native tests call.

use sfcc_clerk_core::datalayer::feed::{audit_feed, FeedRecord, PageSources};
use sfcc_clerk_core::datalayer::{classify, classify_url, validate, Capture, PageType, SiteRules};
use wasm_bindgen::prelude::*;

/// The page type of a URL (`rules_json`'s page rules first, then SFRA's defaults), as its
/// snake_case name. The rules are site rules (`{"pages": [...], "hints": [...]}`) or a bare
/// array of page rules `{"page", "path", "query"?}`; only the page rules apply to a URL.
pub fn classify_page_json(url: &str, rules_json: Option<&str>) -> Result<String, String> {
    let rules = match rules_json {
        Some(text) => SiteRules::parse(text).map_err(|e| e.to_string())?,
        None => SiteRules::default(),
    };
    Ok(classify_url(url, &rules.pages).as_str().to_string())
}

/// Validates a JSON array of pushes as `page` (a page type name, or `auto`: from `url` and the
/// data layer's hints); the report as JSON.
pub fn validate_data_layer_json(
    page: &str,
    pushes_json: &str,
    url: &str,
) -> Result<String, String> {
    let capture = Capture::parse(pushes_json).map_err(|e| e.to_string())?;
    let page = match page {
        "auto" => classify(url, &[], &capture),
        name => PageType::parse(name).ok_or_else(|| {
            let names: Vec<&str> = PageType::ALL.iter().map(|p| p.as_str()).collect();
            format!(
                "unknown page type {name:?}; one of: auto, {}",
                names.join(", ")
            )
        })?,
    };
    serde_json::to_string(&validate(&capture, page)).map_err(|e| e.to_string())
}

/// Compares the page's facts (`{"data_layer": [...], "json_ld": ["..."]}`) with a feed record
/// (`{"id", "name", "price", "currency", "in_stock"}`); the report as JSON.
pub fn validate_feed_json(page_facts_json: &str, feed_json: &str) -> Result<String, String> {
    let sources: PageSources =
        serde_json::from_str(page_facts_json).map_err(|e| format!("page facts: {e}"))?;
    let feed: FeedRecord =
        serde_json::from_str(feed_json).map_err(|e| format!("feed record: {e}"))?;
    serde_json::to_string(&audit_feed(&sources, &feed)).map_err(|e| e.to_string())
}

fn current_url() -> String {
    web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default()
}

/// JS API: `classifyPage(url, rulesJson?)` → `"pdp"`, `"plp"`, … (throws on malformed rules,
/// naming the mistake).
#[wasm_bindgen(js_name = classifyPage)]
pub fn classify_page(url: &str, rules_json: Option<String>) -> Result<String, JsError> {
    classify_page_json(url, rules_json.as_deref()).map_err(|e| JsError::new(&e))
}

/// JS API: `validateDataLayer(page, pushesJson)` → the report as a JSON string; `page` may be
/// `"auto"` (classified from this page's URL and the data layer). Throws when the pushes are not
/// a JSON array or the page type is unknown.
#[wasm_bindgen(js_name = validateDataLayer)]
pub fn validate_data_layer(page: &str, pushes_json: &str) -> Result<String, JsError> {
    validate_data_layer_json(page, pushes_json, &current_url()).map_err(|e| JsError::new(&e))
}

/// JS API: `validateFeed(pageFactsJson, feedJson)` → the `feed_mismatch` report as a JSON string.
#[wasm_bindgen(js_name = validateFeed)]
pub fn validate_feed(page_facts_json: &str, feed_json: &str) -> Result<String, JsError> {
    validate_feed_json(page_facts_json, feed_json).map_err(|e| JsError::new(&e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn classifies_with_defaults_and_rules() {
        let pdp = "https://x.example/on/demandware.store/Sites-A-Site/en_US/Product-Show?pid=1";
        assert_eq!(classify_page_json(pdp, None).unwrap(), "pdp");
        let rules = r#"[{"page":"plp","path":"/c/*"}]"#;
        assert_eq!(
            classify_page_json("https://x.example/c/shoes", Some(rules)).unwrap(),
            "plp"
        );
        let both =
            r#"{"pages":[{"page":"plp","path":"/c/*"}],"hints":[{"page":"pdp","value":"p"}]}"#;
        assert_eq!(
            classify_page_json("https://x.example/c/shoes", Some(both)).unwrap(),
            "plp"
        );
        assert!(classify_page_json(pdp, Some("{"))
            .unwrap_err()
            .starts_with("site rules are not valid JSON"));
        assert_eq!(
            classify_page_json(pdp, Some(r#"[{"page":"pdp","path":"p"}]"#)).unwrap_err(),
            "site rules: pages[0].path: expected a URL path starting with / (`*` matches any run of characters), found \"p\""
        );
    }

    #[test]
    fn validates_as_a_named_or_an_automatic_page() {
        let pushes = r#"[{"event":"search","search_term":""}]"#;
        let named: Value =
            serde_json::from_str(&validate_data_layer_json("search", pushes, "").unwrap()).unwrap();
        assert_eq!(named["findings"][0]["code"], "bad_value");
        let auto: Value = serde_json::from_str(
            &validate_data_layer_json(
                "auto",
                "[]",
                "https://x.example/on/demandware.store/S/en/Cart-Show",
            )
            .unwrap(),
        )
        .unwrap();
        assert_eq!(auto["page"], "cart");
        assert!(validate_data_layer_json("basket", "[]", "")
            .unwrap_err()
            .contains("unknown page type"));
        assert!(validate_data_layer_json("pdp", "{}", "")
            .unwrap_err()
            .contains("JSON array"));
    }

    #[test]
    fn compares_with_the_feed() {
        let facts = r#"{"json_ld":["{\"@type\":\"Product\",\"sku\":\"P1\",\"offers\":{\"price\":\"10.00\"}}"]}"#;
        let feed = r#"{"id":"P1","name":"N","price":12.5,"currency":"USD","in_stock":true}"#;
        let report: Value =
            serde_json::from_str(&validate_feed_json(facts, feed).unwrap()).unwrap();
        assert_eq!(report["findings"][0]["code"], "feed_mismatch");
        assert!(validate_feed_json(facts, "{}")
            .unwrap_err()
            .starts_with("feed record:"));
    }
}
