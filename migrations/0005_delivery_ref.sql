-- The message a call was for (an event's id), so the status report can tell an event waiting for
-- its retry from one that has had it.
ALTER TABLE deliveries ADD COLUMN ref TEXT;
CREATE INDEX deliveries_by_ref ON deliveries (ref) WHERE ref IS NOT NULL;
