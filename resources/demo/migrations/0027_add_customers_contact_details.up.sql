-- Collect phone number and date of birth at checkout (needed for age-restricted products),
-- and give the reporting team read access to customers for the weekly dashboard.
-- DANGEROUS for compliance: phone and date_of_birth are personal data (GDPR) and
-- date_of_birth is a HIPAA identifier; the table-wide GRANT hands every PII column
-- (email, name, phone, birth date) to a role used by BI tools, with no classification,
-- no consent filter and no row-level security. 0028 does this properly.

ALTER TABLE shop.customers
    ADD COLUMN phone text,
    ADD COLUMN date_of_birth date;

-- Roles are cluster-wide: create the reporting role once, whichever database gets here first.
DO $$
BEGIN
    CREATE ROLE shop_reporting NOLOGIN;
EXCEPTION
    WHEN duplicate_object OR unique_violation THEN
        NULL;
END;
$$;

GRANT USAGE ON SCHEMA shop TO shop_reporting;

GRANT SELECT ON shop.customers TO shop_reporting;
