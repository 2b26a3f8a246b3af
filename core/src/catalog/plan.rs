use crate::sfcc::format_iso8601_utc;

/// How far a delta window reaches back before the last high-water mark, for clock skew and
/// changes committed late.
pub const DEFAULT_OVERLAP_MS: u64 = 5 * 60 * 1000;

/// How long a store's run lock holds before another run may take it over (a run that died).
pub const LOCK_TTL_MS: u64 = 2 * 60 * 60 * 1000;

/// A delta window in ISO 8601 UTC, with the `to` bound in milliseconds (the next high-water mark).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    /// Start, inclusive.
    pub from: String,
    /// End, inclusive.
    pub to: String,
    /// End, Unix milliseconds.
    pub to_ms: u64,
}

/// The window of the next delta run: from the last high-water mark less the overlap, to now.
/// Without a high-water mark there is no delta: the store needs a full run first.
pub fn delta_window(high_water_ms: Option<u64>, now_ms: u64, overlap_ms: u64) -> Option<Window> {
    let from = high_water_ms?.saturating_sub(overlap_ms).min(now_ms);
    Some(Window {
        from: format_iso8601_utc(from),
        to: format_iso8601_utc(now_ms),
        to_ms: now_ms,
    })
}

/// True when a lock taken at `since_ms` has outlived [`LOCK_TTL_MS`].
pub fn lock_is_stale(since_ms: u64, now_ms: u64) -> bool {
    now_ms.saturating_sub(since_ms) > LOCK_TTL_MS
}

/// What a cron trigger does for a store: a full re-index on the `FULL_REINDEX_CRON` schedule,
/// and on any cron while one is owed (see [`full_owed_after`]); a delta otherwise.
pub fn cron_wants_full(full_reindex_cron: bool, full_owed: bool) -> bool {
    full_reindex_cron || full_owed
}

/// How a cron's attempt to start a store's run went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CronStart {
    /// A full re-index started.
    Full,
    /// A delta started.
    Delta,
    /// Another run holds the store.
    Busy,
}

/// Whether the store owes a full re-index after a cron's attempt. Cloudflare fires every cron
/// that matches the minute (the `*/15` delta and the `0 3` full both at 03:00, in no set order),
/// and a store runs one run at a time: a full re-index that finds the store busy is owed, not
/// dropped for a day, and the next cron that finds the store free runs it.
pub fn full_owed_after(wanted_full: bool, owed: bool, started: CronStart) -> bool {
    match started {
        CronStart::Full => false,
        CronStart::Delta => owed,
        CronStart::Busy => owed || wanted_full,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_reindex_that_finds_the_store_busy_is_owed_until_one_starts() {
        // 03:00: the delta cron started first; the full re-index cron finds the store busy.
        let wanted = cron_wants_full(true, false);
        assert!(wanted);
        let owed = full_owed_after(wanted, false, CronStart::Busy);
        assert!(owed, "owed, not dropped for a day");
        // 03:15, the delta still running: still owed.
        let wanted = cron_wants_full(false, owed);
        assert!(wanted);
        let owed = full_owed_after(wanted, owed, CronStart::Busy);
        assert!(owed);
        // 03:30, the store free: the full re-index runs, and nothing is owed after it.
        let owed = full_owed_after(cron_wants_full(false, owed), owed, CronStart::Full);
        assert!(!owed);
        assert!(!cron_wants_full(false, owed), "then deltas again");
        // A delta that finds the store busy owes nothing: the next delta reads its window too.
        assert!(!full_owed_after(false, false, CronStart::Busy));
        assert!(!full_owed_after(false, false, CronStart::Delta));
    }

    #[test]
    fn delta_windows_overlap_the_last_mark() {
        assert_eq!(delta_window(None, 1_000_000, DEFAULT_OVERLAP_MS), None);
        let w = delta_window(
            Some(1_769_860_800_000),
            1_769_861_700_000,
            DEFAULT_OVERLAP_MS,
        )
        .unwrap();
        assert_eq!(
            (w.from.as_str(), w.to.as_str()),
            ("2026-01-31T11:55:00.000Z", "2026-01-31T12:15:00.000Z")
        );
        assert_eq!(w.to_ms, 1_769_861_700_000);
        let clock_went_back = delta_window(Some(2_000), 1_000, 0).unwrap();
        assert_eq!(clock_went_back.from, clock_went_back.to);
    }

    #[test]
    fn locks_go_stale_after_their_ttl() {
        assert!(!lock_is_stale(0, LOCK_TTL_MS));
        assert!(lock_is_stale(0, LOCK_TTL_MS + 1));
        assert!(!lock_is_stale(10, 5), "a lock from the future is not stale");
    }
}
