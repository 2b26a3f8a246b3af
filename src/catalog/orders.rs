//! Order history: a store's past orders from SFCC (SCAPI Admin Orders `getOrders`) to its Clerk
//! store's orders (`POST /v2/orders`), a page per job on the `catalog-jobs` queue. The core
//! decides what a cron starts ([`plan_history`]), how a page is asked for and what follows it
//! ([`orders_path`], [`next_page`]) and what an order becomes ([`history_order`]); this shell
//! reads, sends and keeps the store's place in D1 (`order_history`, one row per store).

use super::clerk;
use crate::context::Ctx;
use crate::platform::queues::enqueue;
use crate::platform::sfcc::call_as;
use crate::platform::{err, now_ms};
use serde::Deserialize;
use sfcc_clerk_core::catalog::CatalogJob;
use sfcc_clerk_core::clerk::ClerkOrder;
use sfcc_clerk_core::history::{
    history_order, next_page, orders_path, plan_history, read_orders, store_of_order, HistoryNext,
    HistoryPlan, HistoryState, OrdersPage, SiteStore, Skipped, GET_ORDERS_DEPTH,
};
use sfcc_clerk_core::mapping::{FieldProblem, RecordError};
use sfcc_clerk_core::retry::{Decision, Envelope};
use sfcc_clerk_core::settings::Store;
use sfcc_clerk_core::sfcc::{admin_scope, Grant, ORDERS_SCOPE};
use std::collections::{HashMap, HashSet};
use wasm_bindgen::JsValue;
use worker::Method;

#[derive(Deserialize)]
struct Row {
    synced: Option<u8>,
    high_water_ms: Option<f64>,
    page: Option<String>,
    last_page_ms: Option<f64>,
}

/// The store's history state: one D1 row read.
async fn state(ctx: &Ctx, store: &str) -> worker::Result<(HistoryState, Option<String>)> {
    let row: Option<Row> = ctx
        .db
        .prepare(
            "SELECT EXISTS (SELECT 1 FROM sync_state WHERE store = ?1) AS synced, \
             h.high_water_ms AS high_water_ms, h.page AS page, h.last_page_ms AS last_page_ms \
             FROM (SELECT 1) LEFT JOIN order_history h ON h.store = ?1",
        )
        .bind(&[store.into()])?
        .first(None)
        .await?;
    let Some(row) = row else {
        return Ok((HistoryState::default(), None));
    };
    let running = row
        .page
        .as_deref()
        .and_then(|p| serde_json::from_str::<OrdersPage>(p).ok())
        .map(|p| (p, row.last_page_ms.unwrap_or_default() as u64));
    let state = HistoryState {
        catalog_synced: row.synced == Some(1),
        high_water_ms: row.high_water_ms.map(|ms| ms as u64),
        running,
    };
    Ok((state, row.page))
}

/// On a cron: starts the store's next history window, or takes up a stalled one.
pub async fn start(ctx: &Ctx, store: &Store) -> worker::Result<()> {
    let name = store.config.name.as_str();
    let (state, _) = state(ctx, name).await?;
    let now = now_ms();
    let page = match plan_history(ctx.settings.order_history.as_ref(), &state, now) {
        HistoryPlan::Start(page) | HistoryPlan::Resume(page) => page,
        HistoryPlan::WaitForCatalog => {
            worker::console_log!("{name}: the order history waits for the first catalog sync");
            return Ok(());
        }
        HistoryPlan::Off | HistoryPlan::Busy | HistoryPlan::UpToDate => return Ok(()),
    };
    let json = serde_json::to_string(&page).map_err(err)?;
    ctx.db
        .prepare(
            "INSERT INTO order_history (store, page, last_page_ms) VALUES (?1, ?2, ?3) \
             ON CONFLICT (store) DO UPDATE SET page = excluded.page, \
             last_page_ms = excluded.last_page_ms",
        )
        .bind(&[name.into(), json.into(), JsValue::from_f64(now as f64)])?
        .run()
        .await?;
    worker::console_log!("{name}: order history from {} to {}", page.from, page.to);
    let job = CatalogJob::Orders {
        store: name.to_string(),
        page,
    };
    enqueue(&ctx.catalog_jobs, &Envelope::first(job), None).await
}

#[derive(Deserialize)]
struct MasterRow {
    id: String,
    master_id: Option<String>,
}

#[derive(Deserialize)]
struct SentRow {
    event_id: String,
}

/// One page: read, keep the store's orders, name their lines by masters, leave out those live
/// tracking sent, send the rest, then move the store's place on. A page that is not the store's
/// current one (delivered again after it was done) does nothing.
pub async fn sync_page(
    ctx: &Ctx,
    store: &Store,
    page: &OrdersPage,
    attempt: u32,
) -> worker::Result<Decision> {
    let name = store.config.name.as_str();
    let (Some(config), Some(scapi)) = (&ctx.settings.order_history, &ctx.settings.scapi) else {
        return Ok(Decision::Delivered);
    };
    let current = serde_json::to_string(page).map_err(err)?;
    if state(ctx, name).await?.1.as_deref() != Some(current.as_str()) {
        return Ok(Decision::Delivered);
    }
    let site = store.config.site_id.as_str();
    let limit = ctx.settings.page_size.clamp(1, 200);
    let url = format!(
        "{}{}",
        scapi.base_url,
        orders_path(&scapi.organization_id, site, page, limit)
    );
    let grant = Grant::Scapi(admin_scope(&scapi.organization_id, ORDERS_SCOPE));
    let target = (Method::Get, url.as_str());
    let docs = match call_as(ctx, &grant, name, target, None, attempt, read_orders).await {
        Ok(docs) => docs,
        Err(decision) => return Ok(decision),
    };
    let dates: Vec<&str> = docs
        .iter()
        .filter_map(|d| d["creationDate"].as_str())
        .collect();
    let site_stores: Vec<SiteStore> = ctx
        .settings
        .stores
        .iter()
        .filter(|s| s.config.site_id == site)
        .map(|s| SiteStore {
            name: &s.config.name,
            currency: &s.config.currency,
            locale: &s.config.locale,
        })
        .collect();
    let (mut orders, mut rejected, mut skipped) = (Vec::new(), Vec::new(), 0u32);
    for doc in &docs {
        match history_order(doc, config.emails) {
            Ok(read)
                if store_of_order(
                    &site_stores,
                    read.currency.as_deref(),
                    read.locale.as_deref(),
                ) == Some(name) =>
            {
                orders.push(read.order)
            }
            Ok(_) => {}
            Err(Skipped::Unreadable { number, reason }) => {
                skipped += 1;
                rejected.push(RecordError {
                    product_id: format!("(order {number})"),
                    problems: vec![FieldProblem::new("order", reason)],
                });
            }
            Err(_) => skipped += 1,
        }
    }
    let before = orders.len();
    let orders = name_and_filter(ctx, orders).await?;
    skipped += (before - orders.len()) as u32;
    if !orders.is_empty() {
        let decision = clerk::upsert_orders(ctx, store, &orders, attempt).await;
        if decision != Decision::Delivered {
            return Ok(decision);
        }
    }
    let run_id = format!("orders-{}", page.to_ms);
    super::page::record_rejected(ctx, &run_id, name, &rejected).await?;
    let next = match next_page(page, &dates, limit) {
        HistoryNext::Page(next) => Some(next),
        HistoryNext::Done => None,
        HistoryNext::TooDeep(next) => {
            let why = format!(
                "more than {GET_ORDERS_DEPTH} orders of site {site} were created at {}: \
                 getOrders reads no deeper, so the rest of them were not read",
                page.from
            );
            worker::console_warn!("{name}: {why}");
            let report = RecordError {
                product_id: format!("(orders at {})", page.from),
                problems: vec![FieldProblem::new("order_history", why)],
            };
            super::page::record_rejected(ctx, &run_id, name, &[report]).await?;
            Some(next)
        }
    };
    let counts = (orders.len() as u32, skipped);
    move_on(ctx, name, (page, &current), next, counts).await?;
    Ok(Decision::Delivered)
}

/// Names every line by the master Clerk holds, and leaves out the orders live tracking already
/// sent as sales (event `order-{number}` in `sent_events`): one D1 round trip.
async fn name_and_filter(ctx: &Ctx, orders: Vec<ClerkOrder>) -> worker::Result<Vec<ClerkOrder>> {
    if orders.is_empty() {
        return Ok(orders);
    }
    let ids: HashSet<&str> = orders
        .iter()
        .flat_map(|o| o.products.iter().map(|p| p.id.as_str()))
        .collect();
    let events: Vec<String> = orders.iter().map(|o| format!("order-{}", o.id)).collect();
    let ids = serde_json::to_string(&ids).map_err(err)?;
    let events_json = serde_json::to_string(&events).map_err(err)?;
    let results = ctx
        .db
        .batch(vec![
            ctx.db
                .prepare(
                    "SELECT j.value AS id, m.master_id AS master_id FROM json_each(?1) j \
                     JOIN variant_masters m ON m.variant_id = j.value",
                )
                .bind(&[ids.into()])?,
            ctx.db
                .prepare(
                    "SELECT s.event_id AS event_id FROM json_each(?1) j \
                     JOIN sent_events s ON s.event_id = j.value AND s.state = 'sent'",
                )
                .bind(&[events_json.into()])?,
        ])
        .await?;
    let (Some(masters), Some(sent)) = (results.first(), results.get(1)) else {
        return Err(worker::Error::RustError("D1 answered short".into()));
    };
    let masters: HashMap<String, String> = masters
        .results::<MasterRow>()?
        .into_iter()
        .filter_map(|r| Some((r.id, r.master_id?)))
        .collect();
    let sent: HashSet<String> = sent
        .results::<SentRow>()?
        .into_iter()
        .map(|r| r.event_id)
        .collect();
    Ok(orders
        .into_iter()
        .filter(|o| !sent.contains(&format!("order-{}", o.id)))
        .map(|mut o| {
            for line in &mut o.products {
                if let Some(master) = masters.get(&line.id) {
                    line.id = master.clone();
                }
            }
            o
        })
        .collect())
}

/// Moves the store's place from page `current` to `next`, or to the window's end without one,
/// adding the page's counts; then queues the next page. Only the current page moves it.
async fn move_on(
    ctx: &Ctx,
    store: &str,
    (page, current): (&OrdersPage, &str),
    next: Option<OrdersPage>,
    (sent, skipped): (u32, u32),
) -> worker::Result<()> {
    let (next_json, high_water) = match &next {
        Some(next) => (
            serde_json::to_string(next).map_err(err)?.into(),
            JsValue::NULL,
        ),
        None => (JsValue::NULL, JsValue::from_f64(page.to_ms as f64)),
    };
    ctx.db
        .prepare(
            "UPDATE order_history SET page = ?3, high_water_ms = COALESCE(?4, high_water_ms), \
             last_page_ms = ?5, sent = sent + ?6, skipped = skipped + ?7 \
             WHERE store = ?1 AND page = ?2",
        )
        .bind(&[
            store.into(),
            current.into(),
            next_json,
            high_water,
            JsValue::from_f64(now_ms() as f64),
            sent.into(),
            skipped.into(),
        ])?
        .run()
        .await?;
    let Some(next) = next else {
        return Ok(());
    };
    let job = CatalogJob::Orders {
        store: store.to_string(),
        page: next,
    };
    enqueue(&ctx.catalog_jobs, &Envelope::first(job), None).await
}
