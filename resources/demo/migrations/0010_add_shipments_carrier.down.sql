-- Undo 0010.

ALTER TABLE shop.shipments DROP COLUMN carrier;
