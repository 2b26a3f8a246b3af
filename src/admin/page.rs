//! The status page at `/__sfcc-clerk/status`: the status report as HTML, behind a sign-in with
//! the admin token, with a Replay button per waiting dead letter.
//!
//! Why a session cookie rather than the bearer header the admin API takes: a browser cannot send
//! a header from a typed URL, and the worker answers on the storefront's own origin, where the
//! shop's scripts and third-party tags run — a token kept in `sessionStorage` or `localStorage`
//! (or written into the HTML) would be theirs to read. So the sign-in form posts the token once;
//! the worker checks it in constant time and hands back a random session id, kept in KV for
//! eight hours (with the mark of the token, so rotating the token ends every session), as an
//! `HttpOnly; Secure; SameSite=Strict` cookie scoped to this page's path. Every
//! form post must also come from the page's own origin and carry the session's CSRF token (made
//! at sign-in, kept with the session, written into the page's forms). The session reaches the page and its
//! Replay button only (which run the same replay as `POST /__sfcc-clerk/admin/dead-letters/{id}/replay`).
//! See `sfcc_clerk_core::status::session`.

use super::{replay, report};
use crate::context::Ctx;
use crate::platform::answer::{secured, secured_html as html};
use crate::platform::limit::{retry_later, sign_in_within};
use crate::platform::random;
use sfcc_clerk_core::retry::CONFIRM_FIELD;
use sfcc_clerk_core::status::html::{login_page, status_page, Notice, STYLESHEET};
use sfcc_clerk_core::status::session::{
    clear_cookie, csrf_holds, kv_key, read_session, replay_id, same_origin, session_id,
    session_record, set_cookie, CSRF_FIELD, LOGIN, LOGOUT, PAGE, STYLE, TTL_S,
};
use sfcc_clerk_core::status::sign_in::{
    session_stands, sign_in_within as sign_in_within_limit, Offered, SignIn,
};
use worker::{FormData, FormEntry, Method, Request, Response, Result};

/// True for the paths this page serves.
pub fn serves(path: &str) -> bool {
    path == PAGE || path.starts_with("/__sfcc-clerk/status/")
}

/// A 303 to the page (after a form post), with `query` if given.
fn back_to_page(query: &str, cookie: Option<String>) -> Result<Response> {
    let mut response = Response::empty()?.with_status(303);
    response
        .headers_mut()
        .set("location", &format!("{PAGE}{query}"))?;
    if let Some(c) = cookie {
        response.headers_mut().set("set-cookie", &c)?;
    }
    secured(response)
}

/// The request's session, when it stands: its CSRF token (empty for a session made before
/// sessions had one, which no form matches).
async fn session(req: &Request, ctx: &Ctx) -> Result<Option<String>> {
    let cookies = req.headers().get("cookie")?.unwrap_or_default();
    let Some(id) = session_id(&cookies) else {
        return Ok(None);
    };
    let admin: Vec<&str> = ctx
        .settings
        .admin_token
        .iter()
        .map(|t| t.expose())
        .collect();
    let record = ctx.kv.get(&kv_key(id)).text().await?.unwrap_or_default();
    let (mark, csrf) = read_session(&record);
    Ok(session_stands(mark, &admin).then(|| csrf.unwrap_or_default().to_string()))
}

/// A field of the form, if it sent one.
fn form_field(form: Option<&FormData>, name: &str) -> Option<String> {
    match form.and_then(|f| f.get(name)) {
        Some(FormEntry::Field(value)) => Some(value),
        _ => None,
    }
}

/// Whether the form carries its session's CSRF token.
fn from_this_session(csrf: &str, form: Option<&FormData>) -> bool {
    csrf_holds(Some(csrf), form_field(form, CSRF_FIELD).as_deref())
}

/// A form that does not carry its session's CSRF token: refused, nothing done.
fn foreign_form() -> Result<Response> {
    html(
        403,
        login_page(Some(
            "This form did not come from this session's page: open the page again and use its buttons.",
        )),
    )
}

/// `None` when a form post comes from this page's origin, else why not.
fn foreign_post(req: &Request) -> Result<Option<String>> {
    let own = req.url()?.origin().ascii_serialization();
    let headers = req.headers();
    let origin = headers.get("origin")?;
    let site = headers.get("sec-fetch-site")?;
    if same_origin(&own, origin.as_deref(), site.as_deref()) {
        return Ok(None);
    }
    Ok(Some(format!(
        "Forms of this page are taken from this page only (Sec-Fetch-Site: {}, Origin: {}, this page: {own}).",
        site.as_deref().unwrap_or("not sent"),
        origin.as_deref().unwrap_or("not sent"),
    )))
}

async fn page(ctx: &Ctx, notice: Option<Notice>, status: u16, csrf: &str) -> Result<Response> {
    let report = report::build(ctx).await?;
    html(status, status_page(&report, notice.as_ref(), csrf))
}

/// Serves the page, its sign-in and sign-out, its stylesheet and its Replay buttons.
pub async fn handle(mut req: Request, ctx: &Ctx) -> Result<Response> {
    let path = req.path();
    if req.method() == Method::Get && path == STYLE {
        let mut css = Response::ok(STYLESHEET)?;
        css.headers_mut()
            .set("content-type", "text/css; charset=utf-8")?;
        css.headers_mut().set("x-content-type-options", "nosniff")?;
        return Ok(css);
    }
    let Some(expected) = &ctx.settings.admin_token else {
        return html(
            503,
            login_page(Some(
                "The status page is closed: set the ADMIN_TOKEN secret.",
            )),
        );
    };
    if req.method() == Method::Post {
        if let Some(why) = foreign_post(&req)? {
            return html(403, login_page(Some(&why)));
        }
    }
    match (req.method(), path.as_str()) {
        (Method::Get, PAGE) => {
            let Some(csrf) = session(&req, ctx).await? else {
                return html(200, login_page(None));
            };
            let replayed = req
                .url()?
                .query_pairs()
                .find(|(k, _)| k == "replayed")
                .and_then(|(_, v)| v.parse::<u64>().ok());
            page(ctx, replayed.map(Notice::Replayed), 200, &csrf).await
        }
        (Method::Post, LOGIN) => {
            let given = match req.form_data().await?.get("token") {
                Some(FormEntry::Field(token)) => token,
                _ => String::new(),
            };
            // Every attempt counts against the address's limit, a right token's too.
            let within = sign_in_within(ctx.sign_in_limit.as_ref(), req.headers()).await;
            let decision =
                sign_in_within_limit(Offered::Token(&given), &[expected.expose()], within);
            let mark = match decision {
                SignIn::Open { mark } => mark,
                SignIn::TooMany => {
                    return retry_later(html(
                        429,
                        login_page(SignIn::TooMany.refusal().map(|r| r.1)),
                    )?)
                }
                _ => {
                    return html(
                        401,
                        login_page(Some("That is not the worker's admin token.")),
                    )
                }
            };
            let id = random::uuid_v4()?.replace('-', "");
            let csrf = random::uuid_v4()?.replace('-', "");
            ctx.kv
                .put(&kv_key(&id), session_record(&mark, &csrf))?
                .expiration_ttl(TTL_S)
                .execute()
                .await?;
            back_to_page("", Some(set_cookie(&id)))
        }
        (Method::Post, LOGOUT) => {
            if let Some(csrf) = session(&req, ctx).await? {
                let form = req.form_data().await.ok();
                if !from_this_session(&csrf, form.as_ref()) {
                    return foreign_form();
                }
                let cookies = req.headers().get("cookie")?.unwrap_or_default();
                if let Some(id) = session_id(&cookies) {
                    ctx.kv.delete(&kv_key(id)).await?;
                }
            }
            back_to_page("", Some(clear_cookie()))
        }
        (Method::Post, p) => {
            let Some(id) = replay_id(p).and_then(|id| u32::try_from(id).ok()) else {
                return html(404, login_page(Some("This page has no such action.")));
            };
            let Some(csrf) = session(&req, ctx).await? else {
                return html(401, login_page(Some("Sign in first.")));
            };
            let form = req.form_data().await.ok();
            if !from_this_session(&csrf, form.as_ref()) {
                return foreign_form();
            }
            let confirm = form_field(form.as_ref(), CONFIRM_FIELD);
            match replay::replay(ctx, id, confirm.as_deref()).await? {
                replay::Replay::Done { .. } => back_to_page(&format!("?replayed={id}"), None),
                other => {
                    let (status, why) = other.answer(id);
                    page(
                        ctx,
                        Some(Notice::NotReplayed(u64::from(id), why)),
                        status,
                        &csrf,
                    )
                    .await
                }
            }
        }
        _ => html(404, login_page(Some("This page has no such address."))),
    }
}
