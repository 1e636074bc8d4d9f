-- Undo 0028: back to the table-wide grant of 0027, no row level security, no classification.

DROP POLICY customers_reporting_consented ON shop.customers;

ALTER TABLE shop.customers DISABLE ROW LEVEL SECURITY;

REVOKE SELECT (id, locale, country_code, marketing_opt_in, created_at)
    ON shop.customers FROM shop_reporting;

GRANT SELECT ON shop.customers TO shop_reporting;

COMMENT ON COLUMN shop.customers.date_of_birth IS NULL;

COMMENT ON COLUMN shop.customers.phone IS NULL;

COMMENT ON COLUMN shop.customers.display_name IS NULL;

COMMENT ON COLUMN shop.customers.email IS NULL;
