-- Product ids events named that Clerk does not hold (no product of the store's catalog sync, as
-- its ledger records, and no variant of one), counted per store, hour and id for the status
-- page. The event is still sent with the id as it was. Written only for events naming such an
-- id, on their first attempt; a store keeps at most 50 ids an hour (the rest count under '').
-- The cron's retention deletes hours older than the retention period.
CREATE TABLE unknown_products (
  store TEXT NOT NULL,
  hour_ms INTEGER NOT NULL,      -- the start of the hour, Unix ms
  product_id TEXT NOT NULL,      -- '' for the ids past the hour's 50
  n INTEGER NOT NULL,
  last_at_ms INTEGER NOT NULL,
  PRIMARY KEY (store, hour_ms, product_id)
);
CREATE INDEX unknown_products_by_hour ON unknown_products (hour_ms);
