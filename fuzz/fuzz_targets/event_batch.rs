//! A `POST /events` body (native events, GA4 pushes from the beacon, or both) through the core's
//! normalizer, as the worker's ingest runs it.
//!
//! Beyond "does not panic", an accepted call must hold:
//! - at most `MAX_EVENTS_PER_CALL` events, each for the request's store, not in the future, with a
//!   currency and a non-empty key (product, category, query, order or email);
//! - a page's `age_ms` (set by the beacon on everything it forwards, GA4 pushes too) gives the
//!   event its original time, whatever `time` a forwarded push carries;
//! - each event round-trips through its queue message (serde JSON) unchanged;
//! - the form a page holds an event in (`held_form`) normalizes back to the same event, with the
//!   page-scoped id, so a held sighting and the page's own report count once;
//! - its Clerk tracking call names the event's key (searches have none: Clerk logs its own);
//! - the worker takes each event on its own (`normalize_each`): the events it takes from any
//!   call are each such an event, refused ones are named once each by their position, and a
//!   call with none refused comes to exactly what `normalize` gives; counted for the status page
//!   (`refusals::tally`), every refused event counts once, its name and reason cut to a length.

#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};
use sfcc_clerk_core::clerk::percent_encode;
use sfcc_clerk_core::event::refusals::{tally, MAX_NAME_CHARS, MAX_REASON_CHARS};
use sfcc_clerk_core::event::{
    normalize, normalize_each, page_event_id, search_query, tracking_call, Event, EventKind,
    IngestContext, Source, MAX_EVENTS_PER_CALL,
};
use sfcc_clerk_core::identity::VisitorId;

const NOW: u64 = 1_800_000_000_000;
const DAY_MS: u64 = 24 * 60 * 60 * 1000;

fn items(body: &str) -> Vec<Value> {
    match serde_json::from_str(body) {
        Ok(Value::Array(items)) => items,
        Ok(Value::Object(obj)) => match obj.get("events") {
            Some(Value::Array(items)) => items.clone(),
            _ => vec![Value::Object(obj)],
        },
        _ => Vec::new(),
    }
}

fn check(event: &Event, item: Option<&Value>, ctx: &IngestContext<'_>) {
    assert_eq!(event.store, ctx.store);
    assert!(event.time_ms <= NOW, "an event in the future: {event:?}");
    assert!(event.currency.is_some(), "no currency: {event:?}");
    assert!(!event.key().trim().is_empty(), "no key: {event:?}");
    if let Some(item) = item {
        if let Some(age) = item.get("age_ms").and_then(Value::as_u64) {
            assert!(
                age <= DAY_MS,
                "an age of more than a day was accepted: {item}"
            );
            assert_eq!(
                event.time_ms,
                NOW - age,
                "the page's age_ms was not applied: {item}"
            );
        }
    }

    let message = serde_json::to_string(event).expect("an event serializes");
    let back: Event = serde_json::from_str(&message).expect("an event's queue message parses");
    assert_eq!(
        &back, event,
        "the queue message changed the event: {message}"
    );

    let held = json!([event.held_form("pg1")]).to_string();
    let again = normalize(&held, ctx).unwrap_or_else(|e| panic!("held form {held} refused: {e}"));
    assert_eq!(again.len(), 1, "{held}");
    let again = &again[0];
    assert_eq!(
        (again.kind, again.key(), again.time_ms, &again.products),
        (event.kind, event.key(), event.time_ms, &event.products),
        "{held}"
    );
    assert_eq!(again.id, page_event_id("pg1", event.kind, &event.id_key()));

    match tracking_call(event) {
        Ok(call) => {
            let url = call.url("https://api.clerk.io", "pub");
            assert!(
                !url.contains(char::is_whitespace),
                "a tracking URL with white space: {url}"
            );
            // A search names its query as sent (trimmed); the others their key.
            let named = match event.kind {
                EventKind::AddToCart => None,
                EventKind::Search => search_query(&event.key()),
                _ => Some(event.key()),
            };
            if let Some(named) = named {
                let key = percent_encode(&named);
                assert!(url.contains(&key), "{url} does not name {key}");
            }
        }
        // Only a search whose query may be personal data (or is empty) has no call.
        Err(_) => assert!(
            event.kind == EventKind::Search && search_query(&event.key()).is_none(),
            "{event:?}"
        ),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(body) = std::str::from_utf8(data) else {
        return;
    };
    let visitor = VisitorId::parse("3f2504e0-4f89-41d3-9a0c-0305e82c3301").expect("a uuid");
    let ctx = IngestContext {
        store: "refarch-us",
        currency: "USD",
        visitor: Some(&visitor),
        customer: None,
        now_ms: NOW,
        request_id: "req1",
        source: Source::Client,
    };
    let each = normalize_each(body, &ctx);
    let all = normalize(body, &ctx);
    if let Ok(taken) = &each {
        let mut at: Vec<usize> = taken.refused.iter().map(|r| r.index).collect();
        at.dedup();
        assert_eq!(
            at.len(),
            taken.refused.len(),
            "each refused event named once"
        );
        assert!(taken.refused.iter().all(|r| !r.reason.is_empty()));
        // Counted for the status page: every refusal once, what the page sent cut to a length.
        let tallied = tally(&taken.refused);
        assert_eq!(
            tallied.iter().map(|t| t.count as usize).sum::<usize>(),
            taken.refused.len()
        );
        assert!(tallied.iter().all(|t| {
            t.name.chars().count() <= MAX_NAME_CHARS + 1
                && t.reason.chars().count() <= MAX_REASON_CHARS + 1
        }));
        // One call is a bounded number of Clerk calls, a cart change of many products included.
        assert!(taken.events.len() <= MAX_EVENTS_PER_CALL);
        for event in &taken.events {
            check(event, None, &ctx);
        }
        match &all {
            Ok(events) => assert!(taken.refused.is_empty() && *events == taken.events),
            Err(_) => assert!(!taken.refused.is_empty()),
        }
    } else {
        assert_eq!(each.as_ref().err(), all.as_ref().err());
    }
    let events = match all {
        Ok(events) => events,
        Err(e) => {
            assert!(!e.to_string().is_empty());
            return;
        }
    };
    assert!(events.len() <= MAX_EVENTS_PER_CALL);
    let items = items(body);
    // Events line up with the call's items when none was a GA4 push left out.
    let aligned = items.len() == events.len();
    for (i, event) in events.iter().enumerate() {
        check(event, aligned.then(|| &items[i]), &ctx);
    }
});
