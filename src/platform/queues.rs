//! Queue consumer dispatch: one `#[event(queue)]` serves all four queues, by queue name.

use crate::context::Ctx;
use crate::platform::log;
use crate::{catalog, events};
use serde::Serialize;
use serde_json::Value;
use worker::{Env, MessageBatch, MessageBuilder, MessageExt, Queue};

/// Puts a message on a queue as JSON text, optionally delayed. JSON text (rather than a
/// structured-clone object) keeps every message byte-for-byte what the core serialized.
pub async fn enqueue<T: Serialize>(
    queue: &Queue,
    message: &T,
    delay_s: Option<u32>,
) -> worker::Result<()> {
    let text = serde_json::to_string(message).map_err(crate::platform::err)?;
    let mut builder = MessageBuilder::new(text);
    if let Some(delay) = delay_s {
        builder = builder.delay_seconds(delay);
    }
    queue.send(builder.build()).await
}

/// Puts messages on a queue as JSON text, at most 100 per `sendBatch`.
pub async fn enqueue_all<T: Serialize>(queue: &Queue, messages: &[T]) -> worker::Result<()> {
    for chunk in messages.chunks(100) {
        let texts = chunk
            .iter()
            .map(|m| serde_json::to_string(m).map_err(crate::platform::err))
            .collect::<worker::Result<Vec<String>>>()?;
        queue.send_batch(texts).await?;
    }
    Ok(())
}

/// A message body as JSON: text is parsed; anything else is taken as it is.
fn decode(body: &Value) -> Value {
    match body {
        Value::String(text) => serde_json::from_str(text).unwrap_or_else(|_| body.clone()),
        other => other.clone(),
    }
}

/// Queue names, as in `wrangler.toml`.
pub mod names {
    /// Behavioural events.
    pub const EVENTS: &str = "sfcc-clerk-events";
    /// Catalog page jobs.
    pub const CATALOG_JOBS: &str = "sfcc-clerk-catalog-jobs";
    /// Platform dead letters of `EVENTS`.
    pub const EVENTS_DLQ: &str = "sfcc-clerk-events-dlq";
    /// Platform dead letters of `CATALOG_JOBS`.
    pub const CATALOG_JOBS_DLQ: &str = "sfcc-clerk-catalog-jobs-dlq";
}

/// Handles one batch. Each message is acknowledged once handled (delivered, re-enqueued for a
/// later attempt, or dead-lettered); a message whose handling itself failed is handed back to the
/// platform to retry, and after `max_retries` reaches the dead-letter queue.
pub async fn consume(batch: MessageBatch<Value>, env: Env) -> worker::Result<()> {
    let queue = batch.queue();
    let ctx = Ctx::new(&env)?;
    for message in batch.messages()? {
        let body = &decode(message.body());
        let handled = match queue.as_str() {
            names::EVENTS => events::deliver(&ctx, body).await,
            names::CATALOG_JOBS => catalog::run_job(&ctx, body).await,
            names::EVENTS_DLQ | names::CATALOG_JOBS_DLQ => {
                let origin = queue.trim_end_matches("-dlq");
                // Event envelopes name the store in `payload.store`, catalog jobs in `store`.
                let store = body["payload"]["store"]
                    .as_str()
                    .or(body["payload"]["store"].as_str())
                    .or(body["store"].as_str())
                    .unwrap_or(log::UNKNOWN_STORE);
                log::dead_letter(
                    &ctx.db,
                    origin,
                    store,
                    "the platform gave up after max_retries (the consumer failed on this message)",
                    &body.to_string(),
                )
                .await
            }
            other => Err(crate::platform::err(format!(
                "no consumer for queue {other}"
            ))),
        };
        match handled {
            Ok(()) => message.ack(),
            Err(e) => {
                worker::console_error!(
                    "{queue}: message {} failed, handing back for retry: {e}",
                    message.id()
                );
                message.retry();
            }
        }
    }
    Ok(())
}
