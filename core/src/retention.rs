//! How long the worker's records are kept. Every cron run prunes what is older than the
//! retention period, so D1 stays small and the status queries stay fast. Nothing that still
//! matters is pruned: a dead letter waits until it is replayed, a running sync keeps its pages,
//! and an event stays "sent" long after any queue could still redeliver it.

/// Default retention, days (`RETENTION_DAYS`).
pub const DEFAULT_RETENTION_DAYS: u32 = 30;

/// The longest retention accepted, days.
pub const MAX_RETENTION_DAYS: u32 = 3650;

/// Sent event ids are kept at least this long, days: longer than Cloudflare Queues keep a message
/// (14 days at most) and than the retry policy's last attempt.
pub const MIN_SENT_EVENT_DAYS: u32 = 15;

/// QA receipts (`qa_events`) are kept this long, days: a QA session lasts eight hours, and the
/// validator asks about a page within seconds of its load.
pub const QA_RECEIPT_DAYS: u32 = 1;

/// What a sale's copies carried (`sale_details`: customer numbers and emails) is kept this long,
/// days: both copies are delivered within minutes, retries within hours.
pub const SALE_DETAIL_DAYS: u32 = 2;

const DAY_MS: u64 = 24 * 60 * 60 * 1000;

/// One pruning statement: SQL with `?1` bound to the cutoff (Unix milliseconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prune {
    /// The table it prunes (for the log line).
    pub table: &'static str,
    /// `DELETE … WHERE … < ?1`.
    pub sql: &'static str,
    /// Rows older than this go.
    pub cutoff_ms: u64,
}

/// What to prune at `now_ms` with `days` of retention, in an order that never orphans a row
/// (a run's pages go before the run).
pub fn prune_plan(now_ms: u64, days: u32) -> Vec<Prune> {
    let before = |days: u32| now_ms.saturating_sub(u64::from(days) * DAY_MS);
    let cutoff_ms = before(days);
    let prune = |table, sql| Prune {
        table,
        sql,
        cutoff_ms,
    };
    vec![
        prune(
            "deliveries",
            "DELETE FROM deliveries WHERE at_ms < ?1",
        ),
        prune(
            "validation_failures",
            "DELETE FROM validation_failures WHERE at_ms < ?1",
        ),
        prune(
            "event_refusals",
            "DELETE FROM event_refusals WHERE hour_ms < ?1",
        ),
        prune(
            "unknown_products",
            "DELETE FROM unknown_products WHERE hour_ms < ?1",
        ),
        // Replayed dead letters only: one still waiting is kept until someone replays it.
        prune(
            "dead_letters",
            "DELETE FROM dead_letters WHERE replayed_at_ms IS NOT NULL AND replayed_at_ms < ?1",
        ),
        // Queues give up on a message within days; an event id older than the retention cannot
        // come back, so forgetting it sends nothing twice.
        Prune {
            table: "sent_events",
            // A sale still `sending` stands for an in-doubt dead letter: kept with it.
            sql: "DELETE FROM sent_events WHERE state = 'sent' AND at_ms < ?1",
            cutoff_ms: before(days.max(MIN_SENT_EVENT_DAYS)),
        },
        Prune {
            table: "sale_details",
            sql: "DELETE FROM sale_details WHERE at_ms < ?1",
            cutoff_ms: before(SALE_DETAIL_DAYS.min(days)),
        },
        Prune {
            table: "qa_events",
            sql: "DELETE FROM qa_events WHERE received_at_ms < ?1",
            cutoff_ms: before(QA_RECEIPT_DAYS.min(days)),
        },
        // A claim outlives its lease only when its holder died mid-send.
        prune(
            "event_claims",
            "DELETE FROM event_claims WHERE until_ms < ?1",
        ),
        prune(
            "run_pages",
            "DELETE FROM run_pages WHERE run_id IN (SELECT run_id FROM sync_runs WHERE status = 'finished' AND finished_at_ms < ?1)",
        ),
        prune(
            "run_segments",
            "DELETE FROM run_segments WHERE run_id IN (SELECT run_id FROM sync_runs WHERE status = 'finished' AND finished_at_ms < ?1)",
        ),
        prune(
            "sync_runs",
            "DELETE FROM sync_runs WHERE status = 'finished' AND finished_at_ms < ?1",
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cutoff_is_the_retention_before_now_and_never_underflows() {
        let plan = prune_plan(40 * DAY_MS, 30);
        assert!(plan
            .iter()
            .filter(|p| !["qa_events", "sale_details"].contains(&p.table))
            .all(|p| p.cutoff_ms == 10 * DAY_MS));
        let short = prune_plan(40 * DAY_MS, 1);
        let sent = short.iter().find(|p| p.table == "sent_events").unwrap();
        assert_eq!(
            sent.cutoff_ms,
            25 * DAY_MS,
            "event ids outlive any redelivery"
        );
        let qa = plan.iter().find(|p| p.table == "qa_events").unwrap();
        assert_eq!(qa.cutoff_ms, 39 * DAY_MS, "QA receipts are kept a day");
        let sales = plan.iter().find(|p| p.table == "sale_details").unwrap();
        assert_eq!(
            sales.cutoff_ms,
            38 * DAY_MS,
            "sale details are kept two days"
        );
        assert!(prune_plan(DAY_MS, 30).iter().all(|p| p.cutoff_ms == 0));
    }

    #[test]
    fn waiting_dead_letters_and_running_syncs_are_never_pruned() {
        let plan = prune_plan(0, 1);
        let sql = |table: &str| plan.iter().find(|p| p.table == table).unwrap().sql;
        assert!(sql("dead_letters").contains("replayed_at_ms IS NOT NULL"));
        assert!(sql("sync_runs").contains("status = 'finished'"));
        assert!(sql("run_pages").contains("status = 'finished'"));
        assert!(sql("run_segments").contains("status = 'finished'"));
        let at = |table: &str| plan.iter().position(|p| p.table == table);
        let runs = at("sync_runs");
        assert!(at("run_pages") < runs, "a run's pages go first");
        assert!(at("run_segments") < runs, "and its segments");
        assert!(plan
            .iter()
            .all(|p| p.sql.starts_with("DELETE FROM ") && p.sql.contains("?1")));
    }
}
