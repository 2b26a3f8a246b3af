//! Keyset paging: how a run reads a window of any size when OCAPI takes `start` only up to 999.
//!
//! OCAPI's pagination reference gives `start` the range 0–999 and `count` 0–200
//! (developer.salesforce.com, b2c-commerce-ocapi/pagination), so offsets alone reach the first
//! 1,000 or so products of a search and no further. A run therefore reads its window in
//! *segments*: the window's query narrowed to ids after the last id the segment before it read,
//! sorted by id, paged by offsets that stay within the limit. A segment's pages run at once; the
//! last page of a full segment starts the next one. Every segment but the last is full, so a run
//! of `n` products still reads `⌈n / count⌉` pages.

use super::{PageJob, RunMode};

/// OCAPI's largest `start`.
pub const MAX_START: u32 = 999;

/// Page keys of one segment stay below this (see [`PageJob::page_key`]).
pub(crate) const KEY_SPAN: i64 = MAX_START as i64 + 1;

/// Pages of `count` one segment holds: offsets 0, `count`, … up to [`MAX_START`] (10 of 100,
/// 5 of 200).
pub fn pages_per_segment(count: u32) -> u32 {
    MAX_START / count.max(1) + 1
}

/// What a page of a run's window leads to, once SFCC answered it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageNext {
    /// A segment's first page: how many pages the segment has, counted in the run's expected
    /// pages.
    pub segment_pages: Option<u32>,
    /// A segment's first page: the segment's other pages, read at once.
    pub rest: Vec<PageJob>,
    /// The last page of a full segment with more after it: the next segment's first page, which
    /// reads the ids after the last one this page read.
    pub next_segment: Option<PageJob>,
}

/// What a run's page leads to: `total` hits matched the page's segment query (ids after the
/// segment's `after`), `hits` came on the page, the last of them with id `last_id`. Sweep pages
/// lead nowhere (see [`sweep_cursor`]).
pub fn after_page(job: &PageJob, total: u32, hits: u32, last_id: Option<&str>) -> PageNext {
    let mut next = PageNext::default();
    if job.mode == RunMode::Sweep {
        return next;
    }
    let count = job.count.max(1);
    let per_segment = pages_per_segment(count);
    if job.start == 0 {
        let pages = total.div_ceil(count).clamp(1, per_segment);
        next.segment_pages = Some(pages);
        next.rest = (1..pages)
            .map(|i| PageJob {
                start: i * count,
                ..job.clone()
            })
            .collect();
    }
    let last_of_segment = job.start == (per_segment - 1) * count;
    if let (true, true, Some(last)) = (last_of_segment, more_after(job, total, hits), last_id) {
        next.next_segment = Some(PageJob {
            start: 0,
            segment: job.segment + 1,
            after: Some(last.to_string()),
            ..job.clone()
        });
    }
    next
}

/// Pages a delta run's sweep reads: as configured, at most one segment.
pub fn sweep_pages(configured: u32, count: u32) -> u32 {
    configured.min(pages_per_segment(count))
}

/// Where the next sweep starts, as the sweep's last page (of `pages`) decides it: after the last
/// id it read while more follow, else from the beginning (`Some(None)`). `None` for every other
/// page, which leaves the cursor alone.
pub fn sweep_cursor(
    job: &PageJob,
    pages: u32,
    total: u32,
    hits: u32,
    last_id: Option<&str>,
) -> Option<Option<String>> {
    let count = job.count.max(1);
    if job.mode != RunMode::Sweep || pages == 0 || job.start != (pages - 1) * count {
        return None;
    }
    Some(
        last_id
            .filter(|_| more_after(job, total, hits))
            .map(str::to_string),
    )
}

/// True when a full page of `hits` left more of the `total` its query matched after it.
fn more_after(job: &PageJob, total: u32, hits: u32) -> bool {
    hits >= job.count.max(1) && total > job.start.saturating_add(hits)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(start: u32, count: u32) -> PageJob {
        PageJob {
            store: "us".into(),
            run_id: "r".into(),
            mode: RunMode::Full,
            start,
            count,
            segment: 0,
            after: None,
        }
    }

    #[test]
    fn a_segment_stays_within_start_999() {
        assert_eq!(pages_per_segment(100), 10);
        assert_eq!(pages_per_segment(200), 5);
        assert_eq!(pages_per_segment(150), 7, "starts 0 … 900");
        assert_eq!(pages_per_segment(1), 1000);
        for count in [1, 7, 100, 150, 200] {
            let last_start = (pages_per_segment(count) - 1) * count;
            assert!(last_start <= MAX_START, "count {count}: {last_start}");
            assert!(
                last_start + count > MAX_START,
                "count {count}: a page short"
            );
        }
    }

    #[test]
    fn a_first_page_fans_out_its_segment_and_no_further() {
        let next = after_page(&page(0, 100), 1_000_000, 100, Some("P0000099"));
        assert_eq!(next.segment_pages, Some(10));
        let starts: Vec<u32> = next.rest.iter().map(|p| p.start).collect();
        assert_eq!(starts, [100, 200, 300, 400, 500, 600, 700, 800, 900]);
        assert!(next
            .rest
            .iter()
            .all(|p| p.segment == 0 && p.after.is_none()));
        assert_eq!(
            next.next_segment, None,
            "the segment's last page starts the next"
        );

        let small = after_page(&page(0, 100), 250, 100, Some("P0000099"));
        assert_eq!(
            (small.segment_pages, small.rest.len()),
            (Some(3), 2),
            "a window of 250 is three pages"
        );
        let empty = after_page(&page(0, 100), 0, 0, None);
        assert_eq!((empty.segment_pages, empty.rest.len()), (Some(1), 0));
    }

    #[test]
    fn the_last_page_of_a_full_segment_starts_the_next_after_its_last_id() {
        let last = PageJob {
            segment: 2,
            after: Some("P0001999".into()),
            ..page(900, 100)
        };
        let next = after_page(&last, 7_000, 100, Some("P0002999"));
        assert_eq!(next.segment_pages, None);
        let seg = next.next_segment.expect("more products follow");
        assert_eq!(
            (seg.segment, seg.start, seg.after.as_deref()),
            (3, 0, Some("P0002999"))
        );
        assert_eq!(seg.page_key(), 3000);
        // The segment's query matched exactly what it read: nothing follows.
        assert_eq!(
            after_page(&last, 1_000, 100, Some("P0002999")).next_segment,
            None
        );
        // A short page is the end of the window, whatever the total said.
        assert_eq!(
            after_page(&last, 7_000, 40, Some("P0002939")).next_segment,
            None
        );
        // A middle page never starts a segment.
        assert_eq!(
            after_page(&page(500, 100), 7_000, 100, Some("x")).next_segment,
            None
        );
    }

    #[test]
    fn a_million_products_are_read_in_exactly_ten_thousand_pages_of_100() {
        // Walks a whole run the way the queue would, counting pages and checking every start.
        let total: u32 = 1_000_000;
        let (mut pages, mut queue, mut expected) = (0u32, vec![page(0, 100)], 0u32);
        while let Some(job) = queue.pop() {
            assert!(job.start <= MAX_START);
            pages += 1;
            let before = job.segment * 1000; // ids are P0000000 … in order
            let matched = total - before;
            let read = matched.saturating_sub(job.start).min(job.count);
            let last = format!("P{:07}", before + job.start + read - 1);
            let next = after_page(&job, matched, read, Some(&last));
            expected += next.segment_pages.unwrap_or(0);
            queue.extend(next.rest);
            queue.extend(next.next_segment);
        }
        assert_eq!((pages, expected), (10_000, 10_000));
    }

    #[test]
    fn a_sweeps_last_page_moves_the_cursor() {
        let sweep = |start| PageJob {
            mode: RunMode::Sweep,
            after: Some("P0004999".into()),
            ..page(start, 100)
        };
        assert_eq!(sweep_pages(10, 100), 10);
        assert_eq!(sweep_pages(50, 100), 10, "at most one segment");
        assert_eq!(sweep_pages(3, 200), 3);
        assert_eq!(sweep_cursor(&sweep(200), 10, 9_000, 100, Some("a")), None);
        assert_eq!(
            sweep_cursor(&sweep(900), 10, 9_000, 100, Some("P0005999")),
            Some(Some("P0005999".into()))
        );
        assert_eq!(
            sweep_cursor(&sweep(900), 10, 1_000, 100, Some("P0005999")),
            Some(None),
            "the catalog's end: the next sweep starts over"
        );
        assert_eq!(
            sweep_cursor(&page(900, 100), 10, 9_000, 100, Some("x")),
            None
        );
        assert_eq!(
            after_page(&sweep(0), 9_000, 100, Some("x")),
            PageNext::default()
        );
    }
}
