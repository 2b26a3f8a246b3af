//! A sale waiting for its order to be read from SFCC ([`OrderToRead`]): the worker served the
//! order's confirmation page, which named the order but not its products (stock SFRA). Before
//! the sale goes to Clerk, the consumer reads the order with SCAPI's Admin Orders `getOrder`
//! and the core completes the sale from it ([`read_sale`]). A passing failure is retried with
//! the queue's backoff; a lasting one (no permission, no such order) makes the sale a dead
//! letter with the reason, to be replayed once it is fixed. Nothing has gone to Clerk yet, so
//! reading again is always safe.

use crate::context::Ctx;
use crate::platform::err;
use crate::platform::log;
use crate::platform::queues::{enqueue, names};
use crate::platform::sfcc::call_as;
use sfcc_clerk_core::capture::read_sale;
use sfcc_clerk_core::event::{Event, OrderToRead};
use sfcc_clerk_core::retry::{Decision, Envelope};
use sfcc_clerk_core::sfcc::{admin_order_path, admin_scope, Grant, ORDERS_SCOPE};
use worker::Method;

/// The sale of `envelope` completed from SFCC, ready to send; or `None` when this invocation is
/// done with it (retried later, kept as a dead letter, or nothing for Clerk in it).
pub async fn complete(
    ctx: &Ctx,
    envelope: Envelope<Event>,
    to_read: &OrderToRead,
) -> worker::Result<Option<Envelope<Event>>> {
    let pending = &envelope.payload;
    let number = pending.order_id.clone().unwrap_or_default();
    let Some(scapi) = &ctx.settings.scapi else {
        let reason = format!(
            "sale {} waits for order {number} to be read from SFCC, and SCAPI_BASE_URL and \
             SCAPI_ORGANIZATION_ID are not set; set them and replay",
            pending.id
        );
        return keep(ctx, &envelope, &reason).await;
    };
    let site_stores = ctx.settings.sale_stores(&to_read.site_id);
    let url = format!(
        "{}{}",
        scapi.base_url,
        admin_order_path(&scapi.organization_id, &number, &to_read.site_id)
    );
    let grant = Grant::Scapi(admin_scope(&scapi.organization_id, ORDERS_SCOPE));
    let read = call_as(
        ctx,
        &grant,
        &pending.store,
        (Method::Get, &url),
        None,
        envelope.attempt,
        |body| read_sale(pending, body, &site_stores).map_err(|e| e.to_string()),
    )
    .await;
    match read {
        Ok(read) => {
            if read.foreign_currency {
                worker::console_warn!(
                    "order {number} is in {:?}, and no store of site {} sells in it: sent to {}",
                    read.event.currency,
                    to_read.site_id,
                    read.event.store
                );
            }
            if read.event.products.is_empty() {
                worker::console_log!("order {number} has no product lines: nothing for Clerk");
                return Ok(None);
            }
            Ok(Some(Envelope {
                attempt: envelope.attempt,
                last_error: envelope.last_error,
                payload: read.event,
            }))
        }
        Err(Decision::Retry { reason, delay_s }) => {
            let next = envelope.next(&format!("reading order {number} from SFCC: {reason}"));
            enqueue(&ctx.events, &next, Some(delay_s))
                .await
                .map(|()| None)
        }
        Err(Decision::DeadLetter { reason }) => {
            let reason = format!("order {number} could not be read from SFCC: {reason}");
            keep(ctx, &envelope, &reason).await
        }
        Err(Decision::Delivered) => Ok(None),
    }
}

/// Keeps the waiting sale as a dead letter with `reason`.
async fn keep(
    ctx: &Ctx,
    envelope: &Envelope<Event>,
    reason: &str,
) -> worker::Result<Option<Envelope<Event>>> {
    let payload = serde_json::to_string(envelope).map_err(err)?;
    worker::console_warn!("{reason}");
    log::dead_letter(
        &ctx.db,
        names::EVENTS,
        &envelope.payload.store,
        reason,
        &payload,
    )
    .await
    .map(|()| None)
}
