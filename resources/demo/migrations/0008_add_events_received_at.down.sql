-- Undo 0008.

ALTER TABLE shop.events DROP COLUMN received_at;
