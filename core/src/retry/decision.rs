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
    /// No HTTP answer at all (connection refused, DNS, TLS, a connection lost mid-call).
    Network(String),
    /// The peer answered 2xx, but the body is not what its contract says (cut short, not JSON,
    /// wrong types): most often a passing fault on the way, worth another attempt.
    Malformed(String),
    /// The peer answered 2xx with an error document: Clerk answers `{"status": "error", "type":
    /// …, "message": …}` with HTTP 200 as well as with an error status.
    Refused {
        /// HTTP status code (2xx).
        code: u16,
        /// The error's type (`AuthenticationError`, `ParsingError`, `LogicalError`,
        /// `InternalError`).
        kind: String,
        /// Its message.
        message: String,
    },
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
        Outcome::Malformed(e) => Classification::Retryable(format!("malformed answer: {e}")),
        // Clerk's own failure is passing; a bad key, payload or request is not.
        Outcome::Refused {
            code,
            kind,
            message,
        } => {
            let reason = format!("HTTP {code} with an error: {kind}: {message}");
            if kind == "InternalError" {
                Classification::Retryable(reason)
            } else {
                Classification::Permanent(reason)
            }
        }
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
            let delay_s = backoff.delay_s(attempt, jitter, retry_after);
            // The server's own ask, and what the policy made of it, stay readable in the log.
            let reason = match retry_after {
                Some(asked) if asked > delay_s => {
                    format!("{reason}; Retry-After {asked} s, capped at {delay_s} s")
                }
                Some(asked) => format!("{reason}; Retry-After {asked} s"),
                None => reason,
            };
            Decision::Retry { reason, delay_s }
        }
    }
}

/// Like [`decide`], for a call that must not reach the peer twice (a sale is an order in Clerk):
/// when the outcome leaves open whether the peer acted on it (see [`left_in_doubt`]), the call is
/// not retried but kept as a dead letter saying so, for an operator to replay once the peer shows
/// it lacks it. An error answer is retried as usual: the peer did not take the call.
pub fn decide_at_most_once(
    outcome: &Outcome,
    attempt: u32,
    backoff: &Backoff,
    jitter: f64,
) -> Decision {
    match classify(outcome) {
        Classification::Retryable(reason) if left_in_doubt(outcome) => Decision::DeadLetter {
            reason: format!("{IN_DOUBT}: {reason}; it may have been recorded, so it is not sent again automatically"),
        },
        _ => decide(outcome, attempt, backoff, jitter),
    }
}

/// How the reason of a dead letter that may have reached the peer starts.
pub const IN_DOUBT: &str = "in doubt";

/// True when the peer gave no answer, so it may or may not have acted on the call: a timeout, or
/// a network error. Workers report a refused connection and one lost after the request was sent
/// alike (`Network connection lost.`), so no network error proves the call never left.
pub fn left_in_doubt(outcome: &Outcome) -> bool {
    matches!(outcome, Outcome::Timeout | Outcome::Network(_))
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
                reason: "HTTP 429 rate limited; Retry-After 42 s".into(),
                delay_s: 42
            }
        );
        // The policy's ceiling wins over a longer ask, and the log says both.
        let short = Backoff {
            max_s: 30,
            ..Backoff::default()
        };
        let slow_down = Outcome::Status {
            code: 503,
            retry_after_s: Some(600),
            message: None,
        };
        assert_eq!(
            decide(&slow_down, 2, &short, 0.1),
            Decision::Retry {
                reason: "HTTP 503 server error; Retry-After 600 s, capped at 30 s".into(),
                delay_s: 30
            }
        );
        // The last attempt is the last, whatever the server asks.
        assert_eq!(
            decide(&limited, b.max_attempts, &b, 0.5).label(),
            "dead_letter"
        );
    }

    #[test]
    fn a_malformed_answer_is_retried_with_its_reason() {
        let d = decide(
            &Outcome::Malformed("EOF while parsing an object".into()),
            1,
            &Backoff::default(),
            0.0,
        );
        assert_eq!(d.label(), "retry");
        assert_eq!(
            d.reason(),
            Some("malformed answer: EOF while parsing an object")
        );
    }

    #[test]
    fn only_an_answer_settles_whether_a_call_landed() {
        assert!(!left_in_doubt(&status(503)));
        assert!(!left_in_doubt(&Outcome::Malformed("cut short".into())));
        let refused = |kind: &str| Outcome::Refused {
            code: 200,
            kind: kind.into(),
            message: "Invalid API key".into(),
        };
        assert_eq!(
            classify(&refused("AuthenticationError")),
            Classification::Permanent(
                "HTTP 200 with an error: AuthenticationError: Invalid API key".into()
            ),
            "an error answered with 200 is no delivery"
        );
        assert!(matches!(
            classify(&refused("InternalError")),
            Classification::Retryable(_)
        ));
        assert!(!left_in_doubt(&refused("LogicalError")));
        assert!(left_in_doubt(&Outcome::Timeout));
        assert!(left_in_doubt(&Outcome::Network(
            "Network connection lost.".into()
        )));
    }

    #[test]
    fn at_most_once_keeps_what_may_have_landed_and_retries_the_rest() {
        let b = Backoff::default();
        let kept = decide_at_most_once(&Outcome::Timeout, 1, &b, 0.0);
        assert_eq!(
            kept,
            Decision::DeadLetter {
                reason: "in doubt: timed out; it may have been recorded, so it is not sent again automatically".into()
            }
        );
        let lost = decide_at_most_once(&Outcome::Network("connection lost".into()), 1, &b, 0.0);
        assert!(lost.reason().is_some_and(|r| r.starts_with(IN_DOUBT)));
        assert_eq!(
            decide_at_most_once(&status(503), 1, &b, 0.0).label(),
            "retry"
        );
        assert_eq!(
            decide_at_most_once(&status(200), 1, &b, 0.0),
            Decision::Delivered
        );
        assert_eq!(
            decide_at_most_once(&status(400), 1, &b, 0.0).label(),
            "dead_letter"
        );
    }
}
