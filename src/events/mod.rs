//! Behavioural events: the ingest endpoint and the queue consumer that forwards them to Clerk.

mod deliver;
mod ingest;

pub use deliver::{deliver, release_claim};
pub use ingest::ingest;
