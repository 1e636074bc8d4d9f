-- Undo 0003.

DROP TABLE shop.order_items;

DROP TABLE shop.orders;
