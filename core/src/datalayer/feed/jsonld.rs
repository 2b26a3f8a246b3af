//! Products from a JSON-LD block (`<script type="application/ld+json">`), as SFRA renders it:
//! `{"@type": "Product", "sku", "name", "offers": {"price": "29.99", "priceCurrency",
//! "availability": "http://schema.org/InStock"}}`; also arrays, `@graph`, offer arrays and
//! `AggregateOffer` (`lowPrice`).

use super::{FactSource, PageProduct};
use serde_json::{Map, Value};

/// Why a JSON-LD block was not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("JSON-LD block {block} is not valid JSON: {reason}")]
pub struct JsonLdError {
    /// Position of the block.
    pub block: usize,
    /// The parser's message.
    pub reason: String,
}

/// Every `Product` in the block numbered `block`.
pub fn from_json_ld(text: &str, block: usize) -> Result<Vec<PageProduct>, JsonLdError> {
    let value: Value = serde_json::from_str(text).map_err(|e| JsonLdError {
        block,
        reason: e.to_string(),
    })?;
    let nodes: Vec<(String, &Value)> = match &value {
        Value::Array(nodes) => nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (format!("[{i}]"), n))
            .collect(),
        Value::Object(o) => match o.get("@graph") {
            Some(Value::Array(graph)) => graph
                .iter()
                .enumerate()
                .map(|(i, n)| (format!("@graph[{i}]"), n))
                .collect(),
            _ => vec![(String::new(), &value)],
        },
        _ => Vec::new(),
    };
    Ok(nodes
        .into_iter()
        .filter_map(|(path, n)| Some((path, n.as_object()?)))
        .filter(|(_, n)| is_product(n))
        .map(|(path, n)| product(n, block, path))
        .collect())
}

fn is_product(node: &Map<String, Value>) -> bool {
    match node.get("@type") {
        Some(Value::String(t)) => t == "Product",
        Some(Value::Array(types)) => types.iter().any(|t| t == "Product"),
        _ => false,
    }
}

fn product(node: &Map<String, Value>, block: usize, path: String) -> PageProduct {
    let text = |key: &str| node.get(key).and_then(Value::as_str).map(str::to_string);
    let offers: Vec<&Map<String, Value>> = match node.get("offers") {
        Some(Value::Object(o)) => vec![o],
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_object).collect(),
        _ => Vec::new(),
    };
    let priced = offers.iter().find(|o| {
        amount(o.get("price"))
            .or(amount(o.get("lowPrice")))
            .is_some()
    });
    let stock: Vec<bool> = offers
        .iter()
        .filter_map(|o| o.get("availability").and_then(Value::as_str))
        .filter_map(in_stock)
        .collect();
    PageProduct {
        source: FactSource::JsonLd { block },
        path,
        id: text("sku").or_else(|| text("productID")),
        name: text("name"),
        price: priced.and_then(|o| amount(o.get("price")).or(amount(o.get("lowPrice")))),
        currency: priced
            .and_then(|o| o.get("priceCurrency"))
            .and_then(Value::as_str)
            .map(str::to_string),
        in_stock: (!stock.is_empty()).then(|| stock.contains(&true)),
    }
}

/// A number, or a string holding one (`"29.99"`).
fn amount(value: Option<&Value>) -> Option<f64> {
    match value? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok().filter(|n: &f64| n.is_finite()),
        _ => None,
    }
}

/// schema.org `ItemAvailability`, as a URL or a bare name.
fn in_stock(availability: &str) -> Option<bool> {
    match availability.rsplit('/').next().unwrap_or(availability) {
        "InStock"
        | "LimitedAvailability"
        | "OnlineOnly"
        | "InStoreOnly"
        | "PreOrder"
        | "PreSale"
        | "BackOrder"
        | "MadeToOrder" => Some(true),
        "OutOfStock" | "SoldOut" | "Discontinued" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SFRA: &str = r#"{"@context":"http://schema.org/","@type":"Product","name":"Classic Polo",
        "sku":"25592770M","mpn":"25592770M","offers":{"url":"https://x/p","@type":"Offer",
        "priceCurrency":"USD","price":"29.99","availability":"http://schema.org/InStock"}}"#;

    #[test]
    fn reads_sfra_product_markup() {
        let products = from_json_ld(SFRA, 0).unwrap();
        assert_eq!(
            products,
            [PageProduct {
                source: FactSource::JsonLd { block: 0 },
                path: String::new(),
                id: Some("25592770M".into()),
                name: Some("Classic Polo".into()),
                price: Some(29.99),
                currency: Some("USD".into()),
                in_stock: Some(true),
            }]
        );
    }

    #[test]
    fn reads_offer_arrays_graphs_and_aggregate_offers() {
        let graph = r#"{"@graph":[{"@type":"BreadcrumbList"},{"@type":["Product"],"productID":"P1",
            "offers":[{"availability":"https://schema.org/OutOfStock","price":12,"priceCurrency":"EUR"},
                      {"availability":"OutOfStock"}]}]}"#;
        let products = from_json_ld(graph, 2).unwrap();
        assert_eq!(products.len(), 1);
        let p = &products[0];
        assert_eq!(
            (p.id.as_deref(), p.price, p.currency.as_deref(), p.in_stock),
            (Some("P1"), Some(12.0), Some("EUR"), Some(false))
        );
        assert_eq!(p.source, FactSource::JsonLd { block: 2 });
        assert_eq!(p.path, "@graph[1]");
        let aggregate = r#"[{"@type":"Product","offers":{"@type":"AggregateOffer","lowPrice":"9.5","priceCurrency":"USD"}}]"#;
        let p = &from_json_ld(aggregate, 0).unwrap()[0];
        assert_eq!(
            (p.price, p.in_stock, p.id.as_deref()),
            (Some(9.5), None, None)
        );
    }

    #[test]
    fn other_types_and_bad_prices_yield_no_facts() {
        assert_eq!(from_json_ld(r#"{"@type":"Organization"}"#, 0).unwrap(), []);
        let p = &from_json_ld(r#"{"@type":"Product","offers":{"price":"call us"}}"#, 0).unwrap()[0];
        assert_eq!(p.price, None);
        let e = from_json_ld("{", 3).unwrap_err();
        assert_eq!(e.block, 3);
        assert!(e
            .to_string()
            .starts_with("JSON-LD block 3 is not valid JSON"));
    }
}
