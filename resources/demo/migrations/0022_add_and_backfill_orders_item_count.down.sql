-- Undo 0022.

ALTER TABLE shop.orders DROP COLUMN item_count;
