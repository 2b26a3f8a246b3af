//! Carrying on a run whose queued jobs were lost: the jobs the run table says are still to do go
//! on the queue again (see `sfcc_clerk_core::catalog::resume_jobs`).

use crate::context::Ctx;
use crate::platform::err;
use crate::platform::queues::enqueue_all;
use serde::Deserialize;
use sfcc_clerk_core::catalog::{resume_jobs, CatalogJob, RunMode, RunState, RunStatus, SegmentRow};
use sfcc_clerk_core::retry::Envelope;
use sfcc_clerk_core::sfcc::format_iso8601_utc;

/// What resuming a store came to.
pub enum Resumed {
    /// The run holding the store has these many jobs queued again.
    Queued {
        /// The run.
        run_id: String,
        /// Jobs queued.
        jobs: usize,
    },
    /// No run holds the store.
    Idle,
}

#[derive(Deserialize)]
struct Holder {
    run_id: String,
}

#[derive(Deserialize)]
struct RunRow {
    mode: String,
    status: String,
    window_from: Option<String>,
    window_to_ms: f64,
    sweep_pages: f64,
    sweep_after: Option<String>,
}

#[derive(Deserialize)]
struct SegmentFields {
    segment: f64,
    after: Option<String>,
    pages: f64,
}

#[derive(Deserialize)]
struct PageRow {
    start: f64,
}

/// Queues again what the run holding `store` has not done yet.
pub async fn resume(ctx: &Ctx, store: &str) -> worker::Result<Resumed> {
    let holder: Option<Holder> = ctx
        .db
        .prepare("SELECT run_id FROM store_locks WHERE store = ?1")
        .bind(&[store.into()])?
        .first(None)
        .await?;
    let Some(Holder { run_id }) = holder else {
        return Ok(Resumed::Idle);
    };
    let row: Option<RunRow> = ctx
        .db
        .prepare("SELECT mode, status, window_from, window_to_ms, sweep_pages, sweep_after FROM sync_runs WHERE run_id = ?1")
        .bind(&[run_id.as_str().into()])?
        .first(None)
        .await?;
    let Some(row) = row else {
        return Err(err(format!(
            "run {run_id} holds {store} but is not in sync_runs"
        )));
    };
    let done: Vec<PageRow> = ctx
        .db
        .prepare("SELECT start FROM run_pages WHERE run_id = ?1")
        .bind(&[run_id.as_str().into()])?
        .all()
        .await?
        .results()?;
    let segments: Vec<SegmentFields> = ctx
        .db
        .prepare(
            "SELECT segment, after, pages FROM run_segments WHERE run_id = ?1 ORDER BY segment",
        )
        .bind(&[run_id.as_str().into()])?
        .all()
        .await?
        .results()?;
    let mode = match (row.mode.as_str(), row.window_from) {
        ("delta", Some(from)) => RunMode::Delta {
            from,
            to: format_iso8601_utc(row.window_to_ms as u64),
        },
        ("full", _) => RunMode::Full,
        (other, _) => return Err(err(format!("run {run_id} has an unknown mode {other:?}"))),
    };
    let status = RunStatus::parse(&row.status).ok_or_else(|| {
        err(format!(
            "run {run_id} has an unknown status {:?}",
            row.status
        ))
    })?;
    let state = RunState {
        store: store.to_string(),
        run_id: run_id.clone(),
        mode,
        status,
        segments: segments
            .into_iter()
            .map(|s| SegmentRow {
                segment: s.segment as u32,
                after: s.after,
                pages: s.pages as u32,
            })
            .collect(),
        sweep_pages: row.sweep_pages as u32,
        sweep_after: row.sweep_after,
        done: done.iter().map(|p| p.start as i64).collect(),
    };
    let jobs: Vec<Envelope<CatalogJob>> = resume_jobs(&state, ctx.settings.page_size)
        .into_iter()
        .map(Envelope::first)
        .collect();
    enqueue_all(&ctx.catalog_jobs, &jobs).await?;
    Ok(Resumed::Queued {
        run_id,
        jobs: jobs.len(),
    })
}
