-- QA: how the worker took each event a QA browser's page produced (received = queued, held in
-- the page, or dropped for want of consent), per page view and event id. What Clerk made of it is
-- the delivery log's (deliveries.ref is the event id). Written only for browsers in QA mode; the
-- cron's retention deletes rows older than a day.
CREATE TABLE qa_events (
  page_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  state TEXT NOT NULL,           -- received | held | dropped
  reason TEXT,                   -- why held or dropped
  received_at_ms INTEGER NOT NULL,
  at_ms INTEGER NOT NULL,        -- last change (a held event released)
  PRIMARY KEY (page_id, event_id)
);
CREATE INDEX qa_events_by_time ON qa_events (received_at_ms);
