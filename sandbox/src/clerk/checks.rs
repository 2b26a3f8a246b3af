use serde_json::{Map, Value};

/// Checks a Clerk visitor id as documented: letters and digits only, at most 32, or `auto`.
pub fn check_visitor(visitor: &str) -> Result<(), String> {
    if visitor == "auto" {
        return Ok(());
    }
    if visitor.is_empty()
        || visitor.len() > 32
        || !visitor.bytes().all(|b| b.is_ascii_alphanumeric())
    {
        return Err(format!(
            "visitor {visitor:?} must be alphanumeric, at most 32 characters, or \"auto\""
        ));
    }
    Ok(())
}

/// Whether a Clerk attribute name holds only letters, digits and `_`.
pub(super) fn is_attribute_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

fn is_absolute_url(v: &str) -> bool {
    (v.starts_with("https://") || v.starts_with("http://"))
        && v.split("://").nth(1).is_some_and(|r| !r.is_empty())
}

/// Checks one product object of `POST /v2/products` against the documented fields.
pub fn check_product(p: &Map<String, Value>) -> Result<(), String> {
    let id = match p.get("id") {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        Some(Value::Number(n)) if n.is_u64() => n.to_string(),
        _ => return Err("product without a string or integer `id`".into()),
    };
    let fail = |msg: String| Err(format!("product {id}: {msg}"));
    for required in ["name", "price", "url"] {
        if !p.contains_key(required) {
            return fail(format!("`{required}` is required"));
        }
    }
    for (name, value) in p {
        if !is_attribute_name(name) {
            return fail(format!(
                "attribute name {name:?} may hold only letters, digits and _"
            ));
        }
        let ok = match name.as_str() {
            "name" | "description" | "brand" | "sku" => value.is_string(),
            "price" | "list_price" => value.as_f64().is_some_and(|v| v.is_finite() && v >= 0.0),
            "image" | "url" => value.as_str().is_some_and(is_absolute_url),
            "categories" => value
                .as_array()
                .is_some_and(|a| a.iter().all(|c| c.is_string() || c.is_u64())),
            "created_at" | "stock" => value.is_i64(),
            "on_sale" | "index" => value.is_boolean(),
            _ => !value.is_null(),
        };
        if !ok {
            return fail(format!("`{name}` has an invalid value {value}"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn product(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn visitors() {
        assert!(check_visitor("auto").is_ok());
        assert!(check_visitor("3f2504e04f8941d39a0c0305e82c3301").is_ok());
        assert!(check_visitor("3f2504e0-4f89-41d3-9a0c-0305e82c3301").is_err());
        assert!(check_visitor(&"a".repeat(33)).is_err());
        assert!(check_visitor("").is_err());
    }

    #[test]
    fn products() {
        let good = json!({"id": "P1", "name": "N", "price": 1.5, "url": "https://x.example/p", "categories": ["c", 2], "color": "blue"});
        assert!(check_product(&product(good)).is_ok());
        let cases = [
            (
                json!({"name": "N", "price": 1, "url": "https://x.example"}),
                "without a string",
            ),
            (
                json!({"id": "P", "price": 1, "url": "https://x.example"}),
                "`name` is required",
            ),
            (
                json!({"id": "P", "name": "N", "price": "1", "url": "https://x.example"}),
                "`price` has an invalid value",
            ),
            (
                json!({"id": "P", "name": "N", "price": 1, "url": "/p"}),
                "`url` has an invalid value",
            ),
            (
                json!({"id": "P", "name": "N", "price": 1, "url": "https://x.example", "bad-name": 1}),
                "attribute name",
            ),
            (
                json!({"id": "P", "name": "N", "price": 1, "url": "https://x.example", "stock": 1.5}),
                "`stock`",
            ),
        ];
        for (p, expected) in cases {
            let err = check_product(&product(p.clone())).unwrap_err();
            assert!(err.contains(expected), "{p}: {err}");
        }
    }
}
