//! Queue consumer dispatch: one `#[event(queue)]` serves all four queues, by queue name.

use crate::context::Ctx;
use crate::platform::log;
use crate::{catalog, events};
use futures_util::future::join_all;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use worker::wasm_bindgen_futures::JsFuture;
use worker::{Env, Message, MessageBatch, MessageBuilder, MessageExt, Queue};

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

/// Most messages one `sendBatch` takes.
const MAX_BATCH: usize = 100;

#[wasm_bindgen]
extern "C" {
    /// A Queue binding as the runtime has it.
    type QueueBinding;

    #[wasm_bindgen(method, catch, js_name = sendBatch)]
    fn send_batch(
        this: &QueueBinding,
        messages: &js_sys::Array,
    ) -> Result<js_sys::Promise, JsValue>;
}

/// Puts messages on a queue as JSON text (each as [`enqueue`] would), at most 100 per
/// `sendBatch`. Each request object gets its two fields with keys made once per call: the
/// worker crate's `send_batch` builds every field of every request anew across the wasm
/// boundary, which on a call of 50 events cost more than the runtime's `sendBatch` itself.
pub async fn enqueue_all<T: Serialize>(queue: &Queue, messages: &[T]) -> worker::Result<()> {
    let binding: &QueueBinding = queue.as_ref().unchecked_ref();
    let body = JsValue::from_str("body");
    let content_type = JsValue::from_str("contentType");
    let json = JsValue::from_str("json");
    for chunk in messages.chunks(MAX_BATCH) {
        let requests = js_sys::Array::new_with_length(chunk.len() as u32);
        for (i, message) in (0u32..).zip(chunk) {
            let text = serde_json::to_string(message).map_err(crate::platform::err)?;
            let request = js_sys::Object::new();
            js_sys::Reflect::set(&request, &body, &JsValue::from_str(&text))?;
            js_sys::Reflect::set(&request, &content_type, &json)?;
            requests.set(i, request.into());
        }
        JsFuture::from(binding.send_batch(&requests)?).await?;
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
    if queue == names::EVENTS {
        consume_events(&ctx, batch.messages()?).await;
        return Ok(());
    }
    for message in batch.messages()? {
        let body = &decode(message.body());
        let handled = match queue.as_str() {
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
        settle(&queue, &message, handled);
    }
    Ok(())
}

/// Acknowledges a handled message; hands one whose handling failed back to the platform.
fn settle(queue: &str, message: &Message<Value>, handled: worker::Result<()>) {
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

/// Delivers a batch of events, each store's in order and the stores side by side, so a Clerk
/// store that is slow or failing never holds up another's deliveries. Once one of a store's
/// deliveries has to be retried, that store's other events in the batch are not tried: they go
/// back on the queue unchanged (their attempt not counted) for as long as the failed one waits.
async fn consume_events(ctx: &Ctx, messages: Vec<Message<Value>>) {
    let mut by_store: BTreeMap<String, Vec<(Message<Value>, Value)>> = BTreeMap::new();
    for message in messages {
        let body = decode(message.body());
        let store = body["payload"]["store"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        by_store.entry(store).or_default().push((message, body));
    }
    let stores = by_store.into_iter().map(|(store, group)| async move {
        let mut failing: Option<events::Retrying> = None;
        for (message, body) in group {
            let handled = match &failing {
                Some(retrying) => events::hold_back(ctx, &store, &body, retrying).await,
                None => events::deliver(ctx, &body).await.map(|retrying| {
                    failing = retrying;
                }),
            };
            settle(names::EVENTS, &message, handled);
        }
    });
    join_all(stores).await;
}
