//! Every cron prunes the worker's records older than `RETENTION_DAYS`: old deliveries, finished
//! runs and their pages, replayed dead letters and old sent-event ids go; a dead letter still
//! waiting goes once past the retention (shown first as about to go), and no more than 100,000
//! wait at once (the newest past that go); recent records stay.

use serde_json::Value;
use sfcc_clerk_e2e::{wait_for, Stack, StackOptions};
use std::time::Duration;

/// Records from 1970, in the worker's own tables; and the confirmation pages the worker served for
/// the two orders the test's pages report (kept: they are not from 1970).
const OLD_RECORDS: &str = "\
INSERT INTO deliveries (at_ms, kind, store, endpoint, status, attempt, items, duration_ms, outcome) \
  VALUES (1000, 'event', 'refarch-us', 'GET /v2/log/product', 200, 1, 1, 5, 'delivered'); \
INSERT INTO dead_letters (at_ms, queue, store, reason, payload) \
  VALUES (1000, 'sfcc-clerk-events', 'refarch-us', 'waited too long', '{}'); \
INSERT INTO dead_letters (at_ms, queue, store, reason, payload, replayed_at_ms) \
  VALUES (1000, 'sfcc-clerk-events', 'refarch-us', 'replayed long ago', '{}', 2000); \
INSERT INTO sent_events (event_id, at_ms) VALUES ('order-OLD1', 1000); \
INSERT INTO sync_runs (run_id, store, trigger, mode, status, started_at_ms, finished_at_ms, window_to_ms) \
  VALUES ('run-1970', 'refarch-us', 'cron', 'full', 'finished', 1000, 2000, 2000); \
INSERT INTO run_pages (run_id, start) VALUES ('run-1970', 0); \
INSERT INTO run_segments (run_id, segment, pages) VALUES ('run-1970', 0, 1); \
INSERT INTO sale_details (event_id, page_id, served, at_ms) VALUES ('order-OLD1', 'pg-old', 1, 4102444800000); \
INSERT INTO sale_details (event_id, page_id, served, at_ms) VALUES ('order-NEW1', 'pg-new', 1, 4102444800000);";

/// Waiting dead letters of now: one 28 days old (the 30-day retention drops it within three
/// days), then a flood of 100,002 an hour old (a store's Clerk refusing for an hour), ids after
/// the 1970 ones.
fn recent_dead_letters() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or_default();
    let day = 24 * 60 * 60 * 1000;
    format!(
        " INSERT INTO dead_letters (at_ms, queue, store, reason, payload) \
           VALUES ({}, 'sfcc-clerk-events', 'refarch-us', 'about to go', '{{}}'); \
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100002) \
         INSERT INTO dead_letters (at_ms, queue, store, reason, payload) \
           SELECT {}, 'sfcc-clerk-events', 'refarch-us', 'flood', '{{}}' FROM n;",
        now - 28 * day,
        now - 60 * 60 * 1000
    )
}

fn rows(stack: &Stack, path: &str) -> Vec<Value> {
    stack
        .admin_get(path)
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// A page's report of `order`, from the confirmation page the worker served for it.
fn sale(order: &str) -> String {
    let page = format!("pg-{}", order.trim_end_matches('1').to_lowercase());
    format!(
        r#"{{"type":"purchase","order_id":"{order}","page_id":"{page}","products":[{{"id":"P1","price":5.0,"quantity":1}}]}}"#
    )
}

fn sales(stack: &Stack, order: &str) -> usize {
    stack
        .clerk_log()
        .iter()
        .filter(|c| c["endpoint"] == "log/sale" && c["params"]["sale"] == order)
        .count()
}

#[test]
fn cron_prunes_what_is_older_than_the_retention_and_keeps_what_still_matters() {
    let stack = Stack::start(&StackOptions {
        seed_sql: Some(format!("{OLD_RECORDS}{}", recent_dead_letters())),
        ..Default::default()
    })
    .expect("stack starts");
    let consent = Some("dw_dnt=0; __Host-sfcc_clerk_vid=3f2504e0-4f89-41d3-9a0c-0305e82c3301");
    // Before pruning, the old sent-event id still guards its order.
    assert_eq!(stack.post_events(&sale("OLD1"), consent).status, 202);
    assert_eq!(stack.post_events(&sale("NEW1"), consent).status, 202);
    wait_for(
        "the new order at Clerk",
        Duration::from_secs(30),
        || (sales(&stack, "NEW1") == 1).then_some(()),
        || stack.wrangler_log(),
    );
    assert_eq!(sales(&stack, "OLD1"), 0, "its id was sent already");
    assert_eq!(
        rows(&stack, "deliveries?limit=1000")
            .iter()
            .filter(|d| d["at_ms"].as_f64() == Some(1000.0))
            .count(),
        1
    );

    assert_eq!(stack.trigger_cron().status, 200);
    wait_for(
        "the 1970 records pruned",
        Duration::from_secs(30),
        || {
            let old = rows(&stack, "deliveries?limit=1000")
                .iter()
                .any(|d| d["at_ms"].as_f64() == Some(1000.0));
            (!old).then_some(())
        },
        || stack.wrangler_log(),
    );
    let runs = rows(&stack, "sync-runs");
    assert!(runs.iter().all(|r| r["run_id"] != "run-1970"), "{runs:?}");
    assert!(!runs.is_empty(), "the cron's own runs are there");
    let status = stack.admin_get("status");
    let us = status["stores"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["store"] == "refarch-us"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        (
            &us["dead_letters"]["waiting"],
            &us["dead_letters"]["replayed"]
        ),
        (&Value::from(100_000), &Value::from(0)),
        "the 1970 ones gone, and the newest past 100,000 waiting"
    );
    assert_eq!(
        us["dead_letters"]["expiring"], 1,
        "the 28-day-old one is shown as about to go"
    );
    let ids: Vec<u64> = rows(&stack, "dead-letters?limit=5")
        .iter()
        .filter_map(|d| d["id"].as_u64())
        .collect();
    assert!(
        ids.iter().all(|id| (3..=100_002).contains(id)),
        "the first 100,000 waiting are kept: {ids:?}"
    );
    assert!(
        rows(&stack, "deliveries?limit=1000")
            .iter()
            .any(|d| d["endpoint"]
                .as_str()
                .is_some_and(|e| e.contains("log/sale"))),
        "recent deliveries stay"
    );

    // The old id is forgotten; the recent one still guards its order.
    assert_eq!(stack.post_events(&sale("OLD1"), consent).status, 202);
    assert_eq!(stack.post_events(&sale("NEW1"), consent).status, 202);
    wait_for(
        "the old order sent now",
        Duration::from_secs(30),
        || (sales(&stack, "OLD1") == 1).then_some(()),
        || stack.wrangler_log(),
    );
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(sales(&stack, "NEW1"), 1, "never twice");
}
