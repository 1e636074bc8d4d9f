-- Step 3 of 5: promise that country_code is never NULL, without checking existing rows yet.
-- SAFE: NOT VALID skips the scan; only new and updated rows are checked from now on.

SET LOCAL lock_timeout = '3s';

ALTER TABLE shop.customers
    ADD CONSTRAINT customers_country_code_required
    CHECK (country_code IS NOT NULL) NOT VALID;
