//! Queue consumer dispatch: one `#[event(queue)]` serves all four queues, by queue name.

use crate::context::Ctx;
use crate::platform::log;
use crate::{catalog, events};
use serde_json::Value;
use worker::{Env, MessageBatch, MessageExt};

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
        let body = message.body();
        let handled = match queue.as_str() {
            names::EVENTS => events::deliver(&ctx, body).await,
            names::CATALOG_JOBS => catalog::run_job(&ctx, body).await,
            names::EVENTS_DLQ | names::CATALOG_JOBS_DLQ => {
                let origin = queue.trim_end_matches("-dlq");
                log::dead_letter(
                    &ctx.db,
                    origin,
                    &ctx.settings.store.name,
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
