-- What each copy of a sale carried that the other may lack: the page's report has the shop's
-- customer number, the server's reading of the confirmation page the email. Whichever copy is
-- delivered to Clerk first goes with both. Written only for sales with either; the cron's
-- retention deletes rows after two days.
CREATE TABLE sale_details (
  event_id TEXT PRIMARY KEY,     -- order-{order number}
  customer TEXT,
  email TEXT,
  at_ms INTEGER NOT NULL
);
CREATE INDEX sale_details_by_time ON sale_details (at_ms);
