//! What a dead-lettered message was, in brief, without the shopper data it may carry.

use serde_json::Value;

/// The first eight characters of an id: enough to tell runs apart on a screen.
fn short(id: &str) -> &str {
    id.char_indices().nth(8).map_or(id, |(i, _)| &id[..i])
}

fn event_subject(e: &Value) -> Option<String> {
    let kind = e["kind"].as_str()?;
    let id = e["id"].as_str().unwrap_or("?");
    let products: Vec<&str> = e["products"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["id"].as_str())
        .collect();
    // Never the search query, email, visitor or customer: the page is for operators, not a
    // window on shoppers.
    let what = match (kind, e["category"].as_str(), e["order_id"].as_str()) {
        ("category_view", Some(c), _) => format!("{kind} {c}"),
        ("purchase", _, Some(o)) => format!("{kind} order {o}"),
        _ if !products.is_empty() => format!("{kind} {}", products.join(", ")),
        _ => kind.to_string(),
    };
    Some(format!("{what} (event {id})"))
}

fn job_subject(j: &Value) -> Option<String> {
    let run = j["run_id"].as_str().map(short).unwrap_or("?");
    Some(match j["job"].as_str()? {
        "page" => format!(
            "{} page at {} of run {run}",
            j["mode"].as_str().unwrap_or("?"),
            j["start"].as_u64().unwrap_or(0)
        ),
        "masters" => format!(
            "{} masters of run {run}",
            j["ids"].as_array().map_or(0, Vec::len)
        ),
        "categories" => format!("categories of run {run}"),
        "delete_stale" => format!("stale deletion of run {run}"),
        "customers" => format!("customers from {}", j["start"].as_u64().unwrap_or(0)),
        "orders" => format!("order history from {}", j["from"].as_str().unwrap_or("?")),
        other => format!("{other} job"),
    })
}

/// A line naming a dead letter's message: an event's kind, products (or category, or order) and
/// id; a catalog job's kind, offset and run. `unreadable message` when the payload is neither.
pub fn subject(queue: &str, payload: &str) -> String {
    let v: Value = serde_json::from_str(payload).unwrap_or(Value::Null);
    // Envelopes carry the message in `payload`; the platform's dead letters are envelopes too.
    let inner = v.get("payload").unwrap_or(&v);
    let found = if queue.ends_with("catalog-jobs") {
        job_subject(inner)
    } else {
        event_subject(inner)
    };
    found.unwrap_or_else(|| "unreadable message".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn envelope(payload: Value) -> String {
        json!({"attempt": 8, "last_error": "HTTP 503", "payload": payload}).to_string()
    }

    #[test]
    fn events_are_named_by_kind_products_and_id_never_by_query_or_email() {
        let q = "sfcc-clerk-events";
        assert_eq!(
            subject(
                q,
                &envelope(
                    json!({"id": "ev1", "kind": "add_to_cart", "products": [{"id": "A"}, {"id": "B"}]})
                )
            ),
            "add_to_cart A, B (event ev1)"
        );
        assert_eq!(
            subject(
                q,
                &envelope(json!({"id": "ev2", "kind": "category_view", "category": "mens"}))
            ),
            "category_view mens (event ev2)"
        );
        assert_eq!(
            subject(
                q,
                &envelope(
                    json!({"id": "ev3", "kind": "purchase", "order_id": "O-1", "email": "a@b.c"})
                )
            ),
            "purchase order O-1 (event ev3)"
        );
        let search = subject(
            q,
            &envelope(json!({"id": "ev4", "kind": "search", "query": "jane@example.com"})),
        );
        assert_eq!(search, "search (event ev4)");
        let login = subject(
            q,
            &envelope(
                json!({"id": "ev5", "kind": "login", "email": "jane@example.com", "visitor": "v"}),
            ),
        );
        assert_eq!(login, "login (event ev5)");
    }

    #[test]
    fn catalog_jobs_are_named_by_kind_offset_and_run() {
        let q = "sfcc-clerk-catalog-jobs";
        let page = json!({"job": "page", "store": "us", "run_id": "0123456789abcdef", "mode": "delta", "from": "a", "to": "b", "start": 40, "count": 20});
        assert_eq!(
            subject(q, &envelope(page)),
            "delta page at 40 of run 01234567"
        );
        assert_eq!(
            subject(
                q,
                &envelope(
                    json!({"job": "masters", "store": "us", "run_id": "r", "ids": ["a", "b"]})
                )
            ),
            "2 masters of run r"
        );
        assert_eq!(
            subject(
                q,
                &envelope(json!({"job": "delete_stale", "store": "us", "run_id": "r"}))
            ),
            "stale deletion of run r"
        );
    }

    #[test]
    fn anything_else_is_an_unreadable_message() {
        assert_eq!(
            subject("sfcc-clerk-events", "not json"),
            "unreadable message"
        );
        assert_eq!(
            subject("sfcc-clerk-catalog-jobs", "{}"),
            "unreadable message"
        );
        assert_eq!(subject("sfcc-clerk-events", "[1]"), "unreadable message");
    }
}
