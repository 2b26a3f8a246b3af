//! SFCC calls: the Account Manager token (cached in KV, refreshed once when rejected), one page of
//! the Data API product search, the Shop API details (prices, stock, images, variations) of the
//! products a store's site sells, and the catalog's categories.

use crate::context::Ctx;
use crate::platform::http::{send, Reply};
use crate::platform::log::{self, Attempted};
use crate::platform::random;
use base64::Engine;
use serde::{Deserialize, Serialize};
use sfcc_clerk_core::delivery::DeliveryKind;
use sfcc_clerk_core::mapping::{parse_search_page, FieldProblem, ParsedPage, RecordError};
use sfcc_clerk_core::retry::{classify, decide, Classification, Decision, Outcome};
use sfcc_clerk_core::settings::Store;
use sfcc_clerk_core::sfcc::{
    apply_details, categories_path, parse_shop_products, product_search_path, shop_products_path,
    wants_details, Category, CategoryResult, ProductSearchRequest, SiteView, TokenResponse,
    CLIENT_ID_HEADER, MAX_PAGE_SIZE, MAX_SHOP_IDS, TOKEN_PATH,
};
use worker::Method;

const TOKEN_KEY: &str = "sfcc-token";

#[derive(Serialize, Deserialize)]
struct CachedToken {
    token: String,
}

fn sfcc_call<'a>(store: &'a str, method: &'a str, url: &'a str, attempt: u32) -> Attempted<'a> {
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
async fn read<T>(
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

/// A bearer token: from the KV cache unless `fresh`, else from Account Manager.
async fn token(ctx: &Ctx, store: &str, fresh: bool, attempt: u32) -> Result<String, Decision> {
    if !fresh {
        if let Ok(Some(cached)) = ctx.kv.get(TOKEN_KEY).json::<CachedToken>().await {
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
        Some("grant_type=client_credentials".into()),
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
    if let Ok(put) = ctx.kv.put(TOKEN_KEY, &cached) {
        if let Err(e) = put.expiration_ttl(ttl).execute().await {
            worker::console_warn!("could not cache the SFCC token: {e}");
        }
    }
    Ok(granted.access_token)
}

/// One authenticated OCAPI call for `store` (named in the delivery log), returning what `parse`
/// reads from the body of a 2xx answer. A rejected token is refreshed once, transparently.
pub(super) async fn call<T>(
    ctx: &Ctx,
    store: &str,
    (method, url): (Method, &str),
    body: Option<String>,
    attempt: u32,
    parse: impl FnOnce(&str) -> Result<T, String>,
) -> Result<T, Decision> {
    let label = if method == Method::Get { "GET" } else { "POST" };
    let mut bearer = token(ctx, store, false, attempt).await?;
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
            bearer = token(ctx, store, true, attempt).await?;
            continue;
        }
        return read(ctx, &logged, &reply, parse).await;
    }
    Err(Decision::DeadLetter {
        reason: "access token rejected twice".into(),
    })
}

/// One product search for `store`, with the Shop API details of the products its site sells.
/// Also returns the ids the site did not answer for: not in its catalog or not sellable there.
pub async fn search(
    ctx: &Ctx,
    store: &Store,
    request: &ProductSearchRequest,
    attempt: u32,
) -> Result<(ParsedPage, Vec<String>), Decision> {
    let mut parsed = find(ctx, store, request, attempt).await?;
    let missing = details(ctx, store, &mut parsed, attempt).await?;
    Ok((parsed, missing))
}

/// One Data API product search for `store`, without the Shop API's details (see [`details`]).
pub async fn find(
    ctx: &Ctx,
    store: &Store,
    request: &ProductSearchRequest,
    attempt: u32,
) -> Result<ParsedPage, Decision> {
    let name = store.config.name.as_str();
    let url = format!("{}{}", ctx.settings.sfcc.base_url, product_search_path());
    let body = serde_json::to_string(request).map_err(|e| Decision::DeadLetter {
        reason: e.to_string(),
    })?;
    call(
        ctx,
        name,
        (Method::Post, &url),
        Some(body),
        attempt,
        |text| parse_search_page(text).map_err(|e| e.to_string()),
    )
    .await
}

/// Lays the site's prices, stock, images and variations over the products that want them, asking
/// the Shop API [`MAX_SHOP_IDS`] at a time. Returns the ids the site did not answer for.
pub async fn details(
    ctx: &Ctx,
    store: &Store,
    parsed: &mut ParsedPage,
    attempt: u32,
) -> Result<Vec<String>, Decision> {
    let c = &store.config;
    let site = SiteView {
        site_id: &c.site_id,
        locale: &c.locale,
        currency: &c.currency,
        inventory_list: c.inventory_list.as_deref(),
    };
    let ids: Vec<String> = parsed
        .page
        .hits
        .iter()
        .filter(|p| wants_details(p, &c.site_id))
        .map(|p| p.id.clone())
        .collect();
    let mut found = Vec::with_capacity(ids.len());
    let mut malformed = Vec::new();
    for chunk in ids.chunks(MAX_SHOP_IDS) {
        let url = format!(
            "{}{}",
            ctx.settings.sfcc.base_url,
            shop_products_path(&site, chunk)
        );
        let headers = [(CLIENT_ID_HEADER, ctx.settings.sfcc.client_id.as_str())];
        let reply = send(
            Method::Get,
            &url,
            &headers,
            None,
            ctx.settings.http_timeout_ms,
        )
        .await;
        let mut logged = sfcc_call(&c.name, "GET", &url, attempt);
        logged.items = chunk.len() as u32;
        // A product that is in none of the site's catalogs: OCAPI answers 404 for the whole call
        // when it named a single id; for several, it leaves the unknown ones out.
        if reply.status() == Some(404) && chunk.len() == 1 {
            log::record(&ctx.db, &logged, &reply, &Decision::Delivered).await;
            continue;
        }
        let (products, bad) = read(ctx, &logged, &reply, |body| {
            parse_shop_products(body).map_err(|e| e.to_string())
        })
        .await?;
        found.extend(products);
        malformed.extend(bad);
    }
    let applied = apply_details(&mut parsed.page.hits, found, malformed, &site);
    parsed
        .malformed
        .extend(applied.malformed.into_iter().map(|(id, why)| RecordError {
            product_id: id,
            problems: vec![FieldProblem::new("shop_document", why)],
        }));
    Ok(applied.gone)
}

/// Every category of a catalog, page by page.
pub async fn categories(
    ctx: &Ctx,
    store: &str,
    catalog_id: &str,
    attempt: u32,
) -> Result<Vec<Category>, Decision> {
    let mut all = Vec::new();
    loop {
        let url = format!(
            "{}{}?start={}&count={MAX_PAGE_SIZE}",
            ctx.settings.sfcc.base_url,
            categories_path(catalog_id),
            all.len()
        );
        let page: CategoryResult = call(ctx, store, (Method::Get, &url), None, attempt, |text| {
            serde_json::from_str(text).map_err(|e| format!("not an OCAPI category_result: {e}"))
        })
        .await?;
        let done = page.data.is_empty() || all.len() + page.data.len() >= page.total as usize;
        all.extend(page.data);
        if done {
            return Ok(all);
        }
    }
}
