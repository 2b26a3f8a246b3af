-- Keyset paging (core/src/catalog/segment.rs). OCAPI takes `start` only up to 999, so a run
-- reads its window in segments of at most 1,000 products, each reading the ids after the last id
-- of the segment before it. One row per segment: about 1,000 rows for a 1,000,000-product run.
CREATE TABLE run_segments (
  run_id TEXT NOT NULL,
  segment INTEGER NOT NULL,
  after TEXT,                  -- reads ids after this one; NULL for the first segment
  pages INTEGER NOT NULL,      -- 1 until its first page has its total
  first_queued INTEGER NOT NULL DEFAULT 0,  -- 1 once its first page is on the queue
  fanned_out INTEGER NOT NULL DEFAULT 0,    -- 1 once its first page queued its other pages
  PRIMARY KEY (run_id, segment)
);

-- A delta run's sweep reads the ids after a cursor rather than from an offset. The offset
-- columns of 0002 (sweep_offset, sweep_total, sweep_from) are no longer read.
ALTER TABLE sync_state ADD COLUMN sweep_after TEXT;
ALTER TABLE sync_runs ADD COLUMN sweep_after TEXT;
