use super::segment::KEY_SPAN;
use serde::{Deserialize, Serialize};

/// What a run covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum RunMode {
    /// Every product; at the end, what Clerk holds and SFCC no longer has is deleted.
    Full,
    /// Products modified in a time window (ISO 8601 UTC bounds, inclusive).
    Delta {
        /// Window start.
        from: String,
        /// Window end.
        to: String,
    },
    /// Part of a delta run: a slice of every product, read again for what changes without
    /// touching `last_modified` (price book entries, inventory records). The ledger keeps what did
    /// not change from being sent.
    Sweep,
}

impl RunMode {
    /// `full` or `delta`, as stored.
    pub fn label(&self) -> &'static str {
        match self {
            RunMode::Full => "full",
            RunMode::Delta { .. } => "delta",
            RunMode::Sweep => "sweep",
        }
    }
}

/// One page of a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageJob {
    /// Store name.
    pub store: String,
    /// The run.
    pub run_id: String,
    /// What the run covers.
    #[serde(flatten)]
    pub mode: RunMode,
    /// Offset of the page within its segment (OCAPI takes `start` up to
    /// [`MAX_START`](super::segment::MAX_START)).
    pub start: u32,
    /// Page size.
    pub count: u32,
    /// The segment's number in its run: 0 for the first (see [`super::segment`]).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub segment: u32,
    /// Keyset paging: the segment reads only ids after this one (the last id of the segment
    /// before it); none for the first segment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// One unit of catalog work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "job", rename_all = "snake_case")]
pub enum CatalogJob {
    /// Fetch a page from SFCC, map it, send Clerk what changed; the first page fans out the rest.
    Page(PageJob),
    /// Re-map masters whose variants changed (a delta sees the variant, not its master).
    Masters {
        /// Store name.
        store: String,
        /// The run.
        run_id: String,
        /// Master product ids.
        ids: Vec<String>,
    },
    /// Send the store's category tree to Clerk (part of a full run).
    Categories {
        /// Store name.
        store: String,
        /// The run.
        run_id: String,
    },
    /// After a full run: delete from Clerk the products the run did not see, a batch at a time.
    DeleteStale {
        /// Store name.
        store: String,
        /// The run whose unseen products go.
        run_id: String,
    },
    /// One page of the store's customer list, modified in a window (all of it without `from`).
    Customers {
        /// Store name.
        store: String,
        /// Window start (ISO 8601 UTC), none for every customer.
        from: Option<String>,
        /// Window end (ISO 8601 UTC).
        to: String,
        /// Window end, Unix ms: the next high-water mark.
        to_ms: u64,
        /// Offset of the page.
        start: u32,
    },
    /// One page of the store's order history (see [`crate::history`]).
    Orders {
        /// Store name.
        store: String,
        /// The page.
        #[serde(flatten)]
        page: crate::history::OrdersPage,
    },
}

impl PageJob {
    /// The page's key among its run's pages: `segment × 1000 + start` (the page's offset in the
    /// whole window when the page size divides 1000), or for a sweep page (whose keys may repeat
    /// the window's) `-1 -` that.
    pub fn page_key(&self) -> i64 {
        let key = i64::from(self.segment) * KEY_SPAN + i64::from(self.start);
        match self.mode {
            RunMode::Sweep => -1 - key,
            _ => key,
        }
    }
}

impl CatalogJob {
    /// The store the job is for.
    pub fn store(&self) -> &str {
        match self {
            CatalogJob::Page(p) => &p.store,
            CatalogJob::Masters { store, .. }
            | CatalogJob::Categories { store, .. }
            | CatalogJob::DeleteStale { store, .. }
            | CatalogJob::Customers { store, .. }
            | CatalogJob::Orders { store, .. } => store,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sweep_pages_have_keys_apart_from_window_pages() {
        let page = |mode: RunMode, start| PageJob {
            store: "us".into(),
            run_id: "r".into(),
            mode,
            start,
            count: 100,
            segment: 0,
            after: None,
        };
        assert_eq!(page(RunMode::Full, 0).page_key(), 0);
        assert_eq!(page(RunMode::Full, 200).page_key(), 200);
        assert_eq!(page(RunMode::Sweep, 0).page_key(), -1);
        assert_eq!(page(RunMode::Sweep, 200).page_key(), -201);
        let later = PageJob {
            segment: 3,
            after: Some("P0002999".into()),
            ..page(RunMode::Full, 900)
        };
        assert_eq!(later.page_key(), 3900, "segment 3, its tenth page of 100");
        let json = serde_json::to_string(&later).unwrap();
        assert!(json.contains(r#""segment":3,"after":"P0002999""#), "{json}");
        assert_eq!(serde_json::from_str::<PageJob>(&json).unwrap(), later);
        let json = serde_json::to_string(&CatalogJob::Page(page(RunMode::Sweep, 200))).unwrap();
        assert!(json.contains(r#""mode":"sweep""#), "{json}");
    }

    #[test]
    fn jobs_round_trip_as_flat_json() {
        let page = CatalogJob::Page(PageJob {
            store: "us".into(),
            run_id: "r1".into(),
            mode: RunMode::Delta {
                from: "2026-01-01T00:00:00.000Z".into(),
                to: "2026-01-01T00:15:00.000Z".into(),
            },
            start: 200,
            count: 100,
            segment: 0,
            after: None,
        });
        let json = serde_json::to_string(&page).unwrap();
        assert_eq!(
            json,
            r#"{"job":"page","store":"us","run_id":"r1","mode":"delta","from":"2026-01-01T00:00:00.000Z","to":"2026-01-01T00:15:00.000Z","start":200,"count":100}"#
        );
        assert_eq!(serde_json::from_str::<CatalogJob>(&json).unwrap(), page);
        let stale = CatalogJob::DeleteStale {
            store: "de".into(),
            run_id: "r2".into(),
        };
        assert_eq!(
            serde_json::from_str::<CatalogJob>(&serde_json::to_string(&stale).unwrap())
                .unwrap()
                .store(),
            "de"
        );
    }
}
