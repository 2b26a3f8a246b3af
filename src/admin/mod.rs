//! The operator API under `/__sfcc-clerk/admin/` (paths below are relative to it), behind `Authorization: Bearer <ADMIN_TOKEN>`.
//!
//! - `GET /deliveries?limit=N`: the delivery log, newest first.
//! - `GET /sync-runs`: catalog sync runs with their counts.
//! - `GET /validation-failures`: records that were not sent, with field and reason.
//! - `GET /dead-letters`: deliveries that ran out of attempts, with their reason.
//! - `GET /status`: the status report (per store: last runs, backlog, delivery success and
//!   errors, validation failures, dead letters), what `sfcc-clerk status` prints and the status
//!   page ([`page`], at `/__sfcc-clerk/status`) renders.
//! - `POST /sync`: starts a delta sync (a full one when the store has never been synced).
//! - `POST /reindex`: starts a full re-index.
//! - `POST /resume`: queues again what the run holding a store has not done (after its
//!   queued jobs were lost); pages already done are not counted again.
//! - `POST /dead-letters/{id}/replay`: puts a dead letter back on its queue as a first attempt.
//! - `POST /erase` with `{"customer_no": …, "email": …}`: erases one shopper from the Clerk
//!   stores ([`erase`]).
//!
//! Starting a run while another holds the store answers 409 with that run's id.

mod erase;
mod page;
mod replay;
mod report;

pub use page::{handle as page, serves as serves_page};

use crate::catalog::{self, Resumed, Started};
use crate::context::Ctx;
use serde_json::{json, Value};
use sfcc_clerk_core::retry::CONFIRM_FIELD;
use sfcc_clerk_core::settings::constant_time_eq;
use worker::{Method, Request, Response, Result};

fn status(code: u16, body: Value) -> Result<Response> {
    Response::from_json(&body).map(|r| r.with_status(code))
}

/// Serves an admin request after checking its token.
pub async fn handle(req: Request, path: &str, ctx: &Ctx) -> Result<Response> {
    let Some(expected) = &ctx.settings.admin_token else {
        return status(
            503,
            json!({"error": "admin API closed: set the ADMIN_TOKEN secret"}),
        );
    };
    let given = req.headers().get("authorization")?.unwrap_or_default();
    let token = given.strip_prefix("Bearer ").unwrap_or_default();
    if !constant_time_eq(token, expected.expose()) {
        return status(401, json!({"error": "missing or wrong bearer token"}));
    }
    let url = req.url()?;
    let param = |name: &str| {
        url.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    let limit = param("limit")
        .and_then(|v| v.parse::<u32>().ok())
        .unwrap_or(100)
        .clamp(1, 1000);
    let store = param("store");
    let query = |sql: &str| format!("{sql} LIMIT {limit}");
    match (req.method(), path) {
        (Method::Get, "/deliveries") => {
            rows(ctx, &query("SELECT * FROM deliveries ORDER BY id DESC")).await
        }
        (Method::Get, "/sync-runs") => {
            rows(
                ctx,
                &query("SELECT * FROM sync_runs ORDER BY started_at_ms DESC"),
            )
            .await
        }
        (Method::Get, "/validation-failures") => {
            rows(
                ctx,
                &query("SELECT * FROM validation_failures ORDER BY id DESC"),
            )
            .await
        }
        (Method::Get, "/dead-letters") => {
            rows(ctx, &query("SELECT * FROM dead_letters ORDER BY id DESC")).await
        }
        (Method::Get, "/status") => Response::from_json(&report::build(ctx).await?),
        (Method::Post, "/sync") => start(ctx, store.as_deref(), false).await,
        (Method::Post, "/reindex") => start(ctx, store.as_deref(), true).await,
        (Method::Post, "/resume") => resume(ctx, store.as_deref()).await,
        (Method::Post, "/erase") => erase::erase(req, ctx, store.as_deref()).await,
        (Method::Post, path) if path.starts_with("/dead-letters/") && path.ends_with("/replay") => {
            let id = path
                .trim_start_matches("/dead-letters/")
                .trim_end_matches("/replay");
            match id.parse::<u32>() {
                Ok(id) => {
                    let confirm = param(CONFIRM_FIELD);
                    let outcome = replay::replay(ctx, id, confirm.as_deref()).await?;
                    let (code, message) = outcome.answer(id);
                    match outcome {
                        replay::Replay::Done { queue } => {
                            status(code, json!({"replayed": id, "queue": queue}))
                        }
                        _ => status(code, json!({"error": message})),
                    }
                }
                Err(_) => status(
                    400,
                    json!({"error": format!("{id:?} is not a dead-letter id")}),
                ),
            }
        }
        (method, path) => status(
            404,
            json!({"error": format!("no admin route for {method} {path}")}),
        ),
    }
}

async fn rows(ctx: &Ctx, sql: &str) -> Result<Response> {
    let rows: Vec<Value> = ctx.db.prepare(sql).all().await?.results()?;
    Response::from_json(&rows)
}

/// Starts a run of one store (`?store=`): 202, or 409 naming the run that holds the store. Without
/// a store, of every store: 202 with each store's outcome.
async fn start(ctx: &Ctx, store: Option<&str>, full: bool) -> Result<Response> {
    let one = |name: &str, started: Started| match started {
        Started::Run { run_id, mode } => (
            202,
            json!({"store": name, "run_id": run_id, "mode": mode.label()}),
        ),
        Started::Busy { run_id, since_ms } => (
            409,
            json!({"store": name, "error": format!("run {run_id} holds store {name} since {since_ms}"), "run_id": run_id}),
        ),
    };
    if let Some(name) = store {
        if ctx.settings.store(name).is_none() {
            return status(
                404,
                json!({"error": format!("no store {name:?} is configured")}),
            );
        }
        let (code, body) = one(name, catalog::start_run(ctx, name, "admin", full).await?);
        return status(code, body);
    }
    let mut results = Vec::new();
    for s in &ctx.settings.stores {
        let name = &s.config.name;
        results.push(one(name, catalog::start_run(ctx, name, "admin", full).await?).1);
    }
    status(202, Value::Array(results))
}

/// Resumes the run holding one store (`?store=`), or every store's: 202 with each store's run and
/// the jobs queued again (none when no run holds it).
async fn resume(ctx: &Ctx, store: Option<&str>) -> Result<Response> {
    let names: Vec<&str> = match store {
        Some(name) if ctx.settings.store(name).is_none() => {
            return status(
                404,
                json!({"error": format!("no store {name:?} is configured")}),
            )
        }
        Some(name) => vec![name],
        None => ctx
            .settings
            .stores
            .iter()
            .map(|s| s.config.name.as_str())
            .collect(),
    };
    let mut results = Vec::new();
    for name in names {
        results.push(match catalog::resume(ctx, name).await? {
            Resumed::Queued { run_id, jobs } => {
                json!({"store": name, "run_id": run_id, "queued": jobs})
            }
            Resumed::Idle => json!({"store": name, "run_id": null, "queued": 0}),
        });
    }
    status(202, Value::Array(results))
}
