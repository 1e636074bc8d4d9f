-- Undo 0002.

DROP TABLE shop.products;

DROP TABLE shop.customers;
