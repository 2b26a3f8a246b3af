-- What each Clerk store last received per product, in brief (name, price, currency, in stock):
-- QA compares the page with it.
ALTER TABLE ledger ADD COLUMN feed TEXT;
