//! The computed state of a data layer, as Google's data-layer helper (and so GTM) builds it: each
//! object push is merged into the state, objects and arrays recursively (array elements by
//! index), anything else by overwriting. So `ecommerce: null` clears the ecommerce object, and
//! without it a new `items` array is merged over the previous one element by element.
//!
//! A `gtag('event', …)` call (see [`crate::event::gtag`]) is read on its own, as gtag.js hands
//! each call's parameters to its tags: its state is the GTM push it stands for, and it neither
//! reads nor changes the merged state. Other gtag commands are no events.

use crate::event::gtag::{self, Gtag};
use serde_json::{Map, Value};

pub use crate::event::ECOMMERCE_EVENTS;

/// How a push was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// An object pushed as it is (`dataLayer.push({event: …})`), as GTM reads it.
    Gtm,
    /// A gtag.js call's arguments (`gtag('event', name, params)`).
    Gtag,
}

/// One push with an `event` name, and the computed state GTM's tags read when it fires.
#[derive(Debug, Clone, PartialEq)]
pub struct GaEvent<'a> {
    /// Index of the push in the capture.
    pub index: usize,
    /// The event name (`view_item`, `gtm.js`, …).
    pub name: &'a str,
    /// The push itself.
    pub push: &'a Map<String, Value>,
    /// The computed state right after this push.
    pub state: Map<String, Value>,
    /// For an ecommerce event with no `ecommerce` of its own: the push that set the ecommerce
    /// object it reads, when an earlier ecommerce event already read that same object.
    pub reused_from: Option<usize>,
    /// How the push was written.
    pub form: Form,
}

impl GaEvent<'_> {
    /// The ecommerce object the event's tags see (from the computed state).
    pub fn ecommerce(&self) -> Option<&Map<String, Value>> {
        self.state.get("ecommerce").and_then(Value::as_object)
    }

    /// True for a GA4 ecommerce event.
    pub fn is_ecommerce(&self) -> bool {
        ECOMMERCE_EVENTS.contains(&self.name)
    }

    /// Where a field of the state (`ecommerce.items[0].price`) is in the push as the page wrote
    /// it: the same path for a GTM push, a path into the call's arguments for a gtag call.
    pub fn field_path(&self, path: &str) -> String {
        match self.form {
            Form::Gtm => path.to_string(),
            Form::Gtag => gtag::field_path(path),
        }
    }

    /// True when the push carries its own ecommerce object but the state's differs from it:
    /// data from an earlier push was merged in because nothing cleared it.
    pub fn merged_stale_data(&self) -> bool {
        match self.push.get("ecommerce") {
            Some(own @ Value::Object(_)) => self.state.get("ecommerce") != Some(own),
            _ => false,
        }
    }
}

/// Merges `from` into `into` the way the data-layer helper does.
pub fn merge(into: &mut Map<String, Value>, from: &Map<String, Value>) {
    for (key, value) in from {
        merge_value(into.entry(key.clone()).or_insert(Value::Null), value);
    }
}

fn merge_value(into: &mut Value, from: &Value) {
    match from {
        Value::Object(fields) => {
            if !into.is_object() {
                *into = Value::Object(Map::new());
            }
            if let Value::Object(target) = into {
                merge(target, fields);
            }
        }
        Value::Array(elements) => {
            if !into.is_array() {
                *into = Value::Array(Vec::new());
            }
            if let Value::Array(target) = into {
                for (i, element) in elements.iter().enumerate() {
                    if target.len() <= i {
                        target.resize(i + 1, Value::Null);
                    }
                    merge_value(&mut target[i], element);
                }
            }
        }
        scalar => *into = scalar.clone(),
    }
}

/// Replays the pushes and returns every event with the state after it.
pub fn replay(pushes: &[Value]) -> Vec<GaEvent<'_>> {
    let mut state = Map::new();
    let mut ecommerce_set_at: Option<usize> = None;
    let mut ecommerce_read = false;
    let mut events = Vec::new();
    for (index, push) in pushes.iter().enumerate() {
        let Some(push) = push.as_object() else {
            continue;
        };
        match gtag::read(push) {
            None => {}
            Some(Gtag::Command(_)) => continue,
            Some(Gtag::Event(own)) => {
                if let Some(name) = push.get("1").and_then(Value::as_str) {
                    events.push(GaEvent {
                        index,
                        name,
                        push,
                        state: own,
                        reused_from: None,
                        form: Form::Gtag,
                    });
                }
                continue;
            }
        }
        merge(&mut state, push);
        if push.contains_key("ecommerce") {
            ecommerce_set_at = Some(index);
            ecommerce_read = false;
        }
        let Some(name) = push.get("event").and_then(Value::as_str) else {
            continue;
        };
        let mut event = GaEvent {
            index,
            name,
            push,
            state: state.clone(),
            reused_from: None,
            form: Form::Gtm,
        };
        if event.is_ecommerce() && event.ecommerce().is_some() {
            if ecommerce_read && !push.contains_key("ecommerce") {
                event.reused_from = ecommerce_set_at;
            }
            ecommerce_read = true;
        }
        events.push(event);
    }
    events
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pushes(v: Value) -> Vec<Value> {
        v.as_array().cloned().unwrap_or_default()
    }

    #[test]
    fn later_pushes_merge_into_the_state() {
        let p = pushes(json!([
            {"page_type": "pdp", "user": {"logged_in": false}},
            {"user": {"id": "h1"}, "event": "login"}
        ]));
        let events = replay(&p);
        assert_eq!(
            Value::Object(events[0].state.clone()),
            json!({"page_type": "pdp", "user": {"logged_in": false, "id": "h1"}, "event": "login"})
        );
    }

    #[test]
    fn arrays_merge_by_index_so_stale_items_bleed_without_a_clear() {
        let p = pushes(json!([
            {"event": "view_item_list", "ecommerce": {"items": [{"item_id": "A"}, {"item_id": "B"}]}},
            {"event": "add_to_cart", "ecommerce": {"items": [{"item_id": "C", "quantity": 1}]}}
        ]));
        let events = replay(&p);
        assert_eq!(
            events[1].ecommerce().map(|e| e["items"].clone()),
            Some(json!([{"item_id": "C", "quantity": 1}, {"item_id": "B"}]))
        );
        assert!(events[1].merged_stale_data());
        assert!(!events[0].merged_stale_data());
    }

    #[test]
    fn ecommerce_null_clears_the_previous_object() {
        let p = pushes(json!([
            {"event": "view_item_list", "ecommerce": {"items": [{"item_id": "A"}, {"item_id": "B"}]}},
            {"ecommerce": null},
            {"event": "add_to_cart", "ecommerce": {"items": [{"item_id": "C", "quantity": 1}]}}
        ]));
        let events = replay(&p);
        assert_eq!(events[1].index, 2);
        assert_eq!(
            events[1].ecommerce().map(|e| e["items"].clone()),
            Some(json!([{"item_id": "C", "quantity": 1}]))
        );
        assert!(!events[1].merged_stale_data());
    }

    #[test]
    fn an_event_reading_an_ecommerce_object_already_read_is_marked() {
        let p = pushes(json!([
            {"ecommerce": {"items": [{"item_id": "A"}]}},
            {"event": "view_item"},
            {"event": "scroll"},
            {"event": "add_to_cart"}
        ]));
        let events = replay(&p);
        let reused: Vec<(&str, Option<usize>)> =
            events.iter().map(|e| (e.name, e.reused_from)).collect();
        assert_eq!(
            reused,
            [
                ("view_item", None),
                ("scroll", None),
                ("add_to_cart", Some(0))
            ]
        );
    }

    #[test]
    fn a_gtag_call_is_read_on_its_own_and_leaves_the_merged_state_alone() {
        let p = pushes(json!([
            {"0": "js", "1": {}},
            {"0": "config", "1": "G-XXXX"},
            {"event": "view_item_list", "ecommerce": {"items": [{"item_id": "A"}, {"item_id": "B"}]}},
            {"0": "event", "1": "add_to_cart", "2": {"items": [{"item_id": "C", "quantity": 1}]}},
            {"event": "view_cart"}
        ]));
        let events = replay(&p);
        let seen: Vec<(usize, &str, Form)> =
            events.iter().map(|e| (e.index, e.name, e.form)).collect();
        assert_eq!(
            seen,
            [
                (2, "view_item_list", Form::Gtm),
                (3, "add_to_cart", Form::Gtag),
                (4, "view_cart", Form::Gtm)
            ],
            "gtag commands other than events are no events"
        );
        assert_eq!(
            events[1].ecommerce().map(|e| e["items"].clone()),
            Some(json!([{"item_id": "C", "quantity": 1}])),
            "nothing merged into the call's parameters"
        );
        assert!(!events[1].merged_stale_data());
        assert_eq!(events[1].reused_from, None);
        assert_eq!(
            events[2].reused_from,
            Some(2),
            "the gtag call did not set the data layer's ecommerce object"
        );
        assert_eq!(events[1].field_path("ecommerce.items[0]"), "[2].items[0]");
        assert_eq!(
            events[0].field_path("ecommerce.items[0]"),
            "ecommerce.items[0]"
        );
    }
}
