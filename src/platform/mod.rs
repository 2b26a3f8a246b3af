//! Workers-runtime plumbing shared by the handlers: outbound HTTP, SFCC's API clients, clocks and randomness, the D1
//! delivery log, and the queue consumer dispatch.

pub mod answer;
pub mod body;
pub mod http;
pub mod limit;
pub mod log;
pub mod queues;
pub mod random;
pub mod retention;
pub mod sfcc;

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    worker::Date::now().as_millis()
}

/// Turns any displayable error into a worker error.
pub fn err(e: impl std::fmt::Display) -> worker::Error {
    worker::Error::RustError(e.to_string())
}

/// Runs prepared D1 statements as one batch (nothing for none); an error preparing any of them
/// is the batch's.
pub async fn run_batch(
    db: &worker::D1Database,
    statements: worker::Result<Vec<worker::D1PreparedStatement>>,
) -> worker::Result<()> {
    match statements? {
        s if s.is_empty() => Ok(()),
        s => db.batch(s).await.map(|_| ()),
    }
}
