//! How long the worker's records are kept. Every cron run prunes what is older than the
//! retention period, so D1 stays small and the status queries stay fast. Nothing that still
//! matters is pruned early: a running sync keeps its pages, and an event stays "sent" long after
//! any queue could still redeliver it.
//!
//! A waiting dead letter is kept for the retention, and at least [`MIN_SENT_EVENT_DAYS`]; the
//! status page counts those the next [`DEAD_LETTER_NOTICE_DAYS`] will drop, so an operator sees
//! them before they go. At most [`MAX_WAITING_DEAD_LETTERS`] wait at once: past it, the newest
//! are dropped at the next cron (the first failures of an incident show its cause, and a flood
//! cannot push out what waited before it), so nothing a browser can send grows D1 without end.

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

/// Most dead letters waiting at once (all stores and queues); the newest past it are dropped.
pub const MAX_WAITING_DEAD_LETTERS: u64 = 100_000;

/// How many days ahead the status page counts the waiting dead letters the retention drops.
pub const DEAD_LETTER_NOTICE_DAYS: u32 = 3;

const DAY_MS: u64 = 24 * 60 * 60 * 1000;

/// Days a waiting dead letter is kept with `days` of retention.
fn waiting_dead_letter_days(days: u32) -> u32 {
    days.max(MIN_SENT_EVENT_DAYS)
}

/// Waiting dead letters from before this time (Unix ms) are dropped within
/// [`DEAD_LETTER_NOTICE_DAYS`] unless replayed.
pub fn dead_letter_notice_cutoff(now_ms: u64, days: u32) -> u64 {
    let kept = u64::from(waiting_dead_letter_days(days).saturating_sub(DEAD_LETTER_NOTICE_DAYS));
    now_ms.saturating_sub(kept * DAY_MS)
}

/// Drops the waiting dead letters past the first [`MAX_WAITING_DEAD_LETTERS`] (`OFFSET` is one
/// less); `?1` is the time of the cron, so every row counts.
const PAST_THE_BOUND: &str = concat!(
    "DELETE FROM dead_letters WHERE replayed_at_ms IS NULL AND at_ms <= ?1 AND id > ",
    "(SELECT id FROM dead_letters WHERE replayed_at_ms IS NULL ORDER BY id LIMIT 1 OFFSET 99999)"
);

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
        prune(
            "dead_letters",
            "DELETE FROM dead_letters WHERE replayed_at_ms IS NOT NULL AND replayed_at_ms < ?1",
        ),
        // Waiting ones are kept longer than the queues could redeliver, and shown before they go.
        Prune {
            table: "dead_letters waiting",
            sql: "DELETE FROM dead_letters WHERE replayed_at_ms IS NULL AND at_ms < ?1",
            cutoff_ms: before(waiting_dead_letter_days(days)),
        },
        // An in-doubt sale's claim stood for its dead letter, which is gone with it.
        Prune {
            table: "sent_events in doubt",
            sql: "DELETE FROM sent_events WHERE state = 'sending' AND at_ms < ?1",
            cutoff_ms: before(waiting_dead_letter_days(days)),
        },
        Prune {
            table: "dead_letters past the bound",
            sql: PAST_THE_BOUND,
            cutoff_ms: now_ms,
        },
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
            .filter(|p| {
                !["qa_events", "sale_details", "dead_letters past the bound"].contains(&p.table)
            })
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
        assert!(prune_plan(DAY_MS, 30)
            .iter()
            .filter(|p| p.table != "dead_letters past the bound")
            .all(|p| p.cutoff_ms == 0));
    }

    #[test]
    fn waiting_dead_letters_are_kept_past_any_redelivery_and_bounded() {
        let plan = prune_plan(40 * DAY_MS, 1);
        let find = |table: &str| plan.iter().find(|p| p.table == table).unwrap();
        assert_eq!(
            find("dead_letters waiting").cutoff_ms,
            25 * DAY_MS,
            "15 days at least, whatever the retention"
        );
        assert_eq!(
            find("sent_events in doubt").cutoff_ms,
            25 * DAY_MS,
            "an in-doubt sale's claim goes with its dead letter"
        );
        let at = |table: &str| plan.iter().position(|p| p.table == table);
        assert!(at("dead_letters waiting") < at("dead_letters past the bound"));
        let bound = find("dead_letters past the bound");
        assert_eq!(bound.cutoff_ms, 40 * DAY_MS);
        assert!(bound
            .sql
            .ends_with(&format!("OFFSET {})", MAX_WAITING_DEAD_LETTERS - 1)));
        assert_eq!(
            dead_letter_notice_cutoff(40 * DAY_MS, 1),
            28 * DAY_MS,
            "what the waiting prune takes within three days"
        );
        assert_eq!(dead_letter_notice_cutoff(40 * DAY_MS, 30), 13 * DAY_MS);
    }

    #[test]
    fn running_syncs_are_never_pruned() {
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
