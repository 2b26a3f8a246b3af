//! The sync ledger: the hash of what each Clerk store last received per product.

use crate::context::Ctx;
use crate::platform::{err, now_ms};
use serde::Deserialize;
use std::collections::HashMap;
use wasm_bindgen::JsValue;

#[derive(Deserialize)]
struct Row {
    product_id: String,
    hash: String,
}

/// The recorded hashes of the given products in a store.
pub async fn hashes(
    ctx: &Ctx,
    store: &str,
    ids: &[&str],
) -> worker::Result<HashMap<String, String>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let ids_json = serde_json::to_string(ids).map_err(err)?;
    let rows: Vec<Row> = ctx
        .db
        .prepare("SELECT product_id, hash FROM ledger WHERE store = ?1 AND product_id IN (SELECT value FROM json_each(?2))")
        .bind(&[store.into(), ids_json.into()])?
        .all()
        .await?
        .results()?;
    Ok(rows.into_iter().map(|r| (r.product_id, r.hash)).collect())
}

/// Records what Clerk now holds: new hashes for sent products, none for deleted ones.
pub async fn record(
    ctx: &Ctx,
    store: &str,
    sent: &[(String, String)],
    deleted: &[String],
) -> worker::Result<()> {
    let now = JsValue::from_f64(now_ms() as f64);
    let mut statements = Vec::with_capacity(sent.len() + deleted.len());
    for (id, hash) in sent {
        statements.push(
            ctx.db
                .prepare(
                    "INSERT INTO ledger (store, product_id, hash, sent_at_ms) VALUES (?1, ?2, ?3, ?4) \
                     ON CONFLICT (store, product_id) DO UPDATE SET hash = excluded.hash, sent_at_ms = excluded.sent_at_ms",
                )
                .bind(&[store.into(), id.as_str().into(), hash.as_str().into(), now.clone()])?,
        );
    }
    for id in deleted {
        statements.push(
            ctx.db
                .prepare("DELETE FROM ledger WHERE store = ?1 AND product_id = ?2")
                .bind(&[store.into(), id.as_str().into()])?,
        );
    }
    if !statements.is_empty() {
        ctx.db.batch(statements).await?;
    }
    Ok(())
}
