-- Undo 0004.

DROP TABLE shop.events;

DROP TABLE shop.payments;
