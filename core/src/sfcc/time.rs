/// An SFCC timestamp that is not ISO 8601 UTC.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{0:?} is not an ISO 8601 UTC timestamp like 2026-01-31T12:00:00.000Z")]
pub struct TimeError(pub String);

/// Parses OCAPI's `YYYY-MM-DDTHH:MM:SS[.fff]Z` into Unix seconds.
pub fn parse_iso8601_utc(s: &str) -> Result<i64, TimeError> {
    let err = || TimeError(s.to_string());
    let body = s.strip_suffix('Z').ok_or_else(err)?;
    let (date, time) = body.split_once('T').ok_or_else(err)?;
    let time = time.split('.').next().ok_or_else(err)?;
    let num = |part: Option<&str>, len: usize| -> Result<i64, TimeError> {
        let p = part.ok_or_else(err)?;
        if p.len() != len || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err());
        }
        p.parse().map_err(|_| err())
    };
    let mut d = date.split('-');
    let (y, m, day) = (num(d.next(), 4)?, num(d.next(), 2)?, num(d.next(), 2)?);
    let mut t = time.split(':');
    let (hh, mm, ss) = (num(t.next(), 2)?, num(t.next(), 2)?, num(t.next(), 2)?);
    if d.next().is_some() || t.next().is_some() {
        return Err(err());
    }
    if !(1..=12).contains(&m) || !(1..=31).contains(&day) || hh > 23 || mm > 59 || ss > 60 {
        return Err(err());
    }
    Ok(days_from_civil(y, m, day) * 86_400 + hh * 3_600 + mm * 60 + ss)
}

/// Parses `YYYY-MM-DDTHH:MM:SS[.fff]Z` into Unix milliseconds (digits past the third of the
/// fraction dropped); a time before 1970 is an error.
pub fn parse_iso8601_utc_ms(s: &str) -> Result<u64, TimeError> {
    let err = || TimeError(s.to_string());
    let secs = u64::try_from(parse_iso8601_utc(s)?).map_err(|_| err())?;
    let fraction = s
        .strip_suffix('Z')
        .and_then(|b| b.split_once('.'))
        .map_or("", |(_, f)| f);
    if !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return Err(err());
    }
    let millis = format!("{:0<3}", &fraction[..fraction.len().min(3)]);
    Ok(secs * 1000 + millis.parse::<u64>().map_err(|_| err())?)
}

/// Formats Unix milliseconds as OCAPI's `YYYY-MM-DDTHH:MM:SS.mmmZ`.
pub fn format_iso8601_utc(ms: u64) -> String {
    let secs = (ms / 1000) as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3_600,
        rem % 3_600 / 60,
        rem % 60,
        ms % 1000
    )
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub(crate) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ocapi_timestamps() {
        assert_eq!(parse_iso8601_utc("1970-01-01T00:00:00Z"), Ok(0));
        assert_eq!(
            parse_iso8601_utc("2026-01-31T12:00:00.000Z"),
            Ok(1_769_860_800)
        );
        assert_eq!(parse_iso8601_utc("2000-02-29T23:59:59.5Z"), Ok(951_868_799));
    }

    #[test]
    fn formats_and_round_trips() {
        assert_eq!(format_iso8601_utc(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            format_iso8601_utc(951_868_799_500),
            "2000-02-29T23:59:59.500Z"
        );
        for ms in [1_769_860_800_000u64, 4_102_444_800_000, 86_399_999] {
            assert_eq!(
                parse_iso8601_utc(&format_iso8601_utc(ms)).unwrap(),
                (ms / 1000) as i64
            );
        }
    }

    #[test]
    fn reads_milliseconds() {
        assert_eq!(
            parse_iso8601_utc_ms("2000-02-29T23:59:59.5Z"),
            Ok(951_868_799_500)
        );
        assert_eq!(
            parse_iso8601_utc_ms("2000-02-29T23:59:59.123456Z"),
            Ok(951_868_799_123)
        );
        assert_eq!(
            parse_iso8601_utc_ms("2000-02-29T23:59:59Z"),
            Ok(951_868_799_000)
        );
        for ms in [1_769_860_800_001u64, 86_399_999] {
            assert_eq!(parse_iso8601_utc_ms(&format_iso8601_utc(ms)), Ok(ms));
        }
        assert!(parse_iso8601_utc_ms("1969-12-31T23:59:59.000Z").is_err());
        assert!(parse_iso8601_utc_ms("2000-02-29T23:59:59.1x3Z").is_err());
    }

    #[test]
    fn rejects_other_shapes() {
        for bad in [
            "2026-01-31",
            "2026-01-31T12:00:00",
            "2026-13-01T00:00:00Z",
            "x-01-01T00:00:00Z",
        ] {
            assert_eq!(parse_iso8601_utc(bad), Err(TimeError(bad.into())), "{bad}");
        }
    }
}
