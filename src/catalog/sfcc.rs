//! SFCC's catalog calls: one page of the Data API product search, the Shop API details (prices, stock, images, variations) of the
//! products a store's site sells, and the catalog's categories.

use crate::context::Ctx;
use crate::platform::http::send;
use crate::platform::log;
use crate::platform::sfcc::{call, read, sfcc_call};
use sfcc_clerk_core::mapping::{parse_search_page, FieldProblem, ParsedPage, RecordError};
use sfcc_clerk_core::retry::Decision;
use sfcc_clerk_core::settings::Store;
use sfcc_clerk_core::sfcc::{
    apply_details, categories_path, parse_shop_products, product_search_path, shop_products_path,
    wants_details, Category, CategoryResult, ProductSearchRequest, SiteView, CLIENT_ID_HEADER,
    MAX_PAGE_SIZE, MAX_SHOP_IDS,
};
use worker::Method;

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
