-- Step 4 of 5: check the existing rows.
-- SAFE: VALIDATE CONSTRAINT scans under SHARE UPDATE EXCLUSIVE; reads and writes continue.
-- Kept in its own migration so it does not share a transaction with the ACCESS EXCLUSIVE lock
-- taken by the NOT VALID add.

ALTER TABLE shop.customers
    VALIDATE CONSTRAINT customers_country_code_required;
