//! Catalog sync runs and the jobs they are made of, carried on the `catalog-jobs` queue so work
//! larger than one invocation is split: a run's first page learns the total and fans the other
//! pages out at once; the last page to finish closes the run.

mod jobs;
mod plan;
mod resume;
mod variants;

pub use jobs::{CatalogJob, PageJob, RunMode};
pub use plan::{
    delta_window, expected_pages, fan_out, lock_is_stale, sweep_slice, Sweep, Window,
    DEFAULT_OVERLAP_MS, LOCK_TTL_MS,
};
pub use resume::{resume_jobs, RunState, RunStatus};
pub use variants::variants_of;

/// Products fetched from SFCC and pushed to Clerk per page job.
pub const DEFAULT_PAGE_SIZE: u32 = 100;

/// Pages of the whole catalog each delta run reads again (see [`RunMode::Sweep`]).
pub const DEFAULT_SWEEP_PAGES: u32 = 10;

/// Ledger rows examined per stale-deletion job at the end of a full re-index.
pub const STALE_BATCH: u32 = 200;
