//! `POST /events`: normalize a call's events in the core and put them on the `events` queue.

use crate::context::Ctx;
use crate::platform::body::read_at_most;
use crate::platform::queues::{enqueue, enqueue_all};
use crate::platform::{answer, now_ms, random};
use crate::qa::receipts;
use serde_json::json;
use sfcc_clerk_core::capture::{
    forwarding, limit_keys, read_consent, ConsentSignals, Forwarding, CONSENT_HEADER,
    LIMIT_PERIOD_S,
};
use sfcc_clerk_core::event::trace::Receipt;
use sfcc_clerk_core::event::{
    normalize_each, Event, EventError, EventKind, IngestContext, Normalized, Refused, Source,
    CLIENT_SALE_DELAY_S,
};
use sfcc_clerk_core::identity::{
    link_from_cookie_header, visitor_from_cookie_header, visitor_set_cookie, VisitorId,
};
use sfcc_clerk_core::retry::Envelope;
use worker::{web_sys, Request, Result};

/// Largest accepted body.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// When a call the queue refused may be sent again, seconds (`Retry-After` of the 503).
const QUEUE_RETRY_S: u32 = 10;

fn refuse(status: u16, message: &str) -> Result<web_sys::Response> {
    answer::json(status, &json!({"error": message}), &[])
}

/// A refusal to be sent again after `retry_after_s` (429, 503).
fn refuse_for_now(status: u16, message: &str, retry_after_s: u32) -> Result<web_sys::Response> {
    let retry_after = retry_after_s.to_string();
    answer::json(
        status,
        &json!({"error": message}),
        &[("retry-after", &retry_after)],
    )
}

/// An answer's body naming the call's refused events, if any: `"refused": [{"index", "error"}]`.
fn naming_refused(mut body: serde_json::Value, refused: &[Refused]) -> serde_json::Value {
    if !refused.is_empty() {
        body["refused"] = refused
            .iter()
            .map(|r| json!({"index": r.index, "error": r.reason}))
            .collect();
    }
    body
}

/// Accepts same-site JSON events for the store named by `?store=` (default: the first configured
/// store). With tracking consent they carry the shopper's visitor id (set as a first-party cookie
/// when missing); in anonymous mode a declining shopper's carry none; otherwise they are checked
/// and dropped. A QA browser's events are recorded per page ([`crate::qa::receipts`]).
///
/// Each event is taken or refused on its own: the answer lists the refused ones (`refused`,
/// index and error), they are counted for the status page, and the others go on. Answers 202
/// once they are queued; 400 when the body is not a call or every event in it is refused,
/// 403/413/415 naming the problem; 429 (with `Retry-After`) when the visitor posts too often;
/// 503 (with `Retry-After`) when the queue refuses them. Nothing of a 429 call is queued, and of
/// a 503 call at most its sales (queued first; sent again, they are the same events, each sent
/// at most once); the beacon sends a 429 or 503 call again. A page's sale is queued
/// [`CLIENT_SALE_DELAY_S`] late: it stands in for the server's reading only where there is none.
pub async fn ingest(mut req: Request, ctx: &Ctx) -> Result<web_sys::Response> {
    let headers = req.headers();
    if headers.get("sec-fetch-site")?.as_deref() == Some("cross-site") {
        return refuse(403, "cross-site event posts are not accepted");
    }
    let json = headers
        .get("content-type")?
        .is_some_and(|t| t.to_ascii_lowercase().starts_with("application/json"));
    if !json {
        return refuse(415, "content-type must be application/json");
    }
    let cookie = headers.get("cookie")?.unwrap_or_default();
    let keys = limit_keys(
        visitor_from_cookie_header(&cookie).as_ref(),
        headers.get("cf-connecting-ip")?.as_deref(),
    );
    // The visitor's bucket, and its address's: a fresh visitor cookie per call is no fresh
    // allowance. A limiter that cannot answer lets the call through: tracking must not fail shut.
    let buckets = [
        (&ctx.beacon_limit, Some(keys.visitor), "visitor"),
        (&ctx.beacon_ip_limit, keys.address, "address"),
    ];
    for (limiter, key, whose) in buckets {
        let (Some(limiter), Some(key)) = (limiter, key) else {
            continue;
        };
        if limiter.limit(key).await.is_ok_and(|o| !o.success) {
            return refuse_for_now(
                429,
                &format!("too many event posts from this {whose}; retry in {LIMIT_PERIOD_S} s"),
                LIMIT_PERIOD_S,
            );
        }
    }
    let url = req.url()?;
    let query = |name: &str| {
        url.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    let store = match query("store") {
        Some(name) => match ctx.settings.store(&name) {
            Some(s) => &s.config,
            None => return refuse(400, &format!("no store {name:?} is configured")),
        },
        None => match ctx.settings.stores.first() {
            Some(s) => &s.config,
            None => return refuse(500, "no store is configured"),
        },
    };
    // The page's Google Consent Mode state, as its beacon saw it: one more signal, which can
    // refuse as well as allow, and only for this browser's own events.
    let consent_mode = query("gcm");
    let reading = read_consent(
        &ConsentSignals {
            cookies: &cookie,
            sec_gpc: headers.get("sec-gpc")?.as_deref(),
            consent_mode: consent_mode.as_deref(),
        },
        &ctx.settings.consent,
        store.dw_dnt,
    );
    let decision = forwarding(reading.consent, ctx.settings.consent.mode);
    // The beacon keeps a page's events while this says `unknown`, and lets them go on `denied`
    // in strict mode.
    let verdict = [(CONSENT_HEADER, reading.consent.as_str())];
    let (visitor, set_cookie) = match (decision, visitor_from_cookie_header(&cookie)) {
        (Forwarding::WithIdentity, Some(v)) => (Some(v), None),
        (Forwarding::WithIdentity, None) => {
            let v = VisitorId::parse(&random::uuid_v4()?).map_err(crate::platform::err)?;
            let header = visitor_set_cookie(&v);
            (Some(v), Some(header))
        }
        _ => (None, None),
    };
    // Read with the bound, never whole first: a large post does not sit in the isolate.
    let body = match req.stream() {
        Ok(stream) => read_at_most(stream, MAX_BODY_BYTES).await?,
        Err(_) => Some(Vec::new()),
    };
    let Some(body) = body else {
        return refuse(
            413,
            &format!("the body is larger than {MAX_BODY_BYTES} bytes, the most accepted"),
        );
    };
    let Ok(text) = String::from_utf8(body) else {
        return refuse(400, "body is not UTF-8");
    };
    let request_id = random::uuid_v4()?.replace('-', "");
    let input = IngestContext {
        store: &store.name,
        currency: &store.currency,
        visitor: visitor.as_ref(),
        customer: None,
        now_ms: now_ms(),
        request_id: &request_id,
        source: Source::Client,
    };
    let Normalized {
        mut events,
        refused,
    } = match normalize_each(&text, &input) {
        Ok(taken) => taken,
        Err(e) => return refuse(400, &e.to_string()),
    };
    if !refused.is_empty() {
        // Counted for the operator whatever becomes of the call (see the status page).
        super::refusals::record(&ctx.db, &store.name, &refused).await;
    }
    // Each event is taken or refused on its own; a call with nothing but refused events is
    // refused, naming the first.
    if let (true, Some(first)) = (events.is_empty(), refused.first()) {
        let error = EventError::Invalid {
            index: first.index,
            reason: first.reason.clone(),
        }
        .to_string();
        let body = naming_refused(json!({ "error": error }), &refused);
        return answer::json(400, &body, &[]);
    }
    if decision != Forwarding::WithIdentity {
        // An email or a customer number leaves only with consent to identify.
        events.retain(|e| e.email.is_none());
        for event in &mut events {
            event.customer = None;
        }
    }
    // A QA browser's events are recorded per page, so its validator can see what became of them.
    let qa = crate::qa::active(ctx, &cookie).await;
    if matches!(decision, Forwarding::Hold | Forwarding::Drop) {
        let by = reading.by.map(|s| s.as_str()).unwrap_or("no signal");
        if decision == Forwarding::Hold {
            // Nothing is kept here: the page keeps its events until the shopper answers.
            if qa {
                let why = "no tracking consent yet: the page keeps them until the shopper answers";
                receipts::record(&ctx.db, &events, Receipt::Held, Some(why)).await;
            }
            let body = json!({
                "accepted": 0,
                "held": events.len(),
                "reason": "no answer to the consent banner yet: keep them until there is one",
            });
            return answer::json(202, &naming_refused(body, &refused), &verdict);
        }
        if qa {
            let why = format!(
                "no tracking consent: the shopper declined ({by}) and strict mode forwards nothing"
            );
            receipts::record(&ctx.db, &events, Receipt::Dropped, Some(&why)).await;
        }
        let body = json!({
            "accepted": 0,
            "dropped": events.len(),
            "reason": format!("no tracking consent ({by})"),
        });
        return answer::json(202, &naming_refused(body, &refused), &verdict);
    }
    let ids: Vec<String> = events.iter().map(|e| e.id.clone()).collect();
    if qa {
        receipts::record(&ctx.db, &events, Receipt::Received, None).await;
    }
    // A sale's customer number meets the server's reading of the same confirmation page.
    super::sales::record(&ctx.db, &events).await;
    let (mut sales, others): (Vec<Event>, Vec<Event>) = events
        .into_iter()
        .partition(|e| e.kind == EventKind::Purchase);
    // A sale keeps this browser's visitor only for the customer the browser is linked to.
    let browser_link = link_from_cookie_header(&cookie);
    for sale in &mut sales {
        sale.browser_link = browser_link.map(str::to_string);
    }
    let envelopes: Vec<Envelope<_>> = others.into_iter().map(Envelope::first).collect();
    // A page's sale waits longer than the server's reading of the same order, which is the sale
    // when there is one. Queued first: a call sent again after a refusal below queues it again
    // under its id, which is sent at most once.
    let mut queued = Ok(());
    for sale in sales {
        queued = enqueue(
            &ctx.events,
            &Envelope::first(sale),
            Some(CLIENT_SALE_DELAY_S),
        )
        .await;
        if queued.is_err() {
            break;
        }
    }
    // A call holds at most 50 events, one `sendBatch`: queued whole or not at all.
    if queued.is_ok() {
        queued = enqueue_all(&ctx.events, &envelopes).await;
    }
    if let Err(e) = queued {
        worker::console_error!("events queue refused a call of {} events: {e}", ids.len());
        return refuse_for_now(
            503,
            &format!(
                "the events could not be queued ({e}); none of this call was accepted: send it \
                 again in {QUEUE_RETRY_S} s"
            ),
            QUEUE_RETRY_S,
        );
    }
    let body = json!({"accepted": ids.len(), "event_ids": ids});
    let mut headers = verdict.to_vec();
    if let Some(c) = set_cookie.as_deref() {
        headers.push(("set-cookie", c));
    }
    answer::json(202, &naming_refused(body, &refused), &headers)
}
