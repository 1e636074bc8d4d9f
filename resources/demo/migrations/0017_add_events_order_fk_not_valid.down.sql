-- Undo 0017.

ALTER TABLE shop.events DROP CONSTRAINT events_order_id_fkey;
