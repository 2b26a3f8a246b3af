//! SFCC's API clients, as the worker's calls share them: the Account Manager token (cached in KV
//! per grant, refreshed once when rejected) and one authenticated call whose answer is decided on
//! and logged. OCAPI calls take the client's plain `client_credentials` token; SCAPI Admin API
//! calls the same client's token for their scope ([`Grant`]).

use crate::context::Ctx;
use crate::platform::http::{send, Reply};
use crate::platform::log::{self, Attempted};
use crate::platform::random;
use base64::Engine;
use serde::{Deserialize, Serialize};
use sfcc_clerk_core::delivery::DeliveryKind;
use sfcc_clerk_core::retry::{classify, decide, Classification, Decision, Outcome};
use sfcc_clerk_core::sfcc::{Grant, TokenResponse, TOKEN_PATH};
use worker::Method;

#[derive(Serialize, Deserialize)]
struct CachedToken {
    token: String,
}

/// A call to SFCC as the delivery log names it.
pub fn sfcc_call<'a>(store: &'a str, method: &'a str, url: &'a str, attempt: u32) -> Attempted<'a> {
    Attempted {
        kind: DeliveryKind::Sfcc,
        store,
        method,
        url,
        attempt,
        items: 0,
        reference: None,
    }
}

/// Logs a call with the decision taken on `outcome` (the reply's own, or what reading its body
/// came to).
async fn decided_on(ctx: &Ctx, call: &Attempted<'_>, reply: &Reply, outcome: &Outcome) -> Decision {
    let decision = decide(
        outcome,
        call.attempt,
        &ctx.settings.backoff,
        random::jitter(),
    );
    log::record(&ctx.db, call, reply, &decision).await;
    decision
}

/// Decides on a call and reads its 2xx body with `parse`. A body that breaks the contract (cut
/// short, not JSON, wrong types for the whole document) is a malformed answer: logged with the
/// parse error and retried like any passing failure, so the page is read again, never lost.
pub async fn read<T>(
    ctx: &Ctx,
    call: &Attempted<'_>,
    reply: &Reply,
    parse: impl FnOnce(&str) -> Result<T, String>,
) -> Result<T, Decision> {
    let outcome = match classify(&reply.outcome) {
        Classification::Success => match parse(&reply.body) {
            Ok(value) => {
                log::record(&ctx.db, call, reply, &Decision::Delivered).await;
                return Ok(value);
            }
            Err(why) => Outcome::Malformed(why),
        },
        _ => reply.outcome.clone(),
    };
    Err(decided_on(ctx, call, reply, &outcome).await)
}

/// A bearer token for `grant`: from the KV cache unless `fresh`, else from Account Manager.
async fn token(
    ctx: &Ctx,
    store: &str,
    grant: &Grant,
    fresh: bool,
    attempt: u32,
) -> Result<String, Decision> {
    let key = grant.cache_key();
    if !fresh {
        if let Ok(Some(cached)) = ctx.kv.get(&key).json::<CachedToken>().await {
            return Ok(cached.token);
        }
    }
    let sfcc = &ctx.settings.sfcc;
    let url = format!("{}{TOKEN_PATH}", sfcc.auth_url);
    let basic = base64::engine::general_purpose::STANDARD.encode(format!(
        "{}:{}",
        sfcc.client_id,
        sfcc.client_secret.expose()
    ));
    let reply = send(
        Method::Post,
        &url,
        &[
            ("authorization", &format!("Basic {basic}")),
            ("content-type", "application/x-www-form-urlencoded"),
        ],
        Some(grant.form()),
        ctx.settings.http_timeout_ms,
    )
    .await;
    let granted: TokenResponse = read(
        ctx,
        &sfcc_call(store, "POST", &url, attempt),
        &reply,
        |body| serde_json::from_str(body).map_err(|e| format!("not a token response: {e}")),
    )
    .await?;
    // Keep it a minute less than its lifetime; KV's shortest TTL is 60 s.
    let ttl = granted.expires_in.saturating_sub(60).max(60);
    let cached = CachedToken {
        token: granted.access_token.clone(),
    };
    if let Ok(put) = ctx.kv.put(&key, &cached) {
        if let Err(e) = put.expiration_ttl(ttl).execute().await {
            worker::console_warn!("could not cache the SFCC token: {e}");
        }
    }
    Ok(granted.access_token)
}

/// One authenticated OCAPI call for `store` (named in the delivery log), returning what `parse`
/// reads from the body of a 2xx answer. A rejected token is refreshed once, transparently.
pub async fn call<T>(
    ctx: &Ctx,
    store: &str,
    target: (Method, &str),
    body: Option<String>,
    attempt: u32,
    parse: impl FnOnce(&str) -> Result<T, String>,
) -> Result<T, Decision> {
    call_as(ctx, &Grant::Ocapi, store, target, body, attempt, parse).await
}

/// [`call`] with the token of `grant`.
pub async fn call_as<T>(
    ctx: &Ctx,
    grant: &Grant,
    store: &str,
    (method, url): (Method, &str),
    body: Option<String>,
    attempt: u32,
    parse: impl FnOnce(&str) -> Result<T, String>,
) -> Result<T, Decision> {
    let label = if method == Method::Get { "GET" } else { "POST" };
    let mut bearer = token(ctx, store, grant, false, attempt).await?;
    for refreshed in [false, true] {
        let auth = format!("Bearer {bearer}");
        let headers = [
            ("authorization", auth.as_str()),
            ("content-type", "application/json"),
        ];
        let reply = send(
            method.clone(),
            url,
            &headers,
            body.clone(),
            ctx.settings.http_timeout_ms,
        )
        .await;
        let logged = sfcc_call(store, label, url, attempt);
        if reply.status() == Some(401) && !refreshed {
            let retry = Decision::Retry {
                reason: "access token rejected; refreshing it once".into(),
                delay_s: 0,
            };
            log::record(&ctx.db, &logged, &reply, &retry).await;
            bearer = token(ctx, store, grant, true, attempt).await?;
            continue;
        }
        return read(ctx, &logged, &reply, parse).await;
    }
    Err(Decision::DeadLetter {
        reason: "access token rejected twice".into(),
    })
}
