//! Behavioural events: the ingest endpoint and the queue consumer that forwards them to Clerk.

mod deliver;
mod ingest;
mod order_read;
mod refusals;
pub mod sales;
mod unknown;

pub use deliver::{deliver, hold_back, release_claim, Retrying};
pub use ingest::ingest;
