//! What to do after a delivery attempt: a pure decision that carries its reason, and a separate
//! backoff policy that says how long to wait before the next attempt.

mod backoff;
mod decision;
mod envelope;
mod replay;
mod retry_after;

pub use backoff::Backoff;
pub use decision::{
    classify, decide, decide_at_most_once, left_in_doubt, Classification, Decision, Outcome,
    IN_DOUBT,
};
pub use envelope::Envelope;
pub use replay::{check_replay, is_in_doubt, ReplayCheck, CONFIRM_FIELD, CONFIRM_IN_DOUBT};
pub use retry_after::parse_retry_after;
