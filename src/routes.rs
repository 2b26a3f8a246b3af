//! HTTP routes of the worker.

use crate::context::Ctx;
use crate::{admin, events};
use serde_json::json;
use worker::{Env, Method, Request, Response, Result};

/// Dispatches a request to its handler.
pub async fn handle(req: Request, env: Env) -> Result<Response> {
    let ctx = match Ctx::new(&env) {
        Ok(ctx) => ctx,
        Err(e) => {
            return Response::from_json(&json!({"error": e.to_string()}))
                .map(|r| r.with_status(500))
        }
    };
    let path = req.path();
    match (req.method(), path.as_str()) {
        (Method::Get, "/health") => {
            let stores: Vec<&str> = ctx
                .settings
                .stores
                .iter()
                .map(|s| s.config.name.as_str())
                .collect();
            Response::from_json(&json!({"status": "ok", "stores": stores}))
        }
        (Method::Post, "/events") => events::ingest(req, &ctx).await,
        (_, p) if p.starts_with("/admin/") => admin::handle(req, &ctx).await,
        _ => {
            Response::from_json(&json!({"error": format!("no route for {} {path}", req.method())}))
                .map(|r| r.with_status(404))
        }
    }
}
