//! `sfcc-clerk status`: the worker's status report (`GET /__sfcc-clerk/admin/status`) as readable tables, or
//! as JSON.

use crate::admin_client::{AdminClient, AdminError};
use sfcc_clerk_core::status::format::{ago, percent, when, when_ago};
use sfcc_clerk_core::status::{RunSummary, StatusReport};

/// Why the report could not be had.
#[derive(Debug, thiserror::Error)]
pub enum StatusError {
    /// The admin call failed.
    #[error(transparent)]
    Admin(#[from] AdminError),
    /// The worker answered something that is not a status report (an older worker?).
    #[error("the worker's answer is not a status report: {0}")]
    Shape(String),
}

/// Fetches the report.
pub fn fetch(client: &AdminClient) -> Result<StatusReport, StatusError> {
    let body = client.status()?;
    serde_json::from_value(body).map_err(|e| StatusError::Shape(e.to_string()))
}

/// What `sfcc-clerk status` prints: the report as tables (or pretty JSON with `json`).
pub fn run(client: &AdminClient, json: bool) -> Result<String, StatusError> {
    let report = fetch(client)?;
    Ok(if json {
        serde_json::to_string_pretty(&report).map_err(|e| StatusError::Shape(e.to_string()))?
    } else {
        render(&report)
    })
}

/// Columns padded to their widest cell, two spaces apart; numbers right-aligned.
fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let width = |i: usize| {
        rows.iter()
            .map(|r| r.get(i).map_or(0, |c| c.chars().count()))
            .chain([headers[i].chars().count()])
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..headers.len()).map(width).collect();
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| {
                let numeric = !c.is_empty() && c.bytes().all(|b| b.is_ascii_digit());
                if numeric {
                    format!("{c:>w$}")
                } else {
                    format!("{c:<w$}")
                }
            })
            .collect();
        padded.join("  ").trim_end().to_string() + "\n"
    };
    let mut out = line(headers.to_vec());
    for r in rows {
        out.push_str(&line(r.iter().map(String::as_str).collect()));
    }
    out
}

fn run_cells(store: &str, label: &str, run: Option<&RunSummary>, now: u64) -> Vec<String> {
    let mut cells = vec![store.to_string(), label.to_string()];
    match run {
        None => cells.push("no run yet".into()),
        Some(r) => cells.extend([
            r.status.clone(),
            r.trigger.clone(),
            ago(r.started_at_ms, now),
            r.finished_at_ms.map_or_else(|| "–".into(), |f| ago(f, now)),
            r.total.map_or_else(|| "–".into(), |t| t.to_string()),
            match r.expected_pages {
                Some(e) => format!("{}/{e}", r.pages),
                None => r.pages.to_string(),
            },
            r.upserted.to_string(),
            r.unchanged.to_string(),
            r.removed.to_string(),
            r.rejected.to_string(),
        ]),
    }
    cells
}

/// The report as text: runs, health (backlog, dead letters, refused events, unknown product ids,
/// deliveries), then the waiting dead letters, the latest delivery errors, validation failures,
/// the most frequent refused events and unknown product ids, and the order history.
pub fn render(report: &StatusReport) -> String {
    let now = report.generated_at_ms;
    let mut out = format!(
        "sfcc-clerk status at {} (deliveries over the last {} h)\n\n",
        when(now),
        report.window_ms / 3_600_000
    );
    let mut runs = Vec::new();
    let mut health = Vec::new();
    for s in &report.stores {
        runs.push(run_cells(&s.store, "delta", s.last_delta.as_ref(), now));
        runs.push(run_cells(&s.store, "full", s.last_full.as_ref(), now));
        let b = &s.backlog;
        let d = &s.deliveries.all;
        health.push(vec![
            s.store.clone(),
            b.catalog_pages.to_string(),
            b.runs_in_progress.to_string(),
            b.stalled_runs.to_string(),
            b.event_retries.to_string(),
            s.dead_letters.waiting.to_string(),
            s.dead_letters.replayed.to_string(),
            s.refused_events.total.to_string(),
            s.unknown_products.total.to_string(),
            d.delivered.to_string(),
            d.retried.to_string(),
            d.dead_lettered.to_string(),
            percent(d.success_rate),
        ]);
    }
    out.push_str(&table(
        &[
            "STORE",
            "RUN",
            "STATUS",
            "TRIGGER",
            "STARTED",
            "FINISHED",
            "TOTAL",
            "PAGES",
            "SENT",
            "UNCHANGED",
            "REMOVED",
            "REJECTED",
        ],
        &runs,
    ));
    out.push('\n');
    out.push_str(&table(
        &[
            "STORE",
            "PAGES TO DO",
            "RUNS",
            "STALLED",
            "EVENT RETRIES",
            "DEAD LETTERS",
            "REPLAYED",
            "REFUSED",
            "UNKNOWN IDS",
            "DELIVERED",
            "RETRIED",
            "DEAD-LETTERED",
            "SUCCESS",
        ],
        &health,
    ));

    let dead: Vec<Vec<String>> = report
        .stores
        .iter()
        .flat_map(|s| {
            s.dead_letters
                .latest
                .iter()
                .filter(|d| d.replayed_at_ms.is_none())
                .map(|d| {
                    vec![
                        s.store.clone(),
                        d.id.to_string(),
                        when_ago(d.at_ms, now),
                        d.subject.clone(),
                        d.reason.clone(),
                    ]
                })
        })
        .collect();
    if !dead.is_empty() {
        out.push_str("\nDead letters waiting (sfcc-clerk replay --worker URL ID):\n");
        out.push_str(&table(&["STORE", "ID", "WHEN", "MESSAGE", "REASON"], &dead));
    }
    for s in report.stores.iter().filter(|s| s.dead_letters.expiring > 0) {
        out.push_str(&format!(
            "\n{}: {} waiting dead letters are dropped within {} days unless replayed (the retention).\n",
            s.store,
            s.dead_letters.expiring,
            sfcc_clerk_core::retention::DEAD_LETTER_NOTICE_DAYS
        ));
    }
    let errors: Vec<Vec<String>> = report
        .stores
        .iter()
        .flat_map(|s| {
            s.latest_errors.iter().map(|e| {
                vec![
                    s.store.clone(),
                    when_ago(e.at_ms, now),
                    e.kind.clone(),
                    e.endpoint.clone(),
                    e.status.map_or_else(|| "–".into(), |c| c.to_string()),
                    e.outcome.clone(),
                    e.error.clone().unwrap_or_default(),
                ]
            })
        })
        .collect();
    if !errors.is_empty() {
        out.push_str("\nLatest delivery errors:\n");
        out.push_str(&table(
            &[
                "STORE", "WHEN", "KIND", "CALL", "STATUS", "OUTCOME", "ERROR",
            ],
            &errors,
        ));
    }
    let failures: Vec<Vec<String>> = report
        .stores
        .iter()
        .flat_map(|s| {
            s.validation_failures.iter().map(|f| {
                let problems: Vec<String> = f
                    .problems
                    .iter()
                    .map(|p| format!("{}: {}", p.field, p.reason))
                    .collect();
                vec![s.store.clone(), f.product_id.clone(), problems.join("; ")]
            })
        })
        .collect();
    if !failures.is_empty() {
        out.push_str("\nValidation failures (latest):\n");
        out.push_str(&table(&["STORE", "PRODUCT", "PROBLEMS"], &failures));
    }
    let refused: Vec<Vec<String>> = report
        .stores
        .iter()
        .flat_map(|s| {
            s.refused_events.kinds.iter().map(|k| {
                vec![
                    s.store.clone(),
                    if k.name.is_empty() {
                        "–".into()
                    } else {
                        k.name.clone()
                    },
                    k.count.to_string(),
                    when_ago(k.last_at_ms, now),
                    k.reason.clone(),
                ]
            })
        })
        .collect();
    if !refused.is_empty() {
        out.push_str("\nRefused events (most frequent):\n");
        out.push_str(&table(
            &["STORE", "EVENT", "COUNT", "LATEST", "REASON"],
            &refused,
        ));
    }
    let unknown: Vec<Vec<String>> = report
        .stores
        .iter()
        .flat_map(|s| {
            s.unknown_products.ids.iter().map(|i| {
                vec![
                    s.store.clone(),
                    if i.id.is_empty() {
                        "(other ids)".into()
                    } else {
                        i.id.clone()
                    },
                    i.count.to_string(),
                    when_ago(i.last_at_ms, now),
                ]
            })
        })
        .collect();
    if !unknown.is_empty() {
        out.push_str("\nProducts Clerk does not hold, named by events (most frequent):\n");
        out.push_str(&table(&["STORE", "PRODUCT", "EVENTS", "LATEST"], &unknown));
    }
    let history: Vec<Vec<String>> = report
        .stores
        .iter()
        .filter_map(|s| {
            let h = s.order_history.as_ref()?;
            Some(vec![
                s.store.clone(),
                h.sent.to_string(),
                h.skipped.to_string(),
                h.read_up_to_ms.map_or_else(|| "-".into(), when),
                h.in_progress_from.clone().unwrap_or_else(|| "-".into()),
            ])
        })
        .collect();
    if !history.is_empty() {
        out.push_str("\nOrder history:\n");
        out.push_str(&table(
            &[
                "STORE",
                "SENT",
                "LEFT OUT",
                "CREATED BEFORE",
                "READING FROM",
            ],
            &history,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use sfcc_clerk_core::mapping::FieldProblem;
    use sfcc_clerk_core::status::{
        Backlog, DeadLetter, DeadLetters, Deliveries, DeliveryStats, OrderHistory, RefusalKind,
        RefusedEvents, StoreStatus, UnknownProduct, UnknownProducts, ValidationFailure, WINDOW_MS,
    };

    const NOW: u64 = 1_769_860_800_000;

    fn report() -> StatusReport {
        StatusReport {
            generated_at_ms: NOW,
            window_ms: WINDOW_MS,
            stores: vec![StoreStatus {
                store: "refarch-us".into(),
                configured: true,
                last_delta: None,
                last_full: Some(RunSummary {
                    run_id: "r".into(),
                    trigger: "admin".into(),
                    status: "finished".into(),
                    started_at_ms: NOW - 120_000,
                    finished_at_ms: Some(NOW - 60_000),
                    total: Some(6),
                    pages: 3,
                    expected_pages: Some(3),
                    upserted: 4,
                    unchanged: 0,
                    removed: 0,
                    rejected: 2,
                }),
                backlog: Backlog {
                    event_retries: 1,
                    ..Default::default()
                },
                deliveries: Deliveries {
                    all: DeliveryStats {
                        kind: "all".into(),
                        delivered: 9,
                        retried: 1,
                        dead_lettered: 1,
                        success_rate: Some(0.9),
                    },
                    by_kind: vec![],
                },
                latest_errors: vec![],
                validation_failures: vec![ValidationFailure {
                    id: 1,
                    at_ms: NOW,
                    run_id: "r".into(),
                    product_id: "25720424M".into(),
                    problems: vec![FieldProblem::new("price", "missing")],
                }],
                dead_letters: DeadLetters {
                    waiting: 1,
                    replayed: 0,
                    expiring: 0,
                    latest: vec![DeadLetter {
                        id: 3,
                        at_ms: NOW - 30_000,
                        queue: "sfcc-clerk-events".into(),
                        subject: "click A (event e)".into(),
                        reason: "HTTP 400 rejected".into(),
                        replayed_at_ms: None,
                    }],
                },
                refused_events: RefusedEvents {
                    total: 5,
                    kinds: vec![RefusalKind {
                        name: "add_to_cart".into(),
                        reason: "item_id must be a non-empty string".into(),
                        count: 5,
                        last_at_ms: NOW - 60_000,
                    }],
                },
                unknown_products: UnknownProducts {
                    total: 2,
                    ids: vec![UnknownProduct {
                        id: "OLD-SKU".into(),
                        count: 2,
                        last_at_ms: NOW - 60_000,
                    }],
                },
                order_history: Some(OrderHistory {
                    read_up_to_ms: Some(NOW - 3_600_000),
                    in_progress_from: None,
                    last_page_ms: Some(NOW - 60_000),
                    sent: 250,
                    skipped: 7,
                }),
            }],
        }
    }

    /// A table line's cells (columns are two spaces apart at least).
    fn cells_of(line: &str) -> Vec<&str> {
        line.split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect()
    }

    #[test]
    fn the_tables_line_up_and_carry_every_figure() {
        let text = render(&report());
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "sfcc-clerk status at 2026-01-31 12:00:00Z (deliveries over the last 24 h)"
        );
        let header = lines[2];
        let full = lines
            .iter()
            .find(|l| l.contains(" full "))
            .expect("the full run's line");
        // Columns line up: each header starts where its column does.
        let sent_end = header.find("SENT").unwrap() + "SENT".len();
        assert_eq!(&full[sent_end - 1..sent_end], "4", "{text}");
        let cells = cells_of(full);
        assert_eq!(
            cells,
            [
                "refarch-us",
                "full",
                "finished",
                "admin",
                "2 min ago",
                "1 min ago",
                "6",
                "3/3",
                "4",
                "0",
                "0",
                "2"
            ]
        );
        assert!(text.contains("refarch-us  delta  no run yet"), "{text}");
        let health = lines
            .iter()
            .find(|l| l.starts_with("refarch-us") && l.ends_with("90.0 %"))
            .expect("the health line");
        let numbers: Vec<&str> = health.split_whitespace().collect();
        assert_eq!(
            numbers,
            [
                "refarch-us",
                "0",
                "0",
                "0",
                "1",
                "1",
                "0",
                "5",
                "2",
                "9",
                "1",
                "1",
                "90.0",
                "%"
            ]
        );
        assert!(
            text.contains("refarch-us  OLD-SKU       2  2026-01-31 11:59:00Z (1 min ago)"),
            "{text}"
        );
        assert!(
            text.contains("2026-01-31 11:59:30Z (30 s ago)  click A (event e)  HTTP 400 rejected")
        );
        assert!(text.contains("refarch-us  25720424M  price: missing"));
        assert!(
            text.contains(
                "refarch-us  add_to_cart      5  2026-01-31 11:59:00Z (1 min ago)  item_id must be a non-empty string"
            ),
            "{text}"
        );
        assert!(
            !text.contains("Latest delivery errors"),
            "no errors, no section"
        );
        let history = text
            .split("Order history:\n")
            .nth(1)
            .and_then(|t| t.lines().nth(1))
            .expect("the order history table");
        let cells = cells_of(history);
        assert_eq!(
            cells,
            ["refarch-us", "250", "7", "2026-01-31 11:00:00Z", "-"],
            "{text}"
        );
    }
}
