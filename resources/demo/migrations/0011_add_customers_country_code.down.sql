-- Undo 0011.

SET LOCAL lock_timeout = '3s';

ALTER TABLE shop.customers DROP COLUMN country_code;
