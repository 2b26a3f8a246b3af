//! A SCAPI Shopper Orders answer (an `Order` document) through the core's reader and the order
//! event the proxy queues from it, as the worker runs them on a PWA Kit order placement.
//!
//! Beyond "does not panic", what it reads must hold:
//! - the purchase's id is `order-{number}` and its key the trimmed order number, whatever the
//!   answer's shape, so an order is one sale;
//! - it has one product per line of the answer, each with a quantity of at least 1 and a unit
//!   price of at least 0;
//! - without consent to identify, neither the email nor the customer number is in it; with it,
//!   an email only when the answer's is one;
//! - its Clerk `log/sale` call names the order.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sfcc_clerk_core::capture::{order_event, placed_order};
use sfcc_clerk_core::clerk::percent_encode;
use sfcc_clerk_core::event::{is_email, tracking_call, IngestContext, Source};
use sfcc_clerk_core::identity::VisitorId;

fuzz_target!(|data: &[u8]| {
    let Ok(body) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(placed) = placed_order(body) else {
        return;
    };
    let visitor = VisitorId::parse("3f2504e0-4f89-41d3-9a0c-0305e82c3301").expect("a uuid");
    for with_identity in [false, true] {
        let customer = placed.customer_no.as_deref().filter(|_| with_identity);
        let ctx = IngestContext {
            store: "refarch-us",
            currency: "USD",
            visitor: Some(&visitor),
            customer,
            now_ms: 1_800_000_000_000,
            request_id: "pg1",
            source: Source::Server,
        };
        let Ok(event) = order_event(&placed.order, &ctx, with_identity) else {
            continue;
        };
        let number = placed.order.number.trim();
        assert_eq!(event.id, format!("order-{number}"));
        assert_eq!(event.key(), number);
        assert_eq!(event.products.len(), placed.order.lines.len());
        for p in &event.products {
            assert!(p.quantity.is_some_and(|q| q >= 1), "{p:?}");
            assert!(p.price.is_some_and(|x| x.is_finite() && x >= 0.0), "{p:?}");
        }
        if with_identity {
            assert_eq!(event.customer.as_deref(), customer);
            assert!(event.email.as_deref().is_none_or(is_email), "{event:?}");
        } else {
            assert_eq!((&event.email, &event.customer), (&None, &None), "{event:?}");
        }
        if let Ok(call) = tracking_call(&event) {
            let url = call.url("https://api.clerk.io", "pub");
            assert!(url.contains(&percent_encode(number)), "{url}");
        }
    }
});
