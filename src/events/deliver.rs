//! The `events` queue consumer: one Clerk tracking call per event, idempotent by event id.
//!
//! An event whose acceptance was recorded is never sent again, however often the queue delivers
//! it. A sale is an order in Clerk, so it is also never sent twice on a guess: it is claimed
//! before the call, and when its fate is unknown (no answer in time, a network error — the
//! runtime reports a refused connection and one lost mid-call alike — or a claim an earlier
//! attempt left behind) it becomes an in-doubt dead letter for an operator to replay once Clerk
//! shows it lacks the order. Other events are retried in that case (at least once: Clerk may then
//! count a view or a click twice).
//!
//! Two copies of one event (the server and the page both saw it, or the queue delivered it twice)
//! handled by two invocations at once do not both go out: each attempt first takes a short lease
//! on the event id (`event_claims`), and a copy that finds it taken looks again once it is over.
//! A sale goes with the customer number and email either of its copies carried
//! ([`super::sales`]).

use super::sales;
use crate::context::Ctx;
use crate::platform::http::send;
use crate::platform::log::{self, Attempted};
use crate::platform::queues::{enqueue, names};
use crate::platform::{err, now_ms, random};
use serde::Deserialize;
use serde_json::Value;
use sfcc_clerk_core::clerk::TrackingRequest;
use sfcc_clerk_core::delivery::DeliveryKind;
use sfcc_clerk_core::event::{
    name_masters, plan_sale_copy, tracking_call, unknown_products, Event, EventKind, Refused,
    SaleCopy,
};
use sfcc_clerk_core::retry::{
    decide, decide_at_most_once, left_in_doubt, Decision, Envelope, IN_DOUBT,
};
use std::collections::{HashMap, HashSet};
use wasm_bindgen::JsValue;
use worker::{D1PreparedStatement, Method};

/// Where an event id stands in `sent_events`.
#[derive(Debug, PartialEq, Eq)]
enum Sent {
    /// Never sent, or sent and refused.
    No,
    /// A sale claimed by an attempt whose answer was never recorded.
    Claimed,
    /// Clerk accepted it.
    Yes,
}

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
    // A sale whose products the confirmation page did not show: read from SFCC first.
    let envelope = match envelope.payload.read_order.clone() {
        Some(to_read) => match super::order_read::complete(ctx, envelope, &to_read).await? {
            Some(completed) => completed,
            None => return Ok(None),
        },
        None => envelope,
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
    // A shop whose search already calls Clerk has its searches recorded there.
    if event.kind == EventKind::Search && !ctx.settings.capture.clerk_searches {
        return Ok(None);
    }
    let call = match tracking_call(event) {
        Ok(call) => call,
        // Nothing to send for this kind; acknowledging it loses nothing Clerk would take.
        Err(_) => return Ok(None),
    };
    let lease_ms = 2 * ctx.settings.http_timeout_ms;
    let sale = event.kind == EventKind::Purchase;
    // One round trip: the lease, where the event stands, and for a sale what its other copy
    // carried.
    let mut statements = vec![
        lease_statement(ctx, &event.id, lease_ms)?,
        ctx.db
            .prepare("SELECT state FROM sent_events WHERE event_id = ?1")
            .bind(&[event.id.as_str().into()])?,
    ];
    if sale {
        statements.push(sales::details_statement(&ctx.db, event)?);
    }
    // Storefronts name the variant a shopper picked; Clerk holds its master.
    let product_ids: Vec<&str> = event.products.iter().map(|p| p.id.as_str()).collect();
    if !product_ids.is_empty() {
        statements.push(products_statement(ctx, &event.store, &product_ids)?);
    }
    let mut begun = ctx.db.batch(statements).await?.into_iter();
    let leased = begun
        .next()
        .and_then(|r| r.meta().ok().flatten())
        .and_then(|m| m.changes)
        .unwrap_or(0)
        > 0;
    if !leased {
        // Another invocation is sending this very event: look again once its lease is over,
        // when it is either sent (and skipped then) or free to send.
        let delay_s = u32::try_from(lease_ms.div_ceil(1000)).unwrap_or(u32::MAX);
        return enqueue(&ctx.events, &envelope, Some(delay_s))
            .await
            .map(|()| None);
    }
    let sent = match begun.next() {
        Some(rows) => sent_state(rows.results::<SentRow>()?.first()),
        None => Sent::No,
    };
    let details = match if sale { begun.next() } else { None } {
        Some(rows) => rows.results::<sales::Details>()?.into_iter().next(),
        None => None,
    };
    let products: Vec<ProductRow> = match begun.next() {
        Some(rows) => rows.results::<ProductRow>()?,
        None => Vec::new(),
    };
    let masters: HashMap<&str, &str> = products
        .iter()
        .filter_map(|r| Some((r.id.as_str(), r.master_id.as_deref()?)))
        .collect();
    let held: HashSet<&str> = products
        .iter()
        .filter(|r| r.held == 1)
        .map(|r| r.master_id.as_deref().unwrap_or(&r.id))
        .collect();
    if sale {
        // A page's copy is a sale only from the page the worker served for that order, and only
        // when the worker had no copy of its own.
        let page = details.as_ref().map(sales::Details::page);
        match plan_sale_copy(event.source, page) {
            SaleCopy::Send => {}
            SaleCopy::Skip(_) => {
                end_lease(ctx, &event.id).await;
                return Ok(None);
            }
            SaleCopy::Refuse(why) => {
                end_lease(ctx, &event.id).await;
                worker::console_warn!("page copy of sale {} refused: {why}", event.id);
                let refused = Refused {
                    index: 0,
                    reason: why.to_string(),
                    name: Some(EventKind::Purchase.as_str().to_string()),
                };
                super::refusals::record(&ctx.db, &event.store, &[refused]).await;
                return Ok(None);
            }
        }
    }
    // The call names masters, and a sale goes with the customer number and email either copy
    // carried. Ids Clerk does not hold go as they are, counted once for the status page.
    let mut resolved = event.clone();
    name_masters(&mut resolved, |id| masters.get(id).map(|m| m.to_string()));
    let unknown = unknown_products(&resolved, |id| held.contains(id));
    let counts = if envelope.attempt == 1 && !unknown.is_empty() {
        super::unknown::count_statements(&ctx.db, &event.store, &unknown)?
    } else {
        Vec::new()
    };
    if let Some(d) = details {
        resolved.fill_missing(d.customer, d.email);
    }
    let call = tracking_call(&resolved).unwrap_or(call);
    let request = call.request(&ctx.settings.clerk_api_url, &store.config.clerk_public_key);
    let outcome = attempt(ctx, &envelope, &request, sent, counts).await;
    if !matches!(outcome, Ok(Attempt::Settled(_))) {
        // Settled attempts gave the lease up with their records; the others give it up here.
        end_lease(ctx, &event.id).await;
    }
    outcome.map(Attempt::retrying)
}

/// How an attempt ended.
enum Attempt {
    /// Nothing was sent (already accepted, or an in-doubt sale set aside).
    Skipped,
    /// Sent; its records and the end of the lease were written in one batch.
    Settled(Option<Retrying>),
}

impl Attempt {
    fn retrying(self) -> Option<Retrying> {
        match self {
            Attempt::Skipped => None,
            Attempt::Settled(r) => r,
        }
    }
}

/// One attempt at an event whose lease this invocation holds; `counts` go into the batch that
/// records it (nothing is counted for an event already sent).
async fn attempt(
    ctx: &Ctx,
    envelope: &Envelope<Event>,
    request: &TrackingRequest,
    sent: Sent,
    counts: Vec<D1PreparedStatement>,
) -> worker::Result<Attempt> {
    let event = &envelope.payload;
    // A sale is an order in Clerk's order data: at most once.
    let once = event.kind == EventKind::Purchase;
    match sent {
        Sent::Yes => return Ok(Attempt::Skipped),
        Sent::Claimed if once => {
            let reason = format!(
                "{IN_DOUBT}: an earlier attempt at sale {} may have reached Clerk before its answer was recorded; it is not sent again automatically",
                event.key()
            );
            let payload = serde_json::to_string(envelope).map_err(err)?;
            return log::dead_letter(&ctx.db, names::EVENTS, &event.store, &reason, &payload)
                .await
                .map(|()| Attempt::Skipped);
        }
        Sent::Claimed | Sent::No => {}
    }
    if once {
        // Before the call: if the claim cannot be written, nothing is sent.
        claim(ctx, &event.id).await?;
    }
    let (method, headers): (Method, &[(&str, &str)]) = match request.body {
        Some(_) => (
            Method::Post,
            &[
                ("accept", "application/json"),
                ("content-type", "application/json"),
            ],
        ),
        None => (Method::Get, &[("accept", "application/json")]),
    };
    let reply = send(
        method,
        &request.url,
        headers,
        request.body.clone(),
        ctx.settings.http_timeout_ms,
    )
    .await;
    let (backoff, jitter) = (&ctx.settings.backoff, random::jitter());
    let decision = if once {
        decide_at_most_once(&reply.outcome, envelope.attempt, backoff, jitter)
    } else {
        decide(&reply.outcome, envelope.attempt, backoff, jitter)
    };
    let attempted = Attempted {
        kind: DeliveryKind::Event,
        store: &event.store,
        method: request.method,
        url: &request.url,
        attempt: envelope.attempt,
        items: 1,
        reference: Some(&event.id),
    };
    // One batch, in order: what Clerk's answer settles (so a redelivery finds it), the log line,
    // and the end of the lease.
    let mut writes = counts;
    if decision == Decision::Delivered {
        writes.push(mark_sent_statement(ctx, &event.id)?);
    } else if once && !left_in_doubt(&reply.outcome) {
        // Clerk answered no: the sale is not in Clerk and may go again.
        writes.push(release_statement(ctx, &event.id)?);
    }
    writes.push(log::record_statement(
        &ctx.db, &attempted, &reply, &decision,
    )?);
    writes.push(
        ctx.db
            .prepare("DELETE FROM event_claims WHERE event_id = ?1")
            .bind(&[event.id.as_str().into()])?,
    );
    ctx.db.batch(writes).await?;
    match decision {
        Decision::Delivered => Ok(Attempt::Settled(None)),
        Decision::Retry { reason, delay_s } => {
            let next = envelope.clone().next(&reason);
            enqueue(&ctx.events, &next, Some(delay_s))
                .await
                .map(|()| Attempt::Settled(Some(Retrying { delay_s, reason })))
        }
        Decision::DeadLetter { reason } => {
            let payload = serde_json::to_string(envelope).map_err(err)?;
            log::dead_letter(&ctx.db, names::EVENTS, &event.store, &reason, &payload)
                .await
                .map(|()| Attempt::Settled(None))
        }
    }
}

/// The statement that takes the sending lease on `event_id` unless another invocation holds a
/// live one (it changes a row only when it takes it).
fn lease_statement(
    ctx: &Ctx,
    event_id: &str,
    lease_ms: u64,
) -> worker::Result<D1PreparedStatement> {
    let now = now_ms();
    ctx.db
        .prepare(
            "INSERT INTO event_claims (event_id, until_ms) VALUES (?1, ?2) \
             ON CONFLICT(event_id) DO UPDATE SET until_ms = excluded.until_ms \
             WHERE event_claims.until_ms < ?3",
        )
        .bind(&[
            event_id.into(),
            JsValue::from_f64((now + lease_ms) as f64),
            JsValue::from_f64(now as f64),
        ])
}

/// Gives the lease up; a failure only makes a waiting copy wait out the lease.
async fn end_lease(ctx: &Ctx, event_id: &str) {
    let statement = ctx
        .db
        .prepare("DELETE FROM event_claims WHERE event_id = ?1")
        .bind(&[event_id.into()]);
    if let Err(e) = async { statement?.run().await }.await {
        worker::console_warn!("could not release the claim on event {event_id}: {e}");
    }
}

/// For each of `ids`: its master when it is a known variant, and whether store `store`'s Clerk
/// holds it (its master's or its own id in the store's ledger, which records what the catalog
/// sync sent). Two primary-key lookups per id.
fn products_statement(ctx: &Ctx, store: &str, ids: &[&str]) -> worker::Result<D1PreparedStatement> {
    let ids = serde_json::to_string(ids).map_err(err)?;
    ctx.db
        .prepare(
            "SELECT j.value AS id, m.master_id AS master_id, EXISTS (SELECT 1 FROM ledger l \
             WHERE l.store = ?2 AND l.product_id = COALESCE(m.master_id, j.value)) AS held \
             FROM json_each(?1) j LEFT JOIN variant_masters m ON m.variant_id = j.value",
        )
        .bind(&[ids.into(), store.into()])
}

#[derive(Deserialize)]
struct ProductRow {
    id: String,
    master_id: Option<String>,
    held: u8,
}

#[derive(Deserialize)]
struct SentRow {
    state: String,
}

fn sent_state(row: Option<&SentRow>) -> Sent {
    match row.map(|r| r.state.as_str()) {
        None => Sent::No,
        Some("sending") => Sent::Claimed,
        Some(_) => Sent::Yes,
    }
}

async fn claim(ctx: &Ctx, event_id: &str) -> worker::Result<()> {
    ctx.db
        .prepare(
            "INSERT OR IGNORE INTO sent_events (event_id, at_ms, state) VALUES (?1, ?2, 'sending')",
        )
        .bind(&[event_id.into(), JsValue::from_f64(now_ms() as f64)])?
        .run()
        .await?;
    Ok(())
}

fn release_statement(ctx: &Ctx, event_id: &str) -> worker::Result<D1PreparedStatement> {
    ctx.db
        .prepare("DELETE FROM sent_events WHERE event_id = ?1 AND state = 'sending'")
        .bind(&[event_id.into()])
}

fn mark_sent_statement(ctx: &Ctx, event_id: &str) -> worker::Result<D1PreparedStatement> {
    ctx.db
        .prepare(
            "INSERT INTO sent_events (event_id, at_ms, state) VALUES (?1, ?2, 'sent') \
             ON CONFLICT (event_id) DO UPDATE SET state = 'sent', at_ms = excluded.at_ms",
        )
        .bind(&[event_id.into(), JsValue::from_f64(now_ms() as f64)])
}

/// Lets a replayed event go out again: an operator who replays an in-doubt sale has checked that
/// Clerk lacks it. Events Clerk accepted stay recorded.
pub async fn release_claim(ctx: &Ctx, event_id: &str) -> worker::Result<()> {
    release_statement(ctx, event_id)?.run().await?;
    Ok(())
}
