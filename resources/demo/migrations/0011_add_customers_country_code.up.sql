-- Customers get an ISO 3166 country code (step 1 of 5 of making it NOT NULL safely).
-- SAFE: a nullable column without default is a catalog-only change. The ACCESS EXCLUSIVE lock
-- is still needed for an instant, so give up quickly instead of queueing behind a long
-- transaction and blocking every query on customers behind us.

SET LOCAL lock_timeout = '3s';

ALTER TABLE shop.customers
    ADD COLUMN country_code text;
