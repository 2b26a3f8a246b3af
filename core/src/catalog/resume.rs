//! Carrying a run on when its queued jobs were lost (a local runtime restarted, a message the
//! platform dropped): from what the run table says is done, the jobs still to do. Queueing a job
//! that is in fact still on its way is harmless: a page is counted once, and the ledger keeps an
//! unchanged product from being sent again.

use super::{CatalogJob, PageJob, RunMode};

/// A run's phase, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunStatus {
    /// Reading its pages (a delta run: its window's pages).
    Running,
    /// A delta run reading its slice of the whole catalog.
    Sweeping,
    /// A full run deleting from Clerk what it did not see.
    DeletingStale,
    /// Done.
    Finished,
}

impl RunStatus {
    /// The status as the run table spells it.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "running" => Self::Running,
            "sweeping" => Self::Sweeping,
            "deleting_stale" => Self::DeletingStale,
            "finished" => Self::Finished,
            _ => return None,
        })
    }
}

/// Where a run stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunState {
    /// Store name.
    pub store: String,
    /// The run.
    pub run_id: String,
    /// What it covers.
    pub mode: RunMode,
    /// Its phase.
    pub status: RunStatus,
    /// The segments of its window known so far (see [`super::segment`]), in order; none until
    /// the first page has its total.
    pub segments: Vec<SegmentRow>,
    /// A delta run's sweep: how many pages.
    pub sweep_pages: u32,
    /// The sweep reads ids after this one (none: from the beginning).
    pub sweep_after: Option<String>,
    /// Keys ([`PageJob::page_key`]) of the pages done.
    pub done: Vec<i64>,
}

/// One segment of a run, as stored: its number, the id it reads after, and its pages (1 until
/// its first page has its total).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentRow {
    /// The segment's number, from 0.
    pub segment: u32,
    /// It reads ids after this one.
    pub after: Option<String>,
    /// Its pages.
    pub pages: u32,
}

/// The jobs that carry `run` on, with pages of `count` products (the page size it started with).
/// When every page of its phase is done but the run did not move on, its last page is queued
/// again: finishing a page is what moves a run to its next phase.
pub fn resume_jobs(run: &RunState, count: u32) -> Vec<CatalogJob> {
    let count = count.max(1);
    let page = |mode: &RunMode, segment: u32, after: &Option<String>, start: u32| PageJob {
        store: run.store.clone(),
        run_id: run.run_id.clone(),
        mode: mode.clone(),
        start,
        count,
        segment,
        after: after.clone(),
    };
    let missing_or_last = |pages: Vec<PageJob>| -> Vec<CatalogJob> {
        let missing: Vec<CatalogJob> = pages
            .iter()
            .filter(|p| !run.done.contains(&p.page_key()))
            .cloned()
            .map(CatalogJob::Page)
            .collect();
        match (missing.is_empty(), pages.last()) {
            (true, Some(last)) => vec![CatalogJob::Page(last.clone())],
            _ => missing,
        }
    };
    match run.status {
        RunStatus::Finished => Vec::new(),
        RunStatus::DeletingStale => vec![CatalogJob::DeleteStale {
            store: run.store.clone(),
            run_id: run.run_id.clone(),
        }],
        RunStatus::Running => {
            if run.segments.is_empty() {
                // The first page never finished: it alone, and it fans out again.
                return vec![CatalogJob::Page(page(&run.mode, 0, &None, 0))];
            }
            let pages = run
                .segments
                .iter()
                .flat_map(|s| {
                    (0..s.pages.max(1)).map(|i| page(&run.mode, s.segment, &s.after, i * count))
                })
                .collect();
            let mut jobs = missing_or_last(pages);
            if run.mode == RunMode::Full {
                // Cheap and idempotent; whether the first sending got through is not recorded.
                jobs.push(CatalogJob::Categories {
                    store: run.store.clone(),
                    run_id: run.run_id.clone(),
                });
            }
            jobs
        }
        RunStatus::Sweeping => {
            let pages = (0..run.sweep_pages)
                .map(|i| page(&RunMode::Sweep, 0, &run.sweep_after, i * count))
                .collect();
            missing_or_last(pages)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A run with one segment of `pages` pages (none: no segment known yet).
    fn run(status: RunStatus, mode: RunMode, pages: Option<u32>, done: &[i64]) -> RunState {
        RunState {
            store: "us".into(),
            run_id: "r1".into(),
            mode,
            status,
            segments: pages
                .map(|pages| SegmentRow {
                    segment: 0,
                    after: None,
                    pages,
                })
                .into_iter()
                .collect(),
            sweep_pages: 0,
            sweep_after: None,
            done: done.to_vec(),
        }
    }

    fn starts(jobs: &[CatalogJob]) -> Vec<(String, i64)> {
        jobs.iter()
            .map(|j| match j {
                CatalogJob::Page(p) => (p.mode.label().to_string(), p.page_key()),
                CatalogJob::Categories { .. } => ("categories".into(), 0),
                CatalogJob::DeleteStale { .. } => ("delete_stale".into(), 0),
                other => panic!("unexpected {other:?}"),
            })
            .collect()
    }

    #[test]
    fn a_full_run_gets_its_missing_pages_and_its_categories_again() {
        let r = run(RunStatus::Running, RunMode::Full, Some(5), &[0, 10, 30]);
        assert_eq!(
            starts(&resume_jobs(&r, 10)),
            [
                ("full".into(), 20),
                ("full".into(), 40),
                ("categories".into(), 0)
            ]
        );
        // The first page never finished: it alone, and it fans out again.
        let r = run(RunStatus::Running, RunMode::Full, None, &[]);
        assert_eq!(starts(&resume_jobs(&r, 10)), [("full".into(), 0)]);
    }

    #[test]
    fn a_run_with_every_page_done_that_did_not_move_on_gets_its_last_page() {
        let delta = RunMode::Delta {
            from: "2026-01-01T00:00:00.000Z".into(),
            to: "2026-01-01T00:15:00.000Z".into(),
        };
        let r = run(RunStatus::Running, delta.clone(), Some(2), &[0, 10]);
        let jobs = resume_jobs(&r, 10);
        assert_eq!(starts(&jobs), [("delta".into(), 10)]);
        let CatalogJob::Page(p) = &jobs[0] else {
            panic!("{jobs:?}")
        };
        assert_eq!(p.mode, delta, "the window travels with the page");
    }

    #[test]
    fn a_sweep_gets_its_missing_slice_pages() {
        let mut r = run(RunStatus::Sweeping, RunMode::Sweep, Some(4), &[0, -1]);
        r.sweep_pages = 3;
        r.sweep_after = Some("P0004999".into());
        let jobs = resume_jobs(&r, 100);
        assert_eq!(
            starts(&jobs),
            [("sweep".into(), -101), ("sweep".into(), -201)]
        );
        let CatalogJob::Page(p) = &jobs[0] else {
            panic!("{jobs:?}")
        };
        assert_eq!(
            p.after.as_deref(),
            Some("P0004999"),
            "the sweep's cursor travels"
        );
    }

    #[test]
    fn a_run_gets_the_missing_pages_of_every_segment_with_their_ids() {
        let mut r = run(RunStatus::Running, RunMode::Full, Some(10), &[]);
        r.segments.push(SegmentRow {
            segment: 1,
            after: Some("P0000999".into()),
            pages: 1, // its first page is queued but has not run
        });
        r.done = (0..10).map(|i| i * 100).collect();
        let jobs = resume_jobs(&r, 100);
        assert_eq!(
            starts(&jobs),
            [("full".into(), 1000), ("categories".into(), 0)]
        );
        let CatalogJob::Page(p) = &jobs[0] else {
            panic!("{jobs:?}")
        };
        assert_eq!((p.segment, p.after.as_deref()), (1, Some("P0000999")));
    }

    #[test]
    fn later_phases_resume_as_themselves() {
        let r = run(
            RunStatus::DeletingStale,
            RunMode::Full,
            Some(3),
            &[0, 10, 20],
        );
        assert_eq!(starts(&resume_jobs(&r, 10)), [("delete_stale".into(), 0)]);
        let r = run(RunStatus::Finished, RunMode::Full, Some(3), &[0, 10, 20]);
        assert!(resume_jobs(&r, 10).is_empty());
        assert_eq!(RunStatus::parse("sweeping"), Some(RunStatus::Sweeping));
        assert_eq!(RunStatus::parse("paused"), None);
    }
}
