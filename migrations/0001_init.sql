-- sfcc-clerk worker state in D1: the delivery log, the sync ledger, runs, dead letters.

-- Every outbound call (SFCC and Clerk): where it went, what came back, which attempt.
CREATE TABLE deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at_ms INTEGER NOT NULL,
  kind TEXT NOT NULL,          -- catalog | event | sfcc
  store TEXT NOT NULL,
  endpoint TEXT NOT NULL,      -- method and path, never a query string
  status INTEGER,              -- HTTP status, NULL when no answer
  attempt INTEGER NOT NULL,
  items INTEGER NOT NULL,
  duration_ms INTEGER NOT NULL,
  outcome TEXT NOT NULL,       -- delivered | retry | dead_letter
  error TEXT
);
CREATE INDEX deliveries_by_time ON deliveries (at_ms DESC);

-- What each Clerk store last received per product, so an unchanged product is never re-sent.
CREATE TABLE ledger (
  store TEXT NOT NULL,
  product_id TEXT NOT NULL,
  hash TEXT NOT NULL,
  sent_at_ms INTEGER NOT NULL,
  seen_run TEXT,               -- the last run that saw the product in SFCC
  PRIMARY KEY (store, product_id)
);

-- One row per catalog sync run, updated by each page.
CREATE TABLE sync_runs (
  run_id TEXT PRIMARY KEY,
  store TEXT NOT NULL,
  trigger TEXT NOT NULL,       -- cron | admin
  mode TEXT NOT NULL,          -- full | delta
  status TEXT NOT NULL DEFAULT 'running',  -- running | deleting_stale | finished
  started_at_ms INTEGER NOT NULL,
  finished_at_ms INTEGER,
  window_from TEXT,            -- delta: modified from (ISO 8601)
  window_to_ms INTEGER NOT NULL,  -- the store's high-water mark once the run finishes
  expected_pages INTEGER,      -- known once the first page has the total
  total INTEGER,
  pages INTEGER NOT NULL DEFAULT 0,
  upserted INTEGER NOT NULL DEFAULT 0,
  unchanged INTEGER NOT NULL DEFAULT 0,
  removed INTEGER NOT NULL DEFAULT 0,
  rejected INTEGER NOT NULL DEFAULT 0
);

-- Pages of a run that are done (at-least-once delivery: a page is counted once).
CREATE TABLE run_pages (
  run_id TEXT NOT NULL,
  start INTEGER NOT NULL,
  PRIMARY KEY (run_id, start)
);

-- One run per store at a time; a lock older than its TTL may be taken over.
CREATE TABLE store_locks (
  store TEXT PRIMARY KEY,
  run_id TEXT NOT NULL,
  since_ms INTEGER NOT NULL
);

-- Per store: products modified up to this time have been synced.
CREATE TABLE sync_state (
  store TEXT PRIMARY KEY,
  high_water_ms INTEGER NOT NULL
);

-- Records that failed validation: not sent, kept with product id, field and reason.
CREATE TABLE validation_failures (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at_ms INTEGER NOT NULL,
  run_id TEXT NOT NULL,
  store TEXT NOT NULL,
  product_id TEXT NOT NULL,
  problems TEXT NOT NULL       -- JSON list of {field, reason}
);

-- Deliveries that ran out of attempts or were refused for good, kept for replay.
CREATE TABLE dead_letters (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at_ms INTEGER NOT NULL,
  queue TEXT NOT NULL,
  store TEXT NOT NULL,
  reason TEXT NOT NULL,
  payload TEXT NOT NULL,       -- the queue message, JSON
  replayed_at_ms INTEGER
);

-- Event ids Clerk has accepted: at-least-once queue delivery never sends one twice.
CREATE TABLE sent_events (
  event_id TEXT PRIMARY KEY,
  at_ms INTEGER NOT NULL
);
