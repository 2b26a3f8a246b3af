//! The page's product facts from what the page holds, and the whole page-vs-feed audit.

use super::{compare, from_json_ld, FactSource, FeedRecord, PageProduct};
use crate::datalayer::capture::Capture;
use crate::datalayer::finding::{Code, Finding, Report, Severity};
use crate::datalayer::page::PageType;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What the page holds: its data-layer pushes and the text of its JSON-LD blocks.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PageSources {
    /// The `dataLayer` pushes.
    #[serde(default)]
    pub data_layer: Vec<Value>,
    /// Each `<script type="application/ld+json">` text.
    #[serde(default)]
    pub json_ld: Vec<String>,
}

/// The items of every `view_item` event (read through the computed state).
pub fn from_capture(capture: &Capture) -> Vec<PageProduct> {
    let mut products = Vec::new();
    for event in capture.events().iter().filter(|e| e.name == "view_item") {
        let Some(ecommerce) = event.ecommerce() else {
            continue;
        };
        let currency = ecommerce.get("currency").and_then(Value::as_str);
        let items = ecommerce.get("items").and_then(Value::as_array);
        for (i, item) in items.into_iter().flatten().enumerate() {
            let text = |k: &str| item.get(k).and_then(Value::as_str).map(str::to_string);
            products.push(PageProduct {
                source: FactSource::DataLayer { push: event.index },
                path: event.field_path(&format!("ecommerce.items[{i}]")),
                id: text("item_id").or_else(|| {
                    item.get("item_id")
                        .and_then(Value::as_number)
                        .map(|n| n.to_string())
                }),
                name: text("item_name"),
                price: item.get("price").and_then(Value::as_f64),
                currency: text("currency").or(currency.map(str::to_string)),
                in_stock: None,
            });
        }
    }
    products
}

/// The ids of the products the page shows (its `view_item` items and JSON-LD offers), each once.
pub fn product_ids(sources: &PageSources) -> Vec<String> {
    let mut products = from_capture(&Capture {
        pushes: sources.data_layer.clone(),
    });
    for (block, text) in sources.json_ld.iter().enumerate() {
        products.extend(from_json_ld(text, block).unwrap_or_default());
    }
    let mut ids: Vec<String> = Vec::new();
    for id in products.into_iter().filter_map(|p| p.id) {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids
}

/// Reads the page's products and compares them with the feed record; a JSON-LD block that is
/// not JSON is an Info finding.
pub fn audit_feed(sources: &PageSources, feed: &FeedRecord) -> Report {
    let mut findings = Vec::new();
    let mut products = from_capture(&Capture {
        pushes: sources.data_layer.clone(),
    });
    for (block, text) in sources.json_ld.iter().enumerate() {
        match from_json_ld(text, block) {
            Ok(found) => products.extend(found),
            Err(e) => findings.push(
                Finding::new(Code::NotAudited, Severity::Info, e.to_string())
                    .field(format!("json_ld[{block}]")),
            ),
        }
    }
    findings.extend(compare(&products, feed));
    Report::new(PageType::Pdp, findings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn product_ids_come_from_view_item_and_json_ld_once_each() {
        let sources = PageSources {
            data_layer: vec![
                json!({"event": "view_item", "ecommerce": {"items": [{"item_id": "A", "price": 1.0}]}}),
            ],
            json_ld: vec![
                json!({"@type": "Product", "sku": "A", "offers": {"price": "1.00"}}).to_string(),
                json!({"@type": "Product", "sku": "B", "offers": {"price": "2.00"}}).to_string(),
                "not json".into(),
            ],
        };
        assert_eq!(product_ids(&sources), ["A", "B"]);
    }

    #[test]
    fn a_feed_record_is_what_clerk_received() {
        let product: crate::clerk::ClerkProduct = serde_json::from_value(json!({
            "id": "A", "name": "Shirt", "description": "", "price": 9.5, "image": "https://i/a.jpg",
            "url": "https://s/a", "categories": [], "created_at": 0, "stock": 0, "in_stock": true
        }))
        .unwrap();
        let record = FeedRecord::of(&product, "EUR");
        assert_eq!(
            (record.price, record.currency.as_str(), record.in_stock),
            (9.5, "EUR", true)
        );
    }

    fn feed() -> FeedRecord {
        FeedRecord {
            id: "25592770M".into(),
            name: "Classic Polo".into(),
            price: 29.99,
            currency: "USD".into(),
            in_stock: true,
        }
    }

    #[test]
    fn reads_view_item_items_with_the_event_currency() {
        let capture = Capture::parse(
            r#"[{"ecommerce":null},{"event":"view_item","ecommerce":{"currency":"USD",
                "items":[{"item_id":"A","item_name":"Polo","price":"29.99"}]}},
                {"event":"view_item_list","ecommerce":{"items":[{"item_id":"B"}]}}]"#,
        )
        .unwrap();
        let products = from_capture(&capture);
        assert_eq!(products.len(), 1, "list items are not the page's product");
        let p = &products[0];
        assert_eq!(p.source, FactSource::DataLayer { push: 1 });
        assert_eq!(p.path, "ecommerce.items[0]");
        assert_eq!(
            (
                p.id.as_deref(),
                p.name.as_deref(),
                p.price,
                p.currency.as_deref()
            ),
            (Some("A"), Some("Polo"), None, Some("USD")),
            "a string price is not a price"
        );
    }

    #[test]
    fn a_page_that_agrees_with_the_feed_is_clean() {
        let sources: PageSources = serde_json::from_value(json!({
            "data_layer": [{"event": "view_item", "ecommerce": {"currency": "USD",
                "items": [{"item_id": "25592770M", "item_name": "Classic Polo", "price": 29.99}]}}],
            "json_ld": [r#"{"@type":"Product","sku":"25592770M","name":"Classic Polo ",
                "offers":{"price":"29.99","priceCurrency":"USD","availability":"http://schema.org/InStock"}}"#]
        }))
        .unwrap();
        let report = audit_feed(&sources, &feed());
        assert_eq!(report.findings, []);
        assert_eq!(report.page, PageType::Pdp);
    }

    #[test]
    fn broken_json_ld_is_noted_and_the_rest_still_compared() {
        let sources = PageSources {
            data_layer: Vec::new(),
            json_ld: vec!["{".into(), r#"{"@type":"Product","sku":"25592770M","offers":{"price":31,"priceCurrency":"USD"}}"#.into()],
        };
        let report = audit_feed(&sources, &feed());
        let codes: Vec<(Code, Option<&str>)> = report
            .findings
            .iter()
            .map(|f| (f.code, f.field.as_deref()))
            .collect();
        assert_eq!(
            codes,
            [
                (Code::FeedMismatch, Some("json_ld[1].offers.price")),
                (Code::NotAudited, Some("json_ld[0]"))
            ]
        );
    }
}
