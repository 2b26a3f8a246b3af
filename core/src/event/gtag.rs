//! Pushes in gtag.js form. The Google tag defines `function gtag(){dataLayer.push(arguments);}`,
//! so each call leaves its `arguments` object in the data layer, which `JSON.stringify` writes as
//! `{"0": "event", "1": "purchase", "2": {…}}`.
//!
//! One reading serves the ingest and the audit: `gtag('event', name, params)` is the GTM push
//! Google's guides pair it with, `{"event": name, "ecommerce": params}` for an ecommerce event
//! and `{"event": name, ...params}` for any other (`search` with its `search_term`). Other
//! commands (`js`, `config`, `set`, `consent`, `get`) are settings, not events; `config` and
//! `set` may name the shop's `user_id`.

use super::ga4::ECOMMERCE_EVENTS;
use serde_json::{Map, Value};

/// What a push in gtag.js form is.
#[derive(Debug, Clone, PartialEq)]
pub enum Gtag<'a> {
    /// `gtag('event', name, params)`, as the GTM push it stands for. Keys the push has besides
    /// the call's arguments (the beacon's `page_id`, `age_ms`, `user_id`) are kept.
    Event(Map<String, Value>),
    /// Any other command, by its name (`config`, `consent`, …).
    Command(&'a str),
}

/// The call's arguments, as `JSON.stringify` names them.
const ARGUMENTS: [&str; 3] = ["0", "1", "2"];

/// The gtag.js call a push is, or `None` for a push in GTM form: a push is a gtag call when its
/// `"0"` is text and it has no `event` of its own (as the beacon tells them apart).
pub fn read(push: &Map<String, Value>) -> Option<Gtag<'_>> {
    if push.get("event").is_some_and(|e| !e.is_null()) {
        return None;
    }
    match push.get("0")?.as_str()? {
        "event" => Some(Gtag::Event(as_gtm_push(push))),
        command => Some(Gtag::Command(command)),
    }
}

/// `gtag('event', name, params)` as its GTM push. A `user_id` among the parameters moves to the
/// top level, where the GTM form has it; a name that is not text is kept for the reader to
/// refuse.
fn as_gtm_push(push: &Map<String, Value>) -> Map<String, Value> {
    let mut out: Map<String, Value> = push
        .iter()
        .filter(|(k, _)| !ARGUMENTS.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let name = push.get("1").cloned().unwrap_or(Value::Null);
    let ecommerce = name.as_str().is_some_and(|n| ECOMMERCE_EVENTS.contains(&n));
    out.insert("event".into(), name);
    match push.get("2") {
        Some(Value::Object(params)) => {
            let mut params = params.clone();
            if let Some(user) = params.remove("user_id") {
                out.entry("user_id").or_insert(user);
            }
            if ecommerce {
                out.insert("ecommerce".into(), Value::Object(params));
            } else {
                for (k, v) in params {
                    out.entry(k).or_insert(v);
                }
            }
        }
        // Not an object: left where the reader of an ecommerce event looks, to be named there.
        Some(other) if ecommerce => {
            out.insert("ecommerce".into(), other.clone());
        }
        _ => {}
    }
    out
}

/// The `user_id` a push sets, in either form and not null (as the beacon reads it): the one in
/// the parameters of `gtag('config', id, {user_id})`, `gtag('set', {user_id})` or an event call,
/// else the push's own.
pub fn user_id(push: &Map<String, Value>) -> Option<&Value> {
    let holder = match read(push) {
        Some(Gtag::Command("set")) => push.get("1").and_then(Value::as_object),
        Some(Gtag::Event(_) | Gtag::Command("config")) => push.get("2").and_then(Value::as_object),
        None | Some(Gtag::Command(_)) => Some(push),
    };
    holder?.get("user_id").filter(|v| !v.is_null())
}

/// Where a field of the GTM push a gtag event stands for sits in the gtag push, as JavaScript
/// reads the call's arguments: `event` is `[1]`, `ecommerce.items[0].price` is
/// `[2].items[0].price`, a top-level parameter such as `search_term` is `[2].search_term`.
pub fn field_path(gtm_path: &str) -> String {
    if gtm_path == "event" {
        return "[1]".into();
    }
    match gtm_path.strip_prefix("ecommerce") {
        Some("") => "[2]".into(),
        Some(rest) if rest.starts_with(['.', '[']) => format!("[2]{rest}"),
        _ => format!("[2].{gtm_path}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn an_ecommerce_event_call_reads_as_the_gtm_push_with_its_parameters_as_ecommerce() {
        let push = obj(json!({"0": "event", "1": "purchase",
            "2": {"transaction_id": "T_12345", "user_id": "0001", "items": [{"item_id": "SKU_12345"}]},
            "page_id": "pg1"}));
        assert_eq!(
            read(&push),
            Some(Gtag::Event(obj(json!({
                "event": "purchase", "user_id": "0001", "page_id": "pg1",
                "ecommerce": {"transaction_id": "T_12345", "items": [{"item_id": "SKU_12345"}]}
            }))))
        );
    }

    #[test]
    fn other_events_keep_their_parameters_at_the_top_level() {
        let push = obj(json!({"0": "event", "1": "search", "2": {"search_term": "t-shirts"}}));
        assert_eq!(
            read(&push),
            Some(Gtag::Event(obj(
                json!({"event": "search", "search_term": "t-shirts"})
            )))
        );
        let no_params = obj(json!({"0": "event", "1": "view_cart"}));
        assert_eq!(
            read(&no_params),
            Some(Gtag::Event(obj(json!({"event": "view_cart"}))))
        );
    }

    #[test]
    fn commands_are_named_and_gtm_pushes_are_not_gtag_calls() {
        for (push, name) in [
            (json!({"0": "js", "1": {}}), "js"),
            (json!({"0": "config", "1": "G-XXXX"}), "config"),
            (
                json!({"0": "consent", "1": "update", "2": {"ad_storage": "granted"}}),
                "consent",
            ),
        ] {
            assert_eq!(read(&obj(push)), Some(Gtag::Command(name)));
        }
        for push in [
            json!({"event": "view_item", "0": "event"}),
            json!({"event": "", "0": "event"}),
            json!({"ecommerce": null}),
            json!({"0": 7}),
        ] {
            assert_eq!(read(&obj(push.clone())), None, "{push}");
        }
    }

    #[test]
    fn the_user_id_is_read_where_each_form_sets_it() {
        for (push, id) in [
            (json!({"user_id": "a"}), Some("a")),
            (
                json!({"0": "config", "1": "G-1", "2": {"user_id": "b"}}),
                Some("b"),
            ),
            (json!({"0": "set", "1": {"user_id": "c"}}), Some("c")),
            (
                json!({"0": "event", "1": "login", "2": {"user_id": "d"}}),
                Some("d"),
            ),
            (
                json!({"0": "set", "1": "user_id", "2": {"user_id": "e"}}),
                None,
            ),
            (
                json!({"0": "consent", "1": "update", "2": {"user_id": "f"}}),
                None,
            ),
            (json!({"user_id": null}), None),
        ] {
            assert_eq!(
                user_id(&obj(push.clone())).and_then(Value::as_str),
                id,
                "{push}"
            );
        }
    }

    #[test]
    fn gtm_paths_become_paths_into_the_calls_arguments() {
        assert_eq!(field_path("event"), "[1]");
        assert_eq!(field_path("ecommerce"), "[2]");
        assert_eq!(field_path("ecommerce.items[0].price"), "[2].items[0].price");
        assert_eq!(field_path("search_term"), "[2].search_term");
        assert_eq!(field_path("ecommerce_id"), "[2].ecommerce_id");
    }
}
