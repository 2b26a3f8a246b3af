//! The status report: D1 rows read in one batch, summarized by the core.

use crate::context::Ctx;
use crate::platform::{err, now_ms};
use serde::de::DeserializeOwned;
use serde_json::Value;
use sfcc_clerk_core::retention::dead_letter_notice_cutoff;
use sfcc_clerk_core::status::rows::StatusRows;
use sfcc_clerk_core::status::{
    summarize, StatusReport, DEAD_LETTERS_PER_STORE, ERRORS_PER_STORE, FAILURES_PER_STORE,
    WINDOW_MS,
};
use wasm_bindgen::JsValue;
use worker::D1Result;

/// The latest run of each store and mode, and every run left unfinished in the window.
const RUNS: &str = "SELECT run_id, store, trigger, mode, status, started_at_ms, finished_at_ms, expected_pages, total, \
    pages, upserted, unchanged, removed, rejected FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY store, mode \
    ORDER BY started_at_ms DESC) AS rn FROM sync_runs) WHERE rn = 1 OR (status != 'finished' AND started_at_ms >= ?1)";

/// Calls of the window by store, kind and outcome.
const DELIVERY_COUNTS: &str =
    "SELECT store, kind, outcome, COUNT(*) AS n FROM deliveries WHERE at_ms >= ?1 \
    GROUP BY store, kind, outcome";

/// Events whose last logged attempt decided a retry: no later attempt of the same event, and
/// not accepted by Clerk since (by a duplicate delivery).
const EVENT_RETRIES: &str =
    "SELECT d.store AS store, COUNT(*) AS n, MIN(d.at_ms) AS oldest_ms FROM deliveries d \
    WHERE d.kind = 'event' AND d.outcome = 'retry' AND d.ref IS NOT NULL AND d.at_ms >= ?1 \
    AND NOT EXISTS (SELECT 1 FROM deliveries l WHERE l.ref = d.ref AND l.id > d.id) \
    AND NOT EXISTS (SELECT 1 FROM sent_events s WHERE s.event_id = d.ref) GROUP BY d.store";

/// Per store: dead letters waiting and replayed, and the waiting ones from before `?1` (the
/// retention drops them within its notice).
const DEAD_LETTER_COUNTS: &str = "SELECT store, SUM(replayed_at_ms IS NULL) AS waiting, \
    SUM(replayed_at_ms IS NOT NULL) AS replayed, \
    SUM(replayed_at_ms IS NULL AND at_ms < ?1) AS expiring FROM dead_letters GROUP BY store";

/// Refused events per store, name and reason: the hours of the window (each hour whose latest
/// refusal falls in it, whole).
const REFUSALS: &str = "SELECT store, name, reason, SUM(n) AS n, MAX(last_at_ms) AS last_at_ms \
    FROM event_refusals WHERE last_at_ms >= ?1 GROUP BY store, name, reason";

/// Product ids Clerk does not hold per store: the hours of the window, as for refusals.
const UNKNOWN_PRODUCTS: &str =
    "SELECT store, product_id, SUM(n) AS n, MAX(last_at_ms) AS last_at_ms \
    FROM unknown_products WHERE last_at_ms >= ?1 GROUP BY store, product_id";

/// Every store's order history row.
const ORDER_HISTORY: &str =
    "SELECT store, high_water_ms, page, last_page_ms, sent, skipped FROM order_history";

fn delivery_errors() -> String {
    format!(
        "SELECT id, at_ms, kind, store, endpoint, status, attempt, outcome, error FROM (SELECT *, ROW_NUMBER() \
         OVER (PARTITION BY store ORDER BY id DESC) AS rn FROM deliveries WHERE outcome != 'delivered' AND at_ms >= ?1) \
         WHERE rn <= {ERRORS_PER_STORE}"
    )
}

fn validation_failures() -> String {
    format!(
        "SELECT id, at_ms, run_id, store, product_id, problems FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY store \
         ORDER BY id DESC) AS rn FROM validation_failures) WHERE rn <= {FAILURES_PER_STORE}"
    )
}

/// Waiting dead letters and replayed ones, the latest of each per store.
fn dead_letters() -> String {
    format!(
        "SELECT id, at_ms, queue, store, reason, payload, replayed_at_ms FROM (SELECT *, ROW_NUMBER() OVER \
         (PARTITION BY store, replayed_at_ms IS NULL ORDER BY id DESC) AS rn FROM dead_letters) WHERE rn <= {DEAD_LETTERS_PER_STORE}"
    )
}

/// Rows of one result, each read through JSON (as the admin listings are).
fn rows<T: DeserializeOwned>(result: Option<&D1Result>, what: &str) -> worker::Result<Vec<T>> {
    let result = result.ok_or_else(|| err(format!("the status batch returned no {what}")))?;
    result
        .results::<Value>()?
        .into_iter()
        .map(|v| serde_json::from_value(v).map_err(|e| err(format!("a {what} row: {e}"))))
        .collect()
}

/// Reads the rows (one D1 batch) and summarizes them for the configured stores.
pub async fn build(ctx: &Ctx) -> worker::Result<StatusReport> {
    let now = now_ms();
    let since = JsValue::from_f64(now.saturating_sub(WINDOW_MS) as f64);
    let with_since = |sql: &str| ctx.db.prepare(sql).bind(std::slice::from_ref(&since));
    let statements = vec![
        with_since(RUNS)?,
        with_since(DELIVERY_COUNTS)?,
        with_since(&delivery_errors())?,
        with_since(EVENT_RETRIES)?,
        ctx.db.prepare(validation_failures()),
        ctx.db.prepare(dead_letters()),
        ctx.db
            .prepare(DEAD_LETTER_COUNTS)
            .bind(&[JsValue::from_f64(
                dead_letter_notice_cutoff(now, ctx.settings.retention_days) as f64,
            )])?,
        with_since(REFUSALS)?,
        with_since(UNKNOWN_PRODUCTS)?,
        ctx.db.prepare(ORDER_HISTORY),
    ];
    let results = ctx.db.batch(statements).await?;
    let rows = StatusRows {
        runs: rows(results.first(), "run")?,
        delivery_counts: rows(results.get(1), "delivery count")?,
        delivery_errors: rows(results.get(2), "delivery error")?,
        event_retries: rows(results.get(3), "event retry")?,
        validation_failures: rows(results.get(4), "validation failure")?,
        dead_letters: rows(results.get(5), "dead letter")?,
        dead_letter_counts: rows(results.get(6), "dead letter count")?,
        refusals: rows(results.get(7), "refused event count")?,
        unknown_products: rows(results.get(8), "unknown product count")?,
        order_history: rows(results.get(9), "order history")?,
    };
    let configured: Vec<&str> = ctx
        .settings
        .stores
        .iter()
        .map(|s| s.config.name.as_str())
        .collect();
    Ok(summarize(&configured, &rows, now))
}
