//! `Retry-After`: how long a server asks a client to wait, as a number of seconds or an HTTP date.

use crate::sfcc::time::days_from_civil;

/// Seconds to wait from a `Retry-After` value: delta-seconds (`120`) or an IMF-fixdate
/// (`Wed, 21 Oct 2026 07:28:00 GMT`, counted from `now_ms`; a date already past is 0). Anything
/// else is `None`: the backoff policy decides instead.
pub fn parse_retry_after(value: &str, now_ms: u64) -> Option<u32> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return Some(
            value
                .parse::<u64>()
                .map_or(u32::MAX, |s| s.min(u64::from(u32::MAX)) as u32),
        );
    }
    let at_s = parse_imf_fixdate(value)?;
    let now_s = (now_ms / 1000) as i64;
    Some(at_s.saturating_sub(now_s).clamp(0, i64::from(u32::MAX)) as u32)
}

/// Unix seconds of an IMF-fixdate (RFC 9110 §5.6.7), the form servers send.
fn parse_imf_fixdate(s: &str) -> Option<i64> {
    let (weekday, rest) = s.split_once(", ")?;
    if !["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].contains(&weekday) {
        return None;
    }
    let parts: Vec<&str> = rest.split(' ').collect();
    let [day, month, year, time, "GMT"] = parts.as_slice() else {
        return None;
    };
    let number = |t: &str, len: usize| -> Option<i64> {
        (t.len() == len && t.bytes().all(|b| b.is_ascii_digit()))
            .then(|| t.parse().ok())
            .flatten()
    };
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let m = MONTHS.iter().position(|name| name == month)? as i64 + 1;
    let (d, y) = (number(day, 2)?, number(year, 4)?);
    let mut hms = time.split(':');
    let (hh, mm, ss) = (
        number(hms.next()?, 2)?,
        number(hms.next()?, 2)?,
        number(hms.next()?, 2)?,
    );
    if hms.next().is_some() || !(1..=31).contains(&d) || hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    Some(days_from_civil(y, m, d) * 86_400 + hh * 3_600 + mm * 60 + ss)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_seconds_and_http_dates() {
        assert_eq!(parse_retry_after("120", 0), Some(120));
        assert_eq!(parse_retry_after(" 0 ", 0), Some(0));
        assert_eq!(parse_retry_after("99999999999", 0), Some(u32::MAX));
        // 1994-11-06T08:49:37Z is 784111777 s after the epoch.
        let now_ms = 784_111_777_000 - 30_000;
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now_ms),
            Some(30)
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now_ms + 60_000),
            Some(0),
            "a date already past means now"
        );
    }

    #[test]
    fn anything_else_is_left_to_the_policy() {
        for v in [
            "",
            "-5",
            "1.5",
            "soon",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 25:49:37 GMT",
        ] {
            assert_eq!(parse_retry_after(v, 0), None, "{v:?}");
        }
    }
}
