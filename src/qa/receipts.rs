//! QA receipts in D1 (`qa_events`): per page view and event id, how the worker took a QA
//! browser's event — queued, handed to the page to hold, or dropped for want of consent. Written
//! only for browsers in QA mode (the caller checks), so shoppers' traffic costs nothing here; a
//! write never fails the request it describes (a failure is logged). What Clerk made of an event
//! is not copied here: the delivery log records each call with the event id, and [`page`] joins
//! it. The cron's retention prunes receipts after a day.
//!
//! A receipt only moves forward: `received` replaces `held` or `dropped` (the page released what
//! it held), nothing replaces `received`.

use crate::platform::now_ms;
use serde::Deserialize;
use sfcc_clerk_core::event::trace::{
    trace_of, traceable_page, LoggedCall, PageTrace, Receipt, Recorded,
};
use sfcc_clerk_core::event::{Event, EventKind};
use wasm_bindgen::JsValue;
use worker::D1Database;

/// Most events one page answer lists.
const MAX_EVENTS_PER_PAGE: u32 = 200;

fn ms(v: u64) -> JsValue {
    JsValue::from_f64(v as f64)
}

/// Records how the worker took `events` (those with a page id, logins left out: their id holds
/// the email), with the reason for a held or dropped one, in one batch. The cron's retention
/// prunes receipts after a day.
pub async fn record(db: &D1Database, events: &[Event], receipt: Receipt, reason: Option<&str>) {
    let now = now_ms();
    let statements = events
        .iter()
        .filter_map(|e| traceable_page(e).map(|page| (page, e)))
        .map(|(page, e)| {
            db.prepare(
                "INSERT INTO qa_events (page_id, event_id, kind, state, reason, received_at_ms, at_ms) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) \
                 ON CONFLICT (page_id, event_id) DO UPDATE SET state = excluded.state, \
                   reason = excluded.reason, at_ms = excluded.at_ms \
                 WHERE qa_events.state IN ('held', 'dropped') AND excluded.state = 'received'",
            )
            .bind(&[
                page.into(),
                e.id.as_str().into(),
                e.kind.as_str().into(),
                receipt.as_str().into(),
                reason.map_or(JsValue::NULL, JsValue::from),
                ms(now),
            ])
        })
        .collect::<worker::Result<Vec<_>>>();
    if let Err(e) = crate::platform::run_batch(db, statements).await {
        worker::console_error!(
            "QA receipts: could not record {} events: {e}",
            receipt.as_str()
        );
    }
}

/// A receipt joined with the event's latest logged Clerk call and whether Clerk has it.
#[derive(Deserialize)]
struct Row {
    event_id: String,
    kind: String,
    state: String,
    reason: Option<String>,
    received_at_ms: f64,
    at_ms: f64,
    call_status: Option<f64>,
    call_attempt: Option<f64>,
    call_endpoint: Option<String>,
    call_outcome: Option<String>,
    call_error: Option<String>,
    call_at_ms: Option<f64>,
    sent: f64,
}

impl Row {
    /// The record, or `None` for a row this worker cannot read (written by another version).
    fn recorded(self) -> Option<Recorded> {
        let call = match (self.call_endpoint, self.call_outcome) {
            (Some(endpoint), Some(outcome)) => Some(LoggedCall {
                status: self.call_status.map(|s| s as u16),
                attempt: self.call_attempt.unwrap_or(0.0) as u32,
                endpoint,
                outcome,
                error: self.call_error,
                at_ms: self.call_at_ms.unwrap_or(0.0) as u64,
            }),
            _ => None,
        };
        Some(Recorded {
            kind: EventKind::parse(&self.kind)?,
            receipt: Receipt::parse(&self.state)?,
            event_id: self.event_id,
            reason: self.reason,
            received_at_ms: self.received_at_ms as u64,
            at_ms: self.at_ms as u64,
            call,
            sent: self.sent > 0.0,
        })
    }
}

/// What became of a page view's events, oldest first: its receipts, each with the latest Clerk
/// call the delivery log holds for the event id (indexed by `ref`) and the sent-events record.
pub async fn page(db: &D1Database, page_id: &str) -> worker::Result<PageTrace> {
    let rows: Vec<Row> = db
        .prepare(format!(
            "SELECT q.event_id, q.kind, q.state, q.reason, q.received_at_ms, q.at_ms, \
               d.status AS call_status, d.attempt AS call_attempt, d.endpoint AS call_endpoint, \
               d.outcome AS call_outcome, d.error AS call_error, d.at_ms AS call_at_ms, \
               EXISTS (SELECT 1 FROM sent_events s WHERE s.event_id = q.event_id AND s.state = 'sent') AS sent \
             FROM qa_events q \
             LEFT JOIN deliveries d ON d.id = (SELECT MAX(id) FROM deliveries WHERE ref = q.event_id) \
             WHERE q.page_id = ?1 ORDER BY q.received_at_ms, q.event_id LIMIT {MAX_EVENTS_PER_PAGE}"
        ))
        .bind(&[page_id.into()])?
        .all()
        .await?
        .results()?;
    Ok(PageTrace {
        page: page_id.to_string(),
        events: rows
            .into_iter()
            .filter_map(Row::recorded)
            .map(trace_of)
            .collect(),
    })
}
