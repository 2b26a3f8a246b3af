//! How the report's figures read on a screen (the status page and `sfcc-clerk status`).

use crate::sfcc::format_iso8601_utc;

/// A time as `2026-01-31 12:00:00Z`.
pub fn when(ms: u64) -> String {
    let iso = format_iso8601_utc(ms);
    // YYYY-MM-DDTHH:MM:SS.mmmZ → YYYY-MM-DD HH:MM:SSZ
    format!("{} {}Z", &iso[..10], &iso[11..19])
}

/// How long before `now_ms` a time was: `just now`, `42 s ago`, `5 min ago`, `3 h ago`, `2 d ago`.
pub fn ago(ms: u64, now_ms: u64) -> String {
    let s = now_ms.saturating_sub(ms) / 1000;
    match s {
        0 => "just now".into(),
        1..=59 => format!("{s} s ago"),
        60..=3_599 => format!("{} min ago", s / 60),
        3_600..=86_399 => format!("{} h ago", s / 3_600),
        _ => format!("{} d ago", s / 86_400),
    }
}

/// A time with how long ago it was: `2026-01-31 12:00:00Z (5 min ago)`.
pub fn when_ago(ms: u64, now_ms: u64) -> String {
    format!("{} ({})", when(ms), ago(ms, now_ms))
}

/// A share as a percentage with one decimal, `–` when there is none.
pub fn percent(rate: Option<f64>) -> String {
    rate.map_or_else(|| "–".into(), |r| format!("{:.1} %", r * 100.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_shares_and_ages_read_plainly() {
        assert_eq!(when(1_769_860_800_123), "2026-01-31 12:00:00Z");
        let now = 1_769_860_800_000;
        assert_eq!(ago(now, now), "just now");
        assert_eq!(ago(now - 42_000, now), "42 s ago");
        assert_eq!(ago(now - 5 * 60_000, now), "5 min ago");
        assert_eq!(ago(now - 3 * 3_600_000, now), "3 h ago");
        assert_eq!(ago(now - 2 * 86_400_000, now), "2 d ago");
        assert_eq!(
            ago(now + 5_000, now),
            "just now",
            "clock skew is not the future"
        );
        assert_eq!(
            when_ago(now - 60_000, now),
            "2026-01-31 11:59:00Z (1 min ago)"
        );
        assert_eq!(percent(Some(11.0 / 12.0)), "91.7 %");
        assert_eq!(percent(None), "–");
    }
}
