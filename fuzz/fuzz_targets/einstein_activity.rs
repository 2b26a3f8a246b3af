//! A PWA Kit Einstein activity body (the first byte picks the activity) through the core's
//! reader, as the worker's proxy runs it on a request passing to Einstein.
//!
//! Beyond "does not panic", what it reads must hold:
//! - only `viewProduct`, `viewCategory`, `viewSearch` and `addToCart` give actions, and of their
//!   own kind: one for a view or search, one per product (at most 50) for a cart addition;
//! - each value is trimmed, not empty and at most 256 characters; a cart addition has a
//!   quantity of at least 1, the others none;
//! - the event each becomes has its value as its key, cut to the cap of its field (the worker
//!   cuts its own readings as the ingest refuses longer posted fields: `within_cap`), and a Clerk
//!   tracking call that names it (searches have none: Clerk logs its own).

#![no_main]

use libfuzzer_sys::fuzz_target;
use sfcc_clerk_core::capture::{activity_actions, server_event, RuleKind};
use sfcc_clerk_core::clerk::percent_encode;
use sfcc_clerk_core::event::{
    search_query, tracking_call, within_cap, EventKind, IngestContext, Source,
};
use sfcc_clerk_core::identity::VisitorId;

const ACTIVITIES: [&str; 6] = [
    "viewProduct",
    "viewCategory",
    "viewSearch",
    "addToCart",
    "clickSearch",
    "viewPage",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let name = ACTIVITIES[pick as usize % ACTIVITIES.len()];
    let Ok(actions) = activity_actions(name, body) else {
        return;
    };
    let expected = match name {
        "viewProduct" => Some(RuleKind::ProductView),
        "viewCategory" => Some(RuleKind::CategoryView),
        "viewSearch" => Some(RuleKind::Search),
        "addToCart" => Some(RuleKind::AddToCart),
        _ => None,
    };
    match expected {
        None => assert!(actions.is_empty(), "{name} gave {actions:?}"),
        Some(RuleKind::AddToCart) => assert!((1..=50).contains(&actions.len()), "{actions:?}"),
        Some(_) => assert_eq!(actions.len(), 1, "{actions:?}"),
    }
    let visitor = VisitorId::parse("3f2504e0-4f89-41d3-9a0c-0305e82c3301").expect("a uuid");
    let ctx = IngestContext {
        store: "refarch-us",
        currency: "USD",
        visitor: Some(&visitor),
        customer: None,
        now_ms: 1_800_000_000_000,
        request_id: "pg1",
        source: Source::Server,
    };
    for action in &actions {
        assert_eq!(Some(action.kind), expected);
        let v = &action.value;
        assert!(
            !v.is_empty() && v.trim() == v && v.chars().count() <= 256,
            "{v:?}"
        );
        assert_eq!(
            action.quantity.is_some_and(|q| q >= 1),
            action.kind == RuleKind::AddToCart,
            "{action:?}"
        );
        let event = server_event(action, "pg1", &ctx);
        let field = match action.kind {
            RuleKind::CategoryView => "category",
            RuleKind::Search => "query",
            _ => "product",
        };
        let v = &within_cap(field, v);
        assert_eq!(&event.key(), v, "{event:?}");
        match tracking_call(&event) {
            Ok(call) => {
                let url = call.url("https://api.clerk.io", "pub");
                let named = match event.kind {
                    EventKind::AddToCart => None,
                    EventKind::Search => search_query(v),
                    _ => Some(v.clone()),
                };
                if let Some(named) = named {
                    let key = percent_encode(&named);
                    assert!(url.contains(&key), "{url} does not name {key}");
                }
            }
            Err(_) => assert!(
                event.kind == EventKind::Search && search_query(v).is_none(),
                "{event:?}"
            ),
        }
    }
});
