//! `duplicate_event`: the same event with the same payload twice (a warning: often a double
//! tag), and a second `purchase` of one `transaction_id` (an error: revenue counted twice).
//! GTM's own `gtm.*` events are left out, and so are the `gtm.*` keys GTM adds to each push.

use super::pii;
use crate::datalayer::finding::{Code, Finding, Severity};
use crate::datalayer::state::GaEvent;
use serde_json::{Map, Value};

/// The duplicate findings, each at the repeat.
pub fn check(events: &[GaEvent<'_>]) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut payloads: Vec<(Value, usize)> = Vec::new();
    let mut transactions: Vec<(String, usize)> = Vec::new();
    for event in events.iter().filter(|e| !e.name.starts_with("gtm.")) {
        let transaction = (event.name == "purchase")
            .then(|| event.ecommerce()?.get("transaction_id"))
            .flatten()
            .and_then(|t| match t {
                Value::String(s) if !s.is_empty() => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            });
        if let Some(id) = transaction {
            match transactions.iter().find(|(t, _)| *t == id) {
                Some((_, first)) => out.push(repeat(
                    event,
                    Severity::Error,
                    format!(
                        "expected one purchase per transaction_id, found transaction_id {} again (first at push {first})",
                        pii::mask(&id).unwrap_or_else(|| format!("{id:?}"))
                    ),
                )),
                None => transactions.push((id, event.index)),
            }
            continue;
        }
        let payload = payload(event);
        match payloads.iter().find(|(p, _)| *p == payload) {
            Some((_, first)) => out.push(repeat(
                event,
                Severity::Warning,
                format!(
                    "expected `{}` once per payload, found the same payload again (first at push {first})",
                    pii::shown(event.name)
                ),
            )),
            None => payloads.push((payload, event.index)),
        }
    }
    out
}

fn repeat(event: &GaEvent<'_>, severity: Severity, message: String) -> Finding {
    Finding::new(Code::DuplicateEvent, severity, message)
        .at(event.index)
        .field("event")
}

/// The push without GTM's keys, with the ecommerce object the event reads.
fn payload(event: &GaEvent<'_>) -> Value {
    let mut own: Map<String, Value> = event
        .push
        .iter()
        .filter(|(k, _)| !k.starts_with("gtm."))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if let Some(e) = event.state.get("ecommerce") {
        own.insert("ecommerce".into(), e.clone());
    }
    Value::Object(own)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::datalayer::capture::Capture;

    fn dupes(json: &str) -> Vec<(Option<usize>, Severity)> {
        let capture = Capture::parse(json).unwrap();
        check(&capture.events())
            .iter()
            .map(|f| (f.event_index, f.severity))
            .collect()
    }

    #[test]
    fn the_same_payload_twice_is_a_warning() {
        let found = dupes(
            r#"[{"event":"gtm.js"},{"event":"gtm.js"},
                {"event":"add_to_cart","gtm.uniqueEventId":3,"ecommerce":{"items":[{"item_id":"A"}]}},
                {"event":"add_to_cart","gtm.uniqueEventId":4,"ecommerce":{"items":[{"item_id":"A"}]}},
                {"event":"add_to_cart","ecommerce":{"items":[{"item_id":"B"}]}}]"#,
        );
        assert_eq!(found, [(Some(3), Severity::Warning)]);
    }

    #[test]
    fn the_same_event_name_with_other_ecommerce_is_not_a_duplicate() {
        let found = dupes(
            r#"[{"ecommerce":{"items":[{"item_id":"A"}]}},{"event":"view_item"},
                {"ecommerce":null},{"ecommerce":{"items":[{"item_id":"B"}]}},{"event":"view_item"}]"#,
        );
        assert_eq!(found, []);
    }

    #[test]
    fn a_second_purchase_of_a_transaction_is_an_error() {
        let capture = Capture::parse(
            r#"[{"event":"purchase","ecommerce":{"transaction_id":"T1","value":10}},
                {"ecommerce":null},
                {"event":"purchase","ecommerce":{"transaction_id":"T2","value":5}},
                {"ecommerce":null},
                {"event":"purchase","ecommerce":{"transaction_id":"T1","value":12}}]"#,
        )
        .unwrap();
        let found = check(&capture.events());
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].event_index, found[0].severity),
            (Some(4), Severity::Error)
        );
        assert_eq!(
            found[0].message,
            "expected one purchase per transaction_id, found transaction_id \"T1\" again (first at push 0)"
        );
    }
}
