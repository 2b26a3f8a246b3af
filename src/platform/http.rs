//! Outbound HTTP with a deadline, reported as a core retry `Outcome`.

use crate::platform::now_ms;
use futures_util::future::{select, Either};
use sfcc_clerk_core::clerk::ClerkResponse;
use sfcc_clerk_core::retry::{parse_retry_after, Outcome};
use sfcc_clerk_core::sfcc::fault_message;
use std::time::Duration;
use worker::{AbortController, Delay, Fetch, Headers, Method, Request, RequestInit};

/// One outbound call's result.
pub struct Reply {
    /// What happened, for the retry decision.
    pub outcome: Outcome,
    /// The response body (empty without an answer).
    pub body: String,
    /// Wall time of the call.
    pub duration_ms: u64,
}

impl Reply {
    /// The HTTP status, if the peer answered.
    pub fn status(&self) -> Option<u16> {
        match self.outcome {
            Outcome::Status { code, .. } | Outcome::Refused { code, .. } => Some(code),
            _ => None,
        }
    }
}

/// Sends a request, giving up after `timeout_ms`; never fails: a network error or timeout is an
/// `Outcome` too.
pub async fn send(
    method: Method,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<String>,
    timeout_ms: u64,
) -> Reply {
    let started = now_ms();
    let outcome = attempt(
        method,
        url,
        headers,
        body,
        Duration::from_millis(timeout_ms),
    )
    .await;
    let duration_ms = now_ms().saturating_sub(started);
    match outcome {
        Ok((outcome, body)) => Reply {
            outcome,
            body,
            duration_ms,
        },
        Err(outcome) => Reply {
            outcome,
            body: String::new(),
            duration_ms,
        },
    }
}

async fn attempt(
    method: Method,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<String>,
    timeout: Duration,
) -> Result<(Outcome, String), Outcome> {
    let network = |e: worker::Error| Outcome::Network(e.to_string());
    let h = Headers::new();
    for (name, value) in headers {
        h.set(name, value).map_err(network)?;
    }
    let mut init = RequestInit::new();
    init.with_method(method).with_headers(h);
    if let Some(body) = body {
        init.with_body(Some(body.into()));
    }
    let request = Request::new_with_init(url, &init).map_err(network)?;
    let controller = AbortController::default();
    let signal = controller.signal();
    let call = Box::pin(async { Fetch::Request(request).send_with_signal(&signal).await });
    let deadline = Box::pin(Delay::from(timeout));
    let mut response = match select(call, deadline).await {
        Either::Left((result, _)) => result.map_err(network)?,
        Either::Right(_) => {
            controller.abort();
            return Err(Outcome::Timeout);
        }
    };
    let code = response.status_code();
    let retry_after_s = response
        .headers()
        .get("retry-after")
        .ok()
        .flatten()
        .and_then(|v| parse_retry_after(&v, now_ms()));
    let text = response.text().await.unwrap_or_default();
    let message = match serde_json::from_str::<ClerkResponse>(&text) {
        // An error document with a 2xx status is no success.
        Ok(ClerkResponse::Error(e)) if (200..300).contains(&code) => {
            return Ok((
                Outcome::Refused {
                    code,
                    kind: e.kind,
                    message: e.message,
                },
                text,
            ))
        }
        Ok(ClerkResponse::Error(e)) => Some(format!("{}: {}", e.kind, e.message)),
        _ if !(200..300).contains(&code) && !text.is_empty() => {
            Some(fault_message(&text).unwrap_or_else(|| text.chars().take(200).collect()))
        }
        _ => None,
    };
    Ok((
        Outcome::Status {
            code,
            retry_after_s,
            message,
        },
        text,
    ))
}
