-- A copy of a sale is now recorded per order and page view: the confirmation page the worker
-- served is the proof a page's own `purchase` report is about an order it was shown (see
-- core/src/event/sale_copy.rs), and a page's customer number only fills in the sale read from
-- that same page. The table is made anew (its key changes): rows of sales in flight when this
-- migration runs (kept two days at most) are dropped, and those sales go without the other
-- copy's customer number or email.
DROP TABLE IF EXISTS sale_details;
CREATE TABLE sale_details (
  event_id TEXT NOT NULL,                 -- order-{order number}
  page_id TEXT NOT NULL DEFAULT '',       -- the page view the copy was seen on ('' when none)
  customer TEXT,                          -- the shop's customer number (the page's report)
  email TEXT,                             -- with consent to identify (the server's reading)
  served INTEGER NOT NULL DEFAULT 0,      -- 1: the worker served this page as the order's confirmation
  server_copy INTEGER NOT NULL DEFAULT 0, -- 1: the worker queued its own reading of the order
  at_ms INTEGER NOT NULL,
  PRIMARY KEY (event_id, page_id)
);
CREATE INDEX sale_details_by_time ON sale_details (at_ms);
