//! `POST /s/-/dw/data/v24_5/customer_lists/{list_id}/customer_search`, the Data API customer
//! search over the customer list [`CUSTOMER_LIST_ID`].
//!
//! Assumed from the OCAPI Data API docs (customer_search_request / customer_search_result):
//! - body `{query, select?, sorts?, start?, count?}`; any other property is a 400
//!   `UnknownPropertyException`; `count` defaults to 25 and is at most 200, and `start + count`
//!   at most 10,000 (Data API 25.6: "should not be more than 10000");
//! - `query` is `match_all_query` or `filtered_query {query: match_all_query, filter: range_filter
//!   {field: "last_modified", from, to}}` (bounds inclusive, compared as OCAPI timestamps);
//! - `sorts` is `[{field, sort_order: "asc" | "desc"}]` on `customer_no`, `email`,
//!   `creation_date` or `last_modified`; the default order is `customer_no` ascending;
//! - the answer is `{_type: "customer_search_result", count, hits: [{_type:
//!   "customer_search_hit", data: customer, relevance}], query, start, total}`; `select` is echoed
//!   back but not applied. Unknown lists answer 404 `CustomerListNotFoundException`.
//!
//! Injected SFCC faults (`/__sandbox/sfcc/faults`) apply to product searches only.

use super::customers::{Customer, CUSTOMER_LIST_ID};
use super::routes::{bearer_checked, fault, parse_selection, record, Shared};
use super::{Selection, OCAPI_VERSION};
use crate::http::json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{json, Map, Value};
use std::cmp::Ordering;

const FIELDS: [&str; 5] = ["query", "select", "sorts", "start", "count"];

/// How deep `customer_search` reads: start + count at most this.
const MAX_DEPTH: u64 = 10_000;
const SORTABLE: [&str; 4] = ["customer_no", "email", "creation_date", "last_modified"];

/// Handles one customer search.
pub async fn customer_search(
    State(state): State<Shared>,
    Path(list_id): Path<String>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let response = answer(&state, &list_id, &headers, &body);
    record(
        &state,
        &format!("POST /s/-/dw/data/{OCAPI_VERSION}/customer_lists/{list_id}/customer_search"),
        response.status(),
    );
    response
}

fn bad(kind: &str, message: &str) -> Response {
    fault(StatusCode::BAD_REQUEST, kind, message)
}

fn answer(state: &Shared, list_id: &str, headers: &HeaderMap, body: &str) -> Response {
    let Ok(s) = state.lock() else {
        return fault(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalServerError",
            "state unavailable",
        );
    };
    if let Err(response) = bearer_checked(&s, headers) {
        return *response;
    }
    if list_id != CUSTOMER_LIST_ID {
        return fault(
            StatusCode::NOT_FOUND,
            "CustomerListNotFoundException",
            &format!("no customer list '{list_id}'"),
        );
    }
    let Ok(Value::Object(req)) = serde_json::from_str::<Value>(body) else {
        return bad("MalformedDocumentException", "body must be a JSON object");
    };
    if let Some(unknown) = req.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return bad(
            "UnknownPropertyException",
            &format!("unknown property '{unknown}' in customer_search request"),
        );
    }
    let selection = match parse_selection(req.get("query")) {
        Ok(Selection::Ids(_)) => {
            return bad(
                "QueryNotSupportedException",
                "the sandbox serves match_all_query and filtered_query (range on last_modified) for customers",
            )
        }
        Ok(sel) => sel,
        Err(why) => return bad("MissingPropertyException", &why),
    };
    let number = |name: &str, default: u64| match req.get(name) {
        None => Some(default),
        Some(v) => v.as_u64(),
    };
    let (Some(start), Some(count)) = (number("start", 0), number("count", 25)) else {
        return bad(
            "PropertyValueConstraintViolationException",
            "start and count must be integers ≥ 0",
        );
    };
    if count > 200 {
        return bad(
            "PropertyValueConstraintViolationException",
            "count must be at most 200",
        );
    }
    // Data API customer_search: "The sum of the values of the start and count parameters
    // should not be more than 10000." The fault a live instance answers with is not documented.
    if start + count > MAX_DEPTH {
        return bad(
            "PropertyValueConstraintViolationException",
            &format!("start + count must be at most {MAX_DEPTH}"),
        );
    }
    let sorts = match parse_sorts(req.get("sorts")) {
        Ok(sorts) => sorts,
        Err(why) => return bad("PropertyValueConstraintViolationException", &why),
    };
    let mut selected: Vec<&Customer> = s
        .customers
        .iter()
        .filter(|c| match &selection {
            Selection::ModifiedBetween(from, to) => {
                from.as_str() <= c.last_modified.as_str() && c.last_modified.as_str() <= to.as_str()
            }
            _ => true,
        })
        .collect();
    selected.sort_by(|a, b| compare(a, b, &sorts));
    let total = selected.len();
    let hits: Vec<Value> = selected
        .iter()
        .skip(start as usize)
        .take(count as usize)
        .map(|c| json!({"_type": "customer_search_hit", "data": c.document(), "relevance": 1.0}))
        .collect();
    let mut result = json!({
        "_v": "24.5", "_type": "customer_search_result", "count": hits.len(), "hits": hits,
        "query": req.get("query"), "start": start, "total": total
    });
    if let Some(select) = req.get("select") {
        result["select"] = select.clone();
    }
    json(StatusCode::OK, result)
}

/// `(field, descending)` pairs; `customer_no` ascending when none are given.
fn parse_sorts(sorts: Option<&Value>) -> Result<Vec<(String, bool)>, String> {
    let Some(sorts) = sorts else {
        return Ok(vec![("customer_no".into(), false)]);
    };
    let list = sorts.as_array().ok_or("sorts must be a list")?;
    list.iter()
        .map(|sort| {
            let sort: &Map<String, Value> =
                sort.as_object().ok_or("every sort must be an object")?;
            let field = sort
                .get("field")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if !SORTABLE.contains(&field) {
                return Err(format!(
                    "cannot sort customers on '{field}'; use one of {SORTABLE:?}"
                ));
            }
            let descending = match sort.get("sort_order").and_then(Value::as_str) {
                None | Some("asc") => false,
                Some("desc") => true,
                Some(other) => return Err(format!("sort_order '{other}' must be asc or desc")),
            };
            Ok((field.to_string(), descending))
        })
        .collect()
}

fn compare(a: &Customer, b: &Customer, sorts: &[(String, bool)]) -> Ordering {
    let key = |c: &Customer, field: &str| -> String {
        match field {
            "email" => c.email.clone(),
            "creation_date" => c.creation_date.clone(),
            "last_modified" => c.last_modified.clone(),
            _ => c.customer_no.clone(),
        }
    };
    sorts
        .iter()
        .map(|(field, desc)| {
            let order = key(a, field).cmp(&key(b, field));
            if *desc {
                order.reverse()
            } else {
                order
            }
        })
        .find(|o| o.is_ne())
        .unwrap_or(Ordering::Equal)
}

#[cfg(test)]
mod tests {
    use super::super::{routes, CatalogSpec, SfccState};
    use crate::test_support::call;
    use serde_json::{json, Value};
    use std::sync::{Arc, Mutex};

    const URI: &str = "/s/-/dw/data/v24_5/customer_lists/RefArch/customer_search";

    fn router() -> axum::Router {
        let mut state = SfccState::new("c", "s", &CatalogSpec::Sample);
        state.tokens.insert("t".into());
        routes(Arc::new(Mutex::new(state)))
    }

    async fn search(router: &axum::Router, uri: &str, auth: &str, body: Value) -> (u16, Value) {
        let a = call(
            router,
            "POST",
            uri,
            &[("authorization", auth)],
            &body.to_string(),
        )
        .await;
        assert_eq!(
            a.headers.get("content-type").and_then(|v| v.to_str().ok()),
            Some("application/json")
        );
        (a.status, a.json())
    }

    fn numbers(page: &Value) -> Vec<&str> {
        page["hits"]
            .as_array()
            .map(|h| {
                h.iter()
                    .filter_map(|h| h["data"]["customer_no"].as_str())
                    .collect()
            })
            .unwrap_or_default()
    }

    #[tokio::test]
    async fn pages_sorts_and_filters() {
        let r = router();
        let all = json!({"match_all_query": {}});
        let (status, page) = search(
            &r,
            URI,
            "Bearer t",
            json!({"query": all, "start": 1, "count": 1}),
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(
            (
                page["count"].as_u64(),
                page["start"].as_u64(),
                page["total"].as_u64()
            ),
            (Some(1), Some(1), Some(3))
        );
        assert_eq!(numbers(&page), ["00000002"]);
        assert_eq!(page["hits"][0]["data"]["email"], "bruno.kunde@example.de");
        assert!(page["hits"][0]["data"].get("password").is_none());
        let (_, last) = search(
            &r,
            URI,
            "Bearer t",
            json!({"query": all, "start": 2, "count": 5}),
        )
        .await;
        assert_eq!(numbers(&last), ["00000003"]);
        let desc =
            json!({"query": all, "sorts": [{"field": "last_modified", "sort_order": "desc"}]});
        assert_eq!(
            numbers(&search(&r, URI, "Bearer t", desc).await.1),
            ["00000003", "00000002", "00000001"]
        );
        let window = json!({"query": {"filtered_query": {"query": {"match_all_query": {}},
            "filter": {"range_filter": {"field": "last_modified", "from": "2026-11-01T00:00:00.000Z", "to": "2026-11-05T00:00:00.000Z"}}}}});
        let (_, page) = search(&r, URI, "Bearer t", window).await;
        assert_eq!(
            (numbers(&page), page["total"].as_u64()),
            (vec!["00000002"], Some(1))
        );
    }

    #[tokio::test]
    async fn refuses_bad_calls() {
        let r = router();
        let all = json!({"match_all_query": {}});
        assert_eq!(
            search(&r, URI, "Bearer nope", json!({"query": all}))
                .await
                .0,
            401
        );
        let other = URI.replace("RefArch", "Other");
        assert_eq!(
            search(&r, &other, "Bearer t", json!({"query": all}))
                .await
                .0,
            404
        );
        for (body, kind) in [
            (
                json!({"query": all, "count": 201}),
                "PropertyValueConstraintViolationException",
            ),
            (
                json!({"query": all, "start": 9_900, "count": 101}),
                "PropertyValueConstraintViolationException",
            ),
            (
                json!({"query": all, "bogus": 1}),
                "UnknownPropertyException",
            ),
            (json!({"select": "(**)"}), "MissingPropertyException"),
            (
                json!({"query": all, "sorts": [{"field": "password"}]}),
                "PropertyValueConstraintViolationException",
            ),
            (
                json!({"query": {"term_query": {"fields": ["id"], "operator": "one_of", "values": ["1"]}}}),
                "QueryNotSupportedException",
            ),
        ] {
            let (status, answer) = search(&r, URI, "Bearer t", body.clone()).await;
            assert_eq!(
                (status, answer["fault"]["type"].as_str()),
                (400, Some(kind)),
                "{body}"
            );
        }
    }
}
