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

/// Records what Clerk now holds: new hashes (and the brief feed record, JSON) for sent products,
/// none for deleted ones; `seen` are the ids the run saw in SFCC (they survive the run's stale
/// deletion); `variants`, each sent master's variants, as the masters that stand for them
/// (written only where a variant is new or changed master).
pub async fn record(
    ctx: &Ctx,
    store: &str,
    run_id: &str,
    sent: &[(String, String, String)],
    deleted: &[String],
    seen: &[&str],
    variants: &[(&str, Vec<&str>)],
) -> worker::Result<()> {
    let now = JsValue::from_f64(now_ms() as f64);
    let mut statements = Vec::with_capacity(sent.len() + deleted.len() + variants.len());
    for (master, ids) in variants {
        let ids = serde_json::to_string(ids).map_err(err)?;
        statements.push(
            ctx.db
                .prepare(
                    "INSERT INTO variant_masters (variant_id, master_id) \
                     SELECT value, ?1 FROM json_each(?2) WHERE true \
                     ON CONFLICT (variant_id) DO UPDATE SET master_id = excluded.master_id \
                     WHERE variant_masters.master_id <> excluded.master_id",
                )
                .bind(&[(*master).into(), ids.into()])?,
        );
    }
    for (id, hash, feed) in sent {
        statements.push(
            ctx.db
                .prepare(
                    "INSERT INTO ledger (store, product_id, hash, sent_at_ms, seen_run, feed) VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
                     ON CONFLICT (store, product_id) DO UPDATE SET hash = excluded.hash, sent_at_ms = excluded.sent_at_ms, \
                     seen_run = excluded.seen_run, feed = excluded.feed",
                )
                .bind(&[store.into(), id.as_str().into(), hash.as_str().into(), now.clone(), run_id.into(), feed.as_str().into()])?,
        );
    }
    for id in deleted {
        statements.push(
            ctx.db
                .prepare("DELETE FROM ledger WHERE store = ?1 AND product_id = ?2")
                .bind(&[store.into(), id.as_str().into()])?,
        );
    }
    if !seen.is_empty() {
        let ids = serde_json::to_string(seen).map_err(err)?;
        statements.push(
            ctx.db
                .prepare("UPDATE ledger SET seen_run = ?3 WHERE store = ?1 AND product_id IN (SELECT value FROM json_each(?2))")
                .bind(&[store.into(), ids.into(), run_id.into()])?,
        );
    }
    if !statements.is_empty() {
        ctx.db.batch(statements).await?;
    }
    Ok(())
}

#[derive(Deserialize)]
struct IdRow {
    product_id: String,
}

/// Up to `limit` products Clerk holds for the store that the run did not see in SFCC.
pub async fn unseen(
    ctx: &Ctx,
    store: &str,
    run_id: &str,
    limit: u32,
) -> worker::Result<Vec<String>> {
    let rows: Vec<IdRow> = ctx
        .db
        .prepare("SELECT product_id FROM ledger WHERE store = ?1 AND (seen_run IS NULL OR seen_run != ?2) ORDER BY product_id LIMIT ?3")
        .bind(&[store.into(), run_id.into(), limit.into()])?
        .all()
        .await?
        .results()?;
    Ok(rows.into_iter().map(|r| r.product_id).collect())
}
