//! A SCAPI Admin Orders `getOrders` answer through the core's reader, each order turned into
//! Clerk's order, and the page that follows, as the worker runs them on an order history page.
//!
//! Beyond "does not panic", what it reads must hold:
//! - an order taken has the answer's trimmed order number as its id, at least one product, and
//!   every product a quantity of at least 1 and a finite unit price of at least 0;
//! - an order taken was a sale (no status, or `new`, `completed`, `open`);
//! - its email is there only when emails are asked for, and is then an email;
//! - Clerk's order survives its JSON body unchanged;
//! - the next page never asks deeper than `getOrders` reads, and starts at the page's date or a
//!   date the answer held.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sfcc_clerk_core::clerk::ClerkOrder;
use sfcc_clerk_core::event::is_email;
use sfcc_clerk_core::history::{
    history_order, next_page, read_orders, HistoryNext, OrdersPage, GET_ORDERS_DEPTH,
};

fuzz_target!(|data: &[u8]| {
    let Ok(body) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(docs) = read_orders(body) else {
        return;
    };
    for doc in &docs {
        for emails in [false, true] {
            let Ok(read) = history_order(doc, emails) else {
                continue;
            };
            let order = &read.order;
            assert_eq!(
                order.id,
                doc["orderNo"].as_str().unwrap_or_default().trim(),
                "the order number"
            );
            assert!(!order.products.is_empty());
            for line in &order.products {
                assert!(line.quantity >= 1, "{line:?}");
                assert!(line.price.is_finite() && line.price >= 0.0, "{line:?}");
                assert!(!line.id.trim().is_empty(), "{line:?}");
            }
            if let Some(status) = doc["status"].as_str() {
                assert!(["new", "completed", "open"].contains(&status), "{status}");
            }
            if let Some(email) = &order.email {
                assert!(emails && is_email(email), "{email:?}");
            }
            let json = serde_json::to_string(order).expect("an order encodes");
            let back: ClerkOrder = serde_json::from_str(&json).expect("and decodes");
            assert_eq!(&back, order);
        }
    }
    let dates: Vec<&str> = docs
        .iter()
        .filter_map(|d| d["creationDate"].as_str())
        .collect();
    for (skip, limit) in [(0, 1), (3, 2), (9_700, 200)] {
        let page = OrdersPage {
            from: dates
                .first()
                .copied()
                .unwrap_or("2026-01-01T00:00:00.000Z")
                .into(),
            skip,
            to: "2026-12-01T00:00:00.000Z".into(),
            to_ms: 1_796_083_200_000,
        };
        match next_page(&page, &dates, limit) {
            HistoryNext::Page(next) => {
                assert!(next.skip + limit <= GET_ORDERS_DEPTH, "{next:?}");
                assert!(next.from == page.from || dates.contains(&next.from.as_str()));
            }
            HistoryNext::TooDeep(next) => assert_eq!(next.skip, 0),
            HistoryNext::Done => {}
        }
    }
});
