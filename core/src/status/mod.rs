//! The operators' status report: per store, the last delta and full run with their counts, the
//! queue backlog the worker can prove, delivery success and the latest errors, validation failures
//! with their reasons, dead letters, the events the worker refused, by name and reason, and the
//! product ids events named that Clerk does not hold.
//!
//! The worker reads plain rows from D1 ([`rows`]) and [`summarize`] turns them into a
//! [`StatusReport`]; `GET /__sfcc-clerk/admin/status` answers it as JSON (what `sfcc-clerk status` prints) and
//! the status page renders it as HTML ([`html`]), every value escaped.
//!
//! **Backlog.** Cloudflare Queues gives a Worker no figure for what waits on a queue, so the report
//! counts what D1 records prove is still to do, and says so:
//! - *catalog pages*: pages of runs in progress not yet done (a run's expected pages minus its
//!   done pages; one page for a run whose first page has not reported the total yet). Runs older
//!   than the store lock's lifetime are *stalled*, not backlog: nothing will finish them.
//! - *event retries*: events whose last logged attempt was a retry (re-enqueued with backoff) and
//!   that have no later attempt and were not accepted since, in the report's window.
//!
//! Not counted: first attempts of newly accepted events (the worker writes no row per accepted
//! event: a D1 write per shopper action would cost more than the figure is worth) and the small
//! follow-up catalog jobs (masters, categories, customers, stale deletion batches). Cloudflare's
//! dashboard shows each queue's own backlog.

pub mod format;
pub mod html;
pub mod rows;
pub mod session;
pub mod sign_in;
mod subject;
mod summary;

pub use subject::subject;
pub use summary::{pending_pages, success_rate, summarize};

use crate::mapping::FieldProblem;
use serde::{Deserialize, Serialize};

/// How far back delivery figures, errors and event retries reach: one day.
pub const WINDOW_MS: u64 = 24 * 60 * 60 * 1000;

/// Latest delivery errors kept per store.
pub const ERRORS_PER_STORE: usize = 5;

/// Latest validation failures kept per store.
pub const FAILURES_PER_STORE: usize = 10;

/// Latest dead letters kept per store (waiting ones first).
pub const DEAD_LETTERS_PER_STORE: usize = 20;

/// Most frequent unknown product ids kept per store.
pub const UNKNOWN_IDS_PER_STORE: usize = 10;

/// Most frequent kinds of refused events kept per store.
pub const REFUSAL_KINDS_PER_STORE: usize = 10;

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusReport {
    /// When it was made, Unix ms.
    pub generated_at_ms: u64,
    /// How far back delivery figures reach, ms.
    pub window_ms: u64,
    /// Per store: the configured stores in order, then any other store name the records hold.
    pub stores: Vec<StoreStatus>,
}

/// One store's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoreStatus {
    /// Store name.
    pub store: String,
    /// False for a name only the records hold (a message for a store no longer configured).
    pub configured: bool,
    /// The latest delta run.
    pub last_delta: Option<RunSummary>,
    /// The latest full re-index.
    pub last_full: Option<RunSummary>,
    /// What is still to do (see the module docs for what is counted).
    pub backlog: Backlog,
    /// Delivery figures over the window: every kind together, then per kind.
    pub deliveries: Deliveries,
    /// The latest failed calls (retried or dead-lettered) in the window, newest first.
    pub latest_errors: Vec<DeliveryError>,
    /// The latest records that failed validation, newest first.
    pub validation_failures: Vec<ValidationFailure>,
    /// Dead letters.
    pub dead_letters: DeadLetters,
    /// Events the worker refused in the window (what pages and beacons sent that it could not
    /// take). Absent from a report of an older worker.
    #[serde(default)]
    pub refused_events: RefusedEvents,
    /// Product ids events named in the window that Clerk does not hold (the events were sent
    /// with them). Absent from a report of an older worker.
    #[serde(default)]
    pub unknown_products: UnknownProducts,
    /// The order history sync, once it has started. Absent from a report of an older worker.
    #[serde(default)]
    pub order_history: Option<OrderHistory>,
}

/// Where a store's order history stands.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderHistory {
    /// Orders created before this went to Clerk (Unix ms); none until the first window ends.
    pub read_up_to_ms: Option<u64>,
    /// A window in progress: the creation date its next page starts at.
    pub in_progress_from: Option<String>,
    /// When a page last finished, Unix ms.
    pub last_page_ms: Option<u64>,
    /// Orders sent to Clerk, every window.
    pub sent: u64,
    /// Orders left out: not a sale, no product lines, unreadable, or sent by live tracking.
    pub skipped: u64,
}

/// A sync run and its counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunSummary {
    /// Run id.
    pub run_id: String,
    /// `cron` or `admin`.
    pub trigger: String,
    /// `running`, `sweeping`, `deleting_stale` or `finished`.
    pub status: String,
    /// Started, Unix ms.
    pub started_at_ms: u64,
    /// Finished, Unix ms.
    pub finished_at_ms: Option<u64>,
    /// Products SFCC reported for the run's selection.
    pub total: Option<u32>,
    /// Pages done.
    pub pages: u32,
    /// Pages the run has (known once its first page reported the total).
    pub expected_pages: Option<u32>,
    /// Products sent to Clerk.
    pub upserted: u32,
    /// Products unchanged since Clerk last received them.
    pub unchanged: u32,
    /// Products deleted from Clerk.
    pub removed: u32,
    /// Records that failed validation.
    pub rejected: u32,
}

/// What is still to do, as far as D1 records prove it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Backlog {
    /// Catalog pages of runs in progress not yet done.
    pub catalog_pages: u64,
    /// Runs in progress (not stalled).
    pub runs_in_progress: u32,
    /// Unfinished runs older than the store lock's lifetime: nothing will finish them.
    pub stalled_runs: u32,
    /// Events re-enqueued for a later attempt that has not happened yet.
    pub event_retries: u64,
    /// When the oldest of those retries was decided, Unix ms.
    pub oldest_event_retry_ms: Option<u64>,
}

/// Delivery figures of the window.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Deliveries {
    /// Every kind together.
    pub all: DeliveryStats,
    /// Per kind (`catalog`, `event`, `sfcc`), in that order, those with calls only.
    pub by_kind: Vec<DeliveryStats>,
}

/// Calls of one kind (or all) by outcome.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DeliveryStats {
    /// `catalog`, `event`, `sfcc`, or `all`.
    pub kind: String,
    /// Calls that reached their target.
    pub delivered: u64,
    /// Calls that failed and were re-enqueued for a later attempt.
    pub retried: u64,
    /// Calls that failed for good (the message became a dead letter).
    pub dead_lettered: u64,
    /// Delivered ÷ (delivered + dead-lettered): of the calls that settled, the share that reached
    /// their target. `None` when none settled.
    pub success_rate: Option<f64>,
}

/// One failed call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeliveryError {
    /// Delivery log id.
    pub id: u64,
    /// When, Unix ms.
    pub at_ms: u64,
    /// `catalog`, `event` or `sfcc`.
    pub kind: String,
    /// Method and path.
    pub endpoint: String,
    /// HTTP status, when the peer answered.
    pub status: Option<u16>,
    /// Attempt number.
    pub attempt: u32,
    /// `retry` or `dead_letter`.
    pub outcome: String,
    /// Why.
    pub error: Option<String>,
}

/// A record that was not sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValidationFailure {
    /// Row id.
    pub id: u64,
    /// When, Unix ms.
    pub at_ms: u64,
    /// The run that found it.
    pub run_id: String,
    /// SFCC product (or customer) id.
    pub product_id: String,
    /// Field and reason of each problem.
    pub problems: Vec<FieldProblem>,
}

/// Dead letters of a store.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DeadLetters {
    /// Not replayed yet.
    pub waiting: u64,
    /// Replayed.
    pub replayed: u64,
    /// Waiting ones the retention drops within
    /// [`DEAD_LETTER_NOTICE_DAYS`](crate::retention::DEAD_LETTER_NOTICE_DAYS) unless replayed.
    #[serde(default)]
    pub expiring: u64,
    /// The latest, waiting ones first, each newest first.
    pub latest: Vec<DeadLetter>,
}

/// One dead letter, without its payload (which may hold shopper data).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeadLetter {
    /// Id (what `POST /__sfcc-clerk/admin/dead-letters/{id}/replay` takes).
    pub id: u64,
    /// When, Unix ms.
    pub at_ms: u64,
    /// The queue it came from.
    pub queue: String,
    /// What the message was, in brief (see [`subject`]).
    pub subject: String,
    /// Why it was not delivered.
    pub reason: String,
    /// When it was replayed, Unix ms.
    pub replayed_at_ms: Option<u64>,
}

/// Events that named products Clerk does not hold, over the window: no product the catalog
/// sync sent the store, nor a variant of one (an id from another catalog, an offline product, a
/// data layer naming something else than the product id).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UnknownProducts {
    /// How many events, every id together.
    pub total: u64,
    /// The most frequent ids, most first (at most [`UNKNOWN_IDS_PER_STORE`]); an empty id
    /// stands for the ids past an hour's cap.
    pub ids: Vec<UnknownProduct>,
}

/// Events that named one product id Clerk does not hold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnknownProduct {
    /// The id.
    pub id: String,
    /// How many events.
    pub count: u64,
    /// The latest, Unix ms.
    pub last_at_ms: u64,
}

/// Events a store's pages sent that the worker refused, over the window.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RefusedEvents {
    /// How many, every kind together.
    pub total: u64,
    /// The most frequent kinds, most first (at most [`REFUSAL_KINDS_PER_STORE`]).
    pub kinds: Vec<RefusalKind>,
}

/// Refused events of one name and reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RefusalKind {
    /// The events' name as the page sent it (GA4 `event` or `type`); empty when none.
    pub name: String,
    /// Why the worker refused them.
    pub reason: String,
    /// How many.
    pub count: u64,
    /// The latest, Unix ms.
    pub last_at_ms: u64,
}
