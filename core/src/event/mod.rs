//! The one behavioural event schema, the normalizer that builds it from what the worker receives,
//! and the Clerk tracking call each event becomes.

mod normalize;
mod schema;
mod to_clerk;

pub use normalize::{normalize, EventError, IngestContext, MAX_EVENTS_PER_CALL};
pub use schema::{Event, EventKind, EventProduct, Source};
pub use to_clerk::{tracking_call, NotForwarded};
