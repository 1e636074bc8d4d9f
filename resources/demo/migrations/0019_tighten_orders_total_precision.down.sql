-- Undo 0019 (numeric(12,2) -> numeric is binary-coercible: no rewrite).

ALTER TABLE shop.orders
    ALTER COLUMN total_amount TYPE numeric;
