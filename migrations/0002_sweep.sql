-- Delta runs also read a slice of the whole catalog again (price book and inventory changes do
-- not touch a product's last_modified): where the next slice starts, and the catalog size the
-- last slice saw.
ALTER TABLE sync_state ADD COLUMN sweep_offset INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_state ADD COLUMN sweep_total INTEGER;
-- A delta run's sweep: how many pages from which offset, read once the window's pages are done.
ALTER TABLE sync_runs ADD COLUMN sweep_pages INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_runs ADD COLUMN sweep_from INTEGER NOT NULL DEFAULT 0;
