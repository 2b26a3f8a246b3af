-- Events the worker refused (malformed data-layer pushes and beacon events), counted per store,
-- hour, event name and reason for the status page. Only the counts: never the events. A store
-- keeps at most 50 kinds an hour (the rest count under one "other reasons" row); the cron's
-- retention deletes hours older than the retention period.
CREATE TABLE event_refusals (
  store TEXT NOT NULL,
  hour_ms INTEGER NOT NULL,      -- the start of the hour, Unix ms
  name TEXT NOT NULL,            -- GA4 `event` or `type` as the page sent it; '' when none
  reason TEXT NOT NULL,
  n INTEGER NOT NULL,
  last_at_ms INTEGER NOT NULL,
  PRIMARY KEY (store, hour_ms, name, reason)
);
CREATE INDEX event_refusals_by_hour ON event_refusals (hour_ms);
