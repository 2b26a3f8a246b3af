//! Checks for `POST /v2/orders` and `POST /v2/customers` objects against the documented fields.

use super::checks::is_attribute_name;
use serde_json::{Map, Value};

/// Latest accepted order `time`: later values are taken for milliseconds, not unix seconds
/// (a sandbox strictness: Clerk would store them as dates far in the future).
pub const MAX_UNIX_SECONDS: i64 = 10_000_000_000;

/// An id as Clerk takes it: a non-empty string or a non-negative integer.
pub fn id_text(v: Option<&Value>) -> Option<String> {
    match v {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        Some(Value::Number(n)) if n.is_u64() => Some(n.to_string()),
        _ => None,
    }
}

fn is_email(v: &Value) -> bool {
    v.as_str().is_some_and(|e| {
        let mut parts = e.split('@');
        matches!((parts.next(), parts.next(), parts.next()), (Some(l), Some(d), None) if !l.is_empty() && d.contains('.'))
            && !e.contains(char::is_whitespace)
    })
}

/// Checks one order line `{id, quantity, price}` (unit price); nothing else is allowed.
fn check_line(line: &Value) -> Result<(), String> {
    let Some(line) = line.as_object() else {
        return Err("every product line must be an object".into());
    };
    let id = id_text(line.get("id")).ok_or("product line without a string or integer `id`")?;
    if let Some(other) = line
        .keys()
        .find(|k| !["id", "quantity", "price"].contains(&k.as_str()))
    {
        return Err(format!("product line {id}: unknown field {other:?}"));
    }
    if line
        .get("quantity")
        .and_then(Value::as_i64)
        .is_none_or(|q| q < 1)
    {
        return Err(format!(
            "product line {id}: `quantity` must be an integer ≥ 1"
        ));
    }
    let price_ok = line
        .get("price")
        .and_then(Value::as_f64)
        .is_some_and(|p| p.is_finite() && p >= 0.0);
    if !price_ok {
        return Err(format!(
            "product line {id}: `price` must be a number ≥ 0 (unit price)"
        ));
    }
    Ok(())
}

/// Checks one order: `id`, `time` (unix seconds), `products` required; `customer`, `email`
/// optional; other attributes need valid names and non-null values.
pub fn check_order(o: &Map<String, Value>) -> Result<(), String> {
    let id = id_text(o.get("id")).ok_or("order without a string or integer `id`")?;
    let fail = |msg: String| Err(format!("order {id}: {msg}"));
    match o.get("time").and_then(Value::as_i64) {
        None => return fail("`time` must be an integer unix timestamp".into()),
        Some(t) if !(0..MAX_UNIX_SECONDS).contains(&t) => {
            return fail(format!("`time` {t} is not unix seconds (milliseconds?)"))
        }
        Some(_) => {}
    }
    let Some(lines) = o
        .get("products")
        .and_then(Value::as_array)
        .filter(|l| !l.is_empty())
    else {
        return fail("`products` must be a non-empty list".into());
    };
    if let Some(Err(e)) = lines.iter().map(check_line).find(Result::is_err) {
        return fail(e);
    }
    for (name, value) in o {
        let ok = match name.as_str() {
            "id" | "time" | "products" => true,
            "customer" => id_text(Some(value)).is_some(),
            "email" => is_email(value),
            _ => is_attribute_name(name) && !value.is_null(),
        };
        if !ok {
            return fail(format!("`{name}` has an invalid value {value}"));
        }
    }
    Ok(())
}

/// Checks one customer: an `id` and/or an `email`; `name`, `zip`, `gender` text, `subscribed` a
/// boolean, `age` an integer; other attributes need valid names and non-null values.
pub fn check_customer(c: &Map<String, Value>) -> Result<(), String> {
    let key = id_text(c.get("id"))
        .or_else(|| c.get("email").and_then(Value::as_str).map(String::from))
        .ok_or("customer without a string or integer `id` or an `email`")?;
    for (name, value) in c {
        let ok = match name.as_str() {
            "id" => id_text(Some(value)).is_some(),
            "email" => is_email(value),
            "name" | "zip" | "gender" => value.is_string(),
            "subscribed" => value.is_boolean(),
            "age" => value.as_i64().is_some_and(|a| a >= 0),
            _ => is_attribute_name(name) && !value.is_null(),
        };
        if !ok {
            return Err(format!(
                "customer {key}: `{name}` has an invalid value {value}"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn orders() {
        let good = json!({"id": "00000101", "time": 1_790_000_000, "customer": "00000001", "email": "a@example.com",
                          "products": [{"id": "25518704M", "quantity": 2, "price": 39.5}], "channel": "web"});
        assert_eq!(check_order(&obj(good)), Ok(()));
        let line = json!([{"id": "P", "quantity": 1, "price": 1.0}]);
        let cases = [
            (
                json!({"time": 1, "products": line}),
                "without a string or integer `id`",
            ),
            (
                json!({"id": "O", "products": line}),
                "`time` must be an integer",
            ),
            (
                json!({"id": "O", "time": "1790000000", "products": line}),
                "`time` must be an integer",
            ),
            (
                json!({"id": "O", "time": 1_790_000_000_000_i64, "products": line}),
                "milliseconds",
            ),
            (
                json!({"id": "O", "time": 1, "products": []}),
                "non-empty list",
            ),
            (
                json!({"id": "O", "time": 1, "products": [{"id": "P", "quantity": 0, "price": 1}]}),
                "`quantity`",
            ),
            (
                json!({"id": "O", "time": 1, "products": [{"id": "P", "quantity": 1, "price": "1"}]}),
                "`price`",
            ),
            (
                json!({"id": "O", "time": 1, "products": [{"id": "P", "quantity": 1, "price": 1, "qty": 1}]}),
                "unknown field",
            ),
            (
                json!({"id": "O", "time": 1, "products": line, "email": "not an email"}),
                "`email`",
            ),
            (
                json!({"id": "O", "time": 1, "products": line, "bad-name": 1}),
                "`bad-name`",
            ),
        ];
        for (order, expected) in cases {
            let err = check_order(&obj(order.clone())).err().unwrap_or_default();
            assert!(err.contains(expected), "{order}: {err:?}");
        }
    }

    #[test]
    fn customers() {
        assert_eq!(
            check_customer(&obj(
                json!({"id": "00000001", "name": "Alice", "subscribed": true})
            )),
            Ok(())
        );
        assert_eq!(
            check_customer(&obj(json!({"email": "b@example.de"}))),
            Ok(())
        );
        let cases = [
            (
                json!({"name": "Nobody"}),
                "without a string or integer `id` or an `email`",
            ),
            (json!({"id": "1", "subscribed": "yes"}), "`subscribed`"),
            (json!({"id": "1", "email": "b@@example"}), "`email`"),
            (json!({"id": "1", "age": 1.5}), "`age`"),
            (json!({"id": "", "email": "x@example.com"}), "`id`"),
        ];
        for (customer, expected) in cases {
            let err = check_customer(&obj(customer.clone()))
                .err()
                .unwrap_or_default();
            assert!(err.contains(expected), "{customer}: {err:?}");
        }
    }
}
