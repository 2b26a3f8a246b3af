//! HTTP routes of the worker.

use crate::context::Ctx;
use crate::{admin, events, proxy, qa};
use serde_json::json;
use sfcc_clerk_core::capture::{script_asset, ScriptAsset};
use sfcc_clerk_core::paths::{own_route, OwnRoute};
use worker::{web_sys, Context, Env, Method, Request, Response, Result};

/// The worker's own event endpoint on a storefront's domain (where `/events` may be the shop's).
pub const BEACON_PATH: &str = sfcc_clerk_core::paths::EVENTS;

/// Dispatches a request to its handler; with `ORIGIN_URL` set, everything else is the
/// storefront's and is proxied (its answer is the origin's own response object, passed on as it
/// is).
pub async fn handle(req: Request, env: Env, wctx: Context) -> Result<web_sys::Response> {
    let ctx = match Ctx::new(&env) {
        Ok(ctx) => ctx,
        Err(e) => return fail_open(req, &env, &e.to_string()).await,
    };
    let path = req.path();
    let Some(own) = own_route(&path, ctx.settings.legacy_paths) else {
        return match ctx.settings.origin_url.clone() {
            Some(origin) => proxy::handle(req, &ctx, &env, &wctx, &origin).await,
            None => not_found(&req.method(), &path).map(Into::into),
        };
    };
    if let (Method::Get, Some(asset)) = (req.method(), script_asset(&path)) {
        return script(asset).map(Into::into);
    }
    let answer = match (req.method(), own) {
        (Method::Get, OwnRoute::Health) => {
            let stores: Vec<&str> = ctx
                .settings
                .stores
                .iter()
                .map(|s| s.config.name.as_str())
                .collect();
            Response::from_json(&json!({"status": "ok", "stores": stores}))
        }
        (Method::Post, OwnRoute::Events) => return events::ingest(req, &ctx).await,
        (_, OwnRoute::Admin(sub)) => admin::handle(req, sub, &ctx).await,
        (Method::Get | Method::Post, OwnRoute::Other("/qa/on")) => qa::on(req, &ctx).await,
        (Method::Get | Method::Post, OwnRoute::Other("/qa/off")) => qa::off(&req, &ctx).await,
        (Method::Get, OwnRoute::Other("/qa/feed")) => qa::feed(&req, &ctx).await,
        (Method::Get, OwnRoute::Other("/qa/events")) => qa::events(&req, &ctx).await,
        _ if admin::serves_page(&path) => admin::page(req, &ctx).await,
        // Under the worker's prefix, nothing goes to the storefront (a mistyped path with a
        // token in it included).
        _ => not_found(&req.method(), &path),
    };
    answer.map(Into::into)
}

/// A script of the worker's served from the shop's origin (the beacon, QA mode's start), when
/// the deploy's static assets, which Cloudflare serves first, lack it.
fn script(asset: ScriptAsset) -> Result<Response> {
    let mut answer = Response::ok(asset.body.to_string())?;
    let headers = answer.headers_mut();
    headers.set("content-type", "text/javascript; charset=utf-8")?;
    headers.set("cache-control", asset.cache_control)?;
    headers.set("x-content-type-options", "nosniff")?;
    Ok(answer)
}

fn not_found(method: &Method, path: &str) -> Result<Response> {
    Response::from_json(&json!({"error": format!("no route for {method} {path}")}))
        .map(|r| r.with_status(404))
}

/// A worker whose configuration is broken (a missing secret, a bad var) never turns the shop's
/// pages into errors: with `ORIGIN_URL` readable, every request goes on to the storefront
/// untouched (no capture, no beacon), and `/__sfcc-clerk/health` answers 503 naming the problem; without it,
/// every request gets that 503.
async fn fail_open(req: Request, env: &Env, problem: &str) -> Result<web_sys::Response> {
    worker::console_error!("configuration: {problem}; pages pass through untouched");
    let broken = || {
        Response::from_json(&json!({"status": "error", "error": problem}))
            .map(|r| r.with_status(503).into())
    };
    let path = req.path();
    let legacy = env
        .var("LEGACY_PATHS")
        .is_ok_and(|v| v.to_string().trim() == "true");
    if own_route(&path, legacy) == Some(OwnRoute::Health) {
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
