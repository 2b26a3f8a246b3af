//! The `events` queue consumer: one Clerk tracking call per event, idempotent by event id.

use crate::context::Ctx;
use crate::platform::http::send;
use crate::platform::log::{self, Attempted};
use crate::platform::queues::{enqueue, names};
use crate::platform::{err, now_ms, random};
use serde_json::Value;
use sfcc_clerk_core::delivery::DeliveryKind;
use sfcc_clerk_core::event::{tracking_call, Event};
use sfcc_clerk_core::retry::{decide, Decision, Envelope};
use wasm_bindgen::JsValue;
use worker::Method;

/// Delivers one queued event. Already-accepted events are skipped; failures are re-enqueued with
/// backoff or dead-lettered with their reason, and every attempt is logged.
pub async fn deliver(ctx: &Ctx, body: &Value) -> worker::Result<()> {
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
            .await;
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
        .await;
    };
    if already_sent(ctx, &event.id).await? {
        return Ok(());
    }
    let call = match tracking_call(event) {
        Ok(call) => call,
        // Nothing to send for this kind; acknowledging it loses nothing Clerk would take.
        Err(_) => return Ok(()),
    };
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
        &ctx.settings.backoff,
        random::jitter(),
    );
    let attempted = Attempted {
        kind: DeliveryKind::Event,
        store: &event.store,
        method: "GET",
        url: &url,
        attempt: envelope.attempt,
        items: 1,
    };
    log::record(&ctx.db, &attempted, &reply, &decision).await;
    match decision {
        Decision::Delivered => mark_sent(ctx, &event.id).await,
        Decision::Retry { reason, delay_s } => {
            let next = envelope.next(&reason);
            enqueue(&ctx.events, &next, Some(delay_s)).await
        }
        Decision::DeadLetter { reason } => {
            let payload = serde_json::to_string(&envelope).map_err(err)?;
            log::dead_letter(&ctx.db, names::EVENTS, &event.store, &reason, &payload).await
        }
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
