use super::{
    take_fault, InjectedFault, PageAnswer, PageFault, Selection, SfccState, ShopFault,
    OCAPI_VERSION, ORGANIZATION_ID,
};
use crate::http::{header, json};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use base64::Engine;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};

pub(super) type Shared = Arc<Mutex<SfccState>>;

/// The SFCC routes: `POST /dwsso/oauth2/access_token`, `POST /s/-/dw/data/v24_5/product_search`,
/// `POST /s/-/dw/data/v24_5/customer_lists/{list_id}/customer_search`, and `GET /__sandbox/sfcc/requests` for tests.
pub fn routes(state: Shared) -> Router {
    Router::new()
        .route("/dwsso/oauth2/access_token", post(token))
        .route(
            &format!("/s/-/dw/data/{OCAPI_VERSION}/product_search"),
            post(product_search),
        )
        .route(
            &format!("/s/-/dw/data/{OCAPI_VERSION}/customer_lists/{{list_id}}/customer_search"),
            post(super::customer_search::customer_search),
        )
        .route("/__sandbox/sfcc/requests", get(requests))
        .route("/__sandbox/sfcc/faults", post(set_faults))
        .route(
            &format!("/s/-/dw/data/{OCAPI_VERSION}/catalogs/{{catalog}}/categories"),
            get(list_categories),
        )
        .route(
            "/__sandbox/sfcc/products/{id}",
            axum::routing::patch(change_product).delete(remove_product),
        )
        .with_state(state)
}

/// An OCAPI fault document.
pub(super) fn fault(status: StatusCode, kind: &str, message: &str) -> Response {
    json(
        status,
        json!({"_v": "24.5", "fault": {"type": kind, "message": message}}),
    )
}

/// Records a served request for `/__sandbox/sfcc/requests`.
pub(crate) fn record(state: &Shared, what: &str, status: StatusCode) {
    if let Ok(mut s) = state.lock() {
        s.requests.push((what.to_string(), status.as_u16()));
    }
}

async fn token(State(state): State<Shared>, headers: HeaderMap, body: String) -> Response {
    let response = issue_token(&state, &headers, &body);
    record(&state, "POST /dwsso/oauth2/access_token", response.status());
    response
}

fn issue_token(state: &Shared, headers: &HeaderMap, body: &str) -> Response {
    let unauthorized = |why: &str| {
        json(
            StatusCode::UNAUTHORIZED,
            json!({"error": "invalid_client", "error_description": why}),
        )
    };
    if header(headers, "content-type") != Some("application/x-www-form-urlencoded") {
        return json(
            StatusCode::BAD_REQUEST,
            json!({"error": "invalid_request", "error_description": "form-encoded body expected"}),
        );
    }
    if !body
        .split('&')
        .any(|kv| kv == "grant_type=client_credentials")
    {
        return json(
            StatusCode::BAD_REQUEST,
            json!({"error": "unsupported_grant_type", "error_description": "grant_type=client_credentials expected"}),
        );
    }
    let Some(basic) = header(headers, "authorization").and_then(|h| h.strip_prefix("Basic "))
    else {
        return unauthorized("HTTP Basic client authentication required");
    };
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(basic)
        .ok()
        .and_then(|b| String::from_utf8(b).ok());
    let Ok(mut s) = state.lock() else {
        return unauthorized("sandbox state unavailable");
    };
    if decoded.as_deref() != Some(&format!("{}:{}", s.client_id, s.client_secret)) {
        return unauthorized("client authentication failed");
    }
    // A SCAPI Admin API token: `scope=SALESFORCE_COMMERCE_API:{tenant} {api scopes}`, the
    // tenant being the organization id without `f_ecom_` (Salesforce's b2c-developer-tooling,
    // skill `b2c-scapi-admin`). The client holds the Commerce API role for this tenant only.
    let scope = crate::storefront::form::parse(body).remove("scope");
    let api_scopes = match scope.as_deref().map(str::split_whitespace) {
        None => None,
        Some(mut parts) => {
            let tenant = ORGANIZATION_ID.trim_start_matches("f_ecom_");
            let role = parts
                .next()
                .and_then(|p| p.strip_prefix("SALESFORCE_COMMERCE_API:"));
            if role != Some(tenant) {
                return json(
                    StatusCode::BAD_REQUEST,
                    json!({"error": "invalid_scope", "error_description": format!("the client holds the Salesforce Commerce API role for tenant {tenant} only")}),
                );
            }
            Some(parts.map(String::from).collect::<Vec<_>>())
        }
    };
    s.issued += 1;
    let token = format!("sandbox-token-{}", s.issued);
    let granted = match api_scopes {
        Some(api) => {
            s.scapi_tokens.insert(token.clone(), api);
            scope.unwrap_or_default()
        }
        None => {
            s.tokens.insert(token.clone());
            "mail tenantFilter openId".into()
        }
    };
    json(
        StatusCode::OK,
        json!({"access_token": token, "expires_in": 1799, "token_type": "Bearer", "scope": granted}),
    )
}

/// Checks the request's `Authorization: Bearer` token against the issued ones.
pub(super) fn bearer_checked(s: &SfccState, headers: &HeaderMap) -> Result<(), Box<Response>> {
    let bearer = header(headers, "authorization").and_then(|h| h.strip_prefix("Bearer "));
    if bearer.is_some_and(|t| s.tokens.contains(t)) {
        return Ok(());
    }
    Err(Box::new(fault(
        StatusCode::UNAUTHORIZED,
        "InvalidAccessTokenException",
        "missing or unknown access token",
    )))
}

const SEARCH_FIELDS: [&str; 6] = ["query", "select", "sorts", "start", "count", "expand"];

async fn product_search(State(state): State<Shared>, headers: HeaderMap, body: String) -> Response {
    let delay = match state.lock() {
        Ok(mut s) if s.delay_next > 0 => {
            s.delay_next -= 1;
            s.delay_ms
        }
        _ => 0,
    };
    if delay > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(delay)).await;
    }
    let response = search(&state, &headers, &body);
    record(
        &state,
        &format!("POST /s/-/dw/data/{OCAPI_VERSION}/product_search"),
        response.status(),
    );
    response
}

fn search(state: &Shared, headers: &HeaderMap, body: &str) -> Response {
    let Ok(mut s) = state.lock() else {
        return fault(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalServerError",
            "state unavailable",
        );
    };
    if s.fail_next > 0 {
        s.fail_next -= 1;
        let status = StatusCode::from_u16(s.fail_status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
        return fault(status, "InternalServerError", "injected fault");
    }
    if let Err(response) = bearer_checked(&s, headers) {
        return *response;
    }
    let Ok(Value::Object(req)) = serde_json::from_str::<Value>(body) else {
        return fault(
            StatusCode::BAD_REQUEST,
            "MalformedDocumentException",
            "body must be a JSON object",
        );
    };
    if let Some(unknown) = req.keys().find(|k| !SEARCH_FIELDS.contains(&k.as_str())) {
        return fault(
            StatusCode::BAD_REQUEST,
            "UnknownPropertyException",
            &format!("unknown property '{unknown}' in product_search request"),
        );
    }
    let (selection, after) = match parse_product_query(req.get("query")) {
        Ok(q) => q,
        Err(why) => return fault(StatusCode::BAD_REQUEST, "MissingPropertyException", &why),
    };
    let number = |name: &str, default: u64| match req.get(name) {
        None => Some(default),
        Some(v) => v.as_u64(),
    };
    let (Some(start), Some(count)) = (number("start", 0), number("count", 25)) else {
        return fault(
            StatusCode::BAD_REQUEST,
            "PropertyValueConstraintViolationException",
            "start and count must be integers ≥ 0",
        );
    };
    if count > 200 {
        return fault(
            StatusCode::BAD_REQUEST,
            "PropertyValueConstraintViolationException",
            "count must be at most 200",
        );
    }
    // OCAPI's pagination reference: "Valid values range from 0 to 999". The fault a live
    // instance answers with is not documented; this one names the limit.
    if start > MAX_START {
        return fault(
            StatusCode::BAD_REQUEST,
            "PropertyValueConstraintViolationException",
            &format!("start must be at most {MAX_START}"),
        );
    }
    let injected = take_fault(&mut s.page_faults, |page| *page == start);
    if let Some(PageAnswer::Status(code)) = injected {
        let status = StatusCode::from_u16(code).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
        return fault(status, "InternalServerError", "injected fault on this page");
    }
    let (total, docs) = s
        .catalog
        .search_after(&selection, after.as_deref(), start, count);
    let expand: Vec<&str> = req
        .get("expand")
        .and_then(Value::as_array)
        .map(|e| e.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let hits: Vec<Value> = docs
        .into_iter()
        .map(|doc| super::views::data_view_expanded(doc, &expand))
        .collect();
    let page = json!({"_v": "24.5", "_type": "product_search_result", "count": hits.len(), "start": start, "total": total, "hits": hits});
    if injected == Some(PageAnswer::CutShort) {
        return cut_short(&page);
    }
    json(StatusCode::OK, page)
}

async fn requests(State(state): State<Shared>) -> Response {
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

/// Merges the JSON object in the body into a product document and bumps its `last_modified`, the
/// way a merchandiser's change in Business Manager would.
async fn change_product(
    State(state): State<Shared>,
    Path(id): Path<String>,
    body: String,
) -> Response {
    let Ok(Value::Object(changes)) = serde_json::from_str::<Value>(&body) else {
        return json(
            StatusCode::BAD_REQUEST,
            json!({"error": "body must be a JSON object of fields to change"}),
        );
    };
    let Ok(mut s) = state.lock() else {
        return json(
            StatusCode::INTERNAL_SERVER_ERROR,
            json!({"error": "state unavailable"}),
        );
    };
    match s.catalog.change(&id, changes) {
        Some(doc) => json(StatusCode::OK, doc),
        None => json(
            StatusCode::NOT_FOUND,
            json!({"error": format!("no product {id}")}),
        ),
    }
}

/// OCAPI's largest `start` (pagination reference: 0 to 999).
pub const MAX_START: u64 = 999;

/// Reads a `product_search` query: what [`parse_selection`] reads, and the keyset form the
/// connector pages with past offset 999 — a `filtered_query` whose filter is a `range_filter`
/// on `id` with `from` and `from_inclusive: false`, alone or in a `bool_filter` (`and`) with the
/// range on `last_modified`. Returns the selection and the id its hits come after.
pub(super) fn parse_product_query(
    query: Option<&Value>,
) -> Result<(Selection, Option<String>), String> {
    let Some(filtered) = query.and_then(|q| q.get("filtered_query")) else {
        return parse_selection(query).map(|s| (s, None));
    };
    let id_after = |f: &Value| -> Option<String> {
        let r = f.get("range_filter")?;
        (r["field"] == "id" && r["from_inclusive"] == false && r.get("to").is_none())
            .then(|| r["from"].as_str().map(String::from))?
    };
    let filter = &filtered["filter"];
    if let Some(after) = id_after(filter) {
        if filtered["query"].get("match_all_query").is_none() {
            return Err("the sandbox serves an id range over match_all_query only".into());
        }
        return Ok((Selection::All, Some(after)));
    }
    if let Some(b) = filter.get("bool_filter") {
        let filters = b["filters"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default();
        let (ids, rest): (Vec<&Value>, Vec<&Value>) =
            filters.iter().partition(|f| id_after(f).is_some());
        return match (b["operator"].as_str(), ids.as_slice(), rest.as_slice()) {
            (Some("and"), [id], [other]) => {
                let inner = json!({"filtered_query": {"query": filtered["query"], "filter": other}});
                let selection = parse_selection(Some(&inner))?;
                Ok((selection, id_after(id)))
            }
            _ => Err("the sandbox serves a bool_filter of operator and, with a range_filter on id (from, from_inclusive false) and one on last_modified".into()),
        };
    }
    parse_selection(query).map(|s| (s, None))
}

/// Reads the queries the connector sends: `match_all_query`, a `filtered_query` of it with a
/// `range_filter` on `last_modified`, and a `term_query` on `id` with `one_of` values.
pub(super) fn parse_selection(query: Option<&Value>) -> Result<Selection, String> {
    let query = query.ok_or("'query' is required")?;
    if query.get("match_all_query").is_some() {
        return Ok(Selection::All);
    }
    if let Some(filtered) = query.get("filtered_query") {
        let range = &filtered["filter"]["range_filter"];
        let inner_is_all = filtered["query"].get("match_all_query").is_some();
        return match (inner_is_all, range["field"].as_str(), range["from"].as_str(), range["to"].as_str()) {
            (true, Some("last_modified"), Some(from), Some(to)) => Ok(Selection::ModifiedBetween(from.into(), to.into())),
            _ => Err("the sandbox serves filtered_query {query: match_all_query, filter: range_filter on last_modified with from and to}".into()),
        };
    }
    if let Some(term) = query.get("term_query") {
        let on_id = term["fields"] == json!(["id"]) && term["operator"] == "one_of";
        let values = term["values"].as_array().map(|v| {
            v.iter()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect()
        });
        return match (on_id, values) {
            (true, Some(ids)) => Ok(Selection::Ids(ids)),
            _ => Err(
                "the sandbox serves term_query {fields: [id], operator: one_of, values: [...]}"
                    .into(),
            ),
        };
    }
    Err("the sandbox serves match_all_query, filtered_query (range on last_modified) and term_query (ids)".into())
}

/// Removes a product from the catalog, as deleting it in Business Manager would.
async fn remove_product(State(state): State<Shared>, Path(id): Path<String>) -> Response {
    let Ok(mut s) = state.lock() else {
        return json(
            StatusCode::INTERNAL_SERVER_ERROR,
            json!({"error": "state unavailable"}),
        );
    };
    if !s.catalog.remove(&id) {
        return json(
            StatusCode::NOT_FOUND,
            json!({"error": format!("no product {id}")}),
        );
    }
    json(StatusCode::OK, json!({"deleted": id}))
}

/// `200 OK` with `document` cut off halfway, as a connection dropped mid-body leaves it.
pub(super) fn cut_short(document: &Value) -> Response {
    let text = document.to_string();
    let half: String = text.chars().take(text.chars().count() / 2).collect();
    (
        StatusCode::OK,
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        half,
    )
        .into_response()
}

/// Fault injection: `{"fail_next": N, "status": 503}` fails the next N product searches;
/// `{"delay_next": N, "delay_ms": M}` answers the next N searches M ms late;
/// `{"page_faults": [{"start": S, "times": N, "status": 500}, {"start": S, "times": N,
/// "cut_short": true}]}` fails the next N searches of the page at offset S with that status, or
/// answers them `200 OK` with the page cut off halfway; `{"shop_faults": [{"id": P, "times": N,
/// "status": 502}, {"id": P, "times": N, "cut_short": true}]}` does the same to the next N Shop
/// API product calls that name product P; `{"expire_tokens": true}` forgets every issued token,
/// as if they had all expired; `{"fail_orders": N, "status": 503}` fails the next N SCAPI Admin
/// Orders reads. Each call replaces the faults set before.
async fn set_faults(State(state): State<Shared>, body: String) -> Response {
    let Ok(v) = serde_json::from_str::<Value>(&body) else {
        return json(
            StatusCode::BAD_REQUEST,
            json!({"error": "body must be JSON"}),
        );
    };
    let Ok(mut s) = state.lock() else {
        return json(
            StatusCode::INTERNAL_SERVER_ERROR,
            json!({"error": "state unavailable"}),
        );
    };
    s.fail_next = v.get("fail_next").and_then(Value::as_u64).unwrap_or(0) as u32;
    s.fail_status = v.get("status").and_then(Value::as_u64).unwrap_or(503) as u16;
    s.fail_orders = v.get("fail_orders").and_then(Value::as_u64).unwrap_or(0) as u32;
    s.delay_next = v.get("delay_next").and_then(Value::as_u64).unwrap_or(0) as u32;
    s.delay_ms = v.get("delay_ms").and_then(Value::as_u64).unwrap_or(0);
    let page_faults = match v.get("page_faults").map(page_faults) {
        None => Ok(Vec::new()),
        Some(parsed) => parsed,
    };
    let shop_faults = match v.get("shop_faults").map(shop_faults) {
        None => Ok(Vec::new()),
        Some(parsed) => parsed,
    };
    match (page_faults, shop_faults) {
        (Ok(pages), Ok(shop)) => (s.page_faults, s.shop_faults) = (pages, shop),
        (Err(why), _) | (_, Err(why)) => {
            return json(StatusCode::BAD_REQUEST, json!({"error": why}))
        }
    }
    if v.get("expire_tokens") == Some(&Value::Bool(true)) {
        s.tokens.clear();
    }
    json(StatusCode::OK, json!({"status": "ok"}))
}

/// Reads `page_faults`: a list of `{start, times, status | cut_short}`.
fn page_faults(v: &Value) -> Result<Vec<PageFault>, String> {
    let shape = "page_faults must be a list of {\"start\": S, \"times\": N, \"status\": 5xx} or {\"start\": S, \"times\": N, \"cut_short\": true}";
    injected_faults(v, shape, |f| f.get("start").and_then(Value::as_u64))
}

/// Reads `shop_faults`: a list of `{id, times, status | cut_short}`.
fn shop_faults(v: &Value) -> Result<Vec<ShopFault>, String> {
    let shape = "shop_faults must be a list of {\"id\": P, \"times\": N, \"status\": 5xx} or {\"id\": P, \"times\": N, \"cut_short\": true}";
    injected_faults(v, shape, |f| {
        f.get("id").and_then(Value::as_str).map(String::from)
    })
}

/// Reads a list of injected faults, each naming its target as `target` reads it; `shape` says
/// what is expected when one does not fit.
fn injected_faults<K>(
    v: &Value,
    shape: &str,
    target: impl Fn(&Value) -> Option<K>,
) -> Result<Vec<InjectedFault<K>>, String> {
    let list = v.as_array().ok_or(shape)?;
    list.iter()
        .map(|f| {
            let (target, (times, answer)) = target(f).zip(injected_answer(f)).ok_or(shape)?;
            Ok(InjectedFault {
                target,
                times,
                answer,
            })
        })
        .collect()
}

/// The `times` and the answer (`status` or `cut_short`) of one injected fault.
fn injected_answer(f: &Value) -> Option<(u32, PageAnswer)> {
    let times = f.get("times").and_then(Value::as_u64)? as u32;
    let answer = match (f.get("status").and_then(Value::as_u64), f.get("cut_short")) {
        (Some(code), None) => PageAnswer::Status(code as u16),
        (None, Some(Value::Bool(true))) => PageAnswer::CutShort,
        _ => return None,
    };
    Some((times, answer))
}

/// `GET /catalogs/{catalog}/categories?start=&count=`: the category tree, paged, bearer token
/// required.
async fn list_categories(
    State(state): State<Shared>,
    Path(catalog): Path<String>,
    headers: HeaderMap,
    axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> Response {
    let Ok(s) = state.lock() else {
        return fault(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalServerError",
            "state unavailable",
        );
    };
    if let Err(response) = bearer_checked(&s, &headers) {
        return *response;
    }
    if catalog != super::views::STOREFRONT_CATALOG {
        return fault(
            StatusCode::NOT_FOUND,
            "CatalogNotFoundException",
            &format!("no catalog '{catalog}'"),
        );
    }
    let number = |k: &str, d: usize| q.get(k).map_or(Some(d), |v| v.parse().ok());
    let (Some(start), Some(count)) = (number("start", 0), number("count", 25)) else {
        return fault(
            StatusCode::BAD_REQUEST,
            "PropertyValueConstraintViolationException",
            "start and count must be integers",
        );
    };
    if count > 200 {
        return fault(
            StatusCode::BAD_REQUEST,
            "PropertyValueConstraintViolationException",
            "count must be at most 200",
        );
    }
    let all = super::categories::categories();
    let data: Vec<Value> = all.iter().skip(start).take(count).cloned().collect();
    json(
        StatusCode::OK,
        json!({"_v": "24.5", "_type": "category_result", "count": data.len(), "start": start, "total": all.len(), "data": data}),
    )
}

#[cfg(test)]
mod tests {
    use super::super::{routes, CatalogSpec, SfccState};
    use crate::test_support::call;
    use serde_json::{json, Value};
    use std::sync::{Arc, Mutex};

    const SEARCH: &str = "/s/-/dw/data/v24_5/product_search";

    fn router() -> axum::Router {
        let mut state = SfccState::new("c", "s", &CatalogSpec::Sample);
        state.tokens.insert("t".into());
        routes(Arc::new(Mutex::new(state)))
    }

    async fn page(r: &axum::Router, start: u64) -> (u16, String) {
        let body = json!({"query": {"match_all_query": {}}, "start": start, "count": 2});
        let a = call(
            r,
            "POST",
            SEARCH,
            &[("authorization", "Bearer t")],
            &body.to_string(),
        )
        .await;
        (a.status, a.body)
    }

    async fn faults(r: &axum::Router, body: Value) -> u16 {
        call(r, "POST", "/__sandbox/sfcc/faults", &[], &body.to_string())
            .await
            .status
    }

    #[tokio::test]
    async fn a_chosen_page_fails_as_often_as_asked_and_the_others_are_served() {
        let r = router();
        let set = json!({"page_faults": [
            {"start": 2, "times": 2, "status": 500},
            {"start": 4, "times": 1, "cut_short": true}
        ]});
        assert_eq!(faults(&r, set).await, 200);
        assert_eq!(page(&r, 0).await.0, 200, "another page is served");
        for _ in 0..2 {
            let (status, body) = page(&r, 2).await;
            assert_eq!(status, 500);
            assert!(body.contains("injected fault on this page"), "{body}");
        }
        let (status, body) = page(&r, 2).await;
        let served: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
        assert_eq!((status, served["start"].as_u64()), (200, Some(2)));
        // Cut short: a 200 whose JSON ends halfway, then the whole page.
        let (status, body) = page(&r, 4).await;
        assert_eq!(status, 200);
        assert!(serde_json::from_str::<Value>(&body).is_err(), "{body}");
        assert!(body.starts_with(r#"{"#) && body.len() > 20, "{body}");
        let (status, body) = page(&r, 4).await;
        assert_eq!(status, 200);
        assert!(serde_json::from_str::<Value>(&body).is_ok());
    }

    #[tokio::test]
    async fn shop_calls_naming_a_chosen_product_fail_as_often_as_asked() {
        let r = router();
        let set = json!({"shop_faults": [
            {"id": "25518704M", "times": 2, "status": 502},
            {"id": "25604455M", "times": 1, "cut_short": true}
        ]});
        assert_eq!(faults(&r, set).await, 200);
        let shop = |ids: &str| {
            format!("/s/RefArch/dw/shop/v24_5/products/({ids})?currency=USD&client_id=c")
        };
        let get = |ids: &str| {
            let path = shop(ids);
            let r = r.clone();
            async move { call(&r, "GET", &path, &[], "").await }
        };
        for _ in 0..2 {
            let a = get("25604455M,25518704M").await;
            assert_eq!(a.status, 502, "a call naming it among others fails too");
            assert!(a.body.contains("injected fault on this call"), "{}", a.body);
        }
        let a = get("25518704M").await;
        let served: Value = serde_json::from_str(&a.body).unwrap_or(Value::Null);
        assert_eq!((a.status, served["count"].as_u64()), (200, Some(1)));
        let a = get("25518704M,25604455M").await;
        assert_eq!(a.status, 200);
        assert!(
            serde_json::from_str::<Value>(&a.body).is_err(),
            "{}",
            a.body
        );
        let a = get("25518704M,25604455M").await;
        assert!(serde_json::from_str::<Value>(&a.body).is_ok(), "{}", a.body);
    }

    #[tokio::test]
    async fn faults_of_another_shape_are_refused() {
        let r = router();
        for bad in [
            json!({"page_faults": {"start": 2}}),
            json!({"page_faults": [{"start": 2, "times": 1}]}),
            json!({"page_faults": [{"start": 2, "times": 1, "status": 500, "cut_short": true}]}),
            json!({"shop_faults": [{"times": 1, "status": 500}]}),
            json!({"shop_faults": [{"id": "25518704M", "status": 500}]}),
        ] {
            assert_eq!(faults(&r, bad.clone()).await, 400, "{bad}");
        }
    }
}
