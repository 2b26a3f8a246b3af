use serde::{Deserialize, Serialize};

/// Exponential backoff with full jitter, capped, and a limit on attempts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Backoff {
    /// Attempts before a delivery is dead-lettered (the first attempt counts).
    pub max_attempts: u32,
    /// Delay ceiling after the first failure, seconds.
    pub base_s: u32,
    /// Largest delay, seconds.
    pub max_s: u32,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            // Delays of at least 1, 2, 4 … 64 s: a Clerk outage of a minute or two is ridden out.
            max_attempts: 8,
            base_s: 2,
            max_s: 300,
        }
    }
}

impl Backoff {
    /// Seconds to wait after failed attempt `attempt` (from 1): a `Retry-After` from the peer wins
    /// (capped at `max_s`); otherwise a draw in `[ceiling/2, ceiling]` where the ceiling doubles per
    /// attempt. `jitter` is uniform in `[0, 1)`.
    pub fn delay_s(&self, attempt: u32, jitter: f64, retry_after_s: Option<u32>) -> u32 {
        if let Some(s) = retry_after_s {
            return s.min(self.max_s);
        }
        let exp = attempt.saturating_sub(1).min(30);
        let ceiling = u64::from(self.base_s)
            .saturating_mul(1u64 << exp)
            .min(u64::from(self.max_s));
        let jitter = if jitter.is_finite() {
            jitter.clamp(0.0, 1.0)
        } else {
            0.0
        };
        let half = ceiling as f64 / 2.0;
        (half + half * jitter).round().max(1.0) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_exponentially_within_jitter_and_cap() {
        let b = Backoff {
            max_attempts: 10,
            base_s: 2,
            max_s: 60,
        };
        assert_eq!((b.delay_s(1, 0.0, None), b.delay_s(1, 1.0, None)), (1, 2));
        assert_eq!((b.delay_s(3, 0.0, None), b.delay_s(3, 1.0, None)), (4, 8));
        assert_eq!(b.delay_s(20, 1.0, None), 60);
        assert_eq!(b.delay_s(2, f64::NAN, None), 2);
        assert_eq!(b.delay_s(1, 0.3, Some(7)), 7);
        assert_eq!(b.delay_s(1, 0.3, Some(7000)), 60);
    }
}
