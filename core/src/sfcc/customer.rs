use super::OCAPI_VERSION;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Path of the Data API customer search on a customer list (`POST`, JSON body).
pub fn customer_search_path(list_id: &str) -> String {
    format!("/s/-/dw/data/{OCAPI_VERSION}/customer_lists/{list_id}/customer_search")
}

/// A customer search body: the customers modified in a window (or all, without `from`), in a
/// stable order, one page.
pub fn customer_search_request(from: Option<&str>, to: &str, start: u32, count: u32) -> Value {
    let query = match from {
        Some(from) => json!({"filtered_query": {
            "query": {"match_all_query": {}},
            "filter": {"range_filter": {"field": "last_modified", "from": from, "to": to}}
        }}),
        None => json!({"match_all_query": {}}),
    };
    json!({
        "query": query,
        "select": "(**)",
        "sorts": [{"field": "customer_no", "sort_order": "asc"}],
        "start": start,
        "count": count,
    })
}

/// A Data API customer document, as far as the connector reads it.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct Customer {
    /// Customer number.
    #[serde(default)]
    pub customer_no: Option<String>,
    /// Email address.
    #[serde(default)]
    pub email: Option<String>,
    /// First name.
    #[serde(default)]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default)]
    pub last_name: Option<String>,
    /// Every other attribute (custom ones are `c_*`).
    #[serde(flatten)]
    pub other: BTreeMap<String, Value>,
}

/// One search hit.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct CustomerHit {
    /// The customer.
    pub data: Customer,
}

/// A `customer_search` answer.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct CustomerSearchResult {
    /// Matches in all.
    #[serde(default)]
    pub total: u32,
    /// This page's hits.
    #[serde(default)]
    pub hits: Vec<CustomerHit>,
}
