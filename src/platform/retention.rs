//! Prunes the worker's D1 records older than `RETENTION_DAYS` (the core's plan), on every cron.

use crate::context::Ctx;
use crate::platform::now_ms;
use sfcc_clerk_core::retention::prune_plan;
use wasm_bindgen::JsValue;

/// Runs the plan in one D1 batch and logs how many rows each table lost. A failure is logged:
/// pruning waits for the next cron, nothing else does.
pub async fn prune(ctx: &Ctx) {
    let plan = prune_plan(now_ms(), ctx.settings.retention_days);
    let statements = plan.iter().map(|p| {
        ctx.db
            .prepare(p.sql)
            .bind(&[JsValue::from_f64(p.cutoff_ms as f64)])
    });
    let statements = match statements.collect::<worker::Result<Vec<_>>>() {
        Ok(s) => s,
        Err(e) => {
            worker::console_error!("retention: could not prepare the pruning: {e}");
            return;
        }
    };
    match ctx.db.batch(statements).await {
        Ok(results) => {
            let pruned: Vec<String> = plan
                .iter()
                .zip(&results)
                .filter_map(|(p, r)| {
                    let n = r.meta().ok().flatten().and_then(|m| m.changes).unwrap_or(0);
                    (n > 0).then(|| format!("{} {n}", p.table))
                })
                .collect();
            if !pruned.is_empty() {
                worker::console_log!(
                    "retention ({} days): pruned {}",
                    ctx.settings.retention_days,
                    pruned.join(", ")
                );
            }
        }
        Err(e) => worker::console_error!("retention: pruning failed: {e}"),
    }
}
