//! The sfcc-clerk edge worker: thin Cloudflare Workers handlers around `sfcc-clerk-core`.
//!
//! - `fetch`: the event endpoint (`POST /__sfcc-clerk/events`), health, the token-protected `/__sfcc-clerk/admin/*` API and
//!   status page (`/__sfcc-clerk/status`), and with `ORIGIN_URL` set, the storefront proxy that
//!   captures shopper actions from its traffic.
//! - `scheduled`: cron starts a catalog sync run by enqueuing its first page job, and prunes
//!   records older than `RETENTION_DAYS`.
//! - `queue`: consumes `events` (forwards to Clerk tracking), `catalog-jobs` (SFCC → Clerk pages)
//!   and both dead-letter queues (into the dead-letter table).

mod admin;
mod catalog;
mod context;
mod events;
mod platform;
mod proxy;
mod qa;
mod routes;

use worker::{event, Context, Env, MessageBatch, Request, Result, ScheduleContext, ScheduledEvent};

#[event(fetch)]
async fn fetch(req: Request, env: Env, ctx: Context) -> Result<worker::web_sys::Response> {
    // In front of a storefront, an exception the worker did not catch sends the request on to the
    // route's origin instead of answering an error: the shop's pages never fail for the worker.
    if env.var("ORIGIN_URL").is_ok() {
        ctx.pass_through_on_exception();
    }
    routes::handle(req, env, ctx).await
}

#[event(scheduled)]
async fn scheduled(event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    if let Err(e) = catalog::start_from_cron(&env, &event.cron()).await {
        worker::console_error!("cron {}: could not start a catalog sync: {e}", event.cron());
    }
    match context::Ctx::new(&env) {
        Ok(ctx) => platform::retention::prune(&ctx).await,
        Err(e) => worker::console_error!("cron {}: no pruning: {e}", event.cron()),
    }
}

#[event(queue)]
async fn queue(batch: MessageBatch<serde_json::Value>, env: Env, _ctx: Context) -> Result<()> {
    platform::queues::consume(batch, env).await
}
