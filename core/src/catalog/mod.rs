//! Catalog sync runs and the jobs they are made of, carried on the `catalog-jobs` queue so work
//! larger than one invocation is split: a run reads its window in segments of at most 1,000
//! products ([`segment`]), a segment's first page fans out its other pages at once, its last page
//! starts the next segment, and the last page to finish closes the run.

mod jobs;
mod plan;
mod resume;
pub mod segment;
mod variants;

pub use jobs::{CatalogJob, PageJob, RunMode};
pub use plan::{
    cron_wants_full, delta_window, full_owed_after, lock_is_stale, CronStart, Window,
    DEFAULT_OVERLAP_MS, LOCK_TTL_MS,
};
pub use resume::{resume_jobs, RunState, RunStatus, SegmentRow};
pub use segment::{after_page, pages_per_segment, sweep_cursor, sweep_pages, PageNext, MAX_START};
pub use variants::variants_of;

/// Products fetched from SFCC and pushed to Clerk per page job.
pub const DEFAULT_PAGE_SIZE: u32 = 100;

/// Pages of the whole catalog each delta run reads again (see [`RunMode::Sweep`]).
pub const DEFAULT_SWEEP_PAGES: u32 = 10;

/// Ledger rows examined per stale-deletion job at the end of a full re-index.
pub const STALE_BATCH: u32 = 200;
