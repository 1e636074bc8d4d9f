-- Undo 0007.

ALTER TABLE shop.orders DROP COLUMN currency;
