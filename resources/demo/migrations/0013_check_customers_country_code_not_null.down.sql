-- Undo 0013.

ALTER TABLE shop.customers DROP CONSTRAINT customers_country_code_required;
