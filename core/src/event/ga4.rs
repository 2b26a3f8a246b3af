//! GA4 ecommerce pushes (what a storefront's `dataLayer` holds, forwarded by the injected beacon)
//! in the connector's own event shape, so both capture paths meet in one normalizer.

use serde_json::{json, Map, Value};

/// GA4 ecommerce events the beacon forwards. Those without a Clerk counterpart are accepted and
/// left out (see [`translate`]).
pub const GA4_EVENTS: [&str; 10] = [
    "view_item",
    "view_item_list",
    "search",
    "select_item",
    "add_to_cart",
    "remove_from_cart",
    "view_cart",
    "begin_checkout",
    "purchase",
    "add_payment_info",
];

/// The GA4 ecommerce events: each reads the `ecommerce` object of the data layer (GTM form), or
/// the parameters of its `gtag('event', …)` call.
pub const ECOMMERCE_EVENTS: [&str; 14] = [
    "view_item_list",
    "select_item",
    "view_item",
    "add_to_cart",
    "remove_from_cart",
    "view_cart",
    "begin_checkout",
    "add_shipping_info",
    "add_payment_info",
    "purchase",
    "refund",
    "add_to_wishlist",
    "view_promotion",
    "select_promotion",
];

fn items(obj: &Map<String, Value>) -> Result<&Vec<Value>, String> {
    obj.get("ecommerce")
        .and_then(|e| e.get("items"))
        .and_then(Value::as_array)
        .filter(|items| !items.is_empty())
        .ok_or_else(|| "ecommerce.items must be a non-empty array".to_string())
}

fn item_id(item: &Value) -> Result<Value, String> {
    match item.get("item_id") {
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(json!(s)),
        Some(Value::Number(n)) => Ok(json!(n.to_string())),
        _ => Err("item_id must be a non-empty string".into()),
    }
}

/// A GA4 push as a native event object (`type`, `product`, …), `None` for a GA4 event Clerk has
/// no call for (cart views, checkout steps, list clicks that Clerk did not show), or an
/// error naming what is wrong. `time`, `age_ms` (how long ago the page saw it) and `page_id` are
/// carried over, and `user_id` becomes `customer`.
pub fn translate(obj: &Map<String, Value>) -> Result<Option<Map<String, Value>>, String> {
    let name = obj
        .get("event")
        .and_then(Value::as_str)
        .ok_or("field `event` must be a string")?;
    let ecommerce = obj.get("ecommerce");
    let mut out = Map::new();
    match name {
        "view_item" => {
            out.insert("type".into(), json!("product_view"));
            out.insert("product".into(), item_id(&items(obj)?[0])?);
        }
        "view_item_list" => {
            // A search result list is the search's, not a category's.
            let Some(list) = ecommerce
                .and_then(|e| e.get("item_list_id"))
                .and_then(Value::as_str)
                .filter(|l| !l.trim().is_empty() && !l.starts_with("search"))
            else {
                return Ok(None);
            };
            out.insert("type".into(), json!("category_view"));
            out.insert("category".into(), json!(list));
        }
        "search" => {
            out.insert("type".into(), json!("search"));
            out.insert(
                "query".into(),
                obj.get("search_term")
                    .cloned()
                    .ok_or("search_term is required for search")?,
            );
        }
        // Every item of the push (a set, a bundle): the normalizer makes one event of each.
        "add_to_cart" | "remove_from_cart" => {
            let lines = items(obj)?
                .iter()
                .map(|i| {
                    let mut line = Map::new();
                    line.insert("id".into(), item_id(i)?);
                    if let Some(q) = i.get("quantity") {
                        line.insert("quantity".into(), q.clone());
                    }
                    Ok(Value::Object(line))
                })
                .collect::<Result<Vec<_>, String>>()?;
            out.insert("type".into(), json!(name));
            out.insert("products".into(), Value::Array(lines));
        }
        "purchase" => {
            let order = ecommerce
                .and_then(|e| e.get("transaction_id"))
                .and_then(|t| match t {
                    Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                })
                .ok_or("ecommerce.transaction_id is required for purchase")?;
            let lines = items(obj)?
                .iter()
                .map(|i| {
                    Ok(json!({
                        "id": item_id(i)?,
                        "price": i.get("price").cloned().unwrap_or(Value::Null),
                        "quantity": i.get("quantity").cloned().unwrap_or(json!(1)),
                    }))
                })
                .collect::<Result<Vec<_>, String>>()?;
            out.insert("type".into(), json!("purchase"));
            out.insert("order_id".into(), json!(order));
            out.insert("products".into(), json!(lines));
        }
        other if GA4_EVENTS.contains(&other) => return Ok(None),
        other => {
            return Err(format!(
                "unknown GA4 event {other:?}; forwarded ones: {}",
                GA4_EVENTS.join(", ")
            ))
        }
    }
    if let Some(currency) = ecommerce.and_then(|e| e.get("currency")) {
        out.insert("currency".into(), currency.clone());
    }
    for key in ["time", "age_ms", "page_id"] {
        if let Some(v) = obj.get(key) {
            out.insert(key.into(), v.clone());
        }
    }
    // GA4's `user_id` is the shop's own customer id (SFCC's customer number).
    if let Some(v) = obj.get("user_id") {
        out.insert("customer".into(), v.clone());
    }
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(v: Value) -> Result<Option<Value>, String> {
        translate(v.as_object().unwrap()).map(|o| o.map(Value::Object))
    }

    #[test]
    fn a_held_push_keeps_its_age_and_the_shops_user_id_becomes_the_customer() {
        assert_eq!(
            t(json!({"event": "search", "search_term": "x", "age_ms": 900, "user_id": "00000001"})),
            Ok(Some(
                json!({"type": "search", "query": "x", "age_ms": 900, "customer": "00000001"})
            ))
        );
    }

    #[test]
    fn ecommerce_events_become_native_ones() {
        assert_eq!(
            t(
                json!({"event": "view_item", "page_id": "p1", "time": 5, "ecommerce": {"currency": "USD", "items": [{"item_id": "A", "price": 1.5}]}})
            ),
            Ok(Some(
                json!({"type": "product_view", "product": "A", "currency": "USD", "page_id": "p1", "time": 5})
            ))
        );
        assert_eq!(
            t(
                json!({"event": "view_item_list", "ecommerce": {"item_list_id": "mens", "items": []}})
            ),
            Ok(Some(json!({"type": "category_view", "category": "mens"})))
        );
        assert_eq!(
            t(json!({"event": "view_item_list", "ecommerce": {"item_list_id": "search_results"}})),
            Ok(None)
        );
        assert_eq!(
            t(json!({"event": "search", "search_term": "shirt"})),
            Ok(Some(json!({"type": "search", "query": "shirt"})))
        );
        assert_eq!(
            t(
                json!({"event": "add_to_cart", "ecommerce": {"items": [{"item_id": 42, "quantity": 2}, {"item_id": "B"}]}})
            ),
            Ok(Some(
                json!({"type": "add_to_cart", "products": [{"id": "42", "quantity": 2}, {"id": "B"}]})
            )),
            "every item"
        );
        assert_eq!(
            t(
                json!({"event": "remove_from_cart", "ecommerce": {"items": [{"item_id": "SKU_12345", "quantity": 3}]}})
            ),
            Ok(Some(
                json!({"type": "remove_from_cart", "products": [{"id": "SKU_12345", "quantity": 3}]})
            ))
        );
        assert_eq!(
            t(
                json!({"event": "purchase", "ecommerce": {"transaction_id": "O1", "currency": "EUR", "items": [{"item_id": "A", "price": 3.0, "quantity": 2}]}})
            ),
            Ok(Some(
                json!({"type": "purchase", "order_id": "O1", "currency": "EUR", "products": [{"id": "A", "price": 3.0, "quantity": 2}]})
            ))
        );
        assert_eq!(t(json!({"event": "view_cart", "ecommerce": {}})), Ok(None));
    }

    #[test]
    fn broken_pushes_are_named() {
        assert!(t(json!({"event": "view_item", "ecommerce": {"items": []}}))
            .unwrap_err()
            .contains("items"));
        assert!(
            t(json!({"event": "purchase", "ecommerce": {"items": [{"item_id": "A"}]}}))
                .unwrap_err()
                .contains("transaction_id")
        );
        assert!(t(json!({"event": "gtm.js"}))
            .unwrap_err()
            .contains("unknown GA4 event"));
        assert!(t(json!({"event": 7})).is_err());
    }
}
