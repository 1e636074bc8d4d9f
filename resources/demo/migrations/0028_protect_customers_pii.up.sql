-- Do 0027 properly: classify the personal-data columns, give reporting only the columns it
-- needs, and only for customers who consented to analytics (row level security).
-- SAFE: catalog-only changes; ENABLE ROW LEVEL SECURITY takes ACCESS EXCLUSIVE for an instant.

SET LOCAL lock_timeout = '3s';

COMMENT ON COLUMN shop.customers.email IS
    'PII (GDPR personal data; HIPAA identifier): contact e-mail. Restricted: support and billing only.';

COMMENT ON COLUMN shop.customers.display_name IS
    'PII (GDPR personal data): name chosen by the customer. Restricted: support and billing only.';

COMMENT ON COLUMN shop.customers.phone IS
    'PII (GDPR personal data; HIPAA identifier): phone number, E.164. Restricted: support only.';

COMMENT ON COLUMN shop.customers.date_of_birth IS
    'PII (GDPR personal data; HIPAA identifier): date of birth, for age checks only. Restricted: never exported.';

REVOKE SELECT ON shop.customers FROM shop_reporting;

GRANT SELECT (id, locale, country_code, marketing_opt_in, created_at)
    ON shop.customers TO shop_reporting;

ALTER TABLE shop.customers ENABLE ROW LEVEL SECURITY;

CREATE POLICY customers_reporting_consented ON shop.customers
    FOR SELECT TO shop_reporting
    USING (marketing_opt_in);
