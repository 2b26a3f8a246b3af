//! Product ids events named that Clerk does not hold, counted in D1 (`unknown_products`) for the
//! status page: per store, hour and id, at most [`UNKNOWN_IDS_PER_HOUR`] ids an hour (the rest
//! under the empty id). The statements go into the delivery's own batch, so counting costs no
//! round trip, and only events naming such an id write anything.

use crate::platform::now_ms;
use sfcc_clerk_core::event::refusals::hour_of;
use sfcc_clerk_core::event::UNKNOWN_IDS_PER_HOUR;
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement};

/// Adds one event to an id's hour; an id new to an hour that already holds the cap counts under
/// ''. `?1` store, `?2` hour, `?3` id, `?4` now, `?5` the ids an hour keeps.
const ADD: &str = "INSERT INTO unknown_products (store, hour_ms, product_id, n, last_at_ms) \
    SELECT ?1, ?2, CASE WHEN kept THEN ?3 ELSE '' END, 1, ?4 \
    FROM (SELECT EXISTS (SELECT 1 FROM unknown_products WHERE store = ?1 AND hour_ms = ?2 \
      AND product_id = ?3) OR (SELECT COUNT(*) FROM unknown_products WHERE store = ?1 \
      AND hour_ms = ?2) < ?5 AS kept) \
    WHERE true \
    ON CONFLICT (store, hour_ms, product_id) DO UPDATE SET n = n + 1, \
      last_at_ms = max(last_at_ms, excluded.last_at_ms)";

/// The statements counting one event of `store` that named `ids`.
pub fn count_statements(
    db: &D1Database,
    store: &str,
    ids: &[String],
) -> worker::Result<Vec<D1PreparedStatement>> {
    let now = now_ms();
    ids.iter()
        .map(|id| {
            db.prepare(ADD).bind(&[
                store.into(),
                JsValue::from_f64(hour_of(now) as f64),
                id.as_str().into(),
                JsValue::from_f64(now as f64),
                UNKNOWN_IDS_PER_HOUR.into(),
            ])
        })
        .collect()
}
