-- A full re-index its cron found the store busy for (a delta fired the same minute, or ran
-- long) is owed: the next cron that finds the store free runs it (core/src/catalog/plan.rs).
ALTER TABLE sync_state ADD COLUMN full_owed INTEGER NOT NULL DEFAULT 0;
