//! The D1 delivery log and dead-letter table.

use super::{err, now_ms};
use sfcc_clerk_core::delivery::{loggable_path, DeliveryKind, DeliveryRecord};
use sfcc_clerk_core::retry::Decision;
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement};

/// The statement that writes one delivery record (to run alone or in a batch).
pub fn delivery_statement(
    db: &D1Database,
    r: &DeliveryRecord,
) -> worker::Result<D1PreparedStatement> {
    db.prepare(
        "INSERT INTO deliveries (at_ms, kind, store, endpoint, status, attempt, items, duration_ms, outcome, error, ref) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )
    .bind(&[
        JsValue::from_f64(r.at_ms as f64),
        r.kind.as_str().into(),
        r.store.as_str().into(),
        r.endpoint.as_str().into(),
        r.status.map_or(JsValue::NULL, JsValue::from),
        JsValue::from(r.attempt),
        JsValue::from(r.items),
        JsValue::from_f64(r.duration_ms as f64),
        r.outcome.as_str().into(),
        r.error.as_deref().map_or(JsValue::NULL, JsValue::from),
        r.reference.as_deref().map_or(JsValue::NULL, JsValue::from),
    ])
}

/// Writes one delivery record. Logging must not lose the delivery itself, so a failed write is
/// reported to the console and otherwise ignored.
pub async fn delivery(db: &D1Database, r: &DeliveryRecord) {
    let result = match delivery_statement(db, r) {
        Ok(s) => s.run().await.map(|_| ()),
        Err(e) => Err(e),
    };
    if let Err(e) = result {
        worker::console_error!("delivery log write failed for {}: {e}", r.endpoint);
    }
}

/// What one attempted call was, for [`record`].
pub struct Attempted<'a> {
    /// What was delivered.
    pub kind: DeliveryKind,
    /// The store.
    pub store: &'a str,
    /// HTTP method.
    pub method: &'a str,
    /// URL called (only its path is logged).
    pub url: &'a str,
    /// Attempt number.
    pub attempt: u32,
    /// Items carried.
    pub items: u32,
    /// The message's own id, when it has one (an event's id).
    pub reference: Option<&'a str>,
}

fn record_of(a: &Attempted<'_>, reply: &super::http::Reply, decision: &Decision) -> DeliveryRecord {
    DeliveryRecord {
        at_ms: now_ms(),
        kind: a.kind,
        store: a.store.to_string(),
        endpoint: format!("{} {}", a.method, loggable_path(a.url)),
        status: reply.status(),
        attempt: a.attempt,
        items: a.items,
        duration_ms: reply.duration_ms,
        outcome: decision.label().to_string(),
        error: decision.reason().map(str::to_string),
        reference: a.reference.map(str::to_string),
    }
}

/// Logs a call with the decision taken on it.
pub async fn record(
    db: &D1Database,
    a: &Attempted<'_>,
    reply: &super::http::Reply,
    decision: &Decision,
) {
    delivery(db, &record_of(a, reply, decision)).await;
}

/// The statement that logs a call with the decision taken on it, for a batch with the writes
/// the decision brings.
pub fn record_statement(
    db: &D1Database,
    a: &Attempted<'_>,
    reply: &super::http::Reply,
    decision: &Decision,
) -> worker::Result<D1PreparedStatement> {
    delivery_statement(db, &record_of(a, reply, decision))
}

/// The store recorded for a message that names none (it could not be read).
pub const UNKNOWN_STORE: &str = "(unknown)";

/// Keeps a payload that will not be delivered, with the reason, for replay.
pub async fn dead_letter(
    db: &D1Database,
    queue: &str,
    store: &str,
    reason: &str,
    payload: &str,
) -> worker::Result<()> {
    db.prepare("INSERT INTO dead_letters (at_ms, queue, store, reason, payload) VALUES (?1, ?2, ?3, ?4, ?5)")
        .bind(&[
            JsValue::from_f64(now_ms() as f64),
            queue.into(),
            store.into(),
            reason.into(),
            payload.into(),
        ])?
        .run()
        .await
        .map_err(err)?;
    Ok(())
}
