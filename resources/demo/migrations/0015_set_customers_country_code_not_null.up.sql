-- Step 5 of 5: make country_code NOT NULL and drop the now redundant CHECK.
-- SAFE on PostgreSQL 12+: SET NOT NULL sees the validated CHECK and skips the full-table scan,
-- so ACCESS EXCLUSIVE is held only for an instant.

SET LOCAL lock_timeout = '3s';

ALTER TABLE shop.customers
    ALTER COLUMN country_code SET NOT NULL;

ALTER TABLE shop.customers
    DROP CONSTRAINT customers_country_code_required;
