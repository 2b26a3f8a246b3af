-- An event being sent by one consumer invocation: another invocation holding a copy of the same
-- event (the server and the page both saw it, or the queue redelivered it) waits until the lease
-- ends instead of sending it a second time. Released when the attempt is over.
CREATE TABLE IF NOT EXISTS event_claims (
    event_id TEXT PRIMARY KEY,
    until_ms INTEGER NOT NULL
);
