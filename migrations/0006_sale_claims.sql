-- A sale (an order in Clerk) is claimed before it is sent: 'sending' until Clerk's answer is
-- recorded, then 'sent'. A claim still 'sending' when the sale comes round again means an earlier
-- attempt may have reached Clerk, so the sale is kept as an in-doubt dead letter, never re-sent
-- on its own.
ALTER TABLE sent_events ADD COLUMN state TEXT NOT NULL DEFAULT 'sent';
