-- Undo 0015: back to a nullable column guarded by the validated CHECK.

ALTER TABLE shop.customers
    ADD CONSTRAINT customers_country_code_required
    CHECK (country_code IS NOT NULL);

ALTER TABLE shop.customers
    ALTER COLUMN country_code DROP NOT NULL;
