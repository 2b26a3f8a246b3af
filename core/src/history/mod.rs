//! Order history: the shop's past orders, read from SFCC with SCAPI's Admin Orders API
//! (`getOrders`), to each Clerk store's orders (`POST /v2/orders`). Clerk learns most from what
//! shoppers bought; with the orders of the past months it recommends from the first day instead
//! of waiting for tracked sales to pile up ("no learning period, since we can utilize all
//! existing orders from day one": Clerk's help, *Sync data via API*).
//!
//! - [`plan_history`] decides on each cron what the store's history sync does next: nothing
//!   (off, the catalog not yet synced, a window in progress), start a window, or resume one whose
//!   chain of pages broke.
//! - [`orders_path`] asks for one page of a window, oldest first; [`next_page`] pages on by
//!   creation date rather than by offset, since `getOrders` reads no deeper than
//!   `offset + limit` = 10,000.
//! - [`history_order`] turns one SFCC order into Clerk's order, or says why it is left out.

mod order;
mod page;
mod plan;

pub use order::{history_order, store_of_order, HistoryOrder, SiteStore, Skipped};
pub use page::{next_page, orders_path, read_orders, HistoryNext, OrdersPage, GET_ORDERS_DEPTH};
pub use plan::{plan_history, HistoryConfig, HistoryPlan, HistoryState, STALL_MS};
