use super::checks::{check_product, check_visitor};
use super::{ClerkState, ClerkStore, Faults, TrackedCall};
use crate::http::json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

pub(super) type Shared = Arc<Mutex<ClerkState>>;

/// The Clerk routes: `POST /v2/products`, `/v2/categories`, `/v2/orders`, `/v2/customers`
/// (`DELETE` too), `/v2/privacy/forget`, `GET /v2/log/*`, `GET /v2/search/search`, and the
/// `/__sandbox/clerk/` read-back
/// and fault-injection endpoints.
pub fn routes(state: Shared) -> Router {
    Router::new()
        .route(
            "/v2/products",
            post(upsert_products).delete(delete_products),
        )
        .route("/v2/categories", post(upsert_categories))
        .route("/v2/orders", post(super::history::upsert_orders))
        .route(
            "/v2/customers",
            post(super::history::upsert_customers).delete(super::privacy::delete_customers),
        )
        .route("/v2/privacy/forget", post(super::privacy::forget))
        .route("/v2/log/{*endpoint}", get(track).post(track_posted))
        .route("/v2/search/search", get(search))
        .route("/__sandbox/clerk/stores/{key}", get(read_store))
        .route("/__sandbox/clerk/stores/{key}/counts", get(read_counts))
        .route("/__sandbox/clerk/requests", get(read_requests))
        .route("/__sandbox/clerk/faults", post(set_faults))
        .with_state(state)
}

/// A Clerk error document.
pub(super) fn clerk_error(status: StatusCode, kind: &str, message: &str) -> Response {
    json(
        status,
        json!({"status": "error", "type": kind, "message": message}),
    )
}

/// Clerk's success answer.
pub(super) fn ok() -> Response {
    json(StatusCode::OK, json!({"status": "ok"}))
}

/// True when the injected faults apply to a call for store `key` (all calls, unless the faults
/// name one store's public key).
fn targeted(s: &ClerkState, key: Option<&str>) -> bool {
    s.faults
        .only_key
        .as_deref()
        .is_none_or(|only| key == Some(only))
}

/// The public key a write names in its JSON body.
fn body_key(body: &str) -> Option<String> {
    serde_json::from_str::<Value>(body)
        .ok()?
        .get("key")?
        .as_str()
        .map(String::from)
}

/// Answers with an injected fault if one is pending, recording the request either way.
fn injected_fault(
    s: &mut MutexGuard<'_, ClerkState>,
    what: &str,
    key: Option<&str>,
) -> Option<Response> {
    if !targeted(s, key) {
        return None;
    }
    let down = s
        .faults
        .down_until
        .is_some_and(|t| std::time::Instant::now() < t);
    if down {
        // Every call fails while Clerk is down.
    } else if s.faults.fail_next > 0 {
        s.faults.fail_next -= 1;
    } else if !draw_fails(&mut s.faults) {
        return None;
    }
    let status = StatusCode::from_u16(s.faults.status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    let kind = s.faults.kind.as_deref().unwrap_or("InternalError");
    let mut response = clerk_error(status, kind, "injected fault");
    if let Some(secs) = s.faults.retry_after {
        if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
            response.headers_mut().insert("retry-after", v);
        }
    }
    s.requests.push((what.to_string(), status.as_u16()));
    Some(response)
}

/// Holds a call back when a delay is injected; the call is then handled as usual.
async fn injected_delay(state: &Shared, key: Option<&str>) {
    let delay = match state.lock() {
        Ok(mut s) if s.faults.delay_next > 0 && targeted(&s, key) => {
            s.faults.delay_next -= 1;
            s.faults.delay_ms
        }
        _ => 0,
    };
    if delay > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(delay)).await;
    }
}

/// How long to hold back the answer to a call already applied (an injected late answer), if at all.
fn late_answer(s: &mut MutexGuard<'_, ClerkState>, key: Option<&str>) -> u64 {
    if s.faults.late_next == 0 || !targeted(s, key) {
        return 0;
    }
    s.faults.late_next -= 1;
    s.faults.delay_ms
}

/// Answers after `ms` (nothing when 0).
async fn answer_after(ms: u64, response: Response) -> Response {
    if ms > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
    }
    response
}

/// One call for store `key`: an injected delay or fault if there is one, else `apply`; recorded
/// either way, and answered late when a late answer is injected.
async fn handle(
    state: &Shared,
    what: &str,
    key: Option<&str>,
    apply: impl FnOnce(&mut ClerkState) -> Response,
) -> Response {
    injected_delay(state, key).await;
    let (response, late_ms) = {
        let Ok(mut s) = state.lock() else {
            return clerk_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "InternalError",
                "state unavailable",
            );
        };
        if let Some(fault) = injected_fault(&mut s, what, key) {
            return fault;
        }
        let response = apply(&mut s);
        s.requests.push((what.into(), response.status().as_u16()));
        (response, late_answer(&mut s, key))
    };
    answer_after(late_ms, response).await
}

/// One write call (the store's key is in its body); see [`handle`].
pub(super) async fn write(
    state: &Shared,
    what: &str,
    body: &str,
    apply: fn(&mut ClerkState, &str) -> Response,
) -> Response {
    let key = body_key(body);
    handle(state, what, key.as_deref(), |s| apply(s, body)).await
}

async fn upsert_products(State(state): State<Shared>, body: String) -> Response {
    write(&state, "POST /v2/products", &body, apply_upsert).await
}

/// Parses a write body `{key, private_key, products}` and checks both keys.
pub(super) fn authorized_write(
    s: &ClerkState,
    body: &str,
    list: &str,
) -> Result<(String, Value), Box<Response>> {
    let Ok(Value::Object(mut req)) = serde_json::from_str::<Value>(body) else {
        return Err(Box::new(clerk_error(
            StatusCode::BAD_REQUEST,
            "ParsingError",
            "body must be a JSON object",
        )));
    };
    if let Some(unknown) = req
        .keys()
        .find(|k| !["key", "private_key", list].contains(&k.as_str()))
    {
        return Err(Box::new(clerk_error(
            StatusCode::BAD_REQUEST,
            "ParsingError",
            &format!("unknown argument {unknown:?}"),
        )));
    }
    let key = req
        .get("key")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let private = req
        .get("private_key")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if s.private_keys.get(&key).map(String::as_str) != Some(private) || private.is_empty() {
        return Err(Box::new(clerk_error(
            StatusCode::FORBIDDEN,
            "AuthenticationError",
            "invalid key or private_key",
        )));
    }
    Ok((key, req.remove(list).unwrap_or(Value::Null)))
}

fn apply_upsert(s: &mut ClerkState, body: &str) -> Response {
    let (key, products) = match authorized_write(s, body, "products") {
        Ok(v) => v,
        Err(response) => return *response,
    };
    let Some(products) = products.as_array() else {
        return clerk_error(
            StatusCode::BAD_REQUEST,
            "ParsingError",
            "`products` must be a list",
        );
    };
    let mut checked = Vec::with_capacity(products.len());
    for p in products {
        let Some(obj) = p.as_object() else {
            return clerk_error(
                StatusCode::BAD_REQUEST,
                "ParsingError",
                "every product must be an object",
            );
        };
        if let Err(e) = check_product(obj) {
            return clerk_error(StatusCode::BAD_REQUEST, "ParsingError", &e);
        }
        let id = match &obj["id"] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let Ok(text) = serde_json::value::to_raw_value(p) else {
            return clerk_error(
                StatusCode::BAD_REQUEST,
                "ParsingError",
                "unreadable product",
            );
        };
        checked.push((id, text));
    }
    let store = s.stores.entry(key).or_default();
    store.products.extend(checked);
    ok()
}

/// `DELETE /v2/products?key=…&private_key=…&products=["id",…]`: Clerk's delete takes everything
/// in the query string; a body is refused, so a client sending one finds out here.
async fn delete_products(
    State(state): State<Shared>,
    Query(params): Query<BTreeMap<String, String>>,
    body: String,
) -> Response {
    match query_delete(&params, &body, "products") {
        Ok(request) => write(&state, "DELETE /v2/products", &request, apply_delete).await,
        Err(refused) => *refused,
    }
}

/// A Clerk `DELETE`'s query string (`key`, `private_key` and the JSON list `list`) as the body of
/// a write; a call with a body, or without the list, is refused as Clerk refuses it.
pub(super) fn query_delete(
    params: &BTreeMap<String, String>,
    body: &str,
    list: &str,
) -> Result<String, Box<Response>> {
    let ids = params
        .get(list)
        .map(|ids| serde_json::from_str::<Value>(ids).unwrap_or(Value::Null));
    match ids {
        Some(ids) if body.trim().is_empty() => Ok(json!({
            "key": params.get("key"),
            "private_key": params.get("private_key"),
            list: ids,
        })
        .to_string()),
        _ => Err(Box::new(clerk_error(
            StatusCode::BAD_REQUEST,
            "ParsingError",
            &format!(
                "DELETE /v2/{list} takes key, private_key and {list} (a JSON list) in the query \
                 string, and no body"
            ),
        ))),
    }
}

fn apply_delete(s: &mut ClerkState, body: &str) -> Response {
    let (key, ids) = match authorized_write(s, body, "products") {
        Ok(v) => v,
        Err(response) => return *response,
    };
    let ids: Option<Vec<String>> = ids.as_array().and_then(|a| {
        a.iter()
            .map(|id| match id {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) if n.is_u64() => Some(n.to_string()),
                _ => None,
            })
            .collect()
    });
    let Some(ids) = ids else {
        return clerk_error(
            StatusCode::BAD_REQUEST,
            "ParsingError",
            "`products` must be a list of product ids",
        );
    };
    let store = s.stores.entry(key).or_default();
    for id in ids {
        store.products.remove(&id);
    }
    ok()
}

/// Required parameters per tracking endpoint, besides `key` and `visitor`.
fn required_params(endpoint: &str) -> Option<&'static [&'static str]> {
    Some(match endpoint {
        "log/product" | "log/click" => &["product"],
        "log/category" => &["category"],
        "log/email" => &["email"],
        "log/cart/add" | "log/cart/remove" | "log/cart/update" => &["products"],
        "log/sale" => &["sale", "products"],
        // Clerk records a visitor's search from a search call with `visitor` and `labels`
        // ("Required for tracking"); `query` and `limit` are required
        // (docs.clerk.io/reference/search-search).
        "search/search" => &["query", "limit", "labels"],
        _ => return None,
    })
}

async fn track(
    State(state): State<Shared>,
    Path(endpoint): Path<String>,
    Query(params): Query<BTreeMap<String, String>>,
) -> Response {
    let key = params.get("key").cloned();
    let endpoint = format!("log/{endpoint}");
    let what = format!("GET /v2/{endpoint}");
    handle(&state, &what, key.as_deref(), |s| {
        apply_track(s, &endpoint, params)
    })
    .await
}

/// `POST /v2/log/…` with the arguments as a JSON object in the body, as Clerk takes every call
/// (its reference shows `POST /v2/log/sale` with `key`, `sale`, `products` as a list of
/// `{id, price, quantity}`, `customer`, `email`, `visitor`). Recorded like the `GET`, each
/// argument as text (a list JSON-encoded, as a query string carries it).
async fn track_posted(
    State(state): State<Shared>,
    Path(endpoint): Path<String>,
    headers: axum::http::HeaderMap,
    body: String,
) -> Response {
    let endpoint = format!("log/{endpoint}");
    let what = format!("POST /v2/{endpoint}");
    let json_body = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let params = match serde_json::from_str::<Value>(&body) {
        Ok(Value::Object(fields)) if json_body => fields
            .into_iter()
            .map(|(name, value)| {
                let text = match value {
                    Value::String(s) => s,
                    other => other.to_string(),
                };
                (name, text)
            })
            .collect::<BTreeMap<String, String>>(),
        _ => {
            let refused = clerk_error(
                StatusCode::BAD_REQUEST,
                "ParsingError",
                "a POST takes its arguments as a JSON object (Content-Type: application/json)",
            );
            if let Ok(mut s) = state.lock() {
                s.requests.push((what, refused.status().as_u16()));
            }
            return refused;
        }
    };
    let key = params.get("key").cloned();
    handle(&state, &what, key.as_deref(), |s| {
        apply_track(s, &endpoint, params)
    })
    .await
}

/// `GET /v2/search/search`: recorded among the store's tracking calls (a search the visitor
/// made); the sandbox finds nothing.
async fn search(
    State(state): State<Shared>,
    Query(params): Query<BTreeMap<String, String>>,
) -> Response {
    let key = params.get("key").cloned();
    handle(&state, "GET /v2/search/search", key.as_deref(), |s| {
        let answer = apply_track(s, "search/search", params);
        if answer.status() != StatusCode::OK {
            return answer;
        }
        json(
            StatusCode::OK,
            json!({"status": "ok", "result": [], "count": 0, "facets": null}),
        )
    })
    .await
}

fn apply_track(
    s: &mut ClerkState,
    endpoint: &str,
    mut params: BTreeMap<String, String>,
) -> Response {
    let Some(required) = required_params(endpoint) else {
        return clerk_error(
            StatusCode::NOT_FOUND,
            "ParsingError",
            &format!("unknown endpoint {endpoint}"),
        );
    };
    let key = params.remove("key").unwrap_or_default();
    if !s.stores.contains_key(&key) {
        return clerk_error(
            StatusCode::FORBIDDEN,
            "AuthenticationError",
            "invalid public key",
        );
    }
    if let Err(e) = check_visitor(
        params
            .get("visitor")
            .map(String::as_str)
            .unwrap_or_default(),
    ) {
        return clerk_error(StatusCode::BAD_REQUEST, "ParsingError", &e);
    }
    for name in required {
        if params.get(*name).is_none_or(|v| v.is_empty()) {
            return clerk_error(
                StatusCode::BAD_REQUEST,
                "ParsingError",
                &format!("`{name}` is required"),
            );
        }
    }
    if let Some(labels) = params.get("labels") {
        let is_list = serde_json::from_str::<Value>(labels).is_ok_and(|v| v.is_array());
        if !is_list {
            return clerk_error(
                StatusCode::BAD_REQUEST,
                "ParsingError",
                "`labels` must be a JSON-encoded list",
            );
        }
    }
    if let Some(products) = params.get("products") {
        let is_list = serde_json::from_str::<Value>(products).is_ok_and(|v| v.is_array());
        if !is_list {
            return clerk_error(
                StatusCode::BAD_REQUEST,
                "ParsingError",
                "`products` must be a JSON-encoded list",
            );
        }
    }
    if let Some(store) = s.stores.get_mut(&key) {
        for id in named_products(&params) {
            if !store.products.contains_key(&id) {
                *store.unknown_products.entry(id).or_default() += 1;
            }
        }
        store.log.push(TrackedCall {
            endpoint: endpoint.to_string(),
            params,
        });
    }
    ok()
}

/// The product ids a tracking call names: `product` (views, clicks) and each `products[].id`
/// (carts, sales; a list of ids too).
fn named_products(params: &BTreeMap<String, String>) -> Vec<String> {
    let listed = params
        .get("products")
        .and_then(|p| serde_json::from_str::<Vec<Value>>(p).ok())
        .unwrap_or_default();
    params
        .get("product")
        .cloned()
        .into_iter()
        .chain(listed.iter().filter_map(|p| match p {
            Value::String(id) => Some(id.clone()),
            Value::Object(o) => o.get("id").and_then(Value::as_str).map(String::from),
            _ => None,
        }))
        .collect()
}

fn no_store(key: &str) -> Response {
    json(
        StatusCode::NOT_FOUND,
        json!({"error": format!("no store with public key {key:?}")}),
    )
}

/// The whole store, serialized straight from the state (no copy of it is made first).
async fn read_store(State(state): State<Shared>, Path(key): Path<String>) -> Response {
    let text = match state.lock() {
        Ok(s) => s.stores.get(&key).map(serde_json::to_string),
        Err(_) => None,
    };
    match text {
        Some(Ok(body)) => (
            StatusCode::OK,
            [(axum::http::header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response(),
        Some(Err(e)) => json(
            StatusCode::INTERNAL_SERVER_ERROR,
            json!({"error": e.to_string()}),
        ),
        None => no_store(&key),
    }
}

/// How many records of each kind the store holds: cheap to ask of a store of a million products.
async fn read_counts(State(state): State<Shared>, Path(key): Path<String>) -> Response {
    let counts = state
        .lock()
        .ok()
        .and_then(|s| s.stores.get(&key).map(ClerkStore::counts));
    match counts {
        Some(counts) => json(StatusCode::OK, counts),
        None => no_store(&key),
    }
}

async fn read_requests(State(state): State<Shared>) -> Response {
    let list: Vec<Value> = state
        .lock()
        .map(|s| {
            s.requests
                .iter()
                .map(|(w, c)| json!({"request": w, "status": c}))
                .collect()
        })
        .unwrap_or_default();
    json(StatusCode::OK, Value::Array(list))
}

async fn set_faults(State(state): State<Shared>, body: String) -> Response {
    let Ok(v) = serde_json::from_str::<Value>(&body) else {
        return json(
            StatusCode::BAD_REQUEST,
            json!({"error": "body must be JSON"}),
        );
    };
    let faults = Faults {
        fail_next: v.get("fail_next").and_then(Value::as_u64).unwrap_or(0) as u32,
        fail_rate: v
            .get("fail_rate")
            .and_then(Value::as_f64)
            .unwrap_or(0.0)
            .clamp(0.0, 1.0),
        draws: v.get("seed").and_then(Value::as_u64).unwrap_or(1),
        delay_next: v.get("delay_next").and_then(Value::as_u64).unwrap_or(0) as u32,
        delay_ms: v.get("delay_ms").and_then(Value::as_u64).unwrap_or(0),
        late_next: v.get("late_next").and_then(Value::as_u64).unwrap_or(0) as u32,
        only_key: v.get("only_key").and_then(Value::as_str).map(String::from),
        status: v.get("status").and_then(Value::as_u64).unwrap_or(503) as u16,
        kind: v.get("type").and_then(Value::as_str).map(String::from),
        retry_after: v
            .get("retry_after")
            .and_then(Value::as_u64)
            .map(|s| s as u32),
        down_until: v
            .get("down_ms")
            .and_then(Value::as_u64)
            .map(|ms| std::time::Instant::now() + std::time::Duration::from_millis(ms)),
    };
    if let Ok(mut s) = state.lock() {
        s.faults = faults;
    }
    json(StatusCode::OK, json!({"status": "ok"}))
}

/// Whether the next call fails under `fail_rate`: a splitmix64 draw, so a seed repeats a run.
fn draw_fails(f: &mut Faults) -> bool {
    if f.fail_rate <= 0.0 {
        return false;
    }
    f.draws = f.draws.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = f.draws;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    ((z >> 11) as f64 / (1u64 << 53) as f64) < f.fail_rate
}

async fn upsert_categories(State(state): State<Shared>, body: String) -> Response {
    write(&state, "POST /v2/categories", &body, apply_categories).await
}

/// Checks `{key, private_key, categories: [{id, name, url?, subcategories?}]}` as documented.
fn apply_categories(s: &mut ClerkState, body: &str) -> Response {
    let (key, categories) = match authorized_write(s, body, "categories") {
        Ok(v) => v,
        Err(response) => return *response,
    };
    let Some(categories) = categories.as_array() else {
        return clerk_error(
            StatusCode::BAD_REQUEST,
            "ParsingError",
            "`categories` must be a list",
        );
    };
    let mut checked = Vec::with_capacity(categories.len());
    for c in categories {
        let id = match &c["id"] {
            Value::String(s) if !s.is_empty() => s.clone(),
            Value::Number(n) if n.is_u64() => n.to_string(),
            _ => {
                return clerk_error(
                    StatusCode::BAD_REQUEST,
                    "ParsingError",
                    "category without a string or integer `id`",
                )
            }
        };
        let url_ok = c.get("url").is_none_or(|u| {
            u.as_str()
                .is_some_and(|u| u.starts_with("http://") || u.starts_with("https://"))
        });
        let subs_ok = c.get("subcategories").is_none_or(|v| {
            v.as_array()
                .is_some_and(|a| a.iter().all(|x| x.is_string() || x.is_u64()))
        });
        if !c["name"].is_string() || !url_ok || !subs_ok {
            return clerk_error(StatusCode::BAD_REQUEST, "ParsingError", &format!("category {id}: needs a string `name`, an absolute `url` and a list of `subcategories`"));
        }
        checked.push((id, c.clone()));
    }
    s.stores.entry(key).or_default().categories.extend(checked);
    ok()
}

#[cfg(test)]
mod tests {
    use super::super::ClerkState;
    use super::routes;
    use crate::test_support::call;
    use serde_json::json;
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    const VISITOR: &str = "3f2504e04f8941d39a0c0305e82c3301";

    #[tokio::test]
    async fn a_search_with_visitor_and_labels_is_recorded_as_the_visitors_search() {
        let stores = [("pub".to_string(), "priv".to_string())];
        let r = routes(Arc::new(Mutex::new(ClerkState::new(&stores))));
        let labels = "%5B%22SFCC%20search%22%5D";
        let uri = format!(
            "/v2/search/search?key=pub&query=shirt&limit=1&labels={labels}&visitor={VISITOR}"
        );
        let found = call(&r, "GET", &uri, &[], "").await;
        assert_eq!(found.status, 200, "{}", found.body);
        assert_eq!(found.json()["result"], json!([]));
        // Without labels Clerk cannot record it for the visitor.
        let bare = format!("/v2/search/search?key=pub&query=shirt&limit=1&visitor={VISITOR}");
        assert_eq!(call(&r, "GET", &bare, &[], "").await.status, 400);
        let log = call(&r, "GET", "/__sandbox/clerk/stores/pub", &[], "")
            .await
            .json()["log"]
            .clone();
        assert_eq!(
            log,
            json!([{"endpoint": "search/search", "params": {"query": "shirt", "limit": "1", "labels": "[\"SFCC search\"]", "visitor": VISITOR}}])
        );
    }

    #[tokio::test]
    async fn calls_naming_products_the_store_does_not_hold_are_taken_and_reported() {
        let stores = [("pub".to_string(), "priv".to_string())];
        let state = Arc::new(Mutex::new(ClerkState::new(&stores)));
        let held = serde_json::value::RawValue::from_string("{}".into()).unwrap();
        state
            .lock()
            .unwrap()
            .stores
            .get_mut("pub")
            .unwrap()
            .products
            .insert("A".into(), held);
        let r = routes(state);
        let cart = "%5B%7B%22id%22%3A%22A%22%2C%22qty%22%3A1%7D%2C%7B%22id%22%3A%22B-1%22%2C%22qty%22%3A2%7D%5D";
        for uri in [
            format!("/v2/log/product?key=pub&visitor={VISITOR}&product=A"),
            format!("/v2/log/product?key=pub&visitor={VISITOR}&product=Z"),
            format!("/v2/log/cart/add?key=pub&visitor={VISITOR}&products={cart}"),
        ] {
            assert_eq!(call(&r, "GET", &uri, &[], "").await.status, 200, "{uri}");
        }
        let store = call(&r, "GET", "/__sandbox/clerk/stores/pub", &[], "").await;
        assert_eq!(store.json()["unknown_products"], json!({"B-1": 1, "Z": 1}));
        let counts = call(&r, "GET", "/__sandbox/clerk/stores/pub/counts", &[], "").await;
        assert_eq!(counts.json()["unknown_products"], 2);
    }

    #[tokio::test]
    async fn a_posted_sale_is_recorded_as_its_query_string_form_would_be() {
        let stores = [("pub".to_string(), "priv".to_string())];
        let r = routes(Arc::new(Mutex::new(ClerkState::new(&stores))));
        let body = json!({"key": "pub", "sale": "567", "visitor": VISITOR,
            "products": [{"id": "1", "price": 99.95, "quantity": 2}],
            "email": "theone@example.com"})
        .to_string();
        let json_type = ("content-type", "application/json");
        let posted = call(&r, "POST", "/v2/log/sale", &[json_type], &body).await;
        assert_eq!(posted.status, 200, "{}", posted.body);
        let store = call(&r, "GET", "/__sandbox/clerk/stores/pub", &[], "").await;
        assert_eq!(
            store.json()["log"],
            json!([{"endpoint": "log/sale", "params": {"sale": "567", "visitor": VISITOR,
                "products": r#"[{"id":"1","price":99.95,"quantity":2}]"#,
                "email": "theone@example.com"}}])
        );
        // A form body, or a sale without its lines, is refused.
        let form = call(&r, "POST", "/v2/log/sale", &[], "key=pub&sale=1").await;
        assert_eq!(form.status, 400);
        let bare = json!({"key": "pub", "sale": "568", "visitor": VISITOR}).to_string();
        assert_eq!(
            call(&r, "POST", "/v2/log/sale", &[json_type], &bare)
                .await
                .status,
            400
        );
        let requests = call(&r, "GET", "/__sandbox/clerk/requests", &[], "").await;
        assert_eq!(requests.json()[0]["request"], "POST /v2/log/sale");
    }

    #[tokio::test]
    async fn a_late_answer_comes_after_the_call_is_recorded() {
        let stores = [("pub".to_string(), "priv".to_string())];
        let r = routes(Arc::new(Mutex::new(ClerkState::new(&stores))));
        let set = json!({"late_next": 1, "delay_ms": 5_000}).to_string();
        assert_eq!(
            call(&r, "POST", "/__sandbox/clerk/faults", &[], &set)
                .await
                .status,
            200
        );
        let uri = format!("/v2/log/product?key=pub&visitor={VISITOR}&product=A");
        // The client stops waiting long before the answer…
        let gave_up =
            tokio::time::timeout(Duration::from_millis(200), call(&r, "GET", &uri, &[], "")).await;
        assert!(gave_up.is_err(), "the answer is held back");
        // …but Clerk has the call.
        let store = call(&r, "GET", "/__sandbox/clerk/stores/pub", &[], "")
            .await
            .json();
        assert_eq!(store["log"][0]["params"]["product"], "A");
        // Only the next call was late.
        let again =
            tokio::time::timeout(Duration::from_millis(1_000), call(&r, "GET", &uri, &[], ""))
                .await;
        assert_eq!(again.map(|a| a.status).ok(), Some(200));
    }
}
