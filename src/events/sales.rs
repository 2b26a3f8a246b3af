//! The two copies of a sale meet in D1 (`sale_details`): the page's report carries the shop's
//! customer number, the server's reading of the confirmation page carries the email, and both
//! have one event id, so only the first delivered reaches Clerk. Each copy records what it has
//! when it is taken; the delivery fills what its copy lacks ([`Event::fill_missing`]) before the
//! call. Only sales with a customer number or an email are written (with consent to identify,
//! nothing else carries either); a failure to write is logged, never the call's.

use crate::platform::{now_ms, run_batch};
use serde::Deserialize;
use sfcc_clerk_core::event::{Event, EventKind};
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement};

/// Records the customer number and email of the sales among `events`, keeping what an earlier
/// copy recorded.
pub async fn record(db: &D1Database, events: &[Event]) {
    let now = JsValue::from_f64(now_ms() as f64);
    let text = |v: &Option<String>| v.as_deref().map_or(JsValue::NULL, JsValue::from);
    let statements = events
        .iter()
        .filter(|e| e.kind == EventKind::Purchase && (e.customer.is_some() || e.email.is_some()))
        .map(|e| {
            db.prepare(
                "INSERT INTO sale_details (event_id, customer, email, at_ms) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT (event_id) DO UPDATE SET \
                   customer = COALESCE(sale_details.customer, excluded.customer), \
                   email = COALESCE(sale_details.email, excluded.email)",
            )
            .bind(&[e.id.as_str().into(), text(&e.customer), text(&e.email), now.clone()])
        })
        .collect::<worker::Result<Vec<_>>>();
    if let Err(e) = run_batch(db, statements).await {
        worker::console_error!("could not record what a sale's copy carried: {e}");
    }
}

/// What the copies of sale `event_id` recorded.
pub fn details_statement(db: &D1Database, event_id: &str) -> worker::Result<D1PreparedStatement> {
    db.prepare("SELECT customer, email FROM sale_details WHERE event_id = ?1")
        .bind(&[event_id.into()])
}

/// A `sale_details` row.
#[derive(Deserialize)]
pub struct Details {
    /// The shop's customer number.
    pub customer: Option<String>,
    /// The email.
    pub email: Option<String>,
}
