//! Catalog jobs, end to end: a page of a run, masters to re-map, stale products to delete.

use super::runs::{
    add_counts, complete_if_last, finish, open_segment, page_done, record_segment, segment_queued,
    set_sweep_cursor, PageCounts, Queued,
};
use super::{clerk, ledger, sfcc};
use crate::context::Ctx;
use crate::platform::log;
use crate::platform::queues::{enqueue, enqueue_all, names};
use crate::platform::{err, now_ms};
use serde_json::Value;
use sfcc_clerk_core::catalog::{
    after_page, sweep_cursor, sweep_pages, variants_of, CatalogJob, PageJob, RunMode, STALE_BATCH,
};
use sfcc_clerk_core::datalayer::feed::FeedRecord;
use sfcc_clerk_core::hash::content_hash;
use sfcc_clerk_core::mapping::{map_categories, map_page, ParsedPage, RecordError};
use sfcc_clerk_core::retry::{Decision, Envelope};
use sfcc_clerk_core::settings::Store;
use sfcc_clerk_core::sfcc::{ProductSearchRequest, MAX_PAGE_SIZE};
use wasm_bindgen::JsValue;

/// Runs one job from the `catalog-jobs` queue.
pub async fn run_job(ctx: &Ctx, body: &Value) -> worker::Result<()> {
    let payload = body.to_string();
    let envelope: Envelope<CatalogJob> = match serde_json::from_value(body.clone()) {
        Ok(e) => e,
        Err(e) => {
            let reason = format!("not a catalog job: {e}");
            return log::dead_letter(
                &ctx.db,
                names::CATALOG_JOBS,
                log::UNKNOWN_STORE,
                &reason,
                &payload,
            )
            .await;
        }
    };
    let Some(store) = ctx.settings.store(envelope.payload.store()) else {
        let (name, reason) = (
            envelope.payload.store(),
            format!("no store {:?} is configured", envelope.payload.store()),
        );
        return log::dead_letter(&ctx.db, names::CATALOG_JOBS, name, &reason, &payload).await;
    };
    let attempt = envelope.attempt;
    let decision = match &envelope.payload {
        CatalogJob::Page(job) => sync_page(ctx, store, job, attempt).await?,
        CatalogJob::Masters { run_id, ids, .. } => {
            sync_masters(ctx, store, run_id, ids, attempt).await?
        }
        CatalogJob::Categories { .. } => sync_categories(ctx, store, attempt).await?,
        CatalogJob::DeleteStale { run_id, .. } => delete_stale(ctx, store, run_id, attempt).await?,
        CatalogJob::Customers {
            from,
            to,
            to_ms,
            start,
            ..
        } => {
            super::customers::sync_page(ctx, store, (from.as_deref(), to, *to_ms), *start, attempt)
                .await?
        }
        CatalogJob::Orders { page, .. } => {
            super::orders::sync_page(ctx, store, page, attempt).await?
        }
    };
    match decision {
        Decision::Delivered => Ok(()),
        failed => after_failure(ctx, store, envelope, failed).await,
    }
}

fn request_for(job: &PageJob) -> ProductSearchRequest {
    let after = job.after.as_deref();
    match &job.mode {
        RunMode::Full | RunMode::Sweep => {
            ProductSearchRequest::all_products(after, job.start, job.count)
        }
        RunMode::Delta { from, to } => {
            ProductSearchRequest::modified_between(from, to, after, job.start, job.count)
        }
    }
}

/// One page of a run. A segment's first page also fans out the segment's other pages, its last
/// page opens the next segment (see `sfcc_clerk_core::catalog::segment`); a sweep's last page
/// moves the store's sweep cursor.
async fn sync_page(
    ctx: &Ctx,
    store: &Store,
    job: &PageJob,
    attempt: u32,
) -> worker::Result<Decision> {
    let mut parsed = match sfcc::find(ctx, store, &request_for(job), attempt).await {
        Ok(found) => found,
        Err(decision) => return Ok(decision),
    };
    // What follows this page is queued as soon as the search has answered, before the details
    // and Clerk: segments follow one another, so this keeps a run's critical path to its
    // searches. The D1 records make it once per segment however often the page is delivered.
    let (total, hits) = (parsed.page.total, parsed.page.count);
    if job.mode == RunMode::Sweep {
        let pages = sweep_pages(ctx.settings.sweep_pages, job.count);
        if let Some(cursor) = sweep_cursor(job, pages, total, hits, parsed.last_id.as_deref()) {
            set_sweep_cursor(ctx, &job.store, cursor.as_deref()).await?;
        }
    }
    let next = after_page(job, total, hits, parsed.last_id.as_deref());
    if let Some(pages) = next.segment_pages {
        if record_segment(ctx, job, pages, (job.segment == 0).then_some(total)).await? {
            let rest: Vec<Envelope<CatalogJob>> = next
                .rest
                .into_iter()
                .map(|p| Envelope::first(CatalogJob::Page(p)))
                .collect();
            enqueue_all(&ctx.catalog_jobs, &rest).await?;
            if job.mode == RunMode::Full && job.segment == 0 {
                let categories = CatalogJob::Categories {
                    store: job.store.clone(),
                    run_id: job.run_id.clone(),
                };
                enqueue(&ctx.catalog_jobs, &Envelope::first(categories), None).await?;
            }
            segment_queued(ctx, job, Queued::Rest).await?;
        }
    }
    if let Some(first) = next.next_segment {
        if open_segment(ctx, &first).await? {
            let envelope = Envelope::first(CatalogJob::Page(first.clone()));
            enqueue(&ctx.catalog_jobs, &envelope, None).await?;
            segment_queued(ctx, &first, Queued::First).await?;
        }
    }
    let gone = match sfcc::details(ctx, store, &mut parsed, attempt).await {
        Ok(gone) => gone,
        Err(decision) => return Ok(decision),
    };
    let sent = match send_changes(ctx, store, &job.run_id, parsed, gone, attempt).await? {
        Ok(sent) => sent,
        Err(decision) => return Ok(decision),
    };
    for ids in sent.masters.chunks(MAX_PAGE_SIZE as usize) {
        let masters = CatalogJob::Masters {
            store: job.store.clone(),
            run_id: job.run_id.clone(),
            ids: ids.to_vec(),
        };
        enqueue(&ctx.catalog_jobs, &Envelope::first(masters), None).await?;
    }
    page_done(ctx, job, &sent.counts).await?;
    // Always: a redelivered last page must still be able to close a run a crash left open.
    complete_if_last(ctx, job).await?;
    Ok(Decision::Delivered)
}

/// The store's category tree, sent to Clerk; names it lacks in the store's locale are reported.
async fn sync_categories(ctx: &Ctx, store: &Store, attempt: u32) -> worker::Result<Decision> {
    let categories =
        match sfcc::categories(ctx, &store.config.name, &store.config.catalog_id, attempt).await {
            Ok(c) => c,
            Err(decision) => return Ok(decision),
        };
    let (mapped, rejected) = map_categories(&categories, &store.config);
    for r in &rejected {
        worker::console_warn!(
            "{}: category {} not sent: {r}",
            store.config.name,
            r.product_id
        );
    }
    if mapped.is_empty() {
        return Ok(Decision::Delivered);
    }
    Ok(clerk::upsert_categories(ctx, store, &mapped, attempt).await)
}

/// Masters whose variants changed, mapped again.
async fn sync_masters(
    ctx: &Ctx,
    store: &Store,
    run_id: &str,
    ids: &[String],
    attempt: u32,
) -> worker::Result<Decision> {
    let (parsed, gone) =
        match sfcc::search(ctx, store, &ProductSearchRequest::by_ids(ids), attempt).await {
            Ok(found) => found,
            Err(decision) => return Ok(decision),
        };
    match send_changes(ctx, store, run_id, parsed, gone, attempt).await? {
        Ok(sent) => {
            add_counts(ctx, run_id, &sent.counts, 0).await?;
            Ok(Decision::Delivered)
        }
        Err(decision) => Ok(decision),
    }
}

/// What one batch of SFCC documents came to.
struct Sent {
    counts: PageCounts,
    masters: Vec<String>,
}

/// Maps documents and sends Clerk what changed since the ledger's record: upserts, deletions of
/// products that went offline (or that the store's site no longer sells: `gone`), the validation
/// failures, and the ledger update.
async fn send_changes(
    ctx: &Ctx,
    target: &Store,
    run_id: &str,
    parsed: ParsedPage,
    gone: Vec<String>,
    attempt: u32,
) -> worker::Result<Result<Sent, Decision>> {
    let store = &target.config.name;
    let mut mapping = map_page(&parsed.page.hits, &target.config, &ctx.settings.mapping);
    mapping.rejected.extend(parsed.malformed);
    mapping.removals.extend(gone);

    let hashed: Vec<(String, String)> = mapping
        .upserts
        .iter()
        .map(|p| {
            Ok((
                p.id.clone(),
                content_hash(serde_json::to_string(p).map_err(err)?.as_bytes()),
            ))
        })
        .collect::<worker::Result<_>>()?;
    let mut ids: Vec<&str> = hashed.iter().map(|(id, _)| id.as_str()).collect();
    ids.extend(mapping.removals.iter().map(String::as_str));
    let known = ledger::hashes(ctx, store, &ids).await?;
    let changed: Vec<usize> = (0..hashed.len())
        .filter(|&i| known.get(&hashed[i].0) != Some(&hashed[i].1))
        .collect();
    let to_send: Vec<_> = changed
        .iter()
        .map(|&i| mapping.upserts[i].clone())
        .collect();
    let to_delete: Vec<String> = mapping
        .removals
        .iter()
        .filter(|id| known.contains_key(*id))
        .cloned()
        .collect();

    if !to_send.is_empty() {
        let decision = clerk::upsert(ctx, target, &to_send, attempt).await;
        if decision != Decision::Delivered {
            return Ok(Err(decision));
        }
    }
    if !to_delete.is_empty() {
        let decision = clerk::delete(ctx, target, &to_delete, attempt).await;
        if decision != Decision::Delivered {
            return Ok(Err(decision));
        }
    }
    let currency = &target.config.currency;
    let sent: Vec<(String, String, String)> = changed
        .iter()
        .map(|&i| {
            let feed = FeedRecord::of(&mapping.upserts[i], currency);
            let (id, hash) = hashed[i].clone();
            Ok((id, hash, serde_json::to_string(&feed).map_err(err)?))
        })
        .collect::<worker::Result<_>>()?;
    // Seen in SFCC and still sellable (or kept at its last good version when now invalid).
    let seen: Vec<&str> = hashed
        .iter()
        .map(|(id, _)| id.as_str())
        .chain(mapping.rejected.iter().map(|r| r.product_id.as_str()))
        .collect();
    let variants = variants_of(&to_send);
    ledger::record(ctx, store, run_id, &sent, &to_delete, &seen, &variants).await?;
    // Records withheld and records sent without a field, reported together (one D1 batch).
    let reported: Vec<RecordError> = mapping
        .rejected
        .iter()
        .chain(&mapping.warnings)
        .cloned()
        .collect();
    record_rejected(ctx, run_id, store, &reported).await?;
    Ok(Ok(Sent {
        counts: PageCounts {
            upserted: to_send.len() as u32,
            unchanged: (hashed.len() - to_send.len()) as u32,
            removed: to_delete.len() as u32,
            rejected: mapping.rejected.len() as u32,
        },
        masters: mapping.masters_to_refresh,
    }))
}

/// After a full run: one batch of products Clerk holds that SFCC no longer has, then the next.
async fn delete_stale(
    ctx: &Ctx,
    target: &Store,
    run_id: &str,
    attempt: u32,
) -> worker::Result<Decision> {
    let store = target.config.name.as_str();
    let ids = ledger::unseen(ctx, store, run_id, STALE_BATCH).await?;
    if ids.is_empty() {
        finish(ctx, store, run_id).await?;
        return Ok(Decision::Delivered);
    }
    let decision = clerk::delete(ctx, target, &ids, attempt).await;
    if decision != Decision::Delivered {
        return Ok(decision);
    }
    ledger::record(ctx, store, run_id, &[], &ids, &[], &[]).await?;
    let counts = PageCounts {
        upserted: 0,
        unchanged: 0,
        removed: ids.len() as u32,
        rejected: 0,
    };
    add_counts(ctx, run_id, &counts, 0).await?;
    let next = CatalogJob::DeleteStale {
        store: store.into(),
        run_id: run_id.into(),
    };
    enqueue(&ctx.catalog_jobs, &Envelope::first(next), None).await?;
    Ok(Decision::Delivered)
}

/// Keeps the records that failed validation (withheld, or sent without a field), with their
/// reasons.
pub(super) async fn record_rejected(
    ctx: &Ctx,
    run_id: &str,
    store: &str,
    rejected: &[RecordError],
) -> worker::Result<()> {
    let now = JsValue::from_f64(now_ms() as f64);
    let mut statements = Vec::with_capacity(rejected.len());
    for r in rejected {
        let problems = serde_json::to_string(&r.problems).map_err(err)?;
        statements.push(
            ctx.db
                .prepare("INSERT INTO validation_failures (at_ms, run_id, store, product_id, problems) VALUES (?1, ?2, ?3, ?4, ?5)")
                .bind(&[now.clone(), run_id.into(), store.into(), r.product_id.as_str().into(), problems.into()])?,
        );
    }
    if !statements.is_empty() {
        ctx.db.batch(statements).await?;
    }
    Ok(())
}

/// Re-enqueues the job for a later attempt, or keeps it as a dead letter with its reason.
async fn after_failure(
    ctx: &Ctx,
    store: &Store,
    envelope: Envelope<CatalogJob>,
    decision: Decision,
) -> worker::Result<()> {
    match decision {
        Decision::Retry { reason, delay_s } => {
            let next = envelope.next(&reason);
            enqueue(&ctx.catalog_jobs, &next, Some(delay_s)).await
        }
        Decision::DeadLetter { reason } => {
            let payload = serde_json::to_string(&envelope).map_err(err)?;
            log::dead_letter(
                &ctx.db,
                names::CATALOG_JOBS,
                &store.config.name,
                &reason,
                &payload,
            )
            .await
        }
        Decision::Delivered => Ok(()),
    }
}
