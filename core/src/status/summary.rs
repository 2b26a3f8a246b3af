//! Rows → report: the per-store aggregation.

use super::rows::{RunRow, StatusRows};
use super::{
    subject, Backlog, DeadLetter, DeadLetters, Deliveries, DeliveryError, DeliveryStats,
    OrderHistory, RefusalKind, RefusedEvents, RunSummary, StatusReport, StoreStatus,
    UnknownProduct, UnknownProducts, ValidationFailure, DEAD_LETTERS_PER_STORE, ERRORS_PER_STORE,
    FAILURES_PER_STORE, REFUSAL_KINDS_PER_STORE, UNKNOWN_IDS_PER_STORE, WINDOW_MS,
};
use crate::catalog::lock_is_stale;
use crate::mapping::FieldProblem;
use std::cmp::Reverse;
use std::collections::BTreeSet;

/// Delivery kinds in report order.
const KINDS: [&str; 3] = ["catalog", "event", "sfcc"];

/// Pages of an unfinished run still to do: its expected pages minus those done, or one (its
/// first page) while the total is unknown. A run deleting stale products has no pages left.
pub fn pending_pages(run: &RunRow) -> u64 {
    match run.status.as_str() {
        "finished" | "deleting_stale" => 0,
        _ => run
            .expected_pages
            .map_or(1, |e| u64::from(e.saturating_sub(run.pages))),
    }
}

/// Delivered ÷ (delivered + dead-lettered); `None` when nothing settled.
pub fn success_rate(delivered: u64, dead_lettered: u64) -> Option<f64> {
    let settled = delivered + dead_lettered;
    (settled > 0).then(|| delivered as f64 / settled as f64)
}

fn run_summary(r: &RunRow) -> RunSummary {
    RunSummary {
        run_id: r.run_id.clone(),
        trigger: r.trigger.clone(),
        status: r.status.clone(),
        started_at_ms: r.started_at_ms,
        finished_at_ms: r.finished_at_ms,
        total: r.total,
        pages: r.pages,
        expected_pages: r.expected_pages,
        upserted: r.upserted,
        unchanged: r.unchanged,
        removed: r.removed,
        rejected: r.rejected,
    }
}

/// The latest run of a store in a mode.
fn latest(runs: &[&RunRow], mode: &str) -> Option<RunSummary> {
    runs.iter()
        .filter(|r| r.mode == mode)
        .max_by_key(|r| (r.started_at_ms, r.run_id.clone()))
        .map(|r| run_summary(r))
}

fn backlog(store: &str, runs: &[&RunRow], rows: &StatusRows, now_ms: u64) -> Backlog {
    let mut b = Backlog::default();
    let mut seen = BTreeSet::new();
    // The same run may come twice (latest of its mode and unfinished).
    for r in runs
        .iter()
        .filter(|r| r.status != "finished" && seen.insert(r.run_id.as_str()))
    {
        if lock_is_stale(r.started_at_ms, now_ms) {
            b.stalled_runs += 1;
        } else {
            b.runs_in_progress += 1;
            b.catalog_pages += pending_pages(r);
        }
    }
    for r in rows.event_retries.iter().filter(|r| r.store == store) {
        b.event_retries += r.n;
        b.oldest_event_retry_ms = match (b.oldest_event_retry_ms, r.oldest_ms) {
            (Some(a), Some(o)) => Some(a.min(o)),
            (a, o) => a.or(o),
        };
    }
    b
}

fn stats(kind: &str, rows: &StatusRows, store: &str) -> DeliveryStats {
    let mut s = DeliveryStats {
        kind: kind.to_string(),
        ..Default::default()
    };
    for r in rows
        .delivery_counts
        .iter()
        .filter(|r| r.store == store && (kind == "all" || r.kind == kind))
    {
        match r.outcome.as_str() {
            "delivered" => s.delivered += r.n,
            "retry" => s.retried += r.n,
            _ => s.dead_lettered += r.n,
        }
    }
    s.success_rate = success_rate(s.delivered, s.dead_lettered);
    s
}

fn deliveries(rows: &StatusRows, store: &str) -> Deliveries {
    let mut kinds: Vec<&str> = KINDS.to_vec();
    for r in rows.delivery_counts.iter().filter(|r| r.store == store) {
        if !kinds.contains(&r.kind.as_str()) {
            kinds.push(&r.kind);
        }
    }
    Deliveries {
        all: stats("all", rows, store),
        by_kind: kinds
            .into_iter()
            .map(|k| stats(k, rows, store))
            .filter(|s| s.delivered + s.retried + s.dead_lettered > 0)
            .collect(),
    }
}

fn latest_errors(rows: &StatusRows, store: &str) -> Vec<DeliveryError> {
    let mut errors: Vec<DeliveryError> = rows
        .delivery_errors
        .iter()
        .filter(|r| r.store == store)
        .map(|r| DeliveryError {
            id: r.id,
            at_ms: r.at_ms,
            kind: r.kind.clone(),
            endpoint: r.endpoint.clone(),
            status: r.status,
            attempt: r.attempt,
            outcome: r.outcome.clone(),
            error: r.error.clone(),
        })
        .collect();
    errors.sort_by_key(|e| Reverse(e.id));
    errors.truncate(ERRORS_PER_STORE);
    errors
}

/// The problems a row holds; text that is not the JSON list the worker writes is kept whole as
/// the reason of a `problems` field, so nothing is hidden.
fn problems(text: &str) -> Vec<FieldProblem> {
    serde_json::from_str(text).unwrap_or_else(|_| vec![FieldProblem::new("problems", text)])
}

fn validation_failures(rows: &StatusRows, store: &str) -> Vec<ValidationFailure> {
    let mut failures: Vec<ValidationFailure> = rows
        .validation_failures
        .iter()
        .filter(|r| r.store == store)
        .map(|r| ValidationFailure {
            id: r.id,
            at_ms: r.at_ms,
            run_id: r.run_id.clone(),
            product_id: r.product_id.clone(),
            problems: problems(&r.problems),
        })
        .collect();
    failures.sort_by_key(|f| Reverse(f.id));
    failures.truncate(FAILURES_PER_STORE);
    failures
}

fn dead_letters(rows: &StatusRows, store: &str) -> DeadLetters {
    let (waiting, replayed, expiring) = rows
        .dead_letter_counts
        .iter()
        .filter(|r| r.store == store)
        .fold((0, 0, 0), |(w, p, e), r| {
            (w + r.waiting, p + r.replayed, e + r.expiring)
        });
    let mut latest: Vec<DeadLetter> = rows
        .dead_letters
        .iter()
        .filter(|r| r.store == store)
        .map(|r| DeadLetter {
            id: r.id,
            at_ms: r.at_ms,
            queue: r.queue.clone(),
            subject: subject(&r.queue, &r.payload),
            reason: r.reason.clone(),
            replayed_at_ms: r.replayed_at_ms,
        })
        .collect();
    latest.sort_by_key(|d| (d.replayed_at_ms.is_some(), Reverse(d.id)));
    latest.truncate(DEAD_LETTERS_PER_STORE);
    DeadLetters {
        waiting,
        replayed,
        expiring,
        latest,
    }
}

/// A store's refused events: the total, and the most frequent kinds (ties: the latest first).
fn refused_events(rows: &StatusRows, store: &str) -> RefusedEvents {
    let mut kinds: Vec<RefusalKind> = rows
        .refusals
        .iter()
        .filter(|r| r.store == store)
        .map(|r| RefusalKind {
            name: r.name.clone(),
            reason: r.reason.clone(),
            count: r.n,
            last_at_ms: r.last_at_ms,
        })
        .collect();
    let total = kinds.iter().map(|k| k.count).sum();
    kinds.sort_by_key(|k| (Reverse(k.count), Reverse(k.last_at_ms)));
    kinds.truncate(REFUSAL_KINDS_PER_STORE);
    RefusedEvents { total, kinds }
}

/// A store's unknown product ids: the total, and the most frequent (ties: the latest first).
fn unknown_products(rows: &StatusRows, store: &str) -> UnknownProducts {
    let mut ids: Vec<UnknownProduct> = rows
        .unknown_products
        .iter()
        .filter(|r| r.store == store)
        .map(|r| UnknownProduct {
            id: r.product_id.clone(),
            count: r.n,
            last_at_ms: r.last_at_ms,
        })
        .collect();
    let total = ids.iter().map(|i| i.count).sum();
    ids.sort_by_key(|i| (Reverse(i.count), Reverse(i.last_at_ms)));
    ids.truncate(UNKNOWN_IDS_PER_STORE);
    UnknownProducts { total, ids }
}

/// Store names in report order: the configured ones as given, then every other name the rows
/// hold, sorted.
fn store_names(configured: &[&str], rows: &StatusRows) -> Vec<(String, bool)> {
    let mut others = BTreeSet::new();
    let names = rows
        .runs
        .iter()
        .map(|r| &r.store)
        .chain(rows.delivery_counts.iter().map(|r| &r.store))
        .chain(rows.delivery_errors.iter().map(|r| &r.store))
        .chain(rows.event_retries.iter().map(|r| &r.store))
        .chain(rows.validation_failures.iter().map(|r| &r.store))
        .chain(rows.dead_letters.iter().map(|r| &r.store))
        .chain(rows.dead_letter_counts.iter().map(|r| &r.store))
        .chain(rows.refusals.iter().map(|r| &r.store))
        .chain(rows.unknown_products.iter().map(|r| &r.store))
        .chain(rows.order_history.iter().map(|r| &r.store));
    for name in names {
        if !configured.contains(&name.as_str()) {
            others.insert(name.clone());
        }
    }
    configured
        .iter()
        .map(|n| (n.to_string(), true))
        .chain(others.into_iter().map(|n| (n, false)))
        .collect()
}

/// Where the store's order history stands, once it has a row.
fn order_history(rows: &StatusRows, store: &str) -> Option<OrderHistory> {
    let row = rows.order_history.iter().find(|r| r.store == store)?;
    Some(OrderHistory {
        read_up_to_ms: row.high_water_ms,
        in_progress_from: row.page.as_deref().and_then(|p| {
            let page: crate::history::OrdersPage = serde_json::from_str(p).ok()?;
            Some(page.from)
        }),
        last_page_ms: row.last_page_ms,
        sent: row.sent,
        skipped: row.skipped,
    })
}

/// The report of the configured stores (and of any other store the rows name) at `now_ms`.
pub fn summarize(configured: &[&str], rows: &StatusRows, now_ms: u64) -> StatusReport {
    let stores = store_names(configured, rows)
        .into_iter()
        .map(|(store, configured)| {
            let runs: Vec<&RunRow> = rows.runs.iter().filter(|r| r.store == store).collect();
            StoreStatus {
                last_delta: latest(&runs, "delta"),
                last_full: latest(&runs, "full"),
                backlog: backlog(&store, &runs, rows, now_ms),
                deliveries: deliveries(rows, &store),
                latest_errors: latest_errors(rows, &store),
                validation_failures: validation_failures(rows, &store),
                dead_letters: dead_letters(rows, &store),
                refused_events: refused_events(rows, &store),
                unknown_products: unknown_products(rows, &store),
                order_history: order_history(rows, &store),
                configured,
                store,
            }
        })
        .collect();
    StatusReport {
        generated_at_ms: now_ms,
        window_ms: WINDOW_MS,
        stores,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::LOCK_TTL_MS;
    use crate::status::rows::*;

    const NOW: u64 = 1_800_000_000_000;

    fn run(id: &str, store: &str, mode: &str, status: &str, started: u64) -> RunRow {
        RunRow {
            run_id: id.into(),
            store: store.into(),
            trigger: "cron".into(),
            mode: mode.into(),
            status: status.into(),
            started_at_ms: started,
            finished_at_ms: (status == "finished").then_some(started + 1_000),
            expected_pages: Some(3),
            total: Some(6),
            pages: 3,
            upserted: 4,
            unchanged: 0,
            removed: 0,
            rejected: 2,
        }
    }

    fn count(store: &str, kind: &str, outcome: &str, n: u64) -> DeliveryCountRow {
        DeliveryCountRow {
            store: store.into(),
            kind: kind.into(),
            outcome: outcome.into(),
            n,
        }
    }

    #[test]
    fn pending_pages_are_expected_minus_done_and_one_while_the_total_is_unknown() {
        let mut r = run("r", "s", "full", "running", NOW);
        r.expected_pages = Some(10);
        r.pages = 4;
        assert_eq!(pending_pages(&r), 6);
        r.expected_pages = None;
        r.pages = 0;
        assert_eq!(pending_pages(&r), 1);
        r.status = "deleting_stale".into();
        assert_eq!(pending_pages(&r), 0);
        r.status = "sweeping".into();
        r.expected_pages = Some(13);
        r.pages = 10;
        assert_eq!(pending_pages(&r), 3);
        // A page counted twice never makes the backlog negative.
        r.pages = 20;
        assert_eq!(pending_pages(&r), 0);
    }

    #[test]
    fn the_latest_delta_and_full_runs_are_reported_and_unfinished_runs_make_the_backlog() {
        let mut running = run("d2", "us", "delta", "running", NOW - 60_000);
        running.expected_pages = Some(5);
        running.pages = 2;
        let rows = StatusRows {
            runs: vec![
                run("f1", "us", "full", "finished", NOW - 10 * 60_000),
                run("d1", "us", "delta", "finished", NOW - 5 * 60_000),
                running.clone(),
                // The same row again, as the latest-of-mode and unfinished queries both return it.
                running,
                // Started long before the lock's lifetime: stalled, not backlog.
                run("d0", "us", "delta", "running", NOW - LOCK_TTL_MS - 1),
                run("f9", "de", "full", "finished", NOW - 1_000),
            ],
            ..Default::default()
        };
        let report = summarize(&["us", "de"], &rows, NOW);
        let us = &report.stores[0];
        assert_eq!(us.store, "us");
        assert_eq!(us.last_full.as_ref().map(|r| r.run_id.as_str()), Some("f1"));
        assert_eq!(
            us.last_delta
                .as_ref()
                .map(|r| (r.run_id.as_str(), r.status.as_str())),
            Some(("d2", "running"))
        );
        assert_eq!(
            us.backlog,
            Backlog {
                catalog_pages: 3,
                runs_in_progress: 1,
                stalled_runs: 1,
                ..Default::default()
            }
        );
        let de = &report.stores[1];
        assert_eq!(de.last_delta, None);
        let full = de.last_full.as_ref().unwrap();
        assert_eq!(
            (
                full.upserted,
                full.rejected,
                full.total,
                full.finished_at_ms
            ),
            (4, 2, Some(6), Some(NOW))
        );
        assert_eq!(de.backlog, Backlog::default());
    }

    #[test]
    fn success_is_delivered_over_settled_per_kind_and_overall() {
        let rows = StatusRows {
            delivery_counts: vec![
                count("us", "catalog", "delivered", 8),
                count("us", "event", "delivered", 3),
                count("us", "event", "retry", 4),
                count("us", "event", "dead_letter", 1),
                count("de", "event", "delivered", 100),
            ],
            ..Default::default()
        };
        let report = summarize(&["us", "de"], &rows, NOW);
        let d = &report.stores[0].deliveries;
        assert_eq!(
            (d.all.delivered, d.all.retried, d.all.dead_lettered),
            (11, 4, 1)
        );
        assert_eq!(d.all.success_rate, Some(11.0 / 12.0));
        let kinds: Vec<(&str, Option<f64>)> = d
            .by_kind
            .iter()
            .map(|s| (s.kind.as_str(), s.success_rate))
            .collect();
        assert_eq!(kinds, [("catalog", Some(1.0)), ("event", Some(0.75))]);
        assert_eq!(success_rate(0, 0), None);
        assert_eq!(
            summarize(&["x"], &StatusRows::default(), NOW).stores[0]
                .deliveries
                .all
                .success_rate,
            None
        );
    }

    #[test]
    fn errors_failures_and_dead_letters_are_per_store_newest_first_and_capped() {
        let rows = StatusRows {
            delivery_errors: (1..=8)
                .map(|id| DeliveryErrorRow {
                    id,
                    at_ms: NOW - 1_000 + id,
                    kind: "event".into(),
                    store: if id == 8 { "de".into() } else { "us".into() },
                    endpoint: "GET /v2/log/click".into(),
                    status: Some(503),
                    attempt: 1,
                    outcome: "retry".into(),
                    error: Some(format!("HTTP 503 #{id}")),
                })
                .collect(),
            validation_failures: vec![
                ValidationFailureRow {
                    id: 1,
                    at_ms: NOW,
                    run_id: "f1".into(),
                    store: "us".into(),
                    product_id: "P1".into(),
                    problems: r#"[{"field":"price","reason":"missing"}]"#.into(),
                },
                ValidationFailureRow {
                    id: 2,
                    at_ms: NOW,
                    run_id: "f1".into(),
                    store: "us".into(),
                    product_id: "P2".into(),
                    problems: "not json".into(),
                },
            ],
            dead_letters: vec![
                DeadLetterRow {
                    id: 4,
                    at_ms: NOW,
                    queue: "sfcc-clerk-events".into(),
                    store: "us".into(),
                    reason: "HTTP 400".into(),
                    payload: r#"{"attempt":1,"payload":{"id":"e1","kind":"click","store":"us","products":[{"id":"P1"}],"time_ms":1,"source":"client"}}"#.into(),
                    replayed_at_ms: Some(NOW),
                },
                DeadLetterRow {
                    id: 3,
                    at_ms: NOW,
                    queue: "sfcc-clerk-events".into(),
                    store: "us".into(),
                    reason: "HTTP 400".into(),
                    payload: "{}".into(),
                    replayed_at_ms: None,
                },
            ],
            dead_letter_counts: vec![DeadLetterCountRow {
                store: "us".into(),
                waiting: 1,
                replayed: 1,
                expiring: 1,
            }],
            ..Default::default()
        };
        let report = summarize(&["us", "de"], &rows, NOW);
        let us = &report.stores[0];
        let ids: Vec<u64> = us.latest_errors.iter().map(|e| e.id).collect();
        assert_eq!(ids, [7, 6, 5, 4, 3]);
        assert_eq!(report.stores[1].latest_errors.len(), 1);
        assert_eq!(
            us.validation_failures
                .iter()
                .map(|f| (f.product_id.as_str(), f.problems.clone()))
                .collect::<Vec<_>>(),
            [
                ("P2", vec![FieldProblem::new("problems", "not json")]),
                ("P1", vec![FieldProblem::new("price", "missing")]),
            ]
        );
        // Waiting first, then replayed.
        let d = &us.dead_letters;
        assert_eq!((d.waiting, d.replayed, d.expiring), (1, 1, 1));
        assert_eq!(
            d.latest
                .iter()
                .map(|l| (l.id, l.subject.as_str()))
                .collect::<Vec<_>>(),
            [(3, "unreadable message"), (4, "click P1 (event e1)")]
        );
    }

    #[test]
    fn refused_events_are_totalled_per_store_with_the_most_frequent_kinds_first_and_capped() {
        let refusal = |store: &str, name: &str, n: u64, last: u64| RefusalRow {
            store: store.into(),
            name: name.into(),
            reason: format!("reason {name}"),
            n,
            last_at_ms: NOW - last,
        };
        let mut refusals: Vec<RefusalRow> = (0..12)
            .map(|i| refusal("us", &format!("e{i}"), 1, 100 + i))
            .collect();
        refusals.push(refusal("us", "add_to_cart", 40, 5_000));
        refusals.push(refusal("us", "view_item", 40, 1_000));
        refusals.push(refusal("gone", "search", 2, 0));
        let rows = StatusRows {
            refusals,
            ..Default::default()
        };
        let report = summarize(&["us"], &rows, NOW);
        let us = &report.stores[0].refused_events;
        assert_eq!(us.total, 92, "every kind counts toward the total");
        let kinds: Vec<(&str, u64)> = us
            .kinds
            .iter()
            .map(|k| (k.name.as_str(), k.count))
            .collect();
        assert_eq!(kinds.len(), REFUSAL_KINDS_PER_STORE);
        assert_eq!(
            kinds[..4],
            [("view_item", 40), ("add_to_cart", 40), ("e0", 1), ("e1", 1)],
            "most first; of equal counts the latest first"
        );
        assert_eq!(us.kinds[0].reason, "reason view_item");
        let names: Vec<(&str, bool)> = report
            .stores
            .iter()
            .map(|s| (s.store.as_str(), s.configured))
            .collect();
        assert_eq!(names, [("us", true), ("gone", false)]);
        assert_eq!(report.stores[1].refused_events.total, 2);
    }

    #[test]
    fn a_stores_order_history_reads_its_row_and_the_page_in_progress() {
        let page = r#"{"from":"2026-03-01T10:00:00.000Z","skip":2,"to":"2026-12-01T00:00:00.000Z","to_ms":1796083200000}"#;
        let rows = StatusRows {
            order_history: vec![OrderHistoryRow {
                store: "us".into(),
                high_water_ms: None,
                page: Some(page.into()),
                last_page_ms: Some(5),
                sent: 40,
                skipped: 3,
            }],
            ..Default::default()
        };
        let report = summarize(&["us", "de"], &rows, 10);
        assert_eq!(
            report.stores[0].order_history,
            Some(OrderHistory {
                read_up_to_ms: None,
                in_progress_from: Some("2026-03-01T10:00:00.000Z".into()),
                last_page_ms: Some(5),
                sent: 40,
                skipped: 3,
            })
        );
        assert_eq!(report.stores[1].order_history, None, "not started");
    }

    #[test]
    fn unknown_product_ids_are_totalled_per_store_most_first_and_capped() {
        let row = |store: &str, id: &str, n: u64, last: u64| UnknownProductRow {
            store: store.into(),
            product_id: id.into(),
            n,
            last_at_ms: NOW - last,
        };
        let mut unknown: Vec<UnknownProductRow> = (0..12)
            .map(|i| row("us", &format!("P{i}"), 1, 100 + i))
            .collect();
        unknown.push(row("us", "OLD-SKU", 9, 5_000));
        unknown.push(row("de", "X", 2, 0));
        let rows = StatusRows {
            unknown_products: unknown,
            ..Default::default()
        };
        let report = summarize(&["us", "de"], &rows, NOW);
        let us = &report.stores[0].unknown_products;
        assert_eq!(us.total, 21);
        assert_eq!(us.ids.len(), UNKNOWN_IDS_PER_STORE);
        let first: Vec<(&str, u64)> = us.ids[..3]
            .iter()
            .map(|i| (i.id.as_str(), i.count))
            .collect();
        assert_eq!(first, [("OLD-SKU", 9), ("P0", 1), ("P1", 1)]);
        assert_eq!(report.stores[1].unknown_products.total, 2);
    }

    #[test]
    fn stores_only_the_records_name_are_reported_after_the_configured_ones() {
        let rows = StatusRows {
            dead_letter_counts: vec![DeadLetterCountRow {
                store: "(unknown)".into(),
                waiting: 2,
                replayed: 0,
                expiring: 0,
            }],
            event_retries: vec![
                RetryBacklogRow {
                    store: "us".into(),
                    n: 2,
                    oldest_ms: Some(NOW - 5_000),
                },
                RetryBacklogRow {
                    store: "us".into(),
                    n: 1,
                    oldest_ms: Some(NOW - 9_000),
                },
            ],
            ..Default::default()
        };
        let report = summarize(&["us"], &rows, NOW);
        let names: Vec<(&str, bool)> = report
            .stores
            .iter()
            .map(|s| (s.store.as_str(), s.configured))
            .collect();
        assert_eq!(names, [("us", true), ("(unknown)", false)]);
        assert_eq!(report.stores[1].dead_letters.waiting, 2);
        assert_eq!(
            (
                report.stores[0].backlog.event_retries,
                report.stores[0].backlog.oldest_event_retry_ms
            ),
            (3, Some(NOW - 9_000))
        );
        assert_eq!(report.window_ms, WINDOW_MS);
    }
}
