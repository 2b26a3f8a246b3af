use serde::{Deserialize, Serialize};

/// A queue message with its delivery attempt number. The consumer re-enqueues a failed payload
/// with `attempt + 1` and a backoff delay, so the attempt count and the reason travel with it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope<T> {
    /// The attempt this message is for, from 1.
    pub attempt: u32,
    /// Why the previous attempt failed, if there was one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    /// The payload.
    pub payload: T,
}

impl<T> Envelope<T> {
    /// A first attempt.
    pub fn first(payload: T) -> Self {
        Self {
            attempt: 1,
            last_error: None,
            payload,
        }
    }

    /// The next attempt, remembering why this one failed.
    pub fn next(self, reason: &str) -> Self {
        Self {
            attempt: self.attempt + 1,
            last_error: Some(reason.to_string()),
            payload: self.payload,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_attempts_and_keeps_the_reason() {
        let e = Envelope::first("job").next("HTTP 503").next("timed out");
        assert_eq!(
            (e.attempt, e.last_error.as_deref(), e.payload),
            (3, Some("timed out"), "job")
        );
        assert_eq!(
            serde_json::to_string(&Envelope::first(1)).unwrap(),
            r#"{"attempt":1,"payload":1}"#
        );
    }
}
