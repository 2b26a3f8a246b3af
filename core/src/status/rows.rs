//! The D1 rows the status report is made of, as the worker's queries return them (column names
//! are field names).

use serde::Deserialize;

/// A `sync_runs` row: the latest run of each store and mode, and every unfinished run.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RunRow {
    /// Run id.
    pub run_id: String,
    /// Store name.
    pub store: String,
    /// `cron` or `admin`.
    pub trigger: String,
    /// `full` or `delta`.
    pub mode: String,
    /// `running`, `sweeping`, `deleting_stale` or `finished`.
    pub status: String,
    /// Started, Unix ms.
    pub started_at_ms: u64,
    /// Finished, Unix ms.
    #[serde(default)]
    pub finished_at_ms: Option<u64>,
    /// Pages the run has, once known.
    #[serde(default)]
    pub expected_pages: Option<u32>,
    /// Products SFCC reported.
    #[serde(default)]
    pub total: Option<u32>,
    /// Pages done.
    pub pages: u32,
    /// Products sent.
    pub upserted: u32,
    /// Products unchanged.
    pub unchanged: u32,
    /// Products deleted.
    pub removed: u32,
    /// Records rejected.
    pub rejected: u32,
}

/// Calls of one store, kind and outcome in the window.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct DeliveryCountRow {
    /// Store name.
    pub store: String,
    /// `catalog`, `event` or `sfcc`.
    pub kind: String,
    /// `delivered`, `retry` or `dead_letter`.
    pub outcome: String,
    /// How many.
    pub n: u64,
}

/// A failed call (`deliveries` row whose outcome is not `delivered`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct DeliveryErrorRow {
    /// Row id.
    pub id: u64,
    /// When, Unix ms.
    pub at_ms: u64,
    /// Kind.
    pub kind: String,
    /// Store name.
    pub store: String,
    /// Method and path.
    pub endpoint: String,
    /// HTTP status.
    #[serde(default)]
    pub status: Option<u16>,
    /// Attempt.
    pub attempt: u32,
    /// Outcome.
    pub outcome: String,
    /// Reason.
    #[serde(default)]
    pub error: Option<String>,
}

/// Per store: events waiting for a retry (see the module docs of [`crate::status`]).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RetryBacklogRow {
    /// Store name.
    pub store: String,
    /// How many.
    pub n: u64,
    /// When the oldest retry was decided, Unix ms.
    #[serde(default)]
    pub oldest_ms: Option<u64>,
}

/// A `validation_failures` row.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ValidationFailureRow {
    /// Row id.
    pub id: u64,
    /// When, Unix ms.
    pub at_ms: u64,
    /// Run id.
    pub run_id: String,
    /// Store name.
    pub store: String,
    /// SFCC id.
    pub product_id: String,
    /// JSON list of `{field, reason}`.
    pub problems: String,
}

/// A `dead_letters` row.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct DeadLetterRow {
    /// Id.
    pub id: u64,
    /// When, Unix ms.
    pub at_ms: u64,
    /// Queue name.
    pub queue: String,
    /// Store name.
    pub store: String,
    /// Why.
    pub reason: String,
    /// The queue message, JSON.
    pub payload: String,
    /// Replayed, Unix ms.
    #[serde(default)]
    pub replayed_at_ms: Option<u64>,
}

/// Per store: dead letters waiting and replayed.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct DeadLetterCountRow {
    /// Store name.
    pub store: String,
    /// Not replayed.
    pub waiting: u64,
    /// Replayed.
    pub replayed: u64,
    /// Waiting ones the retention drops within [`crate::retention::DEAD_LETTER_NOTICE_DAYS`].
    #[serde(default)]
    pub expiring: u64,
}

/// Refused events of one store, name and reason in the window (`event_refusals`, summed over
/// its hours).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RefusalRow {
    /// Store name.
    pub store: String,
    /// The events' name as the page sent it; empty when none.
    pub name: String,
    /// Why they were refused.
    pub reason: String,
    /// How many.
    pub n: u64,
    /// The latest, Unix ms.
    pub last_at_ms: u64,
}

/// Events of one store that named product `product_id`, which Clerk does not hold, in the window
/// (`unknown_products`, summed over its hours).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct UnknownProductRow {
    /// Store name.
    pub store: String,
    /// The id as the event named it (after variants were named by their masters); empty for
    /// the ids past an hour's cap.
    pub product_id: String,
    /// How many events.
    pub n: u64,
    /// The latest, Unix ms.
    pub last_at_ms: u64,
}

/// A store's order history (`order_history`, one row per store).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct OrderHistoryRow {
    /// Store name.
    pub store: String,
    /// Orders created before this were read, Unix ms.
    pub high_water_ms: Option<u64>,
    /// The page a window in progress is at (a page job's JSON).
    pub page: Option<String>,
    /// When a page last finished, Unix ms.
    pub last_page_ms: Option<u64>,
    /// Orders sent to Clerk.
    pub sent: u64,
    /// Orders left out.
    pub skipped: u64,
}

/// Everything the report is made of.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StatusRows {
    /// Runs.
    pub runs: Vec<RunRow>,
    /// Calls by store, kind and outcome.
    pub delivery_counts: Vec<DeliveryCountRow>,
    /// The latest failed calls per store.
    pub delivery_errors: Vec<DeliveryErrorRow>,
    /// Events waiting for a retry, per store.
    pub event_retries: Vec<RetryBacklogRow>,
    /// The latest validation failures per store.
    pub validation_failures: Vec<ValidationFailureRow>,
    /// The latest dead letters per store.
    pub dead_letters: Vec<DeadLetterRow>,
    /// Dead letters per store.
    pub dead_letter_counts: Vec<DeadLetterCountRow>,
    /// Refused events per store, name and reason.
    pub refusals: Vec<RefusalRow>,
    /// Product ids Clerk does not hold, per store.
    pub unknown_products: Vec<UnknownProductRow>,
    /// Order history per store.
    pub order_history: Vec<OrderHistoryRow>,
}
