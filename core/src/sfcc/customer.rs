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

/// One search hit: the customer under `data` (`customer_search_hit`), or — as older Data API
/// versions document `CustomerSearchHit` — the customer's fields on the hit itself.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerHit {
    /// The customer.
    pub data: Customer,
}

impl<'de> Deserialize<'de> for CustomerHit {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut hit = serde_json::Map::<String, Value>::deserialize(d)?;
        let customer = match hit.remove("data") {
            Some(data @ Value::Object(_)) => data,
            Some(other) => {
                hit.insert("data".into(), other);
                Value::Object(hit)
            }
            None => Value::Object(hit),
        };
        Ok(Self {
            data: serde_json::from_value(customer).map_err(serde::de::Error::custom)?,
        })
    }
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

/// How deep `customer_search` reads: "The sum of the values of the start and count parameters
/// should not be more than 10000" (Data API 25.6, `customer_search`).
pub const CUSTOMER_SEARCH_DEPTH: u32 = 10_000;

/// The `count` of the customer page at `start`: the page size, short of the depth.
pub fn customer_page_count(start: u32, page_size: u32) -> u32 {
    page_size.min(CUSTOMER_SEARCH_DEPTH.saturating_sub(start))
}

/// What follows a page of a customer window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomersNext {
    /// The next page, from this offset.
    Page(u32),
    /// The window is read: its end is the store's next high-water mark.
    Done,
    /// The window holds more customers than `customer_search` reads; these many were not read.
    /// The window still counts as read, so later runs read changes only, instead of reading the
    /// same 10,000 again on every cron and failing at the same offset.
    Capped {
        /// Customers of the window past the depth.
        unread: u32,
    },
}

/// What follows the page at `start` that brought `hits` of the window's `total` customers.
pub fn customers_next(start: u32, hits: u32, total: u32) -> CustomersNext {
    let next = start.saturating_add(hits);
    if hits == 0 || next >= total {
        CustomersNext::Done
    } else if next >= CUSTOMER_SEARCH_DEPTH {
        CustomersNext::Capped {
            unread: total - next,
        }
    } else {
        CustomersNext::Page(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_is_read_down_to_the_depth_and_no_further() {
        assert_eq!(customers_next(0, 200, 450), CustomersNext::Page(200));
        assert_eq!(customers_next(400, 50, 450), CustomersNext::Done);
        assert_eq!(
            customers_next(0, 0, 450),
            CustomersNext::Done,
            "an empty page ends it"
        );
        assert_eq!(customers_next(9_800, 200, 10_000), CustomersNext::Done);
        assert_eq!(
            customers_next(9_800, 200, 25_000),
            CustomersNext::Capped { unread: 15_000 }
        );
        assert_eq!(customer_page_count(0, 200), 200);
        assert_eq!(
            customer_page_count(9_900, 150),
            100,
            "start + count ≤ 10000"
        );
        assert_eq!(customer_page_count(10_000, 150), 0);
        // Pages of 150 reach the depth exactly: 66 of them to 9,900, then one of 100.
        let (mut start, mut pages) = (0, 0);
        let end = loop {
            let count = customer_page_count(start, 150);
            assert!(start + count <= CUSTOMER_SEARCH_DEPTH);
            pages += 1;
            match customers_next(start, count, 20_000) {
                CustomersNext::Page(next) => start = next,
                other => break other,
            }
        };
        assert_eq!((pages, end), (67, CustomersNext::Capped { unread: 10_000 }));
    }

    #[test]
    fn a_hit_carries_its_customer_under_data_or_on_itself() {
        let result: CustomerSearchResult = serde_json::from_value(json!({"total": 2, "hits": [
            {"_type": "customer_search_hit", "relevance": 1.0,
             "data": {"customer_no": "00000001", "email": "a@example.com"}},
            {"_type": "customer_search_hit", "customer_no": "00000002", "first_name": "Bruno"}
        ]}))
        .unwrap();
        let numbers: Vec<_> = result
            .hits
            .iter()
            .map(|h| h.data.customer_no.as_deref())
            .collect();
        assert_eq!(numbers, [Some("00000001"), Some("00000002")]);
        assert_eq!(result.hits[0].data.email.as_deref(), Some("a@example.com"));
        assert_eq!(result.hits[1].data.first_name.as_deref(), Some("Bruno"));
        assert!(serde_json::from_value::<CustomerHit>(json!({"customer_no": 5})).is_err());
    }
}
