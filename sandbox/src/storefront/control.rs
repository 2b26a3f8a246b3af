//! Test controls under `/__sandbox/storefront/`: the break switch, received requests, orders.

use super::state::{StorefrontFaults, StorefrontTemplate};
use super::visit::Shop;
use crate::http::json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::json;

/// `GET|POST|DELETE /__sandbox/storefront/faults`, `GET|DELETE /__sandbox/storefront/requests`,
/// `GET /__sandbox/storefront/orders`, `GET|POST /__sandbox/storefront/template`.
pub fn routes() -> Router<Shop> {
    Router::new()
        .route(
            "/__sandbox/storefront/faults",
            get(faults).post(set_faults).delete(reset_faults),
        )
        .route(
            "/__sandbox/storefront/requests",
            get(requests).delete(clear_requests),
        )
        .route("/__sandbox/storefront/orders", get(orders))
        .route(
            "/__sandbox/storefront/template",
            get(template).post(set_template),
        )
}

fn unavailable() -> Response {
    json(
        StatusCode::INTERNAL_SERVER_ERROR,
        json!({"error": "state unavailable"}),
    )
}

async fn faults(State(shop): State<Shop>) -> Response {
    match shop.store() {
        Ok(s) => json(StatusCode::OK, json!(s.faults)),
        Err(_) => unavailable(),
    }
}

/// Sets the whole switch: flags not sent are off; an unknown flag is a 400.
async fn set_faults(State(shop): State<Shop>, body: String) -> Response {
    let faults: StorefrontFaults = match serde_json::from_str(&body) {
        Ok(f) => f,
        Err(e) => {
            return json(
                StatusCode::BAD_REQUEST,
                json!({"error": format!("faults: {e}")}),
            )
        }
    };
    match shop.store() {
        Ok(mut s) => {
            s.faults = faults;
            json(StatusCode::OK, json!(s.faults))
        }
        Err(_) => unavailable(),
    }
}

async fn template(State(shop): State<Shop>) -> Response {
    match shop.store() {
        Ok(s) => json(StatusCode::OK, json!(s.template)),
        Err(_) => unavailable(),
    }
}

/// Sets the template changes: those not sent are stock; an unknown one is a 400.
async fn set_template(State(shop): State<Shop>, body: String) -> Response {
    let template: StorefrontTemplate = match serde_json::from_str(&body) {
        Ok(t) => t,
        Err(e) => {
            return json(
                StatusCode::BAD_REQUEST,
                json!({"error": format!("template: {e}")}),
            )
        }
    };
    match shop.store() {
        Ok(mut s) => {
            s.template = template;
            json(StatusCode::OK, json!(s.template))
        }
        Err(_) => unavailable(),
    }
}

async fn reset_faults(State(shop): State<Shop>) -> Response {
    set_faults(State(shop), "{}".into()).await
}

async fn requests(State(shop): State<Shop>) -> Response {
    match shop.store() {
        Ok(s) => json(StatusCode::OK, json!(s.requests)),
        Err(_) => unavailable(),
    }
}

async fn clear_requests(State(shop): State<Shop>) -> Response {
    match shop.store() {
        Ok(mut s) => {
            s.requests.clear();
            json(StatusCode::OK, json!({"status": "ok"}))
        }
        Err(_) => unavailable(),
    }
}

async fn orders(State(shop): State<Shop>) -> Response {
    match shop.store() {
        Ok(s) => json(StatusCode::OK, json!(s.orders)),
        Err(_) => unavailable(),
    }
}
