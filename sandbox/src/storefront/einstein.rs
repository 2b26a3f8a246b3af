//! Einstein's activity API behind PWA Kit's proxy: `POST
//! /mobify/proxy/einstein/v3/activities/{siteId}/{activity}`, as a PWA Kit storefront's own origin
//! serves it. It takes what Einstein takes — a JSON object, the API client in `x-cq-client-id` —
//! and answers `200 {}`; every call is in the storefront's request record, so a test can see the
//! worker passed it on.

use super::visit::Shop;
use crate::http::{header, json};
use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{json, Value};

/// Handles one activity.
pub async fn activity(
    Path((site, activity)): Path<(String, String)>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let bad = |why: String| json(StatusCode::BAD_REQUEST, json!({"error": why}));
    if header(&headers, "x-cq-client-id").is_none_or(|c| c.trim().is_empty()) {
        return bad("x-cq-client-id is required".into());
    }
    if !header(&headers, "content-type").is_some_and(|t| t.starts_with("application/json")) {
        return bad("content-type must be application/json".into());
    }
    match serde_json::from_str::<Value>(&body) {
        Ok(Value::Object(_)) if !site.is_empty() && !activity.is_empty() => {
            json(StatusCode::OK, json!({}))
        }
        Ok(_) => bad("the body must be a JSON object".into()),
        Err(e) => bad(format!("the body is not JSON: {e}")),
    }
}

/// The route, for the storefront's router.
pub fn route() -> axum::Router<Shop> {
    axum::Router::new().route(
        "/mobify/proxy/einstein/v3/activities/{site}/{activity}",
        axum::routing::post(activity),
    )
}
