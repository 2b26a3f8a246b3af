//! `DELETE /v2/customers` and `POST /v2/privacy/forget`, as Clerk's reference documents them
//! (docs.clerk.io/reference, "Customers" and "Privacy"): the delete takes its keys and a JSON list
//! of customer ids in the query string (a body is refused, as for products); forget takes
//! `{key, private_key}` with an `email`, a `customer` or a `visitor` and answers
//! `{"status": "ok"}`. The stand-in forgets what it holds: the customer records of that id or
//! email, and the email on that shopper's orders (Clerk's help page: orders stay, without the
//! email); tracking calls are not rewritten.

use super::routes::{authorized_write, clerk_error, ok, query_delete, write, Shared};
use super::ClerkState;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;
use std::collections::BTreeMap;

/// Handles `DELETE /v2/customers?key=…&private_key=…&customers=["id",…]`.
pub async fn delete_customers(
    State(state): State<Shared>,
    Query(params): Query<BTreeMap<String, String>>,
    body: String,
) -> Response {
    match query_delete(&params, &body, "customers") {
        Ok(request) => write(&state, "DELETE /v2/customers", &request, apply_delete).await,
        Err(refused) => *refused,
    }
}

fn apply_delete(s: &mut ClerkState, body: &str) -> Response {
    let (key, ids) = match authorized_write(s, body, "customers") {
        Ok(v) => v,
        Err(response) => return *response,
    };
    let ids: Option<Vec<String>> = ids
        .as_array()
        .and_then(|a| a.iter().map(|id| id.as_str().map(String::from)).collect());
    let Some(ids) = ids else {
        return clerk_error(
            StatusCode::BAD_REQUEST,
            "ParsingError",
            "`customers` must be a list of customer ids",
        );
    };
    let store = s.stores.entry(key).or_default();
    for id in ids {
        store.customers.remove(&id);
    }
    ok()
}

/// Handles `POST /v2/privacy/forget {key, private_key, email?, customer?, visitor?}`.
pub async fn forget(State(state): State<Shared>, body: String) -> Response {
    write(&state, "POST /v2/privacy/forget", &body, apply_forget).await
}

fn apply_forget(s: &mut ClerkState, body: &str) -> Response {
    let bad = |m: &str| clerk_error(StatusCode::BAD_REQUEST, "ParsingError", m);
    let Ok(Value::Object(mut req)) = serde_json::from_str::<Value>(body) else {
        return bad("body must be a JSON object");
    };
    let mut whom = serde_json::Map::new();
    for field in ["email", "customer", "visitor"] {
        match req.remove(field) {
            None => {}
            Some(Value::String(v)) if !v.trim().is_empty() => {
                whom.insert(field.into(), v.into());
            }
            Some(_) => return bad(&format!("`{field}` must be a non-empty string")),
        }
    }
    if whom.is_empty() {
        return bad("name an email, a customer or a visitor to forget");
    }
    // The keys are checked as on every write; `whom` stands in for a write's list.
    req.insert("whom".into(), Value::Object(whom));
    let (key, whom) = match authorized_write(s, &Value::Object(req).to_string(), "whom") {
        Ok(v) => v,
        Err(response) => return *response,
    };
    let (email, customer) = (whom["email"].as_str(), whom["customer"].as_str());
    let store = s.stores.entry(key).or_default();
    store.customers.retain(|id, c| {
        Some(id.as_str()) != customer && (email.is_none() || c["email"].as_str() != email)
    });
    for order in store.orders.values_mut() {
        let theirs = (email.is_some() && order["email"].as_str() == email)
            || (customer.is_some() && order["customer"].as_str() == customer);
        if let (true, Some(fields)) = (theirs, order.as_object_mut()) {
            fields.remove("email");
        }
    }
    ok()
}

#[cfg(test)]
mod tests {
    use super::super::{routes, ClerkState};
    use crate::test_support::call;
    use serde_json::{json, Value};
    use std::sync::{Arc, Mutex};

    #[tokio::test]
    async fn deleting_and_forgetting_a_customer_removes_what_clerk_holds_of_them() {
        let stores = [("pub".to_string(), "priv".to_string())];
        let r = routes(Arc::new(Mutex::new(ClerkState::new(&stores))));
        let post = |path: &str, body: Value| {
            let r = r.clone();
            let path = path.to_string();
            async move {
                let a = call(
                    &r,
                    "POST",
                    &path,
                    &[("content-type", "application/json")],
                    &body.to_string(),
                )
                .await;
                (a.status, a.json())
            }
        };
        let customers = json!([
            {"id": "00000001", "email": "ann@example.com", "subscribed": true},
            {"id": "00000002", "email": "bob@example.com", "subscribed": false}
        ]);
        let keys = |extra: Value| {
            let mut body = json!({"key": "pub", "private_key": "priv"});
            for (k, v) in extra.as_object().cloned().unwrap_or_default() {
                body[k] = v;
            }
            body
        };
        assert_eq!(
            post("/v2/customers", keys(json!({"customers": customers})))
                .await
                .0,
            200
        );
        let order = json!({"id": "o1", "time": 1, "customer": "00000001", "email": "ann@example.com",
            "products": [{"id": "P1", "quantity": 1, "price": 5.0}]});
        assert_eq!(
            post("/v2/orders", keys(json!({"orders": [order]}))).await.0,
            200
        );
        // The delete takes everything in the query string.
        let with_body = call(
            &r,
            "DELETE",
            "/v2/customers?key=pub&private_key=priv&customers=%5B%2200000002%22%5D",
            &[],
            "{}",
        )
        .await;
        assert_eq!(with_body.status, 400);
        let wrong_key = call(
            &r,
            "DELETE",
            "/v2/customers?key=pub&private_key=x&customers=%5B%2200000002%22%5D",
            &[],
            "",
        )
        .await;
        assert_eq!(wrong_key.status, 403);
        let deleted = call(
            &r,
            "DELETE",
            "/v2/customers?key=pub&private_key=priv&customers=%5B%2200000002%22%5D",
            &[],
            "",
        )
        .await;
        assert_eq!(deleted.status, 200);
        assert_eq!(post("/v2/privacy/forget", keys(json!({}))).await.0, 400);
        assert_eq!(
            post(
                "/v2/privacy/forget",
                keys(json!({"name": "x", "email": "a@b.c"}))
            )
            .await
            .0,
            400
        );
        let forgot = post(
            "/v2/privacy/forget",
            keys(json!({"email": "ann@example.com"})),
        )
        .await;
        assert_eq!(forgot, (200, json!({"status": "ok"})));
        let store = call(&r, "GET", "/__sandbox/clerk/stores/pub", &[], "")
            .await
            .json();
        assert_eq!(store["customers"], json!({}));
        assert_eq!(store["orders"]["o1"]["email"], Value::Null);
        assert_eq!(
            store["orders"]["o1"]["customer"], "00000001",
            "the order stays"
        );
    }
}
