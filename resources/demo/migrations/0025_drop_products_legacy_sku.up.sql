-- The old ERP is switched off: drop products.legacy_sku.
-- DANGEROUS and irreversible: the data is gone (no down migration can bring it back), any code
-- or report still reading the column fails, and it needs ACCESS EXCLUSIVE on products.
-- Take a backup of the column first and make sure no query has used it for a release.
-- IF EXISTS: some environments already dropped it by hand during the ERP shutdown.

ALTER TABLE shop.products
    DROP COLUMN IF EXISTS legacy_sku;
