use super::shape::{scapi_as_ocapi, shape_of, DocumentShape};
use super::validate::{FieldProblem, RecordError};
use crate::sfcc::{Product, ProductSearchResult};
use serde_json::Value;

/// A search page whose product documents were parsed one by one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParsedPage {
    /// The page, holding the documents that parsed.
    pub page: ProductSearchResult,
    /// Documents that did not parse, reported like any invalid record.
    pub malformed: Vec<RecordError>,
    /// The id of the page's last hit that has one, parsed or not: where the next segment of a
    /// search sorted by id starts (see `catalog::segment`).
    pub last_id: Option<String>,
}

/// A page body that is not a product search result at all.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct PageError(String);

/// Parses a `product_search` result. A malformed product document does not spoil the page: it is
/// reported with its id (when it has one) and the parse error.
pub fn parse_search_page(body: &str) -> Result<ParsedPage, PageError> {
    let bad = |why: String| PageError(format!("not an OCAPI product_search result: {why}"));
    let mut raw: Value = serde_json::from_str(body).map_err(|e| bad(e.to_string()))?;
    let hits = match raw.as_object_mut().and_then(|o| o.remove("hits")) {
        Some(Value::Array(hits)) => hits,
        None | Some(Value::Null) => Vec::new(),
        Some(_) => return Err(bad("`hits` is not a list".into())),
    };
    let mut page: ProductSearchResult =
        serde_json::from_value(raw).map_err(|e| PageError(e.to_string()))?;
    let last_id = hits
        .iter()
        .rev()
        .find_map(|hit| hit.get("id").and_then(Value::as_str))
        .map(str::to_string);
    let (products, malformed) = parse_each(hits);
    page.hits = products;
    Ok(ParsedPage {
        page,
        malformed,
        last_id,
    })
}

/// Parses each document as the API it came from (see [`shape_of`]); one that is not a product
/// document, or does not parse, is reported with what it looks like and why.
fn parse_each(items: Vec<Value>) -> (Vec<Product>, Vec<RecordError>) {
    let mut products = Vec::with_capacity(items.len());
    let mut malformed = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        let id = ["id", "product_id", "productId"]
            .iter()
            .find_map(|k| item.get(*k).and_then(Value::as_str))
            .map(str::to_string);
        let product_id = || {
            id.clone()
                .unwrap_or_else(|| format!("(document {i} without id)"))
        };
        let shape = item.as_object().map_or(DocumentShape::Ocapi, shape_of);
        if let Some(why) = shape.refusal() {
            malformed.push(RecordError {
                product_id: product_id(),
                problems: vec![FieldProblem::new("document", why)],
            });
            continue;
        }
        let (item, api) = match shape {
            DocumentShape::Scapi => (scapi_as_ocapi(item), "a SCAPI Shopper Products document"),
            _ => (item, "an OCAPI product document"),
        };
        match serde_json::from_value::<Product>(item) {
            Ok(p) => products.push(p),
            Err(e) => malformed.push(RecordError {
                product_id: product_id(),
                problems: vec![FieldProblem::new("document", format!("{api}: {e}"))],
            }),
        }
    }
    (products, malformed)
}

/// Reads product documents in any shape operators have at hand: one OCAPI `product` document, a
/// JSON array of them, a `product_search` result (`hits`), or a Shop API `products` result
/// (`data`); SCAPI Shopper Products documents (one, a list, or a getProducts result, `data`)
/// too. Malformed documents are reported, not fatal.
pub fn parse_documents(text: &str) -> Result<(Vec<Product>, Vec<RecordError>), PageError> {
    let value: Value =
        serde_json::from_str(text).map_err(|e| PageError(format!("not JSON: {e}")))?;
    let items = match value {
        Value::Array(items) => items,
        Value::Object(mut obj) => match ["hits", "data"].iter().find_map(|k| obj.remove(*k)) {
            Some(Value::Array(items)) => items,
            Some(_) => {
                return Err(PageError(
                    "`hits` / `data` must be a list of product documents".into(),
                ))
            }
            None => vec![Value::Object(obj)],
        },
        _ => {
            return Err(PageError(
                "expected a product document, a list, or a search result".into(),
            ))
        }
    };
    Ok(parse_each(items))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_document_is_reported_and_the_rest_parse() {
        let body = r#"{"count":3,"start":0,"total":3,"hits":[{"id":"A"},{"id":"B","price":"cheap"},{"name":{}}]}"#;
        let parsed = parse_search_page(body).unwrap();
        assert_eq!(parsed.page.hits.len(), 1);
        assert_eq!(parsed.page.count, 3);
        assert_eq!(parsed.malformed[0].product_id, "B");
        assert_eq!(parsed.malformed[0].problems[0].field, "document");
        assert!(parsed.malformed[0].problems[0]
            .reason
            .contains("invalid type"));
        assert_eq!(parsed.malformed[1].product_id, "(document 2 without id)");
        assert_eq!(
            parsed.last_id.as_deref(),
            Some("B"),
            "the next segment starts after the last id read, even a malformed document's"
        );
    }

    #[test]
    fn reads_every_document_shape() {
        for text in [
            r#"{"id":"A"}"#,
            r#"[{"id":"A"}]"#,
            r#"{"count":1,"hits":[{"id":"A"}]}"#,
            r#"{"count":1,"data":[{"id":"A"}]}"#,
        ] {
            let (products, malformed) = parse_documents(text).unwrap();
            assert_eq!(
                (products.len(), products[0].id.as_str(), malformed.len()),
                (1, "A", 0),
                "{text}"
            );
        }
        assert!(parse_documents("7").is_err());
        assert!(parse_documents(r#"{"hits":3}"#).is_err());
    }

    #[test]
    fn search_hits_are_refused_naming_what_they_are_and_scapi_documents_are_read() {
        let text = r#"[{"product_id":"A","product_name":"Shirt","hit_type":"master"},
            {"productId":"B","productName":"Shirt","hitType":"master"},
            {"id":"C","name":"Shirt","primaryCategoryId":"tops","shortDescription":"Soft"},
            {"id":"D","imageGroups":"none"}]"#;
        let (products, malformed) = parse_documents(text).unwrap();
        let reasons: Vec<(&str, &str)> = malformed
            .iter()
            .map(|e| (e.product_id.as_str(), e.problems[0].reason.as_str()))
            .collect();
        assert!(reasons[0].0 == "A" && reasons[0].1.contains("Shop API product_search hit"));
        assert!(reasons[1].0 == "B" && reasons[1].1.contains("SCAPI Shopper Search hit"));
        assert!(
            reasons[2].0 == "D"
                && reasons[2]
                    .1
                    .starts_with("a SCAPI Shopper Products document: invalid type"),
            "{reasons:?}"
        );
        assert_eq!(products.len(), 1);
        assert_eq!(products[0].primary_category_id.as_deref(), Some("tops"));
        assert_eq!(products[0].short_description.get("en-US"), Some("Soft"));
    }

    #[test]
    fn a_body_that_is_not_a_page_is_an_error() {
        assert!(parse_search_page("<html>").is_err());
        assert!(parse_search_page(r#"{"hits":{}}"#).is_err());
        assert!(parse_search_page(r#"{"count":"x"}"#).is_err());
    }
}
