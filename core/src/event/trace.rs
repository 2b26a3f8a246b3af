//! What became of the events a QA browser's page produced, for the validator's forwarding check:
//! received (queued), held in the page or dropped for want of consent, retrying, delivered to
//! Clerk, not sent (Clerk has no call for it), or dead-lettered.
//!
//! Two records answer it honestly. The worker writes a [`Receipt`] per page view and event id when
//! it takes a QA browser's event (only then: shoppers' traffic writes nothing); what Clerk made of
//! the event is the delivery log's, whose calls carry the event id, and the sent-events table's.
//! [`trace_of`] joins them; `GET /__sfcc-clerk/qa/events?page=ID` answers a [`PageTrace`].

use super::schema::{Event, EventKind, EventProduct, Source};
use super::to_clerk::tracking_call;
use serde::{Deserialize, Serialize};

/// Where an event stands in the worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TraceState {
    /// Seen in the page's request before the shopper answered the consent banner: handed to the
    /// page to hold (never stored), sent only on consent.
    Held,
    /// Refused for want of tracking consent.
    Dropped,
    /// On the events queue, not yet attempted.
    Received,
    /// An attempt failed and another is scheduled.
    Retrying,
    /// Clerk accepted it.
    Delivered,
    /// Accepted, but Clerk has no tracking call for its kind (searches: Clerk records them from
    /// its own search calls).
    NotSent,
    /// Delivery ended without success; the message is in the dead-letter table.
    DeadLettered,
}

impl TraceState {
    /// Every state.
    pub const ALL: [TraceState; 7] = [
        TraceState::Held,
        TraceState::Dropped,
        TraceState::Received,
        TraceState::Retrying,
        TraceState::Delivered,
        TraceState::NotSent,
        TraceState::DeadLettered,
    ];

    /// The wire name (`delivered`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            TraceState::Held => "held",
            TraceState::Dropped => "dropped",
            TraceState::Received => "received",
            TraceState::Retrying => "retrying",
            TraceState::Delivered => "delivered",
            TraceState::NotSent => "not_sent",
            TraceState::DeadLettered => "dead_lettered",
        }
    }

    /// Parses a wire name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// True when nothing more will happen to the event in the worker.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            TraceState::Dropped
                | TraceState::Delivered
                | TraceState::NotSent
                | TraceState::DeadLettered
        )
    }
}

/// How the worker took a QA browser's event, recorded per page view and event id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Receipt {
    /// Queued for Clerk.
    Received,
    /// Seen in the page's request before the shopper answered the banner: the page holds it.
    Held,
    /// Refused for want of consent.
    Dropped,
}

impl Receipt {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Receipt::Received => "received",
            Receipt::Held => "held",
            Receipt::Dropped => "dropped",
        }
    }

    /// Parses a stored name.
    pub fn parse(name: &str) -> Option<Self> {
        [Receipt::Received, Receipt::Held, Receipt::Dropped]
            .into_iter()
            .find(|r| r.as_str() == name)
    }
}

/// The latest Clerk call the delivery log holds for an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedCall {
    /// Clerk's HTTP status, when it answered.
    pub status: Option<u16>,
    /// Attempt number.
    pub attempt: u32,
    /// Method and path.
    pub endpoint: String,
    /// The decision taken on it, as logged (`delivered`, `retry`, `dead_letter`).
    pub outcome: String,
    /// Why it was not delivered.
    pub error: Option<String>,
    /// When the attempt ended, Unix milliseconds.
    pub at_ms: u64,
}

/// One page's receipt of an event, with what the logs say became of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// The event id.
    pub event_id: String,
    /// Its type.
    pub kind: EventKind,
    /// How the worker took it.
    pub receipt: Receipt,
    /// Why it was held or dropped.
    pub reason: Option<String>,
    /// When the receipt was first written, Unix milliseconds.
    pub received_at_ms: u64,
    /// When the receipt last changed (a held event released), Unix milliseconds.
    pub at_ms: u64,
    /// The latest Clerk call for the event id, if any.
    pub call: Option<LoggedCall>,
    /// Clerk has accepted the event id (sent-events table).
    pub sent: bool,
}

/// Why Clerk gets no call for events of `kind`, or `None` when it does (the tracking call's own
/// answer, for an event with a visitor).
pub fn no_clerk_call(kind: EventKind) -> Option<String> {
    let probe = Event {
        id: String::new(),
        kind,
        time_ms: 0,
        store: String::new(),
        visitor: Some("qa".into()),
        customer: None,
        products: vec![EventProduct {
            id: "qa".into(),
            price: Some(0.0),
            quantity: Some(1),
        }],
        category: Some("qa".into()),
        query: Some("qa".into()),
        order_id: Some("qa".into()),
        email: Some("qa@example.com".into()),
        currency: None,
        source: Source::Client,
        page: None,
        read_order: None,
        browser_link: None,
    };
    tracking_call(&probe).err().map(|why| why.to_string())
}

/// What became of an event: the delivery log and the sent-events table say what Clerk made of
/// it; without a call, the receipt says how the worker took it.
pub fn trace_of(r: Recorded) -> EventTrace {
    let mut t = EventTrace {
        event_id: r.event_id,
        kind: r.kind,
        state: TraceState::Received,
        status: None,
        attempt: 0,
        endpoint: None,
        reason: r.reason,
        received_at_ms: r.received_at_ms,
        at_ms: r.at_ms,
    };
    if let Some(call) = r.call {
        t.state = match call.outcome.as_str() {
            "delivered" => TraceState::Delivered,
            "dead_letter" => TraceState::DeadLettered,
            _ => TraceState::Retrying,
        };
        t.status = call.status;
        t.attempt = call.attempt;
        t.endpoint = Some(call.endpoint);
        t.reason = call.error;
        t.at_ms = call.at_ms;
    }
    if r.sent {
        t.state = TraceState::Delivered;
        if t.endpoint.is_none() {
            t.reason =
                Some("Clerk already has it (an earlier sighting of the same event id)".into());
        }
        return t;
    }
    if t.endpoint.is_none() {
        t.state = match r.receipt {
            Receipt::Held => TraceState::Held,
            Receipt::Dropped => TraceState::Dropped,
            Receipt::Received => match no_clerk_call(r.kind) {
                Some(why) => {
                    t.reason = Some(why);
                    TraceState::NotSent
                }
                None => TraceState::Received,
            },
        };
    }
    t
}

/// One event of a page, as the worker last recorded it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventTrace {
    /// The event id (see [`super::page_event_id`]).
    pub event_id: String,
    /// Its type.
    pub kind: EventKind,
    /// Where it stands.
    pub state: TraceState,
    /// Clerk's HTTP status on the last attempt, when it answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Attempts made so far.
    #[serde(default)]
    pub attempt: u32,
    /// The Clerk call, method and path (`GET /v2/log/product`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// Why it is not delivered (or a note on how it was).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// When the worker first recorded it, Unix milliseconds.
    pub received_at_ms: u64,
    /// When its state last changed, Unix milliseconds.
    pub at_ms: u64,
}

/// The worker's answer for one page view.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PageTrace {
    /// The page id asked about.
    pub page: String,
    /// Its events, oldest first.
    pub events: Vec<EventTrace>,
}

impl PageTrace {
    /// The record of `event_id`, if any.
    pub fn get(&self, event_id: &str) -> Option<&EventTrace> {
        self.events.iter().find(|e| e.event_id == event_id)
    }
}

/// A page id as the worker issues them: 1 to 64 letters, digits, `-` or `_`.
pub fn is_page_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The page whose QA check may ask about `event`: its page id, unless it is a login (whose id
/// holds the email, which the QA record never keeps).
pub fn traceable_page(event: &Event) -> Option<&str> {
    event
        .page
        .as_deref()
        .filter(|_| event.kind != EventKind::Login)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{normalize, IngestContext};
    use crate::retry::Decision;

    fn event_from(body: &str, source: Source) -> Event {
        let ctx = IngestContext {
            store: "us",
            currency: "USD",
            visitor: None,
            customer: None,
            now_ms: 10,
            request_id: "r",
            source,
        };
        normalize(body, &ctx).unwrap().remove(0)
    }

    fn event(body: &str) -> Event {
        event_from(body, Source::Client)
    }

    fn recorded(receipt: Receipt, call: Option<LoggedCall>, sent: bool) -> Recorded {
        Recorded {
            event_id: "pg1-product_view-P".into(),
            kind: EventKind::ProductView,
            receipt,
            reason: None,
            received_at_ms: 100,
            at_ms: 100,
            call,
            sent,
        }
    }

    fn call(decision: &Decision, status: u16) -> LoggedCall {
        LoggedCall {
            status: Some(status),
            attempt: 2,
            endpoint: "GET /v2/log/product".into(),
            outcome: decision.label().into(),
            error: decision.reason().map(String::from),
            at_ms: 300,
        }
    }

    #[test]
    fn states_round_trip_and_know_when_they_are_final() {
        for s in TraceState::ALL {
            assert_eq!(TraceState::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        let finals: Vec<TraceState> = TraceState::ALL
            .into_iter()
            .filter(|s| s.is_final())
            .collect();
        assert_eq!(
            finals,
            [
                TraceState::Dropped,
                TraceState::Delivered,
                TraceState::NotSent,
                TraceState::DeadLettered
            ]
        );
        assert_eq!(TraceState::parse("queued"), None);
        for r in [Receipt::Received, Receipt::Held, Receipt::Dropped] {
            assert_eq!(Receipt::parse(r.as_str()), Some(r));
        }
    }

    #[test]
    fn the_delivery_logs_latest_call_says_what_clerk_made_of_it() {
        let retry = Decision::Retry {
            reason: "HTTP 503 server error".into(),
            delay_s: 2,
        };
        let t = trace_of(recorded(Receipt::Received, Some(call(&retry, 503)), false));
        assert_eq!(
            (
                t.state,
                t.status,
                t.attempt,
                t.endpoint.as_deref(),
                t.reason.as_deref(),
                t.at_ms
            ),
            (
                TraceState::Retrying,
                Some(503),
                2,
                Some("GET /v2/log/product"),
                Some("HTTP 503 server error"),
                300
            )
        );
        let dead = Decision::DeadLetter {
            reason: "HTTP 400 rejected".into(),
        };
        let t = trace_of(recorded(Receipt::Received, Some(call(&dead, 400)), false));
        assert_eq!(
            (t.state, t.reason.as_deref()),
            (TraceState::DeadLettered, Some("HTTP 400 rejected"))
        );
        let t = trace_of(recorded(
            Receipt::Received,
            Some(call(&Decision::Delivered, 200)),
            true,
        ));
        assert_eq!(
            (t.state, t.status, t.reason),
            (TraceState::Delivered, Some(200), None)
        );
        assert_eq!(t.received_at_ms, 100);
    }

    #[test]
    fn without_a_call_the_receipt_speaks() {
        let queued = trace_of(recorded(Receipt::Received, None, false));
        assert_eq!(queued.state, TraceState::Received);
        let mut held = recorded(Receipt::Held, None, false);
        held.reason = Some("banner unanswered".into());
        let held = trace_of(held);
        assert_eq!(
            (held.state, held.reason.as_deref()),
            (TraceState::Held, Some("banner unanswered"))
        );
        assert_eq!(
            trace_of(recorded(Receipt::Dropped, None, false)).state,
            TraceState::Dropped
        );
        // Sent for another sighting (another page, or the queue's copy): Clerk has it.
        let earlier = trace_of(recorded(Receipt::Received, None, true));
        assert_eq!(earlier.state, TraceState::Delivered);
        assert!(earlier.reason.unwrap().contains("earlier sighting"));
        // A search has a Clerk call (search/search) like the others: received, then sent.
        let mut search = recorded(Receipt::Received, None, false);
        search.kind = EventKind::Search;
        assert_eq!(trace_of(search).state, TraceState::Received);
    }

    #[test]
    fn every_kind_has_a_clerk_call() {
        let without: Vec<EventKind> = EventKind::ALL
            .into_iter()
            .filter(|k| no_clerk_call(*k).is_some())
            .collect();
        assert_eq!(without, Vec::<EventKind>::new());
    }

    #[test]
    fn events_with_a_page_other_than_logins_are_traceable() {
        let view = event(r#"{"type":"product_view","product":"P","page_id":"pg1"}"#);
        assert_eq!(view.page.as_deref(), Some("pg1"));
        assert_eq!(traceable_page(&view), Some("pg1"));
        let login = event_from(
            r#"{"type":"login","email":"a@example.com","page_id":"pg1"}"#,
            Source::Server,
        );
        assert_eq!(traceable_page(&login), None, "a login is never a page's");
        assert!(!login.id.contains('@'), "{}", login.id);
        let pageless = event(r#"{"type":"product_view","product":"P"}"#);
        assert_eq!(traceable_page(&pageless), None);
    }

    #[test]
    fn page_ids_are_checked() {
        assert!(is_page_id("0f3a_b-9"));
        assert!(!is_page_id(""));
        assert!(!is_page_id("a b"));
        assert!(!is_page_id("<script>"));
        assert!(!is_page_id(&"a".repeat(65)));
    }

    #[test]
    fn the_answer_reads_back_with_defaults() {
        let trace: PageTrace = serde_json::from_str(
            r#"{"page":"pg1","events":[{"event_id":"pg1-product_view-P","kind":"product_view","state":"received","received_at_ms":1,"at_ms":1}]}"#,
        )
        .unwrap();
        let e = trace.get("pg1-product_view-P").unwrap();
        assert_eq!(
            (e.state, e.attempt, e.status),
            (TraceState::Received, 0, None)
        );
        assert!(trace.get("other").is_none());
    }
}
