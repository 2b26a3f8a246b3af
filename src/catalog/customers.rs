//! Customer sync: a store's SFCC customer list (Data API `customer_search`, modified since the
//! last high-water mark) to its Clerk store's customers, a page per job on the `catalog-jobs`
//! queue, so on-site and email personalization learn from the same shoppers.

use super::clerk;
use crate::context::Ctx;
use crate::platform::now_ms;
use crate::platform::queues::enqueue;
use crate::platform::sfcc;
use serde::Deserialize;
use sfcc_clerk_core::catalog::{delta_window, CatalogJob, DEFAULT_OVERLAP_MS};
use sfcc_clerk_core::mapping::{map_customer, FieldProblem, RecordError};
use sfcc_clerk_core::retry::{Decision, Envelope};
use sfcc_clerk_core::settings::Store;
use sfcc_clerk_core::sfcc::{
    customer_page_count, customer_search_path, customer_search_request, customers_next,
    format_iso8601_utc, CustomerSearchResult, CustomersNext, CUSTOMER_SEARCH_DEPTH,
};
use wasm_bindgen::JsValue;
use worker::Method;

#[derive(Deserialize)]
struct HighWater {
    high_water_ms: f64,
}

/// Queues the first page of the store's customer changes since its last sync (all customers the
/// first time). Stores without a customer list have nothing to sync.
pub async fn start(ctx: &Ctx, store: &Store) -> worker::Result<()> {
    if store.config.customer_list.is_none() {
        return Ok(());
    }
    let name = store.config.name.as_str();
    let high_water: Option<HighWater> = ctx
        .db
        .prepare("SELECT high_water_ms FROM customer_sync WHERE store = ?1")
        .bind(&[name.into()])?
        .first(None)
        .await?;
    let now = now_ms();
    let window = delta_window(
        high_water.map(|h| h.high_water_ms as u64),
        now,
        DEFAULT_OVERLAP_MS,
    );
    let job = CatalogJob::Customers {
        store: name.to_string(),
        from: window.map(|w| w.from),
        to: format_iso8601_utc(now),
        to_ms: now,
        start: 0,
    };
    enqueue(&ctx.catalog_jobs, &Envelope::first(job), None).await
}

/// One page: read, map, upsert to Clerk, then the next page or the new high-water mark. A window
/// deeper than `customer_search` reads ends at the depth, reported (see `CustomersNext::Capped`).
pub async fn sync_page(
    ctx: &Ctx,
    store: &Store,
    window: (Option<&str>, &str, u64),
    start: u32,
    attempt: u32,
) -> worker::Result<Decision> {
    let (from, to, to_ms) = window;
    let Some(list) = store.config.customer_list.as_deref() else {
        return Ok(Decision::Delivered);
    };
    let count = customer_page_count(start, ctx.settings.page_size).max(1);
    let url = format!(
        "{}{}",
        ctx.settings.sfcc.base_url,
        customer_search_path(list)
    );
    let body = customer_search_request(from, to, start, count).to_string();
    let read = |text: &str| {
        serde_json::from_str::<CustomerSearchResult>(text)
            .map_err(|e| format!("not an OCAPI customer_search result: {e}"))
    };
    let target = (Method::Post, url.as_str());
    let page = match sfcc::call(ctx, &store.config.name, target, Some(body), attempt, read).await {
        Ok(p) => p,
        Err(decision) => return Ok(decision),
    };
    let (mut customers, mut rejected) = (Vec::new(), Vec::new());
    for hit in &page.hits {
        match map_customer(&hit.data, &store.config.subscribed_attribute) {
            Ok(c) => customers.push(c),
            Err(e) => rejected.push(e),
        }
    }
    if !customers.is_empty() {
        let decision = clerk::upsert_customers(ctx, store, &customers, attempt).await;
        if decision != Decision::Delivered {
            return Ok(decision);
        }
    }
    let run_id = format!("customers-{to_ms}");
    super::page::record_rejected(ctx, &run_id, &store.config.name, &rejected).await?;
    match customers_next(start, page.hits.len() as u32, page.total) {
        CustomersNext::Page(next) => {
            let job = CatalogJob::Customers {
                store: store.config.name.clone(),
                from: from.map(String::from),
                to: to.to_string(),
                to_ms,
                start: next,
            };
            return enqueue(&ctx.catalog_jobs, &Envelope::first(job), None)
                .await
                .map(|()| Decision::Delivered);
        }
        CustomersNext::Capped { unread } => {
            let why = format!(
                "{unread} customers of list {list} were not read: the Data API's customer_search \
                 reads at most {CUSTOMER_SEARCH_DEPTH} (start + count); load them once with SFCC's \
                 customer export and Clerk's import (docs/catalog.md)"
            );
            worker::console_warn!("{}: {why}", store.config.name);
            let unread = RecordError {
                product_id: format!("(customers past {CUSTOMER_SEARCH_DEPTH})"),
                problems: vec![FieldProblem::new("customer_list", why)],
            };
            super::page::record_rejected(ctx, &run_id, &store.config.name, &[unread]).await?;
        }
        CustomersNext::Done => {}
    }
    ctx.db
        .prepare(
            "INSERT INTO customer_sync (store, high_water_ms) VALUES (?1, ?2) \
             ON CONFLICT (store) DO UPDATE SET high_water_ms = MAX(high_water_ms, excluded.high_water_ms)",
        )
        .bind(&[store.config.name.as_str().into(), JsValue::from_f64(to_ms as f64)])?
        .run()
        .await?;
    Ok(Decision::Delivered)
}
