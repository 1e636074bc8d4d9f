-- Undo 0005.

DROP INDEX shop.orders_created_at_idx;
