//! One catalog page job, end to end.

use super::runs::{add_page, PageCounts};
use super::{clerk, ledger, sfcc};
use crate::context::Ctx;
use crate::platform::log;
use crate::platform::queues::names;
use crate::platform::{err, now_ms};
use serde_json::Value;
use sfcc_clerk_core::catalog::CatalogJob;
use sfcc_clerk_core::hash::content_hash;
use sfcc_clerk_core::mapping::{map_page, RecordError};
use sfcc_clerk_core::retry::{Decision, Envelope};
use wasm_bindgen::JsValue;
use worker::MessageBuilder;

/// Runs one page job from the `catalog-jobs` queue.
pub async fn run_job(ctx: &Ctx, body: &Value) -> worker::Result<()> {
    let envelope: Envelope<CatalogJob> = match serde_json::from_value(body.clone()) {
        Ok(e) => e,
        Err(e) => {
            let reason = format!("not a catalog job: {e}");
            return log::dead_letter(
                &ctx.db,
                names::CATALOG_JOBS,
                &ctx.settings.store.name,
                &reason,
                &body.to_string(),
            )
            .await;
        }
    };
    match sync_page(ctx, &envelope).await? {
        Decision::Delivered => Ok(()),
        failed => after_failure(ctx, envelope, failed).await,
    }
}

/// Fetches, maps and sends one page; returns the decision of the first call that did not succeed.
async fn sync_page(ctx: &Ctx, envelope: &Envelope<CatalogJob>) -> worker::Result<Decision> {
    let CatalogJob::SyncPage {
        store,
        run_id,
        start,
        count,
    } = &envelope.payload;
    let attempt = envelope.attempt;
    let parsed = match sfcc::search_page(ctx, *start, *count, attempt).await {
        Ok(p) => p,
        Err(decision) => return Ok(decision),
    };
    let mut mapping = map_page(
        &parsed.page.hits,
        &ctx.settings.store,
        &ctx.settings.mapping,
    );
    mapping.rejected.extend(parsed.malformed);

    // Only what changed since Clerk last received it is sent.
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
        let decision = clerk::upsert(ctx, &to_send, attempt).await;
        if decision != Decision::Delivered {
            return Ok(decision);
        }
    }
    if !to_delete.is_empty() {
        let decision = clerk::delete(ctx, &to_delete, attempt).await;
        if decision != Decision::Delivered {
            return Ok(decision);
        }
    }
    let sent: Vec<(String, String)> = changed.iter().map(|&i| hashed[i].clone()).collect();
    ledger::record(ctx, store, &sent, &to_delete).await?;
    record_rejected(ctx, run_id, store, &mapping.rejected).await?;

    let next = envelope.payload.next(parsed.page.next_start());
    let counts = PageCounts {
        upserted: to_send.len() as u32,
        unchanged: (hashed.len() - to_send.len()) as u32,
        removed: to_delete.len() as u32,
        rejected: mapping.rejected.len() as u32,
    };
    add_page(ctx, run_id, &counts, next.is_none()).await?;
    if let Some(next) = next {
        ctx.catalog_jobs.send(Envelope::first(next)).await?;
    }
    Ok(Decision::Delivered)
}

async fn record_rejected(
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
    envelope: Envelope<CatalogJob>,
    decision: Decision,
) -> worker::Result<()> {
    match decision {
        Decision::Retry { reason, delay_s } => {
            let next = envelope.next(&reason);
            ctx.catalog_jobs
                .send(MessageBuilder::new(next).delay_seconds(delay_s).build())
                .await
        }
        Decision::DeadLetter { reason } => {
            let payload = serde_json::to_string(&envelope).map_err(err)?;
            log::dead_letter(
                &ctx.db,
                names::CATALOG_JOBS,
                &ctx.settings.store.name,
                &reason,
                &payload,
            )
            .await
        }
        Decision::Delivered => Ok(()),
    }
}
