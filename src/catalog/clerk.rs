//! Clerk writes: products (upsert and delete), categories, customers and orders, logged and decided
//! like every delivery.

use crate::context::Ctx;
use crate::platform::http::send;
use crate::platform::log::{self, Attempted};
use crate::platform::random;
use sfcc_clerk_core::clerk::{
    CategoriesUpsert, ClerkCategory, ClerkCustomer, ClerkOrder, ClerkProduct, CustomersUpsert,
    ErasureCall, OrdersUpsert, ProductsDelete, ProductsUpsert, CATEGORIES_PATH, CUSTOMERS_PATH,
    FORGET_PATH, ORDERS_PATH, PRODUCTS_PATH,
};
use sfcc_clerk_core::delivery::DeliveryKind;
use sfcc_clerk_core::retry::{decide, Decision};
use sfcc_clerk_core::settings::Store;
use worker::Method;

/// One write: `path` may carry a query string (the delivery log keeps the path without it).
async fn write(
    ctx: &Ctx,
    store: &Store,
    path: &str,
    method: Method,
    body: Option<String>,
    items: usize,
    attempt: u32,
) -> Decision {
    let url = format!("{}{path}", ctx.settings.clerk_api_url);
    let label = if method == Method::Delete {
        "DELETE"
    } else {
        "POST"
    };
    let reply = send(
        method,
        &url,
        &[("content-type", "application/json")],
        body,
        ctx.settings.http_timeout_ms,
    )
    .await;
    let decision = decide(
        &reply.outcome,
        attempt,
        &ctx.settings.backoff,
        random::jitter(),
    );
    let call = Attempted {
        kind: DeliveryKind::Catalog,
        store: &store.config.name,
        method: label,
        url: &url,
        attempt,
        items: items as u32,
        reference: None,
    };
    log::record(&ctx.db, &call, &reply, &decision).await;
    decision
}

/// Encodes `body` and writes it; a body that cannot be encoded is a dead letter naming `what`.
async fn write_json<T: serde::Serialize>(
    ctx: &Ctx,
    store: &Store,
    (path, method): (&str, Method),
    body: &T,
    (items, what): (usize, &str),
    attempt: u32,
) -> Decision {
    match serde_json::to_string(body) {
        Ok(json) => write(ctx, store, path, method, Some(json), items, attempt).await,
        Err(e) => Decision::DeadLetter {
            reason: format!("could not encode {what}: {e}"),
        },
    }
}

/// Upserts categories into the store's Clerk store.
pub async fn upsert_categories(
    ctx: &Ctx,
    store: &Store,
    categories: &[ClerkCategory],
    attempt: u32,
) -> Decision {
    let body = CategoriesUpsert {
        key: &store.config.clerk_public_key,
        private_key: store.private_key.expose(),
        categories,
    };
    let target = (CATEGORIES_PATH, Method::Post);
    write_json(
        ctx,
        store,
        target,
        &body,
        (categories.len(), "categories"),
        attempt,
    )
    .await
}

/// Upserts customers into the store's Clerk store.
pub async fn upsert_customers(
    ctx: &Ctx,
    store: &Store,
    customers: &[ClerkCustomer],
    attempt: u32,
) -> Decision {
    let body = CustomersUpsert {
        key: &store.config.clerk_public_key,
        private_key: store.private_key.expose(),
        customers,
    };
    let target = (CUSTOMERS_PATH, Method::Post);
    write_json(
        ctx,
        store,
        target,
        &body,
        (customers.len(), "customers"),
        attempt,
    )
    .await
}

/// Sends past orders to the store's Clerk store.
pub async fn upsert_orders(
    ctx: &Ctx,
    store: &Store,
    orders: &[ClerkOrder],
    attempt: u32,
) -> Decision {
    let body = OrdersUpsert {
        key: &store.config.clerk_public_key,
        private_key: store.private_key.expose(),
        orders,
    };
    let target = (ORDERS_PATH, Method::Post);
    write_json(ctx, store, target, &body, (orders.len(), "orders"), attempt).await
}

/// Upserts products into the store's Clerk store.
pub async fn upsert(ctx: &Ctx, store: &Store, products: &[ClerkProduct], attempt: u32) -> Decision {
    let body = ProductsUpsert {
        key: &store.config.clerk_public_key,
        private_key: store.private_key.expose(),
        products,
    };
    let target = (PRODUCTS_PATH, Method::Post);
    write_json(
        ctx,
        store,
        target,
        &body,
        (products.len(), "products"),
        attempt,
    )
    .await
}

/// Sends one call of an erasure to the store's Clerk store, once: the operator repeats an
/// erasure that did not go through (each call is safe to repeat).
pub async fn erase(ctx: &Ctx, store: &Store, call: &ErasureCall) -> Decision {
    match call {
        ErasureCall::DeleteCustomer { path } => {
            write(ctx, store, path, Method::Delete, None, 1, 1).await
        }
        ErasureCall::Forget { body } => {
            let body = Some(body.clone());
            write(ctx, store, FORGET_PATH, Method::Post, body, 1, 1).await
        }
    }
}

/// Deletes products from the store's Clerk store.
pub async fn delete(ctx: &Ctx, store: &Store, ids: &[String], attempt: u32) -> Decision {
    let delete = ProductsDelete {
        key: &store.config.clerk_public_key,
        private_key: store.private_key.expose(),
        products: ids,
    };
    let path = format!("{PRODUCTS_PATH}?{}", delete.query());
    write(ctx, store, &path, Method::Delete, None, ids.len(), attempt).await
}
