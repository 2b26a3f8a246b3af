//! QA mode: `/__sfcc-clerk/qa/on` (a sign-in form; `QA_TOKEN` or the admin token posted in it,
//! or sent as `Authorization: Bearer …`, never in the URL) gives the browser a QA cookie for
//! eight hours; while it holds one, proxied pages load the validator
//! (served from the worker's static assets at `/__sfcc-clerk/qa/`). `/__sfcc-clerk/qa/off` ends it.
//! The cookie holds a random id known to KV, so it cannot be made up.
//!
//! QA browsers (or the admin token) may also ask `/__sfcc-clerk/qa/feed` what Clerk last received
//! for products, and `/__sfcc-clerk/qa/events` what became of a page's events ([`receipts`]).

mod events;
pub mod receipts;

pub use events::events;

use crate::context::Ctx;
use crate::platform::answer::secured_html;
use crate::platform::limit::{retry_later, sign_in_within};
use crate::platform::random;
use serde_json::json;
use sfcc_clerk_core::capture::{choose_store, locale_of_path, site_of_path};
use sfcc_clerk_core::settings::{constant_time_eq, Store};
use sfcc_clerk_core::status::html::qa_page;
use sfcc_clerk_core::status::sign_in::{
    session_stands, sign_in_within as sign_in_within_limit, Offered, SignIn,
};
use worker::{FormEntry, Method, Request, Response, Result};

/// The QA cookie.
pub const QA_COOKIE: &str = "__Host-sfcc_clerk_qa";

/// How long QA mode lasts, seconds.
const QA_TTL_S: u64 = 8 * 60 * 60;

fn kv_key(id: &str) -> String {
    format!("qa:{id}")
}

fn answer(status: u16, body: serde_json::Value) -> Result<Response> {
    Response::from_json(&body).map(|r| r.with_status(status))
}

/// The QA id in a `Cookie` header.
fn qa_id(cookies: &str) -> Option<&str> {
    cookies
        .split(';')
        .filter_map(|p| p.trim().split_once('='))
        .find(|(k, v)| *k == QA_COOKIE && !v.is_empty())
        .map(|(_, v)| v)
}

/// The tokens that turn QA mode on: `QA_TOKEN`, and the admin token.
fn qa_tokens(ctx: &Ctx) -> Vec<&str> {
    [&ctx.settings.qa_token, &ctx.settings.admin_token]
        .into_iter()
        .flatten()
        .map(|t| t.expose())
        .collect()
}

/// An HTML answer of QA mode's sign-in, with the status page's security headers.
fn page(status: u16, message: Option<&str>, on: bool) -> Result<Response> {
    secured_html(status, qa_page(message, on))
}

/// Turns QA mode on for this browser: `GET` shows a sign-in form; a `POST` with the token in the
/// form (`token`) or in `Authorization: Bearer` sets the QA cookie (an HTML answer for a
/// browser that asks for one, JSON otherwise). A token in the URL is refused and turns nothing on
/// ([`sfcc_clerk_core::status::sign_in`]), and sign-ins are limited per address.
pub async fn on(mut req: Request, ctx: &Ctx) -> Result<Response> {
    let in_url = req.url()?.query_pairs().any(|(k, _)| k == "token");
    let headers = req.headers();
    let bearer = headers
        .get("authorization")?
        .and_then(|b| b.strip_prefix("Bearer ").map(String::from));
    let form = headers.get("content-type")?.is_some_and(|t| {
        t.starts_with("application/x-www-form-urlencoded") || t.starts_with("multipart/form-data")
    });
    // A browser's form or address bar asks for a page; a script or a client, for JSON.
    let html = headers
        .get("accept")?
        .is_some_and(|a| a.contains("text/html"));
    let field = if form && req.method() == Method::Post {
        match req.form_data().await?.get("token") {
            Some(FormEntry::Field(token)) => Some(token),
            _ => None,
        }
    } else {
        None
    };
    let given = bearer.or(field);
    let offered = match (&given, in_url) {
        (_, true) => Offered::InUrl,
        (Some(token), false) => Offered::Token(token),
        (None, false) => Offered::Nothing,
    };
    // Every offered token is an attempt against the address's limit.
    let within = !matches!(offered, Offered::Token(_))
        || sign_in_within(ctx.sign_in_limit.as_ref(), req.headers()).await;
    let decision = sign_in_within_limit(offered, &qa_tokens(ctx), within);
    let mark = match decision {
        SignIn::Open { mark } => mark,
        SignIn::Ask if html => return page(200, None, false),
        SignIn::Ask => {
            return answer(
                401,
                json!({"error": "missing token: post it as `token`, or send Authorization: Bearer"}),
            )
        }
        refused => {
            let (status, why) = refused.refusal().unwrap_or((401, "refused"));
            let refusal = if html {
                page(status, Some(why), false)
            } else {
                answer(status, json!({"error": why}))
            }?;
            return if refused == SignIn::TooMany {
                retry_later(refusal)
            } else {
                Ok(refusal)
            };
        }
    };
    let id = random::uuid_v4()?.replace('-', "");
    ctx.kv
        .put(&kv_key(&id), mark)?
        .expiration_ttl(QA_TTL_S)
        .execute()
        .await?;
    let mut response = if html {
        page(
            200,
            Some("QA mode is on for this browser for eight hours."),
            true,
        )?
    } else {
        answer(200, json!({"qa": "on", "for_seconds": QA_TTL_S}))?
    };
    response.headers_mut().set(
        "set-cookie",
        &format!("{QA_COOKIE}={id}; Path=/; Max-Age={QA_TTL_S}; Secure; HttpOnly; SameSite=Lax"),
    )?;
    Ok(response)
}

/// Turns QA mode off for this browser.
pub async fn off(req: &Request, ctx: &Ctx) -> Result<Response> {
    let cookies = req.headers().get("cookie")?.unwrap_or_default();
    if let Some(id) = qa_id(&cookies) {
        ctx.kv.delete(&kv_key(id)).await?;
    }
    let mut response = answer(200, json!({"qa": "off"}))?;
    response.headers_mut().set(
        "set-cookie",
        &format!("{QA_COOKIE}=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Lax"),
    )?;
    Ok(response)
}

/// Most products one feed lookup takes.
const MAX_FEED_IDS: usize = 50;

#[derive(serde::Deserialize)]
struct FeedRow {
    feed: String,
}

/// `GET /__sfcc-clerk/qa/feed?ids=A,B[&store=NAME]` (QA cookie or admin token): what the store's
/// Clerk last received for these products (name, price, currency, in stock), from the sync
/// ledger. The store is `store`, else the one whose site the referring page belongs to.
pub async fn feed(req: &Request, ctx: &Ctx) -> Result<Response> {
    if !allowed(req, ctx).await? {
        return answer(401, json!({"error": "QA mode is off for this browser"}));
    }
    let headers = req.headers();
    let url = req.url()?;
    let param = |name: &str| {
        url.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    let ids: Vec<String> = param("ids")
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect();
    if ids.is_empty() || ids.len() > MAX_FEED_IDS {
        return answer(
            400,
            json!({"error": format!("ids: 1 to {MAX_FEED_IDS} product ids, comma-separated")}),
        );
    }
    let referer = headers
        .get("referer")?
        .and_then(|r| worker::Url::parse(&r).ok());
    let referer_path = referer.as_ref().map_or("", |u| u.path());
    let stores = &ctx.settings.stores;
    let store = match param("store") {
        Some(name) => ctx.settings.store(&name),
        None => site_of_path(referer_path)
            .and_then(|site| {
                choose_store(
                    stores,
                    Store::site_and_locale,
                    |id| id == site,
                    locale_of_path(referer_path),
                )
            })
            .or_else(|| stores.first()),
    };
    let Some(store) = store else {
        return answer(400, json!({"error": "no such store"}));
    };
    let ids_json = serde_json::to_string(&ids).map_err(crate::platform::err)?;
    let rows: Vec<FeedRow> = ctx
        .db
        .prepare("SELECT feed FROM ledger WHERE store = ?1 AND feed IS NOT NULL AND product_id IN (SELECT value FROM json_each(?2))")
        .bind(&[store.config.name.as_str().into(), ids_json.into()])?
        .all()
        .await?
        .results()?;
    let records: Vec<serde_json::Value> = rows
        .iter()
        .filter_map(|r| serde_json::from_str(&r.feed).ok())
        .collect();
    answer(200, json!(records))
}

/// True when the request may read QA answers: it carries a live QA cookie or the admin token.
async fn allowed(req: &Request, ctx: &Ctx) -> Result<bool> {
    let headers = req.headers();
    let bearer = headers.get("authorization")?.unwrap_or_default();
    let admin = ctx.settings.admin_token.as_ref().is_some_and(|t| {
        bearer
            .strip_prefix("Bearer ")
            .is_some_and(|b| constant_time_eq(b, t.expose()))
    });
    if admin {
        return Ok(true);
    }
    let cookies = headers.get("cookie")?.unwrap_or_default();
    Ok(active(ctx, &cookies).await)
}

/// True when the request carries a live QA cookie, opened with a token the worker still accepts
/// (no KV read without a QA cookie).
pub async fn active(ctx: &Ctx, cookies: &str) -> bool {
    match qa_id(cookies) {
        Some(id) => match ctx.kv.get(&kv_key(id)).text().await {
            Ok(Some(mark)) => session_stands(&mark, &qa_tokens(ctx)),
            _ => false,
        },
        None => false,
    }
}
