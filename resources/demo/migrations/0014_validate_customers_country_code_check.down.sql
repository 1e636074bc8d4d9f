-- Undo 0014: put the constraint back in its not-yet-validated state.

ALTER TABLE shop.customers DROP CONSTRAINT customers_country_code_required;

ALTER TABLE shop.customers
    ADD CONSTRAINT customers_country_code_required
    CHECK (country_code IS NOT NULL) NOT VALID;
