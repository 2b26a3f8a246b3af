//! Catalog sync: a run is a chain of page jobs on the `catalog-jobs` queue. Each job fetches one
//! page from SFCC, maps it in the core, sends Clerk only what changed since the ledger's record,
//! and enqueues the next page.

mod clerk;
mod ledger;
mod page;
mod runs;
mod sfcc;

pub use page::run_job;
pub use runs::start_run;

use crate::context::Ctx;
use worker::Env;

/// Starts a sync run for the configured store from a cron trigger.
pub async fn start_from_cron(env: &Env, cron: &str) -> worker::Result<()> {
    let ctx = Ctx::new(env)?;
    let run_id = start_run(&ctx, "cron").await?;
    worker::console_log!("cron {cron}: started catalog sync run {run_id}");
    Ok(())
}
