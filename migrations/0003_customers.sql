-- Customer sync to Clerk (audiences and email): per store, the last_modified high-water mark of
-- its SFCC customer list.
CREATE TABLE customer_sync (
  store TEXT PRIMARY KEY,
  high_water_ms INTEGER NOT NULL
);
