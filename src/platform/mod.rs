//! Workers-runtime plumbing shared by the handlers: outbound HTTP, clocks and randomness, the D1
//! delivery log, and the queue consumer dispatch.

pub mod http;
pub mod log;
pub mod queues;
pub mod random;
pub mod retention;

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    worker::Date::now().as_millis()
}

/// Turns any displayable error into a worker error.
pub fn err(e: impl std::fmt::Display) -> worker::Error {
    worker::Error::RustError(e.to_string())
}
