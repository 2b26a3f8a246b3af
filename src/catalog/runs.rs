//! Sync runs: started under a per-store lock, counted page by page, closed by the last page.

use crate::context::Ctx;
use crate::platform::queues::{enqueue, enqueue_all};
use crate::platform::{err, now_ms, random};
use serde::Deserialize;
use sfcc_clerk_core::catalog::{
    delta_window, sweep_pages, CatalogJob, PageJob, RunMode, DEFAULT_OVERLAP_MS, LOCK_TTL_MS,
};
use sfcc_clerk_core::retry::Envelope;
use wasm_bindgen::JsValue;

fn ms(v: u64) -> JsValue {
    JsValue::from_f64(v as f64)
}

/// What asking for a run came to.
pub enum Started {
    /// The run is on the queue.
    Run {
        /// Its id.
        run_id: String,
        /// What it covers.
        mode: RunMode,
    },
    /// Another run holds the store.
    Busy {
        /// The running run.
        run_id: String,
        /// Since when, Unix ms.
        since_ms: u64,
    },
}

#[derive(Deserialize)]
struct LockRow {
    run_id: String,
    since_ms: f64,
}

#[derive(Deserialize)]
struct StoreState {
    high_water_ms: f64,
    sweep_after: Option<String>,
}

/// Starts a run of the store: a delta from the last high-water mark when `full` is false and the
/// store has one, else a full re-index. Refused (Busy) while another run holds the store.
pub async fn start_run(
    ctx: &Ctx,
    store: &str,
    trigger: &str,
    full: bool,
) -> worker::Result<Started> {
    let store = store.to_string();
    let now = now_ms();
    let state: Option<StoreState> = ctx
        .db
        .prepare("SELECT high_water_ms, sweep_after FROM sync_state WHERE store = ?1")
        .bind(&[store.as_str().into()])?
        .first(None)
        .await?;
    let window = if full {
        None
    } else {
        delta_window(
            state.as_ref().map(|h| h.high_water_ms as u64),
            now,
            DEFAULT_OVERLAP_MS,
        )
    };
    let mode = match &window {
        Some(w) => RunMode::Delta {
            from: w.from.clone(),
            to: w.to.clone(),
        },
        None => RunMode::Full,
    };

    let run_id = random::uuid_v4()?;
    // Take the lock unless a live run holds it.
    ctx.db
        .prepare(
            "INSERT INTO store_locks (store, run_id, since_ms) VALUES (?1, ?2, ?3) \
             ON CONFLICT (store) DO UPDATE SET run_id = excluded.run_id, since_ms = excluded.since_ms \
             WHERE store_locks.since_ms < ?4",
        )
        .bind(&[store.as_str().into(), run_id.as_str().into(), ms(now), ms(now.saturating_sub(LOCK_TTL_MS))])?
        .run()
        .await?;
    let holder: Option<LockRow> = ctx
        .db
        .prepare("SELECT run_id, since_ms FROM store_locks WHERE store = ?1")
        .bind(&[store.as_str().into()])?
        .first(None)
        .await?;
    match holder {
        Some(h) if h.run_id == run_id => {}
        Some(h) => {
            return Ok(Started::Busy {
                run_id: h.run_id,
                since_ms: h.since_ms as u64,
            })
        }
        None => return Err(err("the store lock vanished while it was taken")),
    }

    // A delta run reads a slice of the whole catalog again after its window: the ids after the
    // store's sweep cursor, which the slice's last page moves on (see `segment::sweep_cursor`).
    let (window_from, sweep, sweep_after) = match (&mode, &state) {
        (RunMode::Delta { from, .. }, Some(st)) => (
            JsValue::from(from.as_str()),
            sweep_pages(ctx.settings.sweep_pages, ctx.settings.page_size),
            st.sweep_after.clone(),
        ),
        _ => (JsValue::NULL, 0, None),
    };
    ctx.db
        .prepare(
            "INSERT INTO sync_runs (run_id, store, trigger, mode, started_at_ms, window_from, window_to_ms, sweep_pages, sweep_after) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )
        .bind(&[
            run_id.as_str().into(),
            store.as_str().into(),
            trigger.into(),
            mode.label().into(),
            ms(now),
            window_from,
            ms(now),
            sweep.into(),
            sweep_after.map_or(JsValue::NULL, JsValue::from),
        ])?
        .run()
        .await?;
    let first = PageJob {
        store,
        run_id: run_id.clone(),
        mode: mode.clone(),
        start: 0,
        count: ctx.settings.page_size,
        segment: 0,
        after: None,
    };
    enqueue(
        &ctx.catalog_jobs,
        &Envelope::first(CatalogJob::Page(first)),
        None,
    )
    .await?;
    Ok(Started::Run { run_id, mode })
}

/// Moves the store's sweep cursor: the next sweep reads the ids after `after`, or from the
/// beginning.
pub async fn set_sweep_cursor(ctx: &Ctx, store: &str, after: Option<&str>) -> worker::Result<()> {
    ctx.db
        .prepare("UPDATE sync_state SET sweep_after = ?2 WHERE store = ?1")
        .bind(&[store.into(), after.map_or(JsValue::NULL, JsValue::from)])?
        .run()
        .await?;
    Ok(())
}

/// The run's expected pages, from its segments; only while its window's pages run (a late
/// redelivery must not shrink a sweep's count).
const EXPECTED_FROM_SEGMENTS: &str = "UPDATE sync_runs SET expected_pages = \
     (SELECT SUM(pages) FROM run_segments WHERE run_id = ?1), total = COALESCE(?2, total) \
     WHERE run_id = ?1 AND status = 'running'";

/// Records the pages of `job`'s segment, which its first page learned (`total`: the first
/// segment's, the whole window's size), and the run's expected pages with them — before any of
/// them is queued, so none can close the run early. True while the segment's other pages have
/// not been queued ([`segment_queued`] records that they have): a redelivered first page does
/// not queue them again, and one whose queueing failed does.
pub async fn record_segment(
    ctx: &Ctx,
    job: &PageJob,
    pages: u32,
    total: Option<u32>,
) -> worker::Result<bool> {
    let run = JsValue::from(job.run_id.as_str());
    let segment = JsValue::from(job.segment);
    let statements = vec![
        insert_segment(ctx, job)?,
        ctx.db
            .prepare("UPDATE run_segments SET pages = ?3 WHERE run_id = ?1 AND segment = ?2")
            .bind(&[run.clone(), segment.clone(), pages.into()])?,
        ctx.db
            .prepare(EXPECTED_FROM_SEGMENTS)
            .bind(&[run.clone(), total.map_or(JsValue::NULL, JsValue::from)])?,
        ctx.db
            .prepare(
                "SELECT fanned_out AS queued FROM run_segments WHERE run_id = ?1 AND segment = ?2",
            )
            .bind(&[run, segment])?,
    ];
    not_yet_queued(ctx.db.batch(statements).await?.get(3))
}

/// Opens the next segment, `first` being its first page: counted as one page until that page
/// has its total, so the run cannot close before it. True while that page has not been queued
/// ([`segment_queued`]).
pub async fn open_segment(ctx: &Ctx, first: &PageJob) -> worker::Result<bool> {
    let run = JsValue::from(first.run_id.as_str());
    let statements = vec![
        insert_segment(ctx, first)?,
        ctx.db
            .prepare(EXPECTED_FROM_SEGMENTS)
            .bind(&[run.clone(), JsValue::NULL])?,
        ctx.db
            .prepare("SELECT first_queued AS queued FROM run_segments WHERE run_id = ?1 AND segment = ?2")
            .bind(&[run, first.segment.into()])?,
    ];
    not_yet_queued(ctx.db.batch(statements).await?.get(2))
}

/// What of a segment is on the queue now.
pub enum Queued {
    /// Its first page (the segment before it opened it).
    First,
    /// Its other pages (its first page fanned them out).
    Rest,
}

/// Records that part of `job`'s segment is on the queue.
pub async fn segment_queued(ctx: &Ctx, job: &PageJob, what: Queued) -> worker::Result<()> {
    let sql = match what {
        Queued::First => {
            "UPDATE run_segments SET first_queued = 1 WHERE run_id = ?1 AND segment = ?2"
        }
        Queued::Rest => "UPDATE run_segments SET fanned_out = 1 WHERE run_id = ?1 AND segment = ?2",
    };
    ctx.db
        .prepare(sql)
        .bind(&[job.run_id.as_str().into(), job.segment.into()])?
        .run()
        .await?;
    Ok(())
}

/// The segment's row, one page until its first page has its total; kept when it exists.
fn insert_segment(ctx: &Ctx, job: &PageJob) -> worker::Result<worker::D1PreparedStatement> {
    ctx.db
        .prepare("INSERT OR IGNORE INTO run_segments (run_id, segment, after, pages) VALUES (?1, ?2, ?3, 1)")
        .bind(&[
            job.run_id.as_str().into(),
            job.segment.into(),
            job.after.as_deref().map_or(JsValue::NULL, JsValue::from),
        ])
}

#[derive(Deserialize)]
struct QueuedRow {
    queued: f64,
}

/// True when the flag the batch read back is 0.
fn not_yet_queued(result: Option<&worker::D1Result>) -> worker::Result<bool> {
    let Some(result) = result else {
        return Err(err("a D1 batch returned fewer results than statements"));
    };
    let rows: Vec<QueuedRow> = result.results()?;
    Ok(rows.first().is_none_or(|r| r.queued == 0.0))
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

/// Marks a page done and adds its counts, once per page however often it is delivered. Returns
/// true when this call counted it.
pub async fn page_done(ctx: &Ctx, job: &PageJob, counts: &PageCounts) -> worker::Result<bool> {
    let inserted = ctx
        .db
        .prepare("INSERT OR IGNORE INTO run_pages (run_id, start) VALUES (?1, ?2)")
        .bind(&[
            job.run_id.as_str().into(),
            JsValue::from_f64(job.page_key() as f64),
        ])?
        .run()
        .await?;
    let changed = inserted.meta()?.and_then(|m| m.changes).unwrap_or(0);
    if changed == 0 {
        return Ok(false);
    }
    add_counts(ctx, &job.run_id, counts, 1).await?;
    Ok(true)
}

/// Adds counts (and `pages` pages) to a run.
pub async fn add_counts(ctx: &Ctx, run_id: &str, c: &PageCounts, pages: u32) -> worker::Result<()> {
    ctx.db
        .prepare(
            "UPDATE sync_runs SET pages = pages + ?6, upserted = upserted + ?2, unchanged = unchanged + ?3, \
             removed = removed + ?4, rejected = rejected + ?5 WHERE run_id = ?1",
        )
        .bind(&[run_id.into(), c.upserted.into(), c.unchanged.into(), c.removed.into(), c.rejected.into(), pages.into()])?
        .run()
        .await?;
    Ok(())
}

#[derive(Deserialize)]
struct Progress {
    expected_pages: Option<f64>,
    done: f64,
    sweep_pages: f64,
    sweep_after: Option<String>,
}

/// After a page: if it was the last of its phase, the run moves on exactly once — a full run to
/// deleting what it did not see; a delta run to its sweep (when it has one), then to finished.
/// The phases do not overlap, so no product is read by two pages of one run at once.
pub async fn complete_if_last(ctx: &Ctx, job: &PageJob) -> worker::Result<()> {
    let progress: Option<Progress> = ctx
        .db
        .prepare("SELECT expected_pages, sweep_pages, sweep_after, (SELECT COUNT(*) FROM run_pages WHERE run_id = ?1) AS done FROM sync_runs WHERE run_id = ?1")
        .bind(&[job.run_id.as_str().into()])?
        .first(None)
        .await?;
    let Some(Progress {
        expected_pages: Some(expected),
        done,
        sweep_pages,
        sweep_after,
    }) = progress
    else {
        return Ok(());
    };
    if done < expected {
        return Ok(());
    }
    let sweep = sweep_pages as u32;
    let (from_status, next_status) = match job.mode {
        RunMode::Full => ("running", "deleting_stale"),
        RunMode::Delta { .. } if sweep > 0 => ("running", "sweeping"),
        RunMode::Delta { .. } | RunMode::Sweep => ("%", "finished"),
    };
    let moved = ctx
        .db
        .prepare(
            "UPDATE sync_runs SET status = ?2, \
             expected_pages = expected_pages + CASE WHEN ?2 = 'sweeping' THEN sweep_pages ELSE 0 END \
             WHERE run_id = ?1 AND status LIKE ?3 AND status NOT IN ('finished', 'deleting_stale')",
        )
        .bind(&[job.run_id.as_str().into(), next_status.into(), from_status.into()])?
        .run()
        .await?;
    if moved.meta()?.and_then(|m| m.changes).unwrap_or(0) == 0 {
        return Ok(()); // another delivery of the last page got here first
    }
    match (&job.mode, next_status) {
        (RunMode::Full, _) => {
            let next = CatalogJob::DeleteStale {
                store: job.store.clone(),
                run_id: job.run_id.clone(),
            };
            enqueue(&ctx.catalog_jobs, &Envelope::first(next), None).await
        }
        (_, "sweeping") => {
            let pages: Vec<Envelope<CatalogJob>> = (0..sweep)
                .map(|i| {
                    Envelope::first(CatalogJob::Page(PageJob {
                        mode: RunMode::Sweep,
                        start: i * job.count,
                        segment: 0,
                        after: sweep_after.clone(),
                        ..job.clone()
                    }))
                })
                .collect();
            enqueue_all(&ctx.catalog_jobs, &pages).await
        }
        _ => finish(ctx, &job.store, &job.run_id).await,
    }
}

/// Closes a run: finished time, the store's new high-water mark (a full run, whatever started
/// it, also pays a full re-index a cron owed the store), the lock released.
pub async fn finish(ctx: &Ctx, store: &str, run_id: &str) -> worker::Result<()> {
    let statements = vec![
        ctx.db
            .prepare("UPDATE sync_runs SET status = 'finished', finished_at_ms = ?2 WHERE run_id = ?1")
            .bind(&[run_id.into(), ms(now_ms())])?,
        ctx.db
            .prepare(
                "INSERT INTO sync_state (store, high_water_ms) SELECT store, window_to_ms FROM sync_runs WHERE run_id = ?1 \
                 ON CONFLICT (store) DO UPDATE SET high_water_ms = MAX(high_water_ms, excluded.high_water_ms), \
                 full_owed = CASE WHEN (SELECT mode FROM sync_runs WHERE run_id = ?1) = 'full' THEN 0 ELSE full_owed END",
            )
            .bind(&[run_id.into()])?,
        ctx.db
            .prepare("DELETE FROM store_locks WHERE store = ?1 AND run_id = ?2")
            .bind(&[store.into(), run_id.into()])?,
    ];
    ctx.db.batch(statements).await?;
    Ok(())
}
