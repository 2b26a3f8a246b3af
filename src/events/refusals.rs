//! Refused events counted in D1 (`event_refusals`) for the status page: per store, hour, event
//! name and reason, as the core tallies them ([`sfcc_clerk_core::event::refusals`]). Written only
//! for calls with refused events, so a clean storefront costs nothing here; a write never fails
//! the call it counts (a failure is logged).

use crate::platform::now_ms;
use sfcc_clerk_core::event::refusals::{hour_of, tally, KINDS_PER_HOUR, OTHER_KINDS};
use sfcc_clerk_core::event::Refused;
use wasm_bindgen::JsValue;
use worker::D1Database;

/// Adds one kind's count to its hour; a kind new to an hour that already holds
/// [`KINDS_PER_HOUR`] kinds counts under [`OTHER_KINDS`]. `?1` store, `?2` hour, `?3` name,
/// `?4` reason, `?5` count, `?6` now, `?7` the other-kinds reason, `?8` the kinds an hour keeps.
const ADD: &str = "INSERT INTO event_refusals (store, hour_ms, name, reason, n, last_at_ms) \
    SELECT ?1, ?2, CASE WHEN kept THEN ?3 ELSE '' END, CASE WHEN kept THEN ?4 ELSE ?7 END, ?5, ?6 \
    FROM (SELECT EXISTS (SELECT 1 FROM event_refusals WHERE store = ?1 AND hour_ms = ?2 AND name = ?3 \
      AND reason = ?4) OR (SELECT COUNT(*) FROM event_refusals WHERE store = ?1 AND hour_ms = ?2) < ?8 AS kept) \
    WHERE true \
    ON CONFLICT (store, hour_ms, name, reason) DO UPDATE SET n = n + excluded.n, \
      last_at_ms = max(last_at_ms, excluded.last_at_ms)";

/// Counts a call's refused events for `store`, in one batch.
pub async fn record(db: &D1Database, store: &str, refused: &[Refused]) {
    let now = now_ms();
    let statements = tally(refused)
        .iter()
        .map(|t| {
            db.prepare(ADD).bind(&[
                store.into(),
                JsValue::from_f64(hour_of(now) as f64),
                t.name.as_str().into(),
                t.reason.as_str().into(),
                t.count.into(),
                JsValue::from_f64(now as f64),
                OTHER_KINDS.into(),
                KINDS_PER_HOUR.into(),
            ])
        })
        .collect::<worker::Result<Vec<_>>>();
    if let Err(e) = crate::platform::run_batch(db, statements).await {
        worker::console_error!(
            "could not count {} refused events of store {store}: {e}",
            refused.len()
        );
    }
}
