//! The `events` queue consumer: one Clerk tracking call per event, idempotent by event id.

use crate::context::Ctx;
use crate::platform::http::send;
use crate::platform::log::{self, Attempted};
use crate::platform::queues::{enqueue, names};
use crate::platform::{err, now_ms, random};
use serde_json::Value;
use sfcc_clerk_core::delivery::DeliveryKind;
use sfcc_clerk_core::event::{tracking_call, Event};
use sfcc_clerk_core::retry::{decide, Backoff, Decision, Envelope};
use wasm_bindgen::JsValue;
use worker::Method;

/// A delivery that failed and waits for its next attempt: the store's Clerk is failing now.
#[derive(Debug, Clone)]
pub struct Retrying {
    /// Seconds until the next attempt.
    pub delay_s: u32,
    /// Why the attempt failed.
    pub reason: String,
}

/// Puts an event back on the queue untried, unchanged, for `retrying.delay_s`: its store's Clerk
/// just failed another delivery of the same batch.
pub async fn hold_back(
    ctx: &Ctx,
    store: &str,
    body: &Value,
    retrying: &Retrying,
) -> worker::Result<()> {
    worker::console_log!(
        "event held back {} s: store {store}'s Clerk failed a delivery of this batch ({})",
        retrying.delay_s,
        retrying.reason
    );
    enqueue(&ctx.events, body, Some(retrying.delay_s)).await
}

/// Delivers one queued event. Already-accepted events are skipped; failures are re-enqueued with
/// backoff or dead-lettered with their reason, and every attempt is logged. Answers the retry
/// when the attempt failed and will be made again.
pub async fn deliver(ctx: &Ctx, body: &Value) -> worker::Result<Option<Retrying>> {
    let envelope: Envelope<Event> = match serde_json::from_value(body.clone()) {
        Ok(e) => e,
        Err(e) => {
            let reason = format!("not an event envelope: {e}");
            return log::dead_letter(
                &ctx.db,
                names::EVENTS,
                log::UNKNOWN_STORE,
                &reason,
                &body.to_string(),
            )
            .await
            .map(|()| None);
        }
    };
    let event = &envelope.payload;
    let Some(store) = ctx.settings.store(&event.store) else {
        let reason = format!("no store {:?} is configured", event.store);
        return log::dead_letter(
            &ctx.db,
            names::EVENTS,
            &event.store,
            &reason,
            &body.to_string(),
        )
        .await
        .map(|()| None);
    };
    if already_sent(ctx, &event.id).await? {
        return Ok(None);
    }
    let call = match tracking_call(event) {
        Ok(call) => call,
        // Nothing to send for this kind; acknowledging it loses nothing Clerk would take.
        Err(_) => return Ok(None),
    };
    let lease_ms = 2 * ctx.settings.http_timeout_ms;
    if !claim(ctx, &event.id, lease_ms).await? {
        // Another invocation is sending this very event: look again once its lease is over,
        // when it is either sent (and skipped above) or free to send.
        let delay_s = u32::try_from(lease_ms.div_ceil(1000)).unwrap_or(u32::MAX);
        return enqueue(&ctx.events, &envelope, Some(delay_s))
            .await
            .map(|()| None);
    }
    let url = call.url(&ctx.settings.clerk_api_url, &store.config.clerk_public_key);
    let reply = send(
        Method::Get,
        &url,
        &[("accept", "application/json")],
        None,
        ctx.settings.http_timeout_ms,
    )
    .await;
    let decision = decide(
        &reply.outcome,
        envelope.attempt,
        &Backoff::default(),
        random::jitter(),
    );
    let attempted = Attempted {
        kind: DeliveryKind::Event,
        store: &event.store,
        method: "GET",
        url: &url,
        attempt: envelope.attempt,
        items: 1,
        reference: Some(&event.id),
    };
    log::record(&ctx.db, &attempted, &reply, &decision).await;
    let event_id = event.id.clone();
    let outcome = match decision {
        Decision::Delivered => mark_sent(ctx, &event_id).await.map(|()| None),
        Decision::Retry { reason, delay_s } => {
            let next = envelope.next(&reason);
            enqueue(&ctx.events, &next, Some(delay_s))
                .await
                .map(|()| Some(Retrying { delay_s, reason }))
        }
        Decision::DeadLetter { reason } => {
            let payload = serde_json::to_string(&envelope).map_err(err)?;
            log::dead_letter(&ctx.db, names::EVENTS, &event.store, &reason, &payload)
                .await
                .map(|()| None)
        }
    };
    release(ctx, &event_id).await;
    outcome
}

/// Takes the sending lease on `event_id` unless another invocation holds a live one.
async fn claim(ctx: &Ctx, event_id: &str, lease_ms: u64) -> worker::Result<bool> {
    let now = now_ms();
    let result = ctx
        .db
        .prepare(
            "INSERT INTO event_claims (event_id, until_ms) VALUES (?1, ?2) \
             ON CONFLICT(event_id) DO UPDATE SET until_ms = excluded.until_ms \
             WHERE event_claims.until_ms < ?3",
        )
        .bind(&[
            event_id.into(),
            JsValue::from_f64((now + lease_ms) as f64),
            JsValue::from_f64(now as f64),
        ])?
        .run()
        .await?;
    Ok(result.meta()?.and_then(|m| m.changes).unwrap_or(0) > 0)
}

/// Gives the lease up; a failure only makes a waiting copy wait out the lease.
async fn release(ctx: &Ctx, event_id: &str) {
    let statement = ctx
        .db
        .prepare("DELETE FROM event_claims WHERE event_id = ?1")
        .bind(&[event_id.into()]);
    if let Err(e) = async { statement?.run().await }.await {
        worker::console_warn!("could not release the claim on event {event_id}: {e}");
    }
}

async fn already_sent(ctx: &Ctx, event_id: &str) -> worker::Result<bool> {
    let row: Option<Value> = ctx
        .db
        .prepare("SELECT event_id FROM sent_events WHERE event_id = ?1")
        .bind(&[event_id.into()])?
        .first(None)
        .await?;
    Ok(row.is_some())
}

async fn mark_sent(ctx: &Ctx, event_id: &str) -> worker::Result<()> {
    ctx.db
        .prepare("INSERT OR IGNORE INTO sent_events (event_id, at_ms) VALUES (?1, ?2)")
        .bind(&[event_id.into(), JsValue::from_f64(now_ms() as f64)])?
        .run()
        .await?;
    Ok(())
}
