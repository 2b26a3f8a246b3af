//! Sync runs: created when a run starts, updated by each page.

use crate::context::Ctx;
use crate::platform::{err, now_ms, random};
use sfcc_clerk_core::catalog::CatalogJob;
use sfcc_clerk_core::retry::Envelope;
use wasm_bindgen::JsValue;

/// Starts a sync run of the store: records it and enqueues its first page. Returns the run id.
pub async fn start_run(ctx: &Ctx, trigger: &str) -> worker::Result<String> {
    let run_id = random::uuid_v4()?;
    let store = &ctx.settings.store.name;
    ctx.db
        .prepare(
            "INSERT INTO sync_runs (run_id, store, trigger, started_at_ms) VALUES (?1, ?2, ?3, ?4)",
        )
        .bind(&[
            run_id.as_str().into(),
            store.as_str().into(),
            trigger.into(),
            JsValue::from_f64(now_ms() as f64),
        ])?
        .run()
        .await
        .map_err(err)?;
    let CatalogJob::SyncPage {
        store,
        run_id: id,
        start,
        ..
    } = CatalogJob::first_page(store, &run_id);
    let job = CatalogJob::SyncPage {
        store,
        run_id: id,
        start,
        count: ctx.settings.page_size,
    };
    ctx.catalog_jobs.send(Envelope::first(job)).await?;
    Ok(run_id)
}

/// Counts of one page, added to its run.
pub struct PageCounts {
    /// Products sent to Clerk.
    pub upserted: u32,
    /// Products unchanged since Clerk last received them.
    pub unchanged: u32,
    /// Products deleted from Clerk.
    pub removed: u32,
    /// Records that failed validation.
    pub rejected: u32,
}

/// Adds a page's counts to its run, and closes the run when this was the last page.
pub async fn add_page(
    ctx: &Ctx,
    run_id: &str,
    counts: &PageCounts,
    last: bool,
) -> worker::Result<()> {
    let finished = if last {
        JsValue::from_f64(now_ms() as f64)
    } else {
        JsValue::NULL
    };
    ctx.db
        .prepare(
            "UPDATE sync_runs SET pages = pages + 1, upserted = upserted + ?2, unchanged = unchanged + ?3, \
             removed = removed + ?4, rejected = rejected + ?5, finished_at_ms = ?6 WHERE run_id = ?1",
        )
        .bind(&[
            run_id.into(),
            counts.upserted.into(),
            counts.unchanged.into(),
            counts.removed.into(),
            counts.rejected.into(),
            finished,
        ])?
        .run()
        .await
        .map_err(err)?;
    Ok(())
}
