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
    /// One page of every product, in a stable order, with what mapping needs expanded; only ids
    /// after `after` when it is given (keyset paging, see `catalog::segment`).
    pub fn all_products(after: Option<&str>, start: u32, count: u32) -> Self {
        let query = match after {
            None => json!({"match_all_query": {}}),
            Some(after) => json!({"filtered_query": {
                "query": {"match_all_query": {}},
                "filter": after_filter(after)
            }}),
        };
        Self::with_query(query, start, count)
    }

    /// One page of the products modified between `from` and `to` (ISO 8601 UTC, inclusive); only
    /// ids after `after` when it is given.
    pub fn modified_between(
        from: &str,
        to: &str,
        after: Option<&str>,
        start: u32,
        count: u32,
    ) -> Self {
        let modified = json!({"range_filter": {"field": "last_modified", "from": from, "to": to}});
        let filter = match after {
            None => modified,
            Some(after) => json!({"bool_filter": {
                "operator": "and",
                "filters": [modified, after_filter(after)]
            }}),
        };
        let query = json!({"filtered_query": {"query": {"match_all_query": {}}, "filter": filter}});
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

/// The ids after `after`, in the order the search sorts them (`id` ascending). A RangeFilter
/// takes `from` alone with `from_inclusive` (Data API RangeFilter document: "you can't leave both
/// bounds open-ended", so one bound is enough; the inclusive flags default to true). `id` is a
/// searchable and sortable field of `product_search`; that its range follows the sort's order is
/// what the RangeFilter document says of every value type ("relies on the natural sorting"),
/// not something it shows for `id` itself — see docs/catalog.md.
fn after_filter(after: &str) -> Value {
    json!({"range_filter": {"field": "id", "from": after, "from_inclusive": false}})
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
        let r = ProductSearchRequest::modified_between("a", "b", None, 0, 10);
        assert_eq!(
            r.query["filtered_query"]["filter"]["range_filter"],
            json!({"field": "last_modified", "from": "a", "to": "b"})
        );
        let r = ProductSearchRequest::modified_between("a", "b", Some("P9"), 0, 10);
        assert_eq!(
            r.query["filtered_query"]["filter"]["bool_filter"],
            json!({"operator": "and", "filters": [
                {"range_filter": {"field": "last_modified", "from": "a", "to": "b"}},
                {"range_filter": {"field": "id", "from": "P9", "from_inclusive": false}}
            ]})
        );
        let r = ProductSearchRequest::all_products(Some("P9"), 0, 10);
        assert_eq!(
            r.query,
            json!({"filtered_query": {"query": {"match_all_query": {}}, "filter":
                {"range_filter": {"field": "id", "from": "P9", "from_inclusive": false}}}})
        );
        assert_eq!(r.sorts, [json!({"field": "id", "sort_order": "asc"})]);
        assert_eq!(
            ProductSearchRequest::all_products(None, 0, 10).query,
            json!({"match_all_query": {}})
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
            ProductSearchRequest::all_products(None, 0, 5000).count,
            MAX_PAGE_SIZE
        );
        assert_eq!(ProductSearchRequest::all_products(None, 0, 0).count, 1);
    }
}
