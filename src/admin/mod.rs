//! The operator API under `/admin/`, behind `Authorization: Bearer <ADMIN_TOKEN>`.
//!
//! - `GET /admin/deliveries?limit=N`: the delivery log, newest first.
//! - `GET /admin/sync-runs`: catalog sync runs with their counts.
//! - `GET /admin/validation-failures`: records that were not sent, with field and reason.
//! - `GET /admin/dead-letters`: deliveries that ran out of attempts, with their reason.
//! - `POST /admin/sync`: starts a catalog sync run now.

use crate::catalog;
use crate::context::Ctx;
use serde_json::{json, Value};
use sfcc_clerk_core::settings::constant_time_eq;
use worker::{Method, Request, Response, Result};

fn status(code: u16, body: Value) -> Result<Response> {
    Response::from_json(&body).map(|r| r.with_status(code))
}

/// Serves an admin request after checking its token.
pub async fn handle(req: Request, ctx: &Ctx) -> Result<Response> {
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
    let limit = req
        .url()?
        .query_pairs()
        .find(|(k, _)| k == "limit")
        .and_then(|(_, v)| v.parse::<u32>().ok())
        .unwrap_or(100)
        .clamp(1, 1000);
    let query = |sql: &str| format!("{sql} LIMIT {limit}");
    match (req.method(), req.path().as_str()) {
        (Method::Get, "/admin/deliveries") => {
            rows(ctx, &query("SELECT * FROM deliveries ORDER BY id DESC")).await
        }
        (Method::Get, "/admin/sync-runs") => {
            rows(
                ctx,
                &query("SELECT * FROM sync_runs ORDER BY started_at_ms DESC"),
            )
            .await
        }
        (Method::Get, "/admin/validation-failures") => {
            rows(
                ctx,
                &query("SELECT * FROM validation_failures ORDER BY id DESC"),
            )
            .await
        }
        (Method::Get, "/admin/dead-letters") => {
            rows(ctx, &query("SELECT * FROM dead_letters ORDER BY id DESC")).await
        }
        (Method::Post, "/admin/sync") => {
            let run_id = catalog::start_run(ctx, "admin").await?;
            status(202, json!({"run_id": run_id}))
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
