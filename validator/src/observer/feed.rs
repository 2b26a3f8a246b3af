//! Page vs feed in the page: the products the page shows (data layer and JSON-LD) against what
//! Clerk last received for them, asked of the worker in front of the storefront.

use super::Observer;
use sfcc_clerk_core::clerk::percent_encode;
use sfcc_clerk_core::datalayer::feed::{audit_feed, product_ids, FeedRecord, PageSources};
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The worker's feed lookup (same origin).
const FEED_PATH: &str = "/__sfcc-clerk/qa/feed";

/// Compares the page's products with the feed and adds the findings to the observer's report.
/// A page not behind the worker (no lookup) is left as it is.
pub async fn check(observer: Rc<Observer>) -> Result<(), JsValue> {
    let document = observer.window.document().ok_or("no document")?;
    let blocks = document.query_selector_all("script[type=\"application/ld+json\"]")?;
    let json_ld = (0..blocks.length())
        .filter_map(|i| blocks.item(i))
        .map(|n| n.text_content().unwrap_or_default())
        .collect();
    let sources = PageSources {
        data_layer: observer.capture.borrow().pushes.clone(),
        json_ld,
    };
    let ids = product_ids(&sources);
    if ids.is_empty() {
        return Ok(());
    }
    let url = format!(
        "{FEED_PATH}?ids={}",
        ids.iter()
            .map(|id| percent_encode(id))
            .collect::<Vec<_>>()
            .join(",")
    );
    let response: web_sys::Response = JsFuture::from(observer.window.fetch_with_str(&url))
        .await?
        .dyn_into()?;
    if !response.ok() {
        return Ok(());
    }
    let text = JsFuture::from(response.text()?)
        .await?
        .as_string()
        .unwrap_or_default();
    let records: Vec<FeedRecord> =
        serde_json::from_str(&text).map_err(|e| JsValue::from_str(&e.to_string()))?;
    let findings = records
        .iter()
        .flat_map(|record| audit_feed(&sources, record).findings)
        .collect();
    *observer.feed.borrow_mut() = findings;
    observer.refresh()
}
