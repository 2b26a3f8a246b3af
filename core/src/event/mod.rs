//! The one behavioural event schema, the normalizer that builds it from what the worker receives,
//! and the Clerk tracking call each event becomes.

mod ga4;
pub mod gtag;
mod masters;
mod normalize;
pub mod refusals;
mod sale_copy;
mod schema;
mod to_clerk;
pub mod trace;

pub use ga4::{ECOMMERCE_EVENTS, GA4_EVENTS};
pub use masters::{name_masters, unknown_products, MAX_UNKNOWN_ID_CHARS, UNKNOWN_IDS_PER_HOUR};
pub use normalize::{
    cap_of, is_email, normalize, normalize_each, page_event_id, within_cap, EventError,
    IngestContext, Normalized, Refused, DEFAULT_FIELD_CAP, FIELD_CAPS, MAX_EVENTS_PER_CALL,
};
pub use sale_copy::{
    plan_sale_copy, SaleCopy, SalePage, CLIENT_SALE_DELAY_S, SERVER_HAS_IT, SERVER_SALE_DELAY_S,
    UNSERVED,
};
pub use schema::{Event, EventKind, EventProduct, OrderToRead, Source};
pub use to_clerk::{search_query, tracking_call, NotForwarded, SEARCH_LABEL};
