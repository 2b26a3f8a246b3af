//! The Shop API's `GET /s/{site}/dw/shop/v24_5/products/({ids})`: products as one site's
//! shoppers see them, at most 24 a call, the API client named by `x-dw-client-id`.

use super::views::{shop_view, ShopView};
use super::{take_fault, PageAnswer, Selection, SfccState, OCAPI_VERSION};
use crate::http::{header, json};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

type Shared = Arc<Mutex<SfccState>>;

/// The most ids one call takes.
const MAX_IDS: usize = 24;

/// Query parameters the resource knows.
const PARAMS: [&str; 6] = [
    "expand",
    "currency",
    "locale",
    "all_images",
    "inventory_ids",
    "client_id",
];

/// The Shop API product route.
pub fn routes(state: Shared) -> Router {
    Router::new()
        .route(
            &format!("/s/{{site}}/dw/shop/{OCAPI_VERSION}/products/{{ids}}"),
            get(products),
        )
        .with_state(state)
}

fn fault(status: StatusCode, kind: &str, message: &str) -> Response {
    json(
        status,
        json!({"_v": "24.5", "fault": {"type": kind, "message": message}}),
    )
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `(a,b)` or a single `a`, each id percent-decoded.
fn parse_ids(raw: &str) -> Vec<String> {
    let inner = raw
        .strip_prefix('(')
        .and_then(|r| r.strip_suffix(')'))
        .unwrap_or(raw);
    inner
        .split(',')
        .filter(|s| !s.is_empty())
        .map(percent_decode)
        .collect()
}

async fn products(
    State(state): State<Shared>,
    Path((site, ids)): Path<(String, String)>,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let response = answer(&state, &site, &ids, &params, &headers);
    if let Ok(mut s) = state.lock() {
        s.requests.push((
            format!("GET /s/{site}/dw/shop/{OCAPI_VERSION}/products"),
            response.status().as_u16(),
        ));
    }
    response
}

fn answer(
    state: &Shared,
    site: &str,
    raw_ids: &str,
    params: &HashMap<String, String>,
    headers: &HeaderMap,
) -> Response {
    let Ok(mut s) = state.lock() else {
        return fault(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalServerError",
            "state unavailable",
        );
    };
    let client = header(headers, "x-dw-client-id").or(params.get("client_id").map(String::as_str));
    if client != Some(s.client_id.as_str()) {
        return fault(
            StatusCode::FORBIDDEN,
            "ClientAccessForbiddenException",
            "unknown or missing client id (x-dw-client-id)",
        );
    }
    if let Some(unknown) = params.keys().find(|k| !PARAMS.contains(&k.as_str())) {
        return fault(
            StatusCode::BAD_REQUEST,
            "UnknownParameterException",
            &format!("unknown query parameter '{unknown}'"),
        );
    }
    let Some(currency) = params
        .get("currency")
        .filter(|c| c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()))
    else {
        return fault(
            StatusCode::BAD_REQUEST,
            "InvalidCurrencyException",
            "currency must be an ISO 4217 code",
        );
    };
    let ids = parse_ids(raw_ids);
    if ids.is_empty() || ids.len() > MAX_IDS {
        return fault(
            StatusCode::BAD_REQUEST,
            "PropertyValueConstraintViolationException",
            &format!(
                "between 1 and {MAX_IDS} product ids expected, got {}",
                ids.len()
            ),
        );
    }
    let injected = take_fault(&mut s.shop_faults, |id| ids.contains(id));
    if let Some(PageAnswer::Status(code)) = injected {
        let status = StatusCode::from_u16(code).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
        return fault(status, "InternalServerError", "injected fault on this call");
    }
    let view = ShopView {
        site,
        locale: params.get("locale").map_or("default", String::as_str),
        currency,
        inventory_ids: params
            .get("inventory_ids")
            .map(|l| l.split(',').filter(|x| !x.is_empty()).collect())
            .unwrap_or_default(),
    };
    let (_, docs) = s
        .catalog
        .search(&Selection::Ids(ids.clone()), 0, MAX_IDS as u64);
    let data: Vec<Value> = docs.iter().filter_map(|d| shop_view(d, &view)).collect();
    if data.is_empty() && ids.len() == 1 {
        return fault(
            StatusCode::NOT_FOUND,
            "ProductNotFoundException",
            &format!("no product '{}' in site {site}", ids[0]),
        );
    }
    let result =
        json!({"_v": "24.5", "_type": "product_result", "count": data.len(), "data": data});
    if injected == Some(PageAnswer::CutShort) {
        return super::routes::cut_short(&result);
    }
    json(StatusCode::OK, result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_read_from_parentheses_and_decoded() {
        assert_eq!(parse_ids("(A%201,B)"), ["A 1", "B"]);
        assert_eq!(parse_ids("A"), ["A"]);
        assert!(parse_ids("()").is_empty());
    }
}
