-- Undo 0016.

ALTER TABLE shop.events DROP CONSTRAINT events_customer_id_fkey;
