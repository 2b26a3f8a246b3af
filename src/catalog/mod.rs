//! Catalog sync: a run (full re-index, or delta since the store's high-water mark) is a set of page
//! jobs on the `catalog-jobs` queue. The first page learns the total and fans out the others; each
//! fetches one page from SFCC, maps it in the core, and sends Clerk only what changed since the
//! ledger's record; the last one closes the run (a full run first deletes what it did not see).

mod clerk;
mod customers;
mod ledger;
mod orders;
mod page;
mod resume;
mod runs;
mod sfcc;

pub use page::run_job;
pub use resume::{resume, Resumed};
pub use runs::{start_run, Started};

use crate::context::Ctx;
use worker::Env;

/// Starts a run of every store from a cron trigger: a full re-index on the `FULL_REINDEX_CRON`
/// schedule, else a delta. A store busy with another run is left alone until the next trigger, and
/// one store's failure to start does not keep the others from starting.
pub async fn start_from_cron(env: &Env, cron: &str) -> worker::Result<()> {
    let ctx = Ctx::new(env)?;
    let full = ctx.settings.full_reindex_cron.as_deref() == Some(cron);
    for store in &ctx.settings.stores {
        let name = &store.config.name;
        match start_run(&ctx, name, "cron", full).await {
            Ok(Started::Run { run_id, mode }) => {
                worker::console_log!("cron {cron}: {name}: started {} run {run_id}", mode.label())
            }
            Ok(Started::Busy { run_id, .. }) => {
                worker::console_log!("cron {cron}: {name}: skipped, run {run_id} holds the store")
            }
            Err(e) => worker::console_error!("cron {cron}: {name}: could not start a run: {e}"),
        }
        if let Err(e) = customers::start(&ctx, store).await {
            worker::console_error!("cron {cron}: {name}: could not start the customer sync: {e}");
        }
        if let Err(e) = orders::start(&ctx, store).await {
            worker::console_error!("cron {cron}: {name}: could not start the order history: {e}");
        }
    }
    Ok(())
}
