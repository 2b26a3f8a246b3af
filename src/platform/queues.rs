//! Queue consumer dispatch: one `#[event(queue)]` serves all four queues, by queue name.

use crate::context::Ctx;
use crate::platform::log;
use crate::{catalog, events};
use futures_util::future::join_all;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;
use worker::wasm_bindgen_futures::JsFuture;
use worker::{Env, Message, MessageBatch, MessageExt, Queue};

/// Puts a message on a queue as JSON text, optionally delayed. JSON text (rather than a
/// structured-clone object) keeps every message byte-for-byte what the core serialized; sent as
/// `text`, the runtime does not encode it once more.
pub async fn enqueue<T: Serialize>(
    queue: &Queue,
    message: &T,
    delay_s: Option<u32>,
) -> worker::Result<()> {
    let text = serde_json::to_string(message).map_err(crate::platform::err)?;
    JsFuture::from(send_text(queue.as_ref(), &text, delay_s)?).await?;
    Ok(())
}

/// Most messages one `sendBatch` takes.
const MAX_BATCH: usize = 100;

#[wasm_bindgen(inline_js = "export function send_lines(queue, lines) {
  return queue.sendBatch(lines.split('\\n').map((body) => ({ body, contentType: 'text' })));
}
export function send_text(queue, body, delaySeconds) {
  const options = { contentType: 'text' };
  if (delaySeconds !== undefined) options.delaySeconds = delaySeconds;
  return queue.send(body, options);
}")]
extern "C" {
    /// `send` of one `text` message, delayed by `delay_s` if given.
    #[wasm_bindgen(catch)]
    fn send_text(
        queue: &JsValue,
        body: &str,
        delay_s: Option<u32>,
    ) -> Result<js_sys::Promise, JsValue>;

    /// `sendBatch` of one `text` message per line of `lines`.
    #[wasm_bindgen(catch)]
    fn send_lines(queue: &JsValue, lines: &str) -> Result<js_sys::Promise, JsValue>;
}

/// Messages as JSON text, one per line. Compact JSON has no line breaks of its own (a line break
/// in a string is written `\n`), so each line is one message.
fn as_lines<T: Serialize>(messages: &[T]) -> serde_json::Result<String> {
    let mut lines = Vec::with_capacity(messages.len() * 256);
    for (i, message) in messages.iter().enumerate() {
        if i > 0 {
            lines.push(b'\n');
        }
        serde_json::to_writer(&mut lines, message)?;
    }
    String::from_utf8(lines).map_err(serde::ser::Error::custom)
}

/// Puts messages on a queue as JSON text (each as [`enqueue`] would), at most 100 per
/// `sendBatch`. A batch crosses into JavaScript as one string of lines, split there into its
/// messages: built message by message across the wasm boundary (an object, two fields and a
/// string each), a call of 50 events cost more than the runtime's `sendBatch` itself.
pub async fn enqueue_all<T: Serialize>(queue: &Queue, messages: &[T]) -> worker::Result<()> {
    let binding: &JsValue = queue.as_ref();
    for chunk in messages.chunks(MAX_BATCH) {
        let lines = as_lines(chunk).map_err(crate::platform::err)?;
        JsFuture::from(send_lines(binding, &lines)?).await?;
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

#[cfg(test)]
mod tests {
    use super::as_lines;
    use serde_json::{json, Value};

    #[test]
    fn a_batch_is_one_line_per_message_and_each_line_reads_back_as_its_message() {
        let messages = [
            json!({"attempt": 1, "payload": {"query": "red\nshirt", "note": "a \\n b"}}),
            json!({"attempt": 2, "payload": {"name": "Chemise à carreaux\r\n"}}),
            json!("just text"),
        ];
        let lines = as_lines(&messages).expect("JSON values serialize");
        let back: Vec<Value> = lines
            .split('\n')
            .map(|line| serde_json::from_str(line).expect("each line is one message"))
            .collect();
        assert_eq!(back, messages);
    }

    #[test]
    fn no_messages_are_no_lines() {
        assert_eq!(as_lines::<Value>(&[]).expect("nothing to serialize"), "");
    }
}
