//! Catalog sync: a run (full re-index, or delta since the store's high-water mark) is a set of page
//! jobs on the `catalog-jobs` queue. The first page learns the total and fans out the others; each
//! fetches one page from SFCC, maps it in the core, and sends Clerk only what changed since the
//! ledger's record; the last one closes the run (a full run first deletes what it did not see).

pub(crate) mod clerk;
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
use sfcc_clerk_core::catalog::{cron_wants_full, full_owed_after, CronStart, RunMode};
use std::collections::HashSet;
use worker::Env;

/// Starts a run of every store from a cron trigger: a full re-index on the `FULL_REINDEX_CRON`
/// schedule or while one is owed, else a delta. A store busy with another run is left alone
/// until the next trigger (a full re-index it could not start is owed, see
/// `sfcc_clerk_core::catalog::full_owed_after`), and one store's failure to start does not keep
/// the others from starting.
pub async fn start_from_cron(env: &Env, cron: &str) -> worker::Result<()> {
    let ctx = Ctx::new(env)?;
    let full_cron = ctx.settings.full_reindex_cron.as_deref() == Some(cron);
    let owed = owed_full_reindexes(&ctx).await?;
    for store in &ctx.settings.stores {
        let name = &store.config.name;
        let was_owed = owed.contains(name);
        let full = cron_wants_full(full_cron, was_owed);
        let started = match start_run(&ctx, name, "cron", full).await {
            Ok(Started::Run { run_id, mode }) => {
                worker::console_log!("cron {cron}: {name}: started {} run {run_id}", mode.label());
                Some(match mode {
                    RunMode::Full => CronStart::Full,
                    _ => CronStart::Delta,
                })
            }
            Ok(Started::Busy { run_id, .. }) => {
                worker::console_log!("cron {cron}: {name}: skipped, run {run_id} holds the store");
                Some(CronStart::Busy)
            }
            Err(e) => {
                worker::console_error!("cron {cron}: {name}: could not start a run: {e}");
                None
            }
        };
        if let Some(started) = started {
            let now_owed = full_owed_after(full, was_owed, started);
            if now_owed != was_owed {
                if let Err(e) = set_full_owed(&ctx, name, now_owed).await {
                    worker::console_error!(
                        "cron {cron}: {name}: could not record the owed full re-index: {e}"
                    );
                }
            }
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

#[derive(serde::Deserialize)]
struct OwedRow {
    store: String,
}

/// The stores that owe a full re-index: one D1 read per cron.
async fn owed_full_reindexes(ctx: &Ctx) -> worker::Result<HashSet<String>> {
    let rows = ctx
        .db
        .prepare("SELECT store FROM sync_state WHERE full_owed = 1")
        .all()
        .await?
        .results::<OwedRow>()?;
    Ok(rows.into_iter().map(|r| r.store).collect())
}

/// Records whether `store` owes a full re-index. A store without a first run has no row and
/// owes nothing: its first run is a full one.
async fn set_full_owed(ctx: &Ctx, store: &str, owed: bool) -> worker::Result<()> {
    ctx.db
        .prepare("UPDATE sync_state SET full_owed = ?2 WHERE store = ?1")
        .bind(&[store.into(), u8::from(owed).into()])?
        .run()
        .await?;
    Ok(())
}
