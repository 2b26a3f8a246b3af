use super::PageJob;
use crate::sfcc::format_iso8601_utc;

/// How far a delta window reaches back before the last high-water mark, for clock skew and
/// changes committed late.
pub const DEFAULT_OVERLAP_MS: u64 = 5 * 60 * 1000;

/// How long a store's run lock holds before another run may take it over (a run that died).
pub const LOCK_TTL_MS: u64 = 2 * 60 * 60 * 1000;

/// How many page jobs a run has for `total` products (at least one: the first page).
pub fn expected_pages(total: u32, count: u32) -> u32 {
    total.div_ceil(count.max(1)).max(1)
}

/// The page jobs after the first one, for a run whose first page reported `total`.
pub fn fan_out(first: &PageJob, total: u32) -> Vec<PageJob> {
    let count = first.count.max(1);
    (1..expected_pages(total, count))
        .map(|i| PageJob {
            start: i * count,
            ..first.clone()
        })
        .collect()
}

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

/// The slice of the catalog a delta run reads again, and where the next one starts (none by
/// default).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sweep {
    /// Page offsets to read.
    pub starts: Vec<u32>,
    /// Offset of the next run's slice: back to 0 once the slice reached the known catalog size.
    pub next_offset: u32,
}

/// The sweep of a delta run: `pages` pages of `count` from `offset`, stopping at the catalog's
/// size when it is known (`total`, as the last sweep saw it). An offset past the end starts over.
pub fn sweep_slice(offset: u32, total: Option<u32>, pages: u32, count: u32) -> Sweep {
    let count = count.max(1);
    let offset = match total {
        Some(t) if offset >= t => 0,
        _ => offset,
    };
    let end = offset.saturating_add(pages.saturating_mul(count));
    let end = total.map_or(end, |t| end.min(t.max(offset + 1)));
    let starts: Vec<u32> = (offset..end).step_by(count as usize).collect();
    let next_offset = match total {
        Some(t) if end >= t => 0,
        _ => end,
    };
    Sweep {
        starts,
        next_offset,
    }
}

/// True when a lock taken at `since_ms` has outlived [`LOCK_TTL_MS`].
pub fn lock_is_stale(since_ms: u64, now_ms: u64) -> bool {
    now_ms.saturating_sub(since_ms) > LOCK_TTL_MS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sweeps_walk_the_catalog_slice_by_slice_and_start_over() {
        // Unknown size: take the pages asked for.
        let s = sweep_slice(0, None, 3, 100);
        assert_eq!((s.starts, s.next_offset), (vec![0, 100, 200], 300));
        // Known size: stop at it and start over next time.
        let s = sweep_slice(200, Some(250), 3, 100);
        assert_eq!((s.starts, s.next_offset), (vec![200], 0));
        let s = sweep_slice(0, Some(1000), 5, 200);
        assert_eq!((s.starts, s.next_offset), (vec![0, 200, 400, 600, 800], 0));
        let s = sweep_slice(0, Some(1001), 5, 200);
        assert_eq!(s.next_offset, 1000);
        let s = sweep_slice(1000, Some(1001), 5, 200);
        assert_eq!((s.starts, s.next_offset), (vec![1000], 0));
        // The catalog shrank under the cursor.
        assert_eq!(sweep_slice(5000, Some(300), 2, 100).starts, vec![0, 100]);
        // No sweep asked for.
        assert!(sweep_slice(0, None, 0, 100).starts.is_empty());
        // An empty catalog still reads one page, to learn that it is empty.
        assert_eq!(sweep_slice(0, Some(0), 2, 100).starts, vec![0]);
    }
    use crate::catalog::RunMode;

    fn first(count: u32) -> PageJob {
        PageJob {
            store: "us".into(),
            run_id: "r".into(),
            mode: RunMode::Full,
            start: 0,
            count,
        }
    }

    #[test]
    fn fans_out_every_other_page() {
        let starts: Vec<u32> = fan_out(&first(100), 350).iter().map(|p| p.start).collect();
        assert_eq!(starts, [100, 200, 300]);
        assert!(fan_out(&first(100), 100).is_empty());
        assert!(fan_out(&first(100), 0).is_empty());
        assert_eq!(
            (
                expected_pages(0, 100),
                expected_pages(1, 100),
                expected_pages(1_000_000, 200)
            ),
            (1, 1, 5000)
        );
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
