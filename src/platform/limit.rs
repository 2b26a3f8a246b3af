//! The platform's rate limiters (`[[ratelimits]]` in `wrangler.toml`).

use sfcc_clerk_core::capture::LIMIT_PERIOD_S;
use sfcc_clerk_core::status::sign_in::attempt_key;
use worker::{Headers, RateLimiter, Response};

/// Whether `limiter` lets one more call under `key` through. Without the binding, or when the
/// limiter cannot answer, it does: a limit slows abuse and never shuts the door by itself.
pub async fn within(limiter: Option<&RateLimiter>, key: String) -> bool {
    match limiter {
        Some(limiter) => !limiter.limit(key).await.is_ok_and(|o| !o.success),
        None => true,
    }
}

/// Whether a sign-in attempt from the request's client address (the platform's
/// `CF-Connecting-IP`) is within `SIGN_IN_LIMIT`; counts the attempt.
pub async fn sign_in_within(limiter: Option<&RateLimiter>, headers: &Headers) -> bool {
    let address = headers.get("cf-connecting-ip").ok().flatten();
    within(limiter, attempt_key(address.as_deref())).await
}

/// `refusal` (an answer to a call past a limit) telling the caller when to come back: the
/// limiters' window.
pub fn retry_later(mut refusal: Response) -> worker::Result<Response> {
    refusal
        .headers_mut()
        .set("retry-after", &LIMIT_PERIOD_S.to_string())?;
    Ok(refusal)
}
