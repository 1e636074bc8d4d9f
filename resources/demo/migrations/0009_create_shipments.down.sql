-- Undo 0009.

DROP TABLE shop.shipments;
