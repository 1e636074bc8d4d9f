-- Undo 0027. The shop_reporting role is cluster-wide and may be used by other databases:
-- it is left in place, only its privileges here are revoked.

REVOKE SELECT ON shop.customers FROM shop_reporting;

REVOKE USAGE ON SCHEMA shop FROM shop_reporting;

ALTER TABLE shop.customers
    DROP COLUMN date_of_birth,
    DROP COLUMN phone;
