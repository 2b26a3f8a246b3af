//! The copies of a sale meet in D1 (`sale_details`, one row per order and page view): the
//! server's reading of a confirmation page records that it served that page for that order (and,
//! with consent to identify, the email), the page's own `purchase` report records the shop's
//! customer number. At delivery a copy reads its own page's row: the server's copy fills in the
//! customer number the page reported, and a page's copy is only a sale when the worker served
//! that page for that order and had no copy of its own to send
//! ([`sfcc_clerk_core::event::plan_sale_copy`]). A failure to write is logged, never the call's.

use crate::platform::{now_ms, run_batch};
use serde::Deserialize;
use sfcc_clerk_core::event::{Event, EventKind, SalePage};
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement};

fn text(v: Option<&str>) -> JsValue {
    v.map_or(JsValue::NULL, JsValue::from)
}

/// Records the customer numbers the page's sales among `events` carried, under their page view,
/// keeping what was recorded before. Sales without one write nothing.
pub async fn record(db: &D1Database, events: &[Event]) {
    let now = JsValue::from_f64(now_ms() as f64);
    let statements = events
        .iter()
        .filter(|e| e.kind == EventKind::Purchase && e.customer.is_some())
        .map(|e| {
            db.prepare(
                "INSERT INTO sale_details (event_id, page_id, customer, at_ms) \
                 VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT (event_id, page_id) DO UPDATE SET \
                   customer = COALESCE(sale_details.customer, excluded.customer)",
            )
            .bind(&[
                e.id.as_str().into(),
                e.page.as_deref().unwrap_or_default().into(),
                text(e.customer.as_deref()),
                now.clone(),
            ])
        })
        .collect::<worker::Result<Vec<_>>>();
    if let Err(e) = run_batch(db, statements).await {
        worker::console_error!("could not record what a sale's copy carried: {e}");
    }
}

/// Records that the worker served page view `page_id` as order `event_id`'s confirmation (or
/// read the order from SCAPI's answer to it): with `server_copy` when it queued its own reading,
/// which is then the sale, and the email that reading carried (with consent to identify).
pub async fn record_served(
    db: &D1Database,
    event_id: &str,
    page_id: &str,
    email: Option<&str>,
    server_copy: bool,
) {
    let statement = db
        .prepare(
            "INSERT INTO sale_details (event_id, page_id, email, served, server_copy, at_ms) \
             VALUES (?1, ?2, ?3, 1, ?4, ?5) \
             ON CONFLICT (event_id, page_id) DO UPDATE SET served = 1, \
               server_copy = MAX(sale_details.server_copy, excluded.server_copy), \
               email = COALESCE(sale_details.email, excluded.email)",
        )
        .bind(&[
            event_id.into(),
            page_id.into(),
            text(email),
            JsValue::from_f64(f64::from(u8::from(server_copy))),
            JsValue::from_f64(now_ms() as f64),
        ]);
    if let Err(e) = async { statement?.run().await }.await {
        worker::console_error!("could not record the confirmation page of sale {event_id}: {e}");
    }
}

/// What was recorded of sale `event`'s page view.
pub fn details_statement(db: &D1Database, event: &Event) -> worker::Result<D1PreparedStatement> {
    db.prepare(
        "SELECT customer, email, served, server_copy FROM sale_details \
         WHERE event_id = ?1 AND page_id = ?2",
    )
    .bind(&[
        event.id.as_str().into(),
        event.page.as_deref().unwrap_or_default().into(),
    ])
}

/// A `sale_details` row.
#[derive(Deserialize)]
pub struct Details {
    /// The shop's customer number.
    pub customer: Option<String>,
    /// The email.
    pub email: Option<String>,
    /// 1 when the worker served the page as the order's confirmation.
    #[serde(default)]
    served: u8,
    /// 1 when the worker queued its own reading of the order.
    #[serde(default)]
    server_copy: u8,
}

impl Details {
    /// What the row says of the page.
    pub fn page(&self) -> SalePage {
        SalePage {
            served: self.served == 1,
            server_copy: self.server_copy == 1,
        }
    }
}
