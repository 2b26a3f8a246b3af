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
}

/// A page body that is not a product search result at all.
#[derive(Debug, thiserror::Error)]
#[error("not an OCAPI product_search result: {0}")]
pub struct PageError(String);

/// Parses a `product_search` result. A malformed product document does not spoil the page: it is
/// reported with its id (when it has one) and the parse error.
pub fn parse_search_page(body: &str) -> Result<ParsedPage, PageError> {
    let mut raw: Value = serde_json::from_str(body).map_err(|e| PageError(e.to_string()))?;
    let hits = match raw.as_object_mut().and_then(|o| o.remove("hits")) {
        Some(Value::Array(hits)) => hits,
        None | Some(Value::Null) => Vec::new(),
        Some(_) => return Err(PageError("`hits` is not a list".into())),
    };
    let mut page: ProductSearchResult =
        serde_json::from_value(raw).map_err(|e| PageError(e.to_string()))?;
    let mut malformed = Vec::new();
    for (i, hit) in hits.into_iter().enumerate() {
        let id = hit.get("id").and_then(Value::as_str).map(str::to_string);
        match serde_json::from_value::<Product>(hit) {
            Ok(p) => page.hits.push(p),
            Err(e) => malformed.push(RecordError {
                product_id: id.unwrap_or_else(|| format!("(hit {i} without id)")),
                problems: vec![FieldProblem::new("document", e.to_string())],
            }),
        }
    }
    Ok(ParsedPage { page, malformed })
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
        assert_eq!(parsed.malformed[1].product_id, "(hit 2 without id)");
    }

    #[test]
    fn a_body_that_is_not_a_page_is_an_error() {
        assert!(parse_search_page("<html>").is_err());
        assert!(parse_search_page(r#"{"hits":{}}"#).is_err());
        assert!(parse_search_page(r#"{"count":"x"}"#).is_err());
    }
}
