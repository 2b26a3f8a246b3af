//! Which event id each ecommerce push of the page becomes at the worker, worked out with the
//! worker's own normalizer, exactly as the page's beacon sends the push: a copy tagged with the
//! page id, carrying the last `user_id` an earlier push set when it has none of its own.

use crate::datalayer::Capture;
use crate::event::gtag::{self, Gtag};
use crate::event::{normalize, EventError, EventKind, IngestContext, Source, GA4_EVENTS};
use serde_json::Value;

/// An ecommerce push the page's beacon forwards, and what the worker makes of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    /// Index of the push in the data layer.
    pub push: usize,
    /// Its GA4 event name.
    pub event: String,
    /// Where the push holds that name: `event`, or `[1]` in a gtag call.
    pub field: String,
    /// The event it becomes — id, type and what it is about (product, category, query, order)
    /// — or why the worker refuses it.
    pub outcome: Result<(String, EventKind, String), String>,
}

impl Expected {
    /// `view_item push → product_view 25518704M`, for messages.
    pub fn describe(&self) -> String {
        match &self.outcome {
            Ok((_, kind, key)) => format!("{} ({} {key})", self.event, kind.as_str()),
            Err(_) => self.event.clone(),
        }
    }
}

/// The pushes the beacon forwards (objects whose `event` is a GA4 ecommerce event it knows, and
/// gtag.js event calls naming one) that the worker turns into an event Clerk gets, in order.
/// Pushes the worker accepts and leaves out (cart views, checkout steps, search result lists) are
/// not listed.
pub fn expected(capture: &Capture, page_id: &str) -> Vec<Expected> {
    let ctx = IngestContext {
        store: "qa",
        currency: "XXX",
        visitor: None,
        customer: None,
        now_ms: u64::MAX,
        request_id: "qa",
        source: Source::Client,
    };
    // The beacon remembers the last `user_id` any push set (GA4's customer id), in either form.
    let mut user_id: Option<&Value> = None;
    capture
        .pushes
        .iter()
        .enumerate()
        .filter_map(|(push, value)| {
            let obj = value.as_object()?;
            if let Some(own) = gtag::user_id(obj) {
                user_id = Some(own);
            }
            let (name, field) = match gtag::read(obj) {
                None => (obj.get("event"), "event".to_string()),
                Some(Gtag::Event(_)) => (obj.get("1"), gtag::field_path("event")),
                Some(Gtag::Command(_)) => return None,
            };
            let event = name
                .and_then(Value::as_str)
                .filter(|name| GA4_EVENTS.contains(name))?;
            // As the beacon sends it: a copy of the push as the page wrote it, with the page id
            // (and the user id at the top level when it has none there).
            let mut sent = obj.clone();
            if let (true, Some(carried)) = (sent.get("user_id").is_none_or(Value::is_null), user_id)
            {
                sent.insert("user_id".into(), carried.clone());
            }
            sent.insert("page_id".into(), Value::String(page_id.to_string()));
            let body = Value::Array(vec![Value::Object(sent)]).to_string();
            let outcome = match normalize(&body, &ctx) {
                Ok(events) => {
                    let e = events.into_iter().next()?;
                    Ok((e.id.clone(), e.kind, e.key()))
                }
                Err(EventError::Invalid { reason, .. }) => Err(reason),
                Err(other) => Err(other.to_string()),
            };
            Some(Expected {
                push,
                event: event.to_string(),
                field,
                outcome,
            })
        })
        .collect()
}
