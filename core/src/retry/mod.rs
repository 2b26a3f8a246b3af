//! What to do after a delivery attempt: a pure decision that carries its reason, and a separate
//! backoff policy that says how long to wait before the next attempt.

mod backoff;
mod decision;
mod envelope;

pub use backoff::Backoff;
pub use decision::{classify, decide, Classification, Decision, Outcome};
pub use envelope::Envelope;
