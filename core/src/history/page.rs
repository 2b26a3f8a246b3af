//! One page of an order window: the `getOrders` request and what follows it.
//!
//! Contract (commerce-sdk `apis/orders-oas-1.5.2/orders-oas-v1-public.yaml`, `getOrders`):
//! `GET …/checkout/orders/v1/organizations/{organizationId}/orders?siteId=` (required) with
//! `creationDateFrom` ("equal to or greater than") and `creationDateTo` ("less than"), `sortBy`
//! `creation_date` | `last_modified_date`, `sortOrder` `asc` | `desc` (default `desc`), `status`
//! (up to two of `new`, `completed`, `cancelled`, comma-separated), `limit` 1–200 (default 100)
//! and `offset`, where "the sum of the offset and limit parameters cannot be greater than 10000".
//! The answer is `OrdersResponse {data: [Order]}` and nothing else: no total, so a window ends
//! with a page shorter than its limit. Scope `sfcc.orders` (or `sfcc.orders.rw`).

use crate::clerk::percent_encode;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// How deep `getOrders` reads: `offset + limit` at most this.
pub const GET_ORDERS_DEPTH: u32 = 10_000;

/// The largest `getOrders` answer read (a page of 200 orders of many lines each).
pub const MAX_ORDERS_BYTES: usize = 8 * 1024 * 1024;

/// One page of a window: the orders created from `from` (inclusive) to `to` (exclusive), oldest
/// first, past the first `skip` of those created at exactly `from`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrdersPage {
    /// Creation date the page starts at, inclusive (ISO 8601 UTC, as SFCC writes it).
    pub from: String,
    /// Orders of the query from `from` already read (those created at exactly `from`).
    #[serde(default)]
    pub skip: u32,
    /// The window's end, exclusive (ISO 8601 UTC).
    pub to: String,
    /// The window's end, Unix ms: the store's next high-water mark.
    pub to_ms: u64,
}

/// Path and query of `getOrders` for `page` of site `site_id`: the orders a shopper placed
/// (`new` or `completed`; not those created but never placed, failed or cancelled), oldest
/// first, `limit` of them.
pub fn orders_path(organization_id: &str, site_id: &str, page: &OrdersPage, limit: u32) -> String {
    format!(
        "/checkout/orders/v1/organizations/{}/orders?siteId={}&creationDateFrom={}\
         &creationDateTo={}&sortBy=creation_date&sortOrder=asc&status=new%2Ccompleted\
         &offset={}&limit={}",
        percent_encode(organization_id),
        percent_encode(site_id),
        percent_encode(&page.from),
        percent_encode(&page.to),
        page.skip,
        limit.clamp(1, 200),
    )
}

/// The orders of a `getOrders` answer.
pub fn read_orders(body: &str) -> Result<Vec<Value>, String> {
    if body.len() > MAX_ORDERS_BYTES {
        return Err(format!(
            "the getOrders answer is larger than {} MiB",
            MAX_ORDERS_BYTES >> 20
        ));
    }
    let doc: Value =
        serde_json::from_str(body).map_err(|e| format!("not a getOrders answer: {e}"))?;
    match doc.get("data") {
        Some(Value::Array(orders)) => Ok(orders.clone()),
        _ => Err("not a getOrders answer: no `data` list of orders".into()),
    }
}

/// What follows a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HistoryNext {
    /// The next page.
    Page(OrdersPage),
    /// The window is read.
    Done,
    /// More orders than `getOrders` reads share one creation date (10,000 in the same
    /// millisecond): the rest of them cannot be reached; the window goes on after that date.
    TooDeep(OrdersPage),
}

/// What follows `page`, whose answer held orders created at `dates` (in the answer's order,
/// oldest first) out of a `limit`. A short page ends the window. Otherwise the next page starts
/// at the last date read, skipping the orders of that date already read: paging by date keeps
/// every offset small however long the window.
pub fn next_page(page: &OrdersPage, dates: &[&str], limit: u32) -> HistoryNext {
    let Some(last) = dates.last().filter(|_| dates.len() as u32 >= limit) else {
        return HistoryNext::Done;
    };
    let at_last = dates.iter().rev().take_while(|d| *d == last).count() as u32;
    let next = if *last == page.from {
        OrdersPage {
            skip: page.skip + at_last,
            ..page.clone()
        }
    } else {
        OrdersPage {
            from: last.to_string(),
            skip: at_last,
            ..page.clone()
        }
    };
    if next.skip + limit > GET_ORDERS_DEPTH {
        // Past the depth: go on from the millisecond after the crowded one.
        let after = crate::sfcc::parse_iso8601_utc_ms(last)
            .map(|ms| crate::sfcc::format_iso8601_utc(ms + 1))
            .unwrap_or_else(|_| page.to.clone());
        return HistoryNext::TooDeep(OrdersPage {
            from: after,
            skip: 0,
            ..page.clone()
        });
    }
    HistoryNext::Page(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(from: &str, skip: u32) -> OrdersPage {
        OrdersPage {
            from: from.into(),
            skip,
            to: "2026-12-01T00:00:00.000Z".into(),
            to_ms: 1_796_083_200_000,
        }
    }

    #[test]
    fn the_request_asks_for_placed_orders_oldest_first_in_the_window() {
        let path = orders_path(
            "f_ecom_zzrf_001",
            "RefArch",
            &page("2025-12-01T00:00:00.000Z", 3),
            500,
        );
        assert_eq!(
            path,
            "/checkout/orders/v1/organizations/f_ecom_zzrf_001/orders?siteId=RefArch\
             &creationDateFrom=2025-12-01T00%3A00%3A00.000Z&creationDateTo=2026-12-01T00%3A00%3A00.000Z\
             &sortBy=creation_date&sortOrder=asc&status=new%2Ccompleted&offset=3&limit=200"
        );
    }

    #[test]
    fn pages_go_on_from_the_last_date_read_and_a_short_page_ends_the_window() {
        let first = page("2025-12-01T00:00:00.000Z", 0);
        let dates = [
            "2025-12-02T10:00:00.000Z",
            "2025-12-03T09:00:00.000Z",
            "2025-12-03T09:00:00.000Z",
        ];
        assert_eq!(
            next_page(&first, &dates, 3),
            HistoryNext::Page(page("2025-12-03T09:00:00.000Z", 2)),
            "two orders of the last date were read"
        );
        assert_eq!(next_page(&first, &dates[..2], 3), HistoryNext::Done);
        assert_eq!(next_page(&first, &[], 3), HistoryNext::Done);
        // A whole page of the date the page started at: skip further into it.
        let crowded = page("2025-12-03T09:00:00.000Z", 2);
        let same = ["2025-12-03T09:00:00.000Z"; 3];
        assert_eq!(
            next_page(&crowded, &same, 3),
            HistoryNext::Page(page("2025-12-03T09:00:00.000Z", 5))
        );
    }

    #[test]
    fn a_date_holding_more_orders_than_get_orders_reads_is_left_for_the_next_millisecond() {
        let crowded = page("2025-12-03T09:00:00.000Z", 9_800);
        let same = ["2025-12-03T09:00:00.000Z"; 200];
        assert_eq!(
            next_page(&crowded, &same, 200),
            HistoryNext::TooDeep(page("2025-12-03T09:00:00.001Z", 0))
        );
    }

    #[test]
    fn an_answer_without_a_data_list_is_not_read() {
        assert_eq!(
            read_orders(r#"{"data": [{"orderNo": "1"}]}"#)
                .unwrap()
                .len(),
            1
        );
        assert!(read_orders(r#"{"orders": []}"#)
            .unwrap_err()
            .contains("no `data`"));
        assert!(read_orders("<html>")
            .unwrap_err()
            .starts_with("not a getOrders answer"));
    }
}
