//! Catalog sync jobs, carried on the `catalog-jobs` queue so that work larger than one invocation
//! is split into pages.

use serde::{Deserialize, Serialize};

/// Products fetched from SFCC and pushed to Clerk per job.
pub const DEFAULT_PAGE_SIZE: u32 = 100;

/// One unit of catalog work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "job", rename_all = "snake_case")]
pub enum CatalogJob {
    /// Fetch one page of products from SFCC, map it, and push it to the store's Clerk store; then
    /// enqueue the next page if there is one.
    SyncPage {
        /// The store name.
        store: String,
        /// Identifies the sync run the page belongs to.
        run_id: String,
        /// Offset of the page.
        start: u32,
        /// Page size.
        count: u32,
    },
}

impl CatalogJob {
    /// The first page of a new sync run.
    pub fn first_page(store: &str, run_id: &str) -> Self {
        CatalogJob::SyncPage {
            store: store.into(),
            run_id: run_id.into(),
            start: 0,
            count: DEFAULT_PAGE_SIZE,
        }
    }

    /// The page after this one, when SFCC reported more (`next_start`).
    pub fn next(&self, next_start: Option<u32>) -> Option<Self> {
        let CatalogJob::SyncPage {
            store,
            run_id,
            count,
            ..
        } = self;
        next_start.map(|start| CatalogJob::SyncPage {
            store: store.clone(),
            run_id: run_id.clone(),
            start,
            count: *count,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_chain_and_round_trip() {
        let first = CatalogJob::first_page("us", "r1");
        let json = serde_json::to_string(&first).unwrap();
        assert_eq!(
            json,
            r#"{"job":"sync_page","store":"us","run_id":"r1","start":0,"count":100}"#
        );
        assert_eq!(serde_json::from_str::<CatalogJob>(&json).unwrap(), first);
        assert!(matches!(
            first.next(Some(100)),
            Some(CatalogJob::SyncPage { start: 100, .. })
        ));
        assert_eq!(first.next(None), None);
    }
}
