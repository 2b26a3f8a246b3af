-- Per store: the order history sync (core/src/history). Orders created before high_water_ms
-- went to Clerk; while a window runs, `page` is the page it is at (the JSON of the page job, so
-- a page delivered twice is done once) and last_page_ms when a page last finished.
CREATE TABLE order_history (
  store TEXT PRIMARY KEY,
  high_water_ms INTEGER,
  page TEXT,
  last_page_ms INTEGER,
  sent INTEGER NOT NULL DEFAULT 0,     -- orders sent to Clerk, every window
  skipped INTEGER NOT NULL DEFAULT 0   -- left out: not a sale, no product lines, unreadable, or
                                       -- already sent by live tracking
);
