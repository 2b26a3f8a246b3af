//! `POST /v2/orders` and `POST /v2/customers`: the shop's order history and customers, checked and
//! stored per store (read back under `/__sandbox/clerk/stores/{key}`).

use super::history_checks::{check_customer, check_order, id_text};
use super::routes::{authorized_write, clerk_error, ok, write, Shared};
use super::{ClerkState, ClerkStore};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Handles `POST /v2/orders {key, private_key, orders: [...]}`.
pub async fn upsert_orders(State(state): State<Shared>, body: String) -> Response {
    write(&state, "POST /v2/orders", &body, |s, body| {
        apply_list(s, body, &ORDERS)
    })
    .await
}

/// Handles `POST /v2/customers {key, private_key, customers: [...]}`.
pub async fn upsert_customers(State(state): State<Shared>, body: String) -> Response {
    write(&state, "POST /v2/customers", &body, |s, body| {
        apply_list(s, body, &CUSTOMERS)
    })
    .await
}

/// One kind of list a write call carries.
struct Kind {
    list: &'static str,
    check: fn(&Map<String, Value>) -> Result<(), String>,
    key: fn(&Map<String, Value>) -> Option<String>,
    stored: fn(&mut ClerkStore) -> &mut BTreeMap<String, Value>,
}

const ORDERS: Kind = Kind {
    list: "orders",
    check: check_order,
    key: |o| id_text(o.get("id")),
    stored: |store| &mut store.orders,
};

const CUSTOMERS: Kind = Kind {
    list: "customers",
    check: check_customer,
    key: |c| {
        id_text(c.get("id")).or_else(|| c.get("email").and_then(Value::as_str).map(String::from))
    },
    stored: |store| &mut store.customers,
};

/// Checks every object of the list and stores them all by key, or none.
fn apply_list(s: &mut ClerkState, body: &str, kind: &Kind) -> Response {
    let (key, items) = match authorized_write(s, body, kind.list) {
        Ok(v) => v,
        Err(response) => return *response,
    };
    let bad = |message: &str| clerk_error(StatusCode::BAD_REQUEST, "ParsingError", message);
    let Some(items) = items.as_array() else {
        return bad(&format!("`{}` must be a list", kind.list));
    };
    let mut checked = Vec::with_capacity(items.len());
    for item in items {
        let Some(obj) = item.as_object() else {
            return bad(&format!("every item of `{}` must be an object", kind.list));
        };
        if let Err(e) = (kind.check)(obj) {
            return bad(&e);
        }
        if let Some(id) = (kind.key)(obj) {
            checked.push((id, item.clone()));
        }
    }
    (kind.stored)(s.stores.entry(key).or_default()).extend(checked);
    ok()
}

#[cfg(test)]
mod tests {
    use super::super::{routes, ClerkState};
    use crate::test_support::call;
    use serde_json::{json, Value};
    use std::sync::{Arc, Mutex};

    fn router() -> axum::Router {
        let stores = [("pub".to_string(), "priv".to_string())];
        routes(Arc::new(Mutex::new(ClerkState::new(&stores))))
    }

    async fn post(r: &axum::Router, path: &str, body: Value) -> (u16, Value) {
        let a = call(
            r,
            "POST",
            path,
            &[("content-type", "application/json")],
            &body.to_string(),
        )
        .await;
        (a.status, a.json())
    }

    #[tokio::test]
    async fn stores_good_orders_and_customers_and_reads_them_back() {
        let r = router();
        let order = json!({"id": "00000101", "time": 1_790_000_000, "customer": "00000001",
                           "products": [{"id": "25518704M", "quantity": 2, "price": 39.5}]});
        let answer = post(
            &r,
            "/v2/orders",
            json!({"key": "pub", "private_key": "priv", "orders": [order]}),
        )
        .await;
        assert_eq!(answer, (200, json!({"status": "ok"})));
        let customer = json!({"id": "00000001", "name": "Alice Shopper", "email": "alice.shopper@example.com", "subscribed": true});
        let answer = post(
            &r,
            "/v2/customers",
            json!({"key": "pub", "private_key": "priv", "customers": [customer]}),
        )
        .await;
        assert_eq!(answer.0, 200);
        let store = call(&r, "GET", "/__sandbox/clerk/stores/pub", &[], "")
            .await
            .json();
        assert_eq!(store["orders"]["00000101"]["products"][0]["quantity"], 2);
        assert_eq!(store["customers"]["00000001"]["subscribed"], true);
    }

    #[tokio::test]
    async fn refuses_bad_writes_with_a_message_and_stores_none_of_them() {
        let r = router();
        let good =
            json!({"id": "1", "time": 1, "products": [{"id": "P", "quantity": 1, "price": 1}]});
        let bad = json!({"id": "2", "time": 1, "products": [{"id": "P", "quantity": 1}]});
        let cases = [
            (
                "/v2/orders",
                json!({"key": "pub", "private_key": "priv", "orders": [good, bad]}),
                400,
                "ParsingError",
                "`price`",
            ),
            (
                "/v2/orders",
                json!({"key": "pub", "private_key": "priv", "orders": {"id": "1"}}),
                400,
                "ParsingError",
                "must be a list",
            ),
            (
                "/v2/orders",
                json!({"key": "pub", "private_key": "wrong", "orders": []}),
                403,
                "AuthenticationError",
                "invalid key",
            ),
            (
                "/v2/customers",
                json!({"key": "pub", "private_key": "priv", "customers": [{"name": "x"}]}),
                400,
                "ParsingError",
                "without",
            ),
            (
                "/v2/customers",
                json!({"key": "pub", "private_key": "priv", "customers": [], "extra": 1}),
                400,
                "ParsingError",
                "unknown argument",
            ),
        ];
        for (path, body, status, kind, message) in cases {
            let (got, answer) = post(&r, path, body.clone()).await;
            assert_eq!(
                (got, answer["status"].as_str(), answer["type"].as_str()),
                (status, Some("error"), Some(kind)),
                "{body}"
            );
            assert!(
                answer["message"]
                    .as_str()
                    .is_some_and(|m| m.contains(message)),
                "{body}: {answer}"
            );
        }
        let store = call(&r, "GET", "/__sandbox/clerk/stores/pub", &[], "")
            .await
            .json();
        assert_eq!(
            (
                store["orders"].as_object().map(|o| o.len()),
                store["customers"].as_object().map(|c| c.len())
            ),
            (Some(0), Some(0))
        );
    }

    #[tokio::test]
    async fn injected_faults_apply_to_order_writes() {
        let r = router();
        let faults = call(
            &r,
            "POST",
            "/__sandbox/clerk/faults",
            &[],
            r#"{"fail_next": 1, "status": 503}"#,
        )
        .await;
        assert_eq!(faults.status, 200);
        let body = json!({"key": "pub", "private_key": "priv", "orders": []});
        assert_eq!(post(&r, "/v2/orders", body.clone()).await.0, 503);
        assert_eq!(post(&r, "/v2/orders", body).await.0, 200);
    }

    #[tokio::test]
    async fn faults_for_one_store_leave_the_others_alone() {
        let stores = [
            ("pub".to_string(), "priv".to_string()),
            ("pub2".to_string(), "priv2".to_string()),
        ];
        let r = routes(Arc::new(Mutex::new(ClerkState::new(&stores))));
        let faults = call(
            &r,
            "POST",
            "/__sandbox/clerk/faults",
            &[],
            r#"{"down_ms": 60000, "status": 503, "only_key": "pub2"}"#,
        )
        .await;
        assert_eq!(faults.status, 200);
        let body =
            |key: &str, private: &str| json!({"key": key, "private_key": private, "orders": []});
        assert_eq!(post(&r, "/v2/orders", body("pub", "priv")).await.0, 200);
        assert_eq!(post(&r, "/v2/orders", body("pub2", "priv2")).await.0, 503);
        let track = |key: &str| format!("/v2/log/product?key={key}&product=P&visitor=auto");
        assert_eq!(call(&r, "GET", &track("pub"), &[], "").await.status, 200);
        assert_eq!(call(&r, "GET", &track("pub2"), &[], "").await.status, 503);
    }
}
