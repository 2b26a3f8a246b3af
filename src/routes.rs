//! HTTP routes of the worker.

use crate::context::Ctx;
use crate::{admin, events, proxy, qa};
use serde_json::json;
use worker::{web_sys, Context, Env, Method, Request, Response, Result};

/// The worker's own event endpoint on a storefront's domain (where `/events` may be the shop's).
pub const BEACON_PATH: &str = "/__sfcc-clerk/events";

/// Dispatches a request to its handler; with `ORIGIN_URL` set, everything else is the
/// storefront's and is proxied (its answer is the origin's own response object, passed on as it
/// is).
pub async fn handle(req: Request, env: Env, wctx: Context) -> Result<web_sys::Response> {
    let ctx = match Ctx::new(&env) {
        Ok(ctx) => ctx,
        Err(e) => return fail_open(req, &env, &e.to_string()).await,
    };
    let path = req.path();
    let answer = match (req.method(), path.as_str()) {
        (Method::Get, "/health") => {
            let stores: Vec<&str> = ctx
                .settings
                .stores
                .iter()
                .map(|s| s.config.name.as_str())
                .collect();
            Response::from_json(&json!({"status": "ok", "stores": stores}))
        }
        (Method::Post, "/events" | BEACON_PATH) => return events::ingest(req, &ctx).await,
        (Method::Get | Method::Post, "/__sfcc-clerk/qa/on") => qa::on(&req, &ctx).await,
        (Method::Get | Method::Post, "/__sfcc-clerk/qa/off") => qa::off(&req, &ctx).await,
        (Method::Get, "/__sfcc-clerk/qa/feed") => qa::feed(&req, &ctx).await,
        (Method::Get, "/__sfcc-clerk/qa/events") => qa::events(&req, &ctx).await,
        (_, p) if p.starts_with("/admin/") => admin::handle(req, &ctx).await,
        (_, p) if admin::serves_page(p) => admin::page(req, &ctx).await,
        _ if ctx.settings.origin_url.is_some() => {
            let origin = ctx.settings.origin_url.clone().unwrap_or_default();
            return proxy::handle(req, &ctx, &env, &wctx, &origin).await;
        }
        _ => {
            Response::from_json(&json!({"error": format!("no route for {} {path}", req.method())}))
                .map(|r| r.with_status(404))
        }
    };
    answer.map(Into::into)
}

/// A worker whose configuration is broken (a missing secret, a bad var) never turns the shop's
/// pages into errors: with `ORIGIN_URL` readable, every request goes on to the storefront
/// untouched (no capture, no beacon), and `/health` answers 503 naming the problem; without it,
/// every request gets that 503.
async fn fail_open(req: Request, env: &Env, problem: &str) -> Result<web_sys::Response> {
    worker::console_error!("configuration: {problem}; pages pass through untouched");
    let broken = || {
        Response::from_json(&json!({"status": "error", "error": problem}))
            .map(|r| r.with_status(503).into())
    };
    if req.path() == "/health" {
        return broken();
    }
    let origin = env
        .var("ORIGIN_URL")
        .ok()
        .map(|v| v.to_string().trim().trim_end_matches('/').to_string())
        .filter(|o| sfcc_clerk_core::store::is_absolute_http_url(o));
    match origin {
        Some(origin) => proxy::pass_through(req, env, &origin).await,
        None => broken(),
    }
}
