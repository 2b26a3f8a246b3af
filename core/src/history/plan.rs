//! What a store's order history sync does on a cron.

use super::OrdersPage;
use crate::sfcc::format_iso8601_utc;

/// How the operator set the order history up (`ORDER_HISTORY_DAYS`, `ORDER_HISTORY_EMAILS`,
/// `ORDER_HISTORY_LAG_MINUTES`); there is none without SCAPI (`SCAPI_BASE_URL`,
/// `SCAPI_ORGANIZATION_ID`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryConfig {
    /// How far back the first window reaches, in days.
    pub days: u32,
    /// Whether an order goes with the shopper's email (Clerk's email and audience features use
    /// it); the customer number goes either way.
    pub emails: bool,
    /// How long an order is left to live tracking before the history reads it: a window ends
    /// this long before the cron that starts it.
    pub lag_ms: u64,
}

impl Default for HistoryConfig {
    fn default() -> Self {
        Self {
            days: 365,
            emails: false,
            lag_ms: 60 * 60 * 1000,
        }
    }
}

/// A store's history sync as D1 keeps it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HistoryState {
    /// The store's catalog has been synced once (its variants are known, so an order's lines
    /// can be named by the masters Clerk holds).
    pub catalog_synced: bool,
    /// Orders created before this were read (Unix ms); none before the first window ends.
    pub high_water_ms: Option<u64>,
    /// The window in progress: the page it is at, and when a page last finished.
    pub running: Option<(OrdersPage, u64)>,
}

/// How long a window may go without a page finishing before a cron takes it up again from the
/// page it stopped at (a page that failed for good, or a lost message).
pub const STALL_MS: u64 = 30 * 60 * 1000;

/// What the history sync does on a cron, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HistoryPlan {
    /// No order history is configured.
    Off,
    /// The store's catalog has not been synced yet; the history starts after it.
    WaitForCatalog,
    /// A window is in progress and moving.
    Busy,
    /// Nothing was created since the last window that live tracking has not had its time for.
    UpToDate,
    /// Start a window: its first page.
    Start(OrdersPage),
    /// Take up a stalled window from the page it stopped at.
    Resume(OrdersPage),
}

/// Decides the store's history sync at `now_ms`: the first window reaches `days` back, each
/// later one starts where the last ended (creation dates are read from-inclusive, to-exclusive,
/// so windows neither overlap nor leave a gap), and every window ends `lag_ms` before now.
pub fn plan_history(
    config: Option<&HistoryConfig>,
    state: &HistoryState,
    now_ms: u64,
) -> HistoryPlan {
    let Some(config) = config else {
        return HistoryPlan::Off;
    };
    if !state.catalog_synced {
        return HistoryPlan::WaitForCatalog;
    }
    if let Some((page, last_page_ms)) = &state.running {
        return if now_ms.saturating_sub(*last_page_ms) < STALL_MS {
            HistoryPlan::Busy
        } else {
            HistoryPlan::Resume(page.clone())
        };
    }
    let to_ms = now_ms.saturating_sub(config.lag_ms);
    let from_ms = state
        .high_water_ms
        .unwrap_or_else(|| to_ms.saturating_sub(u64::from(config.days) * 86_400_000));
    if from_ms >= to_ms {
        return HistoryPlan::UpToDate;
    }
    HistoryPlan::Start(OrdersPage {
        from: format_iso8601_utc(from_ms),
        skip: 0,
        to: format_iso8601_utc(to_ms),
        to_ms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_796_083_200_000; // 2026-12-01T00:00:00Z

    fn synced() -> HistoryState {
        HistoryState {
            catalog_synced: true,
            ..Default::default()
        }
    }

    #[test]
    fn the_first_window_reaches_the_configured_days_back_and_ends_the_lag_before_now() {
        let config = HistoryConfig::default();
        assert_eq!(
            plan_history(Some(&config), &synced(), NOW),
            HistoryPlan::Start(OrdersPage {
                from: "2025-11-30T23:00:00.000Z".into(),
                skip: 0,
                to: "2026-11-30T23:00:00.000Z".into(),
                to_ms: NOW - 3_600_000,
            })
        );
    }

    #[test]
    fn a_later_window_starts_where_the_last_ended() {
        let config = HistoryConfig::default();
        let state = HistoryState {
            high_water_ms: Some(NOW - 2 * 3_600_000),
            ..synced()
        };
        let HistoryPlan::Start(page) = plan_history(Some(&config), &state, NOW) else {
            panic!("a window starts");
        };
        assert_eq!(
            (page.from.as_str(), page.to.as_str()),
            ("2026-11-30T22:00:00.000Z", "2026-11-30T23:00:00.000Z")
        );
        let caught_up = HistoryState {
            high_water_ms: Some(NOW - 3_600_000),
            ..synced()
        };
        assert_eq!(
            plan_history(Some(&config), &caught_up, NOW),
            HistoryPlan::UpToDate
        );
    }

    #[test]
    fn nothing_starts_before_the_catalog_or_beside_a_moving_window_and_a_stalled_one_resumes() {
        let config = HistoryConfig::default();
        assert_eq!(plan_history(None, &synced(), NOW), HistoryPlan::Off);
        assert_eq!(
            plan_history(Some(&config), &HistoryState::default(), NOW),
            HistoryPlan::WaitForCatalog
        );
        let at = OrdersPage {
            from: "2026-03-01T10:00:00.000Z".into(),
            skip: 2,
            to: "2026-11-30T23:00:00.000Z".into(),
            to_ms: NOW - 3_600_000,
        };
        let moving = HistoryState {
            running: Some((at.clone(), NOW - 60_000)),
            ..synced()
        };
        assert_eq!(plan_history(Some(&config), &moving, NOW), HistoryPlan::Busy);
        let stalled = HistoryState {
            running: Some((at.clone(), NOW - STALL_MS)),
            ..synced()
        };
        assert_eq!(
            plan_history(Some(&config), &stalled, NOW),
            HistoryPlan::Resume(at)
        );
    }
}
