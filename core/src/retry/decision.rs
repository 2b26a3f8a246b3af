use super::Backoff;
use serde::{Deserialize, Serialize};

/// What one attempt came to, as the shell observed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The peer answered with this HTTP status (and `Retry-After` seconds, if it sent one).
    Status {
        /// HTTP status code.
        code: u16,
        /// `Retry-After`, in seconds.
        retry_after_s: Option<u32>,
        /// Error text from the body (Clerk's `message`), if any.
        message: Option<String>,
    },
    /// The peer did not answer in time.
    Timeout,
    /// No HTTP answer at all (connection refused, DNS, TLS).
    Network(String),
}

/// Whether an outcome is a success, worth retrying, or final.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "class", content = "reason", rename_all = "snake_case")]
pub enum Classification {
    /// Delivered.
    Success,
    /// A passing failure; the reason says which.
    Retryable(String),
    /// A failure that retrying will not fix (bad payload, bad key).
    Permanent(String),
}

/// Classifies one attempt's outcome.
pub fn classify(outcome: &Outcome) -> Classification {
    match outcome {
        Outcome::Status {
            code: 200..=299, ..
        } => Classification::Success,
        Outcome::Status { code, message, .. } => {
            let detail = message
                .as_deref()
                .map(|m| format!(": {m}"))
                .unwrap_or_default();
            match code {
                408 => Classification::Retryable(format!("HTTP 408 request timeout{detail}")),
                429 => Classification::Retryable(format!("HTTP 429 rate limited{detail}")),
                500..=599 => Classification::Retryable(format!("HTTP {code} server error{detail}")),
                _ => Classification::Permanent(format!("HTTP {code} rejected{detail}")),
            }
        }
        Outcome::Timeout => Classification::Retryable("timed out".into()),
        Outcome::Network(e) => Classification::Retryable(format!("network error: {e}")),
    }
}

/// What to do next with a delivery, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum Decision {
    /// Done; acknowledge.
    Delivered,
    /// Try again after `delay_s` seconds.
    Retry {
        /// Why the attempt failed.
        reason: String,
        /// Seconds to wait.
        delay_s: u32,
    },
    /// Stop trying; keep the payload in the dead-letter store with the reason.
    DeadLetter {
        /// Why delivery ended.
        reason: String,
    },
}

impl Decision {
    /// The short name written to the delivery log.
    pub fn label(&self) -> &'static str {
        match self {
            Decision::Delivered => "delivered",
            Decision::Retry { .. } => "retry",
            Decision::DeadLetter { .. } => "dead_letter",
        }
    }

    /// The reason, for anything but a delivery.
    pub fn reason(&self) -> Option<&str> {
        match self {
            Decision::Delivered => None,
            Decision::Retry { reason, .. } | Decision::DeadLetter { reason } => Some(reason),
        }
    }
}

/// Decides after attempt number `attempt` (from 1). `jitter` is a uniform draw from `[0, 1)`
/// supplied by the shell, so the decision itself stays pure.
pub fn decide(outcome: &Outcome, attempt: u32, backoff: &Backoff, jitter: f64) -> Decision {
    match classify(outcome) {
        Classification::Success => Decision::Delivered,
        Classification::Permanent(reason) => Decision::DeadLetter { reason },
        Classification::Retryable(reason) if attempt >= backoff.max_attempts => {
            Decision::DeadLetter {
                reason: format!("{reason} (gave up after {attempt} attempts)"),
            }
        }
        Classification::Retryable(reason) => {
            let retry_after = match outcome {
                Outcome::Status { retry_after_s, .. } => *retry_after_s,
                _ => None,
            };
            Decision::Retry {
                reason,
                delay_s: backoff.delay_s(attempt, jitter, retry_after),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(code: u16) -> Outcome {
        Outcome::Status {
            code,
            retry_after_s: None,
            message: None,
        }
    }

    #[test]
    fn classifies_status_codes() {
        assert_eq!(classify(&status(200)), Classification::Success);
        assert!(matches!(
            classify(&status(429)),
            Classification::Retryable(_)
        ));
        assert!(matches!(
            classify(&status(503)),
            Classification::Retryable(_)
        ));
        assert!(matches!(
            classify(&Outcome::Timeout),
            Classification::Retryable(_)
        ));
        let bad_key = Outcome::Status {
            code: 403,
            retry_after_s: None,
            message: Some("Invalid key".into()),
        };
        assert_eq!(
            classify(&bad_key),
            Classification::Permanent("HTTP 403 rejected: Invalid key".into())
        );
    }

    #[test]
    fn retries_then_dead_letters_with_the_reason() {
        let b = Backoff::default();
        assert_eq!(decide(&status(204), 1, &b, 0.5), Decision::Delivered);
        let d = decide(&status(502), 1, &b, 0.0);
        assert_eq!(d.label(), "retry");
        assert_eq!(d.reason(), Some("HTTP 502 server error"));
        let last = decide(&status(502), b.max_attempts, &b, 0.0);
        assert_eq!(
            last,
            Decision::DeadLetter {
                reason: format!(
                    "HTTP 502 server error (gave up after {} attempts)",
                    b.max_attempts
                )
            }
        );
        assert_eq!(decide(&status(400), 1, &b, 0.0).label(), "dead_letter");
    }

    #[test]
    fn honours_retry_after() {
        let b = Backoff::default();
        let limited = Outcome::Status {
            code: 429,
            retry_after_s: Some(42),
            message: None,
        };
        assert_eq!(
            decide(&limited, 1, &b, 0.9),
            Decision::Retry {
                reason: "HTTP 429 rate limited".into(),
                delay_s: 42
            }
        );
    }
}
