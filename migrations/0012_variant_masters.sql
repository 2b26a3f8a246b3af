-- Which master stands for a variant in Clerk: written by the catalog sync from each master it
-- sends (its `variants`), read by the events consumer so that every Clerk call names a product
-- Clerk holds (storefronts name the variant a shopper picked). Catalog-wide: a variant has one
-- master in SFCC whichever site sells it.
CREATE TABLE variant_masters (
  variant_id TEXT PRIMARY KEY,
  master_id TEXT NOT NULL
);
