//! `GET /__sfcc-clerk/qa/events?page=ID` (QA cookie or admin token): what became of each event of
//! one page view — its QA receipt joined with the delivery log — for the validator's forwarding
//! check.

use super::{allowed, answer, receipts};
use crate::context::Ctx;
use serde_json::json;
use sfcc_clerk_core::event::trace::is_page_id;
use worker::{Request, Response, Result};

/// Answers `{"page": ID, "events": [{"event_id", "kind", "state", "status"?, "attempt",
/// "endpoint"?, "reason"?, "received_at_ms", "at_ms"}]}`; 401 outside QA mode, 400 for a
/// missing or malformed page id.
pub async fn events(req: &Request, ctx: &Ctx) -> Result<Response> {
    if !allowed(req, ctx).await? {
        return answer(401, json!({"error": "QA mode is off for this browser"}));
    }
    let page = req
        .url()?
        .query_pairs()
        .find(|(k, _)| k == "page")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    if !is_page_id(&page) {
        return answer(
            400,
            json!({"error": "page: the page id the worker gave the page (1 to 64 letters, digits, - or _)"}),
        );
    }
    let trace = receipts::page(&ctx.db, &page).await?;
    Response::from_json(&trace)
}
