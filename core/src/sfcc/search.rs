use super::Product;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// OCAPI's largest page (`count`) for a search.
pub const MAX_PAGE_SIZE: u32 = 200;

/// A Data API `product_search` request body.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ProductSearchRequest {
    /// The search query (`match_all_query`, `filtered_query`, …).
    pub query: Value,
    /// Property selector; `(**)` returns whole documents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub select: Option<String>,
    /// Sort orders, e.g. `[{"field": "id", "sort_order": "asc"}]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sorts: Vec<Value>,
    /// Offset of the first hit.
    pub start: u32,
    /// Page size, at most [`MAX_PAGE_SIZE`].
    pub count: u32,
    /// Expansions; the connector asks for none (details come from the Shop API).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expand: Vec<String>,
}

impl ProductSearchRequest {
    /// One page of every product, in a stable order, with what mapping needs expanded.
    pub fn all_products(start: u32, count: u32) -> Self {
        Self::with_query(json!({"match_all_query": {}}), start, count)
    }

    /// One page of the products modified between `from` and `to` (ISO 8601 UTC, inclusive).
    pub fn modified_between(from: &str, to: &str, start: u32, count: u32) -> Self {
        let query = json!({"filtered_query": {
            "query": {"match_all_query": {}},
            "filter": {"range_filter": {"field": "last_modified", "from": from, "to": to}}
        }});
        Self::with_query(query, start, count)
    }

    /// The products with the given ids (at most one page).
    pub fn by_ids(ids: &[String]) -> Self {
        let query = json!({"term_query": {"fields": ["id"], "operator": "one_of", "values": ids}});
        Self::with_query(query, 0, ids.len().clamp(1, MAX_PAGE_SIZE as usize) as u32)
    }

    fn with_query(query: Value, start: u32, count: u32) -> Self {
        Self {
            query,
            select: Some("(**)".into()),
            sorts: vec![json!({"field": "id", "sort_order": "asc"})],
            start,
            count: count.clamp(1, MAX_PAGE_SIZE),
            // Category assignments come only with their expansion. Prices, stock and images are
            // the Shop API's to tell (see `shop`).
            expand: vec!["categories".into()],
        }
    }
}

/// A Data API `product_search` result page.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct ProductSearchResult {
    /// Number of hits on this page.
    pub count: u32,
    /// Offset of this page.
    pub start: u32,
    /// Number of hits in all pages.
    pub total: u32,
    /// The product documents.
    #[serde(default)]
    pub hits: Vec<Product>,
}

impl ProductSearchResult {
    /// The `start` of the next page, if there is one.
    pub fn next_start(&self) -> Option<u32> {
        let next = self.start.checked_add(self.count)?;
        (self.count > 0 && next < self.total).then_some(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_until_total() {
        let page = |start, count, total| ProductSearchResult {
            start,
            count,
            total,
            hits: vec![],
        };
        assert_eq!(page(0, 200, 450).next_start(), Some(200));
        assert_eq!(page(400, 50, 450).next_start(), None);
        assert_eq!(
            page(0, 0, 450).next_start(),
            None,
            "an empty page ends paging"
        );
    }

    #[test]
    fn delta_and_id_queries_have_the_ocapi_shape() {
        let r = ProductSearchRequest::modified_between("a", "b", 0, 10);
        assert_eq!(
            r.query["filtered_query"]["filter"]["range_filter"],
            json!({"field": "last_modified", "from": "a", "to": "b"})
        );
        let r = ProductSearchRequest::by_ids(&["M1".into(), "M2".into()]);
        assert_eq!(
            r.query,
            json!({"term_query": {"fields": ["id"], "operator": "one_of", "values": ["M1", "M2"]}})
        );
        assert_eq!(r.count, 2);
    }

    #[test]
    fn request_clamps_page_size() {
        assert_eq!(
            ProductSearchRequest::all_products(0, 5000).count,
            MAX_PAGE_SIZE
        );
        assert_eq!(ProductSearchRequest::all_products(0, 0).count, 1);
    }
}
